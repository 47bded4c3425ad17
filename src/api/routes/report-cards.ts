// Report cards (rapor) on demand (docs/pdf.md "Report cards", docs/circulars.md "Report cards"): an
// agency's card (the agency and its units) and the city roll-up, as JSON, PDF or XLSX, from the findings'
// history and the scans in the caller's scope (src/io/report-card.ts; the figures:
// src/domain/report-card.ts). Without a circular the cards carry no checklist; a circular's cards
// (/circulars/:id/report-card, /circulars/:id/agencies/:agencyId/report-card) add its checklist part —
// completion, verified share, discrepancies with their hosts — and measure exposure, time to acknowledge
// and time to remediate from the circular's sending, over the circular's scan rules. Who sees what is
// the circular's rule: an officer reads only circulars sent to its agencies, and only their cards.

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound, validationError } from '../../domain/errors.js';
import { reportCardPdf, rollupPdf } from '../../io/pdf/report-card.js';
import { agencyReportCard, circularAgencyCard, circularRollup, cityReportRollup } from '../../io/report-card.js';
import type { CircularCardWhen, ReportCardRequest } from '../../io/report-card.js';
import type { ReportCard, ReportRollup } from '../../domain/report-card.js';
import { reportCardXlsx, rollupXlsx } from '../../io/report-card-sheet.js';
import type { Store } from '../../store/index.js';
import { READ } from '../access.js';
import { inIndonesian } from '../errors.js';
import { LangQ, PDF, sendPdf } from '../pdf.js';
import { IdParams, responses } from '../schemas.js';
import { IssuedCardOut } from './circular-schemas.js';

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

/** A circular's card: compared with the circular's sending, so no `since`. */
const CircularCardQuery = Type.Object({
  asOf: Type.Optional(Type.String({ format: 'date-time', description: 'the card\'s instant (default: now)' })),
  previousAsOf: Type.Optional(Type.String({ format: 'date-time', description: 'the previous card for the trend (default: 7 days before asOf)' })),
  lang: LangQ,
});
const CircularAgencyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), agencyId: Type.String({ minLength: 1, maxLength: 64 }) });

const TEXTS: Readonly<Record<string, string>> = { since: 'Waktu pembanding harus sebelum waktu rapor', previousAsOf: 'Rapor sebelumnya harus sebelum waktu rapor' };

