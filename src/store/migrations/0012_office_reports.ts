import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { autoIdColumn, inList } from './sql.js';

// The office's own data (docs/circulars.md "Weekly report cards", "Situation reports"): its settings (the
// head of office reports go to), the weekly report-card schedules, every card a schedule issued (a frozen
// snapshot: the next card's trend compares with it), and each delivery of a situation report with who
// sent it, when and to whom. Kinds are literal here (a released migration never changes).
export function migration0012(d: StoreDialect): Migration {
  const t = d.types;
  const withAutoId = autoIdColumn(d);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('office_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', t.json, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('report_card_schedules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('circular_id', 'text', (c) => c.references('circulars.id').onDelete('cascade'))
        .addColumn('day_of_week', 'integer', (c) => c.notNull())
        .addColumn('hour', 'integer', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('to_agency_heads', t.bool, (c) => c.notNull())
        .addColumn('to_office', t.bool, (c) => c.notNull())
        .addColumn('enabled', t.bool, (c) => c.notNull())
        .addColumn('next_run_at', t.time)
        .addColumn('last_run_at', t.time)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addCheckConstraint('report_card_schedules_day', sql`day_of_week between 1 and 7`)
        .addCheckConstraint('report_card_schedules_hour', sql`hour between 0 and 23`)
        .execute();
      await db.schema.createIndex('report_card_schedules_due').on('report_card_schedules').columns(['enabled', 'next_run_at']).execute();

      // A card as issued: the figures frozen (card), who it went to, and the card of the same series
      // (circular or none, agency or city) it was compared with.
      await db.schema
        .createTable('report_cards_issued')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('schedule_id', 'text', (c) => c.references('report_card_schedules.id').onDelete('set null'))
        .addColumn('circular_id', 'text', (c) => c.references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.references('agencies.id').onDelete('restrict'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('as_of', t.time, (c) => c.notNull())
        .addColumn('previous_id', 'text')
        .addColumn('card', t.json, (c) => c.notNull())
        .addColumn('sent_to', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addCheckConstraint('report_cards_issued_kind', sql`kind in (${inList(['agency', 'city'])})`)
        .execute();
      await db.schema.createIndex('report_cards_issued_series').on('report_cards_issued').columns(['circular_id', 'kind', 'agency_id', 'as_of']).execute();

      await withAutoId(db.schema.createTable('circular_sitrep_sends'))
        .addColumn('sitrep_id', 'text', (c) => c.notNull().references('circular_sitreps.id').onDelete('cascade'))
        .addColumn('to_name', 'text')
        .addColumn('to_position', 'text')
        .addColumn('to_email', 'text')
        .addColumn('dedup_key', 'text', (c) => c.notNull())
        .addColumn('sent_by', 'text', (c) => c.notNull())
        .addColumn('sent_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_sitrep_sends_sitrep').on('circular_sitrep_sends').columns(['sitrep_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['circular_sitrep_sends', 'report_cards_issued', 'report_card_schedules', 'office_settings']) await db.schema.dropTable(table).execute();
    },
  };
}
