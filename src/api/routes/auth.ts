// Login, logout, the current user and changing one's own password.
//
// Cookies (RFC 6265bis; OWASP Session Management Cheat Sheet): `perisai_session` is HttpOnly (no script
// can read it), SameSite=Strict (never sent on cross-site requests), Path=/, Secure when served over
// HTTPS (configurable: 'auto' follows the request's protocol, with trustProxy behind a TLS proxy), and
// has no Max-Age: a browser session cookie, while the server enforces idle and absolute expiry. A new
// random token is issued at every login (no session fixation, ASVS 3.2.1).

import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Store } from '../../store/index.js';
import type { TaskQueue } from '../../queue/queue.js';
import type { User } from '../../store/repos/users.js';
import { normalizeUsername } from '../../store/repos/users.js';
import { CSRF_COOKIE, READ, SESSION_COOKIE, isSecure, sha256 } from '../access.js';
import type { SessionPolicy } from '../access.js';
import { ApiError } from '../errors.js';
import { beforeAttempt, PairQueue, recordFailure, throttleKeys } from '../login-throttle.js';
import type { LoginThrottle } from '../login-throttle.js';
import { burnVerify, checkPasswordChange, hashPassword, verifyPassword } from '../passwords.js';
import { MeOut, responses } from '../schemas.js';

function scopeOut(scope: 'all' | ReadonlySet<string>): 'all' | string[] {
  return scope === 'all' ? 'all' : [...scope].sort();
}

function lockedError(until: string, now: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new ApiError(
    'E_RATE_LIMIT',
    {
      en: `Too many failed logins to this account from this address; try again in ${minutes} minute(s), or log in from another device`,
      id: `Terlalu banyak percobaan masuk yang gagal ke akun ini dari alamat ini; coba lagi dalam ${minutes} menit, atau masuk dari perangkat lain`,
    },
    { retryAfterSeconds: seconds },
    { 'retry-after': String(seconds) },
  );
}

const HEALTH_TIMEOUT_MS = 1000;
const PartStatus = Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]);
export const HealthOut = Type.Object({
  status: PartStatus,
  database: Type.Object({ status: PartStatus, dialect: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]), ms: Type.Optional(Type.Integer({ minimum: 0 })) }),
  queue: Type.Object({ status: PartStatus, kind: Type.Union([Type.Literal('local'), Type.Literal('pg-boss')]) }),
});

export interface AuthDeps {
  readonly store: Store;
  /** The task queue whose health /api/v1/health reports (absent: the task table, i.e. the database). */
  readonly queue?: TaskQueue;
  readonly policy: SessionPolicy;
  readonly throttle: LoginThrottle;
  readonly clock: () => Date;
  /** The login slowdown's wait (tests pass one that advances their clock instead of sleeping). */
  readonly sleep: (ms: number) => Promise<void>;
}

