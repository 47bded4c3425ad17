// Alert channels, rules and the delivery log over HTTP (the web application's alerts page),
// administrators only: these are Diskominfo's objects, city-wide, not agency data.
//
// Channel configs and rule filters are checked by the same functions `perisai alert …` uses
// (validateChannelConfig, validateRuleFilter, RULE_PRESETS); this file only adds the Indonesian texts.
// Secrets in a channel's config (SMTP password, webhook HMAC key, bot token) go in and never come out:
// every response is built from an allow-list (channelView + AlertChannelConfigOut), secrets as a mask.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DeliveryError, RULE_PRESETS, testChannel, validateChannelConfig, validateRuleFilter } from '../../alerts/index.js';
import type { RuleFilter } from '../../alerts/index.js';
import { isPerisaiError } from '../../domain/errors.js';
import type { Store, StoredAlertChannel, StoredAlertRule } from '../../store/index.js';
import { ADMIN } from '../access.js';
import { ApiError, inIndonesian } from '../errors.js';
import { AlertChannelKind, AlertChannelOut, AlertDeliveryOut, AlertRuleOut, IdParams, Text, responses } from '../schemas.js';

/** What the API shows in place of a secret. */
export const SECRET_MASK = '••••';

const CHANNEL_TEXTS: Readonly<Record<string, string>> = {
  url: 'URL webhook tidak valid; harus diawali http:// atau https://',
  host: 'Server SMTP wajib diisi',
  from: 'Alamat pengirim wajib diisi',
  to: 'Isi penerima (alamat surel seperti it@kota.go.id) dan/atau peran narahubung',
  toRoles: 'Peran narahubung tidak dikenal',
  port: 'Port SMTP harus antara 1 dan 65535',
  security: 'Keamanan SMTP harus starttls, tls, atau none',
  user: 'Nama pengguna SMTP wajib diisi bila autentikasi dipakai',
  botToken: 'Token bot Telegram tidak valid (bentuknya angka:huruf)',
  chatId: 'ID obrolan Telegram wajib diisi',
  baseUrl: 'URL dasar Bot API tidak valid; harus diawali http:// atau https://',
  timeoutMs: 'Batas waktu harus antara 100 dan 120000 milidetik',
};

const RULE_TEXTS: Readonly<Record<string, string>> = {
  topics: 'Topik wajib diisi: daftar nama topik seperti finding.opened atau change.*',
  agencyId: 'Instansi tidak valid',
  includeDescendants: 'includeDescendants harus true atau false',
  minSeverity: 'Keparahan minimal harus critical, high, medium, atau low',
  ports: 'Port harus berupa daftar nomor port 1–65535',
  findingRules: 'Aturan temuan harus berupa daftar id aturan, misalnya doublepulsar',
};

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.map(String) : undefined;
}

/**
 * A URL without what commonly carries credentials: user info and the query string (`?token=`) are
 * dropped. Webhook URLs whose path itself is the secret (Slack-style) still show; see docs/api.md.
 */
function publicUrl(u: unknown): string | undefined {
  if (typeof u !== 'string') return undefined;
  try {
    const url = new URL(u);
    if (url.username === '' && url.password === '' && url.search === '' && url.hash === '') return u; // as stored
    const hadQuery = url.search !== '';
    url.username = '';
    url.password = '';
    url.search = '';
    url.hash = '';
    return hadQuery ? `${url.toString()}?${SECRET_MASK}` : url.toString();
  } catch {
    return SECRET_MASK;
  }
}

/**
 * The channel as the API shows it. Built field by field rather than from `redactConfig` (the CLI's
 * listing): that one keeps the bot's numeric id and webhook header values, which may be tokens.
 */
