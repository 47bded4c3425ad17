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
import { DEFAULT_SCAN_BRAKES, validateScanBrakes } from '../../src/domain/scan-brakes.js';
import type { PerisaiError } from '../../src/domain/errors.js';
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
    // Every minute: allowed only with the minimum interval between scheduled scans set to one minute.
    const brakes = validateScanBrakes({ scheduleMinIntervalMinutes: 1 });
    const s = await addSchedule(store, { agencyId: agency.id, cron: '* * * * *', timeZone: 'Asia/Jakarta', ports: [a.port, b.port, later], profile: 'ports', slotsPerTask: 8, createdBy: 'test' }, now, brakes);
    assert.equal(s.nextRunAt, '2025-06-02T03:01:00.000Z');
    const queue = new LocalQueue(store);
    const scheduler = new Scheduler(store, queue, { clock: () => now, brakes });
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

  test('brakes: five fields only, no more often than the minimum interval, and a stored cron with seconds waits at run time', async () => {
    const store = await env.open();
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    const now = new Date('2025-06-02T00:00:00Z');
    const add = (cron: string, brakes = DEFAULT_SCAN_BRAKES) => addSchedule(store, { agencyId: agency.id, cron, ports: [1], profile: 'ports', createdBy: 'test' }, now, brakes);
    // Seconds (and years): refused in both languages, before anything is stored.
    for (const cron of ['* * * * * * *', '*/5 * * * * *']) {
      await assert.rejects(add(cron), (e: PerisaiError) => {
        assert.equal(e.code, 'E_VALIDATION');
        assert.equal(e.details['field'], 'cron');
        assert.match(e.message, /exactly five fields .*seconds and years are not supported/);
        assert.match(String(e.details['messageId']), /Pola cron tidak valid: gunakan tepat lima kolom .*kolom detik dan tahun tidak didukung/);
        return true;
      });
    }
    // More often than once an hour (the default): every 30 minutes, and twice within an hour once a month.
    for (const [cron, gap] of [['*/30 * * * *', 30], ['0,30 2 1 * *', 30], ['59 1 * * *', undefined]] as const) {
      if (gap === undefined) {
        await add(cron);
        continue;
      }
      await assert.rejects(add(cron), (e: PerisaiError) => {
        assert.equal(e.details['shortestGapMinutes'], gap);
        assert.match(e.message, /30 minute\(s\) apart; scheduled scans of a network must be at least 1 hour\(s\) apart/);
        assert.match(String(e.details['messageId']), /berjalan setiap 30 menit; pemindaian terjadwal satu jaringan paling sering sekali setiap 1 jam/);
        return true;
      });
    }
    await add('0 * * * *'); // exactly an hour apart
    await add('*/30 * * * *', validateScanBrakes({ scheduleMinIntervalMinutes: 30 })); // a lower minimum, configured
    assert.throws(() => validateScanBrakes({ scheduleMinIntervalMinutes: '0' }), /a whole number from 1/);

    // A schedule stored before the rule (a cron with seconds) and a second schedule of the same target.
    const network = (await store.networks.list('all', { agencyId: agency.id }))[0]!;
    for (const old of await store.schedules.list('all')) await store.schedules.remove('all', old.id);
    const legacy = await store.schedules.create('all', {
      agencyId: agency.id, networkId: network.id, cron: '* * * * * * *', timeZone: 'Asia/Jakarta', ports: [1], profile: 'ports', vantage: 'internal', slotsPerTask: 4096,
      nextRunAt: '2025-06-02T03:00:00.000Z', createdBy: 'before the brakes',
    });
    let clock = new Date('2025-06-02T03:00:00.000Z');
    const scheduler = new Scheduler(store, new LocalQueue(store), { clock: () => clock });
    assert.equal((await scheduler.tick()).started.length, 1, 'the first run starts');
    clock = new Date('2025-06-02T03:00:15.000Z'); // the next scheduler tick: due again (every second)
    const again = await scheduler.tick();
    assert.equal(again.started.length, 0, 'no second scan a tick later');
    // An hour after its last start, less the five minutes a scheduler tick may lag behind the cron.
    assert.deepEqual(again.deferred, [{ scheduleId: legacy.id, until: '2025-06-02T03:55:00.000Z' }], 'it waits for the hour to pass');
    const twin = await add('30 10 * * *'); // 03:30Z: half an hour after the legacy one's first scan … of the agency, not this network
    assert.equal(twin.nextRunAt, '2025-06-02T03:30:00.000Z');
    const sameNetwork = await store.schedules.create('all', { ...twin, networkId: network.id, nextRunAt: '2025-06-02T03:30:00.000Z', createdBy: 'test' });
    clock = new Date('2025-06-02T03:30:00.000Z');
    const t = await scheduler.tick();
    assert.deepEqual(t.started.map((j) => j.scheduleId), [twin.id], 'another target (the whole agency) is not held back');
    assert.deepEqual(t.deferred.find((x) => x.scheduleId === sameNetwork.id), { scheduleId: sameNetwork.id, until: '2025-06-03T03:30:00.000Z' }, 'the same network waits for its next run after the hour');
    clock = new Date('2025-06-02T04:00:00.000Z');
    assert.deepEqual((await scheduler.tick()).started.map((j) => j.scheduleId), [legacy.id], 'an hour later the stored schedule scans again');
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
