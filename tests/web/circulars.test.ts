// The circulars through the UI (docs/circulars.md): Debian's Chromium against the real app (API + built
// SPA) on 127.0.0.1 with the API fixture's city, whose agencies hold open MS17-010 findings.
//  1. The office composes the WannaCry circular from its template — the letterhead's placeholders
//     replaced in the form fields, the audience picked from the list — saves it and sends it.
//  2. It issues Dinas Kesehatan's link; the agency head opens it on a phone (375×812, no account):
//     acknowledges by name, position and phone, is refused April 2017's security-only update with the
//     reason, and attests "MS17-010 installed" with the KBs that fix Windows 7.
//  3. The office's board, open all along, changes by itself (server-sent events): Dinas Kesehatan
//     acknowledged (green) and its MS17-010 item done; RSUD still red. A scan after the attestation that
//     still finds the vulnerable host turns the item "contradicted" with that host listed.
//  4. The agency's officer reads its answers; the office returns one with a comment.
//  5. The report cards of the circular (its checklist part, the contradicted item with its host), the office's
//     settings (the head of office, a weekly schedule) through their forms, the cards a run issued, and the
//     situation report sent again to the named head.
// Screenshots: docs/screenshots/circular-compose.png, circular-link-phone.png, circular-board.png,
// circular-answer.png, circular-report-card.png (and -phone), office-settings.png (and -phone),
// report-cards-weekly.png, circular-sitrep-sends.png. Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { issueScheduled } from '../../src/api/report-schedule.js';
import type { Store } from '../../src/store/index.js';
import { PASSWORD } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser, overflow, scenario, shot, watchProblems } from './browser.js';
import { servedCity } from './city.js';

let store: Store;
let world: World;
let base: string;
let desktop: BrowserContext;
let phone: BrowserContext;
servedCity('circ', { desktop: { width: 1366, height: 900 }, phone: { width: 375, height: 812 } }, {
  ready: (c) => {
    ({ store, world, base } = c);
    ({ desktop, phone } = c.contexts);
  },
});

/** The template's bracketed parts ("[NAMA KOTA]") and what the office writes instead. */
const FILL: Readonly<Record<string, string>> = {
  '[NAMA KOTA]': 'Contoh', '[ALAMAT KANTOR]': 'Jalan Merdeka No. 1, Kota Contoh', '[NAMA KEPALA DINAS]': 'Dr. Sari Wulandari, S.Kom., M.T.',
};

/** Replace every placeholder left in the compose form's text fields, field by field, as a person would. */
async function fillPlaceholders(page: Page): Promise<number> {
  const fields = page.getByTestId('compose-form').locator('input[type="text"], input:not([type]), textarea');
  let n = 0;
  for (let i = 0; i < await fields.count(); i++) {
    const f = fields.nth(i);
    const v = await f.inputValue();
    if (!/\[[A-Z][A-Z /]+\]/.test(v)) continue;
    await f.fill(Object.entries(FILL).reduce((s, [k, x]) => s.replaceAll(k, x), v));
    n++;
  }
  return n;
}

/** A 1×1 PNG (what a phone camera's photo is to the content check: a real image, not a name). */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let circularId = '';
let linkUrl = '';

