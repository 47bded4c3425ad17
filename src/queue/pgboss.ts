// Scale-out queue on PostgreSQL (docs/monitoring.md): every scan task is a pg-boss job
// carrying only the task id, on the queue of its zone ("perisai-scan" or "perisai-scan-zone-<zone>"), so a
// worker started with --zone inside an agency's segment only gets that segment's tasks. pg-boss
// decides who tries a task; the store decides who holds it: the handler claims that very task with
// claimTask({taskId}) under a lease. A pg-boss delivery for a task that is done, or leased to a live
// worker, is acknowledged and dropped; a task whose worker died is found by the periodic sweep
// (recoverJobs: requeueExpired) and published again. Duplicate pg-boss jobs are therefore harmless.
//
// The fetch loop is ours, not pg-boss's work(): pg-boss 10's work() completes a job without awaiting it
// (manager.js watch → this.complete(...)), so a database restart at that moment was an unhandled rejection
// that ended the process. Here every pg-boss call is awaited; a lost connection (isConnectionLoss) is
// reported through onError and waited out with bounded back-off (backoff.ts), pg-boss's own 'error'
// events (its pool, its maintenance) are reported the same way, and a start-up that meets no database
// is retried with a fresh PgBoss instance (a failed start() leaves pg-boss 10 half started).

import PgBoss from 'pg-boss';
import type { Store } from '../store/index.js';
import { isConnectionLoss } from '../store/index.js';
import { backoffMs, pause } from './backoff.js';
import type { ScanTask } from '../domain/scan-job.js';
import type { ConsumeOptions, TaskHandler, TaskQueue } from './queue.js';

