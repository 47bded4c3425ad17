// The city office's own records (docs/circulars.md "Weekly report cards"): its settings (the head of
// office that situation reports and the city roll-up go to), the weekly report-card schedules, and every
// card a schedule issued — frozen as computed, so the next card's trend compares with what this one said.
// A run is one transaction: the schedule moves to its next time only if nobody else ran it (compare and
// set on next_run_at), the cards are stored and their messages enter the outbox together.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import { DEFAULT_OFFICE_SETTINGS } from '../../domain/office.js';
import type { OfficeSettings, ReportScheduleInput } from '../../domain/office.js';
import type { Weekday } from '../../domain/scan-window.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { ReportCardIssuedTable, ReportCardScheduleTable } from '../schema-circulars.js';
import type { OutboxInput } from './outbox.js';
import { enqueueOutbox, outboxRow } from './outbox.js';

const SETTINGS_KEY = 'office';

export interface StoredOfficeSettings extends OfficeSettings {
  readonly updatedBy: string | null;
  readonly updatedAt: string | null;
}

export interface ReportSchedule extends ReportScheduleInput {
  readonly id: string;
  /** The circular's number (null: a draft, or no circular). */
  readonly circularNumber: string | null;
  readonly nextRunAt: string | null;
  readonly lastRunAt: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedBy: string;
  readonly updatedAt: string;
}

export type IssuedKind = 'agency' | 'city';

export interface IssuedCard {
  readonly id: string;
  readonly scheduleId: string | null;
  readonly circularId: string | null;
  readonly agencyId: string | null;
  readonly kind: IssuedKind;
  readonly asOf: string;
  readonly previousId: string | null;
  readonly sentTo: readonly string[];
  readonly createdAt: string;
}

export interface IssuedCardWithBody extends IssuedCard {
  /** The card (kind agency) or the roll-up { city, agencies } (kind city), exactly as issued. */
  readonly card: unknown;
}

export interface NewIssuedCard {
  readonly id: string;
  readonly circularId: string | null;
  readonly agencyId: string | null;
  readonly kind: IssuedKind;
  readonly asOf: string;
  readonly previousId: string | null;
  readonly card: unknown;
  readonly sentTo: readonly string[];
}