function circularWhen(q: { asOf?: string | undefined; previousAsOf?: string | undefined }, now: Date): CircularCardWhen {
  const asOf = q.asOf !== undefined ? new Date(q.asOf) : now;
  if (q.previousAsOf !== undefined && Date.parse(q.previousAsOf) >= asOf.getTime()) throw validationError('previousAsOf: must be before asOf', { field: 'previousAsOf' });
  return { asOf: asOf.toISOString(), ...(q.previousAsOf !== undefined ? { previousAsOf: new Date(q.previousAsOf).toISOString() } : {}) };
}

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

  const sendCard = async (reply: FastifyReply, format: 'pdf' | 'xlsx', card: ReportCard, lang: 'id' | 'en', name: string) => {
    if (format === 'pdf') return sendPdf(reply, await reportCardPdf(card, { lang }), name);
    return reply.type(XLSX).header('cache-control', 'private, no-store').header('content-disposition', attachment(`${name}.xlsx`)).send(await reportCardXlsx(card, lang));
  };
  const sendRollup = async (reply: FastifyReply, format: 'pdf' | 'xlsx', rollup: ReportRollup, lang: 'id' | 'en', name: string) => {
    if (format === 'pdf') return sendPdf(reply, await rollupPdf(rollup, { lang }), name);
    return reply.type(XLSX).header('cache-control', 'private, no-store').header('content-disposition', attachment(`${name}.xlsx`)).send(await rollupXlsx(rollup, lang));
  };

  for (const format of ['pdf', 'xlsx'] as const) {
    const type = format === 'pdf' ? PDF : XLSX;
    r.get(`/api/v1/agencies/:id/report-card.${format}`, {
      config: { access: { roles: READ } },
      schema: { tags: ['reports'], summary: `An agency's report card (with its units) as ${format.toUpperCase()}: ${summary}`, params: IdParams, querystring: CardQuery, produces: [type], response: responses({ 200: Type.String({ description: type }) }) },
    }, async (request_, reply) => {
      const q = request_.query;
      const card = await tr(async () => agencyReportCard(store, request_.scope, request_.params.id, request(q, clock())));
      return sendCard(reply, format, card, q.lang ?? 'id', `rapor-${card.agency!.code}-${card.asOf.slice(0, 10)}`);
    });
    r.get(`/api/v1/report-card.${format}`, {
      config: { access: { roles: READ } },
      schema: { tags: ['reports'], summary: `The city roll-up as ${format.toUpperCase()}: every agency in scope worst first, and the city's ${summary}`, querystring: CardQuery, produces: [type], response: responses({ 200: Type.String({ description: type }) }) },
    }, async (request_, reply) => {
      const q = request_.query;
      const rollup = await tr(async () => cityReportRollup(store, request_.scope, request(q, clock())));
      return sendRollup(reply, format, rollup, q.lang ?? 'id', `rapor-kota-${rollup.city.asOf.slice(0, 10)}`);
    });
  }

  // ---- a circular's cards: the checklist part, measured from the circular's sending -----------------------

  const circularSummary = 'exposure over the circular\'s scan rules now vs at its sending (% closed), open findings by age and overdue, checklist completion, verified share and discrepancies (contradicted items with their host counts), time to acknowledge and to remediate from the sending (median, P90), 14-day coverage, trend vs `previousAsOf`';
  const number = async (id: string, scope: Parameters<typeof circularRollup>[1]) => {
    const c = await store.circulars.get(id, scope);
    return (c.number ?? c.id).replace(/\//g, '-');
  };
  for (const format of ['json', 'pdf', 'xlsx'] as const) {
    const suffix = format === 'json' ? '' : `.${format}`;
    const type = format === 'pdf' ? PDF : XLSX;
    r.get(`/api/v1/circulars/:id/report-card${suffix}`, {
      config: { access: { roles: READ } },
      schema: {
        tags: ['reports', 'circulars'], summary: `A circular's roll-up (${format === 'json' ? '{ city, agencies } as JSON' : format.toUpperCase()}): every audience agency in scope worst first, and their card: ${circularSummary}`,
        params: IdParams, querystring: CircularCardQuery,
        ...(format === 'json' ? { response: responses({ 200: Type.Object({ city: CardOut, agencies: Type.Array(CardOut) }) }) } : { produces: [type], response: responses({ 200: Type.String({ description: type }) }) }),
      },
    }, async (request_, reply) => {
      const q = request_.query;
      const rollup = await tr(async () => circularRollup(store, request_.scope, request_.params.id, circularWhen(q, clock())));
      if (format === 'json') return rollup;
      return sendRollup(reply, format, rollup, q.lang ?? 'id', `rapor-se-${await number(request_.params.id, request_.scope)}-${rollup.city.asOf.slice(0, 10)}`);
    });
    r.get(`/api/v1/circulars/:id/agencies/:agencyId/report-card${suffix}`, {
      config: { access: { roles: READ } },
      schema: {
        tags: ['reports', 'circulars'], summary: `An audience agency's card for a circular (with its units; ${format === 'json' ? 'JSON' : format.toUpperCase()}): ${circularSummary}`,
        params: CircularAgencyParams, querystring: CircularCardQuery,
        ...(format === 'json' ? { response: responses({ 200: CardOut }) } : { produces: [type], response: responses({ 200: Type.String({ description: type }) }) }),
      },
    }, async (request_, reply) => {
      const q = request_.query;
      const card = await tr(async () => circularAgencyCard(store, request_.scope, request_.params.id, request_.params.agencyId, circularWhen(q, clock())));
      if (format === 'json') return card;
      return sendCard(reply, format, card, q.lang ?? 'id', `rapor-se-${await number(request_.params.id, request_.scope)}-${card.agency!.code}-${card.asOf.slice(0, 10)}`);
    });
  }

  // ---- cards issued by the weekly schedules (src/api/report-schedule.ts): exactly as they were sent ---------

  const issuedIn = async (scope: Parameters<typeof circularRollup>[1], id: string) => {
    const c = await store.office.issuedCard(id);
    // An agency user sees its agencies' cards, never the roll-up (it lists every agency).
    if (scope !== 'all' && (c.agencyId === null || !scope.has(c.agencyId))) throw notFound('report card', id);
    return c;
  };
  r.get('/api/v1/report-cards/issued', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['reports', 'circulars'], summary: 'Report cards the weekly schedules issued, newest first (an agency user sees its agencies\' cards only)',
      querystring: Type.Object({ circularId: Type.Optional(Type.String({ maxLength: 64, description: 'a circular\'s cards; "none" for the cards without a circular' })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(IssuedCardOut) }) }),
    },
  }, async (request_) => {
    const q = request_.query;
    const scope = request_.scope;
    const list = await store.office.issuedCards({ ...(q.circularId !== undefined ? { circularId: q.circularId === 'none' ? null : q.circularId } : {}), limit: q.limit ?? 200 });
    const mine = list.filter((c) => scope === 'all' || (c.agencyId !== null && scope.has(c.agencyId)));
    const agencies = new Map((await store.agencies.list(scope, { includeRetired: true })).map((a) => [a.id, a]));
    return { items: mine.map((c) => ({ ...c, agencyCode: c.agencyId === null ? null : agencies.get(c.agencyId)?.code ?? null, agencyName: c.agencyId === null ? null : agencies.get(c.agencyId)?.name ?? null })) };
  });
  for (const format of ['json', 'pdf', 'xlsx'] as const) {
    const suffix = format === 'json' ? '' : `/card.${format}`;
    const type = format === 'pdf' ? PDF : XLSX;
    r.get(`/api/v1/report-cards/issued/:id${suffix}`, {
      config: { access: { roles: READ } },
      schema: {
        tags: ['reports', 'circulars'], summary: `An issued card as it was sent (${format === 'json' ? 'JSON: the card, or the roll-up { city, agencies }' : format.toUpperCase()}), its trend against the card before it`,
        params: IdParams, querystring: Type.Object({ lang: LangQ }),
        ...(format === 'json' ? { response: responses({ 200: Type.Object({ kind: Type.String(), card: Type.Unknown() }) }) } : { produces: [type], response: responses({ 200: Type.String({ description: type }) }) }),
      },
    }, async (request_, reply) => {
      const c = await issuedIn(request_.scope, request_.params.id);
      if (format === 'json') return { kind: c.kind, card: c.card };
      const lang = request_.query.lang ?? 'id';
      if (c.kind === 'city') return sendRollup(reply, format, c.card as ReportRollup, lang, `rapor-kota-${c.asOf.slice(0, 10)}`);
      const card = c.card as ReportCard;
      return sendCard(reply, format, card, lang, `rapor-${card.agency?.code ?? 'instansi'}-${c.asOf.slice(0, 10)}`);
    });
  }
}
