// Report cards (rapor) on demand (docs/pdf.md "Report cards"): an agency's card (the agency and its
// units) and the city roll-up, as PDF or XLSX, from the findings' history and the scans in the caller's
// scope (src/io/report-card.ts; the figures: src/domain/report-card.ts). These cards carry no checklist:
// a circular's card — with its checklist rows and acknowledgements — is produced by the circular's routes
// from its board through the same functions.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { validationError } from '../../domain/errors.js';
import { reportCardPdf, rollupPdf } from '../../io/pdf/report-card.js';
import { agencyReportCard, cityReportRollup } from '../../io/report-card.js';
import type { ReportCardRequest } from '../../io/report-card.js';
import { reportCardXlsx, rollupXlsx } from '../../io/report-card-sheet.js';
import type { Store } from '../../store/index.js';
import { READ } from '../access.js';
import { inIndonesian } from '../errors.js';
import { LangQ, PDF, sendPdf } from '../pdf.js';
import { IdParams, responses } from '../schemas.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const DAY = 86_400_000;

const CardQuery = Type.Object({
  asOf: Type.Optional(Type.String({ format: 'date-time', description: 'the card\'s instant (default: now)' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'compared with (e.g. the circular\'s sending; default: 30 days before asOf)' })),
  previousAsOf: Type.Optional(Type.String({ format: 'date-time', description: 'the previous card for the trend (default: 7 days before asOf)' })),
  lang: LangQ,
});

/** A card as JSON: the object computeReportCard returns (its fields are documented there, docs/pdf.md). */
const CardOut = Type.Object({ format: Type.Literal('perisai.report-card'), formatVersion: Type.Integer() }, { additionalProperties: true });

const TEXTS: Readonly<Record<string, string>> = { since: 'Waktu pembanding harus sebelum waktu rapor', previousAsOf: 'Rapor sebelumnya harus sebelum waktu rapor' };

function request(q: { asOf?: string | undefined; since?: string | undefined; previousAsOf?: string | undefined }, now: Date): ReportCardRequest {
  const asOf = q.asOf !== undefined ? new Date(q.asOf) : now;
  const since = q.since !== undefined ? new Date(q.since) : new Date(asOf.getTime() - 30 * DAY);
  if (since.getTime() > asOf.getTime()) throw validationError('since: must be before asOf', { field: 'since' });
  if (q.previousAsOf !== undefined && Date.parse(q.previousAsOf) >= asOf.getTime()) throw validationError('previousAsOf: must be before asOf', { field: 'previousAsOf' });
  return { asOf: asOf.toISOString(), since: since.toISOString(), ...(q.previousAsOf !== undefined ? { previousAsOf: new Date(q.previousAsOf).toISOString() } : {}) };
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

export function reportCardRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tr = <T>(work: () => Promise<T>) => inIndonesian(TEXTS, work);
  const summary = 'exposure now vs `since` (% closed), open findings by age (<7/7–15/15–30/30–90/>90 days; overdue critical > 15 d, high > 30 d), time to remediate (median, P90), networks scanned in the last 14 days, trend vs `previousAsOf`';

  // The figures themselves, for the web UI's report-card page (web/src/pages/ReportCards.tsx): the same
  // card the PDF and XLSX print, as JSON.
  r.get('/api/v1/agencies/:id/report-card', {
    config: { access: { roles: READ } },
    schema: { tags: ['reports'], summary: `An agency's report card (with its units) as JSON (src/domain/report-card.ts computeReportCard): ${summary}`, params: IdParams, querystring: CardQuery, response: responses({ 200: CardOut }) },
  }, async (request_) => tr(async () => agencyReportCard(store, request_.scope, request_.params.id, request(request_.query, clock()))));
  r.get('/api/v1/report-card', {
    config: { access: { roles: READ } },
    schema: { tags: ['reports'], summary: `The city roll-up as JSON ({ city, agencies }, agencies worst first): ${summary}`, querystring: CardQuery, response: responses({ 200: Type.Object({ city: CardOut, agencies: Type.Array(CardOut) }) }) },
  }, async (request_) => tr(async () => cityReportRollup(store, request_.scope, request(request_.query, clock()))));

  for (const format of ['pdf', 'xlsx'] as const) {
    const type = format === 'pdf' ? PDF : XLSX;
    r.get(`/api/v1/agencies/:id/report-card.${format}`, {
      config: { access: { roles: READ } },
      schema: { tags: ['reports'], summary: `An agency's report card (with its units) as ${format.toUpperCase()}: ${summary}`, params: IdParams, querystring: CardQuery, produces: [type], response: responses({ 200: Type.String({ description: type }) }) },
    }, async (request_, reply) => {
      const q = request_.query;
      const card = await tr(async () => agencyReportCard(store, request_.scope, request_.params.id, request(q, clock())));
      const name = `rapor-${card.agency!.code}-${card.asOf.slice(0, 10)}`;
      if (format === 'pdf') return sendPdf(reply, await reportCardPdf(card, { lang: q.lang ?? 'id' }), name);
      return reply.type(XLSX).header('cache-control', 'private, no-store').header('content-disposition', attachment(`${name}.xlsx`)).send(await reportCardXlsx(card, q.lang ?? 'id'));
    });
    r.get(`/api/v1/report-card.${format}`, {
      config: { access: { roles: READ } },
      schema: { tags: ['reports'], summary: `The city roll-up as ${format.toUpperCase()}: every agency in scope worst first, and the city's ${summary}`, querystring: CardQuery, produces: [type], response: responses({ 200: Type.String({ description: type }) }) },
    }, async (request_, reply) => {
      const q = request_.query;
      const rollup = await tr(async () => cityReportRollup(store, request_.scope, request(q, clock())));
      const name = `rapor-kota-${rollup.city.asOf.slice(0, 10)}`;
      if (format === 'pdf') return sendPdf(reply, await rollupPdf(rollup, { lang: q.lang ?? 'id' }), name);
      return reply.type(XLSX).header('cache-control', 'private, no-store').header('content-disposition', attachment(`${name}.xlsx`)).send(await rollupXlsx(rollup, q.lang ?? 'id'));
    });
  }
}
