// Triage state of findings, edited from the web application: acknowledged (by whom,
// when) and assigned (to which user). Kept beside `findings` rather than in it, so the scan path
// (applyScan) never touches it and a triage edit never races a scan on the finding's `version`.
// Every method takes the agency scope and checks the finding against it first (E_NOT_FOUND outside).

import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { FindingTriageTable } from '../schema.js';

export interface Triage {
  readonly findingId: string;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
  readonly assigneeId: string | null;
  readonly assignedAt: string | null;
  readonly assignedBy: string | null;
}

function toTriage(r: Selectable<FindingTriageTable>): Triage {
  return { findingId: r.finding_id, acknowledgedAt: r.acknowledged_at, acknowledgedBy: r.acknowledged_by, assigneeId: r.assignee_id, assignedAt: r.assigned_at, assignedBy: r.assigned_by };
}

export class TriageRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Triage rows of the given findings that are in scope (a page of a list: ≤ 1000 ids). */
  async of(scope: AgencyScope, findingIds: readonly string[]): Promise<Map<string, Triage>> {
    if (findingIds.length === 0) return new Map();
    const rows = await run(this.#ctx, 'reading finding triage', (db) =>
      db.selectFrom('finding_triage').innerJoin('findings', 'findings.id', 'finding_triage.finding_id').selectAll('finding_triage')
        .where('finding_triage.finding_id', 'in', [...findingIds]).where(scopeFilter('findings.agency_id', scope)).execute(),
    );
    return new Map(rows.map((r) => [r.finding_id, toTriage(r)]));
  }

  async #upsert(scope: AgencyScope, findingId: string, what: string, set: Partial<FindingTriageTable>): Promise<Triage> {
    return tx(this.#ctx, `${what} finding ${findingId}`, async (ctx) => {
      const f = await ctx.db.selectFrom('findings').select('id').where('id', '=', findingId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
      if (f === undefined) throw notFound('finding', findingId);
      const now = nowIso(ctx);
      const base: FindingTriageTable = { finding_id: findingId, acknowledged_at: null, acknowledged_by: null, assignee_id: null, assigned_at: null, assigned_by: null, updated_at: now };
      await ctx.db.insertInto('finding_triage').values({ ...base, ...set, updated_at: now })
        .onConflict((oc) => oc.column('finding_id').doUpdateSet({ ...set, updated_at: now })).execute();
      const r = await ctx.db.selectFrom('finding_triage').selectAll().where('finding_id', '=', findingId).executeTakeFirstOrThrow();
      return toTriage(r);
    });
  }

  acknowledge(scope: AgencyScope, findingId: string, by: string): Promise<Triage> {
    return this.#upsert(scope, findingId, 'acknowledging', { acknowledged_at: nowIso(this.#ctx), acknowledged_by: by });
  }

  /** Assign to a user (`null` = unassign). The caller checks that the assignee may see the finding. */
  assign(scope: AgencyScope, findingId: string, assigneeId: string | null, by: string): Promise<Triage> {
    return this.#upsert(scope, findingId, 'assigning', { assignee_id: assigneeId, assigned_at: assigneeId === null ? null : nowIso(this.#ctx), assigned_by: assigneeId === null ? null : by });
  }
}
