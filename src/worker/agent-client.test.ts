// The segment worker's HTTP client against answers the real core gives only in bad moments (a 503 while it
// restarts, a 429, a connection refused), from a scripted HTTP server on loopback: bounded back-off and
// retry, 401 → AgentAuthError (bilingual), 404/409 on a task → lease lost, and no secret in any log line.
// The client against the real core: tests/monitoring/agent-worker.test.ts.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isPerisaiError } from '../domain/errors.js';
import { WORKER_CREDENTIAL } from '../domain/worker-credential.js';
import { AgentAuthError, AgentClient, AgentUnavailableError, parseServerUrl } from './agent-client.js';
import { credentialFor } from './agent.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
interface EnrollBody { token: string; name?: string; version: string; workerId: string; secretHash: string }
const sha = (v: string): string => createHash('sha256').update(v).digest('hex');

async function scripted(handlers: Handler[]): Promise<{ base: string; seen: { path: string; auth: string | undefined }[]; server: Server }> {
  const seen: { path: string; auth: string | undefined }[] = [];
  let i = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      const h = handlers[Math.min(i++, handlers.length - 1)]!;
      h(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address() as { port: number };
  after(() => new Promise<void>((r) => server.close(() => r())));
  return { base: `http://127.0.0.1:${addr.port}`, seen, server };
}

const json = (status: number, body?: unknown, headers: Record<string, string> = {}): Handler => (_req, _b, res) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

const tmp = mkdtempSync(join(tmpdir(), 'perisai-agent-client-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('AgentClient', () => {
  test('a 503 and a 429 are tried again with back-off; the Bearer credential is sent and never logged', async () => {
    const s = await scripted([json(503, { error: { code: 'E_STORAGE', message: 'down', messageId: 'mati' } }), json(429, undefined, { 'retry-after': '0' }), json(200, { ok: true })]);
    const lines: string[] = [];
    const c = new AgentClient({ server: s.base, credential: 'psw_w1.rahasia', log: (l) => lines.push(l) });
    try {
      assert.equal(await c.renew('t1', 10_000), true);
    } finally {
      c.close();
    }
    assert.equal(s.seen.length, 3);
    assert.ok(s.seen.every((r) => r.auth === 'Bearer psw_w1.rahasia' && r.path === '/api/v1/agent/tasks/t1/renew'));
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /core error \(HTTP 503\); trying again in \d+ ms/);
    assert.match(lines[1]!, /rate limited \(HTTP 429\)/);
    assert.ok(lines.every((l) => !l.includes('rahasia')));
  });

  test('401 is AgentAuthError in both languages, at once (no retry)', async () => {
    const s = await scripted([json(401, { error: { code: 'E_AUTH', message: 'Please log in', messageId: 'Silakan masuk' } })]);
    const c = new AgentClient({ server: s.base, credential: 'psw_w1.x' });
    try {
      await assert.rejects(c.claim(10_000), (e: unknown) => e instanceof AgentAuthError && /dicabut atau tidak dikenal/.test(e.message) && /revoked or unknown/.test(e.message));
    } finally {
      c.close();
    }
    assert.equal(s.seen.length, 1);
  });

  test('404/409 on a task: lease lost (E_CONFLICT from slices and complete, false from renew); 204 on claim: no task', async () => {
    const s = await scripted([json(409, { error: { code: 'E_CONFLICT', message: 'lease', messageId: 'sewa' } }), json(404), json(404), json(204)]);
    const c = new AgentClient({ server: s.base, credential: 'psw_w1.x' });
    try {
      await assert.rejects(c.slices('t1', [], [[0, 2]]), (e: unknown) => isPerisaiError(e, 'E_CONFLICT'));
      await assert.rejects(c.complete('t1'), (e: unknown) => isPerisaiError(e, 'E_CONFLICT'));
      assert.equal(await c.renew('t1', 10_000), false);
      assert.equal(await c.claim(10_000), undefined);
    } finally {
      c.close();
    }
  });

  test('no core at all: bounded retries, then AgentUnavailableError', async () => {
    const s = await scripted([json(200)]);
    const port = (s.server.address() as { port: number }).port;
    await new Promise<void>((r) => s.server.close(() => r()));
    const lines: string[] = [];
    const c = new AgentClient({ server: `http://127.0.0.1:${port}`, credential: 'psw_w1.x', retries: 2, log: (l) => lines.push(l) });
    try {
      await assert.rejects(c.claim(10_000), (e: unknown) => e instanceof AgentUnavailableError && /core unreachable/.test(e.message));
    } finally {
      c.close();
    }
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /no connection \(ECONNREFUSED\)/);
  });

  test('the server URL: https, or http to this machine only; no user or password in it', () => {
    assert.equal(parseServerUrl('https://core.example:8443').origin, 'https://core.example:8443');
    assert.equal(parseServerUrl('http://127.0.0.1:8080').protocol, 'http:');
    assert.throws(() => parseServerUrl('http://core.example:8080'), (e: unknown) => isPerisaiError(e, 'E_VALIDATION'));
    assert.throws(() => parseServerUrl('https://u:p@core.example'), (e: unknown) => isPerisaiError(e, 'E_VALIDATION'));
    assert.throws(() => parseServerUrl('core'), (e: unknown) => isPerisaiError(e, 'E_VALIDATION'));
  });
});

