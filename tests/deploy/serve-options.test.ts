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
