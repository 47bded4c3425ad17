// Circulars (surat edaran) as pure data and rules (docs/circulars.md). No I/O: the store persists these,
// the API, the worker's finalize hook and the PDF renderer use them.
//
// A CIRCULAR is a letter in the Indonesian government format (tata naskah dinas, "kepala / batang tubuh / kaki": kop,
// Yth., SURAT EDARAN, NOMOR, TENTANG, body, signature block, tembusan, lampiran) plus a CHECKLIST: items
// each agency in the audience answers. An item is either `attest` (only the agency can say) or `scan`
// (bound to finding rule ids: the network is the authority). An answer is the agency's word; its
// VERIFICATION is what the agency's registered networks say after that word was given:
//
//   state         when
//   pending       the item is not attested (status is not done / not-applicable)
//   contradicted  attested, and a scan finished after the attestation still finds an open finding of the
//                 item's rules on the agency's networks (the hosts are listed with their evidence)
//   unverifiable  attested, but no scan of every agency network since, a host the scan could only answer
//                 `unknown` about, an open finding the later scan did not re-check (host offline), an
//                 agency without networks, or an `attest` item (nothing to check it against)
//   verified      attested `scan` item, every agency network scanned for the item's rules after the
//                 attestation, no open finding and no unknown verdict for those rules
//
// Unknown is never verified (an error or timeout is never "safe"), and attested is not
// verified. An item is COMPLETE when it is attested, not returned by the office, and — where it is
// checkable — verified. The reconnect gate of an emergency campaign clears only on complete required
// items and a clean latest re-scan (CISA ED 20-04's "patched before they are connected" rule; docs/circulars.md).

import { validationError } from './errors.js';
import type { PerisaiError } from './errors.js';
import { FINDING_DEFINITIONS } from './finding-signals.js';
import { cleanText } from './incident.js';
import { cidrContains, cidrContainsAddress, parseAddress, parseCidr } from './ip.js';
import type { Text } from './incident.js';

export type { Text };

/** A validation error with its Indonesian sentence (the API shows it as `messageId`). */
export function circularError(field: string, en: string, id: string, extra: Record<string, string | number> = {}): PerisaiError {
  return validationError(`${field}: ${en}`, { field, messageId: id, ...extra });
}

// ---- the letter (docs/circulars.md, "The letter") ------------------------------------------------------

/** Security classification of the letter (Tata Naskah Dinas). */
export const LETTER_CLASSIFICATIONS = ['biasa', 'terbatas', 'rahasia'] as const;
export type LetterClassification = (typeof LETTER_CLASSIFICATIONS)[number];

/** "Sifat" — how urgent the letter is (the usual values of tata naskah dinas: Biasa, Penting, Segera, Sangat Segera). */
export const LETTER_URGENCIES = ['biasa', 'penting', 'segera', 'sangat-segera'] as const;
export type LetterUrgency = (typeof LETTER_URGENCIES)[number];

export const LETTER_CLASSIFICATION_LABELS: Readonly<Record<LetterClassification, Text>> = {
  biasa: { id: 'Biasa', en: 'Unclassified' },
  terbatas: { id: 'Terbatas', en: 'Restricted' },
  rahasia: { id: 'Rahasia', en: 'Confidential' },
};
export const LETTER_URGENCY_LABELS: Readonly<Record<LetterUrgency, Text>> = {
  biasa: { id: 'Biasa', en: 'Routine' },
  penting: { id: 'Penting', en: 'Important' },
  segera: { id: 'Segera', en: 'Urgent' },
  'sangat-segera': { id: 'Sangat Segera', en: 'Most urgent' },
};

export interface Issuer {
  /** Kop line 1, e.g. "PEMERINTAH KOTA CONTOH". */
  readonly government: string;
  /** Kop line 2, e.g. "DINAS KOMUNIKASI DAN INFORMATIKA". */
  readonly unit: string;
  readonly address: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly website: string | null;
  /** Place written before the date in the signature block ("Contoh, 13 Mei 2017"). */
  readonly place: string;
}

export interface Signatory {
  readonly name: string;
  /** Jabatan, e.g. "KEPALA DINAS KOMUNIKASI DAN INFORMATIKA". */
  readonly position: Text;
  /** "a.n. WALI KOTA CONTOH" when signing on behalf of the head of region; null when in one's own name. */
  readonly onBehalfOf: Text | null;
  /** Pangkat/golongan, e.g. "Pembina Utama Muda (IV/c)". */
  readonly rank: string | null;
  /** NIP: 18 digits (PP 11/2017 ASN numbering), spaces allowed between groups. */
  readonly nip: string | null;
}

/** Body sections in Markdown, each in both languages (the letter's batang tubuh: latar belakang, dasar, isi, penutup). */
export interface LetterSections {
  readonly background: Text;
  readonly basis: Text;
  readonly instructions: Text;
  readonly closing: Text;
}

export interface CopyTo {
  /** Tembusan line, e.g. "Wali Kota Contoh (sebagai laporan)". */
  readonly title: string;
  /** Where escalations to this recipient go; null = printed only. */
  readonly email: string | null;
}

export interface Annex {
  readonly title: Text;
  /** Markdown. The checklist and the reply form are annexes the renderer adds itself (see CircularLetter). */
  readonly body: Text;
}

export interface Deadline {
  readonly label: Text;
  readonly at: string;
}

// ---- the audience ---------------------------------------------------------------------------------------

/** All active agencies, the agencies of some kinds (a level of the hierarchy), or a list. */
export type Audience =
  | { readonly kind: 'all' }
  | { readonly kind: 'level'; readonly agencyKinds: readonly string[] }
  | { readonly kind: 'list'; readonly agencyIds: readonly string[] };

export function resolveAudience(a: Audience, agencies: readonly { id: string; kind: string; retiredAt: string | null }[]): string[] {
  const live = agencies.filter((x) => x.retiredAt === null);
  if (a.kind === 'all') return live.map((x) => x.id);
  if (a.kind === 'level') return live.filter((x) => a.agencyKinds.includes(x.kind)).map((x) => x.id);
  const ids = new Set(a.agencyIds);
  return live.filter((x) => ids.has(x.id)).map((x) => x.id);
}

// ---- checklist items as data ----------------------------------------------------------------------------

