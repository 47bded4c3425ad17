// Inclusive address ranges and the set algebra on them (merge, subtract, intersect).
//
// Every set of addresses in this module (targets, excludes, scope, never-scan list) is a sorted
// list of disjoint, non-adjacent inclusive ranges per family. Memory and time therefore scale with
// the number of ranges, never with the number of addresses: 0.0.0.0/0 is one range.

import {
  formatIPv4,
  formatIPv6,
  IPV4_MAPPED_END,
  IPV4_MAPPED_START,
  IPV4_MAX,
  IPV6_MAX,
} from './address.js';

export interface Ipv4Range {
  readonly family: 4;
  /** First address, unsigned 32-bit. */
  readonly start: number;
  /** Last address (inclusive). */
  readonly end: number;
}

export interface Ipv6Range {
  readonly family: 6;
  readonly start: bigint;
  readonly end: bigint;
}

export type IpRange = Ipv4Range | Ipv6Range;

/** Sorted, disjoint, non-adjacent ranges of both families. */
export interface RangeSet {
  readonly v4: readonly Ipv4Range[];
  readonly v6: readonly Ipv6Range[];
}

export function v4Range(start: number, end: number): Ipv4Range {
  return { family: 4, start, end };
}

export function v6Range(start: bigint, end: bigint): Ipv6Range {
  return { family: 6, start, end };
}

/** Range covered by `value/prefix` (host bits ignored, as nmap and ipaddr.js do). */
export function cidrToV4Range(value: number, prefix: number): Ipv4Range {
  const block = 2 ** (32 - prefix);
  const start = value - (value % block);
  return v4Range(start, start + block - 1);
}

export function cidrToV6Range(value: bigint, prefix: number): Ipv6Range {
  const hostBits = BigInt(128 - prefix);
  const start = (value >> hostBits) << hostBits;
  return v6Range(start, start + (1n << hostBits) - 1n);
}

/** Number of addresses in a range; a number because callers cap IPv6 ranges before counting. */
export function rangeSize(r: IpRange): number {
  return r.family === 4 ? r.end - r.start + 1 : Number(r.end - r.start + 1n);
}

/**
 * Move the part of an IPv6 range that lies in ::ffff:0:0/96 (IPv4-mapped) to IPv4, so both
 * spellings of the same host end up in one place. The rest stays IPv6.
 */
export function unmapRange(r: Ipv6Range): IpRange[] {
  if (r.end < IPV4_MAPPED_START || r.start > IPV4_MAPPED_END) return [r];
  const out: IpRange[] = [];
  if (r.start < IPV4_MAPPED_START) out.push(v6Range(r.start, IPV4_MAPPED_START - 1n));
  const s = r.start > IPV4_MAPPED_START ? r.start : IPV4_MAPPED_START;
  const e = r.end < IPV4_MAPPED_END ? r.end : IPV4_MAPPED_END;
  out.push(v4Range(Number(s - IPV4_MAPPED_START), Number(e - IPV4_MAPPED_START)));
  if (r.end > IPV4_MAPPED_END) out.push(v6Range(IPV4_MAPPED_END + 1n, r.end));
  return out;
}

type Bound = number | bigint;
interface Span<T extends Bound> {
  readonly start: T;
  readonly end: T;
}

/** Sort and coalesce overlapping or adjacent spans. `next(x)` is x + 1 in the span's type. */
function mergeSpans<T extends Bound, R extends Span<T>>(
  items: readonly R[],
  next: (x: T) => T,
  make: (s: T, e: T) => R,
): R[] {
  if (items.length === 0) return [];
  const sorted = items.slice().sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const out: R[] = [];
  let cur = sorted[0] as R;
  let curStart = cur.start;
  let curEnd = cur.end;
  let changed = false;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i] as R;
    if (r.start <= next(curEnd)) {
      // overlapping or adjacent: extend the current span
      if (r.end > curEnd) {
        curEnd = r.end;
        changed = true;
      }
    } else {
      out.push(changed ? make(curStart, curEnd) : cur);
      cur = r;
      curStart = r.start;
      curEnd = r.end;
      changed = false;
    }
  }
  out.push(changed ? make(curStart, curEnd) : cur);
  return out;
}

