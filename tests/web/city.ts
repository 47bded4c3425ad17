// The city a browser test file drives (the API fixture's agencies, accounts and findings: tests/api/fixture.ts),
// served on 127.0.0.1 with the built SPA, and one Chromium context per viewport — set up once before the
// file's tests and removed after them. What the browser tests used to repeat file by file.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { AppDeps } from '../../src/api/app.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { launch, listen, prepareBrowser } from './browser.js';

export interface ServedCity<K extends string> {
  /** The file's temporary directory (the SQLite store, the browser profiles). */
  readonly tmp: string;
  readonly store: Store;
  readonly world: World;
  /** http://127.0.0.1:<port> */
  readonly base: string;
  /** The Chromium contexts, by the names the file gave their viewports. */
  readonly contexts: Readonly<Record<K, BrowserContext>>;
}

/**
 * Register the before/after hooks of a browser test file: a SQLite store under a fresh directory, the API
 * fixture's city (`seed` adds what the file needs before the app listens), the app, and a context per
 * viewport. The object's fields are there once the first test runs (node:test may start a file's root
 * `before` hooks together, so a file copies them in `ready`, not in a hook of its own).
 */
export function servedCity<K extends string>(name: string, viewports: Readonly<Record<K, { width: number; height: number }>>, opts: {
  readonly deps?: Omit<AppDeps, 'store'>;
  readonly seed?: (world: World, store: Store) => Promise<void>;
  /** Called once everything is up (e.g. to copy the fields into the file's own variables). */
  readonly ready?: (city: ServedCity<K>) => void;
} = {}): ServedCity<K> {
  const tmp = mkdtempSync(join(tmpdir(), `perisai-${name}-`));
  const state: { tmp: string; store?: Store; world?: World; base?: string; contexts: Partial<Record<K, BrowserContext>> } = { tmp, contexts: {} };
  before(async () => {
    prepareBrowser();
    state.store = await createStore({ url: `sqlite://${join(tmp, 'perisai.db')}` });
    state.world = await seedWorld(state.store, opts.deps ?? {});
    await opts.seed?.(state.world, state.store);
    state.base = await listen(state.world.app);
    for (const [k, v] of Object.entries(viewports) as [K, { width: number; height: number }][]) state.contexts[k] = await launch(join(tmp, k), v);
    opts.ready?.(city);
  });
  after(async () => {
    for (const c of Object.values(state.contexts) as BrowserContext[]) await c.close();
    await state.world?.app.close();
    await state.store?.close();
    rmSync(tmp, { recursive: true, force: true });
  });
  const ready = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`servedCity(${name}): ${what} is set up before the first test`);
    return v;
  };
  const city: ServedCity<K> = {
    tmp,
    get store() { return ready(state.store, 'the store'); },
    get world() { return ready(state.world, 'the city'); },
    get base() { return ready(state.base, 'the address'); },
    get contexts() { return state.contexts as Record<K, BrowserContext>; },
  };
  return city;
}
