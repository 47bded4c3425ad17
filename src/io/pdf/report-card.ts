// The report card (rapor) of an agency and the city roll-up as PDF, from the figures of
// src/domain/report-card.ts (nothing is computed here but percentages and arrows): the headline tiles,
// exposure now versus at the start, open findings by age in CyHy's buckets with the overdue counts, the
// checklist (completion, verified share, discrepancies with their hosts), the times to acknowledge and to
// remediate (median, P90), the 14-day coverage and the trend against the previous card. Indonesian by
// default, English on request.

import type { Content } from 'pdfmake';
import { ANSWER_STATUS_LABELS } from '../../domain/circular.js';
import type { AnswerStatus } from '../../domain/circular.js';
import type { Text } from '../../domain/incident.js';
import type { CardVerification, ReportCard, ReportRollup } from '../../domain/report-card.js';
import { dash, dataTable, footer, heading, keyValues, ruleTitle, STYLES, tr, when } from './common.js';
import type { Labels, Lang } from './common.js';
import { renderPdf } from './render.js';

const L = {
  title: { id: 'RAPOR KEAMANAN JARINGAN', en: 'NETWORK SECURITY REPORT CARD' },
  cityTitle: { id: 'RAPOR KOTA — REKAPITULASI PERANGKAT DAERAH', en: 'CITY REPORT CARD — ALL AGENCIES' },
  city: { id: 'Seluruh perangkat daerah', en: 'All agencies' },
  asOf: { id: 'Keadaan per', en: 'As of' },
  since: { id: 'dibanding awal', en: 'compared with the start' },
  about: { id: 'Terkait', en: 'About' },
  openNow: { id: 'Temuan terbuka', en: 'Open findings' },
  closed: { id: 'ditutup sejak awal', en: 'closed since the start' },
  overdue: { id: 'Melewati tenggat', en: 'Overdue' },
  overdueRule: { id: 'kritis > 15 hari, tinggi > 30 hari', en: 'critical > 15 days, high > 30 days' },
  coverage: { id: 'Cakupan pemindaian', en: 'Scan coverage' },
  coverageRule: { id: 'jaringan dipindai 14 hari terakhir', en: 'networks scanned in the last 14 days' },
  checklist: { id: 'Daftar periksa lengkap', en: 'Checklist complete' },
  noChecklist: { id: 'tanpa surat edaran', en: 'no circular' },
  s1: { id: '1. Paparan: sekarang dibanding awal', en: '1. Exposure: now versus the start' },
  severity: { id: 'Tingkat', en: 'Severity' },
  atStart: { id: 'Awal', en: 'Start' },
  now: { id: 'Sekarang', en: 'Now' },
  change: { id: 'Perubahan', en: 'Change' },
  total: { id: 'Jumlah', en: 'Total' },
  closedShare: { id: 'Terbuka di awal yang kini tertutup', en: 'Open at the start, now closed' },
  criticalClosed: { id: 'Kritis di awal yang kini tertutup', en: 'Critical at the start, now closed' },
  newSince: { id: 'Temuan baru sejak awal (masih terbuka)', en: 'New since the start (still open)' },
  s2: { id: '2. Umur temuan terbuka (sejak pertama terdeteksi)', en: '2. Age of open findings (since first detected)' },
  age: { id: 'Umur', en: 'Age' },
  over90: { id: 'Kritis terbuka lebih dari 90 hari', en: 'Critical open for more than 90 days' },
  s3: { id: '3. Daftar periksa surat edaran', en: '3. Circular checklist' },
  complete: { id: 'Butir lengkap (dinyatakan dan, bila dapat diperiksa, terverifikasi)', en: 'Items complete (attested and, where checkable, verified)' },
  verifiedShare: { id: 'Butir yang dapat diperiksa dan terverifikasi jaringan', en: 'Checkable items verified by the network' },
  unverifiable: { id: 'Belum dapat diverifikasi', en: 'Cannot be verified yet' },
  discrepancies: { id: 'Ketidaksesuaian (dinyatakan selesai, pemindaian masih menemukan)', en: 'Discrepancies (attested done, the scan still finds it)' },
  requiredOpen: { id: 'Butir wajib belum lengkap', en: 'Required items not complete' },
  item: { id: 'Butir', en: 'Item' },
  status: { id: 'Jawaban', en: 'Answer' },
  verification: { id: 'Verifikasi', en: 'Verification' },
  hosts: { id: 'Host yang masih ditemukan', en: 'Hosts still found' },
  yes: { id: 'ya', en: 'yes' },
  no: { id: 'belum', en: 'not yet' },
  s4: { id: '4. Waktu tanggap dan perbaikan', en: '4. Time to acknowledge and to remediate' },
  ack: { id: 'Waktu sampai surat diakui (jam)', en: 'Time to acknowledge (hours)' },
  remediate: { id: 'Waktu sampai temuan diperbaiki (hari)', en: 'Time to remediate (days)' },
  median: { id: 'median', en: 'median' },
  p90: { id: 'P90', en: 'P90' },
  n: { id: 'n', en: 'n' },
  pending: { id: 'belum diakui', en: 'not acknowledged' },
  s5: { id: '5. Cakupan pemindaian (14 hari)', en: '5. Scan coverage (14 days)' },
  networks: { id: 'Jaringan terdaftar', en: 'Registered networks' },
  scanned: { id: 'Dipindai dalam 14 hari', en: 'Scanned in 14 days' },
  stale: { id: 'Belum dipindai 14 hari terakhir', en: 'Not scanned in the last 14 days' },
  s6: { id: '6. Tren dibanding rapor sebelumnya', en: '6. Trend against the previous card' },
  previous: { id: 'Rapor sebelumnya', en: 'Previous card' },
  noTrend: { id: 'Tidak ada rapor sebelumnya.', en: 'No previous card.' },
  metric: { id: 'Ukuran', en: 'Measure' },
  before: { id: 'Sebelumnya', en: 'Before' },
  none: { id: 'Tidak ada.', en: 'None.' },
  agencies: { id: 'Per perangkat daerah (terburuk di atas)', en: 'Per agency (worst first)' },
  code: { id: 'Kode', en: 'Code' },
  name: { id: 'Perangkat daerah', en: 'Agency' },
  critical: { id: 'Kritis', en: 'Critical' },
  high: { id: 'Tinggi', en: 'High' },
  medium: { id: 'Sedang', en: 'Medium' },
  low: { id: 'Rendah', en: 'Low' },
  closedPct: { id: '% tutup', en: '% closed' },
  checklistPct: { id: '% lengkap', en: '% complete' },
  verifiedPct: { id: '% verif.', en: '% verified' },
  discShort: { id: 'Tak sesuai', en: 'Discr.' },
  rules: { id: 'Temuan yang dihitung: aturan pemindaian surat edaran', en: 'Findings counted: the circular\'s scan rules' },
  fromSending: { id: 'diukur sejak surat edaran dikirim', en: 'measured from the circular\'s sending' },
  hostCount: { id: 'Jumlah host', en: 'Hosts' },
  discrepancyHosts: { id: 'Host yang membantah pernyataan', en: 'Hosts contradicting an attestation' },
  previousCard: { id: 'rapor tersimpan', en: 'stored card' },
  recomputed: { id: 'dihitung ulang dari riwayat', en: 'recomputed from the history' },
  ackShort: { id: 'Diakui (jam)', en: 'Ack (h)' },
} satisfies Labels<string>;

