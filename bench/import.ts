// Import bench: a city's inventory (20,000 and 200,000 asset rows in one CSV) imported with the real CLI
// while `perisai serve` runs on the same database, on SQLite and on PostgreSQL. It records the import's
// wall time and peak RSS (GNU time), and the worst `/api/v1/health` latency over real HTTP during the
// import (a probe every 100 ms), plus the worst login (a write: session and audit rows) — the two things
// that stalled when the import held the write lock (docs/inventory-io.md "Import at city scale").
//
//   npm run bench:import                                 # both dialects, 20,000 and 200,000 rows
//   BENCH_IMPORT_ROWS=20000 BENCH_IMPORT_DIALECTS=sqlite npm run bench:import
//
// PostgreSQL is a private server started from Debian's binaries (tests/store/pg-server.ts) with durable
// settings. Everything listens on loopback only. Targets on a 2-core machine: 20,000 rows ≤ 10 s, health
// ≤ 1 s during the import.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '../tests/store/pg-server.js';
import type { PgServer } from '../tests/store/pg-server.js';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
const ROWS = (process.env.BENCH_IMPORT_ROWS ?? '20000,200000').split(',').map(Number);
const DIALECTS = (process.env.BENCH_IMPORT_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
const AGENCIES = 49;
const PASSWORD = 'bench-Import-2025!';

interface Result {
  dialect: string;
  rows: number;
  run: 'first' | 'again';
  seconds: number;
  rssMb: number;
  healthMaxMs: number;
  healthP99Ms: number;
  probes: number;
  loginMaxMs: number;
  summary: string;
}

function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** The city: a root, 49 agencies under it, a /16 each. */
function cityCsv(path: string): void {
  const lines = ['type,code,name,kind,parent_code,agency_code,cidr,authorised_by,authorised_at', 'agency,KOTA,Pemerintah Kota Bench,city,,,,,'];
  for (let a = 0; a < AGENCIES; a++) lines.push(`agency,OPD-${a},Perangkat Daerah ${a},opd,KOTA,,,,`);
  for (let a = 0; a < AGENCIES; a++) lines.push(`network,,,,,OPD-${a},10.${a}.0.0/16,Kepala OPD ${a},2025-01-15`);
  writeFileSync(path, lines.join('\r\n') + '\r\n');
}

/** `rows` assets spread over the agencies, with the identifiers and columns an agency's spreadsheet has. */
async function assetsCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (s: string): Promise<void> => new Promise((resolve) => (out.write(s) ? resolve() : out.once('drain', () => resolve())));
  await write('agency_code,ip,mac,netbios_name,dns_name,os,criticality,owner,tags,outside_control,responsible_party\r\n');
  const crit = ['vital', 'public-service', 'internal', 'low'];
  for (let i = 0; i < rows; i++) {
    const a = i % AGENCIES;
    const h = Math.floor(i / AGENCIES) + 1;
    const mac = `02:00:${[(i >>> 24) & 255, (i >>> 16) & 255, (i >>> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    const dns = i % 10 === 0 ? `srv-${i}.opd${a}.kota.example.go.id` : '';
    await write(`OPD-${a},10.${a}.${h >> 8}.${h & 255},${mac},PC-${i.toString(36).toUpperCase()},${dns},Windows 10,${crit[i % 4]},Bagian ${i % 17},"simrs;lantai-${i % 5}",no,\r\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

function http(port: number, method: string, path: string, body?: string): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
    });
    req.on('error', reject);
    req.setTimeout(120_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** Import under GNU time (%e wall seconds, %M peak RSS in KiB). */
async function timedImport(file: string, db: string, env: NodeJS.ProcessEnv): Promise<{ seconds: number; rssMb: number; summary: string }> {
  const r = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
    const p = spawn('/usr/bin/time', ['-f', 'TIME %e %M', process.execPath, MAIN, 'import', file, '--db', db, '--no-progress'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
  const m = /TIME ([\d.]+) (\d+)/.exec(r.err);
  if (r.code !== 0 || m === null) throw new Error(`import failed (${r.code}): ${r.err}${r.out}`);
  return { seconds: Number(m[1]), rssMb: Number(m[2]) / 1024, summary: r.out.trim() };
}

async function benchOne(dialect: 'sqlite' | 'postgres', rows: number, pg: PgServer | undefined): Promise<Result[]> {
  const dir = mkdtempSync(join(tmpdir(), 'perisai-import-bench-'));
  const db = dialect === 'sqlite' ? `sqlite://${join(dir, 'data', 'perisai.db')}` : await pg!.createDatabase(`import_${rows}_${Date.now()}`);
  const env = { ...process.env, PERISAI_DATA_DIR: join(dir, 'data'), PERISAI_ADMIN_PASSWORD: PASSWORD };
  try {
    cityCsv(join(dir, 'city.csv'));
    await assetsCsv(join(dir, 'assets.csv'), rows);
    const city = await cli(['import', join(dir, 'city.csv'), '--db', db, '--no-progress'], env);
    if (city.code !== 0) throw new Error(`city import failed: ${city.err}`);
    const port = await freePort();
    const serve = spawn(process.execPath, [MAIN, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let serveLog = '';
    serve.stderr.on('data', (d: Buffer) => (serveLog += d.toString()));
    try {
      for (let i = 0; ; i++) {
        if (i > 300) throw new Error(`serve did not come up: ${serveLog}`);
        const ok = await http(port, 'GET', '/api/v1/health').then((r) => r.status === 200, () => false);
        if (ok) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const out: Result[] = [];
      for (const run of ['first', 'again'] as const) {
        let importing = true;
        const health: number[] = [];
        const logins: number[] = [];
        const probe = (async () => {
          while (importing) {
            health.push((await http(port, 'GET', '/api/v1/health')).ms);
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        const login = (async () => {
          while (importing) {
            logins.push((await http(port, 'POST', '/api/v1/auth/login', JSON.stringify({ username: 'admin', password: PASSWORD }))).ms);
            await new Promise((r) => setTimeout(r, 2000));
          }
        })();
        const r = await timedImport(join(dir, 'assets.csv'), db, env);
        importing = false;
        await Promise.all([probe, login]);
        out.push({ dialect, rows, run, ...r, healthMaxMs: Math.max(...health), healthP99Ms: pct(health, 99), probes: health.length, loginMaxMs: Math.max(...logins) });
        process.stderr.write(`${dialect} ${rows} ${run}: ${r.seconds} s, ${r.rssMb.toFixed(0)} MB, health max ${Math.max(...health).toFixed(0)} ms (${health.length} probes), login max ${Math.max(...logins).toFixed(0)} ms — ${r.summary}\n`);
      }
      const busy = (serveLog.match(/SQLITE_BUSY|database is locked/g) ?? []).length;
      if (busy > 0) process.stderr.write(`${dialect} ${rows}: serve logged ${busy} busy error(s)\n`);
      return out;
    } finally {
      serve.kill('SIGTERM');
      await new Promise((r) => serve.once('exit', r));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pg = DIALECTS.includes('postgres') ? await startPostgres({ fast: false }) : undefined;
const results: Result[] = [];
try {
  for (const dialect of DIALECTS) for (const rows of ROWS) results.push(...(await benchOne(dialect, rows, pg)));
} finally {
  await pg?.stop();
}
process.stdout.write('| dialect | asset rows | run | seconds | peak RSS (MB) | health worst / p99 (ms) | login worst (ms) |\n|---|---:|---|---:|---:|---:|---:|\n');
for (const r of results) {
  process.stdout.write(`| ${r.dialect} | ${r.rows.toLocaleString('en-US')} | ${r.run === 'first' ? 'new' : 'again (unchanged)'} | ${r.seconds.toFixed(1)} | ${r.rssMb.toFixed(0)} | ${r.healthMaxMs.toFixed(0)} / ${r.healthP99Ms.toFixed(0)} | ${r.loginMaxMs.toFixed(0)} |\n`);
}
