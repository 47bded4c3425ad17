// Perisai benchmark: Perisai and its peers (nmap, ZMap) side by side on beds A-E, in one run.
//
//   npm run bench            (as root; builds first, then runs dist/bench/run.js)
//
// Env: BENCH_BEDS=A,B,C,D,E,F,G,H  BENCH_RUNS (all beds; default 5 for A/B/F, 3 for C/D/E)  BENCH_WARMUP (A/B/E/F; default 1)
//      BENCH_NMAP_SLOW_RUNS (nmap's default-timing rows on C/D; default 1)  BENCH_KEEP=1 (leave the beds up)
//      BENCH_NMAP_SMB_RUNS (nmap's SMB scripts on E; default 1)  BENCH_NMAP_SMB_SUBSET (E: nmap on the first N
//      addresses of each persona, 0 = all; default 0)  BENCH_SMB_PER_PERSONA (E: also each /26 alone; default 1)
//      BENCH_KEEP_OUTPUT=1 (keep the raw tool outputs)  BENCH_PERISAI_VARIANTS=default,w4096,net
//      BENCH_PERISAI_BIN (path of the CLI's main.js; default dist/src/cli/main.js)  BENCH_RUN_TIMEOUT (s, 600)
//      BENCH_STATE / BENCH_SEED (passed to beds.sh)
//      bed H (bench/distributed.ts): BENCH_PG_URL (a local PostgreSQL, default postgres://postgres@127.0.0.1:5432/postgres)
//      BENCH_H_WORKERS (2)  BENCH_H_CONCURRENCY (2)  BENCH_H_SLICE_SLOTS (worker default); BENCH_BEDS=H runs it alone, without the namespaces
// See bench/README.md. This file runs the beds and the commands; truth.ts reads the ground truth, nmap-xml.ts and
// smb-verdicts.ts turn the tools' outputs into verdicts, report.ts checks the targets and prints the tables.
// Every scan runs inside the beds' namespaces (pb-lo, pb-scan); the bench refuses to run
// a command whose namespace is missing, and only ever targets 127.0.0.1 (in pb-lo) or 198.18.0.0/15.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIPv4 } from '../src/engine/targets/index.js';
import { parseNmapXml, nmapFacts } from './nmap-xml.js';
import { checksFor, report, smbChecks } from './report.js';
import type { BedLoad, BedResult, CommandResult, RunRecord, Tool } from './report.js';
import { distributedReport, runDistributedBed } from './distributed.js';
import { agreement, perisaiFacts } from './smb-verdicts.js';
import type { Facts } from './smb-verdicts.js';
import { ALL_BEDS, isSmbBed, personaAddresses, readTruth, v4Block } from './truth.js';
import type { BedName, BedTruth, SmbPersona, Truth } from './truth.js';


type Parser = 'jsonl' | 'gnmap' | 'zmap' | 'nmapxml';

interface Command {
  id: string;
  label: string;
  tool: Tool;
  argv: string[];
  outFile: string;
  parser: Parser;
  zmapPort?: number;
  runs: number;
  warmup: number;
  na?: string;
  note?: string;
  /** bed E: the persona blocks this command scans (all four, or one) */
  personas?: string[];
  /** bed E: nmap scanned this fraction of the addresses (BENCH_NMAP_SMB_SUBSET) */
  subsetOf?: { scanned: number; all: number };
  /** beds E/G: only the first N addresses of each persona */
  addrsPerPersona?: number;
}

// ---------------------------------------------------------------- paths, env

const here = path.dirname(fileURLToPath(import.meta.url));

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(path.join(dir, 'bench', 'beds.sh'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root above ${start}`);
    dir = up;
  }
}

const ROOT = findRoot(here);
const BEDS_SH = path.join(ROOT, 'bench', 'beds.sh');
const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
const STATE = process.env['BENCH_STATE'] ?? '/run/perisai-bench';
const PERISAI_BIN = process.env['BENCH_PERISAI_BIN'] ?? path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

/**
 * The Node flags the installed `perisai` command runs with (its shebang: `#!/usr/bin/env -S node FLAGS`), so
 * the bench measures the CLI as users start it, not a bare `node main.js`.
 */
function launcherNodeFlags(): string[] {
  try {
    const first = readFileSync(PERISAI_BIN, 'utf8').split('\n', 1)[0] ?? '';
    const m = /^#!\/usr\/bin\/env -S node((?:\s+--[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
    return m?.[1] ? m[1].trim().split(/\s+/) : [];
  } catch {
    return [];
  }
}
const RUN_TIMEOUT_S = envInt('BENCH_RUN_TIMEOUT', 600);
const NMAP_SLOW_RUNS = envInt('BENCH_NMAP_SLOW_RUNS', 1);
const KEEP = process.env['BENCH_KEEP'] === '1';
const KEEP_OUTPUT = process.env['BENCH_KEEP_OUTPUT'] === '1';

function envInt(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${v}`);
  return n;
}

/** The beds to run; H (distributed, bench/distributed.ts) needs no namespace and is reported on its own. */
function selectedBeds(): { beds: BedName[]; distributed: boolean } {
  const v = process.env['BENCH_BEDS'];
  if (!v) return { beds: [...ALL_BEDS], distributed: true };
  const out: BedName[] = [];
  let distributed = false;
  for (const s of v.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean)) {
    if (s === 'H') {
      distributed = true;
      continue;
    }
    if (!(ALL_BEDS as readonly string[]).includes(s)) throw new Error(`BENCH_BEDS: unknown bed ${s}`);
    if (!out.includes(s as BedName)) out.push(s as BedName);
  }
  return { beds: out, distributed };
}

const log = (s: string): void => {
  process.stderr.write(s + '\n');
};

// ---------------------------------------------------------------- tools

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function which(cmd: string): boolean {
  return sh('sh', ['-c', `command -v ${cmd}`]).ok;
}

/** Install the Debian packages the bench needs, only those that are missing. */
function ensureTools(): void {
  const need: [string, string][] = [
    ['nmap', 'nmap'],
    ['zmap', 'zmap'],
    ['/usr/bin/time', 'time'],
    ['/usr/bin/python3', 'python3'],
    ['ip', 'iproute2'],
    ['nft', 'nftables'],
    ['ss', 'iproute2'],
  ];
  const missing = [...new Set(need.filter(([c]) => !(c.startsWith('/') ? existsSync(c) : which(c))).map(([, p]) => p))];
  if (missing.length === 0) return;
  log(`bench: installing missing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '-q', ...missing], { stdio: 'inherit', env });
  if (r.status !== 0) log('bench: apt-get install failed; rows needing the missing tools will be n/a');
}

