// The streaming result sink every output format implements, and the helpers they share.

import type { CheckLine, HostResult, PortResult, PortState, ScanSummary } from '../types.js';
import { guessService, tableServiceName, unescapeBanner } from '../banner/service-rules.js';

/** Where a writer puts its text. The CLI passes a file stream and handles backpressure and flushing. */
export interface TextOut {
  write(chunk: string): void;
}

export interface ScanMeta {
  readonly args: readonly string[];
  readonly startedAt: Date;
  readonly ports: readonly number[];
  readonly scanner: 'perisai';
  readonly version: string;
  readonly scanType: 'connect';
}

/**
 * Call order: begin, then any number of port() and host() calls (hosts interleaved), then end.
 * port(): every port result as it is decided, in any order.
 * host(): once per host that answered, at the end of its scan, with that host's reported ports.
 */
export interface ResultSink {
  begin(meta: ScanMeta): void;
  port(r: PortResult): void;
  /** `checks`: the host's check verdicts, when the checks stage ran (in check order). */
  host(h: HostResult, ports: readonly PortResult[], checks?: readonly CheckLine[]): void;
  end(s: ScanSummary): void;
}

export const OUTPUT_FORMATS = ['table', 'jsonl', 'json', 'xml', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface SinkOptions {
  /** Also report closed and filtered ports (default: open ports only, like nmap's default view). */
  readonly allStates: boolean;
  /** ANSI colour in the table format. */
  readonly color?: boolean;
  /** Wall clock in ms since the epoch (XML host endtime); tests pin it. Default Date.now. */
  readonly clock?: () => number;
}

export function isShown(r: PortResult, allStates: boolean): boolean {
  return allStates || r.state === 'open';
}

/** The ports a host block lists, sorted by port number. */
export function shownPorts(ports: readonly PortResult[], allStates: boolean): PortResult[] {
  return ports.filter((p) => isShown(p, allStates)).sort((a, b) => a.port - b.port);
}

export interface HiddenGroup {
  readonly state: Exclude<PortState, 'open'>;
  readonly count: number;
  /** Most frequent first, like nmap's <extrareasons>. */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
}

const DEFAULT_REASON = { closed: 'conn-refused', filtered: 'no-response' } as const;

/**
 * The closed/filtered ports a host block does not list (nmap's "Not shown" / <extraports>).
 * Counts come from the HostResult; reasons are counted from the ports the runner passed, and any
 * hidden port the runner did not pass is attributed to the state's usual reason.
 */
export function hiddenGroups(h: HostResult, ports: readonly PortResult[], allStates: boolean): HiddenGroup[] {
  const groups: HiddenGroup[] = [];
  for (const state of ['closed', 'filtered'] as const) {
    const listed = allStates ? ports.filter((p) => p.state === state).length : 0;
    const byReason = new Map<string, number>();
    if (!allStates) for (const p of ports) if (p.state === state) byReason.set(p.reason, (byReason.get(p.reason) ?? 0) + 1);
    const known = [...byReason.values()].reduce((a, b) => a + b, 0);
    const count = Math.max(h[state] - listed, known);
    if (!(count > 0)) continue;
    if (known < count) byReason.set(DEFAULT_REASON[state], (byReason.get(DEFAULT_REASON[state]) ?? 0) + count - known);
    const reasons = [...byReason].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count);
    groups.push({ state, count, reasons });
  }
  return groups;
}

/** Port list -> nmap's compressed form: sorted, de-duplicated, runs as ranges ("1-1024,3389"). */
export function compressPorts(ports: readonly number[]): string {
  const sorted = [...new Set(ports.filter((p) => Number.isInteger(p)))].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    const first = sorted[i] ?? 0;
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const last = sorted[j] ?? first;
    parts.push(first === last ? String(first) : `${first}-${last}`);
    i = j + 1;
  }
  return parts.join(',');
}

export function addrType(ip: string): 'ipv4' | 'ipv6' {
  return ip.includes(':') ? 'ipv6' : 'ipv4';
}

export interface ServiceInfo {
  readonly name: string;
  readonly method: 'table' | 'probed';
  /** nmap's confidence: 10 when recognised from the service's answer, 3 from the port table. */
  readonly conf: 3 | 10;
  readonly product?: string;
  readonly version?: string;
  readonly extrainfo?: string;
}

/**
 * Service details for the nmap-like formats (xml, table). The runner's name wins; product and
 * version come from re-running guessService on the stored banner (sanitizeBanner's escaping is
 * reversible) when it agrees with that name. Without a runner name, the guess is used, which for
 * a port without banner is the table name, as nmap shows for closed ports too.
 */
