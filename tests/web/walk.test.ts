// The Indonesian walk: the real `perisai serve` (compiled CLI, fresh SQLite, in-process worker,
// scheduler and alert dispatcher), Debian's Chromium in Indonesian, and every page of the application
// with realistic data, failing on English or raw identifiers that reach the screen (the rules:
// tests/web/walk-rules.ts).
//
// 1. First run: the login page, the forced password change, the empty dashboard's first steps (each
//    turns "done" as the city, an agency, a network and a scan appear — added through the API).
// 2. Data: the project's lab (198.18.0.0/24) scanned through the API twice (ransomware ports, then
//    top 100), a schedule that runs once and one that waits, alert channels (a signed webhook, an
//    SMTP mailbox, a webhook that fails) and rules, accounts of every role, triage of findings.
// 3. The walk, at 1366×768 as every role and at 375×812 as the administrator: every route of
//    web/src/App.tsx (agency, asset and scan detail pages included), the forms' hidden parts opened,
//    every <details> open. Every offending string is reported with its page. Incidents: two reports
//    through the public form on the phone (its pages and the status page judged too), one triaged into
//    an incident worked through the API, one rejected.
// 4. The dashboard: the officer's title is its agency, tiles named by what they count, the trend axis
//    follows the data, no pile of "0" labels on the bars.
// The lab or Chromium missing is a failure, never a skip.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { RULE_PRESETS } from '../../src/alerts/rules.js';
import { AGENCY_KINDS } from '../../src/domain/agency.js';
import { CRITICALITIES } from '../../src/domain/asset.js';
import { CONTACT_ROLES } from '../../src/domain/contact.js';
import { FINDING_DEFINITIONS } from '../../src/domain/finding-signals.js';
import { FINDING_STATUSES, SEVERITIES } from '../../src/domain/finding.js';
import { CHECK_STATES } from '../../src/domain/observation.js';
import { DEFAULT_RISK_RULES, RATINGS, VANTAGES } from '../../src/domain/risk.js';
import { CLOCK_STATES } from '../../src/domain/incident-clocks.js';
import { CLASSIFICATIONS, COUNTERMEASURE_KINDS, EXTERNAL_PARTIES, PHASES, PUBLIC_SERVICES, REGULATORY_KINDS, REPORT_STATUSES, SECTORS, SYMPTOMS, TIMELINE_KINDS } from '../../src/domain/incident.js';
import { PLAYBOOK_ROLES } from '../../src/domain/playbook.js';
import { JOB_STATUSES } from '../../src/domain/scan-job.js';
import { CHECK_IDS } from '../../src/engine/checks/registry.js';
import { ROLES } from '../../src/store/repos/users.js';
import { PROFILES } from '../../src/domain/scan-profile.js';
import { SMTP_PASS, SMTP_USER, startHttp, startSmtp } from '../alerts/receivers.js';
import type { HttpReceiver, SmtpReceiver } from '../alerts/receivers.js';
import { launch, requireChromium, ROOT, shot, watchProblems } from './browser.js';
import { dict, webSrc } from './dictionaries.js';
import { startServe } from './serve.js';
import type { Served } from './serve.js';
import { walkRules } from './walk-rules.js';
import type { SeenText } from './walk-rules.js';

const NEW_PASSWORD = 'kata-sandi-pengelola-uji-jalan';
const USER_PASSWORD = 'sandi-pengguna-kota-uji-42';
const HMAC = 'rahasia-hmac-jalan-9931';

const tmp = mkdtempSync(join(tmpdir(), 'perisai-walk-'));
let served: Served | undefined;
let hook: HttpReceiver;
let failing: HttpReceiver;
let smtp: SmtpReceiver;
let desktop: BrowserContext;
let phone: BrowserContext;

/** Strings people entered and the scanner reported: shown as they are, never judged (with the account `perisai serve` made). */
const data = new Set<string>(['Asia/Jakarta', 'admin', 'Administrator']);
const entered = <T extends string>(s: T): T => {
  data.add(s);
  return s;
};

const ids = {} as {
  city: string; rsud: string; disdik: string; unit: string; network: string; contact: string;
  scans: string[]; assets: { id: string; ip: string }[]; finding: string;
  circular: string; link: string;
  /** Incidents (docs/incidents.md): a report triaged into an incident, a rejected one, the status link, the playbook. */
  report: string; rejected: string; incident: string; statusPath: string; playbook: string;
};

const identifiers = new Map<string, string>();
for (const [kind, list] of [
  ['check id', CHECK_IDS], ['finding rule id', FINDING_DEFINITIONS.map((d) => d.id)], ['risk rule id', DEFAULT_RISK_RULES.map((r) => r.id)],
  ['scan profile', Object.keys(PROFILES)], ['alert rule preset', Object.keys(RULE_PRESETS)], ['alert topic', Object.values(RULE_PRESETS).flatMap((p) => p.topics)],
  ['scan status', JOB_STATUSES], ['finding status', FINDING_STATUSES], ['severity', SEVERITIES], ['risk rating', RATINGS], ['verdict', CHECK_STATES],
  ['vantage', VANTAGES], ['agency kind', AGENCY_KINDS], ['contact role', CONTACT_ROLES], ['criticality', CRITICALITIES], ['role', ROLES],
  ['alert channel kind', ['webhook', 'email', 'telegram']], ['alert delivery status', ['sending', 'sent', 'failed', 'dead']],
  ['SMB signing value', ['required', 'enabled', 'disabled', 'unknown']],
  ['incident phase', PHASES], ['report status', REPORT_STATUSES], ['incident classification', CLASSIFICATIONS], ['sector', SECTORS], ['clock state', CLOCK_STATES],
  ['timeline kind', TIMELINE_KINDS], ['symptom', SYMPTOMS], ['public service', PUBLIC_SERVICES], ['countermeasure kind', COUNTERMEASURE_KINDS],
  ['outside party', EXTERNAL_PARTIES], ['regulatory kind', REGULATORY_KINDS], ['playbook role', PLAYBOOK_ROLES],
] as const) {
  for (const x of list) if (!identifiers.has(x)) identifiers.set(x, kind);
}
const rules = walkRules(dict('id'), dict('en'), identifiers);

