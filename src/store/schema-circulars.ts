// The circular tables (migration 0011_circulars) as Kysely sees them; `Database` (schema.ts) extends this.
// Same conventions as schema.ts: Time = ISO text, Json = JSON text, SqlBool through dialect.bool().

import type { Generated, SqlBool } from 'kysely';

type Time = string;
type Json = string;

/** A template (the shipped WannaCry circular and the office's copies), versioned like playbooks. */
export interface CircularTemplateTable {
  id: string;
  key: string;
  version: number;
  /** {id, en} */
  name: Json;
  description: Json;
  /** domain CircularContent */
  content: Json;
  sources: Json;
  builtin: SqlBool;
  created_by: string;
  created_at: Time;
}

/** The numbering register: one serial per year (docs/circulars.md, "The letter"). */
export interface CircularRegisterTable {
  year: number;
  pattern: string;
  last_serial: number;
}

export interface CircularTable {
  id: string;
  /** Set when sent, from the register of the sending year. */
  number: string | null;
  /** draft | sent | closed */
  status: string;
  template_key: string | null;
  current_version: number;
  /** The current version's content (also in circular_versions). */
  content: Json;
  /** domain ReminderPolicy */
  reminder_policy: Json;
  created_by: string;
  created_at: Time;
  updated_at: Time;
  sent_at: Time | null;
  sent_by: string | null;
  closed_at: Time | null;
  closed_by: string | null;
}

/** Every version's text: an acknowledgement points at the version it accepted. */
export interface CircularVersionTable {
  circular_id: string;
  version: number;
  content: Json;
  note: string | null;
  created_by: string;
  created_at: Time;
  sent_at: Time | null;
}

/** One row per (circular, audience agency): distribution and acknowledgement (VINCE VulnerableVendor, §4.3). */
export interface CircularRecipientTable {
  circular_id: string;
  agency_id: string;
  /** The version last sent to this agency. */
  version: number;
  sent_at: Time;
  delivered_at: Time | null;
  bounced_at: Time | null;
  bounce_reason: string | null;
  seen_at: Time | null;
  /** The latest acknowledgement (history in circular_acks); null until the agency acknowledges the current version. */
  ack_version: number | null;
  ack_at: Time | null;
  ack_name: string | null;
  ack_position: string | null;
  ack_phone: string | null;
}

export interface CircularAckTable {
  id: Generated<number>;
  circular_id: string;
  agency_id: string;
  version: number;
  name: string;
  position: string;
  phone: string | null;
  /** link | user */
  via: string;
  actor: string;
  at: Time;
}

/** A signed per-agency link: only the SHA-256 of its token is stored. */
export interface CircularLinkTable {
  id: string;
  circular_id: string;
  agency_id: string;
  token_hash: string;
  expires_at: Time;
  created_by: string;
  created_at: Time;
  revoked_at: Time | null;
  revoked_by: string | null;
  last_used_at: Time | null;
}

/** An agency's current answer to one item, with its review and its verification. */
export interface CircularAnswerTable {
  circular_id: string;
  agency_id: string;
  item_code: string;
  status: string;
  reason: string | null;
  target_date: string | null;
  machines_done: number | null;
  machines_total: number | null;
  note: string | null;
  os: string | null;
  kbs: Json | null;
  kb_hint: Json | null;
  answered_by: string;
  /** user | link */
  answered_via: string;
  answered_at: Time;
  /** When the current attestation (done / not-applicable) was given; null when not attested. */
  attested_at: Time | null;
  /** none | approved | returned */
  review: string;
  review_by: string | null;
  review_at: Time | null;
  review_comment: string | null;
  /** pending | verified | contradicted | unverifiable */
  verification: string;
  verification_why: string | null;
  verification_hosts: Json | null;
  /** The hosts' IPs, comma-separated (at most BOARD_HOSTS), for the board without parsing the evidence. */
  verification_ips: string | null;
  verification_host_count: number;
  verification_job_id: string | null;
  verification_at: Time | null;
  revision: number;
}

export interface CircularAnswerEventTable {
  id: Generated<number>;
  circular_id: string;
  agency_id: string;
  item_code: string;
  /** answer | review | verification */
  kind: string;
  at: Time;
  actor: string;
  data: Json;
}

export interface CircularEvidenceTable {
  id: string;
  circular_id: string;
  agency_id: string;
  item_code: string;
  sha256: string;
  content_type: string;
  size: number;
  original_name: string | null;
  /** Path relative to the data directory. */
  path: string;
  uploaded_by: string;
  created_at: Time;
}