function machineFacts(): Record<string, string> {
  const first = (r: { ok: boolean; out: string }): string => (r.ok ? (r.out.split('\n')[0] ?? '') : 'n/a');
  const cpu = os.cpus();
  let commit = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  if (!commit.ok) commit = { ok: true, out: 'no commit yet' };
  return {
    date: new Date().toISOString(),
    host: os.hostname(),
    nproc: sh('nproc', []).out || String(cpu.length),
    cpu: cpu[0]?.model ?? 'unknown',
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()}`,
    os: first(sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])),
    node: process.version,
    nmap: first(sh('nmap', ['--version'])),
    zmap: first(sh('zmap', ['--version'])),
    python: first(sh('/usr/bin/python3', ['--version'])),
    'ulimit -n': sh('sh', ['-c', 'echo "soft $(ulimit -Sn) / hard $(ulimit -Hn)"']).out,
    'load average at start': os.loadavg().map((x) => x.toFixed(2)).join(' '),
    perisai: existsSync(PERISAI_BIN) ? `${PERISAI_BIN} (git ${commit.out})` : `not built (${PERISAI_BIN} missing)`,
  };
}

// ---------------------------------------------------------------- safety

/** Only 127.0.0.1 (bed A, private loopback) or 198.18.0.0/15 may ever be a target. */
function assertAllowedTargets(bed: BedName, t: BedTruth): void {
  const lab = v4Block('198.18.0.0/15');
  const loopbackA = bed === 'A' && t.targets === '127.0.0.1' && t.ns === 'pb-lo';
  const specs = isSmbBed(bed) ? (t.personas ?? []).map((p) => p.cidr) : [t.targets];
  if (isSmbBed(bed) && (specs.length === 0 || specs.join(' ') !== (t.blocks ?? []).join(' ')))
    throw new Error(`bed ${bed}: persona blocks missing or inconsistent in truth.json; refusing`);
  for (const spec of specs) {
    const { start, end } = v4Block(spec);
    if (!loopbackA && !(start >= lab.start && end <= lab.end)) throw new Error(`bed ${bed}: target ${spec} is outside 198.18.0.0/15; refusing`);
  }
  if (!['pb-lo', 'pb-scan'].includes(t.ns)) throw new Error(`bed ${bed}: unexpected namespace ${t.ns}; refusing`);
}

/** The namespace must exist and must not be the one this process runs in. */
function assertNamespace(ns: string): void {
  const p = `/run/netns/${ns}`;
  if (!existsSync(p)) throw new Error(`namespace ${ns} is missing (${p}); refusing to scan from anywhere else`);
  if (statSync(p).ino === statSync('/proc/self/ns/net').ino) throw new Error(`namespace ${ns} is the bench's own namespace; refusing`);
}

/** In pb-scan: no default route, and the bed's first target is routed over the bed's own links. */
function assertScanRoutes(t: BedTruth, link: Truth['link']): void {
  if (t.ns !== 'pb-scan') return;
  const def = sh('ip', ['-n', 'pb-scan', 'route', 'show', 'default']);
  if (!def.ok || def.out !== '') throw new Error(`pb-scan has a default route (${def.out}); refusing`);
  if (t.personas) {
    // bed E: every block's first and last address over its persona's own veth
    for (const p of t.personas) {
      for (const ip of [p.first, p.last]) {
        const r = sh('ip', ['-n', 'pb-scan', 'route', 'get', ip]);
        if (!r.ok || !new RegExp(`\\bdev ${p.scanIf}\\b`).test(r.out)) throw new Error(`pb-scan routes ${ip} unexpectedly (${r.out}); refusing`);
      }
      if (!existsSync(`/run/netns/${p.ns}`)) throw new Error(`bed E: namespace ${p.ns} of persona ${p.name} is missing; refusing`);
    }
    return;
  }
  const first = t.open[0]?.[0];
  if (!first) return;
  const r = sh('ip', ['-n', 'pb-scan', 'route', 'get', first]);
  const links = t.scanIf ? [t.scanIf] : [link.scanIf, link.tunScan];
  if (!r.ok || !links.some((l) => new RegExp(`\\bdev ${l}\\b`).test(r.out)))
    throw new Error(`pb-scan routes ${first} unexpectedly (${r.out}); refusing`);
}