export function channelView(c: StoredAlertChannel) {
  const o = obj(c.config);
  const common = { port: typeof o.port === 'number' ? o.port : undefined, timeoutMs: typeof o.timeoutMs === 'number' ? o.timeoutMs : undefined };
  let hasSecret = false;
  let config: Record<string, unknown>;
  switch (c.kind) {
    case 'email': {
      const auth = o.auth === undefined ? undefined : obj(o.auth);
      hasSecret = typeof auth?.pass === 'string' && auth.pass !== '';
      config = {
        ...common, host: text(o.host), security: text(o.security), from: text(o.from), to: strings(o.to), toRoles: strings(o.toRoles),
        user: text(auth?.user), password: hasSecret ? SECRET_MASK : undefined,
      };
      break;
    }
    case 'webhook':
      hasSecret = typeof o.secret === 'string' && o.secret !== '';
      config = { ...common, url: publicUrl(o.url), secret: hasSecret ? SECRET_MASK : undefined, headerNames: o.headers === undefined ? undefined : Object.keys(obj(o.headers)) };
      break;
    case 'telegram':
      hasSecret = typeof o.botToken === 'string' && o.botToken !== '';
      config = { ...common, chatId: text(o.chatId), baseUrl: publicUrl(o.baseUrl), botToken: hasSecret ? SECRET_MASK : undefined };
      break;
  }
  const defined = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
  return { id: c.id, name: c.name, kind: c.kind, enabled: c.enabled, hasSecret, config: defined, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

function ruleView(r: StoredAlertRule, names: ReadonlyMap<string, string>) {
  let filter: RuleFilter;
  try {
    filter = validateRuleFilter(r.filter);
  } catch {
    filter = { topics: [] }; // a row written by hand: still listed (and removable), matching nothing here
  }
  return { id: r.id, name: r.name, filter: { ...filter, topics: [...filter.topics] }, channelIds: [...r.channelIds], channels: r.channelIds.map((id) => names.get(id) ?? id), enabled: r.enabled, createdAt: r.createdAt };
}

/** A unique-name collision from the store, in both languages (its own text names the table). */
function duplicateName(e: unknown, what: { en: string; id: string }, name: string): never {
  if (isPerisaiError(e, 'E_CONFLICT')) {
    throw new ApiError('E_CONFLICT', { en: `${what.en} named ${JSON.stringify(name)} already exists`, id: `${what.id} bernama ${JSON.stringify(name)} sudah ada` }, { field: 'name' });
  }
  throw e;
}

export function alertRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const access = (target: string, audit?: string) => ({ access: { roles: ADMIN, target, ...(audit !== undefined ? { audit } : {}) } });
  const channelNames = async () => new Map((await store.alerts.listChannels()).map((c) => [c.id, c.name] as const));

  // ---- channels ----

  r.get('/api/v1/alert-channels', {
    config: access('alert-channel'),
    schema: { tags: ['alerts'], summary: 'Alert channels (secrets masked)', response: responses({ 200: Type.Object({ items: Type.Array(AlertChannelOut) }) }) },
  }, async () => ({ items: (await store.alerts.listChannels()).map(channelView) }));

  r.post('/api/v1/alert-channels', {
    config: access('alert-channel', 'alert-channel.create'),
    schema: {
      tags: ['alerts'], summary: 'Add a channel: email {host, port, security, auth {user, pass}, from, to[], toRoles[]}, webhook {url, secret?, headers?}, telegram {botToken, chatId, baseUrl?}',
      body: Type.Object({
        name: Text(100), kind: AlertChannelKind, config: Type.Object({}, { additionalProperties: true }), enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: responses({ 201: AlertChannelOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const config = await inIndonesian(CHANNEL_TEXTS, () => validateChannelConfig(b.kind, b.config));
    const c = await store.alerts.addChannel({ name: b.name, kind: b.kind, config, enabled: b.enabled ?? true }).catch((e: unknown) => duplicateName(e, { en: 'An alert channel', id: 'Kanal peringatan' }, b.name));
    request.auditNote.targetId = c.id;
    // Name and kind only: the config holds the secrets.
    request.auditNote.details = { name: c.name, kind: c.kind };
    return reply.code(201).send(channelView(c));
  });

  r.patch('/api/v1/alert-channels/:id', {
    config: access('alert-channel', 'alert-channel.update'),
    schema: {
      tags: ['alerts'], summary: 'Enable or disable a channel', params: IdParams,
      body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      response: responses({ 200: AlertChannelOut }),
    },
  }, async (request) => {
    const c = await store.alerts.getChannel(request.params.id);
    await store.alerts.setChannelEnabled(c.id, request.body.enabled);
    request.auditNote.targetId = c.id;
    request.auditNote.details = { name: c.name, enabled: request.body.enabled };
    return channelView(await store.alerts.getChannel(c.id));
  });

  r.delete('/api/v1/alert-channels/:id', {
    config: access('alert-channel', 'alert-channel.delete'),
    schema: { tags: ['alerts'], summary: 'Remove a channel (refused while a rule routes to it)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = await store.alerts.getChannel(request.params.id);
    request.auditNote.targetId = c.id;
    request.auditNote.details = { name: c.name };
    await store.alerts.removeChannel(c.id).catch((e: unknown) => {
      if (isPerisaiError(e, 'E_CONFLICT')) {
        throw new ApiError('E_CONFLICT', { en: e.message, id: `Kanal ${c.name} masih dipakai oleh aturan peringatan; hapus aturan tersebut terlebih dahulu` }, { field: 'id' });
      }
      throw e;
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/alert-channels/:id/test', {
    config: access('alert-channel', 'alert-channel.test'),
    schema: {
      tags: ['alerts'], summary: 'Send a sample alert (marked as a test) to the channel now; `ok` false with the cause (connection refused, DNS, TLS, HTTP status …) when the send failed',
      params: IdParams,
      response: responses({ 200: Type.Object({ ok: Type.Boolean(), detail: Type.String(), detailId: Type.String({ description: 'the detail in Bahasa Indonesia' }), cause: Type.Optional(Type.String()) }) }),
    },
  }, async (request) => {
    const c = await store.alerts.getChannel(request.params.id);
    request.auditNote.targetId = c.id;
    try {
      const detail = await inIndonesian(CHANNEL_TEXTS, () => testChannel(store, c.id));
      request.auditNote.details = { name: c.name, ok: true };
      return { ok: true, detail, detailId: detail };
    } catch (e) {
      // A refused send is the answer to "does this channel work?", not a failure of the request. Its
      // text names the cause from status and error codes, never from the URL or a secret (channels.ts).
      if (!(e instanceof DeliveryError)) throw e;
      request.auditNote.details = { name: c.name, ok: false, detail: e.message, cause: e.kind };
      return { ok: false, detail: e.message, detailId: e.messageId, cause: e.kind };
    }
  });

  // ---- rules ----

  r.get('/api/v1/alert-rules', {
    config: access('alert-rule'),
    schema: { tags: ['alerts'], summary: 'Alert rules with their channels', response: responses({ 200: Type.Object({ items: Type.Array(AlertRuleOut) }) }) },
  }, async () => {
    const names = await channelNames();
    return { items: (await store.alerts.listRules()).map((x) => ruleView(x, names)) };
  });

  r.post('/api/v1/alert-rules', {
    config: access('alert-rule', 'alert-rule.create'),
    schema: {
      tags: ['alerts'], summary: 'Add a rule: a preset and/or a filter {topics, agencyId?, includeDescendants?, minSeverity?, ports?, findingRules?} → channels',
      body: Type.Object({
        name: Text(100),
        channelIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 20 }),
        preset: Type.Optional(Type.Union(Object.keys(RULE_PRESETS).map((p) => Type.Literal(p)))),
        filter: Type.Optional(Type.Object({}, { additionalProperties: true })),
        enabled: Type.Optional(Type.Boolean()),
      }, { additionalProperties: false }),
      response: responses({ 201: AlertRuleOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    // Like `perisai alert rule add --preset P --topic …`: the preset, then what the caller states on top.
    const raw = { ...(b.preset !== undefined ? RULE_PRESETS[b.preset] : {}), ...(b.filter ?? {}) };
    const filter = await inIndonesian(RULE_TEXTS, () => validateRuleFilter(raw));
    if (filter.agencyId !== undefined) {
      const agencyId = filter.agencyId;
      await store.agencies.get(request.scope, agencyId).catch(() => {
        throw new ApiError('E_VALIDATION', { en: `filter.agencyId: no agency ${JSON.stringify(agencyId)}`, id: 'Instansi pada filter aturan tidak ditemukan' }, { field: 'agencyId' });
      });
    }
    const ids: string[] = [];
    for (const id of new Set(b.channelIds)) {
      const c = await store.alerts.getChannel(id).catch(() => {
        throw new ApiError('E_VALIDATION', { en: `channelIds: no alert channel ${JSON.stringify(id)}`, id: `Kanal peringatan tidak ditemukan: ${JSON.stringify(id)}` }, { field: 'channelIds' });
      });
      ids.push(c.id);
    }
    const rule = await store.alerts.addRule({ name: b.name, filter, channelIds: ids, enabled: b.enabled ?? true }).catch((e: unknown) => duplicateName(e, { en: 'An alert rule', id: 'Aturan peringatan' }, b.name));
    request.auditNote.targetId = rule.id;
    request.auditNote.details = { name: rule.name, filter, channelIds: ids };
    return reply.code(201).send(ruleView(rule, await channelNames()));
  });

  r.patch('/api/v1/alert-rules/:id', {
    config: access('alert-rule', 'alert-rule.update'),
    schema: {
      tags: ['alerts'], summary: 'Pause or resume a rule (a paused rule routes nothing)', params: IdParams,
      body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      response: responses({ 200: AlertRuleOut }),
    },
  }, async (request) => {
    const rule = await store.alerts.setRuleEnabled(request.params.id, request.body.enabled);
    request.auditNote.targetId = rule.id;
    request.auditNote.details = { name: rule.name, enabled: rule.enabled };
    return ruleView(rule, await channelNames());
  });

  r.delete('/api/v1/alert-rules/:id', {
    config: access('alert-rule', 'alert-rule.delete'),
    schema: { tags: ['alerts'], summary: 'Remove a rule', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await store.alerts.removeRule(request.params.id);
    return reply.code(204).send();
  });

  // ---- deliveries ----

  r.get('/api/v1/alert-deliveries', {
    config: access('alert-delivery'),
    schema: {
      tags: ['alerts'], summary: 'Recent deliveries, newest first; status=dead is the dead-letter queue',
      querystring: Type.Object({
        status: Type.Optional(Type.Union([Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed'), Type.Literal('dead')])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(AlertDeliveryOut) }) }),
    },
  }, async (request) => {
    const names = await channelNames();
    const list = await store.alerts.listDeliveries({ ...(request.query.status !== undefined ? { status: request.query.status } : {}), limit: request.query.limit ?? 100 });
    return { items: list.map((d) => ({ outboxId: d.outboxId, channelId: d.channelId, channelName: names.get(d.channelId) ?? null, topic: d.topic, status: d.status, attempts: d.attempts, lastError: d.lastError, sentAt: d.sentAt, updatedAt: d.updatedAt })) };
  });
}
