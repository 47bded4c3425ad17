import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * A registered network's confirmation (domain/network.ts, "Guard rails"): a block with public address
 * space, wider than the configured size, or with loopback in it is registered only with a confirmation —
 * who gave it, when, the written reason, and the concerns it answered (comma-separated). All null for
 * the blocks that need none, including every block registered before this migration: nothing stored is
 * rewritten, and such a block keeps working as the authorisation it was.
 */
export function migration0008(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('networks').addColumn('confirmed_by', 'text').execute();
      await db.schema.alterTable('networks').addColumn('confirmed_at', t.time).execute();
      await db.schema.alterTable('networks').addColumn('confirmation_reason', 'text').execute();
      await db.schema.alterTable('networks').addColumn('confirmation_concerns', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const c of ['confirmation_concerns', 'confirmation_reason', 'confirmed_at', 'confirmed_by']) {
        await db.schema.alterTable('networks').dropColumn(c).execute();
      }
    },
  };
}
