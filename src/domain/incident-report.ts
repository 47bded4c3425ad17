// The documents an incident produces, as data (docs/incidents.md "Reports"). The PDF renderers read these
// objects and nothing else, so what a report says is decided here, once, and tested here.
//
//  - The BSSN "Laporan Insiden Siber" (initial / update / final): the minimum content of Peraturan BSSN
//    1/2024 Pasal 15(4) — (a) reporter contact, (b) description, (c) chronology, (d) impact — with the
//    routing of Pasal 15(1),(5),(6) (organisation TTIS → sector TTIS, copy to the national TTIS), the
//    header of a TTIS (its register, Pasal 13), the actions taken, a technical annex with scan results and
//    evidence hashes, and the deadline stamps.
//  - The draft of the personal-data breach notice (UU 27/2022 Pasal 46(2): which data, when and how, and
//    the handling and recovery).
//  - Monthly statistics per agency: counts by class and the times to report, acknowledge, contain and
//    restore.

import { validationError } from './errors.js';
import type { Clock, ClockPolicy } from './incident-clocks.js';
import { DEFAULT_CLOCK_POLICY } from './incident-clocks.js';
import {
  ACTION_LABELS, CLASSIFICATION_LABELS, mustReportUpward, PHASE_LABELS, PUBLIC_SERVICE_LABELS, RISK_LEVEL_LABELS, SECTOR_LABELS, SECTORS, SYMPTOM_LABELS,
} from './incident.js';
import type { IncidentRecord, Sector, Text, TimelineSource } from './incident.js';

// ---- settings the documents need ------------------------------------------------------------------------

export interface Route {
  /** The sector TTIS (or, where none exists, the sector's ministry or agency: Pasal 15(6)). */
  readonly to: string;
  /** Tembusan: the national TTIS, always (Pasal 15(1)). */
  readonly cc: readonly string[];
}

export interface IncidentSettings {
  readonly clocks: ClockPolicy;
  /** The organisation TTIS that reports (the city CSIRT) and its register (Pasal 13). */
  readonly organisation: {
    readonly name: string;
    readonly ttisName: string;
    readonly registerNumber: string | null;
    readonly registerValidUntil: string | null;
    readonly email: string | null;
    readonly phone: string | null;
  };
  /** Where a report goes, per IIV sector (Perpres 82/2022 names each sector's responsible body). */
  readonly routes: Readonly<Record<Sector, Route>>;
  /** The city's time zone for the documents' local times. */
  readonly timeZone: string;
  /** How long a reporter's status link works, in days from the report. */
  readonly statusLinkDays: number;
}

const NATIONAL = 'TTIS Nasional (BSSN)';

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = {
  clocks: DEFAULT_CLOCK_POLICY,
  organisation: { name: 'Dinas Komunikasi dan Informatika', ttisName: 'TTIS Pemerintah Kota', registerNumber: null, registerValidUntil: null, email: null, phone: null },
  routes: Object.fromEntries(SECTORS.map((s) => [s,
    s === 'government-administration' ? { to: 'TTIS Sektor Administrasi Pemerintahan (BSSN)', cc: [NATIONAL] }
    : s === 'health' ? { to: 'TTIS Sektor Kesehatan (Kementerian Kesehatan)', cc: [NATIONAL] }
    : { to: `Kementerian/lembaga pengampu sektor ${SECTOR_LABELS[s].id}`, cc: [NATIONAL] },
  ])) as unknown as Record<Sector, Route>,
  timeZone: 'Asia/Jakarta',
  statusLinkDays: 90,
};

// ---- the dossier: everything known about one incident, gathered by the store ------------------------------

export interface DossierAsset {
  readonly id: string;
  readonly ip: string;
  readonly name: string | null;
  readonly agencyCode: string;
  readonly os: string | null;
  readonly osEol: boolean | null;
  readonly smbv1: boolean | null;
  readonly criticality: string;
  readonly owner: string | null;
  readonly linkedHow: string;
  readonly openFindings: readonly { readonly ruleId: string; readonly severity: string; readonly title: Text; readonly firstSeen: string; readonly lastSeen: string; readonly port: number }[];
}

