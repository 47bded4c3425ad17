// Throughput and zones of the distributed scan (docs/deploy.md "Workers", docs/performance.md
// "Distributed scans"): a worker serving several zones gets the tasks of each and of no other; pg-boss
// hands a worker as many tasks at once as it has free slots and never idles a slot while tasks are queued;
// a coordinator-only `serve` (concurrency 0) scans nothing but still finalizes; and the finalizer's paged
// read gives the same hosts, changes and findings as reading every row in one query.
// Nothing is scanned here: the jobs target the benchmark range 198.18.0.0/15 and tasks are completed by hand.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshots, compareSnapshots } from '../../src/domain/diff.js';
import type { Observation } from '../../src/domain/observation.js';
import type { JobInput, ScanTask } from '../../src/domain/scan-job.js';
import { isPerisaiError } from '../../src/domain/errors.js';
import { LocalQueue } from '../../src/queue/local.js';
import { PgBossQueue } from '../../src/queue/pgboss.js';
import type { TaskQueue } from '../../src/queue/queue.js';
import type { Store } from '../../src/store/index.js';
import { coverageOf } from '../../src/store/repos/observations.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { WorkerService } from '../../src/worker/service.js';
import { storeSuite } from '../store/harness.js';
import { AUTH, finalizeJob as referenceFindings, seedCity } from '../store/fixtures.js';
import { spawnCli, stopChild, waitFor } from './helpers.js';

async function setup(s: Store, zone: string | null = null): Promise<{ agencyId: string; netId: string }> {
  const c = await seedCity(s);
  const n = await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', zone, ...AUTH });
  return { agencyId: c.rsud.id, netId: n.id };
}

function job(c: { agencyId: string; netId: string }, extra: Partial<JobInput> = {}): JobInput {
  return {
    agencyId: c.agencyId, networkId: c.netId, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [139, 445, 3389], vantage: 'internal',
    seed: '12345', requestedBy: 'admin@diskominfo', tasks: [{ start: 0, end: 384 }, { start: 384, end: 768 }], ...extra,
  };
}

function queueOf(s: Store, url: string, pollSeconds: number): TaskQueue {
  return s.dialect === 'postgres' ? new PgBossQueue(s, url, { pollSeconds }) : new LocalQueue(s, { idleMs: pollSeconds * 1000 });
}

async function publishAll(s: Store, q: TaskQueue, jobId: string): Promise<void> {
  await q.publish((await s.scans.tasks('all', jobId)).map((t) => ({ id: t.id, zone: t.zone })));
}

const port = (ip: string, p: number, state: 'open' | 'closed'): Observation => ({ type: 'port', ip, port: p, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : 'conn-refused' });

