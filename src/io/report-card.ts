// Report cards from the store (docs/pdf.md "Report cards"): the findings of an agency and its units
// with their status history (store.findings.withHistory), its registered networks, and the completed scans
// that covered each network (store.scans.completedSince, matched by network or by a target containing the
// network's block) — on SQLite and PostgreSQL alike, through the repositories. The figures themselves are
// computed by src/domain/report-card.ts. A circular's card (circularAgencyCard, circularRollup) adds the
// circular's part from its board: the checklist rows with their verification and offending hosts, each
// agency's first acknowledgement measured from the circular's sending, and only the findings of the
// circular's scan rules, compared with the moment it was sent; a card asked for without a circular has no
// checklist section.

import { circularError } from '../domain/circular.js';
import { cidrContains, parseCidr } from '../domain/ip.js';
import type { Text } from '../domain/incident.js';
import { CURRENTLY_SCANNED_DAYS, DAY_MS, computeReportCard, computeRollup } from '../domain/report-card.js';
import type { CardAcknowledgement, CardAgency, CardChecklistRow, CardFinding, CardNetwork, ReportCard, ReportRollup } from '../domain/report-card.js';
import type { AgencyScope, Store } from '../store/index.js';

export interface ReportCardRequest {
  readonly asOf: string;
  /** The circular's sending (or the period's start). */
  readonly since: string;
  /** The previous card's instant; default a week before `asOf` (the weekly schedule). */
  readonly previousAsOf?: string | null;
  readonly checklist?: readonly CardChecklistRow[] | null;
  readonly acknowledgements?: readonly CardAcknowledgement[];
  readonly title?: Text | null;
  readonly rules?: readonly string[] | null;
  readonly remediationFrom?: 'opened' | 'since';
}

const WEEK_MS = 7 * DAY_MS;

async function gather(store: Store, scope: AgencyScope, agencyIds: readonly string[] | undefined, r: ReportCardRequest) {
  const previousAsOf = r.previousAsOf === undefined ? new Date(Date.parse(r.asOf) - WEEK_MS).toISOString() : r.previousAsOf;
  const earliest = Math.min(Date.parse(r.asOf), previousAsOf === null ? Infinity : Date.parse(previousAsOf)) - CURRENTLY_SCANNED_DAYS * DAY_MS;
  const [findings, networkLists, jobs] = await Promise.all([
    store.findings.withHistory(scope, agencyIds),
    agencyIds === undefined ? store.networks.list(scope) : Promise.all(agencyIds.map((id) => store.networks.list(scope, { agencyId: id }))).then((x) => x.flat()),
    store.scans.completedSince(scope, new Date(earliest).toISOString()),
  ]);
  const jobBlocks = jobs.map((j) => ({ networkId: j.networkId, finishedAt: j.finishedAt, blocks: j.targets.flatMap((t) => { try { return [parseCidr(t)]; } catch { return []; } }) }));
  const networks: CardNetwork[] = networkLists.map((n) => {
    const block = parseCidr(n.cidr);
    const scannedAt = jobBlocks.filter((j) => j.finishedAt !== null && (j.networkId === n.id || j.blocks.some((b) => cidrContains(b, block)))).map((j) => j.finishedAt!);
    return { id: n.id, agencyId: n.agencyId, cidr: n.cidr, scannedAt };
  });
  const cardFindings: CardFinding[] = findings.map((f) => ({ id: f.id, agencyId: f.agencyId, ruleId: f.ruleId, severity: f.severity, status: f.status, firstSeen: f.firstSeen, history: f.history }));
  return {
    asOf: r.asOf, since: r.since, previousAsOf, findings: cardFindings, networks, checklist: r.checklist ?? null, acknowledgements: r.acknowledgements ?? [], title: r.title ?? null,
    rules: r.rules ?? null, remediationFrom: r.remediationFrom ?? 'opened',
  };
}

/** The card of one agency and its units (as the other agency exports count them). */
export async function agencyReportCard(store: Store, scope: AgencyScope, agencyId: string, r: ReportCardRequest): Promise<ReportCard> {
  const tree = await store.agencies.descendants(scope, agencyId, { includeSelf: true });
  const self = tree.find((a) => a.id === agencyId)!;
  const ids = tree.map((a) => a.id);
  const input = await gather(store, scope, ids, r);
  const mine = new Set(ids);
  return computeReportCard({
    ...input, agency: { id: self.id, code: self.code, name: self.name },
    checklist: input.checklist === null ? null : input.checklist.filter((x) => mine.has(x.agencyId)), acknowledgements: input.acknowledgements.filter((x) => mine.has(x.agencyId)),
  });
}