test('the office composes the WannaCry circular from its template and sends it to two agencies', () => asUser(desktop, base, 'admin', PASSWORD, async (page) => {
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${base}/circulars`);
  await page.getByRole('heading', { name: 'Surat edaran', level: 1 }).waitFor();
  await page.locator('[data-action="compose"]').click();
  const form = page.getByTestId('compose-form');
  await form.waitFor();
  // The template's text arrives as form fields, in both languages, and its nine items as item editors.
  assert.equal(await form.locator('input[name="subject.id"]').inputValue(), 'KEWASPADAAN DAN PENCEGAHAN SERANGAN RANSOMWARE WANNACRY');
  assert.equal(await form.locator('input[name="subject.en"]').inputValue(), 'ALERT AND PREVENTION OF WANNACRY RANSOMWARE ATTACKS');
  const items = await form.locator('li.item-edit').count();
  assert.ok(items >= 8, `the template's checklist: ${items} items`);
  await page.getByTestId('placeholders').waitFor();
  assert.ok(await fillPlaceholders(page) >= 4, 'the letterhead and the signature held placeholders');
  await page.getByTestId('placeholders').waitFor({ state: 'detached' });

  // One item's deadline edited as a field (no JSON anywhere), then the audience: two agencies from the list.
  const first = form.locator('li.item-edit').first();
  await first.locator('summary').click();
  await first.locator('input[name$=".dueAfterHours"]').fill('48');
  await form.locator('input[name="audience"][value="list"]').check();
  await form.locator('label.check', { hasText: 'Dinas Kesehatan' }).locator('input').check();
  await form.locator('label.check', { hasText: 'RSUD Kota' }).locator('input').check();
  assert.equal(await page.getByTestId('audience-count').textContent(), '2 instansi akan menerima surat ini.');
  assert.equal(await form.locator('textarea').filter({ hasText: '{' }).count(), 0, 'no raw JSON box');
  await page.evaluate('window.scrollTo(0, 0)');
  await shot(page, 'circular-compose');

  // The edited letter kept as the city's own template: a new key is a copy (version 1).
  const keep = page.getByTestId('save-template');
  await keep.locator('summary').click();
  await keep.locator('input[name="templateKey"]').fill('Edaran Kota');
  await keep.locator('[data-action="save-template"]').click();
  await keep.getByText('Kode templat: huruf kecil, angka dan tanda hubung (2–63).').waitFor();
  await keep.locator('input[name="templateKey"]').fill('wannacry-kota-contoh');
  for (const [field, value] of [['name.id', 'Edaran WannaCry Kota Contoh'], ['name.en', 'WannaCry circular of Kota Contoh'], ['description.id', 'Salinan templat 2017 dengan kop kota'], ['description.en', 'The 2017 template with the city letterhead']] as const) {
    await keep.locator(`[name="${field}"]`).fill(value);
  }
  await keep.locator('[data-action="save-template"]').click();
  await keep.getByTestId('template-saved').waitFor();
  const copy = (await store.circulars.listTemplates()).find((x) => x.key === 'wannacry-kota-contoh')!;
  assert.equal(copy.version, 1);
  assert.equal(copy.content.issuer.address, 'Jalan Merdeka No. 1, Kota Contoh');
  assert.equal(copy.content.items[0]!.dueAfterHours, 48);

  await form.locator('[data-action="save"]').click();
  await page.waitForURL(/\/circulars\/[0-9a-f-]{36}$/);
  circularId = new URL(page.url()).pathname.split('/').pop()!;
  await page.getByTestId('letter').getByText('Dr. Sari Wulandari, S.Kom., M.T.').waitFor();
  const pdf = await page.locator('[data-action="pdf"]').getAttribute('href');
  assert.equal(pdf, `/api/v1/circulars/${circularId}/letter.pdf?lang=id`);

  await page.locator('[data-action="send"]').click();
  await page.getByText('Terkirim', { exact: true }).first().waitFor();
  const rows = page.getByTestId('recipients').locator('tbody tr');
  await rows.first().waitFor();
  assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-agency')))).sort(), ['DINKES', 'RSUD']);
  const stored = await store.circulars.get(circularId);
  assert.equal(stored.status, 'sent');
  assert.equal(stored.content.items[0]!.dueAfterHours, 48);
  assert.equal(stored.content.issuer.government, 'PEMERINTAH KOTA Contoh');

  // The per-agency link for Dinas Kesehatan, shown once.
  await page.locator('tr[data-agency="DINKES"] [data-action="new-link"]').click();
  linkUrl = await page.getByTestId('link-url').inputValue();
  assert.match(linkUrl, new RegExp(`^${base}/surat-edaran#[A-Za-z0-9_-]{43}$`));
}, { console: true, responses: true }));

