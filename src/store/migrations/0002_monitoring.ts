import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

// Continuous monitoring: cron schedules per agency or network; the scheduler loop reads
// `(enabled, next_run_at)` to find what is due.
export function migration0002(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('cascade'))
        .addColumn('network_id', 'text', (c) => c.references('networks.id').onDelete('cascade'))
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('ports', t.json, (c) => c.notNull())
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('vantage', 'text', (c) => c.notNull())
        .addColumn('zone', 'text')
        .addColumn('slots_per_task', 'integer', (c) => c.notNull())
        .addColumn('enabled', t.bool, (c) => c.notNull())
        .addColumn('next_run_at', t.time, (c) => c.notNull())
        .addColumn('last_run_at', t.time)
        .addColumn('last_job_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('schedules_due').on('schedules').columns(['enabled', 'next_run_at']).execute();
      await db.schema.createIndex('schedules_agency').on('schedules').column('agency_id').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('schedules').execute();
    },
  };
}
