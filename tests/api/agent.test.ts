// Enrolled segment workers through the API (src/api/routes/agent.ts, docs/api.md "Enrolled segment
// workers") on SQLite and PostgreSQL: an administrator's one-time token is traded once for a credential;
// the credential claims only its zones' tasks, stores slices whose records stay inside the job, completes
// the last task (the core finalizes the job), and reaches nothing else; revoked, it reaches nothing at all.
// The worker here is the test itself speaking the wire contract: no packet leaves the process.

import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createScanJob } from '../../src/scheduler/jobs.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite } from '../store/harness.js';
import { AUTH } from '../store/fixtures.js';
import { login, seedWorld } from './fixture.js';
import type { World } from './fixture.js';

interface Claimed { task: { id: string; jobId: string; zone: string; range: [number, number]; done: [number, number][]; remaining: [number, number][]; attempt: number }; job: { id: string; targets: string[]; ports: number[]; seed: string; profile: string } }

function agentClient(app: FastifyInstance, credential: string) {
  return (method: 'POST' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url, headers: { authorization: `Bearer ${credential}` }, ...(payload !== undefined ? { payload } : {}) });
}

/** Zones z1 (a block of Dinkes) and z2 (a block of Disdik), and one job in each: two tasks of two probes. */
async function zonedJobs(w: World) {
  await w.store.networks.add('all', { agencyId: w.city.dinkes.id, cidr: '198.18.1.0/25', zone: 'z1', ...AUTH });
  await w.store.networks.add('all', { agencyId: w.city.disdik.id, cidr: '198.18.3.0/25', zone: 'z2', ...AUTH });
  const base = { ports: [139, 445], profile: 'ransomware', vantage: 'internal' as const, slotsPerTask: 2, requestedBy: 'uji' };
  const j1 = await createScanJob(w.store, 'all', { ...base, agencyId: w.city.dinkes.id, targets: ['198.18.1.64/31'], zone: 'z1' });
  const j2 = await createScanJob(w.store, 'all', { ...base, agencyId: w.city.disdik.id, targets: ['198.18.3.64/31'], zone: 'z2' });
  return { j1, j2 };
}

async function enroll(w: World, zones: string[], hours?: number): Promise<{ token: string; id: string }> {
  const admin = await login(w.app, 'admin');
  const r = await admin.req('POST', '/api/v1/workers/enrollments', { name: `Segmen ${zones.join('+')}`, zones, ...(hours !== undefined ? { expiresInHours: hours } : {}) });
  assert.equal(r.statusCode, 201, r.body);
  return r.json() as { token: string; id: string };
}

async function observationCount(store: Store, jobId: string): Promise<number> {
  return (await store.observations.list('all', jobId, { limit: 100_000 })).length;
}

