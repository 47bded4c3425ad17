// deploy/nginx.conf.example as shipped, in front of the real `perisai serve --trust-proxy loopback` on
// loopback, with Debian's nginx and a self-signed certificate made at test time: `nginx -t` accepts the
// file inside Debian's own nginx.conf layout; through the proxy, plain HTTP redirects to https, the page
// and its bundle arrive (brotli from Perisai, not re-compressed by nginx), and the login sets a Secure
// session cookie with HSTS and upgrade-insecure-requests — what the browser only gets when Perisai
// believes the proxy's X-Forwarded-Proto. Every substitution of the example's values is asserted, so a
// change to the example that the test no longer covers fails here. nginx missing is a failure (install
// nginx-light; scripts/test-all.sh does), never a skip. Nothing listens beyond 127.0.0.1.

import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { HSTS } from '../../src/api/app.js';
import { ROOT } from '../web/browser.js';
import { selfSigned } from './tls.js';

const NGINX = '/usr/sbin/nginx';
const NAME = 'perisai.lan';
const ADMIN_PASSWORD = 'sandi-awal-kota-2026';
const tmp = mkdtempSync(join(tmpdir(), 'perisai-nginx-'));
let serve: ChildProcessWithoutNullStreams | undefined;
let nginx: ChildProcessWithoutNullStreams | undefined;
let log = '';
let upstream = 0;
let httpsPort = 0;
let httpPort = 0;
let cert: Buffer;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const accepts = (port: number) => new Promise<boolean>((resolve) => {
  const c = connect(port, '127.0.0.1', () => {
    c.destroy();
    resolve(true);
  });
  c.on('error', () => resolve(false));
});

/** Replace `from` by `to` in `text`, asserting it was there (the example still has the line the test relies on). */
function swap(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `deploy/nginx.conf.example no longer contains ${JSON.stringify(from)}`);
  return text.split(from).join(to);
}

