// A stored scan job written back out in the engine's own formats (nmap-compatible XML and JSONL): the observations the workers stored are the engine's JSONL records
// (src/domain/observation.ts), so the export replays them host by host through the engine's sinks —
// the same XmlSink that `perisai scan -oX` uses (ndiff-checked) and the same JsonlSink as `-oJ`.
//
// What a stored job cannot give back, and how the export says so instead of inventing it:
// - filtered ports: workers store only ports that answered (a timeout teaches nothing, worker.ts), so
//   the export lists open and closed ports and the summary's `filtered` is 0 with `storedFiltered: false`;
// - the engine's per-slice counters (retries, window, socket layer) are not kept per job: the summary
//   JSONL summary line leaves them out and carries the job's own figures (planned/done probes, timing,
//   status) under `job`;
// - a check stored before reason codes were kept has none: its `reasonCode` is then `stored-verdict` (a
//   marker no check emits, src/engine/checks/reasons.ts).

import type { CheckLine, HostResult, PortResult, ScanSummary } from '../engine/types.js';
import type { CheckState as EngineCheckState } from '../engine/checks/types.js';
import { listCheckMeta } from '../engine/checks/registry.js';
import { JsonlSink, XmlSink } from '../engine/output/index.js';
import type { ResultSink, TextOut } from '../engine/output/index.js';
import type { Observation } from '../domain/observation.js';
import type { ScanJob } from '../domain/scan-job.js';
import type { Store } from '../store/index.js';
import type { AgencyScope } from '../store/index.js';

export type ScanExportFormat = 'xml' | 'jsonl';

const META = new Map(listCheckMeta().map((m) => [m.id as string, m]));

/** One host of a stored job, rebuilt as the engine reported it. */
export interface StoredHost {
  readonly host: HostResult;
  readonly ports: readonly PortResult[];
  readonly checks: readonly CheckLine[];
}

function engineState(s: string): EngineCheckState {
  // The store also knows `likely-vulnerable` (version-only evidence); the engine's vocabulary does not.
  return s === 'vulnerable' || s === 'likely-vulnerable' ? 'vulnerable' : s === 'not-vulnerable' ? 'not-vulnerable' : 'unknown';
}

/** Rebuild a host's engine records from its stored observations (any order). */
export function hostFromObservations(ip: string, observations: readonly Observation[]): StoredHost {
  const ports: PortResult[] = [];
  const checks: CheckLine[] = [];
  let host: Record<string, unknown> | undefined;
  const facts: Record<string, unknown> = {};
  for (const o of observations) {
    switch (o.type) {
      case 'port':
        ports.push(o);
        break;
      case 'host': {
        const { mac: _m, netbiosName: _n, dnsName: _d, ...rest } = o;
        host = { ...rest };
        break;
      }
      case 'check': {
        const meta = META.get(o.check);
        const evidence = o.evidence ?? {};
        const code = o.reasonCode ?? 'stored-verdict';
        checks.push({
          type: 'check', ip, ...(o.port !== 0 ? { port: o.port } : {}), check: o.check, state: engineState(o.state),
          reason: o.reason ?? '', reasonCode: code, severity: meta?.severity ?? 'medium',
          title: meta?.title.en ?? o.check, titleId: meta?.title.id ?? o.check, evidence,
        });
        break;
      }
      case 'fact':
        facts[o.fact] = o.value;
        break;
    }
  }
  ports.sort((a, b) => a.port - b.port);
  const open = ports.filter((p) => p.state === 'open').length;
  const closed = ports.filter((p) => p.state === 'closed').length;
  // A host with answers but no host line (a task interrupted between its port and host lines) is still up.
  const base: HostResult = host !== undefined
    ? (host as unknown as HostResult)
    : { type: 'host', ip, state: open + closed > 0 ? 'up' : 'down', reason: open > 0 ? 'syn-ack' : closed > 0 ? 'conn-refused' : 'no-response', open, closed, filtered: 0 };
  const withFacts = { ...base, ...Object.fromEntries(['os', 'smb', 'rdp', 'netbios'].filter((k) => facts[k] !== undefined).map((k) => [k, facts[k]])) } as HostResult;
  return { host: withFacts, ports, checks };
}

