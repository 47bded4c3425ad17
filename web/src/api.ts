// The API client: same-origin fetch with the session cookie, the CSRF token on every mutation, and
// the API's error bodies ({ error: { code, message, messageId } }) turned into ApiError.

// The API's vocabulary and response shapes come from the API itself (one contract): the types are the TypeBox
// schemas of src/api/schemas.ts (Static<>, imported as types only, so no server code reaches the bundle), the
// lists the forms offer are the domain's own (src/domain, pure and small). A renamed or retyped field there
// fails `npm run typecheck` here.
import type { Static } from 'typebox';
import type * as S from '../../src/api/schemas.js';
import { AGENCY_KINDS, type AgencyKind } from '../../src/domain/agency.js';
import { CRITICALITIES, type Criticality } from '../../src/domain/asset.js';
import { CONTACT_ROLES, type ContactRole } from '../../src/domain/contact.js';
import { FINDING_STATUSES, SEVERITIES, type FindingStatus, type Severity } from '../../src/domain/finding.js';
import { ROLES, type Role } from '../../src/domain/roles.js';

export { AGENCY_KINDS, CONTACT_ROLES, CRITICALITIES, ROLES, SEVERITIES };
export type { AgencyKind, ContactRole, Criticality, FindingStatus, Role, Severity };
export const STATUSES: readonly FindingStatus[] = FINDING_STATUSES;

export type User = Static<typeof S.UserOut>;
export type Me = Static<typeof S.MeOut>;
export type Agency = Static<typeof S.AgencyOut>;
export type Network = Static<typeof S.NetworkOut>;
export type Contact = Static<typeof S.ContactOut>;
export type Counts = Static<typeof S.Counts>;
export type AgencyDetail = Static<typeof S.AgencyDetailOut>;

/**
 * The dashboard's counts (src/store/repos/dashboard.ts, docs/api.md "Dashboard"): `smbOpen` = hosts with 139
 * or 445 open at their last scan; `smbReachableOutside` = hosts with an open `exposure-smb` finding, i.e. SMB
 * reachable from OUTSIDE the agency's segment (only a scan from another vantage raises it). The API's
 * deprecated `exposedSmb` (same value as `smbReachableOutside`) is not used here.
 */
export type Exposure = Omit<Static<typeof S.ExposureOut>, 'agencyId' | 'exposedSmb'>;
export type Metric = keyof Exposure;
export const METRICS: readonly Metric[] = ['hostsKnown', 'hostsScanned', 'smbOpen', 'smbReachableOutside', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'];
/** GET /dashboard/trend: one entry per day, oldest first; metrics null where no snapshot was recorded (today is live). */
export interface TrendDay extends Record<Metric, number | null> { day: string; recorded: boolean }
export interface Trend { timeZone: string; from: string; to: string; days: TrendDay[] }
export interface Dashboard { generatedAt: string; totals: Exposure; agencies: (Exposure & { agencyId: string; code: string; name: string; parentId: string | null })[]; findings: Counts }

export type Asset = Static<typeof S.AssetOut>;
export type SmbSigning = NonNullable<AssetSmb['signing']>;
/** Why a fact is unknown in machine form (FactReasonOut): a reason code or an engine note, where it was seen. */
export type FactReason = Static<typeof S.FactReasonOut>;
export type AssetSmb = Static<typeof S.AssetSmbOut>;
export type Finding = Static<typeof S.FindingOut>;
export interface Page<T> { items: T[]; next: string | null }

// The asset detail.
export type CheckState = Static<typeof S.CheckState>;
export type AssetServices = Static<typeof S.AssetServicesOut>;
export type AssetHistory = Static<typeof S.AssetHistoryOut>;
export type HistoryItem = AssetHistory['items'][number];

// schedules, alerts, users (admin)
export type Schedule = Static<typeof S.ScheduleOut>;
export type ChannelKind = Static<typeof S.AlertChannelKind>;
export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'email', 'telegram'];
/** Secrets never come back from the API: `hasSecret` says one is stored, the config shows a mask. */
export type AlertChannel = Static<typeof S.AlertChannelOut>;
export type RuleFilter = Static<typeof S.AlertRuleFilterOut>;
export type AlertRule = Static<typeof S.AlertRuleOut>;
export const RULE_PRESETS = ['critical-finding', 'smb-rdp-reachable', 'doublepulsar', 'finding-reopened', 'incidents'] as const;
export type AlertDelivery = Static<typeof S.AlertDeliveryOut>;
/** GET /workers: one scan worker's last heartbeat (src/api/routes/workers.ts). */
export type ScanWorker = Static<typeof S.WorkerOut>;
/** Enrolled segment workers (src/api/routes/agent.ts): a new enrollment (its token shown once), a pending one, an enrolled worker. */
export type EnrollmentCreated = Static<typeof S.EnrollmentCreatedOut>;
export type Enrollment = Static<typeof S.EnrollmentOut>;
export type WorkerCredential = Static<typeof S.WorkerCredentialOut>;

