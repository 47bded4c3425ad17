// Schedules → jobs → LocalQueue worker → finalize with change detection and outbox,
// on SQLite and PostgreSQL (tests/store/harness.ts). Targets are loopback listeners only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { addSchedule, Scheduler } from '../../src/scheduler/scheduler.js';
import { firstAllowed, nextRunAt, planTasks } from '../../src/scheduler/schedule.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { LocalQueue } from '../../src/queue/local.js';
import { parseScanWindow } from '../../src/domain/scan-window.js';
import { freePort, listen, loopbackAgency, queueFor, runInProcess, waitJob } from './helpers.js';
import { WorkerService } from '../../src/worker/service.js';

test('cron next run honours the time zone and forbidden scan windows', () => {
  // 02:00 WIB = 19:00Z the day before.
  assert.equal(nextRunAt('0 2 * * *', 'Asia/Jakarta', new Date('2025-06-02T00:00:00Z'), []).toISOString(), '2025-06-02T19:00:00.000Z');
  // A hospital forbids 01:00–03:00 WIB every day: the 02:00 run waits for 03:00 WIB (20:00Z).
  const deny = [parseScanWindow('never Mon-Sun 01:00-03:00 Asia/Jakarta')];
  assert.equal(nextRunAt('0 2 * * *', 'Asia/Jakarta', new Date('2025-06-02T00:00:00Z'), deny).toISOString(), '2025-06-02T20:00:00.000Z');
  assert.equal(firstAllowed(deny, new Date('2025-06-02T10:00:00Z'))?.toISOString(), '2025-06-02T10:00:00.000Z');
  assert.deepEqual(planTasks(10, 4, 'z'), [{ start: 0, end: 4, zone: 'z' }, { start: 4, end: 8, zone: 'z' }, { start: 8, end: 10, zone: 'z' }]);
  assert.throws(() => nextRunAt('not a cron', 'Asia/Jakarta', new Date(), []), /cron/);
});