const SEVERITY_KEYS = ['critical', 'high', 'medium', 'low'] as const;

const VERIFICATION: Readonly<Record<CardVerification, Text>> = {
  verified: { id: 'terverifikasi', en: 'verified' },
  contradicted: { id: 'bertentangan dengan pemindaian', en: 'contradicted by the scan' },
  unverifiable: { id: 'belum dapat diverifikasi', en: 'cannot be verified yet' },
  pending: { id: 'belum dijawab', en: 'not answered' },
};

function pct(v: number | null): string {
  return v === null ? '—' : `${Math.round(v * 100)}%`;
}

/** A change with its arrow; `upIsBad` colours a rise red (more open findings) or green (more coverage). */
function arrow(d: number | null, upIsBad: boolean, asPct = false): Content {
  if (d === null) return '—';
  const text = asPct ? `${d > 0 ? '+' : ''}${Math.round(d * 100)} pp` : `${d > 0 ? '+' : ''}${d}`;
  if (d === 0) return { text: `= ${text}`, color: '#555555' };
  const bad = d > 0 === upIsBad;
  return { text: `${d > 0 ? '▲' : '▼'} ${text}`, color: bad ? '#a00000' : '#1b6e20', bold: true };
}

function tile(label: string, value: string, sub: string): Content {
  return { stack: [{ text: label, fontSize: 8, color: '#444444' }, { text: value, fontSize: 17, bold: true }, { text: sub, fontSize: 7.5, color: '#555555' }] };
}

