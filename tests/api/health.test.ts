// GET /api/v1/health reports the database (a `select 1` within a second) and the task queue, on both
// dialects; 503 when either does not answer (docs/deploy.md). PostgreSQL also with the pg-boss queue.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { PgBossQueue } from '../../src/queue/pgboss.js';
import { storeSuite } from '../store/harness.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dataDir = mkdtempSync(join(tmpdir(), 'perisai-health-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

storeSuite('api: health', (env) => {
  test('the database and the queue answer: 200 with each part ok; a closed store: 503 unavailable', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const queue = env.dialect === 'postgres' ? new PgBossQueue(store, url) : undefined;
    const app = await buildApp({ store, incidents: { dataDir }, ...(queue !== undefined ? { queue } : {}) });
    try {
      const r = await app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.equal(body.status, 'ok');
      assert.equal(body.database.status, 'ok');
      assert.equal(body.database.dialect, env.dialect);
      assert.ok(Number.isInteger(body.database.ms) && body.database.ms >= 0);
      assert.deepEqual(body.queue, { status: 'ok', kind: queue === undefined ? 'local' : 'pg-boss' });

      await store.close();
      const down = await app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(down.statusCode, 503, down.body);
      const d = down.json();
      assert.equal(d.status, 'unavailable');
      assert.equal(d.database.status, 'unavailable');
      assert.equal(d.database.ms, undefined);
      assert.doesNotMatch(down.body, /postgres:\/\/|sqlite:\/\//, 'no URL or path in a public answer');
    } finally {
      await app.close();
      await queue?.stop();
    }
  });
});
