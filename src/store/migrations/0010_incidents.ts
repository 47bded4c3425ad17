import { sql } from 'kysely';
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

// Incident reports and incidents (docs/incidents.md): the public form's reports, incidents with their
// assets, findings, timeline, clocks, playbook runs and step ticks, countermeasures, requests to outside
// parties, service impact, regulatory sends, photos' metadata, scans started from an incident, settings,
// and spent proof-of-work solutions. The status values are literal here (a released migration never
// changes; domain/incident.ts is the list the code uses).
export function migration0010(d: StoreDialect): Migration {
  const t = d.types;
  const id = d.autoId();
  const withAutoId = <N extends string>(b: CreateTableBuilder<N, never>) =>
    id.identity === 'identity' ? b.addColumn('id', id.type, (c) => c.primaryKey().generatedByDefaultAsIdentity()) : b.addColumn('id', id.type, (c) => c.primaryKey().autoIncrement());
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('classification', 'text')
        .addColumn('severity', 'text')
        .addColumn('risk_level', 'text')
        .addColumn('vital', t.bool, (c) => c.notNull())
        .addColumn('sector', 'text')
        .addColumn('personal_data', t.bool, (c) => c.notNull())
        .addColumn('phase', 'text', (c) => c.notNull())
        .addColumn('detected_by', 'text', (c) => c.notNull())
        .addColumn('found_at', t.time, (c) => c.notNull())
        .addColumn('reported_at', t.time, (c) => c.notNull())
        .addColumn('acknowledged_at', t.time)
        .addColumn('first_response_at', t.time)
        .addColumn('contained_at', t.time)
        .addColumn('restored_at', t.time)
        .addColumn('closed_at', t.time)
        .addColumn('closure', t.json)
        .addColumn('owner', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addCheckConstraint('incidents_phase', sql`phase in (${inList(['new', 'triaged', 'containment', 'eradication', 'recovery', 'closed'])})`)
        .execute();
      // The incident queue: newest first, city-wide or per agency, open ones (closed_at null) or all.
      await db.schema.createIndex('incidents_open_queue').on('incidents').columns(['closed_at', 'created_at', 'id']).execute();
      await db.schema.createIndex('incidents_agency_queue').on('incidents').columns(['agency_id', 'closed_at', 'created_at', 'id']).execute();
      await db.schema.createIndex('incidents_queue').on('incidents').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('incidents_phase').on('incidents').columns(['phase', 'created_at', 'id']).execute();
      await db.schema.createIndex('incidents_found').on('incidents').columns(['found_at']).execute();

      await db.schema
        .createTable('incident_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull().unique())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('token_expires_at', t.time, (c) => c.notNull())
        .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id').onDelete('restrict'))
        .addColumn('symptoms', t.json, (c) => c.notNull())
        .addColumn('symptom_other', 'text')
        .addColumn('since', t.time)
        .addColumn('computers', 'text', (c) => c.notNull())
        .addColumn('services', t.json, (c) => c.notNull())
        .addColumn('service_other', 'text')
        .addColumn('manual_fallback', 'text', (c) => c.notNull())
        .addColumn('actions_taken', t.json, (c) => c.notNull())
        .addColumn('location', 'text')
        .addColumn('location_key', 'text')
        .addColumn('description', 'text')
        .addColumn('reporter_name', 'text', (c) => c.notNull())
        .addColumn('reporter_whatsapp', 'text', (c) => c.notNull())
        .addColumn('reporter_role', 'text', (c) => c.notNull())
        .addColumn('channel', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('set null'))
        .addColumn('merged_into', 'text', (c) => c.references('incident_reports.id').onDelete('set null'))
        .addColumn('triaged_by', 'text')
        .addColumn('triaged_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .addCheckConstraint('incident_reports_status', sql`status in (${inList(['new', 'linked', 'merged', 'rejected'])})`)
        .addCheckConstraint('incident_reports_channel', sql`channel in (${inList(['web', 'staff'])})`)
        .execute();
      // The triage queue (by status, newest first, city-wide or per agency) and the duplicate look-up.
      await db.schema.createIndex('incident_reports_queue').on('incident_reports').columns(['status', 'created_at', 'id']).execute();
      await db.schema.createIndex('incident_reports_agency_queue').on('incident_reports').columns(['agency_id', 'status', 'created_at', 'id']).execute();
      await db.schema.createIndex('incident_reports_agency_time').on('incident_reports').columns(['agency_id', 'created_at']).execute();
      await db.schema.createIndex('incident_reports_incident').on('incident_reports').columns(['incident_id']).execute();

      await withAutoId(db.schema.createTable('incident_report_messages'))
        .addColumn('report_id', 'text', (c) => c.notNull().references('incident_reports.id').onDelete('cascade'))
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addCheckConstraint('incident_report_messages_direction', sql`direction in (${inList(['to-reporter', 'from-reporter'])})`)
        .execute();
      await db.schema.createIndex('incident_report_messages_report').on('incident_report_messages').columns(['report_id', 'id']).execute();

      await db.schema
        .createTable('incident_photos')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('report_id', 'text', (c) => c.references('incident_reports.id').onDelete('cascade'))
        .addColumn('incident_id', 'text', (c) => c.references('incidents.id').onDelete('cascade'))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('original_name', 'text')
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('removed', t.json, (c) => c.notNull())
        .addColumn('uploaded_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addCheckConstraint('incident_photos_owner', sql`report_id is not null or incident_id is not null`)
        .execute();
      await db.schema.createIndex('incident_photos_report').on('incident_photos').columns(['report_id']).execute();
      await db.schema.createIndex('incident_photos_incident').on('incident_photos').columns(['incident_id']).execute();

      await db.schema
        .createTable('incident_assets')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
        .addColumn('how', 'text', (c) => c.notNull())
        .addColumn('linked_by', 'text', (c) => c.notNull())
        .addColumn('linked_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_assets_pk', ['incident_id', 'asset_id'])
        .execute();
      await db.schema.createIndex('incident_assets_asset').on('incident_assets').columns(['asset_id']).execute();
      await db.schema
        .createTable('incident_findings')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id').onDelete('cascade'))
        .addColumn('auto', t.bool, (c) => c.notNull())
        .addColumn('linked_by', 'text', (c) => c.notNull())
        .addColumn('linked_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_findings_pk', ['incident_id', 'finding_id'])
        .execute();
      await db.schema.createIndex('incident_findings_finding').on('incident_findings').columns(['finding_id']).execute();

      await withAutoId(db.schema.createTable('incident_timeline'))
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('at', t.time, (c) => c.notNull())
        .addColumn('tz', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', t.json, (c) => c.notNull())
        .addColumn('actor', 'text')
        .addColumn('include_in_report', t.bool, (c) => c.notNull())
        .addColumn('ref', t.json)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addCheckConstraint('incident_timeline_source', sql`source in (${inList(['system', 'user', 'reporter', 'scan', 'playbook'])})`)
        .execute();
      await db.schema.createIndex('incident_timeline_incident').on('incident_timeline').columns(['incident_id', 'at', 'id']).execute();

      await db.schema
        .createTable('incident_clock_events')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('clock_id', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('fired_at', t.time, (c) => c.notNull())
        .addPrimaryKeyConstraint('incident_clock_events_pk', ['incident_id', 'clock_id', 'event'])
        .execute();

      await db.schema
        .createTable('playbooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('definition', t.json, (c) => c.notNull())
        .addColumn('active', t.bool, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addUniqueConstraint('playbooks_key_version', ['key', 'version'])
        .execute();
      await db.schema
        .createTable('incident_playbook_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('playbook_id', 'text', (c) => c.notNull().references('playbooks.id').onDelete('restrict'))
        .addColumn('playbook_key', 'text', (c) => c.notNull())
        .addColumn('auto', t.bool, (c) => c.notNull())
        .addColumn('attached_by', 'text', (c) => c.notNull())
        .addColumn('attached_at', t.time, (c) => c.notNull())
        // One run of a playbook (any version) per incident.
        .addUniqueConstraint('incident_playbook_runs_key', ['incident_id', 'playbook_key'])
        .execute();
      await db.schema
        .createTable('incident_step_ticks')
        .addColumn('run_id', 'text', (c) => c.notNull().references('incident_playbook_runs.id').onDelete('cascade'))
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('done_by', 'text', (c) => c.notNull())
        .addColumn('done_at', t.time, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('scan_job_id', 'text')
        .addPrimaryKeyConstraint('incident_step_ticks_pk', ['run_id', 'step_id'])
        .execute();

      const child = (name: string) => db.schema.createTable(name)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'));
      await child('incident_countermeasures')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('device', 'text')
        .addColumn('applied_by', 'text', (c) => c.notNull())
        .addColumn('applied_at', t.time, (c) => c.notNull())
        .addColumn('removed_at', t.time)
        .addColumn('removed_by', 'text')
        .addColumn('note', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await child('incident_requests')
        .addColumn('party', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('sent_at', t.time, (c) => c.notNull())
        .addColumn('sent_by', 'text', (c) => c.notNull())
        .addColumn('answer', 'text')
        .addColumn('answered_at', t.time)
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await child('incident_service_impacts')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('down_from', t.time, (c) => c.notNull())
        .addColumn('down_to', t.time)
        .addColumn('fallback', 'text')
        .addColumn('people_affected', 'integer')
        .addColumn('note', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .execute();
      await child('incident_regulatory')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('sent_at', t.time, (c) => c.notNull())
        .addColumn('sent_by', 'text', (c) => c.notNull())
        .addColumn('to_party', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addColumn('created_at', t.time, (c) => c.notNull())
        .addCheckConstraint('incident_regulatory_kind', sql`kind in (${inList(['bssn-initial', 'bssn-update', 'bssn-final', 'pdp-notice'])})`)
        .execute();
      for (const table of ['incident_countermeasures', 'incident_requests', 'incident_service_impacts', 'incident_regulatory']) {
        await db.schema.createIndex(`${table}_incident`).on(table).columns(['incident_id']).execute();
      }

      await db.schema
        .createTable('incident_scans')
        .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
        .addColumn('job_id', 'text', (c) => c.notNull().references('scan_jobs.id').onDelete('cascade'))
        .addColumn('step_id', 'text')
        .addColumn('started_by', 'text', (c) => c.notNull())
        .addColumn('started_at', t.time, (c) => c.notNull())
        .addColumn('result_recorded_at', t.time)
        .addPrimaryKeyConstraint('incident_scans_pk', ['incident_id', 'job_id'])
        .execute();
      await db.schema.createIndex('incident_scans_job').on('incident_scans').columns(['job_id']).execute();
      await db.schema.createIndex('incident_scans_pending').on('incident_scans').columns(['result_recorded_at']).execute();

      await db.schema
        .createTable('incident_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', t.json, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('pow_spent')
        .addColumn('signature', 'text', (c) => c.primaryKey())
        .addColumn('expires_at', t.time, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pow_spent_expires').on('pow_spent').columns(['expires_at']).execute();
      // The scan hook looks up the findings a job opened (IncidentRepo.autoLinkJobFindings).
      await db.schema.createIndex('finding_events_job').on('finding_events').columns(['job_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('finding_events_job').execute();
      for (const table of [
        'pow_spent', 'incident_settings', 'incident_scans', 'incident_regulatory', 'incident_service_impacts', 'incident_requests', 'incident_countermeasures',
        'incident_step_ticks', 'incident_playbook_runs', 'playbooks', 'incident_clock_events', 'incident_timeline', 'incident_findings', 'incident_assets',
        'incident_photos', 'incident_report_messages', 'incident_reports', 'incidents',
      ]) await db.schema.dropTable(table).execute();
    },
  };
}
