// Registered networks: an agency's scan scope. A block is registered with who authorised scanning it and
// when (CyHy enrols an organisation's networks with a signed acceptance letter),
// so every scan can be traced to an authorisation.
//
// Overlap policy (the store enforces it in the same transaction as the insert):
//  - the same block registered twice is a conflict, whoever holds it;
//  - a block nested in (or containing) another agency's block is a conflict, naming that agency —
//    two agencies must never both claim a host;
//  - except delegation down the hierarchy: a unit may register a block inside its ancestor's block
//    (RSUD's 10.20.5.0/24 inside Dinkes' 10.20.0.0/16). The most specific block owns the host
//    (NetworkIndex), so the unit's findings go to the unit and roll up to the ancestor.
//  - the same agency may nest its own blocks (e.g. a /24 with its own worker zone inside its /16).
//
// Guard rails (assessNetwork): a registered block IS the authorisation to scan it, so
//  - a block that is, or contains any part of, the never-register list (ip.ts NEVER_REGISTER: "this
//    network", multicast, reserved/broadcast, link-local, the IPv6 unspecified and discard prefixes) is
//    refused outright — 0.0.0.0/0 and ::/0 included;
//  - a block with public (globally reachable) space in it, a block wider than the configured size
//    (default /16 for IPv4, /48 for IPv6: a /16 is already 65,536 hosts, a whole city's LAN), or a block
//    with loopback in it needs an explicit confirmation with a written reason. Loopback is the Perisai
//    server itself: a city has no reason to register it in production, but a test installation scans
//    127.0.0.1, so it is allowed when someone confirms it on purpose rather than refused outright.
//    The confirmation (who, when, why, and what it answered) is stored with the network.

import { cidrContains, hasPublicSpace, parseCidr, specialBlocksOf } from './ip.js';
import type { Cidr, SpecialBlock } from './ip.js';
import { PerisaiError, validationError } from './errors.js';

export interface Network {
  readonly id: string;
  readonly agencyId: string;
  /** Canonical CIDR text. */
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly label: string | null;
  /** Scan-worker zone that can reach this block (a worker inside the agency's segment); null = default. */
  readonly zone: string | null;
  /** Who authorised scanning this block (name and position), and when. */
  readonly authorisedBy: string;
  readonly authorisedAt: string;
  /** Reference of the authorisation document (surat/nota dinas number), if any. */
  readonly authorisationRef: string | null;
  /** Set when the block needed a confirmation (assessNetwork): who gave it, when, why, and for what. */
  readonly confirmation: NetworkConfirmation | null;
  readonly createdAt: string;
}

/** Why a block needs a confirmation before it is registered. */
export const NETWORK_CONCERNS = ['public', 'large', 'loopback'] as const;
export type NetworkConcern = (typeof NETWORK_CONCERNS)[number];

export interface NetworkConfirmation {
  /** The user (or CLI operator) who confirmed. */
  readonly by: string;
  readonly at: string;
  readonly reason: string;
  /** What was confirmed: the concerns the block raised when it was registered. */
  readonly concerns: readonly NetworkConcern[];
}

/** The sizes above which a block needs a confirmation: a prefix SHORTER than these is "large". */
export interface NetworkPolicy {
  readonly confirmPrefixV4: number;
  readonly confirmPrefixV6: number;
}

export const DEFAULT_NETWORK_POLICY: NetworkPolicy = { confirmPrefixV4: 16, confirmPrefixV6: 48 };

/** A confirmation's reason must say something: at least this many characters. */
export const MIN_CONFIRM_REASON = 10;
export const MAX_CONFIRM_REASON = 1000;

/** Check a policy's numbers (from a flag or the environment); E_VALIDATION naming the bad one. */
export function validateNetworkPolicy(p: { confirmPrefixV4?: unknown; confirmPrefixV6?: unknown }): NetworkPolicy {
  const one = (v: unknown, max: number, field: string, dflt: number): number => {
    if (v === undefined || v === '') return dflt;
    const n = typeof v === 'number' ? v : /^\d{1,3}$/.test(String(v)) ? Number(v) : Number.NaN;
    if (!Number.isInteger(n) || n < 0 || n > max) throw validationError(`${field}: a prefix length from 0 to ${max}, got ${JSON.stringify(v)}`, { field });
    return n;
  };
  return {
    confirmPrefixV4: one(p.confirmPrefixV4, 32, 'confirmPrefixV4', DEFAULT_NETWORK_POLICY.confirmPrefixV4),
    confirmPrefixV6: one(p.confirmPrefixV6, 128, 'confirmPrefixV6', DEFAULT_NETWORK_POLICY.confirmPrefixV6),
  };
}

