// Turning "scan these networks of this agency" into a stored job: the job records
// targets, ports, profile and the permutation seed; its index space (targets × ports, permuted by the
// seed) is cut into tasks of N slots. A worker rebuilds the same TargetSet and Permutation from the job
// row, so every task of the job — on any machine — scans its own slice of the same order.

import type { ScanJob } from '../domain/scan-job.js';
import type { Vantage } from '../domain/risk.js';
import { validationError } from '../domain/errors.js';
import { jobTargetSet } from '../domain/job-targets.js';
import { profileChecks } from '../domain/scan-profile.js';
import { selectChecks } from '../engine/checks/registry.js';
import { MAX_PERMUTATION_SIZE, NEVER_SCAN, randomSeed } from '../engine/targets/index.js';
import type { Repositories } from '../store/index.js';
import type { AgencyScope } from '../store/index.js';
import type { Network } from '../domain/network.js';
import { planTasks } from './schedule.js';

/** Default task size: 4,096 index slots (a /24 × 16 ports) — small enough to move between workers. */
export const DEFAULT_SLOTS_PER_TASK = 4096;

export interface NewScanJob {
  readonly agencyId: string;
  readonly networkId?: string | null;
  readonly scheduleId?: string | null;
  readonly targets: readonly string[];
  readonly ports: readonly number[];
  readonly profile: string;
  readonly vantage: Vantage;
  readonly zone?: string | null;
  readonly slotsPerTask?: number;
  /** Permutation seed (decimal, < 2^53); random when absent. */
  readonly seed?: string;
  readonly requestedBy: string;
}

/** The check ids a profile runs (recorded on each job: scans are compared only where both looked). */
export function profileCheckIds(profile: string): string[] {
  const selectors = profileChecks(profile);
  return selectors.length === 0 ? [] : selectChecks(selectors).map((c) => c.meta.id);
}

/**
 * Plan and store a job. `checkPlan` sees the number of probes before anything is stored and may refuse
 * by throwing (the API's confirmation above a ceiling, domain/scan-brakes.ts).
 */
export async function createScanJob(repos: Repositories, scope: AgencyScope, input: NewScanJob, opts: { checkPlan?: (probes: number) => void } = {}): Promise<ScanJob> {
  const set = await jobTargetSet(input.targets);
  const planned = set.size * input.ports.length;
  if (planned === 0) throw validationError('the job has nothing to scan (no targets or no ports)', { field: 'targets' });
  if (planned > MAX_PERMUTATION_SIZE) throw validationError(`the job is too large (${planned} probes); split it`, { field: 'targets' });
  opts.checkPlan?.(planned);
  const seed = input.seed ?? String(randomSeed());
  if (!Number.isSafeInteger(Number(seed))) throw validationError('seed: an integer below 2^53', { field: 'seed' });
  return repos.scans.createJob(scope, {
    agencyId: input.agencyId,
    ...(input.networkId != null ? { networkId: input.networkId } : {}),
    ...(input.scheduleId != null ? { scheduleId: input.scheduleId } : {}),
    profile: input.profile,
    targets: input.targets,
    ports: input.ports,
    checks: profileCheckIds(input.profile),
    vantage: input.vantage,
    zone: input.zone ?? null,
    seed,
    requestedBy: input.requestedBy,
    tasks: planTasks(planned, input.slotsPerTask ?? DEFAULT_SLOTS_PER_TASK, input.zone ?? null),
  });
}

/**
 * What a scan of an agency (its units included) or of one of its networks covers: the registered blocks
 * minus never-scan blocks (multicast, 0/8 … are not addresses to probe even when registered), and the
 * worker zone of a single network. The one definition for a schedule firing and a person starting a scan.
 */
export async function registeredTargets(repos: Repositories, scope: AgencyScope, agencyId: string, networkId: string | null): Promise<{ networks: Network[]; targets: string[]; zone: string | null }> {
  const networks = networkId !== null
    ? [await repos.networks.get(scope, networkId)]
    : (await Promise.all((await repos.agencies.descendants(scope, agencyId, { includeSelf: true })).map((a) => repos.networks.list(scope, { agencyId: a.id })))).flat();
  const targets = networks.map((n) => n.cidr).filter((c) => !NEVER_SCAN.some((e) => e.spec === c));
  return { networks, targets, zone: networkId !== null ? (networks[0]?.zone ?? null) : null };
}
