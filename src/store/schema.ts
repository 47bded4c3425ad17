// The Kysely `Database` interface: every table as the driver returns it, identical on both dialects
// because dialect.ts normalises what differs (see there):
//   Time  — ISO-8601 UTC text with milliseconds ("2025-06-02T01:00:00.000Z"). SQLite stores that text
//           (so text order = time order); PostgreSQL stores timestamptz and its parser returns the same text.
//   Json  — JSON text. SQLite stores text; PostgreSQL stores jsonb and its parser returns the text.
//   SqlBool — SQLite has no boolean (0/1); PostgreSQL has. Always go through dialect.bool()/fromBool().
//   int8 columns come back as JS numbers on both (PostgreSQL's parser refuses values beyond 2^53).

import type { Generated, SqlBool } from 'kysely';
import type { CircularDatabase } from './schema-circulars.js';
import type { ImportDatabase } from './schema-imports.js';
import type { IncidentDatabase } from './schema-incidents.js';

export type { SqlBool };

export type Time = string;
export type Json = string;

export interface AgencyTable {
  id: string;
  parent_id: string | null;
  kind: string;
  code: string;
  name: string;
  notes: string | null;
  retired_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export interface ContactTable {
  id: string;
  agency_id: string;
  name: string;
  role: string;
  email: string | null;
  phone: string | null;
  whatsapp: string | null;
  is_primary: SqlBool;
  created_at: Time;
}

export interface NetworkTable {
  id: string;
  agency_id: string;
  cidr: string;
  family: number;
  /** addressKey() of the first and last address: text range comparisons find overlaps on both dialects. */
  start_key: string;
  end_key: string;
  label: string | null;
  zone: string | null;
  authorised_by: string;
  authorised_at: Time;
  authorisation_ref: string | null;
  created_at: Time;
  /** The confirmation a questioned block needed (migration 0008); null when none was needed. */
  confirmed_by: string | null;
  confirmed_at: Time | null;
  confirmation_reason: string | null;
  /** Comma-separated NetworkConcern values. */
  confirmation_concerns: string | null;
}

export interface ScanWindowTable {
  id: string;
  agency_id: string;
  position: number;
  mode: string;
  /** ISO weekdays as "1,2,3,4,5,6". */
  days: string;
  start_time: string;
  end_time: string;
  time_zone: string;
  note: string | null;
}

export interface AssetTable {
  id: string;
  agency_id: string;
  network_id: string | null;
  ip: string;
  ip_key: string;
  mac: string | null;
  netbios_name: string | null;
  dns_name: string | null;
  os: Json | null;
  smb: Json | null;
  criticality: string;
  owner: string | null;
  tags: Json;
  outside_control: SqlBool;
  responsible_party: string | null;
  risk_rating: string | null;
  risk_reasons: Json | null;
  /** 139 or 445 open at the last scan that probed them; null = never probed (migration 0007). */
  smb_open: SqlBool | null;
  first_seen: Time;
  last_seen: Time;
  last_job_id: string | null;
  retired_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export interface ScanJobTable {
  id: string;
  agency_id: string;
  network_id: string | null;
  schedule_id: string | null;
  profile: string;
  targets: Json;
  ports: Json;
  vantage: string;
  zone: string | null;
  seed: string;
  requested_by: string;
  status: string;
  planned: number;
  created_at: Time;
  started_at: Time | null;
  finished_at: Time | null;
  error: string | null;
  summary: Json | null;
  /** JSON array of the check ids the job runs; null = not recorded (migration 0007). */
  checks: Json | null;
}

export interface ScanTaskTable {
  id: string;
  job_id: string;
  seq: number;
  zone: string | null;
  range_start: number;
  range_end: number;
  /** Merged [start, end) index ranges already done (domain/ranges.ts). */
  done_ranges: Json;
  done_count: number;
  status: string;
  attempt: number;
  lease_owner: string | null;
  lease_expires_at: Time | null;
  error: string | null;
  updated_at: Time;
}

export interface ObservationTable {
  id: Generated<number>;
  job_id: string;
  task_id: string | null;
  ip: string;
  kind: string;
  /** 0 when not about a port (host lines, facts, host-level checks): the idempotency key has no NULLs. */
  port: number;
  /** check id for checks, fact name for facts, '' otherwise. */
  key: string;
  state: string;
  reason: string | null;
  data: Json | null;
  observed_at: Time;
}

export interface FindingTable {
  id: string;
  fingerprint: string;
  agency_id: string;
  asset_id: string;
  rule_id: string;
  port: number;
  title: Json;
  severity: string;
  severity_rank: number;
  status: string;
  first_seen: Time;
  last_seen: Time;
  times_seen: number;
  resolved_at: Time | null;
  reopen_count: number;
  exception_kind: string | null;
  exception_reason: string | null;
  exception_by: string | null;
  exception_at: Time | null;
  exception_expires_at: Time | null;
  evidence: Json | null;
  last_job_id: string | null;
  /** Optimistic concurrency: every update bumps it and requires the version it read. */
  version: number;
  created_at: Time;
  updated_at: Time;
}

export interface FindingTallyTable {
  agency_id: string;
  status: string;
  severity_rank: number;
  n: number;
}

export interface FindingEventTable {
  id: Generated<number>;
  finding_id: string;
  agency_id: string;
  at: Time;
  from_status: string | null;
  to_status: string;
  cause: string;
  job_id: string | null;
  actor: string | null;
  reason: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  /** Unique: the same change enqueued twice (a re-applied scan) is stored once. */
  dedup_key: string;
  agency_id: string | null;
  payload: Json;
  created_at: Time;
  available_at: Time;
  attempts: number;
  locked_until: Time | null;
  delivered_at: Time | null;
  last_error: string | null;
}

/** Monitoring schedules (migration 0002_monitoring). */
export interface ScheduleTable {
  id: string;
  agency_id: string;
  /** null = agency-wide: every network registered to the agency and its units. */
  network_id: string | null;
  cron: string;
  time_zone: string;
  ports: Json;
  profile: string;
  vantage: string;
  zone: string | null;
  slots_per_task: number;
  enabled: SqlBool;
  next_run_at: Time;
  last_run_at: Time | null;
  last_job_id: string | null;
  created_by: string;
  created_at: Time;
}

/** Alert channels (migration 0003_alerts). `config` holds secrets (SMTP password, bot token, HMAC key). */
export interface AlertChannelTable {
  id: string;
  name: string;
  /** email | webhook | telegram */
  kind: string;
  config: Json;
  enabled: SqlBool;
  created_at: Time;
  updated_at: Time;
}

/** Alert rules as data: which outbox topics/conditions go to which channels. */
export interface AlertRuleTable {
  id: string;
  name: string;
  /** {topics, agencyId?, includeDescendants?, minSeverity?, ports?, findingRules?} */
  filter: Json;
  /** JSON array of channel ids. */
  channel_ids: Json;
  enabled: SqlBool;
  created_at: Time;
}

/** One (outbox message, channel) delivery; the unique key that keeps a retry from re-sending to a channel. */
export interface AlertDeliveryTable {
  outbox_id: number;
  channel_id: string;
  /** sending | sent | failed | dead */
  status: string;
  attempts: number;
  lease_owner: string | null;
  lease_until: Time | null;
  last_error: string | null;
  response: string | null;
  sent_at: Time | null;
  updated_at: Time;
}

/** Local accounts (migration 0004_accounts). `password_hash` is an argon2id PHC string. */
export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  /** admin | analyst | officer | viewer */
  role: string;
  agency_id: string | null;
  disabled: SqlBool;
  must_change_password: SqlBool;
  last_login_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

/** Server-side sessions; the key is the SHA-256 of the cookie value, never the value itself. */
export interface SessionTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Time;
  last_seen_at: Time;
  /** Absolute expiry. */
  expires_at: Time;
  revoked_at: Time | null;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginAttemptTable {
  key: string;
  failures: number;
  window_start: Time;
  locked_until: Time | null;
  updated_at: Time;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Time;
  actor_id: string | null;
  actor: string;
  action: string;
  target_type: string | null;
  target_id: string | null;
  agency_id: string | null;
  /** success | failure | denied */
  outcome: string;
  status: number | null;
  ip: string | null;
  request_id: string | null;
  details: Json | null;
}

export interface FindingTriageTable {
  finding_id: string;
  acknowledged_at: Time | null;
  acknowledged_by: string | null;
  assignee_id: string | null;
  assigned_at: Time | null;
  assigned_by: string | null;
  updated_at: Time;
}

/** The dashboard's numbers per day and agency (migration 0005_exposure_daily), for the trend. */
export interface ExposureDailyTable {
  /** YYYY-MM-DD in the city's time zone. */
  day: string;
  agency_id: string;
  hosts_known: number;
  hosts_scanned: number;
  exposed_smb: number;
  smbv1: number;
  ms17010: number;
  double_pulsar: number;
  unknown: number;
  /** Hosts with 139 or 445 open; null on days recorded before migration 0007. */
  smb_open: number | null;
  recorded_at: Time;
}

/** Incident tables (migration 0010) are declared in schema-incidents.ts. */
/** Scan workers' heartbeats (migration 0016_workers). `zones`: JSON array of zone names, null = the default zone. */
export interface WorkerTable {
  name: string;
  zones: Json;
  version: string;
  queue: string;
  started_at: Time;
  last_seen_at: Time;
  current_task: string | null;
  done_last_hour: number;
}

/** One-time enrollment tokens of segment workers (migration 0017_worker_credentials): only the token's SHA-256. */
export interface WorkerEnrollmentTable {
  id: string;
  name: string;
  /** JSON array of zone names. */
  zones: Json;
  token_hash: string;
  created_by: string;
  created_at: Time;
  expires_at: Time;
  used_at: Time | null;
}

/** Enrolled segment workers' credentials (migration 0017_worker_credentials): `id` is the worker id; only the credential's SHA-256. */
export interface WorkerCredentialTable {
  id: string;
  name: string;
  zones: Json;
  secret_hash: string;
  enrollment_id: string;
  created_at: Time;
  last_used_at: Time | null;
  revoked_at: Time | null;
  revoked_by: string | null;
}

export interface Database extends IncidentDatabase, CircularDatabase, ImportDatabase {
  workers: WorkerTable;
  worker_enrollments: WorkerEnrollmentTable;
  worker_credentials: WorkerCredentialTable;
  agencies: AgencyTable;
  contacts: ContactTable;
  networks: NetworkTable;
  scan_windows: ScanWindowTable;
  assets: AssetTable;
  scan_jobs: ScanJobTable;
  scan_tasks: ScanTaskTable;
  observations: ObservationTable;
  findings: FindingTable;
  finding_tallies: FindingTallyTable;
  finding_events: FindingEventTable;
  outbox: OutboxTable;
  alert_channels: AlertChannelTable;
  alert_rules: AlertRuleTable;
  alert_deliveries: AlertDeliveryTable;
  schedules: ScheduleTable;
  users: UserTable;
  sessions: SessionTable;
  login_attempts: LoginAttemptTable;
  audit_log: AuditLogTable;
  finding_triage: FindingTriageTable;
  exposure_daily: ExposureDailyTable;
}
