// Runs a store test suite on BOTH dialects (Kysely's own pattern: one suite, a list of dialects):
// SQLite on a temporary file, and PostgreSQL on a private server this file starts (pg-server.ts).
// Every test gets a fresh, freshly migrated database. Nothing is ever skipped: if PostgreSQL cannot be
// started, the postgres tests fail with the reason.

import { after, afterEach, describe } from 'node:test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStore } from '../../src/store/index.js';
import type { Store, StoreOptions } from '../../src/store/index.js';
import type { DialectKind } from '../../src/store/dialect.js';
import { startPostgres } from './pg-server.js';
import type { PgServer } from './pg-server.js';

export interface DialectEnv {
  readonly dialect: DialectKind;
  /** A URL to a fresh, empty database. */
  freshUrl(): Promise<string>;
  /** A fresh store (migrated), closed after the test. */
  open(opts?: Omit<StoreOptions, 'url'>): Promise<Store>;
  /** Open another store on an existing URL (closed after the test). */
  reopen(url: string, opts?: Omit<StoreOptions, 'url'>): Promise<Store>;
}

// One secret key for this test process and the CLI processes it starts (src/store/secrets.ts): a
// PostgreSQL store would otherwise keep its key file in the user's default data directory. Tests of the
// key file itself name their own (StoreOptions.secretKeyFile wins over the environment).
process.env.PERISAI_SECRET_KEY ??= randomBytes(32).toString('base64');

let server: Promise<PgServer> | undefined;
let sqliteDir: string | undefined;
let counter = 0;

after(async () => {
  // A server that failed to start has already failed its tests with the reason; nothing to stop then.
  if (server !== undefined) await server.then((s) => s.stop(), () => {});
  if (sqliteDir !== undefined) rmSync(sqliteDir, { recursive: true, force: true });
});

function env(dialect: DialectKind): DialectEnv & { closeAll(): Promise<void> } {
  const open: Store[] = [];
  const freshUrl = async (): Promise<string> => {
    counter++;
    if (dialect === 'sqlite') {
      sqliteDir ??= mkdtempSync(join(tmpdir(), 'perisai-sqlite-'));
      return `sqlite://${join(sqliteDir, `t${process.pid}_${counter}.db`)}`;
    }
    server ??= startPostgres();
    return (await server).createDatabase(`t${counter}`);
  };
  const reopen = async (url: string, opts: Omit<StoreOptions, 'url'> = {}): Promise<Store> => {
    const s = await createStore({ ...opts, url });
    open.push(s);
    return s;
  };
  return {
    dialect,
    freshUrl,
    reopen,
    open: async (opts = {}) => reopen(await freshUrl(), opts),
    async closeAll() {
      for (const s of open.splice(0)) await s.close();
    },
  };
}

/** Declare `body` once; it runs under describe('sqlite') and describe('postgres'). */
export function storeSuite(name: string, body: (env: DialectEnv) => void): void {
  describe(name, () => {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      describe(dialect, () => {
        const e = env(dialect);
        afterEach(() => e.closeAll());
        body(e);
      });
    }
  });
}

/** A clock tests can move. */
export function testClock(start = '2025-06-02T01:00:00.000Z'): { now: () => Date; set(iso: string): void; advance(ms: number): void } {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    set: (iso) => void (t = Date.parse(iso)),
    advance: (ms) => void (t += ms),
  };
}
