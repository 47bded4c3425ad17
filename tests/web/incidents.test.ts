// Browser test of the incident pages (docs/incidents.md): Debian's Chromium driven by playwright-core
// against the real app on 127.0.0.1 (ephemeral port, its own SQLite store, the real proof of work).
// A clerk reports at 375×812 in Indonesian through the public form with a photo (a real JPEG drawn by
// the browser's canvas), gets the reference, the secret status link and the card; the office triages the
// report at 1366×768 into an incident, classifies it, links the lab's DoublePulsar host (lab/README.md,
// found in the lab's ground truth), ticks playbook steps, starts the scan step — which the real worker
// then runs against the lab, and whose result and DoublePulsar finding the incident page shows — writes to
// the reporter, moves the phases and closes it; the status page follows each change, and the final BSSN
// report PDF is read back with the four mandatory parts (Peraturan BSSN 1/2024 Pasal 15(4)). The public
// page's first load is weighed and timed on an emulated Slow 3G link. Screenshots: docs/screenshots/lapor-*.png,
// incident-*.png, playbook-editor.png. Chromium or the lab missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { pdfText } from '../../src/io/pdf/fixtures.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { requireLab } from '../lab/lab.js';
import type { LabHost } from '../lab/lab.js';
import { runInProcess } from '../monitoring/helpers.js';
import { AUTH } from '../store/fixtures.js';
import { asUser, launch, listen, overflow, prepareBrowser, scenario, shot, watchProblems } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-web-incidents-'));
const dbUrl = `sqlite://${join(tmp, 'perisai.db')}`;
let store: Store;
/** The lab's DoublePulsar-implanted host (ground truth: smb.doublepulsar.infected). */
let implanted: LabHost;
let world: World;
let base: string;
let phone: BrowserContext;
let office: BrowserContext;

