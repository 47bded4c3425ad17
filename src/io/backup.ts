// `perisai backup` / `perisai restore`, one command for both dialects, and backups that prove themselves.
//
// A backup is two files: the data (FILE) and its manifest (FILE.manifest.json): format and version, the
// dialect, the data file's size and SHA-256, the schema version (the migrations it holds), when it was
// made and by which Perisai, and the tables it holds (with their row counts on SQLite).
//
// SQLite: `VACUUM INTO` reads the database inside ONE read transaction, so the copy is a consistent
// snapshot even while `perisai serve` keeps writing (WAL readers do not block the writer), and it never
// restarts when the source changes mid-copy as the page-by-page backup API does. FILE is an SQLite
// database (open it with sqlite3 to look inside).
// PostgreSQL: FILE is `pg_dump --format=custom` (one snapshot of the whole database), restored with
// `pg_restore` piped into ONE `psql --single-transaction`: any error — a damaged block, a JSON value
// PostgreSQL refuses, the schema check at the end — rolls everything back.
//
// Restore proves the backup BEFORE it replaces anything: the manifest must be there (unless the operator
// says --without-manifest for a backup from an older Perisai), the size and SHA-256 must match (a single
// flipped byte is refused), the schema must be one this build knows (a backup from a newer version is
// refused), and then every table is read — SQLite: integrity_check, each table's rows counted against the
// manifest, every JSON value parsed (json_valid); PostgreSQL: pg_restore reads and decompresses every
// table's data once to nowhere first. A damaged backup is refused with a bilingual message and the live
// database is untouched. Restoring into a database another process has open is refused unless forced.
//
// Files at rest: the backup and its manifest are created 0600 (a directory made for them 0700); a
// restored SQLite database is 0600 like the live one (src/store/dialect.ts). The secret key
// (src/store/secrets.ts) is NOT in a backup: keep it separately (docs/deploy.md "Backups").

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { PerisaiError, validationError } from '../domain/errors.js';
import { schemaFacts, writePrivateFile } from '../store/index.js';

export const MANIFEST_FORMAT = 'perisai-backup';

export interface BackupManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly version: 1;
  readonly dialect: 'sqlite' | 'postgres';
  /** The data file's name (beside the manifest). */
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** The last migration applied: the schema version. */
  readonly schemaVersion: string;
  readonly migrations: readonly string[];
  readonly createdAt: string;
  readonly perisaiVersion: string;
  /** Table → rows (SQLite) or null (PostgreSQL: the dump's tables, counted by nobody). */
  readonly tables: Readonly<Record<string, number | null>>;
}

export interface BackupResult {
  readonly path: string;
  readonly bytes: number;
  readonly manifest?: BackupManifest;
}

export interface BackupOptions {
  readonly force?: boolean;
  /** Written into the manifest (src/cli/version.ts). */
  readonly perisaiVersion?: string;
}

export interface RestoreOptions {
  /** Restore underneath a database another process has open. */
  readonly force?: boolean;
  /** A backup from before manifests: restored after the deep checks alone. */
  readonly withoutManifest?: boolean;
}

export function manifestPath(file: string): string {
  return `${file}.manifest.json`;
}

/** A refusal in both languages: what is wrong, and that nothing was restored. */
function damaged(id: string, en: string): PerisaiError {
  return validationError(`${id}; tidak ada yang dipulihkan / ${en}; nothing was restored`, { field: 'file' });
}

async function sha256File(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/** Refuse to overwrite FILE or its manifest unless forced; make the directory (0700) and an empty 0600 file to write into. */
function prepareDest(dest: string, force: boolean | undefined): string {
  for (const f of [dest, manifestPath(dest)]) {
    if (existsSync(f)) {
      if (!force) throw new PerisaiError('E_CONFLICT', `${f} already exists (use --force to replace it)`, { field: 'file' });
    }
  }
  mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
  const tmp = `${dest}.partial-${process.pid}`;
  if (existsSync(tmp)) unlinkSync(tmp);
  closeSync(openSync(tmp, 'wx', 0o600));
  return tmp;
}

/** Move the finished data file in place and write its manifest next to it. */
async function finish(tmp: string, dest: string, m: Omit<BackupManifest, 'format' | 'version' | 'file' | 'bytes' | 'sha256' | 'createdAt' | 'schemaVersion'>): Promise<BackupResult> {
  const { sha256, bytes } = await sha256File(tmp);
  renameSync(tmp, dest);
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT, version: 1, dialect: m.dialect, file: basename(dest), bytes, sha256, schemaVersion: m.migrations[m.migrations.length - 1] ?? '',
    migrations: m.migrations, createdAt: new Date().toISOString(), perisaiVersion: m.perisaiVersion, tables: m.tables,
  };
  writePrivateFile(manifestPath(dest), `${JSON.stringify(manifest, null, 2)}\n`);
  return { path: dest, bytes, manifest };
}

