// Incident reports (docs/incidents.md): what the public form stores, the triage queue, the reporter's
// status link (found by the SHA-256 of its token, never by the token), messages both ways, photos'
// metadata, and the triage acts — link to an incident, merge into another report, reject with a reason.
// Every read for a user takes the agency scope; the public paths (create, byToken) are unscoped system
// operations whose caller (src/api/routes/public-reports.ts) decides what they may touch.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound, validationError } from '../../domain/errors.js';
import { locationKey, suggestDuplicates, DUPLICATE_WINDOW_MS } from '../../domain/incident.js';
import type { ComputerCount, DuplicateSuggestion, FallbackAnswer, IncidentTopic, ReportStatus, ReporterRole, ValidReport } from '../../domain/incident.js';
import { TL } from '../../domain/incident-timeline.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { IncidentPhotoTable, IncidentReportMessageTable, IncidentReportTable } from '../schema-incidents.js';
import { enqueueOutbox } from './outbox.js';
import { addTimeline, decodeCursor, encodeCursor, markFirstResponse } from './incident-shared.js';

export interface IncidentReport {
  readonly id: string;
  readonly reference: string;
  readonly agencyId: string;
  readonly symptoms: readonly string[];
  readonly symptomOther: string | null;
  readonly since: string | null;
  readonly computers: ComputerCount;
  readonly services: readonly string[];
  readonly serviceOther: string | null;
  readonly manualFallback: FallbackAnswer;
  readonly actionsTaken: readonly string[];
  readonly location: string | null;
  readonly description: string | null;
  readonly reporterName: string;
  readonly reporterWhatsapp: string;
  readonly reporterRole: ReporterRole;
  readonly channel: 'web' | 'staff';
  readonly status: ReportStatus;
  readonly statusReason: string | null;
  readonly incidentId: string | null;
  readonly mergedInto: string | null;
  readonly triagedBy: string | null;
  readonly triagedAt: string | null;
  readonly tokenExpiresAt: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ReportMessage {
  readonly id: number;
  readonly reportId: string;
  readonly at: string;
  readonly direction: 'to-reporter' | 'from-reporter';
  readonly author: string;
  readonly body: string;
}

export interface Photo {
  readonly id: string;
  readonly reportId: string | null;
  readonly incidentId: string | null;
  readonly sha256: string;
  readonly contentType: string;
  readonly size: number;
  readonly width: number | null;
  readonly height: number | null;
  readonly originalName: string | null;
  readonly path: string;
  readonly removed: readonly string[];
  readonly uploadedBy: string;
  readonly createdAt: string;
}

export interface NewReport extends ValidReport {
  readonly agencyId: string;
  readonly reference: string;
  readonly tokenHash: string;
  readonly tokenExpiresAt: string;
  readonly channel: 'web' | 'staff';
}

export interface ReportListFilter {
  readonly status?: ReportStatus | readonly ReportStatus[];
  readonly agencyId?: string;
  /** Page size (default 50, at most 500). */
  readonly limit?: number;
  readonly cursor?: string;
}

export function toReport(ctx: Ctx, r: Selectable<IncidentReportTable>): IncidentReport {
  const d = ctx.d;
  return {
    id: r.id, reference: r.reference, agencyId: r.agency_id, symptoms: d.fromJson<string[]>(r.symptoms) ?? [], symptomOther: r.symptom_other, since: r.since,
    computers: r.computers as ComputerCount, services: d.fromJson<string[]>(r.services) ?? [], serviceOther: r.service_other, manualFallback: r.manual_fallback as FallbackAnswer,
    actionsTaken: d.fromJson<string[]>(r.actions_taken) ?? [], location: r.location, description: r.description, reporterName: r.reporter_name,
    reporterWhatsapp: r.reporter_whatsapp, reporterRole: r.reporter_role as ReporterRole, channel: r.channel as 'web' | 'staff', status: r.status as ReportStatus,
    statusReason: r.status_reason, incidentId: r.incident_id, mergedInto: r.merged_into, triagedBy: r.triaged_by, triagedAt: r.triaged_at,
    tokenExpiresAt: r.token_expires_at, createdAt: r.created_at, updatedAt: r.updated_at,
  };
}

export function toPhoto(ctx: Ctx, r: Selectable<IncidentPhotoTable>): Photo {
  return {
    id: r.id, reportId: r.report_id, incidentId: r.incident_id, sha256: r.sha256, contentType: r.content_type, size: r.size, width: r.width, height: r.height,
    originalName: r.original_name, path: r.path, removed: ctx.d.fromJson<string[]>(r.removed) ?? [], uploadedBy: r.uploaded_by, createdAt: r.created_at,
  };
}

function toMessage(r: Selectable<IncidentReportMessageTable>): ReportMessage {
  return { id: r.id, reportId: r.report_id, at: r.at, direction: r.direction as ReportMessage['direction'], author: r.author, body: r.body };
}

export class IncidentReportRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /**
   * Store a report (system: the public form; the caller resolved the unit) and announce it on the alert
   * outbox as `incident.report-new`, in one transaction.
   */
  async create(input: NewReport): Promise<IncidentReport> {
    return tx(this.#ctx, 'storing an incident report', async (ctx) => {
      const d = ctx.d;
      const now = nowIso(ctx);
      const row: IncidentReportTable = {
        id: randomUUID(), reference: input.reference, token_hash: input.tokenHash, token_expires_at: d.time(input.tokenExpiresAt), agency_id: input.agencyId,
        symptoms: d.json(input.symptoms), symptom_other: input.symptomOther, since: input.since === null ? null : d.time(input.since), computers: input.computers,
        services: d.json(input.services), service_other: input.serviceOther, manual_fallback: input.manualFallback, actions_taken: d.json(input.actionsTaken),
        location: input.location, location_key: locationKey(input.location), description: input.description, reporter_name: input.reporterName,
        reporter_whatsapp: input.reporterWhatsapp, reporter_role: input.reporterRole, channel: input.channel, status: 'new', status_reason: null, incident_id: null,
        merged_into: null, triaged_by: null, triaged_at: null, created_at: now, updated_at: now,
      };
      await ctx.db.insertInto('incident_reports').values(row).execute();
      const agency = await ctx.db.selectFrom('agencies').select(['code', 'name']).where('id', '=', input.agencyId).executeTakeFirstOrThrow();
      await enqueueOutbox(ctx, [{
        topic: 'incident.report-new' satisfies IncidentTopic, dedup_key: `incident-report:${row.id}`, agency_id: input.agencyId,
        payload: d.json({
          reportId: row.id, reference: row.reference, agencyId: input.agencyId, severity: input.symptoms.some((s) => s === 'ransom-screen' || s === 'disk-repair-screen') ? 'critical' : 'high',
          symptoms: input.symptoms, services: input.services, location: input.location, title: TL.reportReceived(row.reference, `${agency.name} (${agency.code})`),
        }),
        created_at: now, available_at: now, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
      }]);
      return toReport(ctx, row);
    });
  }

  /** The report a status token opens, if it exists and has not expired (otherwise nothing). */
  async byToken(tokenHash: string): Promise<IncidentReport | undefined> {
    const now = nowIso(this.#ctx);
    const r = await run(this.#ctx, 'reading a report by its status link', (db) =>
      db.selectFrom('incident_reports').selectAll().where('token_hash', '=', tokenHash).where('token_expires_at', '>', now).executeTakeFirst(),
    );
    return r === undefined ? undefined : toReport(this.#ctx, r);
  }

  async get(scope: AgencyScope, id: string): Promise<IncidentReport> {
    const r = await run(this.#ctx, 'reading an incident report', (db) =>
      db.selectFrom('incident_reports').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('incident report', id);
    return toReport(this.#ctx, r);
  }

  /** The triage queue: newest first, keyset-paged. */
  async list(scope: AgencyScope, f: ReportListFilter = {}): Promise<{ items: IncidentReport[]; next: string | null }> {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
    const statuses = f.status === undefined ? undefined : (Array.isArray(f.status) ? f.status : [f.status]) as readonly string[];
    const rows = await run(this.#ctx, 'listing incident reports', (db) => {
      let q = db.selectFrom('incident_reports').selectAll().where(scopeFilter('agency_id', scope));
      if (f.agencyId !== undefined) q = q.where('agency_id', '=', f.agencyId);
      if (statuses !== undefined) q = q.where('status', 'in', [...statuses]);
      const c = decodeCursor(f.cursor);
      if (c !== undefined) q = q.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]));
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    });
    const items = rows.slice(0, limit).map((r) => toReport(this.#ctx, r));
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** The reports of an incident (linked, and merged into one of them), oldest first. */
  async ofIncident(scope: AgencyScope, incidentId: string): Promise<IncidentReport[]> {
    const rows = await run(this.#ctx, 'reading the reports of an incident', (db) =>
      db.selectFrom('incident_reports').selectAll().where('incident_id', '=', incidentId).where(scopeFilter('agency_id', scope)).orderBy('created_at').orderBy('id').execute(),
    );
    return rows.map((r) => toReport(this.#ctx, r));
  }

  /** Reports of the same unit within the window that look like the same event (domain suggestDuplicates). */
  async duplicates(scope: AgencyScope, id: string, windowMs = DUPLICATE_WINDOW_MS): Promise<(DuplicateSuggestion & { reference: string; status: ReportStatus; createdAt: string; incidentId: string | null })[]> {
    const report = await this.get(scope, id);
    const t = Date.parse(report.createdAt);
    const rows = await run(this.#ctx, 'finding duplicate reports', (db) =>
      db.selectFrom('incident_reports').selectAll().where('agency_id', '=', report.agencyId)
        .where('created_at', '>=', new Date(t - windowMs).toISOString()).where('created_at', '<=', new Date(t + windowMs).toISOString())
        .where('status', 'in', ['new', 'linked']).where('id', '<>', id).limit(200).execute(),
    );
    const others = rows.map((r) => toReport(this.#ctx, r));
    return suggestDuplicates(report, others, windowMs).map((s) => {
      const o = others.find((x) => x.id === s.reportId)!;
      return { ...s, reference: o.reference, status: o.status, createdAt: o.createdAt, incidentId: o.incidentId };
    });
  }

  async messages(reportId: string): Promise<ReportMessage[]> {
    const rows = await run(this.#ctx, 'reading report messages', (db) =>
      db.selectFrom('incident_report_messages').selectAll().where('report_id', '=', reportId).orderBy('id').execute(),
    );
    return rows.map(toMessage);
  }

  /**
   * A message on a report: a responder's (to-reporter, shown on the status link; the incident's first
   * response when it is the first act) or the reporter's added information (from-reporter). Both land on
   * the linked incident's timeline. `scope` null = the reporter through the status link (system).
   */
  async addMessage(scope: AgencyScope | null, reportId: string, m: { direction: 'to-reporter' | 'from-reporter'; author: string; body: string }): Promise<ReportMessage> {
    return tx(this.#ctx, 'adding a report message', async (ctx) => {
      const report = scope === null ? await this.#getUnscoped(ctx, reportId) : await new IncidentReportRepo(ctx).get(scope, reportId);
      const at = nowIso(ctx);
      const r = await ctx.db.insertInto('incident_report_messages').values({ report_id: report.id, at, direction: m.direction, author: m.author, body: m.body }).returningAll().executeTakeFirstOrThrow();
      await ctx.db.updateTable('incident_reports').set({ updated_at: at }).where('id', '=', report.id).execute();
      if (report.incidentId !== null) {
        const toReporter = m.direction === 'to-reporter';
        await addTimeline(ctx, report.incidentId, {
          source: toReporter ? 'user' : 'reporter', kind: toReporter ? 'message-to-reporter' : 'message-from-reporter',
          text: toReporter ? TL.messageToReporter(report.reference, m.body) : TL.messageFromReporter(report.reference, m.body), actor: m.author, includeInReport: !toReporter,
          ref: { reportId: report.id, messageId: r.id },
        });
        if (toReporter) await markFirstResponse(ctx, report.incidentId);
      }
      return toMessage(r);
    });
  }

  async #getUnscoped(ctx: Ctx, id: string): Promise<IncidentReport> {
    const r = await ctx.db.selectFrom('incident_reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (r === undefined) throw notFound('incident report', id);
    return toReport(ctx, r);
  }

  /** Link a report to an incident (the incident must be in the caller's scope too); acknowledges the incident. */
  async link(scope: AgencyScope, reportId: string, incidentId: string, by: string): Promise<IncidentReport> {
    return tx(this.#ctx, `linking report ${reportId}`, async (ctx) => {
      const report = await new IncidentReportRepo(ctx).get(scope, reportId);
      const inc = await ctx.db.selectFrom('incidents').select(['id', 'agency_id', 'phase', 'reported_at', 'acknowledged_at']).where('id', '=', incidentId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
      if (inc === undefined) throw notFound('incident', incidentId);
      if (inc.phase === 'closed') throw validationError('incidentId: the incident is closed; open a new one', { field: 'incidentId' });
      if (report.status === 'merged' || report.status === 'rejected') throw validationError(`the report is ${report.status}; it cannot be linked`, { field: 'status' });
      if (report.incidentId === incidentId) return report;
      const now = nowIso(ctx);
      await ctx.db.updateTable('incident_reports').set({ status: 'linked', incident_id: incidentId, triaged_by: by, triaged_at: now, updated_at: now }).where('id', '=', reportId).execute();
      // The incident counts as reported from its earliest report; a new report on it is acknowledged by this very link.
      await ctx.db.updateTable('incidents').set((eb) => ({
        reported_at: report.createdAt < inc.reported_at ? report.createdAt : inc.reported_at,
        acknowledged_at: eb.fn.coalesce('acknowledged_at', eb.val(now)),
        updated_at: now,
      })).where('id', '=', incidentId).execute();
      await addTimeline(ctx, incidentId, { source: 'system', kind: 'report-linked', text: TL.reportLinked(report.reference), actor: by, includeInReport: true, ref: { reportId }, at: report.createdAt });
      return new IncidentReportRepo(ctx).get(scope, reportId);
    });
  }

  /** Merge a report into another (a duplicate): it follows the other's incident. */
  async merge(scope: AgencyScope, reportId: string, intoId: string, by: string): Promise<IncidentReport> {
    if (reportId === intoId) throw validationError('intoReportId: a report cannot be merged into itself', { field: 'intoReportId' });
    return tx(this.#ctx, `merging report ${reportId}`, async (ctx) => {
      const repo = new IncidentReportRepo(ctx);
      const report = await repo.get(scope, reportId);
      const into = await repo.get(scope, intoId);
      if (into.status === 'merged' || into.status === 'rejected') throw validationError(`intoReportId: that report is ${into.status}`, { field: 'intoReportId' });
      if (report.status !== 'new') throw validationError(`the report is already ${report.status}`, { field: 'status' });
      const now = nowIso(ctx);
      await ctx.db.updateTable('incident_reports').set({ status: 'merged', merged_into: intoId, incident_id: into.incidentId, triaged_by: by, triaged_at: now, updated_at: now }).where('id', '=', reportId).execute();
      if (into.incidentId !== null) {
        await addTimeline(ctx, into.incidentId, { source: 'system', kind: 'report-linked', text: TL.reportLinked(`${report.reference} (= ${into.reference})`), actor: by, includeInReport: false, ref: { reportId, mergedInto: intoId }, at: report.createdAt });
      }
      return repo.get(scope, reportId);
    });
  }

  async reject(scope: AgencyScope, reportId: string, reason: string, by: string): Promise<IncidentReport> {
    return tx(this.#ctx, `rejecting report ${reportId}`, async (ctx) => {
      const repo = new IncidentReportRepo(ctx);
      const report = await repo.get(scope, reportId);
      if (report.status !== 'new') throw validationError(`the report is already ${report.status}`, { field: 'status' });
      const now = nowIso(ctx);
      await ctx.db.updateTable('incident_reports').set({ status: 'rejected', status_reason: reason, triaged_by: by, triaged_at: now, updated_at: now }).where('id', '=', reportId).execute();
      return repo.get(scope, reportId);
    });
  }

  /** Record a stored photo's metadata on a report (and on its incident's timeline). */
  async addPhoto(reportId: string, p: Omit<Photo, 'id' | 'reportId' | 'incidentId' | 'createdAt'>): Promise<Photo> {
    return tx(this.#ctx, 'recording a photo', async (ctx) => {
      const report = await this.#getUnscoped(ctx, reportId);
      const row: IncidentPhotoTable = {
        id: randomUUID(), report_id: report.id, incident_id: null, sha256: p.sha256, content_type: p.contentType, size: p.size, width: p.width, height: p.height,
        original_name: p.originalName, path: p.path, removed: ctx.d.json(p.removed), uploaded_by: p.uploadedBy, created_at: nowIso(ctx),
      };
      await ctx.db.insertInto('incident_photos').values(row).execute();
      if (report.incidentId !== null) {
        await addTimeline(ctx, report.incidentId, { source: 'reporter', kind: 'photo-added', text: TL.photoAdded(report.reference, p.sha256), actor: p.uploadedBy, includeInReport: false, ref: { reportId, photoId: row.id } });
      }
      return toPhoto(ctx, row);
    });
  }

  async photosOf(reportId: string): Promise<Photo[]> {
    const rows = await run(this.#ctx, 'listing photos', (db) => db.selectFrom('incident_photos').selectAll().where('report_id', '=', reportId).orderBy('created_at').orderBy('id').execute());
    return rows.map((r) => toPhoto(this.#ctx, r));
  }

  /** A photo the caller may see: its report's or incident's agency is in scope. */
  async photo(scope: AgencyScope, id: string): Promise<Photo> {
    const r = await run(this.#ctx, 'reading a photo', (db) =>
      db.selectFrom('incident_photos')
        .leftJoin('incident_reports', 'incident_reports.id', 'incident_photos.report_id')
        .leftJoin('incidents', 'incidents.id', 'incident_photos.incident_id')
        .selectAll('incident_photos').select(['incident_reports.agency_id as report_agency', 'incidents.agency_id as incident_agency'])
        .where('incident_photos.id', '=', id).executeTakeFirst(),
    );
    const agency = r?.report_agency ?? r?.incident_agency ?? null;
    if (r === undefined || agency === null) throw notFound('photo', id);
    assertInScope(scope, agency, 'photo', id);
    return toPhoto(this.#ctx, r);
  }

  /** How many photos a report already has (the public form caps them). */
  async photoCount(reportId: string): Promise<number> {
    const r = await run(this.#ctx, 'counting photos', (db) => db.selectFrom('incident_photos').select((eb) => eb.fn.countAll<number>().as('n')).where('report_id', '=', reportId).executeTakeFirstOrThrow());
    return Number(r.n);
  }
}
