// The public side of incident reporting (docs/incidents.md "The public form"): the ONLY routes of the
// incident feature that need no login.
//
//   GET  /api/v1/public/units                   the units the form offers (code, name, kind, parent)
//   GET  /api/v1/public/challenge               a proof-of-work challenge (pow.ts)
//   POST /api/v1/public/reports                 submit a report → reference, secret status link, card
//   GET  /api/v1/public/report-status           the status link: status, responders' messages, card
//   POST /api/v1/public/report-status/messages  the reporter adds information
//   POST /api/v1/public/report-status/photos    the reporter adds a photo (raw bytes)
//
// The status link's token travels in the `x-report-token` header (the page keeps it in the URL
// fragment, which browsers never send), so it is in no access log; only its SHA-256 is stored. A token
// that is unknown, malformed or expired gets the same 404 — nothing about any report.
//
// Abuse resistance without a third-party service: every submission needs a solved, unspent challenge;
// submissions are limited per client address and per unit, photos per address and per report; photos
// are checked by content and cleaned (photos.ts).

import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isPerisaiError } from '../../domain/errors.js';
import { ACTIONS_TAKEN, COMPUTER_COUNTS, FALLBACK_ANSWERS, PHASE_LABELS, PUBLIC_SERVICES, REPORTER_ROLES, reportReference, SYMPTOMS, validateReportInput } from '../../domain/incident.js';
import type { Phase, ValidReport } from '../../domain/incident.js';
import { RANSOMWARE_WANNACRY } from '../../domain/playbooks/ransomware-wannacry.js';
import { roleCard } from '../../domain/playbook.js';
import type { PlaybookDefinition, RoleCard } from '../../domain/playbook.js';
import { dayKey } from '../../domain/calendar.js';
import type { IncidentReport, Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { cleanPhoto, DEFAULT_PHOTO_MAX_BYTES, photoTooLarge, rawUploadParser, storeFile } from '../photos.js';
import { DEFAULT_POW, ProofOfWork } from '../pow.js';
import type { PowOptions } from '../pow.js';
import { SlidingWindowLimiter } from '../rate-window.js';
import type { RateWindow } from '../rate-window.js';
import { responses } from '../schemas.js';
import { RoleCardOut } from './incident-schemas.js';

export interface PublicReportOptions {
  /** Submissions per client address (default 20 in 10 minutes: a hospital's clerks often share one NAT address). */
  readonly perAddress: RateWindow;
  /** Submissions per unit (default 30 in 10 minutes). */
  readonly perUnit: RateWindow;
  /** Photo uploads and messages per client address (default 60 in 10 minutes). */
  readonly uploadsPerAddress: RateWindow;
  /** The proof of work; false turns it off (tests of other things only; never in `serve`). */
  readonly pow: PowOptions | false;
  readonly photoMaxBytes: number;
  readonly maxPhotosPerReport: number;
  /** Where photos are stored (the data directory; outside the web root). */
  readonly dataDir: string;
}

const TEN_MIN = 10 * 60_000;
export const DEFAULT_PUBLIC_REPORTS: Omit<PublicReportOptions, 'dataDir'> = {
  perAddress: { max: 20, windowMs: TEN_MIN }, perUnit: { max: 30, windowMs: TEN_MIN }, uploadsPerAddress: { max: 60, windowMs: TEN_MIN },
  pow: DEFAULT_POW, photoMaxBytes: DEFAULT_PHOTO_MAX_BYTES, maxPhotosPerReport: 10,
};

/** Where the web UI serves the form and the status page (the per-unit link and the reply point there). */
export const FORM_PATH = '/lapor';
export const STATUS_PATH = '/lapor/status';
export const TOKEN_HEADER = 'x-report-token';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The reporter-facing sentence for a field the domain refused (the English of the domain is terse). */
const FIELD_TEXTS: Readonly<Record<string, { en: string; id: string }>> = {
  unitCode: { en: 'Unknown unit; choose one from the list.', id: 'Unit tidak dikenal; pilih dari daftar.' },
  symptoms: { en: 'Choose at least one thing you see on the computer.', id: 'Pilih minimal satu hal yang terlihat di komputer.' },
  symptomOther: { en: 'Write what you see when you choose "Something else".', id: 'Tuliskan apa yang terlihat bila memilih "Lainnya".' },
  since: { en: 'The start time is not valid (not in the future, not more than a year ago).', id: 'Waktu mulai tidak valid (tidak boleh di masa depan atau lebih dari setahun lalu).' },
  computers: { en: 'Choose how many computers are affected.', id: 'Pilih berapa komputer yang terdampak.' },
  services: { en: 'Choose the services from the list.', id: 'Pilih layanan dari daftar.' },
  serviceOther: { en: 'The other service is too long (at most 200 characters).', id: 'Layanan lain terlalu panjang (maksimal 200 karakter).' },
  manualFallback: { en: 'Answer whether a manual procedure is running.', id: 'Jawab apakah prosedur manual sedang berjalan.' },
  actionsTaken: { en: 'Choose what was already done from the list.', id: 'Pilih tindakan yang sudah dilakukan dari daftar.' },
  location: { en: 'Which computer or room: at most 200 characters, one line.', id: 'Komputer atau ruang mana: maksimal 200 karakter, satu baris.' },
  description: { en: 'The description is too long (at most 4000 characters).', id: 'Keterangan terlalu panjang (maksimal 4000 karakter).' },
  reporterName: { en: 'Write your name (at most 120 characters).', id: 'Tuliskan nama Anda (maksimal 120 karakter).' },
  reporterWhatsapp: { en: 'The WhatsApp number is not valid; write it like 0812-3456-7890.', id: 'Nomor WhatsApp tidak valid; tulis seperti 0812-3456-7890.' },
  reporterRole: { en: 'Choose who you are.', id: 'Pilih siapa Anda.' },
  text: { en: 'Write 1–2000 characters.', id: 'Tulis 1–2000 karakter.' },
};

function asReporterError(e: unknown): unknown {
  if (!isPerisaiError(e, 'E_VALIDATION')) return e;
  const field = e.details['field'];
  const t = typeof field === 'string' ? FIELD_TEXTS[field] : undefined;
  return t === undefined ? e : new ApiError('E_VALIDATION', t, { field: field as string });
}

function tooMany(ms: number, what: { en: string; id: string }): ApiError {
  const s = Math.ceil(ms / 1000);
  return new ApiError('E_RATE_LIMIT', {
    en: `${what.en} Try again in ${s} seconds, or call the agency IT officer.`,
    id: `${what.id} Coba lagi dalam ${s} detik, atau telepon petugas TI instansi.`,
  }, { retryAfterSeconds: s }, { 'retry-after': String(s) });
}

const statusGone = (): ApiError => new ApiError('E_NOT_FOUND', { en: 'This status link is unknown or has expired.', id: 'Tautan status ini tidak dikenal atau sudah kedaluwarsa.' });

/**
 * What every submission reads but rarely changes — the reporter's playbook and the incident settings —
 * kept for a few seconds per process: a burst of reports (an outbreak across a hospital) then costs one
 * read of each, and an edit is seen within `ttlMs`.
 */
class Recent<T> {
  #value: Promise<T> | undefined;
  #at = 0;
  constructor(private readonly load: () => Promise<T>, private readonly ttlMs = 10_000) {}
  get(): Promise<T> {
    const now = Date.now();
    if (this.#value === undefined || now - this.#at > this.ttlMs) {
      this.#at = now;
      this.#value = this.load().catch((e: unknown) => {
        this.#value = undefined;
        throw e;
      });
    }
    return this.#value;
  }
}