/**
 * The manifest of a backup, checked against the data file (size, SHA-256, dialect); undefined when there
 * is none and `withoutManifest` allows that.
 */
async function checkedManifest(backup: string, dialect: 'sqlite' | 'postgres', withoutManifest: boolean | undefined): Promise<BackupManifest | undefined> {
  if (!existsSync(backup)) throw new PerisaiError('E_NOT_FOUND', `backup ${backup} does not exist`, { what: 'backup', id: backup });
  const mp = manifestPath(backup);
  if (!existsSync(mp)) {
    if (withoutManifest) return undefined;
    throw damaged(`manifes ${basename(mp)} tidak ada di samping cadangan (cadangan dari Perisai lama? pakai --without-manifest)`, `the manifest ${basename(mp)} is missing beside the backup (a backup from an older Perisai? use --without-manifest)`);
  }
  let m: BackupManifest;
  try {
    m = JSON.parse(readFileSync(mp, 'utf8')) as BackupManifest;
  } catch (e) {
    throw damaged(`manifes ${basename(mp)} tidak dapat dibaca`, `the manifest ${basename(mp)} is not readable JSON (${(e as Error).message})`);
  }
  if (m.format !== MANIFEST_FORMAT || m.version !== 1 || typeof m.sha256 !== 'string' || typeof m.bytes !== 'number' || !Array.isArray(m.migrations)) {
    throw damaged(`manifes ${basename(mp)} bukan manifes cadangan Perisai`, `${basename(mp)} is not a Perisai backup manifest`);
  }
  if (m.dialect !== dialect) {
    throw damaged(`cadangan ini dari ${m.dialect}, basis data tujuan ${dialect}`, `this backup is of a ${m.dialect} database and the target is ${dialect}`);
  }
  const actual = await sha256File(backup);
  if (actual.bytes !== m.bytes || actual.sha256 !== m.sha256) {
    throw damaged(
      `cadangan rusak: ukuran atau checksum ${basename(backup)} tidak cocok dengan manifesnya (${actual.bytes} bita, SHA-256 ${actual.sha256.slice(0, 16)}…; manifes: ${m.bytes} bita, ${m.sha256.slice(0, 16)}…)`,
      `the backup is damaged: the size or checksum of ${basename(backup)} does not match its manifest (${actual.bytes} bytes, SHA-256 ${actual.sha256.slice(0, 16)}…; manifest: ${m.bytes} bytes, ${m.sha256.slice(0, 16)}…)`,
    );
  }
  return m;
}

/** The backup's migrations must be ones this build knows (a newer Perisai's backup is refused) and match the manifest. */
function checkMigrations(found: readonly string[], known: readonly string[], m: BackupManifest | undefined): void {
  const unknown = found.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw damaged(`cadangan dibuat oleh Perisai yang lebih baru (migrasi ${unknown.join(', ')} tidak dikenal); perbarui Perisai dulu`, `the backup was made by a newer Perisai (migration ${unknown.join(', ')} unknown here); upgrade first`);
  }
  if (m !== undefined && found.join(',') !== m.migrations.join(',')) {
    throw damaged('versi skema di dalam cadangan tidak sama dengan manifesnya', `the schema in the backup (${found[found.length - 1] ?? 'none'}) is not the one its manifest names (${m.schemaVersion})`);
  }
}

// ---- SQLite ------------------------------------------------------------------------------------------

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

/** The tables of an SQLite Perisai database with their row counts, and its migrations. */
function sqliteFacts(db: BetterSqlite3.Database): { tables: Record<string, number>; migrations: string[] } {
  const names = (db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]).map((r) => r.name);
  const tables: Record<string, number> = {};
  for (const t of names) tables[t] = (db.prepare(`select count(*) as n from "${t.replace(/"/g, '""')}"`).get() as { n: number }).n;
  const migrations = names.includes('kysely_migration') ? (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name) : [];
  return { tables, migrations };
}