export interface CircularReminderTable {
  circular_id: string;
  agency_id: string;
  /** before-24h | after-0h | escalation … */
  kind: string;
  sent_at: Time;
}

/** What the latest finished scan of a network said per finding rule (written by the finalize hook). */
export interface NetworkRuleCheckTable {
  network_id: string;
  rule_id: string;
  agency_id: string;
  job_id: string;
  finished_at: Time;
  unknown_ips: Json;
}

export interface CircularCampaignTable {
  id: string;
  circular_id: string;
  profile: string;
  rules: Json;
  started_by: string;
  started_at: Time;
  window_override: SqlBool;
  override_reason: string | null;
}

export interface CircularCampaignJobTable {
  campaign_id: string;
  agency_id: string;
  network_id: string;
  /** null when the sweep was deferred (outside the agency's scan windows). */
  job_id: string | null;
  /** queued | deferred | rescan */
  kind: string;
  reason: string | null;
  at: Time;
}

export interface CircularGateTable {
  campaign_id: string;
  agency_id: string;
  /** disconnected | cleared */
  state: string;
  disconnected_at: Time;
  cleared_at: Time | null;
  decided_by: string | null;
  decided_at: Time | null;
  reason: string | null;
  override: SqlBool;
}

export interface CircularGateEventTable {
  id: Generated<number>;
  campaign_id: string;
  agency_id: string;
  state: string;
  by: string;
  at: Time;
  reason: string | null;
  override: SqlBool;
  blockers: Json;
}

export interface CircularSitrepTable {
  id: string;
  campaign_id: string;
  version: number;
  snapshot: Json;
  created_by: string;
  created_at: Time;
}

export interface CircularRescanTable {
  id: string;
  circular_id: string;
  agency_id: string;
  campaign_id: string | null;
  item_code: string | null;
  requested_by: string;
  requested_at: Time;
  /** deferred (waiting for a scan window) | started */
  state: string;
  not_before: Time | null;
  job_ids: Json;
  started_at: Time | null;
}

// ---- migration 0012_office_reports -------------------------------------------------------------------------

/** One office setting (key `office`: the head of office), JSON. */
export interface OfficeSettingTable {
  key: string;
  value: Json;
  updated_by: string;
  updated_at: Time;
}

export interface ReportCardScheduleTable {
  id: string;
  circular_id: string | null;
  /** ISO weekday 1 = Monday … 7 = Sunday */
  day_of_week: number;
  hour: number;
  time_zone: string;
  to_agency_heads: SqlBool;
  to_office: SqlBool;
  enabled: SqlBool;
  next_run_at: Time | null;
  last_run_at: Time | null;
  created_by: string;
  created_at: Time;
  updated_by: string;
  updated_at: Time;
}

export interface ReportCardIssuedTable {
  id: string;
  schedule_id: string | null;
  circular_id: string | null;
  /** null: the roll-up */
  agency_id: string | null;
  /** agency | city */
  kind: string;
  as_of: Time;
  previous_id: string | null;
  /** The card (kind agency) or the roll-up {city, agencies} (kind city) as computed and printed. */
  card: Json;
  /** The e-mail addresses named in its message. */
  sent_to: Json;
  created_at: Time;
}

export interface CircularSitrepSendTable {
  id: Generated<number>;
  sitrep_id: string;
  to_name: string | null;
  to_position: string | null;
  to_email: string | null;
  /** The outbox message's key (its deliveries say whether it arrived). */
  dedup_key: string;
  sent_by: string;
  sent_at: Time;
}

export interface CircularDatabase {
  office_settings: OfficeSettingTable;
  report_card_schedules: ReportCardScheduleTable;
  report_cards_issued: ReportCardIssuedTable;
  circular_sitrep_sends: CircularSitrepSendTable;
  circular_rescans: CircularRescanTable;
  circular_templates: CircularTemplateTable;
  circular_registers: CircularRegisterTable;
  circulars: CircularTable;
  circular_versions: CircularVersionTable;
  circular_recipients: CircularRecipientTable;
  circular_acks: CircularAckTable;
  circular_links: CircularLinkTable;
  circular_answers: CircularAnswerTable;
  circular_answer_events: CircularAnswerEventTable;
  circular_evidence: CircularEvidenceTable;
  circular_reminders: CircularReminderTable;
  network_rule_checks: NetworkRuleCheckTable;
  circular_campaigns: CircularCampaignTable;
  circular_campaign_jobs: CircularCampaignJobTable;
  circular_gates: CircularGateTable;
  circular_gate_events: CircularGateEventTable;
  circular_sitreps: CircularSitrepTable;
}
