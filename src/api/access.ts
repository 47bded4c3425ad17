// Authority in ONE place (a rule written twice drifts; docs/api.md describes the roles). This plugin, registered on the root
// before any route:
//
//  1. refuses to start when a route under /api/v1 does not declare `config.access` — so a route without
//     an access decision cannot exist, it does not merely "usually" have one — and when a mutating route
//     lists the viewer role;
//  2. on every request to such a route (onRequest: before the body is even parsed), resolves the session
//     cookie to `request.user` and `request.scope` (the agency scope every store read requires), answers
//     401 without a live session and 403 when the role is not listed;
//  3. on mutations, checks the Origin (OWASP CSRF Prevention Cheat Sheet, "Verifying Origin with
//     Standard Headers") and the CSRF token: header `x-csrf-token` must equal the token bound to the
//     session server-side (a synchronizer token; the same value is also offered in a readable cookie for
//     the single-page application — the double-submit pattern, but checked against the session, not
//     against the cookie, so a cookie planted by a sibling subdomain does not help an attacker);
//  4. writes an audit row for every mutation, whatever its outcome, before the response leaves.
//
// Enrolled segment workers (docs/api.md "Enrolled segment workers") are the one other kind of caller: a
// route declaring `roles: 'agent'` (only under /api/v1/agent/) takes nothing but an `Authorization: Bearer
// psw_…` credential — no cookie, so no CSRF token either (a browser never attaches that header by itself
// to a cross-site request) — and every other route ignores that header: a worker's credential reaches
// nothing but the agent routes, and a session cookie reaches none of them.
//
// Handlers only ever see `request.scope`; the store's scoped methods require it, so "forgot the agency
// filter" does not compile.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { WORKER_CREDENTIAL } from '../domain/worker-credential.js';
import type { AgencyScope, Store, WorkerCredential } from '../store/index.js';
import type { StoredSession } from '../store/repos/sessions.js';
import type { Role, User } from '../store/repos/users.js';
import { ApiError } from './errors.js';

export const SESSION_COOKIE = 'perisai_session';
export const CSRF_COOKIE = 'perisai_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export interface Access {
  /**
   * 'public' = no session needed (health, login); 'agent' = an enrolled worker's Bearer credential and
   * nothing else (routes under /api/v1/agent/). Otherwise the roles allowed.
   */
  readonly roles: 'public' | 'agent' | readonly Role[];
  /** Audit action name for mutations (default: "<METHOD> <url>"); false = the handler audits itself (login). */
  readonly audit?: string | false;
  /** Target type recorded with `params.id` in the audit log. */
  readonly target?: string;
  /**
   * The route acts only on the caller's own session or account (logout, own password): allowed to every
   * role, viewers included, although it is a mutation.
   */
  readonly selfService?: boolean;
}

export interface AuditNote {
  targetType?: string;
  targetId?: string;
  agencyId?: string | null;
  details?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    user: User | null;
    scope: AgencyScope;
    session: StoredSession | null;
    auditNote: AuditNote;
    /** The enrolled worker calling an agent route (null everywhere else). */
    agent: WorkerCredential | null;
  }
}

export const READ: readonly Role[] = ['admin', 'analyst', 'officer', 'viewer'];
export const TRIAGE: readonly Role[] = ['admin', 'analyst', 'officer'];
export const ADMIN: readonly Role[] = ['admin'];

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionPolicy {
  /** Idle timeout; OWASP Session Management Cheat Sheet suggests 15–30 min for such applications. */
  readonly idleMs: number;
  /** Absolute timeout regardless of activity (4–8 h for an office day). */
  readonly absoluteMs: number;
  /** Secure cookie flag: true, false, or 'auto' (set when the request arrived over HTTPS). */
  readonly secureCookies: boolean | 'auto';
  /** Origins allowed to send mutations; default: the request's own scheme://host. */
  readonly trustedOrigins?: readonly string[];
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 30 * 60_000, absoluteMs: 8 * 3600_000, secureCookies: 'auto' };

export function sha256(v: string): string {
  return createHash('sha256').update(v).digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a));
  const y = Buffer.from(sha256(b));
  return timingSafeEqual(x, y);
}

