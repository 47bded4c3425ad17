// Shared pieces of the monitoring tests: loopback listeners (the only targets besides the lab range —
// the project's network safety rule), a city agency whose registered networks cover them, worker child
// processes (the real `perisai worker` CLI), and observation sets to compare scans by.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Agency } from '../../src/domain/agency.js';
import type { ScanJob } from '../../src/domain/scan-job.js';
import type { Store } from '../../src/store/index.js';
import { LocalQueue } from '../../src/queue/local.js';
import { PgBossQueue } from '../../src/queue/pgboss.js';
import type { TaskQueue } from '../../src/queue/queue.js';
import { WorkerService } from '../../src/worker/service.js';
import type { WorkerServiceOptions } from '../../src/worker/service.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * How to start the real CLI: from the sources under tsx while developing, from the compiled tree when the
 * suite runs as `node --test dist/` (then ROOT is dist/ and main.js sits at the same relative path).
 */
export function cliArgv(): string[] {
  return import.meta.url.endsWith('.ts') ? ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')] : [join(ROOT, 'src/cli/main.js')];
}
export const AUTH = { authorisedBy: 'Kepala Diskominfo (test)', authorisedAt: '2025-05-01T02:00:00.000Z' };

/** A TCP listener on 127.0.0.1 (an ephemeral port unless given). */
export async function listen(port = 0): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no address');
  return { port: addr.port, server, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port that nothing listens on right now (bound and released: the kernel answers RST). */
export async function freePort(): Promise<number> {
  const l = await listen();
  await l.close();
  return l.port;
}

/**
 * An agency owning loopback blocks only. Loopback is registered with a confirmation, as the guard rails
 * require (domain/network.ts): a test installation is the one place it is meant to be scanned.
 */
export async function loopbackAgency(store: Store, blocks: readonly string[]): Promise<Agency> {
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Pemerintah Kota Contoh' });
  const rsud = await store.agencies.create('all', { kind: 'opd', code: 'DINKES', name: 'Dinas Kesehatan', parentId: city.id });
  for (const cidr of blocks) {
    const confirmation = store.networks.assess(cidr).concerns.length > 0 ? { by: 'uji', reason: 'listeners of the test on this machine' } : null;
    await store.networks.add('all', { agencyId: rsud.id, cidr, ...AUTH, confirmation });
  }
  return rsud;
}

/** Observation identity + state: what two scans of the same thing must agree on (rtt and timings differ). */
export async function observationSet(store: Store, jobId: string): Promise<string[]> {
  const list = await store.observations.list('all', jobId, { limit: 100_000 });
  return list.map((o) => {
    const port = o.type === 'port' || o.type === 'check' ? o.port : 0;
    const key = o.type === 'check' ? o.check : o.type === 'fact' ? o.fact : '';
    return `${o.ip}|${o.type}|${port}|${key}|${o.type === 'fact' ? '' : o.state}`;
  }).sort();
}

export function queueFor(store: Store, url: string): TaskQueue {
  return store.dialect === 'postgres' ? new PgBossQueue(store, url, { pollSeconds: 0.5 }) : new LocalQueue(store, { idleMs: 100 });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitJob(store: Store, jobId: string, timeoutMs = 60_000): Promise<ScanJob> {
  return waitFor(`job ${jobId} to complete`, async () => {
    const j = await store.scans.getJob('all', jobId);
    if (j.status === 'failed' || j.status === 'cancelled') throw new Error(`job ${jobId} ${j.status}: ${j.error ?? ''}`);
    return j.status === 'completed' ? j : undefined;
  }, timeoutMs);
}

/** Run a job to completion with one in-process worker (the single-process reference). */
export async function runInProcess(store: Store, url: string, jobId: string, opts: Partial<WorkerServiceOptions> = {}): Promise<ScanJob> {
  const queue = queueFor(store, url);
  const w = new WorkerService(store, queue, { zone: null, leaseMs: 1500, sweepMs: 300, sliceSlots: 16, timeoutMs: 500, owner: `inproc-${process.pid}`, ...opts });
  if (queue.kind === 'pg-boss') await queue.publish((await store.scans.tasks('all', jobId)).map((t) => ({ id: t.id, zone: t.zone })));
  await w.start();
  try {
    return await waitJob(store, jobId);
  } finally {
    await w.stop();
  }
}

export interface WorkerChild {
  readonly proc: ChildProcess;
  readonly lines: string[];
  waitLine(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Start the real CLI `perisai worker` in a child process. */
export function spawnWorker(url: string, args: readonly string[] = []): WorkerChild {
  return spawnCli(['worker', '--db', url, '--verbose', ...args]);
}

/** Start the real CLI (`perisai <argv>`) in a child process, its output collected line by line. */
export function spawnCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WorkerChild {
  const proc = spawn(process.execPath, [...cliArgv(), ...argv], {
    env,
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  let buf = '';
  const onData = (d: Buffer): void => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  proc.stderr?.on('data', onData);
  proc.stdout?.on('data', onData);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return {
    proc, lines, exited,
    waitLine(re, timeoutMs = 60_000) {
      const hit = lines.find((l) => re.test(l));
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`worker ${proc.pid}: no line ${re} in ${timeoutMs} ms; got:\n${lines.join('\n')}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => { clearTimeout(t); resolve(l); } });
        void exited.then(() => reject(new Error(`worker ${proc.pid} exited before ${re}; output:\n${lines.join('\n')}`)));
      });
    },
  };
}

/** Signal a worker and wait for it to exit; one that ignores SIGTERM for 20 s is killed and reported. */
export async function stopChild(c: WorkerChild, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), 20_000)));
  const r = await Promise.race([c.exited, late]);
  clearTimeout(timer);
  if (r === 'late') {
    c.proc.kill('SIGKILL');
    await c.exited;
    throw new Error(`worker ${c.proc.pid} did not stop within 20 s of ${signal}; output:\n${c.lines.join('\n')}`);
  }
  return r;
}
