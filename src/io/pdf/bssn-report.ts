// The BSSN "Laporan Insiden Siber" (initial / update / final) as PDF, rendered from the report object
// that src/domain/incident-report.ts builds (docs/incidents.md "Documents"). Parts in the order of
// Peraturan BSSN 1/2024 Pasal 15(4) — (a) informasi kontak pelapor, (b) deskripsi, (c) kronologi,
// (d) dampak — after the routing header of Pasal 15(1),(5),(6) and the TTIS register of Pasal 13, then the
// actions, the technical annex (scan results, evidence hashes), the assistance asked of BSSN and the
// deadline stamps. An empty mandatory part is printed as such and flagged on the first page, never hidden.

import type { Content } from 'pdfmake';
import type { BssnReport } from '../../domain/incident-report.js';
import type { Text } from '../../domain/incident.js';
import { bullets, dash, dataTable, footer, heading, keyValues, STYLES, tr, when, yesNo } from './common.js';
import type { Labels, Lang } from './common.js';
import { renderPdf } from './render.js';

const L = {
  title: { id: 'LAPORAN INSIDEN SIBER', en: 'CYBER INCIDENT REPORT' },
  reportNumber: { id: 'Nomor laporan', en: 'Report number' },
  incidentNumber: { id: 'Nomor insiden', en: 'Incident number' },
  type: { id: 'Jenis laporan', en: 'Report type' },
  from: { id: 'Dari', en: 'From' },
  register: { id: 'Nomor surat tanda register TTIS', en: 'TTIS register number' },
  validUntil: { id: 'berlaku s.d.', en: 'valid until' },
  to: { id: 'Kepada', en: 'To' },
  cc: { id: 'Tembusan', en: 'Copy to' },
  sentAt: { id: 'Waktu pengiriman', en: 'Sent at' },
  tlp: { id: 'Klasifikasi', en: 'Classification' },
  basis: { id: 'Dasar', en: 'Basis' },
  completeness: { id: 'Kelengkapan isi minimum (Pasal 15 ayat (4))', en: 'Minimum content (Article 15(4))' },
  missing: { id: 'BELUM ADA ISI', en: 'EMPTY' },
  present: { id: 'ada', en: 'present' },
  a: { id: 'A. Informasi kontak pelapor', en: 'A. Reporter contact' },
  b: { id: 'B. Deskripsi insiden siber', en: 'B. Incident description' },
  c: { id: 'C. Kronologi insiden siber', en: 'C. Chronology' },
  d: { id: 'D. Dampak serangan', en: 'D. Impact of the attack' },
  e: { id: 'E. Tindakan yang telah dan akan dilakukan', en: 'E. Actions taken and planned' },
  f: { id: 'F. Lampiran teknis', en: 'F. Technical annex' },
  g: { id: 'G. Bantuan yang diminta dari BSSN', en: 'G. Assistance requested from BSSN' },
  h: { id: 'H. Tenggat dan cap waktu', en: 'H. Deadlines and time stamps' },
  reporter: { id: 'Pelapor', en: 'Reporter' },
  name: { id: 'Nama', en: 'Name' },
  role: { id: 'Peran', en: 'Role' },
  unit: { id: 'Unit/OPD', en: 'Unit/agency' },
  whatsapp: { id: 'Telepon/WhatsApp', en: 'Phone/WhatsApp' },
  reportedAt: { id: 'Waktu melapor', en: 'Reported at' },
  reference: { id: 'Nomor laporan pelapor', en: 'Reporter\'s reference' },
  otherReports: { id: 'Laporan lain yang digabung', en: 'Other reports linked' },
  handler: { id: 'Penanggung jawab penanganan (PIC)', en: 'Handler (PIC)' },
  organisation: { id: 'Organisasi pelapor (TTIS)', en: 'Reporting organisation (TTIS)' },
  noReporter: { id: 'Tidak ada laporan pelapor yang terkait.', en: 'No reporter\'s report is linked.' },
  titleF: { id: 'Judul', en: 'Title' },
  summary: { id: 'Uraian', en: 'Summary' },
  classification: { id: 'Jenis insiden (taksonomi)', en: 'Incident type (taxonomy)' },
  severity: { id: 'Tingkat keparahan', en: 'Severity' },
  risk: { id: 'Tingkat risiko', en: 'Risk level' },
  reportable: { id: 'Wajib dilaporkan (risiko paling sedikit tinggi)', en: 'Must be reported (at least high risk)' },
  iiv: { id: 'Infrastruktur informasi vital (IIV)', en: 'Vital information infrastructure' },
  sector: { id: 'Sektor', en: 'Sector' },
  personalData: { id: 'Menyangkut data pribadi', en: 'Personal data involved' },
  detectedBy: { id: 'Cara terdeteksi', en: 'Detected by' },
  status: { id: 'Status saat ini', en: 'Current status' },
  symptoms: { id: 'Gejala yang dilaporkan', en: 'Symptoms reported' },
  assets: { id: 'Aset/sistem elektronik terdampak', en: 'Affected assets/electronic systems' },
  noAssets: { id: 'Belum ada aset yang ditautkan.', en: 'No asset linked yet.' },
  ip: { id: 'IP', en: 'IP' },
  host: { id: 'Nama', en: 'Name' },
  os: { id: 'Sistem operasi', en: 'Operating system' },
  eol: { id: 'Akhir dukungan', en: 'End of support' },
  criticality: { id: 'Kekritisan', en: 'Criticality' },
  owner: { id: 'Pemilik', en: 'Owner' },
  time: { id: 'Waktu', en: 'Time' },
  source: { id: 'Sumber', en: 'Source' },
  event: { id: 'Kejadian', en: 'Event' },
  noChronology: { id: 'Belum ada entri linimasa yang dimasukkan ke laporan.', en: 'No timeline entry is included in the report yet.' },
  services: { id: 'Layanan publik terdampak', en: 'Public services affected' },
  service: { id: 'Layanan', en: 'Service' },
  downFrom: { id: 'Terhenti sejak', en: 'Down from' },
  downTo: { id: 'Pulih', en: 'Restored' },
  fallback: { id: 'Prosedur manual', en: 'Manual fallback' },
  people: { id: 'Orang terdampak', en: 'People affected' },
  noServices: { id: 'Belum ada layanan terdampak yang tercatat.', en: 'No affected service recorded.' },
  computers: { id: 'Jumlah komputer menurut pelapor', en: 'Computers according to the reporters' },
  manualFallback: { id: 'Prosedur manual berjalan (menurut pelapor)', en: 'Manual fallback running (per reporters)' },
  assetsLinked: { id: 'Aset tertaut', en: 'Assets linked' },
  restoredAt: { id: 'Layanan pulih', en: 'Services restored' },
  byReporters: { id: 'Tindakan pelapor', en: 'Reporters\' actions' },
  stepsDone: { id: 'Langkah playbook yang selesai', en: 'Playbook steps done' },
  step: { id: 'Langkah', en: 'Step' },
  by: { id: 'Oleh', en: 'By' },
  note: { id: 'Catatan', en: 'Note' },
  countermeasures: { id: 'Penanggulangan', en: 'Countermeasures' },
  kind: { id: 'Jenis', en: 'Kind' },
  target: { id: 'Sasaran', en: 'Target' },
  device: { id: 'Perangkat', en: 'Device' },
  applied: { id: 'Diterapkan', en: 'Applied' },
  removed: { id: 'Dicabut', en: 'Removed' },
  requests: { id: 'Permintaan ke pihak luar', en: 'Requests to outside parties' },
  party: { id: 'Pihak', en: 'Party' },
  subject: { id: 'Perihal', en: 'Subject' },
  answer: { id: 'Jawaban', en: 'Answer' },
  planned: { id: 'Langkah wajib yang direncanakan', en: 'Required steps planned' },
  closure: { id: 'Penutupan', en: 'Closure' },
  declaredBy: { id: 'Dinyatakan selesai oleh', en: 'Declared over by' },
  lessons: { id: 'Pelajaran', en: 'Lessons learned' },
  none: { id: 'Tidak ada.', en: 'None.' },
  vulns: { id: 'Hasil pemindaian kerentanan (temuan terbuka pada aset tertaut)', en: 'Vulnerability scan results (open findings on linked assets)' },
  rule: { id: 'Aturan', en: 'Rule' },
  port: { id: 'Port', en: 'Port' },
  firstSeen: { id: 'Pertama terlihat', en: 'First seen' },
  lastSeen: { id: 'Terakhir terlihat', en: 'Last seen' },
  scans: { id: 'Pemindaian terkait insiden', en: 'Scans run for the incident' },
  job: { id: 'Pekerjaan', en: 'Job' },
  targets: { id: 'Sasaran', en: 'Targets' },
  started: { id: 'Mulai', en: 'Started' },
  finished: { id: 'Selesai', en: 'Finished' },
  opened: { id: 'Temuan baru', en: 'New findings' },
  evidence: { id: 'Daftar bukti (SHA-256)', en: 'Evidence list (SHA-256)' },
  file: { id: 'Berkas', en: 'File' },
  size: { id: 'Ukuran', en: 'Size' },
  foundAt: { id: 'Insiden ditemukan', en: 'Incident found' },
  bssnDue: { id: 'Batas laporan BSSN 1×24 jam (IIV)', en: 'BSSN report due, 1×24 h (vital infrastructure)' },
  pdpDue: { id: 'Batas pemberitahuan data pribadi 3×24 jam', en: 'Personal-data notice due, 3×24 h' },
  sentStamp: { id: 'Laporan ini', en: 'This report' },
  sentBefore: { id: 'Laporan yang sudah dikirim', en: 'Reports already sent' },
  notApplicable: { id: 'tidak berlaku', en: 'does not apply' },
  clock: { id: 'status', en: 'state' },
} satisfies Labels<string>;

