// Store benchmark (a script, not a test): ingest a /16 sweep into SQLite and PostgreSQL, then time the
// findings query for one agency with 100,000 findings in the store.
//
//   npx tsx tests/store/bench-ingest.ts [--only sqlite|postgres] [--write-docs]
//
// Targets: ≥ 50,000 observations/s into SQLite; findings query for one agency with 100,000
// findings: p99 < 50 ms; memory bounded while a /16 streams in (batches of 2,000).
// PostgreSQL runs on a private server started here from Debian's packages with DURABLE settings
// (fsync on, synchronous_commit on — unlike the test server). --write-docs replaces the figures between
// the bench markers in docs/store.md.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import type { AssetScanSignals } from '../../src/domain/finding-signals.js';
import { createStore } from '../../src/store/index.js';
import type { IngestItem, Store } from '../../src/store/index.js';
import { startPostgres } from './pg-server.js';

const HOSTS = 65_536;
const PORTS = [139, 445, 3389] as const;
const TASKS = 4;
const FINDINGS_MAIN = 100_000; // in the agency we query
const FINDINGS_OTHER = 40_000; // in another agency, so the query has to filter
const QUERY_RUNS = 1000;
const AUTH = { authorisedBy: 'bench', authorisedAt: '2025-01-01T00:00:00.000Z' };

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const writeDocs = args.includes('--write-docs');

function ipOf(i: number, base = '198.18'): string {
  return `${base}.${i >> 8}.${i & 255}`;
}

/**
 * Hosts [from, to) of a /16 sweep as the engine would stream them: per host three ports and a host line,
 * plus two check verdicts where SMB is open (20 % of hosts), and a progress mark every 1,024 hosts (host
 * h owns indices [3h, 3h + 3) of the job's index space).
 */
async function* sweep(from: number, to: number): AsyncGenerator<IngestItem> {
  for (let h = from; h < to; h++) {
    const ip = ipOf(h);
    const smb = h % 5 === 0;
    yield { type: 'port', ip, port: 445, proto: 'tcp', state: smb ? 'open' : 'closed', reason: smb ? 'syn-ack' : 'conn-refused', ...(smb ? { rttMs: 0.4, service: 'microsoft-ds' } : {}) };
    yield { type: 'port', ip, port: 139, proto: 'tcp', state: smb ? 'open' : 'closed', reason: smb ? 'syn-ack' : 'conn-refused' };
    yield { type: 'port', ip, port: 3389, proto: 'tcp', state: 'filtered', reason: 'no-response' };
    yield { type: 'host', ip, state: 'up', reason: smb ? 'syn-ack' : 'conn-refused', open: smb ? 2 : 0, closed: smb ? 0 : 2, filtered: 1, srttMs: 0.4 };
    if (smb) {
      yield { type: 'check', ip, port: 445, check: 'ms17-010', state: h % 15 === 0 ? 'vulnerable' : 'not-vulnerable', reason: 'PeekNamedPipe status', evidence: { status: h % 15 === 0 ? '0xc0000205' : '0xc0000008' } };
      yield { type: 'check', ip, port: 445, check: 'smbv1', state: h % 10 === 0 ? 'vulnerable' : 'not-vulnerable' };
    }
    if ((h + 1 - from) % 1024 === 0 || h + 1 === to) {
      const first = Math.max(from, h + 1 - 1024);
      yield { type: 'progress', done: [[first * PORTS.length, (h + 1) * PORTS.length]] };
    }
  }
}

