// Assets: hosts with an identity kept across scans, so that "the registration PC at RSUD" stays one row
// (with its findings and history) when DHCP hands it another address, and a reused address does not
// inherit the previous machine's findings.
//
// Identity matching rules (applied within ONE agency — the store loads candidates per agency):
//   1. MAC address (EUI-48, IEEE 802): strongest. Same MAC ⇒ same asset whatever the address or name.
//      Only seen when the scanner shares the segment (ARP) or an agency imports it.
//   2. A known conflicting identifier vetoes a weaker match: if both sides know the MAC and the MACs
//      differ, or both know the NetBIOS name / DNS name and they differ, it is not the same machine
//      (the address was reassigned). MAC vetoes everything below it; a name veto blocks the IP rule.
//   3. NetBIOS computer name (MS-NBTE / RFC 1001 §5.2: ≤ 15 characters, case-insensitive, upper-cased
//      here). Unique inside a Windows workgroup/domain, which inside one agency is what we have.
//   4. DNS name (FQDN, RFC 4343: case-insensitive, compared lower-cased without the trailing dot).
//   5. IP address, when nothing above contradicts it.
//   6. Otherwise a new asset.
// Ties at one level go to the most recently seen candidate, then the smallest id (deterministic).
// Within one batch an asset is claimed at most once: a second host claiming the same asset (two
// addresses with one NetBIOS name — a multi-homed host or a name clash) falls through to the next
// rule, and ultimately becomes its own asset rather than silently merging two machines.

import { validationError } from './errors.js';
import type { OsSummary, SmbSummary } from './observation.js';

/**
 * Criticality of the service an asset supports, for prioritising (CyHy has none; BSSN rules single out
 * vital information infrastructure, IIV, with a 1×24 h reporting clock; see src/domain/incident-clocks.ts).
 */
export const CRITICALITIES = [
  'vital', // layanan publik vital / IIV: RSUD registration and medical records, Disdukcapil (e-KTP, KK)
  'public-service', // other citizen-facing services: puskesmas, samsat counters, school administration
  'internal', // office PCs and internal servers
  'low', // lab machines, kiosks, test hosts
] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export interface AssetIdentity {
  readonly ip: string;
  readonly mac?: string | null;
  readonly netbiosName?: string | null;
  readonly dnsName?: string | null;
}

