// Scan jobs and their tasks: creation inside the agency's registered scope, claiming under a lease
// (the embedded LocalQueue claims straight from this table; pg-boss workers will use the same rows for
// progress), resumable progress as index ranges, and the "previous completed scan" for change detection.

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { PerisaiError, notFound, validationError } from '../../domain/errors.js';
import { cidrContains, cidrsOverlap, parseCidr } from '../../domain/ip.js';
import type { IndexRange } from '../../domain/ranges.js';
import { clipRanges, mergeRanges, rangesLength } from '../../domain/ranges.js';
import { checkJobTransition, remainingOf, validateJobInput } from '../../domain/scan-job.js';
import type { JobInput, JobStatus, ScanJob, ScanTask, TaskStatus } from '../../domain/scan-job.js';
import type { Vantage } from '../../domain/risk.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { StoreDialect } from '../dialect.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { Database, ScanJobTable, ScanTaskTable } from '../schema.js';
import { AgencyRepo, ancestorIds, descendantIds } from './agencies.js';

/** Completed jobs looked at when choosing the one to compare with (newest first). */
const PREVIOUS_CANDIDATES = 200;

function toJob(d: StoreDialect, r: Selectable<ScanJobTable>): ScanJob {
  return {
    id: r.id, agencyId: r.agency_id, networkId: r.network_id, scheduleId: r.schedule_id, profile: r.profile,
    targets: d.fromJson<string[]>(r.targets) ?? [], ports: d.fromJson<number[]>(r.ports) ?? [], checks: d.fromJson<string[]>(r.checks), vantage: r.vantage as Vantage,
    zone: r.zone, seed: r.seed, requestedBy: r.requested_by, status: r.status as JobStatus, planned: r.planned,
    createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at, error: r.error, summary: d.fromJson(r.summary),
  };
}

function toTask(d: StoreDialect, r: Selectable<ScanTaskTable>): ScanTask {
  const range: IndexRange = [r.range_start, r.range_end];
  const done = d.fromJson<IndexRange[]>(r.done_ranges) ?? [];
  return {
    id: r.id, jobId: r.job_id, seq: r.seq, zone: r.zone, range, done, doneCount: r.done_count, remaining: remainingOf(range, done),
    status: r.status as TaskStatus, attempt: r.attempt, leaseOwner: r.lease_owner, leaseExpiresAt: r.lease_expires_at, error: r.error,
  };
}

/**
 * Record that `ranges` of a task are done, in the caller's transaction (the one that stored their
 * observations). With `owner`, the caller must still hold the lease: a worker that lost its lease
 * (presumed dead, task handed to another) gets E_CONFLICT and stops instead of racing its successor.
 */
export async function recordTaskProgress(db: Kysely<Database>, d: StoreDialect, taskId: string, jobId: string, ranges: readonly IndexRange[], owner: string | undefined, at: string): Promise<void> {
  const t = await db.selectFrom('scan_tasks').selectAll().where('id', '=', taskId).executeTakeFirst();
  if (t === undefined || t.job_id !== jobId) throw notFound('scan task', taskId);
  if (owner !== undefined && t.lease_owner !== owner) {
    throw new PerisaiError('E_CONFLICT', `scan task ${taskId} is leased to ${t.lease_owner ?? 'nobody'}, not ${owner}`, { taskId, owner, leaseOwner: t.lease_owner });
  }
  if (ranges.length === 0) return;
  const whole: IndexRange = [t.range_start, t.range_end];
  const done = mergeRanges([...(d.fromJson<IndexRange[]>(t.done_ranges) ?? []), ...clipRanges(whole, ranges)]);
  await db.updateTable('scan_tasks').set({ done_ranges: d.json(done), done_count: rangesLength(done), updated_at: at }).where('id', '=', taskId).execute();
}

export interface JobProgress {
  readonly planned: number;
  readonly done: number;
  readonly tasks: Readonly<Record<TaskStatus, number>>;
}

