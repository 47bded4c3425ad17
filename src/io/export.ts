// Export the inventory as CSV or XLSX, streamed: rows are written page by page as they are read (assets
// 10,000 and findings 1,000 per query, keyset-paged), so a city-wide findings list never sits in memory.
//
// CSV: RFC 4180 with CRLF, UTF-8 with a BOM (so that Excel opens Indonesian names correctly), every cell
// through the formula-injection guard of src/engine/output/csv.ts — hostnames, owners and titles come
// from agencies and scanned hosts, and a cell starting with = + - @ would run as a formula in a spreadsheet.
// XLSX (exceljs streaming writer): a bold frozen header row, column widths, an autofilter over the header.
// Cells are written as strings, never as formulas, so XLSX needs no guard.
// The agencies, contacts, networks and assets sheets use the import columns (sheets.ts), so an export
// re-imports unchanged; assets and findings add read-only columns the importer ignores. The header row is
// in Indonesian or English (columns.ts; `perisai export --lang id|en`), and the importer reads both.
// SMB facts the scans could not learn are written `unknown`, never `false` (columns.ts smbCells).

import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Agency } from '../domain/agency.js';
import { FINDING_STATUSES } from '../domain/finding.js';
import type { FindingStatus, Severity } from '../domain/finding.js';
import { ALL_AGENCIES } from '../store/index.js';
import type { AgencyScope, Store } from '../store/index.js';
import { headerRow, smbCells, smbOpenCell } from './columns.js';
import type { ExportLang } from './columns.js';
import { csvLine } from './csv.js';
import { columnsOf } from './sheets.js';

export const EXPORT_KINDS = ['agencies', 'contacts', 'networks', 'assets', 'findings'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export type ExportFormat = 'csv' | 'xlsx';

export interface TableWriter {
  row(values: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** Widths (characters) for the columns we know; others get the header's length, at least 10. */
const WIDTHS: Readonly<Record<string, number>> = {
  code: 16, name: 40, kind: 11, parent_code: 16, notes: 30, agency_code: 16, role: 12, email: 30, phone: 16, whatsapp: 16,
  cidr: 20, authorised_by: 30, authorised_at: 25, authorisation_ref: 24, label: 20, zone: 10, ip: 16, mac: 18, netbios_name: 16,
  dns_name: 30, os: 30, criticality: 15, owner: 20, tags: 24, outside_control: 15, responsible_party: 24, rule_id: 24, title: 50,
  severity: 9, status: 14, first_seen: 25, last_seen: 25, resolved_at: 25, exception_reason: 30, exception_expires_at: 25,
  // the API's per-agency exports (src/api/routes/reports.ts)
  agency: 16, rule: 16, title_id: 50, title_en: 50, exception: 15, smbv1: 8, risk_rating: 12, times_seen: 11,
  smb_open: 10, smb_signing: 12, smb_dialects: 24,
};

function writeChunk(out: WriteStream, s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error): void => reject(e);
    out.once('error', onError);
    const ok = out.write(s, () => {
      out.off('error', onError);
      if (ok) resolve();
    });
    if (!ok) out.once('drain', () => resolve());
  });
}

/** `header` is the row written (in the export's language); `keys` name the columns (widths), default the header. */
export async function openTableWriter(path: string, format: ExportFormat, sheetName: string, header: readonly string[], keys: readonly string[] = header): Promise<TableWriter> {
  if (format === 'csv') {
    const out = createWriteStream(path);
    await new Promise<void>((resolve, reject) => {
      out.once('open', () => resolve());
      out.once('error', reject);
    });
    await writeChunk(out, '\ufeff' + csvLine(header));
    return {
      row: (values) => writeChunk(out, csvLine(values)),
      close: () => new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.end(() => resolve());
      }),
    };
  }
  return openXlsxWriter({ filename: path }, sheetName, header, keys);
}

/**
 * An XLSX table (one sheet, a bold frozen header with an autofilter, column widths), streamed to a file
 * or to any writable stream (the API's exports collect it for the response).
 */
