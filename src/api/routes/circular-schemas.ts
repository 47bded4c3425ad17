// Request and response schemas of the circular routes (TypeBox; docs/circulars.md). The content schema is
// the compose form's shape (every field of the letter and each checklist item as its own field, never a
// raw JSON text box); the domain checks the rules a schema cannot say (NIP digits, placeholders, codes).
// The office's circular pages take their types from here (web/src/circulars-api.ts, Static<>), so every
// schema's static type is exact: enumerations through OneOf, and the plain strings the store only ever fills
// with one of a few values (a gate event's state, an answer's channel) as Type.Unsafe of that string, which
// narrows the static type without changing the JSON Schema (nor the OpenAPI document) the routes publish.

import { Type } from 'typebox';
import type { TOptional } from 'typebox';
import {
  ANSWER_STATUSES, CIRCULAR_STATUSES, EVIDENCE_KINDS, GATE_STATES, GUIDANCE_ROLES, LETTER_CLASSIFICATIONS, LETTER_URGENCIES, REMEDIATION_CATEGORIES, REVIEW_STATES,
  SCAN_RULES, VERIFICATION_STATES, WINDOWS_VERSIONS,
} from '../../domain/circular.js';
import type { GateBlocker, GateState, GuidanceRole, KbRefusal, UnverifiableWhy, WindowsVersion } from '../../domain/circular.js';
import type { AnswerEvent, StoredAnswer } from '../../store/repos/circulars.js';
import { Nullable, OneOf } from '../schemas.js';

const Str = Type.String();
const NStr = Nullable(Str);
const Int = Type.Integer();
const Bool = Type.Boolean();
const Closed = { additionalProperties: false } as const;
/** A union of a domain list's literals whose static type is the list's element type (schemas.ts OneOf). */
const lit = OneOf;
/** A string the store fills with one of `T` only: JSON Schema `string`, static type `T`. */
const StrOf = <T extends string>() => Type.Unsafe<T>(Str);
const S = (max: number) => Type.String({ maxLength: max });
const TextIn = (max: number) => Type.Object({ id: S(max), en: S(max) }, Closed);
export const TextOut = Type.Object({ id: Str, en: Str });
type TextInSchema = ReturnType<typeof TextIn>;
// A mapped array gives an index signature; the cast names the roles (the keys are exactly GUIDANCE_ROLES).
const Guidance = Type.Object(
  Object.fromEntries(GUIDANCE_ROLES.map((r) => [r, Type.Optional(TextIn(4000))])) as { [R in GuidanceRole]: TOptional<TextInSchema> },
  Closed,
);

export const ChecklistItemSchema = Type.Object({
  code: S(40),
  title: TextIn(300),
  guidance: Guidance,
  applicability: Nullable(TextIn(300)),
  remediation: lit(REMEDIATION_CATEGORIES),
  evidence: lit(EVIDENCE_KINDS),
  dueAfterHours: Nullable(Type.Integer({ minimum: 1, maximum: 8784 })),
  dueAt: Nullable(S(40)),
  required: Bool,
  verification: Type.Union([
    Type.Object({ mode: Type.Literal('attest') }, Closed),
    Type.Object({ mode: Type.Literal('scan'), rules: Type.Array(lit(SCAN_RULES), { minItems: 1, maxItems: SCAN_RULES.length }) }, Closed),
  ]),
}, Closed);

export const ContentSchema = Type.Object({
  issuer: Type.Object({ government: S(200), unit: S(200), address: S(300), phone: Nullable(S(60)), email: Nullable(S(200)), website: Nullable(S(200)), place: S(100) }, Closed),
  addressee: TextIn(300),
  signatory: Type.Object({ name: S(120), position: TextIn(200), onBehalfOf: Nullable(TextIn(200)), rank: Nullable(S(120)), nip: Nullable(S(21)) }, Closed),
  classification: lit(LETTER_CLASSIFICATIONS),
  urgency: lit(LETTER_URGENCIES),
  subject: TextIn(300),
  sections: Type.Object({ background: TextIn(20_000), basis: TextIn(20_000), instructions: TextIn(20_000), closing: TextIn(5_000) }, Closed),
  tembusan: Type.Array(Type.Object({ title: S(200), email: Nullable(S(200)) }, Closed), { maxItems: 20 }),
  lampiran: Type.Array(Type.Object({ title: TextIn(200), body: TextIn(50_000) }, Closed), { maxItems: 20 }),
  deadlines: Type.Array(Type.Object({ label: TextIn(200), at: S(40) }, Closed), { maxItems: 20 }),
  audience: Type.Union([
    Type.Object({ kind: Type.Literal('all') }, Closed),
    Type.Object({ kind: Type.Literal('level'), agencyKinds: Type.Array(S(40), { minItems: 1, maxItems: 20 }) }, Closed),
    Type.Object({ kind: Type.Literal('list'), agencyIds: Type.Array(S(64), { minItems: 1, maxItems: 1000 }) }, Closed),
  ]),
  items: Type.Array(ChecklistItemSchema, { minItems: 1, maxItems: 50 }),
}, Closed);

