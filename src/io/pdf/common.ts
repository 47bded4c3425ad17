// Building blocks shared by the documents of src/io/pdf: the language pick, local times, headings,
// label/value tables, data tables with a repeated header row, and the page footer. They return pdfmake
// content; what a document says comes from the domain objects (src/domain/*), never from here.

import type { Content } from 'pdfmake';
import { FINDING_DEFINITIONS } from '../../domain/finding-signals.js';
import { localTime } from '../../domain/incident-report.js';
import type { Text } from '../../domain/incident.js';

export type Lang = 'id' | 'en';
export const LANGS = ['id', 'en'] as const;

/** A bilingual text in the document's language. */
export function tr(t: Text | null | undefined, lang: Lang): string {
  return t == null ? '—' : t[lang] !== '' ? t[lang] : t.id;
}

/** A finding rule by its title in the reader's language, its id beside it: "Rentan MS17-010 (ms17-010)". */
export function ruleTitle(rule: string, lang: Lang): string {
  const d = FINDING_DEFINITIONS.find((x) => x.id === rule);
  return d === undefined ? rule : `${tr(d.title, lang)} (${rule})`;
}

/** A dictionary of a document's own labels, both languages side by side (`L.x[lang]`). */
export type Labels<K extends string> = Readonly<Record<K, Text>>;

/** An instant as the city's local wall time ("2025-06-02 08:00 WIB"); a dash where there is none. */
export function when(iso: string | null | undefined, timeZone: string): string {
  return iso == null || iso === '' || Number.isNaN(Date.parse(iso)) ? '—' : localTime(iso, timeZone);
}

export function dash(v: string | number | null | undefined): string {
  return v == null || v === '' ? '—' : String(v);
}

export function yesNo(v: boolean | null | undefined, lang: Lang): string {
  if (v == null) return lang === 'id' ? 'tidak diketahui' : 'unknown';
  return v ? (lang === 'id' ? 'ya' : 'yes') : (lang === 'id' ? 'tidak' : 'no');
}

export function heading(text: string, level: 1 | 2 = 1): Content {
  return level === 1
    ? { text, style: 'h1', margin: [0, 12, 0, 4], headlineLevel: 1 } as Content
    : { text, style: 'h2', margin: [0, 8, 0, 3] };
}

/** Two columns, label and value, no ruling: the header blocks of a report. */
export function keyValues(rows: readonly (readonly [string, string | Content])[], labelWidth = 150): Content {
  return {
    table: { widths: [labelWidth, '*'], body: rows.map(([k, v]) => [{ text: k, style: 'label' }, typeof v === 'string' ? { text: v } : v]) },
    layout: 'noBorders',
    margin: [0, 0, 0, 4],
  };
}

/** A ruled data table whose header row repeats on every page; `empty` stands in for no rows. */
export function dataTable(header: readonly string[], rows: readonly (readonly (string | Content)[])[], widths: readonly (string | number)[], empty: string): Content {
  if (rows.length === 0) return { text: empty, style: 'muted', margin: [0, 0, 0, 6] };
  return {
    table: {
      headerRows: 1,
      dontBreakRows: true,
      widths: [...widths],
      body: [header.map((h) => ({ text: h, style: 'th' })), ...rows.map((r) => r.map((c) => (typeof c === 'string' ? { text: c } : c)))],
    },
    layout: {
      hLineWidth: (i: number) => (i <= 1 ? 0.8 : 0.3),
      vLineWidth: () => 0,
      hLineColor: () => '#888888',
      paddingTop: () => 2,
      paddingBottom: () => 2,
    },
    fontSize: 8,
    margin: [0, 0, 0, 6],
  };
}

export function bullets(items: readonly string[], empty: string): Content {
  return items.length === 0 ? { text: empty, style: 'muted', margin: [0, 0, 0, 4] } : { ul: [...items], margin: [0, 0, 0, 4] };
}

/** Styles every document shares (sizes in points). */
export const STYLES = {
  title: { fontSize: 15, bold: true, alignment: 'center' },
  subtitle: { fontSize: 10, alignment: 'center', color: '#333333' },
  h1: { fontSize: 11.5, bold: true },
  h2: { fontSize: 10, bold: true },
  label: { color: '#444444' },
  th: { bold: true, fillColor: '#eeeeee' },
  muted: { color: '#666666', italics: true },
  small: { fontSize: 7.5, color: '#444444' },
  flag: { bold: true, color: '#a00000' },
} as const;

/** "Halaman 2 dari 5 · <document number>" at the foot of each page. */
export function footer(docId: string, lang: Lang) {
  return (page: number, pages: number): Content => ({
    columns: [
      { text: docId, style: 'small' },
      { text: lang === 'id' ? `Halaman ${page} dari ${pages}` : `Page ${page} of ${pages}`, alignment: 'right', style: 'small' },
    ],
    margin: [40, 10, 40, 0],
  });
}