function tiles(c: ReportCard, lang: Lang): Content {
  const l = (k: keyof typeof L) => L[k][lang];
  const body = [[
    tile(l('openNow'), String(c.exposure.now.total), `${pct(c.exposure.closedShare)} ${l('closed')}`),
    tile(l('overdue'), String(c.age.overdue.total), l('overdueRule')),
    tile(l('coverage'), pct(c.coverage.share), `${c.coverage.scanned}/${c.coverage.networks} ${l('coverageRule')}`),
    tile(l('checklist'), c.checklist === null ? '—' : pct(c.checklist.completeShare), c.checklist === null ? l('noChecklist') : `${c.checklist.complete}/${c.checklist.items}`),
  ].map((x) => ({ ...(x as object), fillColor: '#eef3f8', margin: [6, 4, 6, 4] as const }))];
  return { table: { widths: ['*', '*', '*', '*'], body }, layout: { hLineWidth: () => 0, vLineWidth: (i: number) => (i === 0 || i === 4 ? 0 : 3), vLineColor: () => '#ffffff' }, margin: [0, 4, 0, 6] };
}

function cardSections(c: ReportCard, lang: Lang, timeZone: string, detail: boolean): Content[] {
  const l = (k: keyof typeof L) => L[k][lang];
  const e = c.exposure;
  const sev = (k: (typeof SEVERITY_KEYS)[number]) => l(k);
  const out: Content[] = [
    heading(l('s1')),
    dataTable([l('severity'), l('atStart'), l('now'), l('change')], [
      ...SEVERITY_KEYS.map((k) => [sev(k), String(e.atStart[k]), String(e.now[k]), arrow(e.now[k] - e.atStart[k], true)]),
      [{ text: l('total'), bold: true }, { text: String(e.atStart.total), bold: true }, { text: String(e.now.total), bold: true }, arrow(e.now.total - e.atStart.total, true)],
    ], ['*', 70, 70, 80], l('none')),
    keyValues([
      [l('closedShare'), `${pct(e.closedShare)} (${e.closedSinceStart}/${e.atStart.total})`],
      [l('criticalClosed'), `${e.criticalAtStart === 0 ? '—' : pct(e.criticalAtStartClosed / e.criticalAtStart)} (${e.criticalAtStartClosed}/${e.criticalAtStart})`],
      [l('newSince'), String(e.newSinceStart)],
    ], 260),
    heading(l('s2')),
    dataTable([l('age'), l('critical'), l('high'), l('medium'), l('low'), l('total')],
      c.age.buckets.map((b) => [tr(b.label, lang), String(b.critical), String(b.high), String(b.medium), String(b.low), { text: String(b.total), bold: true }]), ['*', 55, 55, 55, 55, 55], l('none')),
    keyValues([
      [`${l('overdue')} (${l('overdueRule')})`, { text: `${c.age.overdue.total} (${l('critical').toLowerCase()} ${c.age.overdue.critical}, ${l('high').toLowerCase()} ${c.age.overdue.high})`, ...(c.age.overdue.total > 0 ? { style: 'flag' } : {}) }],
      [l('over90'), String(c.age.criticalOver90)],
    ], 260),
  ];
  if (c.checklist !== null) {
    const k = c.checklist;
    out.push(
      heading(l('s3')),
      keyValues([
        [l('complete'), `${pct(k.completeShare)} (${k.complete}/${k.items})`],
        [l('verifiedShare'), `${pct(k.verifiedShare)} (${k.verified}/${k.checkable})`],
        [l('unverifiable'), String(k.unverifiable)],
        [l('discrepancies'), { text: String(k.discrepancies), ...(k.discrepancies > 0 ? { style: 'flag' } : {}) }],
        [l('discrepancyHosts'), String(k.discrepancyHosts)],
        [l('requiredOpen'), String(k.requiredOpen)],
      ], 300),
      ...(k.contradicted.length > 0 ? [dataTable([l('item'), l('hostCount'), l('hosts')], k.contradicted.map((x) => [
        `${tr(x.title, lang)} [${x.code}]`, String(x.hostCount),
        x.hosts.join(', ') + (x.hostCount > x.hosts.length ? ` … (+${x.hostCount - x.hosts.length})` : '') || '—',
      ]), ['*', 40, 190], l('none'))] : []),
      ...(detail ? [dataTable([l('item'), l('status'), l('verification'), l('complete').split(' (')[0]!], k.rows.map((r) => [`${tr(r.title, lang)} [${r.code}]`, r.status === null ? '—' : tr(ANSWER_STATUS_LABELS[r.status as AnswerStatus] ?? { id: r.status, en: r.status }, lang), tr(VERIFICATION[r.verification], lang), r.complete ? l('yes') : l('no')]), ['*', 70, 90, 50], l('none'))] : []),
    );
  }
  const a = c.acknowledgement;
  const rd = c.remediationDays;
  out.push(
    heading(l('s4')),
    ...(c.measuredFrom === 'since' ? [{ text: `${l('fromSending')} (${when(c.since, timeZone)})`, style: 'muted', margin: [0, 0, 0, 3] } as Content] : []),
    dataTable(['', l('n'), l('median'), l('p90'), 'max'], [
      [l('ack'), `${a.acknowledged}/${a.sent}${a.pending > 0 ? ` (${a.pending} ${l('pending')})` : ''}`, dash(a.hours.median), dash(a.hours.p90), dash(a.hours.max)],
      [l('remediate'), String(rd.n), dash(rd.median), dash(rd.p90), dash(rd.max)],
    ], ['*', 90, 50, 50, 50], l('none')),
    heading(l('s5')),
    keyValues([
      [l('networks'), String(c.coverage.networks)],
      [l('scanned'), `${c.coverage.scanned} (${pct(c.coverage.share)})`],
      [l('stale'), c.coverage.stale.length === 0 ? '—' : (detail ? c.coverage.stale : c.coverage.stale.slice(0, 20)).join(', ') + (!detail && c.coverage.stale.length > 20 ? ` … (+${c.coverage.stale.length - 20})` : '')],
    ], 200),
    heading(l('s6')),
  );
  const t = c.trend;
  out.push(t === null ? { text: l('noTrend'), style: 'muted' } : {
    stack: [
      { text: `${l('previous')}: ${when(t.previousAsOf, timeZone)} (${t.previousId === null ? l('recomputed') : l('previousCard')})`, margin: [0, 0, 0, 3] },
      dataTable([l('metric'), l('before'), l('now'), l('change')], [
        [l('openNow'), String(t.previous.open.total), String(c.exposure.now.total), arrow(t.open, true)],
        [`${l('openNow')} — ${l('critical').toLowerCase()}`, String(t.previous.open.critical), String(c.exposure.now.critical), arrow(t.critical, true)],
        [l('overdue'), String(t.previous.overdue), String(c.age.overdue.total), arrow(t.overdue, true)],
        [l('coverage'), pct(t.previous.coverageShare), pct(c.coverage.share), arrow(t.coverageShare, false, true)],
        [l('closedShare'), pct(t.previous.closedShare), pct(c.exposure.closedShare), arrow(t.closedShare, false, true)],
        ...(t.checklist !== null && c.checklist !== null ? [
          [l('checklist'), pct(t.checklist.previous.completeShare), pct(c.checklist.completeShare), arrow(t.checklist.completeShare, false, true)],
          [l('verifiedShare'), pct(t.checklist.previous.verifiedShare), pct(c.checklist.verifiedShare), arrow(t.checklist.verifiedShare, false, true)],
          [l('discrepancies'), String(t.checklist.previous.discrepancies), String(c.checklist.discrepancies), arrow(t.checklist.discrepancies, true)],
        ] : []),
      ], ['*', 70, 70, 80], l('none')),
    ],
  });
  return out;
}

