// A scan worker runs one claimed task: it rebuilds the job's target set and
// seeded permutation, scans the task's remaining index ranges slice by slice with runScan(indexRange),
// and stores each slice's observations together with the slice's done range in one transaction
// (observations.ingestBatch). A crash therefore loses at most the slice in flight, which the next
// claimant scans again from the stored done ranges; re-stored rows hit the (job, ip, kind, port, key)
// key and are not counted twice. The lease is renewed while scanning; a lost lease aborts the slice and
// the worker stops without writing (the store refuses a stale owner with E_CONFLICT anyway). A busy database
// (another process holds SQLite's write lock: an import, a backup) does not cost the slice: its writes are
// retried with back-off (src/store/errors.ts retryOnBusy) instead of failing the task.
// A write that meets no database (a PostgreSQL restart) is tried again with bounded back-off while the
// lease may still be ours; if the database stays away the task is left to its lease and resumed from its
// done ranges like a crashed worker's, and it is never failed for it (docs/deploy.md).
// The scan itself runs against a small backend (TaskBackend: the job, lease renewal, a slice's records with
// its done range, complete, fail): storeBackend below writes to the Store as a direct worker always did; an
// enrolled segment worker holds no database credentials and uses the core's agent routes over HTTPS instead
// (src/worker/agent-client.ts, docs/deploy.md "A segment worker: from enrolment to systemd unit"); there the
// core finalizes a finished job.

import type { IndexRange } from '../domain/ranges.js';
import type { ScanTask } from '../domain/scan-job.js';
import { PerisaiError } from '../domain/errors.js';
import { parseJsonlRecord } from '../domain/observation.js';
import type { Observation } from '../domain/observation.js';
import { runScan } from '../engine/runner/scan.js';
import { Permutation, Scope } from '../engine/targets/index.js';
import { retryOnBusy } from '../store/index.js';
import type { Store } from '../store/index.js';
import { isConnectionLoss } from '../store/index.js';
import { backoffMs, pause } from '../queue/backoff.js';
import { jobTargetSet } from '../domain/job-targets.js';
import { finalizeJob } from './finalize.js';
import type { FinalizeResult } from './finalize.js';
import { profileBanners, profileChecks } from '../domain/scan-profile.js';
import { DEFAULT_BANNER_OPTIONS } from '../engine/banner/grab.js';

export interface WorkerOptions extends RunOptions {
  /** Lease owner id: unique per worker process and loop (e.g. "host:pid:n"). */
  readonly owner: string;
  /** Observations per ingest transaction. Default 2,000. */
  readonly batchSize?: number;
  /** How often a store write that met no database is tried again (bounded back-off). Default 8 (about a minute). */
  readonly storeRetries?: number;
}

/** What running a task needs whatever the backend. */
export interface RunOptions {
  readonly leaseMs: number;
  /** Index slots per stored slice (the unit of loss on a crash). Default 256. */
  readonly sliceSlots?: number;
  /** Probes per second cap for this worker (the engine's maxRate). */
  readonly maxRate?: number;
  /** Per-probe timeout (ms); default 1000. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** Called after each slice is stored (tests kill a worker process here to crash it mid-task). */
  readonly onSlice?: (task: TaskRef, slice: IndexRange) => void;
}

/** The part of a claimed task a worker reads (a ScanTask, or the agent claim's task: docs/deploy.md). */
export type TaskRef = Pick<ScanTask, 'id' | 'jobId' | 'seq' | 'range' | 'remaining' | 'attempt'>;

/** The part of a scan job a worker needs to rebuild its target set and permutation. */
export interface JobSpec {
  readonly id: string;
  readonly targets: readonly string[];
  readonly ports: readonly number[];
  /** Permutation seed, decimal text. */
  readonly seed: string;
  readonly profile: string;
}

/**
 * Where a worker reads its job and writes its progress. A lost lease is a PerisaiError E_CONFLICT from
 * storeSlice/complete (the store's own answer to a stale owner; the agent client maps 404/409 to it).
 */
export interface TaskBackend {
  job(task: TaskRef): Promise<JobSpec>;
  /** Extend the lease; false when it is lost. */
  renew(task: TaskRef, leaseMs: number): Promise<boolean>;
  /** Store one finished slice: its engine records (JSONL objects) and its done range, all or nothing. */
  storeSlice(task: TaskRef, job: JobSpec, records: readonly unknown[], done: IndexRange, signal: AbortSignal): Promise<{ inserted: number; duplicates: number }>;
  complete(task: TaskRef, signal: AbortSignal): Promise<{ jobDone: boolean }>;
  /** Finalize a finished job here (the direct worker); absent where the core finalizes (the agent). */
  finalize?(jobId: string): Promise<FinalizeResult | undefined>;
  fail(task: TaskRef, error: string, retry: boolean): Promise<void>;
  /** The backend is unreachable for now: not the task's fault (hand it back without spending an attempt). */
  unavailable(e: unknown): boolean;
  /** An error that must stop the worker rather than fail the task (a revoked credential). */
  fatal?(e: unknown): boolean;
  /** What `unavailable` means, for the log: "database" (default) or "core". */
  readonly peer?: string;
}

