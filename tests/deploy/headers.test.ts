// Security headers by transport (src/api/app.ts): over plain HTTP — the office LAN by name or address —
// no `upgrade-insecure-requests` and no HSTS (either would break the page or lock the name to https), and
// the session cookie without Secure; over TLS, served directly or announced by a TRUSTED proxy's
// X-Forwarded-Proto, both headers (and COOP, which browsers ignore without TLS) and a Secure cookie.
// Every other header is the same in both modes. A
// client that is not a trusted proxy cannot claim https. SQLite (the transport does not touch the store).

import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { HSTS } from '../../src/api/app.js';
import { createStore } from '../../src/store/index.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import { selfSigned } from './tls.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-headers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const world = async (deps: Parameters<typeof seedWorld>[1] = {}) => seedWorld(await createStore({ url: `sqlite://${join(tmp, `p${++n}.db`)}` }), deps);

/**
 * Helmet's headers besides CSP, HSTS and Cross-Origin-Opener-Policy (ignored by browsers on plain HTTP, so
 * sent over TLS only): present in every mode.
 */
const ALWAYS = {
  'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', 'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin', 'origin-agent-cluster': '?1',
  'x-dns-prefetch-control': 'off', 'x-download-options': 'noopen', 'x-permitted-cross-domain-policies': 'none', 'x-xss-protection': '0',
};

function assertPlain(h: IncomingHttpHeaders | LightMyRequestResponse['headers'], what: string): void {
  for (const [k, v] of Object.entries(ALWAYS)) assert.equal(h[k], v, `${what}: ${k}`);
  const csp = String(h['content-security-policy']);
  assert.match(csp, /^default-src 'self';/, what);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.doesNotMatch(csp, /upgrade-insecure-requests/, `${what}: ${csp}`);
  assert.equal(h['strict-transport-security'], undefined, what);
  assert.equal(h['cross-origin-opener-policy'], undefined, what);
}

function assertTls(h: IncomingHttpHeaders | LightMyRequestResponse['headers'], plainCsp: string, what: string): void {
  for (const [k, v] of Object.entries(ALWAYS)) assert.equal(h[k], v, `${what}: ${k}`);
  assert.equal(h['content-security-policy'], `${plainCsp};upgrade-insecure-requests`, what);
  assert.equal(h['strict-transport-security'], HSTS, what);
  assert.equal(h['cross-origin-opener-policy'], 'same-origin', what);
  assert.equal(HSTS, 'max-age=31536000; includeSubDomains');
}

const loginCookie = (r: { headers: IncomingHttpHeaders | LightMyRequestResponse['headers'] }) =>
  [r.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('perisai_session=')) ?? '';

test('plain HTTP: no upgrade-insecure-requests, no HSTS, cookie not Secure; a client cannot claim https without trustProxy', async () => {
  const w = await world();
  try {
    for (const url of ['/api/v1/health', '/api/v1/me', '/api/v1/tidak-ada']) {
      assertPlain((await w.app.inject({ method: 'GET', url })).headers, url);
      assertPlain((await w.app.inject({ method: 'GET', url, headers: { 'x-forwarded-proto': 'https' } })).headers, `${url} + X-Forwarded-Proto`);
    }
    const login = await w.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(login.statusCode, 200);
    assertPlain(login.headers, 'login');
    assert.match(loginCookie(login), /HttpOnly; SameSite=Strict$/);
    assert.doesNotMatch(loginCookie(login), /Secure/);
  } finally {
    await w.app.close();
  }
});

test('behind a trusted proxy: X-Forwarded-Proto https gives HSTS, upgrade-insecure-requests, a Secure cookie and a matching Origin; from anyone else it is ignored', async () => {
  const w = await world({ trustProxy: ['127.0.0.1', '10.9.0.0/24'] });
  try {
    const plainCsp = String((await w.app.inject({ method: 'GET', url: '/api/v1/health' })).headers['content-security-policy']);
    const viaProxy = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.50', host: 'perisai.kota.go.id', origin: 'https://perisai.kota.go.id' };
    for (const remoteAddress of ['127.0.0.1', '10.9.0.3']) {
      assertTls((await w.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress, headers: viaProxy })).headers, plainCsp, `trusted ${remoteAddress}`);
    }
    const login = await w.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '127.0.0.1', headers: viaProxy, payload: { username: 'admin', password: PASSWORD } });
    assert.equal(login.statusCode, 200, login.body);
    assertTls(login.headers, plainCsp, 'login via proxy');
    assert.match(loginCookie(login), /; Secure/);
    // The client's address (X-Forwarded-For) is what the audit log records, not the proxy's.
    const audit = await w.store.audit.list({ action: 'auth.login', limit: 1 });
    assert.equal(audit[0]?.ip, '192.0.2.50');
    // The trusted proxy saying http: plain.
    assertPlain((await w.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'http' } })).headers, 'proxy says http');
    // Anyone else claiming https: plain headers, no Secure cookie, and its https Origin does not match.
    const spoof = await w.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '192.0.2.99', headers: viaProxy, payload: { username: 'admin', password: PASSWORD } });
    assertPlain(spoof.headers, 'untrusted client');
    assert.equal(spoof.statusCode, 403, spoof.body);
    assert.equal(spoof.json().error.details.reason, 'origin');
  } finally {
    await w.app.close();
  }
});

test('HTTPS served directly (--tls-cert/--tls-key): HSTS, upgrade-insecure-requests, Secure cookie, over a verified TLS connection', async () => {
  const cert = selfSigned(tmp, ['perisai.lan', '127.0.0.1']);
  const tls = { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) };
  const w = await world({ https: tls });
  try {
    // inject() is not a TLS socket: the plain policy, to compare with.
    const plainCsp = String((await w.app.inject({ method: 'GET', url: '/api/v1/health' })).headers['content-security-policy']);
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (w.app.server.address() as { port: number }).port;
    const call = (method: string, path: string, body?: unknown) => new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, ca: tls.cert, servername: 'perisai.lan', headers: body === undefined ? {} : { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    const health = await call('GET', '/api/v1/health');
    assert.equal(health.status, 200);
    assertTls(health.headers, plainCsp, 'direct TLS');
    const login = await call('POST', '/api/v1/auth/login', { username: 'admin', password: PASSWORD });
    assert.equal(login.status, 200, login.body);
    assert.match(loginCookie(login), /^perisai_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  } finally {
    await w.app.close();
  }
});
