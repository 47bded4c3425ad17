// The API client: same-origin fetch with the session cookie, the CSRF token on every mutation, and
// the API's error bodies ({ error: { code, message, messageId } }) turned into ApiError.

export type Role = 'admin' | 'analyst' | 'officer' | 'viewer';
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export type FindingStatus = 'open' | 'resolved' | 'accepted-risk' | 'false-positive';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const STATUSES: readonly FindingStatus[] = ['open', 'resolved', 'accepted-risk', 'false-positive'];

export interface User {
  id: string; username: string; displayName: string; role: Role; agencyId: string | null; disabled: boolean; mustChangePassword: boolean; lastLoginAt: string | null;
}
export interface Me { user: User; csrfToken: string; scope: 'all' | string[] }

export interface Agency { id: string; parentId: string | null; kind: string; code: string; name: string; notes: string | null; retiredAt: string | null }
export interface Network {
  id: string; agencyId: string; cidr: string; label: string | null; zone: string | null; authorisedBy: string; authorisedAt: string;
  /** Set when the block needed an administrator's confirmation (public space, wider than the configured size, loopback). */
  confirmation: { by: string; at: string; reason: string; concerns: string[] } | null;
}
export interface Contact { id: string; agencyId: string; name: string; role: string; email: string | null; phone: string | null; whatsapp: string | null; isPrimary: boolean }
export interface Counts { byStatus: Record<string, number>; openBySeverity: Record<string, number> }
export interface AgencyDetail {
  agency: Agency; children: Agency[]; networks: Network[]; contacts: Contact[]; findings: Counts; assets: number;
  lastScan: { id: string; status: string; createdAt: string; finishedAt: string | null; targets: string[] } | null;
}

/**
 * The dashboard's counts (src/store/repos/dashboard.ts, docs/api.md "Dashboard"): `smbOpen` = hosts with 139
 * or 445 open at their last scan; `smbReachableOutside` = hosts with an open `exposure-smb` finding, i.e. SMB
 * reachable from OUTSIDE the agency's segment (only a scan from another vantage raises it). The API's
 * deprecated `exposedSmb` (same value as `smbReachableOutside`) is not used here.
 */