/** a \ b for sorted disjoint span lists. */
function subtractSpans<T extends Bound, R extends Span<T>>(
  a: readonly R[],
  b: readonly R[],
  next: (x: T) => T,
  prev: (x: T) => T,
  make: (s: T, e: T) => R,
): R[] {
  if (b.length === 0) return a.slice();
  const out: R[] = [];
  let j = 0;
  for (const r of a) {
    let start = r.start;
    const end = r.end;
    let alive = true;
    while (j < b.length && (b[j] as R).end < start) j++;
    let k = j;
    while (alive && k < b.length && (b[k] as R).start <= end) {
      const cut = b[k] as R;
      if (cut.start > start) out.push(make(start, prev(cut.start)));
      if (cut.end >= end) alive = false;
      else start = next(cut.end);
      k++;
    }
    if (alive) out.push(start === r.start ? r : make(start, end));
  }
  return out;
}

/** a ∩ b for sorted disjoint span lists. */
function intersectSpans<T extends Bound, R extends Span<T>>(
  a: readonly R[],
  b: readonly R[],
  make: (s: T, e: T) => R,
): R[] {
  const out: R[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as R;
    const y = b[j] as R;
    const s = x.start > y.start ? x.start : y.start;
    const e = x.end < y.end ? x.end : y.end;
    if (s <= e) out.push(make(s, e));
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

const inc4 = (x: number): number => x + 1;
const dec4 = (x: number): number => x - 1;
const inc6 = (x: bigint): bigint => x + 1n;
const dec6 = (x: bigint): bigint => x - 1n;

export function mergeV4(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  return mergeSpans(ranges, inc4, v4Range);
}

export function mergeV6(ranges: readonly Ipv6Range[]): Ipv6Range[] {
  return mergeSpans(ranges, inc6, v6Range);
}

/** Build a normalised RangeSet (IPv4-mapped IPv6 moved to IPv4, sorted, merged). */
export function toRangeSet(ranges: Iterable<IpRange>): RangeSet {
  const v4: Ipv4Range[] = [];
  const v6: Ipv6Range[] = [];
  for (const r of ranges) {
    if (r.family === 4) v4.push(r);
    else for (const piece of unmapRange(r)) {
      if (piece.family === 4) v4.push(piece);
      else v6.push(piece);
    }
  }
  return { v4: mergeV4(v4), v6: mergeV6(v6) };
}

export function unionRangeSets(a: RangeSet, b: RangeSet): RangeSet {
  return { v4: mergeV4([...a.v4, ...b.v4]), v6: mergeV6([...a.v6, ...b.v6]) };
}

export function subtractRangeSets(a: RangeSet, b: RangeSet): RangeSet {
  return {
    v4: subtractSpans(a.v4, b.v4, inc4, dec4, v4Range),
    v6: subtractSpans(a.v6, b.v6, inc6, dec6, v6Range),
  };
}

export function intersectRangeSets(a: RangeSet, b: RangeSet): RangeSet {
  return { v4: intersectSpans(a.v4, b.v4, v4Range), v6: intersectSpans(a.v6, b.v6, v6Range) };
}

/** Index of the range containing `x` in a sorted disjoint list, or -1. Binary search. */
export function findV4(ranges: readonly Ipv4Range[], x: number): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = ranges[mid] as Ipv4Range;
    if (x < r.start) hi = mid - 1;
    else if (x > r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

export function findV6(ranges: readonly Ipv6Range[], x: bigint): number {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = ranges[mid] as Ipv6Range;
    if (x < r.start) hi = mid - 1;
    else if (x > r.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/** Prefix length when the range is exactly one CIDR block, else -1. */
export function rangeCidrPrefix(r: IpRange): number {
  if (r.family === 4) {
    const size = r.end - r.start + 1;
    const bits = Math.log2(size);
    if (!Number.isInteger(bits) || r.start % size !== 0) return -1;
    return 32 - bits;
  }
  const size = r.end - r.start + 1n;
  if ((size & (size - 1n)) !== 0n || r.start % size !== 0n) return -1;
  return 128 - (size.toString(2).length - 1);
}

/** Human text of a range: "a", "a/len" when it is one CIDR block, else "a-b". */
export function formatRange(r: IpRange): string {
  const fmt = (x: number | bigint): string =>
    r.family === 4 ? formatIPv4(x as number) : formatIPv6(x as bigint);
  if (r.start === r.end) return fmt(r.start);
  const prefix = rangeCidrPrefix(r);
  if (prefix >= 0) return `${fmt(r.start)}/${prefix}`;
  return `${fmt(r.start)}-${fmt(r.end)}`;
}

/** The whole address space of both families (useful in tests and for "allow all" decisions). */
export const ALL_ADDRESSES: RangeSet = Object.freeze({
  v4: [v4Range(0, IPV4_MAX)],
  v6: [v6Range(0n, IPV4_MAPPED_START - 1n), v6Range(IPV4_MAPPED_END + 1n, IPV6_MAX)],
});
