// Incidents (docs/incidents.md): the record the city CSIRT and the agency's IT officer work on. Every
// write runs in one transaction with the timeline entry that records it and, for phase changes, the
// alert outbox row (`incident.phase-changed`). Scoped like all agency data: a row outside the caller's
// scope is reported as missing. System paths (the clock sweep, the scan hook) pass 'all'.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound, validationError } from '../../domain/errors.js';
import {
  assertPhaseMove, CLASSIFICATIONS, incidentNumber, phaseIndex, RISK_LEVELS, SECTORS, SEVERITIES,
} from '../../domain/incident.js';
import type { Closure, IncidentRecord, IncidentTopic, Phase, RiskLevel, Sector, Text, TimelineKind, TimelineSource } from '../../domain/incident.js';
import { clocksOf } from '../../domain/incident-clocks.js';
import { osSummary, smbSummary } from '../../domain/observation.js';
import type { OsSummary, SmbSummary } from '../../domain/observation.js';
import type { Clock, ClockInput } from '../../domain/incident-clocks.js';
import type { IncidentDossier, IncidentSettings, StatsIncident } from '../../domain/incident-report.js';
import { DETECTION_SOURCES } from '../../domain/incident-report.js';
import { TL } from '../../domain/incident-timeline.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { IncidentTable } from '../schema-incidents.js';
import { addTimeline, decodeCursor, encodeCursor, markFirstResponse, readSettings, SETTINGS_KEY } from './incident-shared.js';
import type { TimelineInput } from './incident-shared.js';
import { toReport } from './incident-reports.js';
import { PlaybookRepo } from './playbooks.js';

/** An incident as stored (the domain's IncidentRecord). */
export type Incident = IncidentRecord;

export interface NewIncident {
  readonly agencyId: string;
  readonly title: string;
  readonly description?: string | null;
  readonly classification?: string | null;
  readonly severity?: string | null;
  readonly riskLevel?: string | null;
  readonly vital?: boolean;
  readonly sector?: string | null;
  readonly personalData?: boolean;
  readonly detectedBy?: string;
  readonly foundAt?: string | null;
  readonly owner?: string | null;
  readonly createdBy: string;
  /** Open the incident from this report (it becomes linked; found/reported times come from it). */
  readonly fromReportId?: string | null;
}

export interface IncidentPatch {
  readonly title?: string;
  readonly description?: string | null;
  readonly classification?: string | null;
  readonly severity?: string | null;
  readonly riskLevel?: string | null;
  readonly vital?: boolean;
  readonly sector?: string | null;
  readonly personalData?: boolean;
  readonly foundAt?: string;
  readonly owner?: string | null;
}

export interface IncidentListFilter {
  readonly agencyId?: string;
  readonly phase?: Phase;
  /** true: not closed; false: closed only. */
  readonly open?: boolean;
  readonly limit?: number;
  readonly cursor?: string;
}

export interface TimelineEntry {
  readonly id: number;
  readonly at: string;
  readonly tz: string;
  readonly source: TimelineSource;
  readonly kind: TimelineKind;
  readonly text: Text;
  readonly actor: string | null;
  readonly includeInReport: boolean;
  readonly ref: Record<string, unknown> | null;
}

export interface LinkedAsset {
  readonly assetId: string;
  readonly agencyId: string;
  readonly ip: string;
  readonly netbiosName: string | null;
  readonly dnsName: string | null;
  /** The inventory's view of the scan facts (null where the scans could not tell; never false for unknown). */
  readonly os: OsSummary | null;
  readonly smb: SmbSummary | null;
  readonly criticality: string;
  readonly riskRating: string | null;
  readonly lastSeen: string;
  readonly lastJobId: string | null;
  readonly how: string;
  readonly linkedBy: string;
  readonly linkedAt: string;
  readonly openFindings: readonly { readonly id: string; readonly ruleId: string; readonly port: number; readonly severity: string; readonly title: Text; readonly firstSeen: string; readonly lastSeen: string; readonly linked: boolean }[];
}

export interface Countermeasure { readonly id: string; readonly kind: string; readonly target: string; readonly device: string | null; readonly appliedBy: string; readonly appliedAt: string; readonly removedAt: string | null; readonly removedBy: string | null; readonly note: string | null }
export interface ExternalRequest { readonly id: string; readonly party: string; readonly subject: string; readonly sentAt: string; readonly sentBy: string; readonly answer: string | null; readonly answeredAt: string | null }
export interface ServiceImpact { readonly id: string; readonly service: string; readonly downFrom: string; readonly downTo: string | null; readonly fallback: string | null; readonly peopleAffected: number | null; readonly note: string | null }
export interface RegulatorySend { readonly id: string; readonly kind: string; readonly sentAt: string; readonly sentBy: string; readonly to: string; readonly reference: string | null }
export interface IncidentScan { readonly jobId: string; readonly stepId: string | null; readonly startedBy: string; readonly startedAt: string; readonly resultRecordedAt: string | null; readonly status: string; readonly targets: readonly string[]; readonly finishedAt: string | null }

/** Findings whose appearance on an asset of a unit with an open incident links them to it by themselves. */
export const AUTO_LINK_RULES = ['doublepulsar', 'ms17-010'] as const;
/** The findings the incident view shows per asset. */
export const INCIDENT_FINDING_RULES = ['ms17-010', 'doublepulsar', 'smbv1', 'exposure-smb', 'exposure-rdp', 'smb-os-eol'] as const;

function toIncident(ctx: Ctx, r: Selectable<IncidentTable>): Incident {
  const d = ctx.d;
  return {
    id: r.id, number: r.number, agencyId: r.agency_id, title: r.title, description: r.description, classification: r.classification, severity: r.severity,
    riskLevel: r.risk_level as RiskLevel | null, vital: d.fromBool(r.vital), sector: r.sector as Sector | null, personalData: d.fromBool(r.personal_data), phase: r.phase as Phase,
    detectedBy: r.detected_by, foundAt: r.found_at, reportedAt: r.reported_at, acknowledgedAt: r.acknowledged_at, firstResponseAt: r.first_response_at, containedAt: r.contained_at,
    restoredAt: r.restored_at, closedAt: r.closed_at, closure: d.fromJson<Closure>(r.closure), owner: r.owner, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
    version: r.version,
  };
}