before(async () => {
  prepareBrowser();
  const truth = requireLab();
  const dp = truth.hosts.find((h) => (h.smb?.['doublepulsar'] as { infected?: boolean } | undefined)?.infected === true);
  assert.ok(dp !== undefined, 'the lab has a DoublePulsar-implanted host');
  implanted = dp;
  store = await createStore({ url: dbUrl });
  // The real proof of work (DEFAULT_POW): the browser solves it as a phone would.
  world = await seedWorld(store, { incidents: { dataDir: join(tmp, 'data') } });
  // RSUD also owns the lab's implanted host, and the city's routine monitoring already has it in the
  // inventory: a ports-only scan by the real worker (no SMB checks, so no DoublePulsar finding yet —
  // that is for the incident's scan step to find).
  await store.networks.add('all', { agencyId: world.city.rsud.id, cidr: `${dp.ip}/32`, ...AUTH });
  const seen = await createScanJob(store, 'all', { agencyId: world.city.rsud.id, targets: [dp.ip], ports: [445], profile: 'ports', vantage: 'internal', requestedBy: 'pemantauan' });
  await runInProcess(store, dbUrl, seen.id, { timeoutMs: 1000, sliceSlots: 4096 });
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

/** The office: logged in at 1366×768; page errors, console errors and failed requests fail the scenario. */
function asOffice(username: string, body: (page: Page) => Promise<void>, expected: RegExp[] = []): Promise<void> {
  return asUser(office, base, username, PASSWORD, body, { console: true, responses: true, expected });
}

let incidentPath = '';

test('office at 1366×768: the CSIRT triages the report into an incident, classifies it, links the asset, ticks steps, starts the scan step, writes to the reporter, moves the phases', () => asOffice('analis', async (page) => {
  assert.ok(reference !== '', 'the public form test ran first');
  await page.locator('nav').getByRole('link', { name: 'Insiden' }).click();
  await page.getByRole('heading', { name: 'Insiden', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'Antrean laporan' }).click();
  const queue = page.getByTestId('report-queue');
  await queue.getByRole('link', { name: reference }).click();
  await page.getByRole('heading', { name: `Laporan ${reference}` }).waitFor();
  await page.getByTestId('photos').locator('img').first().waitFor();
  assert.ok(await page.getByTestId('photos').locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth) === 64, 'the stored photo is served and decodes');
  // An empty rejection is refused by the form itself, in Indonesian.
  await page.getByTestId('triage-reject').getByRole('button', { name: 'Tolak' }).click();
  await page.getByTestId('triage-reject').getByText('Tuliskan alasannya.').waitFor();
  await shot(page, 'incident-triage', true);

  await page.getByTestId('triage-open').locator('input[name=title]').fill('Ransomware di loket pendaftaran RSUD');
  await page.getByRole('button', { name: 'Buka insiden dari laporan ini' }).click();
  await page.getByTestId('incident-page').waitFor();
  incidentPath = new URL(page.url()).pathname;
  assert.match(incidentPath, /^\/incidents\/[\w-]+$/);
  await page.getByTestId('incident-phase').waitFor();

  // Classify: ransomware, critical, vital (health): the BSSN 1×24 h clock starts and the WannaCry playbook attaches.
  const cls = page.getByTestId('classify-form');
  await cls.locator('select[name=classification]').selectOption({ label: 'Kode berbahaya: ransomware' });
  await cls.locator('select[name=severity]').selectOption({ label: 'Kritis' });
  await cls.locator('select[name=riskLevel]').selectOption({ label: 'Tinggi' });
  await cls.locator('input[name=vital]').check();
  await cls.locator('select[name=sector]').selectOption({ label: 'Kesehatan' });
  await cls.getByRole('button', { name: 'Simpan' }).click();
  await page.getByTestId('incident-phase').filter({ hasText: 'Sudah dipilah' }).waitFor();
  await page.getByTestId('incident-clocks').locator('[data-clock=bssn-report]').waitFor();
  const run = page.locator('[data-run=ransomware-wannacry]');
  await run.waitFor();

  // Link the lab's implanted RSUD computer by its address: it is in the inventory, no DoublePulsar finding yet.
  const assets = page.getByTestId('incident-assets');
  const dpRow = assets.locator(`tr[data-ip="${implanted.ip}"]`);
  await assets.locator('input[name=asset]').fill(implanted.ip);
  await assets.getByRole('button', { name: 'Tautkan aset' }).click();
  await dpRow.waitFor();
  assert.equal(await dpRow.getByText('Implan DoublePulsar terdeteksi').count(), 0, 'before the scan step, no DoublePulsar finding');

  // Steps: the CSIRT's triage step with a note, then the scan step starts a ransomware-profile scan job.
  const triageStep = run.locator('[data-step=csirt-triage]');
  await triageStep.locator('input').fill('Laporan diverifikasi lewat telepon ke IT RSUD');
  await triageStep.getByTestId('step-tick').click();
  await run.locator('[data-step=csirt-triage][data-status=done]').waitFor();
  await run.locator('[data-step=csirt-scan][data-status=ready]').getByTestId('step-scan-start').click();
  const scanLink = run.locator('[data-step=csirt-scan][data-status=done]').getByTestId('step-scan');
  await scanLink.waitFor();
  // The app under test has no worker: the real one runs the queued job here, against the lab (the
  // agency's networks: the implanted host and RSUD's own 198.18.2.0/24, unrouted in the lab).
  const jobId = ((await scanLink.locator('a').getAttribute('href')) ?? '').replace(/^\/scans\//, '');
  const job = await store.scans.getJob('all', jobId);
  assert.equal(job.profile, 'ransomware');
  assert.ok(job.targets.some((t) => t === `${implanted.ip}/32` || t === implanted.ip), `the scan covers the implanted host: ${job.targets.join(', ')}`);
  const t0 = Date.now();
  await runInProcess(store, dbUrl, jobId, { timeoutMs: 1000, sliceSlots: 4096 });
  console.log(`[incident scan step] ${job.targets.join(', ')} scanned by the worker in ${Date.now() - t0} ms`);
  // The page, reloaded: the step's scan is complete with its result on the timeline; the linked host
  // shows the DoublePulsar (and MS17-010) findings the lab's ground truth expects, linked to the incident.
  await page.reload();
  await page.getByTestId('incident-page').waitFor();
  await scanLink.filter({ hasText: 'Selesai · hasil tercatat di linimasa' }).waitFor();
  await dpRow.getByText('Implan DoublePulsar terdeteksi').first().waitFor();
  assert.deepEqual(implanted.smb?.['expected'], { smb1: 'enabled', ms17_010: 'vulnerable', doublepulsar: 'detected' }, 'the lab\'s ground truth for the implanted host');
  await dpRow.getByText(/MS17-010/).first().waitFor();
  const timeline = page.getByTestId('incident-timeline');
  // The result counts the open DoublePulsar findings: here those of the implanted host (one per SMB port it answered on).
  const implants = await dpRow.getByText('Implan DoublePulsar terdeteksi').count();
  await timeline.locator('[data-kind=scan-result]').filter({ hasText: new RegExp(`DoublePulsar ${implants}\\b`) }).waitFor();
  await timeline.locator('[data-kind=finding-linked]').first().waitFor();
  await dpRow.scrollIntoViewIfNeeded();
  await shot(page, 'incident-scan-result');
  await run.locator('[data-step=csirt-contain]').getByTestId('step-tick').click();
  await run.locator('[data-step=csirt-contain][data-status=done]').waitFor();

  // A message to the reporter, shown on the status link.
  const msg = page.getByTestId('message-form');
  await msg.locator('textarea[name=text]').fill('Terima kasih, Bu Siti. Tim CSIRT sedang menuju RSUD. Jangan nyalakan komputer itu.');
  await msg.getByRole('button', { name: 'Kirim pesan' }).click();
  await msg.getByText('Pesan terkirim ke halaman status pelapor.').waitFor();

  // Phases by the table: containment → eradication → recovery.
  for (const [to, label] of [['containment', 'Penahanan'], ['eradication', 'Pemberantasan'], ['recovery', 'Pemulihan']] as const) {
    await page.getByTestId('phase-form').locator(`button[data-to=${to}]`).click();
    await page.getByTestId('incident-phase').filter({ hasText: label }).waitFor();
  }
  await page.getByTestId('incident-timeline').locator('[data-kind=phase-changed]').first().waitFor();
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth, `no sideways scroll: ${JSON.stringify(o)}`);
  await shot(page, 'incident-page', true);
  // The documents and the role's printable step card: PDFs as the routes serve them, in the UI's language.
  for (const link of [page.getByTestId('incident-documents').locator('[data-doc=initial] a').first(), run.locator('[data-role=city-csirt]').getByTestId('role-card-pdf')]) {
    const href = (await link.getAttribute('href'))!;
    assert.match(href, /\.pdf\?.*lang=id/);
    const r = await page.request.get(`${base}${href}`);
    assert.equal(r.status(), 200, href);
    assert.equal(r.headers()['content-type'], 'application/pdf', href);
    assert.equal((await r.body()).subarray(0, 5).toString('latin1'), '%PDF-', href);
  }
}));

test('the reporter\'s status page at 375×812 shows the responder\'s message and the stage, and takes a message back', () => scenario(phone, async (page) => {
  assert.ok(statusPath !== '', 'the public form test ran first');
  const problems = watchProblems(page, { console: true, responses: true });
  await page.goto(`${base}${statusPath}`);
  await page.getByTestId('status-page').waitFor();
  await page.getByTestId('status-reference').filter({ hasText: reference }).waitFor();
  await page.getByTestId('status-state').filter({ hasText: 'Sedang ditangani' }).waitFor();
  await page.getByTestId('status-phase').filter({ hasText: 'Pemulihan' }).waitFor();
  await page.getByTestId('status-messages').getByText('Tim CSIRT sedang menuju RSUD').waitFor();
  const form = page.getByTestId('status-message-form');
  await form.locator('textarea[name=text]').fill('Baik, komputer sudah dicabut kabelnya dan tidak dinyalakan.');
  await form.getByRole('button', { name: 'Kirim pesan' }).click();
  await page.getByTestId('status-messages').getByText('komputer sudah dicabut kabelnya').waitFor();
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth, `no sideways scroll on the phone: ${JSON.stringify(o)}`);
  await shot(page, 'lapor-status-phone', true);
  // A guessed link shows nothing about any report.
  await page.goto(`${base}/lapor/status#${'A'.repeat(43)}`);
  await page.getByTestId('status-error').filter({ hasText: 'Tautan status ini tidak dikenal atau sudah kedaluwarsa.' }).waitFor();
  assert.deepEqual(problems.filter((p) => !/GET 404 \/api\/v1\/public\/report-status$/.test(p)), []);
}));

