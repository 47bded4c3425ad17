// A situation report (laporan situasi) as PDF: the campaign board frozen at one instant (docs/circulars.md
// "Situation reports") — the version, the circular, the totals (acknowledged, checklist complete,
// contradicted by scans, cleared to reconnect) and one row per agency. Rendered from the stored snapshot
// only, so a version printed again next month reads the same. Indonesian by default.

import type { Content } from 'pdfmake';
import type { Text } from '../../domain/incident.js';
import { dataTable, footer, heading, keyValues, STYLES, tr, when } from './common.js';
import type { Labels, Lang } from './common.js';
import { renderPdf } from './render.js';

/** What the renderer reads of a frozen board (src/api/circular-service.ts BoardView). */
export interface SitrepBoard {
  readonly circular: { readonly number: string | null; readonly subject: Text };
  readonly at: string;
  readonly totals: { readonly agencies: number; readonly acknowledged: number; readonly complete: number; readonly contradicted: number; readonly cleared: number };
  readonly rows: readonly {
    readonly agencyCode: string;
    readonly agencyName: string;
    readonly acknowledged: boolean;
    readonly items: readonly { readonly code: string; readonly complete: boolean; readonly verification: string; readonly hostCount: number }[];
    readonly gate: string | null;
    readonly openCritical: number;
    readonly openHigh: number;
  }[];
}

const L = {
  title: { id: 'LAPORAN SITUASI', en: 'SITUATION REPORT' },
  version: { id: 'Versi', en: 'Version' },
  about: { id: 'Surat edaran', en: 'Circular' },
  at: { id: 'Keadaan per', en: 'As of' },
  by: { id: 'Disusun oleh', en: 'Prepared by' },
  to: { id: 'Kepada', en: 'To' },
  totals: { id: 'Ringkasan', en: 'Summary' },
  agencies: { id: 'Instansi sasaran', en: 'Audience agencies' },
  acknowledged: { id: 'Menyatakan menerima surat', en: 'Acknowledged the circular' },
  complete: { id: 'Daftar periksa lengkap', en: 'Checklist complete' },
  contradicted: { id: 'Dibantah hasil pemindaian', en: 'Contradicted by scans' },
  cleared: { id: 'Boleh tersambung kembali', en: 'Cleared to reconnect' },
  perAgency: { id: 'Per instansi', en: 'Per agency' },
  code: { id: 'Kode', en: 'Code' },
  name: { id: 'Instansi', en: 'Agency' },
  ack: { id: 'Diterima', en: 'Ack.' },
  items: { id: 'Butir lengkap', en: 'Items complete' },
  disc: { id: 'Tak sesuai (host)', en: 'Contradicted (hosts)' },
  gate: { id: 'Gerbang', en: 'Gate' },
  exposure: { id: 'Kritis/tinggi', en: 'Critical/high' },
  yes: { id: 'ya', en: 'yes' },
  no: { id: 'belum', en: 'no' },
  disconnected: { id: 'terputus', en: 'disconnected' },
  clearedGate: { id: 'tersambung', en: 'cleared' },
  none: { id: 'Tidak ada.', en: 'None.' },
} satisfies Labels<string>;

export interface SitrepPdfOptions {
  readonly lang?: Lang;
  readonly timeZone?: string;
  readonly createdBy?: string;
  readonly to?: { readonly name: string; readonly position: string } | null;
}

/** The situation report `version` of a board snapshot. */
export function sitrepPdf(board: SitrepBoard, version: number, o: SitrepPdfOptions = {}): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  const tz = o.timeZone ?? 'Asia/Jakarta';
  const l = (k: keyof typeof L) => L[k][lang];
  const t = board.totals;
  const gate = (g: string | null) => (g === null ? '—' : g === 'cleared' ? l('clearedGate') : l('disconnected'));
  const content: Content[] = [
    { text: `${l('title')} #${version}`, style: 'title' },
    { text: `${l('about')} ${board.circular.number ?? '—'}: ${tr(board.circular.subject, lang)}`, style: 'subtitle' },
    keyValues([
      [l('at'), when(board.at, tz)],
      ...(o.createdBy !== undefined ? [[l('by'), o.createdBy] as const] : []),
      ...(o.to !== undefined && o.to !== null ? [[l('to'), `${o.to.name}, ${o.to.position}`] as const] : []),
    ], 120),
    heading(l('totals')),
    keyValues([
      [l('agencies'), String(t.agencies)],
      [l('acknowledged'), `${t.acknowledged}/${t.agencies}`],
      [l('complete'), `${t.complete}/${t.agencies}`],
      [l('contradicted'), { text: String(t.contradicted), ...(t.contradicted > 0 ? { style: 'flag' } : {}) }],
      [l('cleared'), `${t.cleared}/${t.agencies}`],
    ], 200),
    heading(l('perAgency')),
    dataTable([l('code'), l('name'), l('ack'), l('items'), l('disc'), l('exposure'), l('gate')], board.rows.map((r) => {
      const contradicted = r.items.filter((i) => i.verification === 'contradicted');
      return [
        r.agencyCode, r.agencyName, r.acknowledged ? l('yes') : l('no'), `${r.items.filter((i) => i.complete).length}/${r.items.length}`,
        contradicted.length === 0 ? '0' : { text: `${contradicted.map((i) => i.code).join(', ')} (${contradicted.reduce((n, i) => n + i.hostCount, 0)})`, style: 'flag' },
        `${r.openCritical}/${r.openHigh}`, gate(r.gate),
      ];
    }), [46, '*', 46, 44, 84, 44, 56], l('none')),
  ];
  return renderPdf({
    pageSize: 'A4',
    pageMargins: [40, 36, 40, 46],
    content,
    footer: footer(`${l('title')} #${version} · ${board.circular.number ?? ''} · ${when(board.at, tz).slice(0, 16)}`, lang),
    styles: STYLES,
    defaultStyle: { font: 'Sans', fontSize: 9, lineHeight: 1.15 },
    language: lang,
  }, { createdAt: new Date(board.at), title: `${l('title')} #${version}` });
}