before(async () => {
  assert.ok(existsSync('/sys/class/net/plbr0'), 'the lab is down: run `lab/perisai-lab up` (scripts/test-all.sh does) — lab tests never skip');
  requireChromium();
  assert.ok(existsSync(join(ROOT, 'web', 'dist', 'index.html')), 'web/dist is missing: npm run build builds it');
  hook = await startHttp();
  failing = await startHttp();
  failing.respond = () => ({ status: 503, body: '{"error":"sedang pemeliharaan"}' });
  smtp = await startSmtp();
  // Schedules may run every minute here (the walk waits for one): the minimum interval between scheduled
  // scans of a network is lowered from its hour (domain/scan-brakes.ts).
  served = await startServe(join(tmp, 'data'), tmp, ['--tick-ms', '1000', '--schedule-min-interval', '1']);
  desktop = await launch(join(tmp, 'desktop'), { width: 1366, height: 768 });
  phone = await launch(join(tmp, 'phone'), { width: 375, height: 812 });
});

after(async () => {
  await desktop?.close();
  await phone?.close();
  await served?.stop();
  await hook?.close();
  await failing?.close();
  await smtp?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const base = (): string => served!.base;
const serverLog = (): string => `\n  server log (tail): ${served?.log().slice(-2000) ?? ''}`;

/** A JSON API call from the page (its session cookie, the CSRF token from the readable cookie); 2xx or it fails. */
async function call<T>(page: Page, method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const csrf = (await page.context().cookies(base())).find((c) => c.name === 'perisai_csrf')?.value ?? '';
  const r = await page.evaluate(async (a) => {
    const headers: Record<string, string> = { accept: 'application/json', 'x-csrf-token': decodeURIComponent(a.csrf) };
    if (a.body !== null) headers['content-type'] = 'application/json';
    const res = await fetch(`/api/v1${a.path}`, { method: a.method, headers, ...(a.body !== null ? { body: JSON.stringify(a.body) } : {}) });
    return { status: res.status, text: await res.text() };
  }, { method, path, body: body ?? null, csrf });
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path} answered ${r.status}: ${r.text}`);
  return (r.text === '' ? undefined : JSON.parse(r.text)) as T;
}

/** Wait until the page has loaded its data: no request for a while and no "Memuat…" left. */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  const busy = page.locator('[aria-busy="true"]');
  for (let i = 0; (await busy.count()) > 0; i++) {
    assert.ok(i < 300, `${page.url()} still loading after 30 s`);
    await page.waitForTimeout(100);
  }
}

/**
 * Every text people can read on the page now: visible text nodes (an option when its select is shown,
 * an SVG title: a chart mark's tooltip), the attributes people read, the document's title. Evaluated
 * in the page, as text: these tests compile without the DOM's types. Returns SeenText[].
 */
const COLLECT = `(() => {
  const out = [];
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const lang = (el) => el.closest('[lang]')?.getAttribute('lang') || '';
  const where = (el) => {
    const id = el.closest('[data-testid]')?.getAttribute('data-testid');
    return el.tagName.toLowerCase() + (id ? '@' + id : '');
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n !== null; n = walker.nextNode()) {
    const text = (n.nodeValue || '').replace(/\\s+/g, ' ').trim();
    const el = n.parentElement;
    if (text === '' || el === null || el.closest('script, style, noscript') !== null) continue;
    const option = el.closest('option');
    const visible = option !== null ? shown(option.closest('select') || option) : el.closest('svg title') !== null || shown(el);
    if (!visible) continue;
    const code = el.closest('code, pre');
    out.push({ text, inCode: code !== null, codeWhole: code === null ? null : (code.textContent || ''), where: where(el), lang: lang(el) });
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt], [data-label]')) {
    if (!shown(el)) continue;
    for (const a of ['title', 'aria-label', 'placeholder', 'alt', 'data-label']) {
      const v = (el.getAttribute(a) || '').trim();
      if (v !== '') out.push({ text: v, inCode: false, codeWhole: null, where: where(el) + '[' + a + ']', lang: lang(el) });
    }
  }
  out.push({ text: document.title, inCode: false, codeWhole: null, where: 'document title', lang: document.documentElement.lang });
  return out;
})()`;

/** Open every <details> (evidence, the trend's table), as text for the same reason. */
const OPEN_DETAILS = `(() => { for (const d of document.querySelectorAll('details')) d.open = true; })()`;

interface Visit {
  /** How the failure message names the page. */
  readonly name: string;
  readonly path: string;
  /** Interactions that reveal more text (a form opened, a select changed); the page is read after each. */
  readonly acts?: readonly ((page: Page) => Promise<void>)[];
}

/** Read the page (every <details> opened first) and judge what it shows; the offences as lines. */
async function judgePage(page: Page, who: string, name: string): Promise<string[]> {
  await page.evaluate(OPEN_DETAILS);
  await page.waitForTimeout(100);
  await settle(page);
  const texts = await page.evaluate<SeenText[]>(COLLECT);
  assert.ok(texts.length > 3, `${who} ${name}: the page showed almost nothing (${JSON.stringify(texts)})`);
  return rules.judge(texts, data).map((o) => `${who} · ${name} · ${page.url().replace(base(), '')}: ${o.rule} "${o.found}" (${o.what}) in ${o.where}: "${o.text.length > 140 ? `${o.text.slice(0, 140)}…` : o.text}"`);
}

/** Visit every page of `visits` on `page`; every offence as one line, and the paths visited. */
async function walk(page: Page, who: string, visits: readonly Visit[]): Promise<{ offences: string[]; paths: string[] }> {
  const offences: string[] = [];
  const paths: string[] = [];
  for (const v of visits) {
    await page.goto(`${base()}${v.path}`);
    await settle(page);
    paths.push(new URL(page.url()).pathname);
    offences.push(...await judgePage(page, who, v.name));
    for (const act of v.acts ?? []) {
      await act(page);
      await settle(page);
      offences.push(...await judgePage(page, who, v.name));
    }
  }
  return { offences: [...new Set(offences)], paths };
}

/** Log in through the form on a fresh page (no cookies); the dashboard or the password page follows. */
async function logIn(context: BrowserContext, username: string, password: string): Promise<Page> {
  await context.clearCookies();
  const page = await context.newPage();
  await page.goto(`${base()}/`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  return page;
}

/** Close `page` after `body`; on failure, add where the page was, what it showed and the server's log. */
async function on<T>(page: Page, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    const shown = await page.locator('body').innerText({ timeout: 1000 }).catch(() => '(no body)');
    throw new Error(`${(e as Error).message}\n  at page ${page.url()}\n  showing: ${shown.slice(0, 1500)}${serverLog()}`, { cause: e });
  } finally {
    await page.close();
  }
}

/** Fail with every offence, one per line, grouped by page. */
function assertClean(offences: readonly string[], what: string): void {
  assert.equal(offences.length, 0, `${what}: ${offences.length} strings in English or raw identifiers reached the screen in Indonesian:\n  ${[...offences].sort().join('\n  ')}`);
}

/** The first-steps card: step id → done. */
async function steps(page: Page): Promise<Record<string, boolean>> {
  await page.getByTestId('dash-title').waitFor();
  await settle(page);
  const items = page.getByTestId('first-run').locator('li[data-step]');
  const out: Record<string, boolean> = {};
  for (let i = 0; i < await items.count(); i++) out[(await items.nth(i).getAttribute('data-step'))!] = (await items.nth(i).getAttribute('data-done')) === 'true';
  return out;
}

async function waitForScan(page: Page, id: string): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const d = await call<{ job: { status: string; error: string | null } }>(page, 'GET', `/scans/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(d.job.status)) {
      assert.equal(d.job.status, 'completed', `scan ${id}: ${d.job.error ?? ''}${serverLog()}`);
      return;
    }
    assert.ok(Date.now() < deadline, `scan ${id} did not finish within 180 s (${d.job.status})${serverLog()}`);
    await page.waitForTimeout(500);
  }
}