test('office: the incident is declared over against the criteria; the status page says so', async () => {
  await asOffice('analis', async (page) => {
    await page.goto(`${base}${incidentPath}`);
    await page.getByTestId('incident-page').waitFor();
    await page.getByTestId('close-open').click();
    const form = page.getByTestId('close-form');
    // Without answers the form says what is missing.
    await form.getByRole('button', { name: 'Nyatakan selesai' }).click();
    await form.getByText('Jawab setiap kriteria.').waitFor();
    await form.locator('input[name=declaredBy]').fill('Rina Kusuma');
    await form.locator('input[name=position]').fill('Kepala Bidang Persandian Diskominfo');
    for (const c of ['rescan-clean', 'hosts-rebuilt', 'credentials-reset', 'data-restored', 'services-restored', 'reports-filed']) {
      await form.locator(`select[name=criterion-${c}]`).selectOption({ label: 'Terpenuhi' });
    }
    await form.locator('textarea[name=lessons]').fill('Port 445 antar-OPD harus diblokir sejak awal; cadangan luring di RSUD menyelamatkan data.');
    await form.getByRole('button', { name: 'Nyatakan selesai' }).click();
    await page.getByTestId('incident-phase').filter({ hasText: 'Selesai' }).waitFor();
    await page.getByTestId('closure').getByText('Rina Kusuma').waitFor();
    // The final BSSN report, as the page links it, read back: the four parts Peraturan BSSN 1/2024
    // Pasal 15(4) requires, each present, and the implant the scan step found.
    const href = (await page.getByTestId('incident-documents').locator('[data-doc=final] a').first().getAttribute('href'))!;
    assert.match(href, /bssn-report\.pdf\?type=final&lang=id$/);
    const r = await page.request.get(`${base}${href}`);
    assert.equal(r.status(), 200, href);
    assert.equal(r.headers()['content-type'], 'application/pdf');
    const text = pdfText(await r.body());
    for (const part of ['Laporan akhir', 'A. Informasi kontak pelapor', 'B. Deskripsi insiden siber', 'C. Kronologi insiden siber', 'D. Dampak serangan', 'doublepulsar']) assert.ok(text.includes(part), `BSSN PDF: missing ${part}`);
    assert.equal((text.match(/✓ ada/g) ?? []).length, 4, 'each mandatory part marked present');
  });
  await scenario(phone, async (page) => {
    await page.goto(`${base}${statusPath}`);
    await page.getByTestId('status-phase').filter({ hasText: 'Selesai' }).waitFor();
  });
});

