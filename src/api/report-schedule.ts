// Weekly report cards (docs/circulars.md "Weekly report cards"): when a schedule is due, the circular
// sweep issues the city roll-up and every agency's card — a circular's cards (its checklist part, measured
// from its sending), or, without a circular, the cards over every finding for the week since the previous
// roll-up — and stores each as issued (a frozen snapshot). Each card's trend compares with the previous
// card of its series as that card was issued, not with figures recomputed today. Messages
// (`report-card.weekly`) go through the outbox and the alert channels: an agency's card to the agency's
// head contacts, the roll-up to the head of office named in the settings; an e-mail carries the PDF
// (src/api/office-mail.ts) and a link to the report-card page.
//
// A runner that was down does not send a backlog: a due schedule runs once, at the time the sweep sees it,
// and moves to its next weekly time after now. The clock is injected (tests move it instead of waiting).

import { randomUUID } from 'node:crypto';
import { trendAgainst } from '../domain/report-card.js';
import type { ReportCard, ReportRollup } from '../domain/report-card.js';
import { weeklyCron } from '../domain/office.js';
import type { ReportScheduleInput } from '../domain/office.js';
import { agencyReportCard, circularAgencyCard, circularRollup, cityReportRollup } from '../io/report-card.js';
import { parseCron } from '../scheduler/schedule.js';
import type { IssuedKind, NewIssuedCard, OutboxInput, ReportSchedule, Store, StoredCircular } from '../store/index.js';
import { contactEmails } from './circular-service.js';

export const REPORT_TOPIC = 'report-card.weekly';
const WEEK_MS = 7 * 86_400_000;

/** The schedule's next weekly time strictly after `after`, in its time zone. */
export function nextWeeklyRun(s: Pick<ReportScheduleInput, 'dayOfWeek' | 'hour' | 'timeZone'>, after: Date): Date {
  return parseCron(weeklyCron(s), s.timeZone).nextRun(after)!;
}

/** Run every schedule due at `now`; returns how many ran (a schedule another runner took first is not counted). */
export async function runReportSchedules(store: Store, now: Date): Promise<number> {
  let n = 0;
  for (const s of await store.office.dueSchedules(now.toISOString())) if (await issueScheduled(store, s, now)) n++;
  return n;
}

/** The previous card of a series as it was issued, for trendAgainst. */
async function previous(store: Store, series: { circularId: string | null; kind: IssuedKind; agencyId: string | null }, asOf: string) {
  const p = await store.office.previousCard(series, asOf);
  return p === undefined ? null : { id: p.id, card: p.card };
}

