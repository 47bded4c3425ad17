// Store-specific typed errors. All are PerisaiErrors with one of the closed codes (domain/errors.ts);
// subclasses only add structured detail a caller may want to show.

import { PerisaiError } from '../domain/errors.js';

export interface NetworkConflict {
  readonly networkId: string;
  readonly cidr: string;
  readonly agencyId: string;
  readonly agencyCode: string;
  readonly agencyName: string;
}

/** Registering a network that duplicates or overlaps another agency's network. Code E_CONFLICT. */
export class NetworkOverlapError extends PerisaiError {
  readonly conflict: NetworkConflict;
  readonly reason: 'duplicate' | 'overlap';

  constructor(cidr: string, reason: 'duplicate' | 'overlap', conflict: NetworkConflict) {
    const msg =
      reason === 'duplicate'
        ? `network ${cidr} is already registered to ${conflict.agencyCode} (${conflict.agencyName})`
        : `network ${cidr} overlaps ${conflict.cidr}, registered to ${conflict.agencyCode} (${conflict.agencyName}); two agencies cannot both claim a host`;
    super('E_CONFLICT', msg, { cidr, reason, conflict: { ...conflict } });
    this.name = 'NetworkOverlapError';
    this.conflict = conflict;
    this.reason = reason;
  }
}
