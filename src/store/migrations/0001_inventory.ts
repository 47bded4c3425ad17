import { sql } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

export function migration0001(d: StoreDialect): Migration {
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
