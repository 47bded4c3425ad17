// Versioned schema migrations, run by Kysely's Migrator from an in-code provider on every start
// (createStore). Policy (docs/store.md "Migrations"):
//  - names are "NNNN_what", applied in name order; Kysely refuses to start when an applied migration is
//    missing from the code or when a new one sorts before an applied one;
//  - a released migration is never edited: a change is a new migration;
//  - each start applies all pending migrations in ONE transaction (PostgreSQL, and SQLite through our
//    adapter — see dialect.ts), so a failure leaves the schema as it was;
//  - concurrent starts are serialised by Kysely's lock (a PostgreSQL advisory lock; on SQLite the
//    BEGIN IMMEDIATE of that transaction);
//  - `down` exists for tests and development only; production rolls forward.
// Column types come from the dialect (dialect.types), never spelled per database here.

import { Migrator, sql } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { PerisaiError } from '../domain/errors.js';
import type { StoreDialect } from './dialect.js';

function inList(values: readonly string[]) {
  return sql.join(values.map((v) => sql.lit(v)));
}

function migration0001(d: StoreDialect): Migration {
  const t = d.types;
  const id = d.autoId();
  // A surrogate integer key: SQLite AUTOINCREMENT (ids never reused, so outbox and event order is the
  // insertion order) or a PostgreSQL identity column.
  const autoId = <TB extends string>(tb: CreateTableBuilder<TB, never>) =>
    id.identity === 'identity'
      ? tb.addColumn('id', id.type, (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : tb.addColumn('id', id.type, (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('agencies')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('agencies.id').onDelete('restrict'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('notes', 'text')
        .addColumn('retired_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agencies_parent').on('agencies').column('parent_id').execute();

      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('whatsapp', 'text')
        .addColumn('is_primary', t.bool, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contacts_agency').on('contacts').column('agency_id').execute();

      await db.schema
        .createTable('networks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('cidr', 'text', (c) => c.notNull().unique())
        .addColumn('family', 'integer', (c) => c.notNull())
        .addColumn('start_key', t.key as never, (c) => c.notNull())
        .addColumn('end_key', t.key as never, (c) => c.notNull())
        .addColumn('label', 'text')
        .addColumn('zone', 'text')
        .addColumn('authorised_by', 'text', (c) => c.notNull())
        .addColumn('authorised_at', t.time, (c) => c.notNull())
        .addColumn('authorisation_ref', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('networks_agency').on('networks').column('agency_id').execute();
      // Overlap search: start_key <= new.end AND end_key >= new.start.
      await db.schema.createIndex('networks_range').on('networks').columns(['start_key', 'end_key']).execute();

      await db.schema
        .createTable('scan_windows')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('days', 'text', (c) => c.notNull())
        .addColumn('start_time', 'text', (c) => c.notNull())
        .addColumn('end_time', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addCheckConstraint('scan_windows_mode', sql`mode in (${inList(['allow', 'deny'])})`)
        .execute();
      await db.schema.createIndex('scan_windows_agency').on('scan_windows').columns(['agency_id', 'position']).execute();

      await db.schema
        .createTable('assets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('network_id', 'text', (c) => c.references('networks.id').onDelete('set null'))
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('ip_key', t.key as never, (c) => c.notNull())
        .addColumn('mac', 'text')
        .addColumn('netbios_name', 'text')
        .addColumn('dns_name', 'text')
        .addColumn('os', t.json)
        .addColumn('smb', t.json)
        .addColumn('criticality', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('tags', t.json, (c) => c.notNull())
        .addColumn('outside_control', t.bool, (c) => c.notNull())
        .addColumn('responsible_party', 'text')
        .addColumn('risk_rating', 'text')
        .addColumn('risk_reasons', t.json)
        .addColumn('first_seen', t.time, (c) => c.notNull())
        .addColumn('last_seen', t.time, (c) => c.notNull())
        .addColumn('last_job_id', 'text')
        .addColumn('retired_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      // One index per identity rule (domain/asset.ts), all led by the agency: matching is per agency.
      await db.schema.createIndex('assets_agency_ip').on('assets').columns(['agency_id', 'ip_key']).execute();
      await db.schema.createIndex('assets_agency_mac').on('assets').columns(['agency_id', 'mac']).execute();
      await db.schema.createIndex('assets_agency_netbios').on('assets').columns(['agency_id', 'netbios_name']).execute();
      await db.schema.createIndex('assets_agency_dns').on('assets').columns(['agency_id', 'dns_name']).execute();
      await db.schema.createIndex('assets_network').on('assets').column('network_id').execute();

      await db.schema
        .createTable('scan_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('network_id', 'text', (c) => c.references('networks.id').onDelete('set null'))
        .addColumn('schedule_id', 'text')
        .addColumn('profile', 'text', (c) => c.notNull())
        .addColumn('targets', t.json, (c) => c.notNull())
        .addColumn('ports', t.json, (c) => c.notNull())
        .addColumn('vantage', 'text', (c) => c.notNull())
        .addColumn('zone', 'text')
        .addColumn('seed', 'text', (c) => c.notNull())
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('planned', t.bigint, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('started_at', t.time)
        .addColumn('finished_at', t.time)
        .addColumn('error', 'text')
        .addColumn('summary', t.json)
        .addCheckConstraint('scan_jobs_status', sql`status in (${inList(['queued', 'running', 'finalizing', 'completed', 'failed', 'cancelled'])})`)
        .execute();
      // "previous completed scan of this network / agency" (change detection).
      await db.schema.createIndex('scan_jobs_agency').on('scan_jobs').columns(['agency_id', 'status', 'finished_at']).execute();
      await db.schema.createIndex('scan_jobs_network').on('scan_jobs').columns(['network_id', 'status', 'finished_at']).execute();

      await db.schema
        .createTable('scan_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().references('scan_jobs.id').onDelete('cascade'))
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('zone', 'text')
        .addColumn('range_start', t.bigint, (c) => c.notNull())
        .addColumn('range_end', t.bigint, (c) => c.notNull())
        .addColumn('done_ranges', t.json, (c) => c.notNull())
        .addColumn('done_count', t.bigint, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', t.time)
        .addColumn('error', 'text')
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('scan_tasks_job_seq', ['job_id', 'seq'])
        .addCheckConstraint('scan_tasks_status', sql`status in (${inList(['pending', 'running', 'done', 'failed', 'cancelled'])})`)
        .execute();
      await db.schema.createIndex('scan_tasks_claim').on('scan_tasks').columns(['status', 'zone']).execute();

      await autoId(db.schema.createTable('observations'))
        .addColumn('job_id', 'text', (c) => c.notNull().references('scan_jobs.id').onDelete('cascade'))
        .addColumn('task_id', 'text')
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('data', t.json)
        .addColumn('observed_at', t.time, (c) => c.notNull())
        .execute();
      // The idempotency key: a re-delivered batch inserts nothing (ON CONFLICT DO NOTHING). It also serves
      // every per-job read (snapshot, counts), being led by job_id.
      await db.schema.createIndex('observations_key').on('observations').columns(['job_id', 'ip', 'kind', 'port', 'key']).unique().execute();

      await db.schema
        .createTable('findings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('restrict'))
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('title', t.json, (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('first_seen', t.time, (c) => c.notNull())
        .addColumn('last_seen', t.time, (c) => c.notNull())
        .addColumn('times_seen', 'integer', (c) => c.notNull())
        .addColumn('resolved_at', t.time)
        .addColumn('reopen_count', 'integer', (c) => c.notNull())
        .addColumn('exception_kind', 'text')
        .addColumn('exception_reason', 'text')
        .addColumn('exception_by', 'text')
        .addColumn('exception_at', t.time)
        .addColumn('exception_expires_at', t.time)
        .addColumn('evidence', t.json)
        .addColumn('last_job_id', 'text')
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addCheckConstraint('findings_status', sql`status in (${inList(['open', 'resolved', 'accepted-risk', 'false-positive'])})`)
        .addCheckConstraint('findings_severity', sql`severity in (${inList(['critical', 'high', 'medium', 'low'])})`)
        .execute();
      // The dashboard query: one agency's findings in a status, worst first, newest first, paged by keyset
      // (severity_rank, last_seen, id). With this index the first page is an index range scan, whatever
      // the number of findings in the store.
      await db.schema.createIndex('findings_agency_list').on('findings').columns(['agency_id', 'status', 'severity_rank', 'last_seen', 'id']).execute();
      // The same for the administrators' city-wide view (scope 'all': no agency filter).
      await db.schema.createIndex('findings_status_list').on('findings').columns(['status', 'severity_rank', 'last_seen', 'id']).execute();
      await db.schema.createIndex('findings_asset').on('findings').columns(['asset_id', 'port']).execute();
      // The expiry sweep: exceptions whose time has come.
      await db.schema.createIndex('findings_expiry').on('findings').columns(['exception_expires_at']).execute();

      // Per-agency tallies of findings by status and severity, kept in the same transaction as every
      // finding change (CyHy keeps per-owner TallyDocs for the same reason): the dashboard's counts read
      // a handful of rows instead of aggregating 100,000 findings.
      await db.schema
        .createTable('finding_tallies')
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('finding_tallies_pk', ['agency_id', 'status', 'severity_rank'])
        .execute();

      await autoId(db.schema.createTable('finding_events'))
        .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.notNull())
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('cause', 'text', (c) => c.notNull())
        .addColumn('job_id', 'text')
        .addColumn('actor', 'text')
        .addColumn('reason', 'text')
        .execute();
      await db.schema.createIndex('finding_events_finding').on('finding_events').columns(['finding_id', 'id']).execute();

      await autoId(db.schema.createTable('outbox'))
        .addColumn('topic', 'text', (c) => c.notNull())
        .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
        .addColumn('agency_id', 'text')
        .addColumn('payload', t.json, (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('available_at', t.time, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('delivered_at', t.time)
        .addColumn('last_error', 'text')
        .execute();
      await db.schema.createIndex('outbox_pending').on('outbox').columns(['delivered_at', 'available_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['outbox', 'finding_events', 'finding_tallies', 'findings', 'observations', 'scan_tasks', 'scan_jobs', 'assets', 'scan_windows', 'networks', 'contacts', 'agencies']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

// Continuous monitoring (issue 4 item 5): cron schedules per agency or network; the scheduler loop reads
// `(enabled, next_run_at)` to find what is due.
function migration0002(d: StoreDialect): Migration {
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

// Alerts (issue 4 item 6): channels and rules as data, and one row per (outbox message, channel) so a
// retry after a partial failure never re-sends to a channel that already got the message.
function migration0003(d: StoreDialect): Migration {
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

// Accounts (issue 5 item 2): local users, server-side sessions, login throttling and the audit log; plus
// the per-finding triage state the web application edits (acknowledged, assignee), and two covering
// indexes for the city dashboard (counts per agency × rule and per agency × risk rating without touching
// the table rows).
function migration0004(d: StoreDialect): Migration {
  const t = d.types;
  const id = d.autoId();
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('agency_id', 'text', (c) => c.references('agencies.id').onDelete('restrict'))
        .addColumn('disabled', t.bool, (c) => c.notNull())
        .addColumn('must_change_password', t.bool, (c) => c.notNull())
        .addColumn('last_login_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addCheckConstraint('users_role', sql`role in (${inList(['admin', 'analyst', 'officer', 'viewer'])})`)
        .addCheckConstraint('users_officer_agency', sql`role <> 'officer' or agency_id is not null`)
        .execute();
      await db.schema.createIndex('users_agency').on('users').column('agency_id').execute();
      await db.schema
        .createTable('sessions')
        // SHA-256 of the bearer token: a stolen database does not yield usable sessions.
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('last_seen_at', t.time, (c) => c.notNull())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .addColumn('revoked_at', t.time)
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema
        .createTable('login_attempts')
        // key = "ip:<address>" or "account:<lower-cased username>"; one row per throttled subject.
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('window_start', t.time, (c) => c.notNull())
        .addColumn('locked_until', t.time)
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      const audit = db.schema.createTable('audit_log');
      await (id.identity === 'identity'
        ? audit.addColumn('id', id.type, (c) => c.primaryKey().generatedByDefaultAsIdentity())
        : audit.addColumn('id', id.type, (c) => c.primaryKey().autoIncrement()))
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('agency_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('ip', 'text')
        .addColumn('request_id', 'text')
        .addColumn('details', t.json)
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
      await db.schema.createIndex('audit_log_actor').on('audit_log').columns(['actor_id', 'id']).execute();
      await db.schema
        .createTable('finding_triage')
        .addColumn('finding_id', 'text', (c) => c.primaryKey().references('findings.id').onDelete('cascade'))
        .addColumn('acknowledged_at', t.time)
        .addColumn('acknowledged_by', 'text')
        .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('assigned_at', t.time)
        .addColumn('assigned_by', 'text')
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('findings_dashboard').on('findings').columns(['status', 'rule_id', 'agency_id', 'asset_id']).execute();
      await db.schema.createIndex('assets_dashboard').on('assets').columns(['agency_id', 'retired_at', 'risk_rating']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('assets_dashboard').execute();
      await db.schema.dropIndex('findings_dashboard').execute();
      for (const table of ['finding_triage', 'audit_log', 'login_attempts', 'sessions', 'users']) await db.schema.dropTable(table).execute();
    },
  };
}

// The dashboard's trend (issue 5 item 3): one row per day and agency with the dashboard's numbers as they
// stood that day (written by `perisai serve`'s housekeeping every hour, the day's last write wins). The
// history cannot be rebuilt from the other tables: an asset's risk rating (the "unknown" column) keeps
// only its current value, and hosts known/scanned have no history at all (docs/store.md "Trends").
function migration0005(d: StoreDialect): Migration {
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

/**
 * The findings list sorted by recency ("what changed lately") instead of by severity: the same keyset
 * pagination as the default order needs its own index, city-wide and per agency, or a 100k-finding store
 * sorts every page (issue 5: findings "filter/sort"; p99 < 100 ms).
 */
function migration0006(): Migration {
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

/** All migrations, by name. Append only. */
export function migrations(d: StoreDialect): Record<string, Migration> {
  return {
    '0001_inventory': migration0001(d),
    '0002_monitoring': migration0002(d),
    '0003_alerts': migration0003(d),
    '0004_accounts': migration0004(d),
    '0005_exposure_daily': migration0005(d),
    '0006_findings_recent': migration0006(),
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  readonly #d: StoreDialect;
  constructor(d: StoreDialect) {
    this.#d = d;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.#d);
  }
}

export function migrator(d: StoreDialect): Migrator {
  return new Migrator({ db: d.db, provider: new InCodeMigrationProvider(d) });
}

/** Apply every pending migration; returns the names applied. Throws the mapped error on failure. */
export async function migrateToLatest(d: StoreDialect): Promise<string[]> {
  let result: MigrationResultSet;
  try {
    result = await migrator(d).migrateToLatest();
  } catch (e) {
    throw d.mapError(e, 'migrating the schema');
  }
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'a migration';
    const mapped = d.mapError(result.error, `applying migration ${failed}`);
    if (mapped instanceof PerisaiError) throw mapped;
    throw new PerisaiError('E_STORAGE', `migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}; the schema was left as it was`, { migration: failed }, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
