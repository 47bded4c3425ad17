// Response and request schemas (TypeBox → JSON Schema). The response schemas are the output allow-list
// (the second fence after the agency scope): fastify's serializer writes only the declared properties, so a field added to a
// store type (a password hash, raw evidence) does not reach a client until someone declares it here.

import { Type } from 'typebox';
import type { TSchema } from 'typebox';
import { AGENCY_KINDS } from '../domain/agency.js';
import { CRITICALITIES } from '../domain/asset.js';
import { CONTACT_ROLES } from '../domain/contact.js';
import type { FindingStatus, Severity } from '../domain/finding.js';
import { CHECK_STATES, SIGNING_STATES } from '../domain/observation.js';
import { ROLES } from '../domain/roles.js';
import { JOB_STATUSES } from '../domain/scan-job.js';
import { WORKER_ID_PATTERN } from '../domain/worker-credential.js';
import { API_ERROR_CODES } from './errors.js';

// Null first: with Ajv's type coercion a JSON null must match the null branch before it is coerced to "".
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);
const Str = Type.String();

/**
 * A union of the string literals of one of the domain's lists. Its static type is the list's element type
 * (TypeBox infers `never` for a union built from a mapped array), so the UI's types (web/src/api.ts) are exact.
 */
export const OneOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v))));
const NStr = Nullable(Str);

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.Union(API_ERROR_CODES.map((c) => Type.Literal(c))),
    message: Str,
    messageId: Str,
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
}, { $id: 'ErrorBody' });

/** Every route's responses: its success schema(s) plus the shared error body for each error status. */
export function responses(ok: Record<number, TSchema>): Record<number, TSchema> {
  const err = Type.Ref('ErrorBody');
  return { ...ok, 400: err, 401: err, 403: err, 404: err, 409: err, 413: err, 415: err, 429: err, 500: err, 503: err };
}

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const Role = OneOf(ROLES);

export const UserOut = Type.Object({
  id: Str, username: Str, displayName: Str, role: Role, agencyId: NStr, disabled: Type.Boolean(), mustChangePassword: Type.Boolean(),
  lastLoginAt: NStr, createdAt: Str, updatedAt: Str,
});

export const MeOut = Type.Object({ user: UserOut, csrfToken: Str, scope: Type.Union([Type.Literal('all'), Type.Array(Str)]) });

/**
 * An agency as a scoped caller may see it: the parent pointer is cut at the edge of the scope, so an
 * officer's own agency looks like a root and the id of the agency above it is not disclosed.
 */
export function visibleAgency<A extends { parentId: string | null }>(scope: 'all' | ReadonlySet<string>, a: A): A {
  return scope === 'all' || a.parentId === null || scope.has(a.parentId) ? a : { ...a, parentId: null };
}

export const AgencyOut = Type.Object({ id: Str, parentId: NStr, kind: Str, code: Str, name: Str, notes: NStr, retiredAt: NStr, createdAt: Str, updatedAt: Str });

export const NetworkOut = Type.Object({
  id: Str, agencyId: Str, cidr: Str, family: Type.Integer(), label: NStr, zone: NStr, authorisedBy: Str, authorisedAt: Str, authorisationRef: NStr,
  /** A block with public space, wider than the configured size or with loopback was registered with this confirmation (domain/network.ts). */
  confirmation: Nullable(Type.Object({ by: Str, at: Str, reason: Str, concerns: Type.Array(Str) })),
  createdAt: Str,
});

export const ContactOut = Type.Object({ id: Str, agencyId: Str, name: Str, role: Str, email: NStr, phone: NStr, whatsapp: NStr, isPrimary: Type.Boolean(), createdAt: Str });

export const Counts = Type.Object({
  byStatus: Type.Record(Type.String(), Type.Integer()),
  openBySeverity: Type.Record(Type.String(), Type.Integer()),
});

export const AgencyDetailOut = Type.Object({
  agency: AgencyOut,
  children: Type.Array(AgencyOut),
  networks: Type.Array(NetworkOut),
  contacts: Type.Array(ContactOut),
  findings: Counts,
  assets: Type.Integer(),
  /** The agency's most recent scan job (of its own networks), if any: when its picture was last taken. */
  lastScan: Nullable(Type.Object({ id: Str, status: Str, createdAt: Str, finishedAt: NStr, targets: Type.Array(Str) })),
});

/** A yes/no fact the scans may not have learned: null = unknown (never serialised as false). */
const NBool = Nullable(Type.Boolean());