// ---------------------------------------------------------------- beds

function beds(action: 'up' | 'down' | 'status'): boolean {
  const r = spawnSync('bash', [BEDS_SH, action], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BENCH_STATE: STATE } });
  return r.status === 0;
}

function layoutText(bed: BedName, t: BedTruth): string {
  switch (bed) {
    case 'A':
      return `pb-lo, 127.0.0.1 × ${t.probes} ports, ${t.open.length} listening (accept + close), rest RST`;
    case 'B':
      return `pb-scan → veth → pb-tgt, ${t.targets} × ${t.ports}: every address answers, ${t.open.length} listen, rest RST`;
    case 'F':
      return `pb-scan → veth → bridge (pb-fbr) → 64 host namespaces, ${t.targets} × ${t.ports}: every host answers, ${t.open.length} listen (greeting, HTTP, accept+close, accept+silence), rest RST`;
    case 'G':
    case 'E':
      return `pb-scan → 4 veths → one namespace per SMB persona (AnyIP /26 each${bed === 'G' ? ', lab/lib/dpserver.py: no fork per connection' : ''}): ${(t.personas ?? [])
        .map((p) => `${p.name} ${p.cidr} (${p.ns})`).join(', ')}; ${t.alive} SMB hosts × ${t.ports}, ${t.open.length} open`;
    default:
      return `pb-scan → ${bed === 'D' ? 'TUN relay, RTT ~50 ms' : 'veth'} → pb-tgt, ${t.targets} × ${t.ports}: ${t.silent} of ${t.probes} silent (${t.silentPct} %), ${t.rstNet} RST + ${t.open.length} listen`;
  }
}

// ---------------------------------------------------------------- commands

let perisaiHelp: string | null | undefined;

function perisaiHelpText(): string | null {
  if (perisaiHelp !== undefined) return perisaiHelp;
  const r = spawnSync(process.execPath, [PERISAI_BIN, 'scan', '--help'], { encoding: 'utf8', timeout: 20000 });
  perisaiHelp = r.status === 0 ? `${r.stdout}${r.stderr}` : null;
  return perisaiHelp;
}

function perisaiCommands(bed: BedName, t: BedTruth, work: string, runs: number, warmup: number): Command[] {
  const variants = (process.env['BENCH_PERISAI_VARIANTS'] ?? 'default,w4096,net').split(',').map((s) => s.trim()).filter(Boolean);
  const defs: Record<string, { extra: string[]; label: string; need?: string }> = {
    default: { extra: [], label: 'perisai (defaults)' },
    w4096: { extra: ['--window', '4096'], label: 'perisai --window 4096', need: '--window' },
    net: { extra: ['--socket-layer', 'net'], label: 'perisai --socket-layer net', need: '--socket-layer' },
    banners: { extra: [], label: 'perisai (defaults, with banners)' },
  };
  const out: Command[] = [];
  // bed F also measures the default command with its banner stage (the other beds have no service to greet)
  for (const v of bed === 'F' && !variants.includes('banners') ? [...variants, 'banners'] : variants) {
    const d = defs[v];
    if (!d) throw new Error(`BENCH_PERISAI_VARIANTS: unknown variant ${v} (default, w4096, net)`);
    const outFile = path.join(work, `${bed}-perisai-${v}.jsonl`);
    const argv = [process.execPath, ...launcherNodeFlags(), PERISAI_BIN, 'scan', t.targets, '-p', t.ports, '--format', 'jsonl', '-o', outFile,
      ...(v === 'banners' ? [] : ['--no-banners']), '--yes', '--quiet', ...d.extra];
    const cmd: Command = { id: `perisai-${v}`, label: d.label, tool: 'perisai', argv, outFile, parser: 'jsonl', runs, warmup };
    if (!existsSync(PERISAI_BIN)) cmd.na = `CLI not built (${path.relative(ROOT, PERISAI_BIN)} missing)`;
    else if (d.need) {
      const help = perisaiHelpText();
      if (help !== null && !help.includes(d.need)) cmd.na = `\`scan --help\` has no ${d.need}`;
    }
    out.push(cmd);
  }
  return out;
}

