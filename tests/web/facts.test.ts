// Browser test of what a scan could not learn (web/src/facts.tsx), in Indonesian: an asset whose SMB
// conversation failed shows SMBv1, signing, dialects and OS as a neutral "Tidak diketahui" badge — in the
// asset list and the detail — with the engine's reason, translated from its machine form (reason codes
// and notes), as the badge's title and, on a tap, as text with the English sentence folded under it as raw
// data; a row stored before the machine form existed says the reason was not recorded and shows the English
// as raw data; in English the same reasons read in English; a real "no" stays a "Tidak" badge; the scan page says which ports and checks it could not compare with the
// previous scan. Debian's Chromium via playwright-core; missing is a failure, never a skip.
// Screenshot: docs/screenshots/asset-facts-unknown.png (phone width, reason shown).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Observation } from '../../src/domain/observation.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { PASSWORD, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { asUser as inBrowserAs, prepareBrowser, serve, shot } from './browser.js';
import type { Served } from './browser.js';

const TIMEOUT = 'SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)';
const SIGNING = 'could not decide every protocol the host accepts (SMBv1 445: timeout; SMB2 SMB2 NEGOTIATE failed: io-timeout at negotiate (no complete answer before the deadline))';
const SILENT = '198.18.1.7';
const REFUSES = '198.18.1.9';
/** SMB as an engine before reason codes reported it: English reasons only. */
const OLD = '198.18.1.11';
const SMBV1_ID = 'SMBv1 di port 445: Tidak ada jawaban sebelum batas waktu.';
const SIGNING_ID = `${SMBV1_ID} Untuk SMB2: Negosiasi SMB2 gagal pada langkah Negosiasi dialek (NEGOTIATE): Server tidak menjawab lengkap sebelum batas waktu.`;
const NOT_RECORDED_ID = 'Alasannya tidak tercatat dalam bentuk yang dapat diterjemahkan (data dari versi sebelumnya); yang ada hanya catatan asli pemindai dalam bahasa Inggris.';
const tmp = mkdtempSync(join(tmpdir(), 'perisai-facts-'));
let store: Store;
let world: World;
let base: string;
let served: Served | undefined;
let silentId: string;
let oldId: string;
let secondScan: string;

const open = (ip: string, port: number, service?: string): Observation => ({ type: 'port', ip, port, proto: 'tcp', state: 'open', reason: 'syn-ack', ...(service ? { service } : {}) });
const up = (ip: string): Observation => ({ type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0 });

/** A completed scan of Dinkes' network with these ports and observations, finalized by the worker's own step. */
async function scan(ports: number[], observations: Observation[]): Promise<string> {
  const d = world.data.dinkes;
  const job = await createScanJob(store, 'all', { agencyId: d.agencyId, networkId: d.networkId, targets: ['198.18.1.0/24'], ports, profile: 'ransomware', vantage: 'internal', requestedBy: 'uji' });
  await store.scans.setJobStatus('all', job.id, 'running');
  await store.observations.ingestBatch({ jobId: job.id, observations });
  assert.ok(await finalizeJob(store, job.id));
  await new Promise((r) => setTimeout(r, 5)); // distinct finishing times
  return job.id;
}

before(async () => {
  prepareBrowser();
  store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
  world = await seedWorld(store);
  await scan([139, 445, 3389], [
    open(SILENT, 445, 'microsoft-ds'), up(SILENT),
    { type: 'check', ip: SILENT, port: 445, check: 'smbv1', state: 'unknown', reason: TIMEOUT },
    { type: 'check', ip: SILENT, port: 445, check: 'smb-signing', state: 'unknown', reason: SIGNING },
    // The fact as src/engine/checks/host-facts.ts deriveSmbFacts writes it: English reasons and their machine form.
    { type: 'fact', ip: SILENT, fact: 'smb', value: {
      dialects: [], dialectsExact: false, smbv1: null, smb2: null, signing: 'unknown', ports: [{ port: 445, smbv1: 'unknown', reason: TIMEOUT, reasonCode: 'timeout' }],
      smbv1ReasonCodes: [{ protocol: 'smb1', port: 445, code: 'timeout' }],
      signingReasonCodes: [{ protocol: 'smb1', port: 445, code: 'timeout' }, { protocol: 'smb2', note: { code: 'smb2-failed', params: { status: 'io-timeout', step: 'negotiate' } } }],
    } },
    open(OLD, 445, 'microsoft-ds'), up(OLD),
    { type: 'check', ip: OLD, port: 445, check: 'smbv1', state: 'unknown', reason: TIMEOUT },
    { type: 'fact', ip: OLD, fact: 'smb', value: { dialects: [], dialectsExact: false, smbv1: null, signing: 'unknown', ports: [{ port: 445, smbv1: 'unknown', reason: TIMEOUT }] } },
    open(REFUSES, 445, 'microsoft-ds'), up(REFUSES),
    { type: 'check', ip: REFUSES, port: 445, check: 'smbv1', state: 'not-vulnerable', reason: 'the server refused NT LM 0.12 (DialectIndex 0xFFFF): SMBv1 is disabled' },
    { type: 'fact', ip: REFUSES, fact: 'smb', value: { dialects: ['2.0.2', '2.1', '3.1.1'], dialectsExact: true, smbv1: false, signing: 'required' } },
  ]);
  // The same network with 3306 and 5432 added: they answer, but the first scan never asked.
  secondScan = await scan([139, 445, 3306, 3389, 5432], [
    open(SILENT, 445, 'microsoft-ds'), open(SILENT, 3306, 'mysql'), open(SILENT, 5432, 'postgresql'), up(SILENT), open(REFUSES, 445, 'microsoft-ds'), up(REFUSES), open(OLD, 445, 'microsoft-ds'), up(OLD),
  ]);
  silentId = (await store.assets.list('all', { search: SILENT }))[0]!.id;
  oldId = (await store.assets.list('all', { search: OLD }))[0]!.id;
  served = await serve(world.app, store, tmp, { width: 1280, height: 900 });
  base = served.base;
});

