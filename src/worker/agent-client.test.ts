// The segment worker's HTTP client against answers the real core gives only in bad moments (a 503 while it
// restarts, a 429, a connection refused), from a scripted HTTP server on loopback: bounded back-off and
// retry, 401 → AgentAuthError (bilingual), 404/409 on a task → lease lost, and no secret in any log line.
// The client against the real core: tests/monitoring/agent-worker.test.ts.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isPerisaiError } from '../domain/errors.js';
import { AgentAuthError, AgentClient, AgentUnavailableError, parseServerUrl } from './agent-client.js';
import { credentialFor } from './agent.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

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
  test('enrols once for the token, saves the credential 0600 in a 0700 directory, then reads it; the environment wins', async () => {
    const s = await scripted([(_req, body, res) => {
      const b = JSON.parse(body) as { token: string; name: string; version: string };
      assert.deepEqual(b, { token: 'pse_satu', name: 'seg-1', version: '9.9.9' });
      json(201, { workerId: 'w1', credential: 'psw_w1.baru', zones: ['z1'] })(_req, body, res);
    }]);
    const c = new AgentClient({ server: s.base });
    const file = join(tmp, 'state', 'worker-credential');
    const lines: string[] = [];
    try {
      const first = await credentialFor({ client: c, credentialFile: file, ownDir: true, enrollToken: () => 'pse_satu', name: 'seg-1', version: '9.9.9', log: (l) => lines.push(l) });
      assert.deepEqual(first, { credential: 'psw_w1.baru', source: 'enrolled' });
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(join(tmp, 'state')).mode & 0o777, 0o700);
      assert.equal(readFileSync(file, 'utf8'), 'psw_w1.baru\n');
      assert.equal(s.seen[0]!.auth, undefined, 'enrolment carries no Authorization header');
      // A restart: the saved credential, the token not even read.
      const again = await credentialFor({ client: c, credentialFile: file, enrollToken: () => assert.fail('token read'), version: '9.9.9' });
      assert.deepEqual(again, { credential: 'psw_w1.baru', source: 'file' });
      const env = await credentialFor({ client: c, credential: 'psw_w2.env', credentialFile: file, version: '9.9.9' });
      assert.deepEqual(env, { credential: 'psw_w2.env', source: 'environment' });
    } finally {
      c.close();
    }
    assert.equal(s.seen.length, 1, 'enrolled once');
    assert.ok(lines.some((l) => /enrolled as worker w1 for zone\(s\) z1/.test(l)));
    assert.ok(lines.every((l) => !l.includes('psw_w1.baru') && !l.includes('pse_satu')), lines.join('\n'));
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
