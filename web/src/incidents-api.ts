// Incident types and choices of the office pages: mirrors src/api/routes/incident-schemas.ts (the
// response shapes), public-reports.ts and playbooks.ts (settings), and the lists of src/domain/incident.ts,
// playbook.ts and incident-clocks.ts; the API validates every value again.
import type { AssetSmb } from './api';

export interface Bi { id: string; en: string }

export const PHASES = ['new', 'triaged', 'containment', 'eradication', 'recovery', 'closed'] as const;
export type Phase = (typeof PHASES)[number];
export const REPORT_STATUSES = ['new', 'linked', 'merged', 'rejected'] as const;
export const CLASSIFICATIONS = [
  'malicious-code:ransomware', 'malicious-code:worm', 'malicious-code:trojan-spyware', 'intrusions:system-compromise', 'intrusion-attempts:exploit-known-vulnerability',
  'availability:dos', 'availability:outage', 'information-content-security:unauthorised-access', 'information-content-security:data-leak', 'fraud:phishing',
  'information-gathering:scanning', 'vulnerable:vulnerable-system', 'other:other', 'test:test',
] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'very-high'] as const;
export const SECTORS = ['government-administration', 'health', 'ict', 'energy-mineral', 'transport', 'finance', 'water', 'food', 'defence', 'other'] as const;
export const CLOSURE_CRITERIA = ['rescan-clean', 'hosts-rebuilt', 'credentials-reset', 'data-restored', 'services-restored', 'reports-filed'] as const;
export const CRITERION_ANSWERS = ['met', 'not-applicable', 'not-met'] as const;
export const PLAYBOOK_ROLES = ['reporter', 'agency-it', 'city-csirt'] as const;
export type PlaybookRole = (typeof PLAYBOOK_ROLES)[number];
export const STEP_ACTIONS = ['scan-ransomware'] as const;
export const COUNTERMEASURE_KINDS = ['block-port', 'isolate-host', 'isolate-segment', 'disconnect-agency', 'disable-account', 'disable-service', 'other'] as const;
export const EXTERNAL_PARTIES = ['bssn', 'sector-csirt', 'kemendagri', 'kemenkes', 'vendor', 'isp', 'police', 'other'] as const;
export const REGULATORY_KINDS = ['bssn-initial', 'bssn-update', 'bssn-final', 'pdp-notice'] as const;
export const SYMPTOMS = ['ransom-screen', 'disk-repair-screen', 'files-wont-open', 'strange-file-names', 'very-slow', 'network-down', 'other'] as const;
export const TIME_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'] as const;
/** Asset kinds a playbook's conditions name besides the assets' own tags (src/domain/playbook.ts assetKinds). */
export const ASSET_KINDS = ['windows', 'windows-eol', 'smb'] as const;

