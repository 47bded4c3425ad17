// Probe outcomes: what one short conversation with a host produced (after
// zgrab2's status vocabulary). A probe never throws across its boundary: it resolves to
// `success` with typed data, or to a failure kind with a message, the step it was at and whatever
// it had learned before (`partial`). Checks turn failures into `unknown`, never `not-vulnerable`
// (docs/smb-detection.md §0 result vocabulary, §5.4).
//
// Everything in an outcome is JSON-serialisable (numbers, strings, hex), so outcomes can be
// stored as evidence as they are.

import { DialError } from '../net/dialer.js';
import { DecodeError } from '../protocols/bytes/errors.js';
import { toHex } from '../protocols/bytes/hex.js';

/**
 * - connection-refused: RST to our SYN (or ICMP port unreachable for UDP).
 * - connection-timeout: the TCP handshake did not complete before the deadline.
 * - connection-closed: the server closed (FIN) or reset (RST) an established connection.
 * - io-timeout: connected, but the answer was not complete before the deadline (stall, trickle).
 * - unreachable: no route / host unreachable.
 * - protocol-error: the server answered with something we cannot accept (garbage, wrong command
 *   or MID, oversized length, decode error).
 * - blocked-by-scope: the scope refused the address; nothing was sent.
 * - aborted: the caller's AbortSignal (or the host deadline) stopped the probe.
 * - unknown-error: a local error we could not classify.
 */
export type ProbeFailureStatus =
  | 'connection-refused'
  | 'connection-timeout'
  | 'connection-closed'
  | 'io-timeout'
  | 'unreachable'
  | 'protocol-error'
  | 'blocked-by-scope'
  | 'aborted'
  | 'unknown-error';

export interface ProbeSuccess<T> {
  readonly status: 'success';
  readonly data: T;
  readonly elapsedMs: number;
}

export interface ProbeFailure<T> {
  readonly status: ProbeFailureStatus;
  readonly error: string;
  /** The conversation step that failed (`connect`, `negotiate`, `session`, `peek`, …). */
  readonly step: string;
  /** What was learned before the failure (same shape as the success data, fields optional). */
  readonly partial?: T;
  readonly elapsedMs: number;
}

export type ProbeOutcome<T> = ProbeSuccess<T> | ProbeFailure<T>;

/** Thrown inside probes only; `runProbe` turns it into a ProbeFailure. */
export class ProbeError extends Error {
  constructor(
    readonly kind: ProbeFailureStatus,
    message: string,
    readonly step: string,
  ) {
    super(message);
    this.name = 'ProbeError';
  }
}

/** Maps anything thrown during a conversation to a ProbeError (never throws itself). */
export function toProbeError(err: unknown, step: string): ProbeError {
  if (err instanceof ProbeError) return err;
  if (err instanceof DialError) {
    switch (err.code) {
      case 'E_SCOPE_DENIED':
        return new ProbeError('blocked-by-scope', err.message, 'connect');
      case 'E_TIMEOUT':
        return new ProbeError('connection-timeout', err.message, 'connect');
      case 'E_REFUSED':
        return new ProbeError('connection-refused', err.message, 'connect');
      case 'E_UNREACHABLE':
        return new ProbeError('unreachable', err.message, 'connect');
      case 'E_ABORTED':
        return new ProbeError('aborted', err.message, 'connect');
      default: {
        const code = (err.cause as NodeJS.ErrnoException | undefined)?.code;
        if (code === 'ECONNRESET' || code === 'EPIPE') return new ProbeError('connection-closed', err.message, 'connect');
        if (code === 'EHOSTDOWN') return new ProbeError('unreachable', err.message, 'connect');
        return new ProbeError('unknown-error', err.message, 'connect');
      }
    }
  }
  if (err instanceof DecodeError) return new ProbeError('protocol-error', `malformed answer: ${err.message}`, step);
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNRESET' || e?.code === 'EPIPE') return new ProbeError('connection-closed', `connection reset (${e.code})`, step);
  return new ProbeError('unknown-error', e instanceof Error ? e.message : String(err), step);
}

/**
 * Runs a probe body and converts a thrown ProbeError into a failure outcome carrying `partial`
 * (the body fills `partial` as it goes). The body's own exceptions of any type end up here too,
 * so a probe cannot throw to its caller.
 */
export async function runProbe<T>(partial: T, body: (partial: T) => Promise<void>): Promise<ProbeOutcome<T>> {
  const t0 = performance.now();
  try {
    await body(partial);
    return { status: 'success', data: partial, elapsedMs: Math.round(performance.now() - t0) };
  } catch (err) {
    const pe = toProbeError(err, 'internal');
    return { status: pe.kind, error: pe.message, step: pe.step, partial, elapsedMs: Math.round(performance.now() - t0) };
  }
}

/** Largest raw message kept as hex evidence (bytes); longer messages are cut and marked. */
export const MAX_EVIDENCE_BYTES = 512;

/** Hex for evidence, capped: `…` marks a cut. */
export function evidenceHex(bytes: Uint8Array, max = MAX_EVIDENCE_BYTES): string {
  return bytes.length <= max ? toHex(bytes) : `${toHex(bytes.subarray(0, max))}…(+${bytes.length - max} bytes)`;
}
