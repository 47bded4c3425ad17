// The bilingual sentences of the automatic timeline entries (docs/incidents.md "Timeline"): one function
// per kind, so that the store, the sweep and the worker hook write the same words for the same event.

import { CLASSIFICATION_LABELS, PHASE_LABELS, PUBLIC_SERVICE_LABELS, RISK_LEVEL_LABELS } from './incident.js';
import type { Phase, Text } from './incident.js';

const label = (labels: Readonly<Record<string, Text>>, k: string | null): Text => (k === null ? { id: '-', en: '-' } : labels[k] ?? { id: k, en: k });

// Words for the identifiers an entry names, so that a sentence read in either language (the incident
// page, the BSSN chronology) carries no code: tests/web/walk.test.ts judges the Indonesian one.
const SEVERITY: Readonly<Record<string, Text>> = {
  critical: { id: 'kritis', en: 'critical' }, high: { id: 'tinggi', en: 'high' }, medium: { id: 'sedang', en: 'medium' }, low: { id: 'rendah', en: 'low' },
};
const LINKED_HOW: Readonly<Record<string, Text>> = {
  asset: { id: 'dipilih dari inventaris', en: 'chosen from the inventory' }, ip: { id: 'lewat alamat IP', en: 'by IP address' },
  name: { id: 'lewat nama komputer', en: 'by computer name' }, unit: { id: 'seluruh unit', en: 'whole unit' }, auto: { id: 'otomatis dari pemindaian', en: 'automatically from a scan' },
};
const FINDING_RULES: Readonly<Record<string, Text>> = {
  'ms17-010': { id: 'MS17-010', en: 'MS17-010' }, doublepulsar: { id: 'DoublePulsar', en: 'DoublePulsar' }, smbv1: { id: 'SMBv1', en: 'SMBv1' },
  'exposure-smb': { id: 'SMB terjangkau dari luar segmen', en: 'SMB reachable from outside the segment' },
  'exposure-rdp': { id: 'RDP terjangkau dari luar segmen', en: 'RDP reachable from outside the segment' },
  'smb-os-eol': { id: 'Windows tanpa dukungan dengan SMB', en: 'Unsupported Windows serving SMB' },
};
const COUNTERMEASURES: Readonly<Record<string, Text>> = {
  'block-port': { id: 'blokir port', en: 'block port' }, 'isolate-host': { id: 'isolasi komputer', en: 'isolate host' },
  'isolate-segment': { id: 'isolasi segmen', en: 'isolate segment' }, 'disconnect-agency': { id: 'putuskan instansi', en: 'disconnect agency' },
  'disable-account': { id: 'nonaktifkan akun', en: 'disable account' }, 'disable-service': { id: 'matikan layanan', en: 'stop service' }, other: { id: 'lainnya', en: 'other' },
};
const PARTIES: Readonly<Record<string, Text>> = {
  bssn: { id: 'BSSN', en: 'BSSN' }, 'sector-csirt': { id: 'CSIRT sektor', en: 'the sector CSIRT' }, kemendagri: { id: 'Kemendagri', en: 'Kemendagri' },
  kemenkes: { id: 'Kemenkes', en: 'Kemenkes' }, vendor: { id: 'vendor', en: 'the vendor' }, isp: { id: 'penyedia internet', en: 'the ISP' }, police: { id: 'kepolisian', en: 'the police' },
  other: { id: 'pihak lain', en: 'another party' },
};
const REGULATORY: Readonly<Record<string, Text>> = {
  'bssn-initial': { id: 'BSSN awal', en: 'initial BSSN' }, 'bssn-update': { id: 'BSSN perkembangan', en: 'BSSN update' },
  'bssn-final': { id: 'BSSN akhir', en: 'final BSSN' }, 'pdp-notice': { id: 'pemberitahuan data pribadi', en: 'personal-data notice' },
};
const SCAN_STATUS: Readonly<Record<string, Text>> = {
  completed: { id: 'selesai', en: 'completed' }, failed: { id: 'gagal', en: 'failed' }, cancelled: { id: 'dibatalkan', en: 'cancelled' },
  running: { id: 'berjalan', en: 'running' }, queued: { id: 'antre', en: 'queued' }, finalizing: { id: 'diselesaikan', en: 'finalizing' },
};

