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
export interface Network { id: string; agencyId: string; cidr: string; label: string | null; zone: string | null; authorisedBy: string; authorisedAt: string }
export interface Contact { id: string; agencyId: string; name: string; role: string; email: string | null; phone: string | null; whatsapp: string | null; isPrimary: boolean }
export interface Counts { byStatus: Record<string, number>; openBySeverity: Record<string, number> }
export interface AgencyDetail { agency: Agency; children: Agency[]; networks: Network[]; contacts: Contact[]; findings: Counts; assets: number }

export interface Exposure { hostsKnown: number; hostsScanned: number; exposedSmb: number; smbv1: number; ms17010: number; doublePulsar: number; unknown: number }
export type Metric = keyof Exposure;
export const METRICS: readonly Metric[] = ['hostsKnown', 'hostsScanned', 'exposedSmb', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'];
export interface Dashboard { generatedAt: string; totals: Exposure; agencies: (Exposure & { agencyId: string; code: string; name: string; parentId: string | null })[]; findings: Counts }

export interface Asset {
  id: string; agencyId: string; networkId: string | null; ip: string; mac: string | null; netbiosName: string | null; dnsName: string | null;
  os: { name?: string; build?: string | null; source?: string; eol?: boolean; wannacryRisk?: boolean } | null;
  smb: { smbv1?: boolean; signing?: string; dialects?: string[] } | null;
  criticality: string; owner: string | null; tags: string[]; outsideControl: boolean; responsibleParty: string | null; riskRating: string | null;
  riskReasons: { ruleId: string; rating: string }[]; firstSeen: string; lastSeen: string; retiredAt: string | null;
}

export interface Finding {
  id: string; agencyId: string; assetId: string; ruleId: string; port: number; title: { id: string; en: string };
  status: FindingStatus; severity: Severity; firstSeen: string; lastSeen: string; timesSeen: number; resolvedAt: string | null;
  exception: { kind: string; reason: string; by: string; at: string; expiresAt: string } | null;
  evidence: unknown;
  asset: { ip: string; netbiosName: string | null; dnsName: string | null; criticality: string };
  triage: { acknowledgedAt: string | null; acknowledgedBy: string | null; assigneeId: string | null };
}
export interface Page<T> { items: T[]; next: string | null }

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
export const RULE_PRESETS = ['critical-finding', 'smb-rdp-reachable', 'doublepulsar', 'finding-reopened'] as const;
export interface AlertDelivery { outboxId: number; channelId: string; channelName: string | null; topic: string; status: string; attempts: number; lastError: string | null; sentAt: string | null; updatedAt: string }
export const ROLES: readonly Role[] = ['admin', 'analyst', 'officer', 'viewer'];

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, readonly messageEn: string, readonly messageId: string) {
    super(messageEn);
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

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
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
    const e = (data as { error?: { code?: string; message?: string; messageId?: string } } | null)?.error;
    const err = new ApiError(res.status, e?.code ?? 'E_INTERNAL', e?.message ?? '', e?.messageId ?? '');
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