export interface Asset {
  readonly id: string;
  readonly agencyId: string;
  readonly networkId: string | null;
  readonly ip: string;
  readonly mac: string | null;
  readonly netbiosName: string | null;
  readonly dnsName: string | null;
  /** null: no scan has identified the OS. */
  readonly os: OsSummary | null;
  /** null: no scan has examined SMB on it; inside, null values are what the scans could not tell. */
  readonly smb: SmbSummary | null;
  /** 139 or 445 open at the last scan that probed them; null: never probed. */
  readonly smbOpen: boolean | null;
  readonly criticality: Criticality;
  /** Person or unit responsible for the machine day to day. */
  readonly owner: string | null;
  readonly tags: readonly string[];
  /**
   * Not managed by the agency or Diskominfo (e.g. the SIAK population-registry server linked to
   * Kemendagri): tracked and escalated to `responsibleParty` instead of being silently dropped.
   */
  readonly outsideControl: boolean;
  readonly responsibleParty: string | null;
  readonly riskRating: string | null;
  readonly riskReasons: readonly { ruleId: string; rating: string }[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly lastJobId: string | null;
  readonly retiredAt: string | null;
}

/** Canonical EUI-48 text (lower-case, colon-separated), or undefined for malformed, zero, broadcast or group MACs. */
export function normalizeMac(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const hex = raw.trim().toLowerCase().replace(/[:\-.\s]/g, '');
  if (!/^[0-9a-f]{12}$/.test(hex)) return undefined;
  if (hex === '000000000000' || hex === 'ffffffffffff') return undefined;
  // I/G bit set = group (multicast) address: never a host's identity (IEEE 802 §8.2).
  if ((parseInt(hex.slice(0, 2), 16) & 1) === 1) return undefined;
  return hex.match(/../g)!.join(':');
}

/** NetBIOS names compare case-insensitively and are at most 15 characters (the 16th is the suffix). */
export function normalizeNetbiosName(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const n = raw.trim().toUpperCase();
  if (n.length === 0 || n.length > 15) return undefined;
  return n;
}

/** DNS names compare case-insensitively (RFC 4343) and without the root's trailing dot. */
export function normalizeDnsName(raw: string | null | undefined): string | undefined {
  if (raw == null) return undefined;
  const n = raw.trim().toLowerCase().replace(/\.$/, '');
  if (n.length === 0 || n.length > 253 || !/^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/.test(n)) return undefined;
  return n;
}

export interface NormalizedIdentity {
  readonly ip: string;
  readonly mac: string | undefined;
  readonly netbiosName: string | undefined;
  readonly dnsName: string | undefined;
}

export function normalizeIdentity(i: AssetIdentity): NormalizedIdentity {
  return { ip: i.ip, mac: normalizeMac(i.mac), netbiosName: normalizeNetbiosName(i.netbiosName), dnsName: normalizeDnsName(i.dnsName) };
}

export interface AssetCandidate extends AssetIdentity {
  readonly id: string;
  readonly lastSeen: string;
}

export type MatchRule = 'mac' | 'netbios' | 'dns' | 'ip';
export type MatchResult = { readonly kind: 'existing'; readonly assetId: string; readonly by: MatchRule } | { readonly kind: 'new' };

function differs(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
}

/**
 * Match observed hosts to existing assets of one agency (rules in the header). Returns one result per
 * observed host, in input order. Pure and deterministic; candidates are indexed per identifier, so a
 * /16 worth of hosts against a /16 worth of assets stays linear.
 */
export function matchAssets(candidates: readonly AssetCandidate[], observed: readonly AssetIdentity[]): MatchResult[] {
  const cands = candidates
    .map((c) => ({ id: c.id, lastSeen: c.lastSeen, n: normalizeIdentity(c) }))
    // most recently seen first, then smallest id: the first acceptable candidate at a level wins
    .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c, order) => ({ ...c, order }));
  type Cand = (typeof cands)[number];
  const claimed = new Set<string>();
  const obs = observed.map(normalizeIdentity);
  const results: (MatchResult | undefined)[] = new Array<MatchResult | undefined>(obs.length).fill(undefined);

  const levels: { rule: MatchRule; key: (n: NormalizedIdentity) => string | undefined; vetoed: (o: NormalizedIdentity, c: NormalizedIdentity) => boolean }[] = [
    { rule: 'mac', key: (n) => n.mac, vetoed: () => false },
    { rule: 'netbios', key: (n) => n.netbiosName, vetoed: (o, c) => differs(o.mac, c.mac) },
    { rule: 'dns', key: (n) => n.dnsName, vetoed: (o, c) => differs(o.mac, c.mac) || differs(o.netbiosName, c.netbiosName) },
    { rule: 'ip', key: (n) => n.ip, vetoed: (o, c) => differs(o.mac, c.mac) || differs(o.netbiosName, c.netbiosName) || differs(o.dnsName, c.dnsName) },
  ];
  // Level by level over the whole batch, so that a strong match anywhere in the batch claims its asset
  // before a weaker rule could hand that asset to another host. Within a level, a pair whose addresses
  // also agree goes first (a multi-homed host keeps its asset on the address it had), then input order.
  for (const level of levels) {
    const index = new Map<string, Cand[]>();
    for (const c of cands) {
      const k = level.key(c.n);
      if (k === undefined) continue;
      const list = index.get(k);
      if (list === undefined) index.set(k, [c]);
      else list.push(c);
    }
    const pairs: { i: number; c: Cand; sameIp: boolean }[] = [];
    for (let i = 0; i < obs.length; i++) {
      if (results[i] !== undefined) continue;
      const o = obs[i]!;
      const k = level.key(o);
      if (k === undefined) continue;
      for (const c of index.get(k) ?? []) if (!claimed.has(c.id) && !level.vetoed(o, c.n)) pairs.push({ i, c, sameIp: o.ip === c.n.ip });
    }
    pairs.sort((a, b) => Number(b.sameIp) - Number(a.sameIp) || a.i - b.i || a.c.order - b.c.order);
    for (const { i, c } of pairs) {
      if (results[i] !== undefined || claimed.has(c.id)) continue;
      claimed.add(c.id);
      results[i] = { kind: 'existing', assetId: c.id, by: level.rule };
    }
  }
  return results.map((r) => r ?? { kind: 'new' });
}

export interface AssetPatch {
  readonly criticality?: Criticality;
  readonly owner?: string | null;
  readonly tags?: readonly string[];
  readonly outsideControl?: boolean;
  readonly responsibleParty?: string | null;
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.:/-]{0,63}$/u;

export function validateAssetPatch(p: AssetPatch): AssetPatch {
  if (p.criticality !== undefined && !(CRITICALITIES as readonly string[]).includes(p.criticality)) {
    throw validationError(`criticality: ${JSON.stringify(p.criticality)} is not one of ${CRITICALITIES.join(', ')}`, { field: 'criticality' });
  }
  let tags: string[] | undefined;
  if (p.tags !== undefined) {
    tags = [...new Set(p.tags.map((t) => t.trim().toLowerCase()))].sort();
    for (const t of tags) if (!TAG.test(t)) throw validationError(`tags: ${JSON.stringify(t)} must be 1–64 letters, digits, space or _ . : / -`, { field: 'tags' });
  }
  const responsibleParty = p.responsibleParty === undefined ? undefined : p.responsibleParty?.trim() || null;
  return {
    ...p,
    ...(tags !== undefined ? { tags } : {}),
    ...(responsibleParty !== undefined ? { responsibleParty } : {}),
  };
}

/** Checked on the asset as it will be after a patch: "outside our control" must name who is in control. */
export function checkOutsideControl(outsideControl: boolean, responsibleParty: string | null): void {
  if (outsideControl && (responsibleParty === null || responsibleParty.trim() === '')) {
    throw validationError('responsibleParty: an asset outside our control needs the party responsible for it (e.g. "Kemendagri (SIAK)")', { field: 'responsibleParty' });
  }
}
