// Inventory files as tables: one or more "sheets", each a header row and data rows addressed the way a
// spreadsheet user sees them (file:sheet:row).
//
// File layout (docs/inventory-io.md):
//  - XLSX: one sheet per kind, named `agencies`, `contacts`, `networks`, `assets` (case-insensitive; other
//    sheets such as a README are ignored) — or a single sheet with a `type` column naming each row's kind.
//  - CSV: one kind per file, taken from a `type` column when present, otherwise recognised from the header
//    (a `cidr` column: networks; `ip`: assets; `role`: contacts; `kind`: agencies).
// A CSV file is STREAMED (inventoryRows): read in chunks, decoded as UTF-8 and parsed record by record, so
// a city's 200,000-row file never sits in memory as one string. An XLSX workbook is a zip that exceljs
// reads whole, so its size, and what it unpacks to, are bounded first (XLSX_LIMITS, zip-bounds.ts).
// A cell holding a control character (src/domain/text.ts) is carried as a problem of its row, which the
// importer reports with file:line like any other bad cell.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, basename } from 'node:path';
import ExcelJS from 'exceljs';
import { controlCharacterMessage, findControlCharacter } from '../domain/text.js';
import { COLUMN_LABELS_ID } from './columns.js';
import { CsvReader, CsvSyntaxError } from './csv.js';
import { checkZipBounds, ZipBoundsError } from './zip-bounds.js';

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
  /** Cells refused as they were read (a control character), by column; the importer reports them. */
  readonly problems?: readonly { readonly column: string; readonly message: string }[];
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

/**
 * The row maker of one sheet: a data row (its number and cell texts) → a SheetRow, or null for an empty
 * row. The kind comes from `fixedKind`, else the `type` column, else the header's columns.
 */
