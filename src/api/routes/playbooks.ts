// Playbooks and incident settings (docs/incidents.md): playbooks are city-wide data, read by every role
// and saved (as a new version) by the city CSIRT from the editor form; a role's step card is the data the
// printable card is rendered from. The settings hold the internal clock targets, the organisation TTIS
// and its register, the routing per sector, the city's time zone and the status links' lifetime.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { validationError } from '../../domain/errors.js';
import { SECTORS, SYMPTOMS, validTimeZone } from '../../domain/incident.js';
import { validateClockPolicy } from '../../domain/incident-clocks.js';
import type { IncidentSettings, Route } from '../../domain/incident-report.js';
import { PLAYBOOK_ROLES, roleCard } from '../../domain/playbook.js';
import type { PlaybookDefinition } from '../../domain/playbook.js';
import type { Store } from '../../store/index.js';
import { ADMIN, READ } from '../access.js';
import { inIndonesian } from '../errors.js';
import { LangQ, PDF, sendPdf } from '../pdf.js';
import { playbookCardsFile } from '../../io/pdf/incident-documents.js';
import { IdParams, responses } from '../schemas.js';
import { CSIRT } from './incident-reports.js';
import { PlaybookOut, RoleCardOut, SettingsOut } from './incident-schemas.js';

const SettingsIn = Type.Object({
  clocks: Type.Optional(Type.Object({ acknowledgeMs: Type.Optional(Type.Integer()), firstResponseMs: Type.Optional(Type.Integer()), containmentMs: Type.Optional(Type.Integer()), warnFraction: Type.Optional(Type.Number()) }, { additionalProperties: false })),
  organisation: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ttisName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    registerNumber: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 100 })])), registerValidUntil: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 40 })])),
    email: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 200 })])), phone: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 40 })])),
  }, { additionalProperties: false })),
  routes: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.Object({ to: Type.String({ minLength: 1, maxLength: 300 }), cc: Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 10 }) }, { additionalProperties: false }))),
  timeZone: Type.Optional(Type.String({ maxLength: 40 })),
  statusLinkDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 730 })),
}, { additionalProperties: false, minProperties: 1 });

const TEXTS: Readonly<Record<string, string>> = {
  key: 'Kunci playbook: huruf kecil, angka dan tanda hubung',
  steps: 'Langkah playbook tidak valid (id unik, peran dikenal, teks dua bahasa, hanya mengikuti langkah sebelumnya)',
  sources: 'Sumber playbook tidak valid',
  conditions: 'Syarat pemasangan playbook tidak valid',
  title: 'Judul playbook wajib dalam dua bahasa',
  routes: 'Sektor tidak dikenal',
  timeZone: 'Zona waktu tidak dikenal',
  acknowledgeMs: 'Target tanggapan: antara satu menit dan 30 hari',
  firstResponseMs: 'Target respons pertama: antara satu menit dan 30 hari',
  containmentMs: 'Target penahanan: antara satu menit dan 30 hari',
  warnFraction: 'Porsi peringatan: antara 0 dan 1',
};

/** `?x=a` or `?x=a&x=b`: one value or several (the query parser gives a string for one). */
function oneOrMany<T extends string>(values: readonly T[]) {
  const one = Type.Union(values.map((x) => Type.Literal(x)));
  return Type.Union([one, Type.Array(one, { maxItems: values.length })]);
}

