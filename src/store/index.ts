// The store's public surface. Callers use createStore() and the repositories; nothing outside this
// folder touches Kysely or knows the dialect.
export { createStore } from './store.js';
export type { Repositories, Store, StoreOptions } from './store.js';
export { defaultDataDir, isConnectionLoss, parseStoreUrl } from './dialect.js';
export type { DialectKind, StoreLocation } from './dialect.js';
export { ALL_AGENCIES, inScope, scopeOf } from './scope.js';
export type { AgencyScope } from './scope.js';
export { NetworkOverlapError, isBusy, retryOnBusy } from './errors.js';
export { schemaFacts } from './migrations.js';
export type { SchemaFacts } from './migrations.js';
export { writePrivateFile } from './secrets.js';
export type { BusyRetry } from './errors.js';
export type { NetworkConflict } from './errors.js';
export type { AgencyListFilter, AgencyPatch } from './repos/agencies.js';
export type { AssetListFilter, ObservedHost, UpsertedAsset } from './repos/assets.js';
export type { AssetDetail, StagedAsset, StagedOutcome, StagedPlace } from './repos/imports.js';
export type { ApplyScanInput, ApplyScanResult, Finding, FindingFilter, FindingHistory, FindingView, StoredFindingEvent } from './repos/findings.js';
export type { BatchInput, IngestCounts, IngestItem, ProgressMark } from './repos/observations.js';
export type { OutboxInput, OutboxMessage } from './repos/outbox.js';
export type { AlertChannelKind, AlertDelivery, DeliveryStatus, SecretStatus, StoredAlertChannel, StoredAlertRule } from './repos/alerts.js';
export type { KeySource, SecretBox } from './secrets.js';
export type { JobProgress } from './repos/scans.js';
export type { Schedule, ScheduleInput } from './repos/schedules.js';
export type { IncidentReport, Photo, ReportMessage, ReportListFilter } from './repos/incident-reports.js';
export type { Countermeasure, ExternalRequest, Incident, IncidentListFilter, IncidentPatch, IncidentScan, LinkedAsset, NewIncident, RegulatorySend, ServiceImpact, TimelineEntry } from './repos/incidents.js';
export type { PlaybookRun, StoredPlaybook } from './repos/playbooks.js';
export type {
  Acknowledgement, AnswerEvent, BoardItem, BoardRow, Campaign, CircularLink, CircularSummary, EvidenceMeta, Gate, GateEvent, Recipient, Rescan, Sitrep, SitrepSend, StoredAnswer, StoredCircular,
  StoredTemplate, StoredVerification, VerificationChange,
} from './repos/circulars.js';
export { sentKey } from './repos/circulars.js';
export type { IssuedCard, IssuedCardWithBody, IssuedKind, NewIssuedCard, ReportSchedule, StoredOfficeSettings } from './repos/office.js';
export type { WorkerCredential, WorkerEnrollment } from './repos/worker-credentials.js';
