// Surviving the database (docs/deploy.md "Surviving database restarts"): a distributed scan on a real
// PostgreSQL — a `perisai serve` and a `perisai worker` process, pg-boss between them — while the database
// is restarted three times (`pg_ctl restart -m fast`: sessions terminated with 57P01, new ones refused
// with 57P03 while it goes down and comes up). Neither process may exit; the job must complete with
// exactly the observations of a single-process scan of the same job (same seed, same permutation).
// PostgreSQL only: SQLite has no server to restart. Targets: loopback only.

import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { startPostgres } from '../store/pg-server.js';
import type { PgServer } from '../store/pg-server.js';
import { createStore, isConnectionLoss } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { PgBossQueue } from '../../src/queue/pgboss.js';
import { freePort, listen, loopbackAgency, observationSet, runInProcess, spawnCli, spawnWorker, stopChild, waitFor } from './helpers.js';
import type { WorkerChild } from './helpers.js';

/** Read through the outage: a query that meets a restarting database counts as "not yet". */
async function through<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    if (isConnectionLoss(e)) return undefined;
    throw e;
  }
}

describe('monitoring: the database restarts during a distributed scan (postgres)', () => {
  let pg: PgServer | undefined;
  const stores: Store[] = [];
  after(async () => {
    for (const s of stores) await s.close();
    await pg?.stop();
  });

  test('the database goes away while a task runs: the queue\'s completion fails, is handled, and the loop carries on once it is back', async () => {
    pg ??= await startPostgres();
    const server = pg;
    const url = await server.createDatabase('outage');
    const store = await createStore({ url });
    stores.push(store);
    const a = await listen();
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    // Two tasks of one slot each: the first handler call takes the database away.
    const job = await createScanJob(store, 'all', { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [a.port, await freePort()], profile: 'ports', vantage: 'internal', slotsPerTask: 1, seed: '7', requestedBy: 'test' });
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown): void => void unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const errors: { where: string; e: unknown }[] = [];
    const queue = new PgBossQueue(store, url, { pollSeconds: 0.1, onError: (where, e) => errors.push({ where, e }) });
    const handled: string[] = [];
    let loopErrors = 0;
    try {
      await queue.publish((await store.scans.tasks('all', job.id)).map((t) => ({ id: t.id, zone: t.zone })));
      await queue.consume({ zones: [null], owner: 'outage-test', leaseMs: 60_000, onError: () => void loopErrors++ }, async (task) => {
        handled.push(task.id);
        if (handled.length === 1) server.halt(); // pg-boss's work() would now complete this job unawaited
      });
      // (pg-boss 10's fetch() answers [] on any error, so a fetch during the outage is an empty poll.)
      await waitFor('the failed completion', async () => (errors.some((x) => x.where === 'pg-boss complete') ? true : undefined), 30_000, 20);
      assert.ok(errors.every((x) => isConnectionLoss(x.e)), errors.map((x) => `${x.where}: ${String(x.e)}`).join('\n'));
      assert.ok(loopErrors > 0, 'the consumer heard of the outage (its sweep republishes pending tasks)');
      server.resume();
      await waitFor('the second task after the outage', async () => (handled.length >= 2 ? true : undefined), 30_000, 20);
    } finally {
      if (handled.length === 1) server.resume();
      await queue.stop();
      process.off('unhandledRejection', onUnhandled);
      await a.close();
    }
    assert.equal(new Set(handled).size, 2, 'both tasks reached the handler');
    assert.deepEqual(unhandled, [], 'nothing was rejected unheard');
  });

  test('three restarts: serve and worker live on, and the job ends with the single-process result', async () => {
    pg ??= await startPostgres();
    const server = pg;
    const url = await server.createDatabase('restarts');
    const store = await createStore({ url });
    stores.push(store);
    const ls = [await listen(), await listen()];
    const closed = await freePort();
    const agency = await loopbackAgency(store, ['127.0.0.1/32', '127.87.0.0/24']);
    const def = { agencyId: agency.id, targets: ['127.0.0.1/32', '127.87.0.0/24'], ports: [...ls.map((l) => l.port), closed], profile: 'ports', vantage: 'internal' as const, slotsPerTask: 64, seed: '31337', requestedBy: 'test' };
    const reference = await createScanJob(store, 'all', def);
    await runInProcess(store, url, reference.id);
    const expected = await observationSet(store, reference.id);
    assert.equal(expected.length, 257 * 4, '257 hosts: a host line and 3 port lines each');

    const job = await createScanJob(store, 'all', def);
    // Slow enough (2 × 20 probes/s for 771 probes) that three restarts fall inside the scan.
    const args = ['--lease-ms', '3000', '--slice-slots', '8', '--max-rate', '20', '--timeout', '500'];
    const procs: WorkerChild[] = [
      spawnCli(['serve', '--db', url, '--port', '0', '--host', '127.0.0.1', '--tick-ms', '60000', '--verbose', ...args]),
      spawnWorker(url, args),
    ];
    try {
      for (const p of procs) await p.waitLine(/pg-boss queue/, 30_000);
      for (const p of procs) await p.waitLine(/database schema up to date/, 1000); // logged before the queue line
      const planned = job.planned;
      for (let k = 1; k <= 3; k++) {
        // Wait for progress (an event: stored slices), not for time.
        const p = await waitFor(`progress ${k}/5 of job ${job.id}`, async () => {
          const pr = await through(() => store.scans.progress('all', job.id));
          return pr !== undefined && pr.done >= (k * planned) / 5 ? pr : undefined;
        }, 60_000);
        assert.ok(p.done < planned, `restart ${k} falls inside the scan (${p.done} of ${planned} done)`);
        server.restart();
        for (const c of procs) assert.equal(c.proc.exitCode, null, `still running after restart ${k}:\n${c.lines.join('\n')}`);
      }
      const done = await waitFor(`job ${job.id} to complete`, async () => {
        const j = await through(() => store.scans.getJob('all', job.id));
        if (j?.status === 'failed' || j?.status === 'cancelled') throw new Error(`job ${j.status}: ${j.error ?? ''}`);
        return j?.status === 'completed' ? j : undefined;
      }, 120_000);
      assert.equal(done.status, 'completed');
      for (const c of procs) {
        assert.equal(c.proc.exitCode, null, `no process exits:\n${c.lines.join('\n')}`);
        assert.ok(!c.lines.some((l) => /unhandled rejection/.test(l)), `every database error was handled:\n${c.lines.join('\n')}`);
      }
      // The outage was felt, and waited out (not just missed between two queries).
      assert.ok(procs.some((c) => c.lines.some((l) => /database unavailable/.test(l))), procs.map((c) => c.lines.join('\n')).join('\n---\n'));
    } finally {
      const codes = [];
      for (const c of procs) codes.push(await stopChild(c));
      assert.deepEqual(codes, [0, 0], 'both stop cleanly on SIGTERM');
    }
    assert.deepEqual(await observationSet(store, job.id), expected);
    assert.equal(await store.observations.count('all', job.id), expected.length, 'no row twice');
    const p = await store.scans.progress('all', job.id);
    assert.equal(p.done, p.planned);
    for (const l of ls) await l.close();
  });
});