export class ApiError extends Error {
  /** The error body's details: `field` (the field it is about), `fields` (every bad field), `reason`, … */
  readonly details: Readonly<Record<string, unknown>>;
  constructor(readonly status: number, readonly code: string, readonly messageEn: string, readonly messageId: string, details: Readonly<Record<string, unknown>> = {}) {
    super(messageEn);
    this.details = details;
  }
}

/** status 0 / code E_NETWORK: the request never got an answer. */
export const NETWORK_ERROR = 'E_NETWORK';

let csrfToken: string | null = null;
export function setCsrf(token: string | null): void {
  csrfToken = token;
}
function csrfFromCookie(): string | null {
  const m = /(?:^|;\s*)perisai_csrf=([^;]+)/.exec(document.cookie);
  return m?.[1] === undefined ? null : decodeURIComponent(m[1]);
}

/** Called when the API says the session is gone (401), so the app can show the login page. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(f: (() => void) | null): void {
  onUnauthenticated = f;
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : { type: 'application/json', data: JSON.stringify(body) });
}

/** Send a file as the request body (evidence uploads: the API checks its content, not its name). */
export async function apiUpload<T>(path: string, file: Blob): Promise<T> {
  return send<T>('POST', path, { type: 'application/octet-stream', data: file });
}

/**
 * One request to the API. `extra` adds headers (the circular link page's token: web/src/circular-link);
 * such a caller has no session, and a 401 is its own to show, not a reason to show the login page.
 */
export async function send<T>(method: string, path: string, body: { type: string; data: string | Blob } | undefined, extra?: Readonly<Record<string, string>>): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extra };
  if (body !== undefined) headers['content-type'] = body.type;
  if (method !== 'GET') {
    const token = csrfToken ?? csrfFromCookie();
    if (token !== null) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: body.data } : {}) });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '', '');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; messageId?: string; details?: unknown } } | null)?.error;
    const details = typeof e?.details === 'object' && e.details !== null && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : {};
    const err = new ApiError(res.status, e?.code ?? 'E_INTERNAL', e?.message ?? '', e?.messageId ?? '', details);
    if (res.status === 401 && extra === undefined && !path.startsWith('/auth/login')) onUnauthenticated?.();
    throw err;
  }
  return data as T;
}

export function query(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}

// Scans (web/src/pages/Scans.tsx; API: src/api/routes/scans.ts)
export type ScanStatus = 'queued' | 'running' | 'finalizing' | 'completed' | 'failed' | 'cancelled';
/** A job as the API answers it: `ports` is the compact text ("1-1024,3389") and `portCount` how many (src/api/schemas.ts ScanJobOut). */
export type ScanJob = Static<typeof S.ScanJobOut>;
export interface ScanProgress { planned: number; done: number; tasks: Record<string, number> }
export interface ScanDetail { job: ScanJob; progress: ScanProgress; previousJobId: string | null }
export interface ScanHost {
  ip: string; assetId: string | null; state: string; hostname: string | null;
  ports: { port: number; state: string; service: string | null; banner: string | null }[];
  checks: { check: string; port: number; state: string; reason: string | null; reasonCode: string | null; evidence: Record<string, unknown> }[];
  os: Record<string, unknown> | null; smb: Record<string, unknown> | null;
}
/** GET /checks: one check of the engine, its texts in both languages (src/api/routes/checks.ts). */
export interface CheckMeta {
  id: string; title: { id: string; en: string }; description: { id: string; en: string }; remediation: { id: string; en: string };
  severity: string; cve: string[]; references: string[]; ports: number[]; udp: boolean; scope: string;
}
/** GET /risk-rules: why an asset got its rating (src/domain/risk.ts). */
export interface RiskRuleMeta { id: string; rating: string; reason: { id: string; en: string } }
export interface ScanChange { kind: string; ip: string; port?: number; service?: string; confirmed?: boolean; check?: string; from?: string | null; to?: string | null }
/** What a diff left out because only one of the two scans looked there. */
export interface NotCompared { ports: number[]; checks: string[]; hosts: number }
export interface ScanDiffResult { jobId: string; previousJobId: string | null; baseline: boolean; changes: ScanChange[]; notCompared: NotCompared }
