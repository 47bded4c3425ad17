// Incident reports and incidents as pure data and rules (docs/incidents.md). No I/O: the store persists
// these, the API and CLI use them.
//
// A REPORT is what a person sends through the public form (a registration clerk, a nurse, an agency's IT
// officer): what they see, since when, which service stopped. It is not yet an incident. The city CSIRT
// triages reports: links them to a new or an existing INCIDENT, merges duplicates into another report, or
// rejects them with a reason — the intake model of RTIR ("Incident Reports" and "Incidents" queues, many
// reports to one incident) that the city's CSIRT flow follows (report → verify → analyse → handle).
//
// An incident carries a classification (a reference taxonomy in the style of the MISP "classification"
// namespace, e.g. malicious-code:ransomware), a severity, a BSSN risk level (Peraturan BSSN 1/2024
// Pasal 15(3): incidents of at least high risk are reported upward), whether it touches vital information
// infrastructure (IIV, Perpres 82/2022) and in which sector, and whether personal data may be exposed
// (UU 27/2022 Pasal 46). Its phase moves along PHASE_TRANSITIONS (NIST SP 800-61 r2 §3: detection and
// analysis → containment, eradication and recovery → post-incident), and closing needs a named person who
// declares it over against stated criteria, with lessons learned (CISA #StopRansomware checklist step 18).

import { normalizePhone } from './contact.js';
import { validationError } from './errors.js';
import { SEVERITIES } from './finding.js';
import type { Severity } from './finding.js';

/** A text in both languages of the product (Bahasa Indonesia first). */
export interface Text {
  readonly id: string;
  readonly en: string;
}

function labelled<const K extends string>(entries: readonly (readonly [K, string, string])[]): { keys: readonly K[]; labels: Readonly<Record<K, Text>> } {
  const labels = {} as Record<K, Text>;
  for (const [k, id, en] of entries) labels[k] = { id, en };
  return { keys: entries.map((e) => e[0]), labels };
}

// ---- what the public form asks (docs/incidents.md "The public form") -----------------------------------

const symptoms = labelled([
  ['ransom-screen', 'Layar berisi pesan tebusan (minta bayar, file terkunci)', 'A ransom message on the screen (pay to unlock files)'],
  ['disk-repair-screen', 'Layar "perbaikan disk"/CHKDSK yang tidak biasa', 'An unusual "disk repair"/CHKDSK screen'],
  ['files-wont-open', 'File tidak bisa dibuka', 'Files will not open'],
  ['strange-file-names', 'Nama file berubah aneh (mis. berakhiran .WNCRY)', 'File names changed strangely (e.g. ending in .WNCRY)'],
  ['very-slow', 'Komputer sangat lambat', 'The computer is very slow'],
  ['network-down', 'Jaringan/aplikasi tidak bisa diakses', 'The network or application cannot be reached'],
  ['other', 'Lainnya', 'Something else'],
]);
export const SYMPTOMS = symptoms.keys;
export type Symptom = (typeof SYMPTOMS)[number];
export const SYMPTOM_LABELS = symptoms.labels;

const services = labelled([
  ['registration', 'Pendaftaran/loket', 'Registration desk'],
  ['medical-records', 'Rekam medis', 'Medical records'],
  ['billing', 'Kasir/penagihan', 'Billing'],
  ['pharmacy', 'Farmasi/apotek', 'Pharmacy'],
  ['laboratory', 'Laboratorium', 'Laboratory'],
  ['population-records', 'Administrasi kependudukan (e-KTP, KK)', 'Population records (e-KTP, family cards)'],
  ['licensing', 'Perizinan', 'Licensing'],
  ['finance', 'Keuangan', 'Finance'],
  ['email', 'Surel/e-mail', 'E-mail'],
  ['website', 'Situs web/layanan daring', 'Website or online service'],
  ['other', 'Layanan lain', 'Another service'],
]);
export const PUBLIC_SERVICES = services.keys;
export type PublicService = (typeof PUBLIC_SERVICES)[number];
export const PUBLIC_SERVICE_LABELS = services.labels;

