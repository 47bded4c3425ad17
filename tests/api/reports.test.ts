// Reports of the web application: the dashboard trend against a seeded history with known
// answers (snapshots on some days, a gap, today live; scope and agency filter), and the per-agency XLSX
// exports read back with exceljs and compared cell by cell with the CSV of the same data (formula guard
// included). SQLite and PostgreSQL (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { startHousekeeping } from '../../src/api/housekeeping.js';
import { cellText } from '../../src/io/sheets.js';
import { parseCsv } from '../../src/io/csv.js';
import { addDays, dayKey } from '../../src/domain/calendar.js';
import { storeSuite, testClock } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';
import type { World } from './fixture.js';

const DAY = 86_400_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface TrendDay {
  day: string; recorded: boolean; hostsKnown: number | null; hostsScanned: number | null; smbOpen: number | null; smbReachableOutside: number | null;
  exposedSmb: number | null; smbv1: number | null; ms17010: number | null; doublePulsar: number | null; unknown: number | null;
}
interface Trend { timeZone: string; from: string; to: string; days: TrendDay[] }

async function findingOf(w: World, agencyId: string, ruleId: string): Promise<string> {
  const page = await w.store.findings.list(new Set([agencyId]), { agencyId, ruleId, limit: 10 });
  return page.items[0]!.id;
}

test('calendar days are the city\'s (Asia/Jakarta, UTC+7), not UTC', () => {
  assert.equal(dayKey(new Date('2025-06-02T16:59:59.999Z'), 'Asia/Jakarta'), '2025-06-02');
  assert.equal(dayKey(new Date('2025-06-02T17:00:00.000Z'), 'Asia/Jakarta'), '2025-06-03');
  assert.equal(addDays('2025-03-01', -1), '2025-02-28');
  assert.equal(addDays('2024-12-31', 1), '2025-01-01');
});