/** pg-boss queue names are alphanumerics, underscores and hyphens (pg-boss attorney.assertQueueName). */
export function queueName(zone: string | null): string {
  return zone === null ? 'perisai-scan' : `perisai-scan-zone-${zone.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export interface PgBossQueueOptions {
  readonly pollSeconds?: number;
  readonly schema?: string;
  /** A pg-boss or database error that was handled (logged by the caller; never thrown out of a timer). */
  readonly onError?: (where: string, e: unknown) => void;
}

export class PgBossQueue implements TaskQueue {
  readonly kind = 'pg-boss' as const;
  readonly #store: Store;
  readonly #url: string;
  readonly #opts: PgBossQueueOptions;
  readonly #pollMs: number;
  readonly #created = new Set<string>();
  readonly #stop = new AbortController();
  #boss: PgBoss;
  #started: Promise<void> | undefined;
  #loops: Promise<void>[] = [];
  #wake: AbortController = new AbortController();

  constructor(store: Store, url: string, opts: PgBossQueueOptions = {}) {
    this.#store = store;
    this.#url = url;
    this.#opts = opts;
    this.#pollMs = Math.max(50, (opts.pollSeconds ?? 1) * 1000);
    this.#boss = this.#newBoss();
  }

  #newBoss(): PgBoss {
    // schedule: false — no pg-boss cron here (schedules are the store's, src/scheduler); one timer less to fail.
    const boss = new PgBoss({ connectionString: this.#url, schema: this.#opts.schema ?? 'pgboss', max: 4, schedule: false });
    boss.on('error', (e: unknown) => this.#trouble('pg-boss', e));
    return boss;
  }

  #trouble(where: string, e: unknown, extra?: (e: unknown) => void): void {
    this.#opts.onError?.(where, e);
    extra?.(e);
  }

  async start(): Promise<void> {
    this.#started ??= this.#startUntilUp().catch((e: unknown) => {
      this.#started = undefined;
      throw e;
    });
    await this.#started;
  }

  /** Start pg-boss; while the database is unreachable, back off and try again with a fresh instance. */
  async #startUntilUp(): Promise<void> {
    for (let n = 0; ; n++) {
      try {
        await this.#boss.start();
        return;
      } catch (e) {
        if (!isConnectionLoss(e) || this.#stop.signal.aborted) throw e;
        this.#trouble('pg-boss start', e);
        const old = this.#boss;
        this.#boss = this.#newBoss();
        await old.stop({ graceful: false, wait: false }).catch(() => {});
        await pause(backoffMs(n), this.#stop.signal);
      }
    }
  }

  async #queue(zone: string | null): Promise<string> {
    const name = queueName(zone);
    if (!this.#created.has(name)) {
      await this.start();
      // createQueue is idempotent in pg-boss 10; retries are ours (the sweep), not pg-boss's.
      await this.#boss.createQueue(name, { name, retryLimit: 0 });
      this.#created.add(name);
    }
    return name;
  }

  async publish(tasks: readonly { readonly id: string; readonly zone: string | null }[]): Promise<void> {
    const byZone = new Map<string | null, string[]>();
    for (const t of tasks) byZone.set(t.zone, [...(byZone.get(t.zone) ?? []), t.id]);
    for (const [zone, ids] of byZone) {
      const name = await this.#queue(zone);
      await this.#boss.insert(ids.map((taskId) => ({ name, data: { taskId } })));
    }
    // Loops of this process waiting out their poll interval look now (serve publishes and consumes).
    this.#wake.abort();
    this.#wake = new AbortController();
  }

  async consume(opts: ConsumeOptions, handler: TaskHandler): Promise<void> {
    const n = Math.max(0, opts.concurrency ?? 1);
    if (n === 0 || opts.zones.length === 0) return; // a coordinator only (serve --concurrency 0)
    this.#loops.push(this.#loop(opts, n, handler));
  }

  /** Wait `ms`; a stop, a freed slot or (when `wakeable`) a publish ends the wait early. */
  #idle(ms: number, wakeable: boolean, extra?: AbortSignal): Promise<void> {
    const signals = [this.#stop.signal, ...(wakeable ? [this.#wake.signal] : []), ...(extra !== undefined ? [extra] : [])];
    return pause(ms, signals.length === 1 ? this.#stop.signal : AbortSignal.any(signals));
  }

  /**
   * One fetch loop for all `n` slots of a consume() call: each round fetches as many jobs as slots are
   * free (pg-boss batchSize) from the zones' queues in turn, starts a task per job without waiting for it,
   * and completes the finished ones in one call per queue. It sleeps only when the queues were empty (the
   * poll interval, cut short by a publish of this process) or when every slot is busy (until one frees):
   * a slot never idles while tasks are queued, which with one job per fetch and a one-second poll capped
   * a slot at about one task a second (docs/performance.md "Distributed scans").
   */
  async #loop(opts: ConsumeOptions, n: number, handler: TaskHandler): Promise<void> {
    const names = new Map<string | null, string>(opts.zones.map((z) => [z, queueName(z)]));
    const zones = [...names.keys()];
    const free: number[] = Array.from({ length: n }, (_, i) => n - 1 - i); // slot numbers, popped from the end
    const running = new Set<Promise<void>>();
    const done = new Map<string, string[]>(); // queue name → finished pg-boss job ids, completed together
    let slotFreed = new AbortController();
    let failures = 0;
    let turn = 0;
    const failed = async (where: string, e: unknown): Promise<void> => {
      this.#trouble(where, e, opts.onError);
      await this.#idle(backoffMs(failures++), false);
    };
    const completeFinished = async (): Promise<void> => {
      for (const [name, ids] of [...done]) {
        done.delete(name);
        try {
          await this.#boss.complete(name, ids);
        } catch (e) {
          // Harmless: the store says the tasks are done (or whose they are); pg-boss expires the jobs later.
          this.#trouble('pg-boss complete', e, opts.onError);
        }
      }
    };
    const run = (name: string, job: PgBoss.Job<{ taskId: string }>, slot: number, task: ScanTask | undefined): void => {
      const p = (async () => {
        if (task !== undefined) await handler(task).catch((e: unknown) => this.#trouble('task', e, opts.onError));
      })().finally(() => {
        done.set(name, [...(done.get(name) ?? []), job.id]);
        free.push(slot);
        running.delete(p);
        slotFreed.abort();
        slotFreed = new AbortController();
      });
      running.add(p);
    };
    while (!this.#stop.signal.aborted) {
      await completeFinished();
      if (free.length === 0) {
        await this.#idle(this.#pollMs * 60, false, slotFreed.signal);
        continue;
      }
      let found = 0;
      let broken = false;
      // Zones in turn, starting one further each round, so a busy zone cannot starve another.
      for (let k = 0; k < zones.length && free.length > 0 && !broken; k++) {
        const zone = zones[(turn + k) % zones.length]!;
        let name: string;
        let jobs: PgBoss.Job<{ taskId: string }>[];
        try {
          name = await this.#queue(zone);
          jobs = await this.#boss.fetch<{ taskId: string }>(name, { batchSize: free.length });
        } catch (e) {
          // (pg-boss 10's fetch() itself answers [] on a database error; createQueue and start() do throw.)
          if (this.#stop.signal.aborted) break;
          await failed('pg-boss fetch', e);
          broken = true;
          break;
        }
        failures = 0;
        found += jobs.length;
        for (const job of jobs) {
          const slot = free.pop()!;
          const owner = n === 1 ? opts.owner : `${opts.owner}:${slot}`;
          let task: ScanTask | undefined;
          try {
            task = await this.#store.scans.claimTask({ zones: [zone], owner, leaseMs: opts.leaseMs, taskId: job.data.taskId });
          } catch (e) {
            // The task stays pending; the pg-boss job expires on its own, and the worker's next sweep
            // publishes every pending task again (onError marks it due).
            free.push(slot);
            await failed('claiming a task', e);
            broken = true;
            break;
          }
          run(name, job, slot, task);
        }
      }
      turn++;
      if (broken || this.#stop.signal.aborted) continue;
      // Nothing queued: wait out the poll interval (a publish here, or a slot finishing, looks again now).
      if (found === 0) await this.#idle(this.#pollMs, true, running.size > 0 ? slotFreed.signal : undefined);
    }
    await Promise.allSettled([...running]);
    await completeFinished();
  }

  async check(timeoutMs: number): Promise<{ readonly ok: boolean; readonly error?: string }> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    try {
      // Started (or starting) pg-boss, asked for the default queue's size: one query on pg-boss's own pool.
      const r = await Promise.race([this.start().then(() => this.#boss.getQueueSize(queueName(null))), late]);
      return r === 'late' ? { ok: false, error: `pg-boss: no answer within ${timeoutMs} ms` } : { ok: true };
    } catch (e) {
      return { ok: false, error: `pg-boss: ${(e as Error)?.message ?? String(e)}` };
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await Promise.allSettled(this.#loops.splice(0));
    if (this.#started !== undefined) {
      await this.#started.catch(() => {});
      await this.#boss.stop({ graceful: true, wait: true, timeout: 1000 }).catch((e: unknown) => this.#trouble('pg-boss stop', e));
    }
  }
}
