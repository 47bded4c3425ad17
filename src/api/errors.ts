// The API's error codes and their one translation to HTTP (errors carry codes; each
// boundary translates once, so the same failure never gets two statuses). Every error body is
//   { error: { code, message, messageId, details? } }
// with `message` in English and `messageId` in Bahasa Indonesia (the UI shows Indonesian first). No stack
// trace, driver message or SQL ever goes into a body: unknown errors become E_INTERNAL with a generic
// text, and the cause is logged with the request id (OWASP Error Handling Cheat Sheet).

import { isPerisaiError } from '../domain/errors.js';
import type { PerisaiError } from '../domain/errors.js';
import { controlCharacterMessage, findControlCharacter } from '../domain/text.js';

export const API_ERROR_CODES = ['E_VALIDATION', 'E_AUTH', 'E_FORBIDDEN', 'E_NOT_FOUND', 'E_CONFLICT', 'E_RATE_LIMIT', 'E_PAYLOAD_TOO_LARGE', 'E_UNSUPPORTED_MEDIA', 'E_STORAGE', 'E_INTERNAL'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const STATUS: Readonly<Record<ApiErrorCode, number>> = {
  E_VALIDATION: 400,
  E_AUTH: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_PAYLOAD_TOO_LARGE: 413,
  E_UNSUPPORTED_MEDIA: 415,
  E_RATE_LIMIT: 429,
  E_INTERNAL: 500,
  E_STORAGE: 503,
};

/** Generic texts per code, used when no more specific pair is given. */
const GENERIC: Readonly<Record<ApiErrorCode, { en: string; id: string }>> = {
  E_VALIDATION: { en: 'The request is not valid', id: 'Permintaan tidak valid' },
  E_AUTH: { en: 'Please log in', id: 'Silakan masuk terlebih dahulu' },
  E_FORBIDDEN: { en: 'You are not allowed to do this', id: 'Anda tidak berwenang melakukan ini' },
  E_NOT_FOUND: { en: 'Not found', id: 'Data tidak ditemukan' },
  E_CONFLICT: { en: 'This conflicts with existing data', id: 'Bertentangan dengan data yang sudah ada' },
  E_PAYLOAD_TOO_LARGE: { en: 'The request body is too large', id: 'Isi permintaan terlalu besar' },
  E_UNSUPPORTED_MEDIA: { en: 'Unsupported content type; send JSON', id: 'Jenis konten tidak didukung; kirim JSON' },
  E_RATE_LIMIT: { en: 'Too many attempts; try again later', id: 'Terlalu banyak percobaan; coba lagi nanti' },
  E_INTERNAL: { en: 'Internal error; the administrators can find it in the log by its request id', id: 'Terjadi kesalahan internal; administrator dapat menelusurinya di log dengan id permintaan' },
  E_STORAGE: { en: 'The database is unavailable; nothing was changed by this request, try again later', id: 'Basis data tidak tersedia; permintaan ini tidak mengubah apa pun, coba lagi nanti' },
};

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly messageId: string;
  readonly details: Record<string, unknown> | undefined;
  /** Extra response headers (Retry-After). */
  readonly headers: Record<string, string>;

  constructor(code: ApiErrorCode, text?: { en: string; id: string }, details?: Record<string, unknown>, headers: Record<string, string> = {}) {
    const t = text ?? GENERIC[code];
    super(t.en);
    this.name = 'ApiError';
    this.code = code;
    this.messageId = t.id;
    this.details = details;
    this.headers = headers;
  }
}

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; messageId: string; details?: Record<string, unknown> };
}

export function body(e: ApiError): ErrorBody {
  return { error: { code: e.code, message: e.message, messageId: e.messageId, ...(e.details !== undefined ? { details: e.details } : {}) } };
}

