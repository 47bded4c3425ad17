// A zone with queued work and no live worker raises one alert message per waiting period (topic
// worker.zone-unattended), on both dialects; a live worker of the zone, or work queued for less than the
// threshold, raises none. Injected times only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite, testClock } from '../store/harness.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { ZONE_UNATTENDED_TOPIC, watchZones } from '../../src/worker/zone-watch.js';
import { loopbackAgency } from './helpers.js';

storeSuite('monitoring: zones without a worker', (env) => {
  test('queued work in zone "rsud" with no live rsud worker for 10 minutes: one alert; a live worker silences it', async () => {
    const clock = testClock('2026-01-05T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    await createScanJob(store, 'all', { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [1, 2], profile: 'ports', vantage: 'internal', slotsPerTask: 1, requestedBy: 'test', zone: 'rsud' });
    const after = 10 * 60_000;
    clock.advance(5 * 60_000);
    assert.deepEqual(await watchZones(store, { now: clock.now(), afterMs: after }), [], 'queued for 5 minutes only');
    clock.advance(6 * 60_000);
    assert.deepEqual(await watchZones(store, { now: clock.now(), afterMs: after }), ['rsud']);
    await watchZones(store, { now: clock.now(), afterMs: after });
    const msgs = await store.outbox.list('all', { topic: ZONE_UNATTENDED_TOPIC });
    assert.equal(msgs.length, 1, 'one message per zone and waiting period');
    const p = msgs[0]!.payload as { zone: string; pending: number; severity: string; title: { id: string; en: string } };
    assert.deepEqual([p.zone, p.pending, p.severity], ['rsud', 2, 'high']);
    assert.match(p.title.id, /Zona "rsud"/);
    assert.match(p.title.en, /no live worker/);

    // A worker of that zone heard of within the window: nothing to report.
    await store.workers.heartbeat({ name: 'segmen:1', zones: ['rsud'], version: 'x', queue: 'local', startedAt: clock.now().toISOString(), lastSeenAt: clock.now().toISOString(), currentTask: null, doneLastHour: 0 });
    assert.deepEqual(await watchZones(store, { now: clock.now(), afterMs: after }), []);
  });
});