const texts = (field: string): string | undefined => TEXTS[field] ?? TEXTS[field.split(/[.[]/)[0]!];

export function playbookRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/playbooks', {
    config: { access: { roles: READ } },
    schema: { tags: ['playbooks'], summary: 'Playbooks: the latest version of each (or every version)', querystring: Type.Object({ allVersions: Type.Optional(Type.Boolean()) }), response: responses({ 200: Type.Object({ items: Type.Array(PlaybookOut) }) }) },
  }, async (request) => ({ items: await store.playbooks.list({ allVersions: request.query.allVersions === true }) }));

  r.get('/api/v1/playbooks/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['playbooks'], summary: 'One playbook version', params: IdParams, response: responses({ 200: PlaybookOut }) },
  }, async (request) => store.playbooks.get(request.params.id));

  r.post('/api/v1/playbooks', {
    config: { access: { roles: CSIRT, target: 'playbook', audit: 'playbook.save' } },
    schema: {
      tags: ['playbooks'], summary: 'Save a playbook from the editor: the next version of its key (a new key starts at version 1); running incidents keep their version',
      body: Type.Object({ definition: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }), response: responses({ 201: PlaybookOut }),
    },
  }, async (request, reply) => {
    const saved = await inIndonesian(texts, () => store.playbooks.save(request.body.definition as unknown as PlaybookDefinition, request.user!.username));
    request.auditNote = { targetType: 'playbook', targetId: saved.id, details: { key: saved.key, version: saved.version } };
    return reply.code(201).send(saved);
  });

  r.get('/api/v1/playbooks/:id/card', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['playbooks'], summary: 'The step card of one role (default: the reporter) — the data of the printable card; symptoms mark the branches that apply',
      params: IdParams,
      querystring: Type.Object({ role: Type.Optional(Type.Union(PLAYBOOK_ROLES.map((x) => Type.Literal(x)))), symptoms: Type.Optional(Type.Array(Type.Union(SYMPTOMS.map((x) => Type.Literal(x))), { maxItems: SYMPTOMS.length })) }),
      response: responses({ 200: RoleCardOut }),
    },
  }, async (request) => roleCard((await store.playbooks.get(request.params.id)).definition, request.query.role ?? 'reporter', request.query.symptoms ?? []));

  r.get('/api/v1/playbooks/:id/card.pdf', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['playbooks'], summary: 'The printable step cards as PDF: one A4 page per role (`role` repeated; default every role), symptoms mark the branches that apply',
      params: IdParams,
      querystring: Type.Object({
        role: Type.Optional(oneOrMany(PLAYBOOK_ROLES)),
        symptoms: Type.Optional(oneOrMany(SYMPTOMS)),
        lang: LangQ,
      }),
      produces: [PDF], response: responses({ 200: Type.String({ description: 'application/pdf' }) }),
    },
  }, async (request, reply) => {
    const p = await store.playbooks.get(request.params.id);
    const { role, symptoms } = request.query;
    const pdf = await playbookCardsFile(p.definition, p.version, { roles: role === undefined ? undefined : [role].flat(), symptoms: symptoms === undefined ? undefined : [symptoms].flat(), lang: request.query.lang, at: new Date().toISOString() });
    return sendPdf(reply, pdf, `kartu-langkah-${p.key}-v${p.version}`);
  });

  r.get('/api/v1/incident-settings', {
    config: { access: { roles: READ } },
    schema: { tags: ['incidents'], summary: 'Incident settings: internal clock targets, the organisation TTIS, routing per sector, time zone, status link lifetime', response: responses({ 200: SettingsOut }) },
  }, async () => store.incidents.settings());

  r.put('/api/v1/incident-settings', {
    config: { access: { roles: ADMIN, target: 'incident-settings', audit: 'incident.settings' } },
    schema: { tags: ['incidents'], summary: 'Change incident settings (fields not given keep their value)', body: SettingsIn, response: responses({ 200: SettingsOut }) },
  }, async (request) => inIndonesian(texts, async () => {
    const cur = await store.incidents.settings();
    const b = request.body;
    for (const k of Object.keys(b.routes ?? {})) if (!(SECTORS as readonly string[]).includes(k)) throw validationError(`routes: unknown sector ${k}`, { field: 'routes' });
    if (b.timeZone !== undefined && !validTimeZone(b.timeZone)) throw validationError('timeZone: an IANA time zone such as Asia/Jakarta', { field: 'timeZone' });
    const next: IncidentSettings = {
      clocks: validateClockPolicy({ ...cur.clocks, ...(b.clocks ?? {}) }),
      organisation: { ...cur.organisation, ...(b.organisation ?? {}) },
      routes: { ...cur.routes, ...(b.routes as Record<string, Route> | undefined) },
      timeZone: b.timeZone ?? cur.timeZone,
      statusLinkDays: b.statusLinkDays ?? cur.statusLinkDays,
    };
    return store.incidents.saveSettings(next, request.user!.username);
  }));
}