export async function backupSqlite(source: string, dest: string, opts: BackupOptions = {}): Promise<BackupResult> {
  if (!existsSync(source)) throw new PerisaiError('E_NOT_FOUND', `database ${source} does not exist`, { what: 'database', id: source });
  const tmp = prepareDest(dest, opts.force);
  try {
    const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true, timeout: 5000 });
    try {
      db.prepare('VACUUM INTO ?').run(tmp);
    } catch (e) {
      throw new PerisaiError('E_STORAGE', `backup of ${source} to ${dest} failed: ${(e as Error).message}`, { driverCode: (e as { code?: string }).code }, { cause: e });
    } finally {
      db.close();
    }
    const check = integrityCheck(tmp);
    if (!check.ok) throw new PerisaiError('E_STORAGE', `the backup ${dest} fails its integrity check: ${check.problems.slice(0, 5).join('; ')}`);
    const copy = new BetterSqlite3(tmp, { readonly: true, fileMustExist: true });
    let facts;
    try {
      facts = sqliteFacts(copy);
    } finally {
      copy.close();
    }
    return await finish(tmp, dest, { dialect: 'sqlite', migrations: facts.migrations, tables: facts.tables, perisaiVersion: opts.perisaiVersion ?? 'unknown' });
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** Everything restore checks in an SQLite backup before it replaces anything; throws the first problem. */
export async function verifySqliteBackup(backup: string, opts: { withoutManifest?: boolean } = {}): Promise<BackupManifest | undefined> {
  const m = await checkedManifest(backup, 'sqlite', opts.withoutManifest);
  const check = integrityCheck(backup);
  if (!check.ok) throw damaged(`${basename(backup)} bukan basis data SQLite yang utuh`, `${backup} is not a sound SQLite database (integrity check: ${check.problems.slice(0, 5).join('; ')})`);
  const schema = await schemaFacts();
  const db = new BetterSqlite3(backup, { readonly: true, fileMustExist: true });
  try {
    const isPerisai = db.prepare("select 1 from sqlite_master where type = 'table' and name in ('kysely_migration', 'agencies')").all().length === 2;
    if (!isPerisai) throw damaged(`${basename(backup)} basis data SQLite, tetapi bukan milik Perisai`, `${backup} is an SQLite database but not a Perisai one (no agencies / kysely_migration tables)`);
    const facts = sqliteFacts(db);
    checkMigrations(facts.migrations, schema.migrations, m);
    if (m !== undefined) {
      for (const [t, n] of Object.entries(m.tables)) {
        if (n !== null && facts.tables[t] !== n) throw damaged(`tabel ${t} di dalam cadangan berisi ${facts.tables[t] ?? 0} baris, manifes mencatat ${n}`, `table ${t} in the backup holds ${facts.tables[t] ?? 0} rows, its manifest says ${n}`);
      }
    }
    // Every stored JSON value must parse: what a flipped byte inside a row breaks, and what the routes that
    // read it later would answer with a 400 (or a dropped connection).
    for (const [table, cols] of schema.jsonColumns) {
      if (facts.tables[table] === undefined) continue;
      for (const col of cols) {
        const bad = db.prepare(`select rowid as id from "${table}" where "${col}" is not null and json_valid("${col}") = 0 limit 1`).get() as { id: number } | undefined;
        if (bad !== undefined) throw damaged(`nilai JSON rusak di tabel ${table}, kolom ${col} (baris ${bad.id})`, `a damaged JSON value in table ${table}, column ${col} (row ${bad.id})`);
      }
    }
  } finally {
    db.close();
  }
  return m;
}

