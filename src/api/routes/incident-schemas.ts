// Response and request schemas of the incident routes (TypeBox): the output allow-list of every incident
// endpoint (schemas.ts explains why responses are declared), and the bodies the triage forms send.

import { Type } from 'typebox';
import type { TSchema } from 'typebox';
import { CLOCK_STATES } from '../../domain/incident-clocks.js';
import { PHASES, REPORT_STATUSES, TIMELINE_KINDS, TIMELINE_SOURCES } from '../../domain/incident.js';
import { PLAYBOOK_ROLES } from '../../domain/playbook.js';
import { AssetOsOut, AssetSmbOut, Nullable, OneOf } from '../schemas.js';

const Str = Type.String();
const NStr = Nullable(Str);
const Int = Type.Integer();
const Bool = Type.Boolean();
/** A union of a domain list's literals whose static type is the list's element type (schemas.ts OneOf). */
const lit = OneOf;
export const TextOut = Type.Object({ id: Str, en: Str });
const Closed = { additionalProperties: false } as const;

export const BranchOut = Type.Object({ when: TextOut, do: TextOut, symptoms: Type.Array(Str), applies: Type.Optional(Bool) });
export const SourceOut = Type.Object({ key: Str, title: Str, url: NStr });

export const RoleCardOut = Type.Object({
  playbookKey: Str, role: lit(PLAYBOOK_ROLES), roleLabel: TextOut, title: TextOut,
  steps: Type.Array(Type.Object({ n: Int, id: Str, title: TextOut, detail: TextOut, required: Bool, evidence: Nullable(TextOut), branches: Type.Array(BranchOut), sources: Type.Array(Str) })),
  sources: Type.Array(SourceOut),
});

export const ReportOut = Type.Object({
  id: Str, reference: Str, agencyId: Str, symptoms: Type.Array(Str), symptomOther: NStr, since: NStr, computers: Str, services: Type.Array(Str), serviceOther: NStr,
  manualFallback: Str, actionsTaken: Type.Array(Str), location: NStr, description: NStr, reporterName: Str, reporterWhatsapp: Str, reporterRole: Str, channel: Str,
  status: lit(REPORT_STATUSES), statusReason: NStr, incidentId: NStr, mergedInto: NStr, triagedBy: NStr, triagedAt: NStr, createdAt: Str, updatedAt: Str,
});

export const PhotoOut = Type.Object({ id: Str, sha256: Str, contentType: Str, size: Int, width: Nullable(Int), height: Nullable(Int), originalName: NStr, removed: Type.Array(Str), uploadedBy: Str, createdAt: Str });
export const MessageOut = Type.Object({ id: Int, at: Str, direction: Str, author: Str, body: Str });

export const ClosureOut = Type.Object({
  declaredBy: Str, position: NStr, lessons: Str, at: Str,
  criteria: Type.Array(Type.Object({ id: Str, answer: Str, note: NStr })),
});

export const IncidentOut = Type.Object({
  id: Str, number: Str, agencyId: Str, title: Str, description: NStr, classification: NStr, severity: NStr, riskLevel: NStr, vital: Bool, sector: NStr,
  personalData: Bool, phase: lit(PHASES), detectedBy: Str, foundAt: Str, reportedAt: Str, acknowledgedAt: NStr, firstResponseAt: NStr, containedAt: NStr,
  restoredAt: NStr, closedAt: NStr, closure: Nullable(ClosureOut), owner: NStr, createdBy: Str, createdAt: Str, updatedAt: Str, version: Int,
});

export const ClockOut = Type.Object({ id: Str, kind: Str, title: TextOut, basis: Str, startAt: Str, dueAt: Str, warnAt: Str, metAt: NStr, state: lit(CLOCK_STATES) });