/**
 * SMB facts of an asset (docs/api.md "Three-valued facts"): null where the last scan that examined SMB
 * could not tell, with the engine's reason when it gave one; the whole object is null when no scan
 * examined SMB on the asset.
 */
/**
 * Why a fact is unknown in machine form (src/domain/observation.ts FactReason): a reason code
 * (src/engine/checks/reasons.ts) or an engine note with its parameters (src/engine/checks/notes.ts), and
 * the protocol and port where it was seen. The UI translates these; the English reason stays beside them.
 */
export const FactReasonOut = Type.Object({
  protocol: Type.Optional(Type.Union([Type.Literal('smb1'), Type.Literal('smb2')])),
  port: Type.Optional(Type.Integer()),
  code: Type.Optional(Str),
  note: Type.Optional(Type.Object({ code: Str, params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))) })),
});

export const AssetSmbOut = Type.Object({
  smbv1: NBool,
  smbv1Reason: Type.Optional(Str),
  smbv1ReasonCodes: Type.Optional(Type.Array(FactReasonOut)),
  signing: Nullable(OneOf(SIGNING_STATES)),
  signingReason: Type.Optional(Str),
  signingReasonCodes: Type.Optional(Type.Array(FactReasonOut)),
  dialects: Nullable(Type.Array(Str)),
  dialectsComplete: Type.Boolean(),
});

/** The OS of an asset: null when no scan identified it; eol / wannacryRisk null when its version could not be placed. */
export const AssetOsOut = Type.Object({ name: Str, build: NStr, source: Str, eol: NBool, wannacryRisk: NBool });

export const AssetOut = Type.Object({
  id: Str, agencyId: Str, networkId: NStr, ip: Str, mac: NStr, netbiosName: NStr, dnsName: NStr,
  os: Nullable(AssetOsOut),
  smb: Nullable(AssetSmbOut),
  /** 139 or 445 open at the last scan that probed them; null = never probed. */
  smbOpen: NBool,
  criticality: Str, owner: NStr, tags: Type.Array(Str), outsideControl: Type.Boolean(), responsibleParty: NStr, riskRating: NStr,
  riskReasons: Type.Array(Type.Object({ ruleId: Str, rating: Str })), firstSeen: Str, lastSeen: Str, lastJobId: NStr, retiredAt: NStr,
});

export const TriageOut = Type.Object({ acknowledgedAt: NStr, acknowledgedBy: NStr, assigneeId: NStr, assigneeName: NStr, assignedAt: NStr, assignedBy: NStr });

export const FindingOut = Type.Object({
  id: Str, agencyId: Str, assetId: Str, ruleId: Str, port: Type.Integer(), title: Type.Object({ id: Str, en: Str }),
  // Typed for the UI (web/src/api.ts reads these types); serialised as plain strings.
  status: Type.Unsafe<FindingStatus>(Str), severity: Type.Unsafe<Severity>(Str), firstSeen: Str, lastSeen: Str, timesSeen: Type.Integer(), resolvedAt: NStr, reopenCount: Type.Integer(),
  exception: Nullable(Type.Object({ kind: Str, reason: Str, by: Str, at: Str, expiresAt: Str })),
  evidence: Type.Unknown(),
  version: Type.Integer(), createdAt: Str, updatedAt: Str,
  asset: Type.Object({ ip: Str, netbiosName: NStr, dnsName: NStr, criticality: Str }),
  triage: TriageOut,
});

export const FindingEventOut = Type.Object({ id: Type.Integer(), at: Str, from: NStr, to: Str, cause: Str, jobId: Type.Optional(Str), actor: Type.Optional(Str), reason: Type.Optional(Str) });

/** The dashboard's counts (docs/api.md "Dashboard"); each named by what it counts. */
export const ExposureOut = Type.Object({
  agencyId: Str, hostsKnown: Type.Integer(), hostsScanned: Type.Integer(),
  /** Hosts with 139 or 445 open at their last scan. */
  smbOpen: Type.Integer(),
  /** Hosts with an open exposure-smb finding: SMB reachable from outside the agency's segment. */
  smbReachableOutside: Type.Integer(),
  /** Deprecated: the old name of smbReachableOutside (same value). */
  exposedSmb: Type.Integer(),
  smbv1: Type.Integer(), ms17010: Type.Integer(), doublePulsar: Type.Integer(), unknown: Type.Integer(),
});