export class OfficeRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  // ---- settings ---------------------------------------------------------------------------------------------

  async settings(): Promise<StoredOfficeSettings> {
    const r = await run(this.#ctx, 'reading the office settings', (db) => db.selectFrom('office_settings').selectAll().where('key', '=', SETTINGS_KEY).executeTakeFirst());
    if (r === undefined) return { ...DEFAULT_OFFICE_SETTINGS, updatedBy: null, updatedAt: null };
    const v = this.#ctx.d.fromJson<Partial<OfficeSettings>>(r.value) ?? {};
    return { ...DEFAULT_OFFICE_SETTINGS, ...v, updatedBy: r.updated_by, updatedAt: r.updated_at };
  }

  async saveSettings(s: OfficeSettings, by: string): Promise<StoredOfficeSettings> {
    await tx(this.#ctx, 'saving the office settings', async (ctx) => {
      const now = nowIso(ctx);
      await ctx.db.insertInto('office_settings').values({ key: SETTINGS_KEY, value: ctx.d.json(s), updated_by: by, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: ctx.d.json(s), updated_by: by, updated_at: now })).execute();
    });
    return this.settings();
  }

  // ---- schedules --------------------------------------------------------------------------------------------

  #toSchedule(r: Selectable<ReportCardScheduleTable> & { number: string | null }): ReportSchedule {
    const b = (v: Selectable<ReportCardScheduleTable>['enabled']) => this.#ctx.d.fromBool(v);
    return {
      id: r.id, circularId: r.circular_id, circularNumber: r.number, dayOfWeek: r.day_of_week as Weekday, hour: r.hour, timeZone: r.time_zone,
      toAgencyHeads: b(r.to_agency_heads), toOffice: b(r.to_office), enabled: b(r.enabled), nextRunAt: r.next_run_at, lastRunAt: r.last_run_at,
      createdBy: r.created_by, createdAt: r.created_at, updatedBy: r.updated_by, updatedAt: r.updated_at,
    };
  }

  #schedules(db: Ctx['db']) {
    return db.selectFrom('report_card_schedules').leftJoin('circulars', 'circulars.id', 'report_card_schedules.circular_id').selectAll('report_card_schedules').select('circulars.number');
  }

  async schedules(): Promise<ReportSchedule[]> {
    const rows = await run(this.#ctx, 'listing report card schedules', (db) => this.#schedules(db).orderBy('report_card_schedules.created_at').orderBy('report_card_schedules.id').execute());
    return rows.map((r) => this.#toSchedule(r));
  }

  async schedule(id: string): Promise<ReportSchedule> {
    const r = await run(this.#ctx, 'reading a report card schedule', (db) => this.#schedules(db).where('report_card_schedules.id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('report card schedule', id);
    return this.#toSchedule(r);
  }

  /** Store a schedule with its first run (null when disabled). The circular must exist. */
  async createSchedule(s: ReportScheduleInput, nextRunAt: string | null, by: string): Promise<ReportSchedule> {
    const id = randomUUID();
    await tx(this.#ctx, 'adding a report card schedule', async (ctx) => {
      if (s.circularId !== null && (await ctx.db.selectFrom('circulars').select('id').where('id', '=', s.circularId).executeTakeFirst()) === undefined) throw notFound('circular', s.circularId);
      const now = nowIso(ctx);
      await ctx.db.insertInto('report_card_schedules').values({
        id, circular_id: s.circularId, day_of_week: s.dayOfWeek, hour: s.hour, time_zone: s.timeZone, to_agency_heads: ctx.d.bool(s.toAgencyHeads), to_office: ctx.d.bool(s.toOffice),
        enabled: ctx.d.bool(s.enabled), next_run_at: nextRunAt, last_run_at: null, created_by: by, created_at: now, updated_by: by, updated_at: now,
      }).execute();
    });
    return this.schedule(id);
  }

  async updateSchedule(id: string, s: ReportScheduleInput, nextRunAt: string | null, by: string): Promise<ReportSchedule> {
    await tx(this.#ctx, 'changing a report card schedule', async (ctx) => {
      if (s.circularId !== null && (await ctx.db.selectFrom('circulars').select('id').where('id', '=', s.circularId).executeTakeFirst()) === undefined) throw notFound('circular', s.circularId);
      const r = await ctx.db.updateTable('report_card_schedules').set({
        circular_id: s.circularId, day_of_week: s.dayOfWeek, hour: s.hour, time_zone: s.timeZone, to_agency_heads: ctx.d.bool(s.toAgencyHeads), to_office: ctx.d.bool(s.toOffice),
        enabled: ctx.d.bool(s.enabled), next_run_at: nextRunAt, updated_by: by, updated_at: nowIso(ctx),
      }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound('report card schedule', id);
    });
    return this.schedule(id);
  }

  /** Remove a schedule; the cards it issued stay (their schedule becomes unknown). */
  async deleteSchedule(id: string): Promise<void> {
    await tx(this.#ctx, 'removing a report card schedule', async (ctx) => {
      const r = await ctx.db.deleteFrom('report_card_schedules').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw notFound('report card schedule', id);
    });
  }

  /** Enabled schedules whose next run is due at `now`. */
  async dueSchedules(now: string): Promise<ReportSchedule[]> {
    const rows = await run(this.#ctx, 'reading due report card schedules', (db) => this.#schedules(db)
      .where('report_card_schedules.enabled', '=', this.#ctx.d.bool(true)).where('report_card_schedules.next_run_at', '<=', now)
      .orderBy('report_card_schedules.next_run_at').execute());
    return rows.map((r) => this.#toSchedule(r));
  }

  /**
   * Record one run: move the schedule from `expected` to `next` (false, and nothing written, when another
   * runner moved it first), store the cards and enqueue their messages — all in one transaction.
   */
  async recordRun(scheduleId: string, expected: string, next: string, cards: readonly NewIssuedCard[], messages: readonly OutboxInput[]): Promise<boolean> {
    return tx(this.#ctx, 'issuing report cards', async (ctx) => {
      const now = nowIso(ctx);
      const moved = await ctx.db.updateTable('report_card_schedules').set({ next_run_at: next, last_run_at: now }).where('id', '=', scheduleId).where('next_run_at', '=', expected).executeTakeFirst();
      if (Number(moved.numUpdatedRows) === 0) return false;
      for (const c of cards) {
        await ctx.db.insertInto('report_cards_issued').values({
          id: c.id, schedule_id: scheduleId, circular_id: c.circularId, agency_id: c.agencyId, kind: c.kind, as_of: c.asOf, previous_id: c.previousId, card: ctx.d.json(c.card), sent_to: ctx.d.json(c.sentTo), created_at: now,
        }).execute();
      }
      await enqueueOutbox(ctx, messages.map((m) => outboxRow(ctx, m, now)));
      return true;
    });
  }

  // ---- issued cards ---------------------------------------------------------------------------------------

  #toIssued(r: Omit<Selectable<ReportCardIssuedTable>, 'card'>): IssuedCard {
    return {
      id: r.id, scheduleId: r.schedule_id, circularId: r.circular_id, agencyId: r.agency_id, kind: r.kind as IssuedKind, asOf: r.as_of, previousId: r.previous_id,
      sentTo: this.#ctx.d.fromJson<string[]>(r.sent_to) ?? [], createdAt: r.created_at,
    };
  }

  /** The latest card of the same series (the circular, or none; the agency, or the city) issued before `before`. */
  async previousCard(series: { circularId: string | null; kind: IssuedKind; agencyId: string | null }, before: string): Promise<IssuedCardWithBody | undefined> {
    const r = await run(this.#ctx, 'reading the previous report card', (db) => {
      let q = db.selectFrom('report_cards_issued').selectAll().where('kind', '=', series.kind).where('as_of', '<', before);
      q = series.circularId === null ? q.where('circular_id', 'is', null) : q.where('circular_id', '=', series.circularId);
      q = series.agencyId === null ? q.where('agency_id', 'is', null) : q.where('agency_id', '=', series.agencyId);
      return q.orderBy('as_of', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
    });
    return r === undefined ? undefined : { ...this.#toIssued(r), card: this.#ctx.d.fromJson(r.card) };
  }

  /** Issued cards, newest first (without their bodies). */
  async issuedCards(filter: { circularId?: string | null; limit?: number } = {}): Promise<IssuedCard[]> {
    const rows = await run(this.#ctx, 'listing issued report cards', (db) => {
      let q = db.selectFrom('report_cards_issued').select(['id', 'schedule_id', 'circular_id', 'agency_id', 'kind', 'as_of', 'previous_id', 'sent_to', 'created_at']);
      if (filter.circularId !== undefined) q = filter.circularId === null ? q.where('circular_id', 'is', null) : q.where('circular_id', '=', filter.circularId);
      return q.orderBy('as_of', 'desc').orderBy('kind', 'desc').orderBy('id').limit(Math.min(Math.max(filter.limit ?? 200, 1), 1000)).execute();
    });
    return rows.map((r) => this.#toIssued(r));
  }

  async issuedCard(id: string): Promise<IssuedCardWithBody> {
    const r = await run(this.#ctx, 'reading an issued report card', (db) => db.selectFrom('report_cards_issued').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('report card', id);
    return { ...this.#toIssued(r), card: this.#ctx.d.fromJson(r.card) };
  }
}
