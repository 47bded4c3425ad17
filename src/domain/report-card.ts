// Report cards (rapor) per agency and the city roll-up (docs/pdf.md, "Report cards";
// the figures follow what CISA's Cyber Hygiene reports measure, cisagov/cyhy-reports). Pure: the store gathers the findings with
// their status history, the networks with their scan times, the checklist rows and the acknowledgements;
// this file computes every figure, and the PDF/XLSX renderers (src/io) only print them.
//
//  - exposure now versus at the start (the circular's sending, or the period's start): findings open at
//    each instant, read from the status history (finding_events), so a finding resolved and reopened is
//    counted where it really stood; "% closed" = of those open at the start, the share not open now
//    (CyHy's "criticals at BOD start now closed");
//  - open findings by age since first detection in CyHy's buckets <7, 7–15, 15–30, 30–90, >90 days, and
//    overdue at 15 days for critical and 30 days for high (cyhy-reports generate_cybex_scorecard.py:
//    DAYS_UNTIL_OVERDUE_CRITICAL = 15, DAYS_UNTIL_OVERDUE_HIGH = 30; BOD 19-02);
//  - checklist completion, the verified share of the checkable items, discrepancies (contradicted);
//  - time to acknowledge (sending → named acknowledgement) and time to remediate (each open → resolved
//    transition that ended in the period), median and P90; a circular's card measures both from the
//    circular's sending (`remediationFrom: 'since'`: a finding already open then counts from the sending,
//    since that is when the agency was asked to act) and counts only the findings of the circular's scan
//    rules (`rules`: the exposure the circular is about);
//  - coverage: networks with a completed scan in the last 14 days (CyHy CURRENTLY_SCANNED_DAYS);
//  - the trend against the previous card: the same figures at the previous card's instant, recomputed from
//    the same history (no stored snapshot to drift from the data).
//
// Percentiles interpolate linearly between the closest ranks (Hyndman–Fan type 7, the default of R and
// NumPy): P50 of [1, 2, 3, 4] is 2.5, P90 of 1…10 is 9.1.

import type { FindingStatus, Severity } from './finding.js';
import type { Text } from './incident.js';

export const DAY_MS = 86_400_000;
export const OVERDUE_DAYS: Readonly<Partial<Record<Severity, number>>> = { critical: 15, high: 30 };
export const CURRENTLY_SCANNED_DAYS = 14;

export const AGE_BUCKETS = [
  { key: 'lt7', fromDays: 0, toDays: 7, label: { id: '< 7 hari', en: '< 7 days' } },
  { key: '7-15', fromDays: 7, toDays: 15, label: { id: '7–15 hari', en: '7–15 days' } },
  { key: '15-30', fromDays: 15, toDays: 30, label: { id: '15–30 hari', en: '15–30 days' } },
  { key: '30-90', fromDays: 30, toDays: 90, label: { id: '30–90 hari', en: '30–90 days' } },
  { key: 'gt90', fromDays: 90, toDays: Infinity, label: { id: '> 90 hari', en: '> 90 days' } },
] as const satisfies readonly { key: string; fromDays: number; toDays: number; label: Text }[];
export type AgeBucketKey = (typeof AGE_BUCKETS)[number]['key'];

// ---- input -------------------------------------------------------------------------------------------------

export interface CardFinding {
  readonly id: string;
  readonly agencyId: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly firstSeen: string;
  /** Status changes, oldest first (finding_events: the first one opens the finding). */
  readonly history: readonly { readonly at: string; readonly to: FindingStatus }[];
}

export interface CardNetwork {
  readonly id: string;
  readonly agencyId: string;
  readonly cidr: string;
  /** Finish times of the completed scans that covered it (any order). */
  readonly scannedAt: readonly string[];
}

export type CardVerification = 'verified' | 'contradicted' | 'unverifiable' | 'pending';

/** One agency × checklist item, as the circular's board has it. */
export interface CardChecklistRow {
  readonly agencyId: string;
  readonly code: string;
  readonly title: Text;
  readonly required: boolean;
  /** A `scan` item (the network can verify it). */
  readonly checkable: boolean;
  readonly status: string | null;
  readonly verification: CardVerification;
  /** Attested and, where checkable, verified (src/domain/circular.ts isComplete). */
  readonly complete: boolean;
  /** The offending hosts of a contradicted item (the board lists the first 25) … */
  readonly hosts: readonly string[];
  /** … and how many there are in all (default: the hosts listed). */
  readonly hostCount?: number;
}

export interface CardAcknowledgement {
  readonly agencyId: string;
  readonly sentAt: string;
  readonly acknowledgedAt: string | null;
}

