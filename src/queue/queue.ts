// The task queue between the scheduler and the scan workers (docs/monitoring.md).
// The store's scan_tasks rows stay authoritative for leases and progress in every implementation; a
// queue only decides which worker gets to try which task next:
//  - LocalQueue (embedded default, SQLite): workers claim straight from scan_tasks in an in-process loop;
//  - PgBossQueue (PostgreSQL): each task is a pg-boss job carrying the task id; the worker that fetches
//    it claims that task through the store (claimTask with taskId), so a duplicate pg-boss delivery or a
//    pg-boss retry can never run a task twice at once.

import type { ScanTask } from '../domain/scan-job.js';

export interface ConsumeOptions {
  /** The zones whose tasks to take (null = the default zone); a worker may serve several (docs/deploy.md "Workers"). */
  readonly zones: readonly (string | null)[];
  readonly owner: string;
  readonly leaseMs: number;
  readonly concurrency?: number;
  /**
   * A handled failure to reach the queue or the store (the loop backs off and continues). The worker
   * service uses it to publish every pending task again at its next sweep (src/worker/service.ts).
   */
  readonly onError?: (e: unknown) => void;
}

/** What a worker does with a claimed task; resolves when the task is finished (or its lease was lost). */
export type TaskHandler = (task: ScanTask) => Promise<void>;

export interface TaskQueue {
  readonly kind: 'local' | 'pg-boss';
  /** Announce a new job's tasks (LocalQueue: nothing to do; the rows are the queue). */
  publish(tasks: readonly { readonly id: string; readonly zone: string | null }[]): Promise<void>;
  /** Start taking tasks of `zones` (null = the default zone), at most `concurrency` at once (0: none). */
  consume(opts: ConsumeOptions, handler: TaskHandler): Promise<void>;
  /**
   * Whether the queue answers within `timeoutMs` (for /api/v1/health). LocalQueue: the task table is the
   * queue, so this is the database's answer. Never throws.
   */
  check(timeoutMs: number): Promise<{ readonly ok: boolean; readonly error?: string }>;
  /** Stop taking new tasks and wait for the running ones to finish. */
  stop(): Promise<void>;
}
