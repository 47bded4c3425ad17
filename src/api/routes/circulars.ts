// Circulars for signed-in users (docs/circulars.md "API"): templates (copy, edit), circulars with their
// versions and the letter, sending, recipients, per-agency links, answers with history, review and
// evidence, verification and re-scans, the emergency campaign with its live board, reconnect gates and
// situation reports. The city office (admin, analyst) composes, sends, reviews and decides; an agency
// officer reads and answers only for the agencies in its scope; a viewer reads.

import { createReadStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { circularError, resolveAudience, toLetter, validateGateDecision, validateReview, validateContent, validateReminderPolicy } from '../../domain/circular.js';
import type { CircularContent } from '../../domain/circular.js';
import { placeholdersLeft } from '../../domain/circulars/wannacry-2017.js';
import type { TaskQueue } from '../../queue/queue.js';
import type { AgencyScope, Recipient, Store, StoredCircular } from '../../store/index.js';
import { inScope } from '../../store/index.js';
import { READ, TRIAGE } from '../access.js';
import type { Role } from '../../store/repos/users.js';
import { blockersFor, boardView, CAMPAIGN_PROFILE, CAMPAIGN_RULES, contactEmails, kbMap, LINK_PATH, saveAnswer, sentMessage, sitrepMessage, startAgencyScan } from '../circular-service.js';
import type { BoardView } from '../circular-service.js';
import { ApiError } from '../errors.js';
import { eventStream } from '../sse.js';
import { LangQ, PDF, sendPdf } from '../pdf.js';
import { circularLetterPdf } from '../../io/pdf/circular-letter.js';
import { DEFAULT_TIME_ZONE } from '../../domain/calendar.js';
import { checkEvidence, DEFAULT_EVIDENCE_MAX_BYTES, EVIDENCE_DIR, evidenceTooLarge } from '../evidence.js';
import { rawUploadParser, storedPath, storeFile } from '../photos.js';
import { IdParams, responses } from '../schemas.js';
import { tokenHash } from './public-reports.js';
import {
  AckIn, AnswerEventOut, AnswerIn, AnswerOut, AnswerSavedOut, BoardOut, CampaignIn, CampaignOut, CircularCreateIn, CircularDetailOut, CircularOut, CircularSummaryOut, CircularUpdateIn,
  EvidenceOut, GateDetailOut, GateIn, GateOut, LinkCreatedOut, LinkIn, LinkOut, RecipientOut, RescanOut, ReviewIn, SitrepSentOut, TemplateIn, TemplateOut,
} from './circular-schemas.js';

/** The city office: composes, sends, reviews answers, runs campaigns and decides gates. */
export const OFFICE: readonly Role[] = ['admin', 'analyst'];

const Id = Type.String({ minLength: 1, maxLength: 64 });
const AgencyParams = Type.Object({ id: Id, agencyId: Id });
const ItemParams = Type.Object({ id: Id, agencyId: Id, code: Type.String({ minLength: 1, maxLength: 40 }) });

export interface CircularRouteDeps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly dataDir: string;
  readonly queue?: TaskQueue;
  readonly evidenceMaxBytes?: number;
  /** Board event stream: seconds between looks at the board, and the longest a stream lasts. */
  readonly sseIntervalMs?: number;
  readonly maxStreamMs?: number;
}

function withPlaceholders<T extends { content: CircularContent }>(c: T): T & { placeholders: string[] } {
  return { ...c, placeholders: placeholdersLeft(c.content) };
}

/** An agency the caller may act for: in its scope (else the same 404 as a circular it cannot see). */
function agencyIn(request: FastifyRequest, agencyId: string, circularId: string): string {
  if (!inScope(request.scope, agencyId)) throw new ApiError('E_NOT_FOUND', { en: `circular ${JSON.stringify(circularId)} not found`, id: 'Surat edaran tidak ditemukan' });
  return agencyId;
}

/** Keep only the rows of a frozen board the caller may see. */
function scopedBoard<T extends { rows: readonly { agencyId: string }[] }>(b: T, scope: AgencyScope): T {
  return scope === 'all' ? b : { ...b, rows: b.rows.filter((r) => scope.has(r.agencyId)) };
}