const NInt = Nullable(Type.Integer());

/** The dashboard trend: one entry per calendar day, oldest first; null metrics where no snapshot was recorded. */
export const TrendOut = Type.Object({
  timeZone: Str, from: Str, to: Str,
  days: Type.Array(Type.Object({
    day: Str, recorded: Type.Boolean(),
    hostsKnown: NInt, hostsScanned: NInt, smbOpen: NInt, smbReachableOutside: NInt, exposedSmb: NInt, smbv1: NInt, ms17010: NInt, doublePulsar: NInt, unknown: NInt,
  })),
});

export const AuditOut = Type.Object({
  id: Type.Integer(), at: Str, actorId: NStr, actor: Str, action: Str, targetType: NStr, targetId: NStr, agencyId: NStr, outcome: Str,
  status: Nullable(Type.Integer()), ip: NStr, requestId: NStr, details: Type.Unknown(),
});

/** Free text a user types (reasons, names): bounded, no control characters except none at all. */
export const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

// Inventory mutations and the asset detail (the forms for agencies, networks, contacts, assets).
// Bodies are closed (additionalProperties: false): a misspelt field is an error, not silently ignored.

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Closed = { additionalProperties: false } as const;
/** What a patch must carry: at least one field, or the request is a mistake worth telling about. */
const Patch = { additionalProperties: false, minProperties: 1 } as const;

export const AgencyCreate = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$', description: 'unique city-wide; stored upper-case' }),
  name: Text(200),
  kind: Type.Union(AGENCY_KINDS.map((k) => Type.Literal(k))),
  parentId: Type.Optional(Nullable(Id)),
  notes: Type.Optional(Nullable(Text(2000))),
}, Closed);

export const AgencyPatchIn = Type.Object({
  name: Type.Optional(Text(200)),
  kind: Type.Optional(Type.Union(AGENCY_KINDS.map((k) => Type.Literal(k)))),
  parentId: Type.Optional(Nullable(Id)),
  notes: Type.Optional(Nullable(Text(2000))),
}, Patch);

export const NetworkCreate = Type.Object({
  cidr: Type.String({ minLength: 3, maxLength: 64, pattern: '^[0-9A-Fa-f:.]+/[0-9]{1,3}$', description: 'e.g. 198.18.0.0/24' }),
  label: Type.Optional(Nullable(Text(200))),
  zone: Type.Optional(Nullable(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'scan-worker zone that can reach the block' }))),
  authorisationRef: Type.Optional(Nullable(Text(200))),
  /**
   * Why this block may be scanned although it has public space, is wider than the configured size or
   * has loopback in it (administrators only; the answer of a 400 with details.reason
   * "confirmation-required" names the concerns). Stored with the network and in the audit log.
   */
  confirmReason: Type.Optional(Nullable(Text(1000))),
}, Closed);

