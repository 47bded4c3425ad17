// Scale-out queue on PostgreSQL (docs/monitoring.md): every scan task is a pg-boss job
// carrying only the task id, on the queue of its zone ("perisai-scan" or "perisai-scan-zone-<zone>"), so a
// worker started with --zone inside an agency's segment only gets that segment's tasks. pg-boss
// decides who tries a task; the store decides who holds it: the handler claims that very task with
// claimTask({taskId}) under a lease. A pg-boss delivery for a task that is done, or leased to a live
// worker, is acknowledged and dropped; a task whose worker died is found by the periodic sweep
// (recoverJobs: requeueExpired) and published again. Duplicate pg-boss jobs are therefore harmless.

import PgBoss from 'pg-boss';
import type { Store } from '../store/index.js';
import type { TaskHandler, TaskQueue } from './queue.js';

/** pg-boss queue names are alphanumerics, underscores and hyphens (pg-boss attorney.assertQueueName). */
export function queueName(zone: string | null): string {
  return zone === null ? 'perisai-scan' : `perisai-scan-zone-${zone.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export class PgBossQueue implements TaskQueue {
  readonly kind = 'pg-boss' as const;
  readonly #boss: PgBoss;
  readonly #store: Store;
  readonly #pollSeconds: number;
  readonly #created = new Set<string>();
  #started: Promise<void> | undefined;
  #workers: string[] = [];
  #active = new Set<Promise<void>>();

  constructor(store: Store, url: string, opts: { pollSeconds?: number; schema?: string } = {}) {
    this.#store = store;
    this.#pollSeconds = opts.pollSeconds ?? 1;
    this.#boss = new PgBoss({ connectionString: url, schema: opts.schema ?? 'pgboss', max: 4 });
    this.#boss.on('error', () => {}); // transient connection errors: pg-boss retries; the store reports real failures
  }

  async start(): Promise<void> {
    this.#started ??= this.#boss.start().then(() => undefined);
    await this.#started;
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
  }

  async consume(opts: { zone: string | null; owner: string; leaseMs: number; concurrency?: number }, handler: TaskHandler): Promise<void> {
    const name = await this.#queue(opts.zone);
    const n = Math.max(1, opts.concurrency ?? 1);
    for (let i = 0; i < n; i++) {
      const owner = n === 1 ? opts.owner : `${opts.owner}:${i}`;
      const id = await this.#boss.work<{ taskId: string }>(name, { batchSize: 1, pollingIntervalSeconds: this.#pollSeconds }, async (jobs) => {
        for (const job of jobs) {
          const task = await this.#store.scans.claimTask({ zone: opts.zone, owner, leaseMs: opts.leaseMs, taskId: job.data.taskId });
          if (task === undefined) continue; // done, cancelled, or leased to a live worker: nothing to do
          const p = handler(task);
          this.#active.add(p);
          try {
            await p;
          } finally {
            this.#active.delete(p);
          }
        }
      });
      this.#workers.push(id);
    }
  }

  async stop(): Promise<void> {
    for (const id of this.#workers.splice(0)) await this.#boss.offWork({ id }).catch(() => {});
    await Promise.allSettled([...this.#active]);
    if (this.#started !== undefined) await this.#boss.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
  }
}