export interface TaskOutcome {
  readonly status: 'completed' | 'lease-lost' | 'stopped';
  readonly inserted: number;
  readonly duplicates: number;
  readonly finalized?: FinalizeResult;
}

function* slices(ranges: readonly IndexRange[], size: number): Generator<IndexRange> {
  for (const [s, e] of ranges) for (let a = s; a < e; a += size) yield [a, Math.min(e, a + size)];
}

/** The direct worker's backend: the Store, with the lease held by `owner`. */
export function storeBackend(store: Store, opts: Pick<WorkerOptions, 'owner' | 'batchSize' | 'storeRetries' | 'log'>): TaskBackend {
  const batchSize = Math.max(1, opts.batchSize ?? 2000);
  const busy = (task: TaskRef) => ({ attempts: 10, baseMs: 100, capMs: 5_000, onBusy: (n: number, ms: number) => opts.log?.(`task ${task.id}: database busy, retry ${n} in ${ms} ms`) });
  /** A store write, tried again while the database is restarting (each write is one transaction: safe to repeat). */
  const persist = async <T>(task: TaskRef, what: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> => {
    for (let n = 0; ; n++) {
      try {
        return await retryOnBusy(fn, busy(task));
      } catch (e) {
        if (!isConnectionLoss(e) || n >= (opts.storeRetries ?? 8) || signal.aborted) throw e;
        const ms = backoffMs(n);
        opts.log?.(`task ${task.id}: ${what}: database unavailable, trying again in ${ms} ms`);
        await pause(ms, signal);
      }
    }
  };
  return {
    job: (task) => store.scans.getJob('all', task.jobId),
    renew: (task, leaseMs) => store.scans.renewLease(task.id, opts.owner, leaseMs),
    async storeSlice(task, job, records, done, signal) {
      const obs: Observation[] = [];
      for (const rec of records) for (const r of parseJsonlRecord(rec)) if (r.kind === 'observation') obs.push(r.observation);
      if (obs.length === 0) {
        await persist(task, 'storing progress', signal, async () => void await store.scans.recordProgress(task.id, opts.owner, [done]));
        return { inserted: 0, duplicates: 0 };
      }
      let inserted = 0;
      let duplicates = 0;
      for (let i = 0; i < obs.length; i += batchSize) {
        const last = i + batchSize >= obs.length;
        const r = await persist(task, 'storing observations', signal, () => store.observations.ingestBatch({ jobId: job.id, taskId: task.id, owner: opts.owner, observations: obs.slice(i, i + batchSize), ...(last ? { done: [done] } : {}) }));
        inserted += r.inserted;
        duplicates += r.duplicates;
      }
      return { inserted, duplicates };
    },
    complete: (task, signal) => persist(task, 'completing the task', signal, () => store.scans.completeTask(task.id, opts.owner)),
    finalize: (jobId) => finalizeJob(store, jobId),
    fail: async (task, error, retry) => void await store.scans.failTask(task.id, opts.owner, error, { retry }),
    unavailable: isConnectionLoss,
  };
}

/** Run a task this worker has claimed (status running, lease held by opts.owner). */
export function runTask(store: Store, task: ScanTask, opts: WorkerOptions): Promise<TaskOutcome> {
  return runTaskWith(storeBackend(store, opts), task, opts);
}

/** Run a claimed task against a backend: scan its remaining ranges slice by slice, each slice stored with its done range. */
export async function runTaskWith(backend: TaskBackend, task: TaskRef, opts: RunOptions): Promise<TaskOutcome> {
  const job = await backend.job(task);
  const targets = await jobTargetSet(job.targets);
  const ports = [...job.ports];
  const order = new Permutation(targets.size * ports.length, Number(job.seed));
  // Scope = the job's targets, which createJob already checked against the agency's registered networks.
  const scope = Scope.fromSpecs([...job.targets]);
  const checks = profileChecks(job.profile);
  const size = Math.max(1, opts.sliceSlots ?? 256);

  const ac = new AbortController();
  const onStop = (): void => ac.abort();
  opts.signal?.addEventListener('abort', onStop);
  if (opts.signal?.aborted === true) ac.abort();
  let leaseLost = false;
  const renew = setInterval(() => {
    backend.renew(task, opts.leaseMs).then(
      (ok) => {
        if (!ok) {
          leaseLost = true;
          ac.abort();
        }
      },
      () => {}, // a transient error: the next renewal (or the write) tells
    );
  }, Math.max(50, Math.floor(opts.leaseMs / 3)));
  let inserted = 0;
  let duplicates = 0;
  try {
    for (const slice of slices(task.remaining, size)) {
      if (ac.signal.aborted) break;
      const records: unknown[] = [];
      const summary = await runScan(
        {
          targets, ports, scope, order, indexRange: { start: slice[0], end: slice[1] },
          // Closed (RST) ports are kept: positive evidence that resolves findings and confirms closings.
          allStates: true, banners: profileBanners(job.profile) ? DEFAULT_BANNER_OPTIONS : false,
          timeout: { initialMs: opts.timeoutMs ?? 1000, maxMs: opts.timeoutMs ?? 1000 },
          ...(opts.maxRate !== undefined ? { maxRate: opts.maxRate } : {}),
          ...(checks.length > 0 ? { checks: { selectors: checks } } : {}),
          signal: ac.signal,
        },
        {
          port: (r) => {
            if (r.state !== 'filtered') records.push(r); // filtered = no answer: nothing learned, nothing stored
          },
          host: (h, _ports, lines) => {
            records.push(h);
            for (const c of lines) records.push(c);
          },
        },
      );
      if (summary.interrupted || ac.signal.aborted) break; // the slice is incomplete: not marked done
      try {
        const r = await backend.storeSlice(task, job, records, slice, ac.signal);
        inserted += r.inserted;
        duplicates += r.duplicates;
      } catch (e) {
        if (e instanceof PerisaiError && e.code === 'E_CONFLICT') {
          leaseLost = true;
          break;
        }
        throw e;
      }
      opts.onSlice?.(task, slice);
    }
  } finally {
    clearInterval(renew);
    opts.signal?.removeEventListener('abort', onStop);
  }
  if (leaseLost) {
    opts.log?.(`task ${task.id}: lease lost; another worker continues it`);
    return { status: 'lease-lost', inserted, duplicates };
  }
  if (ac.signal.aborted) {
    // Stopping (SIGTERM): hand the task back at once instead of waiting for the lease to expire.
    await backend.fail(task, 'worker stopped', true).catch(() => {});
    return { status: 'stopped', inserted, duplicates };
  }
  let done: { jobDone: boolean };
  try {
    done = await backend.complete(task, ac.signal);
  } catch (e) {
    if (e instanceof PerisaiError && e.code === 'E_CONFLICT') return { status: 'lease-lost', inserted, duplicates };
    throw e;
  }
  opts.log?.(`task ${task.id} (job ${job.id}, #${task.seq}) done: ${inserted} new observations, ${duplicates} repeats`);
  if (!done.jobDone || backend.finalize === undefined) return { status: 'completed', inserted, duplicates };
  const finalized = await backend.finalize(job.id);
  if (finalized !== undefined) {
    opts.log?.(`job ${job.id} completed: ${finalized.changes.length} change(s), findings opened ${finalized.findings.opened}, resolved ${finalized.findings.resolved}`);
  }
  return { status: 'completed', inserted, duplicates, ...(finalized !== undefined ? { finalized } : {}) };
}

/** Run a claimed task; an unexpected error fails it (retried up to `maxAttempts`, then failed for good). */
export function runTaskSafely(store: Store, task: ScanTask, opts: WorkerOptions & { maxAttempts?: number }): Promise<TaskOutcome | undefined> {
  return runTaskWithSafely(storeBackend(store, opts), task, opts);
}

/** runTaskWith, an unexpected error failing the task; a fatal one (backend.fatal) is thrown to the caller. */
export async function runTaskWithSafely(backend: TaskBackend, task: TaskRef, opts: RunOptions & { maxAttempts?: number }): Promise<TaskOutcome | undefined> {
  try {
    return await runTaskWith(backend, task, opts);
  } catch (e) {
    if (backend.fatal?.(e) === true) throw e;
    const msg = (e as Error)?.message ?? String(e);
    if (backend.unavailable(e)) {
      // Not the task's fault: hand it back without spending an attempt if the backend is back already,
      // else its lease expires and the sweep requeues it (resumed from its done ranges).
      opts.log?.(`task ${task.id}: ${backend.peer ?? 'database'} unavailable; the task resumes from its done ranges: ${msg}`);
      await backend.fail(task, msg, true).catch(() => {});
      return undefined;
    }
    opts.log?.(`task ${task.id} failed (attempt ${task.attempt}): ${msg}`);
    await backend.fail(task, msg, task.attempt < (opts.maxAttempts ?? 3)).catch(() => {});
    return undefined;
  }
}