const ContactRoleIn = Type.Union(CONTACT_ROLES.map((r) => Type.Literal(r)));
const Reach = Type.Optional(Nullable(Type.String({ maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]*$' })));
export const ContactCreate = Type.Object({ name: Text(200), role: ContactRoleIn, email: Reach, phone: Reach, whatsapp: Reach, isPrimary: Type.Optional(Type.Boolean()) }, Closed);
export const ContactPatchIn = Type.Object({ name: Type.Optional(Text(200)), role: Type.Optional(ContactRoleIn), email: Reach, phone: Reach, whatsapp: Reach, isPrimary: Type.Optional(Type.Boolean()) }, Patch);

export const AssetPatchIn = Type.Object({
  criticality: Type.Optional(Type.Union(CRITICALITIES.map((c) => Type.Literal(c)))),
  owner: Type.Optional(Nullable(Text(200))),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
}, Patch);

export const CheckState = OneOf(CHECK_STATES);

export const AssetServicesOut = Type.Object({
  /** The latest completed scan in which the asset answered; null when none did (never scanned, or only seen offline). */
  scan: Nullable(Type.Object({ jobId: Str, profile: Str, finishedAt: Str })),
  ports: Type.Array(Type.Object({ port: Type.Integer(), state: Str, reason: Str, service: NStr, banner: NStr, rttMs: Nullable(Type.Number()) })),
  /** Per check (and port): the most recent verdict among the recent scans, with the scan that gave it. */
  checks: Type.Array(Type.Object({
    check: Str, port: Type.Integer(), state: CheckState, reason: NStr, reasonCode: NStr, evidence: Nullable(Type.Record(Type.String(), Type.Unknown())), jobId: Str, observedAt: Str,
  })),
  scansRead: Type.Integer(),
});

export const AssetHistoryOut = Type.Object({
  items: Type.Array(Type.Object({
    at: Str,
    source: Type.Union([Type.Literal('scan'), Type.Literal('finding')]),
    /** scan: host-new | host-gone | port-opened | port-closed | service-changed | check-changed; finding: the event's cause. */
    kind: Str,
    jobId: NStr,
    previousJobId: NStr,
    port: Nullable(Type.Integer()),
    check: NStr,
    from: NStr,
    to: NStr,
    confirmed: Nullable(Type.Boolean()),
    actor: NStr,
    reason: NStr,
    finding: Nullable(Type.Object({ id: Str, ruleId: Str, severity: Str, title: Type.Object({ id: Str, en: Str }) })),
  })),
  /** Older scans exist beyond those compared (the history shown starts later than the asset's). */
  truncated: Type.Boolean(),
});

/**
 * A scan job as every route answers it (src/api/routes/scans.ts jobOut). Its ports are a summary: `ports`
 * is the compact text in the syntax a scan is started with (`1-1024,3389`), `portCount` how many; the list
 * itself stays in the store (a 1-65535 job's list is some 350 kB, and nothing that reads a job needs it).
 */
export const ScanJobOut = Type.Object({
  id: Str, agencyId: Str, networkId: NStr, scheduleId: NStr, profile: Str, targets: Type.Array(Str),
  ports: Type.String({ description: 'compact port text, e.g. "1-1024,3389"' }),
  portCount: Type.Integer({ minimum: 0 }),
  /** The check ids the job runs where they apply; null when not recorded. */
  checks: Nullable(Type.Array(Str)),
  vantage: Str, zone: NStr, requestedBy: Str, status: OneOf(JOB_STATUSES), planned: Type.Integer(),
  createdAt: Str, startedAt: NStr, finishedAt: NStr, error: NStr,
  /** Set by finalize: previous job, change counts, findings opened/resolved, assets seen. */
  summary: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

// ---- schedules, alert channels and rules (admin pages of the web UI) ----

export const ScheduleOut = Type.Object({
  id: Str, agencyId: Str, networkId: NStr, cron: Str, timeZone: Str,
  /** The ports as compact text (`135,137-139,445`) and their count, as a scan job answers them (routes/scans.ts portsOut). */
  ports: Str, portCount: Type.Integer(),
  profile: Str, vantage: Str, zone: NStr,
  enabled: Type.Boolean(), nextRunAt: Str, lastRunAt: NStr, lastJobId: NStr,
  /** Status of the last job this schedule started (null: never ran, or the job is gone). */
  lastRunStatus: NStr,
  createdBy: Str, createdAt: Str,
});

/**
 * A channel's configuration as the API shows it: an allow-list of the fields that are not secret. The
 * secrets (SMTP password, webhook HMAC key, bot token) appear only as a fixed mask, and webhook headers
 * only by name (their values are often bearer tokens).
 */
export const AlertChannelConfigOut = Type.Object({
  host: Type.Optional(Str), port: Type.Optional(Type.Integer()), security: Type.Optional(Str), user: Type.Optional(Str), password: Type.Optional(Str),
  from: Type.Optional(Str), to: Type.Optional(Type.Array(Str)), toRoles: Type.Optional(Type.Array(Str)),
  url: Type.Optional(Str), secret: Type.Optional(Str), headerNames: Type.Optional(Type.Array(Str)),
  chatId: Type.Optional(Str), botToken: Type.Optional(Str), baseUrl: Type.Optional(Str), timeoutMs: Type.Optional(Type.Integer()),
});

export const AlertChannelKind = Type.Union([Type.Literal('email'), Type.Literal('webhook'), Type.Literal('telegram')]);

export const AlertChannelOut = Type.Object({
  id: Str, name: Str, kind: AlertChannelKind, enabled: Type.Boolean(), hasSecret: Type.Boolean(), config: AlertChannelConfigOut, createdAt: Str, updatedAt: Str,
});

export const AlertRuleFilterOut = Type.Object({
  topics: Type.Array(Str), agencyId: Type.Optional(Str), includeDescendants: Type.Optional(Type.Boolean()), minSeverity: Type.Optional(Type.Unsafe<Severity>(Str)),
  ports: Type.Optional(Type.Array(Type.Integer())), findingRules: Type.Optional(Type.Array(Str)),
});

export const AlertRuleOut = Type.Object({
  id: Str, name: Str, filter: AlertRuleFilterOut, channelIds: Type.Array(Str), channels: Type.Array(Str), enabled: Type.Boolean(), createdAt: Str,
});

export const AlertDeliveryOut = Type.Object({
  outboxId: Type.Integer(), channelId: Str, channelName: NStr, topic: Str, status: Str, attempts: Type.Integer(), lastError: NStr, sentAt: NStr, updatedAt: Str,
});

/** GET /workers: one scan worker's last heartbeat (src/api/routes/workers.ts, store/repos/workers.ts). */
export const WorkerOut = Type.Object({
  name: Type.String(),
  zones: Type.Array(NStr, { description: 'null = the default zone' }),
  version: Type.String(),
  queue: OneOf(['local', 'pg-boss', 'agent'] as const),
  startedAt: Type.String(),
  lastSeenAt: Type.String(),
  live: Type.Boolean({ description: 'heard of within the last 60 s (src/api/routes/workers.ts WORKER_LIVE_MS)' }),
  currentTask: NStr,
  doneLastHour: Type.Integer({ minimum: 0 }),
});

// Enrolled segment workers (src/api/routes/agent.ts, docs/api.md "Enrolled segment workers").

/** A named zone, spelt like a network's zone (NetworkIn.zone above). */
const ZoneName = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });
const Zones = Type.Array(ZoneName, { minItems: 1, maxItems: 16, uniqueItems: true });

export const EnrollmentIn = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$', description: 'what the worker is called in the list of enrolled workers' }),
  zones: Zones,
  expiresInHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 168, default: 24 })),
}, { additionalProperties: false });