/** Who an item's guidance speaks to (Kominfo's May 2017 steps were split this way: user steps vs IT-manager steps). */
export const GUIDANCE_ROLES = ['agency-head', 'agency-it', 'staff'] as const;
export type GuidanceRole = (typeof GUIDANCE_ROLES)[number];

/** CSAF 2.0 remediation categories, "none-available" meaning: isolate. */
export const REMEDIATION_CATEGORIES = ['vendor-fix', 'mitigation', 'workaround', 'none-available'] as const;
export type RemediationCategory = (typeof REMEDIATION_CATEGORIES)[number];

export const EVIDENCE_KINDS = ['none', 'photo', 'file', 'kb-list', 'machine-count'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Finding rule ids a `scan` item can bind to (src/domain/finding-signals.ts FINDING_DEFINITIONS). */
export const SCAN_RULES = ['ms17-010', 'doublepulsar', 'smbv1', 'smb-signing', 'rdp-exposed', 'exposure-smb', 'exposure-rdp'] as const;
export type ScanRule = (typeof SCAN_RULES)[number];

export type Verification = { readonly mode: 'attest' } | { readonly mode: 'scan'; readonly rules: readonly ScanRule[] };

export interface ChecklistItem {
  /** Stable within the circular across versions, e.g. "ms17-010". */
  readonly code: string;
  readonly title: Text;
  readonly guidance: Readonly<Partial<Record<GuidanceRole, Text>>>;
  /** When the item applies, e.g. "Windows XP/2003 only"; null = to every agency. */
  readonly applicability: Text | null;
  readonly remediation: RemediationCategory;
  readonly evidence: EvidenceKind;
  /** Hours after the circular is sent (templates); a concrete circular may set `dueAt` instead. */
  readonly dueAfterHours: number | null;
  readonly dueAt: string | null;
  /** Needed for the reconnect gate. */
  readonly required: boolean;
  readonly verification: Verification;
}

const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;

function text(v: Partial<Text> | null | undefined, field: string, max: number, opts: { required?: boolean } = {}): Text {
  const id = cleanText(v?.id, `${field}.id`, max, { required: opts.required ?? true, multiline: true });
  const en = cleanText(v?.en, `${field}.en`, max, { required: opts.required ?? true, multiline: true });
  return { id: id ?? '', en: en ?? '' };
}

function isoOrNull(v: string | null | undefined, field: string): string | null {
  if (v == null || v === '') return null;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw circularError(field, 'not a date and time', 'bukan tanggal dan waktu yang valid');
  return new Date(t).toISOString();
}

export function validateItem(i: ChecklistItem, field: string): ChecklistItem {
  if (typeof i?.code !== 'string' || !CODE.test(i.code)) throw circularError(`${field}.code`, 'lower-case letters, digits and dashes (1–40)', 'huruf kecil, angka dan tanda hubung (1–40)');
  if (!(REMEDIATION_CATEGORIES as readonly string[]).includes(i.remediation)) throw circularError(`${field}.remediation`, `one of ${REMEDIATION_CATEGORIES.join(', ')}`, `salah satu dari ${REMEDIATION_CATEGORIES.join(', ')}`);
  if (!(EVIDENCE_KINDS as readonly string[]).includes(i.evidence)) throw circularError(`${field}.evidence`, `one of ${EVIDENCE_KINDS.join(', ')}`, `salah satu dari ${EVIDENCE_KINDS.join(', ')}`);
  const guidance: Partial<Record<GuidanceRole, Text>> = {};
  for (const [role, g] of Object.entries(i.guidance ?? {})) {
    if (!(GUIDANCE_ROLES as readonly string[]).includes(role)) throw circularError(`${field}.guidance`, `role ${role} is not one of ${GUIDANCE_ROLES.join(', ')}`, `peran ${role} tidak dikenal`);
    guidance[role as GuidanceRole] = text(g, `${field}.guidance.${role}`, 4000);
  }
  let verification: Verification;
  if (i.verification?.mode === 'attest') verification = { mode: 'attest' };
  else if (i.verification?.mode === 'scan') {
    const rules = [...new Set(i.verification.rules ?? [])];
    if (rules.length === 0) throw circularError(`${field}.verification.rules`, 'a scan item names at least one finding rule', 'butir berbasis pemindaian wajib menyebut minimal satu aturan temuan');
    for (const r of rules) if (!(SCAN_RULES as readonly string[]).includes(r)) throw circularError(`${field}.verification.rules`, `${r} is not one of ${SCAN_RULES.join(', ')}`, `${r} bukan aturan temuan yang dikenal`);
    verification = { mode: 'scan', rules };
  } else throw circularError(`${field}.verification.mode`, 'attest or scan', 'pilih attest atau scan');
  const hours = i.dueAfterHours ?? null;
  if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > 24 * 366)) throw circularError(`${field}.dueAfterHours`, 'whole hours between 1 and 8784', 'jam bulat antara 1 dan 8784');
  return {
    code: i.code, title: text(i.title, `${field}.title`, 300), guidance,
    applicability: i.applicability == null || ((i.applicability.id ?? '') === '' && (i.applicability.en ?? '') === '') ? null : text(i.applicability, `${field}.applicability`, 300),
    remediation: i.remediation, evidence: i.evidence, dueAfterHours: hours, dueAt: isoOrNull(i.dueAt, `${field}.dueAt`), required: i.required === true, verification,
  };
}

/** When an item is due: its own date, else its offset from the sending, else the letter's first deadline. */
export function itemDue(item: Pick<ChecklistItem, 'dueAt' | 'dueAfterHours'>, sentAt: string | null, deadlines: readonly Deadline[]): string | null {
  if (item.dueAt !== null) return item.dueAt;
  if (item.dueAfterHours !== null && sentAt !== null) return new Date(Date.parse(sentAt) + item.dueAfterHours * 3_600_000).toISOString();
  const first = [...deadlines].sort((a, b) => a.at.localeCompare(b.at))[0];
  return first?.at ?? null;
}

// ---- the whole circular (what a template and a circular version hold) -----------------------------------

