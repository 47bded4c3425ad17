import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

// Alerts: channels and rules as data, and one row per (outbox message, channel) so a
// retry after a partial failure never re-sends to a channel that already got the message.
export function migration0003(d: StoreDialect): Migration {
  const t = d.types;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('alert_channels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('config', t.json, (c) => c.notNull())
        .addColumn('enabled', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addCheckConstraint('alert_channels_kind', sql`kind in (${inList(['email', 'webhook', 'telegram'])})`)
        .execute();
      await db.schema
        .createTable('alert_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('filter', t.json, (c) => c.notNull())
        .addColumn('channel_ids', t.json, (c) => c.notNull())
        .addColumn('enabled', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alert_deliveries')
        .addColumn('outbox_id', d.autoId().type, (c) => c.notNull().references('outbox.id').onDelete('cascade'))
        .addColumn('channel_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', t.time)
        .addColumn('last_error', 'text')
        .addColumn('response', 'text')
        .addColumn('sent_at', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('alert_deliveries_pk', ['outbox_id', 'channel_id'])
        .addCheckConstraint('alert_deliveries_status', sql`status in (${inList(['sending', 'sent', 'failed', 'dead'])})`)
        .execute();
      // The administrators' dead-letter view.
      await db.schema.createIndex('alert_deliveries_status').on('alert_deliveries').columns(['status', 'updated_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['alert_deliveries', 'alert_rules', 'alert_channels']) await db.schema.dropTable(table).execute();
    },
  };
}