/** Every host of a job, in address order, streamed from the store (a /16 never sits in memory). */
export async function* storedHosts(store: Store, scope: AgencyScope, jobId: string): AsyncGenerator<StoredHost> {
  for await (const h of store.observations.byHost(scope, jobId)) yield hostFromObservations(h.ip, h.observations);
}

function jobSummary(job: ScanJob, counts: { hosts: number; up: number; open: number; closed: number; checks: { run: number; vulnerable: number; notVulnerable: number; unknown: number } }, done: number): ScanSummary & { job: Record<string, unknown>; storedFiltered: false } {
  const started = job.startedAt ?? job.createdAt;
  const ended = job.finishedAt ?? started;
  return {
    type: 'summary', startedAt: started, endedAt: ended, durationMs: Math.max(0, Date.parse(ended) - Date.parse(started)),
    hosts: counts.hosts, hostsUp: counts.up, ports: job.ports.length, probesPlanned: job.planned, probesSent: done, retries: 0,
    open: counts.open, closed: counts.closed, filtered: 0, refusedByScope: 0,
    ...(counts.checks.run > 0 ? { checks: counts.checks } : {}),
    interrupted: job.status !== 'completed',
    // Required by the type, read by no XML writer code (runstats uses timing, host counts, interrupted).
    engine: { socketLayer: 'net', windowMax: 0, windowFinal: 0, timeoutMs: 0 },
    storedFiltered: false,
    job: { id: job.id, agencyId: job.agencyId, networkId: job.networkId, profile: job.profile, status: job.status, targets: job.targets, requestedBy: job.requestedBy, error: job.error },
  };
}

/**
 * Write a stored job as nmap XML or Perisai JSONL to `out`. Returns the number of hosts written.
 * The caller has already checked that `job` is in the caller's scope (scope is passed on for the reads).
 */
export async function exportScan(store: Store, scope: AgencyScope, job: ScanJob, format: ScanExportFormat, out: TextOut, opts: { clock?: () => number; /** Awaited after each host: backpressure for a streamed response. */ flush?: () => Promise<void> } = {}): Promise<number> {
  const sink: ResultSink = format === 'xml' ? new XmlSink(out, { allStates: true, ...(opts.clock !== undefined ? { clock: opts.clock } : {}) }) : new JsonlSink(out, { allStates: true });
  sink.begin({ args: ['perisai', 'scan', '--profile', job.profile, '-p', job.ports.join(','), ...job.targets], startedAt: new Date(job.startedAt ?? job.createdAt), ports: job.ports, scanner: 'perisai', version: '1', scanType: 'connect' });
  const counts = { hosts: 0, up: 0, open: 0, closed: 0, checks: { run: 0, vulnerable: 0, notVulnerable: 0, unknown: 0 } };
  for await (const h of storedHosts(store, scope, job.id)) {
    counts.hosts++;
    if (h.host.state === 'up') counts.up++;
    for (const p of h.ports) {
      if (p.state === 'open') counts.open++;
      else if (p.state === 'closed') counts.closed++;
      sink.port(p);
    }
    for (const c of h.checks) {
      counts.checks.run++;
      if (c.state === 'vulnerable') counts.checks.vulnerable++;
      else if (c.state === 'not-vulnerable') counts.checks.notVulnerable++;
      else counts.checks.unknown++;
    }
    sink.host(h.host, h.ports, h.checks);
    await opts.flush?.();
  }
  const progress = await store.scans.progress(scope, job.id);
  const summary = jobSummary(job, counts, progress.done);
  if (format === 'jsonl') {
    // The engine's per-run counters (socket layer, window, retries) are not kept per job, so the line
    // leaves `engine` and `retries` out rather than filling them with made-up values.
    const { engine: _e, retries: _r, ...line } = summary;
    out.write(`${JSON.stringify(line)}\n`);
  } else {
    sink.end(summary); // XML <runstats> uses only timing, host counts and `interrupted`
  }
  return counts.hosts;
}