/** What registering a block would mean: the concerns a confirmation must answer (none: register freely). */
export interface NetworkAssessment {
  readonly cidr: Cidr;
  readonly concerns: readonly NetworkConcern[];
  /** The loopback blocks it touches (for the message). */
  readonly special: readonly SpecialBlock[];
}

/**
 * Refused with this (E_VALIDATION, field `cidr`): the block is or contains part of a block that is never
 * scanned. `block` names that block, with what it is in both languages.
 */
export class NeverRegisterError extends PerisaiError {
  readonly block: SpecialBlock;
  /** How the refused block relates to the never-register block. */
  readonly relation: 'is' | 'contains' | 'inside';
  constructor(cidr: Cidr, b: SpecialBlock) {
    const relation = cidr.first === b.cidr.first && cidr.last === b.cidr.last ? 'is' : cidrContains(cidr, b.cidr) ? 'contains' : 'inside';
    super('E_VALIDATION', `cidr: ${cidr.text} ${relation === 'inside' ? 'is inside' : relation} ${b.cidr.text}, ${b.en}; Perisai never registers or scans that block`, {
      field: 'cidr', reason: 'never-scan', value: cidr.text, block: b.cidr.text, relation,
    });
    this.name = 'NeverRegisterError';
    this.block = b;
    this.relation = relation;
  }
}

/**
 * Refused with this (E_VALIDATION, field `confirmReason`): the block raises concerns and no (or no
 * usable) confirmation was given. `concerns` says which, so a form can ask for exactly that.
 */
export class NetworkConfirmationError extends PerisaiError {
  readonly concerns: readonly NetworkConcern[];
  constructor(cidr: string, concerns: readonly NetworkConcern[], policy: NetworkPolicy, what: 'missing' | 'short') {
    const why = concerns.map((c) => (c === 'public' ? 'contains public address space' : c === 'large' ? `is wider than /${cidr.includes(':') ? policy.confirmPrefixV6 : policy.confirmPrefixV4}` : 'contains loopback (the Perisai server itself)'));
    super('E_VALIDATION', what === 'missing'
      ? `confirmReason: ${cidr} ${why.join(' and ')}; registering it needs an administrator's confirmation with a written reason`
      : `confirmReason: the reason for confirming ${cidr} must be at least ${MIN_CONFIRM_REASON} characters`, {
      field: 'confirmReason', reason: what === 'missing' ? 'confirmation-required' : 'reason-too-short', value: cidr, concerns: concerns.join(','),
      limit: cidr.includes(':') ? policy.confirmPrefixV6 : policy.confirmPrefixV4,
    });
    this.name = 'NetworkConfirmationError';
    this.concerns = concerns;
  }
}

/**
 * Assess a block for registration: throws NeverRegisterError for the never list, else returns the
 * concerns (public space, wider than the policy's size, loopback) that need a confirmation.
 */
export function assessNetwork(cidrText: string | Cidr, policy: NetworkPolicy = DEFAULT_NETWORK_POLICY): NetworkAssessment {
  const cidr = typeof cidrText === 'string' ? parseCidr(cidrText) : cidrText;
  const special = specialBlocksOf(cidr);
  const never = special.find((b) => b.kind === 'never');
  if (never !== undefined) throw new NeverRegisterError(cidr, never);
  const concerns: NetworkConcern[] = [];
  if (hasPublicSpace(cidr)) concerns.push('public');
  if (cidr.prefix < (cidr.family === 4 ? policy.confirmPrefixV4 : policy.confirmPrefixV6)) concerns.push('large');
  const loopback = special.filter((b) => b.kind === 'loopback');
  if (loopback.length > 0) concerns.push('loopback');
  return { cidr, concerns, special: loopback };
}

/**
 * The confirmation to store for `a`, or null when the block needs none. Throws NetworkConfirmationError
 * when one is needed and `given` is missing or its reason too short.
 */
export function confirmationFor(a: NetworkAssessment, given: { by: string; reason: string } | null | undefined, at: string, policy: NetworkPolicy): NetworkConfirmation | null {
  if (a.concerns.length === 0) return null;
  if (given === null || given === undefined) throw new NetworkConfirmationError(a.cidr.text, a.concerns, policy, 'missing');
  const reason = given.reason.trim();
  if (reason.length < MIN_CONFIRM_REASON) throw new NetworkConfirmationError(a.cidr.text, a.concerns, policy, 'short');
  if (reason.length > MAX_CONFIRM_REASON) throw validationError(`confirmReason: at most ${MAX_CONFIRM_REASON} characters`, { field: 'confirmReason', reason: 'reason-too-long' });
  const by = given.by.trim();
  if (by === '') throw validationError('confirmedBy: who confirms is required', { field: 'confirmedBy' });
  return { by, at, reason, concerns: [...a.concerns] };
}

