// Registered networks: an agency's scan scope. A block is registered with who authorised scanning it and
// when (CyHy enrols an organisation's networks with a signed acceptance letter; product-context §5 item 5),
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

import { cidrContains, parseCidr } from './ip.js';
import type { Cidr } from './ip.js';
import { validationError } from './errors.js';

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
  readonly createdAt: string;
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
}

export function validateNetworkInput(input: NetworkInput): { cidr: Cidr; authorisedBy: string; authorisedAt: string } {
  const cidr = parseCidr(input.cidr);
  // IPv6 blocks wider than /64 cannot be swept anyway (the engine caps IPv6 at /112); they are still
  // legitimate scope for listed or discovered hosts, so only the address family matters here.
  const authorisedBy = (input.authorisedBy ?? '').trim();
  if (authorisedBy.length === 0) throw validationError('authorisedBy: who authorised scanning this network is required', { field: 'authorisedBy' });
  const t = Date.parse(input.authorisedAt);
  if (Number.isNaN(t)) throw validationError(`authorisedAt: ${JSON.stringify(input.authorisedAt)} is not an ISO-8601 time`, { field: 'authorisedAt' });
  return { cidr, authorisedBy, authorisedAt: new Date(t).toISOString() };
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
