// What every repository gets: the dialect, the Kysely handle it must use (the root or a transaction),
// and the clock. Repositories never start a transaction by hand; they call `tx()`, which joins the
// caller's transaction when there is one (Store.transaction) and opens one otherwise. Driver errors are
// mapped to PerisaiError codes once, here.

import type { Kysely } from 'kysely';
import type { NetworkPolicy } from '../domain/network.js';
import type { StoreDialect } from './dialect.js';
import type { SecretBox } from './secrets.js';
import type { ReadMemo } from './memo.js';
import type { Database } from './schema.js';

export interface Ctx {
  readonly d: StoreDialect;
  readonly db: Kysely<Database>;
  readonly inTransaction: boolean;
  readonly clock: () => Date;
  /** Which network registrations need a confirmation (StoreOptions.networkPolicy). */
  readonly networkPolicy: NetworkPolicy;
  /** Seals and opens the secrets stored in rows (alert channels), with the key kept outside the database. */
  readonly secrets: SecretBox;
  /** Reads remembered until their tables change (memo.ts); shared by every context of one store. */
  readonly memo: ReadMemo;
}

export function nowIso(ctx: Ctx): string {
  return ctx.clock().toISOString();
}

/** Run `fn` in a transaction (joining an enclosing one); every write of a repository method goes through here. */
export async function tx<T>(ctx: Ctx, action: string, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTransaction) {
    try {
      return await fn(ctx);
    } catch (e) {
      throw ctx.d.mapError(e, action);
    }
  }
  try {
    return await ctx.db.transaction().execute((trx) => fn({ ...ctx, db: trx, inTransaction: true }));
  } catch (e) {
    throw ctx.d.mapError(e, action);
  }
}

/** Run a read (or a single-statement write) with error mapping. */
export async function run<T>(ctx: Ctx, action: string, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx.db);
  } catch (e) {
    throw ctx.d.mapError(e, action);
  }
}

/** Split a list into chunks small enough for one statement's parameters. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