export interface Exposure { hostsKnown: number; hostsScanned: number; smbOpen: number; smbReachableOutside: number; smbv1: number; ms17010: number; doublePulsar: number; unknown: number }
export type Metric = keyof Exposure;
export const METRICS: readonly Metric[] = ['hostsKnown', 'hostsScanned', 'smbOpen', 'smbReachableOutside', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'];
/** GET /dashboard/trend: one entry per day, oldest first; metrics null where no snapshot was recorded (today is live). */
export interface TrendDay extends Record<Metric, number | null> { day: string; recorded: boolean }
export interface Trend { timeZone: string; from: string; to: string; days: TrendDay[] }
export interface Dashboard { generatedAt: string; totals: Exposure; agencies: (Exposure & { agencyId: string; code: string; name: string; parentId: string | null })[]; findings: Counts }

export interface Asset {
  id: string; agencyId: string; networkId: string | null; ip: string; mac: string | null; netbiosName: string | null; dnsName: string | null;
  /** null: no scan identified the OS; eol / wannacryRisk null: the version could not be placed. */
  os: { name: string; build: string | null; source: string; eol: boolean | null; wannacryRisk: boolean | null } | null;
  /** null: no scan examined SMB; inside, null = the scan could not tell (reason when the engine gave one). */
  smb: AssetSmb | null;
  /** 139 or 445 open at the last scan that probed them; null = never probed. */
  smbOpen: boolean | null;
  criticality: string; owner: string | null; tags: string[]; outsideControl: boolean; responsibleParty: string | null; riskRating: string | null;
  riskReasons: { ruleId: string; rating: string }[]; firstSeen: string; lastSeen: string; retiredAt: string | null;
}

export type SmbSigning = 'required' | 'enabled' | 'disabled';
/** Why a fact is unknown in machine form (src/api/schemas.ts FactReasonOut): a reason code or an engine note, where it was seen. */
export interface FactReason {
  protocol?: 'smb1' | 'smb2'; port?: number; code?: string; note?: { code: string; params?: Record<string, string | number> };
}
export interface AssetSmb {
  smbv1: boolean | null; smbv1Reason?: string; smbv1ReasonCodes?: FactReason[];
  signing: SmbSigning | null; signingReason?: string; signingReasonCodes?: FactReason[];
  dialects: string[] | null; dialectsComplete: boolean;
}

export interface Finding {
  id: string; agencyId: string; assetId: string; ruleId: string; port: number; title: { id: string; en: string };
  status: FindingStatus; severity: Severity; firstSeen: string; lastSeen: string; timesSeen: number; resolvedAt: string | null;
  exception: { kind: string; reason: string; by: string; at: string; expiresAt: string } | null;
  evidence: unknown;
  asset: { ip: string; netbiosName: string | null; dnsName: string | null; criticality: string };
  triage: { acknowledgedAt: string | null; acknowledgedBy: string | null; assigneeId: string | null; assigneeName: string | null };
}
export interface Page<T> { items: T[]; next: string | null }

// Inventory forms and the asset detail (mirrors src/api/schemas.ts; the API validates again).
export const AGENCY_KINDS = ['province', 'city', 'opd', 'kecamatan', 'kelurahan', 'hospital', 'puskesmas', 'school', 'upt', 'other'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];
export const CONTACT_ROLES = ['pic', 'technical', 'head', 'security', 'distribution'] as const;
export type ContactRole = (typeof CONTACT_ROLES)[number];
export const CRITICALITIES = ['vital', 'public-service', 'internal', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
export type CheckState = 'vulnerable' | 'likely-vulnerable' | 'not-vulnerable' | 'unknown';
export interface AssetServices {
  scan: { jobId: string; profile: string; finishedAt: string } | null;
  ports: { port: number; state: string; reason: string; service: string | null; banner: string | null; rttMs: number | null }[];
  checks: { check: string; port: number; state: CheckState; reason: string | null; reasonCode: string | null; evidence: Record<string, unknown> | null; jobId: string; observedAt: string }[];
  scansRead: number;
}
export interface HistoryItem {
  at: string; source: 'scan' | 'finding'; kind: string; jobId: string | null; previousJobId: string | null; port: number | null; check: string | null;
  from: string | null; to: string | null; confirmed: boolean | null; actor: string | null; reason: string | null;
  finding: { id: string; ruleId: string; severity: string; title: { id: string; en: string } } | null;
}
export interface AssetHistory { items: HistoryItem[]; truncated: boolean }
// schedules, alerts, users (admin)
export interface Schedule {
  id: string; agencyId: string; networkId: string | null; cron: string; timeZone: string; ports: number[]; profile: string; enabled: boolean;
  nextRunAt: string; lastRunAt: string | null; lastJobId: string | null; lastRunStatus: string | null; createdBy: string; createdAt: string;
}
export type ChannelKind = 'email' | 'webhook' | 'telegram';
export const CHANNEL_KINDS: readonly ChannelKind[] = ['webhook', 'email', 'telegram'];
/** Secrets never come back from the API: `hasSecret` says one is stored, the config shows a mask. */
export interface AlertChannel {
  id: string; name: string; kind: ChannelKind; enabled: boolean; hasSecret: boolean; createdAt: string;
  config: { host?: string; port?: number; security?: string; user?: string; from?: string; to?: string[]; toRoles?: string[]; url?: string; headerNames?: string[]; chatId?: string; baseUrl?: string };
}
export interface RuleFilter { topics: string[]; agencyId?: string; includeDescendants?: boolean; minSeverity?: Severity; ports?: number[]; findingRules?: string[] }
export interface AlertRule { id: string; name: string; filter: RuleFilter; channelIds: string[]; channels: string[]; enabled: boolean; createdAt: string }
export const RULE_PRESETS = ['critical-finding', 'smb-rdp-reachable', 'doublepulsar', 'finding-reopened', 'incidents'] as const;
export interface AlertDelivery { outboxId: number; channelId: string; channelName: string | null; topic: string; status: string; attempts: number; lastError: string | null; sentAt: string | null; updatedAt: string }
export const ROLES: readonly Role[] = ['admin', 'analyst', 'officer', 'viewer'];

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
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') {
    const token = csrfToken ?? csrfFromCookie();
    if (token !== null) headers['x-csrf-token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, NETWORK_ERROR, '', '');
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; messageId?: string; details?: unknown } } | null)?.error;
    const details = typeof e?.details === 'object' && e.details !== null && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : {};
    const err = new ApiError(res.status, e?.code ?? 'E_INTERNAL', e?.message ?? '', e?.messageId ?? '', details);
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated?.();
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
export interface ScanJob {
  id: string; agencyId: string; networkId: string | null; scheduleId: string | null; profile: string; targets: string[]; ports: number[];
  vantage: string; zone: string | null; requestedBy: string; status: ScanStatus; planned: number;
  createdAt: string; startedAt: string | null; finishedAt: string | null; error: string | null; summary: Record<string, unknown> | null;
}
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
