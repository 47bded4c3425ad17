// Half-open index ranges [start, end) over a scan task's slice of the permuted target×port index space
// (a task is a range of permuted indices; progress is "which indices are done").
//
// A task's probes complete out of order (many in flight at once), so progress is not one counter but a
// set of completed ranges, kept merged. A worker that restarts after a crash asks for the remaining
// ranges and continues there; together with the idempotent observation key this gives "no observation
// lost or counted twice". Indices are plain numbers: a task is at most a few million probes, and even an
// IPv6 /112 × 65,535 ports (≈ 4.3e9) is far below 2^53.

import { validationError } from './errors.js';

export type IndexRange = readonly [start: number, end: number];

export function validateRange(r: IndexRange, field = 'range'): void {
  const [s, e] = r;
  if (!Number.isSafeInteger(s) || !Number.isSafeInteger(e) || s < 0 || e < s) {
    throw validationError(`${field}: [${String(s)}, ${String(e)}) is not a range of non-negative integers with start ≤ end`, { field });
  }
}

/** Sort, drop empty ranges and merge overlapping or touching ones. */
export function mergeRanges(ranges: Iterable<IndexRange>): IndexRange[] {
  const sorted = [...ranges].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** Parts of `whole` not covered by `done` (which need not be merged). */
export function subtractRanges(whole: IndexRange, done: Iterable<IndexRange>): IndexRange[] {
  const out: IndexRange[] = [];
  let cursor = whole[0];
  for (const [s, e] of mergeRanges(done)) {
    if (e <= cursor) continue;
    if (s >= whole[1]) break;
    if (s > cursor) out.push([cursor, Math.min(s, whole[1])]);
    cursor = Math.max(cursor, e);
    if (cursor >= whole[1]) break;
  }
  if (cursor < whole[1]) out.push([cursor, whole[1]]);
  return out;
}

/** Clip ranges to `whole` (progress reported outside a task's slice is ignored, not trusted). */
export function clipRanges(whole: IndexRange, ranges: Iterable<IndexRange>): IndexRange[] {
  const out: IndexRange[] = [];
  for (const [s, e] of ranges) {
    const cs = Math.max(s, whole[0]);
    const ce = Math.min(e, whole[1]);
    if (ce > cs) out.push([cs, ce]);
  }
  return mergeRanges(out);
}

export function rangesLength(ranges: Iterable<IndexRange>): number {
  let n = 0;
  for (const [s, e] of mergeRanges(ranges)) n += e - s;
  return n;
}