function oneOf(v: string | null | undefined, allowed: readonly string[], field: string): string | null {
  if (v === undefined || v === null || v === '') return null;
  if (!allowed.includes(v)) throw validationError(`${field}: one of ${allowed.join(', ')}`, { field });
  return v;
}

function nonEmpty(v: string | undefined | null, field: string, max: number): string {
  const s = (v ?? '').trim();
  if (s === '' || s.length > max) throw validationError(`${field}: 1–${max} characters`, { field });
  return s;
}

export function clockInput(i: Incident, regulatory: readonly { kind: string; sentAt: string }[]): ClockInput {
  const first = (kind: (k: string) => boolean) => regulatory.filter((r) => kind(r.kind)).map((r) => r.sentAt).sort()[0] ?? null;
  return {
    foundAt: i.foundAt, reportedAt: i.reportedAt, acknowledgedAt: i.acknowledgedAt, firstResponseAt: i.firstResponseAt, containedAt: i.containedAt,
    bssnReportSentAt: first((k) => k.startsWith('bssn-')), pdpNoticeSentAt: first((k) => k === 'pdp-notice'), closedAt: i.closedAt, vital: i.vital, personalData: i.personalData,
  };
}

export class IncidentRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  async #inScope(ctx: Ctx, scope: AgencyScope, id: string): Promise<Incident> {
    const r = await ctx.db.selectFrom('incidents').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst();
    if (r === undefined) throw notFound('incident', id);
    return toIncident(ctx, r);
  }

  async #open(ctx: Ctx, scope: AgencyScope, id: string): Promise<Incident> {
    const i = await this.#inScope(ctx, scope, id);
    if (i.phase === 'closed') throw validationError('the incident is closed', { field: 'phase' });
    return i;
  }

  /** Open an incident (from a report, or directly: a scan or a warning found it). Numbered INS-<year>-<n>. */
  async create(scope: AgencyScope, input: NewIncident): Promise<Incident> {
    return tx(this.#ctx, 'opening an incident', async (ctx) => {
      assertInScope(scope, input.agencyId, 'agency', input.agencyId);
      const agency = await ctx.db.selectFrom('agencies').select(['id', 'retired_at']).where('id', '=', input.agencyId).executeTakeFirst();
      if (agency === undefined) throw notFound('agency', input.agencyId);
      const now = nowIso(ctx);
      let report: ReturnType<typeof toReport> | undefined;
      if (input.fromReportId != null) {
        const r = await ctx.db.selectFrom('incident_reports').selectAll().where('id', '=', input.fromReportId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
        if (r === undefined) throw notFound('incident report', input.fromReportId);
        report = toReport(ctx, r);
        if (report.status !== 'new') throw validationError(`fromReportId: the report is already ${report.status}`, { field: 'fromReportId' });
      }
      const foundAt = input.foundAt ?? report?.since ?? report?.createdAt ?? now;
      if (Number.isNaN(Date.parse(foundAt)) || Date.parse(foundAt) > Date.parse(now) + 10 * 60_000) throw validationError('foundAt: a time not in the future', { field: 'foundAt' });
      // Sequential per year, serialised across processes (advisory lock on PostgreSQL; SQLite's write lock).
      await ctx.d.lock(ctx.db, 'incident-number');
      const year = new Date(now).getUTCFullYear();
      const last = await ctx.db.selectFrom('incidents').select('number').where('number', 'like', `INS-${year}-%`).orderBy('number', 'desc').limit(1).executeTakeFirst();
      const seq = last === undefined ? 1 : Number(last.number.slice(`INS-${year}-`.length)) + 1;
      const row: IncidentTable = {
        id: randomUUID(), number: incidentNumber(year, seq), agency_id: input.agencyId, title: nonEmpty(input.title, 'title', 200), description: input.description ?? null,
        classification: oneOf(input.classification, CLASSIFICATIONS, 'classification'), severity: oneOf(input.severity, SEVERITIES, 'severity'),
        risk_level: oneOf(input.riskLevel, RISK_LEVELS, 'riskLevel'), vital: ctx.d.bool(input.vital === true), sector: oneOf(input.sector, SECTORS, 'sector'),
        personal_data: ctx.d.bool(input.personalData === true), phase: report !== undefined ? 'triaged' : 'new',
        detected_by: oneOf(input.detectedBy ?? (report !== undefined ? 'user-report' : 'other'), DETECTION_SOURCES, 'detectedBy')!,
        found_at: ctx.d.time(foundAt), reported_at: report?.createdAt ?? now, acknowledged_at: report !== undefined ? now : null, first_response_at: null, contained_at: null,
        restored_at: null, closed_at: null, closure: null, owner: input.owner ?? null, created_by: input.createdBy, created_at: now, updated_at: now, version: 1,
      };
      await ctx.db.insertInto('incidents').values(row).execute();
      await addTimeline(ctx, row.id, { source: 'system', kind: 'incident-opened', text: TL.opened(row.number), actor: input.createdBy, includeInReport: true });
      if (report !== undefined) {
        const unit = await ctx.db.selectFrom('agencies').select(['code', 'name']).where('id', '=', report.agencyId).executeTakeFirstOrThrow();
        await addTimeline(ctx, row.id, { source: 'reporter', kind: 'report-received', text: TL.reportReceived(report.reference, `${unit.name} (${unit.code})`), actor: report.reporterName, includeInReport: true, ref: { reportId: report.id }, at: report.createdAt });
        await ctx.db.updateTable('incident_reports').set({ status: 'linked', incident_id: row.id, triaged_by: input.createdBy, triaged_at: now, updated_at: now }).where('id', '=', report.id).execute();
        // Photos sent with the report become the incident's evidence as well.
      }
      if (row.classification !== null) await new PlaybookRepo(ctx).autoAttach(row.id, input.createdBy);
      return toIncident(ctx, row);
    });
  }

  /** By its number (INS-2025-0007), as people and the CLI name it. */
  async byNumber(scope: AgencyScope, number: string): Promise<Incident> {
    const r = await run(this.#ctx, 'reading an incident', (db) => db.selectFrom('incidents').selectAll().where('number', '=', number.trim().toUpperCase()).where(scopeFilter('agency_id', scope)).executeTakeFirst());
    if (r === undefined) throw notFound('incident', number);
    return toIncident(this.#ctx, r);
  }

  async get(scope: AgencyScope, id: string): Promise<Incident> {
    return run(this.#ctx, 'reading an incident', () => this.#inScope(this.#ctx, scope, id));
  }

  /** The incident queue: newest first, keyset-paged; `open` uses the (closed_at, created_at, id) indexes. */
  async list(scope: AgencyScope, f: IncidentListFilter = {}): Promise<{ items: Incident[]; next: string | null }> {
    const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
    const rows = await run(this.#ctx, 'listing incidents', (db) => {
      let q = db.selectFrom('incidents').selectAll().where(scopeFilter('agency_id', scope));
      if (f.agencyId !== undefined) q = q.where('agency_id', '=', f.agencyId);
      if (f.open === true) q = q.where('closed_at', 'is', null);
      if (f.open === false) q = q.where('closed_at', 'is not', null);
      if (f.phase !== undefined) q = q.where('phase', '=', f.phase);
      const c = decodeCursor(f.cursor);
      if (c !== undefined) q = q.where((eb) => eb.or([eb('created_at', '<', c.at), eb.and([eb('created_at', '=', c.at), eb('id', '<', c.id)])]));
      return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    });
    const items = rows.slice(0, limit).map((r) => toIncident(this.#ctx, r));
    const last = items[items.length - 1];
    return { items, next: rows.length > limit && last !== undefined ? encodeCursor(last.createdAt, last.id) : null };
  }

  /** Classify, set flags, describe (CSIRT triage). A changed classification attaches matching playbooks. */
  async update(scope: AgencyScope, id: string, p: IncidentPatch, by: string): Promise<Incident> {
    return tx(this.#ctx, `updating incident ${id}`, async (ctx) => {
      const i = await this.#open(ctx, scope, id);
      const set: Partial<IncidentTable> = {};
      if (p.title !== undefined) set.title = nonEmpty(p.title, 'title', 200);
      if (p.description !== undefined) set.description = p.description;
      if (p.classification !== undefined) set.classification = oneOf(p.classification, CLASSIFICATIONS, 'classification');
      if (p.severity !== undefined) set.severity = oneOf(p.severity, SEVERITIES, 'severity');
      if (p.riskLevel !== undefined) set.risk_level = oneOf(p.riskLevel, RISK_LEVELS, 'riskLevel');
      if (p.vital !== undefined) set.vital = ctx.d.bool(p.vital);
      if (p.sector !== undefined) set.sector = oneOf(p.sector, SECTORS, 'sector');
      if (p.personalData !== undefined) set.personal_data = ctx.d.bool(p.personalData);
      if (p.owner !== undefined) set.owner = p.owner;
      if (p.foundAt !== undefined) {
        if (Number.isNaN(Date.parse(p.foundAt)) || Date.parse(p.foundAt) > Date.parse(nowIso(ctx)) + 10 * 60_000) throw validationError('foundAt: a time not in the future', { field: 'foundAt' });
        set.found_at = ctx.d.time(p.foundAt);
      }
      const now = nowIso(ctx);
      await ctx.db.updateTable('incidents').set({ ...set, updated_at: now, version: i.version + 1, acknowledged_at: i.acknowledgedAt ?? now }).where('id', '=', id).execute();
      const after = await this.#inScope(ctx, scope, id);
      const triage = ['classification', 'severity', 'riskLevel', 'vital', 'personalData', 'sector'] as const;
      if (triage.some((k) => p[k] !== undefined && after[k] !== i[k])) {
        await addTimeline(ctx, id, { source: 'user', kind: 'classified', text: TL.classified(after), actor: by, includeInReport: true });
      }
      if (i.phase === 'new') await this.#movePhase(ctx, after, 'triaged', by, null);
      if (after.classification !== i.classification) await new PlaybookRepo(ctx).autoAttach(id, by);
      return this.#inScope(ctx, scope, id);
    });
  }

  async #movePhase(ctx: Ctx, i: Incident, to: Phase, by: string, note: string | null): Promise<void> {
    assertPhaseMove(i.phase, to);
    const now = nowIso(ctx);
    const set: Partial<IncidentTable> = { phase: to, updated_at: now };
    // Contained once the incident moves beyond containment; the first move into containment is a response.
    if (phaseIndex(to) > phaseIndex('containment') && i.containedAt === null && to !== 'closed') set.contained_at = now;
    if (to === 'containment' && i.firstResponseAt === null) set.first_response_at = now;
    if (i.acknowledgedAt === null) set.acknowledged_at = now;
    await ctx.db.updateTable('incidents').set(set).where('id', '=', i.id).execute();
    await addTimeline(ctx, i.id, { source: 'system', kind: 'phase-changed', text: TL.phase(i.phase, to, note), actor: by, includeInReport: true, ref: { from: i.phase, to } });
    await ctx.db.insertInto('outbox').values({
      topic: 'incident.phase-changed' satisfies IncidentTopic, dedup_key: `incident-phase:${i.id}:${i.phase}:${to}:${now}`, agency_id: i.agencyId,
      payload: ctx.d.json({ incidentId: i.id, number: i.number, agencyId: i.agencyId, from: i.phase, to, severity: i.severity ?? 'high', title: { id: `${i.number}: ${TL.phase(i.phase, to, null).id}`, en: `${i.number}: ${TL.phase(i.phase, to, null).en}` } }),
      created_at: now, available_at: now, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
    }).onConflict((oc) => oc.column('dedup_key').doNothing()).execute();
  }

  /** Move the incident along its phases (PHASE_TRANSITIONS); closing goes through close(). */
  async setPhase(scope: AgencyScope, id: string, to: Phase, by: string, note: string | null = null): Promise<Incident> {
    if (to === 'closed') throw validationError('phase: close the incident with its closure record (declared by, criteria, lessons)', { field: 'phase' });
    return tx(this.#ctx, `moving incident ${id}`, async (ctx) => {
      const i = await this.#inScope(ctx, scope, id);
      await this.#movePhase(ctx, i, to, by, note);
      return this.#inScope(ctx, scope, id);
    });
  }

  /** Declare the incident over: a validated closure (domain validateClosure) recorded with the move to closed. */
  async close(scope: AgencyScope, id: string, closure: Closure, by: string): Promise<Incident> {
    return tx(this.#ctx, `closing incident ${id}`, async (ctx) => {
      const i = await this.#inScope(ctx, scope, id);
      await this.#movePhase(ctx, i, 'closed', by, null);
      const now = nowIso(ctx);
      await ctx.db.updateTable('incidents').set({ closed_at: now, closure: ctx.d.json(closure), restored_at: i.restoredAt ?? now, contained_at: i.containedAt ?? now }).where('id', '=', id).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'closed', text: TL.closed(closure.declaredBy), actor: by, includeInReport: true });
      return this.#inScope(ctx, scope, id);
    });
  }

  // ---- assets and findings --------------------------------------------------------------------------

  /** Link inventory assets (each must be in the caller's scope). Already linked ones are left as they are. */
  async linkAssets(scope: AgencyScope, id: string, assetIds: readonly string[], how: string, by: string): Promise<number> {
    return tx(this.#ctx, `linking assets to incident ${id}`, async (ctx) => {
      await this.#open(ctx, scope, id);
      let n = 0;
      for (const assetId of new Set(assetIds)) {
        const a = await ctx.db.selectFrom('assets').select(['id', 'ip', 'netbios_name']).where('id', '=', assetId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
        if (a === undefined) throw notFound('asset', assetId);
        const r = await ctx.db.insertInto('incident_assets').values({ incident_id: id, asset_id: assetId, how, linked_by: by, linked_at: nowIso(ctx) })
          .onConflict((oc) => oc.columns(['incident_id', 'asset_id']).doNothing()).executeTakeFirst();
        if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
        n++;
        await addTimeline(ctx, id, { source: how === 'auto' ? 'scan' : 'user', kind: 'asset-linked', text: TL.assetLinked(a.netbios_name !== null ? `${a.ip} [${a.netbios_name}]` : a.ip, how), actor: by, includeInReport: true, ref: { assetId } });
      }
      if (n > 0) await new PlaybookRepo(ctx).autoAttach(id, by);
      return n;
    });
  }

  async unlinkAsset(scope: AgencyScope, id: string, assetId: string, by: string): Promise<void> {
    await tx(this.#ctx, `unlinking an asset from incident ${id}`, async (ctx) => {
      await this.#open(ctx, scope, id);
      const a = await ctx.db.selectFrom('incident_assets').innerJoin('assets', 'assets.id', 'incident_assets.asset_id').select(['assets.ip', 'assets.agency_id'])
        .where('incident_id', '=', id).where('asset_id', '=', assetId).executeTakeFirst();
      if (a === undefined) throw notFound('linked asset', assetId);
      assertInScope(scope, a.agency_id, 'linked asset', assetId);
      await ctx.db.deleteFrom('incident_assets').where('incident_id', '=', id).where('asset_id', '=', assetId).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'asset-unlinked', text: TL.assetUnlinked(a.ip), actor: by, includeInReport: false, ref: { assetId } });
    });
  }

  /** The linked assets with their scan facts and open findings (the ransomware rules), findings linked marked. */
  async assets(scope: AgencyScope, id: string): Promise<LinkedAsset[]> {
    return tx(this.#ctx, 'reading linked assets', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_assets').innerJoin('assets', 'assets.id', 'incident_assets.asset_id')
        .selectAll('assets').select(['incident_assets.how', 'incident_assets.linked_by', 'incident_assets.linked_at'])
        .where('incident_assets.incident_id', '=', id).where(scopeFilter('assets.agency_id', scope)).orderBy('assets.ip_key').execute();
      if (rows.length === 0) return [];
      const findings = await ctx.db.selectFrom('findings').select(['id', 'asset_id', 'rule_id', 'port', 'severity', 'title', 'first_seen', 'last_seen'])
        .where('asset_id', 'in', rows.map((r) => r.id)).where('status', '=', 'open').where('rule_id', 'in', [...INCIDENT_FINDING_RULES]).orderBy('severity_rank', 'desc').execute();
      const linked = new Set((await ctx.db.selectFrom('incident_findings').select('finding_id').where('incident_id', '=', id).execute()).map((r) => r.finding_id));
      return rows.map((r) => ({
        assetId: r.id, agencyId: r.agency_id, ip: r.ip, netbiosName: r.netbios_name, dnsName: r.dns_name, os: osSummary(ctx.d.fromJson<unknown>(r.os)) ?? null, smb: smbSummary(ctx.d.fromJson<unknown>(r.smb)) ?? null,
        criticality: r.criticality, riskRating: r.risk_rating, lastSeen: r.last_seen, lastJobId: r.last_job_id, how: r.how, linkedBy: r.linked_by, linkedAt: r.linked_at,
        openFindings: findings.filter((f) => f.asset_id === r.id).map((f) => ({
          id: f.id, ruleId: f.rule_id, port: f.port, severity: f.severity, title: ctx.d.fromJson<Text>(f.title) ?? { id: f.rule_id, en: f.rule_id }, firstSeen: f.first_seen, lastSeen: f.last_seen, linked: linked.has(f.id),
        })),
      }));
    });
  }

  /**
   * After a scan is finalized (src/worker/incident-hook.ts): a DoublePulsar or MS17-010 finding the job
   * opened or reopened, on an asset of a unit with an open incident (or an asset already linked to one),
   * is linked to that incident with its asset. Idempotent: a finding or asset already linked is skipped.
   */
  async autoLinkJobFindings(jobId: string): Promise<{ incidentId: string; findingId: string }[]> {
    return tx(this.#ctx, `linking the findings of scan ${jobId} to open incidents`, async (ctx) => {
      // Most scans happen with no incident open: one indexed probe and done.
      if ((await ctx.db.selectFrom('incidents').select('id').where('closed_at', 'is', null).limit(1).executeTakeFirst()) === undefined) return [];
      const found = await ctx.db.selectFrom('finding_events').innerJoin('findings', 'findings.id', 'finding_events.finding_id')
        .innerJoin('assets', 'assets.id', 'findings.asset_id')
        .select(['findings.id as finding_id', 'findings.asset_id', 'findings.agency_id', 'findings.rule_id', 'assets.ip', 'assets.netbios_name'])
        .where('finding_events.job_id', '=', jobId).where('finding_events.to_status', '=', 'open').where('findings.rule_id', 'in', [...AUTO_LINK_RULES]).execute();
      const out: { incidentId: string; findingId: string }[] = [];
      for (const f of found) {
        const targets = await ctx.db.selectFrom('incidents').select(['id']).where('closed_at', 'is', null)
          .where((eb) => eb.or([
            eb('agency_id', '=', f.agency_id),
            eb('id', 'in', eb.selectFrom('incident_assets').select('incident_id').where('asset_id', '=', f.asset_id)),
          ])).execute();
        for (const t of targets) {
          const r = await ctx.db.insertInto('incident_findings').values({ incident_id: t.id, finding_id: f.finding_id, auto: ctx.d.bool(true), linked_by: 'perisai', linked_at: nowIso(ctx) })
            .onConflict((oc) => oc.columns(['incident_id', 'finding_id']).doNothing()).executeTakeFirst();
          if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) continue;
          await ctx.db.insertInto('incident_assets').values({ incident_id: t.id, asset_id: f.asset_id, how: 'auto', linked_by: 'perisai', linked_at: nowIso(ctx) })
            .onConflict((oc) => oc.columns(['incident_id', 'asset_id']).doNothing()).execute();
          const what = f.netbios_name !== null ? `${f.ip} [${f.netbios_name}]` : f.ip;
          await addTimeline(ctx, t.id, { source: 'scan', kind: 'finding-linked', text: TL.findingLinked(f.rule_id, what, true), actor: 'perisai', includeInReport: true, ref: { findingId: f.finding_id, assetId: f.asset_id, jobId } });
          out.push({ incidentId: t.id, findingId: f.finding_id });
        }
      }
      return out;
    });
  }

  // ---- timeline ---------------------------------------------------------------------------------------

  async addTimeline(scope: AgencyScope, id: string, e: TimelineInput): Promise<TimelineEntry> {
    return tx(this.#ctx, `adding to the timeline of incident ${id}`, async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const entryId = await addTimeline(ctx, id, e);
      return (await new IncidentRepo(ctx).timeline(scope, id)).find((x) => x.id === entryId)!;
    });
  }

  async timeline(scope: AgencyScope, id: string): Promise<TimelineEntry[]> {
    return tx(this.#ctx, 'reading a timeline', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_timeline').selectAll().where('incident_id', '=', id).orderBy('at').orderBy('id').execute();
      return rows.map((r) => ({
        id: r.id, at: r.at, tz: r.tz, source: r.source as TimelineSource, kind: r.kind as TimelineKind, text: ctx.d.fromJson<Text>(r.text)!, actor: r.actor,
        includeInReport: ctx.d.fromBool(r.include_in_report), ref: ctx.d.fromJson<Record<string, unknown>>(r.ref),
      }));
    });
  }

  async setIncludeInReport(scope: AgencyScope, id: string, entryId: number, include: boolean): Promise<void> {
    await tx(this.#ctx, 'flagging a timeline entry', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const r = await ctx.db.updateTable('incident_timeline').set({ include_in_report: ctx.d.bool(include) }).where('incident_id', '=', id).where('id', '=', entryId).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound('timeline entry', String(entryId));
    });
  }

  // ---- records beside the incident ---------------------------------------------------------------------

  async countermeasures(scope: AgencyScope, id: string): Promise<Countermeasure[]> {
    return tx(this.#ctx, 'reading countermeasures', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_countermeasures').selectAll().where('incident_id', '=', id).orderBy('applied_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, kind: r.kind, target: r.target, device: r.device, appliedBy: r.applied_by, appliedAt: r.applied_at, removedAt: r.removed_at, removedBy: r.removed_by, note: r.note }));
    });
  }

  async addCountermeasure(scope: AgencyScope, id: string, c: { kind: string; target: string; device: string | null; appliedBy: string; appliedAt: string; note: string | null }, by: string): Promise<string> {
    return tx(this.#ctx, 'recording a countermeasure', async (ctx) => {
      await this.#open(ctx, scope, id);
      const cid = randomUUID();
      await ctx.db.insertInto('incident_countermeasures').values({ id: cid, incident_id: id, kind: c.kind, target: c.target, device: c.device, applied_by: c.appliedBy, applied_at: ctx.d.time(c.appliedAt), removed_at: null, removed_by: null, note: c.note, created_at: nowIso(ctx) }).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'countermeasure', text: TL.countermeasure(c.kind, c.target, c.device), actor: by, includeInReport: true, ref: { countermeasureId: cid }, at: c.appliedAt });
      await markFirstResponse(ctx, id);
      return cid;
    });
  }

  async removeCountermeasure(scope: AgencyScope, id: string, countermeasureId: string, removedAt: string, by: string): Promise<void> {
    await tx(this.#ctx, 'removing a countermeasure', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const c = await ctx.db.selectFrom('incident_countermeasures').selectAll().where('id', '=', countermeasureId).where('incident_id', '=', id).executeTakeFirst();
      if (c === undefined) throw notFound('countermeasure', countermeasureId);
      if (c.removed_at !== null) throw validationError('the countermeasure was already removed', { field: 'countermeasureId' });
      if (Date.parse(removedAt) < Date.parse(c.applied_at)) throw validationError('removedAt: before it was applied', { field: 'removedAt' });
      await ctx.db.updateTable('incident_countermeasures').set({ removed_at: ctx.d.time(removedAt), removed_by: by }).where('id', '=', countermeasureId).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'countermeasure-removed', text: TL.countermeasureRemoved(c.kind, c.target), actor: by, includeInReport: true, ref: { countermeasureId }, at: removedAt });
    });
  }

  async requests(scope: AgencyScope, id: string): Promise<ExternalRequest[]> {
    return tx(this.#ctx, 'reading requests', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_requests').selectAll().where('incident_id', '=', id).orderBy('sent_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, party: r.party, subject: r.subject, sentAt: r.sent_at, sentBy: r.sent_by, answer: r.answer, answeredAt: r.answered_at }));
    });
  }

  async addRequest(scope: AgencyScope, id: string, q: { party: string; subject: string; sentAt: string }, by: string): Promise<string> {
    return tx(this.#ctx, 'recording a request', async (ctx) => {
      await this.#open(ctx, scope, id);
      const rid = randomUUID();
      await ctx.db.insertInto('incident_requests').values({ id: rid, incident_id: id, party: q.party, subject: q.subject, sent_at: ctx.d.time(q.sentAt), sent_by: by, answer: null, answered_at: null, created_at: nowIso(ctx) }).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'external-request', text: TL.request(q.party, q.subject), actor: by, includeInReport: true, ref: { requestId: rid }, at: q.sentAt });
      return rid;
    });
  }

  async answerRequest(scope: AgencyScope, id: string, requestId: string, a: { answer: string; answeredAt: string }, by: string): Promise<void> {
    await tx(this.#ctx, 'recording an answer', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const q = await ctx.db.selectFrom('incident_requests').selectAll().where('id', '=', requestId).where('incident_id', '=', id).executeTakeFirst();
      if (q === undefined) throw notFound('request', requestId);
      await ctx.db.updateTable('incident_requests').set({ answer: a.answer, answered_at: ctx.d.time(a.answeredAt) }).where('id', '=', requestId).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'request-answered', text: TL.requestAnswered(q.party, a.answer), actor: by, includeInReport: true, ref: { requestId }, at: a.answeredAt });
    });
  }

  async impacts(scope: AgencyScope, id: string): Promise<ServiceImpact[]> {
    return tx(this.#ctx, 'reading service impact', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_service_impacts').selectAll().where('incident_id', '=', id).orderBy('down_from').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, service: r.service, downFrom: r.down_from, downTo: r.down_to, fallback: r.fallback, peopleAffected: r.people_affected, note: r.note }));
    });
  }

  async addImpact(scope: AgencyScope, id: string, s: { service: string; downFrom: string; downTo: string | null; fallback: string | null; peopleAffected: number | null; note: string | null }, by: string): Promise<string> {
    return tx(this.#ctx, 'recording service impact', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const sid = randomUUID();
      await ctx.db.insertInto('incident_service_impacts').values({ id: sid, incident_id: id, service: s.service, down_from: ctx.d.time(s.downFrom), down_to: s.downTo === null ? null : ctx.d.time(s.downTo), fallback: s.fallback, people_affected: s.peopleAffected, note: s.note, created_at: nowIso(ctx) }).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'service-impact', text: TL.impact(s.service, s.fallback), actor: by, includeInReport: true, ref: { impactId: sid }, at: s.downFrom });
      if (s.downTo !== null) await this.#restoredIfAll(ctx, id, s.service, s.downTo, by, sid);
      return sid;
    });
  }

  async endImpact(scope: AgencyScope, id: string, impactId: string, downTo: string, by: string): Promise<void> {
    await tx(this.#ctx, 'ending a service impact', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const s = await ctx.db.selectFrom('incident_service_impacts').selectAll().where('id', '=', impactId).where('incident_id', '=', id).executeTakeFirst();
      if (s === undefined) throw notFound('service impact', impactId);
      if (s.down_to !== null) throw validationError('the service was already recorded as restored', { field: 'impactId' });
      if (Date.parse(downTo) < Date.parse(s.down_from)) throw validationError('downTo: before the service went down', { field: 'downTo' });
      await ctx.db.updateTable('incident_service_impacts').set({ down_to: ctx.d.time(downTo) }).where('id', '=', impactId).execute();
      await this.#restoredIfAll(ctx, id, s.service, downTo, by, impactId);
    });
  }

  /** A service back up is on the timeline; when every recorded service is back, the incident is restored. */
  async #restoredIfAll(ctx: Ctx, id: string, service: string, at: string, by: string, impactId: string): Promise<void> {
    await addTimeline(ctx, id, { source: 'user', kind: 'service-restored', text: TL.restored(service), actor: by, includeInReport: true, ref: { impactId }, at });
    const down = await ctx.db.selectFrom('incident_service_impacts').select(['id']).where('incident_id', '=', id).where('down_to', 'is', null).executeTakeFirst();
    if (down !== undefined) return;
    const last = await ctx.db.selectFrom('incident_service_impacts').select(['down_to']).where('incident_id', '=', id).orderBy('down_to', 'desc').limit(1).executeTakeFirst();
    await ctx.db.updateTable('incidents').set({ restored_at: last?.down_to ?? ctx.d.time(at) }).where('id', '=', id).execute();
  }

  async regulatory(scope: AgencyScope, id: string): Promise<RegulatorySend[]> {
    return tx(this.#ctx, 'reading regulatory sends', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_regulatory').selectAll().where('incident_id', '=', id).orderBy('sent_at').orderBy('id').execute();
      return rows.map((r) => ({ id: r.id, kind: r.kind, sentAt: r.sent_at, sentBy: r.sent_by, to: r.to_party, reference: r.reference }));
    });
  }

  /** Record that a report or notice went out (this is what meets the BSSN and PDP clocks). */
  async recordRegulatory(scope: AgencyScope, id: string, s: { kind: string; sentAt: string; to: string; reference: string | null }, by: string): Promise<string> {
    return tx(this.#ctx, 'recording a regulatory send', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      if (Date.parse(s.sentAt) > Date.parse(nowIso(ctx)) + 10 * 60_000) throw validationError('sentAt: in the future', { field: 'sentAt' });
      const rid = randomUUID();
      await ctx.db.insertInto('incident_regulatory').values({ id: rid, incident_id: id, kind: s.kind, sent_at: ctx.d.time(s.sentAt), sent_by: by, to_party: s.to, reference: s.reference, created_at: nowIso(ctx) }).execute();
      await addTimeline(ctx, id, { source: 'user', kind: 'regulatory-sent', text: TL.regulatory(s.kind, s.to), actor: by, includeInReport: true, ref: { regulatoryId: rid }, at: s.sentAt });
      return rid;
    });
  }

  // ---- scans started from the incident -----------------------------------------------------------------

  async recordScan(scope: AgencyScope, id: string, jobId: string, stepId: string | null, by: string, targets: readonly string[]): Promise<void> {
    await tx(this.#ctx, 'recording an incident scan', async (ctx) => {
      await this.#open(ctx, scope, id);
      await ctx.db.insertInto('incident_scans').values({ incident_id: id, job_id: jobId, step_id: stepId, started_by: by, started_at: nowIso(ctx), result_recorded_at: null }).execute();
      await addTimeline(ctx, id, { source: 'scan', kind: 'scan-started', text: TL.scanStarted(targets), actor: by, includeInReport: true, ref: { jobId, ...(stepId !== null ? { stepId } : {}) } });
      await markFirstResponse(ctx, id);
    });
  }

  async scans(scope: AgencyScope, id: string): Promise<IncidentScan[]> {
    return tx(this.#ctx, 'reading incident scans', async (ctx) => {
      await this.#inScope(ctx, scope, id);
      const rows = await ctx.db.selectFrom('incident_scans').innerJoin('scan_jobs', 'scan_jobs.id', 'incident_scans.job_id')
        .select(['incident_scans.job_id', 'incident_scans.step_id', 'incident_scans.started_by', 'incident_scans.started_at', 'incident_scans.result_recorded_at', 'scan_jobs.status', 'scan_jobs.targets', 'scan_jobs.finished_at'])
        .where('incident_scans.incident_id', '=', id).orderBy('incident_scans.started_at').execute();
      return rows.map((r) => ({ jobId: r.job_id, stepId: r.step_id, startedBy: r.started_by, startedAt: r.started_at, resultRecordedAt: r.result_recorded_at, status: r.status, targets: ctx.d.fromJson<string[]>(r.targets) ?? [], finishedAt: r.finished_at }));
    });
  }

  /**
   * Put the result of finished scans started from incidents on their timelines (once): the job's status,
   * hosts, new findings, and the open ransomware findings on the agency's assets. `jobId` limits it to one
   * job (the finalize hook); without it, every pending one (the sweep, after a crash between the two).
   */
  async recordScanResults(jobId?: string): Promise<number> {
    return tx(this.#ctx, 'recording incident scan results', async (ctx) => {
      let q = ctx.db.selectFrom('incident_scans').innerJoin('scan_jobs', 'scan_jobs.id', 'incident_scans.job_id').innerJoin('incidents', 'incidents.id', 'incident_scans.incident_id')
        .select(['incident_scans.incident_id', 'incident_scans.job_id', 'scan_jobs.status', 'scan_jobs.summary', 'scan_jobs.finished_at', 'incidents.agency_id'])
        .where('incident_scans.result_recorded_at', 'is', null).where('scan_jobs.status', 'in', ['completed', 'failed', 'cancelled']);
      if (jobId !== undefined) q = q.where('incident_scans.job_id', '=', jobId);
      const rows = await q.execute();
      for (const r of rows) {
        const summary = ctx.d.fromJson<{ assets?: number; findings?: { opened?: number } }>(r.summary);
        const counts = await ctx.db.selectFrom('findings').select(['rule_id']).select((eb) => eb.fn.countAll<number>().as('n'))
          .where('agency_id', 'in', ctx.db.selectFrom('agencies').select('id').where((eb) => eb.or([eb('id', '=', r.agency_id), eb('parent_id', '=', r.agency_id)])))
          .where('status', '=', 'open').where('rule_id', 'in', ['ms17-010', 'doublepulsar', 'smbv1']).groupBy('rule_id').execute();
        const n = (rule: string) => Number(counts.find((c) => c.rule_id === rule)?.n ?? 0);
        await addTimeline(ctx, r.incident_id, {
          source: 'scan', kind: 'scan-result', actor: 'perisai', includeInReport: true, ref: { jobId: r.job_id }, ...(r.finished_at !== null ? { at: r.finished_at } : {}),
          text: TL.scanResult(r.status, { hosts: summary?.assets ?? null, opened: summary?.findings?.opened ?? null, ms17010: n('ms17-010'), doublePulsar: n('doublepulsar'), smbv1: n('smbv1') }),
        });
        await ctx.db.updateTable('incident_scans').set({ result_recorded_at: nowIso(ctx) }).where('incident_id', '=', r.incident_id).where('job_id', '=', r.job_id).execute();
      }
      return rows.length;
    });
  }

  // ---- clocks ---------------------------------------------------------------------------------------------

  /** The incident's clocks now, with the settings' policy. */
  async clocks(scope: AgencyScope, id: string): Promise<Clock[]> {
    return tx(this.#ctx, 'reading clocks', async (ctx) => {
      const i = await this.#inScope(ctx, scope, id);
      const settings = await readSettings(ctx);
      return clocksOf(clockInput(i, await new IncidentRepo(ctx).regulatory(scope, id)), settings.clocks, ctx.clock());
    });
  }

  /** Open incidents (system: the clock sweep). */
  async openIncidents(): Promise<Incident[]> {
    const rows = await run(this.#ctx, 'listing open incidents', (db) => db.selectFrom('incidents').selectAll().where('closed_at', 'is', null).orderBy('created_at').execute());
    return rows.map((r) => toIncident(this.#ctx, r));
  }

  async firedClockEvents(id: string): Promise<Set<string>> {
    const rows = await run(this.#ctx, 'reading clock events', (db) => db.selectFrom('incident_clock_events').select(['clock_id', 'event']).where('incident_id', '=', id).execute());
    return new Set(rows.map((r) => `${r.clock_id}:${r.event}`));
  }

  /**
   * Announce a clock event once: the event row, the timeline entry and the alert outbox row in one
   * transaction; false when it was announced already (another sweep got there first).
   */
  async fireClockEvent(i: Incident, clock: Clock, event: 'warning' | 'breached', text: Text): Promise<boolean> {
    return tx(this.#ctx, 'announcing a clock event', async (ctx) => {
      const now = nowIso(ctx);
      const r = await ctx.db.insertInto('incident_clock_events').values({ incident_id: i.id, clock_id: clock.id, event, fired_at: now })
        .onConflict((oc) => oc.columns(['incident_id', 'clock_id', 'event']).doNothing()).executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await addTimeline(ctx, i.id, { source: 'system', kind: event === 'warning' ? 'clock-warning' : 'clock-breached', text, actor: null, includeInReport: event === 'breached', ref: { clockId: clock.id, dueAt: clock.dueAt } });
      await ctx.db.insertInto('outbox').values({
        topic: event === 'warning' ? 'incident.clock-warning' satisfies IncidentTopic : 'incident.clock-breached' satisfies IncidentTopic, dedup_key: `incident-clock:${i.id}:${clock.id}:${event}`, agency_id: i.agencyId,
        payload: ctx.d.json({ incidentId: i.id, number: i.number, agencyId: i.agencyId, clockId: clock.id, kind: clock.kind, dueAt: clock.dueAt, severity: clock.kind === 'regulatory' || event === 'breached' ? 'critical' : 'high', title: { id: `${i.number}: ${text.id}`, en: `${i.number}: ${text.en}` } }),
        created_at: now, available_at: now, attempts: 0, locked_until: null, delivered_at: null, last_error: null,
      }).onConflict((oc) => oc.column('dedup_key').doNothing()).execute();
      return true;
    });
  }

  // ---- settings and proof-of-work -----------------------------------------------------------------------

  async settings(): Promise<IncidentSettings> {
    return run(this.#ctx, 'reading incident settings', () => readSettings(this.#ctx));
  }

  async saveSettings(s: IncidentSettings, by: string): Promise<IncidentSettings> {
    return tx(this.#ctx, 'saving incident settings', async (ctx) => {
      const now = nowIso(ctx);
      await ctx.db.insertInto('incident_settings').values({ key: SETTINGS_KEY, value: ctx.d.json(s), updated_by: by, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: ctx.d.json(s), updated_by: by, updated_at: now })).execute();
      return readSettings(ctx);
    });
  }

  /** Spend a proof-of-work solution: true the first time, false when it was used before (a replay). */
  async spendPow(signature: string, expiresAt: string): Promise<boolean> {
    return tx(this.#ctx, 'recording a proof of work', async (ctx) => {
      const r = await ctx.db.insertInto('pow_spent').values({ signature, expires_at: ctx.d.time(expiresAt) }).onConflict((oc) => oc.column('signature').doNothing()).executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
    });
  }

  async purgePow(before: string): Promise<number> {
    return tx(this.#ctx, 'purging spent proofs of work', async (ctx) => {
      const r = await ctx.db.deleteFrom('pow_spent').where('expires_at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  // ---- documents --------------------------------------------------------------------------------------------

  /** Everything the BSSN report and the PDP notice are built from (domain/incident-report.ts). */
  async dossier(scope: AgencyScope, id: string): Promise<IncidentDossier> {
    return tx(this.#ctx, 'gathering an incident dossier', async (ctx) => {
      const repo = new IncidentRepo(ctx);
      const i = await this.#inScope(ctx, scope, id);
      const agency = await ctx.db.selectFrom('agencies').select(['id', 'code', 'name', 'kind']).where('id', '=', i.agencyId).executeTakeFirstOrThrow();
      const reports = (await ctx.db.selectFrom('incident_reports').selectAll().where('incident_id', '=', id).where('status', '=', 'linked').orderBy('created_at').execute()).map((r) => toReport(ctx, r));
      const [assets, timeline, impacts, countermeasures, requests, regulatory, scans, runs] = [
        await repo.assets(scope, id), await repo.timeline(scope, id), await repo.impacts(scope, id), await repo.countermeasures(scope, id), await repo.requests(scope, id),
        await repo.regulatory(scope, id), await repo.scans(scope, id), await new PlaybookRepo(ctx).runs(scope, id),
      ];
      const codes = new Map((await ctx.db.selectFrom('agencies').select(['id', 'code']).execute()).map((a) => [a.id, a.code]));
      const photos = await ctx.db.selectFrom('incident_photos').selectAll()
        .where((eb) => eb.or([eb('incident_id', '=', id), eb('report_id', 'in', reports.length === 0 ? ['-'] : reports.map((r) => r.id))])).orderBy('created_at').execute();
      const owner = i.owner === null ? null : await ctx.db.selectFrom('users').select(['display_name', 'username']).where('username', '=', i.owner).executeTakeFirst();
      const settings = await readSettings(ctx);
      const summaries = new Map((await ctx.db.selectFrom('scan_jobs').select(['id', 'summary']).where('id', 'in', scans.length === 0 ? ['-'] : scans.map((s) => s.jobId)).execute()).map((j) => [j.id, ctx.d.fromJson<{ findings?: { opened?: number } }>(j.summary)]));
      return {
        incident: { ...i, agency, detectedBy: i.detectedBy },
        reports: reports.map((r) => ({ ...r })),
        handler: owner == null ? null : { name: owner.display_name, position: null, phone: null, email: null },
        assets: assets.map((a) => ({
          id: a.assetId, ip: a.ip, name: a.netbiosName ?? a.dnsName, agencyCode: codes.get(a.agencyId) ?? '', os: a.os?.name ?? null, osEol: a.os?.eol ?? null, smbv1: a.smb?.smbv1 ?? null,
          criticality: a.criticality, owner: null, linkedHow: a.how, openFindings: a.openFindings,
        })),
        timeline: timeline.map((e) => ({ at: e.at, tz: e.tz, source: e.source, kind: e.kind, text: e.text, includeInReport: e.includeInReport })),
        impacts, countermeasures, requests,
        steps: runs.flatMap((r) => r.playbook.definition.steps.map((s) => {
          const t = r.ticks.find((x) => x.stepId === s.id);
          return { playbook: r.playbook.key, version: r.playbook.version, stepId: s.id, role: s.role, title: s.title, required: s.required, doneBy: t?.doneBy ?? null, doneAt: t?.doneAt ?? null, note: t?.note ?? null };
        })),
        scans: scans.map((s) => ({ jobId: s.jobId, status: s.status, targets: s.targets, startedAt: s.startedAt, finishedAt: s.finishedAt, findingsOpened: summaries.get(s.jobId)?.findings?.opened ?? null })),
        evidence: photos.map((p) => ({ kind: 'photo', name: p.original_name ?? `${p.sha256.slice(0, 12)}.${p.content_type.split('/')[1] ?? 'bin'}`, sha256: p.sha256, size: p.size, at: p.created_at })),
        regulatory: regulatory.map((r) => ({ kind: r.kind, sentAt: r.sentAt, sentBy: r.sentBy, to: r.to, reference: r.reference })),
        clocks: clocksOf(clockInput(i, regulatory), settings.clocks, ctx.clock()),
      };
    });
  }

  /** The incidents found between two instants (statistics; the month bounds come from the caller's calendar). */
  async forStats(scope: AgencyScope, from: string, to: string, agencyId?: string): Promise<StatsIncident[]> {
    const rows = await run(this.#ctx, 'reading incidents for statistics', (db) => {
      let q = db.selectFrom('incidents').selectAll().where(scopeFilter('agency_id', scope)).where('found_at', '>=', from).where('found_at', '<', to);
      if (agencyId !== undefined) q = q.where('agency_id', '=', agencyId);
      return q.execute();
    });
    const ids = rows.map((r) => r.id);
    const bssn = ids.length === 0 ? [] : await run(this.#ctx, 'reading regulatory sends', (db) =>
      db.selectFrom('incident_regulatory').select(['incident_id']).select((eb) => eb.fn.min('sent_at').as('first')).where('incident_id', 'in', ids).where('kind', 'like', 'bssn-%').groupBy('incident_id').execute());
    const first = new Map(bssn.map((b) => [b.incident_id, b.first as string]));
    return rows.map((r) => {
      const i = toIncident(this.#ctx, r);
      return { agencyId: i.agencyId, classification: i.classification, foundAt: i.foundAt, reportedAt: i.reportedAt, acknowledgedAt: i.acknowledgedAt, containedAt: i.containedAt, restoredAt: i.restoredAt, vital: i.vital, bssnReportSentAt: first.get(i.id) ?? null };
    });
  }
}
