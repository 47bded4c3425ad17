// SQLite under another process's write lock (src/store/dialect.ts, FairSqliteDriver): better-sqlite3 waits
// out busy_timeout synchronously, holding the whole event loop, so the driver keeps busy_timeout short and
// waits for the lock itself, off the loop, lending the connection to readers between tries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDialect } from '../../src/store/dialect.js';

describe('SQLite under another process\'s write lock', () => {
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');

  it('waits for the lock off the event loop and lends the connection to readers meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perisai-busy-'));
    const path = join(dir, 'p.db');
    const d = openDialect({ kind: 'sqlite', path });
    const other = new Database(path, { timeout: 20 });
    try {
      await sql`create table t (x integer)`.execute(d.db);
      other.exec('begin immediate'); // an import's publish step in another process, say
      const t0 = performance.now();
      const alone = sql`insert into t values (1)`.execute(d.db);
      const inTx = d.db.transaction().execute(async (trx) => sql`insert into t values (2)`.execute(trx));
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const read = await sql<{ n: number }>`select count(*) as n from t`.execute(d.db);
      const readMs = performance.now() - t0;
      await new Promise((r) => setTimeout(r, 300));
      other.exec('commit');
      await Promise.all([alone, inTx]);
      clearInterval(timer);
      assert.equal(read.rows[0]!.n, 0, 'the read ran while both writes waited');
      assert.ok(readMs < 250, `a read waited ${readMs.toFixed(0)} ms behind a busy writer`);
      assert.ok(ticks >= 15, `timers fired ${ticks} times in 300 ms: the event loop was held`);
      const after = await sql<{ n: number }>`select count(*) as n from t`.execute(d.db);
      assert.equal(after.rows[0]!.n, 2, 'both writes landed once the lock was free');
    } finally {
      other.close();
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives up with the busy error after its wait; a statement inside a transaction is never tried again alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perisai-busy-'));
    const path = join(dir, 'p.db');
    const d = openDialect({ kind: 'sqlite', path }, { sqliteBusyWaitMs: 100 });
    const other = new Database(path, { timeout: 20 });
    try {
      await sql`create table t (x integer)`.execute(d.db);
      other.exec('begin immediate');
      const t0 = performance.now();
      await assert.rejects(sql`insert into t values (1)`.execute(d.db), (e: unknown) => String((e as { code?: unknown }).code).startsWith('SQLITE_BUSY'));
      const waited = performance.now() - t0;
      assert.ok(waited >= 100 && waited < 1_000, `waited ${waited.toFixed(0)} ms`);
      other.exec('commit');
    } finally {
      other.close();
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