test('first run: login and password pages, then the empty dashboard leads to the first scan step by step', async () => {
  const page = await desktop.newPage();
  const problems = watchProblems(page, { console: true, responses: true });
  await on(page, async () => {
    await page.goto(`${base()}/`);
    await page.getByRole('heading', { name: 'Masuk ke Perisai' }).waitFor();
    const offences = await judgePage(page, 'anonymous', 'login page');
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(served!.oneTime);
    await page.getByRole('button', { name: 'Masuk' }).click();
    await page.getByRole('heading', { name: 'Ganti kata sandi' }).waitFor();
    offences.push(...await judgePage(page, 'admin', 'password change page'));
    await page.getByLabel('Kata sandi saat ini').fill(served!.oneTime);
    await page.getByLabel('Kata sandi baru', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Ulangi kata sandi baru').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Ganti kata sandi' }).click();
    await page.getByText('Kata sandi telah diganti').waitFor();
    offences.push(...await judgePage(page, 'anonymous', 'login page after the password change'));
    await page.getByLabel('Nama pengguna').fill('admin');
    await page.getByLabel('Kata sandi').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Masuk' }).click();

    // Nothing yet: four steps to do, each with its link.
    assert.deepEqual(await steps(page), { city: false, agency: false, network: false, scan: false });
    assert.equal(await page.getByTestId('dash-title').textContent(), 'Dasbor kota');
    const card = page.getByTestId('first-run');
    assert.equal(await card.getByRole('link', { name: 'Tambahkan kota' }).getAttribute('href'), '/agencies');
    assert.equal(await card.getByRole('link', { name: 'Pindai sekarang' }).getAttribute('href'), '/scans');
    offences.push(...await judgePage(page, 'admin', 'empty dashboard'));
    await shot(page, 'dashboard-first-run');

    // The step's link: the agencies page says to start with the city, and its form starts with that kind.
    await card.getByRole('link', { name: 'Tambahkan kota' }).click();
    await page.getByTestId('agencies-empty').waitFor();
    assert.equal(await page.getByTestId('agency-kind').inputValue(), 'city');
    offences.push(...await judgePage(page, 'admin', 'agencies (none yet)'));
    await page.goto(`${base()}/`);

    // The city, then an agency under it, then its network, then a scan: each step turns done.
    ids.city = (await call<{ id: string }>(page, 'POST', '/agencies', { code: entered('PEMKOT-UJI'), name: entered('Pemerintah Kota Uji'), kind: 'city', parentId: null })).id;
    await page.reload();
    assert.deepEqual(await steps(page), { city: true, agency: false, network: false, scan: false });
    ids.rsud = (await call<{ id: string }>(page, 'POST', '/agencies', { code: entered('RSUD-UJI'), name: entered('RSUD Kota Uji'), kind: 'hospital', parentId: ids.city })).id;
    ids.disdik = (await call<{ id: string }>(page, 'POST', '/agencies', { code: entered('DISDIK-UJI'), name: entered('Dinas Pendidikan Kota Uji'), kind: 'opd', parentId: ids.city })).id;
    ids.unit = (await call<{ id: string }>(page, 'POST', '/agencies', { code: entered('RSUD-REKMED'), name: entered('Instalasi Rekam Medis'), kind: 'other', parentId: ids.rsud })).id;
    await page.reload();
    assert.deepEqual(await steps(page), { city: true, agency: true, network: false, scan: false });
    // The network step leads to an agency below the city that has no network yet.
    const networkLink = await card.getByRole('link', { name: 'Daftarkan jaringan' }).getAttribute('href');
    assert.ok([ids.rsud, ids.disdik, ids.unit].some((x) => networkLink === `/agencies/${x}`), networkLink ?? '');
    ids.network = (await call<{ id: string }>(page, 'POST', `/agencies/${ids.rsud}/networks`, { cidr: '198.18.0.0/24', label: entered('LAN RSUD') })).id;
    await page.reload();
    assert.deepEqual(await steps(page), { city: true, agency: true, network: true, scan: false });
    assert.equal(await card.getByRole('link', { name: 'Pindai sekarang' }).getAttribute('href'), `/scans?agencyId=${ids.rsud}`);
    offences.push(...await judgePage(page, 'admin', 'dashboard, three steps done'));

    const first = await call<{ id: string }>(page, 'POST', '/scans', { agencyId: ids.rsud, ports: 'ransomware' });
    await page.reload();
    await page.getByTestId('dash-title').waitFor();
    await settle(page);
    assert.equal(await page.getByTestId('first-run').count(), 0, 'every step done: the card is gone');
    await waitForScan(page, first.id);
    ids.scans = [first.id];
    assertClean(offences, 'first run');
    assert.deepEqual(problems, []);
  });
});

