// Browser test of the inventory forms and the asset detail: Debian's Chromium driven by
// playwright-core against the real app (API + built SPA) on 127.0.0.1 (ephemeral port, temporary SQLite
// store with the API fixture's city and two stored scans of one Dinkes host). As admin, in Indonesian:
// add an agency, open it, register a network (a bad CIDR caught in the browser, an overlapping one
// refused by the API with its Indonesian message), add/edit/remove a contact, withdraw the network; open
// the scanned asset and read its ports, checks with evidence and history, and change its criticality and
// tags. A viewer sees none of the forms. How forms report problems: every field error at once next to its
// field, a filled but invalid code said to be invalid, names past their limit refused with a counter (never
// cut), stale banners cleared, the API's field errors (two bad scan targets) next to their field; the
// network guard rails' confirmation (10.0.0.0/8 asks an administrator why; an analyst is told to ask one);
// deep links with unknown filter values, and "not found" offering the way home. Screenshots:
// docs/screenshots/inventory-*.png and forms-*.png. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Observation } from '../../src/domain/observation.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD, recordScan, seedWorld } from '../api/fixture.js';
import { validateScanBrakes } from '../../src/domain/scan-brakes.js';
import type { World } from '../api/fixture.js';
import { asUser as inBrowserAs, launch, listen, overflow, prepareBrowser, shot } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-inv-'));
let store: Store;
let world: World;
let base: string;
let context: BrowserContext;
let assetId: string;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  // A small probe ceiling (1,000) so that a /24 on the eight ransomware ports (2,048) asks for a confirmation.
  world = await seedWorld(store, { scanBrakes: validateScanBrakes({ confirmProbes: 1000 }) });
  const d = world.data.dinkes;
  const ip = d.ips[0]!;
  assetId = d.assetIds[0]!;
  const host = { type: 'host', ip, state: 'up', reason: 'syn-ack', open: 2, closed: 0, filtered: 0, netbiosName: 'DINKES-PC0' } as Observation;
  await recordScan(store, d.agencyId, '198.18.1.0/24', [
    host,
    { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
    { type: 'port', ip, port: 3389, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'ms-wbt-server' },
    { type: 'check', ip, port: 445, check: 'smbv1', state: 'vulnerable', evidence: { dialect: 'NT LM 0.12' } },
  ]);
  await recordScan(store, d.agencyId, '198.18.1.0/24', [
    host,
    { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds', banner: 'Windows 7 Professional 7601 Service Pack 1' },
    { type: 'port', ip, port: 3389, proto: 'tcp', state: 'closed', reason: 'conn-refused' },
    { type: 'check', ip, port: 445, check: 'ms17-010', state: 'vulnerable', reason: 'STATUS_INSUFF_SERVER_RESOURCES', evidence: { status: '0xc0000205', fid: 0 } },
  ]);
  base = await listen(world.app);
  context = await launch(tmp, { width: 1280, height: 900 });
});

