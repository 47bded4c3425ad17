// Browser test of the web UI: Debian's Chromium driven by playwright-core against the
// real app (API + built SPA) on 127.0.0.1 with an ephemeral port and a seeded SQLite store. Logs in (in
// Indonesian), reads the dashboard numbers, opens the findings, acknowledges one and accepts the risk
// of another (both recorded by the API), opens an agency, switches to English and back (remembered
// after a reload), and logs out. Screenshots of the main pages go to docs/screenshots/. Chromium
// missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { launch, listen, prepareBrowser, scenario, shot, watchProblems } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-web-'));
let store: Store;
let world: World;
let base: string;
let context: BrowserContext;
let doublePulsarFinding: string;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  const dinkes = world.data.dinkes;
  // One host of Dinkes also answers as DoublePulsar-infected (same scan signals plus the implant).
  await store.findings.applyScan({
    jobId: 'seed-dp',
    assets: [{
      assetId: dinkes.assetIds[0]!, agencyId: dinkes.agencyId,
      scan: {
        closedPorts: [],
        signals: [
          { ruleId: 'ms17-010', port: 445, title: { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' }, input: { kind: 'detected', severity: 'critical', evidence: { tag: 'DINKES' } } },
          { ruleId: 'exposure-smb', port: 445, title: { id: 'SMB dapat dijangkau', en: 'SMB reachable' }, input: { kind: 'detected', severity: 'high' } },
          { ruleId: 'smbv1', port: 445, title: { id: 'SMBv1 aktif', en: 'SMBv1 enabled' }, input: { kind: 'detected', severity: 'medium' } },
          { ruleId: 'doublepulsar', port: 445, title: { id: 'Implan DoublePulsar terdeteksi', en: 'DoublePulsar implant detected' }, input: { kind: 'detected', severity: 'critical', evidence: { multiplexId: 81 } } },
        ],
      },
    }],
  });
  const dp = await store.findings.list('all', { ruleId: 'doublepulsar', limit: 10 });
  assert.equal(dp.items.length, 1);
  doublePulsarFinding = dp.items[0]!.id;
  // User-supplied text with markup must show as text.
  await store.contacts.add('all', dinkes.agencyId, { name: '<b id="injected">Kontak Darurat</b>', role: 'technical', email: 'darurat@kota.go.id' });
  base = await listen(world.app);
  context = await launch(tmp, { width: 1280, height: 800 });
});

after(async () => {
  await context?.close();
  await world?.app.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function apiJson(page: Page, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: (await r.json()) as unknown };
  }, path);
}

