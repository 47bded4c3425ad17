// Server-side sessions and login throttling.
//
// Sessions (OWASP Session Management Cheat Sheet; ASVS 4.0 V3): the cookie carries a 256-bit random
// token; the table keys the session by the token's SHA-256, so a copy of the database cannot be replayed
// as a cookie. A session ends at the first of: logout/revocation (`revoked_at`), the idle timeout
// (`last_seen_at` + idle), or the absolute timeout (`expires_at`) — all decided here, server-side.
//
// Throttling (OWASP Authentication Cheat Sheet, "Login Throttling" / ASVS V2.2.1): failures are counted
// per subject — the client address and the account name (existing or not, so the lockout says nothing
// about which accounts exist) — in a fixed window; reaching the limit locks the subject until a time.
// Kept in the database so that several processes behind a load balancer share the count.

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
  /** Failures allowed in one window before the subject is locked. */
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly lockMs: number;
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

  /** Count one failure for each key; returns the lock expiry when this failure locked a key. */
  async fail(entries: readonly { key: string; policy: ThrottlePolicy }[]): Promise<string | undefined> {
    return tx(this.#ctx, 'recording a failed login', async (ctx) => {
      const now = ctx.clock();
      const nowS = ctx.d.time(now);
      let locked: string | undefined;
      for (const { key, policy } of entries) {
        const r = await ctx.db.selectFrom('login_attempts').selectAll().where('key', '=', key).executeTakeFirst();
        const fresh = r === undefined || Date.parse(r.window_start) + policy.windowMs <= now.getTime();
        const failures = fresh ? 1 : r.failures + 1;
        const lockedUntil = failures >= policy.maxFailures ? ctx.d.time(new Date(now.getTime() + policy.lockMs)) : (fresh ? null : r.locked_until);
        if (failures >= policy.maxFailures && (locked === undefined || lockedUntil! > locked)) locked = lockedUntil!;
        // A lock starts a new window, so the subject gets the full allowance again once it expires.
        const row = { failures: failures >= policy.maxFailures ? 0 : failures, window_start: fresh || failures >= policy.maxFailures ? nowS : r.window_start, locked_until: lockedUntil, updated_at: nowS };
        // Two first failures racing on PostgreSQL: the second insert becomes an update, not a 409 at login.
        if (r === undefined) await ctx.db.insertInto('login_attempts').values({ key, ...row }).onConflict((oc) => oc.column('key').doUpdateSet(row)).execute();
        else await ctx.db.updateTable('login_attempts').set(row).where('key', '=', key).execute();
      }
      return locked;
    });
  }

  /**
   * Housekeeping: delete the rows of subjects that are neither locked nor counting any more — window
   * started before `before` and no lock reaching past it. Pass now minus the longer of window and lock
   * (a deleted row and a stale one count the same at the next failure: a fresh window).
   */
  async purge(before: string): Promise<number> {
    return tx(this.#ctx, 'purging login throttle', async (ctx) => {
      const t = ctx.d.time(before);
      const r = await ctx.db.deleteFrom('login_attempts').where('window_start', '<', t)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', t)])).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  /** A successful login clears the account's counter (not the address's: one good password does not reset a spray). */
  async clear(key: string): Promise<void> {
    await tx(this.#ctx, 'clearing login throttle', async (ctx) => {
      await ctx.db.deleteFrom('login_attempts').where('key', '=', key).execute();
    });
  }
}