export interface Report {
  id: string; reference: string; agencyId: string; symptoms: string[]; symptomOther: string | null; since: string | null; computers: string; services: string[]; serviceOther: string | null;
  manualFallback: string; actionsTaken: string[]; location: string | null; description: string | null; reporterName: string; reporterWhatsapp: string; reporterRole: string; channel: string;
  status: string; statusReason: string | null; incidentId: string | null; mergedInto: string | null; triagedBy: string | null; triagedAt: string | null; createdAt: string; updatedAt: string;
}
export interface Photo { id: string; sha256: string; contentType: string; size: number; width: number | null; height: number | null; originalName: string | null; removed: string[]; uploadedBy: string; createdAt: string }
export interface ReportMessage { id: number; at: string; direction: string; author: string; body: string }
export interface ReportDetail {
  report: Report; messages: ReportMessage[]; photos: Photo[];
  duplicates: { reportId: string; match: string; reference: string; status: string; createdAt: string; incidentId: string | null }[];
}
export interface Closure { declaredBy: string; position: string | null; lessons: string; at: string; criteria: { id: string; answer: string; note: string | null }[] }
export interface Incident {
  id: string; number: string; agencyId: string; title: string; description: string | null; classification: string | null; severity: string | null; riskLevel: string | null;
  vital: boolean; sector: string | null; personalData: boolean; phase: Phase; detectedBy: string; foundAt: string; reportedAt: string; acknowledgedAt: string | null;
  firstResponseAt: string | null; containedAt: string | null; restoredAt: string | null; closedAt: string | null; closure: Closure | null; owner: string | null;
  createdBy: string; createdAt: string; updatedAt: string; version: number;
}
export interface Clock { id: string; kind: string; title: Bi; basis: string; startAt: string; dueAt: string; warnAt: string; metAt: string | null; state: string }
export interface TimelineEntry { id: number; at: string; tz: string; source: string; kind: string; text: Bi; actor: string | null; includeInReport: boolean; ref: Record<string, unknown> | null }
export interface LinkedAsset {
  assetId: string; agencyId: string; ip: string; netbiosName: string | null; dnsName: string | null;
  os: { name: string; build: string | null; source: string; eol: boolean | null; wannacryRisk: boolean | null } | null; smb: AssetSmb | null;
  criticality: string; riskRating: string | null; lastSeen: string; lastJobId: string | null; how: string; linkedBy: string; linkedAt: string;
  openFindings: { id: string; ruleId: string; port: number; severity: string; title: Bi; firstSeen: string; lastSeen: string; linked: boolean }[];
}
export interface Branch { when: Bi; do: Bi; symptoms: string[]; applies?: boolean }
export interface Source { key: string; title: string; url: string | null }
export interface Step {
  id: string; role: PlaybookRole; title: Bi; detail: Bi; required: boolean; after: string[]; evidence: Bi | null; action: string | null; branches: Branch[]; sources: string[];
}
export interface RunStep extends Step { status: string; doneBy: string | null; doneAt: string | null; note: string | null; scanJobId: string | null }
export interface Run { id: string; playbookId: string; key: string; version: number; title: Bi; auto: boolean; attachedBy: string; attachedAt: string; requiredDone: boolean; steps: RunStep[]; sources: Source[] }
export interface Countermeasure { id: string; kind: string; target: string; device: string | null; appliedBy: string; appliedAt: string; removedAt: string | null; removedBy: string | null; note: string | null }
export interface ExternalRequest { id: string; party: string; subject: string; sentAt: string; sentBy: string; answer: string | null; answeredAt: string | null }
export interface Impact { id: string; service: string; downFrom: string; downTo: string | null; fallback: string | null; peopleAffected: number | null; note: string | null }
export interface RegulatorySend { id: string; kind: string; sentAt: string; sentBy: string; to: string; reference: string | null }
export interface IncidentScan { jobId: string; stepId: string | null; startedBy: string; startedAt: string; resultRecordedAt: string | null; status: string; targets: string[]; finishedAt: string | null }
export interface IncidentDetail {
  incident: Incident; agency: { id: string; code: string; name: string }; nextPhases: Phase[]; clocks: Clock[];
  reports: { id: string; reference: string; status: string; createdAt: string; reporterName: string; symptoms: string[]; location: string | null }[];
  assets: LinkedAsset[]; playbooks: Run[]; countermeasures: Countermeasure[]; requests: ExternalRequest[]; impacts: Impact[]; regulatory: RegulatorySend[]; scans: IncidentScan[]; photos: Photo[];
}
export interface PlaybookDefinition {
  key: string; title: Bi; description: Bi; conditions: { classifications: string[]; assetKinds: string[] }; steps: Step[]; sources: Source[];
}
export interface Playbook { id: string; key: string; version: number; active: boolean; createdBy: string; createdAt: string; definition: PlaybookDefinition }
export interface IncidentSettings {
  clocks: { acknowledgeMs: number; firstResponseMs: number; containmentMs: number; warnFraction: number };
  organisation: { name: string; ttisName: string; registerNumber: string | null; registerValidUntil: string | null; email: string | null; phone: string | null };
  routes: Record<string, { to: string; cc: string[] }>;
  timeZone: string; statusLinkDays: number;
}
export interface ReportLink { code: string; name: string; path: string; url: string; qrSvg: string }
