// Coded errors shared by the domain and the store (errors carry codes, each
// boundary — CLI exit code, HTTP status — translates the code once). The union is closed on purpose:
// a caller can switch over it exhaustively.
//
//   E_VALIDATION  the input is malformed or breaks a domain rule; nothing was written
//   E_NOT_FOUND   the row does not exist, or exists outside the caller's agency scope (the two are
//                 deliberately indistinguishable, so a scoped caller cannot probe for other agencies' ids)
//   E_CONFLICT    the write collides with existing state: duplicate code, overlapping network,
//                 concurrent update of the same finding
//   E_STORAGE     the database itself failed: disk full, corrupt file, connection lost. The message says
//                 what happened; the transaction that hit it was rolled back, committed data is intact.

export type ErrorCode = 'E_VALIDATION' | 'E_NOT_FOUND' | 'E_CONFLICT' | 'E_STORAGE';

export class PerisaiError extends Error {
  readonly code: ErrorCode;
  /** Machine-readable context (field name, conflicting row …); JSON-safe. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PerisaiError';
    this.code = code;
    this.details = details;
  }
}

export function isPerisaiError(e: unknown, code?: ErrorCode): e is PerisaiError {
  return e instanceof PerisaiError && (code === undefined || e.code === code);
}

export function validationError(message: string, details: Record<string, unknown> = {}): PerisaiError {
  return new PerisaiError('E_VALIDATION', message, details);
}

export function notFound(what: string, id: string): PerisaiError {
  return new PerisaiError('E_NOT_FOUND', `${what} ${JSON.stringify(id)} not found`, { what, id });
}