export interface CircularContent {
  readonly issuer: Issuer;
  readonly addressee: Text;
  readonly signatory: Signatory;
  readonly classification: LetterClassification;
  readonly urgency: LetterUrgency;
  /** The "TENTANG …" title. */
  readonly subject: Text;
  readonly sections: LetterSections;
  readonly tembusan: readonly CopyTo[];
  readonly lampiran: readonly Annex[];
  readonly deadlines: readonly Deadline[];
  readonly audience: Audience;
  readonly items: readonly ChecklistItem[];
}

const NIP = /^\d{8} ?\d{6} ?\d ?\d{3}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function oneOf<K extends string>(v: unknown, allowed: readonly K[], field: string): K {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw circularError(field, `one of ${allowed.join(', ')}`, `pilih salah satu dari ${allowed.join(', ')}`);
  return v as K;
}

/** Check a circular or template as written in the compose form; returns the cleaned content. */
export function validateContent(c: CircularContent): CircularContent {
  const iss = c.issuer;
  const issuer: Issuer = {
    government: cleanText(iss?.government, 'issuer.government', 200, { required: true })!,
    unit: cleanText(iss?.unit, 'issuer.unit', 200, { required: true })!,
    address: cleanText(iss?.address, 'issuer.address', 300, { required: true })!,
    phone: cleanText(iss?.phone, 'issuer.phone', 60),
    email: cleanText(iss?.email, 'issuer.email', 200),
    website: cleanText(iss?.website, 'issuer.website', 200),
    place: cleanText(iss?.place, 'issuer.place', 100, { required: true })!,
  };
  if (issuer.email !== null && !EMAIL.test(issuer.email)) throw circularError('issuer.email', 'not an e-mail address', 'bukan alamat surel');
  const s = c.signatory;
  const nip = cleanText(s?.nip, 'signatory.nip', 21);
  if (nip !== null && !NIP.test(nip)) throw circularError('signatory.nip', 'an NIP has 18 digits', 'NIP terdiri atas 18 angka');
  const signatory: Signatory = {
    name: cleanText(s?.name, 'signatory.name', 120, { required: true })!,
    position: text(s?.position, 'signatory.position', 200),
    onBehalfOf: s?.onBehalfOf == null || (s.onBehalfOf.id ?? '') === '' ? null : text(s.onBehalfOf, 'signatory.onBehalfOf', 200),
    rank: cleanText(s?.rank, 'signatory.rank', 120),
    nip,
  };
  const sections: LetterSections = {
    background: text(c.sections?.background, 'sections.background', 20_000),
    basis: text(c.sections?.basis, 'sections.basis', 20_000),
    instructions: text(c.sections?.instructions, 'sections.instructions', 20_000),
    closing: text(c.sections?.closing, 'sections.closing', 5_000),
  };
  const tembusan = (c.tembusan ?? []).map((t, i): CopyTo => {
    const email = cleanText(t?.email, `tembusan.${i}.email`, 200);
    if (email !== null && !EMAIL.test(email)) throw circularError(`tembusan.${i}.email`, 'not an e-mail address', 'bukan alamat surel');
    return { title: cleanText(t?.title, `tembusan.${i}.title`, 200, { required: true })!, email };
  });
  if (tembusan.length > 20) throw circularError('tembusan', 'at most 20', 'maksimal 20');
  const lampiran = (c.lampiran ?? []).map((a, i): Annex => ({ title: text(a?.title, `lampiran.${i}.title`, 200), body: text(a?.body, `lampiran.${i}.body`, 50_000, { required: false }) }));
  const deadlines = (c.deadlines ?? []).map((d, i): Deadline => ({ label: text(d?.label, `deadlines.${i}.label`, 200), at: isoOrNull(d?.at, `deadlines.${i}.at`) ?? (() => { throw circularError(`deadlines.${i}.at`, 'required', 'wajib diisi'); })() }));
  let audience: Audience;
  if (c.audience?.kind === 'all') audience = { kind: 'all' };
  else if (c.audience?.kind === 'level') {
    const kinds = [...new Set(c.audience.agencyKinds ?? [])];
    if (kinds.length === 0) throw circularError('audience.agencyKinds', 'choose at least one kind of agency', 'pilih minimal satu jenis instansi');
    audience = { kind: 'level', agencyKinds: kinds };
  } else if (c.audience?.kind === 'list') {
    const ids = [...new Set(c.audience.agencyIds ?? [])];
    if (ids.length === 0) throw circularError('audience.agencyIds', 'choose at least one agency', 'pilih minimal satu instansi');
    audience = { kind: 'list', agencyIds: ids };
  } else throw circularError('audience.kind', 'all, level or list', 'pilih all, level atau list');
  if (!Array.isArray(c.items) || c.items.length === 0) throw circularError('items', 'at least one checklist item', 'minimal satu butir daftar periksa');
  if (c.items.length > 50) throw circularError('items', 'at most 50 checklist items', 'maksimal 50 butir daftar periksa');
  const items: ChecklistItem[] = [];
  for (const [i, it] of c.items.entries()) {
    const v = validateItem(it, `items.${i}`);
    if (items.some((x) => x.code === v.code)) throw circularError(`items.${i}.code`, `${v.code} twice`, `kode ${v.code} dipakai dua kali`);
    items.push(v);
  }
  return {
    issuer, addressee: text(c.addressee, 'addressee', 300), signatory,
    classification: oneOf(c.classification, LETTER_CLASSIFICATIONS, 'classification'), urgency: oneOf(c.urgency, LETTER_URGENCIES, 'urgency'),
    subject: text(c.subject, 'subject', 300), sections, tembusan, lampiran, deadlines, audience, items,
  };
}

// ---- numbering register per year -------------------------------------------------------------------------

/**
 * The letter number from the register's pattern: `{serial}` (zero-padded to 3), `{year}`, `{month}` in
 * Roman numerals (a common regional style), e.g. "800/{serial}/DISKOMINFO/{year}" → "800/012/DISKOMINFO/2017".
 * The serial counts per year and per register (the government numbering: classification code / serial / unit code / year).
 */
export function formatLetterNumber(pattern: string, serial: number, date: string): string {
  if (!pattern.includes('{serial}')) throw circularError('numberPattern', 'must contain {serial}', 'wajib memuat {serial}');
  const d = new Date(date);
  const roman = ['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII'][d.getUTCMonth()]!;
  return pattern.replaceAll('{serial}', String(serial).padStart(3, '0')).replaceAll('{year}', String(d.getUTCFullYear())).replaceAll('{month}', roman);
}

