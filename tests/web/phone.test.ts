// "Usable on a phone": Debian's Chromium at 375×812 against the real app (API + built SPA) on
// 127.0.0.1 with the API fixture's seeded city (and its admin objects). Logged in as admin, every page of the navigation and the
// detail pages (an agency, an asset, a scan) are visited: the page itself never scrolls sideways (a wide
// table may scroll inside its own .table-wrap), the heading is visible, and the menu button opens the
// navigation. Screenshots: docs/screenshots/phone-*.png. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { PASSWORD, seedAdmin } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser, overflow, shot } from './browser.js';
import { servedCity } from './city.js';

const PHONE = { width: 375, height: 812 };
let world: World;
let base: string;
let context: BrowserContext;
servedCity('phone', { phone: PHONE }, {
  // Rows on the admin pages too (schedules, a channel and a rule), and long unbroken text where people type it.
  seed: async (w, store) => {
    await seedAdmin(w);
    await store.alerts.addChannel({ name: 'webhook-pusat-operasi-keamanan-siber-kota', kind: 'webhook', config: { url: 'https://soc.diskominfo.kota-contoh.go.id/api/v1/integrasi/perisai/peringatan-masuk', secret: 'rahasia-panjang-0123456789' } });
    await store.contacts.add('all', w.data.dinkes.agencyId, { name: 'Kepala Seksi Infrastruktur Teknologi Informasi', role: 'technical', email: 'kepala.seksi.infrastruktur.ti@dinaskesehatan.kota-contoh.go.id' });
  },
  ready: (c) => {
    ({ world, base } = c);
    context = c.contexts.phone;
  },
});

test('phone (375×812): no page scrolls sideways, headings are visible, the menu button opens the navigation', () => asUser(context, base, 'admin', PASSWORD, async (page) => {
  const d = world.data.dinkes;
  const pages: [string, string][] = [
    ['dashboard', '/'],
    ['agencies', '/agencies'],
    ['agency', `/agencies/${d.agencyId}`],
    ['assets', '/assets'],
    ['asset', `/assets/${d.assetIds[0]!}`],
    ['findings', '/findings'],
    ['scans', '/scans'],
    ['scan', `/scans/${d.scanJobId}`],
    ['schedules', '/schedules'],
    ['alerts', '/alerts'],
    ['users', '/users'],
    ['office-settings', '/office-settings'],
  ];
  const nav = page.locator('nav.nav');
  const toggle = page.getByRole('button', { name: 'Menu', exact: true });
  for (const [name, path] of pages) {
    await page.goto(`${base}${path}`);
    const h1 = page.locator('main h1').first();
    await h1.waitFor();
    // Everything the page loads has arrived (no "loading" left), so the widths are final. (Not a string
    // predicate: that is eval, which the app's CSP rightly refuses.)
    await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
    assert.ok(await h1.isVisible(), `${path}: the heading is visible`);
    const box = await h1.boundingBox();
    assert.ok(box !== null && box.x >= 0 && box.x + box.width <= PHONE.width + 1, `${path}: the heading fits the width (${JSON.stringify(box)})`);
    const o = await overflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth + 1, `${path}: the page scrolls sideways (scrollWidth ${o.scrollWidth} > ${o.innerWidth}); sticking out: ${o.culprits.join(', ')}`);

    // The navigation is folded behind the menu button, which opens it; the page stays as wide as the phone.
    assert.equal(await nav.isVisible(), false, `${path}: the navigation starts folded`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    await nav.getByRole('link', { name: 'Pengguna' }).waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const open = await overflow(page);
    assert.ok(open.scrollWidth <= open.innerWidth + 1, `${path}: with the navigation open the page scrolls sideways; sticking out: ${open.culprits.join(', ')}`);
    await toggle.click();
    await nav.waitFor({ state: 'hidden' });

    if (name === 'dashboard') await shot(page, 'phone-dashboard');
  }

  // A link of the opened navigation goes to its page and folds the navigation again.
  await toggle.click();
  await nav.getByRole('link', { name: 'Temuan' }).click();
  await page.getByRole('heading', { name: 'Temuan', level: 1 }).waitFor();
  await nav.waitFor({ state: 'hidden' });
}, { console: true, responses: true }));