test('realistic data: the lab scanned twice and by a schedule, alerts, accounts, triage', async () => {
  const page = await logIn(desktop, 'admin', NEW_PASSWORD);
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    ids.contact = (await call<{ id: string }>(page, 'POST', `/agencies/${ids.rsud}/contacts`, {
      name: entered('Budi Santoso'), role: 'technical', email: entered('budi.santoso@rsud.kota-uji.go.id'), phone: entered('0812-3456-7890'), whatsapp: null, isPrimary: true,
    })).id;
    await call(page, 'POST', `/agencies/${ids.rsud}/contacts`, { name: entered('Siti Rahmawati'), role: 'head', email: entered('direktur@rsud.kota-uji.go.id'), phone: null, whatsapp: entered('0813-1111-2222'), isPrimary: false });
    for (const [username, displayName, role, agencyId] of [
      ['analis.kota', 'Analis Kota', 'analyst', null], ['petugas.rsud', 'Petugas RSUD', 'officer', ids.rsud], ['petugas.disdik', 'Petugas Disdik', 'officer', ids.disdik],
      ['pimpinan.kota', 'Pimpinan Kota', 'viewer', null],
    ] as const) {
      await call(page, 'POST', '/users', { username: entered(username), displayName: entered(displayName), password: USER_PASSWORD, role, agencyId, mustChangePassword: false });
    }
    await call(page, 'POST', '/users', { username: entered('operator.baru'), displayName: entered('Operator Baru'), password: USER_PASSWORD, role: 'analyst', agencyId: null, mustChangePassword: true });

    // Channels and rules; the triage below raises finding events they deliver (and one channel fails).
    const soc = await call<{ id: string }>(page, 'POST', '/alert-channels', { name: entered('SOC Kota'), kind: 'webhook', config: { url: entered(`${hook.url}/perisai`), secret: HMAC } });
    const mail = await call<{ id: string }>(page, 'POST', '/alert-channels', {
      name: entered('Surel TI Kota'), kind: 'email',
      config: { host: '127.0.0.1', port: smtp.port, security: 'none', from: entered('perisai@kota-uji.go.id'), to: [entered('ti@kota-uji.go.id')], auth: { user: SMTP_USER, pass: SMTP_PASS } },
    });
    const spare = await call<{ id: string }>(page, 'POST', '/alert-channels', { name: entered('Webhook Cadangan'), kind: 'webhook', config: { url: entered(`${failing.url}/cadangan`) } });
    await call(page, 'POST', '/alert-rules', { name: entered('Temuan kritis'), preset: 'critical-finding', channelIds: [soc.id, mail.id] });
    await call(page, 'POST', '/alert-rules', { name: entered('DoublePulsar'), preset: 'doublepulsar', channelIds: [soc.id] });
    await call(page, 'POST', '/alert-rules', { name: entered('SMB/RDP baru'), preset: 'smb-rdp-reachable', channelIds: [soc.id] });
    await call(page, 'POST', '/alert-rules', { name: entered('Perubahan RSUD'), filter: { topics: ['change.*', 'finding.exception', 'finding.resolved'], agencyId: ids.rsud }, channelIds: [spare.id, mail.id] });
    await call(page, 'POST', '/alert-rules', { name: entered('Temuan tinggi RSUD'), filter: { topics: ['finding.*'], agencyId: ids.rsud, minSeverity: 'high', ports: [139, 445] }, channelIds: [mail.id] });

    // A second scan with more ports: changes against the first.
    const second = await call<{ id: string }>(page, 'POST', '/scans', { agencyId: ids.rsud, networkId: ids.network, ports: 'top:100' });
    await waitForScan(page, second.id);
    ids.scans.push(second.id);

    // A schedule that runs at the next whole minute (five cron fields, no seconds), paused after its first run; one that waits.
    const now = await call<{ id: string }>(page, 'POST', '/schedules', { agencyId: ids.rsud, networkId: ids.network, cron: '* * * * *', timeZone: 'Asia/Jakarta', ports: 'smb', profile: 'ransomware' });
    let scheduled: string | undefined;
    for (const deadline = Date.now() + 90_000; scheduled === undefined; await page.waitForTimeout(500)) {
      assert.ok(Date.now() < deadline, `the schedule did not start a scan within 90 s${serverLog()}`);
      scheduled = (await call<{ items: { id: string; scheduleId: string | null }[] }>(page, 'GET', '/scans?limit=20')).items.find((j) => j.scheduleId === now.id)?.id;
    }
    await call(page, 'PATCH', `/schedules/${now.id}`, { enabled: false });
    await waitForScan(page, scheduled);
    ids.scans.push(scheduled);
    for (const j of (await call<{ items: { id: string; scheduleId: string | null; status: string }[] }>(page, 'GET', '/scans?limit=20')).items) {
      if (!ids.scans.includes(j.id)) {
        await waitForScan(page, j.id);
        ids.scans.push(j.id);
      }
    }
    await call(page, 'POST', '/schedules', { agencyId: ids.rsud, cron: '30 1 * * 1-5', timeZone: 'Asia/Jakarta', ports: 'ransomware', profile: 'ports' });

    // What the scanner reported is data, shown as it is.
    const assets = (await call<{ items: { id: string; ip: string; netbiosName: string | null; dnsName: string | null; os: { name?: string; build?: string | null } | null; smb: { dialects?: string[] } | null }[] }>(page, 'GET', '/assets?limit=100')).items;
    assert.ok(assets.length >= 5, `the lab's hosts are assets: ${assets.map((a) => a.ip).join(', ')}`);
    ids.assets = assets.map((a) => ({ id: a.id, ip: a.ip }));
    for (const a of assets) for (const s of [a.netbiosName, a.dnsName, a.os?.name, a.os?.build, ...(a.smb?.dialects ?? [])]) if (typeof s === 'string') data.add(s);
    for (const scan of ids.scans) {
      type Facts = Record<string, unknown> | null | undefined;
      type Host = { hostname: string | null; ports: { service: string | null; banner: string | null }[]; os: Facts; smb: Facts; checks: { evidence: Record<string, Facts> }[] };
      // Names the hosts gave (NetBIOS, DNS, SMB server name), as the host facts and the checks' evidence carry them.
      const names = (os: Facts, smb: Facts) => [os?.['name'], os?.['netbiosName'], os?.['dnsName'], smb?.['serverName']];
      for (const h of (await call<{ items: Host[] }>(page, 'GET', `/scans/${scan}/hosts?limit=500`)).items) {
        const seen = [h.hostname, ...names(h.os, h.smb), ...h.ports.flatMap((p) => [p.service, p.banner]), ...h.checks.flatMap((c) => names(c.evidence['os'], c.evidence['negotiate']))];
        for (const s of seen) if (typeof s === 'string') data.add(s);
      }
    }

    // Triage: acknowledged, assigned, an accepted risk and a false positive.
    const findings = (await call<{ items: { id: string; ruleId: string }[] }>(page, 'GET', `/findings?agencyId=${ids.rsud}&limit=100`)).items;
    assert.ok(findings.length >= 4, `the lab gives findings: ${findings.map((f) => f.ruleId).join(', ')}`);
    const officer = (await call<{ items: { id: string; username: string }[] }>(page, 'GET', '/users')).items.find((u) => u.username === 'petugas.rsud')!;
    ids.finding = findings[0]!.id;
    await call(page, 'POST', `/findings/${findings[0]!.id}/acknowledge`, {});
    await call(page, 'POST', `/findings/${findings[0]!.id}/assign`, { assigneeId: officer.id });
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await call(page, 'POST', `/findings/${findings[1]!.id}/accept-risk`, { reason: entered('Server arsip terisolasi, diganti bulan depan'), expiresAt: until });
    await call(page, 'POST', `/findings/${findings[2]!.id}/false-positive`, { reason: entered('Perangkat uji di laboratorium'), expiresAt: until });

    // The dispatcher has had the messages: deliveries to show, sent and failed.
    for (const deadline = Date.now() + 60_000; ; await page.waitForTimeout(500)) {
      const d = (await call<{ items: { status: string }[] }>(page, 'GET', '/alert-deliveries?limit=50')).items;
      if (d.some((x) => x.status === 'sent') && d.some((x) => x.status === 'failed' || x.status === 'dead')) break;
      assert.ok(Date.now() < deadline, `no sent and failed deliveries within 60 s: ${JSON.stringify(d)}${serverLog()}`);
    }
  });
});

