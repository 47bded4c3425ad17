import { sql } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

// Circulars (docs/circulars.md): templates and the numbering register, circulars with every version's
// text, recipients with seen/acknowledged, acknowledgements per version, per-agency links (token hashes),
// answers per agency × item with their review and verification and an event history, evidence files'
// metadata, reminders sent, what the latest scan of each network said per finding rule, emergency
// campaigns with their sweep jobs, reconnect gates with every decision, and frozen situation reports.
// Status values are literal here (a released migration never changes; domain/circular.ts is the list).
export function migration0011(d: StoreDialect): Migration {
  const t = d.types;
  const id = d.autoId();
  const withAutoId = <N extends string>(b: CreateTableBuilder<N, never>) =>
    id.identity === 'identity' ? b.addColumn('id', id.type, (c) => c.primaryKey().generatedByDefaultAsIdentity()) : b.addColumn('id', id.type, (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('circular_templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', t.json, (c) => c.notNull())
        .addColumn('description', t.json, (c) => c.notNull())
        .addColumn('content', t.json, (c) => c.notNull())
        .addColumn('sources', t.json, (c) => c.notNull())
        .addColumn('builtin', t.bool, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('circular_templates_key_version', ['key', 'version'])
        .execute();

      await db.schema
        .createTable('circular_registers')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('pattern', 'text', (c) => c.notNull())
        .addColumn('last_serial', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('circulars')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('template_key', 'text')
        .addColumn('current_version', 'integer', (c) => c.notNull())
        .addColumn('content', t.json, (c) => c.notNull())
        .addColumn('reminder_policy', t.json, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addColumn('sent_at', t.time)
        .addColumn('sent_by', 'text')
        .addColumn('closed_at', t.time)
        .addColumn('closed_by', 'text')
        .addCheckConstraint('circulars_status', sql`status in (${inList(['draft', 'sent', 'closed'])})`)
        .execute();
      await db.schema.createIndex('circulars_list').on('circulars').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('circulars_status').on('circulars').columns(['status']).execute();

      await db.schema
        .createTable('circular_versions')
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('content', t.json, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('sent_at', t.time)
        .addPrimaryKeyConstraint('circular_versions_pk', ['circular_id', 'version'])
        .execute();

      await db.schema
        .createTable('circular_recipients')
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('sent_at', t.time, (c) => c.notNull())
        .addColumn('delivered_at', t.time)
        .addColumn('bounced_at', t.time)
        .addColumn('bounce_reason', 'text')
        .addColumn('seen_at', t.time)
        .addColumn('ack_version', 'integer')
        .addColumn('ack_at', t.time)
        .addColumn('ack_name', 'text')
        .addColumn('ack_position', 'text')
        .addColumn('ack_phone', 'text')
        .addPrimaryKeyConstraint('circular_recipients_pk', ['circular_id', 'agency_id'])
        .execute();
      await db.schema.createIndex('circular_recipients_agency').on('circular_recipients').columns(['agency_id', 'sent_at']).execute();

      await withAutoId(db.schema.createTable('circular_acks'))
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('position', 'text', (c) => c.notNull())
        .addColumn('phone', 'text')
        .addColumn('via', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_acks_agency').on('circular_acks').columns(['circular_id', 'agency_id', 'id']).execute();

      await db.schema
        .createTable('circular_links')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('revoked_by', 'text')
        .addColumn('last_used_at', t.time)
        .execute();
      await db.schema.createIndex('circular_links_agency').on('circular_links').columns(['circular_id', 'agency_id']).execute();

      await db.schema
        .createTable('circular_answers')
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('item_code', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('target_date', 'text')
        .addColumn('machines_done', 'integer')
        .addColumn('machines_total', 'integer')
        .addColumn('note', 'text')
        .addColumn('os', 'text')
        .addColumn('kbs', t.json)
        .addColumn('kb_hint', t.json)
        .addColumn('answered_by', 'text', (c) => c.notNull())
        .addColumn('answered_via', 'text', (c) => c.notNull())
        .addColumn('answered_at', t.time, (c) => c.notNull())
        .addColumn('attested_at', t.time)
        .addColumn('review', 'text', (c) => c.notNull())
        .addColumn('review_by', 'text')
        .addColumn('review_at', t.time)
        .addColumn('review_comment', 'text')
        .addColumn('verification', 'text', (c) => c.notNull())
        .addColumn('verification_why', 'text')
        .addColumn('verification_hosts', t.json)
        .addColumn('verification_ips', 'text')
        .addColumn('verification_host_count', 'integer', (c) => c.notNull())
        .addColumn('verification_job_id', 'text')
        .addColumn('verification_at', t.time)
        .addColumn('revision', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('circular_answers_pk', ['circular_id', 'agency_id', 'item_code'])
        .addCheckConstraint('circular_answers_status', sql`status in (${inList(['todo', 'in-progress', 'done', 'partially', 'not-applicable', 'cannot'])})`)
        .addCheckConstraint('circular_answers_review', sql`review in (${inList(['none', 'approved', 'returned'])})`)
        .addCheckConstraint('circular_answers_verification', sql`verification in (${inList(['pending', 'verified', 'contradicted', 'unverifiable'])})`)
        .execute();
      await db.schema.createIndex('circular_answers_agency').on('circular_answers').columns(['agency_id', 'circular_id']).execute();

      await withAutoId(db.schema.createTable('circular_answer_events'))
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('item_code', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('data', t.json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_answer_events_item').on('circular_answer_events').columns(['circular_id', 'agency_id', 'item_code', 'id']).execute();

      await db.schema
        .createTable('circular_evidence')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('item_code', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('original_name', 'text')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_evidence_item').on('circular_evidence').columns(['circular_id', 'agency_id', 'item_code']).execute();

      await db.schema
        .createTable('circular_reminders')
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sent_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('circular_reminders_pk', ['circular_id', 'agency_id', 'kind'])
        .execute();

      await db.schema
        .createTable('network_rule_checks')
        .addColumn('network_id', 'text', (c) => c.notNull().references('networks.id').onDelete('cascade'))
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text', (c) => c.notNull())
        .addColumn('finished_at', t.time, (c) => c.notNull())
        .addColumn('unknown_ips', t.json, (c) => c.notNull())
        .addPrimaryKeyConstraint('network_rule_checks_pk', ['network_id', 'rule_id'])
        .execute();
      await db.schema.createIndex('network_rule_checks_agency').on('network_rule_checks').columns(['agency_id']).execute();

      await db.schema
        .createTable('circular_campaigns')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('circular_id', 'text', (c) => c.notNull().unique().references('circulars.id').onDelete('cascade'))
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('rules', t.json, (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('started_at', t.time, (c) => c.notNull())
        .addColumn('window_override', t.bool, (c) => c.notNull())
        .addColumn('override_reason', 'text')
        .execute();

      await db.schema
        .createTable('circular_campaign_jobs')
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('circular_campaigns.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('network_id', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_campaign_jobs_campaign').on('circular_campaign_jobs').columns(['campaign_id', 'agency_id']).execute();

      await db.schema
        .createTable('circular_gates')
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('circular_campaigns.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('disconnected_at', t.time, (c) => c.notNull())
        .addColumn('cleared_at', t.time)
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', t.time)
        .addColumn('reason', 'text')
        .addColumn('override', t.bool, (c) => c.notNull())
        .addPrimaryKeyConstraint('circular_gates_pk', ['campaign_id', 'agency_id'])
        .addCheckConstraint('circular_gates_state', sql`state in (${inList(['disconnected', 'cleared'])})`)
        .execute();

      await withAutoId(db.schema.createTable('circular_gate_events'))
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('circular_campaigns.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('by', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('override', t.bool, (c) => c.notNull())
        .addColumn('blockers', t.json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('circular_gate_events_agency').on('circular_gate_events').columns(['campaign_id', 'agency_id', 'id']).execute();

      await db.schema
        .createTable('circular_sitreps')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('campaign_id', 'text', (c) => c.notNull().references('circular_campaigns.id').onDelete('cascade'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('snapshot', t.json, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('circular_sitreps_version', ['campaign_id', 'version'])
        .execute();

      // Re-scans asked for by an attestation or a campaign: started at once inside the agency's scan
      // windows, else kept here until the next window opens (the circular sweep starts them).
      await db.schema
        .createTable('circular_rescans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('circular_id', 'text', (c) => c.notNull().references('circulars.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('campaign_id', 'text')
        .addColumn('item_code', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('requested_at', t.time, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('not_before', t.time)
        .addColumn('job_ids', t.json, (c) => c.notNull())
        .addColumn('started_at', t.time)
        .addCheckConstraint('circular_rescans_state', sql`state in (${inList(['deferred', 'started'])})`)
        .execute();
      await db.schema.createIndex('circular_rescans_due').on('circular_rescans').columns(['state', 'not_before']).execute();

      // Verification reads an agency's open findings of a few rules (the board, the finalize hook).
      await db.schema.createIndex('findings_agency_rule').on('findings').columns(['agency_id', 'rule_id', 'status']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('findings_agency_rule').execute();
      for (const table of [
        'circular_rescans', 'circular_sitreps', 'circular_gate_events', 'circular_gates', 'circular_campaign_jobs', 'circular_campaigns', 'network_rule_checks', 'circular_reminders',
        'circular_evidence', 'circular_answer_events', 'circular_answers', 'circular_links', 'circular_acks', 'circular_recipients', 'circular_versions', 'circulars',
        'circular_registers', 'circular_templates',
      ]) await db.schema.dropTable(table).execute();
    },
  };
}
