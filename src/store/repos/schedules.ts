// Monitoring schedules: "scan this agency (or this network) on this cron, in this time
// zone". The scheduler (src/scheduler/) computes next_run_at — cron and the agency's scan windows — and
// claims a due run with a compare-and-set on next_run_at, so two scheduler processes never start it twice.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound, validationError } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { StoreDialect } from '../dialect.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { ScheduleTable } from '../schema.js';
import { validateZone } from '../../domain/network.js';
import { AgencyRepo } from './agencies.js';

export interface Schedule {
  readonly id: string;
  readonly agencyId: string;
  readonly networkId: string | null;
  readonly cron: string;
  readonly timeZone: string;
  readonly ports: readonly number[];
  readonly profile: string;
  readonly vantage: string;
  readonly zone: string | null;
  readonly slotsPerTask: number;
  readonly enabled: boolean;
  readonly nextRunAt: string;
  readonly lastRunAt: string | null;
  readonly lastJobId: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface ScheduleInput {
  readonly agencyId: string;
  readonly networkId?: string | null;
  readonly cron: string;
  readonly timeZone: string;
  readonly ports: readonly number[];
  readonly profile: string;
  readonly vantage: string;
  readonly zone?: string | null;
  readonly slotsPerTask: number;
  readonly nextRunAt: string;
  readonly createdBy: string;
}

function toSchedule(d: StoreDialect, r: Selectable<ScheduleTable>): Schedule {
  return {
    id: r.id, agencyId: r.agency_id, networkId: r.network_id, cron: r.cron, timeZone: r.time_zone, ports: d.fromJson<number[]>(r.ports) ?? [],
    profile: r.profile, vantage: r.vantage, zone: r.zone, slotsPerTask: r.slots_per_task, enabled: d.fromBool(r.enabled), nextRunAt: r.next_run_at,
    lastRunAt: r.last_run_at, lastJobId: r.last_job_id, createdBy: r.created_by, createdAt: r.created_at,
  };
}

export class ScheduleRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Validation of cron/time zone/ports is the scheduler's (src/scheduler/schedule.ts); this checks scope and ownership. */
  async create(scope: AgencyScope, input: ScheduleInput): Promise<Schedule> {
    if (!Number.isInteger(input.slotsPerTask) || input.slotsPerTask < 1) throw validationError('slotsPerTask: a positive integer', { field: 'slotsPerTask' });
    if (input.createdBy.trim() === '') throw validationError('createdBy: who set up the schedule is required', { field: 'createdBy' });
    validateZone(input.zone); // a zone no `perisai worker --zone` can name would never be served (domain/network.ts)
    return tx(this.#ctx, 'creating a schedule', async (ctx) => {
      await new AgencyRepo(ctx).get(scope, input.agencyId);
      if (input.networkId != null) {
        const n = await ctx.db.selectFrom('networks').select(['id', 'agency_id']).where('id', '=', input.networkId).executeTakeFirst();
        if (n === undefined || n.agency_id !== input.agencyId) throw notFound('network', input.networkId);
      }
      const d = ctx.d;
      const row = {
        id: randomUUID(), agency_id: input.agencyId, network_id: input.networkId ?? null, cron: input.cron, time_zone: input.timeZone,
        ports: d.json([...input.ports]), profile: input.profile, vantage: input.vantage, zone: input.zone ?? null, slots_per_task: input.slotsPerTask,
        enabled: d.bool(true), next_run_at: d.time(input.nextRunAt), last_run_at: null, last_job_id: null, created_by: input.createdBy.trim(), created_at: nowIso(ctx),
      };
      await ctx.db.insertInto('schedules').values(row).execute();
      return toSchedule(d, row);
    });
  }

  async get(scope: AgencyScope, id: string): Promise<Schedule> {
    const r = await run(this.#ctx, 'reading a schedule', (db) => db.selectFrom('schedules').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst());
    if (r === undefined) throw notFound('schedule', id);
    return toSchedule(this.#ctx.d, r);
  }

  async list(scope: AgencyScope, filter: { agencyId?: string } = {}): Promise<Schedule[]> {
    const rows = await run(this.#ctx, 'listing schedules', (db) => {
      let q = db.selectFrom('schedules').selectAll().where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      return q.orderBy('next_run_at').orderBy('id').execute();
    });
    return rows.map((r) => toSchedule(this.#ctx.d, r));
  }

  async remove(scope: AgencyScope, id: string): Promise<void> {
    await tx(this.#ctx, `removing schedule ${id}`, async (ctx) => {
      await new ScheduleRepo(ctx).get(scope, id);
      await ctx.db.deleteFrom('schedules').where('id', '=', id).execute();
    });
  }

  async setEnabled(scope: AgencyScope, id: string, enabled: boolean): Promise<Schedule> {
    return tx(this.#ctx, `updating schedule ${id}`, async (ctx) => {
      await new ScheduleRepo(ctx).get(scope, id);
      await ctx.db.updateTable('schedules').set({ enabled: ctx.d.bool(enabled) }).where('id', '=', id).execute();
      return new ScheduleRepo(ctx).get(scope, id);
    });
  }

  /** Enabled schedules whose next run is at or before `at` (system operation: the scheduler loop). */
  async due(at: string, limit = 100): Promise<Schedule[]> {
    const d = this.#ctx.d;
    const rows = await run(this.#ctx, 'reading due schedules', (db) =>
      db.selectFrom('schedules').selectAll().where('enabled', '=', d.bool(true)).where('next_run_at', '<=', d.time(at)).orderBy('next_run_at').limit(limit).execute(),
    );
    return rows.map((r) => toSchedule(d, r));
  }

  /**
   * Move a schedule on, compare-and-set on the next_run_at the caller read: false when another scheduler
   * already did (it then owns this run). `jobId` records the run it started, if any.
   */
  async advance(id: string, expectedNextRunAt: string, nextRunAt: string, run_: { at: string; jobId: string } | null): Promise<boolean> {
    return tx(this.#ctx, `advancing schedule ${id}`, async (ctx) => {
      const d = ctx.d;
      let q = ctx.db.updateTable('schedules').set({ next_run_at: d.time(nextRunAt) });
      if (run_ !== null) q = q.set({ last_run_at: d.time(run_.at), last_job_id: run_.jobId });
      const r = await q.where('id', '=', id).where('next_run_at', '=', d.time(expectedNextRunAt)).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    });
  }
}
