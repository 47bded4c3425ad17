// GET /api/v1/workers on both dialects: a real WorkerService's heartbeat is listed with its zone, version,
// queue and live flag; officers and viewers are refused (the authorisation matrix covers the rest).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { LocalQueue } from '../../src/queue/local.js';
import { WorkerService } from '../../src/worker/service.js';
import { login, seedWorld } from './fixture.js';

storeSuite('API workers', (env) => {
  test('a worker\'s heartbeat is listed for administrators and analysts, live while recent', async () => {
    const store = await env.open();
    let now = Date.parse('2026-01-05T01:00:00.000Z');
    const clock = (): Date => new Date(now);
    const w = await seedWorld(store, { clock });
    const queue = new LocalQueue(store, { idleMs: 50 });
    const worker = new WorkerService(store, queue, { zone: 'rsud', leaseMs: 5000, owner: 'segmen-rsud:42', version: '9.9.9', heartbeatMs: 60_000, now: clock });
    await worker.start();
    try {
      await worker.heartbeat();
      const admin = await login(w.app, 'admin');
      const r = await admin.req('GET', '/api/v1/workers');
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.json().items, [{
        name: 'segmen-rsud:42', zones: ['rsud'], version: '9.9.9', queue: 'local', startedAt: '2026-01-05T01:00:00.000Z',
        lastSeenAt: '2026-01-05T01:00:00.000Z', live: true, currentTask: null, doneLastHour: 0,
      }]);
      now += 61_000; // no heartbeat for longer than WORKER_LIVE_MS
      const analyst = await login(w.app, 'analis');
      const later = await analyst.req('GET', '/api/v1/workers');
      assert.equal(later.json().items[0].live, false);
      for (const who of ['petugas.dinkes', 'pimpinan']) {
        assert.equal((await (await login(w.app, who)).req('GET', '/api/v1/workers')).statusCode, 403, who);
      }
    } finally {
      await worker.stop();
    }
  });
});