test('log in, dashboard, findings (acknowledge, accept risk), agency, language switch, log out', () => scenario(context, async (page) => {
    // Failed requests; the only expected ones are the 401 of GET /me before logging in, and 401 of the wrong password.
    const problems = watchProblems(page, { console: true, responses: true, expected: [/^POST 401 \/api\/v1\/auth\/login$/] });

    // Login page, Indonesian by default; the API's translated error.
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Masuk ke Perisai' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    await shot(page, 'login');
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill('salah-sekali-kata-sandinya');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('alert').filter({ hasText: 'Nama pengguna atau kata sandi salah' }).waitFor();
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();

    // Dashboard: the tiles show the API's totals.
    await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
    const dash = await apiJson(page, '/api/v1/dashboard');
    assert.equal(dash.status, 200);
    const totals = (dash.body as { totals: Record<string, number> }).totals;
    assert.ok(totals.ms17010! >= 1 && totals.doublePulsar === 1, JSON.stringify(totals));
    for (const [metric, label] of [['hostsKnown', 'Host dikenal'], ['smbOpen', 'SMB terbuka'], ['smbReachableOutside', 'SMB terjangkau dari luar segmen'], ['smbv1', 'SMBv1 aktif'], ['ms17010', 'Rentan MS17-010'], ['doublePulsar', 'Implan DoublePulsar'], ['unknown', 'Risiko belum diketahui']] as const) {
      const tile = page.locator(`[data-metric="${metric}"]`);
      assert.equal(await tile.locator('.tile-value').textContent(), String(totals[metric]), metric);
      assert.equal(await tile.locator('.tile-label').textContent(), label);
    }
    assert.equal(await page.locator('tr[data-agency="DINKES"] td').nth(6).textContent(), '1', 'DoublePulsar column of Dinkes');
    assert.ok(await page.locator('svg.chart rect.m-doublePulsar').count() >= 1);
    await shot(page, 'dashboard');

    // Findings: worst first; acknowledge the DoublePulsar finding.
    await page.getByRole('link', { name: 'Temuan' }).click();
    await page.getByRole('heading', { name: 'Temuan' }).waitFor();
    const dpRow = page.locator(`li[data-finding="${doublePulsarFinding}"]`);
    await dpRow.getByText('Implan DoublePulsar terdeteksi').waitFor();
    assert.ok(await page.getByText('Rentan MS17-010 (EternalBlue)').count() >= 1);
    await shot(page, 'findings');
    await dpRow.getByRole('button', { name: 'Konfirmasi' }).click();
    await dpRow.getByText('Dikonfirmasi oleh admin').waitFor();
    const triage = (await store.triage.of('all', [doublePulsarFinding])).get(doublePulsarFinding);
    assert.equal(triage?.acknowledgedBy, 'admin');
    assert.ok((await store.audit.list({ action: 'finding.acknowledge' })).some((e) => e.targetId === doublePulsarFinding && e.outcome === 'success'));

    // Accept the risk of an SMB exposure finding, with a reason and an expiry.
    const smbRow = page.locator('li[data-rule="exposure-smb"]').first();
    const smbId = await smbRow.getAttribute('data-finding');
    assert.ok(smbId !== null);
    await smbRow.getByRole('button', { name: 'Terima risiko' }).click();
    await smbRow.getByLabel('Alasan').fill('Server arsip terisolasi, diganti bulan depan');
    await smbRow.locator('form').getByRole('button', { name: 'Terima risiko' }).click();
    await smbRow.getByText('Risiko diterima').waitFor();
    const accepted = await store.findings.get('all', smbId);
    assert.equal(accepted.status, 'accepted-risk');
    assert.equal(accepted.exception?.reason, 'Server arsip terisolasi, diganti bulan depan');

    // Filters live in the URL; a deep link reloads into the same view (SPA fallback).
    await page.selectOption('select[name="minSeverity"]', 'critical');
    await page.waitForURL(/minSeverity=critical/);
    await page.reload();
    await page.getByRole('heading', { name: 'Temuan' }).waitFor();
    // the heading renders before the list's data arrives: wait for the list, then count
    await page.locator('li[data-rule="ms17-010"]').first().waitFor();
    assert.equal(await page.locator('li[data-rule="smbv1"]').count(), 0);

    // Agency detail: networks, contacts (markup shown as text), counts.
    await page.getByRole('link', { name: 'Dasbor' }).click();
    await page.getByRole('link', { name: 'Dinas Kesehatan' }).first().click();
    await page.getByRole('heading', { name: 'Dinas Kesehatan' }).waitFor();
    await page.getByText('198.18.1.0/24').waitFor();
    await page.getByText('Kontak DINKES').waitFor();
    await page.getByText('<b id="injected">Kontak Darurat</b>').waitFor();
    assert.equal(await page.locator('#injected').count(), 0);
    assert.equal(await page.getByTestId('agency-assets').textContent(), '2');
    await shot(page, 'agency');

    // An asset with SMBv1, and its evidence.
    await page.goto(`${base}/assets/${world.data.dinkes.assetIds[0]!}`);
    await page.getByRole('heading', { name: world.data.dinkes.ips[0]! }).waitFor();
    await page.locator('li[data-rule="doublepulsar"]').waitFor();

    // Language: English, remembered after a reload, and back.
    await page.getByTestId('user-menu').click();
    await page.locator('.menu button[data-lang="en"]').click();
    await page.getByRole('link', { name: 'Findings' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    await page.getByRole('link', { name: 'Findings' }).click();
    await page.getByRole('heading', { name: 'Findings' }).waitFor();
    await page.getByText('DoublePulsar implant detected').first().waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByTestId('user-menu').click();
    await page.locator('.menu button[data-lang="id"]').click();
    await page.getByRole('link', { name: 'Temuan' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Temuan' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'id');

    // Log out: back to the login page, the session is gone server-side.
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Keluar' }).click();
    await page.getByText('Anda telah keluar.').waitFor();
    assert.equal((await apiJson(page, '/api/v1/me')).status, 401);
    assert.deepEqual(problems, []);
}));

test('forced password change: the API demands it, the UI asks for it, then logs in again', async () => {
  const u = await store.users.create({ username: 'petugas.baru', role: 'analyst', agencyId: null, passwordHash: (await store.users.credentials('admin'))!.passwordHash, mustChangePassword: true });
  assert.equal(u.mustChangePassword, true);
  await scenario(context, async (page) => {
    await page.goto(`${base}/`);
    await page.getByLabel('Nama pengguna').fill('petugas.baru');
    await page.getByLabel('Kata sandi').fill(PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Ganti kata sandi' }).waitFor();
    await page.getByLabel('Kata sandi saat ini').fill(PASSWORD);
    await page.getByLabel('Kata sandi baru', { exact: true }).fill('kata-sandi-baru-yang-panjang');
    await page.getByLabel('Ulangi kata sandi baru').fill('kata-sandi-baru-yang-panjang');
    await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
    await page.getByText('Kata sandi telah diganti').waitFor();
    await page.getByLabel('Nama pengguna').fill('petugas.baru');
    await page.getByLabel('Kata sandi').fill('kata-sandi-baru-yang-panjang');
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
  });
});

test('the server: / and deep links answer the SPA, /api stays JSON', async () => {
  const index = await fetch(`${base}/findings?status=open`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await index.text(), /<div id="root"><\/div>/);
  const api404 = await fetch(`${base}/api/v1/nope`);
  assert.equal(api404.status, 404);
  assert.equal(((await api404.json()) as { error: { code: string } }).error.code, 'E_NOT_FOUND');
  const asset = await fetch(`${base}/assets/missing.js`);
  assert.equal(asset.status, 404);
});
