// The incident tables (migration 0010_incidents) as Kysely sees them; `Database` (schema.ts) extends this.
// Same conventions as schema.ts: Time = ISO text, Json = JSON text, SqlBool through dialect.bool().

import type { Generated, SqlBool } from 'kysely';

type Time = string;
type Json = string;

/** A report from the public form (or entered by staff): not yet an incident. */
export interface IncidentReportTable {
  id: string;
  reference: string;
  /** SHA-256 of the secret status token; the token itself is never stored. */
  token_hash: string;
  token_expires_at: Time;
  agency_id: string;
  symptoms: Json;
  symptom_other: string | null;
  since: Time | null;
  computers: string;
  services: Json;
  service_other: string | null;
  manual_fallback: string;
  actions_taken: Json;
  location: string | null;
  /** locationKey(location): the asset hint duplicates are compared on. */
  location_key: string | null;
  description: string | null;
  reporter_name: string;
  reporter_whatsapp: string;
  reporter_role: string;
  /** web (public form) | staff (entered by a user) */
  channel: string;
  /** new | linked | merged | rejected */
  status: string;
  status_reason: string | null;
  incident_id: string | null;
  merged_into: string | null;
  triaged_by: string | null;
  triaged_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export interface IncidentReportMessageTable {
  id: Generated<number>;
  report_id: string;
  at: Time;
  /** to-reporter (a responder's message, shown on the status link) | from-reporter (added information) */
  direction: string;
  author: string;
  body: string;
}

/** A photo's metadata; the bytes live under the data directory (PhotoStore), named by their SHA-256. */
export interface IncidentPhotoTable {
  id: string;
  report_id: string | null;
  incident_id: string | null;
  sha256: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  original_name: string | null;
  /** Path relative to the data directory. */
  path: string;
  /** Metadata blocks removed before storing (e.g. ["APP1 Exif", "APP1 XMP"]). */
  removed: Json;
  uploaded_by: string;
  created_at: Time;
}

export interface IncidentTable {
  id: string;
  number: string;
  agency_id: string;
  title: string;
  description: string | null;
  classification: string | null;
  severity: string | null;
  risk_level: string | null;
  vital: SqlBool;
  sector: string | null;
  personal_data: SqlBool;
  phase: string;
  detected_by: string;
  found_at: Time;
  reported_at: Time;
  acknowledged_at: Time | null;
  first_response_at: Time | null;
  contained_at: Time | null;
  restored_at: Time | null;
  closed_at: Time | null;
  closure: Json | null;
  owner: string | null;
  created_by: string;
  created_at: Time;
  updated_at: Time;
  version: number;
}

export interface IncidentAssetTable {
  incident_id: string;
  asset_id: string;
  /** ip | name | unit | asset | auto */
  how: string;
  linked_by: string;
  linked_at: Time;
}

export interface IncidentFindingTable {
  incident_id: string;
  finding_id: string;
  auto: SqlBool;
  linked_by: string;
  linked_at: Time;
}

export interface IncidentTimelineTable {
  id: Generated<number>;
  incident_id: string;
  at: Time;
  tz: string;
  source: string;
  kind: string;
  /** {id, en} */
  text: Json;
  actor: string | null;
  include_in_report: SqlBool;
  /** What the entry is about: {reportId?, stepId?, jobId?, assetId?, findingId?, clockId? …} */
  ref: Json | null;
  created_at: Time;
}

/** Clock announcements already made (so each warning and breach fires once). */
export interface IncidentClockEventTable {
  incident_id: string;
  clock_id: string;
  event: string;
  fired_at: Time;
}

export interface PlaybookTable {
  id: string;
  key: string;
  version: number;
  definition: Json;
  active: SqlBool;
  created_by: string;
  created_at: Time;
}

export interface IncidentPlaybookRunTable {
  id: string;
  incident_id: string;
  playbook_id: string;
  playbook_key: string;
  auto: SqlBool;
  attached_by: string;
  attached_at: Time;
}

export interface IncidentStepTickTable {
  run_id: string;
  step_id: string;
  done_by: string;
  done_at: Time;
  note: string | null;
  scan_job_id: string | null;
}

export interface IncidentCountermeasureTable {
  id: string;
  incident_id: string;
  kind: string;
  target: string;
  device: string | null;
  applied_by: string;
  applied_at: Time;
  removed_at: Time | null;
  removed_by: string | null;
  note: string | null;
  created_at: Time;
}

export interface IncidentRequestTable {
  id: string;
  incident_id: string;
  party: string;
  subject: string;
  sent_at: Time;
  sent_by: string;
  answer: string | null;
  answered_at: Time | null;
  created_at: Time;
}

export interface IncidentServiceImpactTable {
  id: string;
  incident_id: string;
  service: string;
  down_from: Time;
  down_to: Time | null;
  fallback: string | null;
  people_affected: number | null;
  note: string | null;
  created_at: Time;
}

export interface IncidentRegulatoryTable {
  id: string;
  incident_id: string;
  kind: string;
  sent_at: Time;
  sent_by: string;
  to_party: string;
  reference: string | null;
  created_at: Time;
}

/** Scans started from an incident; result_recorded_at once their result is on the timeline. */
export interface IncidentScanTable {
  incident_id: string;
  job_id: string;
  step_id: string | null;
  started_by: string;
  started_at: Time;
  result_recorded_at: Time | null;
}

export interface IncidentSettingTable {
  key: string;
  value: Json;
  updated_by: string;
  updated_at: Time;
}

/** Proof-of-work solutions already used (a solved challenge buys one submission). */
export interface PowSpentTable {
  signature: string;
  expires_at: Time;
}

export interface IncidentDatabase {
  incident_reports: IncidentReportTable;
  incident_report_messages: IncidentReportMessageTable;
  incident_photos: IncidentPhotoTable;
  incidents: IncidentTable;
  incident_assets: IncidentAssetTable;
  incident_findings: IncidentFindingTable;
  incident_timeline: IncidentTimelineTable;
  incident_clock_events: IncidentClockEventTable;
  playbooks: PlaybookTable;
  incident_playbook_runs: IncidentPlaybookRunTable;
  incident_step_ticks: IncidentStepTickTable;
  incident_countermeasures: IncidentCountermeasureTable;
  incident_requests: IncidentRequestTable;
  incident_service_impacts: IncidentServiceImpactTable;
  incident_regulatory: IncidentRegulatoryTable;
  incident_scans: IncidentScanTable;
  incident_settings: IncidentSettingTable;
  pow_spent: PowSpentTable;
}
