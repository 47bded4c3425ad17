// Inventory files as tables: one or more "sheets", each a header row and data rows addressed the way a
// spreadsheet user sees them (file:sheet:row).
//
// File layout (docs/inventory-io.md):
//  - XLSX: one sheet per kind, named `agencies`, `contacts`, `networks`, `assets` (case-insensitive; other
//    sheets such as a README are ignored) — or a single sheet with a `type` column naming each row's kind.
//  - CSV: one kind per file, taken from a `type` column when present, otherwise recognised from the header
//    (a `cidr` column: networks; `ip`: assets; `role`: contacts; `kind`: agencies).

import { readFile } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import ExcelJS from 'exceljs';
import { COLUMN_LABELS_ID } from './columns.js';
import { CsvSyntaxError, parseCsv } from './csv.js';

export const RECORD_KINDS = ['agencies', 'contacts', 'networks', 'assets'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface SheetRow {
  /** Where the row is: file name, sheet (XLSX) and 1-based row/line number. */
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number;
  readonly kind: RecordKind;
  /** Normalised column name → trimmed cell text ('' when empty). */
  readonly cells: ReadonlyMap<string, string>;
}

export class InventoryFileError extends Error {
  constructor(
    message: string,
    readonly where: string,
  ) {
    super(`${where}: ${message}`);
    this.name = 'InventoryFileError';
  }
}

/** Columns per kind, in template/export order. The first ones are required. */
export const COLUMNS: Readonly<Record<RecordKind, { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  agencies: { required: ['code', 'name', 'kind'], optional: ['parent_code', 'notes'] },
  contacts: { required: ['agency_code', 'name', 'role'], optional: ['email', 'phone', 'whatsapp', 'primary'] },
  networks: { required: ['agency_code', 'cidr', 'authorised_by', 'authorised_at'], optional: ['authorisation_ref', 'label', 'zone', 'confirmation_reason'] },
  assets: {
    required: ['agency_code', 'ip'],
    optional: ['mac', 'netbios_name', 'dns_name', 'os', 'criticality', 'owner', 'tags', 'outside_control', 'responsible_party'],
  },
};

export function columnsOf(kind: RecordKind): string[] {
  return [...COLUMNS[kind].required, ...COLUMNS[kind].optional];
}

// Spellings people actually type in a spreadsheet header, mapped to our column names.
const ALIASES: Readonly<Record<string, string>> = {
  parent: 'parent_code', agency: 'agency_code', opd: 'agency_code', authorized_by: 'authorised_by', authorized_at: 'authorised_at',
  authorization_ref: 'authorisation_ref', hostname: 'dns_name', netbios: 'netbios_name', dns: 'dns_name', wa: 'whatsapp',
  phone_whatsapp: 'whatsapp', is_primary: 'primary', ip_address: 'ip', mac_address: 'mac', outside_our_control: 'outside_control',
};

function normalized(h: string): string {
  return h.trim().toLowerCase().replace(/[\s\-/]+/g, '_');
}

// The Indonesian headers of our own exports (columns.ts), so an export in either language re-imports.
const ID_HEADERS: ReadonlyMap<string, string> = new Map(Object.entries(COLUMN_LABELS_ID).map(([key, label]) => [normalized(label), key]));

export function normalizeHeader(h: string): string {
  const n = normalized(h);
  return ALIASES[n] ?? ID_HEADERS.get(n) ?? n;
}

export function kindFromName(name: string): RecordKind | undefined {
  const n = name.trim().toLowerCase();
  const singular: Record<string, RecordKind> = { agency: 'agencies', contact: 'contacts', network: 'networks', asset: 'assets' };
  if ((RECORD_KINDS as readonly string[]).includes(n)) return n as RecordKind;
  return singular[n];
}

function kindFromHeader(header: readonly string[]): RecordKind | undefined {
  if (header.includes('cidr')) return 'networks';
  if (header.includes('ip')) return 'assets';
  if (header.includes('role')) return 'contacts';
  if (header.includes('kind') && header.includes('code')) return 'agencies';
  return undefined;
}

/** Turn a header and data rows into SheetRows; the kind comes from `fixedKind` or the `type` column. */
function toRows(file: string, sheet: string | null, header: readonly string[], data: readonly { row: number; values: readonly string[] }[], fixedKind: RecordKind | undefined): SheetRow[] {
  const where = sheet === null ? file : `${file}:${sheet}`;
  const typeCol = header.indexOf('type');
  if (fixedKind === undefined && typeCol < 0) {
    const guessed = kindFromHeader(header);
    if (guessed === undefined) throw new InventoryFileError(`cannot tell what the rows are: add a "type" column (agency, contact, network, asset) or use the template's headers`, where);
    fixedKind = guessed;
  }
  const out: SheetRow[] = [];
  for (const d of data) {
    if (d.values.every((v) => v.trim() === '')) continue;
    let kind = fixedKind;
    if (kind === undefined) {
      const t = d.values[typeCol] ?? '';
      kind = kindFromName(t);
      if (kind === undefined) {
        // carried as a row of unknown kind: the importer reports it like any other bad row
        out.push({ file, sheet, row: d.row, kind: 'agencies', cells: new Map([['__bad_type', t]]) });
        continue;
      }
    }
    const cells = new Map<string, string>();
    header.forEach((h, i) => {
      if (h !== '' && h !== 'type') cells.set(h, (d.values[i] ?? '').trim());
    });
    out.push({ file, sheet, row: d.row, kind, cells });
  }
  return out;
}

/** Text of an exceljs cell value: rich text joined, hyperlinks (e-mail addresses!) by their text, formulas by their cached result. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : cellText(v.text as ExcelJS.CellValue);
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('error' in v) return '';
  }
  return String(v);
}

async function readXlsx(path: string): Promise<SheetRow[]> {
  const file = basename(path);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new InventoryFileError(`not a readable XLSX workbook (${(e as Error).message})`, file);
  }
  const named = wb.worksheets.filter((ws) => kindFromName(ws.name) !== undefined);
  const sheets = named.length > 0 ? named : wb.worksheets.length === 1 ? wb.worksheets : [];
  if (sheets.length === 0) throw new InventoryFileError('no sheet named agencies, contacts, networks or assets, and more than one sheet', file);
  const out: SheetRow[] = [];
  for (const ws of sheets) {
    const headerRow = ws.getRow(1);
    const header: string[] = [];
    for (let c = 1; c <= ws.columnCount; c++) header.push(normalizeHeader(cellText(headerRow.getCell(c).value)));
    const data: { row: number; values: string[] }[] = [];
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const values: string[] = [];
      for (let c = 1; c <= header.length; c++) values.push(cellText(row.getCell(c).value));
      data.push({ row: r, values });
    }
    for (const row of toRows(file, ws.name, header, data, kindFromName(ws.name))) out.push(row); // no spread: a sheet can have 200k rows
  }
  return out;
}

function readCsvText(file: string, text: string): SheetRow[] {
  let parsed;
  try {
    parsed = parseCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new InventoryFileError(e.message, `${file}:${e.line}`);
    throw e;
  }
  const [head, ...rest] = parsed.records;
  if (head === undefined) throw new InventoryFileError('the file is empty', file);
  const header = head.fields.map(normalizeHeader);
  // Undo the formula guard of our own exports (csv.ts): "'=…" back to "=…", so an export re-imports unchanged.
  const unguard = (v: string): string => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);
  return toRows(file, null, header, rest.map((r) => ({ row: r.line, values: r.fields.map(unguard) })), undefined);
}

/** Read an inventory file (.csv or .xlsx, by extension). */
export async function readInventoryFile(path: string): Promise<SheetRow[]> {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return readXlsx(path);
  if (ext === '.csv' || ext === '.txt') {
    let buf: Buffer;
    try {
      buf = await readFile(path);
    } catch (e) {
      throw new InventoryFileError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, basename(path));
    }
    // Fatal decoding: a file saved as Windows-1252 by an old Excel must be refused, not imported garbled.
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
    } catch {
      throw new InventoryFileError('not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"', basename(path));
    }
    return readCsvText(basename(path), text);
  }
  throw new InventoryFileError('unknown file type: expected .csv or .xlsx', basename(path));
}
