// A scan job's targets as the engine's TargetSet. The job row stores literal addresses and CIDR blocks
// (src/scheduler/jobs.ts validates them when the job is created); every worker rebuilds the same set from
// the row, so every task of the job — on any machine — scans its own slice of the same permuted order.
// Host names are refused here rather than resolved: the set must not depend on DNS answers that may
// differ between the machine that planned the job and the one that scans it.

import { buildTargetSet } from '../engine/targets/index.js';
import type { TargetSet } from '../engine/targets/index.js';

/** The job's targets as the engine's TargetSet: literal addresses and CIDR blocks only (no DNS). */
export async function jobTargetSet(targets: readonly string[]): Promise<TargetSet> {
  return buildTargetSet([...targets], { resolve: () => Promise.reject(new Error('a scan job names addresses, not host names')) });
}
