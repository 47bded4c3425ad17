// Scan workers' heartbeats (migration 0016_workers, docs/deploy.md "Workers"): each worker process writes
// its own row every heartbeat; the API lists them, and the watch over zones (src/worker/zone-watch.ts)
// asks which zones have queued work and no live worker.

import type { Selectable } from 'kysely';
import type { Ctx } from '../context.js';
import { run } from '../context.js';
import type { StoreDialect } from '../dialect.js';
import type { WorkerTable } from '../schema.js';

export interface WorkerBeat {
  /** The worker's lease owner id ("host:pid"): unique per process. */
  readonly name: string;
  /** Zones served; null = the default zone. */
  readonly zones: readonly (string | null)[];
  readonly version: string;
  readonly queue: string;
  readonly startedAt: string;
  readonly lastSeenAt: string;
  readonly currentTask: string | null;
  readonly doneLastHour: number;
}

function toBeat(d: StoreDialect, r: Selectable<WorkerTable>): WorkerBeat {
  return {
    name: r.name, zones: d.fromJson<(string | null)[]>(r.zones) ?? [], version: r.version, queue: r.queue, startedAt: r.started_at,
    lastSeenAt: r.last_seen_at, currentTask: r.current_task, doneLastHour: Number(r.done_last_hour),
  };
}

export class WorkerRepo {
  readonly #ctx: Ctx;

  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Insert or refresh this worker's row (one statement: an upsert on the name). */
  async heartbeat(b: WorkerBeat): Promise<void> {
    const d = this.#ctx.d;
    const row = {
      zones: d.json([...b.zones]), version: b.version, queue: b.queue, started_at: b.startedAt, last_seen_at: b.lastSeenAt,
      current_task: b.currentTask, done_last_hour: b.doneLastHour,
    };
    await run(this.#ctx, 'recording a worker heartbeat', (db) =>
      db.insertInto('workers').values({ name: b.name, ...row }).onConflict((oc) => oc.column('name').doUpdateSet(row)).execute(),
    );
  }

  /** Workers heard of since `since` (ISO time), most recently seen first; all when omitted. */
  async list(opts: { since?: string; limit?: number } = {}): Promise<WorkerBeat[]> {
    const rows = await run(this.#ctx, 'listing workers', (db) => {
      let q = db.selectFrom('workers').selectAll();
      if (opts.since !== undefined) q = q.where('last_seen_at', '>=', opts.since);
      return q.orderBy('last_seen_at', 'desc').orderBy('name').limit(opts.limit ?? 500).execute();
    });
    return rows.map((r) => toBeat(this.#ctx.d, r));
  }

  /**
   * Zones with pending tasks (of queued or running jobs) and no worker seen since `since`: for each, the
   * number of pending tasks and when the oldest of them was last touched. null = the default zone.
   */
  async unattendedZones(since: string): Promise<{ zone: string | null; pending: number; oldest: string }[]> {
    const rows = await run(this.#ctx, 'finding zones without a live worker', (db) =>
      db.selectFrom('scan_tasks')
        .select((eb) => ['scan_tasks.zone', eb.fn.countAll<number>().as('n'), eb.fn.min('scan_tasks.updated_at').as('oldest')])
        .where('scan_tasks.status', '=', 'pending')
        .where('scan_tasks.job_id', 'in', (eb) => eb.selectFrom('scan_jobs').select('scan_jobs.id').where('scan_jobs.status', 'in', ['queued', 'running']))
        .groupBy('scan_tasks.zone')
        .execute(),
    );
    const live = new Set<string | null>();
    for (const w of await this.list({ since })) for (const z of w.zones) live.add(z);
    return rows.filter((r) => !live.has(r.zone)).map((r) => ({ zone: r.zone, pending: Number(r.n), oldest: String(r.oldest) }));
  }
}