export function authRoutes(app: FastifyInstance, deps: AuthDeps): void {
  const { store, policy, throttle, clock, sleep } = deps;
  const pairs = new PairQueue();
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  const cookieBase = (request: FastifyRequest) => ({ path: '/', sameSite: 'strict' as const, secure: isSecure(request, policy) });
  const clearCookies = (request: FastifyRequest, reply: FastifyReply) => {
    reply.clearCookie(SESSION_COOKIE, { ...cookieBase(request), httpOnly: true });
    reply.clearCookie(CSRF_COOKIE, cookieBase(request));
  };

  const audit = (request: FastifyRequest, actor: string, user: User | undefined, outcome: 'success' | 'failure' | 'denied', status: number, reason?: string) =>
    store.audit.record({
      actorId: user?.id ?? null, actor, action: 'auth.login', targetType: 'user', targetId: user?.id ?? null, agencyId: user?.agencyId ?? null,
      outcome, status, ip: request.ip, requestId: request.id, details: reason === undefined ? null : { reason },
    });

  // Liveness AND the two things a scan needs: the database (a `select 1` within a second) and the task
  // queue (pg-boss answering; on SQLite the task table, i.e. the database again). 503 when either does
  // not answer, so a load balancer or a monitoring probe sees an outage (docs/deploy.md). Public: it
  // names no host, no user and no URL — only whether each part answered.
  r.get('/api/v1/health', {
    config: { access: { roles: 'public' } },
    schema: {
      tags: ['system'], summary: 'Liveness, the database and the task queue',
      response: { ...responses({ 200: HealthOut }), 503: HealthOut },
    },
  }, async (_request, reply) => {
    const [db, queue] = await Promise.all([
      store.ping(HEALTH_TIMEOUT_MS),
      deps.queue !== undefined ? deps.queue.check(HEALTH_TIMEOUT_MS) : Promise.resolve(undefined),
    ]);
    const queueOk = queue === undefined ? db.ok : queue.ok;
    const ok = db.ok && queueOk;
    const body = {
      status: ok ? 'ok' as const : 'unavailable' as const,
      database: { status: db.ok ? 'ok' as const : 'unavailable' as const, dialect: store.dialect, ...(db.ok ? { ms: db.ms } : {}) },
      queue: { status: queueOk ? 'ok' as const : 'unavailable' as const, kind: deps.queue?.kind ?? 'local' as const },
    };
    return ok ? body : reply.code(503).send(body);
  });

  r.post('/api/v1/auth/login', {
    config: { access: { roles: 'public', audit: false } },
    schema: {
      tags: ['auth'], summary: 'Log in with a local account; sets the session cookie and returns the CSRF token',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
      response: responses({ 200: MeOut }),
    },
  }, async (request, reply) => {
    const { username, password } = request.body;
    const name = normalizeUsername(username);
    const keys = throttleKeys(name, request.ip);
    const user = await pairs.run(keys.client, async () => {
      const before = await beforeAttempt(store, throttle, keys);
      if ('lockedUntil' in before) {
        await audit(request, name, undefined, 'denied', 429, 'locked');
        throw lockedError(before.lockedUntil, clock());
      }
      if (before.waitMs > 0) await sleep(before.waitMs);
      const creds = await store.users.credentials(name);
      let ok = false;
      if (creds === undefined) await burnVerify(password);
      else ok = (await verifyPassword(creds.passwordHash, password)) && !creds.user.disabled;
      if (!ok || creds === undefined) {
        const until = await recordFailure(store, throttle, keys);
        await audit(request, name, creds?.user, 'failure', until === undefined ? 401 : 429, creds?.user.disabled === true ? 'disabled' : 'bad-credentials');
        if (until !== undefined) throw lockedError(until, clock());
        // One message for unknown user, wrong password and disabled account (no account enumeration).
        throw new ApiError('E_AUTH', { en: 'Wrong username or password', id: 'Nama pengguna atau kata sandi salah' });
      }
      return creds.user;
    });
    // The pair and the account start afresh (not the address: one good password does not reset a spray).
    await store.loginThrottle.clear([keys.client, keys.account]);
    const now = clock();
    const old = request.cookies[SESSION_COOKIE];
    if (old !== undefined) await store.sessions.revoke(sha256(old));
    const token = randomBytes(32).toString('base64url'); // 256 bits (OWASP: ≥ 64 bits of entropy)
    const csrfToken = randomBytes(32).toString('base64url');
    await store.sessions.create({
      idHash: sha256(token), userId: user.id, csrfToken, expiresAt: new Date(now.getTime() + policy.absoluteMs).toISOString(),
      ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
    });
    await store.users.recordLogin(user.id);
    await audit(request, user.username, user, 'success', 200);
    reply.setCookie(SESSION_COOKIE, token, { ...cookieBase(request), httpOnly: true });
    reply.setCookie(CSRF_COOKIE, csrfToken, cookieBase(request));
    const scope = user.agencyId === null ? 'all' : await store.agencies.scopeOf(user.agencyId);
    return { user, csrfToken, scope: scopeOut(scope) };
  });

  r.post('/api/v1/auth/logout', {
    config: { access: { roles: READ, selfService: true, audit: 'auth.logout' } },
    schema: { tags: ['auth'], summary: 'End the current session', response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await store.sessions.revoke(request.session!.idHash);
    clearCookies(request, reply);
    return reply.code(204).send();
  });

  r.get('/api/v1/me', {
    config: { access: { roles: READ } },
    schema: { tags: ['auth'], summary: 'The logged-in user, its agency scope and the CSRF token of the session', response: responses({ 200: MeOut }) },
  }, async (request) => ({ user: request.user!, csrfToken: request.session!.csrfToken, scope: scopeOut(request.scope) }));

  r.post('/api/v1/me/password', {
    config: { access: { roles: READ, selfService: true, audit: 'user.change-own-password' } },
    schema: {
      tags: ['auth'], summary: 'Change one\'s own password (the new one must differ from the current or temporary one); ends every session of the account (log in again)',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 1024 }), newPassword: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
      response: responses({ 204: Type.Null() }),
    },
  }, async (request, reply) => {
    const user = request.user!;
    const creds = await store.users.credentials(user.username);
    if (creds === undefined || !(await verifyPassword(creds.passwordHash, request.body.currentPassword))) {
      throw new ApiError('E_VALIDATION', { en: 'The current password is wrong', id: 'Kata sandi saat ini salah' }, { field: 'currentPassword' });
    }
    checkPasswordChange(request.body.currentPassword, request.body.newPassword, user.username);
    await store.users.update(user.id, { passwordHash: await hashPassword(request.body.newPassword), mustChangePassword: false });
    // ASVS 3.3.3: a password change ends the other sessions; we end all, the client logs in again.
    await store.sessions.revokeAllOf(user.id);
    request.auditNote.targetType = 'user';
    request.auditNote.targetId = user.id;
    clearCookies(request, reply);
    return reply.code(204).send();
  });
}
