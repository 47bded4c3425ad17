// Scan jobs, tasks, resumable progress, idempotent ingestion, snapshots and the previous scan, on both dialects.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isPerisaiError } from '../../src/domain/errors.js';
import { diffSnapshots } from '../../src/domain/diff.js';
import type { Observation } from '../../src/domain/observation.js';
import type { JobInput } from '../../src/domain/scan-job.js';
import type { IngestItem, Store } from '../../src/store/index.js';
import { storeSuite, testClock } from './harness.js';
import { AUTH, seedCity } from './fixtures.js';
import type { City } from './fixtures.js';

const port = (ip: string, p: number, state: 'open' | 'closed' | 'filtered' = 'open', service?: string): Observation => ({
  type: 'port', ip, port: p, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : state === 'closed' ? 'conn-refused' : 'no-response', ...(service ? { service } : {}),
});

async function setup(s: Store): Promise<City & { netId: string }> {
  const c = await seedCity(s);
  const n = await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
  return { ...c, netId: n.id };
}

function job(c: City & { netId: string }, extra: Partial<JobInput> = {}): JobInput {
  return {
    agencyId: c.rsud.id, networkId: c.netId, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [139, 445, 3389], vantage: 'internal',
    seed: '12345', requestedBy: 'admin@diskominfo', tasks: [{ start: 0, end: 384 }, { start: 384, end: 768 }], ...extra,
  };
}