function header(c: ReportCard, title: string, lang: Lang, timeZone: string): Content[] {
  const l = (k: keyof typeof L) => L[k][lang];
  return [
    { text: title, style: 'title' },
    { text: c.agency === null ? l('city') : `${c.agency.name} (${c.agency.code})`, alignment: 'center', fontSize: 12, bold: true, margin: [0, 2, 0, 0] },
    { text: `${l('asOf')} ${when(c.asOf, timeZone)} · ${l('since')} ${when(c.since, timeZone)}`, style: 'subtitle' },
    ...(c.title !== null ? [{ text: `${l('about')}: ${tr(c.title, lang)}`, style: 'subtitle' }] : []),
    ...(c.rules !== null && c.rules !== undefined ? [{ text: `${l('rules')}: ${c.rules.map((r) => ruleTitle(r, lang)).join('; ')}`, style: 'subtitle' }] : []),
  ];
}

export interface CardPdfOptions {
  readonly lang?: Lang;
  readonly createdAt?: Date;
  readonly timeZone?: string;
}

function render(content: Content[], title: string, c: ReportCard, o: CardPdfOptions): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  return renderPdf({
    pageSize: 'A4',
    pageMargins: [40, 36, 40, 46],
    content,
    footer: footer(`${title} · ${c.agency?.code ?? (lang === 'id' ? 'KOTA' : 'CITY')} · ${when(c.asOf, o.timeZone ?? 'Asia/Jakarta').slice(0, 10)}`, lang),
    styles: STYLES,
    defaultStyle: { font: 'Sans', fontSize: 9, lineHeight: 1.15 },
    language: lang,
  }, { createdAt: o.createdAt ?? new Date(c.asOf), title: `${title} ${c.agency?.code ?? ''}`.trim() });
}