const actions = labelled([
  ['unplugged-cable', 'Kabel jaringan sudah dicabut', 'Network cable unplugged'],
  ['wifi-off', 'Wi-Fi sudah dimatikan', 'Wi-Fi switched off'],
  ['switched-off', 'Komputer sudah dimatikan', 'Computer switched off'],
  ['restarted', 'Komputer sudah dinyalakan ulang', 'Computer restarted'],
  ['usb-removed', 'Flashdisk/hard disk eksternal sudah dicabut', 'USB drives removed'],
  ['photographed', 'Layar sudah difoto', 'Screen photographed'],
  ['told-supervisor', 'Atasan/IT instansi sudah diberi tahu', 'Supervisor or agency IT told'],
  ['nothing', 'Belum melakukan apa pun', 'Nothing yet'],
]);
export const ACTIONS_TAKEN = actions.keys;
export type ActionTaken = (typeof ACTIONS_TAKEN)[number];
export const ACTION_LABELS = actions.labels;

/** Who is reporting: front-line staff (clerk, nurse, office staff) or the agency's IT officer. */
export const REPORTER_ROLES = ['staff', 'agency-it'] as const;
export type ReporterRole = (typeof REPORTER_ROLES)[number];

export const FALLBACK_ANSWERS = ['yes', 'no', 'unknown'] as const;
export type FallbackAnswer = (typeof FALLBACK_ANSWERS)[number];

/** How many computers are affected, as a non-expert can tell. */
export const COMPUTER_COUNTS = ['1', '2-5', '6-20', 'more-than-20', 'unknown'] as const;
export type ComputerCount = (typeof COMPUTER_COUNTS)[number];

export const REPORT_STATUSES = ['new', 'linked', 'merged', 'rejected'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportInput {
  /** The unit (agency) the report is about: an agency code from the form's list or the per-unit link. */
  readonly unitCode: string;
  readonly symptoms: readonly string[];
  readonly symptomOther?: string | null;
  /** When the trouble started, as the reporter can say it (ISO time); absent = "don't know". */
  readonly since?: string | null;
  readonly computers: string;
  readonly services: readonly string[];
  readonly serviceOther?: string | null;
  readonly manualFallback: string;
  readonly actionsTaken: readonly string[];
  /** Which computer or room (e.g. "PC loket 2, ruang pendaftaran"): the asset hint for triage and duplicates. */
  readonly location?: string | null;
  readonly description?: string | null;
  readonly reporterName: string;
  readonly reporterWhatsapp: string;
  readonly reporterRole?: string;
}

export interface ValidReport {
  readonly unitCode: string;
  readonly symptoms: readonly Symptom[];
  readonly symptomOther: string | null;
  readonly since: string | null;
  readonly computers: ComputerCount;
  readonly services: readonly PublicService[];
  readonly serviceOther: string | null;
  readonly manualFallback: FallbackAnswer;
  readonly actionsTaken: readonly ActionTaken[];
  readonly location: string | null;
  readonly description: string | null;
  readonly reporterName: string;
  readonly reporterWhatsapp: string;
  readonly reporterRole: ReporterRole;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Free text from a form: trimmed, bounded, no control characters (newlines allowed when `multiline`). */
export function cleanText(v: string | null | undefined, field: string, max: number, opts: { required?: boolean; multiline?: boolean } = {}): string | null {
  const s = (v ?? '').trim();
  if (s === '') {
    if (opts.required === true) throw validationError(`${field}: required`, { field });
    return null;
  }
  if (s.length > max) throw validationError(`${field}: at most ${max} characters`, { field });
  if (CONTROL.test(s) || (opts.multiline !== true && /[\r\n]/.test(s))) throw validationError(`${field}: contains control characters`, { field });
  return s;
}

function pickList<K extends string>(values: readonly string[], allowed: readonly K[], field: string, opts: { min?: number } = {}): K[] {
  const out: K[] = [];
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) throw validationError(`${field}: ${JSON.stringify(v)} is not one of ${allowed.join(', ')}`, { field });
    if (!out.includes(v as K)) out.push(v as K);
  }
  if (out.length < (opts.min ?? 0)) throw validationError(`${field}: choose at least ${opts.min}`, { field });
  return out;
}