const ASSISTANCE: Readonly<Record<string, Text>> = {
  none: { id: 'Tidak ada', en: 'None' },
  remote: { id: 'Pendampingan jarak jauh', en: 'Remote assistance' },
  'on-site': { id: 'Pendampingan di lokasi', en: 'On-site assistance' },
};

const COMPUTERS: Readonly<Record<string, Text>> = {
  '1': { id: '1', en: '1' }, '2-5': { id: '2–5', en: '2–5' }, '6-20': { id: '6–20', en: '6–20' },
  'more-than-20': { id: 'lebih dari 20', en: 'more than 20' }, unknown: { id: 'tidak tahu', en: 'unknown' },
};
const FALLBACK: Readonly<Record<string, Text>> = { yes: { id: 'ya', en: 'yes' }, no: { id: 'tidak', en: 'no' }, unknown: { id: 'tidak tahu', en: 'unknown' } };

export interface DocumentOptions {
  readonly lang?: Lang;
  /** /CreationDate of the file; default: the report's own time stamp. */
  readonly createdAt?: Date;
}

/** The document definition (exported for the tests that look at structure rather than bytes). */
export function bssnReportContent(r: BssnReport, lang: Lang): Content[] {
  const l = (k: keyof typeof L) => L[k][lang];
  const tz = r.header.timeZone;
  const at = (iso: string | null | undefined) => when(iso, tz);
  const h = r.header;
  const c = r.completeness;
  const mark = (ok: boolean): Content => (ok ? { text: `✓ ${l('present')}` } : { text: `✗ ${l('missing')}`, style: 'flag' });
  const rc = r.reporterContact;
  const d = r.description;
  const register = h.from.registerNumber === null ? '—' : `${h.from.registerNumber}${h.from.registerValidUntil !== null ? ` (${l('validUntil')} ${h.from.registerValidUntil})` : ''}`;
  const partEmpty = (ok: boolean): Content[] => (ok ? [] : [{ text: `${l('missing')}`, style: 'flag', margin: [0, 0, 0, 4] }]);
  return [
    { text: l('title'), style: 'title' },
    { text: `${tr(h.typeLabel, lang)} · ${h.tlp}`, style: 'subtitle', margin: [0, 2, 0, 10] },
    keyValues([
      [l('reportNumber'), { text: h.reportNumber, bold: true }],
      [l('incidentNumber'), h.incidentNumber],
      [l('type'), tr(h.typeLabel, lang)],
      [l('from'), `${h.from.ttis} — ${h.from.organisation}`],
      [l('register'), register],
      [l('to'), h.to],
      [l('cc'), h.tembusan.join('; ') || '—'],
      [l('sentAt'), h.sentAtLocal],
      [l('tlp'), h.tlp],
      [l('basis'), h.basis],
    ]),
    { text: l('completeness'), style: 'h2', margin: [0, 6, 0, 2] },
    keyValues([[l('a'), mark(c.reporterContact)], [l('b'), mark(c.description)], [l('c'), mark(c.chronology)], [l('d'), mark(c.impact)]], 220),

    heading(l('a')),
    ...partEmpty(c.reporterContact),
    rc.reporter === null ? { text: l('noReporter'), style: 'muted' } : keyValues([
      [l('name'), rc.reporter.name], [l('role'), rc.reporter.role], [l('unit'), `${rc.reporter.unit} (${rc.reporter.unitCode})`],
      [l('whatsapp'), rc.reporter.whatsapp], [l('reportedAt'), at(rc.reporter.reportedAt)], [l('reference'), rc.reporter.reference],
    ]),
    ...(rc.otherReports.length > 0 ? [keyValues([[l('otherReports'), rc.otherReports.map((o) => `${o.reference} — ${o.name} (${at(o.at)})`).join('\n')]])] : []),
    keyValues([
      [l('handler'), rc.handler === null ? '—' : [rc.handler.name, rc.handler.position, rc.handler.phone, rc.handler.email].filter((x) => x !== null && x !== '').join(' · ')],
      [l('organisation'), [rc.organisation.ttis, rc.organisation.name, rc.organisation.phone, rc.organisation.email].filter((x) => x !== null && x !== '').join(' · ')],
    ]),

    heading(l('b')),
    ...partEmpty(c.description),
    keyValues([
      [l('titleF'), { text: d.title, bold: true }],
      [l('summary'), dash(d.summary)],
      [l('classification'), d.classificationLabel === null ? '—' : `${tr(d.classificationLabel, lang)} (${d.classification})`],
      [l('severity'), dash(d.severity)],
      [l('risk'), d.riskLevelLabel === null ? '—' : tr(d.riskLevelLabel, lang)],
      [l('reportable'), yesNo(d.reportable, lang)],
      [l('iiv'), yesNo(d.vitalInfrastructure, lang)],
      [l('sector'), d.sectorLabel === null ? '—' : tr(d.sectorLabel, lang)],
      [l('personalData'), yesNo(d.personalData, lang)],
      [l('detectedBy'), d.detectedByLabel === null ? d.detectedBy : tr(d.detectedByLabel, lang)],
      [l('status'), tr(d.statusLabel, lang)],
      [l('symptoms'), d.symptoms.map((s) => tr(s.label, lang)).join('; ') || '—'],
    ]),
    heading(l('assets'), 2),
    dataTable([l('ip'), l('host'), l('unit'), l('os'), l('eol'), 'SMBv1', l('criticality'), l('owner')],
      d.affectedAssets.map((a) => [a.ip, dash(a.name), a.unit, dash(a.os), yesNo(a.osEndOfSupport, lang), yesNo(a.smbv1, lang), a.criticality, dash(a.owner)]),
      [62, '*', 38, '*', 48, 34, 50, 55], l('noAssets')),

    heading(l('c')),
    ...partEmpty(c.chronology),
    dataTable([l('time'), l('source'), l('event')], r.chronology.map((e) => [e.local, e.source, tr(e.text, lang)]), [90, 48, '*'], l('noChronology')),

    heading(l('d')),
    ...partEmpty(c.impact),
    dataTable([l('service'), l('downFrom'), l('downTo'), l('fallback'), l('people')],
      r.impact.services.map((s) => [tr(s.label, lang), at(s.downFrom), at(s.downTo), dash(s.fallback), dash(s.peopleAffected)]), ['*', 88, 88, 90, 50], l('noServices')),
    keyValues([
      [l('computers'), r.impact.computersReported.map((x) => tr(COMPUTERS[x] ?? { id: x, en: x }, lang)).join('; ') || '—'],
      [l('manualFallback'), r.impact.manualFallback.map((x) => tr(FALLBACK[x] ?? { id: x, en: x }, lang)).join('; ') || '—'],
      [l('assetsLinked'), String(r.impact.assetsLinked)],
      [l('personalData'), yesNo(r.impact.personalData, lang)],
      [l('restoredAt'), at(r.impact.restoredAt)],
    ], 220),

    heading(l('e')),
    heading(l('byReporters'), 2),
    bullets(r.actions.byReporters.map((a) => tr(a.label, lang)), l('none')),
    heading(l('stepsDone'), 2),
    dataTable([l('time'), l('step'), l('role'), l('by'), l('note')], r.actions.stepsDone.map((s) => [at(s.at), tr(s.title, lang), s.role, dash(s.by), dash(s.note)]), [88, '*', 55, 55, 85], l('none')),
    heading(l('countermeasures'), 2),
    dataTable([l('kind'), l('target'), l('device'), l('by'), l('applied'), l('removed')],
      r.actions.countermeasures.map((x) => [x.kind, x.target, dash(x.device), x.appliedBy, at(x.appliedAt), at(x.removedAt)]), [55, '*', 60, 55, 88, 88], l('none')),
    heading(l('requests'), 2),
    dataTable([l('party'), l('subject'), l('sentAt'), l('answer')], r.actions.externalRequests.map((x) => [x.party, x.subject, at(x.sentAt), x.answer === null ? '—' : `${x.answer} (${at(x.answeredAt)})`]), [50, '*', 88, 130], l('none')),
    heading(l('planned'), 2),
    bullets(r.actions.planned.map((s) => `${tr(s.title, lang)} (${s.role})`), l('none')),
    ...(r.actions.closure === null ? [] : [
      heading(l('closure'), 2),
      keyValues([[l('declaredBy'), `${r.actions.closure.declaredBy}${r.actions.closure.position !== null ? `, ${r.actions.closure.position}` : ''} (${at(r.actions.closure.at)})`], [l('lessons'), r.actions.closure.lessons]]),
    ]),

    heading(l('f')),
    heading(l('vulns'), 2),
    dataTable([l('ip'), l('host'), l('rule'), l('port'), l('severity'), l('firstSeen'), l('lastSeen')],
      r.technicalAnnex.vulnerabilities.map((v) => [v.ip, dash(v.name), `${v.ruleId}\n${tr(v.title, lang)}`, String(v.port), v.severity, at(v.firstSeen), at(v.lastSeen)]), [60, 52, '*', 26, 42, 88, 88], l('none')),
    heading(l('scans'), 2),
    dataTable([l('job'), l('status'), l('targets'), l('started'), l('finished'), l('opened')],
      r.technicalAnnex.scans.map((s) => [s.jobId.slice(0, 12), s.status, s.targets.join(', '), at(s.startedAt), at(s.finishedAt), dash(s.findingsOpened)]), [58, 40, '*', 88, 88, 40], l('none')),
    heading(l('evidence'), 2),
    dataTable([l('kind'), l('file'), 'SHA-256', l('size'), l('time')],
      r.technicalAnnex.evidence.map((e) => [e.kind, e.name, { text: e.sha256, fontSize: 6.5 }, `${e.size} B`, at(e.at)]), [36, 70, '*', 45, 88], l('none')),

    heading(l('g')),
    { text: tr(ASSISTANCE[r.assistanceRequested], lang) },

    heading(l('h')),
    keyValues([
      [l('foundAt'), r.deadlines.foundAtLocal],
      [l('bssnDue'), r.deadlines.bssnDueAt === null ? l('notApplicable') : `${at(r.deadlines.bssnDueAt)} (${l('clock')}: ${dash(r.deadlines.bssnClock)})`],
      [l('pdpDue'), r.deadlines.pdpDueAt === null ? l('notApplicable') : `${at(r.deadlines.pdpDueAt)} (${l('clock')}: ${dash(r.deadlines.pdpClock)})`],
      [l('sentStamp'), at(r.deadlines.sentAt)],
      [l('sentBefore'), r.deadlines.sent.map((s) => `${s.kind} → ${s.to} (${at(s.sentAt)}, ${s.sentBy})`).join('\n') || '—'],
    ], 220),
  ];
}

/** The report as a PDF (A4, DejaVu Sans embedded). */
export function bssnReportPdf(r: BssnReport, o: DocumentOptions = {}): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  return renderPdf({
    pageSize: 'A4',
    pageMargins: [40, 40, 40, 50],
    content: bssnReportContent(r, lang),
    footer: footer(`${r.header.reportNumber} · ${r.header.tlp}`, lang),
    styles: STYLES,
    defaultStyle: { font: 'Sans', fontSize: 9, lineHeight: 1.15 },
    language: lang,
  }, { createdAt: o.createdAt ?? new Date(r.header.sentAt), title: `${L.title[lang]} ${r.header.reportNumber}`, subject: r.header.basis });
}
