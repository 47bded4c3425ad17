// The API's error codes and their one translation to HTTP (architecture P11: errors carry codes; each
// boundary translates once). Every error body is
//   { error: { code, message, messageId, details? } }
// with `message` in English and `messageId` in Bahasa Indonesia (the UI shows Indonesian first). No stack
// trace, driver message or SQL ever goes into a body: unknown errors become E_INTERNAL with a generic
// text, and the cause is logged with the request id (OWASP Error Handling Cheat Sheet).

import { isPerisaiError } from '../domain/errors.js';
import type { PerisaiError } from '../domain/errors.js';

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

/** Ajv's keyword messages in Bahasa Indonesia (the UI shows `messageId`; Ajv itself speaks English). */
function indonesian(v: { keyword?: string; params?: Record<string, unknown> } | undefined): string {
  const p = v?.params ?? {};
  switch (v?.keyword) {
    case 'required': return 'wajib diisi';
    case 'type': return `tipe data salah (seharusnya ${String(p['type'])})`;
    case 'minLength': return `terlalu pendek (minimal ${String(p['limit'])} karakter)`;
    case 'maxLength': return `terlalu panjang (maksimal ${String(p['limit'])} karakter)`;
    case 'minimum': case 'exclusiveMinimum': return `terlalu kecil (minimal ${String(p['limit'])})`;
    case 'maximum': case 'exclusiveMaximum': return `terlalu besar (maksimal ${String(p['limit'])})`;
    case 'pattern': case 'format': return 'format tidak valid';
    case 'enum': case 'const': case 'anyOf': case 'oneOf': return 'nilai tidak diizinkan';
    case 'additionalProperties': return `kolom tidak dikenal: ${String(p['additionalProperty'])}`;
    default: return 'tidak valid';
  }
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  validation?: readonly { keyword?: string; instancePath?: string; message?: string; params?: Record<string, unknown> }[];
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
      case 'E_VALIDATION':
        return { error: new ApiError('E_VALIDATION', { en: e.message, id: `Masukan tidak valid: ${e.message}` }, d), internal: false };
      case 'E_NOT_FOUND':
        return { error: new ApiError('E_NOT_FOUND', { en: e.message, id: 'Data tidak ditemukan' }, d), internal: false };
      case 'E_CONFLICT':
        return { error: new ApiError('E_CONFLICT', { en: e.message, id: `Bertentangan dengan data yang sudah ada: ${e.message}` }, d), internal: false };
      case 'E_STORAGE':
        // The store's message names files and servers: for the log, not for the client.
        return { error: new ApiError('E_STORAGE'), internal: true };
    }
  }
  const f = (e ?? {}) as FastifyLikeError;
  if (Array.isArray(f.validation)) {
    const first = f.validation[0];
    const where = f.validationContext ?? 'body';
    const missing = first?.params?.['missingProperty'];
    const field = `${where}${first?.instancePath ?? ''}${typeof missing === 'string' ? `/${missing}` : ''}`.replace(/\//g, '.');
    const msg = first?.message ?? 'is invalid';
    return {
      error: new ApiError('E_VALIDATION', { en: `${field}: ${msg}`, id: `Masukan tidak valid pada ${field}: ${indonesian(first)}` }, { field }),
      internal: false,
    };
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
