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

/**
 * The database was busy, not broken: another writer held SQLite's single write lock for longer than
 * busy_timeout (SQLITE_BUSY, SQLITE_LOCKED), or PostgreSQL gave up on a lock or a serialisable snapshot
 * (40001 serialization_failure, 40P01 deadlock_detected, 55P03 lock_not_available). The same work run
 * again a moment later succeeds; background loops retry it (retryOnBusy) instead of dropping it.
 */
export function isBusy(e: unknown): boolean {
  const code = e instanceof PerisaiError ? e.details.driverCode : (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^SQLITE_(BUSY|LOCKED)/.test(code) || code === '40001' || code === '40P01' || code === '55P03');
}

export interface BusyRetry {
  /** Attempts in all (default 8). */
  readonly attempts?: number;
  /** First wait; doubled after each busy attempt, with jitter (default 50 ms). */
  readonly baseMs?: number;
  /** Longest single wait (default 5 s). */
  readonly capMs?: number;
  /** Told before each wait (a log line). */
  readonly onBusy?: (attempt: number, waitMs: number, e: unknown) => void;
  /** Stops the waiting early (the loop is shutting down); the last error is thrown. */
  readonly signal?: AbortSignal;
}

/** Wait `ms`, or less when `signal` aborts. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Run `fn`; when it fails because the database was busy (isBusy), wait with exponential back-off and
 * run it again, up to `attempts` times. Any other error, and the last busy one, is thrown. `fn` must be
 * safe to run again: every repository write is one transaction, rolled back whole when it fails.
 */
export async function retryOnBusy<T>(fn: () => Promise<T>, opts: BusyRetry = {}): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 8);
  const base = opts.baseMs ?? 50;
  const cap = opts.capMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isBusy(e) || attempt >= attempts || opts.signal?.aborted) throw e;
      const wait = Math.min(cap, base * 2 ** (attempt - 1)) * (0.75 + Math.random() / 2);
      opts.onBusy?.(attempt, Math.round(wait), e);
      await pause(wait, opts.signal);
    }
  }
}
