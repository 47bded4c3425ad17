// Alert channels: email over SMTP, a generic JSON webhook and Telegram's Bot API sendMessage.
//
// Secrets (SMTP password, webhook HMAC key, bot token) live in the channel's stored config. They are
// never put in an error message, a log line or `perisai alert channel list` (redactConfig); error texts
// are built here from status codes, never from URLs (a Telegram URL contains the token).

import { createHash, createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import { validationError } from '../domain/errors.js';
import { CONTACT_ROLES } from '../domain/contact.js';
import type { ContactRole } from '../domain/contact.js';
import type { AlertChannelKind } from '../store/index.js';
import type { RenderedAlert } from './render.js';

export interface EmailConfig {
  readonly host: string;
  readonly port: number;
  /**
   * `starttls` (default): plain connect, then STARTTLS is required (RFC 3207; port 587 submission);
   * `tls`: TLS from the first byte (RFC 8314 implicit TLS, port 465);
   * `none`: no TLS at all — only for a relay on the same host or a test server.
   */
  readonly security?: 'starttls' | 'tls' | 'none';
  readonly auth?: { readonly user: string; readonly pass: string };
  /** RFC 5322 mailbox, e.g. `Perisai Diskominfo <perisai@kota.go.id>`. */
  readonly from: string;
  /** Fixed recipients … */
  readonly to?: readonly string[];
  /** … and/or the contacts of the message's agency with these roles (store contacts). */
  readonly toRoles?: readonly ContactRole[];
  readonly timeoutMs?: number;
}

export interface WebhookConfig {
  readonly url: string;
  /** Shared secret: adds `X-Perisai-Signature: sha256=<hex HMAC-SHA256 of the body>` (RFC 2104). */
  readonly secret?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface TelegramConfig {
  readonly botToken: string;
  readonly chatId: string | number;
  /** Default https://api.telegram.org; tests point it at a local receiver. */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
}

export type ChannelConfig = EmailConfig | WebhookConfig | TelegramConfig;

/** What made a send fail, as far as the operator can act on it. */
export type FailureKind = 'refused' | 'dns' | 'tls' | 'timeout' | 'reset' | 'unreachable' | 'protocol' | 'blocked-port' | 'redirect' | 'http' | 'smtp' | 'auth' | 'answer' | 'config' | 'other';

/**
 * A send that failed. `permanent`: retrying cannot help (bad address, 4xx) — dead-letter at once. The
 * message (English, stored in the delivery log) and `messageId` (Bahasa Indonesia, shown by the web
 * application) name the cause: "connection refused", "DNS name not found", "TLS error: …", "HTTP status N".
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly messageId: string = message, readonly kind: FailureKind = 'other') {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A cause in both languages, and the error code it came from (for the operator's search engine). */
export interface FailureCause {
  readonly kind: FailureKind;
  readonly en: string;
  readonly id: string;
  readonly code?: string;
}

/** The error and its causes (fetch wraps the socket error in `cause`; happy eyeballs in an AggregateError). */
function chain(e: unknown): { code?: string; message: string; name: string }[] {
  const out: { code?: string; message: string; name: string }[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (typeof x !== 'object' || x === null || depth > 6) return;
    const o = x as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown; reason?: unknown };
    out.push({ ...(typeof o.code === 'string' ? { code: o.code } : {}), message: typeof o.message === 'string' ? o.message : '', name: typeof o.name === 'string' ? o.name : '' });
    if (Array.isArray(o.errors)) for (const inner of o.errors) walk(inner, depth + 1);
    walk(o.cause, depth + 1);
  };
  walk(e, 0);
  return out;
}

const TLS_CAUSES: readonly [RegExp, string, string][] = [
  [/SELF_SIGNED|self[- ]signed/i, 'the server\'s certificate is self-signed, not trusted', 'sertifikat server ditandatangani sendiri, tidak dipercaya'],
  [/CERT_HAS_EXPIRED|expired/i, 'the server\'s certificate has expired', 'sertifikat server sudah kedaluwarsa'],
  [/CERT_NOT_YET_VALID/i, 'the server\'s certificate is not valid yet', 'sertifikat server belum berlaku'],
  [/ALTNAME|Hostname\/IP does not match/i, 'the server\'s certificate is for another name', 'sertifikat server untuk nama lain'],
  [/UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|unknown ca|unable to get/i, 'the server\'s certificate is not trusted (unknown issuer)', 'sertifikat server tidak dipercaya (penerbit tidak dikenal)'],
  [/WRONG_VERSION_NUMBER|wrong version number|packet length too long/i, 'the TLS handshake failed: the port does not seem to speak TLS', 'jabat tangan TLS gagal: port itu tampaknya tidak memakai TLS'],
];

/**
 * Name the cause of a failed connection (RFC 793 reset/refusal, DNS, TLS, timeout …) from a thrown error,
 * without its message text: a URL in it may carry a token (Telegram's does).
 */
export function describeFailure(e: unknown, timeoutMs: number): FailureCause {
  const links = chain(e);
  const codes = links.flatMap((l) => (l.code !== undefined ? [l.code] : []));
  const text = links.map((l) => `${l.name} ${l.message}`).join(' | ');
  const has = (...cs: string[]) => codes.find((c) => cs.includes(c));
  let c: string | undefined;
  if (links.some((l) => l.name === 'TimeoutError') || (c = has('ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT')) !== undefined || /Greeting never received|Timeout/i.test(text)) {
    return { kind: 'timeout', en: `no answer within ${timeoutMs} ms`, id: `tidak ada jawaban dalam ${timeoutMs} md`, ...(c !== undefined ? { code: c } : {}) };
  }
  if ((c = has('ECONNREFUSED')) !== undefined || /ECONNREFUSED/.test(text)) return { kind: 'refused', en: 'connection refused: nothing listens on that port', id: 'koneksi ditolak: tidak ada layanan pada port itu', code: 'ECONNREFUSED' };
  if ((c = has('ENOTFOUND', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL')) !== undefined || /ENOTFOUND/.test(text)) return { kind: 'dns', en: 'DNS name not found', id: 'nama DNS tidak ditemukan', code: c ?? 'ENOTFOUND' };
  if ((c = has('EAI_AGAIN')) !== undefined) return { kind: 'dns', en: 'DNS lookup failed (temporary failure; is a DNS server reachable?)', id: 'pencarian DNS gagal (gangguan sementara; apakah server DNS dapat dijangkau?)', code: c };
  const tlsCode = codes.find((x) => /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(x));
  if (tlsCode !== undefined || /certificate|SSL routines|TLS/i.test(text)) {
    const hint = TLS_CAUSES.find(([re]) => re.test(`${tlsCode ?? ''} ${text}`));
    return { kind: 'tls', en: `TLS error: ${hint?.[1] ?? 'the secure connection could not be set up'}`, id: `galat TLS: ${hint?.[2] ?? 'koneksi aman tidak dapat dibuat'}`, ...(tlsCode !== undefined ? { code: tlsCode } : {}) };
  }
  if ((c = has('EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN')) !== undefined) return { kind: 'unreachable', en: 'host unreachable (no route to it)', id: 'host tidak dapat dijangkau (tidak ada rute)', code: c };
  if ((c = has('ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE')) !== undefined || /other side closed|socket hang up/i.test(text)) return { kind: 'reset', en: 'the server closed the connection without answering', id: 'server menutup koneksi tanpa menjawab', ...(c !== undefined ? { code: c } : {}) };
  if ((c = codes.find((x) => x.startsWith('HPE_'))) !== undefined) return { kind: 'protocol', en: 'the answer is not HTTP', id: 'jawaban server bukan HTTP', code: c };
  if ((c = has('EPROTOCOL')) !== undefined) return { kind: 'protocol', en: 'the server does not speak the expected protocol', id: 'server tidak memakai protokol yang diharapkan', code: c };
  if (/bad port/i.test(text)) return { kind: 'blocked-port', en: 'that port is blocked for HTTP clients (WHATWG Fetch "bad port", e.g. 9, 25, 587); use another port', id: 'port itu diblokir untuk klien HTTP (WHATWG Fetch "bad port", mis. 9, 25, 587); gunakan port lain' };
  if (/redirect/i.test(text)) return { kind: 'redirect', en: 'the server answered with a redirect; give the final URL', id: 'server menjawab dengan pengalihan; gunakan URL tujuan akhirnya' };
  c = codes[0];
  return c !== undefined ? { kind: 'other', en: `network error (${c})`, id: `galat jaringan (${c})`, code: c } : { kind: 'other', en: 'network error', id: 'galat jaringan' };
}

/** The DeliveryError for a cause: "webhook: connection refused (ECONNREFUSED)". */
function failed(what: string, cause: FailureCause, permanent: boolean): DeliveryError {
  const code = cause.code !== undefined ? ` (${cause.code})` : '';
  return new DeliveryError(`${what}: ${cause.en}${code}`, permanent, `${what}: ${cause.id}${code}`, cause.kind);
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function str(o: Record<string, unknown>, k: string, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || v.trim() === '') throw validationError(`${what}: ${k} is required`, { field: k });
  return v.trim();
}

function httpUrl(u: string, field: string): string {
  let url: URL;
  try {
    url = new URL(u);
  } catch {
    throw validationError(`${field}: not a URL`, { field });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw validationError(`${field}: must be http(s)`, { field });
  return url.toString().replace(/\/$/, '');
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+$/;

/** Check a channel's config; returns a normalised copy or throws E_VALIDATION (messages name no secret). */
export function validateChannelConfig(kind: AlertChannelKind, v: unknown): ChannelConfig {
  const o = obj(v);
  const timeoutMs = o.timeoutMs === undefined ? undefined : Number(o.timeoutMs);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)) throw validationError('timeoutMs: 100-120000', { field: 'timeoutMs' });
  const t = timeoutMs === undefined ? {} : { timeoutMs };
  switch (kind) {
    case 'email': {
      const port = Number(o.port ?? 587);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw validationError('email: port must be 1-65535', { field: 'port' });
      const security = (o.security ?? 'starttls') as string;
      if (!['starttls', 'tls', 'none'].includes(security)) throw validationError('email: security must be starttls, tls or none', { field: 'security' });
      const to = o.to === undefined ? undefined : (Array.isArray(o.to) ? o.to : [o.to]).map(String);
      if (to !== undefined && !to.every((a) => EMAIL.test(a))) throw validationError('email: every "to" must be an address like it@kota.go.id', { field: 'to' });
      const toRoles = o.toRoles === undefined ? undefined : (Array.isArray(o.toRoles) ? o.toRoles : [o.toRoles]).map(String);
      if (toRoles !== undefined && !toRoles.every((r) => (CONTACT_ROLES as readonly string[]).includes(r))) throw validationError(`email: toRoles must be among ${CONTACT_ROLES.join(', ')}`, { field: 'toRoles' });
      if ((to?.length ?? 0) === 0 && (toRoles?.length ?? 0) === 0) throw validationError('email: give recipients ("to") and/or contact roles ("toRoles")', { field: 'to' });
      const a = o.auth === undefined ? undefined : obj(o.auth);
      const auth = a === undefined ? undefined : { user: str(a, 'user', 'email auth'), pass: typeof a.pass === 'string' ? a.pass : '' };
      const from = str(o, 'from', 'email');
      return { host: str(o, 'host', 'email'), port, security: security as EmailConfig['security'], from, ...(auth ? { auth } : {}), ...(to ? { to } : {}), ...(toRoles ? { toRoles: toRoles as ContactRole[] } : {}), ...t };
    }
    case 'webhook': {
      const headers = o.headers === undefined ? undefined : Object.fromEntries(Object.entries(obj(o.headers)).map(([k, val]) => [k, String(val)]));
      return { url: httpUrl(str(o, 'url', 'webhook'), 'url'), ...(typeof o.secret === 'string' && o.secret !== '' ? { secret: o.secret } : {}), ...(headers ? { headers } : {}), ...t };
    }
    case 'telegram': {
      const botToken = str(o, 'botToken', 'telegram');
      // Bot API tokens look like 123456:ABC-DEF…; anything with a slash or space would change the URL path.
      if (!/^[0-9]+:[A-Za-z0-9_-]+$/.test(botToken)) throw validationError('telegram: botToken is not a bot token (digits:letters)', { field: 'botToken' });
      const chatId = typeof o.chatId === 'number' ? o.chatId : str(o, 'chatId', 'telegram');
      return { botToken, chatId, baseUrl: httpUrl(typeof o.baseUrl === 'string' ? o.baseUrl : 'https://api.telegram.org', 'baseUrl'), ...t };
    }
  }
}

/** The config with every secret replaced: safe for listing and logs. */
export function redactConfig(kind: AlertChannelKind, v: unknown): Record<string, unknown> {
  const o = { ...obj(v) };
  if (kind === 'email' && o.auth !== undefined) o.auth = { ...obj(o.auth), pass: '***' };
  if (kind === 'webhook' && o.secret !== undefined) o.secret = '***';
  // Header values are usually credentials (Authorization: Bearer …); their names are what an operator needs.
  if (kind === 'webhook' && o.headers !== undefined) o.headers = Object.fromEntries(Object.keys(obj(o.headers)).map((k) => [k, '***']));
  if (kind === 'webhook' && typeof o.url === 'string') {
    try {
      const u = new URL(o.url);
      if (u.password !== '') {
        u.password = '***';
        o.url = u.toString();
      }
    } catch {
      // validated at creation; an unparsable stored URL is shown as it is
    }
  }
  if (kind === 'telegram' && o.botToken !== undefined) o.botToken = `${String(o.botToken).split(':')[0]}:***`;
  return o;
}

/** A file an e-mail carries (a report card or situation report PDF); the other channels carry the text only. */
export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

export interface OutgoingAlert {
  readonly attachments?: readonly MailAttachment[];
  readonly topic: string;
  readonly dedupKey: string;
  readonly agency: { readonly id: string; readonly code: string; readonly name: string } | null;
  readonly severity: string | null;
  readonly rendered: RenderedAlert;
  readonly payload: unknown;
  readonly createdAt: string;
}

/** The webhook body (stable field names; `payload` is the outbox payload as written by its producer). */
export function webhookBody(a: OutgoingAlert): string {
  return JSON.stringify({
    id: a.dedupKey, topic: a.topic, createdAt: a.createdAt, severity: a.severity, agency: a.agency,
    subject: a.rendered.subject, text: a.rendered.text, payload: a.payload,
  });
}

/** RFC 2104 HMAC with SHA-256 over the exact body bytes, hex; receivers recompute and compare in constant time. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Retry on 408, 429 and 5xx; any other 4xx means the request itself is wrong. */
function httpPermanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, what: string): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (e) {
    // The cause (connection refused, DNS, TLS, timeout …) without the URL, which may carry a token.
    const cause = describeFailure(e, timeoutMs);
    // A redirect or a blocked port will not go away by retrying; the network may.
    throw failed(what, cause, cause.kind === 'redirect' || cause.kind === 'blocked-port');
  }
  const text = (await res.text().catch(() => '')).slice(0, 500);
  if (!res.ok) throw new DeliveryError(`${what}: HTTP status ${res.status}`, httpPermanent(res.status), `${what}: status HTTP ${res.status}`, 'http');
  return { status: res.status, text };
}

/**
 * POST the alert as JSON. `Idempotency-Key` is the outbox dedup key (the same on every retry, the
 * IETF httpapi idempotency-key-header draft), so a receiver can drop the duplicate that a crash between
 * send and record can still cause.
 */
export async function sendWebhook(c: WebhookConfig, a: OutgoingAlert): Promise<string> {
  const body = webhookBody(a);
  const headers: Record<string, string> = { ...(c.headers ?? {}), 'idempotency-key': a.dedupKey, 'user-agent': 'Perisai-Alerts/1' };
  if (c.secret !== undefined) headers['x-perisai-signature'] = signBody(c.secret, body);
  const r = await post(c.url, body, headers, c.timeoutMs ?? 15_000, 'webhook');
  return `HTTP ${r.status}`;
}

/**
 * Telegram Bot API sendMessage: POST {base}/bot<token>/sendMessage with JSON {chat_id, text, parse_mode}
 * (https://core.telegram.org/bots/api#sendmessage); the answer is {ok: true, result: Message}.
 */
export async function sendTelegram(c: TelegramConfig, a: OutgoingAlert): Promise<string> {
  const base = c.baseUrl ?? 'https://api.telegram.org';
  const body = JSON.stringify({ chat_id: c.chatId, text: a.rendered.telegram, parse_mode: 'HTML', disable_web_page_preview: true });
  const r = await post(`${base}/bot${c.botToken}/sendMessage`, body, {}, c.timeoutMs ?? 15_000, 'telegram sendMessage');
  let parsed: { ok?: boolean; result?: { message_id?: number }; description?: string };
  try {
    parsed = JSON.parse(r.text) as typeof parsed;
  } catch {
    throw new DeliveryError('telegram sendMessage: the answer is not JSON', false, 'telegram sendMessage: jawaban bukan JSON', 'answer');
  }
  if (parsed.ok !== true) throw new DeliveryError(`telegram sendMessage: refused (${oneWord(parsed.description)})`, false, `telegram sendMessage: ditolak (${oneWord(parsed.description)})`, 'answer');
  return `message_id ${parsed.result?.message_id ?? '?'}`;
}

function oneWord(s: unknown): string {
  return typeof s === 'string' ? s.replace(/[^\w .:-]/g, '').slice(0, 100) : 'no description';
}

/** A Message-ID derived from the dedup key and channel (RFC 5322 §3.6.4): a re-sent copy carries the same id. */
export function messageId(dedupKey: string, channelId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'perisai.invalid';
  return `<${createHash('sha256').update(`${dedupKey}\n${channelId}`).digest('hex').slice(0, 32)}@${domain}>`;
}

/** Send over SMTP (RFC 5321) with nodemailer; one connection per message (alerts are rare). */
export async function sendEmail(c: EmailConfig, recipients: readonly string[], a: OutgoingAlert, channelId: string): Promise<string> {
  if (recipients.length === 0) {
    throw new DeliveryError('email: no recipients (no "to" and no agency contact with the configured roles has an email)', true,
      'email: tidak ada penerima (tidak ada "to" dan tidak ada narahubung instansi dengan peran itu yang memiliki surel)', 'config');
  }
  const timeout = c.timeoutMs ?? 30_000;
  const security = c.security ?? 'starttls';
  const transport = nodemailer.createTransport({
    host: c.host, port: c.port,
    secure: security === 'tls',
    requireTLS: security === 'starttls',
    ignoreTLS: security === 'none',
    ...(c.auth !== undefined ? { auth: { user: c.auth.user, pass: c.auth.pass } } : {}),
    connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout,
    logger: false, debug: false,
  });
  try {
    const info = await transport.sendMail({
      from: c.from, to: [...recipients], subject: a.rendered.subject, text: a.rendered.text, html: a.rendered.html,
      messageId: messageId(a.dedupKey, channelId, c.from),
      ...(a.attachments !== undefined && a.attachments.length > 0 ? { attachments: a.attachments.map((x) => ({ filename: x.filename, contentType: x.contentType, content: x.content })) } : {}),
      headers: { 'X-Perisai-Key': a.dedupKey, 'Auto-Submitted': 'auto-generated' }, // RFC 3834: no auto-replies
    });
    return `smtp ${oneWord(info.response)}`;
  } catch (e) {
    const err = e as { responseCode?: number; code?: string; command?: string };
    // SMTP 5yz replies are permanent failures, 4yz transient (RFC 5321 §4.2.1).
    const permanent = typeof err.responseCode === 'number' && err.responseCode >= 500 && err.code !== 'EAUTH';
    if (err.code === 'EAUTH') throw new DeliveryError(`email: SMTP authentication refused${err.responseCode !== undefined ? ` (reply ${err.responseCode})` : ''}`, false, `email: autentikasi SMTP ditolak${err.responseCode !== undefined ? ` (balasan ${err.responseCode})` : ''}`, 'auth');
    if (typeof err.responseCode === 'number') {
      const at = err.command !== undefined ? ` to ${oneWord(err.command)}` : '';
      throw new DeliveryError(`email: SMTP reply ${err.responseCode}${at}`, permanent, `email: balasan SMTP ${err.responseCode}${err.command !== undefined ? ` atas ${oneWord(err.command)}` : ''}`, 'smtp');
    }
    // nodemailer wraps the socket's error: its code is ESOCKET/EDNS/ETIMEDOUT, its text the cause.
    const cause = describeFailure(e, timeout);
    throw failed('email', cause, false);
  } finally {
    transport.close();
  }
}