function pickOne<K extends string>(v: string | undefined, allowed: readonly K[], field: string, fallback?: K): K {
  if ((v === undefined || v === '') && fallback !== undefined) return fallback;
  if (v === undefined || !(allowed as readonly string[]).includes(v)) throw validationError(`${field}: one of ${allowed.join(', ')}`, { field });
  return v as K;
}

/**
 * Check a report from the public form. `now` bounds "since": a start in the future (beyond a few
 * minutes of clock skew) is a mistake worth telling the reporter about.
 */
export function validateReportInput(input: ReportInput, now: Date): ValidReport {
  const symptomsIn = pickList(input.symptoms ?? [], SYMPTOMS, 'symptoms', { min: 1 });
  const symptomOther = cleanText(input.symptomOther, 'symptomOther', 500);
  if (symptomsIn.includes('other') && symptomOther === null && cleanText(input.description, 'description', 4000, { multiline: true }) === null) {
    throw validationError('symptomOther: say what you see when you choose "other"', { field: 'symptomOther' });
  }
  let since: string | null = null;
  if (input.since != null && input.since !== '') {
    const t = Date.parse(input.since);
    if (Number.isNaN(t)) throw validationError('since: not a date and time', { field: 'since' });
    if (t > now.getTime() + 10 * 60_000) throw validationError('since: lies in the future', { field: 'since' });
    if (t < now.getTime() - 366 * 86_400_000) throw validationError('since: more than a year ago', { field: 'since' });
    since = new Date(t).toISOString();
  }
  const reporterName = cleanText(input.reporterName, 'reporterName', 120, { required: true })!;
  const rawPhone = cleanText(input.reporterWhatsapp, 'reporterWhatsapp', 40, { required: true })!;
  const phone = normalizePhone(rawPhone);
  if (phone === undefined) throw validationError('reporterWhatsapp: not a phone number', { field: 'reporterWhatsapp' });
  const unitCode = cleanText(input.unitCode, 'unitCode', 40, { required: true })!.toUpperCase();
  return {
    unitCode,
    symptoms: symptomsIn,
    symptomOther,
    since,
    computers: pickOne(input.computers, COMPUTER_COUNTS, 'computers', 'unknown'),
    services: pickList(input.services ?? [], PUBLIC_SERVICES, 'services'),
    serviceOther: cleanText(input.serviceOther, 'serviceOther', 200),
    manualFallback: pickOne(input.manualFallback, FALLBACK_ANSWERS, 'manualFallback', 'unknown'),
    actionsTaken: pickList(input.actionsTaken ?? [], ACTIONS_TAKEN, 'actionsTaken'),
    location: cleanText(input.location, 'location', 200),
    description: cleanText(input.description, 'description', 4000, { multiline: true }),
    reporterName,
    reporterWhatsapp: phone,
    reporterRole: pickOne(input.reporterRole, REPORTER_ROLES, 'reporterRole', 'staff'),
  };
}

// Crockford's base32 alphabet: no I, L, O or U, so a reference read aloud over the phone is not misheard.
const REF_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A report's reference number, e.g. "LAP-250602-7K3QX": the day it came in (the city's calendar) and five
 * random characters. It is not a secret (the status link is) and not sequential, so it says nothing about
 * how many reports the city receives.
 */
export function reportReference(day: string, random: Uint8Array): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw validationError('day: YYYY-MM-DD', { field: 'day' });
  if (random.length < 5) throw validationError('random: five bytes', { field: 'random' });
  let tail = '';
  for (let i = 0; i < 5; i++) tail += REF_ALPHABET[random[i]! & 31];
  return `LAP-${day.slice(2).replace(/-/g, '')}-${tail}`;
}

