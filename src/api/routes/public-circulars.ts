// The agency's link page (docs/circulars.md "The agency link"): an agency head reads the circular,
// acknowledges it by name and answers the checklist without an account. The ONLY circular routes that
// need no login.
//
//   GET  /api/v1/public/circular                         the agency's copy: letter, items with due times, answers
//   POST /api/v1/public/circular/acknowledge             acknowledge the version sent, by a named person
//   PUT  /api/v1/public/circular/items/:code             answer one item
//   POST /api/v1/public/circular/items/:code/evidence    attach an evidence file (raw body)
//
// The token travels in the `x-circular-token` header (the page keeps it in the URL fragment, which
// browsers never send), so it is in no access log; only its SHA-256 is stored. A token that is unknown,
// malformed, expired or revoked gets the same 404, and a link opens its own agency's copy only — there is
// no agency or circular id in these routes to change. Every use is audited: opening (the first one is
// "seen"), acknowledging, answering, uploading. Requests are limited per client address.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { itemDue } from '../../domain/circular.js';
import type { TaskQueue } from '../../queue/queue.js';
import type { CircularLink, Store } from '../../store/index.js';
import { kbMap, LINK_TOKEN_HEADER, saveAnswer } from '../circular-service.js';
import { ApiError } from '../errors.js';
import { DEFAULT_EVIDENCE_MAX_BYTES, evidenceTooLarge } from '../evidence.js';
import { rawUploadParser } from '../photos.js';
import { SlidingWindowLimiter } from '../rate-window.js';
import type { RateWindow } from '../rate-window.js';
import { responses } from '../schemas.js';
import { AckIn, AnswerIn, AnswerSavedOut, EvidenceOut, LinkViewOut, RecipientOut } from './circular-schemas.js';
import { storeEvidence } from './circulars.js';
import { tokenHash } from './public-reports.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface PublicCircularDeps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly dataDir: string;
  readonly queue?: TaskQueue;
  /** Requests per client address (default 120 in 10 minutes: an agency's staff share one NAT address). */
  readonly perAddress?: RateWindow;
  readonly evidenceMaxBytes?: number;
}

const linkGone = (): ApiError => new ApiError('E_NOT_FOUND', {
  en: 'This circular link is unknown, has expired or was revoked; ask the city IT office for a new one.',
  id: 'Tautan surat edaran ini tidak dikenal, sudah kedaluwarsa, atau telah dicabut; mintalah tautan baru kepada Diskominfo.',
});