export async function restoreSqlite(backup: string, target: string, opts: RestoreOptions = {}): Promise<BackupResult> {
  const m = await verifySqliteBackup(backup, opts);
  if (!opts.force && databaseInUse(target)) {
    throw new PerisaiError('E_CONFLICT', `${target} is open in another process (perisai serve?); stop it first, or use --force to restore underneath it`, { field: 'file' });
  }
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  if (!existsSync(target)) closeSync(openSync(target, 'a', 0o600));
  const src = new BetterSqlite3(backup, { readonly: true, fileMustExist: true });
  try {
    await src.backup(target);
  } finally {
    src.close();
  }
  for (const f of [target, `${target}-wal`, `${target}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  const after = integrityCheck(target);
  if (!after.ok) throw new PerisaiError('E_STORAGE', `the restored database ${target} fails its integrity check: ${after.problems.slice(0, 5).join('; ')}`);
  return { path: target, bytes: statSync(target).size, ...(m !== undefined ? { manifest: m } : {}) };
}

// ---- PostgreSQL --------------------------------------------------------------------------------------

/** libpq's view of a store URL: the password goes in PGPASSWORD, never on a command line `ps` shows. */
function libpq(url: string): { uri: string; env: NodeJS.ProcessEnv; where: string } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env = { ...process.env, ...(password !== '' ? { PGPASSWORD: password } : {}), PGCONNECT_TIMEOUT: process.env.PGCONNECT_TIMEOUT ?? '10' };
  return { uri: u.toString(), env, where: `${u.protocol}//${u.username}${u.username !== '' ? '@' : ''}${u.host}${u.pathname}` };
}

interface Run {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Run a PostgreSQL client tool; `stdout` to a file descriptor's stream when given. */
function tool(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, out?: NodeJS.WritableStream): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    if (out !== undefined) p.stdout.pipe(out);
    else p.stdout.on('data', (c: Buffer) => chunks.push(c));
    p.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new PerisaiError('E_STORAGE', `${cmd} is not installed: install the PostgreSQL client (Debian: apt-get install postgresql-client)`, { tool: cmd }) : e));
    p.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(chunks), stderr: stderr.trim() }));
  });
}

/** The migrations inside a custom-format dump: the COPY data of kysely_migration, read with pg_restore. */
async function dumpMigrations(file: string): Promise<string[]> {
  const r = await tool('pg_restore', ['--data-only', '--table=kysely_migration', '--file=-', file], process.env);
  if (r.code !== 0) throw damaged(`pg_restore tidak dapat membaca ${basename(file)}`, `pg_restore cannot read ${basename(file)}: ${r.stderr.split('\n')[0] ?? ''}`);
  const lines = r.stdout.toString('utf8').split('\n');
  const start = lines.findIndex((l) => /^COPY public\.kysely_migration /.test(l));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l === '\\.') break;
    out.push(l.split('\t')[0]!);
  }
  return out.sort();
}

/** The tables whose data a dump holds (its table of contents). */
async function dumpTables(file: string): Promise<string[]> {
  const r = await tool('pg_restore', ['--list', file], process.env);
  if (r.code !== 0) throw damaged(`pg_restore tidak dapat membaca daftar isi ${basename(file)}`, `pg_restore cannot read the table of contents of ${basename(file)}: ${r.stderr.split('\n')[0] ?? ''}`);
  return r.stdout.toString('utf8').split('\n').flatMap((l) => {
    const m = / TABLE DATA (\S+) (\S+) /.exec(l);
    return m === null ? [] : [`${m[1]}.${m[2]}`];
  }).sort();
}