/** Ingest the whole /16 the way workers do: claim each task, stream its hosts with progress, complete it. */
async function ingestJob(store: Store, jobId: string, owner: string, claim: boolean): Promise<{ inserted: number; duplicates: number; batches: number }> {
  const tot = { inserted: 0, duplicates: 0, batches: 0 };
  const tasks = await store.scans.tasks('all', jobId);
  for (const t of tasks) {
    if (claim) {
      const c = await store.scans.claimTask({ zone: null, owner, leaseMs: 600_000 });
      if (c === undefined) throw new Error('no task to claim');
    }
    const r = await store.observations.ingestStream({
      jobId, source: sweep(t.range[0] / PORTS.length, t.range[1] / PORTS.length), batchSize: 2000,
      taskId: t.id, ...(claim ? { owner } : {}),
    });
    if (claim) await store.scans.completeTask(t.id, owner);
    tot.inserted += r.inserted;
    tot.duplicates += r.duplicates;
    tot.batches += r.batches;
  }
  return tot;
}

interface Figures {
  dialect: string;
  version: string;
  observations: number;
  ingestSeconds: number;
  obsPerSecond: number;
  redeliverSeconds: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  assets: number;
  assetSeconds: number;
  findings: number;
  findingsSeconds: number;
  queries: Record<string, { p50: number; p95: number; p99: number; max: number }>;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeQuery(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; p99: number; max: number }> {
  for (let i = 0; i < 20; i++) await fn(); // warm caches and statement plans
  const t: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    const a = performance.now();
    await fn();
    t.push(performance.now() - a);
  }
  t.sort((x, y) => x - y);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(pct(t, 50)), p95: r(pct(t, 95)), p99: r(pct(t, 99)), max: r(t[t.length - 1]!) };
}

