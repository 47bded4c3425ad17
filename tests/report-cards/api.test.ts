// Report cards over the API on SQLite and PostgreSQL: an agency's card and the city roll-up as PDF and
// XLSX, scoped like every agency read (an officer sees their agency and its units; another agency's card
// is 404; the roll-up lists only the agencies in scope); a bad period is a bilingual 400.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { pdfText } from '../../src/io/pdf/fixtures.js';
import { login, seedWorld } from '../api/fixture.js';
import { storeSuite } from '../store/harness.js';

storeSuite('report card routes', (env) => {
  test('agency card and city roll-up as PDF and XLSX, in scope', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const analyst = await login(w.app, 'analis');

      const pdf = await officer.req('GET', `/api/v1/agencies/${w.city.dinkes.id}/report-card.pdf`);
      assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 300));
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      const text = pdfText(pdf.rawPayload);
      assert.ok(text.includes('RAPOR KEAMANAN JARINGAN'));
      assert.ok(text.includes('Dinas Kesehatan (DINKES)'));
      // Dinkes and its RSUD: 3 hosts × (MS17-010, SMB exposure, SMBv1) opened by the fixture's scans.
      assert.match(text, /Jumlah 0 9 /, 'none open at the start 30 days ago, nine now');

      const xlsx = await officer.req('GET', `/api/v1/agencies/${w.city.rsud.id}/report-card.xlsx?lang=en`);
      assert.equal(xlsx.statusCode, 200);
      assert.match(String(xlsx.headers['content-disposition']), /^attachment; filename="rapor-RSUD-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const rows = wb.getWorksheet('Summary')!.getRows(1, 40)!;
      assert.equal(rows.find((r) => r.getCell(1).text === 'Open now')?.getCell(2).value, 3);

      assert.equal((await officer.req('GET', `/api/v1/agencies/${w.city.disdik.id}/report-card.pdf`)).statusCode, 404, 'another agency');
      assert.equal((await w.app.inject({ method: 'GET', url: `/api/v1/agencies/${w.city.dinkes.id}/report-card.pdf` })).statusCode, 401);

      const mine = pdfText((await officer.req('GET', '/api/v1/report-card.pdf')).rawPayload);
      assert.ok(mine.includes('RSUD') && !mine.includes('DISDIK'), 'the roll-up lists only the officer\'s agencies');
      const all = pdfText((await analyst.req('GET', '/api/v1/report-card.pdf?lang=en')).rawPayload);
      assert.ok(all.includes('CITY REPORT CARD') && all.includes('DISDIK') && all.includes('SMPN-3'));
      const cityX = await analyst.req('GET', '/api/v1/report-card.xlsx');
      assert.equal(cityX.statusCode, 200);

      const bad = await analyst.req('GET', '/api/v1/report-card.pdf?asOf=2025-06-01T00:00:00Z&since=2025-07-01T00:00:00Z');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Waktu pembanding harus sebelum waktu rapor/);
    } finally {
      await w.app.close();
    }
  });
});