storeSuite('distributed scans: zones, batch fetch, coordinator, finalize', (env) => {
  it('a worker of zones a and b takes the tasks of both and never those of c', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const c = await setup(s);
    const j = await s.scans.createJob('all', job(c, { tasks: [{ start: 0, end: 10, zone: 'a' }, { start: 10, end: 20, zone: 'b' }, { start: 20, end: 30, zone: 'c' }, { start: 30, end: 40, zone: null }] }));
    const q = queueOf(s, url, 0.2);
    await publishAll(s, q, j.id);
    const got: ScanTask[] = [];
    await q.consume({ zones: ['a', 'b'], owner: 'w-ab', leaseMs: 60_000, concurrency: 2 }, async (t) => {
      got.push(t);
      await s.scans.completeTask(t.id, t.leaseOwner!);
    });
    try {
      await waitFor('both zones', async () => (got.length >= 2 ? true : undefined), 15_000);
      await new Promise((r) => setTimeout(r, 800)); // a few more polls: zone c and the default zone stay untouched
    } finally {
      await q.stop();
    }
    assert.deepEqual(got.map((t) => t.zone).sort(), ['a', 'b']);
    const left = (await s.scans.tasks('all', j.id)).filter((t) => t.status === 'pending').map((t) => t.zone);
    assert.deepEqual(left.sort(), ['c', null].sort());
  });

  it('takes as many tasks at once as it has free slots, and does not wait out the poll between batches', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const c = await setup(s);
    const tasks = Array.from({ length: 9 }, (_, i) => ({ start: i * 10, end: i * 10 + 10 }));
    const j = await s.scans.createJob('all', job(c, { tasks }));
    // A 10-second poll: had any slot waited for it between tasks, nine tasks on three slots would take 20 s.
    const q = queueOf(s, url, 10);
    await publishAll(s, q, j.id);
    let running = 0;
    let most = 0;
    const owners = new Set<string>();
    const started = Date.now();
    await q.consume({ zones: [null], owner: 'w', leaseMs: 60_000, concurrency: 3 }, async (t) => {
      running++;
      most = Math.max(most, running);
      owners.add(t.leaseOwner!);
      await new Promise((r) => setTimeout(r, 150));
      await s.scans.completeTask(t.id, t.leaseOwner!);
      running--;
    });
    let took: number;
    try {
      await waitFor('all nine tasks', async () => ((await s.scans.tasks('all', j.id)).every((t) => t.status === 'done') ? true : undefined), 15_000, 50);
      took = Date.now() - started;
    } finally {
      const stopping = Date.now();
      await q.stop();
      // A loop still claiming when stop() came must not then wait out the 10-second poll.
      assert.ok(Date.now() - stopping < 5_000, `stop() took ${Date.now() - stopping} ms`);
    }
    assert.equal(most, 3, 'three tasks ran at once');
    assert.deepEqual([...owners].sort(), ['w:0', 'w:1', 'w:2'], 'one lease owner per slot');
    assert.ok(took < 5_000, `nine tasks took ${took} ms: a slot waited for the poll`);
  });

  it('serve --concurrency 0: the coordinator claims nothing, and finalizes the job the workers finished', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const c = await setup(s);
    const j = await s.scans.createJob('all', job(c));
    const q = queueOf(s, url, 0.1);
    const coordinator = new WorkerService(s, q, { zones: [null], concurrency: 0, leaseMs: 60_000, sweepMs: 100, owner: 'core' });
    await coordinator.start();
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual((await s.scans.tasks('all', j.id)).map((t) => t.status), ['pending', 'pending'], 'no task claimed by the coordinator');
      // A worker elsewhere runs both tasks (by hand here, without finalizing: as if it died right after).
      for (let i = 0; i < 2; i++) {
        const t = await s.scans.claimTask({ zones: [null], owner: 'remote', leaseMs: 60_000 });
        await s.scans.completeTask(t!.id, 'remote');
      }
      const done = await waitFor('the coordinator to finalize', async () => {
        const x = await s.scans.getJob('all', j.id);
        return x.status === 'completed' ? x : undefined;
      }, 10_000);
      assert.equal(done.status, 'completed');
      const me = (await s.workers.list()).find((w) => w.name === 'core');
      assert.deepEqual(me?.zones, [], 'a coordinator does not count as a worker of any zone');
    } finally {
      await coordinator.stop();
    }
  });

  it('finalize pages by address and gives the same hosts, changes and findings as one unpaged read', async () => {
    const s = await env.open();
    const c = await setup(s);
    const hosts = ['198.18.5.1', '198.18.5.2', '198.18.5.10', '198.18.5.100', '198.18.5.3'];
    const observe = (round: number): Observation[] => hosts.flatMap((ip, h) => [
      { type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 2, filtered: 0 } as Observation,
      port(ip, 139, (h + round) % 2 === 0 ? 'open' : 'closed'),
      port(ip, 445, h === 1 || (round === 1 && h === 3) ? 'open' : 'closed'),
      port(ip, 3389, 'closed'),
      ...(h === 1 ? [{ type: 'check', ip, port: 445, check: 'smbv1', state: round === 0 ? 'vulnerable' : 'not-vulnerable' } as Observation] : []),
    ]);
    const ids: string[] = [];
    const results = [];
    for (let round = 0; round < 2; round++) {
      const j = await s.scans.createJob('all', job(c, { seed: String(round + 1) }));
      await s.observations.ingestBatch({ jobId: j.id, observations: observe(round) });
      for (let i = 0; i < 2; i++) {
        const t = await s.scans.claimTask({ zones: [null], owner: 'w', leaseMs: 60_000 });
        await s.scans.completeTask(t!.id, 'w');
      }
      ids.push(j.id);
      results.push(await finalizeJob(s, j.id));
    }
    const [first, second] = results;
    // Paged by address with pages smaller than a host, one host, and several hosts: same groups as one read.
    const all = await s.observations.list('all', ids[1]!);
    const unpaged = new Map<string, Observation[]>();
    for (const o of all) unpaged.set(o.ip, [...(unpaged.get(o.ip) ?? []), o]);
    for (const size of [1, 4, 9, 5000]) {
      const paged: [string, Observation[]][] = [];
      for await (const h of s.observations.byHost('all', ids[1]!, size)) paged.push([h.ip, h.observations]);
      assert.deepEqual(paged, [...unpaged], `page size ${size}`);
    }
    const after: string[] = [];
    for await (const h of s.observations.byHost('all', ids[1]!, 2, '198.18.5.10')) after.push(h.ip);
    assert.deepEqual(after, [...unpaged.keys()].filter((ip) => ip > '198.18.5.10'));

    // The findings as the store fixture composes them, on a twin store: the same counts as the finalizer's.
    const twin = await env.open();
    const tc = await setup(twin);
    const expected = [];
    for (let round = 0; round < 2; round++) {
      const j = await twin.scans.createJob('all', job(tc, { seed: String(round + 1) }));
      await twin.observations.ingestBatch({ jobId: j.id, observations: observe(round) });
      expected.push(await referenceFindings(twin, j.id, tc.agencyId, 'internal'));
    }
    assert.deepEqual([first!.findings, second!.findings], expected);
    assert.equal(second!.assets, hosts.length);
    // The changes against the previous scan, computed from two unpaged reads.
    const [j0, j1] = [await s.scans.getJob('all', ids[0]!), await s.scans.getJob('all', ids[1]!)];
    const reference = compareSnapshots(buildSnapshots(await s.observations.list('all', ids[0]!)), buildSnapshots(all), { previous: coverageOf(j0), current: coverageOf(j1) });
    assert.deepEqual(second!.changes, reference.changes);
    assert.ok(second!.changes.some((x) => x.kind === 'port-opened' && x.ip === '198.18.5.100' && x.port === 445), 'the fixture has changes to compare');
  });

  it('zone names are checked where a network gets one', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    for (const bad of ['a b', '', 'x'.repeat(65), 'rsud/2', 'zóna']) {
      await assert.rejects(s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.6.0/24', zone: bad, ...AUTH }), (e) => isPerisaiError(e, 'E_VALIDATION') && /zona/.test(e.message) && /zone/.test(e.message), bad);
    }
    const n = await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.6.0/24', zone: 'RSUD_lantai-2', ...AUTH });
    assert.equal(n.zone, 'RSUD_lantai-2');
  });

  it('perisai worker --zone a --zone b,c: one worker for three zones, a warning for zones no network uses', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    await setup(s, 'a');
    const w = spawnCli(['worker', '--db', url, '--zone', 'a', '--zone', 'b,c', '--log-format', 'pretty']);
    try {
      await w.waitLine(/zone\(s\) a, b, c/, 15_000);
      await w.waitLine(/warning: no registered network uses zone "c"/, 15_000);
      assert.ok(w.lines.some((l) => /peringatan: .*zona "b"/.test(l)), w.lines.join('\n'));
      assert.ok(!w.lines.some((l) => /zone "a"/.test(l)), 'zone a has a network');
      const beat = await waitFor('the heartbeat', async () => (await s.workers.list()).find((x) => x.zones.length === 3), 10_000);
      assert.deepEqual([...beat.zones].sort(), ['a', 'b', 'c']);
    } finally {
      await stopChild(w);
    }
    const bad = spawnCli(['worker', '--db', url, '--zone', 'a b']);
    assert.equal(await bad.exited, 2);
    assert.ok(bad.lines.some((l) => /nama zona/.test(l) && /zone name/.test(l)), bad.lines.join('\n'));
  });
});
