// Report cards from the store (docs/pdf.md "Report cards"): the findings of an agency and its units
// with their status history (store.findings.withHistory), its registered networks, and the completed scans
// that covered each network (store.scans.completedSince, matched by network or by a target containing the
// network's block) — on SQLite and PostgreSQL alike, through the repositories. The figures themselves are
// computed by src/domain/report-card.ts. The circular's part of the card (checklist rows with their
// verification, acknowledgements) comes from the circular's board and is passed in; a card asked for
// without a circular has no checklist section.

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
  return { asOf: r.asOf, since: r.since, previousAsOf, findings: cardFindings, networks, checklist: r.checklist ?? null, acknowledgements: r.acknowledgements ?? [], title: r.title ?? null };
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