/** An agency's card. */
export function reportCardPdf(c: ReportCard, o: CardPdfOptions = {}): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  const tz = o.timeZone ?? 'Asia/Jakarta';
  return render([...header(c, L.title[lang], lang, tz), tiles(c, lang), ...cardSections(c, lang, tz, true)], L.title[lang], c, o);
}

/** The city roll-up: the city's card, then one row per agency, worst first. */
export function rollupPdf(r: ReportRollup, o: CardPdfOptions = {}): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  const tz = o.timeZone ?? 'Asia/Jakarta';
  const l = (k: keyof typeof L) => L[k][lang];
  const table = dataTable(
    [l('code'), l('name'), l('openNow'), l('critical'), l('overdue'), l('closedPct'), l('coverage'), l('checklistPct'), l('verifiedPct'), l('discShort'), l('ackShort')],
    r.agencies.map((a) => [
      a.agency!.code, a.agency!.name, String(a.exposure.now.total), String(a.exposure.now.critical),
      a.age.overdue.total > 0 ? { text: String(a.age.overdue.total), style: 'flag' } : '0',
      pct(a.exposure.closedShare), pct(a.coverage.share), a.checklist === null ? '—' : pct(a.checklist.completeShare), a.checklist === null ? '—' : pct(a.checklist.verifiedShare),
      a.checklist === null ? '—' : String(a.checklist.discrepancies), a.acknowledgement.sent === 0 ? '—' : a.acknowledgement.acknowledged === 0 ? l('pending') : dash(a.acknowledgement.hours.median),
    ]),
    [40, '*', 34, 32, 36, 32, 38, 36, 34, 30, 36], l('none'),
  );
  return render([
    ...header(r.city, L.cityTitle[lang], lang, tz), tiles(r.city, lang),
    heading(l('agencies')), table,
    ...cardSections(r.city, lang, tz, false),
  ], L.cityTitle[lang], r.city, o);
}
