// Server-side sessions and login throttling.
//
// Sessions (OWASP Session Management Cheat Sheet; ASVS 4.0 V3): the cookie carries a 256-bit random
// token; the table keys the session by the token's SHA-256, so a copy of the database cannot be replayed
// as a cookie. A session ends at the first of: logout/revocation (`revoked_at`), the idle timeout
// (`last_seen_at` + idle), or the absolute timeout (`expires_at`) — all decided here, server-side.
//
// Throttling (OWASP Authentication Cheat Sheet, "Login Throttling" / ASVS V2.2.1): failures are counted
// per subject key — which subjects there are and what a count means (a lock, a delay) is the API's policy
// (src/api/login-throttle.ts). A count is forgotten once `windowMs` has passed since the subject's last
// failure or the end of its lock, whichever is later (a guesser who waits out a lock finds the count
// where it left it); a policy with `maxFailures` locks the subject at every multiple of it, each lock twice as long as
// the one before, up to `maxLockMs`. Kept in the database so that several processes behind a load
// balancer share the count.

import type { Selectable } from 'kysely';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { SessionTable } from '../schema.js';

export interface StoredSession {
  readonly idHash: string;
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | null;
}

function toSession(r: Selectable<SessionTable>): StoredSession {
  return { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, revokedAt: r.revoked_at };
}