/** The step card the reporter gets: the stored (possibly edited) version of the shipped playbook. */
function reporterCard(def: PlaybookDefinition, role: ValidReport['reporterRole'], symptoms: readonly string[]): RoleCard {
  return roleCard(def, role === 'agency-it' ? 'agency-it' : 'reporter', symptoms);
}

const ReportIn = Type.Object({
  altcha: Type.Optional(Type.Union([Type.String({ maxLength: 8000 }), Type.Record(Type.String(), Type.Unknown())])),
  unitCode: Type.String({ minLength: 1, maxLength: 40 }),
  symptoms: Type.Array(Type.String({ maxLength: 40 }), { maxItems: SYMPTOMS.length }),
  symptomOther: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1000 })])),
  since: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 40 })])),
  computers: Type.Optional(Type.String({ maxLength: 20 })),
  services: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: PUBLIC_SERVICES.length })),
  serviceOther: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1000 })])),
  manualFallback: Type.Optional(Type.String({ maxLength: 20 })),
  actionsTaken: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: ACTIONS_TAKEN.length })),
  location: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 1000 })])),
  description: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 8000 })])),
  reporterName: Type.String({ maxLength: 500 }),
  reporterWhatsapp: Type.String({ maxLength: 100 }),
  reporterRole: Type.Optional(Type.String({ maxLength: 20 })),
}, { additionalProperties: false });