export function circularRoutes(app: FastifyInstance, deps: CircularRouteDeps): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const streams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const stop of [...streams]) stop();
  });

  const circularOf = (request: FastifyRequest, id: string): Promise<StoredCircular> => store.circulars.get(id, request.scope);
  /** The circular the caller may see and one of its audience agencies in the caller's scope (else the same 404). */
  const audienceOf = async (request: FastifyRequest, id: string, agencyId: string): Promise<{ circular: StoredCircular; agencyId: string; recipient: Recipient }> => {
    const circular = await circularOf(request, id);
    const recipient = await store.circulars.recipient(circular.id, agencyIn(request, agencyId, circular.id), request.scope);
    return { circular, agencyId: recipient.agencyId, recipient };
  };
  /** The letter of one version as data, addressed to one audience agency when `agencyId` is given. */
  const letterOf = async (request: FastifyRequest, id: string, q: { version?: number | undefined; agencyId?: string | undefined }) => {
    const c = q.agencyId === undefined ? await circularOf(request, id) : null;
    const a = q.agencyId === undefined ? null : await audienceOf(request, id, q.agencyId);
    const circular = (c ?? a!.circular);
    const v = await store.circulars.version(circular.id, q.version ?? circular.version, request.scope);
    const agency = a === null ? null : { code: a.recipient.agencyCode, name: a.recipient.agencyName };
    return { circular, version: v.version, agency, letter: toLetter({ circularId: circular.id, number: circular.number, sentAt: v.sentAt ?? circular.sentAt, version: v.version, content: v.content, agency }) };
  };

  // ---- templates (city-wide data, like playbooks) --------------------------------------------------

  r.get('/api/v1/circular-templates', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'Circular templates: the latest version of each (or every version)', querystring: Type.Object({ allVersions: Type.Optional(Type.Boolean()) }), response: responses({ 200: Type.Object({ items: Type.Array(TemplateOut) }) }) },
  }, async (request) => ({ items: (await store.circulars.listTemplates({ allVersions: request.query.allVersions === true })).map(withPlaceholders) }));

  r.get('/api/v1/circular-templates/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'One template version', params: IdParams, response: responses({ 200: TemplateOut }) },
  }, async (request) => withPlaceholders(await store.circulars.getTemplate(request.params.id)));

  r.post('/api/v1/circular-templates', {
    config: { access: { roles: OFFICE, target: 'circular-template', audit: 'circular-template.save' } },
    schema: { tags: ['circulars'], summary: 'Save a template from the compose form: the next version of its key; a new key is a copy (version 1)', body: TemplateIn, response: responses({ 201: TemplateOut }) },
  }, async (request, reply) => {
    const b = request.body;
    const t = await store.circulars.saveTemplate({ key: b.key, name: b.name, description: b.description, content: b.content as CircularContent }, request.user!.username);
    request.auditNote = { targetId: t.id, details: { key: t.key, version: t.version } };
    return reply.code(201).send(withPlaceholders(t));
  });

  // ---- circulars --------------------------------------------------------------------------------------

  r.get('/api/v1/circulars', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'], summary: 'Circulars, newest first; an agency user sees those sent to its agencies (the inbox)',
      querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('sent'), Type.Literal('closed')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(CircularSummaryOut) }) }),
    },
  }, async (request) => ({ items: await store.circulars.list(request.scope, { ...(request.query.status !== undefined ? { status: request.query.status } : {}), ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}) }) }));

  r.post('/api/v1/circulars', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.create' } },
    schema: { tags: ['circulars'], summary: 'Compose a circular (a draft) from a template or from the form', body: CircularCreateIn, response: responses({ 201: CircularOut }) },
  }, async (request, reply) => {
    const b = request.body;
    let content = b.content as CircularContent | undefined;
    let templateKey: string | null = null;
    if (b.templateId !== undefined) {
      const t = await store.circulars.getTemplate(b.templateId);
      content ??= t.content;
      templateKey = t.key;
    }
    if (content === undefined) throw new ApiError('E_VALIDATION', { en: 'give a templateId or the content', id: 'Pilih templat atau isi surat edaran' }, { field: 'content' });
    const policy = b.reminderPolicy !== undefined ? validateReminderPolicy(b.reminderPolicy) : undefined;
    const c = await store.circulars.create({ content, templateKey, ...(policy !== undefined ? { reminderPolicy: policy } : {}) }, request.user!.username);
    request.auditNote = { targetId: c.id, details: { templateKey } };
    return reply.code(201).send(withPlaceholders(c));
  });

  r.get('/api/v1/circulars/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'A circular with its current text, its versions, and the MS17-010 KB map the answer form shows (the link page gets the same)', params: IdParams, response: responses({ 200: CircularDetailOut }) },
  }, async (request) => ({ ...withPlaceholders(await circularOf(request, request.params.id)), kbMap: kbMap() }));

  r.put('/api/v1/circulars/:id', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.update' } },
    schema: { tags: ['circulars'], summary: 'Edit a circular: a draft in place; a sent one becomes a new version, which asks every agency to acknowledge again', params: IdParams, body: CircularUpdateIn, response: responses({ 200: CircularOut }) },
  }, async (request) => {
    const b = request.body;
    const policy = b.reminderPolicy !== undefined ? validateReminderPolicy(b.reminderPolicy) : undefined;
    const c = await store.circulars.update(request.params.id, { content: b.content as CircularContent, note: b.note ?? null, ...(policy !== undefined ? { reminderPolicy: policy } : {}) }, request.user!.username);
    request.auditNote = { details: { version: c.version } };
    return withPlaceholders(c);
  });

  r.get('/api/v1/circulars/:id/letter', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'], summary: 'The letter as data for the printable PDF (CircularLetter): one version, optionally addressed to one agency',
      params: IdParams, querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), agencyId: Type.Optional(Id) }),
      response: responses({ 200: Type.Object({ letter: Type.Unknown() }) }),
    },
  }, async (request) => ({ letter: (await letterOf(request, request.params.id, request.query)).letter }));

  // The same letter as the printable PDF (src/io/pdf/circular-letter.ts): same data, access and refusals as
  // the JSON route above, rendered in the city's time zone for the items' due times.
  r.get('/api/v1/circulars/:id/letter.pdf', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'], summary: 'The letter as a printable PDF (Indonesian government format; lang=en for the English text): one version, optionally addressed to one agency',
      params: IdParams, querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), agencyId: Type.Optional(Id), lang: LangQ }),
      produces: [PDF], response: responses({ 200: Type.String({ description: 'application/pdf' }) }),
    },
  }, async (request, reply) => {
    const { circular: c, version, agency, letter } = await letterOf(request, request.params.id, request.query);
    const pdf = await circularLetterPdf(letter, { lang: request.query.lang ?? 'id', createdAt: clock(), timeZone: DEFAULT_TIME_ZONE });
    return sendPdf(reply, pdf, `surat-edaran-${c.number ?? c.id}-v${version}${agency !== null ? `-${agency.code}` : ''}`);
  });

  r.post('/api/v1/circulars/:id/send', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.send' } },
    schema: { tags: ['circulars'], summary: 'Send the current version to the audience: e-mail to each agency\'s contacts through the alert channels, and the agencies\' inbox', params: IdParams, response: responses({ 200: CircularOut }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    const left = placeholdersLeft(c.content);
    if (left.length > 0) {
      throw new ApiError('E_VALIDATION', { en: `fill in the template's placeholders first: ${left.join(', ')}`, id: `Lengkapi dulu bagian templat yang masih berupa [ISIAN]: ${left.join(', ')}` }, { field: left[0]!, fields: left.join(',') });
    }
    validateContent(c.content);
    const agencies = await store.agencies.list('all', {});
    const ids = resolveAudience(c.content.audience, agencies);
    const emails = new Map<string, string[]>();
    for (const a of ids) emails.set(a, await contactEmails(store, a, ['pic', 'technical', 'head']));
    const sent = await store.circulars.send(c.id, { agencyIds: ids, by: request.user!.username, message: (x) => sentMessage(c, x, emails.get(x.agencyId) ?? []) });
    request.auditNote = { details: { agencies: ids.length, version: sent.version, number: sent.number } };
    return withPlaceholders(sent);
  });

  r.post('/api/v1/circulars/:id/close', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.close' } },
    schema: { tags: ['circulars'], summary: 'Close a circular: no more answers; everything recorded stays', params: IdParams, response: responses({ 200: CircularOut }) },
  }, async (request) => withPlaceholders(await store.circulars.close((await circularOf(request, request.params.id)).id, request.user!.username)));

  r.get('/api/v1/circulars/:id/recipients', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'Per agency: sent, delivered/bounced, seen, acknowledged (by whom, which version)', params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(RecipientOut) }) }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    return { items: await store.circulars.recipients(c.id, request.scope) };
  });

  r.post('/api/v1/circulars/:id/agencies/:agencyId/acknowledge', {
    config: { access: { roles: TRIAGE, target: 'circular', audit: 'circular.acknowledge' } },
    schema: { tags: ['circulars'], summary: 'Acknowledge the version sent to the agency, by a named person (name, position, phone)', params: AgencyParams, body: AckIn, response: responses({ 200: RecipientOut }) },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    const b = request.body;
    request.auditNote = { agencyId, details: { name: b.name, position: b.position } };
    return store.circulars.acknowledge(c.id, agencyId, { name: b.name.trim(), position: b.position.trim(), phone: b.phone?.trim() || null, via: 'user', actor: request.user!.username });
  });

  // ---- per-agency links -----------------------------------------------------------------------------

  r.get('/api/v1/circulars/:id/links', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'The per-agency links issued (never their tokens): expiry, revocation, last use', params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(LinkOut) }) }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    return { items: await store.circulars.links(c.id, null, request.scope) };
  });

  r.post('/api/v1/circulars/:id/agencies/:agencyId/links', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.link' } },
    schema: {
      tags: ['circulars'], summary: 'Issue a per-agency link (read, acknowledge and answer without an account); the token is shown once and stored only as its SHA-256',
      params: AgencyParams, body: LinkIn, response: responses({ 201: LinkCreatedOut }),
    },
  }, async (request, reply) => {
    const c = await circularOf(request, request.params.id);
    if (c.status !== 'sent') throw circularError('status', 'links are issued for a sent, open circular', 'tautan hanya untuk surat edaran yang sudah dikirim dan belum ditutup', { reason: c.status });
    const token = randomBytes(32).toString('base64url');
    const expires = new Date(clock().getTime() + (request.body.days ?? 14) * 86_400_000).toISOString();
    const link = await store.circulars.createLink(c.id, request.params.agencyId, tokenHash(token), expires, request.user!.username);
    request.auditNote = { agencyId: link.agencyId, details: { linkId: link.id, expiresAt: expires } };
    return reply.code(201).send({ link, token, path: `${LINK_PATH}#${token}` });
  });

  r.post('/api/v1/circulars/:id/links/:linkId/revoke', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.link-revoke' } },
    schema: { tags: ['circulars'], summary: 'Revoke a link at once', params: Type.Object({ id: Id, linkId: Id }), response: responses({ 200: LinkOut }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    const link = await store.circulars.revokeLink(c.id, request.params.linkId, request.user!.username);
    request.auditNote = { agencyId: link.agencyId, details: { linkId: link.id } };
    return link;
  });

  // ---- answers -------------------------------------------------------------------------------------------

  r.get('/api/v1/circulars/:id/answers', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'Answers per agency × item, with review and verification', params: IdParams, querystring: Type.Object({ agencyId: Type.Optional(Id) }), response: responses({ 200: Type.Object({ items: Type.Array(AnswerOut) }) }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    return { items: await store.circulars.answers(c.id, request.scope, request.query.agencyId) };
  });

  r.put('/api/v1/circulars/:id/agencies/:agencyId/items/:code', {
    config: { access: { roles: TRIAGE, target: 'circular', audit: 'circular.answer' } },
    schema: {
      tags: ['circulars'], summary: 'Answer one item for the agency; an attested scan item asks for a re-scan of the agency\'s networks within its scan windows',
      params: ItemParams, body: AnswerIn, response: responses({ 200: AnswerSavedOut }),
    },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    const res = await saveAnswer(store, { circular: c, agencyId, code: request.params.code, input: request.body, actor: request.user!.username, via: 'user', now: clock(), queue: deps.queue });
    request.auditNote = { agencyId, details: { item: request.params.code, status: res.answer.status, rescan: res.rescan?.state ?? null } };
    return res;
  });

  r.get('/api/v1/circulars/:id/agencies/:agencyId/items/:code/history', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'Every answer, review and verification change of one item for one agency', params: ItemParams, response: responses({ 200: Type.Object({ items: Type.Array(AnswerEventOut) }) }) },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    return { items: await store.circulars.answerHistory(c.id, agencyId, request.params.code, request.scope) };
  });

  r.post('/api/v1/circulars/:id/agencies/:agencyId/items/:code/review', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.review' } },
    schema: { tags: ['circulars'], summary: 'Approve an answer, or return it with a comment (a returned attestation is not complete)', params: ItemParams, body: ReviewIn, response: responses({ 200: AnswerOut }) },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    const v = validateReview(request.body);
    request.auditNote = { agencyId, details: { item: request.params.code, decision: v.state } };
    return store.circulars.review(c.id, agencyId, request.params.code, v, request.user!.username);
  });

  r.get('/api/v1/circulars/:id/evidence', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'Evidence files\' metadata (SHA-256, type by content, size)', params: IdParams, querystring: Type.Object({ agencyId: Type.Optional(Id) }), response: responses({ 200: Type.Object({ items: Type.Array(EvidenceOut) }) }) },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    return { items: await store.circulars.evidence(c.id, request.scope, request.query.agencyId) };
  });

  r.get('/api/v1/circulars/:id/evidence/:evidenceId', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'An evidence file\'s bytes, to those who may see the agency\'s answers', params: Type.Object({ id: Id, evidenceId: Id }), response: responses({ 200: Type.String({ description: 'the file' }) }) },
  }, async (request, reply) => {
    const c = await circularOf(request, request.params.id);
    const e = await store.circulars.evidenceFile(c.id, request.params.evidenceId, request.scope);
    const path = storedPath(deps.dataDir, e.path, EVIDENCE_DIR);
    return reply.header('content-type', e.contentType).header('x-content-type-options', 'nosniff').header('content-disposition', `attachment; filename="${e.sha256.slice(0, 16)}"`)
      .header('cache-control', 'private, no-store').send(createReadStream(path));
  });

  void app.register(async (child) => {
    const max = deps.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES;
    child.addContentTypeParser('*', rawUploadParser(max, evidenceTooLarge));
    child.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/circulars/:id/agencies/:agencyId/items/:code/evidence', {
      config: { access: { roles: TRIAGE, target: 'circular', audit: 'circular.evidence' } },
      schema: {
        tags: ['circulars'], summary: 'Attach an evidence file to an item (the request body is the file; type checked by content, SHA-256 recorded, stored outside the web root)',
        params: ItemParams, querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }), response: responses({ 201: EvidenceOut }),
      },
    }, async (request, reply) => {
      const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
      const ev = await storeEvidence(store, deps.dataDir, max, { circular: c, agencyId, code: request.params.code, body: request.body, name: request.query.name, by: request.user!.username });
      request.auditNote = { agencyId, details: { item: request.params.code, sha256: ev.sha256, size: ev.size } };
      return reply.code(201).send(ev);
    });
  });

  // ---- verification, re-scans -------------------------------------------------------------------------

  r.post('/api/v1/circulars/:id/agencies/:agencyId/verify', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.verify' } },
    schema: { tags: ['circulars'], summary: 'Recompute the agency\'s verification now from the stored scans and findings', params: AgencyParams, response: responses({ 200: Type.Object({ items: Type.Array(AnswerOut) }) }) },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    await store.circulars.verifyAgency(c.id, agencyId, request.user!.username);
    return { items: await store.circulars.answers(c.id, 'all', agencyId) };
  });

  r.post('/api/v1/circulars/:id/agencies/:agencyId/rescan', {
    config: { access: { roles: TRIAGE, target: 'circular', audit: 'circular.rescan' } },
    schema: {
      tags: ['circulars'], summary: '"Please re-verify": a ransomware scan of the agency\'s networks within its scan windows (an administrator may override the windows with a reason, audited)',
      params: AgencyParams, body: CampaignIn, response: responses({ 200: RescanOut }),
    },
  }, async (request) => {
    const { circular: c, agencyId } = await audienceOf(request, request.params.id, request.params.agencyId);
    const override = overrideOf(request, request.body);
    const s = await startAgencyScan(store, agencyId, { by: request.user!.username, override: override !== null, now: clock(), queue: deps.queue });
    if (s.state === 'queued' || s.state === 'deferred') await store.circulars.addRescan({ circularId: c.id, agencyId, campaignId: null, itemCode: null, by: request.user!.username, jobIds: s.state === 'queued' ? s.jobIds : [], notBefore: s.notBefore });
    request.auditNote = { agencyId, details: { state: s.state, jobIds: s.jobIds, ...(override !== null ? { overrideWindow: true, reason: override } : {}) } };
    return s;
  });

  r.get('/api/v1/circulars/:id/rescans', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'], summary: 'Re-scans asked for (by attestations, campaigns and "please re-verify"): started with their jobs, or waiting for a scan window',
      params: IdParams,
      response: responses({ 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), agencyId: Type.String(), campaignId: Type.Union([Type.Null(), Type.String()]), itemCode: Type.Union([Type.Null(), Type.String()]), requestedBy: Type.String(), requestedAt: Type.String(), state: Type.String(), notBefore: Type.Union([Type.Null(), Type.String()]), jobIds: Type.Array(Type.String()), startedAt: Type.Union([Type.Null(), Type.String()]) })) }) }),
    },
  }, async (request) => {
    const c = await circularOf(request, request.params.id);
    return { items: await store.circulars.rescans(c.id, request.scope) };
  });

  // ---- the board ----------------------------------------------------------------------------------

  r.get('/api/v1/circulars/:id/board', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'],
      summary: 'One row per audience agency: acknowledgement, every item {code, status, verification, hosts}, the reconnect gate, and red/amber/green for exposure, acknowledgement, checklist and verification',
      params: IdParams, response: responses({ 200: BoardOut }),
    },
  }, async (request) => boardView(store, request.params.id, request.scope, clock()));

  r.get('/api/v1/circulars/:id/board/events', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['circulars'], summary: 'The live board as Server-Sent Events: `board` whenever it changes (scans finishing, answers, gates); `end` when the circular is closed',
      params: IdParams, produces: ['text/event-stream'], response: responses({ 200: Type.String({ description: 'text/event-stream' }) }),
    },
  }, async (request, reply) => {
    const scope = request.scope;
    const id = request.params.id;
    await store.circulars.board(id, scope); // 404 before the stream opens
    let last = '';
    eventStream(request, reply, {
      store, clock, streams, intervalMs: deps.sseIntervalMs ?? 2000, maxStreamMs: deps.maxStreamMs ?? 600_000, what: 'board',
      poll: async () => {
        const b = await boardView(store, id, scope, clock());
        if (b.circular.status === 'closed') return { event: 'end', data: { status: 'closed', board: b }, end: true };
        const state = JSON.stringify({ ...b, at: null });
        if (state === last) return { unchanged: 'unchanged' };
        last = state;
        return { event: 'board', data: b };
      },
    });
  });

  // ---- the emergency campaign -------------------------------------------------------------------------

  r.post('/api/v1/circulars/:id/campaign', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.campaign' } },
    schema: {
      tags: ['circulars'],
      summary: 'Start the emergency campaign: a ransomware sweep of every audience agency\'s networks (inside scan windows; an administrator may override them with a reason, audited), reconnect gates set to disconnected',
      params: IdParams, body: CampaignIn, response: responses({ 201: CampaignOut }),
    },
  }, async (request, reply) => {
    const c = await circularOf(request, request.params.id);
    const override = overrideOf(request, request.body);
    const camp = await store.circulars.startCampaign(c.id, { profile: CAMPAIGN_PROFILE, rules: [...CAMPAIGN_RULES], by: request.user!.username, windowOverride: override !== null, overrideReason: override });
    const now = clock();
    const rows: { agencyId: string; networkId: string; jobId: string | null; kind: 'queued' | 'deferred'; reason: string | null }[] = [];
    for (const rec of await store.circulars.recipients(c.id, 'all')) {
      const s = await startAgencyScan(store, rec.agencyId, { by: `campaign:${request.user!.username}`, override: override !== null, now, queue: deps.queue });
      const nets = (await store.networks.list('all', { agencyId: rec.agencyId })).map((n) => n.id);
      if (s.state === 'deferred') await store.circulars.addRescan({ circularId: c.id, agencyId: rec.agencyId, campaignId: camp.id, itemCode: null, by: request.user!.username, jobIds: [], notBefore: s.notBefore });
      for (const n of nets) rows.push({ agencyId: rec.agencyId, networkId: n, jobId: s.jobIds[0] ?? null, kind: s.state === 'deferred' ? 'deferred' : 'queued', reason: s.state === 'deferred' ? `scan-window${s.notBefore !== null ? ` until ${s.notBefore}` : ''}` : s.state === 'busy' ? 'already running' : null });
    }
    await store.circulars.addCampaignJobs(camp.id, rows);
    request.auditNote = { details: { campaignId: camp.id, agencies: new Set(rows.map((x) => x.agencyId)).size, ...(override !== null ? { overrideWindow: true, reason: override } : {}) } };
    return reply.code(201).send({ ...(await store.circulars.campaign(c.id))!, gates: await store.circulars.gates(camp.id, 'all') });
  });

  const campaignOf = async (request: FastifyRequest, id: string) => {
    const c = await circularOf(request, id);
    const camp = await store.circulars.campaign(c.id);
    if (camp === undefined) throw new ApiError('E_NOT_FOUND', { en: 'this circular has no campaign', id: 'Surat edaran ini belum memiliki kampanye' });
    return { circular: c, campaign: camp };
  };

  r.get('/api/v1/circulars/:id/campaign', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'The campaign: its sweep (queued or deferred per network) and the reconnect gates', params: IdParams, response: responses({ 200: CampaignOut }) },
  }, async (request) => {
    const { campaign } = await campaignOf(request, request.params.id);
    return { ...campaign, jobs: campaign.jobs.filter((j) => inScope(request.scope, j.agencyId)), gates: await store.circulars.gates(campaign.id, request.scope) };
  });

  r.get('/api/v1/circulars/:id/agencies/:agencyId/gate', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'An agency\'s reconnect gate: state, what keeps it from clearing, every decision', params: AgencyParams, response: responses({ 200: GateDetailOut }) },
  }, async (request) => {
    const { circular, campaign } = await campaignOf(request, request.params.id);
    const agencyId = agencyIn(request, request.params.agencyId, circular.id);
    const gate = (await store.circulars.gates(campaign.id, request.scope)).find((g) => g.agencyId === agencyId);
    if (gate === undefined) throw new ApiError('E_NOT_FOUND', { en: 'no gate for this agency', id: 'Instansi ini tidak memiliki gerbang penyambungan' });
    return { gate, blockers: await blockersFor(store, circular, campaign, agencyId), events: await store.circulars.gateEvents(campaign.id, agencyId) };
  });

  r.post('/api/v1/circulars/:id/agencies/:agencyId/gate', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.gate' } },
    schema: {
      tags: ['circulars'], summary: 'Decide the reconnect gate: cleared only when the required items are complete and the latest re-scan is clean, unless overridden with a reason',
      params: AgencyParams, body: GateIn, response: responses({ 200: GateOut }),
    },
  }, async (request) => {
    const { circular, campaign } = await campaignOf(request, request.params.id);
    const blockers = await blockersFor(store, circular, campaign, request.params.agencyId);
    const d = validateGateDecision({ state: request.body.state, reason: request.body.reason ?? null, override: request.body.override === true }, blockers);
    request.auditNote = { agencyId: request.params.agencyId, details: { state: d.state, override: d.override, reason: d.reason, blockers: blockers.map((b) => b.code ?? b.kind) } };
    return store.circulars.decideGate(campaign.id, request.params.agencyId, { ...d, blockers }, request.user!.username);
  });

  /** Send a situation report to the head of office named in the settings now, and record it. */
  const sendSitrep = async (circular: StoredCircular, campaignId: string, sitrep: { id: string; version: number; snapshot: unknown }, by: string) => {
    const head = (await store.office.settings()).headOfOffice;
    const n = (await store.circulars.sitrepSends([sitrep.id])).length;
    return store.circulars.sendSitrep(sitrep.id, head, by, sitrepMessage(circular, campaignId, sitrep as { id: string; version: number; snapshot: BoardView }, head, n + 1));
  };

  r.post('/api/v1/circulars/:id/campaign/sitreps', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.sitrep' } },
    schema: {
      tags: ['circulars'], summary: 'Freeze the board as the next situation report and send it (a summary and the PDF) to the head of office named in the office settings; the sending is recorded with the version, sender and time',
      params: IdParams, response: responses({ 201: SitrepSentOut }),
    },
  }, async (request, reply) => {
    const { circular, campaign } = await campaignOf(request, request.params.id);
    const board = await boardView(store, circular.id, 'all', clock());
    const s = await store.circulars.createSitrep(campaign.id, board, request.user!.username);
    const send = await sendSitrep(circular, campaign.id, { ...s, snapshot: board }, request.user!.username);
    request.auditNote = { details: { campaignId: campaign.id, version: s.version, to: send.to?.email ?? null } };
    return reply.code(201).send({ ...s, snapshot: board, sends: [send] });
  });

  r.post('/api/v1/circulars/:id/campaign/sitreps/:sitrepId/send', {
    config: { access: { roles: OFFICE, target: 'circular', audit: 'circular.sitrep-send' } },
    schema: {
      tags: ['circulars'], summary: 'Send a situation report version again (e.g. to a newly named head of office): the same frozen board, a new recorded sending',
      params: Type.Object({ id: Id, sitrepId: Id }), response: responses({ 200: SitrepSentOut }),
    },
  }, async (request) => {
    const { circular, campaign } = await campaignOf(request, request.params.id);
    const s = await store.circulars.sitrep(campaign.id, request.params.sitrepId);
    const send = await sendSitrep(circular, campaign.id, s, request.user!.username);
    request.auditNote = { details: { campaignId: campaign.id, version: s.version, to: send.to?.email ?? null } };
    return { ...s, snapshot: s.snapshot as BoardView, sends: await store.circulars.sitrepSends([s.id]) };
  });

  r.get('/api/v1/circulars/:id/campaign/sitreps', {
    config: { access: { roles: READ } },
    schema: { tags: ['circulars'], summary: 'The situation reports, each a frozen board with every sending of it (an agency user sees its own rows)', params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(SitrepSentOut) }) }) },
  }, async (request) => {
    const { campaign } = await campaignOf(request, request.params.id);
    const list = await store.circulars.sitreps(campaign.id);
    const sends = await store.circulars.sitrepSends(list.map((s) => s.id));
    return { items: list.map((s) => ({ ...s, snapshot: scopedBoard(s.snapshot as BoardView, request.scope), sends: sends.filter((x) => x.sitrepId === s.id) })) };
  });
}