export const TimelineOut = Type.Object({
  id: Int, at: Str, tz: Str, source: lit(TIMELINE_SOURCES), kind: lit(TIMELINE_KINDS), text: TextOut, actor: NStr, includeInReport: Bool,
  ref: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

export const LinkedAssetOut = Type.Object({
  assetId: Str, agencyId: Str, ip: Str, netbiosName: NStr, dnsName: NStr,
  os: Nullable(AssetOsOut),
  smb: Nullable(AssetSmbOut),
  criticality: Str, riskRating: NStr, lastSeen: Str, lastJobId: NStr, how: Str, linkedBy: Str, linkedAt: Str,
  openFindings: Type.Array(Type.Object({ id: Str, ruleId: Str, port: Int, severity: Str, title: TextOut, firstSeen: Str, lastSeen: Str, linked: Bool })),
});

export const StepOut = Type.Object({
  id: Str, role: lit(PLAYBOOK_ROLES), title: TextOut, detail: TextOut, required: Bool, after: Type.Array(Str), evidence: Nullable(TextOut), action: NStr,
  branches: Type.Array(BranchOut), sources: Type.Array(Str),
  /** done | ready | blocked */
  status: Str,
  doneBy: NStr, doneAt: NStr, note: NStr, scanJobId: NStr,
});

export const RunOut = Type.Object({
  id: Str, playbookId: Str, key: Str, version: Int, title: TextOut, auto: Bool, attachedBy: Str, attachedAt: Str, requiredDone: Bool,
  steps: Type.Array(StepOut), sources: Type.Array(SourceOut),
});

export const CountermeasureOut = Type.Object({ id: Str, kind: Str, target: Str, device: NStr, appliedBy: Str, appliedAt: Str, removedAt: NStr, removedBy: NStr, note: NStr });
export const RequestOut = Type.Object({ id: Str, party: Str, subject: Str, sentAt: Str, sentBy: Str, answer: NStr, answeredAt: NStr });
export const ImpactOut = Type.Object({ id: Str, service: Str, downFrom: Str, downTo: NStr, fallback: NStr, peopleAffected: Nullable(Int), note: NStr });
export const RegulatoryOut = Type.Object({ id: Str, kind: Str, sentAt: Str, sentBy: Str, to: Str, reference: NStr });
export const IncidentScanOut = Type.Object({ jobId: Str, stepId: NStr, startedBy: Str, startedAt: Str, resultRecordedAt: NStr, status: Str, targets: Type.Array(Str), finishedAt: NStr });

export const IncidentDetailOut = Type.Object({
  incident: IncidentOut,
  agency: Type.Object({ id: Str, code: Str, name: Str }),
  /** Phases the incident may move to now (closing needs /close). */
  nextPhases: Type.Array(lit(PHASES)),
  clocks: Type.Array(ClockOut),
  reports: Type.Array(Type.Object({ id: Str, reference: Str, status: Str, createdAt: Str, reporterName: Str, symptoms: Type.Array(Str), location: NStr })),
  assets: Type.Array(LinkedAssetOut),
  playbooks: Type.Array(RunOut),
  countermeasures: Type.Array(CountermeasureOut),
  requests: Type.Array(RequestOut),
  impacts: Type.Array(ImpactOut),
  regulatory: Type.Array(RegulatoryOut),
  scans: Type.Array(IncidentScanOut),
  photos: Type.Array(PhotoOut),
});

export const PlaybookOut = Type.Object({
  id: Str, key: Str, version: Int, active: Bool, createdBy: Str, createdAt: Str,
  definition: Type.Object({
    key: Str, title: TextOut, description: TextOut,
    conditions: Type.Object({ classifications: Type.Array(Str), assetKinds: Type.Array(Str) }),
    steps: Type.Array(Type.Object({
      id: Str, role: lit(PLAYBOOK_ROLES), title: TextOut, detail: TextOut, required: Bool, after: Type.Array(Str), evidence: Nullable(TextOut), action: NStr,
      branches: Type.Array(BranchOut), sources: Type.Array(Str),
    })),
    sources: Type.Array(SourceOut),
  }),
});

/** GET /incident-reports/:id: the report, its messages and photos, and the reports that look like the same event. */
export const ReportDetailOut = Type.Object({
  report: ReportOut, messages: Type.Array(MessageOut), photos: Type.Array(PhotoOut),
  duplicates: Type.Array(Type.Object({ reportId: Str, match: Str, reference: Str, status: Str, createdAt: Str, incidentId: NStr })),
});

/** GET /agencies/:id/report-link: a unit's public form link and its QR code (SVG). */
export const ReportLinkOut = Type.Object({ code: Str, name: Str, path: Str, url: Str, qrSvg: Str });

/** GET/PUT /incident-settings. */
export const SettingsOut = Type.Object({
  clocks: Type.Object({ acknowledgeMs: Int, firstResponseMs: Int, containmentMs: Int, warnFraction: Type.Number() }),
  organisation: Type.Object({ name: Str, ttisName: Str, registerNumber: NStr, registerValidUntil: NStr, email: NStr, phone: NStr }),
  routes: Type.Record(Type.String(), Type.Object({ to: Str, cc: Type.Array(Str) })),
  timeZone: Str,
  statusLinkDays: Int,
});

// ---- request bodies -----------------------------------------------------------------------------------

const Free = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$' });
const Time = Type.String({ minLength: 10, maxLength: 40, description: 'ISO-8601 time' });
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);

export const IncidentFields = {
  title: Opt(Free(200)), description: Opt(Nullable(Free(8000))), classification: Opt(Nullable(Type.String({ maxLength: 80 }))), severity: Opt(Nullable(Type.String({ maxLength: 20 }))),
  riskLevel: Opt(Nullable(Type.String({ maxLength: 20 }))), vital: Opt(Bool), sector: Opt(Nullable(Type.String({ maxLength: 40 }))), personalData: Opt(Bool),
  foundAt: Opt(Time), owner: Opt(Nullable(Type.String({ maxLength: 64 }))),
};

export const IncidentCreateIn = Type.Object({ agencyId: Id, ...IncidentFields, title: Free(200), detectedBy: Opt(Type.String({ maxLength: 20 })) }, Closed);
export const FromReportIn = Type.Object({ ...IncidentFields }, Closed);
export const IncidentPatchIn = Type.Object(IncidentFields, { additionalProperties: false, minProperties: 1 });
export const PhaseIn = Type.Object({ to: lit(PHASES), note: Opt(Nullable(Free(1000))) }, Closed);
export const CloseIn = Type.Object({
  declaredBy: Free(120), position: Opt(Nullable(Free(200))), lessons: Free(8000),
  criteria: Type.Array(Type.Object({ id: Type.String({ maxLength: 40 }), answer: Type.String({ maxLength: 20 }), note: Opt(Nullable(Free(1000))) }, Closed), { maxItems: 20 }),
}, Closed);
export const TimelineIn = Type.Object({ text: Free(4000), at: Opt(Time), tz: Opt(Type.String({ maxLength: 40 })), includeInReport: Opt(Bool) }, Closed);
export const IncludeIn = Type.Object({ entryId: Int, includeInReport: Bool }, Closed);
export const AssetsIn = Type.Object({
  assetIds: Opt(Type.Array(Id, { minItems: 1, maxItems: 200 })), ip: Opt(Type.String({ maxLength: 64 })), name: Opt(Type.String({ minLength: 2, maxLength: 100 })), unitId: Opt(Id),
}, { additionalProperties: false, minProperties: 1 });
export const UnlinkIn = Type.Object({ assetId: Id }, Closed);
export const AttachIn = Type.Object({ playbookId: Id }, Closed);
export const TickIn = Type.Object({ runId: Id, stepId: Type.String({ maxLength: 64 }), note: Opt(Nullable(Free(2000))) }, Closed);
export const ScanIn = Type.Object({ runId: Opt(Id), stepId: Opt(Type.String({ maxLength: 64 })), networkId: Opt(Id), overrideWindow: Opt(Bool) }, Closed);
export const ReconnectIn = Type.Object({ decision: lit(['approved', 'refused'] as const), assetIds: Opt(Type.Array(Id, { maxItems: 200 })), note: Opt(Nullable(Free(2000))) }, Closed);
export const CountermeasureIn = Type.Object({ kind: Type.String({ maxLength: 40 }), target: Free(200), device: Opt(Nullable(Free(200))), appliedBy: Opt(Free(120)), appliedAt: Opt(Time), note: Opt(Nullable(Free(2000))) }, Closed);
export const CountermeasureEndIn = Type.Object({ countermeasureId: Id, removedAt: Opt(Time) }, Closed);
export const RequestIn = Type.Object({ party: Type.String({ maxLength: 40 }), subject: Free(1000), sentAt: Opt(Time) }, Closed);
export const AnswerIn = Type.Object({ requestId: Id, answer: Free(4000), answeredAt: Opt(Time) }, Closed);
export const ImpactIn = Type.Object({ service: Type.String({ maxLength: 40 }), downFrom: Time, downTo: Opt(Nullable(Time)), fallback: Opt(Nullable(Free(500))), peopleAffected: Opt(Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000 }))), note: Opt(Nullable(Free(2000))) }, Closed);
export const ImpactEndIn = Type.Object({ impactId: Id, downTo: Opt(Time) }, Closed);
export const RegulatoryIn = Type.Object({ kind: Type.String({ maxLength: 20 }), sentAt: Opt(Time), to: Free(300), reference: Opt(Nullable(Free(200))) }, Closed);
export const MessageIn = Type.Object({ text: Free(2000) }, Closed);
