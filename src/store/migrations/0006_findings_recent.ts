import type { Kysely, Migration } from 'kysely';

/**
 * The findings list sorted by recency ("what changed lately") instead of by severity: the same keyset
 * pagination as the default order needs its own index, city-wide and per agency, or a 100k-finding store
 * sorts every page (the findings list filters and sorts with p99 < 100 ms, docs/performance.md "Performance of the API").
 */
export function migration0006(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('findings_status_recent').on('findings').columns(['status', 'last_seen', 'id']).execute();
      await db.schema.createIndex('findings_agency_recent').on('findings').columns(['agency_id', 'status', 'last_seen', 'id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('findings_agency_recent').execute();
      await db.schema.dropIndex('findings_status_recent').execute();
    },
  };
}
