import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { inList } from './sql.js';

// Accounts: local users, server-side sessions, login throttling and the audit log; plus
// the per-finding triage state the web application edits (acknowledged, assignee), and two covering
// indexes for the city dashboard (counts per agency × rule and per agency × risk rating without touching
// the table rows).
export function migration0004(d: StoreDialect): Migration {
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
