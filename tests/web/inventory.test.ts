// Browser test of the inventory forms and the asset detail (issue 5): Debian's Chromium driven by
// playwright-core against the real app (API + built SPA) on 127.0.0.1 (ephemeral port, temporary SQLite
// store with the API fixture's city and two stored scans of one Dinkes host). As admin, in Indonesian:
// add an agency, open it, register a network (a bad CIDR caught in the browser, an overlapping one
// refused by the API with its Indonesian message), add/edit/remove a contact, withdraw the network; open
// the scanned asset and read its ports, checks with evidence and history, and change its criticality and
// tags. A viewer sees none of the forms. Screenshots: docs/screenshots/inventory-*.png. Chromium missing
// is a failure, never a skip.

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
import type { World } from '../api/fixture.js';
import { asUser as inBrowserAs, launch, listen, prepareBrowser, shot } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-inv-'));
let store: Store;
let world: World;
let base: string;
let context: BrowserContext;
let assetId: string;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
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

  // The browser checks the code before asking the API.
  await page.getByTestId('agency-code').fill('kode salah!');
  await page.getByTestId('agency-name').fill('Dinas Sosial');
  await page.getByTestId('agency-submit').click();
  await page.getByTestId('form-problem').filter({ hasText: 'Kode wajib diisi' }).waitFor();

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
  await page.getByTestId('form-problem').filter({ hasText: 'Rentang alamat harus berupa blok CIDR' }).waitFor();
  await page.getByTestId('network-cidr').fill('198.18.1.0/25');
  await page.getByTestId('network-submit').click();
  const overlap = page.getByTestId('network-error').getByRole('alert');
  await overlap.waitFor();
  assert.equal(
    (await overlap.locator('span').first().textContent())?.trim(),
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
  await page.getByTestId('form-problem').filter({ hasText: 'Isi minimal satu dari surel, telepon, atau WhatsApp.' }).waitFor();
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
  await page.getByTestId('form-problem').filter({ hasText: 'Label hanya boleh berisi' }).waitFor();
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
