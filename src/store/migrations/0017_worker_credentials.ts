import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Enrolled segment workers (docs/api.md "Enrolled segment workers"): a worker inside an agency's network
 * segment holds no database credentials; it enrolls once with a one-time token for its zones and then
 * calls the API with its own revocable credential. Only SHA-256 hashes of the token and of the
 * credential are kept, so a copy of the database yields neither.
 *  - `worker_enrollments`: one row per token an administrator created — its name, zones (JSON array of
 *    zone names), who created it, until when it can be used and when it was (one use only).
 *  - `worker_credentials`: one row per enrolled worker — its id is the worker id the credential names,
 *    the zones it inherited from its enrollment, when it was last used, and who revoked it.
 */
export function migration0017(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('worker_enrollments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('zones', t.json, (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('used_at', t.time)
        .execute();
      await db.schema.createTable('worker_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('zones', t.json, (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('enrollment_id', 'text', (c) => c.notNull().references('worker_enrollments.id'))
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('last_used_at', t.time)
        .addColumn('revoked_at', t.time)
        .addColumn('revoked_by', 'text')
        .execute();
      await db.schema.createIndex('worker_credentials_enrollment').on('worker_credentials').column('enrollment_id').unique().execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('worker_credentials').execute();
      await db.schema.dropTable('worker_enrollments').execute();
    },
  };
}
