// The task queue between the scheduler and the scan workers (docs/monitoring.md).
// The store's scan_tasks rows stay authoritative for leases and progress in every implementation; a
// queue only decides which worker gets to try which task next:
//  - LocalQueue (embedded default, SQLite): workers claim straight from scan_tasks in an in-process loop;
//  - PgBossQueue (PostgreSQL): each task is a pg-boss job carrying the task id; the worker that fetches
//    it claims that task through the store (claimTask with taskId), so a duplicate pg-boss delivery or a
//    pg-boss retry can never run a task twice at once.

import type { ScanTask } from '../domain/scan-job.js';

/** What a worker does with a claimed task; resolves when the task is finished (or its lease was lost). */
export type TaskHandler = (task: ScanTask) => Promise<void>;

export interface TaskQueue {
  readonly kind: 'local' | 'pg-boss';
  /** Announce a new job's tasks (LocalQueue: nothing to do; the rows are the queue). */
  publish(tasks: readonly { readonly id: string; readonly zone: string | null }[]): Promise<void>;
  /** Start taking tasks of `zone` (null = the default zone), at most `concurrency` at once. */
  consume(opts: { zone: string | null; owner: string; leaseMs: number; concurrency?: number }, handler: TaskHandler): Promise<void>;
  /** Stop taking new tasks and wait for the running ones to finish. */
  stop(): Promise<void>;
}