async function run(store: Store, dialect: string, version: string): Promise<Figures> {
  const log = (s: string) => console.error(`[${dialect}] ${s}`);
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
  const opd = await store.agencies.create('all', { kind: 'opd', code: 'DINKES', name: 'Dinas Kesehatan', parentId: city.id });
  const other = await store.agencies.create('all', { kind: 'opd', code: 'DISDIK', name: 'Dinas Pendidikan', parentId: city.id });
  await store.networks.add('all', { agencyId: opd.id, cidr: '198.18.0.0/16', ...AUTH });
  await store.networks.add('all', { agencyId: other.id, cidr: '198.19.0.0/16', ...AUTH });
  const perTask = (HOSTS / TASKS) * PORTS.length;
  const tasks = Array.from({ length: TASKS }, (_, i) => ({ start: i * perTask, end: Math.min((i + 1) * perTask, HOSTS * PORTS.length) }));
  const job = await store.scans.createJob('all', { agencyId: opd.id, profile: 'ransomware', targets: ['198.18.0.0/16'], ports: [...PORTS], vantage: 'internal', seed: '42', requestedBy: 'bench', tasks });

  // ---- ingest ------------------------------------------------------------------------------------
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  let t0 = performance.now();
  const r = await ingestJob(store, job.id, 'bench-worker', true);
  const ingestSeconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  log(`ingested ${r.inserted} observations in ${ingestSeconds.toFixed(2)} s = ${Math.round(r.inserted / ingestSeconds)}/s, ${r.batches} batches, RSS ${(rssBefore / 2 ** 20).toFixed(0)} → peak ${(rssPeak / 2 ** 20).toFixed(0)} MB`);
  t0 = performance.now();
  const again = await ingestJob(store, job.id, 'bench-worker', false);
  const redeliverSeconds = (performance.now() - t0) / 1000;
  if (again.inserted !== 0 || again.duplicates !== r.inserted) throw new Error(`re-delivery stored ${again.inserted} rows`);
  log(`re-delivered the whole sweep: 0 new rows, ${again.duplicates} duplicates in ${redeliverSeconds.toFixed(2)} s`);

  // ---- 100,000 findings in one agency (+ 40,000 elsewhere), through assets and the lifecycle --------
  t0 = performance.now();
  const mk = (n: number, base: string) => Array.from({ length: n }, (_, i) => ({ ip: ipOf(i, base), netbiosName: `PC-${base.slice(-2)}-${i}` }));
  const mainAssets = await store.assets.upsertObserved('all', { agencyId: opd.id, hosts: mk(FINDINGS_MAIN / 2, '198.18'), jobId: job.id });
  const otherAssets = await store.assets.upsertObserved('all', { agencyId: other.id, hosts: mk(FINDINGS_OTHER / 2, '198.19') });
  const assetSeconds = (performance.now() - t0) / 1000;
  log(`upserted ${mainAssets.length + otherAssets.length} assets in ${assetSeconds.toFixed(2)} s`);
  const sev = (i: number) => (['critical', 'high', 'medium', 'low'] as const)[i % 4]!;
  const signals = (i: number): AssetScanSignals => ({
    signals: [
      { ruleId: 'ms17-010', port: 445, title: { id: 'MS17-010', en: 'MS17-010' }, input: { kind: 'detected', severity: sev(i), evidence: { status: '0xc0000205' }, jobId: job.id } },
      { ruleId: 'smbv1', port: 445, title: { id: 'SMBv1', en: 'SMBv1' }, input: { kind: 'detected', severity: sev(i + 1), jobId: job.id } },
    ],
    closedPorts: [],
  });
  t0 = performance.now();
  let findings = 0;
  for (const [list, agencyId] of [[mainAssets, opd.id], [otherAssets, other.id]] as const) {
    for (let i = 0; i < list.length; i += 5000) {
      const part = list.slice(i, i + 5000).map((a, k) => ({ assetId: a.assetId, agencyId, scan: signals(i + k) }));
      findings += (await store.findings.applyScan({ jobId: job.id, assets: part, at: new Date(Date.parse('2025-06-01T00:00:00Z') + i * 1000).toISOString() })).opened;
    }
  }
  const findingsSeconds = (performance.now() - t0) / 1000;
  log(`opened ${findings} findings (with events and outbox rows) in ${findingsSeconds.toFixed(2)} s`);

  // ---- queries -------------------------------------------------------------------------------------
  t0 = performance.now();
  await store.maintain();
  log(`maintenance (statistics) after the bulk load: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  const scope = await store.agencies.scopeOf(opd.id);
  const queries: Figures['queries'] = {};
  queries['first page (100) of open findings, worst first — agency scope'] = await timeQuery(() => store.findings.list(scope, { agencyId: opd.id, limit: 100 }));
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) cursor = (await store.findings.list(scope, { agencyId: opd.id, limit: 100, ...(cursor ? { cursor } : {}) })).next;
  const deep = cursor;
  queries['page 51 via cursor'] = await timeQuery(() => store.findings.list(scope, { agencyId: opd.id, limit: 100, ...(deep ? { cursor: deep } : {}) }));
  queries['critical only, first page'] = await timeQuery(() => store.findings.list(scope, { agencyId: opd.id, minSeverity: 'critical', limit: 100 }));
  queries['counts per status × severity (finding_tallies)'] = await timeQuery(() => store.findings.counts(scope, { agencyId: opd.id }));
  queries['admin view, scope all, first page'] = await timeQuery(() => store.findings.list('all', { limit: 100 }));
  for (const [k, v] of Object.entries(queries)) log(`${k}: p50 ${v.p50} ms, p95 ${v.p95} ms, p99 ${v.p99} ms, max ${v.max} ms`);
  const mb = (x: number) => Math.round(x / 2 ** 20);
  return {
    dialect, version, observations: r.inserted, ingestSeconds, obsPerSecond: Math.round(r.inserted / ingestSeconds), redeliverSeconds,
    rssBeforeMb: mb(rssBefore), rssPeakMb: mb(rssPeak), assets: mainAssets.length + otherAssets.length, assetSeconds, findings, findingsSeconds, queries,
  };
}

function machine(): string[] {
  const cpu = cpus();
  let disk = '';
  try {
    disk = execFileSync('df', ['-h', '--output=source,fstype,size', tmpdir()], { encoding: 'utf8' }).trim().split('\n')[1]?.replace(/\s+/g, ' ') ?? '';
  } catch {
    disk = 'unknown';
  }
  let os = '';
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    os = process.platform;
  }
  return [
    `- CPU: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length} (as seen by the process)`,
    `- RAM: ${(totalmem() / 2 ** 30).toFixed(1)} GiB; OS: ${os}; Node ${process.version}`,
    `- Disk under ${tmpdir()}: ${disk}`,
    `- Load average when the report was written: ${loadavg().map((x) => x.toFixed(2)).join(' / ')} (1/5/15 min; the machine is shared)`,
  ];
}

function markdown(figs: Figures[]): string {
  const lines = ['', `Measured ${new Date().toISOString().slice(0, 10)} with \`npx tsx tests/store/bench-ingest.ts\`:`, '', ...machine(), ''];
  lines.push('| | ' + figs.map((f) => `${f.dialect} (${f.version})`).join(' | ') + ' |', '|---|' + figs.map(() => '---:').join('|') + '|');
  const row = (label: string, fn: (f: Figures) => string) => lines.push(`| ${label} | ${figs.map(fn).join(' | ')} |`);
  row('/16 sweep ingested (observations)', (f) => f.observations.toLocaleString('en-US'));
  row('ingest time', (f) => `${f.ingestSeconds.toFixed(2)} s`);
  row('**ingest rate**', (f) => `**${f.obsPerSecond.toLocaleString('en-US')} obs/s**`);
  row('same sweep re-delivered (0 rows stored)', (f) => `${f.redeliverSeconds.toFixed(2)} s`);
  row('RSS before → peak while streaming', (f) => `${f.rssBeforeMb} → ${f.rssPeakMb} MB`);
  row(`assets upserted (identity matching)`, (f) => `${f.assets.toLocaleString('en-US')} in ${f.assetSeconds.toFixed(2)} s`);
  row('findings opened (rows + events + outbox)', (f) => `${f.findings.toLocaleString('en-US')} in ${f.findingsSeconds.toFixed(2)} s`);
  const keys = Object.keys(figs[0]?.queries ?? {});
  for (const k of keys) row(`${k}: p50 / p99`, (f) => `${f.queries[k]!.p50} / **${f.queries[k]!.p99}** ms`);
  lines.push('', `Queries: ${QUERY_RUNS} timed runs each after 20 warm-up runs, agency with ${FINDINGS_MAIN.toLocaleString('en-US')} findings and ${FINDINGS_OTHER.toLocaleString('en-US')} more in another agency.`, '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const figs: Figures[] = [];
  if (only === undefined || only === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'perisai-store-bench-'));
    const path = join(dir, 'bench.db');
    const store = await createStore({ url: `sqlite://${path}` });
    const raw = new BetterSqlite3(':memory:');
    const version = `SQLite ${(raw.prepare('select sqlite_version() as v').get() as { v: string }).v}, WAL, synchronous=NORMAL`;
    raw.close();
    try {
      figs.push(await run(store, 'SQLite', version));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (only === undefined || only === 'postgres') {
    const server = await startPostgres({ fast: false });
    try {
      const store = await createStore({ url: await server.createDatabase('bench') });
      try {
        figs.push(await run(store, 'PostgreSQL', `${server.version.replace(/^postgres \(PostgreSQL\) /, 'PostgreSQL ')}, fsync on, local socket`));
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
    }
  }
  const md = markdown(figs);
  console.log(md);
  if (writeDocs) {
    const doc = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'store.md');
    const text = readFileSync(doc, 'utf8');
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const a = text.indexOf(begin);
    const b = text.indexOf(end);
    if (a < 0 || b < a) throw new Error(`${doc} has no ${begin} … ${end} markers`);
    writeFileSync(doc, text.slice(0, a + begin.length) + md + text.slice(b));
    console.error(`wrote the figures into ${doc}`);
  }
}

await main();
