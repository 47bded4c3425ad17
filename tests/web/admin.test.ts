// Browser test of the admin pages of the web application: Debian's Chromium driven by playwright-core
// against the real app on 127.0.0.1 (ephemeral port, its own temporary SQLite store). As an
// administrator: create a user (after a client-side and an API refusal), create a schedule (a
// malformed cron refused by the form, an impossible one by the API, both in Indonesian), disable and
// delete it, add a signed webhook channel whose secret is never displayed, send it a test (to a
// receiver this file starts), add a rule. As an officer: no admin navigation, schedules read-only.
// Screenshots: docs/screenshots/admin-*.png. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { signBody } from '../../src/alerts/index.js';
import { addSchedule } from '../../src/scheduler/scheduler.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { startHttp } from '../alerts/receivers.js';
import type { HttpReceiver } from '../alerts/receivers.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser, launch, listen, prepareBrowser, shot } from './browser.js';

const SECRET = 'rahasia-hmac-peramban-7781';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-web-admin-'));
let store: Store;
let world: World;
let base: string;
let context: BrowserContext;
let hook: HttpReceiver;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  hook = await startHttp();
  base = await listen(world.app);
  context = await launch(tmp, { width: 1280, height: 900 });
});

after(async () => {
  await context?.close();
  await world?.app.close();
  await hook?.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * A fresh page without cookies, logged in as `username`; page errors, console errors and failed requests
 * (other than `expectedFailures`, as "METHOD status /path") fail it.
 */
function as(username: string, body: (page: Page, problems: string[]) => Promise<void>, expectedFailures: RegExp[] = []): Promise<void> {
  return asUser(context, base, username, PASSWORD, body, { console: true, responses: true, expected: expectedFailures });
}

test('admin: create a user, a schedule, a webhook channel (secret never shown) and a rule', () => as('admin', async (page) => {
  page.on('dialog', (d) => void d.accept());
  const nav = page.locator('nav');
  for (const name of ['Jadwal', 'Peringatan', 'Pengguna']) await nav.getByRole('link', { name }).waitFor();

  // Users: the form's own check, the API's refusal (translated), then a new officer of RSUD.
  await nav.getByRole('link', { name: 'Pengguna' }).click();
  await page.getByRole('heading', { name: 'Pengguna', level: 1 }).waitFor();
  const userForm = page.getByTestId('user-form');
  await userForm.locator('[name=username]').fill('petugas.rsud');
  await userForm.locator('[name=displayName]').fill('Petugas RSUD');
  await userForm.locator('[name=role]').selectOption('officer');
  await userForm.locator('[name=agencyId]').selectOption({ label: 'RSUD Kota' });
  await userForm.locator('[name=password]').fill('pendek');
  await userForm.getByRole('button', { name: 'Buat pengguna' }).click();
  await userForm.getByRole('alert').filter({ hasText: 'Kata sandi harus 12–128 karakter.' }).waitFor();
  await userForm.locator('[name=password]').fill('Petugas.RSUD-sandi-awal');
  await userForm.getByRole('button', { name: 'Buat pengguna' }).click();
  await userForm.getByRole('alert').filter({ hasText: 'Kata sandi tidak boleh memuat nama pengguna.' }).waitFor();
  // A name already taken: only the API knows; its message is shown in Indonesian.
  await userForm.locator('[name=username]').fill('analis');
  await userForm.locator('[name=password]').fill('sandi-awal-yang-panjang-42');
  await userForm.getByRole('button', { name: 'Buat pengguna' }).click();
  await userForm.getByRole('alert').filter({ hasText: 'Nama pengguna "analis" sudah dipakai' }).waitFor();
  await userForm.locator('[name=username]').fill('petugas.rsud');
  await userForm.getByRole('button', { name: 'Buat pengguna' }).click();
  const row = page.locator('tr[data-user="petugas.rsud"]');
  await row.waitFor();
  assert.match(await row.innerText(), /Petugas RSUD\s+Petugas instansi\s+RSUD Kota\s+Aktif · harus ganti kata sandi/);
  const created = (await store.users.list()).find((u) => u.username === 'petugas.rsud');
  assert.equal(created?.role, 'officer');
  assert.equal(created?.agencyId, world.city.rsud.id);
  assert.equal(created?.mustChangePassword, true);
  // Disable and enable again; the admin's own row offers neither.
  await row.locator('[data-action=toggle]').click();
  await row.getByRole('button', { name: 'Aktifkan', exact: true }).waitFor();
  assert.equal((await store.users.get(created!.id)).disabled, true);
  assert.match(await row.locator('td').nth(4).innerText(), /^Dinonaktifkan/);
  await row.locator('[data-action=toggle]').click();
  await row.getByRole('button', { name: 'Nonaktifkan', exact: true }).waitFor();
  assert.equal((await store.users.get(created!.id)).disabled, false);
  assert.equal(await page.locator('tr[data-user="admin"] [data-action]').count(), 0);
  // Reset the password: a one-time password again (the user must change it at the next login).
  const hashBefore = (await store.users.credentials('petugas.rsud'))!.passwordHash;
  await row.locator('[data-action=reset]').click();
  await row.locator('[name=newPassword]').fill('sandi-baru-sekali-pakai-9');
  await row.locator('form').getByRole('button', { name: 'Atur ulang kata sandi' }).click();
  await row.getByText('Kata sandi diatur ulang; sesi pengguna ini diakhiri.').waitFor();
  assert.notEqual((await store.users.credentials('petugas.rsud'))!.passwordHash, hashBefore);
  assert.equal((await store.users.get(created!.id)).mustChangePassword, true);
  await shot(page, 'admin-users', true);

  // Schedules: a malformed cron stops in the form, an impossible one at the API (its message shown).
  await nav.getByRole('link', { name: 'Jadwal' }).click();
  await page.getByRole('heading', { name: 'Jadwal pemindaian' }).waitFor();
  const schedForm = page.getByTestId('schedule-form');
  await schedForm.locator('[name=agencyId]').selectOption({ label: 'Dinas Kesehatan' });
  await schedForm.locator('[name=networkId] option', { hasText: '198.18.1.0/24' }).waitFor({ state: 'attached' });
  await schedForm.locator('[name=networkId]').selectOption({ label: '198.18.1.0/24' });
  await schedForm.locator('[name=cron]').fill('setiap malam');
  await schedForm.getByRole('button', { name: 'Simpan jadwal' }).click();
  await schedForm.getByRole('alert').filter({ hasText: 'Pola cron harus terdiri dari lima kolom' }).waitFor();
  await schedForm.locator('[name=cron]').fill('0 25 * * *');
  await schedForm.getByRole('button', { name: 'Simpan jadwal' }).click();
  await schedForm.getByRole('alert').filter({ hasText: 'Pola cron tidak valid' }).waitFor();
  await schedForm.locator('[name=cron]').fill('30 1 * * 1-5');
  await schedForm.getByRole('button', { name: 'Simpan jadwal' }).click();
  const schedRow = page.getByTestId('schedules').locator('tbody tr').first();
  await schedRow.waitFor();
  const [schedule] = await store.schedules.list('all');
  assert.ok(schedule !== undefined);
  assert.equal(schedule.cron, '30 1 * * 1-5');
  assert.equal(schedule.networkId, world.data.dinkes.networkId);
  assert.equal(schedule.timeZone, 'Asia/Jakarta');
  assert.deepEqual(schedule.ports, [135, 137, 138, 139, 445, 3389, 5985, 5986]);
  const text = await schedRow.innerText();
  for (const s of ['Dinas Kesehatan', '198.18.1.0/24', '30 1 * * 1-5', 'Asia/Jakarta', '135,137-139,445,3389,5985-5986', 'Aktif', 'Belum pernah']) assert.ok(text.includes(s), `${s} in ${text}`);
  await shot(page, 'admin-schedules', true);
  await schedRow.locator('[data-action=toggle]').click();
  await schedRow.getByText('Nonaktif', { exact: true }).waitFor();
  assert.equal((await store.schedules.get('all', schedule.id)).enabled, false);
  await schedRow.locator('[data-action=delete]').click();
  await page.getByText('Belum ada jadwal.').waitFor();
  assert.equal((await store.schedules.list('all')).length, 0);

  // Alerts: a signed webhook to the local receiver; its secret is typed once and never displayed.
  await nav.getByRole('link', { name: 'Peringatan' }).click();
  await page.getByRole('heading', { name: 'Peringatan', level: 1 }).waitFor();
  const chForm = page.getByTestId('channel-form');
  await chForm.locator('[name=name]').fill('soc-kota');
  await chForm.locator('[name=url]').fill('ftp://127.0.0.1/x');
  await chForm.getByRole('button', { name: 'Simpan kanal' }).click();
  await chForm.getByRole('alert').filter({ hasText: 'URL harus diawali http:// atau https://.' }).waitFor();
  await chForm.locator('[name=url]').fill(`${hook.url}/perisai`);
  await chForm.locator('[name=secret]').fill(SECRET);
  assert.equal(await chForm.locator('[name=secret]').getAttribute('type'), 'password');
  await chForm.getByRole('button', { name: 'Simpan kanal' }).click();
  const chRow = page.locator('tr[data-channel="soc-kota"]');
  await chRow.waitFor();
  assert.equal(await chRow.getByTestId('secret').innerText(), '•••• tersimpan');
  assert.equal(await chForm.locator('[name=secret]').inputValue(), '', 'the form forgot the secret');
  await chRow.locator('[data-action=test]').click();
  await chRow.getByText('Pesan uji terkirim (HTTP 200).').waitFor();
  assert.equal(hook.requests.length, 1);
  assert.equal(hook.requests[0]!.headers['x-perisai-signature'], signBody(SECRET, hook.requests[0]!.body));

  const ruleForm = page.getByTestId('rule-form');
  await ruleForm.locator('[name=ruleName]').fill('temuan-kritis');
  await ruleForm.getByRole('button', { name: 'Simpan aturan' }).click();
  await ruleForm.getByRole('alert').filter({ hasText: 'Pilih templat atau minimal satu peristiwa.' }).waitFor();
  await ruleForm.locator('[name=preset]').selectOption('critical-finding');
  await ruleForm.getByLabel('soc-kota').check();
  await ruleForm.getByRole('button', { name: 'Simpan aturan' }).click();
  const ruleRow = page.locator('tr[data-rule="temuan-kritis"]');
  await ruleRow.waitFor();
  assert.match(await ruleRow.innerText(), /Temuan baru, Temuan muncul kembali · minimal Kritis\s+soc-kota/);
  const [rule] = await store.alerts.listRules();
  assert.deepEqual(rule?.filter, { topics: ['finding.opened', 'finding.reopened'], minSeverity: 'critical' });
  // Pause the rule and resume it.
  await ruleRow.getByRole('button', { name: 'Nonaktifkan' }).click();
  await ruleRow.getByText('Nonaktif', { exact: true }).waitFor();
  assert.equal((await store.alerts.listRules())[0]?.enabled, false);
  await ruleRow.getByRole('button', { name: 'Aktifkan' }).click();
  await ruleRow.getByText('Aktif', { exact: true }).waitFor();
  await shot(page, 'admin-alerts', true);

  // Nowhere on the page, in no language, after a reload: the secret.
  assert.ok(!(await page.content()).includes(SECRET));
  await page.reload();
  await page.locator('tr[data-channel="soc-kota"]').waitFor();
  assert.ok(!(await page.content()).includes(SECRET));
  assert.ok(((await store.alerts.getChannel('soc-kota')).config as { secret: string }).secret === SECRET, 'stored for the dispatcher');
}, [/^POST 409 \/api\/v1\/users$/, /^POST 400 \/api\/v1\/schedules$/]));

test('officer: no admin navigation; schedules of its agency, read-only', async () => {
  // One schedule in the officer's subtree (RSUD is under Dinkes) and one outside it.
  await addSchedule(store, { agencyId: world.data.rsud.agencyId, cron: '0 3 * * *', ports: [445], createdBy: 'admin' });
  await addSchedule(store, { agencyId: world.data.disdik.agencyId, cron: '0 4 * * *', ports: [445], createdBy: 'admin' });
  await as('petugas.dinkes', async (page) => {
    const nav = page.locator('nav');
    await nav.getByRole('link', { name: 'Jadwal' }).waitFor();
    assert.deepEqual(await nav.getByRole('link').allInnerTexts(), ['Dasbor', 'Instansi/OPD', 'Aset', 'Temuan', 'Pemindaian', 'Jadwal', 'Surat edaran', 'Rapor', 'Insiden']);
    await nav.getByRole('link', { name: 'Jadwal' }).click();
    await page.getByText('Hanya admin dan analis yang dapat mengubahnya.').waitFor();
    const rows = page.getByTestId('schedules').locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1, 'only its own agency subtree');
    assert.match(await rows.first().innerText(), /RSUD Kota/);
    assert.equal(await page.getByTestId('schedule-form').count(), 0);
    assert.equal(await page.locator('[data-action]').count(), 0);
    await page.goto(`${base}/alerts`);
    await page.getByText('Halaman ini hanya untuk admin.').waitFor();
    await page.goto(`${base}/users`);
    await page.getByText('Halaman ini hanya untuk admin.').waitFor();
  });
});
