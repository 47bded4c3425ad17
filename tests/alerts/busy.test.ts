// A busy database costs the background loops no work (src/store/errors.ts retryOnBusy): while ANOTHER
// connection holds SQLite's single write lock — what a long import or a backup did to `perisai serve` —
// the dispatcher records its send once the lock is free (no lost record, no second send), and a
// housekeeping step runs again instead of being logged as failed.
// SQLite only, on purpose: the single write lock is SQLite's; PostgreSQL writers lock rows and wait.
// The lock is taken and released on events (the loops' own "database busy" log lines), not on timers.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Dispatcher, RULE_PRESETS, validateChannelConfig } from '../../src/alerts/index.js';
import { startHousekeeping } from '../../src/api/housekeeping.js';
import { createStore, isBusy, retryOnBusy } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { seedCity } from '../store/fixtures.js';
import { startHttp } from './receivers.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as typeof import('better-sqlite3');
const dir = mkdtempSync(join(tmpdir(), 'perisai-busy-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A store whose busy_timeout is short (so a held lock fails fast), and a second connection that can hold the write lock. */
async function twoWriters(): Promise<{ store: Store; lock(): void; release(): void; close(): Promise<void> }> {
  const path = join(dir, `busy-${++n}.db`);
  const store = await createStore({ url: `sqlite://${path}`, sqlitePragmas: { busy_timeout: 20 }, sqliteBusyWaitMs: 0 });
  const other = new Database(path, { timeout: 20 });
  return {
    store,
    lock: () => void other.exec('begin immediate'),
    release: () => {
      if (other.inTransaction) other.exec('commit');
    },
    close: async () => {
      other.close();
      await store.close();
    },
  };
}

describe('background work on a busy SQLite database', () => {
  it('retryOnBusy waits out another connection\'s write lock; without it the write fails with a busy error', async () => {
    const w = await twoWriters();
    try {
      w.lock();
      await assert.rejects(w.store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' }), (e: unknown) => isBusy(e));
      const waits: number[] = [];
      const a = await retryOnBusy(() => w.store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' }), {
        baseMs: 1,
        onBusy: (attempt, ms) => {
          waits.push(ms);
          if (attempt === 2) w.release();
        },
      });
      assert.equal(a.code, 'KOTA');
      assert.equal(waits.length, 2, 'busy twice, then written');
      assert.ok(waits[1]! > waits[0]!, 'the wait grows');
      assert.equal((await w.store.agencies.list('all')).length, 1, 'written once');
    } finally {
      await w.close();
    }
  });

  it('the dispatcher records a send made while the lock was taken, and sends it once', async () => {
    const w = await twoWriters();
    const http = await startHttp();
    try {
      const c = await seedCity(w.store);
      const hook = await w.store.alerts.addChannel({ name: 'soc-webhook', kind: 'webhook', config: validateChannelConfig('webhook', { url: `${http.url}/hook` }) });
      await w.store.alerts.addRule({ name: 'smb', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [hook.id] });
      await w.store.outbox.enqueue([{ topic: 'change.port-opened', dedupKey: 'busy-1', agencyId: c.rsud.id, payload: { agencyId: c.rsud.id, ip: '198.18.5.10', port: 445 } }]);
      const lines: string[] = [];
      const d = new Dispatcher(w.store, {
        lockMs: 60_000,
        // Right after the webhook accepted the message, another process takes the write lock …
        hooks: { afterSend: () => w.lock() },
        log: (line) => {
          lines.push(line);
          // … and lets go once the dispatcher has been told the database is busy.
          if (/recording a send: database busy/.test(line)) w.release();
        },
      });
      const r = await d.runOnce();
      assert.equal(r.sent, 1);
      assert.equal(r.completed, 1);
      assert.ok(lines.some((l) => /database busy, retry 1/.test(l)), lines.join('\n'));
      const [delivery] = await w.store.alerts.deliveriesOf(1);
      assert.equal(delivery?.status, 'sent', 'the send is recorded');
      assert.equal((await w.store.outbox.list('all', { pendingOnly: true })).length, 0, 'the message is delivered');
      assert.equal((await d.runOnce()).claimed, 0, 'nothing left to send');
      assert.equal(http.requests.filter((x) => x.url === '/hook').length, 1, 'sent exactly once');
    } finally {
      await http.close();
      await w.close();
    }
  });

  it('a housekeeping step that meets the lock runs again instead of failing', async () => {
    const w = await twoWriters();
    try {
      await seedCity(w.store);
      const lines: string[] = [];
      w.lock();
      const hk = startHousekeeping(w.store, {
        intervalMs: 3_600_000,
        log: (line) => {
          lines.push(line);
          if (/database busy/.test(line)) w.release();
        },
      });
      const run = await hk.runOnce();
      await hk.stop();
      assert.ok(lines.some((l) => /database busy, retry 1/.test(l)), lines.join('\n'));
      assert.ok(!lines.some((l) => /failed/.test(l)), lines.join('\n'));
      assert.notEqual(run.sessions, null);
      assert.notEqual(run.snapshot, null);
    } finally {
      await w.close();
    }
  });
});
