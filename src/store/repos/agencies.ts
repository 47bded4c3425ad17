// Agencies, their hierarchy (city → OPD → unit) and their scan windows.
//
// Hierarchy queries use recursive CTEs (WITH RECURSIVE), which both SQLite and PostgreSQL run the same
// way; a city has at most a few hundred agencies, so no closure table is needed.

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { PerisaiError, notFound } from '../../domain/errors.js';
import { checkParentKind, validateAgencyInput, normalizeAgencyCode, wouldCreateCycle } from '../../domain/agency.js';
import type { Agency, AgencyInput, AgencyKind } from '../../domain/agency.js';
import { validateScanWindow } from '../../domain/scan-window.js';
import type { ScanWindow, Weekday } from '../../domain/scan-window.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { AgencyTable, Database, ScanWindowTable } from '../schema.js';

export interface AgencyPatch {
  readonly name?: string;
  readonly notes?: string | null;
  readonly kind?: AgencyKind;
  /** Move under another parent (null: make it a root). */
  readonly parentId?: string | null;
}

export interface AgencyListFilter {
  readonly kind?: AgencyKind;
  readonly parentId?: string | null;
  readonly includeRetired?: boolean;
}

function toAgency(r: Selectable<AgencyTable>): Agency {
  return {
    id: r.id, parentId: r.parent_id, kind: r.kind as AgencyKind, code: r.code, name: r.name, notes: r.notes,
    retiredAt: r.retired_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

function toWindow(r: Selectable<ScanWindowTable>): ScanWindow {
  return {
    mode: r.mode as ScanWindow['mode'],
    days: r.days.split(',').map(Number) as Weekday[],
    start: r.start_time, end: r.end_time, timeZone: r.time_zone, note: r.note,
  };
}

/** Ids of `id` and all its descendants (unscoped: this is how scopes are built). */
export async function descendantIds(db: Kysely<Database>, id: string): Promise<string[]> {
  const rows = await db
    .withRecursive('tree(id)', (q) =>
      q.selectFrom('agencies').select('agencies.id').where('agencies.id', '=', id)
        .unionAll((q2) => q2.selectFrom('agencies').innerJoin('tree', 'tree.id', 'agencies.parent_id').select('agencies.id')),
    )
    .selectFrom('tree')
    .select('tree.id')
    .execute();
  return rows.map((r) => r.id);
}

/** Ids of the strict ancestors of `id`, nearest first (unscoped). */
export async function ancestorIds(db: Kysely<Database>, id: string): Promise<string[]> {
  const rows = await db
    .withRecursive('up(id, parent_id, depth)', (q) =>
      q.selectFrom('agencies').select(['agencies.id', 'agencies.parent_id', sql<number>`0`.as('depth')]).where('agencies.id', '=', id)
        .unionAll((q2) =>
          q2.selectFrom('agencies').innerJoin('up', 'up.parent_id', 'agencies.id')
            .select(['agencies.id', 'agencies.parent_id', sql<number>`up.depth + 1`.as('depth')]),
        ),
    )
    .selectFrom('up')
    .select(['up.id', 'up.depth'])
    .where('up.depth', '>', 0)
    .orderBy('up.depth')
    .execute();
  return rows.map((r) => r.id);
}

export class AgencyRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Create an agency. A root (city/province) needs the 'all' scope; a child needs its parent in scope.
   * Codes are unique city-wide (E_CONFLICT).
   */
  async create(scope: AgencyScope, input: AgencyInput): Promise<Agency> {
    const v = validateAgencyInput(input);
    return tx(this.#ctx, `creating agency ${v.code}`, async (ctx) => {
      const parentId = v.parentId ?? null;
      let parentKind: AgencyKind | null = null;
      if (parentId !== null) {
        const parent = await ctx.db.selectFrom('agencies').select(['id', 'kind', 'retired_at']).where('id', '=', parentId).executeTakeFirst();
        if (parent === undefined) throw notFound('agency', parentId);
        assertInScope(scope, parent.id, 'agency', parentId);
        if (parent.retired_at !== null) throw new PerisaiError('E_CONFLICT', `parent agency ${parentId} is retired`, { parentId });
        parentKind = parent.kind as AgencyKind;
      } else if (scope !== 'all') {
        throw new PerisaiError('E_NOT_FOUND', 'creating a root agency needs the administrator scope', { what: 'agency' });
      }
      checkParentKind(v.kind, parentKind);
      const clash = await ctx.db.selectFrom('agencies').select(['id', 'name']).where('code', '=', v.code).executeTakeFirst();
      if (clash !== undefined) throw new PerisaiError('E_CONFLICT', `agency code ${v.code} is already used by ${clash.name}`, { field: 'code', code: v.code });
      const t = nowIso(ctx);
      const row = { id: randomUUID(), parent_id: parentId, kind: v.kind, code: v.code, name: v.name, notes: v.notes ?? null, retired_at: null, created_at: t, updated_at: t };
      await ctx.db.insertInto('agencies').values(row).execute();
      return toAgency(row);
    });
  }

  async find(scope: AgencyScope, id: string): Promise<Agency | undefined> {
    const r = await run(this.#ctx, 'reading an agency', (db) =>
      db.selectFrom('agencies').selectAll().where('id', '=', id).where(scopeFilter('id', scope)).executeTakeFirst(),
    );
    return r === undefined ? undefined : toAgency(r);
  }

  async get(scope: AgencyScope, id: string): Promise<Agency> {
    const a = await this.find(scope, id);
    if (a === undefined) throw notFound('agency', id);
    return a;
  }

  async getByCode(scope: AgencyScope, code: string): Promise<Agency> {
    const c = normalizeAgencyCode(code);
    const r = await run(this.#ctx, 'reading an agency', (db) =>
      db.selectFrom('agencies').selectAll().where('code', '=', c).where(scopeFilter('id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('agency', c);
    return toAgency(r);
  }

  async list(scope: AgencyScope, filter: AgencyListFilter = {}): Promise<Agency[]> {
    const rows = await run(this.#ctx, 'listing agencies', (db) => {
      let q = db.selectFrom('agencies').selectAll().where(scopeFilter('id', scope));
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      if (filter.parentId !== undefined) q = filter.parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', filter.parentId);
      if (!filter.includeRetired) q = q.where('retired_at', 'is', null);
      return q.orderBy('code').execute();
    });
    return rows.map(toAgency);
  }

  async children(scope: AgencyScope, id: string): Promise<Agency[]> {
    await this.get(scope, id);
    return this.list(scope, { parentId: id });
  }

  /** All descendants of `id` (breadth order not guaranteed; sorted by code), within the scope. */
  async descendants(scope: AgencyScope, id: string, opts: { includeSelf?: boolean } = {}): Promise<Agency[]> {
    await this.get(scope, id);
    const ids = await run(this.#ctx, 'reading the agency hierarchy', (db) => descendantIds(db, id));
    const wanted = opts.includeSelf ? ids : ids.filter((x) => x !== id);
    if (wanted.length === 0) return [];
    const rows = await run(this.#ctx, 'reading the agency hierarchy', (db) =>
      db.selectFrom('agencies').selectAll().where('id', 'in', wanted).where(scopeFilter('id', scope)).orderBy('code').execute(),
    );
    return rows.map(toAgency);
  }

  /** Ancestors of `id`, nearest first, limited to those in scope (an OPD user does not see the city). */
  async ancestors(scope: AgencyScope, id: string): Promise<Agency[]> {
    await this.get(scope, id);
    const ids = await run(this.#ctx, 'reading the agency hierarchy', (db) => ancestorIds(db, id));
    if (ids.length === 0) return [];
    const rows = await run(this.#ctx, 'reading the agency hierarchy', (db) =>
      db.selectFrom('agencies').selectAll().where('id', 'in', ids).where(scopeFilter('id', scope)).execute(),
    );
    const byId = new Map(rows.map((r) => [r.id, toAgency(r)]));
    return ids.flatMap((x) => byId.get(x) ?? []);
  }

  /** The scope of a user of agency `id`: the agency and all its descendants. */
  async scopeOf(id: string): Promise<ReadonlySet<string>> {
    const ids = await run(this.#ctx, 'reading the agency hierarchy', (db) => descendantIds(db, id));
    if (ids.length === 0) throw notFound('agency', id);
    return new Set(ids);
  }

  async update(scope: AgencyScope, id: string, patch: AgencyPatch): Promise<Agency> {
    return tx(this.#ctx, `updating agency ${id}`, async (ctx) => {
      const cur = await new AgencyRepo(ctx).get(scope, id);
      const next = validateAgencyInput({
        kind: patch.kind ?? cur.kind, code: cur.code, name: patch.name ?? cur.name,
        notes: patch.notes === undefined ? cur.notes : patch.notes, parentId: patch.parentId === undefined ? cur.parentId : patch.parentId,
      });
      const parentId = next.parentId ?? null;
      let parentKind: AgencyKind | null = null;
      if (parentId !== null) {
        const parent = await ctx.db.selectFrom('agencies').select(['id', 'kind']).where('id', '=', parentId).executeTakeFirst();
        if (parent === undefined) throw notFound('agency', parentId);
        assertInScope(scope, parent.id, 'agency', parentId);
        parentKind = parent.kind as AgencyKind;
        if (parentId !== cur.parentId) {
          const up = await ancestorIds(ctx.db, parentId);
          const chain = [parentId, ...up];
          const parentOf = (x: string): string | null => chain[chain.indexOf(x) + 1] ?? null;
          if (wouldCreateCycle(id, parentId, parentOf)) {
            throw new PerisaiError('E_VALIDATION', `cannot move ${cur.code} under one of its own descendants`, { field: 'parentId' });
          }
        }
      } else if (cur.parentId !== null && scope !== 'all') {
        throw new PerisaiError('E_NOT_FOUND', 'making an agency a root needs the administrator scope', { what: 'agency' });
      }
      checkParentKind(next.kind, parentKind);
      // Children must still accept this agency's (possibly new) kind as their parent.
      const kids = await ctx.db.selectFrom('agencies').select(['kind']).where('parent_id', '=', id).execute();
      for (const k of kids) checkParentKind(k.kind as AgencyKind, next.kind);
      const t = nowIso(ctx);
      await ctx.db.updateTable('agencies').set({ kind: next.kind, name: next.name, notes: next.notes ?? null, parent_id: parentId, updated_at: t }).where('id', '=', id).execute();
      return { ...cur, kind: next.kind, name: next.name, notes: next.notes ?? null, parentId, updatedAt: t };
    });
  }

  /** Mark an agency retired (kept for history; hidden from lists by default). Refused while it has active children. */
  async retire(scope: AgencyScope, id: string): Promise<void> {
    await tx(this.#ctx, `retiring agency ${id}`, async (ctx) => {
      await new AgencyRepo(ctx).get(scope, id);
      const active = await ctx.db.selectFrom('agencies').select('code').where('parent_id', '=', id).where('retired_at', 'is', null).executeTakeFirst();
      if (active !== undefined) throw new PerisaiError('E_CONFLICT', `agency still has an active child (${active.code})`, { child: active.code });
      await ctx.db.updateTable('agencies').set({ retired_at: nowIso(ctx), updated_at: nowIso(ctx) }).where('id', '=', id).execute();
    });
  }

  /** Replace the agency's own scan windows. */
  async setScanWindows(scope: AgencyScope, agencyId: string, windows: readonly ScanWindow[]): Promise<ScanWindow[]> {
    const valid = windows.map(validateScanWindow);
    return tx(this.#ctx, `setting scan windows of ${agencyId}`, async (ctx) => {
      await new AgencyRepo(ctx).get(scope, agencyId);
      await ctx.db.deleteFrom('scan_windows').where('agency_id', '=', agencyId).execute();
      if (valid.length > 0) {
        await ctx.db.insertInto('scan_windows').values(valid.map((w, position) => ({
          id: randomUUID(), agency_id: agencyId, position, mode: w.mode, days: w.days.join(','),
          start_time: w.start, end_time: w.end, time_zone: w.timeZone, note: w.note ?? null,
        }))).execute();
      }
      return valid;
    });
  }

  /** The agency's own windows. */
  async scanWindows(scope: AgencyScope, agencyId: string): Promise<ScanWindow[]> {
    await this.get(scope, agencyId);
    const rows = await run(this.#ctx, 'reading scan windows', (db) =>
      db.selectFrom('scan_windows').selectAll().where('agency_id', '=', agencyId).orderBy('position').execute(),
    );
    return rows.map(toWindow);
  }

  /**
   * The windows that govern scanning this agency: its own plus every ancestor's (a city-wide "never on
   * Monday morning" applies to every unit). Feed the result to isInScanWindow().
   */
  async effectiveScanWindows(scope: AgencyScope, agencyId: string): Promise<ScanWindow[]> {
    await this.get(scope, agencyId);
    const ids = [agencyId, ...(await run(this.#ctx, 'reading the agency hierarchy', (db) => ancestorIds(db, agencyId)))];
    const rows = await run(this.#ctx, 'reading scan windows', (db) =>
      db.selectFrom('scan_windows').selectAll().where('agency_id', 'in', ids).execute(),
    );
    return rows
      .sort((a, b) => ids.indexOf(a.agency_id) - ids.indexOf(b.agency_id) || a.position - b.position)
      .map(toWindow);
  }
}