function commandsFor(bed: BedName, truth: Truth, work: string): Command[] {
  const t = truth.beds[bed];
  const slow = bed === 'C' || bed === 'D';
  const runs = envInt('BENCH_RUNS', slow ? 3 : 5);
  const warmup = slow ? 0 : envInt('BENCH_WARMUP', 1);
  const cmds = perisaiCommands(bed, t, work, runs, warmup);
  const nmap = (id: string, flags: string[], nRuns: number, note?: string): Command => {
    const outFile = path.join(work, `${bed}-${id}.gnmap`);
    const portFlag = t.ports === '1-65535' ? '-p-' : `-p${t.ports}`;
    const argv = ['nmap', '-n', '-Pn', portFlag, ...flags, t.targets, '-oG', outFile];
    const c: Command = { id, label: `nmap ${flags.join(' ')}`, tool: 'nmap', argv, outFile, parser: 'gnmap', runs: nRuns, warmup: slow ? 0 : warmup };
    if (note) c.note = note;
    return c;
  };
  const zmap = (): Command => {
    const outFile = path.join(work, `${bed}-zmap.txt`);
    const argv = ['zmap', '-p', t.ports, '-r', '300000', '-c', '1', '-b', path.join(STATE, 'zmap-empty-blacklist'),
      '-i', truth.link.scanIf, '-S', truth.link.scanIp, '-G', truth.link.tgtMac, '-q', '--disable-syslog', '-o', outFile, t.targets];
    return { id: 'zmap', label: 'zmap -r 300000 -c 1', tool: 'zmap', argv, outFile, parser: 'zmap', zmapPort: Number(t.ports), runs, warmup,
      note: 'includes its 1 s cooldown' };
  };
  const slowNote = `nmap default-timing rows on C/D: ${NMAP_SLOW_RUNS} run(s) (BENCH_NMAP_SLOW_RUNS)`;
  switch (bed) {
    case 'A':
      cmds.push(nmap('nmap-sT', ['-sT'], runs), nmap('nmap-sS-T4', ['-sS', '-T4'], runs));
      break;
    case 'B':
      cmds.push(nmap('nmap-sT', ['-sT'], runs), nmap('nmap-sS-T4', ['-sS', '-T4'], runs), zmap());
      break;
    case 'F':
      cmds.push(nmap('nmap-sT', ['-sT'], runs), nmap('nmap-sS-T4', ['-sS', '-T4'], runs));
      break;
    case 'C':
    case 'D': {
      cmds.push(
        nmap('nmap-sT-T4', ['-sT', '-T4'], NMAP_SLOW_RUNS, slowNote),
        nmap('nmap-sS-T4', ['-sS', '-T4'], NMAP_SLOW_RUNS, slowNote),
        nmap('nmap-sT-T4-tuned', ['-sT', '-T4', '--min-hostgroup', '4096', '--min-parallelism', '1024'], runs, 'hand-tuned reference'),
      );
      if (bed === 'C') cmds.push(zmap());
      else
        cmds.push({ id: 'zmap', label: 'zmap', tool: 'zmap', argv: [], outFile: '', parser: 'zmap', runs: 0, warmup: 0,
          na: 'ZMap needs an Ethernet link; D runs over TUN (zmap -X: "recv: couldn\'t compile filter")' });
      break;
    }
  }
  if (!which('zmap')) for (const c of cmds) if (c.tool === 'zmap' && !c.na) c.na = 'zmap not installed';
  if (!which('nmap')) for (const c of cmds) if (c.tool === 'nmap' && !c.na) c.na = 'nmap not installed';
  return cmds;
}

// ---------------------------------------------------------------- running and parsing

let current: { pid: number } | null = null;

function runOnce(ns: string, cmd: Command, work: string): Promise<{ wallS: number; rssKb: number | null; exit: number | string; error?: string }> {
  assertNamespace(ns);
  rmSync(cmd.outFile, { force: true });
  const rssFile = path.join(work, 'rss.txt');
  rmSync(rssFile, { force: true });
  const stdout = openSync(path.join(work, `${cmd.id}.stdout`), 'w');
  const stderrPath = path.join(work, `${cmd.id}.stderr`);
  const stderr = openSync(stderrPath, 'w');
  const args = ['netns', 'exec', ns, '/usr/bin/time', '-o', rssFile, '-f', '%M', ...cmd.argv];
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('ip', args, { stdio: ['ignore', stdout, stderr], detached: true, cwd: work });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, RUN_TIMEOUT_S * 1000);
    if (child.pid) current = { pid: child.pid };
    const done = (exit: number | string, error?: string): void => {
      clearTimeout(timer);
      current = null;
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      closeSync(stdout);
      closeSync(stderr);
      let rssKb: number | null = null;
      if (existsSync(rssFile)) {
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const n = Number(lines[lines.length - 1]);
        if (Number.isFinite(n) && n > 0) rssKb = n;
      }
      const r: { wallS: number; rssKb: number | null; exit: number | string; error?: string } = { wallS, rssKb, exit };
      if (error) r.error = error;
      else if (timedOut) r.error = `killed after ${RUN_TIMEOUT_S} s`;
      else if (exit !== 0) {
        const tail = readFileSync(stderrPath, 'utf8').trim().split('\n').slice(-3).join(' | ');
        if (tail) r.error = `exit ${exit}: ${tail.slice(0, 300)}`;
      }
      resolve(r);
    };
    child.on('error', (e) => done('spawn-error', e.message));
    child.on('exit', (code, signal) => done(code ?? `signal ${signal ?? '?'}`));
  });
}

