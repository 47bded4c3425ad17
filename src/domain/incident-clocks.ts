// Incident clocks as data (docs/incidents.md "Clocks"). Each clock starts at a moment of the incident,
// is due a fixed or configured time later, warns before it is due, and is met by another moment:
//
//   bssn-report      IIV incident → report to the sector TTIS, copy to the national one, due 1×24 h
//                    after the incident was found (Peraturan BSSN 1/2024 Pasal 15(5)–(6)); met by the
//                    initial BSSN report being sent.
//   pdp-notice       personal data may be exposed → written notice to the data subjects and the PDP
//                    authority due 3×24 h after (UU 27/2022 Pasal 46(1)); met by the notice being sent.
//   acknowledge      internal: a responder acknowledges the first report (triage).
//   first-response   internal: a responder's first action (a message to the reporter, a playbook step, a
//                    scan, containment).
//   containment      internal: the incident is contained (its phase moves beyond containment).
//
// The internal targets are a policy the city sets (ClockPolicy); the regulatory ones are law. Everything
// here is pure: the sweep (src/api/incident-sweep.ts) calls clocksOf with the time, and fires
// `clockEvents` through the alert outbox.

import { validationError } from './errors.js';
import type { Text } from './incident.js';

export type ClockId = 'bssn-report' | 'pdp-notice' | 'acknowledge' | 'first-response' | 'containment';

/** The moments of an incident the clocks read (ISO times or null). */
export interface ClockInput {
  readonly foundAt: string;
  /** The first report received (or the incident's creation when nobody reported it). */
  readonly reportedAt: string;
  readonly acknowledgedAt: string | null;
  readonly firstResponseAt: string | null;
  readonly containedAt: string | null;
  readonly bssnReportSentAt: string | null;
  readonly pdpNoticeSentAt: string | null;
  readonly closedAt: string | null;
  readonly vital: boolean;
  readonly personalData: boolean;
}

type Moment = 'foundAt' | 'reportedAt' | 'acknowledgedAt' | 'firstResponseAt' | 'containedAt' | 'bssnReportSentAt' | 'pdpNoticeSentAt';

export interface ClockPolicy {
  readonly acknowledgeMs: number;
  readonly firstResponseMs: number;
  readonly containmentMs: number;
  /** Internal clocks warn when this fraction of their window is left (0.25 = the last quarter). */
  readonly warnFraction: number;
}

/**
 * Defaults: acknowledge within 30 minutes, first response within the hour (CISA's federal incident
 * notification guideline uses one hour for reporting), contained within 8 hours.
 */
export const DEFAULT_CLOCK_POLICY: ClockPolicy = { acknowledgeMs: 30 * 60_000, firstResponseMs: 60 * 60_000, containmentMs: 8 * 3600_000, warnFraction: 0.25 };

export function validateClockPolicy(p: Partial<ClockPolicy>): ClockPolicy {
  const out = { ...DEFAULT_CLOCK_POLICY, ...p };
  for (const k of ['acknowledgeMs', 'firstResponseMs', 'containmentMs'] as const) {
    const v = out[k];
    if (!Number.isInteger(v) || v < 60_000 || v > 30 * 86_400_000) throw validationError(`${k}: between one minute and 30 days, in milliseconds`, { field: k });
  }
  if (!(out.warnFraction > 0 && out.warnFraction < 1)) throw validationError('warnFraction: between 0 and 1', { field: 'warnFraction' });
  return out;
}

export interface ClockDef {
  readonly id: ClockId;
  readonly kind: 'regulatory' | 'internal';
  readonly title: Text;
  /** The rule it enforces, for the report and the UI. */
  readonly basis: string;
  readonly appliesWhen: 'always' | 'vital' | 'personal-data';
  readonly start: Moment;
  readonly metBy: Moment;
  readonly duration: { readonly fixedMs: number; readonly warnBeforeMs: number } | { readonly policy: 'acknowledgeMs' | 'firstResponseMs' | 'containmentMs' };
}

const H = 3600_000;

