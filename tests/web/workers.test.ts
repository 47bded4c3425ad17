// Browser test of the workers page (/workers): Debian's Chromium driven by playwright-core against the real
// app on 127.0.0.1 (its own temporary SQLite store), in Indonesian, on a phone (375×812) and a desktop. An
// administrator sees a live worker and a silent one with their zones, task and count; an officer has no
// such navigation entry. Enrolled segment workers (docs/api.md "Enrolled segment workers"): the
// administrator creates a token for a zone and sees it once with the command, the worker enrolls, the
// administrator revokes it after confirming; an analyst sees the list without the form or the button.
// Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { AUTH } from '../store/fixtures.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser, launch, listen, overflow, prepareBrowser } from './browser.js';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-web-workers-'));
let store: Store;
let world: World;
let base: string;

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  base = await listen(world.app);
  const now = Date.now();
  const iso = (ago: number): string => new Date(now - ago).toISOString();
  await store.workers.heartbeat({ name: 'inti:1201', zones: [null], version: '0.1.0', queue: 'pg-boss', startedAt: iso(3_600_000), lastSeenAt: iso(5_000), currentTask: 'tugas-17', doneLastHour: 42 });
  await store.networks.add('all', { agencyId: world.city.rsud.id, cidr: '198.18.2.0/25', zone: 'rsud', ...AUTH });
  await store.workers.heartbeat({ name: 'segmen-rsud:88', zones: ['rsud'], version: '0.1.0', queue: 'pg-boss', startedAt: iso(7_200_000), lastSeenAt: iso(600_000), currentTask: null, doneLastHour: 0 });
});

after(async () => {
  await world?.app.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

for (const viewport of [{ width: 375, height: 812 }, { width: 1280, height: 900 }]) {
  test(`workers page at ${viewport.width}×${viewport.height}: live and silent workers for an administrator; no entry for an officer`, async () => {
    const context = await launch(join(tmp, `profile-${viewport.width}`), viewport);
    try {
      await asUser(context, base, 'admin', PASSWORD, async (page) => {
        assert.ok(await page.locator('a[href="/workers"]').count() > 0, 'administrators have the navigation entry');
        await page.goto(`${base}/workers`);
        await page.getByRole('heading', { name: 'Worker pemindai' }).waitFor();
        const live = page.locator('tr[data-worker="inti:1201"]');
        await live.waitFor();
        const liveText = await live.innerText();
        assert.match(liveText, /Aktif/);
        assert.match(liveText, /bawaan/);
        assert.match(liveText, /tugas-17/);
        assert.match(liveText, /42/);
        const silent = await page.locator('tr[data-worker="segmen-rsud:88"]').innerText();
        assert.match(silent, /Diam/);
        assert.match(silent, /rsud/);
        assert.match(silent, /menganggur/);
        const o = await overflow(page);
        assert.ok(o.scrollWidth <= o.innerWidth + 1, `no sideways scrolling: ${o.culprits.join(', ')}`);
      });
      await asUser(context, base, 'petugas.dinkes', PASSWORD, async (page) => {
        assert.equal(await page.locator('a[href="/workers"]').count(), 0, 'officers see no workers entry');
      });
    } finally {
      await context.close();
    }
  });
}

test('enrolled segment workers: a token shown once with its command, the enrolled worker listed and revoked', async () => {
  const context = await launch(join(tmp, 'profile-enroll'), { width: 1280, height: 900 });
  try {
    let token = '';
    await asUser(context, base, 'admin', PASSWORD, async (page) => {
      page.on('dialog', (d) => void d.accept());
      await page.goto(`${base}/workers`);
      const form = page.getByTestId('enrollment-form');
      await form.waitFor();
      await form.locator('input[name="name"]').fill('Segmen RSUD');
      await form.locator('input[name="zone"][value="rsud"]').check();
      await form.getByRole('button', { name: 'Buat token pendaftaran' }).click();
      const created = page.getByTestId('enrollment-created');
      await created.waitFor();
      token = await page.getByTestId('enrollment-token').inputValue();
      assert.match(token, /^pse_[A-Za-z0-9_-]{43}$/);
      assert.equal(await page.getByTestId('enrollment-command').inputValue(), `PERISAI_ENROLL_TOKEN=${token} perisai worker --server https://${new URL(base).host}`);
      assert.match(await created.innerText(), /hanya ditampilkan sekali/);
      await page.locator('table[data-testid="enrollments"]').getByText('Segmen RSUD').waitFor();

      const enrolled = await world.app.inject({ method: 'POST', url: '/api/v1/agent/enroll', payload: { token, version: '1.0.0' } });
      assert.equal(enrolled.statusCode, 201, enrolled.body);
      const workerId = (enrolled.json() as { workerId: string }).workerId;
      await page.reload();
      const row = page.locator(`tr[data-credential="${workerId}"]`);
      await row.waitFor();
      assert.match(await row.innerText(), /Segmen RSUD[\s\S]*rsud[\s\S]*Aktif/);
      await page.getByTestId('enrollments-none').waitFor();
      await row.getByRole('button', { name: 'Cabut' }).click();
      await row.getByText(/Dicabut oleh admin/).waitFor();
      assert.equal((await store.workerCredentials.get(workerId)).revokedBy, 'admin');
    });
    await asUser(context, base, 'analis', PASSWORD, async (page) => {
      await page.goto(`${base}/workers`);
      await page.locator('table[data-testid="credentials"]').getByText('Segmen RSUD').waitFor();
      assert.equal(await page.getByTestId('enrollment-form').count(), 0, 'analysts create no enrollment');
      assert.equal(await page.getByRole('button', { name: 'Cabut' }).count(), 0, 'analysts revoke nothing');
    });
  } finally {
    await context.close();
  }
});