export const DEFAULT_NUMBER_PATTERN = '800/{serial}/DISKOMINFO/{year}';

// ---- the shape a PDF renderer takes --------------------------------------------------------------------

/**
 * Everything the printed letter needs, in one language-neutral object: the renderer picks `id` or `en`
 * from each Text. `number` and `date` are null on a draft (printed as "…"), set once it is sent.
 */
export interface CircularLetter extends Omit<CircularContent, 'audience'> {
  readonly circularId: string;
  readonly number: string | null;
  /** The letter's date (YYYY-MM-DD), the day it was sent. */
  readonly date: string | null;
  readonly version: number;
  /** Addressed agency for a per-agency copy; null on the general letter. */
  readonly agency: { readonly code: string; readonly name: string } | null;
}

export function toLetter(args: { circularId: string; number: string | null; sentAt: string | null; version: number; content: CircularContent; agency?: { code: string; name: string } | null }): CircularLetter {
  const { audience: _ignored, ...rest } = args.content;
  void _ignored;
  return {
    ...rest, circularId: args.circularId, number: args.number, date: args.sentAt === null ? null : args.sentAt.slice(0, 10), version: args.version,
    items: args.content.items.map((i) => ({ ...i, dueAt: itemDue(i, args.sentAt, args.content.deadlines) })), agency: args.agency ?? null,
  };
}

// ---- circular lifecycle ----------------------------------------------------------------------------------

export const CIRCULAR_STATUSES = ['draft', 'sent', 'closed'] as const;
export type CircularStatus = (typeof CIRCULAR_STATUSES)[number];

// ---- answers per agency × item (NIST SP 800-53 SI-5 "or notify the degree of noncompliance") ----

export const ANSWER_STATUSES = ['todo', 'in-progress', 'done', 'partially', 'not-applicable', 'cannot'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

export const ANSWER_STATUS_LABELS: Readonly<Record<AnswerStatus, Text>> = {
  todo: { id: 'Belum dikerjakan', en: 'To do' },
  'in-progress': { id: 'Sedang dikerjakan', en: 'In progress' },
  done: { id: 'Selesai', en: 'Done' },
  partially: { id: 'Sebagian', en: 'Partially' },
  'not-applicable': { id: 'Tidak berlaku', en: 'Not applicable' },
  cannot: { id: 'Tidak dapat dilaksanakan', en: 'Cannot do' },
};

/** The statuses that claim the item is handled: the network can contradict them. */
export const ATTESTING_STATUSES: readonly AnswerStatus[] = ['done', 'not-applicable'];
export function isAttested(status: AnswerStatus | null | undefined): boolean {
  return status !== null && status !== undefined && ATTESTING_STATUSES.includes(status);
}

export const REVIEW_STATES = ['none', 'approved', 'returned'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export interface AnswerInput {
  readonly status: string;
  readonly reason?: string | null;
  readonly targetDate?: string | null;
  readonly machinesDone?: number | null;
  readonly machinesTotal?: number | null;
  readonly note?: string | null;
  /** For `kb-list` items: the Windows the agency runs and the KBs it installed. */
  readonly os?: string | null;
  readonly kbs?: readonly string[] | null;
}

export interface ValidAnswer {
  readonly status: AnswerStatus;
  readonly reason: string | null;
  readonly targetDate: string | null;
  readonly machinesDone: number | null;
  readonly machinesTotal: number | null;
  readonly note: string | null;
  readonly os: WindowsVersion | null;
  readonly kbs: readonly string[];
  /** What the KB list says (a hint, never the verdict: the network check decides). */
  readonly kbHint: KbCheck | null;
}

/**
 * Check an answer. Refused: an answer to a closed circular, an unknown status, "cannot" without a reason
 * and a target date, N greater than M, a KB list with a KB of another Windows, a pre-March-2017 KB, or
 * April 2017's security-only update (neither can contain the fix: see APRIL_2017_SECURITY_ONLY, PRE_MARCH_2017).
 */
export function validateAnswer(item: ChecklistItem, input: AnswerInput, ctx: { circularStatus: CircularStatus; now: Date }): ValidAnswer {
  if (ctx.circularStatus === 'closed') throw circularError('status', 'the circular is closed; answers are no longer accepted', 'surat edaran sudah ditutup; jawaban tidak lagi diterima', { reason: 'closed' });
  if (ctx.circularStatus === 'draft') throw circularError('status', 'the circular has not been sent yet', 'surat edaran belum dikirim', { reason: 'draft' });
  const status = oneOf(input.status, ANSWER_STATUSES, 'status');
  const reason = cleanText(input.reason, 'reason', 2000, { multiline: true });
  let targetDate: string | null = null;
  if (input.targetDate != null && input.targetDate !== '') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.targetDate) || Number.isNaN(Date.parse(input.targetDate))) throw circularError('targetDate', 'a date YYYY-MM-DD', 'tanggal dengan format TTTT-BB-HH');
    if (input.targetDate < ctx.now.toISOString().slice(0, 10)) throw circularError('targetDate', 'lies in the past', 'tanggal target sudah lewat');
    targetDate = input.targetDate;
  }
  if (status === 'cannot' && (reason === null || targetDate === null)) {
    throw circularError(reason === null ? 'reason' : 'targetDate', '"cannot do" needs a reason and a target date', '"tidak dapat dilaksanakan" wajib disertai alasan dan tanggal target');
  }
  const count = (v: number | null | undefined, field: string): number | null => {
    if (v == null) return null;
    if (!Number.isInteger(v) || v < 0 || v > 100_000) throw circularError(field, 'a whole number from 0 to 100000', 'bilangan bulat 0 sampai 100000');
    return v;
  };
  const machinesDone = count(input.machinesDone, 'machinesDone');
  const machinesTotal = count(input.machinesTotal, 'machinesTotal');
  if (machinesDone !== null && machinesTotal !== null && machinesDone > machinesTotal) throw circularError('machinesDone', 'more machines done than there are', 'jumlah mesin selesai melebihi jumlah mesin');
  if (status === 'done' && machinesDone !== null && machinesTotal !== null && machinesDone < machinesTotal) {
    throw circularError('status', `done, but only ${machinesDone} of ${machinesTotal} machines: choose "partially"`, `selesai, tetapi baru ${machinesDone} dari ${machinesTotal} mesin: pilih "sebagian"`);
  }
  let os: WindowsVersion | null = null;
  let kbs: string[] = [];
  let kbHint: KbCheck | null = null;
  if ((input.kbs ?? []).length > 0 || (input.os ?? '') !== '') {
    if (item.evidence !== 'kb-list') throw circularError('kbs', 'this item does not ask for a KB list', 'butir ini tidak meminta daftar KB');
    os = oneOf(input.os, WINDOWS_VERSIONS, 'os');
    kbs = (input.kbs ?? []).map((k, i) => normalizeKb(k, `kbs.${i}`));
    kbHint = checkKbs(os, kbs);
    const bad = kbHint.refused[0];
    if (bad !== undefined) throw circularError('kbs', KB_REFUSAL_TEXT[bad.why].en(bad.kb, os), KB_REFUSAL_TEXT[bad.why].id(bad.kb, os), { kb: bad.kb, why: bad.why });
  }
  return { status, reason, targetDate, machinesDone, machinesTotal, note: cleanText(input.note, 'note', 4000, { multiline: true }), os, kbs, kbHint };
}

