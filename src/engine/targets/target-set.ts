// TargetSet: the deduplicated set of hosts to scan, addressable by index.
//
// Storage is the sorted, disjoint range list per family plus a prefix sum of range sizes, so a
// 10.0.0.0/8 costs one range, not 16 million entries. `at(i)` binary-searches the prefix sums
// (O(log ranges)); the scanner combines it with a Permutation to visit hosts in a seeded
// pseudo-random order without ever materialising the address list.
//
// Index order: all IPv4 addresses ascending, then all IPv6 addresses ascending.
// Hostname labels (the name a user typed for an address) are kept in a map keyed by canonical
// address text; it only holds addresses that came from hostnames, so it stays small.

import type { Target } from '../types.js';
import { formatIPv4, formatIPv6, parseIp } from './address.js';
import {
  findV4,
  findV6,
  toRangeSet,
  type IpRange,
  type Ipv4Range,
  type Ipv6Range,
  type RangeSet,
} from './ranges.js';

/** Index of the last offset <= i (offsets[0] is 0 and offsets is ascending). */
function locate(offsets: Float64Array, i: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((offsets[mid] as number) <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class TargetSet implements Iterable<Target> {
  /** Number of hosts (IPv4 + IPv6). Always a safe integer. */
  readonly size: number;
  readonly ipv4Size: number;
  readonly ipv6Size: number;
  private readonly v4: readonly Ipv4Range[];
  private readonly v6: readonly Ipv6Range[];
  /** v4Offsets[k] = index of the first address of v4[k]. */
  private readonly v4Offsets: Float64Array;
  /** v6Offsets[k] = index (within the IPv6 part) of the first address of v6[k]. */
  private readonly v6Offsets: Float64Array;
  private readonly labels: ReadonlyMap<string, string>;

  private constructor(set: RangeSet, labels: ReadonlyMap<string, string>) {
    this.v4 = set.v4;
    this.v6 = set.v6;
    this.v4Offsets = new Float64Array(set.v4.length);
    let n4 = 0;
    set.v4.forEach((r, k) => {
      this.v4Offsets[k] = n4;
      n4 += r.end - r.start + 1;
    });
    this.v6Offsets = new Float64Array(set.v6.length);
    let n6 = 0n;
    set.v6.forEach((r, k) => {
      this.v6Offsets[k] = Number(n6);
      n6 += r.end - r.start + 1n;
    });
    if (BigInt(n4) + n6 > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`target set of ${BigInt(n4) + n6} addresses is too large to index`);
    }
    this.ipv4Size = n4;
    this.ipv6Size = Number(n6);
    this.size = n4 + this.ipv6Size;
    // Keep only labels of addresses that are actually in the set (excludes may have removed some).
    const kept = new Map<string, string>();
    for (const [ip, name] of labels) if (this.contains(ip)) kept.set(ip, name);
    this.labels = kept;
  }

  static readonly EMPTY: TargetSet = new TargetSet({ v4: [], v6: [] }, new Map());

  /**
   * Build from arbitrary (overlapping, unsorted, possibly IPv4-mapped) ranges.
   * `labels` maps address text to the hostname to report for it; the first label of an address wins.
   */
  static fromRanges(
    ranges: Iterable<IpRange>,
    labels: Iterable<readonly [ip: string, hostname: string]> = [],
  ): TargetSet {
    return TargetSet.fromRangeSet(toRangeSet(ranges), labels);
  }

  /** Build from an already normalised RangeSet (see ranges.ts). */
  static fromRangeSet(
    set: RangeSet,
    labels: Iterable<readonly [ip: string, hostname: string]> = [],
  ): TargetSet {
    const map = new Map<string, string>();
    for (const [ip, name] of labels) {
      const p = parseIp(ip);
      if (p === null) throw new RangeError(`label for invalid address ${JSON.stringify(ip)}`);
      const key = p.family === 4 ? formatIPv4(p.value) : formatIPv6(p.value);
      if (!map.has(key)) map.set(key, name);
    }
    return new TargetSet(set, map);
  }

  /** The sorted, disjoint ranges of the set. */
  get rangeSet(): RangeSet {
    return { v4: this.v4, v6: this.v6 };
  }

  /** Number of stored ranges (the memory cost of the set). */
  get rangeCount(): number {
    return this.v4.length + this.v6.length;
  }

  /** Address text of host `i` (no object allocation). */
  ipAt(i: number): string {
    if (!(i >= 0 && i < this.size) || !Number.isInteger(i)) {
      throw new RangeError(`target index ${i} outside 0..${this.size - 1}`);
    }
    if (i < this.ipv4Size) {
      const k = locate(this.v4Offsets, i);
      return formatIPv4((this.v4[k] as Ipv4Range).start + (i - (this.v4Offsets[k] as number)));
    }
    const j = i - this.ipv4Size;
    const k = locate(this.v6Offsets, j);
    return formatIPv6((this.v6[k] as Ipv6Range).start + BigInt(j - (this.v6Offsets[k] as number)));
  }

  /** Host `i` (0 <= i < size) in index order. */
  at(i: number): Target {
    const ip = this.ipAt(i);
    const family = i < this.ipv4Size ? 4 : 6;
    if (this.labels.size !== 0) {
      const hostname = this.labels.get(ip);
      if (hostname !== undefined) return { ip, family, hostname };
    }
    return { ip, family };
  }

  /** Index of `ip` in the set, or -1 (also -1 for text that is not an address). */
  indexOf(ip: string): number {
    const p = parseIp(ip);
    if (p === null) return -1;
    if (p.family === 4) {
      const k = findV4(this.v4, p.value);
      if (k < 0) return -1;
      return (this.v4Offsets[k] as number) + (p.value - (this.v4[k] as Ipv4Range).start);
    }
    const k = findV6(this.v6, p.value);
    if (k < 0) return -1;
    return (
      this.ipv4Size + (this.v6Offsets[k] as number) + Number(p.value - (this.v6[k] as Ipv6Range).start)
    );
  }

  contains(ip: string): boolean {
    const p = parseIp(ip);
    if (p === null) return false;
    return p.family === 4 ? findV4(this.v4, p.value) >= 0 : findV6(this.v6, p.value) >= 0;
  }

  /** Hostname label the user gave for `ip`, if any. */
  hostnameOf(ip: string): string | undefined {
    const p = parseIp(ip);
    if (p === null) return undefined;
    return this.labels.get(p.family === 4 ? formatIPv4(p.value) : formatIPv6(p.value));
  }

  *[Symbol.iterator](): Iterator<Target> {
    const labelled = this.labels.size !== 0;
    for (const r of this.v4) {
      for (let x = r.start; x <= r.end; x++) {
        const ip = formatIPv4(x);
        const hostname = labelled ? this.labels.get(ip) : undefined;
        yield hostname === undefined ? { ip, family: 4 } : { ip, family: 4, hostname };
      }
    }
    for (const r of this.v6) {
      for (let x = r.start; x <= r.end; x++) {
        const ip = formatIPv6(x);
        const hostname = labelled ? this.labels.get(ip) : undefined;
        yield hostname === undefined ? { ip, family: 6 } : { ip, family: 6, hostname };
      }
    }
  }
}
