// The circulars' shapes as the API sends them (src/api/routes/circular-schemas.ts, src/store/repos/circulars.ts;
// docs/circulars.md) and the paths of their routes, in one place. The lists the forms offer are the domain's
// own (src/domain/circular.ts), as web/src/api.ts does for the rest of the API. The shapes are written out
// here rather than taken as Static<> of the schemas: their enumerations (`lit` in circular-schemas.ts) are
// unions over arrays, which Static<> turns into `never`. The API validates everything again.
import {
  ANSWER_STATUSES, EVIDENCE_KINDS, GUIDANCE_ROLES, LETTER_CLASSIFICATIONS as CLASSIFICATIONS, LETTER_URGENCIES as URGENCIES,
  REMEDIATION_CATEGORIES as REMEDIATIONS, SCAN_RULES, WINDOWS_VERSIONS,
} from '../../src/domain/circular.js';
import type {
  AnswerStatus, EvidenceKind, GuidanceRole, KbRefusal, LetterClassification as Classification, LetterUrgency as Urgency, RemediationCategory as Remediation,
  ScanRule, UnverifiableWhy, VerificationState, WindowsVersion,
} from '../../src/domain/circular.js';
import type { ReportCard, ReportRollup } from '../../src/domain/report-card.js';
import { api, query } from './api';
import type { SitrepSend } from './office-api';

export { ANSWER_STATUSES, CLASSIFICATIONS, EVIDENCE_KINDS, GUIDANCE_ROLES, REMEDIATIONS, SCAN_RULES, URGENCIES, WINDOWS_VERSIONS };
export type { AnswerStatus, Classification, EvidenceKind, GuidanceRole, KbRefusal, Remediation, ReportCard, ReportRollup, ScanRule, UnverifiableWhy, VerificationState, WindowsVersion };

/** A text the API keeps in both languages. */
export interface Bi { id: string; en: string }

export type CircularStatus = 'draft' | 'sent' | 'closed';
export type ReviewState = 'none' | 'approved' | 'returned';
export type GateState = 'disconnected' | 'cleared';
export type Rag = 'red' | 'amber' | 'green';

export interface Issuer { government: string; unit: string; address: string; phone: string | null; email: string | null; website: string | null; place: string }
export interface Signatory { name: string; position: Bi; onBehalfOf: Bi | null; rank: string | null; nip: string | null }
export interface Sections { background: Bi; basis: Bi; instructions: Bi; closing: Bi }
export interface CopyTo { title: string; email: string | null }
export interface Annex { title: Bi; body: Bi }
export interface Deadline { label: Bi; at: string }
export type Audience = { kind: 'all' } | { kind: 'level'; agencyKinds: string[] } | { kind: 'list'; agencyIds: string[] };
export type Verification = { mode: 'attest' } | { mode: 'scan'; rules: ScanRule[] };
export interface ChecklistItem {
  code: string; title: Bi; guidance: Partial<Record<GuidanceRole, Bi>>; applicability: Bi | null; remediation: Remediation; evidence: EvidenceKind;
  dueAfterHours: number | null; dueAt: string | null; required: boolean; verification: Verification;
}
export interface CircularContent {
  issuer: Issuer; addressee: Bi; signatory: Signatory; classification: Classification; urgency: Urgency; subject: Bi; sections: Sections;
  tembusan: CopyTo[]; lampiran: Annex[]; deadlines: Deadline[]; audience: Audience; items: ChecklistItem[];
}

export interface Template {
  id: string; key: string; version: number; name: Bi; description: Bi; content: CircularContent; sources: { key: string; title: string; url: string | null }[];
  builtin: boolean; createdBy: string; createdAt: string;
  /** Fields still holding a [PLACEHOLDER] the office fills in before sending. */
  placeholders: string[];
}
export interface CircularSummary {
  id: string; number: string | null; status: CircularStatus; version: number; subject: Bi; templateKey: string | null; createdBy: string; createdAt: string;
  updatedAt: string; sentAt: string | null; sentBy: string | null; closedAt: string | null; closedBy: string | null;
}
export interface Circular extends CircularSummary {
  content: CircularContent;
  versions: { version: number; note: string | null; createdBy: string; createdAt: string; sentAt: string | null }[];
  placeholders: string[];
  /** GET /circulars/:id only: the MS17-010 KB map the officer's answer form shows (as the link page's). */
  kbMap?: KbFamily[];
}
export interface Ack { version: number; at: string; name: string; position: string; phone: string | null }
export interface Recipient {
  circularId: string; agencyId: string; agencyCode: string; agencyName: string; version: number; sentAt: string; deliveredAt: string | null;
  bouncedAt: string | null; bounceReason: string | null; seenAt: string | null; ack: Ack | null; acknowledged: boolean;
}
export interface KbCheck { os: WindowsVersion; accepted: string[]; refused: { kb: string; why: KbRefusal }[]; unknown: string[]; notAffected: boolean; fixed: boolean }
export interface VerificationHost { ip: string; ruleId: string; port: number; lastSeen: string; evidence: unknown }
export interface StoredVerification { state: VerificationState; why: UnverifiableWhy | null; hosts: VerificationHost[]; jobId: string | null; at: string | null }
export interface Answer {
  circularId: string; agencyId: string; itemCode: string; status: AnswerStatus; reason: string | null; targetDate: string | null;
  machinesDone: number | null; machinesTotal: number | null; note: string | null; os: string | null; kbs: string[]; kbHint: KbCheck | null;
  answeredBy: string; answeredVia: 'user' | 'link'; answeredAt: string; attestedAt: string | null;
  review: { state: ReviewState; by: string | null; at: string | null; comment: string | null }; verification: StoredVerification; revision: number;
}
export interface AnswerEvent { id: number; kind: 'answer' | 'review' | 'verification'; at: string; actor: string; data: Record<string, unknown> }
export interface Evidence { id: string; itemCode: string; sha256: string; contentType: string; size: number; originalName: string | null; uploadedBy: string; createdAt: string }
export interface CircularLink { id: string; circularId: string; agencyId: string; expiresAt: string; createdBy: string; createdAt: string; revokedAt: string | null; revokedBy: string | null; lastUsedAt: string | null }
/** POST …/links: the token is shown once (only its hash is stored); `path` is the link page's address. */
export interface NewLink { link: CircularLink; token: string; path: string }

