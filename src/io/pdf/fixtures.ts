// A realistic incident dossier for the PDF tests (the shape src/store/repos/incidents.ts `dossier()`
// returns): an RSUD registration PC with the WannaCry screen, one linked vulnerable host, a timeline,
// a countermeasure, a service outage, playbook steps and an evidence hash. The store-backed paths (CLI,
// API) are tested with real stores in tests/incidents; this one keeps the renderer tests pure.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clocksOf } from '../../domain/incident-clocks.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../domain/incident-report.js';
import type { IncidentDossier, IncidentSettings } from '../../domain/incident-report.js';
import type { IncidentRecord } from '../../domain/incident.js';

export const NOW = '2025-06-02T09:30:00.000Z';

export const SETTINGS: IncidentSettings = {
  ...DEFAULT_INCIDENT_SETTINGS,
  organisation: { name: 'Dinas Komunikasi dan Informatika Kota Perisai', ttisName: 'TTIS Pemerintah Kota Perisai', registerNumber: 'TTIS-ORG/0042/BSSN/2024', registerValidUntil: '2027-03-01', email: 'csirt@perisai.go.id', phone: '0271-123456' },
};

export function dossier(over: Partial<IncidentRecord> = {}): IncidentDossier {
  const incident: IncidentRecord = {
    id: 'inc-1', number: 'INS-2025-0007', agencyId: 'ag-rsud', title: 'Ransomware WannaCry di loket pendaftaran RSUD',
    description: 'Dua komputer loket menampilkan layar tebusan WannaCry; berkas berakhiran .WNCRY.', classification: 'malicious-code:ransomware',
    severity: 'critical', riskLevel: 'high', vital: true, sector: 'health', personalData: true, phase: 'containment', detectedBy: 'user-report',
    foundAt: '2025-06-02T00:40:00.000Z', reportedAt: '2025-06-02T00:45:00.000Z', acknowledgedAt: '2025-06-02T00:52:00.000Z', firstResponseAt: '2025-06-02T01:05:00.000Z',
    containedAt: '2025-06-02T02:10:00.000Z', restoredAt: null, closedAt: null, closure: null, owner: 'analis', createdBy: 'analis',
    createdAt: '2025-06-02T00:50:00.000Z', updatedAt: '2025-06-02T02:10:00.000Z', version: 5, ...over,
  };
  const clocks = clocksOf({ ...incident, bssnReportSentAt: null, pdpNoticeSentAt: null }, SETTINGS.clocks, new Date(NOW));
  return {
    incident: { ...incident, agency: { id: 'ag-rsud', code: 'RSUD', name: 'RSUD Kota Perisai', kind: 'hospital' } },
    reports: [{
      reference: 'LAP-250602-7KQ2M', createdAt: '2025-06-02T00:45:00.000Z', reporterName: 'Sri Wahyuni', reporterWhatsapp: '081234567890', reporterRole: 'staff',
      symptoms: ['ransom-screen', 'strange-file-names'], since: '2025-06-02T00:30:00.000Z', computers: '2-5', services: ['registration', 'medical-records'],
      manualFallback: 'yes', actionsTaken: ['unplugged-cable', 'photographed'], location: 'PC loket 2', description: 'Layar merah minta bitcoin',
    }],
    handler: { name: 'Budi Santoso', position: 'Analis CSIRT Diskominfo', phone: '081298765432', email: 'budi@perisai.go.id' },
    assets: [{
      id: 'as-1', ip: '198.18.2.20', name: 'LOKET-02', agencyCode: 'RSUD', os: 'Windows 7 Professional 7601 Service Pack 1', osEol: true, smbv1: true, criticality: 'high', owner: 'Instalasi Rawat Jalan', linkedHow: 'asset',
      openFindings: [
        { ruleId: 'ms17-010', severity: 'critical', title: { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' }, firstSeen: '2025-05-20T03:00:00.000Z', lastSeen: '2025-06-02T02:30:00.000Z', port: 445 },
        { ruleId: 'doublepulsar', severity: 'critical', title: { id: 'Implan DoublePulsar terpasang', en: 'DoublePulsar implant present' }, firstSeen: '2025-06-02T02:30:00.000Z', lastSeen: '2025-06-02T02:30:00.000Z', port: 445 },
      ],
    }],
    timeline: [
      { at: '2025-06-02T00:40:00.000Z', tz: 'Asia/Jakarta', source: 'reporter', kind: 'report', text: { id: 'Petugas loket melihat layar tebusan WannaCry', en: 'The desk clerk saw the WannaCry ransom screen' }, includeInReport: true },
      { at: '2025-06-02T00:52:00.000Z', tz: 'Asia/Jakarta', source: 'system', kind: 'phase', text: { id: 'Laporan ditanggapi CSIRT kota', en: 'Report acknowledged by the city CSIRT' }, includeInReport: true },
      { at: '2025-06-02T02:10:00.000Z', tz: 'Asia/Jakarta', source: 'user', kind: 'note', text: { id: 'Port 445 diblokir di router RSUD; segmen loket diputus', en: 'Port 445 blocked at the hospital router; the desk segment cut off' }, includeInReport: true },
      { at: '2025-06-02T02:15:00.000Z', tz: 'Asia/Jakarta', source: 'user', kind: 'note', text: { id: 'Catatan internal', en: 'Internal note' }, includeInReport: false },
    ],
    impacts: [{ service: 'registration', downFrom: '2025-06-02T00:40:00.000Z', downTo: null, fallback: 'Pendaftaran manual di kertas', peopleAffected: 180 }],
    countermeasures: [{ kind: 'block-port', target: 'TCP 139/445', device: 'Router RSUD (MikroTik)', appliedBy: 'Andi (TI RSUD)', appliedAt: '2025-06-02T02:10:00.000Z', removedAt: null }],
    requests: [{ party: 'bssn', subject: 'Permintaan analisis sampel', sentAt: '2025-06-02T03:00:00.000Z', answer: null, answeredAt: null }],
    steps: [
      { playbook: 'ransomware-wannacry', version: 1, stepId: 'it-acknowledge', role: 'agency-it', title: { id: 'Tanggapi laporan dan pastikan gejalanya', en: 'Acknowledge the report and confirm the symptoms' }, required: true, doneBy: 'andi', doneAt: '2025-06-02T00:55:00.000Z', note: 'Berkas .WNCRY terlihat' },
      { playbook: 'ransomware-wannacry', version: 1, stepId: 'csirt-scan', role: 'city-csirt', title: { id: 'Pindai jaringan instansi (profil ransomware)', en: 'Scan the agency networks (ransomware profile)' }, required: true, doneBy: null, doneAt: null, note: null },
    ],
    scans: [{ jobId: 'job-8f3a2c1d9e0b', status: 'done', targets: ['198.18.2.0/24'], startedAt: '2025-06-02T02:20:00.000Z', finishedAt: '2025-06-02T02:31:00.000Z', findingsOpened: 1 }],
    evidence: [{ kind: 'photo', name: 'layar-loket-2.jpg', sha256: '9f2b5c0d4e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c', size: 48213, at: '2025-06-02T00:46:00.000Z' }],
    regulatory: [],
    clocks,
  };
}

// ---- reading a PDF back the way a person's tools do (poppler-utils: scripts/test-all.sh installs it) ----

function withFile<T>(pdf: Buffer, work: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'perisai-pdf-'));
  try {
    const path = join(dir, 'doc.pdf');
    writeFileSync(path, pdf);
    return work(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page (pdftotext -layout), pages split on form feeds. */
export function pdfPages(pdf: Buffer): string[] {
  const text = withFile(pdf, (path) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }));
  return text.split('\f').slice(0, -1);
}

/** The text with runs of white space folded to one space (for phrases a table cell may wrap). */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (path) => execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' })).replace(/\s+/g, ' ');
}

/** pdffonts' table: one row per font with its name, type and whether it is embedded. */
export function pdfFonts(pdf: Buffer): { name: string; embedded: boolean }[] {
  const out = withFile(pdf, (path) => execFileSync('pdffonts', [path], { encoding: 'utf8' }));
  return out.split('\n').slice(2).filter((l) => l.trim() !== '').map((l) => {
    const cols = l.trim().split(/\s+/);
    // name … emb sub uni objectId gen: emb is the fifth field from the end.
    return { name: cols[0]!, embedded: cols[cols.length - 5] === 'yes' };
  });
}

/** The repository root (the folder holding package.json), from src/ or dist/src/. */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

/** Draw the first page at 60 dpi into docs/screenshots/<name>.png (pdftoppm), and return its bytes. */
export function screenshot(pdf: Buffer, name: string): Buffer {
  const target = join(repoRoot(), 'docs', 'screenshots', `${name}.png`);
  withFile(pdf, (path, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', path, join(dir, 'page')]);
    writeFileSync(target, readFileSync(join(dir, 'page.png')));
  });
  return readFileSync(target);
}
