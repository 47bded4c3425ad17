// `perisai serve` as an administrator starts it (the compiled CLI, a fresh data directory, loopback only):
// the HTTPS and proxy options from flags or the environment, refused with exit code 2 and one bilingual
// line before anything starts when they are wrong; with a good certificate it prints its https URL and
// the names the certificate covers; the first admin's password from the environment is checked, and
// ignored — with a line saying so — once accounts exist.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../web/browser.js';
import { selfSigned } from './tls.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const tmp = mkdtempSync(join(tmpdir(), 'perisai-serve-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const CLEAN = { PERISAI_TLS_CERT: '', PERISAI_TLS_KEY: '', PERISAI_TRUST_PROXY: '', PERISAI_ADMIN_PASSWORD: '', PERISAI_PORT: '', PERISAI_HOST: '', PERISAI_DB: '' };

interface Run { code: number | null; stderr: string }

/**
 * Run `serve` with `args` and `env`; when `until` matches stderr the server is stopped with SIGINT (a
 * start that should succeed), else it must exit on its own within 30 s.
 */
function serve(args: string[], env: Record<string, string> = {}, until?: RegExp): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--tick-ms', '60000', ...args], { env: { ...process.env, ...CLEAN, ...env }, cwd: tmp });
    let stderr = '';
    let stopping = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve ${args.join(' ')} did not ${until === undefined ? 'exit' : `print ${String(until)}`} within 30 s:\n${stderr}`));
    }, 30_000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr += s;
      if (until !== undefined && !stopping && until.test(stderr)) {
        stopping = true; // once: a second SIGINT would kill it before its orderly stop
        child.kill('SIGINT');
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('wrong HTTPS or proxy settings: exit 2 and one bilingual line, before the database is created', async () => {
  const data = join(tmp, 'salah');
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--tls-cert', join(tmp, 'tidak-ada.crt')], {}, /--tls-cert dan --tls-key harus diberikan bersama \/ --tls-cert and --tls-key go together/],
    [['--tls-cert', join(tmp, 'tidak-ada.crt'), '--tls-key', join(tmp, 'tidak-ada.key')], {}, /--tls-cert: sertifikat TLS: berkas tidak ditemukan \/ TLS certificate: file not found: .*tidak-ada\.crt/],
    [[], { PERISAI_TLS_CERT: join(tmp, 'tidak-ada.crt'), PERISAI_TLS_KEY: join(tmp, 'tidak-ada.key') }, /--tls-cert: sertifikat TLS: berkas tidak ditemukan/],
    [['--trust-proxy', 'true'], {}, /--trust-proxy: "true": mempercayai semua alamat tidak diizinkan/],
    [[], { PERISAI_TRUST_PROXY: '0.0.0.0/0' }, /--trust-proxy: "0\.0\.0\.0\/0": blok \/0 berarti mempercayai semua alamat \/ a \/0 block would trust every address/],
  ];
  for (const [args, env, message] of cases) {
    const r = await serve(['--data-dir', data, ...args], env);
    assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(env)}:\n${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(existsSync(join(data, 'perisai.db')), false, 'nothing was created');
  const weak = await serve(['--data-dir', data], { PERISAI_ADMIN_PASSWORD: 'pendek' });
  assert.equal(weak.code, 2, weak.stderr);
  assert.match(weak.stderr, /PERISAI_ADMIN_PASSWORD: Kata sandi harus 12 sampai 128 karakter \/ The password must be 12 to 128 characters long/);
});

test('HTTPS directly: the https URL and the certificate\'s names; the environment password is used once, then ignored with a note', async () => {
  const data = join(tmp, 'tls');
  const files = selfSigned(tmp, ['perisai.lan', '127.0.0.1']);
  const first = await serve(['--data-dir', data, '--tls-cert', files.certFile, '--tls-key', files.keyFile], { PERISAI_ADMIN_PASSWORD: 'sandi-awal-kota-2026' }, /ready: https:\/\/127\.0\.0\.1:\d+\/[\s\S]*created with the password from PERISAI_ADMIN_PASSWORD/);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stderr, /TLS: sertifikat untuk \/ certificate for perisai\.lan, 127\.0\.0\.1, berlaku sampai \/ valid until \d{4}-/);
  assert.match(first.stderr, /you will be asked to change it at first login/);
  assert.doesNotMatch(first.stderr, /one-time password/);
  const again = await serve(['--data-dir', data], { PERISAI_ADMIN_PASSWORD: 'sandi-lain-kota-2026' }, /ready: http:\/\/127\.0\.0\.1:\d+\/[\s\S]*PERISAI_ADMIN_PASSWORD diabaikan/);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /ignored: accounts already exist/);
});

test('wrong log or rate options: exit 2 and one bilingual line', async () => {
  const data = join(tmp, 'opsi');
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--log-level', 'loud'], {}, /--log-level: pilih salah satu dari \/ one of fatal, error, warn, info, debug, trace, silent; bukan \/ not "loud"/],
    [[], { PERISAI_LOG_FORMAT: 'xml' }, /--log-format: pilih salah satu dari \/ one of json, pretty; bukan \/ not "xml"/],
    [['--rate-limit', 'banyak'], {}, /--rate-limit: jumlah permintaan per menit 0 sampai 10\.000\.000 \(0 = tanpa batas\) \/ requests a minute from 0 to 10,000,000/],
  ];
  for (const [args, env, message] of cases) {
    const r = await serve(['--data-dir', data, ...args], env);
    assert.equal(r.code, 2, `${args.join(' ')} ${JSON.stringify(env)}:\n${r.stderr}`);
    assert.match(r.stderr, message);
  }
});

test('the log: JSON lines with the request id, route, status and duration, no password; the request ceiling from --rate-limit', async () => {
  const data = join(tmp, 'log');
  const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--tick-ms', '60000', '--data-dir', data, '--log-format', 'json', '--log-level', 'debug', '--rate-limit', '3'], { env: { ...process.env, ...CLEAN, PERISAI_RATE_LIMIT: '' }, cwd: tmp });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    const deadline = Date.now() + 30_000;
    let base: string | undefined;
    while (base === undefined) {
      assert.ok(Date.now() < deadline, `serve did not start:\n${stderr}`);
      base = /ready: (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1];
      await new Promise((r) => setTimeout(r, 100));
    }
    const password = 'tebakan-rahasia-sekali-91';
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'uji-log-1' }, body: JSON.stringify({ username: 'admin', password }) });
    assert.equal(login.status, 401);
    assert.equal((await fetch(`${base}/api/v1/health`)).status, 200);
    const third = await fetch(`${base}/api/v1/health`);
    assert.equal(third.status, 200);
    const fourth = await fetch(`${base}/api/v1/health`);
    assert.equal(fourth.status, 429, 'the fourth request of the minute from one address');
    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
  } finally {
    child.kill('SIGKILL');
  }
  const lines = stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const line = lines.find((l) => l.reqId === 'uji-log-1' && l.msg === 'request');
  assert.ok(line !== undefined, stderr);
  assert.equal(line.level, 'info');
  assert.equal(line.route, '/api/v1/auth/login');
  assert.equal(line.status, 401);
  assert.equal(typeof line.durationMs, 'number');
  assert.equal(typeof line.time, 'string');
  assert.deepEqual(lines.filter((l) => l.route === '/api/v1/health').map((l) => [l.level, l.status]), [['debug', 200], ['debug', 200], ['info', 429]]);
  assert.ok(lines.some((l) => l.component === 'serve' && /ready: http/.test(String(l.msg))));
  assert.ok(!stderr.includes('tebakan-rahasia'), 'no password in the log');
  // The first administrator's one-time password is shown once, outside the log's JSON lines.
  assert.match(stderr, /^perisai: masuk sebagai \/ log in as: admin, kata sandi sekali pakai \/ one-time password: \S+$/m);
  assert.ok(lines.every((l) => !/one-time password: \S/.test(String(l.msg))));
});