export interface CardAgency {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

export interface ReportCardInput {
  /** The agency of the card; null for the city roll-up. */
  readonly agency: CardAgency | null;
  readonly asOf: string;
  /** The start the exposure is compared with (the circular's sending) and the remediation period's start. */
  readonly since: string;
  /** The previous card's instant (e.g. a week earlier), for the trend; null = no trend. */
  readonly previousAsOf: string | null;
  readonly findings: readonly CardFinding[];
  readonly networks: readonly CardNetwork[];
  /** null when the card is not tied to a circular. */
  readonly checklist: readonly CardChecklistRow[] | null;
  readonly acknowledgements: readonly CardAcknowledgement[];
  /** What the card is about, e.g. the circular's number and subject. */
  readonly title?: Text | null;
  /** Count only findings of these rules (a circular's scan rules); null/absent = every finding. */
  readonly rules?: readonly string[] | null;
  /** Time to remediate from each finding's opening (default) or from `since` when it opened earlier. */
  readonly remediationFrom?: 'opened' | 'since';
}

// ---- statistics ------------------------------------------------------------------------------------------

/** Quantile q ∈ [0, 1] of ascending values, linear between the closest ranks (type 7); null for none. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface Spread {
  readonly n: number;
  readonly median: number | null;
  readonly p90: number | null;
  readonly max: number | null;
}

const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export function spread(values: readonly number[]): Spread {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: round1(quantile(s, 0.5)), p90: round1(quantile(s, 0.9)), max: round1(s.length === 0 ? null : s[s.length - 1]!) };
}

// ---- the history ---------------------------------------------------------------------------------------------

/** The finding's status at instant `t` (ms), or null when it did not exist yet. */
export function statusAt(f: CardFinding, t: number): FindingStatus | null {
  let s: FindingStatus | null = null;
  for (const e of f.history) {
    if (Date.parse(e.at) > t) break;
    s = e.to;
  }
  // A finding with no recorded history existed from its first detection in its current status.
  if (f.history.length === 0 && Date.parse(f.firstSeen) <= t) return f.status;
  return s;
}

/**
 * Durations (days) of each open → resolved run that ended in (from, to]; with `clampToFrom`, a run that
 * opened before `from` counts from `from` (a circular's card: from the moment the agency was asked).
 */
export function remediationDays(f: CardFinding, from: number, to: number, clampToFrom = false): number[] {
  const out: number[] = [];
  let openedAt: number | null = null;
  for (const e of f.history) {
    const at = Date.parse(e.at);
    if (e.to === 'open') openedAt ??= at;
    else if (e.to === 'resolved' && openedAt !== null) {
      if (at > from && at <= to) out.push((at - (clampToFrom ? Math.max(openedAt, from) : openedAt)) / DAY_MS);
      openedAt = null;
    } else openedAt = null; // an exception ends the run without a fix
  }
  return out;
}

export interface SeverityCounts {
  readonly total: number;
  readonly critical: number;
  readonly high: number;
  readonly medium: number;
  readonly low: number;
}

function counts(fs: readonly CardFinding[]): SeverityCounts {
  const c = { total: fs.length, critical: 0, high: 0, medium: 0, low: 0 };
  for (const f of fs) c[f.severity]++;
  return c;
}

function ageDays(f: CardFinding, t: number): number {
  return (t - Date.parse(f.firstSeen)) / DAY_MS;
}

function isOverdue(f: CardFinding, t: number): boolean {
  const limit = OVERDUE_DAYS[f.severity];
  return limit !== undefined && ageDays(f, t) > limit;
}

/** The figures that exist at any instant (so the trend can compare two of them). */
export function snapshot(findings: readonly CardFinding[], networks: readonly CardNetwork[], t: number) {
  const open = findings.filter((f) => statusAt(f, t) === 'open');
  const windowStart = t - CURRENTLY_SCANNED_DAYS * DAY_MS;
  const scanned = networks.filter((n) => n.scannedAt.some((s) => { const x = Date.parse(s); return x > windowStart && x <= t; }));
  return {
    open: counts(open),
    overdue: { critical: open.filter((f) => f.severity === 'critical' && isOverdue(f, t)).length, high: open.filter((f) => f.severity === 'high' && isOverdue(f, t)).length },
    coverage: { networks: networks.length, scanned: scanned.length, share: networks.length === 0 ? null : scanned.length / networks.length, stale: networks.filter((n) => !scanned.includes(n)).map((n) => n.cidr).sort() },
    openIds: new Set(open.map((f) => f.id)),
    openFindings: open,
  };
}

// ---- the card ------------------------------------------------------------------------------------------------

function checklistFigures(rows: readonly CardChecklistRow[]) {
  const checkable = rows.filter((r) => r.checkable);
  const attestedCheckable = checkable.filter((r) => r.verification !== 'pending');
  const verified = checkable.filter((r) => r.verification === 'verified').length;
  const contradicted = rows.filter((r) => r.verification === 'contradicted');
  return {
    items: rows.length,
    complete: rows.filter((r) => r.complete).length,
    completeShare: rows.length === 0 ? null : rows.filter((r) => r.complete).length / rows.length,
    requiredOpen: rows.filter((r) => r.required && !r.complete).length,
    checkable: checkable.length,
    attestedCheckable: attestedCheckable.length,
    verified,
    /** Of the checkable items, the share the network has verified. */
    verifiedShare: checkable.length === 0 ? null : verified / checkable.length,
    unverifiable: checkable.filter((r) => r.verification === 'unverifiable').length,
    discrepancies: contradicted.length,
    /** Offending hosts over every contradicted item (each counted once per item). */
    discrepancyHosts: contradicted.reduce((n, r) => n + (r.hostCount ?? r.hosts.length), 0),
    contradicted: contradicted.map((r) => ({ agencyId: r.agencyId, code: r.code, title: r.title, hosts: [...r.hosts], hostCount: r.hostCount ?? r.hosts.length })),
    rows: rows.map((r) => ({ agencyId: r.agencyId, code: r.code, title: r.title, required: r.required, checkable: r.checkable, status: r.status, verification: r.verification, complete: r.complete })),
  };
}

function delta(now: number | null, before: number | null): number | null {
  return now === null || before === null ? null : Math.round((now - before) * 1000) / 1000;
}

/** Compute a report card (an agency's, or the city's when `agency` is null) from its data. */
export function computeReportCard(input: ReportCardInput) {
  const asOf = Date.parse(input.asOf);
  const since = Date.parse(input.since);
  if (Number.isNaN(asOf) || Number.isNaN(since)) throw new RangeError('asOf and since must be instants');
  const rules = input.rules === undefined || input.rules === null ? null : [...new Set(input.rules)].sort();
  const findings = rules === null ? input.findings : input.findings.filter((f) => rules.includes(f.ruleId));
  const fromSince = input.remediationFrom === 'since';
  const now = snapshot(findings, input.networks, asOf);
  const start = snapshot(findings, [], since);
  const closedSinceStart = [...start.openIds].filter((id) => !now.openIds.has(id)).length;
  const startCritical = start.openFindings.filter((f) => f.severity === 'critical');
  const buckets = AGE_BUCKETS.map((b) => {
    const inBucket = now.openFindings.filter((f) => { const a = ageDays(f, asOf); return a >= b.fromDays && a < b.toDays; });
    return { key: b.key, label: b.label, ...counts(inBucket) };
  });
  const remediation = spread(findings.flatMap((f) => remediationDays(f, since, asOf, fromSince)));
  const acks = input.acknowledgements;
  const ackHours = acks.filter((a) => a.acknowledgedAt !== null).map((a) => Math.max(0, (Date.parse(a.acknowledgedAt!) - Date.parse(a.sentAt)) / 3_600_000));
  const previous = input.previousAsOf === null ? null : snapshot(findings, input.networks, Date.parse(input.previousAsOf));
  const closedShare = start.openIds.size === 0 ? null : closedSinceStart / start.openIds.size;
  const prevClosedShare = previous === null || start.openIds.size === 0 ? null : [...start.openIds].filter((id) => !previous.openIds.has(id)).length / start.openIds.size;
  return {
    format: 'perisai.report-card' as const,
    formatVersion: 1,
    agency: input.agency,
    title: input.title ?? null,
    /** The finding rules counted (null: all). */
    rules,
    /** Where time to remediate and to acknowledge start: each finding's opening, or the circular's sending. */
    measuredFrom: fromSince ? 'since' as const : 'opened' as const,
    asOf: new Date(asOf).toISOString(),
    since: new Date(since).toISOString(),
    exposure: {
      atStart: start.open,
      now: now.open,
      closedSinceStart,
      closedShare,
      criticalAtStart: startCritical.length,
      criticalAtStartClosed: startCritical.filter((f) => !now.openIds.has(f.id)).length,
      newSinceStart: [...now.openIds].filter((id) => !start.openIds.has(id)).length,
    },
    age: {
      buckets,
      overdue: { critical: now.overdue.critical, high: now.overdue.high, total: now.overdue.critical + now.overdue.high, criticalDays: OVERDUE_DAYS.critical!, highDays: OVERDUE_DAYS.high! },
      criticalOver90: now.openFindings.filter((f) => f.severity === 'critical' && ageDays(f, asOf) > 90).length,
    },
    remediationDays: remediation,
    acknowledgement: { sent: acks.length, acknowledged: ackHours.length, pending: acks.length - ackHours.length, hours: spread(ackHours) },
    checklist: input.checklist === null ? null : checklistFigures(input.checklist),
    coverage: { windowDays: CURRENTLY_SCANNED_DAYS, networks: now.coverage.networks, scanned: now.coverage.scanned, share: now.coverage.share, stale: now.coverage.stale },
    trend: previous === null ? null : {
      previousAsOf: new Date(Date.parse(input.previousAsOf!)).toISOString(),
      previousId: null,
      open: delta(now.open.total, previous.open.total),
      critical: delta(now.open.critical, previous.open.critical),
      high: delta(now.open.high, previous.open.high),
      overdue: delta(now.overdue.critical + now.overdue.high, previous.overdue.critical + previous.overdue.high),
      coverageShare: delta(now.coverage.share, previous.coverage.share),
      closedShare: delta(closedShare, prevClosedShare),
      previous: { open: previous.open, overdue: previous.overdue.critical + previous.overdue.high, coverageShare: previous.coverage.share, closedShare: prevClosedShare },
      // The checklist of an earlier instant is not in the history: only a stored card has it (trendAgainst).
      checklist: null,
    } as CardTrend,
  };
}

/** The change since the previous card; `previousId` names the stored card it was compared with (null: recomputed from the history). */
export interface CardTrend {
  readonly previousAsOf: string;
  readonly previousId: string | null;
  readonly open: number | null;
  readonly critical: number | null;
  readonly high: number | null;
  readonly overdue: number | null;
  readonly coverageShare: number | null;
  readonly closedShare: number | null;
  readonly previous: { readonly open: SeverityCounts; readonly overdue: number; readonly coverageShare: number | null; readonly closedShare: number | null };
  readonly checklist: {
    readonly completeShare: number | null;
    readonly verifiedShare: number | null;
    readonly discrepancies: number | null;
    readonly previous: { readonly completeShare: number | null; readonly verifiedShare: number | null; readonly discrepancies: number };
  } | null;
}

export type ReportCard = ReturnType<typeof computeReportCard>;

/** The city roll-up: the city card over every agency's data, and one card per agency for the table. */
export function computeRollup(input: Omit<ReportCardInput, 'agency'> & { readonly agencies: readonly CardAgency[] }) {
  const city = computeReportCard({ ...input, agency: null });
  const by = <T extends { agencyId: string }>(xs: readonly T[], id: string) => xs.filter((x) => x.agencyId === id);
  const agencies = input.agencies.map((a) => computeReportCard({
    ...input, agency: a, findings: by(input.findings, a.id), networks: by(input.networks, a.id),
    checklist: input.checklist === null ? null : by(input.checklist, a.id), acknowledgements: by(input.acknowledgements, a.id),
  }));
  // Worst first: overdue criticals (what BOD 19-02 escalates first), overdue highs, open criticals, open
  // findings; the code breaks ties so the order is stable.
  agencies.sort((x, y) => y.age.overdue.critical - x.age.overdue.critical || y.age.overdue.high - x.age.overdue.high
    || y.exposure.now.critical - x.exposure.now.critical || y.exposure.now.total - x.exposure.now.total || x.agency!.code.localeCompare(y.agency!.code));
  return { city, agencies };
}

export type ReportRollup = ReturnType<typeof computeRollup>;

/**
 * The trend of `card` against a stored earlier card (a frozen snapshot: the weekly schedule keeps every
 * card it issued), instead of the figures recomputed from today's history — so the change reported is the
 * change from what the previous card really said, checklist included. No previous card: no trend.
 */
export function trendAgainst(card: ReportCard, previous: { readonly id: string; readonly card: ReportCard } | null): ReportCard {
  if (previous === null) return { ...card, trend: null };
  const p = previous.card;
  const pc = p.checklist;
  const c = card.checklist;
  const trend: CardTrend = {
    previousAsOf: p.asOf,
    previousId: previous.id,
    open: delta(card.exposure.now.total, p.exposure.now.total),
    critical: delta(card.exposure.now.critical, p.exposure.now.critical),
    high: delta(card.exposure.now.high, p.exposure.now.high),
    overdue: delta(card.age.overdue.total, p.age.overdue.total),
    coverageShare: delta(card.coverage.share, p.coverage.share),
    closedShare: delta(card.exposure.closedShare, p.exposure.closedShare),
    previous: { open: p.exposure.now, overdue: p.age.overdue.total, coverageShare: p.coverage.share, closedShare: p.exposure.closedShare },
    checklist: c === null || pc === null || pc === undefined ? null : {
      completeShare: delta(c.completeShare, pc.completeShare),
      verifiedShare: delta(c.verifiedShare, pc.verifiedShare),
      discrepancies: delta(c.discrepancies, pc.discrepancies),
      previous: { completeShare: pc.completeShare, verifiedShare: pc.verifiedShare, discrepancies: pc.discrepancies },
    },
  };
  return { ...card, trend };
}

