// The findings lifecycle as a pure state machine.
//
// Modelled on CISA CyHy's ticket manager (cyhy-core ticket_manager.py: OPENED, VERIFIED, REOPENED,
// CLOSED "not detected", false positives with an expiry that reverts itself) with one rule made strict: a finding is resolved ONLY on positive evidence — the check now says
// `not-vulnerable`, or the finding's port answered RST (confirmed closed). A host that is offline, a
// filtered port or an `unknown` verdict proves nothing and changes nothing; otherwise findings would
// flap every time a hospital PC is switched off for the night.
//
// Statuses: open | resolved | accepted-risk | false-positive.
//
//   from            input / action                 to               cause (event)
//   —               detected                       open             detected
//   open            detected                       open             — (seen again: lastSeen, timesSeen)
//   open            not-detected | port-closed     resolved         not-detected | port-closed
//   resolved        detected                       open             reappeared (reopenCount + 1)
//   accepted-risk,  detected                       (unchanged)      — (seen again)
//   false-positive  not-detected | port-closed     resolved         not-detected | port-closed (exception ends)
//   any             inconclusive (offline, unknown, filtered, not run)   (unchanged)    —
//   open, accepted-risk, false-positive   accept-risk / mark-false-positive   accepted-risk / false-positive   accepted-risk / false-positive
//   accepted-risk, false-positive         revoke                 open   exception-revoked
//   accepted-risk, false-positive         clock ≥ expiresAt      open   exception-expired
//
// Every status change is an event {at, from, to, cause}. "Seen again" is not a status change: it updates
// lastSeen and timesSeen but writes no event (one event per finding per scan would grow the log without
// bound on a daily schedule; lastSeen already carries CyHy's VERIFIED information).
//
// Re-delivery: an input carrying the job id the finding last processed is ignored, so applying the same
// scan twice counts once.

import { PerisaiError, validationError } from './errors.js';

export const FINDING_STATUSES = ['open', 'resolved', 'accepted-risk', 'false-positive'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];
const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1 };
export function severityRank(s: Severity): number {
  return SEVERITY_RANK[s];
}

export type Cause =
  | 'detected'
  | 'reappeared'
  | 'not-detected'
  | 'port-closed'
  | 'accepted-risk'
  | 'false-positive'
  | 'exception-revoked'
  | 'exception-expired';

export interface FindingEvent {
  readonly at: string;
  readonly from: FindingStatus | null;
  readonly to: FindingStatus;
  readonly cause: Cause;
  readonly jobId?: string;
  readonly actor?: string;
  readonly reason?: string;
}

export interface FindingException {
  readonly kind: 'accepted-risk' | 'false-positive';
  readonly reason: string;
  readonly by: string;
  readonly at: string;
  readonly expiresAt: string;
}

export interface FindingState {
  readonly status: FindingStatus;
  readonly severity: Severity;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly timesSeen: number;
  readonly resolvedAt: string | null;
  readonly reopenCount: number;
  readonly exception: FindingException | null;
  readonly evidence: unknown;
  readonly lastJobId: string | null;
}

/** What one scan says about the thing a finding tracks. */
export type FindingInput =
  | { readonly kind: 'detected'; readonly severity: Severity; readonly evidence?: unknown; readonly jobId?: string }
  /** The check ran and answered not-vulnerable: positive evidence of a fix. */
  | { readonly kind: 'not-detected'; readonly evidence?: unknown; readonly jobId?: string }
  /** The finding's port answered RST: positive evidence the service is gone. */
  | { readonly kind: 'port-closed'; readonly jobId?: string }
  /** Offline host, filtered port, `unknown` verdict, check not run: proves nothing. */
  | { readonly kind: 'inconclusive'; readonly why: 'offline' | 'filtered' | 'unknown' | 'not-run'; readonly jobId?: string };

export type FindingAction =
  | { readonly kind: 'accept-risk' | 'mark-false-positive'; readonly reason: string; readonly by: string; readonly expiresAt: string }
  | { readonly kind: 'revoke-exception'; readonly by: string; readonly reason?: string };

export interface Transition {
  readonly state: FindingState;
  /** Present when the status changed. */
  readonly event?: FindingEvent;
  /** true when the state changed at all (status, lastSeen, severity …) and must be written. */
  readonly changed: boolean;
}

/** Longest exception allowed: a year, so that every accepted risk is looked at again (CyHy FP expiry). */
export const MAX_EXCEPTION_DAYS = 365;

function iso(at: string | Date): string {
  const t = typeof at === 'string' ? Date.parse(at) : at.getTime();
  if (Number.isNaN(t)) throw validationError(`time ${JSON.stringify(at)} is not ISO-8601`, { field: 'at' });
  return new Date(t).toISOString();
}

