// Enrolled segment workers (migration 0017_worker_credentials, docs/api.md "Enrolled segment workers"):
// one-time enrollment tokens an administrator hands to a worker inside an agency's segment, and the
// revocable credentials the workers get for them. The API computes the SHA-256 of a token or credential
// and passes only that; the store never sees a secret. A hash read back is compared in constant time
// (node:crypto timingSafeEqual), so the comparison says nothing through its timing about how much of a
// guess was right.

import { timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { StoreDialect } from '../dialect.js';
import type { WorkerCredentialTable, WorkerEnrollmentTable } from '../schema.js';

export interface WorkerEnrollment {
  readonly id: string;
  readonly name: string;
  readonly zones: readonly string[];
  readonly createdBy: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly usedAt: string | null;
}

export interface WorkerCredential {
  /** The worker id the credential names ("psw_<id>.<secret>"); its lease owner is "agent:<id>". */
  readonly id: string;
  readonly name: string;
  readonly zones: readonly string[];
  readonly enrollmentId: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly revokedAt: string | null;
  readonly revokedBy: string | null;
}

function toEnrollment(d: StoreDialect, r: Selectable<WorkerEnrollmentTable>): WorkerEnrollment {
  return { id: r.id, name: r.name, zones: d.fromJson<string[]>(r.zones) ?? [], createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
}

function toCredential(d: StoreDialect, r: Selectable<WorkerCredentialTable>): WorkerCredential {
  return {
    id: r.id, name: r.name, zones: d.fromJson<string[]>(r.zones) ?? [], enrollmentId: r.enrollment_id, createdAt: r.created_at,
    lastUsedAt: r.last_used_at, revokedAt: r.revoked_at, revokedBy: r.revoked_by,
  };
}

/** Two hex digests compared in constant time (different lengths: not equal, decided without comparing bytes). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class WorkerCredentialRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  async createEnrollment(e: { id: string; name: string; zones: readonly string[]; tokenHash: string; createdBy: string; expiresAt: string }): Promise<WorkerEnrollment> {
    return tx(this.#ctx, 'creating a worker enrollment', async (ctx) => {
      const row: WorkerEnrollmentTable = {
        id: e.id, name: e.name, zones: ctx.d.json([...e.zones]), token_hash: e.tokenHash, created_by: e.createdBy, created_at: nowIso(ctx),
        expires_at: ctx.d.time(e.expiresAt), used_at: null,
      };
      await ctx.db.insertInto('worker_enrollments').values(row).execute();
      return toEnrollment(ctx.d, row);
    });
  }

  /** Enrollments not used yet and not expired, newest first. */
  async pendingEnrollments(): Promise<WorkerEnrollment[]> {
    const now = nowIso(this.#ctx);
    const rows = await run(this.#ctx, 'listing worker enrollments', (db) =>
      db.selectFrom('worker_enrollments').selectAll().where('used_at', 'is', null).where('expires_at', '>', now).orderBy('created_at', 'desc').orderBy('id').limit(500).execute(),
    );
    return rows.map((r) => toEnrollment(this.#ctx.d, r));
  }

  /**
   * Consume the enrollment whose token hashes to `tokenHash` and create the worker's credential, in one
   * transaction. undefined when no such enrollment exists, it was used already or it expired. The
   * consumption is a compare-and-set on `used_at is null`: of two requests racing with the same token,
   * one gets the credential (PostgreSQL re-checks the condition after the row lock; SQLite serialises).
   *
   * A used enrollment answers once more to the worker that used it (`repeated`): the same worker id and
   * the same secret hash, not revoked. A worker that proposes its own credential (docs/api.md "Enrolled
   * segment workers") and lost the first answer asks again with the same proposal; whoever holds only the
   * token, without the secret, gets nothing.
   */
  async enroll(input: { tokenHash: string; workerId: string; secretHash: string }): Promise<{ credential: WorkerCredential; enrollment: WorkerEnrollment; repeated: boolean } | undefined> {
    return tx(this.#ctx, 'enrolling a worker', async (ctx) => {
      const now = nowIso(ctx);
      const e = await ctx.db.selectFrom('worker_enrollments').selectAll().where('token_hash', '=', input.tokenHash).executeTakeFirst();
      if (e === undefined || !sameHash(e.token_hash, input.tokenHash)) return undefined;
      const mine = await ctx.db.selectFrom('worker_credentials').selectAll().where('id', '=', input.workerId).executeTakeFirst();
      if (e.used_at !== null) {
        if (mine === undefined || mine.enrollment_id !== e.id || mine.revoked_at !== null || !sameHash(mine.secret_hash, input.secretHash)) return undefined;
        return { credential: toCredential(ctx.d, mine), enrollment: toEnrollment(ctx.d, e), repeated: true };
      }
      if (e.expires_at <= now || mine !== undefined) return undefined; // an id already taken is never shared
      const r = await ctx.db.updateTable('worker_enrollments').set({ used_at: now }).where('id', '=', e.id).where('used_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return undefined;
      const row: WorkerCredentialTable = {
        id: input.workerId, name: e.name, zones: e.zones, secret_hash: input.secretHash, enrollment_id: e.id, created_at: now,
        last_used_at: null, revoked_at: null, revoked_by: null,
      };
      await ctx.db.insertInto('worker_credentials').values(row).execute();
      return { credential: toCredential(ctx.d, row), enrollment: toEnrollment(ctx.d, { ...e, used_at: now }), repeated: false };
    });
  }

  /** The live credential `id` whose secret hashes to `secretHash`; undefined when unknown, wrong or revoked. */
  async authenticate(id: string, secretHash: string): Promise<WorkerCredential | undefined> {
    const r = await run(this.#ctx, 'reading a worker credential', (db) => db.selectFrom('worker_credentials').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined || !sameHash(r.secret_hash, secretHash) || r.revoked_at !== null) return undefined;
    return toCredential(this.#ctx.d, r);
  }

  /** Record a use (the API calls it at most once a minute per credential). */
  async touch(id: string): Promise<void> {
    await run(this.#ctx, 'touching a worker credential', (db) => db.updateTable('worker_credentials').set({ last_used_at: nowIso(this.#ctx) }).where('id', '=', id).execute());
  }

  async get(id: string): Promise<WorkerCredential> {
    const r = await run(this.#ctx, 'reading a worker credential', (db) => db.selectFrom('worker_credentials').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('worker credential', id);
    return toCredential(this.#ctx.d, r);
  }

  /** Every enrolled worker, revoked ones too (their history), newest first. */
  async list(): Promise<WorkerCredential[]> {
    const rows = await run(this.#ctx, 'listing worker credentials', (db) =>
      db.selectFrom('worker_credentials').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(1000).execute(),
    );
    return rows.map((r) => toCredential(this.#ctx.d, r));
  }

  /** Revoke a credential (E_NOT_FOUND when unknown); revoking a revoked one keeps the first revocation. */
  async revoke(id: string, by: string): Promise<WorkerCredential> {
    return tx(this.#ctx, 'revoking a worker credential', async (ctx) => {
      const repo = new WorkerCredentialRepo(ctx);
      await repo.get(id);
      await ctx.db.updateTable('worker_credentials').set({ revoked_at: nowIso(ctx), revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).execute();
      return repo.get(id);
    });
  }

  /** The named zones registered networks use (what an enrollment may name), sorted. */
  async networkZones(): Promise<string[]> {
    const rows = await run(this.#ctx, 'listing network zones', (db) =>
      db.selectFrom('networks').select('zone').distinct().where('zone', 'is not', null).orderBy('zone').execute(),
    );
    return rows.map((r) => r.zone).filter((z): z is string => z !== null);
  }
}