export interface IncidentDossier {
  readonly incident: IncidentRecord & { readonly agency: { readonly id: string; readonly code: string; readonly name: string; readonly kind: string } };
  readonly reports: readonly {
    readonly reference: string;
    readonly createdAt: string;
    readonly reporterName: string;
    readonly reporterWhatsapp: string;
    readonly reporterRole: string;
    readonly symptoms: readonly string[];
    readonly since: string | null;
    readonly computers: string;
    readonly services: readonly string[];
    readonly manualFallback: string;
    readonly actionsTaken: readonly string[];
    readonly location: string | null;
    readonly description: string | null;
  }[];
  /** The person handling it (the PIC named on the report). */
  readonly handler: { readonly name: string; readonly position: string | null; readonly phone: string | null; readonly email: string | null } | null;
  readonly assets: readonly DossierAsset[];
  readonly timeline: readonly { readonly at: string; readonly tz: string; readonly source: TimelineSource; readonly kind: string; readonly text: Text; readonly includeInReport: boolean }[];
  readonly impacts: readonly { readonly service: string; readonly downFrom: string; readonly downTo: string | null; readonly fallback: string | null; readonly peopleAffected: number | null }[];
  readonly countermeasures: readonly { readonly kind: string; readonly target: string; readonly device: string | null; readonly appliedBy: string; readonly appliedAt: string; readonly removedAt: string | null }[];
  readonly requests: readonly { readonly party: string; readonly subject: string; readonly sentAt: string; readonly answer: string | null; readonly answeredAt: string | null }[];
  readonly steps: readonly { readonly playbook: string; readonly version: number; readonly stepId: string; readonly role: string; readonly title: Text; readonly required: boolean; readonly doneBy: string | null; readonly doneAt: string | null; readonly note: string | null }[];
  readonly scans: readonly { readonly jobId: string; readonly status: string; readonly targets: readonly string[]; readonly startedAt: string; readonly finishedAt: string | null; readonly findingsOpened: number | null }[];
  readonly evidence: readonly { readonly kind: string; readonly name: string; readonly sha256: string; readonly size: number; readonly at: string }[];
  readonly regulatory: readonly { readonly kind: string; readonly sentAt: string; readonly sentBy: string; readonly to: string; readonly reference: string | null }[];
  readonly clocks: readonly Clock[];
}

// ---- formatting -------------------------------------------------------------------------------------------

const ZONE_ABBREVIATION: Readonly<Record<string, string>> = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT', UTC: 'UTC' };

