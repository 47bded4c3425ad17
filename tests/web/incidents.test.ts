// Browser test of the incident pages (docs/incidents.md): Debian's Chromium driven by playwright-core
// against the real app on 127.0.0.1 (ephemeral port, its own SQLite store, the real proof of work).
// A clerk reports at 375×812 in Indonesian through the public form with a photo (a real JPEG drawn by
// the browser's canvas), gets the reference, the secret status link and the card; the office triages the
// report at 1366×768 into an incident, classifies it, moves it through the phases, ticks playbook steps
// and writes to the reporter; the status page shows the message and the stage. The public page's first
// load is weighed and timed on an emulated Slow 3G link. Screenshots: docs/screenshots/lapor-*.png,
// incident-*.png, playbook-editor.png. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { launch, listen, overflow, prepareBrowser, scenario, shot, watchProblems } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-web-incidents-'));
let store: Store;
let world: World;
let base: string;
let phone: BrowserContext;
let office: BrowserContext;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  // The real proof of work (DEFAULT_POW): the browser solves it as a phone would.
  world = await seedWorld(store, { incidents: { dataDir: join(tmp, 'data') } });
  base = await listen(world.app);
  phone = await launch(join(tmp, 'phone'), { width: 375, height: 812 });
  office = await launch(join(tmp, 'office'), { width: 1366, height: 768 });
});

after(async () => {
  await phone?.close();
  await office?.close();
  await world?.app.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A real JPEG: drawn on a canvas by the browser and encoded by its own encoder. */
async function browserJpeg(page: Page): Promise<Buffer> {
  const b64 = await page.evaluate<string>(`(async () => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 48;
    const g = c.getContext('2d'); g.fillStyle = '#b3261e'; g.fillRect(0, 0, 64, 48); g.fillStyle = '#fff'; g.fillRect(8, 8, 48, 8);
    const blob = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.8));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = ''; for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  })()`);
  return Buffer.from(b64, 'base64');
}

let statusPath = '';
let reference = '';

test('public form at 375×812 in Indonesian: a clerk reports with a photo and gets the reference, the status link and the card', () => scenario(phone, async (page) => {
  const problems = watchProblems(page, { console: true, responses: true });
  await page.goto(`${base}/lapor`);
  await page.getByRole('heading', { name: 'Laporkan gangguan komputer' }).waitFor();
  const jpeg = await browserJpeg(page);
  assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'the canvas made a JPEG');
  const photo = join(tmp, 'layar-loket.jpg');
  writeFileSync(photo, jpeg);

  // Submitting empty: the browser's own checks, in Indonesian, next to their fields.
  const form = page.getByTestId('report-form');
  await page.getByTestId('pow-done').waitFor({ timeout: 60_000 });
  await page.getByTestId('report-submit').click();
  await page.getByTestId('error-unitCode').filter({ hasText: 'Pilih unit Anda.' }).waitFor();
  await page.getByTestId('error-symptoms').filter({ hasText: 'Pilih minimal satu hal' }).waitFor();

  await form.locator('select[name=unitCode]').selectOption({ label: 'RSUD Kota — Dinas Kesehatan' });
  await form.getByLabel('Layar berisi pesan tebusan').check();
  await form.getByLabel('Nama file berubah aneh').check();
  await form.getByLabel('2–5').check();
  await form.getByLabel('Pendaftaran/loket').check();
  await form.getByLabel('Rekam medis').check();
  await form.locator('input[name=manualFallback][value=yes]').check();
  await form.getByLabel('Kabel jaringan sudah dicabut').check();
  await form.getByLabel('Layar sudah difoto').check();
  await form.locator('input[name=location]').fill('PC loket 2, ruang pendaftaran');
  await form.locator('textarea[name=description]').fill('Muncul layar merah minta bayar bitcoin, file pasien tidak bisa dibuka.');
  await form.locator('input[name=photos]').setInputFiles(photo);
  await form.locator('input[name=reporterName]').fill('Siti Rahayu');
  await form.locator('input[name=reporterWhatsapp]').fill('0812-3456-7890');
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth, `no sideways scroll on the phone: ${JSON.stringify(o)}`);
  await shot(page, 'lapor-phone', true);
  await page.getByTestId('report-submit').click();

  await page.getByTestId('report-sent').waitFor();
  reference = (await page.getByTestId('report-reference').innerText()).trim();
  assert.match(reference, /^[A-Z0-9-]{8,}$/);
  statusPath = (await page.getByTestId('status-link').getAttribute('href')) ?? '';
  assert.match(statusPath, /^\/lapor\/status#[A-Za-z0-9_-]{43}$/);
  await page.getByTestId('photo-upload').filter({ hasText: '1 foto terkirim.' }).waitFor();
  // The card of the clerk: the WannaCry screen branch applies (unplug, do not switch off).
  const card = page.getByTestId('role-card');
  await card.getByRole('heading', { name: 'Yang harus Anda lakukan sekarang' }).waitFor();
  assert.ok(await card.locator('[data-applies=yes]').count() >= 1, 'the branch the symptoms select is marked');
  await card.locator('[data-applies=yes]').first().filter({ hasText: 'Sesuai laporan Anda' }).waitFor();
  const stored = await store.incidentReports.list('all', { status: 'new', limit: 10 });
  const mine = stored.items.find((r) => r.reference === reference);
  assert.ok(mine, 'the report is stored');
  assert.equal(await store.incidentReports.photoCount(mine.id), 1, 'the photo is stored with the report');
  assert.deepEqual(problems, []);
}));
