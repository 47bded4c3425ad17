// Bed H: the province-scale "keep up" measurement (bench/README.md "Bed H"). One job of 8 loopback hosts
// (127.0.0.1-8) × ports 1-65535 = 524,280 probes, cut into 128 tasks of 4,096 slots, run distributed on a real
// local PostgreSQL — `perisai serve --concurrency 0` (the coordinator: sweeps, finalizing, alerts; it scans
// nothing) plus `perisai worker` processes — against one `perisai scan` CLI process of the same targets and
// ports recording the same answers (--all-states: the workers store closed ports too). The distributed time
// runs from the job's creation to its `completed` status, finalize included; finalize is also reported on
// its own (the job's finished_at minus its last task's completion). Loopback only: nothing else is probed.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createScanJob } from '../src/scheduler/jobs.js';
import { PgBossQueue } from '../src/queue/pgboss.js';
import { createStore } from '../src/store/index.js';

export interface DistributedResult {
  readonly probes: number;
  readonly tasks: number;
  readonly shape: string;
  readonly cliWallS: number[];
  readonly cliLines: number;
  readonly distributedWallS: number[];
  readonly finalizeS: number[];
  readonly storedObservations: number;
  readonly ratio: number;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly problem?: string;
}

const HOSTS = 8;
const PORTS = '1-65535';
const SLOTS_PER_TASK = 4096;

function envNum(name: string, dflt: number): number {
  const v = process.env[name];
  const n = v === undefined || v === '' ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function exited(c: ChildProcess): Promise<number | null> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve(c.exitCode) : new Promise((r) => c.once('exit', (code) => r(code)));
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  c.kill('SIGTERM');
  const late = setTimeout(() => c.kill('SIGKILL'), 15_000);
  await exited(c);
  clearTimeout(late);
}

/** One CLI scan of the same targets and ports; returns its wall time (s) and the lines it wrote. */
async function cliRun(cli: string[], work: string, n: number): Promise<{ wallS: number; lines: number }> {
  const out = path.join(work, `H-cli-${n}.jsonl`);
  const t0 = process.hrtime.bigint();
  const c = spawn(cli[0]!, [...cli.slice(1), 'scan', `127.0.0.1-${HOSTS}`, '-p', PORTS, '--all-states', '--no-banners', '--format', 'jsonl', '-o', out, '--yes', '--quiet'], { stdio: 'ignore' });
  const code = await exited(c);
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`perisai scan exited ${code}`);
  return { wallS, lines: readFileSync(out, 'utf8').split('\n').filter((l) => l !== '').length };
}

