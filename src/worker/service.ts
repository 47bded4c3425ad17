// A worker process's main loop (`perisai worker`, and the worker half of `perisai serve`): recover what a
// previous crash left (recoverJobs), then take tasks from the queue and run them; every `sweepMs` sweep
// again so a task whose worker died mid-way (SIGKILL, power loss) is handed to a live worker once its
// lease expires — the crash-resume guarantee (docs/monitoring.md).

import { hostname } from 'node:os';
import type { ScanTask } from '../domain/scan-job.js';
import type { TaskQueue } from '../queue/queue.js';
import type { Store } from '../store/index.js';
import { isConnectionLoss } from '../store/index.js';
import { backoffMs, pause } from '../queue/backoff.js';
import { recoverJobs } from './finalize.js';
import { runTaskSafely } from './worker.js';
import { watchZones } from './zone-watch.js';
import type { TaskOutcome, WorkerOptions } from './worker.js';

export interface WorkerServiceOptions extends Omit<WorkerOptions, 'owner' | 'signal'> {
  /** The zone whose tasks to take (null = the default zone); `zones` for a worker of several. */
  readonly zone?: string | null;
  readonly zones?: readonly (string | null)[];
  readonly owner?: string;
  /** Tasks run at once; 0 = a coordinator only: it sweeps and finalizes but scans nothing (serve). */
  readonly concurrency?: number;
  /** How often to sweep for expired leases and unfinalized jobs (ms). Default: the lease time. */
  readonly sweepMs?: number;
  readonly onTask?: (task: ScanTask, outcome: TaskOutcome | undefined) => void;
  /** The version this worker reports in its heartbeat (the package version). */
  readonly version?: string;
  /** How often the worker writes its heartbeat row (ms). Default 15 s. */
  readonly heartbeatMs?: number;
  readonly now?: () => Date;
  /** `serve`: at each sweep, alert on zones with work queued this long and no live worker (zone-watch.ts). */
  readonly watchZonesMs?: number;
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}`;
}

export class WorkerService {
  readonly #store: Store;
  readonly #queue: TaskQueue;
  readonly #opts: WorkerServiceOptions;
  readonly #ac = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  /** The database or queue failed since the last good sweep: publish every pending task again. */
  #republish = false;
  #beat: NodeJS.Timeout | undefined;
  #beating: Promise<void> | undefined;
  readonly #startedAt: string;
  /** Tasks running now (their ids), and when each task of the last hour finished (for the heartbeat). */
  readonly #running = new Set<string>();
  #finished: number[] = [];

  constructor(store: Store, queue: TaskQueue, opts: WorkerServiceOptions) {
    this.#store = store;
    this.#queue = queue;
    this.#opts = opts;
    this.#startedAt = this.#now().toISOString();
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }

  /** Write this worker's heartbeat row (docs/deploy.md "Workers"); a failure is logged, never thrown. */
  async heartbeat(): Promise<void> {
    const now = this.#now();
    const hourAgo = now.getTime() - 3_600_000;
    this.#finished = this.#finished.filter((t) => t >= hourAgo);
    try {
      await this.#store.workers.heartbeat({
        name: this.owner, zones: this.#opts.concurrency === 0 ? [] : [...this.zones], version: this.#opts.version ?? 'unknown', queue: this.#queue.kind,
        startedAt: this.#startedAt, lastSeenAt: now.toISOString(), currentTask: [...this.#running][0] ?? null, doneLastHour: this.#finished.length,
      });
    } catch (e) {
      this.#opts.log?.(`heartbeat failed: ${(e as Error)?.message ?? String(e)}`);
    }
  }

  /** The zones this worker takes tasks of (null = the default zone). */
  get zones(): readonly (string | null)[] {
    return this.#opts.zones ?? [this.#opts.zone ?? null];
  }

  get owner(): string {
    return this.#opts.owner ?? defaultOwner();
  }

  /** One sweep: requeue expired tasks, finalize finished jobs, re-publish tasks that need another worker. */
  async sweep(opts: { allPending?: boolean } = {}): Promise<void> {
    const r = await recoverJobs(this.#store, opts);
    if (r.requeued > 0) this.#opts.log?.(`requeued ${r.requeued} task(s) whose worker stopped answering`);
    for (const id of r.finalized) this.#opts.log?.(`finalized job ${id}`);
    if (r.pending.length > 0) await this.#queue.publish(r.pending);
    if (this.#opts.watchZonesMs !== undefined) {
      const zones = await watchZones(this.#store, { now: this.#now(), afterMs: this.#opts.watchZonesMs });
      for (const z of zones) this.#opts.log?.(`zone ${z ?? 'default'}: scan tasks queued with no live worker (alert raised)`);
    }
  }

  async start(): Promise<void> {
    // A worker started while the database restarts waits for it (bounded back-off) instead of exiting.
    for (let n = 0; ; n++) {
      try {
        await this.sweep({ allPending: true });
        break;
      } catch (e) {
        if (!isConnectionLoss(e) || this.#ac.signal.aborted) throw e;
        const ms = backoffMs(n);
        this.#opts.log?.(`database unavailable at start, trying again in ${ms} ms: ${(e as Error).message}`);
        await pause(ms, this.#ac.signal);
      }
    }
    const every = this.#opts.sweepMs ?? this.#opts.leaseMs;
    this.#timer = setInterval(() => {
      // After a database outage a pg-boss job may have been fetched but its task never claimed (or a
      // publish lost): the next good sweep publishes every pending task again; duplicates are harmless.
      const allPending = this.#republish;
      this.#republish = false;
      this.#sweeping ??= this.sweep({ allPending }).catch((e: unknown) => {
        this.#republish = true;
        this.#opts.log?.(`sweep failed: ${(e as Error)?.message ?? String(e)}`);
      }).finally(() => (this.#sweeping = undefined));
    }, every);
    const beat = (): void => {
      this.#beating ??= this.heartbeat().finally(() => (this.#beating = undefined));
    };
    beat();
    this.#beat = setInterval(beat, this.#opts.heartbeatMs ?? 15_000);
    const { zone: _z, zones: _zs, concurrency, onTask, sweepMs: _s, owner: _o, version: _v, heartbeatMs: _h, now: _n, watchZonesMs: _w, ...run } = this.#opts;
    const onError = (): void => void (this.#republish = true);
    await this.#queue.consume({ zones: this.zones, owner: this.owner, leaseMs: this.#opts.leaseMs, onError, ...(concurrency !== undefined ? { concurrency } : {}) }, async (task) => {
      this.#running.add(task.id);
      beat(); // the new current task shows at once
      let outcome: TaskOutcome | undefined;
      try {
        outcome = await runTaskSafely(this.#store, task, { ...run, owner: task.leaseOwner ?? this.owner, signal: this.#ac.signal });
      } finally {
        this.#running.delete(task.id);
      }
      if (outcome?.status === 'completed') this.#finished.push(this.#now().getTime());
      if (outcome === undefined) this.#republish = true;
      onTask?.(task, outcome);
    });
  }

  /** Stop: abort the slices in flight (their tasks go back to pending), stop the queue, end the sweeps. */
  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    if (this.#beat !== undefined) clearInterval(this.#beat);
    this.#ac.abort();
    await this.#queue.stop();
    await this.#sweeping;
    await this.#beating;
  }
}