// ---- office review (CERT/CC VINCE's "approved" per organisation statement) -------------------------

export function validateReview(input: { decision: string; comment?: string | null }): { state: Exclude<ReviewState, 'none'>; comment: string | null } {
  const state = oneOf(input.decision, ['approved', 'returned'] as const, 'decision');
  const comment = cleanText(input.comment, 'comment', 2000, { multiline: true });
  if (state === 'returned' && comment === null) throw circularError('comment', 'say why the answer is returned', 'jelaskan mengapa jawaban dikembalikan');
  return { state, comment };
}

// ---- the MS17-010 KB map (Microsoft KB4023262; docs/circulars.md, "KB-aware MS17-010") ------------------

export const WINDOWS_VERSIONS = [
  'xp-2003', 'windows-8', 'vista-2008', '7-2008r2', '8.1-2012r2', '2012', '10-1507', '10-1511', '10-1607-2016', '10-1703-later',
] as const;
export type WindowsVersion = (typeof WINDOWS_VERSIONS)[number];

export interface KbFamily {
  readonly os: WindowsVersion;
  readonly label: Text;
  /** The update that first fixed MS17-010. */
  readonly fixing: readonly string[];
  /** Later updates that contain the fix (superseding rollups and cumulatives). */
  readonly superseding: readonly string[];
  /** srv.sys minimum fixed version (what Nessus 97737 and Microsoft's scripts compare), null = not affected. */
  readonly srvSys: string | null;
  /** A later monthly rollup/cumulative than those listed also contains the fix (Microsoft's rollups are cumulative). */
  readonly laterRollupsFix: boolean;
}

export const MS17_010_KB_MAP: readonly KbFamily[] = [
  { os: 'xp-2003', label: { id: 'Windows XP / Server 2003', en: 'Windows XP / Server 2003' }, fixing: ['KB4012598'], superseding: [], srvSys: '5.1.2600.7208 (XP) / 5.2.3790.6021 (2003)', laterRollupsFix: false },
  { os: 'windows-8', label: { id: 'Windows 8 (bukan 8.1)', en: 'Windows 8 (not 8.1)' }, fixing: ['KB4012598'], superseding: [], srvSys: '6.2.9200.22099', laterRollupsFix: false },
  { os: 'vista-2008', label: { id: 'Windows Vista SP2 / Server 2008 SP2', en: 'Windows Vista SP2 / Server 2008 SP2' }, fixing: ['KB4012598'], superseding: [], srvSys: '6.0.6002.19743 / 6.0.6002.24067', laterRollupsFix: true },
  { os: '7-2008r2', label: { id: 'Windows 7 SP1 / Server 2008 R2 SP1', en: 'Windows 7 SP1 / Server 2008 R2 SP1' }, fixing: ['KB4012212', 'KB4012215'], superseding: ['KB4012218', 'KB4015549', 'KB4015552', 'KB4019263', 'KB4019264'], srvSys: '6.1.7601.23689', laterRollupsFix: true },
  { os: '8.1-2012r2', label: { id: 'Windows 8.1 / Server 2012 R2 / RT 8.1', en: 'Windows 8.1 / Server 2012 R2 / RT 8.1' }, fixing: ['KB4012213', 'KB4012216'], superseding: ['KB4012219', 'KB4015550', 'KB4015553', 'KB4019213', 'KB4019215'], srvSys: '6.3.9600.18604', laterRollupsFix: true },
  { os: '2012', label: { id: 'Windows Server 2012', en: 'Windows Server 2012' }, fixing: ['KB4012214', 'KB4012217'], superseding: ['KB4012220', 'KB4015551', 'KB4015554', 'KB4019214', 'KB4019216'], srvSys: '6.2.9200.22099', laterRollupsFix: true },
  { os: '10-1507', label: { id: 'Windows 10 versi 1507 (LTSB 2015)', en: 'Windows 10 version 1507 (LTSB 2015)' }, fixing: ['KB4012606'], superseding: ['KB4015221', 'KB4019474'], srvSys: '10.0.10240.17319', laterRollupsFix: true },
  { os: '10-1511', label: { id: 'Windows 10 versi 1511', en: 'Windows 10 version 1511' }, fixing: ['KB4013198'], superseding: ['KB4015219', 'KB4019473'], srvSys: '10.0.10586.839', laterRollupsFix: true },
  { os: '10-1607-2016', label: { id: 'Windows 10 versi 1607 / Server 2016', en: 'Windows 10 version 1607 / Server 2016' }, fixing: ['KB4013429'], superseding: ['KB4015438', 'KB4016635', 'KB4015217', 'KB4019472'], srvSys: '10.0.14393.953', laterRollupsFix: true },
  { os: '10-1703-later', label: { id: 'Windows 10 versi 1703 atau lebih baru / Server 2019+', en: 'Windows 10 version 1703 or later / Server 2019+' }, fixing: [], superseding: [], srvSys: null, laterRollupsFix: false },
];