after(async () => {
  await context?.close();
  await world?.app.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** A fresh page without cookies, logged in as `username`; an uncaught page error fails it. */
const asUser = (username: string, body: (page: Page) => Promise<void>): Promise<void> => inBrowserAs(context, base, username, PASSWORD, body);

test('admin: add an agency, open it, register a network (bad and overlapping ones refused), manage a contact', () => asUser('admin', async (page) => {
  page.on('dialog', (d) => void d.accept());
  await page.getByRole('link', { name: 'Instansi/OPD' }).click();
  await page.getByRole('heading', { name: 'Instansi/OPD' }).waitFor();

  // The browser checks the code before asking the API: filled but invalid says so.
  await page.getByTestId('agency-code').fill('kode salah!');
  await page.getByTestId('agency-name').fill('Dinas Sosial');
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('error-code').filter({ hasText: 'Kode tidak valid' }).waitFor();

  await page.getByLabel('Kode').fill('dinsos');
  await page.getByLabel('Nama', { exact: true }).fill('Dinas Sosial');
  await page.getByLabel('Jenis').selectOption('opd');
  await page.getByLabel('Induk').selectOption({ label: 'Pemerintah Kota Contoh' });
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('agency-created').filter({ hasText: 'Instansi Dinas Sosial telah ditambahkan.' }).waitFor();
  const made = await store.agencies.getByCode('all', 'DINSOS');
  assert.equal(made.parentId, world.city.city.id);
  assert.ok((await store.audit.list({ action: 'agency.create' })).some((e) => e.targetId === made.id && e.outcome === 'success'));
  await page.getByRole('link', { name: 'Dinas Sosial' }).first().waitFor();
  await shot(page, 'inventory-agencies');

  // Open it from the list.
  await page.locator('table').getByRole('link', { name: 'Dinas Sosial' }).click();
  await page.getByRole('heading', { name: 'Dinas Sosial', level: 1 }).waitFor();

  // Network: a malformed CIDR is caught in the browser; an overlapping one is refused by the API in Indonesian.
  await page.getByTestId('network-cidr').fill('198.18.0.0/33');
  await page.getByTestId('network-submit').click();
  await page.getByTestId('error-cidr').filter({ hasText: 'Rentang alamat harus berupa blok CIDR' }).waitFor();
  await page.getByTestId('network-cidr').fill('198.18.1.0/25');
  await page.getByTestId('network-submit').click();
  // The API's refusal names the field: its message stands next to it.
  const overlap = page.getByTestId('error-cidr').filter({ hasText: 'tumpang tindih' });
  await overlap.waitFor();
  assert.equal(
    (await overlap.textContent())?.trim(),
    'Jaringan 198.18.1.0/25 tumpang tindih dengan 198.18.1.0/24 milik Dinas Kesehatan (DINKES); satu host tidak boleh diklaim dua instansi',
  );
  assert.equal((await store.networks.list('all', { agencyId: made.id })).length, 0, 'nothing registered on refusal');

  await page.getByLabel('Rentang alamat').fill('198.18.0.0/24');
  await page.getByLabel('Label', { exact: true }).fill('Kantor Dinsos');
  await page.getByTestId('network-submit').click();
  await page.getByTestId('network-row').filter({ hasText: '198.18.0.0/24' }).waitFor();
  const nets = await store.networks.list('all', { agencyId: made.id });
  assert.deepEqual(nets.map((n) => [n.cidr, n.label, n.authorisedBy]), [['198.18.0.0/24', 'Kantor Dinsos', 'admin']]);
  assert.ok(await page.getByTestId('network-row').filter({ hasText: 'admin' }).count() === 1, 'the authoriser is shown');

  // Contact: the browser wants a way to reach the person; then add, edit, remove.
  await page.getByTestId('contact-new-name').fill('Rina Kartika');
  await page.getByTestId('contact-new-submit').click();
  await page.getByTestId('error-email').filter({ hasText: 'Isi minimal satu dari surel, telepon, atau WhatsApp.' }).waitFor();
  await page.getByTestId('contact-new-role').selectOption('technical');
  await page.getByTestId('contact-new-email').fill('rina@dinsos.kota.go.id');
  await page.getByTestId('contact-new-phone').fill('0812-1111-2222');
  await page.getByTestId('contact-new-submit').click();
  const row = page.getByTestId('contact-row').filter({ hasText: 'Rina Kartika' });
  await row.waitFor();
  assert.match((await row.textContent()) ?? '', /Pengelola TI.*rina@dinsos\.kota\.go\.id.*\+6281211112222/);
  await shot(page, 'inventory-agency', true);
  await row.getByTestId('contact-edit').click();
  await page.getByTestId('contact-edit-name').fill('Rina K. (Pengelola TI)');
  await page.getByTestId('contact-edit-primary').check();
  await page.getByTestId('contact-edit-submit').click();
  const edited = page.getByTestId('contact-row').filter({ hasText: 'Rina K. (Pengelola TI)' });
  await edited.getByText('Utama').waitFor();
  const contacts = await store.contacts.list('all', { agencyId: made.id });
  assert.deepEqual(contacts.map((c) => [c.name, c.isPrimary, c.phone]), [['Rina K. (Pengelola TI)', true, '+6281211112222']]);
  await edited.getByTestId('contact-remove').click();
  await page.getByTestId('agency-contacts').getByText('Tidak ada data.').waitFor();
  assert.equal((await store.contacts.list('all', { agencyId: made.id })).length, 0);

  // Withdraw the network (the confirmation is accepted above); the audit keeps what was authorised.
  await page.getByTestId('network-row').filter({ hasText: '198.18.0.0/24' }).getByTestId('network-remove').click();
  await page.getByTestId('agency-networks').getByText('Tidak ada data.').waitFor();
  const removal = (await store.audit.list({ action: 'network.remove' }))[0];
  assert.equal((removal?.details as { cidr?: string } | null)?.cidr, '198.18.0.0/24');
}));

test('admin: the asset detail shows ports and services, checks with evidence and history; criticality and tags are edited', () => asUser('admin', async (page) => {
  await page.goto(`${base}/assets/${assetId}`);
  await page.getByRole('heading', { name: '198.18.1.10', level: 1 }).waitFor();

  const ports = page.getByTestId('asset-ports');
  await ports.getByRole('heading', { name: 'Port dan layanan' }).waitFor();
  await ports.getByTestId('port-row').first().waitFor();
  assert.deepEqual(await ports.getByTestId('port-row').allTextContents(), ['445microsoft-dsWindows 7 Professional 7601 Service Pack 1']);

  const checks = page.getByTestId('asset-checks');
  await checks.getByRole('heading', { name: 'Pemeriksaan dan bukti' }).waitFor();
  // Each check a card titled in Indonesian, its evidence folded until opened, then key/value.
  const ms = checks.locator('.check-card[data-check="ms17-010"]');
  assert.equal(await ms.locator('.check-title').textContent(), 'Pembaruan keamanan MS17-010 (EternalBlue) belum terpasang');
  assert.equal(await ms.locator('.check-head [data-verdict]').textContent(), 'Rentan');
  await ms.getByText('Bukti', { exact: true }).click();
  const status = ms.locator('.kv > div[data-key="status"]');
  assert.deepEqual([await status.locator('dt').textContent(), await status.locator('dd').textContent()], ['Kode status', '0xc0000205']);
  assert.equal(await checks.locator('.check-card[data-check="smbv1"] .check-head [data-verdict]').getAttribute('data-verdict'), 'vulnerable');

  const history = page.getByTestId('asset-history');
  await history.getByRole('heading', { name: 'Riwayat perubahan' }).waitFor();
  await history.getByTestId('history-item').first().waitFor();
  const lines = await history.getByTestId('history-item').allTextContents();
  assert.ok(lines.some((l) => l.includes('Port 3389 tertutup')), lines.join('\n'));
  // A first verdict is no change (the earlier scan has none to compare it with); the finding's event says it.
  assert.ok(!lines.some((l) => l.includes('Pembaruan keamanan MS17-010 (EternalBlue) belum terpasang (port 445): — → Rentan')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('Port 445 terbuka (microsoft-ds)')), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes('Temuan “Rentan MS17-010 (EternalBlue)” (terdeteksi)')), lines.join('\n'));

  // What scans cannot know: criticality, owner, tags; a bad tag is caught in the browser first.
  await page.getByTestId('asset-tags').fill('lantai 1, <b>');
  await page.getByTestId('asset-submit').click();
  await page.getByTestId('error-tags').filter({ hasText: 'Label hanya boleh berisi' }).waitFor();
  await page.getByLabel('Kekritisan').selectOption('vital');
  await page.getByLabel('Pemilik').fill('Bagian Umum');
  await page.getByTestId('asset-tags').fill('Lantai 1, pendaftaran');
  await page.getByTestId('asset-submit').click();
  await page.getByText('Tersimpan.').waitFor();
  assert.equal(await page.getByTestId('asset-criticality-value').textContent(), 'Vital (IIV)');
  const a = await store.assets.get('all', assetId);
  assert.deepEqual([a.criticality, a.owner, a.tags], ['vital', 'Bagian Umum', ['lantai 1', 'pendaftaran']]);
}));

test('viewer: reads the same pages without any form', () => asUser('pimpinan', async (page) => {
  await page.getByRole('link', { name: 'Instansi/OPD' }).click();
  await page.getByRole('heading', { name: 'Instansi/OPD' }).waitFor();
  assert.equal(await page.getByTestId('agency-form').count(), 0);
  await page.goto(`${base}/agencies/${world.city.dinkes.id}`);
  await page.getByRole('heading', { name: 'Dinas Kesehatan', level: 1 }).waitFor();
  await page.getByTestId('network-row').first().waitFor();
  assert.equal(await page.getByTestId('network-form').count(), 0);
  assert.equal(await page.getByTestId('contact-new-form').count(), 0);
  assert.equal(await page.getByTestId('contact-edit').count(), 0);
  assert.equal(await page.getByTestId('network-remove').count(), 0);
  await page.goto(`${base}/assets/${assetId}`);
  await page.getByTestId('asset-ports').getByTestId('port-row').first().waitFor();
  assert.equal(await page.getByTestId('asset-form').count(), 0);
}));

// ---- how forms report problems, and the network guard rails' confirmation (web/src/ui.tsx useSubmit) ----

/** Watch 4xx answers too: the ones a scenario provokes on purpose are listed in `expected`. */
const asWatchedUser = (username: string, body: (page: Page) => Promise<void>, expected: readonly RegExp[] = []): Promise<void> =>
  inBrowserAs(context, base, username, PASSWORD, body, { console: true, responses: true, expected });

test('a form shows every field error at once, next to its field; long names are refused, not cut; stale banners go', () => asWatchedUser('admin', async (page) => {
  await page.goto(`${base}/agencies`);
  await page.getByRole('heading', { name: 'Instansi/OPD' }).waitFor();
  // Two problems in one submission: both shown, each by its field.
  await page.getByTestId('agency-code').fill('kode salah!');
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('error-code').waitFor();
  assert.equal(await page.getByTestId('error-code').textContent(), 'Kode tidak valid: gunakan huruf, angka, titik, garis bawah, atau tanda hubung, diawali huruf atau angka (maks. 40 karakter).');
  assert.equal(await page.getByTestId('error-name').textContent(), 'Nama wajib diisi.');
  assert.equal(await page.getByTestId('agency-code').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('agency-name').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('form-problems').filter({ hasText: 'Periksa isian yang ditandai.' }).waitFor();
  await shot(page, 'forms-two-errors');

  // An empty code is "required"; fixing a field takes its error away, the other one stays.
  await page.getByTestId('agency-code').fill('');
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('error-code').filter({ hasText: 'Kode wajib diisi.' }).waitFor();
  await page.getByTestId('agency-code').fill('DISPORA');
  assert.equal(await page.getByTestId('error-code').count(), 0);
  assert.equal(await page.getByTestId('error-name').count(), 1);

  // A name past 200 characters: the input keeps all of it (no silent cut), the counter says so, the form refuses it.
  const long = 'Dinas Kepemudaan, Olahraga dan Pariwisata Kota '.repeat(6).trim();
  assert.ok(long.length > 200);
  await page.getByTestId('agency-name').fill(long);
  assert.equal((await page.getByTestId('agency-name').inputValue()).length, long.length, 'nothing cut');
  await page.locator('.counter.over').filter({ hasText: `Terlalu panjang: ${long.length} karakter, maksimal 200.` }).waitFor();
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('error-name').filter({ hasText: 'Terlalu panjang' }).waitFor();
  assert.equal((await store.agencies.list('all')).some((a) => a.code === 'DISPORA'), false);

  // Success, then a new edit: the old success banner goes; then an API refusal stands alone.
  await page.getByTestId('agency-name').fill('Dinas Pemuda dan Olahraga');
  await page.getByLabel('Induk').selectOption({ label: 'Pemerintah Kota Contoh' });
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('agency-created').filter({ hasText: 'Instansi Dinas Pemuda dan Olahraga telah ditambahkan.' }).waitFor();
  await page.getByTestId('agency-code').fill('DISPORA');
  assert.equal(await page.getByTestId('agency-created').count(), 0, 'the success banner went with the edit');
  await page.getByTestId('agency-name').fill('Dinas Pemuda Lagi');
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('error-code').filter({ hasText: 'Kode instansi DISPORA sudah dipakai oleh Dinas Pemuda dan Olahraga' }).waitFor();
  assert.equal(await page.getByTestId('agency-created').count(), 0, 'no success banner beside the refusal');
}, [/POST 409 \/api\/v1\/agencies$/]));

test('the API\'s field errors stand next to their field: two bad scan targets at once, in Indonesian', () => asWatchedUser('petugas.dinkes', async (page) => {
  await page.goto(`${base}/scans?agencyId=${world.data.dinkes.agencyId}`);
  const form = page.getByTestId('scan-form');
  await form.waitFor();
  await form.locator('[name=targets]').fill('localhost, 10.0.0.300');
  await form.getByRole('button', { name: 'Mulai' }).click();
  const err = page.getByTestId('error-targets');
  await err.waitFor();
  const text = (await err.textContent()) ?? '';
  assert.match(text, /"localhost" adalah nama host; pemindaian dari aplikasi hanya menerima alamat IP, rentang, atau blok CIDR/);
  assert.match(text, /"10\.0\.0\.300": setiap bagian alamat IPv4 bernilai 0–255/);
  assert.doesNotMatch(text, /\b(is|not|the|must)\b/);
  assert.equal(await form.locator('[name=targets]').getAttribute('aria-invalid'), 'true');
  // Outside the agency's networks: refused in Indonesian, next to the same field.
  await form.locator('[name=targets]').fill('198.18.3.10');
  await form.getByRole('button', { name: 'Mulai' }).click();
  await page.getByTestId('error-targets').filter({ hasText: 'Target 198.18.3.10 berada di luar jaringan yang terdaftar untuk DINKES' }).waitFor();
  await shot(page, 'forms-scan-targets');
}, [/POST 400 \/api\/v1\/scans$/]));

test('registering 10.0.0.0/8 asks an administrator why; the confirmation is stored and audited; an analyst is told to ask one', async () => {
  await asWatchedUser('analis', async (page) => {
    await page.goto(`${base}/agencies/${world.city.capil.id}`);
    await page.getByTestId('network-cidr').fill('10.0.0.0/8');
    await page.getByTestId('network-submit').click();
    const panel = page.getByTestId('network-confirm');
    await panel.waitFor();
    await panel.locator('[data-concern=large]').filter({ hasText: 'Blok ini lebih lebar dari /16 (16.777.216 alamat).' }).waitFor();
    await page.getByTestId('network-admin-only').filter({ hasText: 'Hanya administrator yang dapat mendaftarkan jaringan ini' }).waitFor();
    assert.equal(await page.getByTestId('network-confirm-reason').count(), 0, 'no reason asked of an analyst');
    assert.equal(await page.getByTestId('network-submit').isDisabled(), true);
  }, [/POST 403 \/api\/v1\/agencies\/[^/]+\/networks$/]);

  await asWatchedUser('admin', async (page) => {
    await page.goto(`${base}/agencies/${world.city.capil.id}`);
    await page.getByTestId('network-cidr').fill('10.0.0.0/8');
    await page.getByTestId('network-label').fill('LAN Disdukcapil');
    await page.getByTestId('network-submit').click();
    const panel = page.getByTestId('network-confirm');
    await panel.getByRole('heading', { name: 'Jaringan ini perlu konfirmasi administrator' }).waitFor();
    await panel.locator('[data-concern=large]').waitFor();
    await page.getByTestId('network-confirm-reason').waitFor();
    await shot(page, 'forms-network-confirm');
    // Too short a reason is refused in the browser.
    await page.getByTestId('network-confirm-reason').fill('ok');
    await page.getByRole('button', { name: 'Konfirmasi dan daftarkan' }).click();
    await page.getByTestId('error-confirmReason').filter({ hasText: 'Tulis alasan konfirmasi, minimal 10 karakter.' }).waitFor();
    const reason = 'Seluruh LAN Disdukcapil, nota dinas 045/12/2025';
    await page.getByTestId('network-confirm-reason').fill(reason);
    await page.getByRole('button', { name: 'Konfirmasi dan daftarkan' }).click();
    const row = page.getByTestId('network-row').filter({ hasText: '10.0.0.0/8' });
    await row.waitFor();
    await row.getByTestId('network-confirmation').filter({ hasText: `Dikonfirmasi oleh admin: ${reason}` }).waitFor();
    await page.getByTestId('network-added').filter({ hasText: 'Jaringan 10.0.0.0/8 telah didaftarkan.' }).waitFor();
    assert.equal(await page.getByTestId('network-confirm').count(), 0);
  }, [/POST 400 \/api\/v1\/agencies\/[^/]+\/networks$/]);

  const net = (await store.networks.list('all', { agencyId: world.city.capil.id })).find((n) => n.cidr === '10.0.0.0/8');
  assert.deepEqual([net?.confirmation?.by, net?.confirmation?.concerns], ['admin', ['large']]);
  const audit = (await store.audit.list({ action: 'network.confirm' }))[0];
  assert.equal(audit?.targetId, net?.id);
  assert.equal(audit?.actor, 'admin');
});

test('deep links: an unknown filter value shows no validation text; "not found" offers the way home, not a retry', () => asWatchedUser('admin', async (page) => {
  await page.goto(`${base}/findings?status=all&minSeverity=semua`);
  await page.getByRole('heading', { name: 'Temuan' }).waitFor();
  await page.locator('li.finding').first().waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  assert.equal(await page.locator('select[name=status]').inputValue(), 'open,resolved,accepted-risk,false-positive');
  await page.goto(`${base}/findings?status=bukan-status`);
  await page.locator('li.finding').first().waitFor();
  assert.equal(await page.locator('select[name=status]').inputValue(), 'open');
  assert.equal(await page.getByRole('alert').count(), 0);

  await page.goto(`${base}/agencies/tidak-ada`);
  const box = page.getByRole('alert').filter({ hasText: 'Data tidak ditemukan' });
  await box.waitFor();
  assert.equal(await box.getByRole('button', { name: 'Coba lagi' }).count(), 0, 'no retry for what does not exist');
  await box.getByTestId('go-home').click();
  await page.waitForURL(`${base}/`);

  await page.goto(`${base}/halaman-yang-tidak-ada`);
  await page.getByTestId('not-found').filter({ hasText: 'Halaman tidak ditemukan.' }).waitFor();
  await page.getByTestId('not-found').getByRole('link', { name: 'Kembali ke dasbor' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Coba lagi' }).count(), 0);
}, [/GET 404 \/api\/v1\/agencies\/tidak-ada$/]));

test('a scan larger than the probe ceiling asks an administrator to confirm it; an officer is told to ask one; at 375 px too', async () => {
  const dinkes = world.data.dinkes;
  const pickNetwork = async (page: Page) => {
    await page.goto(`${base}/scans?agencyId=${dinkes.agencyId}`);
    const form = page.getByTestId('scan-form');
    await form.locator('[name=networkId] option', { hasText: '198.18.1.0/24' }).waitFor({ state: 'attached' });
    await form.locator('[name=networkId]').selectOption({ label: '198.18.1.0/24' });
    await page.getByTestId('scan-submit').click();
    const panel = page.getByTestId('scan-confirm');
    await panel.getByRole('heading', { name: 'Pemindaian besar perlu konfirmasi administrator' }).waitFor();
    await panel.filter({ hasText: 'Pemindaian ini merencanakan 2.048 probe (alamat × port), melebihi batas 1.000.' }).waitFor();
  };
  await asWatchedUser('petugas.dinkes', async (page) => {
    await pickNetwork(page);
    await page.getByTestId('scan-admin-only').filter({ hasText: 'Hanya administrator yang dapat memulai pemindaian sebesar ini.' }).waitFor();
    assert.equal(await page.getByTestId('scan-confirm-large').count(), 0, 'no confirmation offered to an officer');
    assert.equal(await page.getByTestId('scan-submit').isDisabled(), true);
    // Narrower (one address): the question goes, and nobody is asked.
    await page.getByTestId('scan-form').locator('[name=targets]').fill(dinkes.ips[1]!);
    assert.equal(await page.getByTestId('scan-confirm').count(), 0);
  }, [/POST 403 \/api\/v1\/scans$/]);

  await asWatchedUser('admin', async (page) => {
    await page.setViewportSize({ width: 375, height: 812 });
    await pickNetwork(page);
    await page.getByTestId('scan-submit').filter({ hasText: 'Konfirmasi dan mulai pindai' }).click();
    await page.getByTestId('error-confirmLargeScan').filter({ hasText: 'Centang konfirmasi untuk memulai pemindaian besar ini.' }).waitFor();
    const o = await overflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth + 1, `the scan form scrolls sideways at 375 px (${o.scrollWidth}): ${o.culprits.join(', ')}`);
    await shot(page, 'forms-scan-large');
    await page.getByTestId('scan-confirm-large').check();
    await page.getByTestId('scan-submit').click();
    await page.waitForURL(/\/scans\/[^/?]+$/);
    const id = decodeURIComponent(page.url().split('/').pop()!);
    assert.equal((await store.scans.getJob('all', id)).planned, 2048);
    const audit = (await store.audit.list({ action: 'scan.start' })).find((a) => a.targetId === id);
    assert.deepEqual([audit?.actor, audit?.details?.['confirmLargeScan']], ['admin', true]);
  }, [/POST 400 \/api\/v1\/scans$/]);
});