export class SessionRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  async create(s: { idHash: string; userId: string; csrfToken: string; expiresAt: string; ip?: string | null; userAgent?: string | null }): Promise<StoredSession> {
    return tx(this.#ctx, 'creating a session', async (ctx) => {
      const now = nowIso(ctx);
      const row: SessionTable = {
        id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: now, last_seen_at: now, expires_at: ctx.d.time(s.expiresAt), revoked_at: null,
        ip: s.ip ?? null, user_agent: s.userAgent?.slice(0, 300) ?? null,
      };
      await ctx.db.insertInto('sessions').values(row).execute();
      return toSession(row);
    });
  }

  async find(idHash: string): Promise<StoredSession | undefined> {
    const r = await run(this.#ctx, 'reading a session', (db) => db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst());
    return r === undefined ? undefined : toSession(r);
  }

  async touch(idHash: string): Promise<void> {
    await tx(this.#ctx, 'touching a session', async (ctx) => {
      await ctx.db.updateTable('sessions').set({ last_seen_at: nowIso(ctx) }).where('id_hash', '=', idHash).execute();
    });
  }

  async revoke(idHash: string): Promise<void> {
    await tx(this.#ctx, 'revoking a session', async (ctx) => {
      await ctx.db.updateTable('sessions').set({ revoked_at: nowIso(ctx) }).where('id_hash', '=', idHash).where('revoked_at', 'is', null).execute();
    });
  }

  /** Revoke every live session of a user (password change, role change, account disabled). Returns how many. */
  async revokeAllOf(userId: string): Promise<number> {
    return tx(this.#ctx, 'revoking sessions', async (ctx) => {
      const r = await ctx.db.updateTable('sessions').set({ revoked_at: nowIso(ctx) }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    });
  }

  /** Delete sessions that ended before `before` (housekeeping). */
  async purge(before: string): Promise<number> {
    return tx(this.#ctx, 'purging sessions', async (ctx) => {
      const t = ctx.d.time(before);
      const r = await ctx.db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<', t), eb('revoked_at', '<', t), eb('last_seen_at', '<', t)])).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }
}

export interface ThrottlePolicy {
  /** Failures of a subject are forgotten once this long has passed since its last failure. */
  readonly windowMs: number;
  /** Lock the subject at this many failures and at every multiple of it; absent: count only (never lock). */
  readonly maxFailures?: number;
  /** The first lock; each further lock within the window lasts twice as long as the one before. */
  readonly lockMs?: number;
  /** The longest lock (default: lockMs, no growth). */
  readonly maxLockMs?: number;
}

/** A subject's standing: failures still counting and the lock, if it reaches past now. */
export interface ThrottleState {
  readonly failures: number;
  readonly lockedUntil: string | undefined;
}

/** Whether a stored count is still counting at `now` (see the header). */
function counting(r: { updated_at: string; locked_until: string | null }, windowMs: number, now: number): boolean {
  const last = Math.max(Date.parse(r.updated_at), r.locked_until === null ? 0 : Date.parse(r.locked_until));
  return last + windowMs > now;
}

/** How long the `failures`-th failure locks under `policy` (0 = no lock). */
export function lockFor(policy: ThrottlePolicy, failures: number): number {
  if (policy.maxFailures === undefined || policy.lockMs === undefined || failures < policy.maxFailures || failures % policy.maxFailures !== 0) return 0;
  const nth = failures / policy.maxFailures; // 1 for the first lock
  return Math.min(policy.maxLockMs ?? policy.lockMs, policy.lockMs * 2 ** Math.min(nth - 1, 30));
}

export class LoginThrottleRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** The latest `locked_until` among the keys still in the future, or undefined when none is locked. */
  async lockedUntil(keys: readonly string[]): Promise<string | undefined> {
    if (keys.length === 0) return undefined;
    const now = nowIso(this.#ctx);
    const rows = await run(this.#ctx, 'reading login throttle', (db) =>
      db.selectFrom('login_attempts').select('locked_until').where('key', 'in', [...keys]).where('locked_until', '>', now).execute(),
    );
    let max: string | undefined;
    for (const r of rows) if (r.locked_until !== null && (max === undefined || r.locked_until > max)) max = r.locked_until;
    return max;
  }

  /** Each subject's failures still counting under its window, and its lock if still running (one query). */
  async state(entries: readonly { key: string; windowMs: number }[]): Promise<Map<string, ThrottleState>> {
    const out = new Map<string, ThrottleState>();
    if (entries.length === 0) return out;
    const rows = await run(this.#ctx, 'reading login throttle', (db) =>
      db.selectFrom('login_attempts').selectAll().where('key', 'in', entries.map((e) => e.key)).execute(),
    );
    const now = this.#ctx.clock().getTime();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    for (const { key, windowMs } of entries) {
      const r = byKey.get(key);
      const locked = r?.locked_until !== null && r?.locked_until !== undefined && Date.parse(r.locked_until) > now ? r.locked_until : undefined;
      out.set(key, { failures: r !== undefined && counting(r, windowMs, now) ? r.failures : 0, lockedUntil: locked });
    }
    return out;
  }

  /** Count one failure for each key; returns the lock expiry when this failure locked a key (the latest). */
  async fail(entries: readonly { key: string; policy: ThrottlePolicy }[]): Promise<string | undefined> {
    return tx(this.#ctx, 'recording a failed login', async (ctx) => {
      const now = ctx.clock();
      const nowS = ctx.d.time(now);
      let locked: string | undefined;
      for (const { key, policy } of entries) {
        const r = await ctx.db.selectFrom('login_attempts').selectAll().where('key', '=', key).executeTakeFirst();
        const fresh = r === undefined || !counting(r, policy.windowMs, now.getTime());
        const failures = fresh ? 1 : r.failures + 1;
        const lockMs = lockFor(policy, failures);
        const lockedUntil = lockMs > 0 ? ctx.d.time(new Date(now.getTime() + lockMs)) : (fresh ? null : r.locked_until);
        if (lockMs > 0 && (locked === undefined || lockedUntil! > locked)) locked = lockedUntil!;
        const row = { failures, window_start: fresh ? nowS : r.window_start, locked_until: lockedUntil, updated_at: nowS };
        // Two first failures racing on PostgreSQL: the second insert becomes an update, not a 409 at login.
        if (r === undefined) await ctx.db.insertInto('login_attempts').values({ key, ...row }).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
        else await ctx.db.updateTable('login_attempts').set(row).where('key', '=', key).execute();
      }
      return locked;
    });
  }

  /**
   * Housekeeping: delete the rows of subjects that are neither locked nor counting any more — last failure
   * and lock end both before `before`. Pass now minus the longest window (a deleted row and a stale one
   * count the same at the next failure: a fresh window).
   */
  async purge(before: string): Promise<number> {
    return tx(this.#ctx, 'purging login throttle', async (ctx) => {
      const t = ctx.d.time(before);
      const r = await ctx.db.deleteFrom('login_attempts').where('updated_at', '<', t)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', t)])).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  /** Forget these subjects (a successful login clears its account and its (account, client) pair). */
  async clear(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await tx(this.#ctx, 'clearing login throttle', async (ctx) => {
      await ctx.db.deleteFrom('login_attempts').where('key', 'in', [...keys]).execute();
    });
  }
}
