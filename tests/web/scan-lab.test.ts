// The newcomer's path end to end: the real `perisai serve`
// (compiled CLI, SQLite in a fresh data directory, in-process worker) prints its URL and a one-time admin
// password; Debian's Chromium logs in with it, is made to change it, adds an agency with a network in the
// project's lab (lab/perisai-lab, 198.18.0.0/24), starts a scan of it, watches the live progress until
// the scan completes, opens the asset that has SMBv1, switches the language, acknowledges a finding, and
// finds the exposure on the dashboard in Indonesian. Verdicts are compared with the lab's ground truth,
// not with constants. The lab missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { launch, overflow, requireChromium, ROOT, scenario, shot, watchProblems } from './browser.js';
import { startServe } from './serve.js';
import type { Served } from './serve.js';

const TRUTH = '/run/perisai-lab/ground-truth.json';
const NEW_PASSWORD = 'kata-sandi-kantor-dinas-baru';
/** A lab SMB host's asset page on a phone, as it opens (evidence and older history folded): at most this tall. */
const LAB_ASSET_MAX = 5_000;

const tmp = mkdtempSync(join(tmpdir(), 'perisai-newcomer-'));
let served: Served | undefined;
let base = '';
let oneTime = '';
let context: BrowserContext;
const log = (): string => served?.log() ?? '';

interface TruthHost { ip: string; name: string; role: string; expect?: Record<string, unknown> }

before(async () => {
  assert.ok(existsSync('/sys/class/net/plbr0'), 'the lab is down: run `lab/perisai-lab up` (scripts/test-all.sh does) — lab tests never skip');
  assert.ok(existsSync(TRUTH), `${TRUTH} is missing: the lab writes it when it comes up`);
  requireChromium();
  assert.ok(existsSync(join(ROOT, 'web', 'dist', 'index.html')), 'web/dist is missing: npm run build builds it');
  served = await startServe(join(tmp, 'data'), tmp, ['--tick-ms', '1000']);
  ({ base, oneTime } = served);
  context = await launch(tmp, { width: 1280, height: 900 });
});

