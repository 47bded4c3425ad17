// Scan size planning: how many probes a target set and port list add up to, and whether the
// scan is big enough that the CLI must ask for explicit confirmation (--yes).

import type { TargetSet } from './target-set.js';
import { MAX_PERMUTATION_SIZE } from './permute.js';

/** Hosts in a /16: above this many hosts a scan needs explicit confirmation. */
export const CONFIRM_HOSTS_THRESHOLD = 65_536;

export interface PlanSize {
  readonly hosts: number;
  readonly ports: number;
  /** hosts * ports: one probe per (host, port) pair, retries not counted. */
  readonly probes: number;
  /** More hosts than a /16 (65,536): the CLI must require --yes. */
  readonly exceedsSlash16: boolean;
  /** probes fits the permutation domain (2^52); false means the scan cannot be ordered. */
  readonly orderable: boolean;
}

/** Size of a scan plan. `ports` is the port list or just its length. */
export function planSize(targets: TargetSet | { readonly size: number }, ports: readonly number[] | number): PlanSize {
  const hosts = targets.size;
  const nPorts = typeof ports === 'number' ? ports : ports.length;
  const probes = hosts * nPorts;
  return {
    hosts,
    ports: nPorts,
    probes,
    exceedsSlash16: hosts > CONFIRM_HOSTS_THRESHOLD,
    orderable: probes <= MAX_PERMUTATION_SIZE,
  };
}