export const ReminderPolicySchema = Type.Object({
  beforeHours: Type.Array(Type.Integer({ minimum: 0, maximum: 1440 }), { maxItems: 10 }),
  afterHours: Type.Array(Type.Integer({ minimum: 0, maximum: 1440 }), { maxItems: 10 }),
  escalateAfterHours: Type.Integer({ minimum: 0, maximum: 1440 }),
}, Closed);

export const SourceOut = Type.Object({ key: Str, title: Str, url: NStr });

export const TemplateOut = Type.Object({
  id: Str, key: Str, version: Int, name: TextOut, description: TextOut, content: ContentSchema, sources: Type.Array(SourceOut), builtin: Bool, createdBy: Str, createdAt: Str,
  placeholders: Type.Array(Str, { description: 'fields still holding a [PLACEHOLDER] the office fills in before sending' }),
});

export const TemplateIn = Type.Object({
  key: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' }),
  name: TextIn(200),
  description: TextIn(2000),
  content: ContentSchema,
}, Closed);

const CircularFields = {
  id: Str, number: NStr, status: lit(CIRCULAR_STATUSES), version: Int, subject: TextOut, templateKey: NStr, createdBy: Str, createdAt: Str, updatedAt: Str,
  sentAt: NStr, sentBy: NStr, closedAt: NStr, closedBy: NStr,
};
export const CircularSummaryOut = Type.Object(CircularFields);
export const CircularOut = Type.Object({
  ...CircularFields,
  content: ContentSchema,
  reminderPolicy: ReminderPolicySchema,
  versions: Type.Array(Type.Object({ version: Int, note: NStr, createdBy: Str, createdAt: Str, sentAt: NStr })),
  placeholders: Type.Array(Str),
});

export const CircularCreateIn = Type.Object({
  templateId: Type.Optional(S(64)),
  content: Type.Optional(ContentSchema),
  reminderPolicy: Type.Optional(ReminderPolicySchema),
}, Closed);

export const CircularUpdateIn = Type.Object({ content: ContentSchema, note: Type.Optional(Nullable(S(500))), reminderPolicy: Type.Optional(ReminderPolicySchema) }, Closed);

export const AckOut = Type.Object({ version: Int, at: Str, name: Str, position: Str, phone: NStr });
export const RecipientOut = Type.Object({
  circularId: Str, agencyId: Str, agencyCode: Str, agencyName: Str, version: Int, sentAt: Str, deliveredAt: NStr, bouncedAt: NStr, bounceReason: NStr, seenAt: NStr,
  ack: Nullable(AckOut), acknowledged: Bool,
});
export const AckIn = Type.Object({ name: Type.String({ minLength: 1, maxLength: 120 }), position: Type.String({ minLength: 1, maxLength: 200 }), phone: Type.Optional(Nullable(S(40))) }, Closed);

export const LinkOut = Type.Object({ id: Str, circularId: Str, agencyId: Str, expiresAt: Str, createdBy: Str, createdAt: Str, revokedAt: NStr, revokedBy: NStr, lastUsedAt: NStr });
export const LinkCreatedOut = Type.Object({ link: LinkOut, token: Str, path: Str });
export const LinkIn = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }, Closed);

