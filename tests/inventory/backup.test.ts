// perisai backup / restore on the embedded SQLite: the snapshot under a concurrent writer is SQLite's
// concern (the manifest, damaged backups and PostgreSQL are in backup-manifest.test.ts, on both dialects).
// The backup is taken while ANOTHER PROCESS keeps writing, and must be a consistent, integrity-checked
// snapshot; restore checks the backup first and refuses a database that is in use unless forced.
import { it, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createStore } from '../../src/store/index.js';
import { backupSqlite, databaseInUse, integrityCheck, restoreSqlite } from '../../src/io/backup.js';
import { isPerisaiError } from '../../src/domain/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const require = createRequire(import.meta.url);
const betterSqlite = require.resolve('better-sqlite3');

/** Contacts in a database file, read without changing a byte of it. */
function contactsIn(path: string): number {
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('select count(*) as n from contacts').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** A child process that inserts contacts as fast as it can until killed; prints "ready" after its first commit. */
function writer(dbPath: string, agencyId: string): ReturnType<typeof spawn> {
  const script = `
    const Database = require(${JSON.stringify(betterSqlite)});
    const db = new Database(${JSON.stringify(dbPath)}, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    const ins = db.prepare("insert into contacts (id, agency_id, name, role, email, phone, whatsapp, is_primary, created_at) values (?, ?, ?, 'pic', 'x@example.go.id', null, null, 0, ?)");
    let i = 0;
    const tick = () => {
      db.transaction(() => { for (let k = 0; k < 50; k++) { i++; ins.run('w' + i, ${JSON.stringify(agencyId)}, 'writer ' + i, new Date().toISOString()); } })();
      if (i === 50) process.stdout.write('ready\\n');
      setImmediate(tick);
    };
    tick();
  `;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe('backup and restore (SQLite)', () => {
  it('backs up a database while another process writes; the copy is consistent and restorable', async () => {
    const db = join(dir, 'live.db');
    const store = await createStore({ url: `sqlite://${db}` });
    const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Pemerintah Kota' });
    for (let i = 0; i < 200; i++) await store.contacts.add('all', city.id, { name: `c${i}`, role: 'pic', email: `c${i}@kota.example.go.id` });
    const child = writer(db, city.id);
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
        child.once('exit', (code) => reject(new Error(`writer exited ${code}`)));
      });
      const copies: string[] = [];
      for (let k = 0; k < 3; k++) {
        const dest = join(dir, `copy${k}.db`);
        await backupSqlite(db, dest);
        copies.push(dest);
      }
      assert.equal(databaseInUse(db), true, 'the writer and the store have it open');
      for (const c of copies) {
        assert.deepEqual(integrityCheck(c), { ok: true, problems: [] });
        const n = contactsIn(c); // read-only: opening a backup as a store would change it, and its checksum
        assert.ok(n >= 250, `the copy holds the committed rows (${n})`);
        assert.equal(n % 50, 0, 'whole writer transactions only (a consistent snapshot)');
      }
      await assert.rejects(backupSqlite(db, copies[0]!), (e: unknown) => isPerisaiError(e, 'E_CONFLICT') && /already exists/.test(e.message));
    } finally {
      child.kill();
      await new Promise((r) => child.once('exit', r));
    }

    // restore: refused while the store is open, allowed with force, then the data is the backup's
    const backup = join(dir, 'copy0.db');
    const inBackup = contactsIn(backup);
    await store.contacts.add('all', city.id, { name: 'after the backup', role: 'pic', email: 'late@kota.example.go.id' });
    await assert.rejects(restoreSqlite(backup, db), (e: unknown) => isPerisaiError(e, 'E_CONFLICT') && /open in another process/.test(e.message));
    await store.close();
    assert.equal(databaseInUse(db), false);
    const restored = await restoreSqlite(backup, db);
    assert.equal(restored.manifest?.sha256.length, 64, 'restored against its manifest\'s checksum');
    // A backup from before manifests: restored on the deep checks alone, and the result says there was no checksum.
    const bare = join(dir, 'bare.db');
    copyFileSync(backup, bare);
    assert.equal((await restoreSqlite(bare, db, { withoutManifest: true })).manifest, undefined);
    const s = await createStore({ url: `sqlite://${db}` });
    const names = (await s.contacts.list('all')).map((c) => c.name);
    assert.equal(names.length, inBackup);
    assert.ok(!names.includes('after the backup'));
    await s.close();
    assert.deepEqual(integrityCheck(db), { ok: true, problems: [] });
  });

  it('refuses to restore a corrupt file or a database that is not Perisai\'s, and leaves the target alone', async () => {
    const db = join(dir, 'target.db');
    const store = await createStore({ url: `sqlite://${db}` });
    await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Pemerintah Kota' });
    await store.close();
    const good = join(dir, 'good.db');
    await backupSqlite(db, good);
    const corrupt = join(dir, 'corrupt.db');
    const bytes = readFileSync(good);
    for (let i = 4096; i < bytes.length; i += 512) bytes[i] = 0xff; // scribble over every page after the header
    writeFileSync(corrupt, bytes);
    await assert.rejects(restoreSqlite(corrupt, db), (e: unknown) => isPerisaiError(e, 'E_VALIDATION') && /manifest .* is missing.*nothing was restored/.test(e.message));
    await assert.rejects(restoreSqlite(corrupt, db, { withoutManifest: true }), (e: unknown) => isPerisaiError(e, 'E_VALIDATION') && /not a sound SQLite database.*nothing was restored/.test(e.message));
    const notOurs = join(dir, 'other.db');
    const Database = require('better-sqlite3') as typeof import('better-sqlite3');
    const o = new Database(notOurs);
    o.exec('create table t (x)');
    o.close();
    await assert.rejects(restoreSqlite(notOurs, db, { withoutManifest: true }), (e: unknown) => isPerisaiError(e, 'E_VALIDATION') && /not a Perisai one/.test(e.message));
    const s = await createStore({ url: `sqlite://${db}` });
    assert.equal((await s.agencies.list('all')).length, 1);
    await s.close();
  });
});