export class ScanRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Create a job and its tasks atomically. Every target must lie inside a network registered to the
   * agency or one of its units (fail closed: E_VALIDATION naming the target otherwise).
   */
  async createJob(scope: AgencyScope, input: JobInput): Promise<ScanJob> {
    const planned = validateJobInput(input);
    const targets = input.targets.map((t, i) => parseCidr(t, `targets[${i}]`));
    return tx(this.#ctx, `creating a scan job for ${input.agencyId}`, async (ctx) => {
      const agency = await new AgencyRepo(ctx).get(scope, input.agencyId);
      const subtree = await descendantIds(ctx.db, input.agencyId);
      const nets = await ctx.db.selectFrom('networks').select(['id', 'cidr', 'agency_id']).where('agency_id', 'in', subtree).execute();
      if (input.networkId != null && !nets.some((n) => n.id === input.networkId)) throw notFound('network', input.networkId);
      const blocks = nets.map((n) => parseCidr(n.cidr));
      for (const t of targets) {
        if (!blocks.some((b) => cidrContains(b, t))) {
          throw validationError(`target ${t.text} is outside the networks registered to ${agency.code}; register and authorise it first`, { field: 'targets', target: t.text });
        }
      }
      const d = ctx.d;
      const t = nowIso(ctx);
      const job = {
        id: randomUUID(), agency_id: input.agencyId, network_id: input.networkId ?? null, schedule_id: input.scheduleId ?? null,
        profile: input.profile, targets: d.json(targets.map((x) => x.text)), ports: d.json([...input.ports]), vantage: input.vantage,
        zone: input.zone ?? null, seed: input.seed, requested_by: input.requestedBy.trim(), status: 'queued', planned,
        created_at: t, started_at: null, finished_at: null, error: null, summary: null,
        checks: input.checks == null ? null : d.json([...new Set(input.checks)].sort()),
      };
      await ctx.db.insertInto('scan_jobs').values(job).execute();
      const tasks = input.tasks.map((p, seq) => ({
        id: randomUUID(), job_id: job.id, seq, zone: p.zone !== undefined ? p.zone : (input.zone ?? null), range_start: p.start, range_end: p.end,
        done_ranges: d.json([]), done_count: 0, status: 'pending', attempt: 0, lease_owner: null, lease_expires_at: null, error: null, updated_at: t,
      }));
      for (let i = 0; i < tasks.length; i += 500) await ctx.db.insertInto('scan_tasks').values(tasks.slice(i, i + 500)).execute();
      return toJob(d, job);
    });
  }

  async getJob(scope: AgencyScope, id: string): Promise<ScanJob> {
    const r = await run(this.#ctx, 'reading a scan job', (db) =>
      db.selectFrom('scan_jobs').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('scan job', id);
    return toJob(this.#ctx.d, r);
  }

  async listJobs(scope: AgencyScope, filter: { agencyId?: string; networkId?: string; status?: JobStatus; limit?: number } = {}): Promise<ScanJob[]> {
    const rows = await run(this.#ctx, 'listing scan jobs', (db) => {
      let q = db.selectFrom('scan_jobs').selectAll().where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      if (filter.networkId !== undefined) q = q.where('network_id', '=', filter.networkId);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      return q.orderBy('created_at', 'desc').orderBy('id').limit(Math.min(filter.limit ?? 100, 1000)).execute();
    });
    return rows.map((r) => toJob(this.#ctx.d, r));
  }

  /** Move a job to another status (checked against the allowed transitions). */
  async setJobStatus(scope: AgencyScope, id: string, to: JobStatus, extra: { error?: string; summary?: unknown } = {}): Promise<ScanJob> {
    return tx(this.#ctx, `setting scan job ${id} ${to}`, async (ctx) => {
      const cur = await new ScanRepo(ctx).getJob(scope, id);
      checkJobTransition(cur.status, to);
      const t = nowIso(ctx);
      let q = ctx.db.updateTable('scan_jobs').set({ status: to });
      if (to === 'running' && cur.startedAt === null) q = q.set({ started_at: t });
      if (to === 'completed' || to === 'failed' || to === 'cancelled') q = q.set({ finished_at: t });
      if (extra.error !== undefined) q = q.set({ error: extra.error });
      if (extra.summary !== undefined) q = q.set({ summary: ctx.d.json(extra.summary) });
      // Compare-and-set on the status: two finalizers racing for "finalizing" — only one wins.
      const r = await q.where('id', '=', id).where('status', '=', cur.status).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw new PerisaiError('E_CONFLICT', `scan job ${id} changed status concurrently`, { id });
      if (to === 'cancelled' || to === 'failed') {
        await ctx.db.updateTable('scan_tasks').set({ status: 'cancelled', lease_owner: null, lease_expires_at: null, updated_at: t })
          .where('job_id', '=', id).where('status', 'in', ['pending', 'running']).execute();
      }
      return new ScanRepo(ctx).getJob(scope, id);
    });
  }

  async tasks(scope: AgencyScope, jobId: string): Promise<ScanTask[]> {
    await this.getJob(scope, jobId);
    const rows = await run(this.#ctx, 'reading scan tasks', (db) => db.selectFrom('scan_tasks').selectAll().where('job_id', '=', jobId).orderBy('seq').execute());
    return rows.map((r) => toTask(this.#ctx.d, r));
  }

  /** One task, for the worker that holds it (unscoped: workers are trusted system processes). */
  async task(taskId: string): Promise<ScanTask> {
    const r = await run(this.#ctx, 'reading a scan task', (db) => db.selectFrom('scan_tasks').selectAll().where('id', '=', taskId).executeTakeFirst());
    if (r === undefined) throw notFound('scan task', taskId);
    return toTask(this.#ctx.d, r);
  }

  /**
   * Claim the next task for a worker in `zone` or any of `zones` (null = the default zone): a pending task, or a running
   * one whose lease expired (its worker is presumed dead; it resumes from the task's done ranges). The
   * claim is atomic (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the single write transaction).
   */
  async claimTask(opts: {
    /** The zone whose tasks to take (null = the default zone); `zones` instead for a worker of several. */
    zone?: string | null; zones?: readonly (string | null)[]; owner: string; leaseMs: number;
    /** Claim only this task (a pg-boss job names it; src/queue/pgboss.ts). */ taskId?: string;
  }): Promise<ScanTask | undefined> {
    const zones = opts.zones ?? [opts.zone ?? null];
    const named = zones.filter((z): z is string => z !== null);
    if (zones.length === 0 && opts.taskId === undefined) return undefined;
    const claimable = (db: Kysely<Database>, now: string) => {
      let q = db.selectFrom('scan_tasks').select(['scan_tasks.id', 'scan_tasks.job_id'])
        .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)])]))
        .where('job_id', 'in', (eb) => eb.selectFrom('scan_jobs').select('scan_jobs.id').where('scan_jobs.status', 'in', ['queued', 'running']));
      if (opts.taskId !== undefined) q = q.where('scan_tasks.id', '=', opts.taskId);
      else {
        q = q.where((eb) => eb.or([
          ...(zones.includes(null) ? [eb('zone', 'is', null)] : []),
          ...(named.length > 0 ? [eb('zone', 'in', named)] : []),
        ]));
      }
      return q;
    };
    // Look before claiming: an idle worker polls every second, and must not take the write lock to find
    // nothing (on SQLite BEGIN IMMEDIATE waits out, synchronously, another process's write: an import).
    if ((await run(this.#ctx, 'looking for scan tasks', (db) => claimable(db, nowIso(this.#ctx)).limit(1).executeTakeFirst())) === undefined) return undefined;
    return tx(this.#ctx, 'claiming a scan task', async (ctx) => {
      const now = nowIso(ctx);
      const until = new Date(Date.parse(now) + opts.leaseMs).toISOString();
      const pick = await ctx.d.skipLocked(claimable(ctx.db, now).orderBy('updated_at').orderBy('seq').limit(1)).executeTakeFirst();
      if (pick === undefined) return undefined;
      await ctx.db.updateTable('scan_tasks')
        .set((eb) => ({ status: 'running', lease_owner: opts.owner, lease_expires_at: until, attempt: eb('attempt', '+', 1), updated_at: now }))
        .where('id', '=', pick.id).execute();
      await ctx.db.updateTable('scan_jobs').set({ status: 'running', started_at: now }).where('id', '=', pick.job_id).where('status', '=', 'queued').execute();
      return new ScanRepo(ctx).task(pick.id);
    });
  }

  /** Extend a lease; false when the lease was lost (the worker must stop). */
  async renewLease(taskId: string, owner: string, leaseMs: number): Promise<boolean> {
    return tx(this.#ctx, 'renewing a task lease', async (ctx) => {
      const now = nowIso(ctx);
      const r = await ctx.db.updateTable('scan_tasks').set({ lease_expires_at: new Date(Date.parse(now) + leaseMs).toISOString(), updated_at: now })
        .where('id', '=', taskId).where('lease_owner', '=', owner).where('status', '=', 'running').executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
  }

  /** Record progress without observations (e.g. a slice that found nothing). */
  async recordProgress(taskId: string, owner: string, ranges: readonly IndexRange[]): Promise<ScanTask> {
    return tx(this.#ctx, 'recording task progress', async (ctx) => {
      const t = await new ScanRepo(ctx).task(taskId);
      await recordTaskProgress(ctx.db, ctx.d, taskId, t.jobId, ranges, owner, nowIso(ctx));
      return new ScanRepo(ctx).task(taskId);
    });
  }

  /**
   * The worker finished its whole range. Returns whether this was the job's last open task — the
   * caller then moves the job to `finalizing` (compare-and-set, so exactly one caller finalizes).
   */
  async completeTask(taskId: string, owner: string): Promise<{ task: ScanTask; jobDone: boolean }> {
    return tx(this.#ctx, 'completing a scan task', async (ctx) => {
      const t = await new ScanRepo(ctx).task(taskId);
      if (t.leaseOwner !== owner || t.status !== 'running') {
        throw new PerisaiError('E_CONFLICT', `scan task ${taskId} is not running under ${owner}`, { taskId, owner, leaseOwner: t.leaseOwner, status: t.status });
      }
      const now = nowIso(ctx);
      await ctx.db.updateTable('scan_tasks').set({
        status: 'done', done_ranges: ctx.d.json([t.range]), done_count: t.range[1] - t.range[0], lease_owner: null, lease_expires_at: null, updated_at: now,
      }).where('id', '=', taskId).execute();
      const open = await ctx.db.selectFrom('scan_tasks').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('job_id', '=', t.jobId).where('status', 'in', ['pending', 'running']).executeTakeFirstOrThrow();
      return { task: await new ScanRepo(ctx).task(taskId), jobDone: Number(open.n) === 0 };
    });
  }

  /** A task failed: back to pending for another attempt (`retry`), or failed for good. */
  async failTask(taskId: string, owner: string, error: string, opts: { retry: boolean }): Promise<ScanTask> {
    return tx(this.#ctx, 'failing a scan task', async (ctx) => {
      const t = await new ScanRepo(ctx).task(taskId);
      if (t.leaseOwner !== owner) throw new PerisaiError('E_CONFLICT', `scan task ${taskId} is not leased to ${owner}`, { taskId, owner });
      await ctx.db.updateTable('scan_tasks').set({ status: opts.retry ? 'pending' : 'failed', error, lease_owner: null, lease_expires_at: null, updated_at: nowIso(ctx) })
        .where('id', '=', taskId).execute();
      return new ScanRepo(ctx).task(taskId);
    });
  }

  /** At start-up: running tasks whose lease expired go back to pending (their workers are gone). */
  async requeueExpired(): Promise<number> {
    return tx(this.#ctx, 'requeueing expired tasks', async (ctx) => {
      const now = nowIso(ctx);
      const r = await ctx.db.updateTable('scan_tasks').set({ status: 'pending', lease_owner: null, lease_expires_at: null, updated_at: now })
        .where('status', '=', 'running').where('lease_expires_at', '<', now).executeTakeFirst();
      return Number(r.numUpdatedRows);
    });
  }

  /** Task counts by status of several jobs (one grouped query), for the list's shown status (shownJobStatus). */
  async taskCounts(jobIds: readonly string[]): Promise<Map<string, Record<TaskStatus, number>>> {
    const out = new Map<string, Record<TaskStatus, number>>();
    if (jobIds.length === 0) return out;
    const rows = await run(this.#ctx, 'counting scan tasks', (db) =>
      db.selectFrom('scan_tasks').select(['job_id', 'status', sql<number>`count(*)`.as('n')]).where('job_id', 'in', [...jobIds]).groupBy(['job_id', 'status']).execute(),
    );
    for (const r of rows) {
      let c = out.get(r.job_id);
      if (c === undefined) out.set(r.job_id, (c = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 }));
      c[r.status as TaskStatus] = Number(r.n);
    }
    return out;
  }

  async progress(scope: AgencyScope, jobId: string): Promise<JobProgress> {
    const job = await this.getJob(scope, jobId);
    const rows = await run(this.#ctx, 'reading job progress', (db) =>
      db.selectFrom('scan_tasks').select(['status', sql<number>`sum(done_count)`.as('done'), sql<number>`count(*)`.as('n')]).where('job_id', '=', jobId).groupBy('status').execute(),
    );
    const tasks: Record<TaskStatus, number> = { pending: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    let done = 0;
    for (const r of rows) {
      tasks[r.status as TaskStatus] = Number(r.n);
      done += Number(r.done);
    }
    return { planned: job.planned, done, tasks };
  }

  /**
   * The completed scan to compare `jobId` with ("first scan (baseline)" when there is none): among the
   * completed jobs that finished before this one started, of its agency and of the agencies above it (a
   * city-wide sweep covers the units) and below it, the newest whose targets cover all of this job's
   * targets, else the newest that covers some of them. The network id does not decide it: a scan of "all
   * networks" and a scan of one network look at the same hosts (a scheduled agency-wide scan after a
   * person's scan of the network used to call itself the baseline). `scope` decides only whether the
   * caller may see `jobId`; compareJobs reads the previous job only inside this job's targets.
   */
  async previousCompleted(scope: AgencyScope, jobId: string): Promise<ScanJob | undefined> {
    const job = await this.getJob(scope, jobId);
    const before = job.startedAt ?? job.createdAt;
    const mine = job.targets.map((t) => parseCidr(t));
    const d = this.#ctx.d;
    const r = await run(this.#ctx, 'finding the previous scan', async (db) => {
      const agencies = [...new Set([job.agencyId, ...(await ancestorIds(db, job.agencyId)), ...(await descendantIds(db, job.agencyId))])];
      const rows = await db.selectFrom('scan_jobs').selectAll().where('status', '=', 'completed').where('finished_at', '<=', before).where('id', '!=', jobId)
        .where('agency_id', 'in', agencies).orderBy('finished_at', 'desc').orderBy('id', 'desc').limit(PREVIOUS_CANDIDATES).execute();
      let partial: Selectable<ScanJobTable> | undefined;
      for (const c of rows) {
        const theirs = (d.fromJson<string[]>(c.targets) ?? []).map((t) => parseCidr(t));
        if (mine.every((m) => theirs.some((t) => cidrContains(t, m)))) return c;
        if (partial === undefined && mine.some((m) => theirs.some((t) => cidrsOverlap(t, m)))) partial = c;
      }
      return partial;
    });
    return r === undefined ? undefined : toJob(d, r);
  }

  /** Completed jobs in scope that finished at or after `since`, oldest first (report-card coverage). */
  async completedSince(scope: AgencyScope, since: string): Promise<ScanJob[]> {
    const rows = await run(this.#ctx, 'reading completed scans', (db) =>
      db.selectFrom('scan_jobs').selectAll().where(scopeFilter('agency_id', scope)).where('status', '=', 'completed').where('finished_at', '>=', since)
        .orderBy('finished_at').orderBy('id').execute(),
    );
    return rows.map((r) => toJob(this.#ctx.d, r));
  }

  /** Delete a job and everything it recorded (observations, tasks). Findings keep their history. */
  async deleteJob(scope: AgencyScope, jobId: string): Promise<void> {
    await tx(this.#ctx, `deleting scan job ${jobId}`, async (ctx) => {
      const job = await new ScanRepo(ctx).getJob(scope, jobId);
      assertInScope(scope, job.agencyId, 'scan job', jobId);
      await ctx.db.deleteFrom('scan_jobs').where('id', '=', jobId).execute();
    });
  }
}
