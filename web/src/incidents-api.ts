// Incident types and choices of the office pages. The response shapes are the API's own (one contract): the
// TypeBox schemas of src/api/routes/incident-schemas.ts (Static<>, imported as types only, so no server code
// reaches the bundle); a renamed or retyped field there fails `npm run typecheck` here. The lists the forms
// offer are written out here (the domain files that hold them also carry server-side rules and labels the
// bundle does not need) and checked against the domain's own types (`satisfies`); the API validates every
// value again.
import type { Static } from 'typebox';
import type * as I from '../../src/api/routes/incident-schemas.js';
import type * as D from '../../src/domain/incident.js';
import type * as P from '../../src/domain/playbook.js';

export type Bi = Static<typeof I.TextOut>;

export const PHASES = ['new', 'triaged', 'containment', 'eradication', 'recovery', 'closed'] as const satisfies readonly D.Phase[];
export type Phase = (typeof PHASES)[number];
export const REPORT_STATUSES = ['new', 'linked', 'merged', 'rejected'] as const satisfies readonly D.ReportStatus[];
export const CLASSIFICATIONS = [
  'malicious-code:ransomware', 'malicious-code:worm', 'malicious-code:trojan-spyware', 'intrusions:system-compromise', 'intrusion-attempts:exploit-known-vulnerability',
  'availability:dos', 'availability:outage', 'information-content-security:unauthorised-access', 'information-content-security:data-leak', 'fraud:phishing',
  'information-gathering:scanning', 'vulnerable:vulnerable-system', 'other:other', 'test:test',
] as const satisfies readonly D.Classification[];
export const RISK_LEVELS = ['low', 'medium', 'high', 'very-high'] as const satisfies readonly D.RiskLevel[];
export const SECTORS = ['government-administration', 'health', 'ict', 'energy-mineral', 'transport', 'finance', 'water', 'food', 'defence', 'other'] as const satisfies readonly D.Sector[];
export const CLOSURE_CRITERIA = ['rescan-clean', 'hosts-rebuilt', 'credentials-reset', 'data-restored', 'services-restored', 'reports-filed'] as const satisfies readonly D.ClosureCriterion[];
export const CRITERION_ANSWERS = ['met', 'not-applicable', 'not-met'] as const satisfies readonly D.CriterionAnswer[];
export const PLAYBOOK_ROLES = ['reporter', 'agency-it', 'city-csirt'] as const satisfies readonly P.PlaybookRole[];
export type PlaybookRole = (typeof PLAYBOOK_ROLES)[number];
export const STEP_ACTIONS = ['scan-ransomware'] as const satisfies readonly P.StepAction[];
export const COUNTERMEASURE_KINDS = ['block-port', 'isolate-host', 'isolate-segment', 'disconnect-agency', 'disable-account', 'disable-service', 'other'] as const satisfies readonly D.CountermeasureKind[];
export const EXTERNAL_PARTIES = ['bssn', 'sector-csirt', 'kemendagri', 'kemenkes', 'vendor', 'isp', 'police', 'other'] as const satisfies readonly D.ExternalParty[];
export const REGULATORY_KINDS = ['bssn-initial', 'bssn-update', 'bssn-final', 'pdp-notice'] as const satisfies readonly D.RegulatoryKind[];
export const SYMPTOMS = ['ransom-screen', 'disk-repair-screen', 'files-wont-open', 'strange-file-names', 'very-slow', 'network-down', 'other'] as const satisfies readonly D.Symptom[];
export const TIME_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'] as const satisfies typeof D.TIME_ZONES;
/** Asset kinds a playbook's conditions name besides the assets' own tags (src/domain/playbook.ts assetKinds). */
export const ASSET_KINDS = ['windows', 'windows-eol', 'smb'] as const;

export type Report = Static<typeof I.ReportOut>;
export type Photo = Static<typeof I.PhotoOut>;
export type ReportMessage = Static<typeof I.MessageOut>;
export type ReportDetail = Static<typeof I.ReportDetailOut>;
export type Closure = Static<typeof I.ClosureOut>;
export type Incident = Static<typeof I.IncidentOut>;
export type Clock = Static<typeof I.ClockOut>;
export type TimelineEntry = Static<typeof I.TimelineOut>;
export type LinkedAsset = Static<typeof I.LinkedAssetOut>;
export type Branch = Static<typeof I.BranchOut>;
export type Source = Static<typeof I.SourceOut>;
export type PlaybookDefinition = Static<typeof I.PlaybookOut>['definition'];
/** A step of a playbook definition (what the editor edits). */
export type Step = PlaybookDefinition['steps'][number];
/** A step of a playbook attached to an incident, with its progress. */
export type RunStep = Static<typeof I.StepOut>;
export type Run = Static<typeof I.RunOut>;
export type Countermeasure = Static<typeof I.CountermeasureOut>;
export type ExternalRequest = Static<typeof I.RequestOut>;
export type Impact = Static<typeof I.ImpactOut>;
export type RegulatorySend = Static<typeof I.RegulatoryOut>;
export type IncidentScan = Static<typeof I.IncidentScanOut>;
export type IncidentDetail = Static<typeof I.IncidentDetailOut>;
export type Playbook = Static<typeof I.PlaybookOut>;
export type IncidentSettings = Static<typeof I.SettingsOut>;
export type ReportLink = Static<typeof I.ReportLinkOut>;