export interface BoardItem {
  code: string; status: AnswerStatus; verification: VerificationState; why: UnverifiableWhy | null;
  /** The first 25 offending hosts' IPs; `hostCount` counts them all (docs/circulars.md "Board"). */
  hosts: string[]; hostCount: number; review: ReviewState;
  complete: boolean; checkable: boolean; required: boolean;
}
export interface BoardRow {
  agencyId: string; agencyCode: string; agencyName: string; sentAt: string; seenAt: string | null; acknowledged: boolean; acknowledgement: Ack | null;
  items: BoardItem[]; gate: GateState | null; openCritical: number; openHigh: number;
  rag: { exposure: Rag; acknowledgement: Rag; checklist: Rag; verification: Rag };
}
export interface Board {
  circular: CircularSummary; campaignId: string | null; at: string;
  totals: { agencies: number; acknowledged: number; complete: number; contradicted: number; cleared: number };
  rows: BoardRow[];
}
export interface Campaign {
  id: string; circularId: string; profile: string; rules: string[]; startedBy: string; startedAt: string; windowOverride: boolean; overrideReason: string | null;
  jobs: { agencyId: string; networkId: string; jobId: string | null; kind: string; reason: string | null; at: string }[];
  gates: Gate[];
}
export const BLOCKERS = ['item-incomplete', 'no-rescan', 'rescan-not-clean'] as const;
export interface GateBlocker { kind: (typeof BLOCKERS)[number]; code: string | null }
export interface Gate { campaignId: string; agencyId: string; state: GateState; disconnectedAt: string; clearedAt: string | null; decidedBy: string | null; decidedAt: string | null; reason: string | null; override: boolean }
export interface GateDetail { gate: Gate; blockers: GateBlocker[]; events: { id: number; state: GateState; by: string; at: string; reason: string | null; override: boolean; blockers: GateBlocker[] }[] }
export interface Sitrep { id: string; campaignId: string; version: number; snapshot: Board; createdBy: string; createdAt: string; sends: SitrepSend[] }

/** The answer the forms send (src/domain/circular.ts AnswerInput). */
export interface AnswerInput {
  status: AnswerStatus; reason: string | null; targetDate: string | null; machinesDone: number | null; machinesTotal: number | null; note: string | null;
  os: WindowsVersion | null; kbs: string[];
}

/** The MS17-010 KB map (advisories-incidents §5; src/domain/circular.ts MS17_010_KB_MAP), shown as the form's hint; srvSys null = never affected. */
export interface KbFamily { os: WindowsVersion; label: Bi; fixing: string[]; superseding: string[]; srvSys: string | null }
/** POST/PUT of an answer: the answer and, for an attested `scan` item, the re-scan it asked for. */
export interface AnswerSaved { answer: Answer; rescan: { state: 'queued' | 'deferred' | 'busy' | 'no-networks'; jobIds: string[]; notBefore: string | null } | null }
/** What the per-agency link page reads (no account; the token travels in a header). */
export interface LinkView {
  circular: CircularSummary; agency: { id: string; code: string; name: string }; content: CircularContent; dueAt: Record<string, string | null>;
  recipient: Recipient; answers: Answer[]; evidence: Evidence[]; expiresAt: string; kbMap: KbFamily[];
}

// ---- paths -----------------------------------------------------------------------------------------------

const e = encodeURIComponent;
export const circularPath = (id: string) => `/circulars/${e(id)}`;
export const agencyPath = (id: string, agencyId: string) => `${circularPath(id)}/agencies/${e(agencyId)}`;
export const itemPath = (id: string, agencyId: string, code: string) => `${agencyPath(id, agencyId)}/items/${e(code)}`;

/** The PDF of the letter (src/io/pdf: another branch's renderer); `agencyId` for an agency's own copy. */
export function letterPdfHref(id: string, lang: 'id' | 'en', agencyId?: string): string {
  return `/api/v1${circularPath(id)}/letter.pdf${query({ lang, agencyId })}`;
}

