// Findings and their event log, driven by the pure state machine of domain/finding.ts.
//
// Every status change writes, in the same transaction: the finding row (optimistic `version` check),
// a finding_events row {at, from, to, cause}, and an outbox row for the alert dispatcher (deduplicated
// by a deterministic key, so re-applying the same scan cannot alert twice). "Seen again" updates the row
// only.

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import { PerisaiError, notFound, validationError } from '../../domain/errors.js';
import { applyAction, applyInput, expireException, findingFingerprint, openFinding, severityRank, SEVERITIES } from '../../domain/finding.js';
import type { FindingAction, FindingEvent, FindingException, FindingState, FindingStatus, Severity } from '../../domain/finding.js';
import { inputForExisting } from '../../domain/finding-signals.js';
import type { AssetScanSignals } from '../../domain/finding-signals.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { FindingEventTable, FindingTable, OutboxTable } from '../schema.js';
import { enqueueOutbox } from './outbox.js';

export interface Finding extends FindingState {
  readonly id: string;
  readonly fingerprint: string;
  readonly agencyId: string;
  readonly assetId: string;
  readonly ruleId: string;
  readonly port: number;
  readonly title: { readonly id: string; readonly en: string };
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface FindingView extends Finding {
  readonly asset: { readonly ip: string; readonly netbiosName: string | null; readonly dnsName: string | null; readonly criticality: string };
}

export interface StoredFindingEvent extends FindingEvent {
  readonly id: number;
  readonly findingId: string;
}

/** A finding with its status changes, oldest first (report cards: src/domain/report-card.ts). */
export interface FindingHistory {
  readonly id: string;
  readonly agencyId: string;
  readonly assetId: string;
  readonly ruleId: string;
  readonly port: number;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly firstSeen: string;
  readonly resolvedAt: string | null;
  readonly history: readonly { readonly at: string; readonly to: FindingStatus }[];
}

export interface FindingFilter {
  readonly agencyId?: string;
  /** Default: open. */
  readonly status?: FindingStatus | readonly FindingStatus[];
  readonly minSeverity?: Severity;
  readonly assetId?: string;
  readonly ruleId?: string;
  /** Page size, default 100, at most 1000. */
  readonly limit?: number;
  /** Opaque cursor from the previous page's `next` (it belongs to the sort it came from). */
  readonly cursor?: string;
  /** `severity` (default): worst first, then most recently seen. `recent`: most recently seen first. */
  readonly sort?: FindingSort;
}

export const FINDING_SORTS = ['severity', 'recent'] as const;
export type FindingSort = (typeof FINDING_SORTS)[number];

export interface ApplyScanInput {
  readonly jobId: string;
  /** When the scan observed it (default: now). */
  readonly at?: string;
  readonly assets: readonly { readonly assetId: string; readonly agencyId: string; readonly scan: AssetScanSignals }[];
}

export interface ApplyScanResult {
  readonly opened: number;
  readonly reopened: number;
  readonly resolved: number;
  readonly seen: number;
}

type Row = Selectable<FindingTable>;

function exceptionOf(r: Row): FindingException | null {
  return r.exception_kind === null
    ? null
    : { kind: r.exception_kind as FindingException['kind'], reason: r.exception_reason ?? '', by: r.exception_by ?? '', at: r.exception_at ?? r.updated_at, expiresAt: r.exception_expires_at ?? r.updated_at };
}

function stateOf(ctx: Ctx, r: Row): FindingState {
  return {
    status: r.status as FindingStatus, severity: r.severity as Severity, firstSeen: r.first_seen, lastSeen: r.last_seen, timesSeen: r.times_seen,
    resolvedAt: r.resolved_at, reopenCount: r.reopen_count, exception: exceptionOf(r), evidence: ctx.d.fromJson(r.evidence), lastJobId: r.last_job_id,
  };
}

// One object literal per row, no spreads: the findings list turns 100 rows into views on every request,
// and copying a spread state object into the finding and that into the view was a third of the list's
// time (tests/api/bench-load.ts under --cpu-prof).
function toFinding(ctx: Ctx, r: Row): Finding {
  return {
    status: r.status as FindingStatus, severity: r.severity as Severity, firstSeen: r.first_seen, lastSeen: r.last_seen, timesSeen: r.times_seen,
    resolvedAt: r.resolved_at, reopenCount: r.reopen_count, exception: exceptionOf(r), evidence: ctx.d.fromJson(r.evidence), lastJobId: r.last_job_id,
    id: r.id, fingerprint: r.fingerprint, agencyId: r.agency_id, assetId: r.asset_id, ruleId: r.rule_id, port: r.port,
    title: ctx.d.fromJson<{ id: string; en: string }>(r.title) ?? { id: r.rule_id, en: r.rule_id }, version: r.version, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

type ViewRow = Row & { ip: string; netbios_name: string | null; dns_name: string | null; criticality: string };

function toView(ctx: Ctx, r: ViewRow): FindingView {
  return Object.assign(toFinding(ctx, r), { asset: { ip: r.ip, netbiosName: r.netbios_name, dnsName: r.dns_name, criticality: r.criticality } });
}

function stateColumns(ctx: Ctx, s: FindingState) {
  return {
    status: s.status, severity: s.severity, severity_rank: severityRank(s.severity), first_seen: s.firstSeen, last_seen: s.lastSeen,
    times_seen: s.timesSeen, resolved_at: s.resolvedAt, reopen_count: s.reopenCount,
    exception_kind: s.exception?.kind ?? null, exception_reason: s.exception?.reason ?? null, exception_by: s.exception?.by ?? null,
    exception_at: s.exception?.at ?? null, exception_expires_at: s.exception?.expiresAt ?? null,
    evidence: s.evidence === null || s.evidence === undefined ? null : ctx.d.json(s.evidence), last_job_id: s.lastJobId,
  };
}

/** Alert topic of a status change. */
export function topicOf(e: FindingEvent): string {
  if (e.from === null) return 'finding.opened';
  if (e.cause === 'reappeared') return 'finding.reopened';
  if (e.to === 'resolved') return 'finding.resolved';
  if (e.to === 'accepted-risk' || e.to === 'false-positive') return 'finding.exception';
  return 'finding.exception-ended';
}

function toEvent(r: Selectable<FindingEventTable>): StoredFindingEvent {
  return {
    id: r.id, findingId: r.finding_id, at: r.at, from: r.from_status as FindingStatus | null, to: r.to_status as FindingStatus, cause: r.cause as FindingEvent['cause'],
    ...(r.job_id !== null ? { jobId: r.job_id } : {}), ...(r.actor !== null ? { actor: r.actor } : {}), ...(r.reason !== null ? { reason: r.reason } : {}),
  };
}

function eventRow(f: { id: string; agencyId: string }, e: FindingEvent): Omit<FindingEventTable, 'id'> {
  return { finding_id: f.id, agency_id: f.agencyId, at: e.at, from_status: e.from, to_status: e.to, cause: e.cause, job_id: e.jobId ?? null, actor: e.actor ?? null, reason: e.reason ?? null };
}

function outboxRow(ctx: Ctx, f: { id: string; agencyId: string; assetId: string; ruleId: string; port: number; fingerprint: string; severity: Severity; title: unknown }, e: FindingEvent): Omit<OutboxTable, 'id'> {
  return {
    topic: topicOf(e),
    // Deterministic: the same transition of the same finding from the same scan (or at the same instant) is one message.
    dedup_key: `finding:${f.id}:${e.cause}:${e.jobId ?? e.at}`,
    agency_id: f.agencyId,
    payload: ctx.d.json({ findingId: f.id, fingerprint: f.fingerprint, agencyId: f.agencyId, assetId: f.assetId, ruleId: f.ruleId, port: f.port, severity: f.severity, title: f.title, event: e }),
    created_at: e.at, available_at: e.at, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
  };
}

/** Net changes to finding_tallies accumulated during one transaction, written at its end. */
class Tally {
  readonly #m = new Map<string, { agency_id: string; status: string; severity_rank: number; n: number }>();
  add(agencyId: string, status: string, rank: number, delta: number): void {
    const k = `${agencyId}|${status}|${rank}`;
    const e = this.#m.get(k);
    if (e === undefined) this.#m.set(k, { agency_id: agencyId, status, severity_rank: rank, n: delta });
    else e.n += delta;
  }
  /** Record a finding moving from (status, severity) to (status', severity'); `from` undefined = new. */
  move(agencyId: string, from: { status: string; rank: number } | undefined, to: { status: string; rank: number }): void {
    if (from !== undefined && from.status === to.status && from.rank === to.rank) return;
    if (from !== undefined) this.add(agencyId, from.status, from.rank, -1);
    this.add(agencyId, to.status, to.rank, 1);
  }
  async write(ctx: Ctx): Promise<void> {
    const rows = [...this.#m.values()].filter((r) => r.n !== 0);
    for (const part of chunks(rows, 1000)) {
      await ctx.db.insertInto('finding_tallies').values(part)
        .onConflict((oc) => oc.columns(['agency_id', 'status', 'severity_rank']).doUpdateSet((eb) => ({ n: eb('finding_tallies.n', '+', eb.ref('excluded.n')) })))
        .execute();
    }
  }
}

// Cursors name their sort: a cursor of one order handed to the other would silently skip or repeat rows.
function encodeCursor(sort: FindingSort, r: { severity_rank: number; last_seen: string; id: string }): string {
  const key = sort === 'recent' ? ['recent', r.last_seen, r.id] : [r.severity_rank, r.last_seen, r.id];
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(sort: FindingSort, c: string): [number | 'recent', string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && (sort === 'recent' ? v[0] === 'recent' : typeof v[0] === 'number') && typeof v[1] === 'string' && typeof v[2] === 'string') {
      return [v[0] as number | 'recent', v[1], v[2]];
    }
  } catch {
    // fall through
  }
  throw validationError('cursor: not a cursor returned by this API for this sort order', { field: 'cursor' });
}

export class FindingRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Apply one scan's signals for a set of assets: open new findings, mark re-seen ones, resolve on
   * positive evidence only, reopen returning ones. Idempotent per job (a finding remembers the last job
   * that changed it). One transaction for everything.
   */
  async applyScan(input: ApplyScanInput): Promise<ApplyScanResult> {
    return tx(this.#ctx, `applying scan ${input.jobId} to findings`, async (ctx) => {
      const at = input.at !== undefined ? ctx.d.time(input.at) : nowIso(ctx);
      const assetIds = [...new Set(input.assets.map((a) => a.assetId))];
      const existing: Row[] = [];
      for (const part of chunks(assetIds, 500)) for (const r of await ctx.db.selectFrom('findings').selectAll().where('asset_id', 'in', part).execute()) existing.push(r);
      const byAsset = new Map<string, Row[]>();
      for (const r of existing) {
        const l = byAsset.get(r.asset_id);
        if (l === undefined) byAsset.set(r.asset_id, [r]);
        else l.push(r);
      }
      const counts = { opened: 0, reopened: 0, resolved: 0, seen: 0 };
      const tally = new Tally();
      const inserts: FindingTable[] = [];
      const events: Omit<FindingEventTable, 'id'>[] = [];
      const outbox: Omit<OutboxTable, 'id'>[] = [];
      for (const a of input.assets) {
        const rows = byAsset.get(a.assetId) ?? [];
        const have = new Set(rows.map((r) => `${r.rule_id}|${r.port}`));
        for (const r of rows) {
          const i = inputForExisting(r.rule_id, r.port, a.scan, input.jobId);
          if (i === undefined) continue;
          const t = applyInput(stateOf(ctx, r), i, at);
          if (!t.changed) continue;
          const f = toFinding(ctx, r);
          const upd = await ctx.db.updateTable('findings').set({ ...stateColumns(ctx, t.state), version: r.version + 1, updated_at: at })
            .where('id', '=', r.id).where('version', '=', r.version).executeTakeFirst();
          if (Number(upd.numUpdatedRows) !== 1) throw new PerisaiError('E_CONFLICT', `finding ${r.id} was changed concurrently; retry`, { findingId: r.id });
          tally.move(r.agency_id, { status: r.status, rank: r.severity_rank }, { status: t.state.status, rank: severityRank(t.state.severity) });
          if (t.event === undefined) counts.seen++;
          else {
            if (t.event.cause === 'reappeared') counts.reopened++;
            else if (t.event.to === 'resolved') counts.resolved++;
            events.push(eventRow(f, t.event));
            outbox.push(outboxRow(ctx, { ...f, severity: t.state.severity }, t.event));
          }
        }
        for (const s of a.scan.signals) {
          if (s.input.kind !== 'detected' || have.has(`${s.ruleId}|${s.port}`)) continue;
          have.add(`${s.ruleId}|${s.port}`);
          const t = openFinding(s.input, at);
          const id = randomUUID();
          const fingerprint = findingFingerprint(a.assetId, s.ruleId, s.port);
          inserts.push({
            id, fingerprint, agency_id: a.agencyId, asset_id: a.assetId, rule_id: s.ruleId, port: s.port, title: ctx.d.json(s.title),
            ...stateColumns(ctx, t.state), version: 1, created_at: at, updated_at: at,
          });
          const f = { id, fingerprint, agencyId: a.agencyId, assetId: a.assetId, ruleId: s.ruleId, port: s.port, severity: t.state.severity, title: s.title };
          events.push(eventRow(f, t.event!));
          outbox.push(outboxRow(ctx, f, t.event!));
          tally.move(a.agencyId, undefined, { status: t.state.status, rank: severityRank(t.state.severity) });
          counts.opened++;
        }
      }
      const per = (n: number) => Math.max(1, Math.floor(ctx.d.maxParameters / n));
      for (const part of chunks(inserts, per(25))) await ctx.db.insertInto('findings').values(part).execute();
      for (const part of chunks(events, per(9))) await ctx.db.insertInto('finding_events').values(part).execute();
      await enqueueOutbox(ctx, outbox);
      await tally.write(ctx);
      return counts;
    });
  }

  async get(scope: AgencyScope, id: string): Promise<FindingView> {
    const r = await run(this.#ctx, 'reading a finding', (db) =>
      db.selectFrom('findings').innerJoin('assets', 'assets.id', 'findings.asset_id')
        .selectAll('findings').select(['assets.ip', 'assets.netbios_name', 'assets.dns_name', 'assets.criticality'])
        .where('findings.id', '=', id).where(scopeFilter('findings.agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('finding', id);
    return toView(this.#ctx, r);
  }

  /**
   * One page of findings in scope, worst first (severity, then most recently seen), with a keyset
   * cursor. Served by the (agency_id, status, severity_rank, last_seen, id) index.
   */
  async list(scope: AgencyScope, filter: FindingFilter = {}): Promise<{ items: FindingView[]; next: string | undefined }> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const statuses = filter.status === undefined ? ['open'] : typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    const sort = filter.sort ?? 'severity';
    const rows = await run(this.#ctx, 'listing findings', (db) => {
      let q = db.selectFrom('findings').innerJoin('assets', 'assets.id', 'findings.asset_id')
        .selectAll('findings').select(['assets.ip', 'assets.netbios_name', 'assets.dns_name', 'assets.criticality'])
        .where(scopeFilter('findings.agency_id', scope))
        .where('findings.status', statuses.length === 1 ? '=' : 'in', statuses.length === 1 ? statuses[0]! : statuses);
      if (filter.agencyId !== undefined) q = q.where('findings.agency_id', '=', filter.agencyId);
      if (filter.minSeverity !== undefined) q = q.where('findings.severity_rank', '>=', severityRank(filter.minSeverity));
      if (filter.assetId !== undefined) q = q.where('findings.asset_id', '=', filter.assetId);
      if (filter.ruleId !== undefined) q = q.where('findings.rule_id', '=', filter.ruleId);
      if (filter.cursor !== undefined) {
        const [rank, seen, id] = decodeCursor(sort, filter.cursor);
        q = sort === 'recent'
          ? q.where(sql<boolean>`(findings.last_seen, findings.id) < (${seen}, ${id})`)
          : q.where(sql<boolean>`(findings.severity_rank, findings.last_seen, findings.id) < (${rank}, ${seen}, ${id})`);
      }
      if (sort === 'severity') q = q.orderBy('findings.severity_rank', 'desc');
      return q.orderBy('findings.last_seen', 'desc').orderBy('findings.id', 'desc').limit(limit + 1).execute();
    });
    const page = rows.slice(0, limit);
    const items = page.map((r) => toView(this.#ctx, r));
    const last = page[page.length - 1];
    return { items, next: rows.length > limit && last !== undefined ? encodeCursor(sort, last) : undefined };
  }

  /**
   * Counts per status and, for open findings, per severity — read from finding_tallies (a handful of
   * rows per agency), which every finding change keeps current in its own transaction.
   */
  async counts(scope: AgencyScope, filter: { agencyId?: string } = {}): Promise<{ byStatus: Record<FindingStatus, number>; openBySeverity: Record<Severity, number> }> {
    const rows = await run(this.#ctx, 'counting findings', (db) => {
      let q = db.selectFrom('finding_tallies').select(['status', 'severity_rank', (eb) => eb.fn.sum<number>('n').as('n')]).where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      return q.groupBy(['status', 'severity_rank']).execute();
    });
    const byStatus: Record<FindingStatus, number> = { open: 0, resolved: 0, 'accepted-risk': 0, 'false-positive': 0 };
    const openBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    const byRank = new Map(SEVERITIES.map((s) => [severityRank(s), s]));
    for (const r of rows) {
      byStatus[r.status as FindingStatus] += Number(r.n);
      const sev = byRank.get(r.severity_rank);
      if (r.status === 'open' && sev !== undefined) openBySeverity[sev] += Number(r.n);
    }
    return { byStatus, openBySeverity };
  }

  /** Severities of each asset's open findings (served by findings_asset), for the rating after a scan (domain/risk.ts rateAfterScan). */
  async openSeveritiesOf(scope: AgencyScope, assetIds: readonly string[]): Promise<Map<string, Severity[]>> {
    const out = new Map<string, Severity[]>();
    for (const part of chunks([...new Set(assetIds)], 500)) {
      const rows = await run(this.#ctx, 'reading open findings of assets', (db) =>
        db.selectFrom('findings').select(['asset_id', 'severity']).where('asset_id', 'in', part).where('status', '=', 'open').where(scopeFilter('agency_id', scope)).execute(),
      );
      for (const r of rows) {
        const l = out.get(r.asset_id);
        if (l === undefined) out.set(r.asset_id, [r.severity as Severity]);
        else l.push(r.severity as Severity);
      }
    }
    return out;
  }

  /**
   * Recompute finding_tallies from the findings themselves (repair after manual edits of the database;
   * the nightly maintenance may run it). Returns the number of tally rows written.
   */
  async rebuildTallies(): Promise<number> {
    return tx(this.#ctx, 'rebuilding finding tallies', async (ctx) => {
      await ctx.db.deleteFrom('finding_tallies').execute();
      const rows = await ctx.db.selectFrom('findings').select(['agency_id', 'status', 'severity_rank', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy(['agency_id', 'status', 'severity_rank']).execute();
      for (const part of chunks(rows.map((r) => ({ ...r, n: Number(r.n) })), 1000)) await ctx.db.insertInto('finding_tallies').values(part).execute();
      return rows.length;
    });
  }

  /**
   * Every finding of the agencies (default: the whole scope) with its status history, oldest event first:
   * the report card's input (src/domain/report-card.ts reads "open at an instant" from the history). Two
   * reads whatever the number of findings; agencies in chunks so a long list stays a short statement.
   */
  async withHistory(scope: AgencyScope, agencyIds?: readonly string[]): Promise<FindingHistory[]> {
    const groups = agencyIds === undefined ? [undefined] : chunks([...new Set(agencyIds)], 200);
    const out: FindingHistory[] = [];
    for (const ids of groups) {
      if (ids !== undefined && ids.length === 0) continue;
      const [rows, events] = await run(this.#ctx, 'reading findings with their history', async (db) => {
        // Only the columns a card uses: evidence and titles (JSON) are the bulk of a finding row.
        let f = db.selectFrom('findings').select(['id', 'agency_id', 'asset_id', 'rule_id', 'port', 'severity', 'status', 'first_seen', 'resolved_at']).where(scopeFilter('agency_id', scope));
        let e = db.selectFrom('finding_events').select(['finding_id', 'at', 'to_status']).where(scopeFilter('agency_id', scope));
        if (ids !== undefined) {
          f = f.where('agency_id', 'in', ids);
          e = e.where('agency_id', 'in', ids);
        }
        return Promise.all([f.orderBy('id').execute(), e.orderBy('finding_id').orderBy('at').orderBy('id').execute()]);
      });
      const byFinding = new Map<string, { at: string; to: FindingStatus }[]>();
      for (const ev of events) {
        let list = byFinding.get(ev.finding_id);
        if (list === undefined) byFinding.set(ev.finding_id, (list = []));
        list.push({ at: ev.at, to: ev.to_status as FindingStatus });
      }
      for (const r of rows) {
        out.push({
          id: r.id, agencyId: r.agency_id, assetId: r.asset_id, ruleId: r.rule_id, port: r.port, severity: r.severity as Severity, status: r.status as FindingStatus,
          firstSeen: r.first_seen, resolvedAt: r.resolved_at, history: byFinding.get(r.id) ?? [],
        });
      }
    }
    return out;
  }

  async events(scope: AgencyScope, findingId: string): Promise<StoredFindingEvent[]> {
    await this.get(scope, findingId);
    const rows = await run(this.#ctx, 'reading finding events', (db) =>
      db.selectFrom('finding_events').selectAll().where('finding_id', '=', findingId).orderBy('id').execute(),
    );
    return rows.map(toEvent);
  }

  /**
   * The lifecycle events of every finding on one asset (opened, resolved, reopened, exceptions), newest
   * first, each with the finding it belongs to: the asset's history as the findings log recorded it.
   */
  async eventsOfAsset(scope: AgencyScope, assetId: string, opts: { limit?: number } = {}): Promise<(StoredFindingEvent & { finding: { ruleId: string; port: number; severity: Severity; title: { id: string; en: string } } })[]> {
    const limit = Math.min(Math.max(opts.limit ?? 200, 1), 1000);
    const rows = await run(this.#ctx, 'reading the finding events of an asset', async (db) => {
      const a = await db.selectFrom('assets').select('id').where('id', '=', assetId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
      if (a === undefined) throw notFound('asset', assetId);
      return db.selectFrom('finding_events').innerJoin('findings', 'findings.id', 'finding_events.finding_id')
        .selectAll('finding_events').select(['findings.rule_id', 'findings.port', 'findings.severity', 'findings.title'])
        .where('findings.asset_id', '=', assetId).orderBy('finding_events.at', 'desc').orderBy('finding_events.id', 'desc').limit(limit).execute();
    });
    return rows.map((r) => ({
      ...toEvent(r),
      finding: { ruleId: r.rule_id, port: r.port, severity: r.severity as Severity, title: this.#ctx.d.fromJson<{ id: string; en: string }>(r.title) ?? { id: r.rule_id, en: r.rule_id } },
    }));
  }

  async #act(scope: AgencyScope, id: string, action: FindingAction): Promise<FindingView> {
    return tx(this.#ctx, `${action.kind} on finding ${id}`, async (ctx) => {
      const repo = new FindingRepo(ctx);
      await repo.get(scope, id);
      const r = await ctx.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      const at = nowIso(ctx);
      const t = applyAction(stateOf(ctx, r), action, at);
      const upd = await ctx.db.updateTable('findings').set({ ...stateColumns(ctx, t.state), version: r.version + 1, updated_at: at })
        .where('id', '=', id).where('version', '=', r.version).executeTakeFirst();
      if (Number(upd.numUpdatedRows) !== 1) throw new PerisaiError('E_CONFLICT', `finding ${id} was changed concurrently; retry`, { findingId: id });
      const f = toFinding(ctx, r);
      await ctx.db.insertInto('finding_events').values(eventRow(f, t.event!)).execute();
      await enqueueOutbox(ctx, [outboxRow(ctx, f, t.event!)]);
      const tally = new Tally();
      tally.move(r.agency_id, { status: r.status, rank: r.severity_rank }, { status: t.state.status, rank: severityRank(t.state.severity) });
      await tally.write(ctx);
      return repo.get(scope, id);
    });
  }

  /** Accept the risk until `expiresAt` (≤ 365 days), with a reason; reverts to open by itself. */
  acceptRisk(scope: AgencyScope, id: string, a: { reason: string; by: string; expiresAt: string }): Promise<FindingView> {
    return this.#act(scope, id, { kind: 'accept-risk', ...a });
  }

  /** Mark as a false positive until `expiresAt`, with a reason; reverts to open by itself (CyHy). */
  markFalsePositive(scope: AgencyScope, id: string, a: { reason: string; by: string; expiresAt: string }): Promise<FindingView> {
    return this.#act(scope, id, { kind: 'mark-false-positive', ...a });
  }

  revokeException(scope: AgencyScope, id: string, a: { by: string; reason?: string }): Promise<FindingView> {
    return this.#act(scope, id, { kind: 'revoke-exception', ...a });
  }

  /**
   * The clock tick (run by the scheduler, e.g. every minute, and before each finalize): every exception
   * whose expiry has passed reverts its finding to open, with an event and an alert. Returns how many.
   */
  async expireExceptions(): Promise<number> {
    return tx(this.#ctx, 'expiring finding exceptions', async (ctx) => {
      const now = nowIso(ctx);
      const rows = await ctx.db.selectFrom('findings').selectAll()
        .where('exception_expires_at', '<=', now).where('status', 'in', ['accepted-risk', 'false-positive']).execute();
      const events: Omit<FindingEventTable, 'id'>[] = [];
      const outbox: Omit<OutboxTable, 'id'>[] = [];
      const tally = new Tally();
      for (const r of rows) {
        const t = expireException(stateOf(ctx, r), now);
        if (t.event === undefined) continue;
        const upd = await ctx.db.updateTable('findings').set({ ...stateColumns(ctx, t.state), version: r.version + 1, updated_at: now })
          .where('id', '=', r.id).where('version', '=', r.version).executeTakeFirst();
        if (Number(upd.numUpdatedRows) !== 1) throw new PerisaiError('E_CONFLICT', `finding ${r.id} was changed concurrently; retry`, { findingId: r.id });
        const f = toFinding(ctx, r);
        events.push(eventRow(f, t.event));
        outbox.push(outboxRow(ctx, f, t.event));
        tally.move(r.agency_id, { status: r.status, rank: r.severity_rank }, { status: t.state.status, rank: severityRank(t.state.severity) });
      }
      for (const part of chunks(events, 1000)) await ctx.db.insertInto('finding_events').values(part).execute();
      await enqueueOutbox(ctx, outbox);
      await tally.write(ctx);
      return events.length;
    });
  }
}
