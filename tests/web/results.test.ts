// The result pages on a phone (375×812) and a laptop (1366×768): the scan result host by host, the asset
// detail and the findings list, against the real app (API + built SPA) on 127.0.0.1 with a stored scan of
// three hosts whose records come from the real engine run against the in-process fakes
// (tests/web/engine-samples.ts): an unpatched Windows 7 with DoublePulsar, NetBIOS and RDP, a Samba with
// SMB2 only, a Windows 10 without SMBv1. On both sizes, in Indonesian: the page never scrolls sideways,
// no text wraps one letter per line and no badge is clipped or wraps; every check is a card with its
// verdict, port and Indonesian reason; evidence starts folded and opens (by mouse or keyboard) as
// key/value pairs with nested values indented, never as JSON; a binary banner shows its escaped bytes
// marked. Screenshots: docs/screenshots/phone-scan-result.png, phone-asset.png, phone-findings.png and
// inventory-asset.png (laptop). Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD, recordScan, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser, launch, listen, overflow, prepareBrowser, shot } from './browser.js';
import { banner, engineReport, MYSQL_GREETING, observationsOf } from './engine-samples.js';

const PHONE = { width: 375, height: 812 };
const LAPTOP = { width: 1366, height: 768 };
const WIN7 = '198.18.1.20';
const SAMBA = '198.18.1.21';
const WIN10 = '198.18.1.22';
/** The asset page on a phone as it opens (evidence, remediation, older history folded): at most this tall. */
const FOLDED_ASSET_MAX = 6_000;

const tmp = mkdtempSync(join(tmpdir(), 'perisai-results-'));
let store: Store;
let world: World;
let base: string;
let jobId: string;
let win7Asset: string;
const contexts: BrowserContext[] = [];

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  const http = new TextEncoder().encode('HTTP/1.1 404 Not Found\r\nContent-Type: text/html; charset=us-ascii\r\nServer: Microsoft-HTTPAPI/2.0\r\nDate: Tue, 01 Dec 2026 02:00:00 GMT\r\nConnection: close\r\nContent-Length: 315\r\n\r\n');
  const d = world.data.dinkes;
  jobId = await recordScan(store, d.agencyId, '198.18.1.0/24', [
    ...observationsOf(await engineReport('win7-infected'), WIN7, [
      { port: 139, state: 'open', service: 'netbios-ssn' }, { port: 445, state: 'open', service: 'microsoft-ds' }, { port: 3389, state: 'open', service: 'ms-wbt-server' },
      { port: 3306, state: 'open', ...banner(3306, MYSQL_GREETING) }, { port: 5985, state: 'open', ...banner(5985, http) },
    ]),
    ...observationsOf(await engineReport('samba-smb2only'), SAMBA, [{ port: 445, state: 'open', service: 'microsoft-ds' }, { port: 3389, state: 'closed' }]),
    ...observationsOf(await engineReport('win10'), WIN10, [{ port: 445, state: 'open', service: 'microsoft-ds' }]),
  ]);
  const ids = await store.assets.idsByIp('all', d.agencyId);
  win7Asset = ids.get(WIN7)!;
  assert.ok(win7Asset !== undefined, 'the scan made an asset of the Windows 7 host');
  base = await listen(world.app);
});

