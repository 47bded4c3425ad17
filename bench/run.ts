// Perisai benchmark: Perisai and its peers (nmap, ZMap) side by side on beds A-E, in one run.
//
//   npm run bench            (as root; builds first, then runs dist/bench/run.js)
//
// Env: BENCH_BEDS=A,B,C,D,E,F,G  BENCH_RUNS (all beds; default 5 for A/B/F, 3 for C/D/E)  BENCH_WARMUP (A/B/E/F; default 1)
//      BENCH_NMAP_SLOW_RUNS (nmap's default-timing rows on C/D; default 1)  BENCH_KEEP=1 (leave the beds up)
//      BENCH_NMAP_SMB_RUNS (nmap's SMB scripts on E; default 1)  BENCH_NMAP_SMB_SUBSET (E: nmap on the first N
//      addresses of each persona, 0 = all; default 0)  BENCH_SMB_PER_PERSONA (E: also each /26 alone; default 1)
//      BENCH_KEEP_OUTPUT=1 (keep the raw tool outputs)  BENCH_PERISAI_VARIANTS=default,w4096,net
//      BENCH_PERISAI_BIN (path of the CLI's main.js; default dist/src/cli/main.js)  BENCH_RUN_TIMEOUT (s, 600)
//      BENCH_STATE / BENCH_SEED (passed to beds.sh)
// See bench/README.md. Every scan runs inside the beds' namespaces (pb-lo, pb-scan); the bench refuses to run
// a command whose namespace is missing, and only ever targets 127.0.0.1 (in pb-lo) or 198.18.0.0/15.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type BedName = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G';
const ALL_BEDS: readonly BedName[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
/** The SMB beds: E (the lab's personas, Samba forks per connection) and G (non-forking emulated personas, at scale). */
const isSmbBed = (b: BedName): b is 'E' | 'G' => b === 'E' || b === 'G';

/** Bed E: one of the lab's SMB personas behind a /26 (bench/beds/plan.py). */
interface SmbPersona {
  name: string;
  labHost: string;
  role: string;
  ns: string;
  cidr: string;
  addresses: number;
  first: string;
  last: string;
  scanIf: string;
  scanIp: string;
  peerIp: string;
  ttl: number;
  ports: number[];
  daemon: string;
  expected: { smb1: string; ms17_010: string; doublepulsar: string };
  dialects: string[];
  signing: string;
}

interface BedTruth {
  ns: string;
  targets: string;
  ports: string;
  probes: number;
  rtt: string;
  open: [string, number][];
  alive?: number;
  silent?: number;
  silentPct?: number;
  rstNet?: string;
  blocks?: string[];
  personas?: SmbPersona[];
  samba?: string;
  /** bed F: the scanner's own link into the bridge */
  scanIf?: string;
}

interface Truth {
  seed: number;
  generated: string;
  link: { scanIf: string; scanIp: string; tgtMac: string; tunScan: string };
  beds: Record<BedName, BedTruth>;
}

type Tool = 'perisai' | 'nmap' | 'zmap';
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

/** bed E: what the bed's daemons did during one run (TCP connections accepted, CPU), and how busy the machine was. */
interface BedLoad {
  cpuBusyPct: number;
  opensPerAddress: Record<string, number>;
  daemonCpuS: Record<string, number>;
}

interface RunRecord {
  wallS: number;
  rssKb: number | null;
  exit: number | string;
  reported: number;
  found: number;
  falseOpen: number;
  falseExamples: string[];
  error?: string;
  load?: BedLoad;
}

interface CommandResult {
  id: string;
  label: string;
  tool: Tool;
  argv: string[];
  na?: string;
  note?: string;
  warmup: number;
  runs: RunRecord[];
  medianS: number | null;
  minS: number | null;
  maxS: number | null;
  rssMb: number | null;
  expected: number;
  foundMin: number | null;
  foundMax: number | null;
  falseOpensMax: number | null;
  recallPct: number | null;
  precisionPct: number | null;
  correct: boolean | null;
  personas?: string[];
  subsetOf?: { scanned: number; all: number };
  load?: { cpuBusyPct: number; opensPerAddress: Record<string, number>; daemonCpuS: Record<string, number> };
}

interface TargetCheck {
  bed: BedName;
  /** `target`: a target of the project (docs/performance.md, "Results"); `informative`: a design-time anchor (bench/README.md). */
  source: 'target' | 'informative';
  what: string;
  measured: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
  detail?: string;
}

interface BedResult {
  bed: BedName;
  ns: string;
  targets: string;
  ports: string;
  probes: number;
  expectedOpen: number;
  layout: string;
  commands: CommandResult[];
  checks: TargetCheck[];
  smb?: SmbAgreement;
}

type SmbFact = 'smbv1' | 'dialects' | 'signing' | 'ms17-010' | 'doublepulsar';
const SMB_FACTS: readonly SmbFact[] = ['smbv1', 'dialects', 'signing', 'ms17-010', 'doublepulsar'];

/** One persona × fact: Perisai against the ground truth (worst run), nmap where it decides, and the two tools against each other. */
interface FactAgreement {
  expected: string;
  addresses: number;
  perisaiOk: number;
  nmapScanned: number;
  nmapDecided: number;
  nmapOk: number;
  agree: number;
  examples: string[];
}

interface SmbAgreement {
  perisaiRuns: number;
  nmapRun: string | null;
  personas: { name: string; cidr: string; daemon: string; addresses: number; facts: Record<SmbFact, FactAgreement> }[];
  totals: { perisaiOk: number; perisaiOf: number; nmapDecided: number; agree: number; nmapOk: number };
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

function selectedBeds(): BedName[] {
  const v = process.env['BENCH_BEDS'];
  if (!v) return [...ALL_BEDS];
  const out: BedName[] = [];
  for (const s of v.split(',').map((x) => x.trim().toUpperCase()).filter(Boolean)) {
    if (!(ALL_BEDS as readonly string[]).includes(s)) throw new Error(`BENCH_BEDS: unknown bed ${s}`);
    if (!out.includes(s as BedName)) out.push(s as BedName);
  }
  return out;
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

function ipToInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) throw new Error(`bad IPv4 ${ip}`);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

function cidrRange(cidr: string): [number, number] {
  const [ip, lenS = '32'] = cidr.split('/');
  const len = Number(lenS);
  if (!Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad CIDR ${cidr}`);
  const size = 2 ** (32 - len);
  const base = ipToInt(ip ?? '') - (ipToInt(ip ?? '') % size);
  return [base, base + size - 1];
}

/** Only 127.0.0.1 (bed A, private loopback) or 198.18.0.0/15 may ever be a target. */
function assertAllowedTargets(bed: BedName, t: BedTruth): void {
  const [alo, ahi] = cidrRange('198.18.0.0/15');
  const loopbackA = bed === 'A' && t.targets === '127.0.0.1' && t.ns === 'pb-lo';
  const specs = isSmbBed(bed) ? (t.personas ?? []).map((p) => p.cidr) : [t.targets];
  if (isSmbBed(bed) && (specs.length === 0 || specs.join(' ') !== (t.blocks ?? []).join(' ')))
    throw new Error(`bed ${bed}: persona blocks missing or inconsistent in truth.json; refusing`);
  for (const spec of specs) {
    const [lo, hi] = cidrRange(spec);
    if (!loopbackA && !(lo >= alo && hi <= ahi)) throw new Error(`bed ${bed}: target ${spec} is outside 198.18.0.0/15; refusing`);
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

function readTruth(): Truth {
  return JSON.parse(readFileSync(path.join(STATE, 'truth.json'), 'utf8')) as Truth;
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
    for (const [ip, h] of parseNmapXml(text)) for (const port of h.open) open.add(`${ip}:${port}`);
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

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** nmap's targets for a persona: its whole block, or its first N addresses (BENCH_NMAP_SMB_SUBSET). */
function nmapSmbTargets(p: SmbPersona): { spec: string; count: number } {
  if (NMAP_SMB_SUBSET === 0 || NMAP_SMB_SUBSET >= p.addresses) return { spec: p.cidr, count: p.addresses };
  const [lo] = cidrRange(p.cidr);
  return { spec: `${intToIp(lo)}-${(lo + NMAP_SMB_SUBSET - 1) & 255}`, count: NMAP_SMB_SUBSET };
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

// ---- verdicts per address, in the ground truth's vocabulary

type Facts = Partial<Record<SmbFact, string>>;

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#x([0-9a-f]+);/gi, (_, h: string) =>
    String.fromCharCode(parseInt(h, 16))).replace(/&amp;/g, '&');
}

/** nmap -oX: open ports and host-script bodies per address (nmap's XML is regular enough for this). */
function parseNmapXml(text: string): Map<string, { open: number[]; scripts: Map<string, string> }> {
  const hosts = new Map<string, { open: number[]; scripts: Map<string, string> }>();
  for (const m of text.matchAll(/<host\b[\s\S]*?<\/host>/g)) {
    const h = m[0];
    const ip = /<address addr="([^"]+)" addrtype="ipv4"/.exec(h)?.[1];
    if (!ip) continue;
    const open = [...h.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="([a-z|]+)"/g)].filter((p) => p[2] === 'open').map((p) => Number(p[1]));
    const scripts = new Map<string, string>();
    for (const sm of h.matchAll(/<script id="([^"]+)" output="[^"]*"(?:\/>|>([\s\S]*?)<\/script>)/g)) if (sm[1]) scripts.set(sm[1], sm[2] ?? '');
    hosts.set(ip, { open, scripts });
  }
  return hosts;
}

function elems(body: string, key?: string): string[] {
  const re = key === undefined ? /<elem>([^<]*)<\/elem>/g : new RegExp(`<elem key="${key}">([^<]*)</elem>`, 'g');
  return [...body.matchAll(re)].map((m) => decodeXml(m[1] ?? '').trim());
}

/** nmap's smb-protocols names ("NT LM 0.12 (SMBv1) [dangerous, but default]", "202", "311") in Perisai's spelling. */
function nmapDialect(d: string): string {
  if (d.startsWith('NT LM 0.12')) return 'NT LM 0.12';
  const m = /^(\d)[.:]?(\d)[.:]?(\d)$/.exec(d.replace(/\s.*$/, ''));
  return m ? `${m[1]}.${m[2]}${m[3] === '0' ? '' : `.${m[3]}`}` : d;
}

/**
 * What nmap decides per address. smbv1/dialects: from smb-protocols; signing: smb-security-mode (SMB1) and
 * smb2-security-mode (required only if every mode it reports is required); ms17-010 and doublepulsar: only
 * where smb-protocols lists NT LM 0.12 (both scripts say NOT VULNERABLE when they cannot speak SMB1).
 */
function nmapFacts(scripts: Map<string, string>): Facts {
  const f: Facts = {};
  const protocols = scripts.get('smb-protocols');
  let smb1 = false;
  if (protocols !== undefined) {
    const table = /<table key="dialects">([\s\S]*?)<\/table>/.exec(protocols)?.[1] ?? '';
    const ds = elems(table).map(nmapDialect);
    if (ds.length) {
      smb1 = ds.includes('NT LM 0.12');
      f.smbv1 = smb1 ? 'enabled' : 'disabled';
      f.dialects = [...ds].sort().join(', ');
    }
  }
  const modes: string[] = [];
  const s1 = scripts.get('smb-security-mode');
  if (s1 !== undefined) modes.push(...elems(s1, 'message_signing').map((m) => (m === 'required' ? 'required' : 'not-required')));
  const s2 = scripts.get('smb2-security-mode');
  if (s2 !== undefined) modes.push(...elems(s2).map((m) => (/enabled and required/i.test(m) ? 'required' : 'not-required')));
  if (modes.length) f.signing = modes.every((m) => m === 'required') ? 'required' : 'not-required';
  const state = (id: string): string | undefined => {
    const body = scripts.get(id);
    return body === undefined ? undefined : elems(body, 'state')[0];
  };
  if (smb1) {
    const ms = state('smb-vuln-ms17-010');
    if (ms !== undefined) f['ms17-010'] = ms === 'VULNERABLE' ? 'vulnerable' : ms === 'NOT VULNERABLE' ? 'not-vulnerable' : ms.toLowerCase();
    const dp = state('smb-double-pulsar-backdoor');
    if (dp !== undefined) f.doublepulsar = dp === 'VULNERABLE' ? 'detected' : dp === 'NOT VULNERABLE' ? 'not-detected' : dp.toLowerCase();
  }
  return f;
}

/** Perisai's JSONL: check verdicts (port 445's line first) and the host line's SMB facts, per address. */
function perisaiFacts(text: string): Map<string, Facts> {
  const checks = new Map<string, Map<string, { port: number; state: string }>>();
  const hostSmb = new Map<string, { dialects?: unknown }>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let o: { type?: unknown; ip?: unknown; port?: unknown; check?: unknown; state?: unknown; smb?: unknown };
    try {
      o = JSON.parse(line) as typeof o;
    } catch {
      continue;
    }
    if (typeof o.ip !== 'string') continue;
    if (o.type === 'check' && typeof o.check === 'string' && typeof o.state === 'string') {
      const m = checks.get(o.ip) ?? new Map<string, { port: number; state: string }>();
      const port = typeof o.port === 'number' ? o.port : 0;
      const prev = m.get(o.check);
      if (!prev || (port === 445 && prev.port !== 445)) m.set(o.check, { port, state: o.state });
      checks.set(o.ip, m);
    } else if (o.type === 'host' && o.smb && typeof o.smb === 'object') hostSmb.set(o.ip, o.smb as { dialects?: unknown });
  }
  const out = new Map<string, Facts>();
  for (const ip of new Set([...checks.keys(), ...hostSmb.keys()])) {
    const f: Facts = {};
    const ds = hostSmb.get(ip)?.dialects;
    if (Array.isArray(ds) && ds.length) {
      const list = ds.filter((d): d is string => typeof d === 'string');
      f.smbv1 = list.includes('NT LM 0.12') ? 'enabled' : 'disabled';
      f.dialects = [...list].sort().join(', ');
    }
    const c = checks.get(ip);
    const sg = c?.get('smb-signing')?.state;
    if (sg) f.signing = sg === 'vulnerable' ? 'not-required' : sg === 'not-vulnerable' ? 'required' : sg;
    const ms = c?.get('ms17-010')?.state;
    if (ms) f['ms17-010'] = ms;
    const dp = c?.get('doublepulsar')?.state;
    if (dp) f.doublepulsar = dp === 'vulnerable' ? 'detected' : dp === 'not-vulnerable' ? 'not-detected' : dp;
    out.set(ip, f);
  }
  return out;
}

function truthFacts(p: SmbPersona): Record<SmbFact, string> {
  return {
    smbv1: p.expected.smb1,
    dialects: [...p.dialects].sort().join(', '),
    signing: p.signing,
    'ms17-010': p.expected.ms17_010,
    doublepulsar: p.expected.doublepulsar,
  };
}

function personaAddresses(p: SmbPersona): string[] {
  const [lo, hi] = cidrRange(p.cidr);
  const out: string[] = [];
  for (let n = lo; n <= hi; n++) out.push(intToIp(n));
  return out;
}

function agreement(personas: SmbPersona[], perisaiRuns: Map<string, Facts>[], nmapRun: { label: string; facts: Map<string, Facts>; scanned: Set<string> } | null): SmbAgreement {
  const res: SmbAgreement = { perisaiRuns: perisaiRuns.length, nmapRun: nmapRun?.label ?? null, personas: [],
    totals: { perisaiOk: 0, perisaiOf: 0, nmapDecided: 0, agree: 0, nmapOk: 0 } };
  for (const p of personas) {
    const truth = truthFacts(p);
    const addrs = personaAddresses(p);
    const facts = {} as Record<SmbFact, FactAgreement>;
    for (const fact of SMB_FACTS) {
      const exp = truth[fact];
      const fa: FactAgreement = { expected: exp, addresses: addrs.length, perisaiOk: perisaiRuns.length ? addrs.length : 0, nmapScanned: 0,
        nmapDecided: 0, nmapOk: 0, agree: perisaiRuns.length && nmapRun ? Number.MAX_SAFE_INTEGER : 0, examples: [] };
      const decided = addrs.filter((a) => nmapRun?.facts.get(a)?.[fact] !== undefined);
      if (nmapRun) {
        fa.nmapScanned = addrs.filter((a) => nmapRun.scanned.has(a)).length;
        fa.nmapDecided = decided.length;
        fa.nmapOk = decided.filter((a) => nmapRun.facts.get(a)?.[fact] === exp).length;
        for (const a of decided) {
          const n = nmapRun.facts.get(a)?.[fact];
          if (n !== exp && fa.examples.length < 3) fa.examples.push(`${a} nmap ${n}`);
        }
      }
      perisaiRuns.forEach((run, i) => {
        let ok = 0;
        for (const a of addrs) {
          const got = run.get(a)?.[fact];
          if (got === exp) ok++;
          else if (fa.examples.length < 3) fa.examples.push(`${a} perisai ${got ?? 'missing'} (run ${i + 1})`);
        }
        fa.perisaiOk = Math.min(fa.perisaiOk, ok);
        if (nmapRun) {
          let same = 0;
          for (const a of decided) {
            const got = run.get(a)?.[fact];
            if (got === nmapRun.facts.get(a)?.[fact]) same++;
            else if (fa.examples.length < 3) fa.examples.push(`${a} perisai ${got ?? 'missing'} ≠ nmap ${nmapRun.facts.get(a)?.[fact]} (run ${i + 1})`);
          }
          fa.agree = Math.min(fa.agree, same);
        }
      });
      if (fa.agree === Number.MAX_SAFE_INTEGER) fa.agree = 0;
      facts[fact] = fa;
      res.totals.perisaiOk += fa.perisaiOk;
      res.totals.perisaiOf += fa.addresses;
      res.totals.nmapDecided += fa.nmapDecided;
      res.totals.agree += fa.agree;
      res.totals.nmapOk += fa.nmapOk;
    }
    res.personas.push({ name: p.name, cidr: p.cidr, daemon: p.daemon, addresses: addrs.length, facts });
  }
  return res;
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

function smbChecks(bed: 'E' | 'G', rs: CommandResult[], smb: SmbAgreement): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const p = rs.find((r) => r.id === 'perisai-smb');
  const n = rs.find((r) => r.id === 'nmap-smb');
  if (p) {
    const what = `${p.label}: 100 % recall, 0 false open, every run`;
    if (p.correct === null) checks.push({ bed, source: 'target', what, measured: '–', verdict: 'n/a', detail: p.na ?? 'no successful runs' });
    else checks.push({ bed, source: 'target', what, measured: `${foundText(p)}, ${p.falseOpensMax} false`, verdict: p.correct ? 'PASS' : 'MISS' });
  }
  const want = bed === 'G' ? 3 : 10;
  if (p && n) {
    const what = `nmap scripts / ${p.label} ≥ ${want}×`;
    if (p.medianS === null || n.medianS === null) checks.push({ bed, source: 'target', what, measured: '–', verdict: 'n/a', detail: p.na ?? n.na ?? 'no successful runs' });
    else {
      const scale = n.subsetOf ? n.subsetOf.all / n.subsetOf.scanned : 1;
      const nS = n.medianS * scale;
      const x = nS / p.medianS;
      checks.push({ bed, source: 'target', what, verdict: x >= want ? 'PASS' : 'MISS',
        measured: `${x.toFixed(2)}× (${nS.toFixed(2)} s${scale !== 1 ? ` = ${n.medianS.toFixed(2)} s × ${scale.toFixed(1)}` : ''} / ${p.medianS.toFixed(2)} s)` });
    }
  }
  const p8 = rs.find((r) => r.id === 'perisai-smb8');
  const n8 = rs.find((r) => r.id === 'nmap-smb8');
  if (p8 && n8) {
    const what = `${p8.label} / nmap's six scripts on the same 8 ≤ 1.0`;
    if (p8.medianS === null || n8.medianS === null) checks.push({ bed, source: 'target', what, measured: '–', verdict: 'n/a', detail: p8.na ?? n8.na ?? 'no successful runs' });
    else {
      const x = p8.medianS / n8.medianS;
      checks.push({ bed, source: 'target', what, verdict: x <= 1 ? 'PASS' : 'MISS', measured: `${x.toFixed(2)} (${p8.medianS.toFixed(3)} s / ${n8.medianS.toFixed(3)} s)` });
    }
  }
  for (const per of rs.filter((r) => r.id.startsWith('nmap-smb-'))) {
    const pp = rs.find((r) => r.id === `perisai-smb-${per.id.slice('nmap-smb-'.length)}`);
    if (!pp || pp.medianS === null || per.medianS === null) continue;
    const scale = per.subsetOf ? per.subsetOf.all / per.subsetOf.scanned : 1;
    const x = (per.medianS * scale) / pp.medianS;
    checks.push({ bed, source: 'informative', what: `nmap / perisai, ${per.personas?.[0] ?? '?'} alone (informative)`,
      measured: `${x.toFixed(2)}× (${(per.medianS * scale).toFixed(2)} s / ${pp.medianS.toFixed(2)} s)`, verdict: 'n/a', detail: 'no target' });
  }
  const tt = smb.totals;
  if (smb.perisaiRuns) {
    checks.push({ bed, source: 'target', what: 'Perisai = ground truth (smbv1, dialects, signing, ms17-010, doublepulsar), every address, every run',
      measured: `${tt.perisaiOk}/${tt.perisaiOf} (worst of ${smb.perisaiRuns} runs)`, verdict: tt.perisaiOk === tt.perisaiOf ? 'PASS' : 'MISS' });
  }
  if (smb.perisaiRuns && smb.nmapRun) {
    checks.push({ bed, source: 'target', what: 'Perisai = nmap wherever nmap decides (ms17-010/doublepulsar only where nmap lists NT LM 0.12)',
      measured: `${tt.agree}/${tt.nmapDecided}`, verdict: tt.agree === tt.nmapDecided && tt.nmapDecided > 0 ? 'PASS' : 'MISS' });
    checks.push({ bed, source: 'informative', what: 'nmap = ground truth where it decides (sanity check of the bed)',
      measured: `${tt.nmapOk}/${tt.nmapDecided}`, verdict: tt.nmapOk === tt.nmapDecided ? 'PASS' : 'MISS' });
  } else checks.push({ bed, source: 'target', what: 'Perisai = nmap wherever nmap decides', measured: '–', verdict: 'n/a', detail: 'no successful nmap or Perisai run' });
  return checks;
}

function smbTables(b: BedResult): { agreeHead: string[]; agreeRows: string[][]; loadHead: string[]; loadRows: string[][] } {
  const agreeHead = ['persona', 'fact', 'ground truth', 'Perisai = truth', 'nmap decides', 'Perisai = nmap', 'nmap = truth', 'differences'];
  const agreeRows: string[][] = [];
  for (const p of b.smb?.personas ?? []) {
    for (const f of SMB_FACTS) {
      const a = p.facts[f];
      agreeRows.push([`${p.name} ${p.cidr}`, f, a.expected, `${a.perisaiOk}/${a.addresses}`,
        `${a.nmapDecided}/${a.nmapScanned}`, a.nmapDecided ? `${a.agree}/${a.nmapDecided}` : '–', a.nmapDecided ? `${a.nmapOk}/${a.nmapDecided}` : '–',
        a.examples.join('; ')]);
    }
  }
  const loadHead = ['command', 'CPU busy %', 'TCP connections accepted per address', 'daemon CPU s'];
  const loadRows = b.commands.filter((c) => c.load).map((c) => [
    c.label, c.load!.cpuBusyPct.toFixed(0),
    Object.entries(c.load!.opensPerAddress).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', '),
    Object.entries(c.load!.daemonCpuS).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '),
  ]);
  return { agreeHead, agreeRows, loadHead, loadRows };
}

// ---------------------------------------------------------------- targets

function fmtRatio(x: number): string {
  return x < 0.1 ? `${x.toFixed(4)} (1/${Math.round(1 / x)})` : x.toFixed(2);
}

function checksFor(bed: BedName, rs: CommandResult[]): TargetCheck[] {
  const by = (id: string): CommandResult | undefined => rs.find((r) => r.id === id);
  const checks: TargetCheck[] = [];
  const ratio = (subj: string, peer: string, max: number, maxText: string, source: TargetCheck['source']): void => {
    const s = by(subj);
    const p = by(peer);
    if (!s || !p) return;
    const what = `${s.label} / ${p.label} ≤ ${maxText}`;
    if (s.medianS === null || p.medianS === null) {
      checks.push({ bed, source, what, measured: '–', verdict: 'n/a', detail: s.na ?? p.na ?? 'no successful runs' });
      return;
    }
    const x = s.medianS / p.medianS;
    checks.push({ bed, source, what, measured: `${fmtRatio(x)} (${s.medianS.toFixed(3)} s / ${p.medianS.toFixed(3)} s)`, verdict: x <= max ? 'PASS' : 'MISS' });
  };
  const correct = (id: string, source: TargetCheck['source']): void => {
    const s = by(id);
    if (!s) return;
    const what = `${s.label}: 100 % recall, 0 false open, every run`;
    if (s.correct === null) {
      checks.push({ bed, source, what, measured: '–', verdict: 'n/a', detail: s.na ?? 'no successful runs' });
      return;
    }
    checks.push({ bed, source, what, measured: `${foundText(s)}, ${s.falseOpensMax} false`, verdict: s.correct ? 'PASS' : 'MISS' });
  };
  const rss = (id: string, maxMb: number, source: TargetCheck['source']): void => {
    const s = by(id);
    if (!s) return;
    const what = `${s.label}: peak RSS ≤ ${maxMb} MB`;
    if (s.rssMb === null) {
      checks.push({ bed, source, what, measured: '–', verdict: 'n/a', detail: s.na ?? 'no RSS' });
      return;
    }
    checks.push({ bed, source, what, measured: `${s.rssMb.toFixed(0)} MB`, verdict: s.rssMb <= maxMb ? 'PASS' : 'MISS' });
  };
  const P = 'perisai-default';
  for (const r of rs) if (r.tool === 'perisai') correct(r.id, 'target');
  switch (bed) {
    case 'A':
      ratio(P, 'nmap-sT', 0.75, '0.75', 'target');
      ratio(P, 'nmap-sS-T4', 2.0, '2.0', 'informative');
      ratio('perisai-net', 'nmap-sT', 1.6, '1.6', 'informative');
      break;
    case 'B':
      ratio(P, 'nmap-sT', 0.9, '0.9', 'target');
      ratio(P, 'nmap-sS-T4', 0.6, '0.6', 'target');
      ratio(P, 'zmap', 1.5, '1.5', 'informative');
      ratio('perisai-net', 'nmap-sS-T4', 1.1, '1.1', 'informative');
      break;
    case 'F':
      ratio(P, 'nmap-sT', 0.9, '0.9', 'target');
      ratio('perisai-banners', 'nmap-sT', 1.0, '1.0 (informative: banners on, nmap without -sV)', 'informative');
      ratio(P, 'nmap-sS-T4', 1.0, '1.0 (informative)', 'informative');
      break;
    case 'C':
    case 'D':
      ratio(P, 'nmap-sT-T4', 1 / 40, '1/40', 'target');
      ratio(P, 'nmap-sS-T4', 1 / 40, '1/40', 'target');
      ratio(P, 'zmap', 1.2, '1.2', 'target');
      if (bed === 'C') ratio(P, 'nmap-sT-T4-tuned', 1.0, '1.0', 'informative');
      break;
  }
  const w = by('perisai-w4096') && !by('perisai-w4096')?.na ? 'perisai-w4096' : P;
  rss(w, 100, 'target');
  rss('perisai-net', 160, 'informative');
  return checks;
}

// ---------------------------------------------------------------- output

function foundText(r: CommandResult): string {
  if (r.foundMin === null || r.foundMax === null) return '–';
  return r.foundMin === r.foundMax ? `${r.foundMin}/${r.expected}` : `${r.foundMin}–${r.foundMax}/${r.expected}`;
}

function rowCells(r: CommandResult): string[] {
  if (r.na) return [r.label, 'n/a', '', '', '', '', '', r.na];
  const n = r.runs.length;
  const okRuns = r.runs.filter((x) => !x.error).length;
  const errs = r.runs.filter((x) => x.error).map((x) => x.error);
  const notes = [r.note, okRuns < n ? `${n - okRuns} failed: ${errs[0] ?? ''}` : undefined].filter(Boolean).join('; ');
  return [
    r.label,
    r.medianS === null ? '–' : r.medianS.toFixed(3),
    r.minS === null || r.maxS === null ? '–' : `${r.minS.toFixed(3)}–${r.maxS.toFixed(3)}`,
    `${okRuns}${r.warmup ? ` (+${r.warmup} warm-up)` : ''}`,
    r.rssMb === null ? '–' : r.rssMb.toFixed(0),
    foundText(r),
    r.falseOpensMax === null ? '–' : String(r.falseOpensMax),
    notes,
  ];
}

const HEAD = ['command', 'median s', 'min–max s', 'runs', 'RSS MB', 'found/expected', 'false open', 'notes'];
const CHECK_HEAD = ['source', 'target', 'measured', 'verdict'];

function textTable(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

function mdTable(head: string[], rows: string[][]): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

function checkCells(c: TargetCheck): string[] {
  return [c.source, c.what, c.measured, c.verdict + (c.detail ? ` (${c.detail})` : '')];
}

function report(facts: Record<string, string>, results: BedResult[], started: Date, finished: Date): { text: string; md: string } {
  const mins = ((finished.getTime() - started.getTime()) / 60000).toFixed(1);
  const factRows = Object.entries(facts).map(([k, v]) => [k, v]);
  let text = `\nPerisai benchmark, ${started.toISOString()} (${mins} min)\n${textTable(['fact', 'value'], factRows)}\n`;
  let md = `# Perisai benchmark, ${started.toISOString()}\n\nTotal ${mins} min. Medians of interleaved runs; RSS = peak of \`/usr/bin/time %M\` over the runs; ` +
    `found/expected = open (ip, port) pairs against the bed's ground truth (worst run); false open = max over runs.\n\n` +
    `${mdTable(['fact', 'value'], factRows)}\n`;
  for (const b of results) {
    const rows = b.commands.map(rowCells);
    const checks = b.checks.map(checkCells);
    text += `\n== Bed ${b.bed}: ${b.layout}\n${textTable(HEAD, rows)}\n\n${textTable(CHECK_HEAD, checks)}\n`;
    md += `\n## Bed ${b.bed}\n\n${b.layout}.\n\n${mdTable(HEAD, rows)}\n\n${mdTable(CHECK_HEAD, checks)}\n`;
    if (b.smb) {
      const st = smbTables(b);
      const about = `Verdicts per address (Perisai: worst of ${b.smb.perisaiRuns} run(s) of the 4-persona row; nmap: ${b.smb.nmapRun ?? 'no run'}). ` +
        'nmap decides smbv1/dialects where smb-protocols answers, signing where smb-security-mode or smb2-security-mode answers, ' +
        'ms17-010 and doublepulsar only where smb-protocols lists NT LM 0.12.';
      const loadAbout = 'Bed load per run (medians): CPU busy = whole machine during the run; TCP connections = PassiveOpens in the ' +
        "persona's namespace ÷ addresses scanned (Perisai's port-scan connects included; nmap's SYN scan completes none); " +
        "daemon CPU = CPU of the persona's processes incl. reaped children (one smbd per connection).";
      text += `\n${about}\n${textTable(st.agreeHead, st.agreeRows)}\n\n${loadAbout}\n${textTable(st.loadHead, st.loadRows)}\n`;
      md += `\n${about}\n\n${mdTable(st.agreeHead, st.agreeRows)}\n\n${loadAbout}\n\n${mdTable(st.loadHead, st.loadRows)}\n`;
    }
  }
  const all = results.flatMap((b) => b.checks);
  const count = (v: TargetCheck['verdict']): number => all.filter((c) => c.verdict === v).length;
  const summary = `Targets: ${count('PASS')} PASS, ${count('MISS')} MISS, ${count('n/a')} n/a.`;
  const slow = results.some((b) => b.bed === 'C' || b.bed === 'D')
    ? ` nmap's default-timing rows on C and D ran ${NMAP_SLOW_RUNS} time(s) each (BENCH_NMAP_SLOW_RUNS); they take 1–3 min per run.` : '';
  const smbNote = results.some((b) => b.bed === 'E')
    ? ` nmap's SMB scripts on E ran ${NMAP_SMB_RUNS} time(s) per row (BENCH_NMAP_SMB_RUNS)${NMAP_SMB_SUBSET ? ` on ${NMAP_SMB_SUBSET} addresses per persona (BENCH_NMAP_SMB_SUBSET)` : ''}.` : '';
  text += `\n${summary}${slow}${smbNote}\n`;
  md += `\n${summary}${slow}${smbNote}\n`;
  return { text, md };
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    log('bench: must run as root (network namespaces, raw-socket peers)');
    return 2;
  }
  const bedList = selectedBeds();
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
    const truth = readTruth();
    facts['bed seed'] = String(truth.seed);
    for (const bed of bedList) results.push(await runBed(bed, truth, work));
  } finally {
    cleanup();
    if (!KEEP_OUTPUT) rmSync(work, { recursive: true, force: true });
    else log(`bench: raw outputs kept in ${work}`);
  }
  const finished = new Date();
  const { text, md } = report(facts, results, started, finished);
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
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`bench: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