test('playbook editor at 1366×768: the WannaCry playbook as form fields, a bad step refused by the form, saved as version 2', () => asOffice('analis', async (page) => {
  await page.goto(`${base}/playbooks`);
  await page.getByTestId('playbook-list').getByRole('link').first().click();
  const editor = page.getByTestId('playbook-editor');
  await editor.waitFor();
  assert.equal(await editor.locator('textarea').filter({ hasText: '{' }).count(), 0, 'no raw JSON text box');
  assert.ok(await editor.locator('.edit-step').count() >= 20, 'every step is a set of fields');
  await page.getByTestId('add-step').click();
  const last = editor.locator('.edit-step').last();
  await last.locator('input[name$=".id"]').first().fill('Langkah Baru!');
  await page.getByTestId('playbook-save').click();
  await last.getByText('Kode langkah: huruf kecil, angka dan tanda hubung.').waitFor();
  await last.locator('input[name$=".id"]').first().fill('csirt-lessons-briefing');
  await last.locator('select[name$=".role"]').selectOption({ label: 'CSIRT kota (Diskominfo)' });
  await last.locator('input[name$=".title.id"]').fill('Paparkan pelajaran ke semua OPD');
  await last.locator('input[name$=".title.en"]').fill('Brief every agency on the lessons');
  await page.getByTestId('playbook-save').click();
  await page.getByTestId('playbook-saved').filter({ hasText: 'versi 2' }).waitFor();
  const saved = (await store.playbooks.list()).find((p) => p.key === 'ransomware-wannacry');
  assert.equal(saved?.version, 2);
  assert.ok(saved.definition.steps.some((s) => s.id === 'csirt-lessons-briefing' && s.role === 'city-csirt'));
  await editor.locator('.edit-step').first().scrollIntoViewIfNeeded();
  await shot(page, 'playbook-editor');
}));