const UnitOut = Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String(), parentName: Type.Union([Type.Null(), Type.String()]) });

const SubmitOut = Type.Object({
  reference: Type.String(),
  /** Shown once: the page keeps it in the status link's fragment. */
  statusToken: Type.String(),
  statusPath: Type.String(),
  statusExpiresAt: Type.String(),
  submittedAt: Type.String(),
  unit: Type.Object({ code: Type.String(), name: Type.String() }),
  card: RoleCardOut,
  photos: Type.Object({ path: Type.String(), maxBytes: Type.Integer(), maxPhotos: Type.Integer(), types: Type.Array(Type.String()) }),
});

const MessageOut = Type.Object({ at: Type.String(), from: Type.Union([Type.Literal('responder'), Type.Literal('reporter')]), text: Type.String() });

const StatusOut = Type.Object({
  reference: Type.String(),
  /** new (waiting for triage) | linked (being handled as an incident) | merged (handled with another report) | rejected */
  status: Type.String(),
  statusLabel: Type.Object({ id: Type.String(), en: Type.String() }),
  reason: Type.Union([Type.Null(), Type.String()]),
  unit: Type.Object({ code: Type.String(), name: Type.String() }),
  submittedAt: Type.String(),
  expiresAt: Type.String(),
  /** The phase of the incident the report is handled in (nothing else about it). */
  phase: Type.Union([Type.Null(), Type.String()]),
  phaseLabel: Type.Union([Type.Null(), Type.Object({ id: Type.String(), en: Type.String() })]),
  messages: Type.Array(MessageOut),
  photos: Type.Integer(),
  card: RoleCardOut,
});

const STATUS_LABELS: Readonly<Record<string, { id: string; en: string }>> = {
  new: { id: 'Diterima, menunggu pemeriksaan tim', en: 'Received, waiting for the team to check it' },
  linked: { id: 'Sedang ditangani', en: 'Being handled' },
  merged: { id: 'Ditangani bersama laporan lain tentang kejadian yang sama', en: 'Handled together with another report of the same event' },
  rejected: { id: 'Ditutup tanpa tindak lanjut', en: 'Closed without follow-up' },
};

