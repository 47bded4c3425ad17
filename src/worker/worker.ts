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

export interface WorkerOptions {
  /** Lease owner id: unique per worker process and loop (e.g. "host:pid:n"). */
  readonly owner: string;
  readonly leaseMs: number;
  /** Index slots per stored slice (the unit of loss on a crash). Default 256. */
  readonly sliceSlots?: number;
  /** Probes per second cap for this worker (the engine's maxRate). */
  readonly maxRate?: number;
  /** Per-probe timeout (ms); default 1000. */
  readonly timeoutMs?: number;
  /** Observations per ingest transaction. Default 2,000. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
  /** How often a store write that met no database is tried again (bounded back-off). Default 8 (about a minute). */
  readonly storeRetries?: number;
  /** Called after each slice is stored (tests kill a worker process here to crash it mid-task). */
  readonly onSlice?: (task: ScanTask, slice: IndexRange) => void;
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

/** Run a task this worker has claimed (status running, lease held by opts.owner). */
export async function runTask(store: Store, task: ScanTask, opts: WorkerOptions): Promise<TaskOutcome> {
  const job = await store.scans.getJob('all', task.jobId);
  const targets = await jobTargetSet(job.targets);
  const ports = [...job.ports];
  const order = new Permutation(targets.size * ports.length, Number(job.seed));
  // Scope = the job's targets, which createJob already checked against the agency's registered networks.
  const scope = Scope.fromSpecs([...job.targets]);
  const checks = profileChecks(job.profile);
  const size = Math.max(1, opts.sliceSlots ?? 256);
  const batchSize = Math.max(1, opts.batchSize ?? 2000);

  const busy = { attempts: 10, baseMs: 100, capMs: 5_000, onBusy: (n: number, ms: number) => opts.log?.(`task ${task.id}: database busy, retry ${n} in ${ms} ms`) };
  const ac = new AbortController();
  const onStop = (): void => ac.abort();
  opts.signal?.addEventListener('abort', onStop);
  if (opts.signal?.aborted === true) ac.abort();
  let leaseLost = false;
  const renew = setInterval(() => {
    store.scans.renewLease(task.id, opts.owner, opts.leaseMs).then(
      (ok) => {
        if (!ok) {
          leaseLost = true;
          ac.abort();
        }
      },
      () => {}, // a transient store error: the next renewal (or the write) tells
    );
  }, Math.max(50, Math.floor(opts.leaseMs / 3)));
  let inserted = 0;
  let duplicates = 0;
  /** A store write, tried again while the database is restarting (each write is one transaction: safe to repeat). */
  const persist = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    for (let n = 0; ; n++) {
      try {
        return await fn();
      } catch (e) {
        if (!isConnectionLoss(e) || n >= (opts.storeRetries ?? 8) || ac.signal.aborted) throw e;
        const ms = backoffMs(n);
        opts.log?.(`task ${task.id}: ${what}: database unavailable, trying again in ${ms} ms`);
        await pause(ms, ac.signal);
      }
    }
  };
  try {
    for (const slice of slices(task.remaining, size)) {
      if (ac.signal.aborted) break;
      const obs: Observation[] = [];
      const add = (rec: unknown): void => {
        for (const r of parseJsonlRecord(rec)) if (r.kind === 'observation') obs.push(r.observation);
      };
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
            if (r.state !== 'filtered') add(r); // filtered = no answer: nothing learned, nothing stored
          },
          host: (h, _ports, lines) => {
            add(h);
            for (const c of lines) add(c);
          },
        },
      );
      if (summary.interrupted || ac.signal.aborted) break; // the slice is incomplete: not marked done
      try {
        if (obs.length === 0) await persist('storing progress', () => retryOnBusy(() => store.scans.recordProgress(task.id, opts.owner, [slice]), busy));
        for (let i = 0; i < obs.length; i += batchSize) {
          const last = i + batchSize >= obs.length;
          const r = await persist('storing observations', () => retryOnBusy(() => store.observations.ingestBatch({ jobId: job.id, taskId: task.id, owner: opts.owner, observations: obs.slice(i, i + batchSize), ...(last ? { done: [slice] } : {}) }), busy));
          inserted += r.inserted;
          duplicates += r.duplicates;
        }
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
    await store.scans.failTask(task.id, opts.owner, 'worker stopped', { retry: true }).catch(() => {});
    return { status: 'stopped', inserted, duplicates };
  }
  let done: { jobDone: boolean };
  try {
    done = await persist('completing the task', () => retryOnBusy(() => store.scans.completeTask(task.id, opts.owner), busy));
  } catch (e) {
    if (e instanceof PerisaiError && e.code === 'E_CONFLICT') return { status: 'lease-lost', inserted, duplicates };
    throw e;
  }
  opts.log?.(`task ${task.id} (job ${job.id}, #${task.seq}) done: ${inserted} new observations, ${duplicates} repeats`);
  if (!done.jobDone) return { status: 'completed', inserted, duplicates };
  const finalized = await finalizeJob(store, job.id);
  if (finalized !== undefined) {
    opts.log?.(`job ${job.id} completed: ${finalized.changes.length} change(s), findings opened ${finalized.findings.opened}, resolved ${finalized.findings.resolved}`);
  }
  return { status: 'completed', inserted, duplicates, ...(finalized !== undefined ? { finalized } : {}) };
}

/** Run a claimed task; an unexpected error fails it (retried up to `maxAttempts`, then failed for good). */
export async function runTaskSafely(store: Store, task: ScanTask, opts: WorkerOptions & { maxAttempts?: number }): Promise<TaskOutcome | undefined> {
  try {
    return await runTask(store, task, opts);
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    if (isConnectionLoss(e)) {
      // Not the task's fault: hand it back without spending an attempt if the database is back already,
      // else its lease expires and the sweep requeues it (resumed from its done ranges).
      opts.log?.(`task ${task.id}: database unavailable; the task resumes from its done ranges: ${msg}`);
      await store.scans.failTask(task.id, opts.owner, msg, { retry: true }).catch(() => {});
      return undefined;
    }
    opts.log?.(`task ${task.id} failed (attempt ${task.attempt}): ${msg}`);
    await store.scans.failTask(task.id, opts.owner, msg, { retry: task.attempt < (opts.maxAttempts ?? 3) }).catch(() => {});
    return undefined;
  }
}
