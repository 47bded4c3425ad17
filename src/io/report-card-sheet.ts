// The report card and the city roll-up as XLSX (exceljs, as the other exports of src/io): the same figures
// as the PDF (src/io/pdf/report-card.ts), one sheet per section, numbers as numbers so an office can sort
// and chart them, and every text cell formula-guarded like the CSV exports (engine/output/csv.ts safeCell:
// an agency name or item title that starts with "=" stays text).

import ExcelJS from 'exceljs';
import type { ReportCard, ReportRollup } from '../domain/report-card.js';
import { safeCell } from '../engine/output/csv.js';
import type { Lang } from './pdf/common.js';

type Cell = string | number | null;

const H: Readonly<Record<string, { id: string; en: string }>> = {
  summary: { id: 'Ringkasan', en: 'Summary' },
  age: { id: 'Umur temuan', en: 'Finding age' },
  checklist: { id: 'Daftar periksa', en: 'Checklist' },
  coverage: { id: 'Cakupan', en: 'Coverage' },
  agencies: { id: 'Perangkat daerah', en: 'Agencies' },
  measure: { id: 'Ukuran', en: 'Measure' },
  value: { id: 'Nilai', en: 'Value' },
};

function sheet(wb: ExcelJS.Workbook, name: string, header: readonly string[], rows: readonly (readonly Cell[])[]): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header.map(safeCell)).font = { bold: true };
  for (const r of rows) ws.addRow(r.map((c) => (typeof c === 'string' ? safeCell(c) : c)));
  ws.columns.forEach((col, i) => { col.width = Math.min(60, rows.reduce((w, r) => Math.max(w, String(r[i] ?? '').length + 2), Math.max(10, (header[i] ?? '').length + 2))); });
}

const share = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 1000);

function summaryRows(c: ReportCard, lang: Lang): Cell[][] {
  const id = lang === 'id';
  const rows: Cell[][] = [
    [id ? 'Perangkat daerah' : 'Agency', c.agency === null ? (id ? 'Seluruh kota' : 'Whole city') : `${c.agency.name} (${c.agency.code})`],
    [id ? 'Keadaan per' : 'As of', c.asOf],
    [id ? 'Awal pembanding' : 'Start compared with', c.since],
    ...(c.rules !== null && c.rules !== undefined ? [[id ? 'Aturan temuan yang dihitung' : 'Finding rules counted', c.rules.join(', ')]] : []),
    ...(c.measuredFrom === 'since' ? [[id ? 'Waktu tanggap dan perbaikan diukur sejak' : 'Times to acknowledge and remediate measured from', c.since]] : []),
    [id ? 'Temuan terbuka di awal' : 'Open at the start', c.exposure.atStart.total],
    [id ? 'Temuan terbuka sekarang' : 'Open now', c.exposure.now.total],
    [id ? 'Kritis terbuka sekarang' : 'Critical open now', c.exposure.now.critical],
    [id ? 'Tinggi terbuka sekarang' : 'High open now', c.exposure.now.high],
    [id ? 'Porsi tertutup sejak awal' : 'Share closed since the start', share(c.exposure.closedShare)],
    [id ? 'Baru sejak awal' : 'New since the start', c.exposure.newSinceStart],
    [id ? 'Terlambat kritis (> 15 hari)' : 'Overdue critical (> 15 days)', c.age.overdue.critical],
    [id ? 'Terlambat tinggi (> 30 hari)' : 'Overdue high (> 30 days)', c.age.overdue.high],
    [id ? 'Waktu diakui median (jam)' : 'Time to acknowledge, median (h)', c.acknowledgement.hours.median],
    [id ? 'Waktu diakui P90 (jam)' : 'Time to acknowledge, P90 (h)', c.acknowledgement.hours.p90],
    [id ? 'Belum diakui' : 'Not acknowledged', c.acknowledgement.pending],
    [id ? 'Waktu perbaikan median (hari)' : 'Time to remediate, median (days)', c.remediationDays.median],
    [id ? 'Waktu perbaikan P90 (hari)' : 'Time to remediate, P90 (days)', c.remediationDays.p90],
    [id ? 'Jaringan dipindai 14 hari' : 'Networks scanned in 14 days', c.coverage.scanned],
    [id ? 'Jaringan terdaftar' : 'Registered networks', c.coverage.networks],
    [id ? 'Porsi cakupan' : 'Coverage share', share(c.coverage.share)],
  ];
  if (c.checklist !== null) {
    rows.push(
      [id ? 'Porsi butir lengkap' : 'Share of items complete', share(c.checklist.completeShare)],
      [id ? 'Porsi terverifikasi (butir yang dapat diperiksa)' : 'Share verified (checkable items)', share(c.checklist.verifiedShare)],
      [id ? 'Ketidaksesuaian' : 'Discrepancies', c.checklist.discrepancies],
      [id ? 'Host yang membantah pernyataan' : 'Hosts contradicting an attestation', c.checklist.discrepancyHosts],
    );
  }
  if (c.trend !== null) {
    rows.push(
      [id ? 'Rapor sebelumnya' : 'Previous card', c.trend.previousAsOf],
      [id ? 'Perubahan temuan terbuka' : 'Change in open findings', c.trend.open],
      [id ? 'Perubahan terlambat' : 'Change in overdue', c.trend.overdue],
      [id ? 'Perubahan cakupan' : 'Change in coverage', c.trend.coverageShare],
      [id ? 'Dibanding rapor tersimpan' : 'Compared with a stored card', c.trend.previousId === null ? (id ? 'tidak (dihitung ulang)' : 'no (recomputed)') : c.trend.previousId],
    );
    if (c.trend.checklist !== null) {
      rows.push(
        [id ? 'Perubahan porsi butir lengkap' : 'Change in share complete', c.trend.checklist.completeShare],
        [id ? 'Perubahan porsi terverifikasi' : 'Change in share verified', c.trend.checklist.verifiedShare],
        [id ? 'Perubahan ketidaksesuaian' : 'Change in discrepancies', c.trend.checklist.discrepancies],
      );
    }
  }
  return rows;
}