/** April 2017 security-only updates: they do NOT contain the fix (Microsoft KB4023262 lists which updates contain it). */
export const APRIL_2017_SECURITY_ONLY: Readonly<Record<string, WindowsVersion>> = { KB4015546: '7-2008r2', KB4015547: '8.1-2012r2', KB4015548: '2012' };
/** Pre-March-2017 updates on community lists; they cannot contain a fix first shipped 14 March 2017. */
export const PRE_MARCH_2017: readonly string[] = ['KB3205409', 'KB3210720', 'KB3210721', 'KB3212646', 'KB3213986'];

export type KbRefusal = 'april-2017-security-only' | 'pre-march-2017' | 'other-os';

export interface KbCheck {
  readonly os: WindowsVersion;
  /** KBs of the map that contain the fix for this OS. */
  readonly accepted: readonly string[];
  readonly refused: readonly { readonly kb: string; readonly why: KbRefusal }[];
  /** KBs the map does not know (e.g. a later rollup): shown, neither accepted nor refused. */
  readonly unknown: readonly string[];
  /** The OS was never affected (1703 and later). */
  readonly notAffected: boolean;
  /** One accepted KB is present: the agency's hint says patched. Still only a hint. */
  readonly fixed: boolean;
}

export function normalizeKb(raw: string, field = 'kbs'): string {
  const m = /^\s*(?:KB)?\s*(\d{6,7})\s*$/i.exec(raw ?? '');
  if (m === null) throw circularError(field, `${JSON.stringify(raw)} is not a KB number (KB4012212)`, `${JSON.stringify(raw)} bukan nomor KB (contoh KB4012212)`);
  return `KB${m[1]}`;
}

/** KB numbers of 2017-03 and later all sit above KB4012000 (the March 2017 releases start at KB4012212). */
function preMarch2017(kb: string): boolean {
  return PRE_MARCH_2017.includes(kb) || Number(kb.slice(2)) < 4012000;
}

/** Which of the KBs an agency lists fix MS17-010 on the Windows it named (a hint, not the verdict). */
export function checkKbs(os: WindowsVersion, kbs: readonly string[]): KbCheck {
  const fam = MS17_010_KB_MAP.find((f) => f.os === os)!;
  const mine = new Set([...fam.fixing, ...fam.superseding]);
  const accepted: string[] = [];
  const refused: { kb: string; why: KbRefusal }[] = [];
  const unknown: string[] = [];
  for (const raw of kbs) {
    const kb = normalizeKb(raw);
    if (mine.has(kb)) accepted.push(kb);
    else if (kb in APRIL_2017_SECURITY_ONLY) refused.push({ kb, why: 'april-2017-security-only' });
    else if (preMarch2017(kb)) refused.push({ kb, why: 'pre-march-2017' });
    else if (MS17_010_KB_MAP.some((f) => f.os !== os && (f.fixing.includes(kb) || f.superseding.includes(kb)))) refused.push({ kb, why: 'other-os' });
    else unknown.push(kb);
  }
  return { os, accepted, refused, unknown, notAffected: fam.srvSys === null, fixed: accepted.length > 0 || fam.srvSys === null };
}

export const KB_REFUSAL_TEXT: Readonly<Record<KbRefusal, { en: (kb: string, os: WindowsVersion) => string; id: (kb: string, os: WindowsVersion) => string }>> = {
  'april-2017-security-only': {
    en: (kb) => `${kb} is April 2017's security-only update, which does not contain the MS17-010 fix; install March's update or a later monthly rollup`,
    id: (kb) => `${kb} adalah pembaruan khusus keamanan April 2017 yang tidak memuat perbaikan MS17-010; pasang pembaruan Maret atau rollup bulanan sesudahnya`,
  },
  'pre-march-2017': {
    en: (kb) => `${kb} predates the MS17-010 fix (14 March 2017) and cannot contain it`,
    id: (kb) => `${kb} terbit sebelum perbaikan MS17-010 (14 Maret 2017) sehingga tidak mungkin memuatnya`,
  },
  'other-os': {
    en: (kb, os) => `${kb} is an update for another Windows, not ${MS17_010_KB_MAP.find((f) => f.os === os)!.label.en}`,
    id: (kb, os) => `${kb} adalah pembaruan untuk Windows lain, bukan ${MS17_010_KB_MAP.find((f) => f.os === os)!.label.id}`,
  },
};

// ---- verification by the network (the module's heart) --------------------------------------------------

export const VERIFICATION_STATES = ['verified', 'contradicted', 'unverifiable', 'pending'] as const;
export type VerificationState = (typeof VERIFICATION_STATES)[number];

export type UnverifiableWhy = 'not-checkable' | 'no-networks' | 'no-scan-since' | 'unknown-verdict' | 'not-rechecked';

/** What one finished scan said about one of an agency's networks, per finding rule (written by the finalize hook). */
export interface NetworkRuleCheck {
  readonly networkId: string;
  readonly ruleId: string;
  readonly jobId: string;
  readonly finishedAt: string;
  /** Hosts whose check answered `unknown` (no verdict) in that scan. */
  readonly unknownIps: readonly string[];
}

export interface OpenFindingRef {
  readonly ruleId: string;
  readonly ip: string;
  readonly port: number;
  readonly lastSeen: string;
  readonly evidence: unknown;
}

export interface VerificationHost {
  readonly ip: string;
  readonly ruleId: string;
  readonly port: number;
  readonly lastSeen: string;
  readonly evidence: unknown;
}

export interface VerificationResult {
  readonly state: VerificationState;
  readonly why: UnverifiableWhy | null;
  /** Offending hosts (contradicted) or the hosts that kept it unverifiable (unknown / not re-checked). */
  readonly hosts: readonly VerificationHost[];
  /** The latest scan the result rests on. */
  readonly jobId: string | null;
  readonly checkedAt: string | null;
}

/**
 * The verification state of one agency's answer to one item, from what the scans of its registered
 * networks say. `checks` are the latest per (network, rule); `openFindings` are the agency's open
 * findings of the item's rules.
 */