test('circulars: the WannaCry circular sent to two agencies, a link, answers, an emergency campaign with its sweep, a gate decision, a situation report', async () => {
  const page = await logIn(desktop, 'admin', NEW_PASSWORD);
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    const tpl = (await call<{ items: { id: string; key: string; content: Record<string, unknown> }[] }>(page, 'GET', '/circular-templates')).items.find((x) => x.key === 'wannacry-2017')!;
    // The office fills the template's bracketed parts (docs/circulars.md "Templates") before sending.
    const filled = JSON.parse(JSON.stringify(tpl.content).replaceAll('[NAMA KOTA]', entered('Uji')).replaceAll('[ALAMAT KANTOR]', entered('Jalan Merdeka No. 1'))
      .replaceAll('[NAMA KEPALA DINAS]', entered('Dr. Sari Wulandari'))) as Record<string, unknown>;
    // The letter and its checklist are the office's own words (in both languages, edited in the form): data, shown as written.
    const words = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(words) : typeof v === 'object' && v !== null ? Object.values(v).flatMap(words) : []);
    // Line by line too: the walk reads text with its line breaks folded into spaces.
    for (const w of [...words(tpl.content), ...words(filled)].flatMap((x) => [x, ...x.split('\n')])) if (w.trim().length > 12) entered(w.trim());
    const c = await call<{ id: string }>(page, 'POST', '/circulars', { templateId: tpl.id, content: { ...filled, audience: { kind: 'list', agencyIds: [ids.rsud, ids.disdik] } } });
    ids.circular = c.id;
    await call(page, 'POST', `/circulars/${c.id}/send`);
    ids.link = (await call<{ path: string }>(page, 'POST', `/circulars/${c.id}/agencies/${ids.rsud}/links`, {})).path;
    await call(page, 'POST', `/circulars/${c.id}/agencies/${ids.rsud}/acknowledge`, { name: entered('Siti Rahmawati'), position: entered('Direktur RSUD'), phone: null });
    const item = `/circulars/${c.id}/agencies/${ids.rsud}/items`;
    await call(page, 'PUT', `${item}/backup-offline`, { status: 'done', note: entered('Cadangan mingguan ke cakram eksternal') });
    await call(page, 'PUT', `${item}/antivirus`, { status: 'partially', machinesDone: 30, machinesTotal: 42 });
    await call(page, 'PUT', `${item}/eol-windows`, { status: 'cannot', reason: entered('Menunggu anggaran perubahan'), targetDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10) });
    await call(page, 'POST', `${item}/backup-offline/review`, { decision: 'returned', comment: entered('Lampirkan foto cakram cadangan') });
    // The campaign sweeps RSUD's lab network; its scan finishes before the walk.
    const before = new Set((await call<{ items: { id: string }[] }>(page, 'GET', '/scans?limit=50')).items.map((j) => j.id));
    await call(page, 'POST', `/circulars/${c.id}/campaign`, { overrideWindow: true, reason: entered('Serangan aktif di kota tetangga') });
    for (const j of (await call<{ items: { id: string }[] }>(page, 'GET', '/scans?limit=50')).items) {
      if (before.has(j.id)) continue;
      await waitForScan(page, j.id);
      ids.scans.push(j.id);
    }
    await call(page, 'POST', `/circulars/${c.id}/agencies/${ids.disdik}/gate`, { state: 'cleared', override: true, reason: entered('Tidak memiliki jaringan terdaftar; diperiksa langsung') });
    await call(page, 'POST', `/circulars/${c.id}/campaign/sitreps`);
  });
});

/** Report through the public form on the phone (the per-unit link prefills the unit), judging each page; the reference and the status link. */
async function reportOnPhone(name: string, location: string): Promise<{ offences: string[]; reference: string; statusPath: string }> {
  await phone.clearCookies();
  const page = await phone.newPage();
  const problems = watchProblems(page, { console: true, responses: true });
  return on(page, async () => {
    await page.goto(`${base()}/lapor?unit=RSUD-UJI`);
    await page.getByTestId('unit-preset').waitFor();
    const offences = await judgePage(page, 'reporter (375×812)', 'public report form');
    await page.getByTestId('pow-done').waitFor({ timeout: 60_000 });
    await page.getByTestId('report-submit').click();
    offences.push(...await judgePage(page, 'reporter (375×812)', 'public report form, empty submit'));
    const form = page.getByTestId('report-form');
    await form.getByLabel('Layar berisi pesan tebusan').check();
    await form.getByLabel('Pendaftaran/loket').check();
    await form.locator('input[name=location]').fill(entered(location));
    await form.locator('input[name=reporterName]').fill(entered(name));
    await form.locator('input[name=reporterWhatsapp]').fill(entered('0812-3456-7890'));
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-sent').waitFor();
    const reference = entered((await page.getByTestId('report-reference').innerText()).trim());
    const statusPath = (await page.getByTestId('status-link').getAttribute('href'))!;
    data.add(`${base()}${statusPath}`);
    offences.push(...await judgePage(page, 'reporter (375×812)', 'report sent, the card'));
    assert.deepEqual(problems, []);
    return { offences, reference, statusPath };
  });
}