export const circulars = {
  templates: () => api<{ items: Template[] }>('GET', '/circular-templates'),
  /** A template from the compose form: the next version of `key`, or version 1 of a new key (a copy). */
  saveTemplate: (t: { key: string; name: Bi; description: Bi; content: CircularContent }) => api<Template>('POST', '/circular-templates', t),
  list: () => api<{ items: CircularSummary[] }>('GET', '/circulars'),
  get: (id: string) => api<Circular>('GET', circularPath(id)),
  create: (content: CircularContent, templateId: string | null) => api<Circular>('POST', '/circulars', templateId === null ? { content } : { templateId, content }),
  update: (id: string, content: CircularContent, note: string | null) => api<Circular>('PUT', circularPath(id), { content, note }),
  send: (id: string) => api<Circular>('POST', `${circularPath(id)}/send`, {}),
  close: (id: string) => api<Circular>('POST', `${circularPath(id)}/close`, {}),
  recipients: (id: string) => api<{ items: Recipient[] }>('GET', `${circularPath(id)}/recipients`),
  links: (id: string) => api<{ items: CircularLink[] }>('GET', `${circularPath(id)}/links`),
  createLink: (id: string, agencyId: string) => api<NewLink>('POST', `${agencyPath(id, agencyId)}/links`, {}),
  revokeLink: (id: string, linkId: string) => api<CircularLink>('POST', `${circularPath(id)}/links/${e(linkId)}/revoke`, {}),
  answers: (id: string, agencyId: string) => api<{ items: Answer[] }>('GET', `${circularPath(id)}/answers${query({ agencyId })}`),
  evidence: (id: string, agencyId: string) => api<{ items: Evidence[] }>('GET', `${circularPath(id)}/evidence${query({ agencyId })}`),
  answer: (id: string, agencyId: string, code: string, a: AnswerInput) => api<AnswerSaved>('PUT', itemPath(id, agencyId, code), a),
  review: (id: string, agencyId: string, code: string, decision: 'approved' | 'returned', comment: string | null) =>
    api<Answer>('POST', `${itemPath(id, agencyId, code)}/review`, { decision, comment }),
  history: (id: string, agencyId: string, code: string) => api<{ items: AnswerEvent[] }>('GET', `${itemPath(id, agencyId, code)}/history`),
  acknowledge: (id: string, agencyId: string, a: { name: string; position: string; phone: string | null }) => api<Recipient>('POST', `${agencyPath(id, agencyId)}/acknowledge`, a),
  board: (id: string) => api<Board>('GET', `${circularPath(id)}/board`),
  campaign: (id: string) => api<Campaign>('GET', `${circularPath(id)}/campaign`),
  startCampaign: (id: string, overrideWindow: boolean, reason: string | null) => api<Campaign>('POST', `${circularPath(id)}/campaign`, { overrideWindow, reason }),
  gate: (id: string, agencyId: string) => api<GateDetail>('GET', `${agencyPath(id, agencyId)}/gate`),
  decideGate: (id: string, agencyId: string, d: { state: GateState; reason: string | null; override: boolean }) =>
    api<Gate>('POST', `${agencyPath(id, agencyId)}/gate`, d),
  sitreps: (id: string) => api<{ items: Sitrep[] }>('GET', `${circularPath(id)}/campaign/sitreps`),
  createSitrep: (id: string) => api<Sitrep>('POST', `${circularPath(id)}/campaign/sitreps`, {}),
};

/** The board's live updates (the scans' SSE pattern, src/api/routes/scans.ts). */
export const boardEventsPath = (id: string) => `/api/v1${circularPath(id)}/board/events`;
/** Upload evidence: the request body is the file (the API checks its content, not its name). */
export const evidencePath = (id: string, agencyId: string, code: string) => `${itemPath(id, agencyId, code)}/evidence`;
export const evidenceFileHref = (id: string, evidenceId: string) => `/api/v1${circularPath(id)}/evidence/${e(evidenceId)}`;

// ---- report cards (rapor; the figures of src/domain/report-card.ts, PDF/XLSX by src/io) ------------------

/**
 * The report-card routes (src/api/routes/report-cards.ts): the city roll-up at /report-card, an agency's
 * card at /agencies/:id/report-card; `.pdf` and `.xlsx` download them, the bare path answers the figures
 * as JSON. `since`: the circular's sending, the card's point of comparison.
 */
const reportPath = (agencyId: string | null) => (agencyId === null ? '/report-card' : `/agencies/${e(agencyId)}/report-card`);
export const reportCards = {
  city: (since: string | null) => api<ReportRollup>('GET', `${reportPath(null)}${query({ since })}`),
  agency: (agencyId: string, since: string | null) => api<ReportCard>('GET', `${reportPath(agencyId)}${query({ since })}`),
};
export function reportCardHref(agencyId: string | null, since: string | null, format: 'pdf' | 'xlsx', lang: 'id' | 'en'): string {
  return `/api/v1${reportPath(agencyId)}.${format}${query({ since, lang })}`;
}