storeSuite('API enrolled segment workers', (env) => {
  test('enrollment: admin only, named zones only, token once, not after expiry; audited', async () => {
    let now = Date.parse('2026-04-01T01:00:00.000Z');
    const clock = (): Date => new Date(now);
    const store = await env.open({ clock });
    const w = await seedWorld(store, { clock });
    try {
      await zonedJobs(w);
      const admin = await login(w.app, 'admin');
      const analyst = await login(w.app, 'analis');
      assert.equal((await analyst.req('POST', '/api/v1/workers/enrollments', { name: 'x', zones: ['z1'] })).statusCode, 403);
      assert.equal((await analyst.req('GET', '/api/v1/workers/enrollments')).statusCode, 403);
      const bad = await admin.req('POST', '/api/v1/workers/enrollments', { name: 'x', zones: ['z1', 'nowhere'] });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.json().error.message, /nowhere/);
      assert.match(bad.json().error.messageId, /zona nowhere/);
      assert.deepEqual((await admin.req('GET', '/api/v1/workers/zones')).json(), { items: ['z1', 'z2'] });

      const e = await enroll(w, ['z1']);
      assert.match(e.token, /^pse_[A-Za-z0-9_-]{43}$/);
      const pending = (await admin.req('GET', '/api/v1/workers/enrollments')).json() as { items: Record<string, unknown>[] };
      assert.deepEqual(pending.items.map((x) => [x['id'], x['zones'], x['expiresAt'], 'token' in x]), [[e.id, ['z1'], '2026-04-02T01:00:00.000Z', false]]);
      assert.ok(!JSON.stringify(await store.audit.list({ limit: 1000 })).includes(e.token), 'the token is in no audit row');

      const first = await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: e.token, name: 'pc-segmen', version: '1.0.0' } });
      assert.equal(first.statusCode, 201, first.body);
      const got = first.json() as { workerId: string; credential: string; zones: string[] };
      assert.deepEqual(got.zones, ['z1']);
      assert.match(got.credential, new RegExp(`^psw_${got.workerId}\\.[A-Za-z0-9_-]{43}$`));
      const again = await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: e.token, version: '1.0.0' } });
      assert.equal(again.statusCode, 401);
      assert.equal(again.json().error.code, 'E_AUTH');
      assert.match(again.json().error.messageId, /Token pendaftaran/);
      assert.deepEqual((await admin.req('GET', '/api/v1/workers/enrollments')).json().items, []);

      const late = await enroll(w, ['z2'], 1);
      now += 2 * 3_600_000;
      assert.equal((await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: late.token, version: '1.0.0' } })).statusCode, 401);

      // Two hours on, the sessions above have timed out: a fresh one.
      const creds = (await (await login(w.app, 'analis')).req('GET', '/api/v1/workers/credentials')).json() as { items: { id: string; name: string; zones: string[]; revokedAt: string | null }[] };
      assert.deepEqual(creds.items.map((c) => [c.id, c.name, c.zones, c.revokedAt]), [[got.workerId, 'Segmen z1', ['z1'], null]]);

      const audit = await store.audit.list({ limit: 1000 });
      const rows = (action: string) => audit.filter((a) => a.action === action).map((a) => [a.outcome, a.status]);
      assert.deepEqual(rows('worker.enrollment.create').sort(), [['denied', 403], ['failure', 400], ['success', 201], ['success', 201]].sort());
      assert.deepEqual(rows('worker.enroll').sort(), [['denied', 401], ['denied', 401], ['success', 201]].sort());
      const ok = audit.find((a) => a.action === 'worker.enroll' && a.outcome === 'success')!;
      assert.equal(ok.targetId, got.workerId);
      assert.deepEqual([ok.details?.['workerName'], ok.details?.['zones']], ['pc-segmen', ['z1']]);
    } finally {
      await w.app.close();
    }
  });

  test('a worker that made its own credential: only its hash is sent, a lost answer is asked for again, the token alone gets nothing', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      await zonedJobs(w);
      const e = await enroll(w, ['z1']);
      const workerId = randomUUID();
      const credential = `psw_${workerId}.${randomBytes(32).toString('base64url')}`;
      const sha = (v: string): string => createHash('sha256').update(v).digest('hex');
      const post = (payload: object) => w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload });
      const body = { token: e.token, version: '1.0.0', workerId, secretHash: sha(credential) };

      const half = await post({ token: e.token, version: '1.0.0', workerId });
      assert.equal(half.statusCode, 400, half.body);
      assert.match(half.json().error.messageId, /workerId dan secretHash/);
      const first = await post(body);
      assert.equal(first.statusCode, 201, first.body);
      assert.deepEqual(first.json(), { workerId, zones: ['z1'] }, 'no credential in the answer: the worker has it');
      // The answer was lost: the same request again is confirmed, with nothing new made.
      const again = await post(body);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json(), { workerId, zones: ['z1'] });
      // The token without the secret, or for another id: nothing.
      assert.equal((await post({ ...body, secretHash: sha(`${credential}x`) })).statusCode, 401);
      assert.equal((await post({ ...body, workerId: randomUUID() })).statusCode, 401);

      const beat = { version: '1.0.0', startedAt: new Date().toISOString(), currentTask: null, doneLastHour: 0 };
      assert.equal((await agentClient(w.app, credential)('POST', '/api/v1/agent/heartbeat', beat)).statusCode, 204);
      assert.equal((await agentClient(w.app, `psw_${workerId}.${randomBytes(32).toString('base64url')}`)('POST', '/api/v1/agent/heartbeat', beat)).statusCode, 401);
      assert.deepEqual((await store.workerCredentials.list()).map((c) => c.id), [workerId]);

      const rows = (await store.audit.list({ limit: 1000 })).filter((a) => a.action === 'worker.enroll');
      assert.deepEqual(rows.map((a) => [a.outcome, a.status]).sort(), [['failure', 400], ['success', 201], ['success', 200], ['denied', 401], ['denied', 401]].sort());
      assert.equal(rows.find((a) => a.status === 200)?.details?.['repeated'], true);
      assert.ok(!JSON.stringify(rows).includes(credential.split('.')[1]!), 'the secret is in no audit row');
    } finally {
      await w.app.close();
    }
  });

  test('a credential claims only its zones\' tasks, stores slices inside the job, and completing the last task finalizes the job', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const { j1, j2 } = await zonedJobs(w);
      const e = await enroll(w, ['z1']);
      const { credential, workerId } = (await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: e.token, version: '1.0.0' } })).json() as { credential: string; workerId: string };
      const agent = agentClient(w.app, credential);
      const z2task = (await store.scans.tasks('all', j2.id))[0]!;

      // Heartbeat: the workers list shows it with queue kind "agent".
      const hb = await agent('POST', '/api/v1/agent/heartbeat', { version: '1.0.0', startedAt: '2026-04-01T00:00:00Z', currentTask: null, doneLastHour: 0 });
      assert.equal(hb.statusCode, 204, hb.body);
      const listed = (await (await login(w.app, 'admin')).req('GET', '/api/v1/workers')).json().items as { name: string; queue: string; zones: string[] }[];
      assert.deepEqual(listed.map((x) => [x.name, x.queue, x.zones]), [[`agent:${workerId}`, 'agent', ['z1']]]);

      // Claims: both z1 tasks, never z2's, then nothing.
      const claimed: Claimed[] = [];
      for (;;) {
        const r = await agent('POST', '/api/v1/agent/tasks/claim', { leaseMs: 60_000 });
        if (r.statusCode === 204) break;
        assert.equal(r.statusCode, 200, r.body);
        claimed.push(r.json() as Claimed);
      }
      assert.deepEqual(claimed.map((c) => [c.task.jobId, c.task.zone, c.task.attempt]), [[j1.id, 'z1', 1], [j1.id, 'z1', 1]]);
      assert.deepEqual(claimed[0]!.job, { id: j1.id, targets: ['198.18.1.64/31'], ports: [139, 445], seed: j1.seed, profile: 'ransomware' });
      assert.deepEqual(claimed.map((c) => c.task.range).sort((a, b) => a[0] - b[0]), [[0, 2], [2, 4]]);
      assert.equal((await store.scans.task(z2task.id)).status, 'pending');
      assert.equal((await store.scans.task(claimed[0]!.task.id)).leaseOwner, `agent:${workerId}`);

      // Another zone's task does not exist for this worker.
      for (const [url, body] of [['renew', { leaseMs: 60_000 }], ['slices', { records: [], done: [] }], ['complete', undefined], ['fail', { error: 'x', retry: true }]] as const) {
        const r = await agent('POST', `/api/v1/agent/tasks/${z2task.id}/${url}`, body);
        assert.equal(r.statusCode, 404, `${url}: ${r.body}`);
        assert.ok(!r.body.includes(j2.id), 'nothing of the other zone\'s job is disclosed');
      }
      assert.equal((await store.scans.task(z2task.id)).status, 'pending');

      const [a, b] = claimed.sort((x, y) => x.task.range[0] - y.task.range[0]) as [Claimed, Claimed];
      const ip = '198.18.1.64';
      const good = [
        { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
        { type: 'port', ip, port: 139, proto: 'tcp', state: 'filtered', reason: 'no-response' },
        { type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 1 },
        { type: 'check', ip, port: 445, check: 'ms17-010', state: 'vulnerable', reason: 'MS17-010 unpatched (uji)' },
      ];
      // Refused whole, nothing stored: an address outside the job, a port the job does not scan, a
      // done range outside the task, a malformed record.
      const refused: [string, unknown][] = [
        ['ip', { records: [good[0], { ...good[0], ip: '198.18.3.64' }], done: [[0, 1]] }],
        ['ip of the same network outside the job', { records: [{ ...good[0], ip: '198.18.1.66' }], done: [] }],
        ['port', { records: [{ ...good[0], port: 3389 }], done: [] }],
        ['check port', { records: [{ ...good[3], port: 22 }], done: [] }],
        ['done', { records: [good[0]], done: [[1, 3]] }],
        ['malformed', { records: [{ type: 'port', ip: 'not-an-ip', port: 445, state: 'open' }], done: [] }],
      ];
      for (const [what, body] of refused) {
        const r = await agent('POST', `/api/v1/agent/tasks/${a.task.id}/slices`, body as object);
        assert.equal(r.statusCode, 400, `${what}: ${r.body}`);
        assert.equal(r.json().error.code, 'E_VALIDATION');
      }
      assert.equal(await observationCount(store, j1.id), 0);
      assert.equal((await store.scans.task(a.task.id)).doneCount, 0);

      const s1 = await agent('POST', `/api/v1/agent/tasks/${a.task.id}/slices`, { records: good, done: [[0, 1]] });
      assert.equal(s1.statusCode, 200, s1.body);
      assert.deepEqual(s1.json(), { inserted: 3, duplicates: 0 }); // the filtered port is dropped like the direct worker drops it
      const s2 = await agent('POST', `/api/v1/agent/tasks/${a.task.id}/slices`, { records: [good[0]], done: [[1, 2]] });
      assert.deepEqual(s2.json(), { inserted: 0, duplicates: 1 });
      const t1 = await store.scans.task(a.task.id);
      assert.deepEqual([t1.done, t1.doneCount], [[[0, 2]], 2]);
      const stored = await store.observations.list('all', j1.id, { limit: 100 });
      assert.deepEqual(stored.map((o) => `${o.type}:${o.ip}:${'port' in o ? o.port : ''}`).sort(), ['check:198.18.1.64:445', 'host:198.18.1.64:', 'port:198.18.1.64:445']);
      // An empty slice records progress only.
      assert.deepEqual((await agent('POST', `/api/v1/agent/tasks/${b.task.id}/slices`, { records: [], done: [[2, 4]] })).json(), { inserted: 0, duplicates: 0 });
      assert.equal((await store.scans.task(b.task.id)).doneCount, 2);

      assert.deepEqual((await agent('POST', `/api/v1/agent/tasks/${a.task.id}/renew`, { leaseMs: 30_000 })).json(), { ok: true });
      assert.deepEqual((await agent('POST', `/api/v1/agent/tasks/${a.task.id}/complete`)).json(), { jobDone: false });
      // Completed: the lease is gone.
      assert.deepEqual((await agent('POST', `/api/v1/agent/tasks/${a.task.id}/renew`, { leaseMs: 30_000 })).json(), { ok: false });
      assert.equal((await agent('POST', `/api/v1/agent/tasks/${a.task.id}/slices`, { records: [], done: [] })).statusCode, 409);
      // Completing it again (a retry after a lost answer) is not a lost lease: the task is done.
      assert.deepEqual((await agent('POST', `/api/v1/agent/tasks/${a.task.id}/complete`)).json(), { jobDone: false });
      assert.equal((await store.scans.getJob('all', j1.id)).status, 'running');

      const last = await agent('POST', `/api/v1/agent/tasks/${b.task.id}/complete`);
      assert.deepEqual(last.json(), { jobDone: true });
      const job = await store.scans.getJob('all', j1.id);
      assert.equal(job.status, 'completed');
      const findings = await store.findings.list('all', { agencyId: w.city.dinkes.id, limit: 1000 });
      const mine = findings.items.filter((f) => f.asset.ip === ip).map((f) => f.ruleId);
      assert.ok(mine.includes('ms17-010'), `findings of ${ip}: ${mine.join(', ')}`);
    } finally {
      await w.app.close();
    }
  });

  test('a worker that failed or lost its task cannot write to it; fail hands it back', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      await zonedJobs(w);
      const creds = [];
      for (let i = 0; i < 2; i++) {
        const e = await enroll(w, ['z1']);
        creds.push(((await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: e.token, version: '1.0.0' } })).json() as { credential: string }).credential);
      }
      const [one, two] = creds.map((c) => agentClient(w.app, c)) as [ReturnType<typeof agentClient>, ReturnType<typeof agentClient>];
      const task = ((await one('POST', '/api/v1/agent/tasks/claim', { leaseMs: 60_000 })).json() as Claimed).task;
      // Another worker of the same zone: the task is visible (same zone) but not its to write.
      assert.deepEqual((await two('POST', `/api/v1/agent/tasks/${task.id}/renew`, { leaseMs: 60_000 })).json(), { ok: false });
      assert.equal((await two('POST', `/api/v1/agent/tasks/${task.id}/slices`, { records: [], done: [[task.range[0], task.range[0] + 1]] })).statusCode, 409);
      assert.equal((await two('POST', `/api/v1/agent/tasks/${task.id}/fail`, { error: 'x', retry: false })).statusCode, 409);
      assert.equal((await two('POST', `/api/v1/agent/tasks/${task.id}/complete`)).statusCode, 409, 'running under another worker: not done, not its to complete');
      assert.equal((await store.scans.task(task.id)).doneCount, 0);
      const f = await one('POST', `/api/v1/agent/tasks/${task.id}/fail`, { error: 'worker stopped', retry: true });
      assert.equal(f.statusCode, 204, f.body);
      const back = await store.scans.task(task.id);
      assert.deepEqual([back.status, back.leaseOwner, back.error], ['pending', null, 'worker stopped']);
      assert.equal((await one('POST', `/api/v1/agent/tasks/${task.id}/slices`, { records: [], done: [] })).statusCode, 409);
    } finally {
      await w.app.close();
    }
  });

  test('the credential reaches nothing else, a session reaches no agent route, and a revoked credential nothing at all', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const { j1 } = await zonedJobs(w);
      const e = await enroll(w, ['z1']);
      const { credential, workerId } = (await w.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token: e.token, version: '1.0.0' } })).json() as { credential: string; workerId: string };
      const agent = agentClient(w.app, credential);
      for (const url of ['/api/v1/findings', '/api/v1/assets', '/api/v1/users', '/api/v1/workers', '/api/v1/workers/credentials', '/api/v1/me']) {
        const r = await agent('GET', url);
        assert.equal(r.statusCode, 401, `${url}: ${r.body}`);
        assert.equal(r.json().error.code, 'E_AUTH');
      }
      assert.equal((await agent('POST', '/api/v1/workers/enrollments', { name: 'x', zones: ['z1'] })).statusCode, 401);
      // A session cookie (even an administrator's) is no agent credential.
      const admin = await login(w.app, 'admin');
      assert.equal((await admin.req('POST', '/api/v1/agent/tasks/claim', { leaseMs: 60_000 })).statusCode, 401);
      // Malformed or foreign Authorization headers.
      for (const h of ['Bearer ', `Basic ${credential}`, `Bearer ${credential}x`, `Bearer ${credential.slice(0, -1)}${credential.endsWith('A') ? 'B' : 'A'}`, `Bearer psw_${'0'.repeat(36)}.${'A'.repeat(43)}`]) {
        const r = await w.app.inject({ method: 'POST', url: '/api/v1/agent/tasks/claim', headers: { authorization: h }, payload: { leaseMs: 60_000 } });
        assert.equal(r.statusCode, 401, h);
      }

      const task = ((await agent('POST', '/api/v1/agent/tasks/claim', { leaseMs: 60_000 })).json() as Claimed).task;
      assert.equal(task.jobId, j1.id);
      assert.ok((await store.workerCredentials.get(workerId)).lastUsedAt !== null);
      const analyst = await login(w.app, 'analis');
      assert.equal((await analyst.req('POST', `/api/v1/workers/credentials/${workerId}/revoke`)).statusCode, 403);
      assert.equal((await admin.req('POST', '/api/v1/workers/credentials/nobody/revoke')).statusCode, 404);
      const rv = await admin.req('POST', `/api/v1/workers/credentials/${workerId}/revoke`);
      assert.equal(rv.statusCode, 204, rv.body);
      const calls: [string, object | undefined][] = [
        ['/api/v1/agent/heartbeat', { version: '1', startedAt: '2026-04-01T00:00:00Z', currentTask: null, doneLastHour: 0 }],
        ['/api/v1/agent/tasks/claim', { leaseMs: 60_000 }],
        [`/api/v1/agent/tasks/${task.id}/renew`, { leaseMs: 60_000 }],
        [`/api/v1/agent/tasks/${task.id}/slices`, { records: [], done: [] }],
        [`/api/v1/agent/tasks/${task.id}/complete`, undefined],
        [`/api/v1/agent/tasks/${task.id}/fail`, { error: 'x', retry: true }],
      ];
      for (const [url, body] of calls) {
        const r = await agent('POST', url, body);
        assert.equal(r.statusCode, 401, `${url}: ${r.body}`);
        assert.equal(r.json().error.code, 'E_AUTH');
        assert.match(r.json().error.messageId, /dicabut/);
      }
      const listed = (await admin.req('GET', '/api/v1/workers/credentials')).json().items as { revokedAt: string | null; revokedBy: string | null }[];
      assert.equal(listed[0]!.revokedBy, 'admin');
      assert.ok(listed[0]!.revokedAt !== null);
      const audit = await store.audit.list({ action: 'worker.credential.revoke', limit: 100 });
      assert.deepEqual(audit.map((a) => [a.outcome, a.targetId]).sort(), [['denied', workerId], ['failure', 'nobody'], ['success', workerId]].sort());
    } finally {
      await w.app.close();
    }
  });
});