test('incidents: reports through the public form on a phone, triaged into an incident worked through the API; the status page', async () => {
  const first = await reportOnPhone('Siti Rahayu', 'PC loket 2, ruang pendaftaran');
  const second = await reportOnPhone('Budi Santoso', 'PC farmasi');
  const offences = [...first.offences, ...second.offences];
  ids.statusPath = first.statusPath;
  const page = await logIn(desktop, 'admin', NEW_PASSWORD);
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    const queue = (await call<{ items: { id: string; reference: string }[] }>(page, 'GET', '/incident-reports?status=new')).items;
    ids.report = queue.find((r) => r.reference === first.reference)!.id;
    ids.rejected = queue.find((r) => r.reference === second.reference)!.id;
    await call(page, 'POST', `/incident-reports/${ids.rejected}/reject`, { reason: entered('Komputer farmasi hanya kehabisan kertas printer') });
    ids.incident = (await call<{ id: string; number: string }>(page, 'POST', `/incident-reports/${ids.report}/open-incident`, { title: entered('Ransomware di loket pendaftaran RSUD') })).id;
    data.add((await call<{ incident: { number: string } }>(page, 'GET', `/incidents/${ids.incident}`)).incident.number);
    await call(page, 'PATCH', `/incidents/${ids.incident}`, { classification: 'malicious-code:ransomware', severity: 'critical', riskLevel: 'high', vital: true, sector: 'health', personalData: true });
    await call(page, 'POST', `/incidents/${ids.incident}/assets`, { ip: ids.assets[0]!.ip });
    const detail = await call<{ playbooks: { id: string; playbookId: string; title: { id: string } }[] }>(page, 'GET', `/incidents/${ids.incident}`);
    const run = detail.playbooks[0]!;
    ids.playbook = run.playbookId;
    // A playbook is data the CSIRT edits: its editor shows the English texts in their own fields as they are.
    type Bi = { id: string; en: string } | null;
    const pb = (await call<{ definition: { title: Bi; description: Bi; steps: { title: Bi; detail: Bi; evidence: Bi; branches: { when: Bi; do: Bi }[] }[] } }>(page, 'GET', `/playbooks/${ids.playbook}`)).definition;
    for (const x of [pb.title, pb.description, ...pb.steps.flatMap((st) => [st.title, st.detail, st.evidence, ...st.branches.flatMap((b) => [b.when, b.do])])]) if (x !== null && x.en !== '') data.add(x.en);
    await call(page, 'POST', `/incidents/${ids.incident}/steps`, { runId: run.id, stepId: 'csirt-triage', note: entered('Diverifikasi lewat telepon ke IT RSUD') });
    await call(page, 'POST', `/incidents/${ids.incident}/messages`, { text: entered('Tim CSIRT sedang menuju RSUD. Jangan nyalakan komputer itu.') });
    await call(page, 'POST', `/incidents/${ids.incident}/countermeasures`, { kind: 'block-port', target: entered('port 445'), device: entered('firewall inti Diskominfo') });
    await call(page, 'POST', `/incidents/${ids.incident}/regulatory`, { kind: 'bssn-initial', to: entered('CSIRT Kementerian Kesehatan') });
    await call(page, 'POST', `/incidents/${ids.incident}/phase`, { to: 'containment', note: entered('Segmen RSUD diputus dari jaringan kota') });
  });
  // The reporter's status page shows the message and the stage; the rejected one its reason.
  for (const [who, path] of [['Siti', first.statusPath], ['Budi', second.statusPath]] as const) {
    await phone.clearCookies();
    const p = await phone.newPage();
    await on(p, async () => {
      await p.goto(`${base()}${path}`);
      await p.getByTestId('status-page').waitFor();
      offences.push(...await judgePage(p, `reporter ${who} (375×812)`, 'status page'));
    });
  }
  assertClean(offences, 'incident pages of the reporter');
});