/** The token is in this answer only: the store keeps its SHA-256. */
export const EnrollmentCreatedOut = Type.Object({ id: Str, name: Str, zones: Type.Array(Str), expiresAt: Str, token: Str });
export const EnrollmentOut = Type.Object({ id: Str, name: Str, zones: Type.Array(Str), createdBy: Str, createdAt: Str, expiresAt: Str });
export const WorkerCredentialOut = Type.Object({ id: Str, name: Str, zones: Type.Array(Str), createdAt: Str, lastUsedAt: NStr, revokedAt: NStr, revokedBy: NStr });

export const AgentEnrollIn = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 200 }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  version: Type.String({ minLength: 1, maxLength: 64 }),
  /**
   * The worker's own proposal (both or neither): its id (a UUID) and the SHA-256 (hex) of the credential
   * `psw_<workerId>.<secret>` it made and keeps. The answer then carries no credential, and the same
   * request may be sent again after a lost answer (src/store/repos/worker-credentials.ts enroll).
   */
  workerId: Type.Optional(Type.String({ pattern: `^${WORKER_ID_PATTERN}$` })),
  secretHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
});
export const AgentEnrollOut = Type.Object({ workerId: Str, credential: Type.Optional(Str), zones: Type.Array(Str) });

export const AgentHeartbeatIn = Type.Object({
  version: Type.String({ minLength: 1, maxLength: 64 }),
  startedAt: Type.String({ minLength: 1, maxLength: 40 }),
  currentTask: Nullable(Type.String({ maxLength: 64 })),
  doneLastHour: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
});

export const LeaseIn = Type.Object({ leaseMs: Type.Integer({ minimum: 10_000, maximum: 600_000 }) });
const IndexRangeT = Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]);

export const AgentTaskOut = Type.Object({
  task: Type.Object({
    id: Str, jobId: Str, seq: Type.Integer(), zone: Str, range: IndexRangeT, done: Type.Array(IndexRangeT), remaining: Type.Array(IndexRangeT), attempt: Type.Integer(),
  }),
  job: Type.Object({ id: Str, targets: Type.Array(Str), ports: Type.Array(Type.Integer()), seed: Str, profile: Str }),
});

export const AgentSlicesIn = Type.Object({
  records: Type.Array(Type.Unknown(), { maxItems: 100_000, description: 'engine JSONL records (port results, host lines, check lines), parsed by src/domain/observation.ts parseJsonlRecord' }),
  done: Type.Array(IndexRangeT, { maxItems: 10_000 }),
});
export const AgentFailIn = Type.Object({ error: Type.String({ maxLength: 1000 }), retry: Type.Boolean() });
