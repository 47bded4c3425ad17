// The public routes (docs/incidents.md "The public form"): no session needed, no CSRF token; the status link's
// token travels in the x-report-token header (the page keeps it in the URL fragment). Shapes mirror
// src/api/routes/public-reports.ts (SubmitOut, StatusOut) and incident-schemas.ts (RoleCardOut).
import type { Bi } from './i18n';

export interface Unit { code: string; name: string; kind: string; parentName: string | null }
export interface CardStep {
  n: number; id: string; title: Bi; detail: Bi; required: boolean; evidence: Bi | null;
  branches: { when: Bi; do: Bi; symptoms: string[]; applies?: boolean }[]; sources: string[];
}
export interface RoleCard { playbookKey: string; role: string; roleLabel: Bi; title: Bi; steps: CardStep[]; sources: { key: string; title: string; url: string | null }[] }
export interface Submitted {
  reference: string; statusToken: string; statusPath: string; statusExpiresAt: string; submittedAt: string; unit: { code: string; name: string }; card: RoleCard;
  photos: { path: string; maxBytes: number; maxPhotos: number; types: string[] };
}
export interface ReportStatus {
  reference: string; status: string; statusLabel: Bi; reason: string | null; unit: { code: string; name: string }; submittedAt: string; expiresAt: string;
  phase: string | null; phaseLabel: Bi | null; messages: { at: string; from: 'responder' | 'reporter'; text: string }[]; photos: number; card: RoleCard;
}

/** The API's refusal: its sentence in both languages, the field it names. */
export class PubError extends Error {
  constructor(readonly status: number, readonly text: Bi | null, readonly field: string | null) {
    super(text?.en ?? `HTTP ${status}`);
  }
}

export const TOKEN_HEADER = 'x-report-token';
/** Photo limits before the server says them (src/api/photos.ts DEFAULT_PHOTO_MAX_BYTES; 10 per report). */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const MAX_PHOTOS = 10;

export async function pub<T>(method: 'GET' | 'POST', path: string, opts: { json?: unknown; body?: Blob; token?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.json !== undefined) headers['content-type'] = 'application/json';
  if (opts.body !== undefined) headers['content-type'] = 'application/octet-stream';
  if (opts.token !== undefined) headers[TOKEN_HEADER] = opts.token;
  let res: Response;
  try {
    // credentials: the default (same-origin), so that the preloads of lapor.html are used.
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(opts.json !== undefined ? { body: JSON.stringify(opts.json) } : opts.body !== undefined ? { body: opts.body } : {}) });
  } catch {
    throw new PubError(0, null, null);
  }
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as { error?: { message?: string; messageId?: string; details?: { field?: unknown } } } | null)?.error;
    const text = e?.message !== undefined && e.messageId !== undefined ? { en: e.message, id: e.messageId } : null;
    throw new PubError(res.status, text, typeof e?.details?.field === 'string' ? e.details.field : null);
  }
  return data as T;
}

/** Send the chosen photos one by one with the status token; `onEach(i)` before each. Failures are returned, never thrown. */
export async function uploadPhotos(files: readonly File[], token: string, onEach: (i: number) => void): Promise<{ name: string; error: PubError }[]> {
  const failed: { name: string; error: PubError }[] = [];
  for (const [i, f] of files.entries()) {
    onEach(i);
    try {
      await pub('POST', `/public/report-status/photos?name=${encodeURIComponent(f.name)}`, { body: f, token });
    } catch (e) {
      failed.push({ name: f.name, error: e instanceof PubError ? e : new PubError(0, null, null) });
    }
  }
  return failed;
}