/**
 * A worker zone's name: letters, digits, `_` and `-`, 1 to 64 characters (docs/deploy.md "Workers"). It
 * becomes a pg-boss queue name (src/queue/pgboss.ts) and is typed again on `perisai worker --zone`, so
 * anything else (a space, a slash, a look-alike letter) would make a zone no worker can ever serve.
 */
export const ZONE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Check a zone name (null/undefined = the default zone); E_VALIDATION with a bilingual message otherwise. */
export function validateZone(zone: string | null | undefined, field = 'zone'): string | null {
  if (zone === null || zone === undefined) return null;
  if (!ZONE_NAME.test(zone)) {
    throw validationError(`${field}: nama zona hanya huruf, angka, _ dan -, 1 sampai 64 karakter / a zone name is letters, digits, _ and -, 1 to 64 characters, got ${JSON.stringify(zone)}`, { field, reason: 'zone-name' });
  }
  return zone;
}

export interface NetworkInput {
  readonly agencyId: string;
  readonly cidr: string;
  readonly label?: string | null;
  readonly zone?: string | null;
  readonly authorisedBy: string;
  /** ISO-8601 time of the authorisation. */
  readonly authorisedAt: string;
  readonly authorisationRef?: string | null;
  /** Needed when assessNetwork raises concerns: who confirms (user name) and why. */
  readonly confirmation?: { readonly by: string; readonly reason: string } | null;
}

/**
 * Check a registration: the block (never-register list, concerns and their confirmation, policy's sizes),
 * who authorised it and when. `now` is the confirmation's time.
 */
export function validateNetworkInput(input: NetworkInput, policy: NetworkPolicy = DEFAULT_NETWORK_POLICY, now: Date = new Date()): {
  cidr: Cidr; authorisedBy: string; authorisedAt: string; confirmation: NetworkConfirmation | null;
} {
  const assessment = assessNetwork(input.cidr, policy);
  // IPv6 blocks wider than /64 cannot be swept anyway (the engine caps IPv6 at /112); they are still
  // legitimate scope for listed or discovered hosts, so only the address family matters here.
  const authorisedBy = (input.authorisedBy ?? '').trim();
  if (authorisedBy.length === 0) throw validationError('authorisedBy: who authorised scanning this network is required', { field: 'authorisedBy' });
  const t = Date.parse(input.authorisedAt);
  if (Number.isNaN(t)) throw validationError(`authorisedAt: ${JSON.stringify(input.authorisedAt)} is not an ISO-8601 time`, { field: 'authorisedAt' });
  validateZone(input.zone);
  const confirmation = confirmationFor(assessment, input.confirmation, now.toISOString(), policy);
  return { cidr: assessment.cidr, authorisedBy, authorisedAt: new Date(t).toISOString(), confirmation };
}

export type OverlapVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'duplicate' | 'overlap'; readonly existing: { readonly id: string; readonly agencyId: string; readonly cidr: string } };

/**
 * Decide whether `candidate` (for agency `agencyId`) may be registered next to `existing` blocks that
 * overlap it. `isAncestor(a, b)` answers "is agency a a (strict) ancestor of agency b".
 */
export function checkNetworkOverlap(
  candidate: Cidr,
  agencyId: string,
  existing: readonly { id: string; agencyId: string; cidr: string }[],
  isAncestor: (ancestorId: string, descendantId: string) => boolean,
): OverlapVerdict {
  for (const e of existing) {
    const ec = parseCidr(e.cidr);
    if (ec.family !== candidate.family || ec.last < candidate.first || candidate.last < ec.first) continue;
    if (ec.first === candidate.first && ec.last === candidate.last) return { ok: false, reason: 'duplicate', existing: e };
    if (e.agencyId === agencyId) continue;
    const delegatedDown = cidrContains(ec, candidate) && isAncestor(e.agencyId, agencyId);
    const delegatedUp = cidrContains(candidate, ec) && isAncestor(agencyId, e.agencyId);
    if (!delegatedDown && !delegatedUp) return { ok: false, reason: 'overlap', existing: e };
  }
  return { ok: true };
}