/** How often a credential's `last_used_at` is written at most (a worker calls every few seconds). */
const AGENT_TOUCH_MS = 60_000;

const agentRefused = () => new ApiError('E_AUTH', { en: 'Missing, unknown or revoked worker credential', id: 'Kredensial pekerja tidak ada, tidak dikenal, atau sudah dicabut' });

/** Resolve `Authorization: Bearer psw_…` to the enrolled worker, or 401. Reads no cookie. */
async function authenticateAgent(store: Store, clock: () => Date, request: FastifyRequest): Promise<void> {
  const header = request.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer ([!-~]{1,200})$/.exec(header) : null;
  const id = m === null ? null : WORKER_CREDENTIAL.exec(m[1]!)?.[1];
  if (m === null || id === undefined || id === null) throw agentRefused();
  const cred = await store.workerCredentials.authenticate(id, sha256(m[1]!));
  if (cred === undefined) throw agentRefused();
  if (cred.lastUsedAt === null || clock().getTime() - Date.parse(cred.lastUsedAt) > AGENT_TOUCH_MS) await store.workerCredentials.touch(cred.id);
  request.agent = cred;
}

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly access: Access | undefined;
}

function methods(r: RouteOptions): string[] {
  return (Array.isArray(r.method) ? r.method : [r.method]).map((m) => String(m).toUpperCase());
}

export function isSecure(request: FastifyRequest, policy: SessionPolicy): boolean {
  return policy.secureCookies === 'auto' ? request.protocol === 'https' : policy.secureCookies;
}

function checkOrigin(request: FastifyRequest, policy: SessionPolicy): void {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    const allowed = policy.trustedOrigins ?? [`${request.protocol}://${request.host}`];
    if (!allowed.includes(origin)) throw new ApiError('E_FORBIDDEN', { en: 'Cross-origin request refused', id: 'Permintaan lintas asal ditolak' }, { reason: 'origin' });
    return;
  }
  // No Origin: browsers send Sec-Fetch-Site on every request (Fetch Metadata); anything but same-origin
  // or a user-initiated navigation is refused. Non-browser clients (CLI, scripts) send neither and still
  // need the session's CSRF token.
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw new ApiError('E_FORBIDDEN', { en: 'Cross-site request refused', id: 'Permintaan lintas situs ditolak' }, { reason: 'origin' });
}

async function authenticate(store: Store, policy: SessionPolicy, clock: () => Date, request: FastifyRequest): Promise<void> {
  const token = request.cookies[SESSION_COOKIE];
  // Errors are built only when thrown: an error object captures a stack, a cost every request paid.
  const noSession = () => new ApiError('E_AUTH', { en: 'Please log in', id: 'Silakan masuk terlebih dahulu' });
  if (token === undefined || token.length < 32 || token.length > 128) throw noSession();
  const session = await store.sessions.find(sha256(token));
  if (session === undefined) throw noSession();
  const now = clock().getTime();
  const expired = () => new ApiError('E_AUTH', { en: 'Your session has ended; please log in again', id: 'Sesi Anda telah berakhir; silakan masuk kembali' });
  if (session.revokedAt !== null || Date.parse(session.expiresAt) <= now || Date.parse(session.lastSeenAt) + policy.idleMs <= now) throw expired();
  const user = await store.users.get(session.userId).catch(() => undefined);
  if (user === undefined || user.disabled) throw expired();
  // Touch at most once a minute: the idle timeout needs minute precision, not a write per request.
  if (now - Date.parse(session.lastSeenAt) > 60_000) await store.sessions.touch(session.idHash);
  request.user = user;
  request.session = session;
  // City-wide roles see everything; an officer (and a viewer bound to an agency) sees the agency and
  // its descendant units only.
  request.scope = user.agencyId === null ? 'all' : await store.agencies.scopeOf(user.agencyId);
}