function parseOpen(cmd: Command): { open: Set<string>; problem?: string } {
  const open = new Set<string>();
  if (!existsSync(cmd.outFile)) return { open, problem: 'no output file' };
  const text = readFileSync(cmd.outFile, 'utf8');
  if (cmd.parser === 'jsonl') {
    let bad = 0;
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const o = JSON.parse(line) as { type?: unknown; state?: unknown; ip?: unknown; port?: unknown };
        if (o.type === 'port' && o.state === 'open' && typeof o.ip === 'string' && typeof o.port === 'number') open.add(`${o.ip}:${o.port}`);
      } catch {
        bad++;
      }
    }
    return bad ? { open, problem: `${bad} unparsable JSONL lines` } : { open };
  }
  if (cmd.parser === 'nmapxml') {
    try {
      for (const [ip, h] of parseNmapXml(text)) for (const port of h.open) open.add(`${ip}:${port}`);
    } catch (e) {
      return { open, problem: `unparsable nmap XML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
    }
    return { open };
  }
  if (cmd.parser === 'gnmap') {
    for (const line of text.split('\n')) {
      const m = /^Host: (\S+) .*\tPorts: ([^\t]*)/.exec(line);
      if (!m) continue;
      for (const entry of (m[2] ?? '').split(', ')) {
        const [port, state] = entry.split('/');
        if (state === 'open') open.add(`${m[1]}:${port}`);
      }
    }
    return { open };
  }
  for (const line of text.split('\n')) if (line.trim()) open.add(`${line.trim()}:${cmd.zmapPort}`);
  return { open };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function summarize(cmd: Command, runs: RunRecord[], expected: number): CommandResult {
  const ok = runs.filter((r) => !r.error);
  const walls = ok.map((r) => r.wallS);
  const rss = ok.map((r) => r.rssKb).filter((x): x is number => x !== null);
  const res: CommandResult = {
    id: cmd.id, label: cmd.label, tool: cmd.tool, argv: cmd.argv, warmup: cmd.warmup, runs, expected,
    medianS: walls.length ? median(walls) : null,
    minS: walls.length ? Math.min(...walls) : null,
    maxS: walls.length ? Math.max(...walls) : null,
    rssMb: rss.length ? Math.max(...rss) / 1024 : null,
    foundMin: ok.length ? Math.min(...ok.map((r) => r.found)) : null,
    foundMax: ok.length ? Math.max(...ok.map((r) => r.found)) : null,
    falseOpensMax: ok.length ? Math.max(...ok.map((r) => r.falseOpen)) : null,
    recallPct: null, precisionPct: null, correct: null,
  };
  if (cmd.na) res.na = cmd.na;
  if (cmd.note) res.note = cmd.note;
  if (ok.length && res.foundMin !== null && res.falseOpensMax !== null) {
    res.recallPct = (100 * res.foundMin) / expected;
    const worstPrecision = Math.min(...ok.map((r) => (r.reported ? (100 * r.found) / r.reported : 100)));
    res.precisionPct = worstPrecision;
    res.correct = res.foundMin === expected && res.falseOpensMax === 0 && ok.length === runs.length;
  }
  return res;
}

async function runBed(bed: BedName, truth: Truth, work: string): Promise<BedResult> {
  if (isSmbBed(bed)) return runSmbBed(bed, truth, work);
  const t = truth.beds[bed];
  assertAllowedTargets(bed, t);
  assertNamespace(t.ns);
  assertScanRoutes(t, truth.link);
  const expected = new Set(t.open.map(([ip, port]) => `${ip}:${port}`));
  const cmds = commandsFor(bed, truth, work);
  const records = new Map<string, RunRecord[]>(cmds.map((c) => [c.id, []]));
  const runnable = cmds.filter((c) => !c.na);
  log(`\n== bed ${bed}: ${layoutText(bed, t)}`);
  for (const c of cmds) if (c.na) log(`   ${c.label}: n/a (${c.na})`);

  for (const c of runnable) {
    for (let w = 0; w < c.warmup; w++) {
      const r = await runOnce(t.ns, c, work);
      log(`   [${bed} warm-up] ${c.label}: ${r.wallS.toFixed(3)} s${r.error ? ` (${r.error})` : ''}`);
    }
  }
  // interleaved (round robin) so that drift on the shared machine hits every command alike
  const maxRuns = Math.max(0, ...runnable.map((c) => c.runs));
  for (let i = 0; i < maxRuns; i++) {
    for (const c of runnable) {
      if (i >= c.runs) continue;
      const r = await runOnce(t.ns, c, work);
      const { open, problem } = parseOpen(c);
      let found = 0;
      const falses: string[] = [];
      for (const k of open) {
        if (expected.has(k)) found++;
        else falses.push(k);
      }
      const rec: RunRecord = { wallS: r.wallS, rssKb: r.rssKb, exit: r.exit, reported: open.size, found, falseOpen: falses.length, falseExamples: falses.slice(0, 10) };
      const err = r.error ?? (problem && open.size === 0 ? problem : undefined);
      if (err) rec.error = err;
      records.get(c.id)!.push(rec);
      log(`   [${bed} ${i + 1}/${c.runs}] ${c.label}: ${r.wallS.toFixed(3)} s, ${r.rssKb ? (r.rssKb / 1024).toFixed(0) : '?'} MB, ` +
        `${found}/${expected.size} open${falses.length ? `, ${falses.length} FALSE (${falses.slice(0, 3).join(' ')})` : ''}${rec.error ? ` [${rec.error}]` : ''}`);
    }
  }
  const results = cmds.map((c) => summarize(c, records.get(c.id) ?? [], expected.size));
  return {
    bed, ns: t.ns, targets: t.targets, ports: t.ports, probes: t.probes, expectedOpen: expected.size,
    layout: layoutText(bed, t), commands: results, checks: checksFor(bed, results),
  };
}

// ---------------------------------------------------------------- bed E: SMB checks against nmap's scripts

const NMAP_SMB_SCRIPTS = 'smb-protocols,smb-os-discovery,smb-security-mode,smb2-security-mode,smb-vuln-ms17-010,smb-double-pulsar-backdoor';
const NMAP_SMB_RUNS = envInt('BENCH_NMAP_SMB_RUNS', 1);
const NMAP_SMB_SUBSET = envInt('BENCH_NMAP_SMB_SUBSET', 0);
const SMB_PER_PERSONA = process.env['BENCH_SMB_PER_PERSONA'] !== '0';

/** nmap's targets for a persona: its whole block, or its first N addresses (BENCH_NMAP_SMB_SUBSET). */
function nmapSmbTargets(p: SmbPersona): { spec: string; count: number } {
  if (NMAP_SMB_SUBSET === 0 || NMAP_SMB_SUBSET >= p.addresses) return { spec: p.cidr, count: p.addresses };
  const { start } = v4Block(p.cidr);
  return { spec: `${formatIPv4(start)}-${(start + NMAP_SMB_SUBSET - 1) & 255}`, count: NMAP_SMB_SUBSET };
}

function smbCommands(bed: 'E' | 'G', t: BedTruth, work: string): Command[] {
  const personas = t.personas ?? [];
  const runs = envInt('BENCH_RUNS', 3);
  const warmup = envInt('BENCH_WARMUP', 1);
  const help = existsSync(PERISAI_BIN) ? perisaiHelpText() : null;
  // bed G runs Perisai as a user would for ransomware exposure (--profile ransomware: its port set, every check,
  // banners on); bed E keeps the narrower `-p 139,445 --checks smb --no-banners` of its recorded history.
  const perisai = (id: string, label: string, ps: SmbPersona[], w: number, n?: number): Command => {
    const outFile = path.join(work, `${bed}-${id}.jsonl`);
    const targets = n ? ps.flatMap((p) => personaAddresses(p).slice(0, n)) : ps.map((p) => p.cidr);
    const mode = bed === 'G' ? ['--profile', 'ransomware'] : ['-p', t.ports, '--checks', 'smb', '--no-banners'];
    const argv = [process.execPath, ...launcherNodeFlags(), PERISAI_BIN, 'scan', ...targets, ...mode, '--format', 'jsonl', '-o', outFile, '--yes', '--quiet'];
    const c: Command = { id, label, tool: 'perisai', argv, outFile, parser: 'jsonl', runs, warmup: w, personas: ps.map((p) => p.name) };
    if (n) c.addrsPerPersona = n;
    if (!existsSync(PERISAI_BIN)) c.na = `CLI not built (${path.relative(ROOT, PERISAI_BIN)} missing)`;
    else if (help !== null && !help.includes('--checks')) c.na = '`scan --help` has no --checks';
    return c;
  };
  const nmap = (id: string, label: string, ps: SmbPersona[], nRuns: number, n?: number): Command => {
    const outFile = path.join(work, `${bed}-${id}.xml`);
    const targets = n ? ps.map((p) => ({ spec: personaAddresses(p).slice(0, n).join(' '), count: n })) : ps.map(nmapSmbTargets);
    const scanned = targets.reduce((a, x) => a + x.count, 0);
    const all = ps.reduce((a, p) => a + p.addresses, 0);
    const argv = ['nmap', '-n', '-Pn', `-p${t.ports}`, '--script', NMAP_SMB_SCRIPTS, '--script-args', 'vulns.showall', '-oX', outFile,
      ...targets.flatMap((x) => x.spec.split(' '))];
    const c: Command = { id, label, tool: 'nmap', argv, outFile, parser: 'nmapxml', runs: nRuns, warmup: 0, personas: ps.map((p) => p.name) };
    if (n) c.addrsPerPersona = n;
    if (!n && scanned < all) {
      c.subsetOf = { scanned, all };
      c.note = `${scanned} of ${all} addresses (first ${NMAP_SMB_SUBSET} per persona, BENCH_NMAP_SMB_SUBSET); ratio uses the time × ${all}/${scanned}`;
    }
    if (!which('nmap')) c.na = 'nmap not installed';
    return c;
  };
  if (bed === 'G') {
    // the 256 hosts, and 8 of them (2 per persona): the small job where start-up and per-host latency show
    return [
      perisai('perisai-smb', `perisai --profile ransomware, ${t.alive} hosts`, personas, warmup),
      nmap('nmap-smb', `nmap 6 SMB scripts -p${t.ports}, ${t.alive} hosts`, personas, Math.max(NMAP_SMB_RUNS, runs)),
      perisai('perisai-smb8', 'perisai --profile ransomware, 8 hosts (2 per persona)', personas, warmup, 2),
      nmap('nmap-smb8', `nmap 6 SMB scripts -p${t.ports}, 8 hosts (2 per persona)`, personas, runs, 2),
    ];
  }
  const cmds: Command[] = [
    perisai('perisai-smb', 'perisai --checks smb (defaults), all 4 personas', personas, warmup),
    nmap('nmap-smb', 'nmap 6 SMB scripts, all 4 personas', personas, NMAP_SMB_RUNS),
  ];
  if (SMB_PER_PERSONA) {
    for (const p of personas) {
      cmds.push(perisai(`perisai-smb-${p.name}`, `perisai --checks smb, ${p.name} alone`, [p], 0));
      cmds.push(nmap(`nmap-smb-${p.name}`, `nmap 6 SMB scripts, ${p.name} alone`, [p], NMAP_SMB_RUNS));
    }
  }
  return cmds;
}

// ---- bed load: how hard the personas' daemons worked (the bed shares the machine's CPUs with the scanner)

interface LoadSnap {
  busy: number;
  idle: number;
  opens: Record<string, number>;
  ticks: Record<string, number>;
}

let clkTck: number | undefined;

function loadSnap(personas: SmbPersona[]): LoadSnap {
  clkTck ??= Number(sh('getconf', ['CLK_TCK']).out) || 100;
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const at = (i: number): number => cpu[i] ?? 0;
  const snap: LoadSnap = { busy: at(0) + at(1) + at(2) + at(5) + at(6) + at(7), idle: at(3) + at(4), opens: {}, ticks: {} };
  for (const p of personas) {
    // TCP connections the persona's namespace accepted (PassiveOpens: completed handshakes, port-scan connects included)
    const snmp = sh('ip', ['netns', 'exec', p.ns, 'cat', '/proc/net/snmp']).out.split('\n').filter((l) => l.startsWith('Tcp:'));
    const keys = (snmp[0] ?? '').split(/\s+/);
    const vals = (snmp[1] ?? '').split(/\s+/);
    snap.opens[p.name] = Number(vals[keys.indexOf('PassiveOpens')] ?? NaN);
    // CPU of every process in the namespace, with its reaped children (Samba forks one smbd per connection)
    let ticks = 0;
    for (const pid of sh('ip', ['netns', 'pids', p.ns]).out.split('\n').filter(Boolean)) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
        ticks += [11, 12, 13, 14].reduce((a, i) => a + Number(rest[i] ?? 0), 0); // utime stime cutime cstime
      } catch {
        /* exited meanwhile */
      }
    }
    snap.ticks[p.name] = ticks;
  }
  return snap;
}

function loadDelta(a: LoadSnap, b: LoadSnap, personas: SmbPersona[], scanned: Record<string, number>): BedLoad {
  const busy = b.busy - a.busy;
  const idle = b.idle - a.idle;
  const load: BedLoad = { cpuBusyPct: busy + idle > 0 ? (100 * busy) / (busy + idle) : 0, opensPerAddress: {}, daemonCpuS: {} };
  for (const p of personas) {
    const n = scanned[p.name];
    if (!n) continue;
    load.opensPerAddress[p.name] = ((b.opens[p.name] ?? 0) - (a.opens[p.name] ?? 0)) / n;
    load.daemonCpuS[p.name] = ((b.ticks[p.name] ?? 0) - (a.ticks[p.name] ?? 0)) / (clkTck ?? 100);
  }
  return load;
}

async function runSmbBed(bed: 'E' | 'G', truth: Truth, work: string): Promise<BedResult> {
  const t = truth.beds[bed];
  assertAllowedTargets(bed, t);
  assertNamespace(t.ns);
  assertScanRoutes(t, truth.link);
  const personas = t.personas ?? [];
  const cmds = smbCommands(bed, t, work);
  const byName = new Map(personas.map((p) => [p.name, p]));
  const open = new Set(t.open.map(([ip, port]) => `${ip}:${port}`));
  const scope = (c: Command): { ps: SmbPersona[]; expected: Set<string>; scanned: Record<string, number>; addrs: Set<string> } => {
    const ps = (c.personas ?? []).map((n) => byName.get(n)).filter((p): p is SmbPersona => p !== undefined);
    const addrs = new Set<string>();
    const scanned: Record<string, number> = {};
    for (const p of ps) {
      const all = personaAddresses(p);
      const mine = c.addrsPerPersona ? all.slice(0, c.addrsPerPersona) : c.tool === 'nmap' ? all.slice(0, nmapSmbTargets(p).count) : all;
      mine.forEach((a) => addrs.add(a));
      scanned[p.name] = mine.length;
    }
    const expected = new Set([...open].filter((k) => addrs.has(k.slice(0, k.lastIndexOf(':')))));
    return { ps, expected, scanned, addrs };
  };
  const records = new Map<string, RunRecord[]>(cmds.map((c) => [c.id, []]));
  const perisaiMain: Map<string, Facts>[] = [];
  let nmapMain: { label: string; facts: Map<string, Facts>; scanned: Set<string> } | null = null;
  const runnable = cmds.filter((c) => !c.na);
  log(`\n== bed ${bed}: ${layoutText(bed, t)}`);
  for (const c of cmds) if (c.na) log(`   ${c.label}: n/a (${c.na})`);
  for (const c of runnable) {
    for (let w = 0; w < c.warmup; w++) {
      const r = await runOnce(t.ns, c, work);
      log(`   [${bed} warm-up] ${c.label}: ${r.wallS.toFixed(3)} s${r.error ? ` (${r.error})` : ''}`);
    }
  }
  const maxRuns = Math.max(0, ...runnable.map((c) => c.runs));
  for (let i = 0; i < maxRuns; i++) {
    for (const c of runnable) {
      if (i >= c.runs) continue;
      const sc = scope(c);
      const before = loadSnap(sc.ps);
      const r = await runOnce(t.ns, c, work);
      const load = loadDelta(before, loadSnap(sc.ps), sc.ps, sc.scanned);
      const { open: got, problem } = parseOpen(c);
      let found = 0;
      const falses: string[] = [];
      for (const k of got) {
        if (sc.expected.has(k)) found++;
        else falses.push(k);
      }
      const rec: RunRecord = { wallS: r.wallS, rssKb: r.rssKb, exit: r.exit, reported: got.size, found, falseOpen: falses.length,
        falseExamples: falses.slice(0, 10), load };
      const err = r.error ?? (problem && got.size === 0 ? problem : undefined);
      if (err) rec.error = err;
      records.get(c.id)!.push(rec);
      if (!rec.error && existsSync(c.outFile)) {
        const text = readFileSync(c.outFile, 'utf8');
        if (c.id === 'perisai-smb') perisaiMain.push(perisaiFacts(text));
        if (c.id === 'nmap-smb') {
          const facts = new Map<string, Facts>();
          for (const [ip, h] of parseNmapXml(text)) facts.set(ip, nmapFacts(h.scripts));
          nmapMain = { label: `${c.label}, run ${i + 1}`, facts, scanned: sc.addrs };
        }
      }
      const per = Object.entries(load.opensPerAddress).map(([n, x]) => `${n} ${x.toFixed(1)}`).join(', ');
      log(`   [${bed} ${i + 1}/${c.runs}] ${c.label}: ${r.wallS.toFixed(3)} s, ${r.rssKb ? (r.rssKb / 1024).toFixed(0) : '?'} MB, ` +
        `${found}/${sc.expected.size} open${falses.length ? `, ${falses.length} FALSE (${falses.slice(0, 3).join(' ')})` : ''}, ` +
        `CPU ${load.cpuBusyPct.toFixed(0)} % busy, connections/address: ${per}${rec.error ? ` [${rec.error}]` : ''}`);
    }
  }
  const results = cmds.map((c) => {
    const res = summarize(c, records.get(c.id) ?? [], scope(c).expected.size);
    if (c.personas) res.personas = c.personas;
    if (c.subsetOf) res.subsetOf = c.subsetOf;
    const loads = (records.get(c.id) ?? []).filter((x) => !x.error && x.load).map((x) => x.load!);
    if (loads.length) {
      const keys = Object.keys(loads[0]!.opensPerAddress);
      res.load = {
        cpuBusyPct: median(loads.map((l) => l.cpuBusyPct)),
        opensPerAddress: Object.fromEntries(keys.map((k) => [k, median(loads.map((l) => l.opensPerAddress[k] ?? 0))])),
        daemonCpuS: Object.fromEntries(keys.map((k) => [k, median(loads.map((l) => l.daemonCpuS[k] ?? 0))])),
      };
    }
    return res;
  });
  const smb = agreement(personas, perisaiMain, nmapMain);
  return {
    bed, ns: t.ns, targets: t.targets, ports: t.ports, probes: t.probes, expectedOpen: open.size,
    layout: layoutText(bed, t), commands: results, checks: smbChecks(bed, results, smb), smb,
  };
}
// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    log('bench: must run as root (network namespaces, raw-socket peers)');
    return 2;
  }
  const { beds: bedList, distributed } = selectedBeds();
  if (bedList.length === 0 && distributed) return distributedOnly();
  ensureTools();
  const started = new Date();
  const facts = machineFacts();
  if (!existsSync(PERISAI_BIN)) log(`bench: ${PERISAI_BIN} missing, Perisai rows will be n/a (run \`npm run build\`)`);

  let cleaned = false;
  const cleanup = (): void => {
    if (cleaned) return;
    cleaned = true;
    if (current) {
      try {
        process.kill(-current.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (!KEEP) beds('down');
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      log(`bench: ${sig}, cleaning up`);
      cleanup();
      process.exit(130);
    });
  }

  const work = mkdtempSync(path.join(os.tmpdir(), 'perisai-bench-'));
  const results: BedResult[] = [];
  try {
    if (!beds('up')) throw new Error('bench/beds.sh up failed');
    const truth = readTruth(STATE);
    facts['bed seed'] = String(truth.seed);
    for (const bed of bedList) results.push(await runBed(bed, truth, work));
  } finally {
    cleanup();
    if (!KEEP_OUTPUT) rmSync(work, { recursive: true, force: true });
    else log(`bench: raw outputs kept in ${work}`);
  }
  const finished = new Date();
  const { text, md } = report(facts, results, started, finished, { nmapSlowRuns: NMAP_SLOW_RUNS, nmapSmbRuns: NMAP_SMB_RUNS, nmapSmbSubset: NMAP_SMB_SUBSET });
  process.stdout.write(text);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = started.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
  const base = path.join(RESULTS_DIR, stamp);
  writeFileSync(`${base}.json`, JSON.stringify({ started: started.toISOString(), finished: finished.toISOString(), facts,
    config: { beds: bedList, runs: process.env['BENCH_RUNS'] ?? 'default (A/B 5, C/D/E 3)', nmapSlowRuns: NMAP_SLOW_RUNS,
      nmapSmbRuns: NMAP_SMB_RUNS, nmapSmbSubset: NMAP_SMB_SUBSET, smbPerPersona: SMB_PER_PERSONA,
      warmup: process.env['BENCH_WARMUP'] ?? '1 (A/B/E)', perisaiBin: PERISAI_BIN, state: STATE }, beds: results }, null, 1) + '\n');
  writeFileSync(`${base}.md`, md);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), base)}.json, .md\n`);
  return distributed ? distributedOnly() : 0;
}

/** Bed H (bench/distributed.ts): on the machine's own loopback and local PostgreSQL, no namespace needed. */
async function distributedOnly(): Promise<number> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'perisai-bench-h-'));
  const started = new Date();
  try {
    const r = await runDistributedBed({ cli: [process.execPath, ...launcherNodeFlags(), PERISAI_BIN], work, runs: envInt('BENCH_RUNS', 1) || 1, keep: KEEP, log });
    const text = distributedReport(r);
    process.stdout.write(text);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `${started.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}-H`);
    writeFileSync(`${base}.json`, JSON.stringify({ started: started.toISOString(), finished: new Date().toISOString(), facts: machineFacts(), bed: 'H', result: r }, null, 1) + '\n');
    writeFileSync(`${base}.md`, '```\n' + text + '```\n');
    process.stdout.write(`\nresults: ${path.relative(process.cwd(), base)}.json, .md\n`);
    return 0;
  } finally {
    if (!KEEP_OUTPUT) rmSync(work, { recursive: true, force: true });
    else log(`bench: raw outputs kept in ${work}`);
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