after(async () => {
  for (const c of contexts) await c.close();
  await world?.app.close();
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/**
 * Text that wraps almost one letter per line (three lines or more, under four characters a line), badges
 * and chips taller than one line, and boxes whose content is wider than they are (clipped or sticking out).
 * Evaluated in the page as text (these tests compile without the DOM's types).
 */
const LAYOUT = `(() => {
  const name = (el) => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  const letters = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    const text = n.textContent.trim();
    if (text.length < 4 || !visible(n.parentElement)) continue;
    const r = document.createRange();
    r.selectNodeContents(n);
    const tops = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
    if (tops.size >= 3 && text.length / tops.size < 4) letters.push(name(n.parentElement) + ': ' + JSON.stringify(text.slice(0, 40)) + ' in ' + tops.size + ' lines');
  }
  const tall = [];
  for (const el of document.querySelectorAll('main .badge, main .chip, main .esc')) {
    if (!visible(el)) continue;
    const cs = getComputedStyle(el);
    const line = parseFloat(cs.lineHeight) || parseFloat(cs.fontSize) * 1.45;
    const h = el.getBoundingClientRect().height - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom) - parseFloat(cs.borderTopWidth) - parseFloat(cs.borderBottomWidth);
    if (h > line * 1.5) tall.push(name(el) + ': ' + JSON.stringify(el.textContent.slice(0, 40)) + ' ' + Math.round(h) + 'px for a ' + Math.round(line) + 'px line');
  }
  const clipped = [];
  for (const el of document.querySelectorAll('main .badge, main .chip, main h1, main h2, main h3, main h4, main dt, main dd, main summary, main .check-card, main .host-card, main .finding')) {
    if (!visible(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) clipped.push(name(el) + ': ' + JSON.stringify(el.textContent.slice(0, 40)) + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
  }
  return { letters: letters.slice(0, 8), tall: tall.slice(0, 8), clipped: clipped.slice(0, 8), height: document.documentElement.scrollHeight };
})()`;

interface Layout { letters: string[]; tall: string[]; clipped: string[]; height: number }

/** The page reads well at this size: nothing sideways, nothing one letter per line, nothing clipped. Returns its height. */
async function readable(page: Page, what: string): Promise<number> {
  const o = await overflow(page);
  assert.ok(o.scrollWidth <= o.innerWidth + 1, `${what}: the page scrolls sideways (scrollWidth ${o.scrollWidth} > ${o.innerWidth}); sticking out: ${o.culprits.join(', ')}`);
  const l = await page.evaluate<Layout>(LAYOUT);
  assert.deepEqual(l.letters, [], `${what}: text wrapping one letter per line`);
  assert.deepEqual(l.tall, [], `${what}: badges or chips wrapping onto several lines`);
  assert.deepEqual(l.clipped, [], `${what}: content wider than its box`);
  return l.height;
}

async function settled(page: Page, path: string): Promise<void> {
  await page.goto(`${base}${path}`);
  await page.locator('main h1').first().waitFor();
  await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
}

/** Evidence is folded until asked for; opened, it is key/value pairs (nested ones indented), never JSON. */
async function evidenceOpens(page: Page, scope: ReturnType<Page['locator']>, how: 'click' | 'keyboard', expect: { label: string; value: string; nested: string }): Promise<void> {
  const details = scope.locator('details.evidence').first();
  assert.equal(await details.getAttribute('open'), null, 'evidence starts folded');
  assert.equal(await scope.locator('.kv').count(), 0, 'nothing of the evidence is rendered while folded');
  const summary = details.locator('summary');
  if (how === 'click') await summary.click();
  else {
    await summary.focus();
    await page.keyboard.press('Enter');
  }
  await details.locator('.kv').first().waitFor();
  // The value next to the label (its own dd, not a nested block's).
  const values = await details.locator('.kv > div').evaluateAll((rows, label) => rows.flatMap((r) => {
    const dt = r.querySelector(':scope > dt');
    const dd = r.querySelector(':scope > dd');
    return dt?.textContent === label && dd !== null ? [(dd as unknown as { innerText: string }).innerText.trim()] : [];
  }), expect.label);
  assert.equal(values[0], expect.value, `${expect.label}: ${JSON.stringify(values)}`);
  const nest = details.locator(`.kv > div.kv-nest[data-key="${expect.nested}"]`);
  assert.equal(await nest.count(), 1, `the nested "${expect.nested}" is its own indented block`);
  assert.ok((await nest.locator('dd .kv').count()) > 0, 'a nested object is key/value too');
  assert.doesNotMatch(await details.innerText(), /[{[]\s*"/, 'no JSON');
}

for (const [size, viewport] of [['phone', PHONE], ['laptop', LAPTOP]] as const) {
  describe(`result pages at ${viewport.width}×${viewport.height}`, () => {
    let context: BrowserContext;
    before(async () => {
      context = await launch(join(tmp, size), viewport);
      contexts.push(context);
    });

    test('scan result: a card per host, open ports as chips, checks as cards with verdict, port, reason; evidence folded then key/value', () => asUser(context, base, 'admin', PASSWORD, async (page) => {
      await settled(page, `/scans/${jobId}`);
      const host = page.locator(`[data-testid="scan-host"][data-ip="${WIN7}"]`);
      await host.waitFor();
      assert.equal(await page.locator('[data-testid="scan-host"]').count(), 3);
      assert.deepEqual(await host.locator('.port-chip strong').allInnerTexts(), ['139', '445', '3306', '3389', '5985']);
      const ms = host.locator('.check-card[data-check="ms17-010"]');
      assert.equal(await ms.getAttribute('data-state'), 'vulnerable');
      assert.equal((await ms.locator('.check-title').innerText()).trim(), 'Pembaruan keamanan MS17-010 (EternalBlue) belum terpasang');
      // Both SMB ports said the same for the same reason: one line, each port's evidence apart.
      assert.deepEqual(await ms.locator('.check-results > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-ports'))), ['139,445']);
      assert.deepEqual(await ms.locator('.check-port').allInnerTexts(), ['Port 139, 445']);
      assert.equal(await ms.locator('.reason').innerText(), 'PeekNamedPipe dijawab STATUS_INSUFF_SERVER_RESOURCES: pembaruan MS17-010 belum terpasang.');
      assert.deepEqual(await ms.locator('details.evidence > summary').allInnerTexts(), ['Bukti port 139', 'Bukti port 445']);
      assert.equal(await host.locator('.check-card[data-check="doublepulsar"]').getAttribute('data-state'), 'vulnerable');
      // The UDP check names its protocol.
      assert.equal(await host.locator('.check-card[data-check="netbios-ns"] .check-port').innerText(), 'Port UDP 137');
      // Verdicts that need nothing done are folded; the Samba host's unknowns are not.
      const samba = page.locator(`[data-testid="scan-host"][data-ip="${SAMBA}"]`);
      assert.equal(await samba.locator('.check-card[data-check="ms17-010"]').getAttribute('data-state'), 'unknown');
      assert.ok(await samba.locator('.check-card[data-check="ms17-010"]').isVisible());
      assert.equal(await samba.locator('details.more-checks').getAttribute('open'), null);
      assert.equal(await samba.locator('details.more-checks .check-card[data-check="smb-signing"]').getAttribute('data-state'), 'not-vulnerable');
      // No engine word reaches the Indonesian page where a translation exists.
      assert.equal(await page.locator('main [lang="en"]').count(), 0, 'every reason was translated');
      await readable(page, `scan result (${size})`);

      await evidenceOpens(page, ms, size === 'phone' ? 'click' : 'keyboard', { label: 'Langkah terakhir yang dijawab', value: 'Ping DoublePulsar', nested: 'transaction' });
      await readable(page, `scan result with evidence open (${size})`);
      if (size === 'phone') await shot(page, 'phone-scan-result', true);
    }, { console: true, responses: true }));

    test('asset detail: ports with the binary banner marked, checks as cards, long sections folded', () => asUser(context, base, 'admin', PASSWORD, async (page) => {
      await settled(page, `/assets/${win7Asset}`);
      const ports = page.getByTestId('asset-ports');
      await ports.getByTestId('port-row').first().waitFor();
      await page.getByTestId('asset-checks').locator('.check-card').first().waitFor();
      await page.locator('li.finding').first().waitFor();
      const folded = await readable(page, `asset (${size})`);
      console.log(`asset page at ${viewport.width}×${viewport.height}, as it opens: ${folded} px`);
      if (size === 'phone') assert.ok(folded < FOLDED_ASSET_MAX, `the asset page is ${folded} px tall on a phone as it opens`);
      // MySQL's greeting: text and escaped bytes apart, no escape left as plain text.
      const mysql = ports.getByTestId('port-row').filter({ has: page.locator('td', { hasText: /^3306$/ }) }).locator('code.banner');
      assert.equal(await mysql.getAttribute('data-binary'), 'yes');
      assert.ok((await mysql.locator('.esc').count()) >= 5);
      const plain = await mysql.evaluate((el) => [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''));
      assert.ok(plain.includes('caching_sha2_password') && !plain.includes('\\x'), `text outside the marked escapes: ${plain}`);
      assert.equal(await mysql.locator('.esc', { hasText: '\\x00' }).first().innerText().then((s) => s.startsWith('\\x00')), true);
      await ports.locator('.banner-legend').waitFor();
      // The HTTP answer's CR LF are marked breaks, not "\x0D\x0A" in the line.
      const http = ports.getByTestId('port-row').filter({ has: page.locator('td', { hasText: /^5985$/ }) }).locator('code.banner');
      assert.equal(await http.locator('br').count(), 5);
      assert.doesNotMatch(await http.innerText(), /\\x0D/);

      const checks = page.getByTestId('asset-checks');
      await checks.locator('.check-card').first().waitFor();
      const ms = checks.locator('.check-card[data-check="ms17-010"]');
      assert.equal(await ms.getAttribute('data-state'), 'vulnerable');
      assert.equal(await ms.locator('h3.check-title').count(), 1, 'a check card is a heading under the section\'s');
      // What to do about it, folded, from the engine's own remediation.
      const fix = ms.locator('details.remedy');
      assert.equal(await fix.getAttribute('open'), null);
      await fix.locator('summary').click();
      await fix.getByText('Pasang pembaruan keamanan MS17-010').waitFor();
      await evidenceOpens(page, checks.locator('.check-card[data-check="doublepulsar"]'), 'click', { label: 'Arsitektur', value: 'x64', nested: 'implant' });
      // History: the newest five changes, older ones folded.
      const history = page.getByTestId('asset-history');
      await history.getByTestId('history-item').first().waitFor();
      assert.equal(await history.locator('details.history-more').getAttribute('open'), null);
      assert.ok((await history.locator('ol.history').first().getByTestId('history-item').count()) <= 5);
      await readable(page, `asset with remediation and evidence open (${size})`);
      await shot(page, size === 'phone' ? 'phone-asset' : 'inventory-asset', true);
    }, { console: true, responses: true }));

    test('findings: cards with the reason in Indonesian, evidence folded then key/value, remediation folded', () => asUser(context, base, 'admin', PASSWORD, async (page) => {
      await settled(page, `/findings?agencyId=${world.data.dinkes.agencyId}`);
      const f = page.locator('li.finding[data-rule="ms17-010"]').filter({ hasText: WIN7 }).first();
      await f.waitFor();
      assert.equal(await f.locator('.finding-reason .reason').innerText(), 'PeekNamedPipe dijawab STATUS_INSUFF_SERVER_RESOURCES: pembaruan MS17-010 belum terpasang.');
      assert.equal(await f.locator('details.remedy').getAttribute('open'), null);
      await readable(page, `findings (${size})`);
      await evidenceOpens(page, f, 'click', { label: 'Langkah terakhir yang dijawab', value: 'Ping DoublePulsar', nested: 'session' });
      await readable(page, `findings with evidence open (${size})`);
      if (size === 'phone') {
        await f.evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await shot(page, 'phone-findings');
      }
    }, { console: true, responses: true }));
  });
}

test('in English the same page speaks English: reasons, titles and evidence labels from the English dictionary', async () => {
  const context = contexts[0]!;
  await asUser(context, base, 'admin', PASSWORD, async (page) => {
    await page.evaluate(`localStorage.setItem('perisai.lang', 'en')`);
    try {
      await settled(page, `/scans/${jobId}`);
      const ms = page.locator(`[data-testid="scan-host"][data-ip="${WIN7}"] .check-card[data-check="ms17-010"]`);
      await ms.waitFor();
      assert.equal((await ms.locator('.check-title').innerText()).trim(), 'MS17-010 (EternalBlue) security update missing');
      assert.equal(await ms.locator('.reason').first().innerText(), 'PeekNamedPipe was answered with STATUS_INSUFF_SERVER_RESOURCES: the MS17-010 update is missing.');
      await ms.locator('details.evidence summary').first().click();
      await ms.locator('.kv dt', { hasText: 'Last step answered' }).first().waitFor();
      // Enumerated values are named in the reader's language too, the raw value kept as data-value.
      await ms.locator('.kv dd [data-value="ping"]', { hasText: 'DoublePulsar ping' }).first().waitFor();
    } finally {
      await page.evaluate(`localStorage.removeItem('perisai.lang')`);
    }
  }, { console: true, responses: true });
});

test('the engine\'s notes in the evidence read in Indonesian, the English sentences folded under them as raw data', async () => {
  const context = contexts[0]!;
  await asUser(context, base, 'admin', PASSWORD, async (page) => {
    await settled(page, `/scans/${jobId}`);
    const samba = page.locator(`[data-testid="scan-host"][data-ip="${SAMBA}"]`);
    await samba.locator('details.more-checks > summary').click();
    const eol = samba.locator('.check-card[data-check="smb-os-eol"]');
    await eol.locator('details.evidence > summary').first().click();
    // The Samba tells (src/engine/checks/host-facts.ts deriveOsFacts) by their note codes.
    const tells = eol.locator('[data-key="sambaTells"] [data-notes="translated"]');
    await tells.waitFor();
    assert.deepEqual((await tells.locator('li').allInnerTexts()).map((x) => x.trim()), [
      'Versi NTLM 6.1.0: build 0 bukan Windows.',
      'ServerGuid SMB2 berisi nama NetBIOS "labsmb2", seperti yang dilakukan Samba.',
    ]);
    assert.match(await tells.locator('details.raw-note code[lang="en"][data-raw="engine"]').first().textContent() ?? '', /build 0 is not Windows/);
    assert.equal(await eol.locator('[data-key="sambaTellCodes"]').count(), 0, 'the machine form is not shown as a field of its own');
  }, { console: true, responses: true });
});
