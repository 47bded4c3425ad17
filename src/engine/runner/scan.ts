// One scan, end to end: the port stage (connect scanner) and, overlapping it, banners for open ports and the
// checks of each host, then per-host results. The engine's public entry for the CLI, the API server and the
// workers; it knows nothing about output formats or storage (results go to the handlers as they are decided).
//
// Pipeline: a host's checks start as soon as the port stage has decided every check port of that host (the
// permuted sweep decides them at random times, so on a /16 the first verdicts do not wait for the last SYN);
// banners start as each open port is found. Both run in bounded pools whose streams count against the port
// stage's window (net/inflight.ts), so overlapping adds no in-flight budget. Host lines still come last, each
// after its own port and check lines: a host's port tally is only final when the sweep ends.
import { readFileSync } from 'node:fs';
import { grabBanner, type BannerOptions } from '../banner/grab.js';
import { guessService, sanitizeBanner } from '../banner/service-rules.js';
import { createConnector, resolveSocketLayer, type SocketLayer } from '../net/connector.js';
import { NetDialer, ScopeCache, ScopedConnector, type ScopeCheck } from '../net/dialer.js';
import type { TimeoutPolicy } from '../net/rtt.js';
import { CountingDialer, InflightGauge } from '../net/inflight.js';
import {
  connectScan,
  readFdLimit,
  type ConnectScanResult,
  type IndexPermutation,
  type IndexedTargets,
  type PortObservation,
  type ScanProgress,
} from '../portscan/connect-scan.js';
import type { CheckLine, HostResult, PortResult, ScanSummary } from '../types.js';
import { runHostChecks, selectChecks, type HostCheckReport } from '../checks/index.js';
import { AbortFanout } from './abort-fanout.js';

export interface ScanRequest {
  readonly targets: IndexedTargets;
  readonly ports: readonly number[];
  /** Enforced inside the dialer for every connect, port stage and banners alike. */
  readonly scope: ScopeCheck;
  readonly socketLayer?: SocketLayer;
  readonly order?: IndexPermutation;
  /** Scan only this slice of the permuted index space (one task of a job); see ConnectScanOptions. */
  readonly indexRange?: { readonly start: number; readonly end: number };
  readonly window?: number;
  readonly timeout?: Partial<TimeoutPolicy>;
  readonly retries?: number;
  readonly maxRate?: number;
  readonly hostInflight?: number;
  /** false = no banner grab. */
  readonly banners: false | BannerOptions;
  readonly bannerConcurrency?: number;
  /** Report closed and filtered ports too (memory grows with them: the user asked). */
  readonly allStates: boolean;
  /**
   * The checks stage: check ids, tags or categories (checks/registry.ts), run on every host that has an open
   * port one of them is about, in a pool of their own with per-conversation deadlines.
   */
  readonly checks?: {
    readonly selectors: readonly string[];
    readonly timeoutMs?: number;
    readonly concurrency?: number;
  };
  readonly signal?: AbortSignal;
}

export interface ScanHandlers {
  port(r: PortResult): void;
  host(h: HostResult, ports: readonly PortResult[], checks: readonly CheckLine[]): void;
  /** Phases after the port stage, for a user-visible note (e.g. "checking 12 hosts"). */
  stage?(name: 'checks', hosts: number): void;
  /** A host's checks finished (progress only: its verdicts come with its host line). */
  checked?(ip: string): void;
  progress?(p: ScanProgress): void;
  warning?(message: string): void;
}

/** Facts about the scanning machine that limit a connect scan: the open-file limit caps the window, conntrack the rate into silent space. */
export function hostWarnings(window: number, planned: number): string[] {
  const out: string[] = [];
  const fd = readFdLimit();
  if (fd < window + 320) {
    out.push(`open-file limit is ${fd} (ulimit -n): the window is clamped below ${window}; raise the limit for faster sweeps`);
  }
  try {
    const count = Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8'));
    const max = Number(readFileSync('/proc/sys/net/netfilter/nf_conntrack_max', 'utf8'));
    if (max > 0 && count > 0 && planned > 10_000) {
      out.push(
        `connection tracking is active on this machine (${count}/${max} entries): every unanswered probe holds an entry for ~120 s, ` +
          `so silent address space is capped near ${Math.floor(max / 120)} probes/s; consider a NOTRACK rule for scan traffic`,
      );
    }
  } catch {
    // no conntrack: nothing to say
  }
  return out;
}

/** A tiny promise pool: at most `limit` jobs at once, in submission order. */
class Pool {
  #active = 0;
  readonly #queue: (() => Promise<void>)[] = [];
  #idle: (() => void) | null = null;
  constructor(readonly limit: number) {}
  submit(job: () => Promise<void>): void {
    this.#queue.push(job);
    this.#pump();
  }
  #pump(): void {
    while (this.#active < this.limit && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#active++;
      job()
        .catch(() => {})
        .finally(() => {
          this.#active--;
          this.#pump();
        });
    }
    if (this.#active === 0 && this.#queue.length === 0 && this.#idle) {
      const f = this.#idle;
      this.#idle = null;
      f();
    }
  }
  drain(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => (this.#idle = r));
  }
}

