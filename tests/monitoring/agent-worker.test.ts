// An enrolled segment worker end to end (docs/deploy.md "A segment worker: from enrolment to systemd unit"):
// `perisai serve` over HTTPS with a self-signed certificate on SQLite; an administrator creates an
// enrolment for zone z1 through the API; `perisai worker --server … --ca-file …` runs as a child process
// whose environment names no database at all. It enrols (credential saved 0600), hands its task back on
// SIGTERM, is killed with SIGKILL mid-task and restarted on its saved credential, which resumes the task from
// its stored done ranges; the job ends with the observations of a single-process run and the open ports of a
// `perisai scan` of the same targets, a zone-z2 job is never touched, and a revoked credential stops the
// worker with the bilingual message. Targets: loopback only.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { hashPassword } from '../../src/api/passwords.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { selfSigned } from '../deploy/tls.js';
import { AUTH, cliArgv, freePort, listen, observationSet, runInProcess, spawnCli, stopChild, waitFor, waitJob } from './helpers.js';
import type { WorkerChild } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-agent-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SLICE_RE = /slice task=(\S+) seq=\d+ \[(\d+),(\d+)\) of \[(\d+),(\d+)\) stored/;
const PASSWORD = 'Uji-agen-segmen-2026!';

/** The environment of a process that must not know of any database. */
function noDatabaseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(PERISAI_|PG|DATABASE_URL$)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

/** A JSON request to the core over HTTPS, trusting its self-signed certificate. */
function call(base: string, ca: Buffer, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown; cookies: string[] }> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), {
      method, ca, headers: { accept: 'application/json', ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text), cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!) });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The first stored slice that leaves its task unfinished. */
function midTaskSlice(child: WorkerChild): Promise<RegExpExecArray> {
  return waitFor('a mid-task slice', async () => {
    for (const l of child.lines) {
      const m = SLICE_RE.exec(l);
      if (m !== null && Number(m[3]) < Number(m[5])) return m;
    }
    if (child.proc.exitCode !== null) throw new Error(`worker exited:\n${child.lines.join('\n')}`);
    return undefined;
  }, 30_000, 10);
}