/** The pages of the application (every route of web/src/App.tsx) as the administrator. */
function adminVisits(): Visit[] {
  const openFirst = (selector: string, then: string) => async (page: Page) => {
    await page.locator(selector).first().click();
    await page.locator(then).first().waitFor();
  };
  return [
    { name: 'dashboard', path: '/', acts: [async (page) => {
      await page.getByTestId('user-menu').click();
      await page.locator('.menu').waitFor();
    }] },
    { name: 'agencies', path: '/agencies' },
    { name: 'agency (city)', path: `/agencies/${ids.city}` },
    { name: 'agency (hospital, with network and contacts)', path: `/agencies/${ids.rsud}`, acts: [openFirst('[data-testid="contact-edit"]', '[data-testid="contact-edit-form"]')] },
    { name: 'agency (no network)', path: `/agencies/${ids.disdik}` },
    { name: 'agency (unit)', path: `/agencies/${ids.unit}` },
    { name: 'assets', path: '/assets' },
    { name: 'assets of an agency', path: `/assets?agencyId=${ids.rsud}` },
    ...ids.assets.map((a) => ({ name: `asset ${a.ip}`, path: `/assets/${a.id}` })),
    { name: 'findings', path: '/findings', acts: [
      openFirst('[data-action="accept-risk"]', 'form.exception-form'),
      openFirst('[data-action="assign"]', '[data-testid="assign-form"]'),
    ] },
    { name: 'findings, every status', path: `/findings?status=${FINDING_STATUSES.join(',')}&sort=recent` },
    { name: 'findings, critical', path: `/findings?minSeverity=critical&agencyId=${ids.rsud}` },
    { name: 'scans', path: '/scans', acts: [async (page) => {
      await page.getByTestId('scan-form').locator('[name=agencyId]').selectOption(ids.rsud);
      await page.getByTestId('scan-form').locator('[name=networkId] option', { hasText: '198.18.0.0/24' }).waitFor({ state: 'attached' });
    }] },
    ...ids.scans.map((s, i) => ({ name: `scan result ${i + 1}`, path: `/scans/${s}` })),
    { name: 'schedules', path: '/schedules', acts: [async (page) => {
      await page.getByTestId('schedule-form').getByRole('button', { name: 'Simpan jadwal' }).click();
      await page.getByTestId('schedule-form').getByTestId('form-problems').waitFor();
    }] },
    { name: 'alerts', path: '/alerts', acts: [
      async (page) => {
        await page.getByTestId('channel-form').getByRole('button', { name: 'Simpan kanal' }).click();
        await page.getByTestId('channel-form').getByTestId('form-problems').waitFor();
      },
      async (page) => {
        await page.getByTestId('channel-form').locator('[name=kind]').selectOption('email');
        await page.getByTestId('channel-form').locator('[name=host]').waitFor();
      },
      async (page) => {
        await page.getByTestId('channel-form').locator('[name=kind]').selectOption('telegram');
        await page.getByTestId('channel-form').locator('[name=chatId]').waitFor();
      },
      async (page) => {
        await page.getByTestId('rule-form').getByRole('button', { name: 'Simpan aturan' }).click();
        await page.getByTestId('rule-form').getByTestId('form-problems').waitFor();
      },
      async (page) => {
        await page.locator('select[name=deliveryStatus]').selectOption('failed');
        await settle(page);
      },
    ] },
    { name: 'users', path: '/users', acts: [openFirst('tr[data-user="petugas.rsud"] [data-action="reset"]', 'input[name="newPassword"]')] },
    { name: 'circulars', path: '/circulars' },
    { name: 'compose a circular', path: '/circulars/new', acts: [
      async (page) => {
        await page.locator('input[name="audience"][value="level"]').check();
        await page.locator('input[name="agencyKinds"]').first().waitFor();
      },
      async (page) => {
        await page.locator('input[name="audience"][value="list"]').check();
        await page.locator('input[name="agencyIds"]').first().waitFor();
      },
      async (page) => {
        await page.locator('[data-action="add-item"]').click();
        await page.locator('[data-action="save"]').click();
        await page.getByTestId('form-problems').waitFor();
      },
    ] },
    { name: 'circular', path: `/circulars/${ids.circular}`, acts: [openFirst('tr[data-agency="RSUD-UJI"] [data-action="new-link"]', '[data-testid="link-url"]')] },
    { name: 'edit a sent circular', path: `/circulars/${ids.circular}/edit` },
    { name: 'campaign board', path: `/circulars/${ids.circular}/board` },
    { name: 'an agency\'s answers', path: `/circulars/${ids.circular}/agencies/${ids.rsud}` },
    { name: 'an agency without answers', path: `/circulars/${ids.circular}/agencies/${ids.disdik}` },
    { name: 'report cards', path: '/report-cards' },
    { name: 'incidents', path: '/incidents' },
    { name: 'incidents, every phase', path: '/incidents?open=false' },
    { name: 'report queue', path: '/incidents/reports', acts: [async (page) => {
      await page.getByTestId('unit-link').locator('select').selectOption({ index: 1 });
      await page.getByTestId('unit-link-url').waitFor();
    }] },
    { name: 'report queue, every status', path: '/incidents/reports?status=all' },
    { name: 'report (linked)', path: `/incidents/reports/${ids.report}` },
    { name: 'report (rejected)', path: `/incidents/reports/${ids.rejected}` },
    { name: 'incident', path: `/incidents/${ids.incident}`, acts: [openFirst('[data-testid="close-open"]', '[data-testid="close-form"]'), async (page) => {
      await page.getByTestId('close-form').getByRole('button', { name: 'Nyatakan selesai' }).click();
      await page.getByTestId('close-form').getByRole('alert').first().waitFor();
    }] },
    { name: 'incident settings', path: '/incidents/settings' },
    { name: 'playbooks', path: '/playbooks' },
    { name: 'playbook editor', path: `/playbooks/${ids.playbook}` },
    { name: 'new playbook', path: '/playbooks/new', acts: [async (page) => {
      await page.getByTestId('playbook-save').click();
      await page.getByTestId('form-problem').waitFor();
    }] },
    { name: 'page not found', path: '/halaman-yang-tidak-ada' },
  ];
}

/** The route patterns of web/src/App.tsx: `match('/x/:id', path)`, the dashboard's `/`, and paths kept as constants (`X_PATH = '/y'`). */
function routes(): string[] {
  const src = readFileSync(join(webSrc(), 'App.tsx'), 'utf8');
  return [...new Set(['/', ...[...src.matchAll(/match\('([^']+)', path\)|_PATH = '([^']+)'/g)].map((m) => (m[1] ?? m[2])!)])];
}

function matches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.replace(/\/+$/, '').split('/');
  return pattern === '/' ? path === '/' : p.length === s.length && p.every((x, i) => x.startsWith(':') ? s[i] !== '' : x === s[i]);
}

