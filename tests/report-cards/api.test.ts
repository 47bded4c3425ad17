// Report cards over the API on SQLite and PostgreSQL: an agency's card and the city roll-up as PDF and
// XLSX, scoped like every agency read (an officer sees their agency and its units; another agency's card
// is 404; the roll-up lists only the agencies in scope); a bad period is a bilingual 400. A circular's
// cards add its checklist part and measure from its sending (docs/circulars.md "Report cards").

import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { pdfText, screenshot } from '../../src/io/pdf/fixtures.js';
import { login, seedWorld } from '../api/fixture.js';
import { cityContent } from '../circulars/fixture.js';
import { storeSuite, testClock } from '../store/harness.js';
import { detected, fixed } from './seed.js';

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

storeSuite('a circular\'s report cards', (env) => {
  test('checklist completion, verified share and discrepancies with host counts; acknowledgement and remediation timed from the sending; in scope; PDF and XLSX read back', async () => {
    const T0 = Date.parse('2025-06-02T01:00:00.000Z');
    const H = 3_600_000;
    const clock = testClock(new Date(T0).toISOString());
    const store = await env.open({ clock: clock.now });
    const w = await seedWorld(store, { clock: clock.now, rateLimit: false });
    try {
      const rsud = w.data.rsud;
      const at = (hours: number) => { clock.set(new Date(T0 + hours * H).toISOString()); };
      // Day 1: the circular goes to RSUD and Disdik (their hosts hold MS17-010, SMB exposure and SMBv1 since T0).
      at(24);
      let admin = await login(w.app, 'admin');
      const created = await admin.req('POST', '/api/v1/circulars', { content: cityContent({ audience: { kind: 'list', agencyIds: [rsud.agencyId, w.data.disdik.agencyId] } }) });
      const id = created.json().id as string;
      const draft = await admin.req('GET', `/api/v1/circulars/${id}/report-card`);
      assert.equal(draft.statusCode, 400, 'a draft has no sending to measure from');
      assert.match(draft.json().error.messageId, /sudah dikirim/);
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/send`)).statusCode, 200);
      // Six hours later RSUD acknowledges; the next day it attests MS17-010 and SMBv1 done.
      at(30);
      let officer = await login(w.app, 'petugas.dinkes');
      assert.equal((await officer.req('POST', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/acknowledge`, { name: 'dr. Sari', position: 'Direktur RSUD' })).statusCode, 200);
      at(48);
      officer = await login(w.app, 'petugas.dinkes');
      for (const [code, body] of [['ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] }], ['smbv1-off', { status: 'done' }]] as const) {
        const r = await officer.req('PUT', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/items/${code}`, body);
        assert.equal(r.statusCode, 200, r.body);
      }
      // Day 3: a scan of RSUD's network finds SMBv1 off but MS17-010 still open on its host.
      at(72);
      await store.findings.applyScan({ jobId: 'rapor-sesudah', assets: [{ assetId: rsud.assetIds[0]!, agencyId: rsud.agencyId, scan: { closedPorts: [], signals: [fixed('smbv1'), detected('ms17-010', 'critical')] } }] });
      await store.circulars.recordNetworkChecks(['ms17-010', 'smbv1'].map((ruleId) => ({ networkId: rsud.networkId, agencyId: rsud.agencyId, ruleId, jobId: 'rapor-sesudah', finishedAt: new Date(T0 + 72 * H).toISOString(), unknownIps: [] })));
      await store.circulars.verifyAgency(id, rsud.agencyId);
      at(96);
      admin = await login(w.app, 'admin');
      officer = await login(w.app, 'petugas.dinkes');

      const card = (await officer.req('GET', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/report-card`)).json();
      assert.equal(card.since, new Date(T0 + 24 * H).toISOString(), 'compared with the sending');
      assert.deepEqual(card.rules, ['doublepulsar', 'exposure-rdp', 'exposure-smb', 'ms17-010', 'smbv1']);
      assert.equal(card.measuredFrom, 'since');
      assert.deepEqual([card.exposure.atStart.total, card.exposure.now.total, card.exposure.closedShare], [3, 2, 1 / 3]);
      assert.deepEqual(card.remediationDays, { n: 1, median: 2, p90: 2, max: 2 }, 'SMBv1 open since T0, fixed two days after the sending');
      assert.deepEqual(card.acknowledgement.hours, { n: 1, median: 6, p90: 6, max: 6 });
      assert.deepEqual([card.checklist.items, card.checklist.checkable, card.checklist.verified, card.checklist.verifiedShare, card.checklist.discrepancies], [8, 4, 1, 0.25, 1]);
      assert.deepEqual(card.checklist.contradicted.map((x: { code: string; hosts: string[]; hostCount: number }) => [x.code, x.hosts, x.hostCount]), [['ms17-010', [rsud.ips[0]], 1]]);

      // The officer's roll-up holds its own audience agency only; the office's every one, worst first.
      const mine = (await officer.req('GET', `/api/v1/circulars/${id}/report-card`)).json();
      assert.deepEqual(mine.agencies.map((a: { agency: { code: string } }) => a.agency.code), ['RSUD']);
      const all = (await admin.req('GET', `/api/v1/circulars/${id}/report-card`)).json();
      assert.deepEqual(all.agencies.map((a: { agency: { code: string } }) => a.agency.code), ['DISDIK', 'RSUD']);
      assert.deepEqual([all.city.exposure.atStart.total, all.city.acknowledgement.sent, all.city.acknowledgement.pending, all.city.checklist.items], [9, 2, 1, 16]);
      assert.equal((await officer.req('GET', `/api/v1/circulars/${id}/agencies/${w.data.disdik.agencyId}/report-card.pdf`)).statusCode, 404, 'another agency\'s card');
      assert.equal((await login(w.app, 'petugas.disdik').then((c) => c.req('GET', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/report-card`))).statusCode, 404);

      const pdf = await officer.req('GET', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/report-card.pdf`);
      assert.equal(pdf.statusCode, 200);
      screenshot(pdf.rawPayload, 'report-card-circular');
      const text = pdfText(pdf.rawPayload).replace(/\s+/g, ' ');
      for (const s of ['RAPOR KEAMANAN JARINGAN', 'RSUD Kota (RSUD)', 'Terkait: Surat Edaran 800/001/DISKOMINFO/2025', 'Temuan yang dihitung: aturan pemindaian surat edaran: Implan DoublePulsar terdeteksi (doublepulsar); RDP dapat dijangkau dari luar segmen agensi (exposure-rdp);',
        'Rentan MS17-010 (EternalBlue) (ms17-010); SMBv1 aktif (smbv1)',
        '3. Daftar periksa surat edaran', 'Ketidaksesuaian (dinyatakan selesai, pemindaian masih menemukan) 1', 'Host yang membantah pernyataan 1', rsud.ips[0]!,
        'diukur sejak surat edaran dikirim', 'Waktu sampai surat diakui (jam) 1/1 6 6 6', 'Waktu sampai temuan diperbaiki (hari) 1 2 2 2', 'Butir yang dapat diperiksa dan terverifikasi jaringan 25% (1/4)'])
        assert.ok(text.includes(s), `card PDF: missing ${JSON.stringify(s)} in ${text.slice(0, 3000)}`);
      const cityPdf = pdfText((await admin.req('GET', `/api/v1/circulars/${id}/report-card.pdf?lang=en`)).rawPayload).replace(/\s+/g, ' ');
      for (const s of ['CITY REPORT CARD', 'DISDIK', 'RSUD', 'not acknowledged', '3. Circular checklist', 'measured from the circular\'s sending'])
        assert.ok(cityPdf.includes(s), `roll-up PDF: missing ${JSON.stringify(s)}`);
      const xlsx = await admin.req('GET', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/report-card.xlsx`);
      assert.match(String(xlsx.headers['content-disposition']), /^attachment; filename="rapor-se-800-001-DISKOMINFO-2025-RSUD-2025-06-06\.xlsx"$/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const value = (label: string) => wb.getWorksheet('Ringkasan')!.getRows(1, 60)!.find((r) => r.getCell(1).text === label)?.getCell(2).value;
      assert.equal(value('Ketidaksesuaian'), 1);
      assert.equal(value('Porsi terverifikasi (butir yang dapat diperiksa)'), 0.25);
      assert.equal(value('Waktu diakui median (jam)'), 6);
      const row = wb.getWorksheet('Daftar periksa')!.getRows(2, 10)!.find((r) => r.getCell(2).text === 'ms17-010')!;
      assert.deepEqual([row.getCell(5).text, row.getCell(7).value, row.getCell(8).text], ['contradicted', 1, rsud.ips[0]]);
    } finally {
      await w.app.close();
    }
  });
});
