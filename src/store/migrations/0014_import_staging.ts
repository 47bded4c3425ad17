import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

/**
 * Staging for inventory imports (src/io/import.ts, docs/inventory-io.md "Import at city scale"): an import
 * writes its checked asset rows here in short batches, then publishes them into `assets` in ONE short
 * set-based step (or discards them). Nothing here is visible to any other query; a killed import leaves
 * a run behind that the next import purges. `ip_key` has the byte-wise key type of assets.ip_key so that
 * the network lookup at publish compares like with like (PostgreSQL refuses mixed collations).
 */
export function migration0014(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('import_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', t.time, (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('import_runs_started').on('import_runs').column('started_at').execute();
      await db.schema
        .createTable('import_staged_assets')
        .addColumn('import_id', 'text', (c) => c.notNull().references('import_runs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('file', 'text', (c) => c.notNull())
        .addColumn('sheet', 'text')
        .addColumn('row', 'integer', (c) => c.notNull())
        .addColumn('agency_code', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('ip_key', t.key as never, (c) => c.notNull())
        .addColumn('mac', 'text')
        .addColumn('netbios_name', 'text')
        .addColumn('dns_name', 'text')
        .addColumn('os', t.json)
        .addColumn('criticality', 'text')
        .addColumn('owner', 'text')
        .addColumn('tags', t.json)
        .addColumn('outside_control', t.bool)
        .addColumn('responsible_party', 'text')
        .addPrimaryKeyConstraint('import_staged_assets_pk', ['import_id', 'seq'])
        .addCheckConstraint('import_staged_assets_op', sql`op in (${inList(['create', 'update'])})`)
        .addCheckConstraint('import_staged_assets_outcome', sql`outcome in (${inList(['created', 'updated', 'unchanged'])})`)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['import_staged_assets', 'import_runs']) await db.schema.dropTable(table).execute();
    },
  };
}