describe('credentialFor', () => {
  test('enrols once for the token with a credential it made, saves it 0600 in a 0700 directory, then reads it; the environment wins', async () => {
    let asked: EnrollBody | undefined;
    const s = await scripted([(_req, body, res) => {
      asked = JSON.parse(body) as EnrollBody;
      json(201, { workerId: asked.workerId, zones: ['z1'] })(_req, body, res);
    }]);
    const c = new AgentClient({ server: s.base });
    const file = join(tmp, 'state', 'worker-credential');
    const lines: string[] = [];
    try {
      const first = await credentialFor({ client: c, credentialFile: file, ownDir: true, enrollToken: () => 'pse_satu', name: 'seg-1', version: '9.9.9', log: (l) => lines.push(l) });
      assert.equal(first.source, 'enrolled');
      const m = WORKER_CREDENTIAL.exec(first.credential);
      assert.ok(m !== null, first.credential);
      // Only the credential's hash travels, with the id it names.
      assert.deepEqual(asked, { token: 'pse_satu', name: 'seg-1', version: '9.9.9', workerId: m[1], secretHash: sha(first.credential) });
      assert.ok(!JSON.stringify(asked).includes(first.credential.split('.')[1]!), 'the secret itself is not sent');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(tmp, 'state')).mode & 0o777, 0o700);
      assert.equal(readFileSync(file, 'utf8'), `${first.credential}\n`);
      assert.equal(existsSync(`${file}.pending`), false, 'the proposal kept while asking is gone');
      assert.equal(s.seen[0]!.auth, undefined, 'enrolment carries no Authorization header');
      // A restart: the saved credential, the token not even read.
      const again = await credentialFor({ client: c, credentialFile: file, enrollToken: () => assert.fail('token read'), version: '9.9.9' });
      assert.deepEqual(again, { credential: first.credential, source: 'file' });
      const env = await credentialFor({ client: c, credential: 'psw_w2.env', credentialFile: file, version: '9.9.9' });
      assert.deepEqual(env, { credential: 'psw_w2.env', source: 'environment' });
      assert.ok(lines.some((l) => l.includes(`enrolled as worker ${m[1]} for zone(s) z1`)));
      assert.ok(lines.every((l) => !l.includes(first.credential) && !l.includes('pse_satu')), lines.join('\n'));
    } finally {
      c.close();
    }
    assert.equal(s.seen.length, 1, 'enrolled once');
  });

  test('the core\'s answer lost: the retry, and the next start, propose the same credential', async () => {
    const bodies: string[] = [];
    const lose: Handler = (req, body) => {
      bodies.push(body);
      req.socket.destroy(); // the core enrolled us, the answer never arrives
    };
    const confirm: Handler = (_req, body, res) => {
      bodies.push(body);
      json(200, { workerId: (JSON.parse(body) as EnrollBody).workerId, zones: ['z1'] })(_req, body, res);
    };
    const file = join(tmp, 'lost', 'worker-credential');
    // The retry inside one start.
    const s = await scripted([lose, confirm]);
    const c = new AgentClient({ server: s.base });
    try {
      const got = await credentialFor({ client: c, credentialFile: file, enrollToken: () => 'pse_tiga', version: '1' });
      assert.equal(bodies.length, 2);
      assert.equal(bodies[1], bodies[0], 'the same proposal twice');
      assert.equal((JSON.parse(bodies[0]!) as EnrollBody).secretHash, sha(got.credential));
    } finally {
      c.close();
    }
    // A start that gave up (no retries left), then the next start.
    bodies.length = 0;
    const file2 = join(tmp, 'lost2', 'worker-credential');
    const s2 = await scripted([lose, confirm]);
    const once = new AgentClient({ server: s2.base, retries: 0 });
    try {
      await assert.rejects(credentialFor({ client: once, credentialFile: file2, enrollToken: () => 'pse_empat', version: '1' }), (e: unknown) => e instanceof AgentUnavailableError);
      assert.equal(existsSync(file2), false);
      assert.equal(statSync(`${file2}.pending`).mode & 0o777, 0o600, 'the proposal is kept, owner only');
      const got = await credentialFor({ client: once, credentialFile: file2, enrollToken: () => 'pse_empat', version: '1' });
      assert.equal(bodies[1], bodies[0], 'the next start proposes the same credential');
      assert.equal(readFileSync(file2, 'utf8'), `${got.credential}\n`);
    } finally {
      once.close();
    }
  });

  test('a used token: 401 is the bilingual token message; no token and no credential: a bilingual validation error', async () => {
    const s = await scripted([json(401, { error: { code: 'E_AUTH', message: 'no', messageId: 'tidak' } })]);
    const c = new AgentClient({ server: s.base });
    try {
      await assert.rejects(credentialFor({ client: c, credentialFile: join(tmp, 'x', 'cred'), enrollToken: () => 'pse_dua', version: '1' }),
        (e: unknown) => e instanceof AgentAuthError && /Token pendaftaran ditolak/.test(e.message) && /Enrolment token refused/.test(e.message));
      await assert.rejects(credentialFor({ client: c, credentialFile: join(tmp, 'x', 'cred'), enrollToken: () => undefined, version: '1' }),
        (e: unknown) => isPerisaiError(e, 'E_VALIDATION') && /Belum ada kredensial/.test(String(e.details['messageId'])) && /no worker credential yet/.test(e.message));
    } finally {
      c.close();
    }
  });

  test('a credential file readable by others is used, with a warning', async () => {
    const file = join(tmp, 'loose');
    writeFileSync(file, 'psw_w3.longgar\n', { mode: 0o644 });
    const lines: string[] = [];
    const c = new AgentClient({ server: 'https://core.example' });
    try {
      assert.deepEqual(await credentialFor({ client: c, credentialFile: file, version: '1', log: (l) => lines.push(l) }), { credential: 'psw_w3.longgar', source: 'file' });
    } finally {
      c.close();
    }
    assert.match(lines.join('\n'), /readable by others \(mode 644\)/);
  });
});