export function serviceInfo(r: PortResult): ServiceInfo {
  const guess = guessService(r.port, r.banner !== undefined && r.banner !== '' ? unescapeBanner(r.banner) : null);
  if (r.service === undefined || r.service === '' || r.service === guess.service) {
    return {
      name: guess.service,
      method: guess.method,
      conf: guess.method === 'probed' ? 10 : 3,
      ...(guess.product !== undefined && { product: guess.product }),
      ...(guess.version !== undefined && { version: guess.version }),
      ...(guess.extrainfo !== undefined && { extrainfo: guess.extrainfo }),
    };
  }
  const fromTable = r.service === tableServiceName(r.port);
  return { name: r.service, method: fromTable ? 'table' : 'probed', conf: fromTable ? 3 : 10 };
}

/** "product version (extrainfo)", nmap's VERSION column. */
export function versionString(s: ServiceInfo): string {
  return [s.product, s.version, s.extrainfo !== undefined ? `(${s.extrainfo})` : undefined].filter((x) => x !== undefined).join(' ');
}

// --- Record shapes for the JSON formats. The mapped types make the compiler flag a field added to
// types.ts that is not written out; undefined and non-finite optional values are omitted.

type Complete<T> = { [K in keyof Required<T>]: T[K] };

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && !(typeof v === 'number' && !Number.isFinite(v))),
  ) as Partial<T>;
}

export function portRecord(r: PortResult): Partial<PortResult> {
  const o: Complete<PortResult> = {
    type: 'port',
    ip: r.ip,
    hostname: r.hostname,
    port: r.port,
    proto: r.proto,
    state: r.state,
    reason: r.reason,
    rttMs: r.rttMs,
    service: r.service,
    banner: r.banner,
  };
  return defined(o);
}

export function hostRecord(h: HostResult): Partial<HostResult> {
  const o: Complete<HostResult> = {
    type: 'host',
    ip: h.ip,
    hostname: h.hostname,
    state: h.state,
    reason: h.reason,
    open: h.open,
    closed: h.closed,
    filtered: h.filtered,
    srttMs: h.srttMs,
    os: h.os,
    smb: h.smb,
    rdp: h.rdp,
    netbios: h.netbios,
  };
  return defined(o);
}

export function checkRecord(c: CheckLine): Partial<CheckLine> {
  const o: Complete<CheckLine> = {
    type: 'check',
    ip: c.ip,
    hostname: c.hostname,
    port: c.port,
    check: c.check,
    state: c.state,
    reason: c.reason,
    reasonCode: c.reasonCode,
    severity: c.severity,
    title: c.title,
    titleId: c.titleId,
    evidence: c.evidence,
  };
  return defined(o);
}

export function summaryRecord(s: ScanSummary): ScanSummary {
  const engine: Complete<ScanSummary['engine']> = {
    socketLayer: s.engine.socketLayer,
    windowMax: s.engine.windowMax,
    windowFinal: s.engine.windowFinal,
    timeoutMs: s.engine.timeoutMs,
  };
  const o: Complete<ScanSummary> = {
    type: 'summary',
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    durationMs: s.durationMs,
    hosts: s.hosts,
    hostsUp: s.hostsUp,
    ports: s.ports,
    probesPlanned: s.probesPlanned,
    probesSent: s.probesSent,
    retries: s.retries,
    open: s.open,
    closed: s.closed,
    filtered: s.filtered,
    refusedByScope: s.refusedByScope,
    checks: s.checks,
    interrupted: s.interrupted,
    engine: engine as ScanSummary['engine'],
  };
  return defined(o) as ScanSummary;
}

/**
 * JSON text safe for line-oriented readers: JSON.stringify already escapes C0 controls and lone
 * surrogates; U+2028, U+2029 and U+0085 are valid raw in JSON but some splitters (Python's
 * str.splitlines, old JS eval) treat them as line breaks, so they are escaped too. They can only
 * occur inside string literals, so the replacement keeps the JSON equal.
 */
export function jsonLine(v: unknown): string {
  return JSON.stringify(v).replace(/[\u2028\u2029\u0085]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Seconds with 2 decimals, as nmap prints elapsed times. */
export function seconds(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '0.00';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** C ctime() layout ("Wed Nov 25 07:28:34 2026") as nmap writes startstr/timestr, but in UTC. */
export function ctimeUtc(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()] ?? ''} ${MONTHS[d.getUTCMonth()] ?? ''} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** A command line for display: arguments with shell metacharacters are single-quoted (POSIX sh). */
export function shellJoin(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