export const VerificationHostOut = Type.Object({ ip: Str, ruleId: Str, port: Int, lastSeen: Str, evidence: Type.Unknown() });
export const KbHintOut = Type.Object({
  os: StrOf<WindowsVersion>(), accepted: Type.Array(Str), refused: Type.Array(Type.Object({ kb: Str, why: StrOf<KbRefusal>() })), unknown: Type.Array(Str), notAffected: Bool, fixed: Bool,
});
export const AnswerOut = Type.Object({
  circularId: Str, agencyId: Str, itemCode: Str, status: lit(ANSWER_STATUSES), reason: NStr, targetDate: NStr, machinesDone: Nullable(Int), machinesTotal: Nullable(Int), note: NStr,
  os: NStr, kbs: Type.Array(Str), kbHint: Nullable(KbHintOut), answeredBy: Str, answeredVia: StrOf<StoredAnswer['answeredVia']>(), answeredAt: Str, attestedAt: NStr,
  review: Type.Object({ state: lit(REVIEW_STATES), by: NStr, at: NStr, comment: NStr }),
  verification: Type.Object({ state: lit(VERIFICATION_STATES), why: Nullable(StrOf<UnverifiableWhy>()), hosts: Type.Array(VerificationHostOut), jobId: NStr, at: NStr }),
  revision: Int,
});
export const AnswerIn = Type.Object({
  status: lit(ANSWER_STATUSES),
  reason: Type.Optional(Nullable(S(2000))),
  targetDate: Type.Optional(Nullable(S(10))),
  machinesDone: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
  machinesTotal: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 100_000 }))),
  note: Type.Optional(Nullable(S(4000))),
  os: Type.Optional(Nullable(lit(WINDOWS_VERSIONS))),
  kbs: Type.Optional(Type.Array(S(20), { maxItems: 50 })),
}, Closed);
export const RescanOut = Type.Object({
  state: lit(['queued', 'deferred', 'busy', 'no-networks'] as const), jobIds: Type.Array(Str), notBefore: NStr,
});
export const AnswerSavedOut = Type.Object({ answer: AnswerOut, rescan: Nullable(RescanOut) });
export const ReviewIn = Type.Object({ decision: lit(['approved', 'returned'] as const), comment: Type.Optional(Nullable(S(2000))) }, Closed);
export const AnswerEventOut = Type.Object({ id: Int, kind: StrOf<AnswerEvent['kind']>(), at: Str, actor: Str, data: Type.Record(Str, Type.Unknown()) });
export const EvidenceOut = Type.Object({ id: Str, circularId: Str, agencyId: Str, itemCode: Str, sha256: Str, contentType: Str, size: Int, originalName: NStr, uploadedBy: Str, createdAt: Str });

/** The board as the acceptance checks read it (docs/circulars.md, "Emergency campaign, board, gates, situation reports"), plus colours and names. */
export const BoardItemOut = Type.Object({
  code: Str, status: lit(ANSWER_STATUSES), verification: lit(VERIFICATION_STATES), hosts: Type.Array(Str, { description: 'the offending hosts\' IPs (at most 25; hostCount counts them all; the answer lists up to 500 with evidence)' }),
  hostCount: Int, why: Nullable(StrOf<UnverifiableWhy>()), review: lit(REVIEW_STATES), complete: Bool, checkable: Bool, required: Bool,
});
const Rag = lit(['red', 'amber', 'green'] as const);
export const BoardRowOut = Type.Object({
  agencyId: Str, agencyCode: Str, agencyName: Str, sentAt: Str, seenAt: NStr,
  acknowledged: Bool, acknowledgement: Nullable(AckOut),
  items: Type.Array(BoardItemOut),
  gate: Nullable(lit(GATE_STATES)),
  openCritical: Int, openHigh: Int,
  rag: Type.Object({ exposure: Rag, acknowledgement: Rag, checklist: Rag, verification: Rag }),
});
export const BoardOut = Type.Object({
  circular: CircularSummaryOut, campaignId: NStr, at: Str,
  totals: Type.Object({ agencies: Int, acknowledged: Int, complete: Int, contradicted: Int, cleared: Int }),
  rows: Type.Array(BoardRowOut),
});