export function publicCircularRoutes(app: FastifyInstance, deps: PublicCircularDeps): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const limiter = new SlidingWindowLimiter(deps.perAddress ?? { max: 120, windowMs: 10 * 60_000 }, clock);
  const access = { roles: 'public' as const, target: 'circular' };

  /** The link the request's token opens (rate-limited per address), or the same 404 for anything else. */
  const linkOf = async (request: FastifyRequest): Promise<CircularLink> => {
    const wait = limiter.hit(`ip:${request.ip}`);
    if (wait > 0) {
      const s = Math.ceil(wait / 1000);
      throw new ApiError('E_RATE_LIMIT', { en: `Too many requests from this network. Try again in ${s} seconds.`, id: `Terlalu banyak permintaan dari jaringan ini. Coba lagi dalam ${s} detik.` }, { retryAfterSeconds: s }, { 'retry-after': String(s) });
    }
    const token = request.headers[LINK_TOKEN_HEADER];
    if (typeof token !== 'string' || !TOKEN.test(token)) throw linkGone();
    const link = await store.circulars.linkByHash(tokenHash(token));
    if (link === undefined || link.revokedAt !== null || Date.parse(link.expiresAt) <= clock().getTime()) throw linkGone();
    await store.circulars.touchLink(link.id);
    request.auditNote = { targetType: 'circular', targetId: link.circularId, agencyId: link.agencyId, details: { linkId: link.id } };
    return link;
  };
  const scopeOf = (link: CircularLink) => new Set([link.agencyId]);

  r.get('/api/v1/public/circular', {
    config: { access },
    schema: { tags: ['public'], summary: 'The agency\'s copy of the circular its link opens (token in the x-circular-token header); the first open is recorded as "seen"', response: responses({ 200: LinkViewOut }) },
  }, async (request) => {
    const link = await linkOf(request);
    const scope = scopeOf(link);
    const c = await store.circulars.get(link.circularId, scope);
    const first = await store.circulars.markSeen(c.id, link.agencyId);
    await store.audit.record({ actorId: null, actor: `link:${link.id}`, action: first ? 'circular.link-seen' : 'circular.link-open', targetType: 'circular', targetId: c.id, agencyId: link.agencyId, outcome: 'success', status: 200, ip: request.ip, requestId: request.id, details: { linkId: link.id } });
    const [recipient, answers, evidence, agency] = await Promise.all([
      store.circulars.recipient(c.id, link.agencyId, scope), store.circulars.answers(c.id, scope, link.agencyId), store.circulars.evidence(c.id, scope, link.agencyId),
      store.agencies.get('all', link.agencyId),
    ]);
    return {
      circular: c, agency: { id: agency.id, code: agency.code, name: agency.name }, content: c.content,
      dueAt: Object.fromEntries(c.content.items.map((i) => [i.code, itemDue(i, c.sentAt, c.content.deadlines)])),
      recipient, answers, evidence, expiresAt: link.expiresAt,
      kbMap: kbMap(),
    };
  });

  r.post('/api/v1/public/circular/acknowledge', {
    config: { access: { ...access, audit: 'circular.link-acknowledge' } },
    schema: { tags: ['public'], summary: 'Acknowledge the version sent to the agency, by a named person (name, position, phone)', body: AckIn, response: responses({ 200: RecipientOut }) },
  }, async (request) => {
    const link = await linkOf(request);
    const b = request.body;
    request.auditNote = { ...request.auditNote, details: { linkId: link.id, name: b.name, position: b.position } };
    return store.circulars.acknowledge(link.circularId, link.agencyId, { name: b.name.trim(), position: b.position.trim(), phone: b.phone?.trim() || null, via: 'link', actor: `link:${link.id}` });
  });

  r.put('/api/v1/public/circular/items/:code', {
    config: { access: { ...access, audit: 'circular.link-answer' } },
    schema: {
      tags: ['public'], summary: 'Answer one checklist item for the agency (an attested scan item asks for a re-scan within the agency\'s scan windows)',
      params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }), body: AnswerIn, response: responses({ 200: AnswerSavedOut }),
    },
  }, async (request) => {
    const link = await linkOf(request);
    const c = await store.circulars.get(link.circularId, scopeOf(link));
    const res = await saveAnswer(store, { circular: c, agencyId: link.agencyId, code: request.params.code, input: request.body, actor: `link:${link.id}`, via: 'link', now: clock(), queue: deps.queue });
    request.auditNote = { ...request.auditNote, details: { linkId: link.id, item: request.params.code, status: res.answer.status } };
    return res;
  });

  void app.register(async (child) => {
    const max = deps.evidenceMaxBytes ?? DEFAULT_EVIDENCE_MAX_BYTES;
    child.addContentTypeParser('*', rawUploadParser(max, evidenceTooLarge));
    child.withTypeProvider<TypeBoxTypeProvider>().post('/api/v1/public/circular/items/:code/evidence', {
      config: { access: { ...access, audit: 'circular.link-evidence' } },
      schema: {
        tags: ['public'], summary: 'Attach an evidence file to an item (the request body is the file; type checked by content)',
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 40 }) }), querystring: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }), response: responses({ 201: EvidenceOut }),
      },
    }, async (request, reply) => {
      const link = await linkOf(request);
      const c = await store.circulars.get(link.circularId, scopeOf(link));
      const ev = await storeEvidence(store, deps.dataDir, max, { circular: c, agencyId: link.agencyId, code: request.params.code, body: request.body, name: request.query.name, by: `link:${link.id}` });
      request.auditNote = { ...request.auditNote, details: { linkId: link.id, item: request.params.code, sha256: ev.sha256, size: ev.size } };
      return reply.code(201).send(ev);
    });
  });
}