function cardSheets(wb: ExcelJS.Workbook, c: ReportCard, lang: Lang): void {
  const id = lang === 'id';
  sheet(wb, H.summary![lang], [H.measure![lang], H.value![lang]], summaryRows(c, lang));
  sheet(wb, H.age![lang], [id ? 'Umur' : 'Age', id ? 'Kritis' : 'Critical', id ? 'Tinggi' : 'High', id ? 'Sedang' : 'Medium', id ? 'Rendah' : 'Low', id ? 'Jumlah' : 'Total'],
    c.age.buckets.map((b) => [b.label[lang], b.critical, b.high, b.medium, b.low, b.total]));
  if (c.checklist !== null) {
    const hosts = new Map(c.checklist.contradicted.map((x) => [`${x.agencyId}:${x.code}`, x]));
    sheet(wb, H.checklist![lang], [id ? 'Kode instansi' : 'Agency id', id ? 'Butir' : 'Item', id ? 'Judul' : 'Title', id ? 'Jawaban' : 'Answer', id ? 'Verifikasi' : 'Verification', id ? 'Lengkap' : 'Complete', id ? 'Jumlah host membantah' : 'Contradicting hosts', id ? 'Host' : 'Hosts'],
      c.checklist.rows.map((r) => {
        const h = hosts.get(`${r.agencyId}:${r.code}`);
        return [r.agencyId, r.code, r.title[lang], r.status, r.verification, r.complete ? 1 : 0, h?.hostCount ?? 0, h === undefined ? null : h.hosts.join(', ')];
      }));
  }
  sheet(wb, H.coverage![lang], [id ? 'Jaringan belum dipindai 14 hari' : 'Networks not scanned in 14 days'], c.coverage.stale.map((s) => [s]));
}

async function toBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function workbook(created: Date): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Perisai';
  wb.created = created;
  wb.modified = created;
  return wb;
}

export function reportCardXlsx(c: ReportCard, lang: Lang = 'id'): Promise<Buffer> {
  const wb = workbook(new Date(c.asOf));
  cardSheets(wb, c, lang);
  return toBuffer(wb);
}

export function rollupXlsx(r: ReportRollup, lang: Lang = 'id'): Promise<Buffer> {
  const id = lang === 'id';
  const wb = workbook(new Date(r.city.asOf));
  sheet(wb, H.agencies![lang], [
    id ? 'Kode' : 'Code', id ? 'Perangkat daerah' : 'Agency', id ? 'Terbuka' : 'Open', id ? 'Kritis' : 'Critical', id ? 'Tinggi' : 'High', id ? 'Terlambat' : 'Overdue',
    id ? 'Porsi tertutup' : 'Share closed', id ? 'Cakupan' : 'Coverage', id ? 'Lengkap' : 'Complete', id ? 'Terverifikasi' : 'Verified', id ? 'Tidak sesuai' : 'Discrepancies',
    id ? 'Diakui median (jam)' : 'Ack median (h)', id ? 'Perbaikan median (hari)' : 'Remediation median (days)',
  ], r.agencies.map((a) => [
    a.agency!.code, a.agency!.name, a.exposure.now.total, a.exposure.now.critical, a.exposure.now.high, a.age.overdue.total, share(a.exposure.closedShare), share(a.coverage.share),
    a.checklist === null ? null : share(a.checklist.completeShare), a.checklist === null ? null : share(a.checklist.verifiedShare), a.checklist === null ? null : a.checklist.discrepancies,
    a.acknowledgement.hours.median, a.remediationDays.median,
  ]));
  cardSheets(wb, r.city, lang);
  return toBuffer(wb);
}