storeSuite('monitoring: schedules, jobs, finalize', (env) => {
  test('a due schedule becomes a job; the worker scans and finalizes it; the next run reports each change once', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const a = await listen();
    const b = await listen();
    const later = await freePort(); // nothing listens yet: closed in run 1, open in run 2
    const agency = await loopbackAgency(store, ['127.0.0.1/32', '127.87.0.0/29']);
    let now = new Date('2025-06-02T03:00:30.000Z');
    const s = await addSchedule(store, { agencyId: agency.id, cron: '* * * * *', timeZone: 'Asia/Jakarta', ports: [a.port, b.port, later], profile: 'ports', slotsPerTask: 8, createdBy: 'test' }, now);
    assert.equal(s.nextRunAt, '2025-06-02T03:01:00.000Z');
    const queue = new LocalQueue(store);
    const scheduler = new Scheduler(store, queue, { clock: () => now });
    assert.equal((await scheduler.tick()).started.length, 0, 'not due yet');
    now = new Date('2025-06-02T03:01:05.000Z');
    const t1 = await scheduler.tick();
    assert.equal(t1.started.length, 1);
    const job1 = t1.started[0]!;
    assert.deepEqual([...job1.targets].sort(), ['127.0.0.1/32', '127.87.0.0/29']);
    assert.equal(job1.planned, 9 * 3);
    assert.equal((await store.scans.tasks('all', job1.id)).length, 4);
    assert.equal((await scheduler.tick()).started.length, 0, 'one run per due time');
    assert.equal((await store.schedules.get('all', s.id)).nextRunAt, '2025-06-02T03:02:00.000Z');

    const done1 = await runInProcess(store, url, job1.id);
    assert.equal(done1.status, 'completed');
    const ports1 = await store.observations.list('all', job1.id, { ip: '127.0.0.1', kind: 'port' });
    assert.deepEqual(ports1.map((o) => (o.type === 'port' ? [o.port, o.state] : [0, ''])).sort(), [[a.port, 'open'], [b.port, 'open'], [later, 'closed']].sort());
    // The loopback block answers RST on every address: 8 more hosts up.
    assert.equal(await store.observations.count('all', job1.id, { kind: 'host' }), 9);
    assert.equal((await store.outbox.list('all', { topic: 'change.port-opened' })).length, 0, 'the first scan is the baseline');

    // Between the runs: b closes, `later` opens.
    await b.close();
    const c = await listen(later);
    now = new Date('2025-06-02T03:02:01.000Z');
    const job2 = (await scheduler.tick()).started[0]!;
    await runInProcess(store, url, job2.id);
    const summary = (await store.scans.getJob('all', job2.id)).summary as { previousJobId: string; changes: Record<string, number> };
    assert.equal(summary.previousJobId, job1.id);
    assert.deepEqual(summary.changes, { 'port-opened': 1, 'port-closed': 1 });
    const opened = await store.outbox.list('all', { topic: 'change.port-opened' });
    const closed = await store.outbox.list('all', { topic: 'change.port-closed' });
    assert.equal(opened.length, 1);
    assert.equal(closed.length, 1);
    const p = opened[0]!.payload as { ip: string; port: number; agencyId: string; severity: string; jobId: string };
    assert.deepEqual([p.ip, p.port, p.agencyId, p.jobId], ['127.0.0.1', later, agency.id, job2.id]);
    assert.equal((closed[0]!.payload as { confirmed: boolean }).confirmed, true, 'RST confirms the closing');
    // Finalizing again (a second worker, a retry) changes nothing: exactly once per change.
    assert.equal(await finalizeJob(store, job2.id), undefined);
    assert.equal((await store.outbox.list('all', { topic: 'change.port-opened' })).length, 1);
    await a.close();
    await c.close();
  });

  test('a run due inside a forbidden scan window waits for the window to end', async () => {
    const store = await env.open();
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    const s = await addSchedule(store, { agencyId: agency.id, cron: '0 2 * * *', ports: [1], profile: 'ports', createdBy: 'test' }, new Date('2025-06-02T00:00:00Z'));
    assert.equal(s.nextRunAt, '2025-06-02T19:00:00.000Z');
    // The window is set after the schedule: the scheduler re-checks at run time.
    await store.agencies.setScanWindows('all', agency.id, [parseScanWindow('never Mon-Sun 01:00-03:00 Asia/Jakarta')]);
    const scheduler = new Scheduler(store, new LocalQueue(store), { clock: () => new Date('2025-06-02T19:00:10.000Z') });
    const t = await scheduler.tick();
    assert.equal(t.started.length, 0);
    assert.deepEqual(t.deferred, [{ scheduleId: s.id, until: '2025-06-02T20:00:00.000Z' }]);
    const at3 = new Scheduler(store, new LocalQueue(store), { clock: () => new Date('2025-06-02T20:00:00.000Z') });
    const t2 = await at3.tick();
    assert.equal(t2.started.length, 1);
    assert.equal((await store.schedules.get('all', s.id)).nextRunAt, '2025-06-03T20:00:00.000Z', 'next night, again after the window');
  });

  test('zones: a task of zone "rsud" waits for a worker in that zone (the default-zone worker leaves it)', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const a = await listen();
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    const job = await createScanJob(store, 'all', { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [a.port], profile: 'ports', vantage: 'internal', zone: 'rsud', requestedBy: 't' });
    // A default-zone job queued after it: the default-zone worker runs that one to the end (an event, not a
    // pause), so it has taken work from its queue while the rsud task was there to be taken.
    const canary = await createScanJob(store, 'all', { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [a.port], profile: 'ports', vantage: 'internal', requestedBy: 't' });
    const other = new WorkerService(store, queueFor(store, url), { zone: null, leaseMs: 1500, timeoutMs: 500, owner: 'default-zone' });
    await other.start();
    try {
      assert.equal((await waitJob(store, canary.id)).status, 'completed');
    } finally {
      await other.stop();
    }
    assert.equal((await store.scans.getJob('all', job.id)).status, 'queued');
    const done = await runInProcess(store, url, job.id, { zone: 'rsud' });
    assert.equal(done.status, 'completed');
    await a.close();
  });

  test('a job outside the agency\'s registered networks is refused', async () => {
    const store = await env.open();
    const agency = await loopbackAgency(store, ['127.87.0.0/29']);
    await assert.rejects(createScanJob(store, 'all', { agencyId: agency.id, targets: ['127.88.0.1'], ports: [1], profile: 'ports', vantage: 'internal', requestedBy: 't' }), { code: 'E_VALIDATION' });
  });
});
