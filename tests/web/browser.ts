// What the browser tests share: Debian's Chromium driven by playwright-core (missing is a failure, never
// a skip), the built SPA (web/dist, built when absent), the app listening on 127.0.0.1 with an
// ephemeral port, a persistent context in the test's temporary directory, logging in through the form,
// a scenario runner that says where the page was and what it showed when a step fails, and screenshots
// to docs/screenshots/.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';

export const CHROMIUM = '/usr/bin/chromium';
export const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The checkout's root (tests/web from tsx, dist/tests/web compiled). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && (JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'perisai') return dir;
    dir = dirname(dir);
  }
  throw new Error('repository root not found');
}

export const ROOT = repoRoot();
export const SHOTS = join(ROOT, 'docs', 'screenshots');

/** Chromium must be installed: the browser tests fail without it, they never skip. */
export function requireChromium(): void {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install the Debian package "chromium" (the browser tests never skip)`);
}

/** Chromium present, and the SPA built (web/dist) when it is not yet. */
export function prepareBrowser(): void {
  requireChromium();
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** Start the app on 127.0.0.1 (ephemeral port); its base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  assert.ok(addr !== null && typeof addr === 'object');
  return `http://127.0.0.1:${addr.port}`;
}

/** A persistent Chromium context with its profile in `dir` (Indonesian locale); makes docs/screenshots. */
export async function launch(dir: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), { executablePath: CHROMIUM, args: ARGS, viewport, locale: 'id-ID' });
  mkdirSync(SHOTS, { recursive: true });
  return context;
}

/** A served app with a Chromium context for it; `close()` ends both, closes the store and removes the directory. */
export interface Served {
  readonly base: string;
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function serve(app: FastifyInstance, store: { close(): Promise<void> }, dir: string, viewport: { width: number; height: number }): Promise<Served> {
  const base = await listen(app);
  const context = await launch(dir, viewport);
  return {
    base, context,
    close: async () => {
      await context.close();
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** docs/screenshots/`name`.png */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

/**
 * Run a browser scenario on a fresh page without cookies; on failure, add to the error where the page
 * was, what it showed and `more()` (e.g. a server log).
 */
export async function scenario(context: BrowserContext, body: (page: Page) => Promise<void>, more?: () => string): Promise<void> {
  await context.clearCookies();
  const page = await context.newPage();
  try {
    await body(page);
  } catch (e) {
    const text = await page.locator('body').innerText({ timeout: 1000 }).catch(() => '(no body)');
    (e as Error).message += `\n  at page ${page.url()}\n  showing: ${text.slice(0, 1500)}${more === undefined ? '' : more()}`;
    throw e;
  } finally {
    await page.close();
  }
}

/** What a scenario watches besides uncaught page errors. */
export interface Watch {
  /** console errors (other than the browser's own "Failed to load resource") */
  readonly console?: boolean;
  /** responses of 400 and above, as "METHOD status /path", other than GET 401 /api/v1/me and `expected` */
  readonly responses?: boolean;
  readonly expected?: readonly RegExp[];
}

/** Collects what went wrong on `page` while the scenario runs; the scenario asserts it stays empty. */
export function watchProblems(page: Page, watch: Watch = {}): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (watch.console === true) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
  }
  if (watch.responses === true) {
    page.on('response', (r) => {
      const what = `${r.request().method()} ${r.status()} ${new URL(r.url()).pathname}`;
      if (r.status() >= 400 && !/GET 401 \/api\/v1\/me$/.test(what) && !(watch.expected ?? []).some((x) => x.test(what))) problems.push(what);
    });
  }
  return problems;
}

/** Log in through the login form (Indonesian) and wait for the dashboard (the city's, or the user's agency's). */
export async function logIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Nama pengguna').fill(username);
  await page.getByLabel('Kata sandi').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.getByTestId('dash-title').waitFor();
}

/**
 * A scenario logged in as `username`, watching for problems (`watch`); the scenario fails if any
 * happened. `body` gets the list, to check it midway.
 */
export function asUser(context: BrowserContext, base: string, username: string, password: string, body: (page: Page, problems: string[]) => Promise<void>, watch: Watch = {}): Promise<void> {
  return scenario(context, async (page) => {
    const problems = watchProblems(page, watch);
    await logIn(page, base, username, password);
    await body(page, problems);
    assert.deepEqual(problems, []);
  });
}

/**
 * How far the document is wider than the window, and the elements that stick out (outside a scrolling
 * container). Evaluated in the page, as text: these tests compile without the DOM's types.
 */
const MEASURE = `(() => {
  const w = window.innerWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p !== null; p = p.parentElement) if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const culprits = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > w + 1 && !scrolls(el))
    .map((el) => name(el) + ' (right ' + Math.round(el.getBoundingClientRect().right) + ')')
    .slice(0, 8);
  return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w, culprits };
})()`;

export async function overflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  return page.evaluate<{ scrollWidth: number; innerWidth: number; culprits: string[] }>(MEASURE);
}
