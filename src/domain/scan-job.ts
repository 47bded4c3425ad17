// Scan jobs and tasks (docs/monitoring.md): a job is what someone asked for (targets of one
// agency, ports, a vantage); it is cut into tasks, each a half-open range of the job's permuted
// target×port index space, claimable by one worker at a time under a lease. Progress is the set of
// index ranges whose observations are stored (domain/ranges.ts), written in the same transaction as
// those observations, so a crashed worker's successor continues exactly where the data stops.

import { PerisaiError, validationError } from './errors.js';
import type { IndexRange } from './ranges.js';
import { mergeRanges, rangesLength, subtractRanges, validateRange } from './ranges.js';
import type { Vantage } from './risk.js';
import { VANTAGES } from './risk.js';

export const JOB_STATUSES = ['queued', 'running', 'finalizing', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TASK_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Allowed job status changes. `finalizing` is the once-only change-detection step after the last task. */
const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['finalizing', 'completed', 'failed', 'cancelled'],
  finalizing: ['completed', 'failed'],
  completed: [],
  failed: [],
  cancelled: [],
};

/** A job that can change no more (completed, failed, cancelled): derived from the transitions above. */
export function jobIsFinal(status: JobStatus): boolean {
  return JOB_TRANSITIONS[status].length === 0;
}

/**
 * The status to show for a job: a `running` job none of whose tasks is pending or running any more is being
 * finalized. Finalizing (change detection, findings, assets: src/worker/finalize.ts) runs in ONE
 * transaction together with the stored move running → finalizing → completed, so readers never see the
 * stored `finalizing`; without this a large job read as `running` at 100 % for a minute or more.
 */
export function shownJobStatus(status: JobStatus, tasks: Readonly<Record<TaskStatus, number>>): JobStatus {
  return status === 'running' && tasks.pending === 0 && tasks.running === 0 && tasks.done > 0 ? 'finalizing' : status;
}

export function checkJobTransition(from: JobStatus, to: JobStatus): void {
  if (!JOB_TRANSITIONS[from].includes(to)) {
    throw new PerisaiError('E_CONFLICT', `a ${from} scan job cannot become ${to}`, { from, to });
  }
}

export interface ScanJob {
  readonly id: string;
  readonly agencyId: string;
  readonly networkId: string | null;
  readonly scheduleId: string | null;
  readonly profile: string;
  readonly targets: readonly string[];
  readonly ports: readonly number[];
  /** The check ids the job runs where they apply; null = not recorded (a job created without its profile's list). */
  readonly checks: readonly string[] | null;
  readonly vantage: Vantage;
  readonly zone: string | null;
  /** Permutation seed, decimal text (a bigint crosses JSON and the database as text). */
  readonly seed: string;
  readonly requestedBy: string;
  readonly status: JobStatus;
  /** Probes planned = total length of the task ranges. */
  readonly planned: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
  readonly summary: unknown;
}

export interface ScanTask {
  readonly id: string;
  readonly jobId: string;
  readonly seq: number;
  readonly zone: string | null;
  readonly range: IndexRange;
  readonly done: readonly IndexRange[];
  readonly doneCount: number;
  /** What is left to scan: range minus done. */
  readonly remaining: readonly IndexRange[];
  readonly status: TaskStatus;
  readonly attempt: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: string | null;
  readonly error: string | null;
}

export interface TaskPlan {
  readonly start: number;
  readonly end: number;
  readonly zone?: string | null;
}

export interface JobInput {
  readonly agencyId: string;
  readonly networkId?: string | null;
  readonly scheduleId?: string | null;
  readonly profile: string;
  /** CIDR blocks or addresses; each must lie inside the agency's registered networks. */
  readonly targets: readonly string[];
  readonly ports: readonly number[];
  /** The check ids the job will run (recorded so that two scans are compared only where both looked). */
  readonly checks?: readonly string[] | null;
  readonly vantage: Vantage;
  readonly zone?: string | null;
  readonly seed: string;
  readonly requestedBy: string;
  readonly tasks: readonly TaskPlan[];
}

/** Validate a job's shape; tasks must be non-empty, disjoint ranges. Returns the planned probe count. */
export function validateJobInput(j: JobInput): number {
  if (!(VANTAGES as readonly string[]).includes(j.vantage)) throw validationError(`vantage: one of ${VANTAGES.join(', ')}`, { field: 'vantage' });
  if (j.targets.length === 0) throw validationError('targets: at least one', { field: 'targets' });
  for (const p of j.ports) if (!Number.isInteger(p) || p < 1 || p > 65535) throw validationError(`ports: ${p} is not 1–65535`, { field: 'ports' });
  if (!/^[0-9]{1,40}$/.test(j.seed)) throw validationError('seed: decimal digits', { field: 'seed' });
  if (j.requestedBy.trim() === '') throw validationError('requestedBy: who asked for the scan is required', { field: 'requestedBy' });
  if (j.tasks.length === 0) throw validationError('tasks: a job needs at least one task', { field: 'tasks' });
  const ranges: IndexRange[] = j.tasks.map((t, i) => {
    const r: IndexRange = [t.start, t.end];
    validateRange(r, `tasks[${i}]`);
    if (t.end === t.start) throw validationError(`tasks[${i}]: empty range`, { field: `tasks[${i}]` });
    return r;
  });
  const total = ranges.reduce((n, [s, e]) => n + (e - s), 0);
  if (rangesLength(ranges) !== total) throw validationError('tasks: ranges overlap', { field: 'tasks' });
  return total;
}

export function remainingOf(range: IndexRange, done: readonly IndexRange[]): IndexRange[] {
  return subtractRanges(range, mergeRanges(done));
}