storeSuite('scan jobs and ingestion', (env) => {
  it('refuses a job outside the agency\'s registered networks (fail closed)', async () => {
    const s = await env.open();
    const c = await setup(s);
    await assert.rejects(s.scans.createJob('all', job(c, { targets: ['198.18.6.0/24'] })), (e) => isPerisaiError(e, 'E_VALIDATION') && /outside the networks registered to RSUD/.test(e.message));
    await assert.rejects(s.scans.createJob('all', job(c, { agencyId: c.disdik.id })), (e) => isPerisaiError(e, 'E_NOT_FOUND'), 'network of another agency');
    await assert.rejects(s.scans.createJob('all', job(c, { tasks: [{ start: 0, end: 10 }, { start: 5, end: 20 }] })), /overlap/);
    // Dinkes may scan its unit's network (the subtree is its scope)
    const j = await s.scans.createJob('all', job(c, { agencyId: c.dinkes.id, networkId: null }));
    assert.equal(j.status, 'queued');
    assert.equal(j.planned, 768);
  });

  it('ingests batches idempotently: the same batch twice stores the same rows once', async () => {
    const s = await env.open();
    const c = await setup(s);
    const j = await s.scans.createJob('all', job(c));
    const batch: Observation[] = [
      port('198.18.5.10', 445), port('198.18.5.10', 139), port('198.18.5.10', 3389, 'closed'),
      { type: 'host', ip: '198.18.5.10', state: 'up', reason: 'syn-ack', open: 2, closed: 1, filtered: 0, srttMs: 0.4 },
      { type: 'check', ip: '198.18.5.10', port: 445, check: 'ms17-010', state: 'vulnerable', reason: 'STATUS_INSUFF_SERVER_RESOURCES', reasonCode: 'insuff-server-resources', evidence: { status: '0xc0000205' } },
      { type: 'fact', ip: '198.18.5.10', fact: 'os', value: { name: 'Windows 7', source: 'smb-ntlm', wannacryRisk: true } },
    ];
    assert.deepEqual(await s.observations.ingestBatch({ jobId: j.id, observations: batch }), { inserted: 6, duplicates: 0 });
    assert.deepEqual(await s.observations.ingestBatch({ jobId: j.id, observations: batch }), { inserted: 0, duplicates: 6 });
    const mixed = [...batch.slice(0, 2), port('198.18.5.11', 445)];
    assert.deepEqual(await s.observations.ingestBatch({ jobId: j.id, observations: mixed }), { inserted: 1, duplicates: 2 });
    assert.equal(await s.observations.count('all', j.id), 7);
    assert.equal(await s.observations.count('all', j.id, { kind: 'port' }), 4);
    // address spelling does not defeat the key
    assert.deepEqual(await s.observations.ingestBatch({ jobId: j.id, observations: [port('198.18.5.11', 445)] }), { inserted: 0, duplicates: 1 });
    const back = await s.observations.list('all', j.id, { ip: '198.18.5.10' });
    assert.deepEqual(back.find((o) => o.type === 'check'), batch[4]);
    assert.deepEqual(back.find((o) => o.type === 'host'), batch[3]);
    assert.deepEqual(back.find((o) => o.type === 'fact'), batch[5]);
    // A check stored before reason codes were kept (none in the row) comes back without one; a code with no evidence keeps both apart.
    await s.observations.ingestBatch({ jobId: j.id, observations: [
      { type: 'check', ip: '198.18.5.10', port: 139, check: 'ms17-010', state: 'unknown', evidence: { status: '0xc0000001' } },
      { type: 'check', ip: '198.18.5.10', port: 0, check: 'smb-signing', state: 'unknown', reasonCode: 'incomplete' },
    ] });
    const checks = (await s.observations.list('all', j.id, { ip: '198.18.5.10', kind: 'check' })).sort((a, b) => (a as { port: number }).port - (b as { port: number }).port);
    assert.deepEqual(checks.map((o) => (o.type === 'check' ? [o.port, o.reasonCode, o.evidence] : [])), [
      [0, 'incomplete', {}], [139, undefined, { status: '0xc0000001' }], [445, 'insuff-server-resources', { status: '0xc0000205' }],
    ]);
    assert.deepEqual(back.filter((o) => o.type === 'port').sort((a, b) => (a as { port: number }).port - (b as { port: number }).port), [batch[1], batch[0], batch[2]]);
  });

  it('a crashed worker\'s task resumes where its stored progress stops; a zombie worker is refused', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await setup(s);
    const j = await s.scans.createJob('all', job(c));
    const t1 = await s.scans.claimTask({ zone: null, owner: 'worker-a', leaseMs: 60_000 });
    assert.ok(t1 !== undefined);
    assert.equal((await s.scans.getJob('all', j.id)).status, 'running');
    assert.deepEqual(t1.remaining, [t1.range]);
    // worker-a stores two slices, then dies
    await s.observations.ingestBatch({ jobId: j.id, taskId: t1.id, owner: 'worker-a', observations: [port('198.18.5.1', 445)], done: [[t1.range[0], t1.range[0] + 100]] });
    await s.observations.ingestBatch({ jobId: j.id, taskId: t1.id, owner: 'worker-a', observations: [port('198.18.5.2', 445)], done: [[t1.range[0] + 150, t1.range[0] + 200], [9_999, 10_000]] });
    const t2 = await s.scans.claimTask({ zone: null, owner: 'worker-b', leaseMs: 60_000 });
    assert.notEqual(t2?.id, t1.id, 'a live lease is not stolen');
    clock.advance(61_000);
    const t1b = await s.scans.claimTask({ zone: null, owner: 'worker-c', leaseMs: 60_000 });
    assert.equal(t1b?.id, t1.id, 'the expired lease is taken over');
    assert.equal(t1b?.attempt, 2);
    assert.deepEqual(t1b?.remaining, [[t1.range[0] + 100, t1.range[0] + 150], [t1.range[0] + 200, t1.range[1]]], 'progress outside the task range is ignored');
    assert.equal(t1b?.doneCount, 150);
    // the zombie comes back: refused, nothing stored
    await assert.rejects(
      s.observations.ingestBatch({ jobId: j.id, taskId: t1.id, owner: 'worker-a', observations: [port('198.18.5.3', 445)], done: [[0, 384]] }),
      (e) => isPerisaiError(e, 'E_CONFLICT') && /leased to worker-c/.test(e.message),
    );
    assert.equal(await s.observations.count('all', j.id), 2);
    assert.equal(await s.scans.renewLease(t1.id, 'worker-a', 60_000), false);
    assert.equal(await s.scans.renewLease(t1.id, 'worker-c', 60_000), true);
    // re-delivery of worker-a's first slice by worker-c (it re-scans what it thinks is missing): no double count
    await s.observations.ingestBatch({ jobId: j.id, taskId: t1.id, owner: 'worker-c', observations: [port('198.18.5.1', 445), port('198.18.5.4', 445)], done: [[100, 150], [200, 384]] });
    assert.deepEqual((await s.scans.task(t1.id)).remaining, []);
    assert.equal(await s.observations.count('all', j.id), 3);
    const done1 = await s.scans.completeTask(t1.id, 'worker-c');
    assert.equal(done1.jobDone, false);
    await assert.rejects(s.scans.completeTask(t2!.id, 'worker-a'), (e) => isPerisaiError(e, 'E_CONFLICT'));
    const done2 = await s.scans.completeTask(t2!.id, 'worker-b');
    assert.equal(done2.jobDone, true);
    assert.deepEqual(await s.scans.progress('all', j.id), { planned: 768, done: 768, tasks: { pending: 0, running: 0, done: 2, failed: 0, cancelled: 0 } });
    await s.scans.setJobStatus('all', j.id, 'finalizing');
    await assert.rejects(s.scans.setJobStatus('all', j.id, 'finalizing'), (e) => isPerisaiError(e, 'E_CONFLICT'), 'only one finalizer');
    const fin = await s.scans.setJobStatus('all', j.id, 'completed');
    assert.equal(fin.finishedAt, clock.now().toISOString());
    assert.equal(await s.scans.claimTask({ zone: null, owner: 'w', leaseMs: 1000 }), undefined);
  });

  it('zones, failures, retries, expired-lease requeue and cancellation', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await setup(s);
    const j = await s.scans.createJob('all', job(c, { zone: 'rsud', tasks: [{ start: 0, end: 10 }, { start: 10, end: 20, zone: null }] }));
    assert.equal((await s.scans.claimTask({ zone: 'rsud', owner: 'w1', leaseMs: 1000 }))?.seq, 0);
    assert.equal((await s.scans.claimTask({ zone: 'rsud', owner: 'w1', leaseMs: 1000 })), undefined);
    const t = await s.scans.claimTask({ zone: null, owner: 'w2', leaseMs: 1000 });
    assert.equal(t?.seq, 1);
    assert.equal((await s.scans.failTask(t!.id, 'w2', 'EMFILE storm', { retry: true })).status, 'pending');
    clock.advance(5000);
    assert.equal(await s.scans.requeueExpired(), 1, 'w1\'s lease ran out');
    await s.scans.setJobStatus('all', j.id, 'cancelled');
    assert.deepEqual((await s.scans.tasks('all', j.id)).map((x) => x.status), ['cancelled', 'cancelled']);
    assert.equal(await s.scans.claimTask({ zone: null, owner: 'w', leaseMs: 1000 }), undefined);
  });

  it('streams a scan with bounded batches, keeps the summary, and serves snapshots and the previous scan for diffs', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await setup(s);
    const run = async (items: IngestItem[]): Promise<string> => {
      const j = await s.scans.createJob('all', job(c, { tasks: [{ start: 0, end: 768 }] }));
      const t = await s.scans.claimTask({ zone: null, owner: 'w', leaseMs: 60_000 });
      const r = await s.observations.ingestStream({ jobId: j.id, taskId: t!.id, owner: 'w', source: (async function* () { yield* items; })(), batchSize: 3 });
      assert.equal(r.duplicates, 0);
      await s.scans.completeTask(t!.id, 'w');
      await s.scans.setJobStatus('all', j.id, 'completed');
      clock.advance(3_600_000);
      return j.id;
    };
    const summary = { type: 'summary', startedAt: '2025-06-02T01:00:00.000Z', endedAt: '2025-06-02T01:00:09.000Z', durationMs: 9000, hosts: 256, hostsUp: 2, ports: 3, probesPlanned: 768, probesSent: 768, retries: 0, open: 3, closed: 0, filtered: 0, refusedByScope: 0, interrupted: false, engine: { socketLayer: 'tcp_wrap', windowMax: 4096, windowFinal: 4096, timeoutMs: 1000 } } as const;
    const j1 = await run([
      port('198.18.5.10', 445, 'open', 'microsoft-ds'), port('198.18.5.10', 3389), { type: 'progress', done: [[0, 300]] },
      port('198.18.5.20', 445), { type: 'check', ip: '198.18.5.10', port: 445, check: 'ms17-010', state: 'vulnerable' }, summary,
    ]);
    const job1 = await s.scans.getJob('all', j1);
    assert.deepEqual(job1.summary, summary);
    assert.equal(await s.observations.count('all', j1), 4);
    const j2 = await run([
      port('198.18.5.10', 445, 'open', 'microsoft-ds'), port('198.18.5.10', 3389, 'closed'), port('198.18.5.30', 22, 'open', 'ssh'),
      { type: 'check', ip: '198.18.5.10', port: 445, check: 'ms17-010', state: 'not-vulnerable' },
    ]);
    const prev = await s.scans.previousCompleted('all', j2);
    assert.equal(prev?.id, j1);
    assert.equal(await s.scans.previousCompleted('all', j1), undefined);
    const hosts: string[] = [];
    for await (const h of s.observations.byHost('all', j2, 2)) hosts.push(`${h.ip}:${h.observations.length}`);
    assert.deepEqual(hosts, ['198.18.5.10:3', '198.18.5.30:1'], 'paging across page boundaries keeps hosts whole');
    const changes = diffSnapshots(await s.observations.snapshot('all', j1), await s.observations.snapshot('all', j2));
    assert.deepEqual(new Set(changes.map((x) => `${x.kind}:${x.ip}:${'port' in x ? x.port : ''}`)), new Set([
      'port-closed:198.18.5.10:3389', 'check-changed:198.18.5.10:445', 'host-new:198.18.5.30:', 'port-opened:198.18.5.30:22', 'host-gone:198.18.5.20:',
    ]));
    const dinkesOnly = new Set([c.disdik.id]);
    await assert.rejects(s.observations.count(dinkesOnly, j1), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.scans.getJob(dinkesOnly, j1), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    assert.deepEqual(await s.scans.listJobs(dinkesOnly), []);
    assert.equal((await s.scans.listJobs(await s.agencies.scopeOf(c.dinkes.id))).length, 2, 'the parent OPD sees its unit\'s scans');
  });
});