export async function runDistributedBed(o: { cli: string[]; work: string; runs: number; keep: boolean; log: (s: string) => void }): Promise<DistributedResult> {
  const workers = envNum('BENCH_H_WORKERS', 2);
  const concurrency = envNum('BENCH_H_CONCURRENCY', 2);
  // The workers' --slice-slots (index slots stored per transaction); 0 = the worker's default (256).
  const sliceSlots = envNum('BENCH_H_SLICE_SLOTS', 0);
  const adminUrl = process.env['BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  // The store's secret key for this run's database (src/store/secrets.ts), shared with the children.
  const env = { ...process.env, PERISAI_SECRET_KEY: process.env['PERISAI_SECRET_KEY'] ?? randomBytes(32).toString('base64'), PERISAI_LOG_FORMAT: 'json' };
  process.env['PERISAI_SECRET_KEY'] = env.PERISAI_SECRET_KEY;
  const shape = `serve --concurrency 0 + ${workers} × perisai worker --concurrency ${concurrency}${sliceSlots > 0 ? ` --slice-slots ${sliceSlots}` : ''}`;
  const loadBefore = os.loadavg();
  const cliWallS: number[] = [];
  let cliLines = 0;
  for (let i = 0; i < o.runs; i++) {
    const r = await cliRun(o.cli, o.work, i);
    cliWallS.push(r.wallS);
    cliLines = r.lines;
    o.log(`H: perisai scan ${r.wallS.toFixed(1)} s (${r.lines} lines)`);
  }
  const distributedWallS: number[] = [];
  const finalizeS: number[] = [];
  let stored = 0;
  let tasks = 0;
  let probes = 0;
  for (let i = 0; i < o.runs; i++) {
    const db = `perisai_bench_h_${process.pid}_${i}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    const url = new URL(adminUrl);
    url.pathname = `/${db}`;
    const dbUrl = url.toString();
    const store = await createStore({ url: dbUrl });
    const children: ChildProcess[] = [];
    const logFd = openSync(path.join(o.work, `H-services-${i}.log`), 'a');
    try {
      const city = await store.agencies.create('all', { kind: 'city', code: 'BENCH', name: 'Bench' });
      await store.networks.add('all', {
        agencyId: city.id, cidr: '127.0.0.0/28', authorisedBy: 'bench', authorisedAt: new Date().toISOString(),
        confirmation: { by: 'bench', reason: 'loopback listeners of the benchmark on this machine' },
      });
      const spawnCli = (argv: string[]): ChildProcess => {
        const c = spawn(o.cli[0]!, [...o.cli.slice(1), ...argv], { env, stdio: ['ignore', logFd, logFd] });
        children.push(c);
        return c;
      };
      spawnCli(['serve', '--db', dbUrl, '--no-http', '--concurrency', '0']);
      for (let w = 0; w < workers; w++) spawnCli(['worker', '--db', dbUrl, '--concurrency', String(concurrency), ...(sliceSlots > 0 ? ['--slice-slots', String(sliceSlots)] : [])]);
      // Every service up (its heartbeat row written) before the clock starts: long-running services.
      for (const until = Date.now() + 60_000; (await store.workers.list()).length < workers + 1;) {
        if (Date.now() > until) throw new Error('the services did not start within 60 s');
        if (children.some((c) => c.exitCode !== null)) throw new Error('a service exited at start');
        await new Promise((r) => setTimeout(r, 200));
      }
      const queue = new PgBossQueue(store, dbUrl);
      await queue.start();
      const t0 = Date.now();
      const ports = Array.from({ length: 65535 }, (_, p) => p + 1);
      const targets = Array.from({ length: HOSTS }, (_, h) => `127.0.0.${h + 1}/32`);
      const job = await createScanJob(store, 'all', { agencyId: city.id, targets, ports, profile: 'ports', vantage: 'internal', requestedBy: 'bench', slotsPerTask: SLOTS_PER_TASK });
      const list = await store.scans.tasks('all', job.id);
      await queue.publish(list.map((t) => ({ id: t.id, zone: t.zone })));
      tasks = list.length;
      probes = job.planned;
      let status = job.status;
      while (status !== 'completed') {
        if (status === 'failed' || status === 'cancelled') throw new Error(`job ${status}`);
        if (Date.now() - t0 > 900_000) throw new Error('job not completed within 15 minutes');
        await new Promise((r) => setTimeout(r, 100));
        status = (await store.scans.getJob('all', job.id)).status;
      }
      const wallS = (Date.now() - t0) / 1000;
      await queue.stop();
      // Finalize = the job's finish minus its last task's completion (both written by the database's clients).
      const q = new pg.Client({ connectionString: dbUrl });
      await q.connect();
      const r = await q.query<{ s: string }>(
        'SELECT extract(epoch FROM (j.finished_at::timestamptz - max(t.updated_at::timestamptz))) AS s FROM scan_jobs j JOIN scan_tasks t ON t.job_id = j.id WHERE j.id = $1 GROUP BY j.finished_at',
        [job.id]);
      await q.end();
      const fin = Number(r.rows[0]?.s);
      stored = await store.observations.count('all', job.id);
      distributedWallS.push(wallS);
      finalizeS.push(fin);
      o.log(`H: distributed ${wallS.toFixed(1)} s (finalize ${fin.toFixed(1)} s), ${stored} observations stored`);
    } finally {
      await Promise.all(children.map(stop));
      closeSync(logFd);
      await store.close();
      if (!o.keep) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => {});
      await admin.end();
    }
  }
  return {
    probes, tasks, shape, cliWallS, cliLines, distributedWallS, finalizeS, storedObservations: stored,
    ratio: median(distributedWallS) / median(cliWallS), loadBefore, loadAfter: os.loadavg(),
  };
}

/** The bed's lines of the report (text and Markdown alike). */
export function distributedReport(r: DistributedResult): string {
  const f = (xs: readonly number[]): string => `${median(xs).toFixed(1)} s${xs.length > 1 ? ` (median of ${xs.join(', ')})` : ''}`;
  return [
    `Bed H — distributed scan on PostgreSQL: ${r.probes} probes (${HOSTS} loopback hosts × ports ${PORTS}), ${r.tasks} tasks`,
    `  shape: ${r.shape}; machine: ${os.cpus().length} cores`,
    `  one perisai scan (--all-states, no banners): ${f(r.cliWallS)}, ${r.cliLines} lines`,
    `  distributed, job created → completed:        ${f(r.distributedWallS)}, ${r.storedObservations} observations stored`,
    `  of which finalize:                           ${f(r.finalizeS)}`,
    `  ratio distributed / CLI: ${r.ratio.toFixed(2)}× (target ≤ 1.5×) ${r.ratio <= 1.5 ? 'MET' : 'NOT MET'}`,
    `  load average before ${r.loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${r.loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
  ].join('\n') + '\n';
}
