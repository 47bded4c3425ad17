// Local accounts. The repository stores and returns the argon2id hash only through
// `credentials()`, which the login path alone calls; every other read returns a `User` without it, so
// the hash cannot reach an API response by accident (the API's response schema, src/api/schemas.ts, is the
// second fence).

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { PerisaiError, notFound, validationError } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import type { UserTable } from '../schema.js';

import type { Role } from '../../domain/roles.js';
export { ROLES } from '../../domain/roles.js';
export type { Role } from '../../domain/roles.js';

export interface User {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: Role;
  /** The agency an officer (required) or a viewer (optional) is bound to; null = the whole city. */
  readonly agencyId: string | null;
  readonly disabled: boolean;
  readonly mustChangePassword: boolean;
  readonly lastLoginAt: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface UserInput {
  readonly username: string;
  readonly displayName?: string;
  readonly passwordHash: string;
  readonly role: Role;
  readonly agencyId?: string | null;
  readonly mustChangePassword?: boolean;
}

export interface UserPatch {
  readonly displayName?: string;
  readonly passwordHash?: string;
  readonly role?: Role;
  readonly agencyId?: string | null;
  readonly disabled?: boolean;
  readonly mustChangePassword?: boolean;
}

/** Usernames: 3–64 of letters, digits, dot, underscore, hyphen; compared case-insensitively (stored lower-case). */
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;

export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

function checkRoleAgency(role: Role, agencyId: string | null): void {
  if (role === 'officer' && agencyId === null) throw validationError('an agency officer must be bound to an agency', { field: 'agencyId' });
  if ((role === 'admin' || role === 'analyst') && agencyId !== null) throw validationError(`a${role === 'admin' ? 'n admin' : 'n analyst'} works city-wide and cannot be bound to an agency`, { field: 'agencyId' });
}

export class UserRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #toUser(r: Selectable<UserTable>): User {
    const d = this.#ctx.d;
    return {
      id: r.id, username: r.username, displayName: r.display_name, role: r.role as Role, agencyId: r.agency_id, disabled: d.fromBool(r.disabled),
      mustChangePassword: d.fromBool(r.must_change_password), lastLoginAt: r.last_login_at, createdAt: r.created_at, updatedAt: r.updated_at,
    };
  }

  async count(): Promise<number> {
    const r = await run(this.#ctx, 'counting users', (db) => db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow());
    return Number(r.n);
  }

  async create(input: UserInput): Promise<User> {
    const username = normalizeUsername(input.username);
    if (!USERNAME.test(username)) throw validationError('username: 3 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit', { field: 'username' });
    const agencyId = input.agencyId ?? null;
    checkRoleAgency(input.role, agencyId);
    return tx(this.#ctx, `creating user ${username}`, async (ctx) => {
      if (agencyId !== null) {
        const a = await ctx.db.selectFrom('agencies').select('id').where('id', '=', agencyId).executeTakeFirst();
        if (a === undefined) throw notFound('agency', agencyId);
      }
      const taken = await ctx.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
      if (taken !== undefined) throw new PerisaiError('E_CONFLICT', `user ${JSON.stringify(username)} already exists`, { field: 'username' });
      const now = nowIso(ctx);
      const row: UserTable = {
        id: randomUUID(), username, display_name: (input.displayName ?? username).trim() || username, password_hash: input.passwordHash, role: input.role,
        agency_id: agencyId, disabled: ctx.d.bool(false), must_change_password: ctx.d.bool(input.mustChangePassword ?? false), last_login_at: null,
        created_at: now, updated_at: now,
      };
      await ctx.db.insertInto('users').values(row).execute();
      return this.#toUser(row);
    });
  }

  async get(id: string): Promise<User> {
    const r = await run(this.#ctx, 'reading a user', (db) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
    if (r === undefined) throw notFound('user', id);
    return this.#toUser(r);
  }

  async list(filter: { agencyId?: string; role?: Role } = {}): Promise<User[]> {
    const rows = await run(this.#ctx, 'listing users', (db) => {
      let q = db.selectFrom('users').selectAll();
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      if (filter.role !== undefined) q = q.where('role', '=', filter.role);
      return q.orderBy('username').execute();
    });
    return rows.map((r) => this.#toUser(r));
  }

  /** The login path only: the user and its password hash, by (case-insensitive) username. */
  async credentials(username: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const r = await run(this.#ctx, 'reading credentials', (db) => db.selectFrom('users').selectAll().where('username', '=', normalizeUsername(username)).executeTakeFirst());
    return r === undefined ? undefined : { user: this.#toUser(r), passwordHash: r.password_hash };
  }

  async update(id: string, patch: UserPatch): Promise<User> {
    return tx(this.#ctx, `updating user ${id}`, async (ctx) => {
      const r = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound('user', id);
      const role = patch.role ?? (r.role as Role);
      const agencyId = patch.agencyId !== undefined ? patch.agencyId : r.agency_id;
      checkRoleAgency(role, agencyId);
      if (agencyId !== null && agencyId !== r.agency_id) {
        const a = await ctx.db.selectFrom('agencies').select('id').where('id', '=', agencyId).executeTakeFirst();
        if (a === undefined) throw notFound('agency', agencyId);
      }
      const set: Partial<UserTable> = { role, agency_id: agencyId, updated_at: nowIso(ctx) };
      if (patch.displayName !== undefined) set.display_name = patch.displayName.trim() || r.username;
      if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
      if (patch.disabled !== undefined) set.disabled = ctx.d.bool(patch.disabled);
      if (patch.mustChangePassword !== undefined) set.must_change_password = ctx.d.bool(patch.mustChangePassword);
      await ctx.db.updateTable('users').set(set).where('id', '=', id).execute();
      return this.#toUser({ ...r, ...set });
    });
  }

  async recordLogin(id: string): Promise<void> {
    await tx(this.#ctx, 'recording a login', async (ctx) => {
      await ctx.db.updateTable('users').set({ last_login_at: nowIso(ctx) }).where('id', '=', id).execute();
    });
  }

  /** Delete an account and (by cascade) its sessions; its audit entries keep the name. */
  async remove(id: string): Promise<void> {
    await tx(this.#ctx, `removing user ${id}`, async (ctx) => {
      const r = await ctx.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) throw notFound('user', id);
    });
  }
}