export const CLOCK_DEFS: readonly ClockDef[] = [
  {
    id: 'bssn-report', kind: 'regulatory', appliesWhen: 'vital', start: 'foundAt', metBy: 'bssnReportSentAt', duration: { fixedMs: 24 * H, warnBeforeMs: 6 * H },
    title: { id: 'Laporan ke TTIS sektor (tembusan TTIS nasional) 1×24 jam', en: 'Report to the sector TTIS (copy to the national TTIS) within 1×24 h' },
    basis: 'Peraturan BSSN No. 1 Tahun 2024 Pasal 15 ayat (5)–(6)',
  },
  {
    id: 'pdp-notice', kind: 'regulatory', appliesWhen: 'personal-data', start: 'foundAt', metBy: 'pdpNoticeSentAt', duration: { fixedMs: 72 * H, warnBeforeMs: 12 * H },
    title: { id: 'Pemberitahuan kegagalan pelindungan data pribadi 3×24 jam', en: 'Personal-data breach notice within 3×24 h' },
    basis: 'UU No. 27 Tahun 2022 Pasal 46 ayat (1)',
  },
  {
    id: 'acknowledge', kind: 'internal', appliesWhen: 'always', start: 'reportedAt', metBy: 'acknowledgedAt', duration: { policy: 'acknowledgeMs' },
    title: { id: 'Laporan ditanggapi (diakui)', en: 'Report acknowledged' }, basis: 'internal target',
  },
  {
    id: 'first-response', kind: 'internal', appliesWhen: 'always', start: 'reportedAt', metBy: 'firstResponseAt', duration: { policy: 'firstResponseMs' },
    title: { id: 'Respons pertama', en: 'First response' }, basis: 'internal target',
  },
  {
    id: 'containment', kind: 'internal', appliesWhen: 'always', start: 'foundAt', metBy: 'containedAt', duration: { policy: 'containmentMs' },
    title: { id: 'Insiden tertahan (containment)', en: 'Incident contained' }, basis: 'internal target',
  },
];

export const CLOCK_STATES = ['running', 'warning', 'breached', 'met', 'met-late', 'stopped'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

export interface Clock {
  readonly id: ClockId;
  readonly kind: 'regulatory' | 'internal';
  readonly title: Text;
  readonly basis: string;
  readonly startAt: string;
  readonly dueAt: string;
  readonly warnAt: string;
  readonly metAt: string | null;
  /**
   * running: not due, not met · warning: past warnAt · breached: past due, not met · met: met in time ·
   * met-late: met after the due time · stopped: the incident closed before the clock was met or due.
   */
  readonly state: ClockState;
}

function windowOf(def: ClockDef, policy: ClockPolicy): { ms: number; warnBeforeMs: number } {
  if ('fixedMs' in def.duration) return { ms: def.duration.fixedMs, warnBeforeMs: def.duration.warnBeforeMs };
  const ms = policy[def.duration.policy];
  return { ms, warnBeforeMs: Math.round(ms * policy.warnFraction) };
}

function applies(def: ClockDef, i: ClockInput): boolean {
  return def.appliesWhen === 'always' || (def.appliesWhen === 'vital' ? i.vital : i.personalData);
}

/** The clocks that apply to the incident, with their state at `now`. */
export function clocksOf(input: ClockInput, policy: ClockPolicy, now: Date): Clock[] {
  const t = now.getTime();
  const out: Clock[] = [];
  for (const def of CLOCK_DEFS) {
    if (!applies(def, input)) continue;
    const start = Date.parse(input[def.start] as string);
    const { ms, warnBeforeMs } = windowOf(def, policy);
    const due = start + ms;
    const warn = due - warnBeforeMs;
    const metAt = input[def.metBy];
    const met = metAt === null ? null : Date.parse(metAt);
    const closed = input.closedAt === null ? null : Date.parse(input.closedAt);
    let state: ClockState;
    if (met !== null) state = met <= due ? 'met' : 'met-late';
    else if (closed !== null && closed <= due) state = 'stopped';
    else {
      // A closed incident's unmet clock stays as it was at closing: breached if it was due by then.
      const at = closed ?? t;
      state = at >= due ? 'breached' : at >= warn ? 'warning' : 'running';
    }
    out.push({
      id: def.id, kind: def.kind, title: def.title, basis: def.basis,
      startAt: new Date(start).toISOString(), dueAt: new Date(due).toISOString(), warnAt: new Date(warn).toISOString(), metAt: metAt ?? null, state,
    });
  }
  return out;
}

export interface ClockEvent {
  readonly clockId: ClockId;
  readonly event: 'warning' | 'breached';
  readonly clock: Clock;
}

/**
 * What to announce now, given what was announced before (`fired`: "clockId:warning" / "clockId:breached").
 * A clock that went past its due time unseen (the sweep was not running) announces the breach only.
 */
export function clockEvents(clocks: readonly Clock[], fired: ReadonlySet<string>): ClockEvent[] {
  const out: ClockEvent[] = [];
  for (const c of clocks) {
    if (c.state === 'breached' && !fired.has(`${c.id}:breached`)) out.push({ clockId: c.id, event: 'breached', clock: c });
    else if (c.state === 'warning' && !fired.has(`${c.id}:warning`)) out.push({ clockId: c.id, event: 'warning', clock: c });
  }
  return out;
}