export async function backupPostgres(url: string, dest: string, opts: BackupOptions = {}): Promise<BackupResult> {
  const { uri, env, where } = libpq(url);
  const tmp = prepareDest(dest, opts.force);
  try {
    const out = createWriteStream(tmp, { flags: 'r+' });
    const closed = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
    });
    const r = await tool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--dbname=${uri}`], env, out);
    await closed;
    if (r.code !== 0) throw new PerisaiError('E_STORAGE', `pg_dump of ${where} failed (exit ${r.code}): ${r.stderr.split('\n').slice(0, 3).join(' ')}`, { tool: 'pg_dump' });
    const migrations = await dumpMigrations(tmp);
    const tables = Object.fromEntries((await dumpTables(tmp)).map((t) => [t, null]));
    return await finish(tmp, dest, { dialect: 'postgres', migrations, tables, perisaiVersion: opts.perisaiVersion ?? 'unknown' });
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** Everything restore checks in a PostgreSQL dump before it replaces anything; throws the first problem. */
export async function verifyPostgresBackup(backup: string, opts: { withoutManifest?: boolean } = {}): Promise<BackupManifest | undefined> {
  const m = await checkedManifest(backup, 'postgres', opts.withoutManifest);
  const tables = await dumpTables(backup);
  if (!tables.includes('public.kysely_migration') || !tables.includes('public.agencies')) {
    throw damaged(`${basename(backup)} bukan cadangan basis data Perisai`, `${backup} is not a dump of a Perisai database (no agencies / kysely_migration data)`);
  }
  if (m !== undefined) {
    const missing = Object.keys(m.tables).filter((t) => !tables.includes(t));
    if (missing.length > 0) throw damaged(`tabel ${missing.join(', ')} dari manifes tidak ada di dalam cadangan`, `table(s) ${missing.join(', ')} named by the manifest are not in the backup`);
  }
  checkMigrations(await dumpMigrations(backup), (await schemaFacts()).migrations, m);
  // Read (and decompress) every table's data once, to nowhere: a damaged block fails here, not half-way in.
  const r = await tool('pg_restore', ['--file=/dev/null', backup], process.env);
  if (r.code !== 0) throw damaged(`isi ${basename(backup)} rusak`, `the data in ${basename(backup)} is damaged: ${r.stderr.split('\n')[0] ?? ''}`);
  return m;
}

/** Sessions other than ours on the target database (a running `perisai serve`). */
async function otherSessions(uri: string, env: NodeJS.ProcessEnv, where: string): Promise<number> {
  const r = await tool('psql', ['-X', '-A', '-t', '-q', `--dbname=${uri}`, '-c', 'select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'], env);
  if (r.code !== 0) throw new PerisaiError('E_STORAGE', `cannot connect to ${where}: ${r.stderr.split('\n')[0] ?? ''}`, { tool: 'psql' });
  return Number(r.stdout.toString().trim());
}

export async function restorePostgres(backup: string, url: string, opts: RestoreOptions = {}): Promise<BackupResult> {
  const m = await verifyPostgresBackup(backup, opts);
  const { uri, env, where } = libpq(url);
  if (!opts.force && (await otherSessions(uri, env, where)) > 0) {
    throw new PerisaiError('E_CONFLICT', `${where} has other open sessions (perisai serve?); stop them first, or use --force to restore underneath them`, { field: 'file' });
  }
  const migrations = m?.migrations ?? (await dumpMigrations(backup));
  const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;
  // Checked inside the same transaction, after the data is in: anything else rolls the whole restore back.
  const check = `DO $perisai$ BEGIN IF (SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM public.kysely_migration) IS DISTINCT FROM ${literal(migrations.join(','))} THEN RAISE EXCEPTION 'perisai: the restored schema is not the backup''s'; END IF; END $perisai$;\n`;
  const psql = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', `--dbname=${uri}`, '-f', '-'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  let psqlErr = '';
  psql.stderr.on('data', (c: Buffer) => (psqlErr += c.toString()));
  psql.stdin.on('error', () => {}); // psql stopped reading (ON_ERROR_STOP): its exit code tells
  const psqlDone = new Promise<number>((resolve) => psql.on('close', (code) => resolve(code ?? -1)));
  const dump = spawn('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--file=-', backup], { stdio: ['ignore', 'pipe', 'pipe'] });
  let dumpErr = '';
  dump.stderr.on('data', (c: Buffer) => (dumpErr += c.toString()));
  dump.stdout.pipe(psql.stdin, { end: false });
  const dumpCode = await new Promise<number>((resolve) => dump.on('close', (code) => resolve(code ?? -1)));
  if (dumpCode !== 0) {
    // Never let psql reach the end of its input (it would COMMIT what it got): the lost session rolls back.
    psql.kill('SIGKILL');
    await psqlDone;
    throw damaged(`pg_restore gagal membaca ${basename(backup)}`, `pg_restore failed reading ${basename(backup)}: ${dumpErr.trim().split('\n')[0] ?? ''}`);
  }
  psql.stdin.end(check);
  const code = await psqlDone;
  if (code !== 0) {
    throw damaged(`pemulihan ke ${where} gagal dan dibatalkan seluruhnya`, `restoring into ${where} failed and was rolled back entirely: ${psqlErr.trim().split('\n').slice(0, 3).join(' ')}`);
  }
  return { path: where, bytes: statSync(backup).size, ...(m !== undefined ? { manifest: m } : {}) };
}
