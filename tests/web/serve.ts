// The installed command exactly as the README runs it, minus the fixed port: the compiled CLI's
// `perisai serve` (SQLite in a fresh data directory, in-process worker, scheduler and alert dispatcher)
// on an ephemeral port, with the one-time administrator password it prints. For the browser tests that
// need the real process (tests/web/scan-lab.test.ts, tests/web/walk.test.ts).

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './browser.js';

export interface Served {
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** The administrator's one-time password printed at the first start. */
  readonly oneTime: string;
  /** Everything the process wrote so far (stdout and stderr). */
  log(): string;
  /** SIGINT, then SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/** Start `perisai serve` on `dataDir`; resolves once it printed its URL and one-time password (30 s at most). */
export async function startServe(dataDir: string, cwd: string, extraArgs: readonly string[] = []): Promise<Served> {
  const env = { ...process.env, PERISAI_ADMIN_PASSWORD: '' };
  const server: ChildProcessWithoutNullStreams = spawn(
    process.execPath, ['--max-semi-space-size=4', join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'serve', '--port', '0', '--data-dir', dataDir, ...extraArgs], { env, cwd },
  );
  let log = '';
  server.stdout.setEncoding('utf8');
  server.stderr.setEncoding('utf8');
  server.stdout.on('data', (s: string) => (log += s));
  server.stderr.on('data', (s: string) => (log += s));
  const stop = async (): Promise<void> => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  };
  const deadline = Date.now() + 30_000;
  let base = '';
  let oneTime = '';
  while (base === '' || oneTime === '') {
    if (server.exitCode !== null) throw new Error(`perisai serve exited ${server.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`perisai serve did not print its URL and password within 30 s:\n${log}`);
    }
    base = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(log)?.[1] ?? '';
    oneTime = /one-time password: (\S+)/.exec(log)?.[1] ?? '';
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, oneTime, log: () => log, stop };
}
