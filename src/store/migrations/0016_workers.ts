import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/**
 * Scan workers you can see (docs/deploy.md "Workers"): one row per worker process, written by its own
 * heartbeat (src/worker/service.ts) — the zones it serves (JSON array; null = the default zone), its
 * version, when it started and was last heard of, the task it runs now and how many tasks it finished in
 * the last hour. Nothing else refers to it: a row of a worker long gone is only history.
 */
export function migration0016(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createTable('workers')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('zones', t.json, (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('started_at', t.time, (c) => c.notNull())
        .addColumn('last_seen_at', t.time, (c) => c.notNull())
        .addColumn('current_task', 'text')
        .addColumn('done_last_hour', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('workers_last_seen').on('workers').column('last_seen_at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('workers').execute();
    },
  };
}
