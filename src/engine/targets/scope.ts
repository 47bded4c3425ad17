// Scan scope: the allow-list an operator signs off on, checked before every connection.
//
// Fail closed: an address is allowed only if it is inside an allow-list entry AND outside the
// built-in never-scan list. An empty scope allows nothing. Anything that does not parse as an
// address is refused. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it names,
// so the mapped spelling cannot bypass an IPv4 scope (or the never-scan list).
//
// Never-scan list (applied even when the allow-list covers the address). Sources: the IANA IPv4
// and IPv6 Special-Purpose Address Registries (RFC 6890, which obsoletes RFC 5735 / RFC 5156):
//   0.0.0.0/8      "this network" (RFC 791, RFC 1122 §3.2.1.3). Not a host; worse, connect() to
//                  0.0.0.0 reaches the local machine on Linux, so it would scan something else.
//   224.0.0.0/4    IPv4 multicast (RFC 5771). Not a unicast host; TCP to it is meaningless.
//   240.0.0.0/4    Reserved (RFC 1112 §4), including 255.255.255.255, the limited broadcast
//                  address (RFC 919, RFC 8190).
//   ::/128         IPv6 unspecified address (RFC 4291 §2.5.2), the IPv6 twin of 0.0.0.0.
//   ff00::/8       IPv6 multicast (RFC 4291 §2.7).
//   100::/64       IPv6 discard-only prefix (RFC 6666): black-holed on purpose, probes only waste
//                  the scan's time budget.
// Deliberately NOT on the list, because scanning them on purpose is legitimate:
//   127.0.0.0/8, ::1 loopback (RFC 1122, RFC 4291 §2.5.3): auditing the local machine, and the
//                  test suite and lab run against loopback.
//   10/8, 172.16/12, 192.168/16 (RFC 1918), 100.64/10 (RFC 6598), fc00::/7 (RFC 4193),
//   169.254/16 and fe80::/10 link-local (RFC 3927, RFC 4291): the networks WannaCry spreads in.
//   192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32 documentation (RFC 5737, RFC 3849) and
//   198.18.0.0/15 benchmarking (RFC 2544): unrouted, harmless, used by tests and lab setups.
//   Subnet-directed broadcasts (x.y.z.255 of a /24): whether an address is a broadcast depends on
//   the local netmask, which the scope cannot know; the OS refuses connect() to broadcasts anyway.

import type { Target } from '../types.js';
import { formatIp, parseIp } from './address.js';
import { TargetSpecError } from './errors.js';
import {
  findV4,
  findV6,
  formatRange,
  rangeSize,
  subtractRangeSets,
  type IpRange,
  type RangeSet,
} from './ranges.js';
import { parseSpecText, rangeSetFromSpecs, type SourcedToken } from './spec.js';
import { readSpecFile } from './spec-file.js';
import type { TargetSet } from './target-set.js';

export interface NeverScanEntry {
  readonly spec: string;
  readonly reason: string;
}

export const NEVER_SCAN: readonly NeverScanEntry[] = Object.freeze([
  { spec: '0.0.0.0/8', reason: '"this network" block, not a host (RFC 6890); 0.0.0.0 reaches the local machine' },
  { spec: '224.0.0.0/4', reason: 'IPv4 multicast (RFC 5771)' },
  { spec: '240.0.0.0/4', reason: 'reserved IPv4 block incl. 255.255.255.255 broadcast (RFC 1112, RFC 919)' },
  { spec: '::/128', reason: 'IPv6 unspecified address (RFC 4291 §2.5.2)' },
  { spec: 'ff00::/8', reason: 'IPv6 multicast (RFC 4291 §2.7)' },
  { spec: '100::/64', reason: 'IPv6 discard-only prefix (RFC 6666)' },
]);

const NEVER_SCAN_RANGES: ReadonlyArray<{ readonly range: IpRange; readonly entry: NeverScanEntry }> =
  NEVER_SCAN.flatMap((entry) => {
    const set = rangeSetFromSpecs([entry.spec]);
    return [...set.v4, ...set.v6].map((range) => ({ range, entry }));
  });
const NEVER_SCAN_SET: RangeSet = rangeSetFromSpecs(NEVER_SCAN.map((e) => e.spec));

export type ScopeDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: string };

const ALLOWED: ScopeDecision = Object.freeze({ allowed: true });

/** The never-scan entry covering `ip` (already parsed and unmapped), if any. */
function neverScanEntry(ip: { family: 4; value: number } | { family: 6; value: bigint }): NeverScanEntry | undefined {
  for (const { range, entry } of NEVER_SCAN_RANGES) {
    if (range.family !== ip.family) continue;
    if (ip.value >= range.start && ip.value <= range.end) return entry;
  }
  return undefined;
}

export class Scope {
  /** The specs the scope was built from, as given. */
  readonly specs: readonly string[];
  /** Addresses the allow-list names (before the never-scan list is applied). */
  readonly allowList: RangeSet;
  /** Addresses that may actually be scanned: allowList minus the never-scan list. */
  readonly effective: RangeSet;

