// Triage of incident reports (docs/incidents.md "Triage"), for logged-in users: the queue, a report with
// its messages, photos and suggested duplicates, and the CSIRT's acts on it — open a new incident from it,
// link it to an existing one, merge it into another report, reject it with a reason — plus messages to the
// reporter (shown on the status link), the photos' bytes, and the per-unit form link with its QR code.
// Officers see and act on their own agency's reports only (request.scope); the triage acts are the city
// CSIRT's (admin, analyst).

import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { REPORT_STATUSES } from '../../domain/incident.js';
import type { Store } from '../../store/index.js';
import { READ, TRIAGE } from '../access.js';
import { ApiError } from '../errors.js';
import { storedPath } from '../photos.js';
import { IdParams, responses } from '../schemas.js';
import { FORM_PATH } from './public-reports.js';
import { FromReportIn, IncidentOut, MessageIn, MessageOut, ReportDetailOut, ReportLinkOut, ReportOut } from './incident-schemas.js';

/** The city CSIRT: the city-wide roles decide what is an incident. */
export const CSIRT = ['admin', 'analyst'] as const;

export function incidentReportRoutes(app: FastifyInstance, deps: { store: Store; dataDir: string }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/incident-reports', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'The triage queue: incident reports in scope, newest first (keyset-paged)',
      querystring: Type.Object({
        status: Type.Optional(Type.Union(REPORT_STATUSES.map((s) => Type.Literal(s)))), agencyId: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(ReportOut), next: Type.Union([Type.Null(), Type.String()]) }) }),
    },
  }, async (request) => {
    const q = request.query;
    return store.incidentReports.list(request.scope, { ...(q.status !== undefined ? { status: q.status } : {}), ...(q.agencyId !== undefined ? { agencyId: q.agencyId } : {}), limit: q.limit ?? 50, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}) });
  });

  r.get('/api/v1/incident-reports/:id', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'A report with its messages, photos and the reports that look like the same event',
      params: IdParams,
      response: responses({ 200: ReportDetailOut }),
    },
  }, async (request) => {
    const report = await store.incidentReports.get(request.scope, request.params.id);
    const [messages, photos, duplicates] = await Promise.all([store.incidentReports.messages(report.id), store.incidentReports.photosOf(report.id), store.incidentReports.duplicates(request.scope, report.id)]);
    return { report, messages, photos, duplicates };
  });

  r.post('/api/v1/incident-reports/:id/open-incident', {
    config: { access: { roles: CSIRT, target: 'incident-report', audit: 'incident.open-from-report' } },
    schema: { tags: ['incidents'], summary: 'Open a new incident from this report (the report becomes linked)', params: IdParams, body: FromReportIn, response: responses({ 201: IncidentOut }) },
  }, async (request, reply) => {
    const report = await store.incidentReports.get(request.scope, request.params.id);
    const unit = await store.agencies.get(request.scope, report.agencyId);
    const b = request.body;
    const inc = await store.incidents.create(request.scope, {
      agencyId: report.agencyId, title: b.title ?? `Laporan ${report.reference} — ${unit.name}`, fromReportId: report.id, createdBy: request.user!.username,
      ...(b.description !== undefined ? { description: b.description } : {}), ...(b.classification !== undefined ? { classification: b.classification } : {}),
      ...(b.severity !== undefined ? { severity: b.severity } : {}), ...(b.riskLevel !== undefined ? { riskLevel: b.riskLevel } : {}), ...(b.vital !== undefined ? { vital: b.vital } : {}),
      ...(b.sector !== undefined ? { sector: b.sector } : {}), ...(b.personalData !== undefined ? { personalData: b.personalData } : {}), ...(b.foundAt !== undefined ? { foundAt: b.foundAt } : {}),
      owner: b.owner ?? request.user!.username,
    });
    request.auditNote = { targetType: 'incident', targetId: inc.id, agencyId: inc.agencyId, details: { reportId: report.id } };
    return reply.code(201).send(inc);
  });

  r.post('/api/v1/incident-reports/:id/link', {
    config: { access: { roles: CSIRT, target: 'incident-report', audit: 'incident-report.link' } },
    schema: { tags: ['incidents'], summary: 'Link the report to an existing open incident', params: IdParams, body: Type.Object({ incidentId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }), response: responses({ 200: ReportOut }) },
  }, async (request) => {
    const rep = await store.incidentReports.link(request.scope, request.params.id, request.body.incidentId, request.user!.username);
    request.auditNote = { agencyId: rep.agencyId, details: { incidentId: request.body.incidentId } };
    return rep;
  });

  r.post('/api/v1/incident-reports/:id/merge', {
    config: { access: { roles: CSIRT, target: 'incident-report', audit: 'incident-report.merge' } },
    schema: { tags: ['incidents'], summary: 'Merge the report into another report of the same event (it follows that report\'s incident)', params: IdParams, body: Type.Object({ intoReportId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }), response: responses({ 200: ReportOut }) },
  }, async (request) => {
    const rep = await store.incidentReports.merge(request.scope, request.params.id, request.body.intoReportId, request.user!.username);
    request.auditNote = { agencyId: rep.agencyId, details: { intoReportId: request.body.intoReportId } };
    return rep;
  });

  r.post('/api/v1/incident-reports/:id/reject', {
    config: { access: { roles: CSIRT, target: 'incident-report', audit: 'incident-report.reject' } },
    schema: { tags: ['incidents'], summary: 'Reject the report with a reason (the reporter sees the reason on the status link)', params: IdParams, body: Type.Object({ reason: MessageIn.properties.text }, { additionalProperties: false }), response: responses({ 200: ReportOut }) },
  }, async (request) => {
    const rep = await store.incidentReports.reject(request.scope, request.params.id, request.body.reason.trim(), request.user!.username);
    request.auditNote = { agencyId: rep.agencyId };
    return rep;
  });

  r.post('/api/v1/incident-reports/:id/messages', {
    config: { access: { roles: TRIAGE, target: 'incident-report', audit: 'incident-report.message' } },
    schema: { tags: ['incidents'], summary: 'A message to the reporter, shown on the status link (and on the incident\'s timeline)', params: IdParams, body: MessageIn, response: responses({ 201: MessageOut }) },
  }, async (request, reply) => {
    const m = await store.incidentReports.addMessage(request.scope, request.params.id, { direction: 'to-reporter', author: request.user!.username, body: request.body.text.trim() });
    return reply.code(201).send(m);
  });

  r.get('/api/v1/incident-photos/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['incidents'], summary: 'A report photo\'s bytes (metadata already removed)', params: IdParams, produces: ['image/jpeg', 'image/png', 'image/webp'], response: responses({ 200: Type.String() }) },
  }, async (request, reply) => {
    const p = await store.incidentReports.photo(request.scope, request.params.id);
    const path = storedPath(deps.dataDir, p.path);
    const stream = createReadStream(path);
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', () => reject(new ApiError('E_NOT_FOUND', { en: 'The photo file is missing from the data directory', id: 'Berkas foto tidak ada di direktori data' })));
    });
    return reply.type(p.contentType).header('content-security-policy', "default-src 'none'; sandbox").header('cache-control', 'private, max-age=3600')
      .header('content-disposition', `inline; filename="${p.sha256.slice(0, 16)}.${p.contentType.split('/')[1]}"`).send(stream);
  });

  r.get('/api/v1/agencies/:id/report-link', {
    config: { access: { roles: TRIAGE } },
    schema: {
      tags: ['incidents'], summary: 'The public form link of a unit, prefilled with its code, and its QR code (SVG) to print for a ward or counter',
      params: IdParams,
      response: responses({ 200: ReportLinkOut }),
    },
  }, async (request) => {
    const a = await store.agencies.get(request.scope, request.params.id);
    const path = `${FORM_PATH}?unit=${encodeURIComponent(a.code)}`;
    const url = `${request.protocol}://${request.host}${path}`;
    const qrSvg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { code: a.code, name: a.name, path, url, qrSvg };
  });
}