test('a segment worker enrolled over HTTPS, without a database: scans its zone only, resumes after SIGKILL, stops when revoked', { timeout: 120_000 }, async () => {
  const { certFile, keyFile } = selfSigned(tmp, ['127.0.0.1']);
  const ca = readFileSync(certFile);
  const url = `sqlite://${join(tmp, 'core.db')}`;
  const store: Store = await createStore({ url });
  const open = await listen();
  const closed = await freePort();
  try {
    const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Pemerintah Kota Contoh' });
    const dinkes = await store.agencies.create('all', { kind: 'opd', code: 'DINKES', name: 'Dinas Kesehatan', parentId: city.id });
    const confirm = (cidr: string) => (store.networks.assess(cidr).concerns.length > 0 ? { by: 'uji', reason: 'listeners of the test on this machine' } : null);
    for (const [cidr, zone] of [['127.0.0.1/32', 'z1'], ['127.88.0.0/29', 'z1'], ['127.89.0.0/29', 'z2']] as const) {
      await store.networks.add('all', { agencyId: dinkes.id, cidr, zone, ...AUTH, confirmation: confirm(cidr) });
    }
    await store.users.create({ username: 'admin', displayName: 'Administrator', passwordHash: await hashPassword(PASSWORD), role: 'admin', mustChangePassword: false });
    const z1 = { agencyId: dinkes.id, targets: ['127.0.0.1/32', '127.88.0.0/29'], ports: [open.port, closed], profile: 'ports', vantage: 'internal' as const, zone: 'z1', slotsPerTask: 64, seed: '8080', requestedBy: 'test' };

    // The single-process reference (same seed, same permutation) and a plain `perisai scan` of the targets.
    const reference = await createScanJob(store, 'all', z1);
    await runInProcess(store, url, reference.id, { zone: 'z1' });
    const expected = await observationSet(store, reference.id);
    assert.equal(expected.length, 9 * 3, '9 hosts: a host line and 2 port lines each');
    const scan = spawnSync(process.execPath, [...cliArgv(), 'scan', z1.targets.join(','), '--scope', z1.targets.join(','), '-p', `${open.port},${closed}`, '--format', 'jsonl'], { encoding: 'utf8', env: noDatabaseEnv() });
    assert.equal(scan.status, 0, scan.stderr);
    const openByScan = scan.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { type: string; ip?: string; port?: number; state?: string })
      .filter((r) => r.type === 'port' && r.state === 'open').map((r) => `${r.ip}:${r.port}`).sort();
    assert.deepEqual(openByScan, [`127.0.0.1:${open.port}`]);

    const job = await createScanJob(store, 'all', z1);
    const other = await createScanJob(store, 'all', { ...z1, targets: ['127.89.0.0/29'], zone: 'z2', seed: '9090' });

    const core = spawnCli(['serve', '--db', url, '--data-dir', join(tmp, 'core'), '--port', '0', '--host', '127.0.0.1', '--tls-cert', certFile, '--tls-key', keyFile, '--tick-ms', '60000', '--rate-limit', '0'], noDatabaseEnv());
    const workers: WorkerChild[] = [];
    try {
      const ready = await core.waitLine(/ready: https:\/\/127\.0\.0\.1:\d+\//, 30_000);
      const base = /(https:\/\/127\.0\.0\.1:\d+)\//.exec(ready)![1]!;

      // The administrator creates the enrolment through the API (session cookie + CSRF token).
      const login = await call(base, ca, 'POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
      assert.equal(login.status, 200, JSON.stringify(login.body));
      const admin = { cookie: login.cookies.join('; '), 'x-csrf-token': (login.body as { csrfToken: string }).csrfToken };
      const enrolment = await call(base, ca, 'POST', '/api/v1/workers/enrollments', { name: 'seg-z1', zones: ['z1'] }, admin);
      assert.equal(enrolment.status, 201, JSON.stringify(enrolment.body));
      const token = (enrolment.body as { token: string }).token;
      assert.match(token, /^pse_/);

      const dataDir = join(tmp, 'segment', 'state');
      const credentialFile = join(dataDir, 'worker-credential');
      const args = ['worker', '--server', base, '--ca-file', certFile, '--data-dir', dataDir, '--verbose', '--lease-ms', '10000', '--slice-slots', '2', '--max-rate', '6', '--timeout', '300'];
      const start = (env: Record<string, string> = {}): WorkerChild => {
        const w = spawnCli(args, noDatabaseEnv(env));
        workers.push(w);
        return w;
      };

      // 1. Enrol, and SIGTERM mid-task: the task is handed back at once, the worker exits 0.
      const first = start({ PERISAI_ENROLL_TOKEN: token });
      await first.waitLine(/enrolled as worker \S+ for zone\(s\) z1/, 20_000);
      assert.equal(statSync(credentialFile).mode & 0o777, 0o600);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      const credential = readFileSync(credentialFile, 'utf8').trim();
      assert.match(credential, /^psw_/);
      const handedBack = (await midTaskSlice(first))[1]!;
      assert.equal(await stopChild(first), 0, first.lines.join('\n'));
      const back = await store.scans.task(handedBack);
      assert.equal(back.status, 'pending', 'SIGTERM handed the task back');
      assert.ok(back.doneCount > 0, 'its stored slices stay done');

      // 2. A worker on the saved credential (no token any more), killed with SIGKILL mid-task.
      const second = start();
      const slice = await midTaskSlice(second);
      await stopChild(second, 'SIGKILL');
      const killed = await store.scans.task(slice[1]!);
      assert.equal(killed.status, 'running', 'killed mid-task: still leased to the dead worker');
      assert.match(killed.leaseOwner ?? '', /^agent:/);
      assert.ok(killed.doneCount > 0 && killed.doneCount < killed.range[1] - killed.range[0], `partly done (${killed.doneCount})`);

      // 3. Restarted: once the lease expires it claims the task again and finishes from the done ranges.
      const third = start();
      const done = await waitJob(store, job.id, 40_000);
      assert.equal(done.status, 'completed', 'the core finalized the job');
      assert.deepEqual(await observationSet(store, job.id), expected);
      assert.equal(await store.observations.count('all', job.id), expected.length, 'no row twice');
      const openByAgent = (await store.observations.list('all', job.id, { limit: 1000 })).filter((o) => o.type === 'port' && o.state === 'open').map((o) => `${o.ip}:${o.type === 'port' ? o.port : ''}`).sort();
      assert.deepEqual(openByAgent, openByScan, 'the same open ports as perisai scan');
      const resumed = await store.scans.task(slice[1]!);
      assert.ok(resumed.attempt >= 3, `claimed again after the SIGTERM and the SIGKILL (attempt ${resumed.attempt})`);

      // Its heartbeat is on the workers list (the Worker page), named after its lease owner.
      const heard = await call(base, ca, 'GET', '/api/v1/workers', undefined, admin);
      const row = (heard.body as { items: { name: string; zones: (string | null)[]; queue: string; live: boolean; doneLastHour: number }[] }).items.find((w) => w.queue === 'agent');
      assert.ok(row !== undefined && row.name === killed.leaseOwner && row.live, JSON.stringify(heard.body));
      assert.deepEqual(row.zones, ['z1']);

      // The zone-z2 job was never touched.
      assert.equal((await store.scans.getJob('all', other.id)).status, 'queued');
      for (const t of await store.scans.tasks('all', other.id)) {
        assert.equal(t.status, 'pending');
        assert.equal(t.attempt, 0);
      }

      // 4. Revoked: the worker stops with the bilingual message and a non-zero status.
      const list = await call(base, ca, 'GET', '/api/v1/workers/credentials', undefined, admin);
      assert.equal(list.status, 200, JSON.stringify(list.body));
      const cred = (list.body as { items: { id: string; name: string }[] }).items.find((c) => c.name === 'seg-z1');
      assert.ok(cred !== undefined, JSON.stringify(list.body));
      const revoked = await call(base, ca, 'POST', `/api/v1/workers/credentials/${cred.id}/revoke`, undefined, admin);
      assert.equal(revoked.status, 204, JSON.stringify(revoked.body));
      const code = await Promise.race([third.exited, new Promise<'late'>((r) => setTimeout(() => r('late'), 15_000))]);
      assert.equal(code, 2, third.lines.join('\n'));
      assert.ok(third.lines.some((l) => /dicabut atau tidak dikenal/.test(l) && /revoked or unknown/.test(l)), third.lines.join('\n'));

      // Neither the token nor the credential was ever written to the output.
      for (const w of workers) {
        for (const l of w.lines) assert.ok(!l.includes(token) && !l.includes(credential.split('.')[1]!), `a secret in the output: ${l}`);
      }
    } finally {
      for (const w of workers) await stopChild(w, 'SIGKILL').catch(() => {});
      await stopChild(core);
    }
  } finally {
    await store.close();
    await open.close();
  }
});

// (A missing credential and a plain-http server URL: src/worker/agent-client.test.ts.)
test('perisai worker --server refuses a database and secrets on the command line, in both languages', () => {
  const run = (argv: string[]) => spawnSync(process.execPath, [...cliArgv(), ...argv], { encoding: 'utf8', env: noDatabaseEnv() });
  const withDb = run(['worker', '--server', 'https://127.0.0.1:9', '--db', 'sqlite::memory:']);
  assert.equal(withDb.status, 2);
  assert.match(withDb.stderr, /--server dan --db tidak bisa bersama.* \/ --server and --db do not go together/);
  const token = run(['worker', '--server', 'https://127.0.0.1:9', '--enroll-token', 'pse_rahasia']);
  assert.equal(token.status, 2);
  assert.match(token.stderr, /rahasia tidak pernah diberikan di baris perintah.* \/ secrets are never given on the command line/);
  assert.ok(!token.stderr.includes('pse_rahasia'), 'the refused secret is not echoed');
});