after(() => (served !== undefined ? served.close() : rmSync(tmp, { recursive: true, force: true })));

const asUser = (username: string, body: (page: Page) => Promise<void>): Promise<void> => inBrowserAs(served!.context, base, username, PASSWORD, body, { console: true, responses: true });

/** The value cell of the asset detail's fact `label`. */
const fact = (page: Page, label: string) => page.locator('dl.facts > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

test('asset detail and list: unknown SMB facts are a neutral badge with the reason in Indonesian, a real "no" stays "Tidak"', () => asUser('analis', async (page) => {
  await page.goto(`${base}/assets/${silentId}`);
  await page.getByRole('heading', { name: SILENT }).waitFor();
  const smbv1 = fact(page, 'SMBv1').getByRole('button', { name: 'Tidak diketahui' });
  assert.equal(await smbv1.getAttribute('title'), SMBV1_ID);
  assert.equal(await smbv1.getAttribute('aria-expanded'), 'false');
  assert.equal(await fact(page, 'SMBv1').getByRole('note').count(), 0, 'the reason is shown on a tap, not before');
  await smbv1.click();
  const note = fact(page, 'SMBv1').getByRole('note');
  assert.equal((await note.locator('.fact-why').innerText()).trim(), SMBV1_ID);
  // The engine's own sentence is there for whoever compares with the command line, folded and marked English.
  const raw = note.locator('details.raw-note');
  assert.equal((await raw.locator('summary').innerText()).trim(), 'Catatan asli pemindai (bahasa Inggris)');
  assert.equal(await raw.locator('code[lang="en"][data-raw="engine"]').textContent(), `445: ${TIMEOUT}`);
  assert.equal(await fact(page, 'Penandatanganan SMB').getByRole('button').getAttribute('title'), SIGNING_ID);
  await fact(page, 'Penandatanganan SMB').getByRole('button').click();
  assert.equal(await fact(page, 'Penandatanganan SMB').locator('code[lang="en"]').textContent(), SIGNING);
  for (const label of ['Penandatanganan SMB', 'Dialek SMB', 'Sistem operasi']) {
    assert.equal((await fact(page, label).getByRole('button').innerText()).trim(), 'Tidak diketahui', label);
  }
  assert.match(await fact(page, 'Sistem operasi').getByRole('button').getAttribute('title') ?? '', /Belum ada pemindaian yang dapat mengenali sistem operasinya/);
  for (const label of ['SMBv1', 'Penandatanganan SMB', 'Dialek SMB']) {
    assert.equal(await fact(page, label).getByText('Tidak', { exact: true }).count(), 0, `${label}: no "no" for a question nobody answered`);
  }

  // The list: the same badge for the silent host, "Tidak" for the host that refused SMB1.
  await page.goto(`${base}/assets?search=198.18.1.`);
  const row = (ip: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name: ip, exact: true }) });
  await row(SILENT).waitFor();
  assert.equal((await row(SILENT).locator('[data-fact="unknown"]').first().innerText()).trim(), 'Tidak diketahui');
  assert.equal((await row(REFUSES).locator('[data-fact="no"]').innerText()).trim(), 'Tidak');

  // A row stored before reasons had a machine form: "not recorded", the English shown as the engine's raw note.
  await page.goto(`${base}/assets/${oldId}`);
  const old = fact(page, 'SMBv1').getByRole('button', { name: 'Tidak diketahui' });
  await old.waitFor();
  assert.equal(await old.getAttribute('title'), NOT_RECORDED_ID);
  await old.click();
  assert.equal((await fact(page, 'SMBv1').locator('.fact-why').innerText()).trim(), NOT_RECORDED_ID);
  assert.equal(await fact(page, 'SMBv1').locator('code[lang="en"][data-raw="engine"]').textContent(), `445: ${TIMEOUT}`);

  // At phone width the tap still shows why.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${base}/assets/${silentId}`);
  await fact(page, 'SMBv1').getByRole('button', { name: 'Tidak diketahui' }).click();
  await fact(page, 'SMBv1').getByRole('note').waitFor();
  await shot(page, 'asset-facts-unknown');
}));

test('scan page: what the comparison with the previous scan could not compare is said', () => asUser('analis', async (page) => {
  await page.goto(`${base}/scans/${secondScan}`);
  const note = page.getByTestId('scan-not-compared');
  await note.waitFor();
  const text = await note.innerText();
  assert.match(text, /^Tidak dapat dibandingkan/);
  assert.match(text, /port 3306, 5432/);
  assert.equal(await page.getByTestId('scan-changes').count(), 0, 'no change: 3306 and 5432 were never probed before');
  assert.equal(await page.getByText('Tidak ada perubahan.').count(), 1);
}));

test('in English the same reasons read in English', () => asUser('analis', async (page) => {
  await page.evaluate(`localStorage.setItem('perisai.lang', 'en')`);
  try {
    await page.goto(`${base}/assets/${silentId}`);
    await page.getByRole('heading', { name: SILENT }).waitFor();
    assert.equal(await fact(page, 'SMBv1').getByRole('button', { name: 'Unknown' }).getAttribute('title'), 'SMBv1 on port 445: No answer before the deadline.');
    assert.match(await fact(page, 'SMB signing').getByRole('button').getAttribute('title') ?? '', /For SMB2: The SMB2 NEGOTIATE failed at the step .+: /);
  } finally {
    await page.evaluate(`localStorage.removeItem('perisai.lang')`);
  }
}));
