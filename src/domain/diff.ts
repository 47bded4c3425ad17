// Change detection between two scan snapshots (GVM's delta report categories new/gone/changed, nmap's
// ndiff): what changed since the previous completed scan of the same network or agency.
//
// A snapshot is per host: up or not, the state (and service) of every port the scan reported, and every
// check verdict. The engine reports only open ports unless run with --all-states, so "a port that was
// open is not reported now on a host that is up" is a closing too, but an unconfirmed one
// (`confirmed: false`); only an RST (`closed`) confirms it. A host that is not up now yields `host-gone`
// and no port events — an offline host says nothing about its ports (silence is not evidence).
//
// Like with like: two scans are compared only where both looked. With each scan's coverage (the ports it
// probed, the checks it ran, the targets it covered):
//  - a port is opened, closed or changed service only if BOTH scans probed it — a top-100 scan after a
//    ransomware-ports scan does not "open" 3306, which the first never asked about;
//  - a check changed only if both scans have a verdict for it on that host;
//  - a host is new only if it now answers on a port the previous scan probed too (and lies inside the
//    previous scan's targets), and gone only if the current scan probed a port it answered on before;
//  - what could not be compared is said: ports probed by one scan only, checks run by one scan only, and
//    the number of hosts whose presence could not be compared.
// Without coverage (the first scan an asset's history shows) every port counts as probed by both.

import { cidrContainsAddress, parseAddress, parseCidr } from './ip.js';
import type { Cidr } from './ip.js';
import type { CheckState, Observation } from './observation.js';

export interface PortSnapshot {
  readonly state: 'open' | 'closed' | 'filtered';
  readonly service?: string;
}

export interface HostSnapshot {
  readonly ip: string;
  readonly up: boolean;
  readonly ports: ReadonlyMap<number, PortSnapshot>;
  /** key "checkId:port" */
  readonly checks: ReadonlyMap<string, CheckState>;
}

export type Change =
  | { readonly kind: 'host-new'; readonly ip: string }
  | { readonly kind: 'host-gone'; readonly ip: string }
  | { readonly kind: 'port-opened'; readonly ip: string; readonly port: number; readonly service?: string }
  | { readonly kind: 'port-closed'; readonly ip: string; readonly port: number; readonly confirmed: boolean }
  | { readonly kind: 'service-changed'; readonly ip: string; readonly port: number; readonly from: string | null; readonly to: string | null }
  | { readonly kind: 'check-changed'; readonly ip: string; readonly port: number; readonly check: string; readonly from: CheckState; readonly to: CheckState };

/** What one scan looked at (scan_jobs.targets, .ports, .checks). */
export interface ScanCoverage {
  /** Addresses and CIDR blocks; absent = do not limit by target. */
  readonly targets?: readonly string[];
  readonly ports: readonly number[];
  /** Check ids; null = not recorded (then no check is reported as run by one scan only). */
  readonly checks: readonly string[] | null;
}

/** What the comparison had to leave out because only one of the two scans looked there. */
export interface NotCompared {
  /** Ports probed by only one of the two scans, ascending. */
  readonly ports: readonly number[];
  /** Checks run by only one of the two scans, by id. */
  readonly checks: readonly string[];
  /** Hosts of the current scan whose presence could not be compared (outside the previous scan's targets, or answering only on ports it did not probe) plus hosts that went silent on ports the current scan did not probe. */
  readonly hosts: number;
}

export interface ScanComparison {
  readonly changes: readonly Change[];
  readonly notCompared: NotCompared;
}

/** Build per-host snapshots from one scan's observations (any order). */
export function buildSnapshots(observations: Iterable<Observation>): HostSnapshot[] {
  const hosts = new Map<string, { ip: string; up: boolean; ports: Map<number, PortSnapshot>; checks: Map<string, CheckState> }>();
  const get = (ip: string) => {
    let h = hosts.get(ip);
    if (h === undefined) {
      h = { ip, up: false, ports: new Map(), checks: new Map() };
      hosts.set(ip, h);
    }
    return h;
  };
  for (const o of observations) {
    const h = get(o.ip);
    if (o.type === 'host') h.up ||= o.state === 'up';
    else if (o.type === 'port') {
      if (o.state !== 'filtered') h.up = true; // SYN-ACK or RST: something answered
      h.ports.set(o.port, { state: o.state, ...(o.service !== undefined ? { service: o.service } : {}) });
    } else if (o.type === 'check') {
      h.checks.set(`${o.check}:${o.port}`, o.state);
      if (o.state !== 'unknown') h.up = true;
    }
  }
  return [...hosts.values()];
}

function symmetricDifference<T>(a: readonly T[], b: readonly T[]): T[] {
  const sa = new Set(a);
  const sb = new Set(b);
  return [...new Set([...a.filter((x) => !sb.has(x)), ...b.filter((x) => !sa.has(x))])];
}