export function verifyItem(
  item: Pick<ChecklistItem, 'verification'>,
  answer: { status: AnswerStatus; attestedAt: string | null } | null,
  ctx: { networkIds: readonly string[]; checks: readonly NetworkRuleCheck[]; openFindings: readonly OpenFindingRef[] },
): VerificationResult {
  const none = { hosts: [], jobId: null, checkedAt: null } as const;
  if (answer === null || !isAttested(answer.status) || answer.attestedAt === null) return { state: 'pending', why: null, ...none };
  if (item.verification.mode === 'attest') return { state: 'unverifiable', why: 'not-checkable', ...none };
  const rules = new Set<string>(item.verification.rules);
  const since = answer.attestedAt;
  const found = ctx.openFindings.filter((f) => rules.has(f.ruleId));
  const host = (f: OpenFindingRef): VerificationHost => ({ ip: f.ip, ruleId: f.ruleId, port: f.port, lastSeen: f.lastSeen, evidence: f.evidence });
  const relevant = ctx.checks.filter((c) => rules.has(c.ruleId) && ctx.networkIds.includes(c.networkId));
  const latest = relevant.reduce<NetworkRuleCheck | null>((a, c) => (a === null || c.finishedAt > a.finishedAt ? c : a), null);
  // Seen again by a scan that finished after the word was given: the network contradicts it.
  const seenAfter = found.filter((f) => f.lastSeen >= since);
  if (seenAfter.length > 0) {
    const job = relevant.filter((c) => c.finishedAt >= since).sort((a, b) => b.finishedAt.localeCompare(a.finishedAt))[0];
    return { state: 'contradicted', why: null, hosts: seenAfter.map(host), jobId: job?.jobId ?? null, checkedAt: seenAfter.map((f) => f.lastSeen).sort().at(-1)! };
  }
  if (ctx.networkIds.length === 0) return { state: 'unverifiable', why: 'no-networks', ...none };
  // Every network, for every rule of the item, must have been checked after the attestation.
  const after = relevant.filter((c) => c.finishedAt >= since);
  const covered = ctx.networkIds.every((n) => [...rules].every((r) => after.some((c) => c.networkId === n && c.ruleId === r)));
  if (!covered) return { state: 'unverifiable', why: 'no-scan-since', hosts: [], jobId: latest?.jobId ?? null, checkedAt: latest?.finishedAt ?? null };
  const unknown = after.flatMap((c) => c.unknownIps.map((ip) => ({ ip, ruleId: c.ruleId, port: 0, lastSeen: c.finishedAt, evidence: null })));
  if (unknown.length > 0) return { state: 'unverifiable', why: 'unknown-verdict', hosts: unknown, jobId: latest?.jobId ?? null, checkedAt: latest?.finishedAt ?? null };
  // Still open from before and not seen again: the later scan did not reach that host (offline/filtered).
  if (found.length > 0) return { state: 'unverifiable', why: 'not-rechecked', hosts: found.map(host), jobId: latest?.jobId ?? null, checkedAt: latest?.finishedAt ?? null };
  return { state: 'verified', why: null, hosts: [], jobId: latest?.jobId ?? null, checkedAt: latest?.finishedAt ?? null };
}

/** Complete = attested, not returned by the office, and verified where the item is checkable. */
export function isComplete(item: Pick<ChecklistItem, 'verification'>, answer: { status: AnswerStatus; review: ReviewState } | null, verification: VerificationState): boolean {
  if (answer === null || !isAttested(answer.status) || answer.review === 'returned') return false;
  return item.verification.mode === 'attest' || verification === 'verified';
}

// ---- reconnect gate (CISA ED 20-04; docs/circulars.md, "Emergency campaign") ---------------------------

export const GATE_STATES = ['disconnected', 'cleared'] as const;
export type GateState = (typeof GATE_STATES)[number];

export interface GateBlocker {
  readonly kind: 'item-incomplete' | 'no-rescan' | 'rescan-not-clean';
  readonly code: string | null;
}

/**
 * Can the gate move disconnected → cleared? Only when every required item is complete and the latest
 * re-scan of every agency network (after the campaign started) is clean: no open finding of the
 * campaign's rules seen by it and no unknown verdict. Returns what blocks it.
 */
export function gateBlockers(args: {
  items: readonly ChecklistItem[];
  completeCodes: ReadonlySet<string>;
  campaignStartedAt: string;
  rules: readonly string[];
  networkIds: readonly string[];
  checks: readonly NetworkRuleCheck[];
  openFindings: readonly OpenFindingRef[];
}): GateBlocker[] {
  const out: GateBlocker[] = [];
  for (const i of args.items) if (i.required && !args.completeCodes.has(i.code)) out.push({ kind: 'item-incomplete', code: i.code });
  const after = args.checks.filter((c) => c.finishedAt >= args.campaignStartedAt && args.rules.includes(c.ruleId) && args.networkIds.includes(c.networkId));
  const scanned = args.networkIds.length > 0 && args.networkIds.every((n) => args.rules.every((r) => after.some((c) => c.networkId === n && c.ruleId === r)));
  if (!scanned) out.push({ kind: 'no-rescan', code: null });
  else {
    const latestPerNet = new Map<string, NetworkRuleCheck[]>();
    for (const c of after) {
      const key = `${c.networkId}|${c.ruleId}`;
      const prev = latestPerNet.get(key)?.[0];
      if (prev === undefined || c.finishedAt > prev.finishedAt) latestPerNet.set(key, [c]);
    }
    const unknown = [...latestPerNet.values()].some(([c]) => c!.unknownIps.length > 0);
    const open = args.openFindings.some((f) => args.rules.includes(f.ruleId));
    if (unknown || open) out.push({ kind: 'rescan-not-clean', code: null });
  }
  return out;
}

export function validateGateDecision(input: { state: string; reason?: string | null; override?: boolean }, blockers: readonly GateBlocker[]): { state: GateState; reason: string | null; override: boolean } {
  const state = oneOf(input.state, GATE_STATES, 'state');
  const reason = cleanText(input.reason, 'reason', 2000, { multiline: true });
  const override = input.override === true;
  if (state === 'cleared' && blockers.length > 0) {
    if (!override) throw circularError('state', `cannot clear: ${blockers.map((b) => b.code ?? b.kind).join(', ')}`, `belum dapat dinyatakan boleh tersambung: ${blockers.map((b) => b.code ?? b.kind).join(', ')}`, { blockers: blockers.map((b) => b.code ?? b.kind).join(',') });
    if (reason === null) throw circularError('reason', 'an override needs a reason', 'pengecualian wajib disertai alasan');
  }
  if (override && blockers.length === 0 && state === 'cleared') return { state, reason, override: false };
  return { state, reason, override: override && state === 'cleared' };
}