/** JSON-safe details only (a store error's details are JSON-safe by contract; keep it to plain values). */
function safeDetails(d: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** JSON Schema type names in Bahasa Indonesia (a field message names the type it expected). */
const TYPE_ID: Readonly<Record<string, string>> = {
  string: 'teks', integer: 'bilangan bulat', number: 'angka', boolean: 'benar/salah', array: 'daftar', object: 'objek', null: 'kosong',
};

interface AjvError { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> }

/**
 * The request fields' names as a user reads them in Bahasa Indonesia, so that an Indonesian message
 * names "nama", not "body.name". A field not listed keeps its own name.
 */
const FIELD_LABEL_ID: Readonly<Record<string, string>> = {
  name: 'nama', code: 'kode', kind: 'jenis', parentId: 'instansi induk', notes: 'catatan', cidr: 'blok CIDR', label: 'label', zone: 'zona',
  authorisationRef: 'nomor surat izin', confirmReason: 'alasan konfirmasi', email: 'surel', phone: 'telepon', whatsapp: 'WhatsApp', role: 'peran',
  isPrimary: 'narahubung utama', criticality: 'tingkat kepentingan', owner: 'pemilik', tags: 'label', username: 'nama pengguna',
  displayName: 'nama tampilan', password: 'kata sandi', currentPassword: 'kata sandi saat ini', newPassword: 'kata sandi baru',
  agencyId: 'instansi', networkId: 'jaringan', targets: 'target', ports: 'port', profile: 'profil', vantage: 'sudut pandang',
  overrideWindow: 'abaikan jendela pemindaian', cron: 'pola cron', timeZone: 'zona waktu', enabled: 'aktif', disabled: 'nonaktif',
  mustChangePassword: 'wajib ganti kata sandi', reason: 'alasan', expiresAt: 'berlaku sampai', assigneeId: 'penanggung jawab',
  channelIds: 'kanal', preset: 'templat', filter: 'filter', config: 'konfigurasi', days: 'jumlah hari', limit: 'jumlah per halaman',
  cursor: 'penanda halaman', after: 'penanda halaman', before: 'penanda halaman', status: 'status', minSeverity: 'keparahan minimal',
  sort: 'urutan', search: 'pencarian', tag: 'label', riskRating: 'tingkat risiko', assetId: 'aset', ruleId: 'aturan', against: 'pembanding',
  actorId: 'pelaku', action: 'tindakan', outcome: 'hasil', id: 'id', body: 'isi permintaan', querystring: 'parameter', params: 'alamat',
};

/** "body.targets.1" → "target ke-2"; "querystring.days" → "jumlah hari". */
export function fieldLabelId(field: string): string {
  const parts = field.split('.').filter((x) => x !== '');
  const path = parts.length > 1 && ['body', 'querystring', 'params', 'headers'].includes(parts[0]!) ? parts.slice(1) : parts;
  return path.map((p) => (/^\d+$/.test(p) ? `ke-${Number(p) + 1}` : (FIELD_LABEL_ID[p] ?? p))).join(' ');
}

/** Ajv's keyword messages in Bahasa Indonesia (the UI shows `messageId`; Ajv itself speaks English). */
function indonesian(v: AjvError | undefined): string {
  const p = v?.params ?? {};
  switch (v?.keyword) {
    case 'required': return 'wajib diisi';
    case 'type': return `tipe data salah (seharusnya ${String(p['type']).split(',').map((x) => TYPE_ID[x] ?? x).join(' atau ')})`;
    case 'minLength': return Number(p['limit']) <= 1 ? 'wajib diisi' : `terlalu pendek (minimal ${String(p['limit'])} karakter)`;
    case 'maxLength': return `terlalu panjang (maksimal ${String(p['limit'])} karakter)`;
    case 'minimum': case 'exclusiveMinimum': return `terlalu kecil (minimal ${String(p['limit'])})`;
    case 'maximum': case 'exclusiveMaximum': return `terlalu besar (maksimal ${String(p['limit'])})`;
    case 'minItems': return `terlalu sedikit (minimal ${String(p['limit'])} butir)`;
    case 'maxItems': return `terlalu banyak (maksimal ${String(p['limit'])} butir)`;
    case 'minProperties': return 'tidak ada yang diubah';
    case 'pattern': case 'format': return 'format tidak valid';
    case 'enum': case 'const': case 'anyOf': case 'oneOf': return 'nilai tidak diizinkan';
    default: return 'tidak valid';
  }
}

/** One field's validation error, in both languages (the `fields` of a validation error's details). */
export interface FieldError { readonly field: string; readonly message: string; readonly messageId: string }

/**
 * Ajv's errors (all of them: the app validates with allErrors) as one entry per field, each with its most
 * telling reason. A value that fails a union reports every branch ("must be null", "must be string",
 * "must match a schema in anyOf"); the branch that says what the value should have been is kept, and a
 * union of literals is reported once, with the allowed values.
 */
export function fieldErrors(list: readonly AjvError[], where: string): FieldError[] {
  const byField = new Map<string, AjvError[]>();
  for (const v of list) {
    const extra = v.params?.['missingProperty'];
    const field = `${where}${v.instancePath ?? ''}${typeof extra === 'string' ? `/${extra}` : ''}`.replace(/\//g, '.');
    byField.set(field, [...(byField.get(field) ?? []), v]);
  }
  // A union whose branch of the right type failed inside (ports: a string, or a list of port numbers)
  // reports "must be string" for the whole value besides the real reason on an item: keep the item's.
  for (const [field, errs] of byField) {
    const deeper = [...byField.keys()].some((f) => f.startsWith(`${field}.`));
    if (deeper && errs.every((e) => e.keyword === 'type' || e.keyword === 'anyOf' || e.keyword === 'oneOf')) byField.delete(field);
  }
  return [...byField].map(([field, errs]) => {
    const branches = errs.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
    const literals = branches.filter((e) => e.keyword === 'const' || e.keyword === 'enum');
    if (literals.length > 0 && literals.length === branches.filter((e) => !(e.keyword === 'type' && e.params?.['type'] === 'null')).length) {
      const allowed = literals.flatMap((e) => (e.keyword === 'const' ? [e.params?.['allowedValue']] : ((e.params?.['allowedValues'] as unknown[] | undefined) ?? []))).map(String);
      return { field, message: `must be one of: ${allowed.join(', ')}`, messageId: `nilai tidak diizinkan; pilih salah satu dari: ${allowed.join(', ')}` };
    }
    const unknown = branches.filter((e) => e.keyword === 'additionalProperties').map((e) => String(e.params?.['additionalProperty']));
    if (unknown.length > 0) return { field, message: `unknown field${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, messageId: `kolom tidak dikenal: ${unknown.join(', ')}` };
    const pick = branches.find((e) => !(e.keyword === 'type' && e.params?.['type'] === 'null')) ?? branches[0] ?? errs[0];
    return { field, message: pick?.message ?? 'is invalid', messageId: indonesian(pick) };
  });
}

/** The validation error of a request whose values failed its schema, every field named. */
export function validationFailure(fields: readonly FieldError[]): ApiError {
  return new ApiError('E_VALIDATION', {
    en: fields.map((f) => `${f.field}: ${f.message}`).join('; '),
    id: `Masukan tidak valid pada ${fields.map((f) => `${fieldLabelId(f.field)}: ${f.messageId}`).join('; ')}`,
  }, { field: fields[0]?.field ?? 'body', fields: fields.map((f) => ({ ...f })) });
}

/** The path of the first value in `v` (a request part, walked depth-first) for which `bad` answers, and that answer. */
function firstBad<T>(v: unknown, path: string, bad: (x: unknown) => T | undefined): { field: string; why: T } | undefined {
  const why = bad(v);
  if (why !== undefined) return { field: path, why };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = firstBad(v[i], `${path}.${i}`, bad);
      if (hit !== undefined) return hit;
    }
  } else if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) {
    for (const [k, x] of Object.entries(v)) {
      const hit = firstBad(x, `${path}.${k}`, bad);
      if (hit !== undefined) return hit;
    }
  }
  return undefined;
}

/**
 * Numbers that JSON Schema calls valid but no handler can use: a query string or body value like `1e309`
 * parses to Infinity, which passes Ajv's integer and range checks. Returns the request part's path to
 * the first such value, if any.
 */
export function nonFiniteField(v: unknown, path: string): string | undefined {
  return firstBad(v, path, (x) => (typeof x === 'number' && !Number.isFinite(x) ? true : undefined))?.field;
}

/**
 * The one rule for text that comes in (src/domain/text.ts): a string field holding a control character
 * (NUL, ESC …) is refused, whatever the route — the central check every string field passes.
 */
export function controlCharacterError(v: unknown, path: string): ApiError | undefined {
  const hit = firstBad(v, path, (x) => (typeof x === 'string' ? findControlCharacter(x) : undefined));
  if (hit === undefined) return undefined;
  const [id, en] = controlCharacterMessage(hit.why).split(' / ');
  return validationFailure([{ field: hit.field, message: en!, messageId: id! }]);
}

/** The 400 for a non-finite number (nonFiniteField). */
export function nonFiniteError(field: string): ApiError {
  return validationFailure([{ field, message: 'must be a finite number', messageId: 'angka terlalu besar atau tidak terhingga' }]);
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: readonly AjvError[];
  validationContext?: string;
}

/**
 * Map anything thrown to an ApiError. `internal` is true when the error is a bug or an unknown failure
 * that must be logged in full (the client only sees the generic text).
 */
export function toApiError(e: unknown): { error: ApiError; internal: boolean } {
  if (e instanceof ApiError) return { error: e, internal: false };
  if (isPerisaiError(e)) {
    const d = safeDetails(e.details);
    switch (e.code) {
      case 'E_VALIDATION': {
        // The domain speaks English; without a sentence of its own (routes give one through
        // inIndonesian) the Indonesian text names the field rather than embedding the English one.
        // A domain rule that carries its own Indonesian sentence (details.messageId, domain/circular.ts) says it.
        const field = typeof e.details['field'] === 'string' ? e.details['field'] : undefined;
        const own = typeof e.details['messageId'] === 'string' ? e.details['messageId'] : undefined;
        return { error: new ApiError('E_VALIDATION', { en: e.message, id: own ?? (field === undefined ? 'Masukan tidak valid' : `Masukan tidak valid pada ${fieldLabelId(field)}`) }, d), internal: false };
      }
      case 'E_NOT_FOUND':
        return { error: new ApiError('E_NOT_FOUND', { en: e.message, id: 'Data tidak ditemukan' }, d), internal: false };
      case 'E_CONFLICT': {
        const field = typeof e.details['field'] === 'string' ? e.details['field'] : undefined;
        const own = typeof e.details['messageId'] === 'string' ? e.details['messageId'] : undefined;
        return { error: new ApiError('E_CONFLICT', { en: e.message, id: own ?? (field === undefined ? 'Bertentangan dengan data yang sudah ada' : `${fieldLabelId(field)} bertentangan dengan data yang sudah ada`) }, d), internal: false };
      }
      case 'E_STORAGE':
        // The store's message names files and servers: for the log, not for the client.
        return { error: new ApiError('E_STORAGE'), internal: true };
    }
  }
  const f = (e ?? {}) as FastifyLikeError;
  if (Array.isArray(f.validation)) {
    const fields = fieldErrors(f.validation, f.validationContext ?? 'body');
    return { error: validationFailure(fields.length > 0 ? fields : [{ field: f.validationContext ?? 'body', message: 'is invalid', messageId: 'tidak valid' }]), internal: false };
  }
  switch (f.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new ApiError('E_PAYLOAD_TOO_LARGE'), internal: false };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { error: new ApiError('E_VALIDATION', { en: 'The body is not valid JSON', id: 'Isi permintaan bukan JSON yang valid' }), internal: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { error: new ApiError('E_UNSUPPORTED_MEDIA'), internal: false };
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: new ApiError('E_VALIDATION', { en: 'Invalid Content-Length', id: 'Content-Length tidak valid' }), internal: false };
  }
  // SyntaxError from the JSON parser (older code paths) and any other 4xx fastify raises itself.
  if (e instanceof SyntaxError) return { error: new ApiError('E_VALIDATION', { en: 'The body is not valid JSON', id: 'Isi permintaan bukan JSON yang valid' }), internal: false };
  if (typeof f.statusCode === 'number' && f.statusCode === 413) return { error: new ApiError('E_PAYLOAD_TOO_LARGE'), internal: false };
  if (typeof f.statusCode === 'number' && f.statusCode === 429) return { error: new ApiError('E_RATE_LIMIT'), internal: false };
  if (typeof f.statusCode === 'number' && f.statusCode >= 400 && f.statusCode < 500) return { error: new ApiError('E_VALIDATION'), internal: false };
  return { error: new ApiError('E_INTERNAL'), internal: true };
}

/**
 * The Indonesian sentence for a domain or store validation error, by the field its details name: a
 * table, or a function of the field and the error; no sentence (undefined) leaves the error to the
 * generic translation of `toApiError`.
 */
export type FieldTexts = Readonly<Record<string, string>> | ((field: string, e: PerisaiError) => string | undefined);

/**
 * Run `work` and re-throw its errors in both languages (the domain and the store speak English). A
 * validation error naming a field `texts` has a sentence for becomes an ApiError with that sentence
 * (the English text stays the domain's); any other error goes through `other` when given (it returns
 * what to throw instead), else unchanged.
 */
export async function inIndonesian<T>(texts: FieldTexts, work: () => Promise<T> | T, other?: (e: unknown) => unknown): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (isPerisaiError(e, 'E_VALIDATION')) {
      const field = e.details['field'];
      const id = typeof field !== 'string' ? undefined : typeof texts === 'function' ? texts(field, e) : texts[field];
      if (id !== undefined) throw new ApiError('E_VALIDATION', { en: e.message, id }, { field: field as string });
    }
    throw other === undefined ? e : await other(e);
  }
}
