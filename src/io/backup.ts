// `perisai backup` / `perisai restore` for the embedded SQLite database.
//
// Backup uses `VACUUM INTO` (SQLite ≥ 3.27): it reads the database inside ONE read transaction, so the
// copy is a consistent snapshot even while the running `perisai serve` keeps writing (WAL readers do not
// block the writer, and the writer does not disturb the snapshot). Unlike the page-by-page backup API it
// never restarts when the source changes mid-copy, and the copy comes out compacted. The copy is then
// checked with `PRAGMA integrity_check` before we call it done.
//
// Restore checks the backup first (integrity_check, and that it is a Perisai database), refuses to
// overwrite a database another process has open unless forced, and copies with SQLite's online backup
// API (sqlite3_backup_*), which takes the destination's locks — a plain file copy over a live WAL
// database would corrupt it.
//
// PostgreSQL is backed up with its own tools (pg_dump / pg_restore); the CLI says so.

import { existsSync, statSync, unlinkSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { PerisaiError, validationError } from '../domain/errors.js';

/** `PRAGMA integrity_check` of a database file, opened read-only: 'ok' or the problems it lists. */
export function integrityCheck(path: string): { ok: boolean; problems: string[] } {
  let db: BetterSqlite3.Database | undefined;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    const rows = db.prepare('PRAGMA integrity_check').all() as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    return { ok: problems.length === 0, problems };
  } catch (e) {
    return { ok: false, problems: [(e as Error).message] };
  } finally {
    db?.close();
  }
}

/**
 * Is another connection holding this WAL database open? The last connection to close a WAL database
 * checkpoints it and deletes the -wal file (sqlite.org/wal.html §"Persistence of WAL mode"); if the
 * file survives our own open+close, someone else still has the database open.
 */
export function databaseInUse(path: string): boolean {
  if (!existsSync(path)) return false;
  if (!existsSync(`${path}-wal`)) return false;
  const db = new BetterSqlite3(path, { fileMustExist: true, timeout: 2000 });
  try {
    db.prepare('select count(*) from sqlite_master').get();
  } finally {
    db.close();
  }
  return existsSync(`${path}-wal`);
}

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
}

export async function backupSqlite(source: string, dest: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  if (!existsSync(source)) throw new PerisaiError('E_NOT_FOUND', `database ${source} does not exist`, { what: 'database', id: source });
  if (existsSync(dest)) {
    if (!opts.force) throw new PerisaiError('E_CONFLICT', `${dest} already exists (use --force to replace it)`, { field: 'file' });
    unlinkSync(dest);
  }
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    db.prepare('VACUUM INTO ?').run(dest);
  } catch (e) {
    throw new PerisaiError('E_STORAGE', `backup of ${source} to ${dest} failed: ${(e as Error).message}`, { driverCode: (e as { code?: string }).code }, { cause: e });
  } finally {
    db.close();
  }
  const check = integrityCheck(dest);
  if (!check.ok) throw new PerisaiError('E_STORAGE', `the backup ${dest} fails its integrity check: ${check.problems.slice(0, 5).join('; ')}`);
  return { path: dest, bytes: statSync(dest).size };
}

export async function restoreSqlite(backup: string, target: string, opts: { force?: boolean } = {}): Promise<BackupResult> {
  if (!existsSync(backup)) throw new PerisaiError('E_NOT_FOUND', `backup ${backup} does not exist`, { what: 'backup', id: backup });
  const check = integrityCheck(backup);
  if (!check.ok) throw validationError(`${backup} is not a sound SQLite database (integrity check: ${check.problems.slice(0, 5).join('; ')}); nothing was restored`, { field: 'file' });
  const src = new BetterSqlite3(backup, { readonly: true, fileMustExist: true });
  try {
    const isPerisai = src.prepare("select 1 from sqlite_master where type = 'table' and name in ('kysely_migration', 'agencies')").all().length === 2;
    if (!isPerisai) throw validationError(`${backup} is an SQLite database but not a Perisai one (no agencies / kysely_migration tables); nothing was restored`, { field: 'file' });
    if (!opts.force && databaseInUse(target)) {
      throw new PerisaiError('E_CONFLICT', `${target} is open in another process (perisai serve?); stop it first, or use --force to restore underneath it`, { field: 'file' });
    }
    await src.backup(target);
  } finally {
    src.close();
  }
  const after = integrityCheck(target);
  if (!after.ok) throw new PerisaiError('E_STORAGE', `the restored database ${target} fails its integrity check: ${after.problems.slice(0, 5).join('; ')}`);
  return { path: target, bytes: statSync(target).size };
}