/** The scan-window override of a request: admin only, with a reason (null = no override). */
function overrideOf(request: FastifyRequest, b: { overrideWindow?: boolean; reason?: string | null }): string | null {
  if (b.overrideWindow !== true) return null;
  if (request.user?.role !== 'admin') throw new ApiError('E_FORBIDDEN', { en: 'only an administrator may override the scan windows', id: 'Hanya administrator yang boleh mengesampingkan jendela pemindaian' }, { reason: 'override' });
  const reason = b.reason?.trim() ?? '';
  if (reason === '') throw new ApiError('E_VALIDATION', { en: 'reason: overriding the scan windows needs a reason', id: 'Mengesampingkan jendela pemindaian wajib disertai alasan' }, { field: 'reason' });
  return reason;
}

/** Check and store one evidence upload for an agency's item (signed-in users and the link page). */
export async function storeEvidence(store: Store, dataDir: string, max: number, a: { circular: StoredCircular; agencyId: string; code: string; body: unknown; name: string | undefined; by: string }) {
  const item = a.circular.content.items.find((i) => i.code === a.code);
  if (item === undefined) throw new ApiError('E_NOT_FOUND', { en: `checklist item ${a.code} not found`, id: `Butir daftar periksa ${a.code} tidak ditemukan` });
  if (a.circular.status === 'closed') throw circularError('status', 'the circular is closed; answers are no longer accepted', 'surat edaran sudah ditutup; jawaban tidak lagi diterima', { reason: 'closed' });
  if (!Buffer.isBuffer(a.body)) throw new ApiError('E_UNSUPPORTED_MEDIA', { en: 'Send the file itself as the request body.', id: 'Kirim berkasnya sebagai isi permintaan.' }, { field: 'file' });
  const checked = await checkEvidence(a.body, item.evidence, max);
  const stored = await storeFile(dataDir, checked.bytes, checked.ext, EVIDENCE_DIR);
  // eslint-disable-next-line no-control-regex
  const name = a.name?.replace(/[\u0000-\u001f\u007f/\\]/g, '').trim().slice(0, 200) || null;
  return store.circulars.addEvidence({ circularId: a.circular.id, agencyId: a.agencyId, itemCode: a.code, sha256: stored.sha256, contentType: checked.contentType, size: stored.size, originalName: name, path: stored.path, uploadedBy: a.by });
}