export async function runScan(req: ScanRequest, h: ScanHandlers): Promise<ScanSummary> {
  const startedAt = new Date();
  const layer = await resolveSocketLayer(req.socketLayer ?? 'auto');
  const scope = new ScopeCache(req.scope);
  // Banners and checks overlap the port stage and share its window: their streams count in the gauge.
  const gauge = new InflightGauge();
  const dialer = new CountingDialer(new NetDialer(scope), gauge);
  const planned = req.indexRange ? req.indexRange.end - req.indexRange.start : req.targets.size * req.ports.length;
  for (const w of hostWarnings(req.window ?? 4096, planned)) h.warning?.(w);

  // The checks to run and the ports they are about (validated before anything is sent).
  const selected = req.checks ? selectChecks(req.checks.selectors) : [];
  const checkPorts = new Set(selected.filter((c) => !c.meta.udp).flatMap((c) => c.meta.ports));
  /** Check ports this scan probes on every host: a host is ready for its checks once all are decided. */
  const scannedCheckPorts = req.ports.filter((p) => checkPorts.has(p)).length;
  /** RST-answered check ports per host: lets a check say "not reachable" instead of "not applicable". */
  const closedCheckPorts = new Map<number, number[]>();
  /** Check ports decided so far per host, until the host is ready (then the entry goes). */
  const checkPortsDecided = new Map<number, number>();
  /** Open check ports, as hostIndex * 65,536 + port. */
  const openCheckPorts = new Set<number>();
  const perHost = new Map<number, PortResult[]>();
  const keep = (hostIndex: number, r: PortResult): void => {
    let list = perHost.get(hostIndex);
    if (!list) perHost.set(hostIndex, (list = []));
    list.push(r);
  };
  const fanout = new AbortFanout(req.signal);
  const bannerPool = new Pool(req.bannerConcurrency ?? 128);
  const bannerOpts = req.banners;

  // ---- checks, pipelined: a host's checks start as soon as every check port of it is decided
  const reports = new Map<number, HostCheckReport>();
  const checkPool = new Pool(req.checks?.concurrency ?? 64);
  const checked = new Set<number>();
  const startChecks = (hostIndex: number): void => {
    if (checked.has(hostIndex) || fanout.aborted) return;
    checked.add(hostIndex);
    checkPool.submit(async () => {
      const target = req.targets.at(hostIndex);
      // open check ports are in perHost already (they get no banner); other open ports may still be in the banner pool
      const open = (perHost.get(hostIndex) ?? []).filter((p) => p.state === 'open').map((p) => p.port);
      const report = await fanout.run((signal) =>
        runHostChecks({
          ip: target.ip,
          openPorts: open,
          closedPorts: closedCheckPorts.get(hostIndex) ?? [],
          dialer,
          scope,
          checks: req.checks!.selectors,
          ...(req.checks?.timeoutMs !== undefined ? { timeoutMs: req.checks.timeoutMs } : {}),
          signal,
        }),
      );
      // A host whose checks were cut short by Ctrl-C gets no verdicts: "found so far" is what finished.
      if (!fanout.aborted) {
        reports.set(hostIndex, report);
        h.checked?.(target.ip);
      }
    });
  };
  const checkPortDecided = (o: PortObservation): void => {
    if (o.state === 'open') openCheckPorts.add(o.hostIndex * 65_536 + o.port);
    else if (o.state === 'closed') {
      const l = closedCheckPorts.get(o.hostIndex);
      if (l) l.push(o.port);
      else closedCheckPorts.set(o.hostIndex, [o.port]);
    }
    const n = (checkPortsDecided.get(o.hostIndex) ?? 0) + 1;
    if (n < scannedCheckPorts) {
      checkPortsDecided.set(o.hostIndex, n);
      return;
    }
    checkPortsDecided.delete(o.hostIndex);
    if (hasOpenCheckPort(o.hostIndex)) startChecks(o.hostIndex);
  };
  const hasOpenCheckPort = (hostIndex: number): boolean => {
    for (const p of checkPorts) if (openCheckPorts.has(hostIndex * 65_536 + p)) return true;
    return false;
  };

  const onPort = (o: PortObservation): void => {
    const base = {
      type: 'port' as const,
      ip: o.target.ip,
      ...(o.target.hostname ? { hostname: o.target.hostname } : {}),
      port: o.port,
      proto: 'tcp' as const,
      state: o.state,
      reason: o.reason,
      ...(o.rttMs !== undefined ? { rttMs: o.rttMs } : {}),
    };
    const isCheckPort = checkPorts.has(o.port);
    if (o.state !== 'open') {
      if (req.allStates) {
        const r: PortResult = base;
        keep(o.hostIndex, r);
        h.port(r);
      }
      if (isCheckPort) checkPortDecided(o);
      return;
    }
    // No banner where a selected check will speak the port's protocol anyway (SMB, RDP never greet).
    if (!bannerOpts || isCheckPort) {
      const r: PortResult = { ...base, service: guessService(o.port, null).service };
      keep(o.hostIndex, r);
      h.port(r);
      if (isCheckPort) checkPortDecided(o);
      return;
    }
    bannerPool.submit(async () => {
      const b = await fanout.run((signal) => grabBanner(dialer, o.target.ip, o.port, { ...bannerOpts, signal, ...(o.rttMs !== undefined ? { rttMs: o.rttMs } : {}) }));
      const guess = guessService(o.port, b.bytes);
      const r: PortResult = {
        ...base,
        service: guess.service,
        ...(b.bytes ? { banner: sanitizeBanner(b.bytes) } : {}),
      };
      keep(o.hostIndex, r);
      h.port(r);
    });
  };

  let result: ConnectScanResult;
  try {
    result = await connectScan({
      targets: req.targets,
      ports: req.ports,
      connector: (done) => new ScopedConnector(createConnector(layer, done), scope),
      ...(req.order ? { order: req.order } : {}),
      ...(req.indexRange ? { indexRange: req.indexRange } : {}),
      ...(req.window !== undefined ? { window: req.window } : {}),
      ...(req.timeout ? { timeout: req.timeout } : {}),
      ...(req.retries !== undefined ? { retries: req.retries } : {}),
      ...(req.maxRate !== undefined ? { maxRate: req.maxRate } : {}),
      ...(req.hostInflight !== undefined ? { hostInflight: req.hostInflight } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onPort,
      report: req.allStates || checkPorts.size > 0 ? 'all' : 'open',
      ...(h.progress ? { onProgress: h.progress } : {}),
      shared: gauge,
    });

    for (const [name, n] of result.localErrors) {
      h.warning?.(`${n} local ${name} error(s) during the scan (the window was reduced; no target was judged from them)`);
    }
    // Hosts whose check ports were not all probed here (a task's index slice, an interrupted sweep) and any
    // other host with an open check port that has not started: their checks run now.
    if (selected.length > 0) {
      for (const t of result.hosts.sorted()) if (hasOpenCheckPort(t.hostIndex)) startChecks(t.hostIndex);
      if (checked.size > 0) h.stage?.('checks', checked.size);
    }
    await bannerPool.drain();
    await checkPool.drain();
  } finally {
    fanout.close();
  }
  const checkCounts = { run: 0, vulnerable: 0, notVulnerable: 0, unknown: 0 };

  let hostsUp = 0;
  for (const t of result.hosts.sorted()) {
    hostsUp++;
    const ports = (perHost.get(t.hostIndex) ?? []).sort((a, b) => a.port - b.port);
    const target = req.targets.at(t.hostIndex);
    const host: HostResult = {
      type: 'host',
      ip: target.ip,
      ...(target.hostname ? { hostname: target.hostname } : {}),
      state: 'up',
      reason: t.upReason,
      open: t.open,
      closed: t.closed,
      filtered: Math.max(0, req.ports.length - t.open - t.closed),
      srttMs: Math.round(t.srttMs * 1000) / 1000,
    };
    const report = reports.get(t.hostIndex);
    // Checks that could not apply (none of their ports open) did not run: the port lines already say why.
    const lines: CheckLine[] = (report?.checks ?? []).filter((c) => c.applicable).map((c) => ({
      type: 'check',
      ip: target.ip,
      ...(target.hostname ? { hostname: target.hostname } : {}),
      ...(c.port !== undefined ? { port: c.port } : {}),
      check: c.check,
      state: c.state,
      reason: c.reason,
      reasonCode: c.reasonCode,
      severity: c.severity,
      title: c.title,
      titleId: c.titleId,
      evidence: c.evidence,
    }));
    for (const c of lines) {
      checkCounts.run++;
      if (c.state === 'vulnerable') checkCounts.vulnerable++;
      else if (c.state === 'not-vulnerable') checkCounts.notVulnerable++;
      else checkCounts.unknown++;
    }
    const withFacts: HostResult = {
      ...host,
      ...(report?.os ? { os: report.os } : {}),
      ...(report?.smb ? { smb: report.smb } : {}),
      ...(report?.rdp ? { rdp: report.rdp } : {}),
      ...(report?.netbios ? { netbios: report.netbios } : {}),
    };
    h.host(withFacts, ports, lines);
  }
  const endedAt = new Date();
  return {
    type: 'summary',
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    hosts: req.targets.size,
    hostsUp,
    ports: req.ports.length,
    probesPlanned: result.planned,
    probesSent: result.probesSent,
    retries: result.retries,
    open: result.open,
    closed: result.closed,
    filtered: result.filtered,
    refusedByScope: result.refusedByScope,
    ...(selected.length > 0 ? { checks: checkCounts } : {}),
    interrupted: result.interrupted || (selected.length > 0 && req.signal?.aborted === true),
    engine: { socketLayer: result.socketLayer, windowMax: result.windowMax, windowFinal: result.windowFinal, timeoutMs: result.timeoutMs },
  };
}