/** The city roll-up over every agency in scope (each agency on its own row, its units on theirs). */
export async function cityReportRollup(store: Store, scope: AgencyScope, r: ReportCardRequest): Promise<ReportRollup> {
  const agencies: CardAgency[] = (await store.agencies.list(scope)).filter((a) => a.retiredAt === null).map((a) => ({ id: a.id, code: a.code, name: a.name }));
  const input = await gather(store, scope, undefined, r);
  return computeRollup({ ...input, agencies });
}

// ---- a circular's cards ------------------------------------------------------------------------------------

/** When the card is taken and which earlier instant its trend compares with (default: a week before). */
export interface CircularCardWhen {
  readonly asOf: string;
  readonly previousAsOf?: string | null;
}

/**
 * The circular's part of a card request, from its board in `scope`: since = the circular's sending; the
 * checklist rows (title, verification, offending hosts and their count); each recipient's first
 * acknowledgement measured from the sending; the circular's scan rules. A draft has nothing to measure.
 */
export async function circularCardRequest(store: Store, scope: AgencyScope, circularId: string, when: CircularCardWhen): Promise<{ request: ReportCardRequest; agencies: CardAgency[] }> {
  const c = await store.circulars.get(circularId, scope);
  if (c.sentAt === null) throw circularError('status', 'a report card needs a sent circular: it is measured from the sending', 'rapor memerlukan surat edaran yang sudah dikirim: rapor diukur sejak pengiriman', { reason: c.status });
  if (Date.parse(when.asOf) < Date.parse(c.sentAt)) throw circularError('asOf', 'the card\'s instant is before the circular was sent', 'waktu rapor sebelum surat edaran dikirim');
  const [board, acks] = await Promise.all([store.circulars.board(c.id, scope), store.circulars.firstAcknowledgements(c.id, scope)]);
  const items = new Map(c.content.items.map((i) => [i.code, i]));
  const checklist: CardChecklistRow[] = board.rows.flatMap((row) => row.items.map((i) => ({
    agencyId: row.agencyId, code: i.code, title: items.get(i.code)?.title ?? { id: i.code, en: i.code }, required: i.required, checkable: i.checkable,
    status: i.status, verification: i.verification, complete: i.complete, hosts: [...i.hosts], hostCount: i.hostCount,
  })));
  const acknowledgements: CardAcknowledgement[] = board.rows.map((row) => ({ agencyId: row.agencyId, sentAt: c.sentAt!, acknowledgedAt: acks.get(row.agencyId) ?? null }));
  const rules = [...new Set(c.content.items.flatMap((i) => (i.verification.mode === 'scan' ? i.verification.rules : [])))];
  const n = c.number ?? '—';
  return {
    request: {
      asOf: when.asOf, since: c.sentAt, ...(when.previousAsOf !== undefined ? { previousAsOf: when.previousAsOf } : {}), checklist, acknowledgements, rules, remediationFrom: 'since',
      title: { id: `Surat Edaran ${n} — ${c.content.subject.id}`, en: `Circular ${n} — ${c.content.subject.en}` },
    },
    agencies: board.rows.map((row) => ({ id: row.agencyId, code: row.agencyCode, name: row.agencyName })),
  };
}

/** An audience agency's card for a circular (the agency and its units, as agencyReportCard counts them). */
export async function circularAgencyCard(store: Store, scope: AgencyScope, circularId: string, agencyId: string, when: CircularCardWhen): Promise<ReportCard> {
  await store.circulars.recipient(circularId, agencyId, scope);
  const { request } = await circularCardRequest(store, scope, circularId, when);
  return agencyReportCard(store, scope, agencyId, request);
}

/** The circular's roll-up: one row per audience agency in scope (worst first) and the card over all of them. */
export async function circularRollup(store: Store, scope: AgencyScope, circularId: string, when: CircularCardWhen): Promise<ReportRollup> {
  const { request, agencies } = await circularCardRequest(store, scope, circularId, when);
  const input = await gather(store, scope, agencies.map((a) => a.id), request);
  return computeRollup({ ...input, agencies });
}