export const TL = {
  reportReceived: (reference: string, unit: string): Text => ({ id: `Laporan ${reference} diterima dari ${unit}`, en: `Report ${reference} received from ${unit}` }),
  reportLinked: (reference: string): Text => ({ id: `Laporan ${reference} dikaitkan dengan insiden ini`, en: `Report ${reference} linked to this incident` }),
  opened: (number: string): Text => ({ id: `Insiden ${number} dibuka`, en: `Incident ${number} opened` }),
  classified: (c: { classification: string | null; severity: string | null; riskLevel: string | null; vital: boolean; personalData: boolean }): Text => {
    const cl = label(CLASSIFICATION_LABELS, c.classification);
    const risk = label(RISK_LEVEL_LABELS, c.riskLevel);
    const sev = label(SEVERITY, c.severity);
    return {
      id: `Klasifikasi: ${cl.id}; tingkat ${sev.id}; risiko ${risk.id}; IIV ${c.vital ? 'ya' : 'tidak'}; data pribadi ${c.personalData ? 'ya' : 'tidak'}`,
      en: `Classification: ${cl.en}; severity ${sev.en}; risk ${risk.en}; IIV ${c.vital ? 'yes' : 'no'}; personal data ${c.personalData ? 'yes' : 'no'}`,
    };
  },
  phase: (from: Phase, to: Phase, note: string | null): Text => ({
    id: `Fase berubah: ${PHASE_LABELS[from].id} → ${PHASE_LABELS[to].id}${note !== null ? ` (${note})` : ''}`,
    en: `Phase changed: ${PHASE_LABELS[from].en} → ${PHASE_LABELS[to].en}${note !== null ? ` (${note})` : ''}`,
  }),
  assetLinked: (what: string, how: string): Text => ({ id: `Aset ${what} dikaitkan (${label(LINKED_HOW, how).id})`, en: `Asset ${what} linked (${label(LINKED_HOW, how).en})` }),
  assetUnlinked: (what: string): Text => ({ id: `Aset ${what} dilepas dari insiden`, en: `Asset ${what} unlinked` }),
  findingLinked: (rule: string, what: string, auto: boolean): Text => ({
    id: `Temuan ${label(FINDING_RULES, rule).id} pada ${what} dikaitkan${auto ? ' otomatis dari pemindaian' : ''}`,
    en: `Finding ${label(FINDING_RULES, rule).en} on ${what} linked${auto ? ' automatically from a scan' : ''}`,
  }),
  playbookAttached: (title: Text, version: number, auto: boolean): Text => ({
    id: `Playbook "${title.id}" v${version} dipasang${auto ? ' otomatis' : ''}`,
    en: `Playbook "${title.en}" v${version} attached${auto ? ' automatically' : ''}`,
  }),
  stepDone: (title: Text, note: string | null): Text => ({ id: `Langkah selesai: ${title.id}${note !== null ? ` — ${note}` : ''}`, en: `Step done: ${title.en}${note !== null ? ` — ${note}` : ''}` }),
  scanStarted: (targets: readonly string[]): Text => ({ id: `Pemindaian profil ransomware dimulai: ${targets.join(', ')}`, en: `Ransomware-profile scan started: ${targets.join(', ')}` }),
  scanResult: (status: string, s: { hosts: number | null; opened: number | null; ms17010: number; doublePulsar: number; smbv1: number }): Text => ({
    id: `Hasil pemindaian (${label(SCAN_STATUS, status).id}): ${s.hosts ?? '?'} host; temuan baru ${s.opened ?? '?'}; terbuka MS17-010 ${s.ms17010}, DoublePulsar ${s.doublePulsar}, SMBv1 ${s.smbv1}`,
    en: `Scan result (${label(SCAN_STATUS, status).en}): ${s.hosts ?? '?'} hosts; new findings ${s.opened ?? '?'}; open MS17-010 ${s.ms17010}, DoublePulsar ${s.doublePulsar}, SMBv1 ${s.smbv1}`,
  }),
  reconnect: (decision: 'approved' | 'refused', what: string, note: string | null): Text => ({
    id: `Keputusan sambung kembali ${what}: ${decision === 'approved' ? 'DISETUJUI' : 'DITOLAK'}${note !== null ? ` — ${note}` : ''}`,
    en: `Reconnection of ${what}: ${decision === 'approved' ? 'APPROVED' : 'REFUSED'}${note !== null ? ` — ${note}` : ''}`,
  }),
  messageToReporter: (reference: string, body: string): Text => ({ id: `Pesan ke pelapor ${reference}: ${body}`, en: `Message to reporter ${reference}: ${body}` }),
  messageFromReporter: (reference: string, body: string): Text => ({ id: `Tambahan dari pelapor ${reference}: ${body}`, en: `Added by reporter ${reference}: ${body}` }),
  photoAdded: (reference: string, sha256: string): Text => ({ id: `Foto dari ${reference} (SHA-256 ${sha256.slice(0, 16)}…)`, en: `Photo from ${reference} (SHA-256 ${sha256.slice(0, 16)}…)` }),
  countermeasure: (kind: string, target: string, device: string | null): Text => ({
    id: `Penanggulangan: ${label(COUNTERMEASURES, kind).id} ${target}${device !== null ? ` di ${device}` : ''}`, en: `Countermeasure: ${label(COUNTERMEASURES, kind).en} ${target}${device !== null ? ` at ${device}` : ''}`,
  }),
  countermeasureRemoved: (kind: string, target: string): Text => ({ id: `Penanggulangan dicabut: ${label(COUNTERMEASURES, kind).id} ${target}`, en: `Countermeasure removed: ${label(COUNTERMEASURES, kind).en} ${target}` }),
  request: (party: string, subject: string): Text => ({ id: `Permintaan ke ${label(PARTIES, party).id}: ${subject}`, en: `Request to ${label(PARTIES, party).en}: ${subject}` }),
  requestAnswered: (party: string, answer: string): Text => ({ id: `Jawaban dari ${label(PARTIES, party).id}: ${answer}`, en: `Answer from ${label(PARTIES, party).en}: ${answer}` }),
  impact: (service: string, fallback: string | null): Text => {
    const s = label(PUBLIC_SERVICE_LABELS, service);
    return { id: `Layanan terhenti: ${s.id}${fallback !== null ? `; cadangan: ${fallback}` : ''}`, en: `Service down: ${s.en}${fallback !== null ? `; fallback: ${fallback}` : ''}` };
  },
  restored: (service: string): Text => {
    const s = label(PUBLIC_SERVICE_LABELS, service);
    return { id: `Layanan pulih: ${s.id}`, en: `Service restored: ${s.en}` };
  },
  // The due time first: alert subjects are cut at a fixed length, and the time is what a reader needs.
  clock: (event: 'warning' | 'breached', title: Text, dueLocal: string): Text => event === 'warning'
    ? { id: `Peringatan tenggat ${dueLocal}: ${title.id}`, en: `Deadline warning, due ${dueLocal}: ${title.en}` }
    : { id: `Tenggat terlewati ${dueLocal}: ${title.id}`, en: `Deadline missed, was due ${dueLocal}: ${title.en}` },
  regulatory: (kind: string, to: string): Text => ({ id: `Laporan ${label(REGULATORY, kind).id} dikirim ke ${to}`, en: `${label(REGULATORY, kind).en} report sent to ${to}` }),
  closed: (by: string): Text => ({ id: `Insiden dinyatakan selesai oleh ${by}`, en: `Incident declared over by ${by}` }),
};