/**
 * The public form's first load on a cold cache: the bytes Chromium actually fetched (every response,
 * encoded, headers included, as the DevTools protocol counts them) and, on an emulated Slow 3G link
 * (400 kbit/s both ways, 400 ms round trip: the DevTools preset), the time until the form can be used
 * (units listed) and until the proof of work is solved (the send button enabled). Recorded in
 * docs/incidents.md "Public pages: weight and speed".
 */
test('public form first load: < 150 kB fetched; usable within 3 s on Slow 3G', async () => {
  // /lapor and everything below it answer the public page, revalidated like index.html (src/api/static.ts).
  for (const path of ['/lapor', '/lapor/status', '/lapor?unit=RSUD']) {
    const r = await fetch(`${base}${path}`);
    assert.equal(r.status, 200, path);
    assert.equal(r.headers.get('cache-control'), 'no-cache', path);
    assert.match(await r.text(), /<title>Lapor · Perisai<\/title>/, path);
  }
  const cold = await launch(join(tmp, 'cold'), { width: 375, height: 812 });
  try {
    const page = await cold.newPage();
    const cdp = await cold.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: (400 * 1000) / 8, uploadThroughput: (400 * 1000) / 8 });
    const bytes = new Map<string, number>();
    const urls = new Map<string, string>();
    cdp.on('Network.requestWillBeSent', (e: { requestId: string; request: { url: string } }) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => bytes.set(e.requestId, e.encodedDataLength));
    // A worker's own fetches are not the page's (the DevTools protocol reports them on the worker's target).
    const workers: string[] = [];
    page.on('worker', (w) => workers.push(w.url()));
    page.on('requestfinished', (r) => {
      if (!workers.includes(r.url())) return;
      void r.sizes().then((z) => bytes.set(`worker ${r.url()}`, z.responseHeadersSize + z.responseBodySize), () => {});
    });
    const t0 = Date.now();
    await page.goto(`${base}/lapor`, { waitUntil: 'commit' });
    await page.locator('select[name=unitCode] option').nth(1).waitFor({ state: 'attached', timeout: 30_000 });
    const usable = Date.now() - t0;
    await page.getByTestId('pow-done').waitFor({ timeout: 60_000 });
    const solved = Date.now() - t0;
    const total = [...bytes.values()].reduce((a, b) => a + b, 0);
    const list = [...bytes.entries()].map(([id, n]) => `${new URL(urls.get(id) ?? id.replace(/^worker /, '')).pathname} ${n}`);
    console.log(`[lapor first load] ${total} B fetched in ${bytes.size} responses (${list.join(', ')}); Slow 3G: usable after ${usable} ms, proof of work solved after ${solved} ms`);
    assert.ok(total < 150_000, `first load ${total} B: ${list.join(', ')}`);
    assert.ok(!list.some((x) => /\/assets\/index-/.test(x)), `the office UI's bundle is not loaded: ${list.join(', ')}`);
    assert.ok(workers.some((x) => /\/assets\/pow\.worker-/.test(x)), `the proof of work runs in a worker, off the page's thread: ${workers.join(', ')}`);
    assert.ok(usable < 3000, `usable after ${usable} ms on Slow 3G`);
  } finally {
    await cold.close();
  }
});
