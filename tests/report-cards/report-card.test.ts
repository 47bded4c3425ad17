// Report cards from a real store on SQLite and PostgreSQL: findings opened, fixed and found anew by scans
// applied at known instants, scan jobs finished at known instants (the store's injected clock), then the
// agency card, the city roll-up, their PDF read back with pdftotext (docs/screenshots/report-card.png) and
// their XLSX read back with exceljs.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import ExcelJS from 'exceljs';
import type { CardChecklistRow } from '../../src/domain/report-card.js';
import { pdfFonts, pdfText, screenshot } from '../../src/io/pdf/fixtures.js';
import { reportCardPdf, rollupPdf } from '../../src/io/pdf/report-card.js';
import { agencyReportCard, cityReportRollup } from '../../src/io/report-card.js';
import { reportCardXlsx, rollupXlsx } from '../../src/io/report-card-sheet.js';
import { scopeOf } from '../../src/store/index.js';
import { seedCity } from '../store/fixtures.js';
import { storeSuite, testClock } from '../store/harness.js';
import { completedScan, DAY, detected, fixed, network, observe } from './seed.js';

const NOW = Date.parse('2025-07-01T03:00:00.000Z');
const day = (n: number) => new Date(NOW + n * DAY).toISOString();

storeSuite('report cards', (env) => {
  it('computes the agency card and the city roll-up from the findings\' history and the scans, and prints them', async () => {
    const clock = testClock(day(-40));
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    await network(store, city.rsud.id, '198.18.2.0/24');
    await network(store, city.rsud.id, '198.18.12.0/24');
    await network(store, city.disdik.id, '198.18.3.0/24');

    // Day -40: the first scan of the RSUD finds MS17-010, SMBv1 and SMB exposure; Disdik one critical.
    const j1 = await completedScan(store, city.rsud.id, ['198.18.2.0/24']);
    await observe(store, city.rsud.id, j1, day(-40), { '198.18.2.20': [detected('ms17-010', 'critical')], '198.18.2.21': [detected('smbv1', 'medium')], '198.18.2.22': [detected('exposure-smb', 'high')] });
    const d1 = await completedScan(store, city.disdik.id, ['198.18.3.0/24']);
    await observe(store, city.disdik.id, d1, day(-40), { '198.18.3.5': [detected('ms17-010', 'critical')] });
    // Day -10: MS17-010 is fixed on .20; a DoublePulsar implant appears on .23.
    clock.set(day(-10));
    const j2 = await completedScan(store, city.rsud.id, ['198.18.2.0/24']);
    await observe(store, city.rsud.id, j2, day(-10), { '198.18.2.20': [fixed('ms17-010')], '198.18.2.21': [detected('smbv1', 'medium')], '198.18.2.22': [detected('exposure-smb', 'high')], '198.18.2.23': [detected('doublepulsar', 'critical')] });
    // Day -3: the second RSUD network is scanned (clean).
    clock.set(day(-3));
    await completedScan(store, city.rsud.id, ['198.18.12.0/24']);
    clock.set(day(0));

    const checklist: CardChecklistRow[] = [
      { agencyId: city.rsud.id, code: 'backup-offline', title: { id: 'Cadangkan data', en: 'Back up data' }, required: true, checkable: false, status: 'done', verification: 'unverifiable', complete: true, hosts: [] },
      { agencyId: city.rsud.id, code: 'ms17-010', title: { id: 'Pasang MS17-010', en: 'Install MS17-010' }, required: true, checkable: true, status: 'done', verification: 'verified', complete: true, hosts: [] },
      { agencyId: city.rsud.id, code: 'doublepulsar', title: { id: 'Tidak ada tanda infeksi', en: 'No sign of infection' }, required: true, checkable: true, status: 'done', verification: 'contradicted', complete: false, hosts: ['198.18.2.23'] },
      { agencyId: city.disdik.id, code: 'ms17-010', title: { id: 'Pasang MS17-010', en: 'Install MS17-010' }, required: true, checkable: true, status: null, verification: 'pending', complete: false, hosts: [] },
    ];
    const acknowledgements = [
      { agencyId: city.rsud.id, sentAt: day(-20), acknowledgedAt: new Date(NOW - 20 * DAY + 6 * 3_600_000).toISOString() },
      { agencyId: city.disdik.id, sentAt: day(-20), acknowledgedAt: null },
    ];
    const request = { asOf: day(0), since: day(-20), checklist, acknowledgements, title: { id: 'SE 800/012/DISKOMINFO/2025 — ransomware WannaCry', en: 'Circular 800/012/DISKOMINFO/2025 — WannaCry ransomware' } };

    const card = await agencyReportCard(store, 'all', city.rsud.id, request);
    assert.deepEqual(card.agency, { id: city.rsud.id, code: 'RSUD', name: 'RSUD Kota' });
    assert.deepEqual(card.exposure.atStart, { total: 3, critical: 1, high: 1, medium: 1, low: 0 });
    assert.deepEqual(card.exposure.now, { total: 3, critical: 1, high: 1, medium: 1, low: 0 });
    assert.equal(card.exposure.closedSinceStart, 1);
    assert.equal(card.exposure.criticalAtStartClosed, 1);
    assert.equal(card.exposure.newSinceStart, 1);
    assert.deepEqual(Object.fromEntries(card.age.buckets.map((b) => [b.key, b.total])), { lt7: 0, '7-15': 1, '15-30': 0, '30-90': 2, gt90: 0 });
    assert.deepEqual([card.age.overdue.critical, card.age.overdue.high], [0, 1], 'SMB exposure (high) is 40 days old; the implant 10');
    assert.deepEqual(card.remediationDays, { n: 1, median: 30, p90: 30, max: 30 });
    assert.deepEqual([card.coverage.networks, card.coverage.scanned, card.coverage.share], [2, 2, 1]);
    assert.equal(card.trend!.coverageShare, 0.5, 'a week ago the second network had not been scanned');
    assert.equal(card.trend!.open, 0);
    assert.deepEqual([card.checklist!.items, card.checklist!.complete, card.checklist!.discrepancies, card.checklist!.verified, card.checklist!.checkable], [3, 2, 1, 1, 2]);
    assert.deepEqual(card.acknowledgement.hours, { n: 1, median: 6, p90: 6, max: 6 });

    // Dinas Kesehatan's card counts its unit, the RSUD; an officer of Disdik cannot ask for it.
    const dinkes = await agencyReportCard(store, 'all', city.dinkes.id, request);
    assert.equal(dinkes.exposure.now.total, 3);
    await assert.rejects(agencyReportCard(store, scopeOf(city.disdik.id, city.smp.id), city.rsud.id, request), /not found/);

    const rollup = await cityReportRollup(store, 'all', request);
    assert.equal(rollup.city.exposure.now.total, 4);
    assert.equal(rollup.city.coverage.networks, 3);
    assert.equal(rollup.agencies[0]!.agency!.code, 'DISDIK', 'worst first: Disdik\'s critical is 40 days old (overdue critical); the RSUD has an overdue high');
    assert.equal(rollup.agencies.length, 7);
    assert.deepEqual(rollup.city.acknowledgement.pending, 1);

    const pdf = await reportCardPdf(card);
    const text = pdfText(pdf);
    for (const s of ['RAPOR KEAMANAN JARINGAN', 'RSUD Kota (RSUD)', 'Keadaan per 2025-07-01 10:00 WIB', 'SE 800/012/DISKOMINFO/2025', '33% ditutup sejak awal', '30–90 hari',
      'Melewati tenggat (kritis > 15 hari, tinggi > 30 hari) 1', 'Ketidaksesuaian', '198.18.2.23', 'Waktu sampai temuan diperbaiki (hari) 1 30 30 30', '▲ +50 pp'])
      assert.ok(text.includes(s), `card: missing ${JSON.stringify(s)}`);
    assert.ok(pdfFonts(pdf).every((f) => f.embedded));
    screenshot(pdf, 'report-card');
    const en = pdfText(await reportCardPdf(card, { lang: 'en' }));
    assert.ok(en.includes('NETWORK SECURITY REPORT CARD') && en.includes('Time to remediate (days)'));

    const cityText = pdfText(await rollupPdf(rollup));
    for (const s of ['RAPOR KOTA', 'Per perangkat daerah (terburuk di atas)', 'DISDIK Dinas Pendidikan', 'RSUD RSUD Kota', 'belum diakui'])
      assert.ok(cityText.includes(s), `roll-up: missing ${JSON.stringify(s)}`);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await reportCardXlsx(card) as unknown as ArrayBuffer);
    const summary = wb.getWorksheet('Ringkasan')!;
    const value = (label: string) => summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).text === label)?.getCell(2).value;
    assert.equal(value('Temuan terbuka sekarang'), 3);
    assert.equal(value('Terlambat tinggi (> 30 hari)'), 1);
    assert.equal(value('Waktu perbaikan median (hari)'), 30);
    assert.equal(value('Porsi cakupan'), 1);
    assert.equal(wb.getWorksheet('Umur temuan')!.getRow(5).getCell(6).value, 2, '30–90 days: two findings');
    const cwb = new ExcelJS.Workbook();
    await cwb.xlsx.load(await rollupXlsx(rollup, 'en') as unknown as ArrayBuffer);
    const agencies = cwb.getWorksheet('Agencies')!;
    assert.equal(agencies.getRow(2).getCell(1).text, 'DISDIK');
    assert.equal(agencies.rowCount, 8);
  });
});