test('the agency head acknowledges and attests on a phone through the link; the office sees the board change live', async () => {
  assert.ok(linkUrl !== '', 'the first test issued the link');
  const d = world.data.dinkes;
  await asUser(desktop, base, 'admin', PASSWORD, async (office) => {
    office.on('dialog', (x) => void x.accept());
    await office.goto(`${base}/circulars/${circularId}/board`);
    const row = office.locator('tr[data-agency="DINKES"]');
    await row.waitFor();
    assert.equal(await row.locator('[data-cell="acknowledgement"] [data-rag]').getAttribute('data-rag'), 'red');
    assert.equal(await row.locator('td[data-item="ms17-010"] [data-status]').getAttribute('data-status'), 'todo');
    assert.equal(await office.locator('tr[data-agency="RSUD"] [data-cell="exposure"] [data-rag]').getAttribute('data-rag'), 'red', 'RSUD has open critical findings');

    await scenario(phone, async (p) => {
      const problems = watchProblems(p, { console: true, responses: true, expected: [/^PUT 4\d\d \/api\/v1\/public\/circular\/items\/ms17-010$/] });
      await p.goto(linkUrl);
      await p.getByRole('heading', { name: 'KEWASPADAAN DAN PENCEGAHAN SERANGAN RANSOMWARE WANNACRY', level: 1 }).waitFor();
      await p.getByText('Dinas Kesehatan', { exact: true }).waitFor();
      const ack = p.getByTestId('ack-form');
      await ack.locator('input[name="name"]').fill('drg. Ahmad Fauzi');
      await ack.locator('input[name="position"]').fill('Kepala Dinas Kesehatan');
      await ack.locator('input[name="phone"]').fill('0812 3456 7890');
      await ack.locator('[data-action="acknowledge"]').click();
      await p.getByTestId('acknowledged').waitFor();
      assert.match((await p.getByTestId('acknowledged').textContent())!, /^Diterima oleh drg\. Ahmad Fauzi \(Kepala Dinas Kesehatan\)/);

      // Items come folded, each with where it stands; the MS17-010 item opens to its form.
      await p.locator('li[data-item="ms17-010"] summary').click();
      const item = p.getByTestId('answer-ms17-010');
      await item.locator('select[name="status"]').selectOption('done');
      await item.locator('select[name="os"]').selectOption('7-2008r2');
      assert.match((await item.getByTestId('kb-fixing').textContent())!, /KB4012212, KB4012215/);
      // April 2017's security-only update does not fix it: refused with the reason, in Indonesian.
      await item.locator('input[name="kbs"]').fill('KB4015546');
      await item.locator('input[name="machinesDone"]').fill('12');
      await item.locator('input[name="machinesTotal"]').fill('12');
      await item.locator('[data-action="save-answer"]').click();
      await item.getByText(/pembaruan khusus keamanan April 2017/).waitFor();
      await item.locator('input[name="kbs"]').fill('KB4012212, KB4015549');
      await item.locator('[data-action="save-answer"]').click();
      await item.getByTestId('answer-saved').waitFor();
      await item.getByTestId('kb-hint').waitFor();
      const o = await overflow(p);
      assert.ok(o.scrollWidth <= o.innerWidth + 1, `the link page scrolls sideways at 375 px: ${o.culprits.join(', ')}`);
      await p.locator('li[data-item="ms17-010"] summary [data-status="done"]').waitFor();
      await p.evaluate('window.scrollTo(0, 0)');
      await shot(p, 'circular-link-phone', true);
      assert.deepEqual(problems, []);
    });

    // The board changed without a reload.
    await row.locator('[data-cell="acknowledgement"] [data-rag="green"]').waitFor({ timeout: 15_000 });
    await row.locator('td[data-item="ms17-010"] [data-status="done"]').waitFor({ timeout: 15_000 });
    assert.equal(await office.locator('tr[data-agency="RSUD"] [data-cell="acknowledgement"] [data-rag]').getAttribute('data-rag'), 'red');

    // A scan finished after the attestation still sees the vulnerable host: contradicted, host listed.
    await store.circulars.recordNetworkChecks([{ networkId: d.networkId, agencyId: d.agencyId, ruleId: 'ms17-010', jobId: 'uji-sesudah', finishedAt: new Date().toISOString(), unknownIps: [] }]);
    await store.findings.applyScan({
      jobId: 'uji-sesudah',
      assets: [{
        assetId: d.assetIds[0]!, agencyId: d.agencyId,
        scan: { closedPorts: [], signals: [{ ruleId: 'ms17-010', port: 445, title: { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' }, input: { kind: 'detected', severity: 'critical', evidence: {} } }] },
      }],
    });
    await store.circulars.verifyAgency(circularId, d.agencyId);
    const cell = row.locator('td[data-item="ms17-010"]');
    await cell.locator('[data-verification="contradicted"]').waitFor({ timeout: 15_000 });
    assert.match((await cell.getByTestId('hosts').textContent())!, new RegExp(d.ips[0]!.replaceAll('.', '\\.')));
    await office.locator('[data-total="contradicted"] .tile-value', { hasText: '1' }).waitFor();

    // The emergency campaign (scan windows overridden by the administrator, with a reason): every agency
    // disconnected. RSUD's gate cannot clear (nothing answered, no re-scan): an override needs a reason.
    const campaign = office.getByTestId('campaign-form');
    await campaign.locator('input[name="overrideWindow"]').check();
    await campaign.locator('[data-action="start-campaign"]').click();
    await campaign.getByText('Pengecualian wajib disertai alasan.').waitFor();
    await campaign.locator('textarea[name="reason"]').fill('Serangan aktif di kota tetangga');
    await campaign.locator('[data-action="start-campaign"]').click();
    const rsud = office.locator('tr[data-agency="RSUD"]');
    await rsud.locator('[data-gate="disconnected"]').waitFor();
    await rsud.locator('[data-action="gate"]').click();
    const gate = office.locator('[data-testid="gate-panel"][data-agency="RSUD"]');
    await gate.getByText('belum ada pemindaian ulang sejak kampanye dimulai').waitFor();
    await gate.locator('[data-action="clear"]').click();
    await gate.getByText('Pengecualian wajib disertai alasan.').waitFor();
    await gate.locator('textarea[name="reason"]').fill('Jaringan RSUD diperiksa langsung oleh tim kota');
    await gate.locator('[data-action="clear"]').click();
    await rsud.locator('[data-gate="cleared"]').waitFor();
    await office.locator('[data-total="cleared"] .tile-value', { hasText: '1' }).waitFor();
    await office.locator('[data-action="sitrep"]').click();
    await office.getByTestId('sitreps').locator('li').first().waitFor();
    // Nobody named as head of office yet: the report goes to the channels' own recipients, and the board says so.
    assert.match((await office.getByTestId('sitrep-head').textContent())!, /^Belum ada kepala dinas di pengaturan kantor/);
    await office.evaluate(`(() => { window.scrollTo(0, 0); document.querySelector('.board-wrap').scrollLeft = 0; })()`);
    await shot(office, 'circular-board', true);
  }, { console: true, responses: true });
});

test('the agency officer reads its answers and the contradiction; the office returns an answer with a comment', async () => {
  await asUser(desktop, base, 'petugas.dinkes', PASSWORD, async (page) => {
    await page.goto(`${base}/circulars`);
    await page.getByRole('heading', { name: 'Kotak masuk surat edaran', level: 1 }).waitFor();
    await page.getByTestId('circulars').getByRole('link').first().click();
    await page.locator('[data-action="answer"]').click();
    const item = page.getByTestId('answer-ms17-010');
    await item.getByTestId('contradicted').waitFor();
    assert.match((await item.getByTestId('contradicted').textContent())!, new RegExp(world.data.dinkes.ips[0]!.replaceAll('.', '\\.')));
    // KB-aware for the signed-in officer too: the updates that fix the answer's Windows, and a KB of another
    // Windows refused by the API with the reason (nothing stored changes).
    assert.match((await item.getByTestId('kb-fixing').textContent())!, /KB4012212, KB4012215/);
    await item.locator('input[name="kbs"]').fill('KB4012213');
    await item.locator('[data-action="save-answer"]').click();
    await item.getByText(/pembaruan untuk Windows lain/).waitFor();
    await item.locator('input[name="kbs"]').fill('KB4012212, KB4015549');
    // The officer's own answer to another item, with a photo as evidence (checked by its content).
    const backup = page.getByTestId('answer-backup-offline');
    await backup.locator('select[name="status"]').selectOption('in-progress');
    await backup.locator('textarea[name="note"]').fill('Pencadangan ke cakram eksternal sedang berjalan.');
    await backup.locator('input[name="file"]').setInputFiles({ name: 'cakram-cadangan.png', mimeType: 'image/png', buffer: PNG });
    await backup.locator('[data-action="save-answer"]').click();
    await backup.getByTestId('answer-saved').waitFor();
    const ev = await store.circulars.evidence(circularId, 'all', world.data.dinkes.agencyId);
    assert.equal(ev.length, 1);
    assert.equal(ev[0]!.contentType, 'image/png');
    assert.equal(ev[0]!.originalName, 'cakram-cadangan.png');
    await item.scrollIntoViewIfNeeded();
    await page.evaluate('window.scrollBy(0, -140)');
    await shot(page, 'circular-answer');
    // The officer's report cards are in its menu too: the circular's, over its own agency only.
    await page.locator('nav a[href="/report-cards"]').click();
    await page.getByTestId('report-card').waitFor();
    await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
    const shown = await page.getByTestId('rc-agencies').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-agency')));
    assert.ok(shown.includes('DINKES'), `the officer's own agency is on its card: ${shown.join()}`);
    const units = (await store.agencies.list('all')).filter((a) => a.id === world.data.dinkes.agencyId || a.parentId === world.data.dinkes.agencyId).map((a) => a.code);
    assert.ok(shown.every((code) => units.includes(code!)), `only the officer's agency and its units: ${shown.join()}`);
  }, { console: true, responses: true, expected: [/^PUT 400 \/api\/v1\/circulars\/[^/]+\/agencies\/[^/]+\/items\/ms17-010$/] });

  await asUser(desktop, base, 'admin', PASSWORD, async (page) => {
    await page.goto(`${base}/circulars/${circularId}/agencies/${world.data.dinkes.agencyId}`);
    const review = page.getByTestId('review-ms17-010');
    await review.locator('input[value="returned"]').check();
    await review.locator('[data-action="review"]').click();
    await review.getByText('Jelaskan mengapa jawaban dikembalikan.').waitFor();
    await review.locator('textarea[name="comment"]').fill('Pemindaian masih menemukan host rentan; pasang KB4012212 di semua komputer.');
    await review.locator('[data-action="review"]').click();
    await page.locator('[data-item="ms17-010"] [data-review="returned"]').waitFor();
    const a = (await store.circulars.answers(circularId, 'all', world.data.dinkes.agencyId)).find((x) => x.itemCode === 'ms17-010')!;
    assert.equal(a.review.state, 'returned');
    assert.deepEqual(a.kbs, ['KB4012212', 'KB4015549']);
    assert.equal(a.answeredVia, 'link');
  }, { console: true, responses: true });
});

test('report cards: the circular\'s roll-up with its checklist part, an agency\'s card with the discrepancy and its host, their PDF/XLSX, and the cards without a circular', () => asUser(desktop, base, 'admin', PASSWORD, async (page) => {
  await page.goto(`${base}/report-cards`);
  const card = page.getByTestId('report-card');
  await card.getByRole('heading', { name: 'Rekap kota' }).waitFor();
  const cookie = (await desktop.cookies(base)).map((c) => `${c.name}=${c.value}`).join('; ');
  const rollup = await fetch(`${base}/api/v1/circulars/${circularId}/report-card`, { headers: { cookie } }).then((r) => r.json()) as {
    city: { exposure: { now: { total: number; critical: number } }; checklist: { discrepancies: number; complete: number; items: number } }; agencies: { agency: { code: string } }[];
  };
  // The figures shown are the API's, with the circular's part; the agencies come worst first.
  assert.equal(await card.locator('[data-figure="exposure-now"]').textContent(), `${rollup.city.exposure.now.total} (${rollup.city.exposure.now.critical} kritis)`);
  assert.equal(rollup.city.checklist.discrepancies, 1, 'Dinas Kesehatan\'s MS17-010 attestation is contradicted');
  assert.equal(await card.locator('[data-figure="discrepancies"]').textContent(), '1');
  // The circular's rules by their names, never as raw identifiers.
  assert.match((await card.getByTestId('rc-rules').textContent())!, /MS17-010/);
  assert.doesNotMatch((await card.getByTestId('rc-rules').textContent())!, /exposure-smb/);
  assert.deepEqual(await page.getByTestId('rc-agencies').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-agency'))), rollup.agencies.map((a) => a.agency.code));
  assert.equal(await card.locator('[data-action="pdf"]').getAttribute('href'), `/api/v1/circulars/${circularId}/report-card.pdf?lang=id`);
  await page.getByTestId('rc-agencies').locator('tr[data-agency="DINKES"] button').click();
  await card.getByRole('heading', { name: 'Dinas Kesehatan' }).waitFor();
  const host = world.data.dinkes.ips[0]!;
  assert.equal(await card.getByTestId('rc-contradicted').locator('li[data-item="ms17-010"] .hosts').textContent(), `1 host: ${host}`);
  const pdf = await card.locator('[data-action="pdf"]').getAttribute('href');
  assert.equal(pdf, `/api/v1/circulars/${circularId}/agencies/${world.data.dinkes.agencyId}/report-card.pdf?lang=id`);
  const got = await page.evaluate(`fetch(${JSON.stringify(pdf)}).then(async (r) => [r.status, r.headers.get('content-type'), (await r.text()).slice(0, 5)])`);
  assert.deepEqual(got, [200, 'application/pdf', '%PDF-']);
  await card.getByTestId('rc-contradicted').scrollIntoViewIfNeeded();
  await page.evaluate('window.scrollTo(0, 0)');
  await shot(page, 'circular-report-card');
  // Without a circular: the cards over every finding of the last 30 days, no checklist.
  await page.locator('select[name="circularId"]').selectOption('none');
  await page.waitForURL(/circularId=none/);
  await card.getByRole('heading', { name: 'Rekap kota' }).waitFor();
  assert.equal(await card.locator('[data-action="pdf"]').getAttribute('href'), '/api/v1/report-card.pdf?lang=id');
  assert.equal(await card.getByTestId('rc-rules').count(), 0);
}, { console: true, responses: true }));

test('office settings: the head of office and a weekly schedule through the forms; a run\'s cards on the report-card page; a situation report sent again to the head', async () => {
  await asUser(desktop, base, 'admin', PASSWORD, async (page) => {
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${base}/office-settings`);
    await page.getByRole('heading', { name: 'Pengaturan kantor', level: 1 }).waitFor();
    const head = page.getByTestId('head-form');
    await head.getByTestId('no-head').waitFor();
    await head.locator('[name="headOfOffice.name"]').fill('Ir. Budi Hartono, M.T.');
    await head.locator('[name="headOfOffice.position"]').fill('Kepala Dinas Komunikasi dan Informatika');
    await head.locator('[name="headOfOffice.email"]').fill('kadis-kota');
    await head.locator('[data-action="save-head"]').click();
    await head.getByText('Bukan alamat surel seperti kepala@kota.go.id.').waitFor();
    await head.locator('[name="headOfOffice.email"]').fill('kadis@kota.go.id');
    await head.locator('[data-action="save-head"]').click();
    await page.getByTestId('head-form').getByTestId('no-head').waitFor({ state: 'detached' });
    assert.deepEqual((await store.office.settings()).headOfOffice, { name: 'Ir. Budi Hartono, M.T.', position: 'Kepala Dinas Komunikasi dan Informatika', email: 'kadis@kota.go.id' });

    // A weekly schedule: the circular, Monday 07.00 WIB by default; recipients must be chosen.
    const list = page.getByTestId('schedules');
    await list.locator('[data-action="add-schedule"]').click();
    const form = list.getByTestId('schedule-form');
    assert.equal(await form.locator('select[name="circularId"]').inputValue(), circularId);
    assert.deepEqual([await form.locator('select[name="dayOfWeek"]').inputValue(), await form.locator('select[name="hour"]').inputValue(), await form.locator('select[name="timeZone"]').inputValue()], ['1', '7', 'Asia/Jakarta']);
    await form.locator('input[name="toAgencyHeads"]').uncheck();
    await form.locator('input[name="toOffice"]').uncheck();
    await form.locator('[data-action="save-schedule"]').click();
    await form.getByText('Pilih penerima: kepala instansi, kepala dinas, atau keduanya.').waitFor();
    await form.locator('input[name="toAgencyHeads"]').check();
    await form.locator('input[name="toOffice"]').check();
    await form.locator('[data-action="save-schedule"]').click();
    await list.getByTestId('schedule-when').first().waitFor();
    assert.equal(await list.getByTestId('schedule-when').first().textContent(), 'Setiap Senin pukul 07.00 WIB (Asia/Jakarta)');
    await page.evaluate('window.scrollTo(0, 0)');
    await shot(page, 'office-settings');

    // The schedule's run, as the circular sweep makes it when it is due: its cards on the report-card page.
    const [schedule] = await store.office.schedules();
    assert.ok(await issueScheduled(store, schedule!, new Date()));
    await page.goto(`${base}/report-cards?circularId=${circularId}`);
    const weekly = page.getByTestId('rc-weekly');
    await weekly.locator('tr[data-issued="city"]').waitFor();
    assert.deepEqual((await weekly.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-issued')))).sort(), ['DINKES', 'RSUD', 'city']);
    assert.match((await weekly.locator('tr[data-issued="city"]').textContent())!, /kadis@kota\.go\.id/);
    const issued = await weekly.locator('tr[data-issued="DINKES"] [data-action="issued-pdf"]').getAttribute('href');
    assert.deepEqual(await page.evaluate(`fetch(${JSON.stringify(issued)}).then((r) => [r.status, r.headers.get('content-type')])`), [200, 'application/pdf']);
    await weekly.scrollIntoViewIfNeeded();
    await shot(page, 'report-cards-weekly');

    // The situation report of the board test, sent again: now to the named head, and both sendings listed.
    await page.goto(`${base}/circulars/${circularId}/board`);
    const sitreps = page.getByTestId('sitreps');
    assert.equal(await sitreps.getByTestId('sitrep-head').textContent(), 'Dikirim kepada kepala dinas: Ir. Budi Hartono, M.T. (Kepala Dinas Komunikasi dan Informatika)');
    await sitreps.locator('li[data-version="1"] > details > summary').click();
    await sitreps.locator('li[data-version="1"] [data-action="sitrep-resend"]').click();
    const sends = sitreps.locator('li[data-version="1"] [data-testid="sitrep-sends"] > li');
    await sends.nth(1).waitFor({ state: 'attached' });
    await page.evaluate('(() => { document.querySelector(\'[data-testid="sitreps"] li[data-version="1"] > details\').open = true; })()');
    assert.match((await sends.nth(0).textContent())!, /^Dikirim kepada penerima tetap kanal oleh /);
    assert.match((await sends.nth(1).textContent())!, /^Dikirim kepada Ir\. Budi Hartono, M\.T\. <kadis@kota\.go\.id> oleh .* · menunggu pengiriman$/);
    await sitreps.scrollIntoViewIfNeeded();
    await shot(page, 'circular-sitrep-sends');
  }, { console: true, responses: true });

  await asUser(phone, base, 'admin', PASSWORD, async (page) => {
    for (const [path, name] of [['/office-settings', 'office-settings-phone'], [`/report-cards?circularId=${circularId}`, 'circular-report-card-phone']] as const) {
      await page.goto(`${base}${path}`);
      await page.locator('main h1').first().waitFor();
      await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
      const part = page.getByTestId(path === '/office-settings' ? 'schedules' : 'report-card');
      await part.locator('table').first().waitFor();
      await part.scrollIntoViewIfNeeded();
      await shot(page, name);
    }
  }, { console: true, responses: true });
});

test('phone (375×812): the circular pages never scroll sideways', () => asUser(phone, base, 'admin', PASSWORD, async (page) => {
  for (const path of ['/circulars', '/circulars/new', `/circulars/${circularId}`, `/circulars/${circularId}/board`, `/circulars/${circularId}/agencies/${world.data.dinkes.agencyId}`, '/report-cards', '/office-settings']) {
    await page.goto(`${base}${path}`);
    await page.locator('main h1').first().waitFor();
    await page.waitForSelector('[aria-busy="true"]', { state: 'detached' });
    // Every fold open (gate panel, history, item editors): the widest the page gets.
    await page.evaluate('(() => { for (const d of document.querySelectorAll("details")) d.open = true; })()');
    await page.waitForTimeout(200);
    const o = await overflow(page);
    assert.ok(o.scrollWidth <= o.innerWidth + 1, `${path} scrolls sideways at 375 px (${o.scrollWidth}): ${o.culprits.join(', ')}`);
  }
}, { console: true, responses: true }));
