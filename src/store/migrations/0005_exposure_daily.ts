import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';

// The dashboard's trend: one row per day and agency with the dashboard's numbers as they
// stood that day (written by `perisai serve`'s housekeeping every hour, the day's last write wins). The
// history cannot be rebuilt from the other tables: an asset's risk rating (the "unknown" column) keeps
// only its current value, and hosts known/scanned have no history at all (docs/store.md "Trends").
export function migration0005(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('exposure_daily')
        // YYYY-MM-DD in the city's time zone (Asia/Jakarta): text order = day order on both dialects.
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('cascade'))
        .addColumn('hosts_known', 'integer', (c) => c.notNull())
        .addColumn('hosts_scanned', 'integer', (c) => c.notNull())
        .addColumn('exposed_smb', 'integer', (c) => c.notNull())
        .addColumn('smbv1', 'integer', (c) => c.notNull())
        .addColumn('ms17010', 'integer', (c) => c.notNull())
        .addColumn('double_pulsar', 'integer', (c) => c.notNull())
        .addColumn('unknown', 'integer', (c) => c.notNull())
        .addColumn('recorded_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('exposure_daily_pk', ['day', 'agency_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('exposure_daily').execute();
    },
  };
}