export function openXlsxWriter(target: { readonly filename: string } | { readonly stream: Writable }, sheetName: string, header: readonly string[], keys: readonly string[] = header): TableWriter {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ ...target, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = header.map((h, i) => {
    const key = keys[i] ?? h;
    return { header: h, key, width: Math.max(WIDTHS[key] ?? 10, h.length + 2) };
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
  const head = ws.getRow(1);
  head.font = { bold: true };
  head.commit();
  return {
    row: async (values) => {
      ws.addRow([...values]).commit();
    },
    close: async () => {
      ws.commit();
      await wb.commit();
    },
  };
}

export interface ExportOptions {
  readonly kind: ExportKind;
  readonly format: ExportFormat;
  readonly path: string;
  /** Limit to this agency and its descendants. */
  readonly agencyCode?: string;
  /** Findings: statuses to include (default: all). */
  readonly status?: readonly FindingStatus[];
  readonly minSeverity?: Severity;
  /** Rows per store query (default: assets 10,000, findings 1,000 — the repositories' maxima). */
  readonly pageSize?: number;
  /** Language of the header row (default en: the column keys). */
  readonly lang?: ExportLang;
}

export const FINDING_COLUMNS = [
  'agency_code', 'ip', 'netbios_name', 'dns_name', 'criticality', 'rule_id', 'port', 'severity', 'status', 'title', 'title_id',
  'first_seen', 'last_seen', 'times_seen', 'reopen_count', 'resolved_at', 'exception_reason', 'exception_by', 'exception_expires_at', 'finding_id',
] as const;
const ASSET_EXTRA = ['smb_open', 'smbv1', 'smb_signing', 'smb_dialects', 'risk_rating', 'first_seen', 'last_seen', 'asset_id'] as const;

/** The column keys of an export (its English header). */
export function exportColumns(kind: ExportKind): string[] {
  if (kind === 'findings') return [...FINDING_COLUMNS];
  if (kind === 'assets') return [...columnsOf('assets'), ...ASSET_EXTRA];
  return columnsOf(kind);
}

export function exportHeader(kind: ExportKind, lang: ExportLang = 'en'): string[] {
  return headerRow(exportColumns(kind), lang);
}

/** Export one kind; returns the number of data rows written. */
export async function exportInventory(store: Store, o: ExportOptions): Promise<number> {
  let scope: AgencyScope = ALL_AGENCIES;
  let rootId: string | undefined;
  if (o.agencyCode !== undefined) {
    rootId = (await store.agencies.getByCode(ALL_AGENCIES, o.agencyCode)).id;
    scope = await store.agencies.scopeOf(rootId);
  }
  // Codes of every agency (retired too: a live unit may sit under a retired parent).
  const all: Agency[] = await store.agencies.list(ALL_AGENCIES, { includeRetired: true });
  const codeOf = new Map(all.map((a) => [a.id, a.code]));
  const code = (id: string | null): string => (id === null ? '' : codeOf.get(id) ?? '');

  const w = await openTableWriter(o.path, o.format, o.kind, exportHeader(o.kind, o.lang), exportColumns(o.kind));
  let n = 0;
  const put = async (values: readonly string[]): Promise<void> => {
    await w.row(values);
    n++;
  };
  try {
    switch (o.kind) {
      case 'agencies':
        for (const a of await store.agencies.list(scope)) await put([a.code, a.name, a.kind, code(a.parentId), a.notes ?? '']);
        break;
      case 'contacts':
        for (const c of await store.contacts.list(scope)) await put([code(c.agencyId), c.name, c.role, c.email ?? '', c.phone ?? '', c.whatsapp ?? '', c.isPrimary ? 'yes' : 'no']);
        break;
      case 'networks':
        for (const x of await store.networks.list(scope)) {
          await put([code(x.agencyId), x.cidr, x.authorisedBy, x.authorisedAt, x.authorisationRef ?? '', x.label ?? '', x.zone ?? '', x.confirmation?.reason ?? '']);
        }
        break;
      case 'assets': {
        const size = Math.min(o.pageSize ?? 10_000, 10_000);
        let after: string | undefined;
        for (;;) {
          const page = await store.assets.list(scope, { limit: size, ...(after !== undefined ? { after } : {}) });
          for (const a of page) {
            const smb = smbCells(a.smb);
            await put([
              code(a.agencyId), a.ip, a.mac ?? '', a.netbiosName ?? '', a.dnsName ?? '', a.os?.name ?? '', a.criticality, a.owner ?? '',
              a.tags.join(', '), a.outsideControl ? 'yes' : 'no', a.responsibleParty ?? '', smbOpenCell(a.smbOpen), smb.smbv1, smb.smb_signing, smb.smb_dialects,
              a.riskRating ?? '', a.firstSeen, a.lastSeen, a.id,
            ]);
          }
          if (page.length < size) break;
          after = page[page.length - 1]!.id;
        }
        break;
      }
      case 'findings': {
        let cursor: string | undefined;
        do {
          const page = await store.findings.list(scope, {
            status: o.status ?? FINDING_STATUSES, limit: Math.min(o.pageSize ?? 1000, 1000),
            ...(o.minSeverity !== undefined ? { minSeverity: o.minSeverity } : {}), ...(cursor !== undefined ? { cursor } : {}),
          });
          for (const f of page.items) {
            await put([
              code(f.agencyId), f.asset.ip, f.asset.netbiosName ?? '', f.asset.dnsName ?? '', f.asset.criticality, f.ruleId, String(f.port),
              f.severity, f.status, f.title.en, f.title.id, f.firstSeen, f.lastSeen, String(f.timesSeen), String(f.reopenCount),
              f.resolvedAt ?? '', f.exception?.reason ?? '', f.exception?.by ?? '', f.exception?.expiresAt ?? '', f.id,
            ]);
          }
          cursor = page.next;
        } while (cursor !== undefined);
        break;
      }
    }
  } finally {
    await w.close();
  }
  return n;
}