export function publicReportRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date; options: PublicReportOptions }): void {
  const { store, clock } = deps;
  const o = deps.options;
  const pow = o.pow === false ? null : new ProofOfWork(store, o.pow);
  const byAddress = new SlidingWindowLimiter(o.perAddress, clock);
  const byUnit = new SlidingWindowLimiter(o.perUnit, clock);
  const uploads = new SlidingWindowLimiter(o.uploadsPerAddress, clock);
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const access = { roles: 'public' as const };
  const playbook = new Recent(async () => (await store.playbooks.list()).find((p) => p.key === RANSOMWARE_WANNACRY.key)?.definition ?? RANSOMWARE_WANNACRY);
  const settingsNow = new Recent(() => store.incidents.settings());

  /** The report the request's status token opens, or the same 404 for anything else. */
  const reportOf = async (request: FastifyRequest): Promise<IncidentReport> => {
    const token = request.headers[TOKEN_HEADER];
    if (typeof token !== 'string' || !TOKEN.test(token)) throw statusGone();
    const report = await store.incidentReports.byToken(tokenHash(token));
    if (report === undefined) throw statusGone();
    return report;
  };

  r.get('/api/v1/public/units', {
    config: { access },
    schema: { tags: ['public'], summary: 'The units the public report form offers (no login)', response: responses({ 200: Type.Object({ items: Type.Array(UnitOut) }) }) },
  }, async (_request, reply) => {
    const all = await store.agencies.list('all');
    const names = new Map(all.map((a) => [a.id, a.name]));
    void reply.header('cache-control', 'public, max-age=300');
    return { items: all.map((a) => ({ code: a.code, name: a.name, kind: a.kind, parentName: a.parentId === null ? null : names.get(a.parentId) ?? null })).sort((a, b) => a.name.localeCompare(b.name, 'id')) };
  });

  r.get('/api/v1/public/challenge', {
    config: { access },
    schema: {
      tags: ['public'], summary: 'A proof-of-work challenge (ALTCHA v2, SHA-256, deterministic) for one report submission',
      response: responses({ 200: Type.Object({ parameters: Type.Record(Type.String(), Type.Unknown()), signature: Type.Optional(Type.String()), disabled: Type.Optional(Type.Boolean()) }) }),
    },
  }, async (_request, reply) => {
    void reply.header('cache-control', 'no-store');
    if (pow === null) return { parameters: {}, disabled: true };
    const c = await pow.challenge();
    return { parameters: c.parameters as unknown as Record<string, unknown>, ...(c.signature !== undefined ? { signature: c.signature } : {}) };
  });

  r.post('/api/v1/public/reports', {
    config: { access: { ...access, audit: 'incident-report.submit', target: 'incident-report' } },
    schema: { tags: ['public'], summary: 'Submit an incident report (no login; needs a solved challenge)', body: ReportIn, response: responses({ 201: SubmitOut }) },
  }, async (request, reply) => {
    const b = request.body;
    const wait = byAddress.hit(`ip:${request.ip}`);
    if (wait > 0) throw tooMany(wait, { en: 'Too many reports from this network.', id: 'Terlalu banyak laporan dari jaringan ini.' });
    if (pow !== null) await pow.verifyAndSpend(b.altcha);
    const now = clock();
    let v: ValidReport;
    try {
      v = validateReportInput({ ...b, computers: b.computers ?? 'unknown', services: b.services ?? [], manualFallback: b.manualFallback ?? 'unknown', actionsTaken: b.actionsTaken ?? [] }, now);
    } catch (e) {
      throw asReporterError(e);
    }
    const [unit, settings, pb] = await Promise.all([store.agencies.getByCode('all', v.unitCode).catch(() => undefined), settingsNow.get(), playbook.get()]);
    if (unit === undefined || unit.retiredAt !== null) throw new ApiError('E_VALIDATION', FIELD_TEXTS['unitCode']!, { field: 'unitCode' });
    const unitWait = byUnit.hit(`unit:${unit.id}`);
    if (unitWait > 0) throw tooMany(unitWait, { en: `Many reports came from ${unit.name} just now; the team already knows.`, id: `Banyak laporan dari ${unit.name} baru saja masuk; tim sudah mengetahuinya.` });
    const token = randomBytes(32).toString('base64url');
    const expires = new Date(now.getTime() + settings.statusLinkDays * 86_400_000).toISOString();
    let report: IncidentReport | undefined;
    // The reference's five random characters collide once in ~33 million a day; retry on the unique key.
    for (let attempt = 0; report === undefined; attempt++) {
      try {
        report = await store.incidentReports.create({ ...v, agencyId: unit.id, reference: reportReference(dayKey(now, settings.timeZone), randomBytes(5)), tokenHash: tokenHash(token), tokenExpiresAt: expires, channel: 'web' });
      } catch (e) {
        if (!isPerisaiError(e, 'E_CONFLICT') || attempt >= 3) throw e;
      }
    }
    request.auditNote = { targetType: 'incident-report', targetId: report.id, agencyId: unit.id };
    return reply.code(201).header('cache-control', 'no-store').send({
      reference: report.reference, statusToken: token, statusPath: `${STATUS_PATH}#${token}`, statusExpiresAt: expires, submittedAt: report.createdAt,
      unit: { code: unit.code, name: unit.name }, card: reporterCard(pb, v.reporterRole, v.symptoms),
      photos: { path: '/api/v1/public/report-status/photos', maxBytes: o.photoMaxBytes, maxPhotos: o.maxPhotosPerReport, types: ['image/jpeg', 'image/png', 'image/webp'] },
    });
  });

  r.get('/api/v1/public/report-status', {
    config: { access },
    schema: {
      tags: ['public'], summary: 'What the status link shows: the report\'s status and the responders\' messages (token in the x-report-token header)',
      headers: Type.Object({ [TOKEN_HEADER]: Type.Optional(Type.String({ maxLength: 100 })) }),
      response: responses({ 200: StatusOut }),
    },
  }, async (request, reply) => {
    const report = await reportOf(request);
    const unit = await store.agencies.get('all', report.agencyId);
    const phase = report.incidentId === null ? null : (await store.incidents.get('all', report.incidentId)).phase as Phase;
    const messages = (await store.incidentReports.messages(report.id)).map((m) => ({ at: m.at, from: m.direction === 'to-reporter' ? 'responder' as const : 'reporter' as const, text: m.body }));
    void reply.header('cache-control', 'no-store');
    return {
      reference: report.reference, status: report.status, statusLabel: STATUS_LABELS[report.status]!, reason: report.status === 'rejected' ? report.statusReason : null,
      unit: { code: unit.code, name: unit.name }, submittedAt: report.createdAt, expiresAt: report.tokenExpiresAt, phase, phaseLabel: phase === null ? null : PHASE_LABELS[phase],
      messages, photos: await store.incidentReports.photoCount(report.id), card: reporterCard(await playbook.get(), report.reporterRole, report.symptoms),
    };
  });

  r.post('/api/v1/public/report-status/messages', {
    config: { access: { ...access, audit: 'incident-report.reporter-message', target: 'incident-report' } },
    schema: {
      tags: ['public'], summary: 'The reporter adds information through the status link',
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false }),
      response: responses({ 201: MessageOut }),
    },
  }, async (request, reply) => {
    const wait = uploads.hit(`ip:${request.ip}`);
    if (wait > 0) throw tooMany(wait, { en: 'Too many messages from this network.', id: 'Terlalu banyak pesan dari jaringan ini.' });
    const report = await reportOf(request);
    const text = request.body.text.trim();
    // eslint-disable-next-line no-control-regex
    if (text === '' || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)) throw new ApiError('E_VALIDATION', FIELD_TEXTS['text']!, { field: 'text' });
    const m = await store.incidentReports.addMessage(null, report.id, { direction: 'from-reporter', author: 'reporter', body: text });
    request.auditNote = { targetType: 'incident-report', targetId: report.id, agencyId: report.agencyId };
    return reply.code(201).send({ at: m.at, from: 'reporter' as const, text: m.body });
  });

  // Photos arrive as the raw request body (a phone's fetch(file) or <input type=file> upload): no
  // multipart framing to parse, and the size limit is enforced while reading.
  void app.register(async (child) => {
    child.addContentTypeParser('*', rawUploadParser(o.photoMaxBytes, photoTooLarge));
    const c = child.withTypeProvider<TypeBoxTypeProvider>();
    c.post('/api/v1/public/report-status/photos', {
      config: { access: { ...access, audit: 'incident-report.photo', target: 'incident-report' } },
      schema: {
        tags: ['public'], summary: 'The reporter adds a photo (the request body is the image: JPEG, PNG or WebP; checked by content, metadata removed)',
        querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: responses({ 201: Type.Object({ sha256: Type.String(), size: Type.Integer(), contentType: Type.String(), width: Type.Union([Type.Null(), Type.Integer()]), height: Type.Union([Type.Null(), Type.Integer()]), removed: Type.Array(Type.String()) }) }),
      },
    }, async (request, reply) => {
      const wait = uploads.hit(`ip:${request.ip}`);
      if (wait > 0) throw tooMany(wait, { en: 'Too many uploads from this network.', id: 'Terlalu banyak unggahan dari jaringan ini.' });
      const report = await reportOf(request);
      if (!Buffer.isBuffer(request.body)) throw new ApiError('E_UNSUPPORTED_MEDIA', { en: 'Send the photo itself as the request body.', id: 'Kirim fotonya sebagai isi permintaan.' }, { field: 'photo' });
      if ((await store.incidentReports.photoCount(report.id)) >= o.maxPhotosPerReport) {
        throw new ApiError('E_CONFLICT', { en: `A report can carry at most ${o.maxPhotosPerReport} photos.`, id: `Satu laporan paling banyak ${o.maxPhotosPerReport} foto.` }, { field: 'photo', reason: 'count' });
      }
      const photo = await cleanPhoto(request.body, o.photoMaxBytes);
      const stored = await storeFile(o.dataDir, photo.bytes, photo.ext);
      // eslint-disable-next-line no-control-regex
      const name = request.query.name?.replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200) || null;
      await store.incidentReports.addPhoto(report.id, {
        sha256: stored.sha256, contentType: photo.contentType, size: stored.size, width: photo.width, height: photo.height, originalName: name, path: stored.path, removed: photo.removed, uploadedBy: 'reporter',
      });
      request.auditNote = { targetType: 'incident-report', targetId: report.id, agencyId: report.agencyId, details: { sha256: stored.sha256, size: stored.size } };
      return reply.code(201).send({ sha256: stored.sha256, size: stored.size, contentType: photo.contentType, width: photo.width, height: photo.height, removed: [...photo.removed] });
    });
  });
}

/** The choices of the form, for the UI and the OpenAPI description (docs/incidents.md). */
export const FORM_CHOICES = { symptoms: SYMPTOMS, computers: COMPUTER_COUNTS, services: PUBLIC_SERVICES, manualFallback: FALLBACK_ANSWERS, actionsTaken: ACTIONS_TAKEN, reporterRole: REPORTER_ROLES };