after(async () => {
  await context?.close();
  await served?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('newcomer: first login, agency with a lab network, scan watched live, SMBv1 asset, language, acknowledge, dashboard in Indonesian', async () => {
  const truth = JSON.parse(readFileSync(TRUTH, 'utf8')) as { hosts: TruthHost[] };
  const smb1 = truth.hosts.find((h) => h.role === 'smb-v1-samba');
  assert.ok(smb1 !== undefined, 'the lab has an SMBv1 Samba host');
  await scenario(context, async (page) => {
    const problems = watchProblems(page, { responses: true });
    // First login with the printed one-time password; the UI demands a new one.
    await page.goto(`${base}/`);
    await page.getByRole('heading', { name: 'Masuk ke Perisai' }).waitFor();
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(oneTime);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Ganti kata sandi' }).waitFor();
    await page.getByLabel('Kata sandi saat ini').fill(oneTime);
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
    await page.getByText('Kata sandi telah diganti').waitFor();
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();

    // The city, then a hospital under it with the lab's network — through the UI's forms.
    await page.getByRole('link', { name: 'Instansi/OPD' }).click();
    await page.getByRole('heading', { name: 'Instansi/OPD' }).waitFor();
    await page.getByLabel('Kode').fill('PEMKOT-LAB');
    await page.getByLabel('Nama', { exact: true }).fill('Pemerintah Kota Laboratorium');
    await page.getByLabel('Jenis').selectOption('city');
    await page.getByTestId('agency-submit').click();
    await page.getByTestId('agency-created').filter({ hasText: 'Pemerintah Kota Laboratorium' }).waitFor();
    await page.getByLabel('Kode').fill('RSUD-LAB');
    await page.getByLabel('Nama', { exact: true }).fill('RSUD Laboratorium');
    await page.getByLabel('Jenis').selectOption('hospital');
    await page.getByLabel('Induk').selectOption({ label: 'Pemerintah Kota Laboratorium' });
    await page.getByTestId('agency-submit').click();
    await page.getByTestId('agency-created').filter({ hasText: 'RSUD Laboratorium' }).waitFor();
    await page.locator('table').getByRole('link', { name: 'RSUD Laboratorium' }).click();
    await page.getByRole('heading', { name: 'RSUD Laboratorium', level: 1 }).waitFor();
    await page.getByLabel('Rentang alamat').fill('198.18.0.0/24');
    await page.getByLabel('Label', { exact: true }).fill('LAN lab');
    await page.getByTestId('network-submit').click();
    await page.getByTestId('network-row').filter({ hasText: '198.18.0.0/24' }).waitFor();

    // Never scanned yet; "scan now" opens the scan form with the agency chosen.
    await page.getByTestId('agency-last-scan').getByText('Belum pernah dipindai.').waitFor();
    await page.getByTestId('agency-last-scan').getByRole('link', { name: 'Pindai sekarang' }).click();
    await page.getByRole('heading', { name: 'Pemindaian', exact: true }).waitFor();
    const form = page.getByTestId('scan-form');
    // The form's list of agencies arrives with its own request: read the choice once it is there.
    await form.getByLabel('Instansi/OPD').locator('option', { hasText: 'RSUD-LAB' }).waitFor({ state: 'attached' });
    assert.equal(await form.getByLabel('Instansi/OPD').locator('option:checked').textContent(), 'RSUD-LAB · RSUD Laboratorium');
    await form.getByLabel('Jaringan').locator('option', { hasText: '198.18.0.0/24' }).waitFor({ state: 'attached' });
    await form.getByLabel('Jaringan').selectOption({ label: '198.18.0.0/24 · LAN lab' });
    await form.getByRole('button', { name: 'Mulai pindai' }).click();
    await page.waitForURL(/\/scans\/[0-9a-f-]{36}$/);
    // Live: the progress bar moves before the job is done (the stream, not a reload).
    const status = page.getByTestId('scan-status');
    const seen = new Set<string>();
    const deadline = Date.now() + 180_000;
    let shotTaken = false;
    for (;;) {
      const s = (await status.first().getAttribute('data-status')) ?? '';
      seen.add(s);
      if (!shotTaken && (s === 'running' || s === 'queued')) {
        await shot(page, 'scan-running');
        shotTaken = true;
      }
      if (s === 'completed' || s === 'failed' || s === 'cancelled') break;
      assert.ok(Date.now() < deadline, `the scan did not finish within 180 s (states seen: ${[...seen].join(', ')})\n${log().slice(-3000)}`);
      await page.waitForTimeout(250);
    }
    assert.equal(await status.first().getAttribute('data-status'), 'completed', log().slice(-3000));
    assert.ok(seen.has('running') || seen.has('queued'), `the page showed the scan before it finished: ${[...seen].join(', ')}`);
    assert.equal(await page.getByRole('progressbar').getAttribute('aria-valuenow'), '100');

    // Results: every lab host that runs SMB is listed with its verdicts; the SMBv1 host says so, in Indonesian.
    const row = page.locator(`[data-testid="scan-host"][data-ip="${smb1.ip}"]`);
    await row.waitFor();
    const smbv1Card = row.locator('.check-card[data-check="smbv1"]');
    assert.equal(await smbv1Card.getAttribute('data-state'), 'vulnerable');
    assert.equal(await smbv1Card.locator('.check-title').textContent(), 'SMBv1 aktif');
    assert.match(await smbv1Card.locator('.reason').first().innerText(), /SMBv1 aktif/);
    for (const h of truth.hosts.filter((x) => x.ip.startsWith('198.18.0.') && /smb/.test(x.role))) {
      assert.equal(await page.locator(`[data-testid="scan-host"][data-ip="${h.ip}"]`).count(), 1, `${h.ip} (${h.role}) listed`);
    }
    await page.getByText('Ini pemindaian pertama jaringan ini').waitFor();
    await shot(page, 'scan-results', true);
    const smbAssets = await page.locator('[data-testid="scan-host"]').filter({ has: page.locator('.check-card[data-check="smbv1"]') }).locator('h3 a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    assert.ok(smbAssets.length >= 4, `the lab's SMB hosts have assets: ${smbAssets.join(', ')}`);

    // The asset with SMBv1.
    await row.getByRole('link', { name: smb1.ip }).click();
    await page.getByRole('heading', { name: smb1.ip }).waitFor();
    const smbv1Fact = page.locator('dl.facts > div').filter({ has: page.locator('dt', { hasText: /^SMBv1$/ }) }).locator('dd');
    assert.equal((await smbv1Fact.innerText()).trim(), 'Ya');
    const finding = page.locator('li[data-rule="smbv1"]').first();
    await finding.waitFor();

    // Switch the language, then acknowledge the SMBv1 finding in English.
    await page.getByTestId('user-menu').click();
    await page.locator('.menu button[data-lang="en"]').click();
    await page.getByRole('link', { name: 'Findings' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await finding.getByRole('button', { name: 'Acknowledge' }).click();
    await finding.getByText('Acknowledged by admin').waitFor();
    // …and assign it (to the only person who can work on it yet: the administrator).
    await finding.getByRole('button', { name: 'Assign' }).click();
    await finding.getByTestId('assign-form').getByLabel('Assigned to').selectOption({ label: 'Administrator (Admin)' });
    await finding.getByRole('button', { name: 'Save assignment' }).click();
    await finding.locator('dd.assignee').filter({ hasText: 'Administrator' }).waitFor();

    // Back to Indonesian: the dashboard shows the lab's exposure. (The menu stays open after a language
    // choice; the button toggles it.)
    if (!(await page.locator('.menu').isVisible())) await page.getByTestId('user-menu').click();
    await page.locator('.menu button[data-lang="id"]').click();
    await page.getByRole('link', { name: 'Dasbor' }).click();
    await page.getByRole('heading', { name: 'Dasbor kota' }).waitFor();
    const smbv1Tile = page.locator('[data-metric="smbv1"]');
    assert.equal(await smbv1Tile.locator('.tile-label').textContent(), 'SMBv1 aktif');
    const expectedSmbv1 = truth.hosts.filter((h) => h.ip.startsWith('198.18.0.') && /smb-v1/.test(h.role)).length;
    assert.equal(Number(await smbv1Tile.locator('.tile-value').textContent()), expectedSmbv1, 'SMBv1 hosts on the dashboard = the lab\'s SMBv1 hosts');
    await page.locator('tr[data-agency="RSUD-LAB"]').waitFor();
    await shot(page, 'dashboard-after-scan');

    // The lab's SMB hosts on a phone: every asset page fits the width and stays a few screens tall as it opens.
    await page.setViewportSize({ width: 375, height: 812 });
    for (const href of smbAssets) {
      await page.goto(`${base}${href}`);
      await page.getByTestId('asset-checks').locator('.check-card').first().waitFor();
      await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
      const o = await overflow(page);
      assert.ok(o.scrollWidth <= o.innerWidth + 1, `${href}: the page scrolls sideways on a phone; sticking out: ${o.culprits.join(', ')}`);
      const height = await page.evaluate<number>('document.documentElement.scrollHeight');
      console.log(`lab asset ${href} on a phone: ${height} px`);
      assert.ok(height < LAB_ASSET_MAX, `${href}: ${height} px tall on a phone`);
    }
    assert.deepEqual(problems, []);
  }, () => `\n  server log (tail): ${log().slice(-2000)}`);
});
