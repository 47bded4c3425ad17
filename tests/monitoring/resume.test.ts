// Crash-resume and scale-out: real `perisai worker` processes are
// SIGKILLed mid-task; their tasks' leases expire, another worker continues from the stored done ranges,
// and the job ends with exactly the observations of a single-process scan of the same job (same seed,
// same permutation) — nothing lost, nothing stored twice. Runs on SQLite (workers share the file,
// LocalQueue) and on PostgreSQL (pg-boss). Targets: loopback only.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { freePort, listen, loopbackAgency, observationSet, queueFor, runInProcess, spawnWorker, stopChild, waitFor, waitJob } from './helpers.js';
import type { WorkerChild } from './helpers.js';

const SLICE_RE = /slice task=(\S+) seq=\d+ \[(\d+),(\d+)\) of \[(\d+),(\d+)\) stored/;

/** The first stored slice that leaves its task unfinished (so a kill right after it is mid-task). */
async function midTaskSlice(child: WorkerChild): Promise<RegExpExecArray> {
  return waitFor('a mid-task slice', async () => {
    for (const l of child.lines) {
      const m = SLICE_RE.exec(l);
      if (m !== null && Number(m[3]) < Number(m[5])) return m;
    }
    if (child.proc.exitCode !== null) throw new Error(`worker exited:\n${child.lines.join('\n')}`);
    return undefined;
  }, 60_000, 10);
}

storeSuite('monitoring: crash-resume and scale-out', (env) => {
  test('a worker killed mid-task (SIGKILL): the task resumes from its done ranges; nothing lost or counted twice', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const a = await listen();
    const b = await listen();
    const closed = await freePort();
    const agency = await loopbackAgency(store, ['127.0.0.1/32', '127.87.0.0/26']);
    const def = { agencyId: agency.id, targets: ['127.0.0.1/32', '127.87.0.0/26'], ports: [a.port, b.port, closed], profile: 'ports', vantage: 'internal' as const, slotsPerTask: 64, seed: '424242', requestedBy: 'test' };
    const reference = await createScanJob(store, 'all', def);
    await runInProcess(store, url, reference.id);
    const expected = await observationSet(store, reference.id);
    assert.equal(expected.length, 65 * 4, '65 hosts: a host line and 3 port lines each');

    const job = await createScanJob(store, 'all', def);
    const queue = queueFor(store, url);
    await queue.publish((await store.scans.tasks('all', job.id)).map((t) => ({ id: t.id, zone: t.zone })));
    const child = spawnWorker(url, ['--lease-ms', '1500', '--slice-slots', '8', '--max-rate', '40', '--timeout', '500']);
    let line: RegExpExecArray;
    try {
      line = await midTaskSlice(child);
    } finally {
      await stopChild(child, 'SIGKILL');
    }
    const taskId = line[1]!;
    const killed = await store.scans.task(taskId);
    assert.equal(killed.status, 'running', 'killed mid-task: still leased to the dead worker');
    assert.ok(killed.doneCount > 0 && killed.doneCount < killed.range[1] - killed.range[0], `partly done (${killed.doneCount})`);
    const before = await store.observations.count('all', job.id);
    assert.ok(before > 0);
    await queue.stop();

    // Another worker: the sweep requeues the expired lease and continues where the dead one stopped.
    await runInProcess(store, url, job.id);
    const resumed = await store.scans.task(taskId);
    assert.equal(resumed.status, 'done');
    assert.ok(resumed.attempt >= 2, 'claimed again after the crash');
    assert.deepEqual(await observationSet(store, job.id), expected);
    assert.equal(await store.observations.count('all', job.id), expected.length, 'no row twice');
    const p = await store.scans.progress('all', job.id);
    assert.equal(p.done, p.planned);
    await a.close();
    await b.close();
  });

  test('three worker processes share one large job, one is killed mid-task; the result equals a single-process scan', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const ls = [await listen(), await listen(), await listen()];
    const closed = await freePort();
    const agency = await loopbackAgency(store, ['127.0.0.1/32', '127.87.0.0/24']);
    const def = { agencyId: agency.id, targets: ['127.0.0.1/32', '127.87.0.0/24'], ports: [...ls.map((l) => l.port), closed], profile: 'ports', vantage: 'internal' as const, slotsPerTask: 64, seed: '777', requestedBy: 'test' };
    const reference = await createScanJob(store, 'all', def);
    await runInProcess(store, url, reference.id);
    const expected = await observationSet(store, reference.id);
    assert.equal(expected.length, 257 * 5);

    const job = await createScanJob(store, 'all', def);
    const queue = queueFor(store, url);
    await queue.publish((await store.scans.tasks('all', job.id)).map((t) => ({ id: t.id, zone: t.zone })));
    await queue.stop();
    const args = ['--lease-ms', '1500', '--slice-slots', '16', '--max-rate', '60', '--timeout', '500'];
    const workers: WorkerChild[] = [spawnWorker(url, args), spawnWorker(url, args), spawnWorker(url, args)];
    try {
      // PostgreSQL: the workers pull through pg-boss; SQLite: they claim from the shared file's task table.
      for (const w of workers) await w.waitLine(env.dialect === 'postgres' ? /pg-boss queue/ : /local queue/, 30_000);
      const victim = workers[0]!;
      const hit = await midTaskSlice(victim);
      await stopChild(victim, 'SIGKILL');
      const taskId = hit[1]!;
      await waitJob(store, job.id, 120_000);
      const t = await store.scans.task(taskId);
      assert.equal(t.status, 'done');
      assert.ok(t.attempt >= 2, 'the killed worker\'s task was finished by another worker');
      // Every surviving worker did part of the job.
      const owners = await waitFor('worker logs', async () => (workers.slice(1).every((w) => w.lines.some((l) => SLICE_RE.test(l))) ? true : undefined), 5000);
      assert.ok(owners);
    } finally {
      for (const w of workers) await stopChild(w);
    }
    // The survivors stop cleanly on SIGTERM.
    assert.deepEqual(await Promise.all(workers.slice(1).map((w) => w.exited)), [0, 0]);
    assert.deepEqual(await observationSet(store, job.id), expected);
    assert.equal(await store.observations.count('all', job.id), expected.length);
    assert.equal((await store.scans.getJob('all', job.id)).status, 'completed');
    for (const l of ls) await l.close();
  });
});