  private constructor(specs: readonly string[], allowList: RangeSet) {
    this.specs = Object.freeze(specs.slice());
    this.allowList = allowList;
    this.effective = subtractRangeSets(allowList, NEVER_SCAN_SET);
  }

  /** A scope that allows nothing. */
  static readonly EMPTY: Scope = new Scope([], { v4: [], v6: [] });

  /**
   * Build from IP, CIDR and range specs of either family (no hostnames: DNS answers can change
   * after sign-off). Any IPv6 prefix size is fine here, nothing is enumerated.
   * Throws TargetSpecError naming the bad spec.
   */
  static fromSpecs(specs: readonly (string | SourcedToken)[]): Scope {
    const set = rangeSetFromSpecs(specs, { enumerate: false });
    return new Scope(
      specs.map((s) => (typeof s === 'string' ? s : s.token)),
      set,
    );
  }

  /** Parse scope file text: one or more specs per line, '#' starts a comment. */
  static parse(text: string, file = '<scope>'): Scope {
    return Scope.fromSpecs(parseSpecText(text, file));
  }

  /** Read a scope file (see parse). Errors name the file and line. */
  static async fromFile(path: string): Promise<Scope> {
    return Scope.fromSpecs(await readSpecFile(path));
  }

  /** True when nothing at all may be scanned. */
  get isEmpty(): boolean {
    return this.effective.v4.length === 0 && this.effective.v6.length === 0;
  }

  /** Decide whether `ip` may be probed. Never throws. */
  check(ip: string): ScopeDecision {
    const p = parseIp(ip);
    if (p === null) return { allowed: false, reason: `${JSON.stringify(ip)} is not an IP address` };
    const never = neverScanEntry(p);
    if (never !== undefined) {
      return {
        allowed: false,
        reason: `${formatIp(p)} is in ${never.spec}, which Perisai never scans: ${never.reason}`,
      };
    }
    if (this.allowList.v4.length === 0 && this.allowList.v6.length === 0) {
      return { allowed: false, reason: 'the scan scope is empty, so nothing may be scanned' };
    }
    const inside =
      p.family === 4 ? findV4(this.effective.v4, p.value) >= 0 : findV6(this.effective.v6, p.value) >= 0;
    if (inside) return ALLOWED;
    return { allowed: false, reason: `${formatIp(p)} is outside the scan scope` };
  }

  /** Human summary, e.g. for logs: "192.0.2.0/24, 2001:db8::/64". */
  describe(): string {
    const parts = [...this.allowList.v4, ...this.allowList.v6].map(formatRange);
    return parts.length === 0 ? '(empty: nothing may be scanned)' : parts.join(', ');
  }
}

export type ScopeCoverage =
  | { readonly inScope: true }
  | {
      readonly inScope: false;
      /** First out-of-scope host in TargetSet index order (with its hostname label, if any). */
      readonly first: Target;
      /** Its index in the TargetSet. */
      readonly index: number;
      /** Why it is refused (Scope.check reason). */
      readonly reason: string;
      /** How many of the set's hosts are out of scope. */
      readonly outside: number;
      /** A one-line message for refusing the scan. */
      readonly message: string;
    };

/**
 * Check a whole TargetSet against a scope with range arithmetic (no per-address walk), so the
 * CLI can refuse before sending anything, e.g. when a hostname resolved somewhere unexpected.
 */
export function checkTargetsInScope(targets: TargetSet, scope: Scope): ScopeCoverage {
  const outsideSet = subtractRangeSets(targets.rangeSet, scope.effective);
  const firstRange = outsideSet.v4[0] ?? outsideSet.v6[0];
  if (firstRange === undefined) return { inScope: true };
  let outside = 0;
  for (const r of [...outsideSet.v4, ...outsideSet.v6]) outside += rangeSize(r);
  const ip = formatIp(
    firstRange.family === 4
      ? { family: 4, value: firstRange.start }
      : { family: 6, value: firstRange.start },
  );
  const index = targets.indexOf(ip);
  const first = targets.at(index);
  const decision = scope.check(ip);
  const reason = decision.allowed ? 'outside the scan scope' : decision.reason;
  const message =
    `${outside.toLocaleString('en-US')} of ${targets.size.toLocaleString('en-US')} targets are ` +
    `out of scope; first: ${reason}` +
    (first.hostname !== undefined ? ` (resolved from ${first.hostname})` : '');
  return { inScope: false, first, index, reason, outside, message };
}

/** Throw a TargetSpecError (token = first out-of-scope address) unless every target is in scope. */
export function assertTargetsInScope(targets: TargetSet, scope: Scope): void {
  const cov = checkTargetsInScope(targets, scope);
  if (!cov.inScope) throw new TargetSpecError(cov.first.hostname ?? cov.first.ip, cov.message);
}
