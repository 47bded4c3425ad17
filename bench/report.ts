// The bench's results (bench/README.md, "Targets"): what one command did per run and over its runs, the
// targets each bed is checked against, and the tables printed to stdout and written as Markdown.
import { SMB_FACTS } from './smb-verdicts.js';
import type { SmbAgreement } from './smb-verdicts.js';
import type { BedName } from './truth.js';

export type Tool = 'perisai' | 'nmap' | 'zmap';

/** bed E: what the bed's daemons did during one run (TCP connections accepted, CPU), and how busy the machine was. */
export interface BedLoad {
  cpuBusyPct: number;
  opensPerAddress: Record<string, number>;
  daemonCpuS: Record<string, number>;
}

export interface RunRecord {
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

export interface CommandResult {
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

export interface TargetCheck {
  bed: BedName;
  /** `target`: a target of the project (docs/performance.md, "Results"); `informative`: a design-time anchor (bench/README.md). */
  source: 'target' | 'informative';
  what: string;
  measured: string;
  verdict: 'PASS' | 'MISS' | 'n/a';
  detail?: string;
}

export interface BedResult {
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

/** What the report says about how often the slow peers ran (bench/run.ts reads these from the environment). */
export interface ReportNotes {
  nmapSlowRuns: number;
  nmapSmbRuns: number;
  nmapSmbSubset: number;
}

export function smbChecks(bed: 'E' | 'G', rs: CommandResult[], smb: SmbAgreement): TargetCheck[] {
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

export function checksFor(bed: BedName, rs: CommandResult[]): TargetCheck[] {
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

export function foundText(r: CommandResult): string {
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

export function report(facts: Record<string, string>, results: BedResult[], started: Date, finished: Date, notes: ReportNotes): { text: string; md: string } {
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
    ? ` nmap's default-timing rows on C and D ran ${notes.nmapSlowRuns} time(s) each (BENCH_NMAP_SLOW_RUNS); they take 1–3 min per run.` : '';
  const smbNote = results.some((b) => b.bed === 'E')
    ? ` nmap's SMB scripts on E ran ${notes.nmapSmbRuns} time(s) per row (BENCH_NMAP_SMB_RUNS)${notes.nmapSmbSubset ? ` on ${notes.nmapSmbSubset} addresses per persona (BENCH_NMAP_SMB_SUBSET)` : ''}.` : '';
  text += `\n${summary}${slow}${smbNote}\n`;
  md += `\n${summary}${slow}${smbNote}\n`;
  return { text, md };
}