export const CampaignIn = Type.Object({ overrideWindow: Type.Optional(Bool), reason: Type.Optional(Nullable(S(2000))) }, Closed);
export const GateOut = Type.Object({ campaignId: Str, agencyId: Str, state: lit(GATE_STATES), disconnectedAt: Str, clearedAt: NStr, decidedBy: NStr, decidedAt: NStr, reason: NStr, override: Bool });
export const BlockerOut = Type.Object({ kind: StrOf<GateBlocker['kind']>(), code: NStr });
export const CampaignOut = Type.Object({
  id: Str, circularId: Str, profile: Str, rules: Type.Array(Str), startedBy: Str, startedAt: Str, windowOverride: Bool, overrideReason: NStr,
  jobs: Type.Array(Type.Object({ agencyId: Str, networkId: Str, jobId: NStr, kind: Str, reason: NStr, at: Str })),
  gates: Type.Array(GateOut),
});
export const GateDetailOut = Type.Object({
  gate: GateOut, blockers: Type.Array(BlockerOut),
  events: Type.Array(Type.Object({ id: Int, state: StrOf<GateState>(), by: Str, at: Str, reason: NStr, override: Bool, blockers: Type.Array(BlockerOut) })),
});
export const GateIn = Type.Object({ state: lit(GATE_STATES), reason: Type.Optional(Nullable(S(2000))), override: Type.Optional(Bool) }, Closed);
export const SitrepOut = Type.Object({ id: Str, campaignId: Str, version: Int, snapshot: BoardOut, createdBy: Str, createdAt: Str });

/** What the agency's link page shows (phone-friendly): the letter, the agency, its answers, acknowledgement. */
export const LinkViewOut = Type.Object({
  circular: CircularSummaryOut,
  agency: Type.Object({ id: Str, code: Str, name: Str }),
  content: ContentSchema,
  dueAt: Type.Record(Str, NStr),
  recipient: RecipientOut,
  answers: Type.Array(AnswerOut),
  evidence: Type.Array(EvidenceOut),
  expiresAt: Str,
  kbMap: Type.Array(Type.Object({ os: StrOf<WindowsVersion>(), label: TextOut, fixing: Type.Array(Str), superseding: Type.Array(Str), srvSys: NStr })),
});

// ---- the office's settings, weekly report cards, situation report sendings (docs/circulars.md "Weekly
// report cards", "Situation reports"); kept at the end of this file ----------------------------------------

export const HeadOfOfficeOut = Type.Object({ name: Str, position: Str, email: NStr });
export const OfficeSettingsOut = Type.Object({ headOfOffice: Nullable(HeadOfOfficeOut), updatedBy: NStr, updatedAt: NStr });
export const OfficeSettingsIn = Type.Object({
  headOfOffice: Nullable(Type.Object({ name: S(120), position: S(200), email: Type.Optional(Nullable(S(200))) }, Closed)),
}, Closed);

export const ReportScheduleIn = Type.Object({
  circularId: Nullable(S(64)),
  dayOfWeek: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday: 1 = Monday … 7 = Sunday' }),
  hour: Type.Integer({ minimum: 0, maximum: 23 }),
  timeZone: Type.Optional(S(64)),
  toAgencyHeads: Bool,
  toOffice: Bool,
  enabled: Type.Optional(Bool),
}, Closed);
export const ReportScheduleOut = Type.Object({
  id: Str, circularId: NStr, circularNumber: NStr, dayOfWeek: Int, hour: Int, timeZone: Str, toAgencyHeads: Bool, toOffice: Bool, enabled: Bool,
  nextRunAt: NStr, lastRunAt: NStr, createdBy: Str, createdAt: Str, updatedBy: Str, updatedAt: Str,
});
export const IssuedCardOut = Type.Object({
  id: Str, scheduleId: NStr, circularId: NStr, agencyId: NStr, agencyCode: NStr, agencyName: NStr, kind: OneOf(['agency', 'city'] as const), asOf: Str, previousId: NStr,
  sentTo: Type.Array(Str, { description: 'the addresses its e-mail named (empty: only the alert channels\' own recipients, or nobody for an agency without a head contact)' }),
  createdAt: Str,
});

export const SitrepSendOut = Type.Object({
  id: Int, sitrepId: Str, to: Nullable(Type.Object({ name: Str, position: Str, email: NStr })), sentBy: Str, sentAt: Str, deliveredAt: NStr, bouncedAt: NStr, error: NStr,
});
/** A situation report with every sending of it (to whom, by whom, when, whether it arrived). */
export const SitrepSentOut = Type.Object({ ...SitrepOut.properties, sends: Type.Array(SitrepSendOut) });

/** The MS17-010 KB map for the signed-in officer's answer form (the same one the link page gets). */
export const KbFamilyOut = Type.Object({ os: StrOf<WindowsVersion>(), label: TextOut, fixing: Type.Array(Str), superseding: Type.Array(Str), srvSys: NStr });
export const CircularDetailOut = Type.Object({ ...CircularOut.properties, kbMap: Type.Array(KbFamilyOut) });