function rowMaker(file: string, sheet: string | null, header: readonly string[], fixedKind: RecordKind | undefined): (row: number, values: readonly string[]) => SheetRow | null {
  const where = sheet === null ? file : `${file}:${sheet}`;
  const typeCol = header.indexOf('type');
  if (fixedKind === undefined && typeCol < 0) {
    const guessed = kindFromHeader(header);
    if (guessed === undefined) throw new InventoryFileError(`cannot tell what the rows are: add a "type" column (agency, contact, network, asset) or use the template's headers`, where);
    fixedKind = guessed;
  }
  const kindOfFile = fixedKind;
  return (row, values) => {
    if (values.every((v) => v.trim() === '')) return null;
    let kind = kindOfFile;
    if (kind === undefined) {
      const t = values[typeCol] ?? '';
      kind = kindFromName(t);
      if (kind === undefined) {
        // carried as a row of unknown kind: the importer reports it like any other bad row
        return { file, sheet, row, kind: 'agencies', cells: new Map([['__bad_type', t]]) };
      }
    }
    const cells = new Map<string, string>();
    let problems: { column: string; message: string }[] | undefined;
    header.forEach((h, i) => {
      if (h === '' || h === 'type') return;
      const v = (values[i] ?? '').trim();
      const bad = findControlCharacter(v);
      if (bad !== undefined) (problems ??= []).push({ column: h, message: controlCharacterMessage(bad) });
      cells.set(h, v);
    });
    return { file, sheet, row, kind, cells, ...(problems !== undefined ? { problems } : {}) };
  };
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

/**
 * What an inventory workbook may be before exceljs unpacks it whole (zip-bounds.ts): a city's 20,000 assets
 * are a few MiB zipped and some tens of MiB unpacked. Beyond these, CSV (streamed) is the way.
 */
export const XLSX_LIMITS = { maxFileBytes: 64 * 1024 * 1024, maxEntries: 10_000, maxUncompressedBytes: 256 * 1024 * 1024 } as const;

async function readXlsx(path: string, limits: typeof XLSX_LIMITS = XLSX_LIMITS): Promise<SheetRow[]> {
  const file = basename(path);
  let zip: Buffer;
  try {
    const size = (await stat(path)).size;
    if (size > limits.maxFileBytes) {
      throw new InventoryFileError(`berkas lebih dari ${limits.maxFileBytes / (1024 * 1024)} MiB / the workbook is larger than ${limits.maxFileBytes / (1024 * 1024)} MiB: save it as CSV UTF-8 (read as a stream)`, file);
    }
    zip = await readFile(path);
  } catch (e) {
    if (e instanceof InventoryFileError) throw e;
    throw new InventoryFileError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  try {
    await checkZipBounds(zip, limits);
  } catch (e) {
    if (e instanceof ZipBoundsError) throw new InventoryFileError(`${e.messageId} / ${e.message}`, file);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's typings declare its `Buffer` as an ArrayBuffer; at run time it takes Node's Buffer (JSZip).
    await wb.xlsx.load(zip as unknown as ArrayBuffer);
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
    const make = rowMaker(file, ws.name, header, kindFromName(ws.name));
    for (let r = 2; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const values: string[] = [];
      for (let c = 1; c <= header.length; c++) values.push(cellText(row.getCell(c).value));
      const made = make(r, values);
      if (made !== null) out.push(made);
    }
  }
  return out;
}

// Undo the formula guard of our own exports (csv.ts): "'=…" back to "=…", so an export re-imports unchanged.
function unguard(v: string): string {
  return /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v;
}

/** The rows of a CSV file, streamed: read in 1 MiB chunks, decoded as UTF-8 (refused otherwise), parsed record by record. */
async function* csvRows(path: string): AsyncGenerator<SheetRow> {
  const file = basename(path);
  // Fatal decoding: a file saved as Windows-1252 by an old Excel must be refused, not imported garbled.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const reader = new CsvReader();
  let make: ((row: number, values: readonly string[]) => SheetRow | null) | undefined;
  const rowsOf = function* (records: readonly { line: number; fields: readonly string[] }[]): Generator<SheetRow> {
    for (const rec of records) {
      if (make === undefined) {
        make = rowMaker(file, null, rec.fields.map(normalizeHeader), undefined);
        continue;
      }
      const made = make(rec.line, rec.fields.map(unguard));
      if (made !== null) yield made;
    }
  };
  const parse = (f: () => { line: number; fields: readonly string[] }[]): { line: number; fields: readonly string[] }[] => {
    try {
      return f();
    } catch (e) {
      if (e instanceof CsvSyntaxError) throw new InventoryFileError(e.message, `${file}:${e.line}`);
      throw e;
    }
  };
  const decode = (chunk?: Buffer): string => {
    try {
      return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true });
    } catch {
      throw new InventoryFileError('not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"', file);
    }
  };
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) yield* rowsOf(parse(() => reader.push(decode(chunk as Buffer))));
  } catch (e) {
    if (e instanceof InventoryFileError) throw e;
    throw new InventoryFileError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  } finally {
    stream.destroy();
  }
  const tail = decode();
  yield* rowsOf(parse(() => [...reader.push(tail), ...reader.end()]));
  if (make === undefined) throw new InventoryFileError('the file is empty', file);
}

/**
 * The rows of an inventory file (.csv or .xlsx, by extension), one at a time: a CSV file is streamed, so
 * memory stays flat whatever its size. A file-level problem throws InventoryFileError when reached.
 */
export async function* inventoryRows(path: string): AsyncGenerator<SheetRow> {
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') {
    yield* await readXlsx(path);
    return;
  }
  if (ext === '.csv' || ext === '.txt') {
    yield* csvRows(path);
    return;
  }
  throw new InventoryFileError('unknown file type: expected .csv or .xlsx', basename(path));
}

/** Read a whole inventory file (.csv or .xlsx, by extension). */
export async function readInventoryFile(path: string): Promise<SheetRow[]> {
  const out: SheetRow[] = [];
  for await (const r of inventoryRows(path)) out.push(r);
  return out;
}
