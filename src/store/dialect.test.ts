import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { isPerisaiError } from '../domain/errors.js';
import { defaultDataDir, isConnectionLoss, openDialect, parseStoreUrl } from './dialect.js';
import { scopeFilter, inScope } from './scope.js';

describe('store URLs', () => {
  it('parses sqlite and postgres URLs', () => {
    assert.deepEqual(parseStoreUrl('sqlite:///var/lib/perisai/perisai.db'), { kind: 'sqlite', path: '/var/lib/perisai/perisai.db' });
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseStoreUrl('sqlite:data/x.db'), { kind: 'sqlite', path: join(process.cwd(), 'data/x.db') });
    assert.deepEqual(parseStoreUrl('sqlite:///tmp/with%20space.db'), { kind: 'sqlite', path: '/tmp/with space.db' });
    assert.deepEqual(parseStoreUrl('postgresql://u:p@db/perisai'), { kind: 'postgres', url: 'postgresql://u:p@db/perisai' });
    assert.deepEqual(parseStoreUrl(undefined, '/srv/perisai'), { kind: 'sqlite', path: '/srv/perisai/perisai.db' });
    for (const bad of ['mysql://x/y', 'sqlite://relative.db', 'sqlite:///', 'sqlite:']) {
      assert.throws(() => parseStoreUrl(bad), (e) => isPerisaiError(e, 'E_VALIDATION'), bad);
    }
  });

  it('puts the default database under the data directory (PERISAI_DATA_DIR, then XDG)', () => {
    assert.equal(defaultDataDir({ PERISAI_DATA_DIR: '/var/lib/perisai' }), '/var/lib/perisai');
    assert.equal(defaultDataDir({ XDG_DATA_HOME: '/home/u/.data' }), '/home/u/.data/perisai');
    assert.match(defaultDataDir({}), /\.local\/share\/perisai$/);
  });
});

describe('SQLite dialect', () => {
  it('opens with WAL, foreign keys, busy timeout and synchronous=NORMAL, creating the data directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perisai-dialect-'));
    const d = openDialect({ kind: 'sqlite', path: join(dir, 'nested', 'p.db') });
    try {
      const one = async (q: string) => Object.values((await sql.raw(q).execute(d.db)).rows[0] as object)[0];
      assert.equal(await one('pragma journal_mode'), 'wal');
      assert.equal(await one('pragma foreign_keys'), 1);
      assert.equal(await one('pragma busy_timeout'), 20, 'short: a longer wait happens off the event loop');
      assert.equal(await one('pragma synchronous'), 1, 'NORMAL');
      assert.equal(d.bool(true), 1);
      assert.equal(d.fromBool(1), true);
      assert.equal(d.time('2025-06-02T08:00:00+07:00'), '2025-06-02T01:00:00.000Z');
    } finally {
      await d.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps driver errors to codes and leaves programming errors alone', () => {
    const d = openDialect({ kind: 'sqlite', path: ':memory:' });
    const err = (code: string) => Object.assign(new Error(code.toLowerCase()), { code });
    const m = (code: string) => d.mapError(err(code), 'testing');
    assert.ok(isPerisaiError(m('SQLITE_FULL'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('SQLITE_IOERR_WRITE'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('SQLITE_CORRUPT'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('SQLITE_CONSTRAINT_UNIQUE'), 'E_CONFLICT'));
    assert.ok(isPerisaiError(m('SQLITE_CONSTRAINT_CHECK'), 'E_VALIDATION'));
    const bug = new TypeError('x is undefined');
    assert.equal(d.mapError(bug, 'testing'), bug);
    void d.close();
  });
});

describe('PostgreSQL error mapping', () => {
  it('maps SQLSTATE classes (no server needed: mapping only)', async () => {
    const d = openDialect({ kind: 'postgres', url: 'postgres://nobody:secret@127.0.0.1:1/none' });
    const m = (code: string) => d.mapError(Object.assign(new Error(code), { code }), 'testing');
    assert.ok(isPerisaiError(m('53100'), 'E_STORAGE'));
    assert.match((m('53100') as Error).message, /disk is full/);
    assert.ok(isPerisaiError(m('XX001'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('57P01'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('ECONNREFUSED'), 'E_STORAGE'));
    assert.ok(isPerisaiError(m('23505'), 'E_CONFLICT'));
    assert.ok(isPerisaiError(m('40001'), 'E_CONFLICT'));
    assert.ok(isPerisaiError(m('23514'), 'E_VALIDATION'));
    assert.ok(!isPerisaiError(m('42601')), 'a syntax error is a bug, not a storage condition');
    assert.doesNotMatch((m('53100') as Error).message, /secret/, 'the password never appears in messages');
    // A connection that is gone for now (restart, shutdown, refused) is worth waiting for; a full disk or a bug is not.
    for (const c of ['57P01', '57P03', '08006', 'ECONNREFUSED', 'ECONNRESET', 'ENOENT']) assert.ok(isConnectionLoss(m(c)), c);
    assert.ok(isConnectionLoss(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })), 'a raw driver error (pg-boss)');
    assert.ok(isConnectionLoss(d.mapError(new Error('Connection terminated unexpectedly'), 'testing')));
    for (const c of ['53100', '23505', '42601', 'XX001']) assert.ok(!isConnectionLoss(m(c)), c);
    assert.ok(!isConnectionLoss(new Error('boom')));
    await d.close();
  });
});

describe('agency scope', () => {
  it('compiles to a filter; the empty scope matches nothing', () => {
    assert.equal(inScope('all', 'x'), true);
    assert.equal(inScope(new Set(['a']), 'x'), false);
    const d = openDialect({ kind: 'sqlite', path: ':memory:' });
    const compiled = (s: 'all' | Set<string>) => scopeFilter('agency_id', s).compile(d.db).sql;
    assert.equal(compiled('all'), '1 = 1');
    assert.equal(compiled(new Set()), '1 = 0');
    assert.equal(compiled(new Set(['a', 'b'])), '"agency_id" in (?, ?)');
    void d.close();
  });
});
