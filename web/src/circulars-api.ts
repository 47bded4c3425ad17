// The circulars' shapes as the API sends them and the paths of their routes, in one place (docs/circulars.md).
// The shapes are the API's own (one contract): the TypeBox schemas of src/api/routes/circular-schemas.ts
// (Static<>, imported as types only, so no server code reaches the bundle); a renamed or retyped field there
// fails `npm run typecheck` here. The lists the forms offer are the domain's own (src/domain/circular.ts), as
// web/src/api.ts does for the rest of the API. The API validates everything again.
import type { Static } from 'typebox';
import type * as C from '../../src/api/routes/circular-schemas.js';
import {
  ANSWER_STATUSES, EVIDENCE_KINDS, GUIDANCE_ROLES, LETTER_CLASSIFICATIONS as CLASSIFICATIONS, LETTER_URGENCIES as URGENCIES,
  REMEDIATION_CATEGORIES as REMEDIATIONS, SCAN_RULES, WINDOWS_VERSIONS,
} from '../../src/domain/circular.js';
import type {
  AnswerStatus, EvidenceKind, GuidanceRole, KbRefusal, LetterClassification as Classification, RemediationCategory as Remediation,
  ScanRule, UnverifiableWhy, VerificationState, WindowsVersion,
} from '../../src/domain/circular.js';
import type { ReportCard, ReportRollup } from '../../src/domain/report-card.js';
import { api, query } from './api';

export { ANSWER_STATUSES, CLASSIFICATIONS, EVIDENCE_KINDS, GUIDANCE_ROLES, REMEDIATIONS, SCAN_RULES, URGENCIES, WINDOWS_VERSIONS };
export type { AnswerStatus, Classification, EvidenceKind, GuidanceRole, KbRefusal, Remediation, ReportCard, ReportRollup, ScanRule, UnverifiableWhy, VerificationState, WindowsVersion };

/** A text the API keeps in both languages. */
export type Bi = Static<typeof C.TextOut>;

export type CircularContent = Static<typeof C.ContentSchema>;
export type Issuer = CircularContent['issuer'];
export type Signatory = CircularContent['signatory'];
export type Sections = CircularContent['sections'];
export type CopyTo = CircularContent['tembusan'][number];
export type Annex = CircularContent['lampiran'][number];
export type Deadline = CircularContent['deadlines'][number];
export type Audience = CircularContent['audience'];
export type ChecklistItem = Static<typeof C.ChecklistItemSchema>;
export type Verification = ChecklistItem['verification'];

/** A template; `placeholders`: fields still holding a [PLACEHOLDER] the office fills in before sending. */
export type Template = Static<typeof C.TemplateOut>;
export type TemplateInput = Static<typeof C.TemplateIn>;
export type CircularSummary = Static<typeof C.CircularSummaryOut>;
export type CircularStatus = CircularSummary['status'];
/** GET /circulars/:id adds `kbMap`, the MS17-010 KB map the officer's answer form shows (as the link page's). */
export type Circular = Static<typeof C.CircularOut> & Partial<Pick<Static<typeof C.CircularDetailOut>, 'kbMap'>>;
export type Ack = Static<typeof C.AckOut>;
export type Recipient = Static<typeof C.RecipientOut>;
export type KbCheck = Static<typeof C.KbHintOut>;
export type VerificationHost = Static<typeof C.VerificationHostOut>;
export type Answer = Static<typeof C.AnswerOut>;
export type StoredVerification = Answer['verification'];
export type ReviewState = Answer['review']['state'];
export type AnswerEvent = Static<typeof C.AnswerEventOut>;
export type Evidence = Static<typeof C.EvidenceOut>;
export type CircularLink = Static<typeof C.LinkOut>;
/** POST …/links: the token is shown once (only its hash is stored); `path` is the link page's address. */
export type NewLink = Static<typeof C.LinkCreatedOut>;

/** A board cell; `hosts`: the first 25 offending hosts' IPs, `hostCount` counts them all (docs/circulars.md "Board"). */
export type BoardItem = Static<typeof C.BoardItemOut>;
export type BoardRow = Static<typeof C.BoardRowOut>;
export type Rag = BoardRow['rag']['exposure'];
export type Board = Static<typeof C.BoardOut>;
export type Campaign = Static<typeof C.CampaignOut>;
export type GateBlocker = Static<typeof C.BlockerOut>;
export type Gate = Static<typeof C.GateOut>;
export type GateState = Gate['state'];
export type GateDetail = Static<typeof C.GateDetailOut>;
export type Sitrep = Static<typeof C.SitrepSentOut>;

/** The answer the forms send (src/domain/circular.ts AnswerInput): every field, null where not given. */
export type AnswerInput = Required<Static<typeof C.AnswerIn>>;
export type ReviewDecision = Static<typeof C.ReviewIn>['decision'];
export type GateDecision = Required<Static<typeof C.GateIn>>;

/** The MS17-010 KB map (advisories-incidents §5; src/domain/circular.ts MS17_010_KB_MAP), shown as the form's hint; srvSys null = never affected. */
export type KbFamily = LinkView['kbMap'][number];
/** POST/PUT of an answer: the answer and, for an attested `scan` item, the re-scan it asked for. */
export type AnswerSaved = Static<typeof C.AnswerSavedOut>;
/** What the per-agency link page reads (no account; the token travels in a header). */
export type LinkView = Static<typeof C.LinkViewOut>;

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
  saveTemplate: (t: TemplateInput) => api<Template>('POST', '/circular-templates', t),
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
  review: (id: string, agencyId: string, code: string, decision: ReviewDecision, comment: string | null) =>
    api<Answer>('POST', `${itemPath(id, agencyId, code)}/review`, { decision, comment }),
  history: (id: string, agencyId: string, code: string) => api<{ items: AnswerEvent[] }>('GET', `${itemPath(id, agencyId, code)}/history`),
  acknowledge: (id: string, agencyId: string, a: Required<Static<typeof C.AckIn>>) => api<Recipient>('POST', `${agencyPath(id, agencyId)}/acknowledge`, a),
  board: (id: string) => api<Board>('GET', `${circularPath(id)}/board`),
  campaign: (id: string) => api<Campaign>('GET', `${circularPath(id)}/campaign`),
  startCampaign: (id: string, overrideWindow: boolean, reason: string | null) => api<Campaign>('POST', `${circularPath(id)}/campaign`, { overrideWindow, reason }),
  gate: (id: string, agencyId: string) => api<GateDetail>('GET', `${agencyPath(id, agencyId)}/gate`),
  decideGate: (id: string, agencyId: string, d: GateDecision) =>
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