// ---- board colours (red/amber/green per agency) ---------------------------------------------------------

export type Rag = 'red' | 'amber' | 'green';

export interface BoardItemRow {
  readonly code: string;
  readonly status: AnswerStatus;
  readonly verification: VerificationState;
  /** A `scan` item (the network can verify it). */
  readonly checkable: boolean;
  readonly complete: boolean;
}

/** Exposure: open critical findings → red, open high → amber, none → green. */
export function ragExposure(openCritical: number, openHigh: number): Rag {
  return openCritical > 0 ? 'red' : openHigh > 0 ? 'amber' : 'green';
}
export function ragAcknowledged(ackAt: string | null, seenAt: string | null): Rag {
  return ackAt !== null ? 'green' : seenAt !== null ? 'amber' : 'red';
}
export function ragChecklist(items: readonly BoardItemRow[]): Rag {
  if (items.every((i) => i.complete)) return 'green';
  return items.some((i) => i.status !== 'todo') ? 'amber' : 'red';
}
export function ragVerification(items: readonly BoardItemRow[]): Rag {
  if (items.some((i) => i.verification === 'contradicted')) return 'red';
  return items.every((i) => !i.checkable || i.verification === 'verified') ? 'green' : 'amber';
}

// ---- reminders and escalation (after CERT/CC VINCE's reminders; docs/circulars.md) -------------------

export interface ReminderPolicy {
  /** Hours before the due time at which a reminder goes out (e.g. [24]). */
  readonly beforeHours: readonly number[];
  /** Hours after the due time at which an overdue reminder goes out (e.g. [0, 24]). */
  readonly afterHours: readonly number[];
  /** Hours after the due time at which the agency head and the tembusan are told. */
  readonly escalateAfterHours: number;
}

export const DEFAULT_REMINDER_POLICY: ReminderPolicy = { beforeHours: [24], afterHours: [0, 24], escalateAfterHours: 24 };

export function validateReminderPolicy(p: ReminderPolicy): ReminderPolicy {
  const hours = (v: readonly number[], f: string): number[] => {
    if (!Array.isArray(v) || v.length > 10) throw circularError(f, 'a list of at most 10 hours', 'daftar berisi maksimal 10 nilai jam');
    for (const h of v) if (!Number.isInteger(h) || h < 0 || h > 24 * 60) throw circularError(f, 'whole hours between 0 and 1440', 'jam bulat antara 0 dan 1440');
    return [...new Set(v)].sort((a, b) => a - b);
  };
  const e = p.escalateAfterHours;
  if (!Number.isInteger(e) || e < 0 || e > 24 * 60) throw circularError('escalateAfterHours', 'whole hours between 0 and 1440', 'jam bulat antara 0 dan 1440');
  return { beforeHours: hours(p.beforeHours, 'beforeHours'), afterHours: hours(p.afterHours, 'afterHours'), escalateAfterHours: e };
}

export type ReminderKind = `before-${number}h` | `after-${number}h` | 'escalation';

/**
 * The reminders due now for one agency that has not finished a circular: each step of the policy whose
 * time has come and which was not sent yet (keys are stable, so the store can record them once). Only
 * the latest due step of each side is returned — a runner that was down for a day does not send a
 * backlog of stale reminders.
 */
export function dueReminders(policy: ReminderPolicy, dueAt: string, now: Date, sent: ReadonlySet<string>): ReminderKind[] {
  const due = Date.parse(dueAt);
  const t = now.getTime();
  const out: ReminderKind[] = [];
  const before = policy.beforeHours.filter((h) => t >= due - h * 3_600_000 && t < due).sort((a, b) => a - b)[0];
  if (before !== undefined && !sent.has(`before-${before}h`)) out.push(`before-${before}h`);
  const after = policy.afterHours.filter((h) => t >= due + h * 3_600_000).sort((a, b) => b - a)[0];
  if (after !== undefined && !sent.has(`after-${after}h`)) out.push(`after-${after}h`);
  if (t >= due + policy.escalateAfterHours * 3_600_000 && !sent.has('escalation')) out.push('escalation');
  return out;
}

/** Is this agency finished with the circular (nothing to remind about)? Every item attested or answered "cannot" with a plan. */
export function agencyFinished(items: readonly ChecklistItem[], answers: ReadonlyMap<string, AnswerStatus>): boolean {
  return items.every((i) => {
    const s = answers.get(i.code);
    return s !== undefined && (isAttested(s) || s === 'cannot');
  });
}

// ---- what a finished scan says per network and rule (input of verifyItem, written by the finalize hook) --

/**
 * The (network, rule) pairs a finished job checked, with the hosts whose verdict was `unknown`. A network
 * counts only when the job's targets covered its whole registered block; a check rule only when the job
 * ran that check; an exposure rule only from a vantage the rule is about and with all its ports probed
 * (finding-signals.ts FINDING_DEFINITIONS). A partial or off-vantage scan verifies nothing.
 */
export function networkRuleChecks(
  job: { id: string; finishedAt: string; targets: readonly string[]; ports: readonly number[]; checks: readonly string[] | null; vantage: string },
  networks: readonly { id: string; agencyId: string; cidr: string }[],
  unknown: readonly { ip: string; check: string }[],
): (NetworkRuleCheck & { agencyId: string })[] {
  const targets = job.targets.map((t) => parseCidr(t));
  const rules = SCAN_RULES.filter((r) => {
    const def = FINDING_DEFINITIONS.find((d) => d.id === r);
    if (def === undefined) return false;
    if ('check' in def.source) return (job.checks ?? []).includes(def.source.check);
    return (def.source.vantages as readonly string[]).includes(job.vantage) && def.source.ports.every((p) => job.ports.includes(p));
  });
  const out: (NetworkRuleCheck & { agencyId: string })[] = [];
  for (const n of networks) {
    const block = parseCidr(n.cidr);
    if (!targets.some((t) => cidrContains(t, block))) continue;
    for (const r of rules) {
      const ips = unknown.filter((u) => u.check === r && cidrContainsAddress(block, parseAddress(u.ip))).map((u) => u.ip);
      out.push({ networkId: n.id, agencyId: n.agencyId, ruleId: r, jobId: job.id, finishedAt: job.finishedAt, unknownIps: [...new Set(ips)].sort() });
    }
  }
  return out;
}
