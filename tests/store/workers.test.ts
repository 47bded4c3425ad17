// Workers' heartbeats (migration 0016_workers) on both dialects: the upsert, the list, and which zones have
// queued work with no live worker.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from './harness.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { loopbackAgency } from '../monitoring/helpers.js';

storeSuite('store: workers', (env) => {
  test('a heartbeat inserts then refreshes its row; zones with pending tasks and no live worker are reported', async () => {
    const store = await env.open();
    const beat = { name: 'host-a:100', zones: [null], version: '0.1.0', queue: 'pg-boss', startedAt: '2026-01-05T01:00:00.000Z', lastSeenAt: '2026-01-05T01:00:00.000Z', currentTask: null, doneLastHour: 0 };
    await store.workers.heartbeat(beat);
    await store.workers.heartbeat({ ...beat, lastSeenAt: '2026-01-05T01:00:15.000Z', currentTask: 'task-1', doneLastHour: 3 });
    await store.workers.heartbeat({ ...beat, name: 'host-b:7', zones: ['rsud', 'dinkes'], lastSeenAt: '2026-01-05T00:10:00.000Z' });
    const all = await store.workers.list();
    assert.deepEqual(all.map((w) => [w.name, w.zones, w.lastSeenAt, w.currentTask, w.doneLastHour]), [
      ['host-a:100', [null], '2026-01-05T01:00:15.000Z', 'task-1', 3],
      ['host-b:7', ['rsud', 'dinkes'], '2026-01-05T00:10:00.000Z', null, 0],
    ]);
    assert.deepEqual((await store.workers.list({ since: '2026-01-05T00:30:00.000Z' })).map((w) => w.name), ['host-a:100']);

    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    const base = { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [1, 2], profile: 'ports', vantage: 'internal' as const, slotsPerTask: 1, requestedBy: 'test' };
    await createScanJob(store, 'all', base);
    await createScanJob(store, 'all', { ...base, zone: 'rsud' });
    await createScanJob(store, 'all', { ...base, zone: 'kecamatan' });
    // host-a (default zone) is live; host-b (rsud) was last seen 50 minutes before `since`.
    const un = await store.workers.unattendedZones('2026-01-05T00:30:00.000Z');
    assert.deepEqual(un.map((z) => [z.zone, z.pending]).sort(), [['kecamatan', 2], ['rsud', 2]]);
    assert.deepEqual((await store.workers.unattendedZones('2026-01-05T00:00:00.000Z')).map((z) => z.zone), ['kecamatan']);
  });
});