function event(at: string, from: FindingStatus | null, to: FindingStatus, cause: Cause, extra: { jobId?: string | undefined; actor?: string; reason?: string | undefined } = {}): FindingEvent {
  return {
    at, from, to, cause,
    ...(extra.jobId !== undefined ? { jobId: extra.jobId } : {}),
    ...(extra.actor !== undefined ? { actor: extra.actor } : {}),
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
  };
}

/** A new finding from its first detection. */
export function openFinding(input: Extract<FindingInput, { kind: 'detected' }>, at: string | Date): Transition {
  const t = iso(at);
  const state: FindingState = {
    status: 'open', severity: input.severity, firstSeen: t, lastSeen: t, timesSeen: 1, resolvedAt: null, reopenCount: 0,
    exception: null, evidence: input.evidence ?? null, lastJobId: input.jobId ?? null,
  };
  return { state, event: event(t, null, 'open', 'detected', { jobId: input.jobId }), changed: true };
}

/** Apply what a scan observed. Never resolves on anything but positive evidence. */
export function applyInput(s: FindingState, input: FindingInput, at: string | Date): Transition {
  const t = iso(at);
  if (input.jobId !== undefined && input.jobId === s.lastJobId) return { state: s, changed: false };
  const jobId = input.jobId ?? s.lastJobId;
  switch (input.kind) {
    case 'inconclusive':
      return { state: s, changed: false };
    case 'detected': {
      const seen = { lastSeen: t > s.lastSeen ? t : s.lastSeen, timesSeen: s.timesSeen + 1, severity: input.severity, evidence: input.evidence ?? s.evidence, lastJobId: jobId };
      if (s.status === 'resolved') {
        const state: FindingState = { ...s, ...seen, status: 'open', resolvedAt: null, reopenCount: s.reopenCount + 1 };
        return { state, event: event(t, 'resolved', 'open', 'reappeared', { jobId: input.jobId }), changed: true };
      }
      return { state: { ...s, ...seen }, changed: true };
    }
    case 'not-detected':
    case 'port-closed': {
      if (s.status === 'resolved') return { state: s, changed: false };
      const state: FindingState = {
        ...s, status: 'resolved', resolvedAt: t, exception: null, lastJobId: jobId,
        evidence: input.kind === 'not-detected' && input.evidence !== undefined ? input.evidence : s.evidence,
      };
      return { state, event: event(t, s.status, 'resolved', input.kind, { jobId: input.jobId }), changed: true };
    }
  }
}

/** A person's decision on a finding. Throws E_VALIDATION for bad input, E_CONFLICT when the status forbids it. */
export function applyAction(s: FindingState, action: FindingAction, at: string | Date): Transition {
  const t = iso(at);
  const by = action.by.trim();
  if (by === '') throw validationError('by: who takes this decision is required', { field: 'by' });
  if (action.kind === 'revoke-exception') {
    if (s.status !== 'accepted-risk' && s.status !== 'false-positive') {
      throw new PerisaiError('E_CONFLICT', `the finding is ${s.status}, there is no exception to revoke`, { status: s.status });
    }
    return { state: { ...s, status: 'open', exception: null }, event: event(t, s.status, 'open', 'exception-revoked', { actor: by, reason: action.reason }), changed: true };
  }
  const reason = action.reason.trim();
  if (reason === '') throw validationError('reason: an exception needs a reason', { field: 'reason' });
  const expires = iso(action.expiresAt);
  if (expires <= t) throw validationError('expiresAt: must be in the future', { field: 'expiresAt' });
  if (Date.parse(expires) - Date.parse(t) > MAX_EXCEPTION_DAYS * 86_400_000) {
    throw validationError(`expiresAt: at most ${MAX_EXCEPTION_DAYS} days ahead; renew it when it runs out`, { field: 'expiresAt' });
  }
  if (s.status === 'resolved') throw new PerisaiError('E_CONFLICT', 'the finding is resolved; an exception applies only to an unresolved finding', { status: s.status });
  const to: FindingStatus = action.kind === 'accept-risk' ? 'accepted-risk' : 'false-positive';
  const state: FindingState = { ...s, status: to, exception: { kind: to, reason, by, at: t, expiresAt: expires } };
  return { state, event: event(t, s.status, to, to, { actor: by, reason }), changed: true };
}

/** The clock: an exception whose expiry has passed reverts the finding to open by itself. */
export function expireException(s: FindingState, now: string | Date): Transition {
  const t = iso(now);
  if ((s.status === 'accepted-risk' || s.status === 'false-positive') && s.exception !== null && s.exception.expiresAt <= t) {
    return {
      state: { ...s, status: 'open', exception: null },
      event: event(t, s.status, 'open', 'exception-expired', { reason: s.exception.reason }),
      changed: true,
    };
  }
  return { state: s, changed: false };
}

/** Stable identity of a finding: one per (asset, rule, port). Readable on purpose (it appears in exports). */
export function findingFingerprint(assetId: string, ruleId: string, port: number): string {
  return `${assetId}|${ruleId}|${port}`;
}