/** "2025-06-02 08:00 WIB": the local wall time Indonesian letters use (WIB/WITA/WIT). */
export function localTime(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso));
  const p = (k: string) => parts.find((x) => x.type === k)?.value ?? '';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${ZONE_ABBREVIATION[timeZone] ?? timeZone}`;
}

function labelOf(labels: Readonly<Record<string, Text>>, key: string | null): Text | null {
  return key === null ? null : labels[key] ?? { id: key, en: key };
}

// ---- BSSN report --------------------------------------------------------------------------------------------

export const BSSN_REPORT_TYPES = ['initial', 'update', 'final'] as const;
export type BssnReportType = (typeof BSSN_REPORT_TYPES)[number];

const TYPE_LABELS: Readonly<Record<BssnReportType, Text>> = {
  initial: { id: 'Laporan awal', en: 'Initial report' },
  update: { id: 'Laporan perkembangan', en: 'Update report' },
  final: { id: 'Laporan akhir', en: 'Final report' },
};

export const ASSISTANCE = ['none', 'remote', 'on-site'] as const;
export type Assistance = (typeof ASSISTANCE)[number];

const DETECTED_BY: Readonly<Record<string, Text>> = {
  'user-report': { id: 'Laporan pengguna', en: 'User report' },
  scan: { id: 'Pemindaian Perisai', en: 'Perisai scan' },
  antivirus: { id: 'Antivirus/EDR', en: 'Antivirus/EDR' },
  'bssn-warning': { id: 'Peringatan dari TTIS nasional', en: 'Warning from the national TTIS' },
  other: { id: 'Lainnya', en: 'Other' },
};
export const DETECTION_SOURCES = Object.keys(DETECTED_BY);

export interface BssnReportOptions {
  readonly type: BssnReportType;
  /** When the report is produced (its "sent" stamp until a send is recorded). */
  readonly at: string;
  /** Reports of this incident already sent (the report number counts on from them). */
  readonly sequence: number;
  readonly assistance: Assistance;
}

/** Build the BSSN-format report. A final report needs a closed incident. */
export function buildBssnReport(d: IncidentDossier, settings: IncidentSettings, o: BssnReportOptions) {
  const i = d.incident;
  if (o.type === 'final' && i.phase !== 'closed') throw validationError('type: a final report needs a closed incident', { field: 'type' });
  const tz = settings.timeZone;
  const route = i.sector !== null ? settings.routes[i.sector] : settings.routes['government-administration'];
  const first = d.reports[0];
  const chronology = d.timeline.filter((e) => e.includeInReport).map((e) => ({ at: e.at, local: localTime(e.at, tz), timeZone: e.tz, source: e.source, kind: e.kind, text: e.text }));
  const services = [...new Set([...d.reports.flatMap((r) => r.services), ...d.impacts.map((x) => x.service)])];
  const clock = (id: string) => d.clocks.find((c) => c.id === id) ?? null;
  const bssn = clock('bssn-report');
  const pdp = clock('pdp-notice');
  const doneSteps = d.steps.filter((s) => s.doneAt !== null);
  const planned = d.steps.filter((s) => s.doneAt === null && s.required);
  const report = {
    format: 'perisai.bssn.laporan-insiden-siber',
    formatVersion: 1,
    header: {
      reportNumber: `${i.number}/${o.type === 'initial' ? 'AWAL' : o.type === 'update' ? 'PERKEMBANGAN' : 'AKHIR'}/${o.sequence + 1}`,
      type: o.type,
      typeLabel: TYPE_LABELS[o.type],
      incidentNumber: i.number,
      from: { organisation: settings.organisation.name, ttis: settings.organisation.ttisName, registerNumber: settings.organisation.registerNumber, registerValidUntil: settings.organisation.registerValidUntil },
      to: route.to,
      tembusan: [...route.cc],
      sentAt: o.at,
      sentAtLocal: localTime(o.at, tz),
      timeZone: tz,
      tlp: 'TLP:AMBER',
      basis: 'Peraturan BSSN No. 1 Tahun 2024 tentang Pengelolaan Insiden Siber, Pasal 15',
    },
    // (a) informasi kontak pelapor
    reporterContact: {
      reporter: first === undefined ? null : { name: first.reporterName, role: first.reporterRole, unit: i.agency.name, unitCode: i.agency.code, whatsapp: first.reporterWhatsapp, reportedAt: first.createdAt, reference: first.reference },
      otherReports: d.reports.slice(1).map((r) => ({ reference: r.reference, name: r.reporterName, at: r.createdAt })),
      handler: d.handler,
      organisation: { name: settings.organisation.name, ttis: settings.organisation.ttisName, email: settings.organisation.email, phone: settings.organisation.phone },
    },
    // (b) deskripsi insiden
    description: {
      title: i.title,
      summary: i.description,
      classification: i.classification,
      classificationLabel: labelOf(CLASSIFICATION_LABELS, i.classification),
      severity: i.severity,
      riskLevel: i.riskLevel,
      riskLevelLabel: labelOf(RISK_LEVEL_LABELS, i.riskLevel),
      reportable: mustReportUpward(i.riskLevel),
      vitalInfrastructure: i.vital,
      sector: i.sector,
      sectorLabel: labelOf(SECTOR_LABELS, i.sector),
      personalData: i.personalData,
      detectedBy: i.detectedBy,
      detectedByLabel: DETECTED_BY[i.detectedBy] ?? null,
      status: i.phase,
      statusLabel: PHASE_LABELS[i.phase],
      symptoms: [...new Set(d.reports.flatMap((r) => r.symptoms))].map((s) => ({ id: s, label: labelOf(SYMPTOM_LABELS, s) })),
      affectedAssets: d.assets.map((a) => ({
        ip: a.ip, name: a.name, unit: a.agencyCode, os: a.os, osEndOfSupport: a.osEol, smbv1: a.smbv1, criticality: a.criticality, owner: a.owner,
        vitalInfrastructure: i.vital, sector: i.sector,
      })),
    },
    // (c) kronologi
    chronology,
    // (d) dampak serangan
    impact: {
      services: services.map((s) => {
        const x = d.impacts.find((m) => m.service === s);
        return { service: s, label: labelOf(PUBLIC_SERVICE_LABELS, s), downFrom: x?.downFrom ?? null, downTo: x?.downTo ?? null, fallback: x?.fallback ?? null, peopleAffected: x?.peopleAffected ?? null };
      }),
      manualFallback: d.reports.map((r) => r.manualFallback),
      computersReported: d.reports.map((r) => r.computers),
      assetsLinked: d.assets.length,
      personalData: i.personalData,
      restoredAt: i.restoredAt,
    },
    actions: {
      byReporters: [...new Set(d.reports.flatMap((r) => r.actionsTaken))].map((a) => ({ id: a, label: labelOf(ACTION_LABELS, a) })),
      stepsDone: doneSteps.map((s) => ({ playbook: s.playbook, version: s.version, step: s.stepId, role: s.role, title: s.title, by: s.doneBy, at: s.doneAt, note: s.note })),
      countermeasures: d.countermeasures,
      externalRequests: d.requests,
      planned: planned.map((s) => ({ playbook: s.playbook, step: s.stepId, role: s.role, title: s.title })),
      closure: i.closure,
    },
    technicalAnnex: {
      vulnerabilities: d.assets.flatMap((a) => a.openFindings.map((f) => ({ ip: a.ip, name: a.name, ruleId: f.ruleId, port: f.port, severity: f.severity, title: f.title, firstSeen: f.firstSeen, lastSeen: f.lastSeen }))),
      scans: d.scans,
      evidence: d.evidence,
    },
    assistanceRequested: o.assistance,
    deadlines: {
      foundAt: i.foundAt,
      foundAtLocal: localTime(i.foundAt, tz),
      bssnDueAt: bssn?.dueAt ?? null,
      bssnClock: bssn?.state ?? null,
      pdpDueAt: pdp?.dueAt ?? null,
      pdpClock: pdp?.state ?? null,
      sentAt: o.at,
      sent: d.regulatory.filter((r) => r.kind.startsWith('bssn-')),
    },
  };
  return { ...report, completeness: completeness(report) };
}

export type BssnReport = ReturnType<typeof buildBssnReport>;

/** The four parts Pasal 15(4) requires, and whether each has content (the renderer flags an empty one). */
function completeness(r: { reporterContact: { reporter: unknown }; description: { title: string; classification: string | null }; chronology: readonly unknown[]; impact: { services: readonly unknown[]; assetsLinked: number } }) {
  const parts = {
    reporterContact: r.reporterContact.reporter !== null,
    description: r.description.title !== '' && r.description.classification !== null,
    chronology: r.chronology.length > 0,
    impact: r.impact.services.length > 0 || r.impact.assetsLinked > 0,
  };
  return { ...parts, complete: Object.values(parts).every(Boolean) };
}

// ---- personal-data breach notice (draft) -----------------------------------------------------------------

/** A draft of the written notice UU 27/2022 Pasal 46 requires; the data controller completes and signs it. */
export function buildPdpNotice(d: IncidentDossier, settings: IncidentSettings, at: string) {
  const i = d.incident;
  if (!i.personalData) throw validationError('the incident is not flagged as touching personal data', { field: 'personalData' });
  const pdp = d.clocks.find((c) => c.id === 'pdp-notice') ?? null;
  const tz = settings.timeZone;
  const services = [...new Set([...d.reports.flatMap((r) => r.services), ...d.impacts.map((x) => x.service)])];
  const handling = [
    ...d.countermeasures.map((c) => ({ at: c.appliedAt, text: { id: `${c.kind}: ${c.target}${c.device !== null ? ` (${c.device})` : ''}`, en: `${c.kind}: ${c.target}${c.device !== null ? ` (${c.device})` : ''}` } })),
    ...d.steps.filter((s) => s.doneAt !== null).map((s) => ({ at: s.doneAt!, text: s.title })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return {
    format: 'perisai.pdp.pemberitahuan-kegagalan-pelindungan-data-pribadi',
    formatVersion: 1,
    draft: true,
    basis: 'UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, Pasal 46',
    incidentNumber: i.number,
    controller: { name: i.agency.name, code: i.agency.code },
    recipients: [{ id: 'Subjek data pribadi yang terdampak', en: 'The data subjects affected' }, { id: 'Lembaga penyelenggara pelindungan data pribadi', en: 'The personal-data protection authority' }],
    preparedAt: at,
    preparedAtLocal: localTime(at, tz),
    dueAt: pdp?.dueAt ?? null,
    dueAtLocal: pdp === null ? null : localTime(pdp.dueAt, tz),
    clock: pdp?.state ?? null,
    // Pasal 46(2)(a): which personal data were exposed — the systems' services tell what kind; the controller confirms.
    dataExposed: {
      systems: services.map((s) => ({ service: s, label: labelOf(PUBLIC_SERVICE_LABELS, s) })),
      assets: d.assets.map((a) => ({ ip: a.ip, name: a.name })),
      toConfirm: { id: 'Jenis data pribadi yang terpapar (mis. identitas, rekam medis) dipastikan oleh pengendali data.', en: 'The kinds of personal data exposed (e.g. identity, medical records) are confirmed by the data controller.' },
    },
    // Pasal 46(2)(b): when and how.
    whenAndHow: {
      foundAt: i.foundAt,
      foundAtLocal: localTime(i.foundAt, tz),
      classification: labelOf(CLASSIFICATION_LABELS, i.classification),
      summary: i.description ?? i.title,
    },
    // Pasal 46(2)(c): handling and recovery.
    handlingAndRecovery: { steps: handling, restoredAt: i.restoredAt, phase: PHASE_LABELS[i.phase] },
    contact: { organisation: settings.organisation.name, email: settings.organisation.email, phone: settings.organisation.phone },
  };
}

// ---- monthly statistics -------------------------------------------------------------------------------------

export interface StatsIncident {
  readonly agencyId: string;
  readonly classification: string | null;
  readonly foundAt: string;
  readonly reportedAt: string;
  readonly acknowledgedAt: string | null;
  readonly containedAt: string | null;
  readonly restoredAt: string | null;
  readonly vital: boolean;
  readonly bssnReportSentAt: string | null;
}

export interface Duration {
  readonly n: number;
  readonly medianMinutes: number | null;
  readonly meanMinutes: number | null;
  readonly maxMinutes: number | null;
}

function duration(pairs: readonly (readonly [string, string | null])[]): Duration {
  const mins = pairs.filter((p): p is [string, string] => p[1] !== null).map(([a, b]) => Math.max(0, (Date.parse(b) - Date.parse(a)) / 60_000)).sort((x, y) => x - y);
  if (mins.length === 0) return { n: 0, medianMinutes: null, meanMinutes: null, maxMinutes: null };
  const mid = Math.floor(mins.length / 2);
  const median = mins.length % 2 === 1 ? mins[mid]! : (mins[mid - 1]! + mins[mid]!) / 2;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { n: mins.length, medianMinutes: round(median), meanMinutes: round(mins.reduce((s, v) => s + v, 0) / mins.length), maxMinutes: round(mins[mins.length - 1]!) };
}

/** "YYYY-MM" of an instant in the city's time zone. */
export function monthOf(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date(iso));
  return `${parts.find((p) => p.type === 'year')!.value}-${parts.find((p) => p.type === 'month')!.value}`;
}

/**
 * Statistics of the incidents FOUND in `month` (the city's calendar), per agency: counts by class; time
 * to report (found → first report), to acknowledge (first report → acknowledged), to contain (found →
 * contained), to restore (found → services restored); and how the 1×24 h BSSN deadline went for IIV
 * incidents.
 */
export function monthlyStats(items: readonly StatsIncident[], month: string, timeZone: string) {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw validationError('month: YYYY-MM', { field: 'month' });
  const inMonth = items.filter((x) => monthOf(x.foundAt, timeZone) === month);
  const byAgency = new Map<string, StatsIncident[]>();
  for (const x of inMonth) byAgency.set(x.agencyId, [...(byAgency.get(x.agencyId) ?? []), x]);
  const agencies = [...byAgency.entries()].map(([agencyId, xs]) => {
    const byClass: Record<string, number> = {};
    for (const x of xs) byClass[x.classification ?? 'unclassified'] = (byClass[x.classification ?? 'unclassified'] ?? 0) + 1;
    const vital = xs.filter((x) => x.vital);
    const onTime = vital.filter((x) => x.bssnReportSentAt !== null && Date.parse(x.bssnReportSentAt) <= Date.parse(x.foundAt) + 24 * 3600_000).length;
    const sent = vital.filter((x) => x.bssnReportSentAt !== null).length;
    return {
      agencyId,
      incidents: xs.length,
      byClass,
      timeToReport: duration(xs.map((x) => [x.foundAt, x.reportedAt] as const)),
      timeToAcknowledge: duration(xs.map((x) => [x.reportedAt, x.acknowledgedAt] as const)),
      timeToContain: duration(xs.map((x) => [x.foundAt, x.containedAt] as const)),
      timeToRestore: duration(xs.map((x) => [x.foundAt, x.restoredAt] as const)),
      bssn: { due: vital.length, onTime, late: sent - onTime, notSent: vital.length - sent },
    };
  }).sort((a, b) => b.incidents - a.incidents || a.agencyId.localeCompare(b.agencyId));
  return { month, timeZone, incidents: inMonth.length, agencies };
}

export type MonthlyStats = ReturnType<typeof monthlyStats>;
