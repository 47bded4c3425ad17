// The web application as an office reaches it (docs/deploy.md): Debian's Chromium loads the UI by a host
// name — perisai.lan, mapped to 127.0.0.1 with --host-resolver-rules, so the browser treats it as the
// untrustworthy LAN origin it is, not as localhost — over plain HTTP and over HTTPS with a self-signed
// certificate made at test time with openssl, and logs in. Over HTTP nothing may be fetched over https
// (the blank page of `upgrade-insecure-requests`), there is no HSTS and the session cookie is not Secure;
// over HTTPS both headers are there and the cookie is Secure. No console error in either mode. The bundle
// arrives compressed (gzip over HTTP, brotli over HTTPS: what Chromium offers) and immutable. Then
// "Change password" from the user menu: the same password is refused beside its field, a new one ends
// the session and opens the account. The public report form there is no secure context either: its proof of
// work is solved without Web Crypto, in its worker. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { HSTS } from '../../src/api/app.js';
import { CACHE_IMMUTABLE } from '../../src/api/static.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD, makeUser, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { selfSigned } from '../deploy/tls.js';
import { ARGS, CHROMIUM, logIn, prepareBrowser, scenario, shot, watchProblems } from './browser.js';

const HOST = 'perisai.lan';
const tmp = mkdtempSync(join(tmpdir(), 'perisai-lan-'));
let store: Store;
let world: World;
let tlsApp: FastifyInstance;
let browser: Browser;
let context: BrowserContext;
let httpBase = '';
let httpsBase = '';

const portOf = (app: FastifyInstance) => (app.server.address() as { port: number }).port;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  await makeUser(store, 'staf.kantor', 'analyst');
  const cert = selfSigned(tmp, [HOST]);
  tlsApp = await buildApp({ store, https: { cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) } });
  await world.app.listen({ host: '127.0.0.1', port: 0 });
  await tlsApp.listen({ host: '127.0.0.1', port: 0 });
  httpBase = `http://${HOST}:${portOf(world.app)}`;
  httpsBase = `https://${HOST}:${portOf(tlsApp)}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, `--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
  context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'id-ID', viewport: { width: 1280, height: 800 } });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await world?.app.close();
  await tlsApp?.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Every response of the page, to look at the document's and the bundle's headers afterwards. */
function record(page: Page): Response[] {
  const seen: Response[] = [];
  page.on('response', (r) => seen.push(r));
  return seen;
}

async function sessionCookie(base: string) {
  const c = (await context.cookies(base)).find((x) => x.name === 'perisai_session');
  assert.ok(c !== undefined, `no session cookie for ${base}`);
  return c;
}

/**
 * Log in by name, check that everything came from `base` and the bundle was compressed (`encoding`:
 * Chromium offers brotli on secure origins only, gzip over plain HTTP) and immutable.
 */
async function loadAndLogIn(page: Page, base: string, encoding: 'br' | 'gzip', problems: string[]): Promise<Response> {
  const seen = record(page);
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  await logIn(page, base, 'admin', PASSWORD);
  assert.deepEqual(requested.filter((u) => !u.startsWith(`${base}/`)), [], 'every request goes to the origin the page came from');
  const bundle = seen.find((r) => /\/assets\/index-[\w-]+\.js$/.test(r.url()));
  assert.ok(bundle !== undefined, 'the bundle was loaded');
  const bh = await bundle.allHeaders();
  assert.equal(bh['content-encoding'], encoding);
  assert.equal(bh['cache-control'], CACHE_IMMUTABLE);
  const doc = seen.find((r) => r.url() === `${base}/`);
  assert.ok(doc !== undefined, 'the page itself');
  assert.deepEqual(problems, []);
  return doc;
}

test('plain HTTP by host name: the page loads (nothing upgraded to https), log in; no HSTS, cookie not Secure', () => scenario(context, async (page) => {
  const problems = watchProblems(page, { console: true, responses: true });
  const doc = await loadAndLogIn(page, httpBase, 'gzip', problems);
  const h = await doc.allHeaders();
  assert.equal(h['strict-transport-security'], undefined);
  assert.doesNotMatch(h['content-security-policy'] ?? '', /upgrade-insecure-requests/);
  assert.equal(h['cache-control'], 'no-cache');
  const cookie = await sessionCookie(httpBase);
  assert.equal(cookie.secure, false);
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  await shot(page, 'lan-http-dashboard');
}));

test('the public report form over plain HTTP by host name: not a secure context, the proof of work solved in its worker by the script hash', () => scenario(context, async (page) => {
  const problems = watchProblems(page, { console: true, responses: true });
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto(`${httpBase}/lapor`);
  // No Web Crypto here (secure contexts only): web/src/lapor/pow.ts falls back to web/src/lapor/sha256.ts.
  assert.equal(await page.evaluate('window.isSecureContext'), false);
  await page.getByTestId('pow-done').waitFor({ timeout: 60_000 });
  assert.ok(workers.some((u) => u.startsWith(`${httpBase}/assets/pow.worker-`)), `the solver ran in a worker: ${workers.join(', ')}`);
  assert.deepEqual(problems, []);
}));

test('HTTPS with a self-signed certificate by host name: log in; HSTS, upgrade-insecure-requests, Secure cookie', () => scenario(context, async (page) => {
  const problems = watchProblems(page, { console: true, responses: true });
  const doc = await loadAndLogIn(page, httpsBase, 'br', problems);
  const h = await doc.allHeaders();
  assert.equal(h['strict-transport-security'], HSTS);
  assert.match(h['content-security-policy'] ?? '', /;upgrade-insecure-requests$/);
  const cookie = await sessionCookie(httpsBase);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.httpOnly, true);
}));

test('Change password from the user menu: the same one is refused beside its field, a new one logs out and opens the account', () => scenario(context, async (page) => {
  const problems = watchProblems(page, { console: true, responses: true });
  await page.goto(`${httpsBase}/`);
  await page.getByLabel('Nama pengguna').fill('staf.kantor');
  await page.getByLabel('Kata sandi').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Ganti kata sandi' }).click();
  await page.getByRole('heading', { name: 'Ganti kata sandi' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/account/password');
  const form = async (current: string, next: string, again = next) => {
    await page.getByLabel('Kata sandi saat ini').fill(current);
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(next);
    await page.getByLabel('Ulangi kata sandi baru').fill(again);
    await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
  };
  await form(PASSWORD, PASSWORD);
  await page.getByTestId('error-newPassword').waitFor();
  assert.equal(await page.getByTestId('error-newPassword').innerText(), 'Kata sandi baru harus berbeda dari kata sandi saat ini.');
  await shot(page, 'account-password');
  // The API's own refusal (wrong current password) is shown translated.
  await form('bukan-sandi-yang-benar', 'sandi-kantor-baru-2026');
  await page.getByText('Kata sandi saat ini salah').waitFor();
  await form(PASSWORD, 'sandi-kantor-baru-2026');
  await page.getByText('Kata sandi telah diganti. Silakan masuk kembali dengan kata sandi baru.').waitFor();
  await page.getByLabel('Nama pengguna').fill('staf.kantor');
  await page.getByLabel('Kata sandi').fill('sandi-kantor-baru-2026');
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
  // The only failed request is the refused current password (and GET /me before logging in).
  assert.deepEqual(problems, ['POST 400 /api/v1/me/password']);
}));
