// The transactional outbox (alerts): rows written in the same transaction as the change they announce,
// delivered later by a dispatcher with retries. `dedup_key` is unique, so the same change enqueued twice
// (a re-applied scan) is one message; a claim takes a time-limited lock so a crashed dispatcher's rows
// are retried, and "delivered" is recorded per row — at-least-once delivery, idempotent per key.

import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { Database, OutboxTable } from '../schema.js';

export interface OutboxMessage {
  readonly id: number;
  readonly topic: string;
  readonly dedupKey: string;
  readonly agencyId: string | null;
  readonly payload: unknown;
  readonly createdAt: string;
  readonly availableAt: string;
  readonly attempts: number;
  readonly deliveredAt: string | null;
  readonly lastError: string | null;
}

export interface OutboxInput {
  readonly topic: string;
  readonly dedupKey: string;
  readonly agencyId?: string | null;
  readonly payload: unknown;
  readonly availableAt?: string;
}

/** Whether the messages of `keys` arrived: the first channel send, or the dead-lettered delivery and its error. */
export interface DeliveryState {
  readonly sent: string | null;
  readonly dead: string | null;
  readonly error: string | null;
}

/** Delivery per outbox dedup key, read from the alert deliveries (a message may go to several channels). */
export async function deliveryStates(db: Ctx['db'], keys: readonly string[]): Promise<Map<string, DeliveryState>> {
  const out = new Map<string, { sent: string | null; dead: string | null; error: string | null }>();
  for (const part of chunks([...keys], 500)) {
    if (part.length === 0) continue;
    const ds = await db.selectFrom('outbox').leftJoin('alert_deliveries', 'alert_deliveries.outbox_id', 'outbox.id')
      .select(['outbox.dedup_key', 'alert_deliveries.status', 'alert_deliveries.sent_at', 'alert_deliveries.updated_at', 'alert_deliveries.last_error'])
      .where('outbox.dedup_key', 'in', part).execute();
    for (const d of ds) {
      const cur = out.get(d.dedup_key) ?? { sent: null, dead: null, error: null };
      if (d.status === 'sent' && d.sent_at !== null && (cur.sent === null || d.sent_at < cur.sent)) cur.sent = d.sent_at;
      if (d.status === 'dead') { cur.dead = d.updated_at; cur.error = d.last_error; }
      out.set(d.dedup_key, cur);
    }
  }
  return out;
}

/** An outbox row from a message, as the repositories insert it in their transaction. */
export function outboxRow(ctx: Ctx, m: OutboxInput, now: string): Omit<OutboxTable, 'id'> {
  return { topic: m.topic, dedup_key: m.dedupKey, agency_id: m.agencyId ?? null, payload: ctx.d.json(m.payload), created_at: now, available_at: m.availableAt ?? now, attempts: 0, locked_until: null, delivered_at: null, last_error: null };
}

/** Insert outbox rows in the caller's transaction, skipping keys already present. Returns rows inserted. */
export async function enqueueOutbox(ctx: Ctx, rows: readonly Omit<OutboxTable, 'id'>[]): Promise<number> {
  let n = 0;
  for (const part of chunks(rows, Math.floor(ctx.d.maxParameters / 10))) {
    if (part.length === 0) continue;
    const r = await ctx.db.insertInto('outbox').values(part).onConflict((oc) => oc.column('dedup_key').doNothing()).executeTakeFirst();
    n += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  return n;
}

export class OutboxRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #toMessage(r: Selectable<OutboxTable>): OutboxMessage {
    return {
      id: r.id, topic: r.topic, dedupKey: r.dedup_key, agencyId: r.agency_id, payload: this.#ctx.d.fromJson(r.payload), createdAt: r.created_at,
      availableAt: r.available_at, attempts: r.attempts, deliveredAt: r.delivered_at, lastError: r.last_error,
    };
  }

  async enqueue(messages: readonly OutboxInput[]): Promise<number> {
    return tx(this.#ctx, 'enqueueing alerts', (ctx) => {
      const now = nowIso(ctx);
      return enqueueOutbox(ctx, messages.map((m) => ({
        topic: m.topic, dedup_key: m.dedupKey, agency_id: m.agencyId ?? null, payload: ctx.d.json(m.payload), created_at: now,
        available_at: m.availableAt !== undefined ? ctx.d.time(m.availableAt) : now, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
      })));
    });
  }

  /** Claim up to `limit` deliverable messages (oldest first) for `lockMs`; each claim counts an attempt. */
  async claim(opts: { limit: number; lockMs: number }): Promise<OutboxMessage[]> {
    // Look before claiming: an idle poll (every 2 s) must not take the write lock — on SQLite BEGIN
    // IMMEDIATE waits out, synchronously, any other process's write (an import), and `serve` would stall.
    const due = (db: Kysely<Database>, now: string) => db.selectFrom('outbox').select('id')
      .where('delivered_at', 'is', null).where('available_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]));
    if ((await run(this.#ctx, 'looking for alerts', (db) => due(db, nowIso(this.#ctx)).limit(1).executeTakeFirst())) === undefined) return [];
    return tx(this.#ctx, 'claiming alerts', async (ctx) => {
      const now = nowIso(ctx);
      const q = due(ctx.db, now).orderBy('id').limit(Math.max(1, opts.limit));
      const ids = (await ctx.d.skipLocked(q).execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      const until = new Date(Date.parse(now) + opts.lockMs).toISOString();
      await ctx.db.updateTable('outbox').set((eb) => ({ locked_until: until, attempts: eb('attempts', '+', 1) })).where('id', 'in', ids).execute();
      const rows = await ctx.db.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
      return rows.map((r) => this.#toMessage(r));
    });
  }

  async markDelivered(id: number): Promise<void> {
    await tx(this.#ctx, 'marking an alert delivered', async (ctx) => {
      const r = await ctx.db.updateTable('outbox').set({ delivered_at: nowIso(ctx), locked_until: null, last_error: null }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw notFound('outbox message', String(id));
    });
  }

  /** Delivery failed: keep the error and make it available again at `retryAt` (the dispatcher's backoff). */
  async markFailed(id: number, error: string, retryAt: string): Promise<void> {
    await tx(this.#ctx, 'marking an alert failed', async (ctx) => {
      const r = await ctx.db.updateTable('outbox').set({ last_error: error, locked_until: null, available_at: ctx.d.time(retryAt) }).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) throw notFound('outbox message', String(id));
    });
  }

  /** Messages about agencies in scope (system messages without an agency only for 'all'), newest first. */
  async list(scope: AgencyScope, filter: { pendingOnly?: boolean; topic?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
    const rows = await run(this.#ctx, 'listing alerts', (db) => {
      let q = db.selectFrom('outbox').selectAll();
      q = scope === 'all' ? q : q.where(scopeFilter('agency_id', scope));
      if (filter.pendingOnly) q = q.where('delivered_at', 'is', null);
      if (filter.topic !== undefined) q = q.where('topic', '=', filter.topic);
      return q.orderBy('id', 'desc').limit(Math.min(filter.limit ?? 100, 10_000)).execute();
    });
    return rows.map((r) => this.#toMessage(r));
  }
}