test('walk at 1366×768: every page as admin, analyst, officers and viewer, in Indonesian', async () => {
  const offences: string[] = [];
  const page = await logIn(desktop, 'admin', NEW_PASSWORD);
  const problems = watchProblems(page, { console: true, responses: true });
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    const admin = await walk(page, 'admin', adminVisits());
    // A route without parameters that the list above does not name yet (added later) is visited as it is.
    const rest = routes().filter((r) => !r.includes(':') && !admin.paths.some((p) => matches(r, p)));
    const more = await walk(page, 'admin', rest.map((r) => ({ name: `route ${r}`, path: r })));
    offences.push(...admin.offences, ...more.offences);
    // Every route was visited, and a path no route matches (the 404 page).
    const visited = [...admin.paths, ...more.paths];
    for (const r of routes()) assert.ok(visited.some((p) => matches(r, p)), `the walk visits no page of route ${r} (visited: ${visited.join(' ')})`);
    assert.ok(visited.some((p) => routes().every((r) => !matches(r, p))), 'the walk visits the page-not-found page');
    assert.deepEqual(problems, []);
  });

  for (const [username, visits] of [
    ['analis.kota', [{ name: 'dashboard', path: '/' }, { name: 'schedules', path: '/schedules' }, { name: 'agency', path: `/agencies/${ids.rsud}` }]],
    ['petugas.rsud', [
      { name: 'dashboard', path: '/' }, { name: 'agencies', path: '/agencies' }, { name: 'agency', path: `/agencies/${ids.rsud}` }, { name: 'assets', path: '/assets' },
      { name: `asset ${ids.assets[0]!.ip}`, path: `/assets/${ids.assets[0]!.id}` }, { name: 'findings', path: '/findings' }, { name: 'scans', path: '/scans' },
      { name: 'scan result', path: `/scans/${ids.scans[ids.scans.length - 1]!}` }, { name: 'schedules', path: '/schedules' },
      { name: 'alerts (admin only)', path: '/alerts' }, { name: 'users (admin only)', path: '/users' },
      { name: 'circular inbox', path: '/circulars' }, { name: 'circular', path: `/circulars/${ids.circular}` },
      { name: 'answer form', path: `/circulars/${ids.circular}/agencies/${ids.rsud}` },
      { name: 'incidents', path: '/incidents' }, { name: 'report queue', path: '/incidents/reports' }, { name: 'incident', path: `/incidents/${ids.incident}` },
      { name: 'report', path: `/incidents/reports/${ids.report}` }, { name: 'playbook (read only)', path: `/playbooks/${ids.playbook}` }, { name: 'incident settings (read only)', path: '/incidents/settings' },
    ]],
    ['petugas.disdik', [{ name: 'dashboard (nothing scanned)', path: '/' }, { name: 'assets (none)', path: '/assets' }, { name: 'findings (none)', path: '/findings' }, { name: 'scans (none)', path: '/scans' }, { name: 'schedules (none)', path: '/schedules' }]],
    ['pimpinan.kota', [{ name: 'dashboard', path: '/' }, { name: 'findings', path: '/findings' }, { name: 'agency', path: `/agencies/${ids.rsud}` }, { name: 'scans', path: '/scans' }, { name: 'incident', path: `/incidents/${ids.incident}` }]],
  ] as const satisfies readonly (readonly [string, readonly Visit[]])[]) {
    const p = await logIn(desktop, username, USER_PASSWORD);
    const seen = watchProblems(p, { console: true, responses: true });
    await on(p, async () => {
      await p.getByTestId('dash-title').waitFor();
      offences.push(...(await walk(p, username, visits)).offences);
      assert.deepEqual(seen, [], username);
    });
  }

  // The agency's link page: no account.
  await desktop.clearCookies();
  const anon = await desktop.newPage();
  await on(anon, async () => {
    offences.push(...(await walk(anon, 'link', [{ name: 'link page', path: ids.link }])).offences);
  });

  // The forced password change of a new account.
  const fresh = await logIn(desktop, 'operator.baru', USER_PASSWORD);
  await on(fresh, async () => {
    await fresh.getByRole('heading', { name: 'Ganti kata sandi' }).waitFor();
    offences.push(...await judgePage(fresh, 'operator.baru', 'password change page'));
    await fresh.getByRole('button', { name: 'Ganti kata sandi' }).click();
    offences.push(...await judgePage(fresh, 'operator.baru', 'password change page, empty submit'));
  });
  assertClean(offences, 'walk at 1366×768');
});

test('walk at 375×812: every page as admin, in Indonesian', async () => {
  const page = await logIn(phone, 'admin', NEW_PASSWORD);
  const problems = watchProblems(page, { console: true, responses: true });
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    const visits = adminVisits();
    visits.splice(1, 0, { name: 'navigation menu', path: '/', acts: [async (p) => {
      await p.locator('.nav-toggle').click();
      await p.locator('nav.open').waitFor();
    }] });
    const { offences } = await walk(page, 'admin (375×812)', visits);
    await phone.clearCookies();
    offences.push(...(await walk(page, 'link (375×812)', [{ name: 'link page', path: ids.link }])).offences);
    assertClean(offences, 'walk at 375×812');
    assert.deepEqual(problems, []);
  });
});

test('dashboard: the officer sees its agency, tiles named by what they count, the trend axis follows the data, no pile of zeros', async () => {
  const officer = await logIn(desktop, 'petugas.rsud', USER_PASSWORD);
  await on(officer, async () => {
    await officer.getByTestId('dash-title').waitFor();
    assert.equal(await officer.getByTestId('dash-title').textContent(), 'Dasbor RSUD Kota Uji');
    await settle(officer);
    await shot(officer, 'dashboard-officer');
  });
  // An officer of an agency without a network: who registers it, and the scan step for later.
  const idle = await logIn(desktop, 'petugas.disdik', USER_PASSWORD);
  await on(idle, async () => {
    assert.equal(await idle.getByTestId('dash-title').textContent(), 'Dasbor Dinas Pendidikan Kota Uji');
    assert.deepEqual(await steps(idle), { network: false, scan: false });
    const network = idle.getByTestId('first-run').locator('li[data-step="network"]');
    assert.equal(await network.getByRole('link').count(), 0, 'an officer cannot register networks: no link');
    await network.getByText('Dilakukan oleh admin atau analis kota.').waitFor();
    assert.equal(await idle.getByTestId('first-run').locator('li[data-step="scan"]').getByRole('link', { name: 'Pindai sekarang' }).count(), 1);
  });

  const page = await logIn(desktop, 'admin', NEW_PASSWORD);
  await on(page, async () => {
    await page.getByTestId('dash-title').waitFor();
    await settle(page);
    assert.equal(await page.getByTestId('dash-title').textContent(), 'Dasbor kota');
    assert.equal(await page.locator('[data-metric="smbReachableOutside"] .tile-label').textContent(), 'SMB terjangkau dari luar segmen');
    // The value axis ends at the data's maximum rounded up to its step, not at a fixed 4.
    const trend = await call<{ days: Record<string, number | null>[] }>(page, 'GET', '/dashboard/trend?days=30');
    const max = Math.max(0, ...trend.days.flatMap((d) => ['smbOpen', 'smbReachableOutside', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'].map((m) => d[m] ?? 0)));
    const ticks = (await page.locator('svg.trend-chart > g > text.chart-value').allTextContents()).map(Number);
    assert.equal(ticks[0], 0);
    const top = ticks[ticks.length - 1]!;
    const step = ticks[1]! - ticks[0]!;
    assert.ok(top >= max && top - step < max + (max === 0 ? 1 : 0) && ticks.length <= 5, `axis ${ticks.join(',')} for a maximum of ${max}`);
    // Only today is known (the server records past days hourly): said so, not "no records".
    assert.equal(await page.getByTestId('trend-note').textContent(), 'Baru ada angka hari ini (langsung). Server mencatat angka harian setiap jam, jadi garis tren terbentuk mulai besok.');
    // Bars: a number for every non-zero bar, none for the zeros.
    const bars = page.locator('svg.chart:not(.trend-chart)');
    const labels = await bars.locator('text.chart-value').allTextContents();
    assert.ok(labels.length > 0 && labels.every((x) => x !== '0'), labels.join(' '));
    assert.equal(labels.length, await bars.locator('rect[width]:not([width="0"])').count());
    await shot(page, 'dashboard-after-walk', true);
  });
});