/** An incident's number: "INS-2025-0007", sequential per year. */
export function incidentNumber(year: number, seq: number): string {
  return `INS-${year}-${String(seq).padStart(4, '0')}`;
}

// ---- incidents ----------------------------------------------------------------------------------------

export const PHASES = ['new', 'triaged', 'containment', 'eradication', 'recovery', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Allowed phase moves, as data. Going back is allowed where the work goes back: a host re-infected during
 * eradication or recovery returns the incident to containment. `closed` is reached only through a closure
 * record (validateClosure) and is final. A triaged report that proves to be no incident (a
 * misconfiguration) is closed from `triaged` with the same record.
 */
export const PHASE_TRANSITIONS: Readonly<Record<Phase, readonly Phase[]>> = {
  new: ['triaged'],
  triaged: ['containment', 'closed'],
  containment: ['eradication', 'closed'],
  eradication: ['recovery', 'containment'],
  recovery: ['closed', 'containment'],
  closed: [],
};

export const PHASE_LABELS: Readonly<Record<Phase, Text>> = {
  new: { id: 'Baru', en: 'New' },
  triaged: { id: 'Sudah dipilah', en: 'Triaged' },
  containment: { id: 'Penahanan', en: 'Containment' },
  eradication: { id: 'Pemberantasan', en: 'Eradication' },
  recovery: { id: 'Pemulihan', en: 'Recovery' },
  closed: { id: 'Selesai', en: 'Closed' },
};

/** An incident as the store keeps it (docs/incidents.md "Incidents"). */
export interface IncidentRecord {
  readonly id: string;
  /** INS-<year>-<n>, sequential per year. */
  readonly number: string;
  readonly agencyId: string;
  readonly title: string;
  readonly description: string | null;
  readonly classification: string | null;
  readonly severity: string | null;
  readonly riskLevel: RiskLevel | null;
  /** Touches vital information infrastructure (IIV): starts the 1×24 h BSSN clock. */
  readonly vital: boolean;
  readonly sector: Sector | null;
  /** Personal data may be exposed: starts the 3×24 h PDP clock. */
  readonly personalData: boolean;
  readonly phase: Phase;
  /** user-report | scan | antivirus | bssn-warning | other */
  readonly detectedBy: string;
  readonly foundAt: string;
  readonly reportedAt: string;
  readonly acknowledgedAt: string | null;
  readonly firstResponseAt: string | null;
  readonly containedAt: string | null;
  readonly restoredAt: string | null;
  readonly closedAt: string | null;
  readonly closure: Closure | null;
  /** Username of the responder handling it. */
  readonly owner: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export function canMovePhase(from: Phase, to: Phase): boolean {
  return PHASE_TRANSITIONS[from].includes(to);
}

export function assertPhaseMove(from: Phase, to: Phase): void {
  if (!canMovePhase(from, to)) {
    const allowed = PHASE_TRANSITIONS[from];
    throw validationError(`phase: cannot move from ${from} to ${to}${allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ' (closed is final)'}`, { field: 'phase', from, to });
  }
}

/** The phase is at or beyond `p` (containment reached means "contained" once it moves on). */
export function phaseIndex(p: Phase): number {
  return PHASES.indexOf(p);
}

const classes = labelled([
  ['malicious-code:ransomware', 'Kode berbahaya: ransomware', 'Malicious code: ransomware'],
  ['malicious-code:worm', 'Kode berbahaya: worm', 'Malicious code: worm'],
  ['malicious-code:trojan-spyware', 'Kode berbahaya: trojan/spyware', 'Malicious code: trojan or spyware'],
  ['intrusions:system-compromise', 'Intrusi: sistem disusupi', 'Intrusion: system compromise'],
  ['intrusion-attempts:exploit-known-vulnerability', 'Percobaan intrusi: eksploitasi kerentanan yang dikenal', 'Intrusion attempt: exploit of a known vulnerability'],
  ['availability:dos', 'Ketersediaan: penolakan layanan (DoS)', 'Availability: denial of service'],
  ['availability:outage', 'Ketersediaan: gangguan layanan (bukan serangan)', 'Availability: outage (not an attack)'],
  ['information-content-security:unauthorised-access', 'Keamanan informasi: akses tanpa izin', 'Information security: unauthorised access'],
  ['information-content-security:data-leak', 'Keamanan informasi: kebocoran data', 'Information security: data leak'],
  ['fraud:phishing', 'Penipuan: phishing', 'Fraud: phishing'],
  ['information-gathering:scanning', 'Pengumpulan informasi: pemindaian', 'Information gathering: scanning'],
  ['vulnerable:vulnerable-system', 'Sistem rentan (belum ada serangan)', 'Vulnerable system (no attack yet)'],
  ['other:other', 'Lainnya', 'Other'],
  ['test:test', 'Uji coba', 'Test'],
]);
export const CLASSIFICATIONS = classes.keys;
export type Classification = (typeof CLASSIFICATIONS)[number];
export const CLASSIFICATION_LABELS = classes.labels;

/** BSSN risk levels (Peraturan BSSN 1/2024 Pasal 15(3),(7)–(8): reportability follows the risk analysis). */
export const RISK_LEVELS = ['low', 'medium', 'high', 'very-high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const RISK_LEVEL_LABELS: Readonly<Record<RiskLevel, Text>> = {
  low: { id: 'Rendah', en: 'Low' },
  medium: { id: 'Sedang', en: 'Medium' },
  high: { id: 'Tinggi', en: 'High' },
  'very-high': { id: 'Sangat tinggi', en: 'Very high' },
};

/** Pasal 15(3): at least high risk must be reported to the sector TTIS. */
export function mustReportUpward(risk: RiskLevel | null): boolean {
  return risk === 'high' || risk === 'very-high';
}

const sectors = labelled([
  ['government-administration', 'Administrasi pemerintahan', 'Government administration'],
  ['health', 'Kesehatan', 'Health'],
  ['ict', 'Teknologi informasi dan komunikasi', 'Information and communication technology'],
  ['energy-mineral', 'Energi dan sumber daya mineral', 'Energy and mineral resources'],
  ['transport', 'Transportasi', 'Transport'],
  ['finance', 'Keuangan', 'Finance'],
  ['water', 'Pengelolaan sumber daya air', 'Water'],
  ['food', 'Pangan', 'Food'],
  ['defence', 'Pertahanan', 'Defence'],
  ['other', 'Sektor lain', 'Other sector'],
]);
/** Sectors of vital information infrastructure (IIV) as Perpres 82/2022 lists them, plus "other". */
export const SECTORS = sectors.keys;
export type Sector = (typeof SECTORS)[number];
export const SECTOR_LABELS = sectors.labels;

export { SEVERITIES };
export type { Severity };

// ---- closure ------------------------------------------------------------------------------------------

const criteria = labelled([
  ['rescan-clean', 'Pemindaian ulang aset terkait bersih (tanpa MS17-010, DoublePulsar, SMBv1)', 'A re-scan of the linked assets is clean (no MS17-010, DoublePulsar, SMBv1)'],
  ['hosts-rebuilt', 'Komputer terinfeksi sudah dihapus bersih dan dipasang ulang', 'Infected computers were wiped and reinstalled'],
  ['credentials-reset', 'Kata sandi akun terdampak sudah diganti', 'Passwords of affected accounts were reset'],
  ['data-restored', 'Data dipulihkan dari cadangan yang terbukti bersih', 'Data restored from backups verified clean'],
  ['services-restored', 'Layanan publik berjalan kembali', 'Public services are running again'],
  ['reports-filed', 'Laporan wajib (BSSN 1×24 jam, pemberitahuan data pribadi 3×24 jam) sudah dikirim bila berlaku', 'Mandatory reports (BSSN 1×24 h, personal-data notice 3×24 h) were sent where they apply'],
]);
/** What the person declaring the incident over checks (CISA #StopRansomware step 18; NCSC steps 4–9). */
export const CLOSURE_CRITERIA = criteria.keys;
export type ClosureCriterion = (typeof CLOSURE_CRITERIA)[number];
export const CLOSURE_CRITERIA_LABELS = criteria.labels;

export const CRITERION_ANSWERS = ['met', 'not-applicable', 'not-met'] as const;
export type CriterionAnswer = (typeof CRITERION_ANSWERS)[number];

export interface ClosureInput {
  readonly declaredBy: string;
  /** Position of the person, e.g. "Kepala Bidang Persandian Diskominfo". */
  readonly position?: string | null;
  readonly criteria: readonly { readonly id: string; readonly answer: string; readonly note?: string | null }[];
  readonly lessons: string;
}

export interface Closure {
  readonly declaredBy: string;
  readonly position: string | null;
  readonly criteria: readonly { readonly id: ClosureCriterion; readonly answer: CriterionAnswer; readonly note: string | null }[];
  readonly lessons: string;
  readonly at: string;
}

/** Every criterion answered, none unmet, "not applicable" explained, lessons written, a named person. */
export function validateClosure(input: ClosureInput, at: string): Closure {
  const declaredBy = cleanText(input.declaredBy, 'declaredBy', 120, { required: true })!;
  const position = cleanText(input.position, 'position', 200);
  const lessons = cleanText(input.lessons, 'lessons', 8000, { required: true, multiline: true })!;
  if (lessons.length < 20) throw validationError('lessons: write what the city learned (at least 20 characters)', { field: 'lessons' });
  const out: { id: ClosureCriterion; answer: CriterionAnswer; note: string | null }[] = [];
  for (const c of input.criteria ?? []) {
    const id = pickOne(c.id, CLOSURE_CRITERIA, 'criteria');
    if (out.some((x) => x.id === id)) throw validationError(`criteria: ${id} given twice`, { field: 'criteria' });
    const answer = pickOne(c.answer, CRITERION_ANSWERS, 'criteria');
    const note = cleanText(c.note, 'criteria', 1000, { multiline: true });
    if (answer === 'not-met') throw validationError(`criteria: ${id} is not met; the incident cannot be declared over yet`, { field: 'criteria', criterion: id });
    if (answer === 'not-applicable' && note === null) throw validationError(`criteria: say why ${id} does not apply`, { field: 'criteria', criterion: id });
    out.push({ id, answer, note });
  }
  const missing = CLOSURE_CRITERIA.filter((k) => !out.some((x) => x.id === k));
  if (missing.length > 0) throw validationError(`criteria: answer every criterion (missing: ${missing.join(', ')})`, { field: 'criteria', missing: missing.join(',') });
  return { declaredBy, position, criteria: CLOSURE_CRITERIA.map((k) => out.find((x) => x.id === k)!), lessons, at };
}

// ---- duplicates ---------------------------------------------------------------------------------------

/** Default window in which two reports of the same unit are suggested as duplicates. */
export const DUPLICATE_WINDOW_MS = 6 * 3600_000;

export interface ReportForDuplicates {
  readonly id: string;
  readonly agencyId: string;
  readonly createdAt: string;
  readonly location: string | null;
}

/** Normalised asset hint: "PC Loket-2 " and "pc loket 2" are the same computer. */
export function locationKey(location: string | null): string | null {
  if (location === null) return null;
  const k = location.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim();
  return k === '' ? null : k;
}

export interface DuplicateSuggestion {
  readonly reportId: string;
  /** same-asset: same unit, same computer/room, within the window; same-unit: same unit within the window. */
  readonly match: 'same-asset' | 'same-unit';
}

/**
 * Which `others` look like the same event as `report` (same unit, and the same asset when both name one,
 * within `windowMs` of each other): same-asset matches first, then the nearest in time.
 */
export function suggestDuplicates(report: ReportForDuplicates, others: readonly ReportForDuplicates[], windowMs = DUPLICATE_WINDOW_MS): DuplicateSuggestion[] {
  const t = Date.parse(report.createdAt);
  const key = locationKey(report.location);
  const out: (DuplicateSuggestion & { dt: number })[] = [];
  for (const o of others) {
    if (o.id === report.id || o.agencyId !== report.agencyId) continue;
    const dt = Math.abs(Date.parse(o.createdAt) - t);
    if (dt > windowMs) continue;
    const ok = locationKey(o.location);
    if (key !== null && ok !== null && key !== ok) continue; // both name a computer, and not the same one
    out.push({ reportId: o.id, match: key !== null && key === ok ? 'same-asset' : 'same-unit', dt });
  }
  out.sort((a, b) => Number(b.match === 'same-asset') - Number(a.match === 'same-asset') || a.dt - b.dt);
  return out.map(({ reportId, match }) => ({ reportId, match }));
}

// ---- timeline -----------------------------------------------------------------------------------------

export const TIMELINE_SOURCES = ['system', 'user', 'reporter', 'scan', 'playbook'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

/** What an entry records; everything but `note` is written automatically by the action it records. */
export const TIMELINE_KINDS = [
  'note', 'report-received', 'report-linked', 'incident-opened', 'classified', 'phase-changed', 'asset-linked', 'asset-unlinked', 'finding-linked',
  'playbook-attached', 'step-done', 'scan-started', 'scan-result', 'reconnect-decision', 'message-to-reporter', 'message-from-reporter',
  'photo-added', 'countermeasure', 'countermeasure-removed', 'external-request', 'request-answered', 'service-impact', 'service-restored',
  'clock-warning', 'clock-breached', 'regulatory-sent', 'closed',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * The alert outbox topics incidents write (src/store/repos/incident-reports.ts, incidents.ts; docs/alerts.md):
 * a new public report, a regulatory clock's warning and breach, a phase change. Alert rules and the UI's
 * topic names (web/src/labels.ts) follow this list.
 */
export const INCIDENT_TOPICS = ['incident.report-new', 'incident.clock-warning', 'incident.clock-breached', 'incident.phase-changed'] as const;
export type IncidentTopic = (typeof INCIDENT_TOPICS)[number];

/** IANA time zone names the city uses (WIB, WITA, WIT) and UTC; entries carry theirs. */
export const TIME_ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura', 'UTC'] as const;

export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// ---- records beside the incident ----------------------------------------------------------------------

export const COUNTERMEASURE_KINDS = ['block-port', 'isolate-host', 'isolate-segment', 'disconnect-agency', 'disable-account', 'disable-service', 'other'] as const;
export type CountermeasureKind = (typeof COUNTERMEASURE_KINDS)[number];

/** Outside parties an incident asks for help or information (RTIR "Investigations"). */
export const EXTERNAL_PARTIES = ['bssn', 'sector-csirt', 'kemendagri', 'kemenkes', 'vendor', 'isp', 'police', 'other'] as const;
export type ExternalParty = (typeof EXTERNAL_PARTIES)[number];

export const REGULATORY_KINDS = ['bssn-initial', 'bssn-update', 'bssn-final', 'pdp-notice'] as const;
export type RegulatoryKind = (typeof REGULATORY_KINDS)[number];

export const RECONNECT_DECISIONS = ['approved', 'refused'] as const;
export type ReconnectDecision = (typeof RECONNECT_DECISIONS)[number];

/** "Since when" pairs: the end, when given, is not before the start. */
export function checkPeriod(from: string, to: string | null, field: string): void {
  if (Number.isNaN(Date.parse(from))) throw validationError(`${field}: the start is not a date and time`, { field });
  if (to !== null && (Number.isNaN(Date.parse(to)) || Date.parse(to) < Date.parse(from))) throw validationError(`${field}: the end is before the start`, { field });
}