/** The example with this test's ports, certificate and upstream; listening on 127.0.0.1 only. */
function site(files: { certFile: string; keyFile: string }): string {
  let s = readFileSync(join(ROOT, 'deploy', 'nginx.conf.example'), 'utf8');
  s = swap(s, 'server 127.0.0.1:8080;', `server 127.0.0.1:${upstream};`);
  s = swap(s, '    listen [::]:80;\n', '');
  s = swap(s, '    listen [::]:443 ssl http2;\n', '');
  s = swap(s, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
  s = swap(s, 'listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  s = swap(s, 'server_name perisai.kota.go.id;', `server_name ${NAME};`);
  s = swap(s, '/etc/ssl/certs/perisai.kota.go.id.crt', files.certFile);
  s = swap(s, '/etc/ssl/private/perisai.kota.go.id.key', files.keyFile);
  return s;
}

before(async () => {
  assert.ok(existsSync(NGINX), `${NGINX} is missing: apt-get install nginx-light (scripts/test-all.sh installs it); this test never skips`);
  assert.ok(existsSync(join(ROOT, 'web', 'dist', 'index.html')), 'web/dist is missing: npm run build builds it');
  // nginx's workers (user nobody under a root master) write proxy temp files below this directory.
  chmodSync(tmp, 0o755);
  const files = selfSigned(tmp, [NAME]);
  cert = readFileSync(files.certFile);
  [upstream, httpsPort, httpPort] = [await freePort(), await freePort(), await freePort()];

  // Perisai as the unit runs it for mode 3: loopback only, trusting the proxy on loopback.
  serve = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--host', '127.0.0.1', '--port', String(upstream), '--data-dir', join(tmp, 'data'), '--trust-proxy', 'loopback'], {
    env: { ...process.env, PERISAI_ADMIN_PASSWORD: ADMIN_PASSWORD, PERISAI_TLS_CERT: '', PERISAI_TLS_KEY: '', PERISAI_TRUST_PROXY: '' }, cwd: tmp,
  });
  serve.stdout.setEncoding('utf8');
  serve.stderr.setEncoding('utf8');
  serve.stdout.on('data', (s: string) => (log += s));
  serve.stderr.on('data', (s: string) => (log += s));
  await waitFor('perisai serve did not say it is ready', () => {
    if (serve!.exitCode !== null) throw new Error(`perisai serve exited ${serve!.exitCode}:\n${log}`);
    return log.includes(`ready: http://127.0.0.1:${upstream}/`);
  });
  assert.match(log, /trusted proxies: loopback/);

  const siteConf = site(files);
  // 1. `nginx -t` with the file where Debian puts it: a copy of /etc/nginx whose paths point here.
  const etc = join(tmp, 'etc-nginx');
  cpSync('/etc/nginx', etc, { recursive: true });
  let main = readFileSync(join(etc, 'nginx.conf'), 'utf8').split('/etc/nginx').join(etc);
  main = swap(main, 'pid /run/nginx.pid;', `pid ${join(tmp, 'nginx-t.pid')};`);
  main = main.replace(/\/var\/log\/nginx\//g, `${tmp}/`);
  writeFileSync(join(etc, 'nginx.conf'), main);
  for (const f of readdirSync(join(etc, 'sites-enabled'))) rmSync(join(etc, 'sites-enabled', f));
  writeFileSync(join(etc, 'sites-enabled', 'perisai'), siteConf);
  const checked = execFileSync(NGINX, ['-t', '-c', join(etc, 'nginx.conf')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(checked, '');

  // 2. The same site running, in a minimal main configuration in the foreground (a child of this test).
  for (const d of ['body', 'proxy']) mkdirSync(join(tmp, d));
  writeFileSync(join(tmp, 'nginx.conf'), [
    'daemon off;', `pid ${join(tmp, 'nginx.pid')};`, `error_log ${join(tmp, 'error.log')} warn;`, 'worker_processes 1;', 'events { worker_connections 64; }',
    'http {', '  include /etc/nginx/mime.types;', '  access_log off;',
    `  client_body_temp_path ${join(tmp, 'body')};`, `  proxy_temp_path ${join(tmp, 'proxy')};`,
    `  fastcgi_temp_path ${join(tmp, 'proxy')};`, `  uwsgi_temp_path ${join(tmp, 'proxy')};`, `  scgi_temp_path ${join(tmp, 'proxy')};`,
    `  include ${join(tmp, 'site.conf')};`, '}', '',
  ].join('\n'));
  writeFileSync(join(tmp, 'site.conf'), siteConf);
  nginx = spawn(NGINX, ['-c', join(tmp, 'nginx.conf'), '-p', `${tmp}/`]);
  nginx.stderr.setEncoding('utf8');
  nginx.stderr.on('data', (s: string) => (log += `[nginx] ${s}`));
  await waitFor('nginx did not listen', async () => {
    if (nginx!.exitCode !== null) throw new Error(`nginx exited ${nginx!.exitCode}:\n${log}`);
    return (await accepts(httpsPort)) && accepts(httpPort);
  });
});

async function stop(child: ChildProcessWithoutNullStreams | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

after(async () => {
  await stop(nginx, 'SIGQUIT'); // graceful shutdown of master and workers
  await stop(serve, 'SIGINT');
  rmSync(tmp, { recursive: true, force: true });
});

interface Reply { status: number; headers: IncomingHttpHeaders; body: Buffer }

/** Through nginx over TLS, verifying its certificate for perisai.lan; Host as a browser sends it. */
function viaProxy(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `${NAME}:${httpsPort}`, ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const req = httpsRequest({ host: '127.0.0.1', port: httpsPort, servername: NAME, ca: cert, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

test('nginx example: HTTP redirects to https; the page and its bundle pass through with Perisai\'s encoding and caching', async () => {
  const redirect = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: httpPort, path: '/findings?status=open', headers: { host: NAME } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, location: res.headers.location });
    }).on('error', reject).end();
  });
  assert.deepEqual(redirect, { status: 301, location: `https://${NAME}/findings?status=open` });

  const page = await viaProxy('GET', '/', { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(page.status, 200, log);
  assert.equal(page.headers['content-encoding'], 'br');
  assert.equal(page.headers['cache-control'], 'no-cache');
  assert.equal(page.headers['strict-transport-security'], HSTS);
  assert.match(String(page.headers['content-security-policy']), /;upgrade-insecure-requests$/);
  const html = brotliDecompressSync(page.body).toString('utf8');
  assert.deepEqual(Buffer.from(html), readFileSync(join(ROOT, 'web', 'dist', 'index.html')));
  const bundle = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
  assert.ok(bundle !== undefined, html);
  const js = await viaProxy('GET', bundle, { headers: { 'accept-encoding': 'br, gzip' } });
  assert.equal(js.status, 200);
  assert.equal(js.headers['content-encoding'], 'br');
  assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.deepEqual(brotliDecompressSync(js.body), readFileSync(join(ROOT, 'web', 'dist', bundle.slice(1))));
  // The request id nginx generated reached Perisai and came back.
  assert.match(String(js.headers['x-request-id']), /^[0-9a-f]{32}$/);
});

test('nginx example: the login through the proxy sets a Secure session cookie, with HSTS; the https Origin is accepted', async () => {
  const login = await viaProxy('POST', '/api/v1/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD }, headers: { origin: `https://${NAME}:${httpsPort}` } });
  assert.equal(login.status, 200, login.body.toString());
  const cookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('perisai_session='));
  assert.match(String(cookie), /^perisai_session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
  assert.equal(login.headers['strict-transport-security'], HSTS);
  // The environment's password is a bootstrap secret: it must be changed first (README "first start").
  assert.equal((JSON.parse(login.body.toString()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword, true);
});