/** The access plugin; call on the root instance before registering any route. Returns the route table. */
export function registerAccess(app: FastifyInstance, deps: { store: Store; policy: SessionPolicy; clock: () => Date }): RouteEntry[] {
  const { store, policy, clock } = deps;
  const table: RouteEntry[] = [];
  app.decorateRequest('user', null);
  app.decorateRequest('scope', null as never);
  app.decorateRequest('session', null);
  app.decorateRequest('auditNote', null as unknown as AuditNote);
  app.decorateRequest('agent', null);

  app.addHook('onRoute', (r) => {
    const access = r.config?.access;
    for (const m of methods(r)) {
      if (m === 'HEAD') continue;
      table.push({ method: m, url: r.url, access });
      if (!r.url.startsWith('/api/v1')) continue;
      if (access === undefined) throw new Error(`route ${m} ${r.url} declares no config.access: every API route must state who may call it`);
      // Agent routes live under /api/v1/agent/, and nothing there takes a session (enrollment is public).
      const agentPath = r.url.startsWith('/api/v1/agent/');
      if (access.roles === 'agent' ? !agentPath : agentPath && access.roles !== 'public') throw new Error(`route ${m} ${r.url}: agent routes, and only they, live under /api/v1/agent/`);
      if (MUTATING.has(m) && typeof access.roles !== 'string' && access.roles.includes('viewer') && access.selfService !== true) throw new Error(`route ${m} ${r.url} lets viewers mutate`);
      if (access.roles !== 'public' && !r.url.startsWith('/api/v1/')) throw new Error(`route ${r.url}: authenticated routes live under /api/v1/`);
    }
  });

  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.auditNote = {};
    // Nothing in scope until a session says otherwise (fail closed): an empty set, not 'all'.
    request.scope = new Set<string>();
    const access = request.routeOptions.config.access;
    if (access === undefined) return; // documentation, 404s
    const mutating = MUTATING.has(request.method);
    if (access.roles === 'public') {
      if (mutating) checkOrigin(request, policy); // login CSRF (OWASP: "Login CSRF")
      return;
    }
    if (access.roles === 'agent') {
      await authenticateAgent(store, clock, request);
      return;
    }
    await authenticate(store, policy, clock, request);
    const user = request.user!;
    if (!access.roles.includes(user.role)) throw new ApiError('E_FORBIDDEN', undefined, { reason: 'role' });
    // A one-time or admin-set password opens only the way to replace it (ASVS 2.3.1: initial passwords
    // must be changed at first use).
    if (user.mustChangePassword && access.selfService !== true && request.routeOptions.url !== '/api/v1/me') {
      throw new ApiError('E_FORBIDDEN', { en: 'Change your password first', id: 'Ganti kata sandi Anda terlebih dahulu' }, { reason: 'password-change' });
    }
    if (mutating) {
      checkOrigin(request, policy);
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameSecret(sent, request.session!.csrfToken)) {
        throw new ApiError('E_FORBIDDEN', { en: 'Missing or wrong CSRF token; reload the page', id: 'Token CSRF tidak ada atau salah; muat ulang halaman' }, { reason: 'csrf' });
      }
    }
  });

  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    reply.header('x-request-id', request.id);
    const access = request.routeOptions.config.access;
    if (access === undefined || access.audit === false || !MUTATING.has(request.method)) return payload;
    const status = reply.statusCode;
    const params = (request.params ?? {}) as Record<string, unknown>;
    const note = request.auditNote ?? {};
    try {
      await store.audit.record({
        actorId: request.user?.id ?? null,
        actor: request.user?.username ?? (request.agent !== null ? `agent:${request.agent.id}` : 'anonymous'),
        action: access.audit ?? `${request.method} ${request.routeOptions.url ?? request.url}`,
        targetType: note.targetType ?? access.target ?? null,
        targetId: note.targetId ?? (typeof params['id'] === 'string' ? params['id'] : null),
        agencyId: note.agencyId ?? null,
        outcome: status < 400 ? 'success' : status === 401 || status === 403 ? 'denied' : 'failure',
        status,
        ip: request.ip,
        requestId: request.id,
        details: note.details ?? null,
      });
    } catch (e) {
      request.log.error({ err: e }, 'could not write the audit log');
    }
    return payload;
  });
  return table;
}
