// `perisai import --template xlsx|csv -o FILE`: a file with the import layout and one example row per kind.
// XLSX: the four kind sheets plus a README sheet (ignored by the importer). CSV: one file with a `type`
// column and the union of all columns, since a CSV file holds one table.

import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { AGENCY_KINDS } from '../domain/agency.js';
import { CONTACT_ROLES } from '../domain/contact.js';
import { CRITICALITIES } from '../domain/asset.js';
import { csvLine } from './csv.js';
import { COLUMNS, RECORD_KINDS, columnsOf } from './sheets.js';
import type { RecordKind } from './sheets.js';

const EXAMPLES: Readonly<Record<RecordKind, readonly Record<string, string>[]>> = {
  agencies: [
    { code: 'KOTA', name: 'Pemerintah Kota Contoh', kind: 'city' },
    { code: 'DINKES', name: 'Dinas Kesehatan', kind: 'opd', parent_code: 'KOTA' },
    { code: 'RSUD-KOTA', name: 'RSUD Kota Contoh', kind: 'hospital', parent_code: 'DINKES', notes: 'pendaftaran 07:00-12:00' },
  ],
  contacts: [{ agency_code: 'RSUD-KOTA', name: 'Budi Santoso', role: 'pic', email: 'budi@rsud.contoh.go.id', phone: '0812-3456-7890', whatsapp: '081234567890', primary: 'yes' }],
  networks: [
    { agency_code: 'DINKES', cidr: '10.20.0.0/16', authorised_by: 'Kepala Dinas Kesehatan', authorised_at: '2025-01-15', authorisation_ref: '800/123/DINKES/2025' },
    { agency_code: 'RSUD-KOTA', cidr: '10.20.5.0/24', authorised_by: 'Direktur RSUD', authorised_at: '2025-01-20', label: 'LAN pendaftaran' },
  ],
  assets: [
    { agency_code: 'RSUD-KOTA', ip: '10.20.5.10', mac: '00:1a:2b:3c:4d:5e', netbios_name: 'PENDAFTARAN-01', os: 'Windows 7 SP1', criticality: 'vital', owner: 'Instalasi Rekam Medis', tags: 'pendaftaran, simrs', outside_control: 'no' },
    { agency_code: 'RSUD-KOTA', ip: '10.20.5.20', dns_name: 'siak.rsud.contoh.go.id', criticality: 'vital', outside_control: 'yes', responsible_party: 'Kemendagri (SIAK)' },
  ],
};

const README = [
  'Perisai inventory import template.',
  'Sheets: agencies, contacts, networks, assets (a single sheet with a "type" column works too). Other sheets are ignored.',
  'Import: perisai import FILE [--partial] [--dry-run]. Agencies are matched by code, networks by CIDR, contacts by agency+name+role, assets by MAC / NetBIOS / DNS name / IP.',
  'An empty optional cell leaves the stored value unchanged.',
  `Required columns: ${RECORD_KINDS.map((k) => `${k}: ${COLUMNS[k].required.join(', ')}`).join('; ')}.`,
  `Agency kind: ${AGENCY_KINDS.join(', ')} (opd = Organisasi Perangkat Daerah, hospital = RSUD, puskesmas, school = SD/SMP/SMA/SMK, upt = UPT/UPTD).`,
  `Contact role: ${CONTACT_ROLES.join(', ')}. Phone/WhatsApp: 08… or +62…`,
  `Asset criticality: ${CRITICALITIES.join(', ')}. tags: separated by , ; or |. outside_control: yes/no (ya/tidak); yes needs responsible_party.`,
  'authorised_at: a date or ISO-8601 time (2025-01-15 or 2025-01-15T09:00:00+07:00).',
];

export async function writeTemplate(format: 'csv' | 'xlsx', path: string): Promise<void> {
  if (format === 'csv') {
    const header = ['type', ...new Set(RECORD_KINDS.flatMap((k) => columnsOf(k)))];
    let text = '\ufeff' + csvLine(header);
    for (const k of RECORD_KINDS) for (const ex of EXAMPLES[k]) text += csvLine(header.map((h) => (h === 'type' ? k.replace(/ies$/, 'y').replace(/s$/, '') : ex[h] ?? '')));
    await writeFile(path, text);
    return;
  }
  const wb = new ExcelJS.Workbook();
  for (const k of RECORD_KINDS) {
    const ws = wb.addWorksheet(k, { views: [{ state: 'frozen', ySplit: 1 }] });
    const cols = columnsOf(k);
    ws.columns = cols.map((c) => ({ header: c, key: c, width: EXAMPLES[k].reduce((w, e) => Math.max(w, (e[c] ?? '').length + 2), Math.max(14, c.length + 2)) }));
    ws.getRow(1).font = { bold: true };
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: cols.length } };
    for (const ex of EXAMPLES[k]) ws.addRow(cols.map((c) => ex[c] ?? ''));
  }
  const readme = wb.addWorksheet('README');
  readme.getColumn(1).width = 120;
  for (const line of README) readme.addRow([line]);
  await wb.xlsx.writeFile(path);
}
