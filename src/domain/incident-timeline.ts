// The bilingual sentences of the automatic timeline entries (docs/incidents.md "Timeline"): one function
// per kind, so that the store, the sweep and the worker hook write the same words for the same event.

import { CLASSIFICATION_LABELS, PHASE_LABELS, PUBLIC_SERVICE_LABELS, RISK_LEVEL_LABELS } from './incident.js';
import type { Phase, Text } from './incident.js';

const label = (labels: Readonly<Record<string, Text>>, k: string | null): Text => (k === null ? { id: '-', en: '-' } : labels[k] ?? { id: k, en: k });

export const TL = {
  reportReceived: (reference: string, unit: string): Text => ({ id: `Laporan ${reference} diterima dari ${unit}`, en: `Report ${reference} received from ${unit}` }),
  reportLinked: (reference: string): Text => ({ id: `Laporan ${reference} dikaitkan dengan insiden ini`, en: `Report ${reference} linked to this incident` }),
  opened: (number: string): Text => ({ id: `Insiden ${number} dibuka`, en: `Incident ${number} opened` }),
  classified: (c: { classification: string | null; severity: string | null; riskLevel: string | null; vital: boolean; personalData: boolean }): Text => {
    const cl = label(CLASSIFICATION_LABELS, c.classification);
    const risk = label(RISK_LEVEL_LABELS, c.riskLevel);
    return {
      id: `Klasifikasi: ${cl.id}; tingkat ${c.severity ?? '-'}; risiko ${risk.id}; IIV ${c.vital ? 'ya' : 'tidak'}; data pribadi ${c.personalData ? 'ya' : 'tidak'}`,
      en: `Classification: ${cl.en}; severity ${c.severity ?? '-'}; risk ${risk.en}; IIV ${c.vital ? 'yes' : 'no'}; personal data ${c.personalData ? 'yes' : 'no'}`,
    };
  },
  phase: (from: Phase, to: Phase, note: string | null): Text => ({
    id: `Fase berubah: ${PHASE_LABELS[from].id} → ${PHASE_LABELS[to].id}${note !== null ? ` (${note})` : ''}`,
    en: `Phase changed: ${PHASE_LABELS[from].en} → ${PHASE_LABELS[to].en}${note !== null ? ` (${note})` : ''}`,
  }),
  assetLinked: (what: string, how: string): Text => ({ id: `Aset ${what} dikaitkan (${how})`, en: `Asset ${what} linked (${how})` }),
  assetUnlinked: (what: string): Text => ({ id: `Aset ${what} dilepas dari insiden`, en: `Asset ${what} unlinked` }),
  findingLinked: (rule: string, what: string, auto: boolean): Text => ({
    id: `Temuan ${rule} pada ${what} dikaitkan${auto ? ' otomatis dari pemindaian' : ''}`,
    en: `Finding ${rule} on ${what} linked${auto ? ' automatically from a scan' : ''}`,
  }),
  playbookAttached: (title: Text, version: number, auto: boolean): Text => ({
    id: `Playbook "${title.id}" v${version} dipasang${auto ? ' otomatis' : ''}`,
    en: `Playbook "${title.en}" v${version} attached${auto ? ' automatically' : ''}`,
  }),
  stepDone: (title: Text, note: string | null): Text => ({ id: `Langkah selesai: ${title.id}${note !== null ? ` — ${note}` : ''}`, en: `Step done: ${title.en}${note !== null ? ` — ${note}` : ''}` }),
  scanStarted: (targets: readonly string[]): Text => ({ id: `Pemindaian profil ransomware dimulai: ${targets.join(', ')}`, en: `Ransomware-profile scan started: ${targets.join(', ')}` }),
  scanResult: (status: string, s: { hosts: number | null; opened: number | null; ms17010: number; doublePulsar: number; smbv1: number }): Text => ({
    id: `Hasil pemindaian (${status}): ${s.hosts ?? '?'} host; temuan baru ${s.opened ?? '?'}; terbuka MS17-010 ${s.ms17010}, DoublePulsar ${s.doublePulsar}, SMBv1 ${s.smbv1}`,
    en: `Scan result (${status}): ${s.hosts ?? '?'} hosts; new findings ${s.opened ?? '?'}; open MS17-010 ${s.ms17010}, DoublePulsar ${s.doublePulsar}, SMBv1 ${s.smbv1}`,
  }),
  reconnect: (decision: 'approved' | 'refused', what: string, note: string | null): Text => ({
    id: `Keputusan sambung kembali ${what}: ${decision === 'approved' ? 'DISETUJUI' : 'DITOLAK'}${note !== null ? ` — ${note}` : ''}`,
    en: `Reconnection of ${what}: ${decision === 'approved' ? 'APPROVED' : 'REFUSED'}${note !== null ? ` — ${note}` : ''}`,
  }),
  messageToReporter: (reference: string, body: string): Text => ({ id: `Pesan ke pelapor ${reference}: ${body}`, en: `Message to reporter ${reference}: ${body}` }),
  messageFromReporter: (reference: string, body: string): Text => ({ id: `Tambahan dari pelapor ${reference}: ${body}`, en: `Added by reporter ${reference}: ${body}` }),
  photoAdded: (reference: string, sha256: string): Text => ({ id: `Foto dari ${reference} (SHA-256 ${sha256.slice(0, 16)}…)`, en: `Photo from ${reference} (SHA-256 ${sha256.slice(0, 16)}…)` }),
  countermeasure: (kind: string, target: string, device: string | null): Text => ({
    id: `Penanggulangan: ${kind} ${target}${device !== null ? ` di ${device}` : ''}`, en: `Countermeasure: ${kind} ${target}${device !== null ? ` at ${device}` : ''}`,
  }),
  countermeasureRemoved: (kind: string, target: string): Text => ({ id: `Penanggulangan dicabut: ${kind} ${target}`, en: `Countermeasure removed: ${kind} ${target}` }),
  request: (party: string, subject: string): Text => ({ id: `Permintaan ke ${party}: ${subject}`, en: `Request to ${party}: ${subject}` }),
  requestAnswered: (party: string, answer: string): Text => ({ id: `Jawaban dari ${party}: ${answer}`, en: `Answer from ${party}: ${answer}` }),
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
  regulatory: (kind: string, to: string): Text => ({ id: `Laporan ${kind} dikirim ke ${to}`, en: `${kind} report sent to ${to}` }),
  closed: (by: string): Text => ({ id: `Insiden dinyatakan selesai oleh ${by}`, en: `Incident declared over by ${by}` }),
};
