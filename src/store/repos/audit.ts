// The audit log: who did what, when, to what, with which outcome. Append-only: the
// repository has no update or delete. Written for every mutating API request and every login attempt
// (OWASP Logging Cheat Sheet: authentication events, authorisation failures, administrative changes).

import type { Selectable } from 'kysely';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AuditLogTable } from '../schema.js';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditInput {
  readonly actorId: string | null;
  /** Username (kept when the account is later deleted), or the name tried at a failed login. */
  readonly actor: string;
  readonly action: string;
  readonly targetType?: string | null;
  readonly targetId?: string | null;
  readonly agencyId?: string | null;
  readonly outcome: AuditOutcome;
  readonly status?: number | null;
  readonly ip?: string | null;
  readonly requestId?: string | null;
  readonly details?: Record<string, unknown> | null;
}

export interface AuditEntry extends Required<Omit<AuditInput, 'details'>> {
  readonly id: number;
  readonly at: string;
  readonly details: Record<string, unknown> | null;
}

export class AuditRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #toEntry(r: Selectable<AuditLogTable>): AuditEntry {
    return {
      id: r.id, at: r.at, actorId: r.actor_id, actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, agencyId: r.agency_id,
      outcome: r.outcome as AuditOutcome, status: r.status, ip: r.ip, requestId: r.request_id, details: this.#ctx.d.fromJson<Record<string, unknown>>(r.details),
    };
  }

  async record(e: AuditInput): Promise<void> {
    await tx(this.#ctx, 'writing the audit log', async (ctx) => {
      await ctx.db.insertInto('audit_log').values({
        at: nowIso(ctx), actor_id: e.actorId, actor: e.actor.slice(0, 200), action: e.action, target_type: e.targetType ?? null, target_id: e.targetId ?? null,
        agency_id: e.agencyId ?? null, outcome: e.outcome, status: e.status ?? null, ip: e.ip ?? null, request_id: e.requestId ?? null,
        details: e.details === undefined || e.details === null ? null : ctx.d.json(e.details),
      }).execute();
    });
  }

  /** Newest first; `before` = the smallest id of the previous page. */
  async list(filter: { actorId?: string; action?: string; outcome?: AuditOutcome; before?: number; limit?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const rows = await run(this.#ctx, 'reading the audit log', (db) => {
      let q = db.selectFrom('audit_log').selectAll();
      if (filter.actorId !== undefined) q = q.where('actor_id', '=', filter.actorId);
      if (filter.action !== undefined) q = q.where('action', '=', filter.action);
      if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
      if (filter.before !== undefined) q = q.where('id', '<', filter.before);
      return q.orderBy('id', 'desc').limit(limit).execute();
    });
    return rows.map((r) => this.#toEntry(r));
  }
}