storeSuite('API reports', (env) => {
  test('trend: snapshots per day, a gap as null, today live; scope, agencyId filter, 404 outside scope, viewer reads', async () => {
    // 2025-06-02 08:00 in Jakarta.
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const w = await seedWorld(await env.open({ clock: clock.now }), { clock: clock.now, rateLimit: false });
    try {
      // Day 1 (06-02): the seeded city — 6 hosts, every one with SMB exposed, SMBv1 and MS17-010; 4 unknown.
      const hk = startHousekeeping(w.store, { clock: clock.now, intervalMs: 3600_000 });
      await hk.runOnce();
      // Day 2 (06-03): Dinkes' first MS17-010 finding is declared a false positive (reason with a formula).
      clock.advance(DAY);
      const fp = await findingOf(w, w.city.dinkes.id, 'ms17-010');
      await w.store.findings.markFalsePositive('all', fp, { reason: '=1+2', by: 'analis', expiresAt: new Date(clock.now().getTime() + 30 * DAY).toISOString() });
      // 23:30 in Jakarta is still 06-03 (16:30 UTC), 00:30 is 06-04 (17:30 UTC).
      clock.set('2025-06-03T16:30:00.000Z');
      assert.deepEqual((await hk.runOnce()).snapshot, { day: '2025-06-03', agencies: 4 });
      // Day 3 (06-04): nothing recorded (the server was down). Day 4 (06-05, today): RSUD's SMB exposure is
      // accepted as a risk; today's point is live, not a snapshot.
      clock.set('2025-06-05T03:00:00.000Z');
      await w.store.findings.acceptRisk('all', await findingOf(w, w.city.rsud.id, 'exposure-smb'), { reason: 'segmen terisolasi', by: 'analis', expiresAt: new Date(clock.now().getTime() + 30 * DAY).toISOString() });
      await hk.stop();

      const admin = await login(w.app, 'admin');
      const res = await admin.req('GET', '/api/v1/dashboard/trend?days=7');
      assert.equal(res.statusCode, 200, res.body);
      const t = res.json() as Trend;
      assert.equal(t.timeZone, 'Asia/Jakarta');
      assert.equal(t.from, '2025-05-30');
      assert.equal(t.to, '2025-06-05');
      assert.deepEqual(t.days.map((d) => d.day), ['2025-05-30', '2025-05-31', '2025-06-01', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05']);
      const none = { recorded: false, hostsKnown: null, hostsScanned: null, smbOpen: null, smbReachableOutside: null, exposedSmb: null, smbv1: null, ms17010: null, doublePulsar: null, unknown: null };
      const city = { hostsKnown: 6, hostsScanned: 6, smbOpen: 0, smbReachableOutside: 6, exposedSmb: 6, smbv1: 6, ms17010: 6, doublePulsar: 0, unknown: 4 };
      assert.deepEqual(t.days, [
        { day: '2025-05-30', ...none }, { day: '2025-05-31', ...none }, { day: '2025-06-01', ...none },
        { day: '2025-06-02', recorded: true, ...city },
        { day: '2025-06-03', recorded: true, ...city, ms17010: 5 },
        { day: '2025-06-04', ...none },
        { day: '2025-06-05', recorded: true, ...city, ms17010: 5, smbReachableOutside: 5, exposedSmb: 5 },
      ]);
      // Today's point is the dashboard itself.
      const dash = (await admin.req('GET', '/api/v1/dashboard')).json() as { totals: Record<string, number> };
      const { day: _d, recorded: _r, ...today } = t.days[6]!;
      assert.deepEqual(today, dash.totals);

      // The officer of Dinkes sees Dinkes + RSUD + Puskesmas only.
      const officer = await login(w.app, 'petugas.dinkes');
      const o = (await officer.req('GET', '/api/v1/dashboard/trend?days=4')).json() as Trend;
      const own = { hostsKnown: 3, hostsScanned: 3, smbOpen: 0, smbReachableOutside: 3, exposedSmb: 3, smbv1: 3, ms17010: 3, doublePulsar: 0, unknown: 2 };
      assert.deepEqual(o.days, [
        { day: '2025-06-02', recorded: true, ...own },
        { day: '2025-06-03', recorded: true, ...own, ms17010: 2 },
        { day: '2025-06-04', ...none },
        { day: '2025-06-05', recorded: true, ...own, ms17010: 2, smbReachableOutside: 2, exposedSmb: 2 },
      ]);
      // One unit of the officer's agency.
      const rsud = (await officer.req('GET', `/api/v1/dashboard/trend?days=4&agencyId=${w.city.rsud.id}`)).json() as Trend;
      const one = { hostsKnown: 1, hostsScanned: 1, smbOpen: 0, smbReachableOutside: 1, exposedSmb: 1, smbv1: 1, ms17010: 1, doublePulsar: 0, unknown: 1 };
      assert.deepEqual(rsud.days.map((d) => d.recorded ? [d.day, d.ms17010, d.exposedSmb, d.unknown, d.hostsKnown] : [d.day, null]), [
        ['2025-06-02', 1, 1, 1, 1], ['2025-06-03', 1, 1, 1, 1], ['2025-06-04', null], ['2025-06-05', 1, 0, 1, 1],
      ]);
      assert.deepEqual({ ...rsud.days[0], day: undefined, recorded: undefined }, { ...one, day: undefined, recorded: undefined });
      // A recorded day on which the agency had nothing is zeros, not "no data" (Puskesmas has no hosts).
      const pkm = (await officer.req('GET', `/api/v1/dashboard/trend?days=4&agencyId=${w.city.puskesmas.id}`)).json() as Trend;
      assert.deepEqual(pkm.days.map((d) => [d.recorded, d.hostsKnown]), [[true, 0], [true, 0], [false, null], [true, 0]]);
      // Another agency's data: 404, whoever asks without it in scope.
      const foreign = await officer.req('GET', `/api/v1/dashboard/trend?days=7&agencyId=${w.city.disdik.id}`);
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.json().error.code, 'E_NOT_FOUND');
      const disdikOfficer = await login(w.app, 'petugas.disdik');
      assert.equal((await disdikOfficer.req('GET', `/api/v1/dashboard/trend?agencyId=${w.city.rsud.id}`)).statusCode, 404);
      // A viewer reads the city's trend; the range is bounded.
      const viewer = await login(w.app, 'pimpinan');
      const v = await viewer.req('GET', '/api/v1/dashboard/trend?days=7');
      assert.equal(v.statusCode, 200);
      assert.deepEqual((v.json() as Trend).days, t.days);
      assert.equal(((await viewer.req('GET', '/api/v1/dashboard/trend')).json() as Trend).days.length, 30);
      for (const bad of ['0', '367', 'x']) assert.equal((await viewer.req('GET', `/api/v1/dashboard/trend?days=${bad}`)).statusCode, 400, bad);
      assert.equal((await w.app.inject({ method: 'GET', url: '/api/v1/dashboard/trend' })).statusCode, 401);

      // A second snapshot of the same day replaces the first (the day's last hour wins).
      await w.store.dashboard.recordDay('2025-06-03');
      const again = (await admin.req('GET', '/api/v1/dashboard/trend?days=3')).json() as Trend;
      assert.equal(again.days[0]!.ms17010, 5);
      assert.equal(again.days[0]!.exposedSmb, 5);
    } finally {
      await w.app.close();
    }
  });

  test('XLSX exports: the CSV\'s rows cell for cell, formula-guarded, bold frozen header, widths; scoped like the CSV', async () => {
    const w = await seedWorld(await env.open(), { rateLimit: false });
    try {
      await w.store.assets.update('all', w.data.dinkes.assetIds[0]!, { owner: '=HYPERLINK("http://evil.example","klik")' });
      await w.store.findings.markFalsePositive('all', await findingOf(w, w.city.rsud.id, 'smbv1'), { reason: '+SUM(A1:A9)', by: 'analis', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() });
      const officer = await login(w.app, 'petugas.dinkes');
      for (const kind of ['assets', 'findings'] as const) {
        const csv = await officer.req('GET', `/api/v1/agencies/${w.city.dinkes.id}/${kind}.csv`);
        const xlsx = await officer.req('GET', `/api/v1/agencies/${w.city.dinkes.id}/${kind}.xlsx`);
        assert.equal(xlsx.statusCode, 200, xlsx.body.slice(0, 200));
        assert.equal(String(xlsx.headers['content-type']), XLSX);
        assert.match(String(xlsx.headers['content-disposition']), new RegExp(`attachment; filename="perisai-${kind}-DINKES\\.xlsx"`));
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
        assert.equal(wb.worksheets.length, 1);
        const ws = wb.worksheets[0]!;
        assert.equal(ws.name, kind);
        const rows: string[][] = [];
        ws.eachRow({ includeEmpty: true }, (row) => {
          const cells: string[] = [];
          for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value));
          rows.push(cells);
        });
        const fromCsv = parseCsv(csv.body).records.map((r) => [...r.fields]);
        assert.ok(fromCsv.length === (kind === 'assets' ? 1 + 3 : 1 + 9), `${kind}: ${fromCsv.length} CSV rows`);
        assert.deepEqual(rows, fromCsv, kind);
        // Every cell is a string, never a formula, and the header is bold and frozen.
        ws.eachRow((row) => row.eachCell((cell) => assert.equal(typeof cell.value, 'string', `${kind} ${cell.address}`)));
        assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
        assert.equal(ws.views[0]?.state, 'frozen');
        assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
        // Widths as set (exceljs reads a width near Excel's default of ~9 back as undefined).
        for (let c = 1; c <= ws.columnCount; c++) assert.ok((ws.getColumn(c).width ?? 9) >= 8, `${kind} column ${c} width`);
        assert.equal(ws.getColumn(2).width, 16); // ip
        if (kind === 'assets') {
          assert.ok(rows.flat().includes('\'=HYPERLINK("http://evil.example","klik")'), 'owner guarded');
        } else {
          assert.ok(rows.flat().includes('\'+SUM(A1:A9)'), 'exception reason guarded');
          assert.equal(ws.getColumn(9).width, 50); // title_id
          assert.ok(!rows.flat().some((c) => /^[=+@-]/.test(c)), 'no cell starts a formula');
          assert.ok(rows.some((r) => r[0] === 'RSUD') && rows.some((r) => r[0] === 'DINKES'), 'the agency and its unit');
        }
      }
      // Scope: exactly like the CSV routes — another agency's export is a 404; a unit of one's own is fine.
      for (const ext of ['csv', 'xlsx']) {
        for (const kind of ['assets', 'findings']) {
          const r = await officer.req('GET', `/api/v1/agencies/${w.city.disdik.id}/${kind}.${ext}`);
          assert.equal(r.statusCode, 404, `${kind}.${ext}`);
          assert.equal(r.json().error.code, 'E_NOT_FOUND');
          assert.ok(!r.body.includes('DISDIK'));
          assert.equal((await officer.req('GET', `/api/v1/agencies/${w.city.rsud.id}/${kind}.${ext}`)).statusCode, 200);
        }
      }
      const viewer = await login(w.app, 'pimpinan');
      const vx = await viewer.req('GET', `/api/v1/agencies/${w.city.disdik.id}/findings.xlsx`);
      assert.equal(vx.statusCode, 200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(vx.rawPayload as unknown as ArrayBuffer);
      assert.equal(wb.worksheets[0]!.rowCount, 1 + 9); // Disdik 2 hosts + SMPN 3 one host, 3 findings each
      assert.equal((await w.app.inject({ method: 'GET', url: `/api/v1/agencies/${w.city.dinkes.id}/assets.xlsx` })).statusCode, 401);
    } finally {
      await w.app.close();
    }
  });
});
