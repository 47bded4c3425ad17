// The web UI's static files as the API process serves them (src/api/static.ts) from the real build
// (web/dist, `npm run build:web`, with web/precompress.ts): content-hashed /assets/ immutable for a year,
// index.html and the SPA fallback revalidated every time, brotli or gzip by Accept-Encoding from the
// precompressed copies — each decoding to exactly the bytes of the file — and Vary: Accept-Encoding.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { CACHE_IMMUTABLE, CACHE_SHORT, findWebRoot } from '../../src/api/static.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { ROOT } from '../web/browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-static-'));
const DIST = join(ROOT, 'web', 'dist');
let store: Store;
let app: FastifyInstance;
let js = '';
let css = '';

before(async () => {
  if (!existsSync(join(DIST, 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
  const assets = readdirSync(join(DIST, 'assets'));
  js = assets.find((f) => /^index-[\w-]+\.js$/.test(f)) ?? '';
  css = assets.find((f) => /^index-[\w-]+\.css$/.test(f)) ?? '';
  assert.ok(js !== '' && css !== '', `web/dist/assets has no hashed bundle: ${assets.join(', ')}`);
  for (const f of [`assets/${js}`, `assets/${css}`, 'index.html']) {
    assert.ok(existsSync(join(DIST, `${f}.br`)) && existsSync(join(DIST, `${f}.gz`)), `web/dist/${f} has no .br/.gz copy: an old build? run npm run build:web`);
  }
  assert.equal(findWebRoot(), DIST);
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  app = await buildApp({ store });
});

after(async () => {
  await app?.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });
const decode = (encoding: string | undefined, body: Buffer) => (encoding === 'br' ? brotliDecompressSync(body) : encoding === 'gzip' ? gunzipSync(body) : body);
const vary = (h: unknown) => String(h ?? '').toLowerCase().split(/\s*,\s*/);

test('hashed assets: a year, immutable; brotli, gzip or plain by Accept-Encoding, each the same bytes as the file', async () => {
  for (const [file, type] of [[js, /^application\/javascript/], [css, /^text\/css/]] as const) {
    const plain = readFileSync(join(DIST, 'assets', file));
    for (const [accept, encoding] of [['gzip, deflate, br, zstd', 'br'], ['gzip', 'gzip'], ['br;q=1, gzip;q=0.5', 'br'], ['identity', undefined], ['', undefined]] as const) {
      const r = await get(`/assets/${file}`, accept === '' ? {} : { 'accept-encoding': accept });
      const what = `${file} with Accept-Encoding ${JSON.stringify(accept)}`;
      assert.equal(r.statusCode, 200, what);
      assert.equal(r.headers['cache-control'], CACHE_IMMUTABLE, what);
      assert.equal(CACHE_IMMUTABLE, 'public, max-age=31536000, immutable');
      assert.match(String(r.headers['content-type']), type, what);
      assert.equal(r.headers['content-encoding'], encoding, what);
      assert.ok(vary(r.headers['vary']).includes('accept-encoding'), `${what}: vary ${String(r.headers['vary'])}`);
      assert.deepEqual(decode(encoding, r.rawPayload), plain, `${what}: decoded body differs from the file`);
      if (encoding !== undefined) assert.ok(r.rawPayload.length < plain.length * 0.35, `${what}: ${r.rawPayload.length} of ${plain.length} bytes`);
    }
  }
});

test('index.html and the SPA fallback: no-cache (revalidated by ETag), compressed, and no https upgrade over HTTP', async () => {
  const html = readFileSync(join(DIST, 'index.html'));
  for (const url of ['/', '/index.html', '/scans/00000000-0000-0000-0000-000000000000', '/findings?status=open']) {
    const r = await get(url, { 'accept-encoding': 'br, gzip' });
    assert.equal(r.statusCode, 200, url);
    assert.equal(r.headers['cache-control'], 'no-cache', url);
    assert.match(String(r.headers['content-type']), /^text\/html/, url);
    assert.equal(r.headers['content-encoding'], 'br', url);
    assert.deepEqual(brotliDecompressSync(r.rawPayload), html, url);
    assert.doesNotMatch(String(r.headers['content-security-policy']), /upgrade-insecure-requests/, url);
    assert.equal(r.headers['strict-transport-security'], undefined, url);
    const again = await get(url, { 'accept-encoding': 'br, gzip', 'if-none-match': String(r.headers['etag']) });
    assert.equal(again.statusCode, 304, `${url}: revalidation`);
  }
  // The page names the hashed bundle that the immutable rule is for.
  assert.match(html.toString('utf8'), new RegExp(`/assets/${js.replace(/[.-]/g, '\\$&')}`));
});

test('unhashed root files get a day; the compressed copies are not files of their own; unknown files and /api stay 404', async () => {
  const fav = await get('/favicon.svg');
  assert.equal(fav.statusCode, 200);
  assert.equal(fav.headers['cache-control'], CACHE_SHORT);
  for (const url of [`/assets/${js}.br`, `/assets/${js}.gz`, '/index.html.gz', '/assets/tidak-ada.js', '/api/v1/tidak-ada']) {
    const r = await get(url, { 'accept-encoding': 'br, gzip' });
    assert.equal(r.statusCode, 404, url);
    assert.equal(r.json().error.code, 'E_NOT_FOUND', url);
  }
});