const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}%`);
const signed = (v: number | null) => (v === null ? '—' : v > 0 ? `+${v}` : String(v));

/** The two sentences a card's e-mail carries above the attached PDF. */
function summary(c: ReportCard): { id: string; en: string } {
  const e = c.exposure;
  const k = c.checklist;
  const t = c.trend;
  return {
    id: `Temuan terbuka ${e.now.total} (kritis ${e.now.critical}); ${pct(e.closedShare)} dari yang terbuka di awal telah ditutup; melewati tenggat ${c.age.overdue.total}.`
      + (k === null ? '' : ` Daftar periksa lengkap ${k.complete}/${k.items}, terverifikasi ${pct(k.verifiedShare)}, ketidaksesuaian ${k.discrepancies}.`)
      + (t === null ? ' Belum ada rapor sebelumnya.' : ` Dibanding rapor sebelumnya: temuan terbuka ${signed(t.open)}.`) + ' Rapor lengkap terlampir (PDF).',
    en: `Open findings ${e.now.total} (critical ${e.now.critical}); ${pct(e.closedShare)} of those open at the start closed; overdue ${c.age.overdue.total}.`
      + (k === null ? '' : ` Checklist complete ${k.complete}/${k.items}, verified ${pct(k.verifiedShare)}, discrepancies ${k.discrepancies}.`)
      + (t === null ? ' No previous card yet.' : ` Against the previous card: open findings ${signed(t.open)}.`) + ' The full card is attached (PDF).',
  };
}

function message(issuedId: string, agencyId: string | null, title: { id: string; en: string }, card: ReportCard, to: readonly string[], href: string): OutboxInput {
  return {
    topic: REPORT_TOPIC, dedupKey: `${REPORT_TOPIC}:${issuedId}`, agencyId,
    payload: { issuedId, severity: 'medium', title, detail: summary(card), to: [...to], href, attachments: [{ kind: 'report-card', id: issuedId }] },
  };
}

/**
 * Issue one schedule's cards at `now` and move it to its next week. A circular not (or no longer) open —
 * a draft has no sending to measure from, a closed one's campaign is over — issues nothing that week.
 * Returns false when another runner ran it first.
 */
export async function issueScheduled(store: Store, s: ReportSchedule, now: Date): Promise<boolean> {
  const expected = s.nextRunAt!;
  const next = nextWeeklyRun(s, now).toISOString();
  let circular: StoredCircular | null = null;
  if (s.circularId !== null) {
    circular = await store.circulars.get(s.circularId);
    if (circular.status !== 'sent') return store.office.recordRun(s.id, expected, next, [], []);
  }
  const asOf = now.toISOString();
  const circularId = circular?.id ?? null;
  const day = asOf.slice(0, 10);
  const about = circular === null ? { id: '', en: '' } : { id: ` — SE ${circular.number ?? ''}`, en: ` — circular ${circular.number ?? ''}` };
  const query = (agencyId: string | null) => `/report-cards?${new URLSearchParams({ ...(circularId !== null ? { circularId } : {}), ...(agencyId !== null ? { agencyId } : {}) }).toString()}`;

  const prevCity = await store.office.previousCard({ circularId, kind: 'city', agencyId: null }, asOf);
  // Without a circular the week is the period: since the previous roll-up (or 7 days).
  const since = prevCity?.asOf ?? new Date(now.getTime() - WEEK_MS).toISOString();
  const when = { asOf, previousAsOf: null };
  const rawRollup = circularId !== null ? await circularRollup(store, 'all', circularId, when) : await cityReportRollup(store, 'all', { ...when, since });
  const prevRollup = prevCity === undefined ? null : prevCity.card as ReportRollup;
  const rollup: ReportRollup = {
    city: trendAgainst(rawRollup.city, prevCity === undefined ? null : { id: prevCity.id, card: prevRollup!.city }),
    agencies: rawRollup.agencies.map((a) => {
      const p = prevRollup?.agencies.find((x) => x.agency?.id === a.agency!.id);
      return trendAgainst(a, p === undefined ? null : { id: prevCity!.id, card: p });
    }),
  };

  const cards: NewIssuedCard[] = [];
  const messages: OutboxInput[] = [];
  for (const row of rollup.agencies) {
    const agency = row.agency!;
    const raw = circularId !== null ? await circularAgencyCard(store, 'all', circularId, agency.id, when) : await agencyReportCard(store, 'all', agency.id, { ...when, since });
    const prev = await previous(store, { circularId, kind: 'agency', agencyId: agency.id }, asOf);
    const card = trendAgainst(raw, prev === null ? null : { id: prev.id, card: prev.card as ReportCard });
    const id = randomUUID();
    const to = s.toAgencyHeads ? await contactEmails(store, agency.id, ['head']) : [];
    cards.push({ id, circularId, agencyId: agency.id, kind: 'agency', asOf, previousId: prev?.id ?? null, card, sentTo: to });
    // An agency without a head contact gets no message (the channels' own recipients would get only noise);
    // its card is issued all the same and the office sees that it went to nobody.
    if (to.length > 0) messages.push(message(id, agency.id, { id: `Rapor mingguan ${agency.name}${about.id} (${day})`, en: `Weekly report card of ${agency.name}${about.en} (${day})` }, card, to, query(agency.id)));
  }
  const cityId = randomUUID();
  const head = (await store.office.settings()).headOfOffice;
  const officeTo = s.toOffice && head?.email != null ? [head.email] : [];
  cards.push({ id: cityId, circularId, agencyId: null, kind: 'city', asOf, previousId: prevCity?.id ?? null, card: rollup, sentTo: officeTo });
  if (s.toOffice) messages.push(message(cityId, null, { id: `Rapor mingguan kota${about.id} (${day})`, en: `Weekly city report card${about.en} (${day})` }, rollup.city, officeTo, query(null)));
  return store.office.recordRun(s.id, expected, next, cards, messages);
}
