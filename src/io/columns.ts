// The column headers of every CSV/XLSX export, per language, and the cell texts of three-valued facts.
//
// A header row is written in Indonesian or English: English keeps the column keys as they always were
// (snake_case, what scripts and the importer read), Indonesian gives readable labels. The importer
// (sheets.ts normalizeHeader) knows the Indonesian labels too, so an Indonesian export re-imports
// unchanged. JSONL keys are a contract and never translated (README "JSONL contract").
//
// Facts a scan could not learn are written as `unknown`, never as `false` or an empty "no".

import type { SmbSummary } from '../domain/observation.js';

export const EXPORT_LANGS = ['id', 'en'] as const;
export type ExportLang = (typeof EXPORT_LANGS)[number];

/** Indonesian header of each column key (the English header is the key itself). */
export const COLUMN_LABELS_ID: Readonly<Record<string, string>> = {
  // inventory (the import columns, sheets.ts COLUMNS)
  code: 'Kode', name: 'Nama', kind: 'Jenis', parent_code: 'Kode induk', notes: 'Catatan',
  agency_code: 'Kode instansi', role: 'Peran', email: 'Email', phone: 'Telepon', whatsapp: 'WhatsApp', primary: 'Kontak utama',
  cidr: 'Blok CIDR', authorised_by: 'Diizinkan oleh', authorised_at: 'Diizinkan pada', authorisation_ref: 'Nomor surat izin', label: 'Label jaringan', zone: 'Zona',
  ip: 'Alamat IP', mac: 'Alamat MAC', netbios_name: 'Nama NetBIOS', dns_name: 'Nama DNS', os: 'Sistem operasi', criticality: 'Kekritisan',
  owner: 'Pemilik', tags: 'Tag', outside_control: 'Di luar kendali', responsible_party: 'Pihak penanggung jawab',
  // assets and findings (read-only columns)
  agency: 'Instansi', risk_rating: 'Tingkat risiko', first_seen: 'Pertama terlihat', last_seen: 'Terakhir terlihat', asset_id: 'ID aset',
  smb_open: 'SMB terbuka', smbv1: 'SMBv1 aktif', smb_signing: 'Penandatanganan SMB', smb_dialects: 'Dialek SMB',
  rule: 'Aturan', rule_id: 'ID aturan', port: 'Port', severity: 'Tingkat keparahan', status: 'Status',
  title: 'Judul (Inggris)', title_en: 'Judul (Inggris)', title_id: 'Judul (Indonesia)',
  times_seen: 'Jumlah terlihat', reopen_count: 'Jumlah dibuka ulang', resolved_at: 'Diselesaikan pada',
  exception: 'Pengecualian', exception_reason: 'Alasan pengecualian', exception_by: 'Pengecualian oleh', exception_expires_at: 'Pengecualian berakhir',
  finding_id: 'ID temuan',
};

/** The header row for `keys` in `lang` (a key without a label keeps its key). */
export function headerRow(keys: readonly string[], lang: ExportLang): string[] {
  return lang === 'en' ? [...keys] : keys.map((k) => COLUMN_LABELS_ID[k] ?? k);
}

export function parseExportLang(v: string | undefined, fallback: ExportLang = 'en'): ExportLang {
  return v !== undefined && (EXPORT_LANGS as readonly string[]).includes(v) ? (v as ExportLang) : fallback;
}

/** A yes/no fact the scans may not have learned: true, false or unknown. */
export function triCell(v: boolean | null | undefined): string {
  return v === true ? 'true' : v === false ? 'false' : 'unknown';
}

/** "SMB open" of an asset: empty when no scan probed 139/445 on it. */
export function smbOpenCell(v: boolean | null): string {
  return v === null ? '' : triCell(v);
}

/**
 * The SMB columns of an asset: smbv1, smb_signing, smb_dialects. An asset no scan examined gets empty
 * cells; inside, what could not be determined is `unknown`; an incomplete dialect list ends with "…".
 */
export function smbCells(smb: SmbSummary | null): { smbv1: string; smb_signing: string; smb_dialects: string } {
  if (smb === null) return { smbv1: '', smb_signing: '', smb_dialects: '' };
  const dialects = smb.dialects === null ? 'unknown' : `${smb.dialects.join(' ')}${smb.dialectsComplete ? '' : `${smb.dialects.length > 0 ? ' ' : ''}…`}`;
  return { smbv1: triCell(smb.smbv1), smb_signing: smb.signing ?? 'unknown', smb_dialects: dialects };
}
