// A scan job's targets as the engine's TargetSet. The job row stores literal addresses and CIDR blocks
// (src/scheduler/jobs.ts validates them when the job is created); every worker rebuilds the same set from
// the row, so every task of the job — on any machine — scans its own slice of the same permuted order.
// Host names are refused here rather than resolved: the set must not depend on DNS answers that may
// differ between the machine that planned the job and the one that scans it.
//
// People type more than blocks: the CLI's ranges (10.0.0.5-10.0.0.40, 10.0.0.5-40) and nmap's octet
// ranges (10.1-3.0.1-254), see src/engine/targets/spec.ts. jobTargetBlocks turns those into the smallest
// list of CIDR blocks covering exactly the same addresses, so the stored form stays the one every reader of
// scan_jobs.targets already understands (the store's fence against unregistered space, the diff's
// coverage, report cards, circular checks) and a worker rebuilds exactly what was typed.

import { buildTargetSet, formatIPv4, formatIPv6, parseTargetSpec, splitSpecList, toRangeSet, TargetSpecError } from '../engine/targets/index.js';
import type { IpRange, RangeSet, TargetSet } from '../engine/targets/index.js';

/** The job's targets as the engine's TargetSet: literal addresses and CIDR blocks only (no DNS). */
export async function jobTargetSet(targets: readonly string[]): Promise<TargetSet> {
  return buildTargetSet([...targets], { resolve: () => Promise.reject(new Error('a scan job names addresses, not host names')) });
}

/**
 * The most CIDR blocks one job may store: every job answer carries its targets, so a spec that shatters
 * into thousands of blocks (10.0-255.0-255.1) is refused rather than stored; CIDR blocks or wider ranges
 * say the same thing in far fewer blocks.
 */
export const MAX_JOB_BLOCKS = 1024;

/** The CIDR blocks (`a/len`, aligned) that cover exactly the addresses of `r`, in order. */
export function rangeBlocks(r: IpRange): string[] {
  const out: string[] = [];
  const bits = r.family === 4 ? 32 : 128;
  let start = BigInt(r.start);
  const end = BigInt(r.end);
  while (start <= end) {
    // The largest block that starts at `start` (alignment) and does not pass `end`.
    let size = start === 0n ? 1n << BigInt(bits) : start & -start;
    while (size > end - start + 1n) size >>= 1n;
    const prefix = bits - (size.toString(2).length - 1);
    out.push(`${r.family === 4 ? formatIPv4(Number(start)) : formatIPv6(start)}/${prefix}`);
    start += size;
  }
  return out;
}

/** One typed entry of a request, split as the CLI splits a command-line argument (commas, as nmap reads them). */
export interface TypedTarget {
  /** The spec as typed (one piece of an entry). */
  readonly spec: string;
  /** Its addresses (IPv4-mapped IPv6 folded into IPv4, as the engine does). */
  readonly ranges: RangeSet;
}

/**
 * Parse what a person typed: each entry may hold several specs separated by commas, exactly as `perisai
 * scan` takes an argument (splitSpecList). Host names are refused (TargetSpecError naming the spec), IPv6
 * spans are capped as the engine caps them.
 */
export function parseTypedTargets(entry: string): TypedTarget[] {
  const specs = entry.includes(',') ? splitSpecList(entry) : [entry.trim()];
  return specs.map((spec) => {
    const parsed = parseTargetSpec(spec, { allowHostnames: false });
    if (parsed.kind === 'hostname') throw new TargetSpecError(spec, `${JSON.stringify(spec)} is a host name`);
    return { spec, ranges: toRangeSet(parsed.ranges) };
  });
}

/** The CIDR blocks a job stores for these typed targets: their union, merged, in address order. */
export function jobTargetBlocks(typed: readonly TypedTarget[]): string[] {
  const union = toRangeSet(typed.flatMap((t) => [...t.ranges.v4, ...t.ranges.v6]));
  return [...union.v4, ...union.v6].flatMap(rangeBlocks);
}