/** Does an address lie inside any of the blocks (undefined = no limit)? */
function inside(blocks: readonly Cidr[] | undefined, ip: string): boolean {
  if (blocks === undefined) return true;
  const a = parseAddress(ip);
  return blocks.some((b) => cidrContainsAddress(b, a));
}

/** Ports on which a host answered (SYN-ACK or RST). */
function answered(h: HostSnapshot): number[] {
  return [...h.ports].filter(([, s]) => s.state !== 'filtered').map(([p]) => p);
}

/**
 * Compare two scans. `coverage` gives what each probed; without it every port and check counts as looked
 * at by both (the legacy comparison, and the first scan of an asset's history).
 */
export function compareSnapshots(
  previous: Iterable<HostSnapshot>,
  current: Iterable<HostSnapshot>,
  coverage?: { readonly previous: ScanCoverage; readonly current: ScanCoverage },
): ScanComparison {
  const prev = new Map([...previous].map((h) => [h.ip, h]));
  const curr = new Map([...current].map((h) => [h.ip, h]));
  const both: (port: number) => boolean = coverage === undefined
    ? () => true
    : ((s: ReadonlySet<number>) => (port: number) => s.has(port))(new Set(coverage.previous.ports.filter((p) => coverage.current.ports.includes(p))));
  const prevTargets = coverage?.previous.targets?.map((t) => parseCidr(t, 'targets'));
  const currTargets = coverage?.current.targets?.map((t) => parseCidr(t, 'targets'));
  const out: Change[] = [];
  let hostsNotCompared = 0;

  for (const [ip, c] of curr) {
    if (!c.up) continue;
    if (!inside(prevTargets, ip)) {
      hostsNotCompared++;
      continue;
    }
    const p = prev.get(ip);
    const wasUp = p?.up === true;
    if (!wasUp) {
      // New only if it answers now where the previous scan asked too; a host that answers only on ports
      // the previous scan never probed may well have been there all along.
      const now = answered(c);
      if (now.length > 0 && !now.some(both)) {
        hostsNotCompared++;
        continue;
      }
      out.push({ kind: 'host-new', ip });
    }
    for (const [port, cp] of c.ports) {
      if (!both(port)) continue;
      const pp = wasUp ? p.ports.get(port) : undefined;
      if (cp.state === 'open' && pp?.state !== 'open') out.push({ kind: 'port-opened', ip, port, ...(cp.service !== undefined ? { service: cp.service } : {}) });
      else if (cp.state === 'open' && pp?.state === 'open' && (pp.service ?? null) !== (cp.service ?? null)) {
        out.push({ kind: 'service-changed', ip, port, from: pp.service ?? null, to: cp.service ?? null });
      }
    }
    if (wasUp) {
      for (const [port, pp] of p.ports) {
        if (pp.state !== 'open' || !both(port)) continue;
        const cp = c.ports.get(port);
        if (cp === undefined) out.push({ kind: 'port-closed', ip, port, confirmed: false });
        else if (cp.state !== 'open') out.push({ kind: 'port-closed', ip, port, confirmed: cp.state === 'closed' });
      }
    }
    // A verdict only one scan has (the check did not run, or did not apply, in the other) is no change.
    for (const [key, state] of c.checks) {
      const before = p?.checks.get(key);
      if (before === undefined || before === state) continue;
      const i = key.lastIndexOf(':');
      out.push({ kind: 'check-changed', ip, port: Number(key.slice(i + 1)), check: key.slice(0, i), from: before, to: state });
    }
  }
  for (const [ip, p] of prev) {
    if (!p.up || (curr.get(ip)?.up ?? false)) continue;
    // Hosts outside the current scan's targets are not part of this comparison at all.
    if (!inside(currTargets, ip)) continue;
    const before = answered(p);
    if (before.length > 0 && !before.some(both)) {
      hostsNotCompared++;
      continue;
    }
    out.push({ kind: 'host-gone', ip });
  }
  const notCompared: NotCompared = coverage === undefined
    ? { ports: [], checks: [], hosts: 0 }
    : {
        ports: symmetricDifference(coverage.previous.ports, coverage.current.ports).sort((a, b) => a - b),
        checks: coverage.previous.checks === null || coverage.current.checks === null ? [] : symmetricDifference(coverage.previous.checks, coverage.current.checks).sort(),
        hosts: hostsNotCompared,
      };
  return { changes: out, notCompared };
}

/** The changes alone (see compareSnapshots). */
export function diffSnapshots(
  previous: Iterable<HostSnapshot>,
  current: Iterable<HostSnapshot>,
  coverage?: { readonly previous: ScanCoverage; readonly current: ScanCoverage },
): Change[] {
  return [...compareSnapshots(previous, current, coverage).changes];
}
