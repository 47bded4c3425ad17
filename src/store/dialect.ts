// THE place that knows which database is underneath (after Kysely's own Dialect /
// DialectAdapter split). Repositories never branch on the dialect; everything that differs goes through
// the StoreDialect below:
//
//   concern            SQLite (better-sqlite3 12, embedded default)      PostgreSQL (pg 8, large sites)
//   ----------------   ------------------------------------------------  ---------------------------------------
//   location           sqlite:///abs/path.db, default under a data dir   postgres://user@host:port/db
//   connection         one connection, Kysely serialises queries         pg.Pool (default 10 connections)
//   pragmas            WAL, synchronous=NORMAL, foreign_keys=ON,          —
//                      busy_timeout=20 (a lock held longer is waited
//                      for off the event loop, up to 5 s: FairSqliteDriver)
//   transactions       BEGIN IMMEDIATE (take the write lock up front,   BEGIN (READ COMMITTED) + advisory locks
//                      no SQLITE_BUSY on a read→write upgrade)           for check-then-insert sections
//   transactional DDL  yes (SQLite has it; Kysely's adapter says no,     yes
//                      so migrations would not be atomic — overridden)
//   booleans           integer 0/1                                       boolean
//   JSON columns       text                                              jsonb (returned as text by our parser)
//   timestamps         ISO-8601 text (sortable as text)                  timestamptz (returned as ISO text)
//   int8               numbers                                           numbers (parser refuses > 2^53)
//   address keys       text, BINARY collation                           text COLLATE "C" (byte order, not locale)
//   text search        LIKE (ASCII case-insensitive) ESCAPE '\'          ILIKE ESCAPE '\'
//   JSON array member  EXISTS (SELECT 1 FROM json_each(col) …)           col @> '["x"]'::jsonb
//   row claiming       plain UPDATE (single writer)                      SELECT … FOR UPDATE SKIP LOCKED
//   bulk observations  one prepared INSERT run per row inside the        INSERT … SELECT FROM unnest($1::text[], …)
//                      transaction (~µs per row, no SQL text building)   (10 parameters whatever the batch size)
//   upsert / ignore    INSERT … ON CONFLICT (…) DO NOTHING / DO UPDATE — same syntax on both (SQLite ≥ 3.24)
//   RETURNING          supported (SQLite ≥ 3.35) — same on both
//   change tokens      a change_counters row per topic, advanced by     statement triggers NOTIFY the topic; one
//   (memo.ts)          row triggers in the writing transaction           LISTEN client counts (migration 0015)
//   connection queue   first come, first served, a turn of the event    pg.Pool's own queue
//                      loop apart, a turn every 10 ms inside a holder
//                      (FairSqliteDriver)
//   errors             SqliteError.code (SQLITE_FULL, SQLITE_CORRUPT …)  SQLSTATE (53100 disk_full, XX001 …)
//                      → PerisaiError codes, see mapError
//   files at rest      the database file created 0600 before SQLite       the server's own (initdb: 0700 data
//                      opens it (SQLite gives -wal/-shm the database's    directory)
//                      mode), a directory it creates 0700; an existing
//                      file readable by others is tightened

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteAdapter, SqliteDialect, SqliteDriver, sql } from 'kysely';
import type { ColumnDataType, CompiledQuery, QueryResult, DatabaseConnection, DialectAdapter, Driver, Expression, RawBuilder, SelectQueryBuilder, SqliteDatabase, SqliteDialectConfig, SqliteStatement } from 'kysely';
import { PerisaiError, isPerisaiError, validationError } from '../domain/errors.js';
import type { Database, Json, SqlBool, Time } from './schema.js';

export type DialectKind = 'sqlite' | 'postgres';

export type StoreLocation = { readonly kind: 'sqlite'; readonly path: string } | { readonly kind: 'postgres'; readonly url: string };

/**
 * Where the embedded database lives when no URL is given: $PERISAI_DATA_DIR, else
 * $XDG_DATA_HOME/perisai, else ~/.local/share/perisai (XDG Base Directory Specification). A systemd
 * unit sets PERISAI_DATA_DIR=/var/lib/perisai (StateDirectory=perisai).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PERISAI_DATA_DIR) return resolve(env.PERISAI_DATA_DIR);
  if (env.XDG_DATA_HOME) return join(resolve(env.XDG_DATA_HOME), 'perisai');
  return join(homedir(), '.local', 'share', 'perisai');
}

/**
 * Parse a store URL: `sqlite:///abs/path.db` (three slashes: empty host, absolute path), `sqlite:rel.db`
 * (relative to the working directory), `sqlite::memory:`, `postgres://…` / `postgresql://…`. No URL means
 * SQLite at <data dir>/perisai.db.
 */
export function parseStoreUrl(url: string | undefined, dataDir?: string): StoreLocation {
  if (url === undefined || url.trim() === '') return { kind: 'sqlite', path: join(dataDir ?? defaultDataDir(), 'perisai.db') };
  const u = url.trim();
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (/^sqlite:/i.test(u)) {
    let rest = u.slice('sqlite:'.length);
    if (rest === ':memory:') return { kind: 'sqlite', path: ':memory:' };
    if (rest.startsWith('//')) {
      rest = rest.slice(2);
      if (!rest.startsWith('/')) {
        throw validationError(`store URL ${JSON.stringify(url)}: use sqlite:///absolute/path.db (three slashes) or sqlite:relative/path.db`, { field: 'url' });
      }
    }
    const path = decodeURIComponent(rest.replace(/[?#].*$/, ''));
    if (path === '' || path.endsWith('/')) throw validationError(`store URL ${JSON.stringify(url)} names no database file`, { field: 'url' });
    return { kind: 'sqlite', path: resolve(path) };
  }
  throw validationError(`store URL ${JSON.stringify(url)}: expected sqlite:///path/file.db or postgres://…`, { field: 'url' });
}

/** One observation row as the bulk path writes it (see observation repo). */
export interface ObservationRow {
  readonly job_id: string;
  readonly task_id: string | null;
  readonly ip: string;
  readonly kind: string;
  readonly port: number;
  readonly key: string;
  readonly state: string;
  readonly reason: string | null;
  readonly data: Json | null;
  readonly observed_at: Time;
}

export interface ColumnTypes {
  readonly bool: ColumnDataType;
  readonly json: ColumnDataType;
  readonly time: ColumnDataType;
  readonly bigint: ColumnDataType;
  /** Text compared byte-wise (address keys). */
  readonly key: ColumnDataType | Expression<unknown>;
}

export interface StoreDialect {
  readonly kind: DialectKind;
  readonly db: Kysely<Database>;
  /** A human-readable location without credentials, for messages. */
  readonly where: string;
  readonly types: ColumnTypes;
  /** Safe number of bound parameters per statement (SQLite: SQLITE_MAX_VARIABLE_NUMBER 32766; PostgreSQL: 65535). */
  readonly maxParameters: number;
  /** Whether `autoIncrement` ids need SQLite's AUTOINCREMENT or PostgreSQL's identity. */
  autoId(): { readonly type: ColumnDataType; readonly identity: 'autoincrement' | 'identity' };
  bool(v: boolean): SqlBool;
  fromBool(v: SqlBool | null | undefined): boolean;
  json(v: unknown): Json;
  fromJson<T>(v: Json | null | undefined): T | null;
  time(v: string | Date): Time;
  /** Case-insensitive substring match, with LIKE wildcards in `needle` taken literally. */
  textContains(column: string, needle: string): RawBuilder<SqlBool>;
  /** A JSON array column contains the string `value`. */
  jsonArrayContains(column: string, value: string): RawBuilder<SqlBool>;
  /**
   * Serialise a check-then-write section across processes, inside a transaction: PostgreSQL takes a
   * transaction-scoped advisory lock; SQLite already holds the single write lock (BEGIN IMMEDIATE).
   */
  lock(trx: Kysely<Database>, name: string): Promise<void>;
  /** Claim rows without waiting on rows other workers hold (PostgreSQL); SQLite has one writer. */
  skipLocked<DB, TB extends keyof DB, O>(qb: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /** Bulk insert observations, ignoring rows whose idempotency key exists; returns rows inserted. Call inside a transaction. */
  insertObservations(trx: Kysely<Database>, rows: readonly ObservationRow[]): Promise<number>;
  /**
   * Periodic maintenance (the scheduler runs it nightly, and after bulk loads): refresh planner
   * statistics — SQLite `PRAGMA optimize` (SQLite docs recommend it periodically), PostgreSQL
   * `VACUUM (ANALYZE)` of the busy tables, which also sets the visibility map that index-only scans
   * (findings counts) rely on. Autovacuum gets there too, eventually.
   */
  maintain(db: Kysely<Database>): Promise<void>;
  /**
   * After secrets in `table` were sealed (src/store/secrets.ts): make the replaced plain text go from the
   * files, not only from the rows. SQLite zeroes freed cell space as it writes (secure_delete = FAST, set
   * at open) and here checkpoints and truncates the WAL, whose older frames still hold the old pages;
   * PostgreSQL rewrites the table (VACUUM FULL), leaving no dead row version behind. Outside a transaction.
   */
  eraseReplaced(db: Kysely<Database>, table: 'alert_channels'): Promise<void>;
  /**
   * Make every committed write to the watched tables advance their topic's change token (migration 0015).
   * SQLite: a row per topic in `change_counters`, advanced by row triggers inside the writing transaction,
   * so the token commits with the data whichever process writes. PostgreSQL: statement triggers that
   * NOTIFY the topic — delivered at commit, without a row every writer would have to lock — to the
   * listener changeToken keeps open.
   */
  watchChanges(db: Kysely<unknown>, topics: Readonly<Record<string, readonly WatchedTable[]>>): Promise<void>;
  /** Undo watchChanges (a migration's down). */
  unwatchChanges(db: Kysely<unknown>, topics: Readonly<Record<string, readonly WatchedTable[]>>): Promise<void>;
  /**
   * A token that differs after every committed write to the topic's tables (src/store/memo.ts). Undefined
   * when the store cannot tell right now (PostgreSQL: the listener is not connected): then nothing is
   * answered from memory.
   */
  changeToken(topic: string): Promise<string | undefined>;
  /** Translate a driver error into a PerisaiError (non-driver errors are returned unchanged). */
  mapError(e: unknown, action: string): unknown;
  close(): Promise<void>;
}

/** A table whose writes advance a change topic; `columns`: only updates of these count (all when absent). */
export interface WatchedTable {
  readonly table: string;
  readonly columns?: readonly string[];
}

/** Names that go into trigger DDL as identifiers: code constants, checked anyway. */
function ident(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${JSON.stringify(name)}`);
  return name;
}

function watchedEntries(topics: Readonly<Record<string, readonly WatchedTable[]>>): { topic: string; table: string; columns: readonly string[] | undefined }[] {
  return Object.entries(topics).flatMap(([topic, tables]) => tables.map((t) => ({ topic: ident(topic), table: ident(t.table), columns: t.columns?.map(ident) })));
}

export interface DialectOptions {
  /** Extra SQLite pragmas applied after the defaults, e.g. { max_page_count: 5000 } (tests cap the file size). */
  readonly sqlitePragmas?: Readonly<Record<string, string | number>>;
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** How long a SQLite statement waits for another process's write lock (ms, default 5,000; tests shorten it). */
  readonly sqliteBusyWaitMs?: number;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function parseJson<T>(v: Json | null | undefined): T | null {
  return v === null || v === undefined ? null : (JSON.parse(v) as T);
}

function toTime(v: string | Date): Time {
  const t = typeof v === 'string' ? Date.parse(v) : v.getTime();
  if (Number.isNaN(t)) throw validationError(`time ${JSON.stringify(v)} is not ISO-8601`, { field: 'time' });
  return new Date(t).toISOString();
}

// ---- SQLite ------------------------------------------------------------------------------------------

const NOOP_STATEMENT: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

/**
 * What Kysely's SQLite driver talks to: better-sqlite3 with three adjustments.
 *  - Prepared statements are cached by SQL text (Kysely prepares on every call; preparing is most of
 *    the cost of a small query).
 *  - `begin` becomes `begin immediate`: a deferred transaction that reads and then writes can fail at
 *    once with SQLITE_BUSY when another process (a CLI next to `serve`) writes meanwhile, whatever
 *    busy_timeout says (SQLite docs, "BEGIN TRANSACTION": deferred transactions and SQLITE_BUSY).
 *  - `rollback` is skipped when SQLite already rolled the transaction back by itself — it does so on
 *    SQLITE_FULL, SQLITE_IOERR, SQLITE_BUSY and SQLITE_NOMEM ("Response To Errors Within A Transaction")
 *    — so that the caller sees the original error (disk full) rather than "no transaction is active".
 */
class SqliteHandle implements SqliteDatabase {
  readonly raw: BetterSqlite3.Database;
  readonly #cache = new Map<string, BetterSqlite3.Statement>();

  constructor(raw: BetterSqlite3.Database) {
    this.raw = raw;
  }

  prepare(text: string): SqliteStatement {
    if (text === 'begin') text = 'begin immediate';
    else if (text === 'rollback' && !this.raw.inTransaction) return NOOP_STATEMENT;
    let stmt = this.#cache.get(text);
    if (stmt === undefined) {
      stmt = this.raw.prepare(text);
      if (this.#cache.size >= 500) this.#cache.clear();
      this.#cache.set(text, stmt);
    }
    return stmt as unknown as SqliteStatement;
  }

  close(): void {
    this.#cache.clear();
    this.raw.close();
  }
}

/** SQLite does have transactional DDL; with it, Kysely's Migrator runs each batch of migrations atomically. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** The longest a holder of the SQLite connection runs statements back to back before the event loop gets a turn. */
const SQLITE_SLICE_MS = 10;

/**
 * How long a statement waits for another process's write lock, tried again off the event loop
 * (FairSqliteDriver); busy_timeout itself is kept short because better-sqlite3 waits it out synchronously.
 */
const SQLITE_BUSY_WAIT_MS = 5_000;
const SQLITE_BUSY_TIMEOUT_MS = 20;

/** One turn of the event loop: sockets are read and timers fire before the caller goes on. */
const loopTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The one connection, handed out first come, first served, each holder a turn of the event loop after
 * the previous one. better-sqlite3 runs every statement synchronously, so the event loop only breathes
 * where this driver lets it:
 *  - Kysely's own mutex wakes EVERY waiter on each release (they all await one promise and re-check), in
 *    microtasks: with 200 requests waiting on a dashboard's queries that is quadratic work, and none of it
 *    lets the loop reach its I/O phase — a health probe stalled for seconds (tests/api/bench-load.ts). Here a
 *    release wakes exactly the next waiter, through setImmediate.
 *  - A free connection is taken a loop turn later too: otherwise every request whose socket is read in one
 *    poll phase runs all its statements before the next socket is even looked at (200 findings pages back to
 *    back held the loop for half a second).
 *  - A holder that runs statements for more than SQLITE_SLICE_MS (a transaction writing a scan's findings,
 *    an import) gives the loop a turn between two of its statements; nobody else can use the connection
 *    meanwhile, but health probes, timers and requests that need no database are answered.
 * A single statement's own time is still the longest the loop can be held.
 */
class FairSqliteDriver extends SqliteDriver {
  readonly #waiting: (() => void)[] = [];
  readonly #raw: BetterSqlite3.Database;
  #held = false;
  #since = 0;
  /** The holder began a transaction (a statement failing inside it is never tried again alone). */
  #inTx = false;

  readonly #busyWaitMs: number;

  constructor(config: SqliteDialectConfig, raw: BetterSqlite3.Database, busyWaitMs: number) {
    super(config);
    this.#raw = raw;
    this.#busyWaitMs = busyWaitMs;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#held) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#held = true;
      await loopTurn();
    }
    this.#since = performance.now();
    this.#inTx = false;
    const connection = await super.acquireConnection();
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        if (performance.now() - this.#since > SQLITE_SLICE_MS) {
          await loopTurn();
          this.#since = performance.now();
        }
        const text = query.sql.trim().toLowerCase();
        const started = performance.now();
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await connection.executeQuery<R>(query);
            if (text === 'begin') this.#inTx = true;
            else if (text === 'commit' || text === 'rollback') this.#inTx = false;
            return r;
          } catch (e) {
            // Nothing was done when a statement outside a transaction (or the `begin` itself) meets
            // another process's write lock: wait for it here, off the event loop, instead of in
            // busy_timeout, which better-sqlite3 spends blocking the whole process (an import's publish
            // step in a CLI next to `serve` stalled every health probe for five seconds).
            const busy = (e as { code?: unknown })?.code;
            const retryable = typeof busy === 'string' && busy.startsWith('SQLITE_BUSY') && !this.#inTx && !this.#raw.inTransaction;
            if (!retryable || performance.now() - started > this.#busyWaitMs) throw e;
            await this.#lendConnection(Math.min(100, 5 * 2 ** attempt));
          }
        }
      },
      streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
    };
  }

  /** Between two tries of a busy statement, the next holder in line runs (it may only need to read). */
  async #lendConnection(ms: number): Promise<void> {
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
    const next = this.#waiting.shift();
    if (next === undefined) return;
    await super.releaseConnection();
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      setImmediate(next);
    });
    await super.acquireConnection();
    this.#since = performance.now();
  }

  override async releaseConnection(): Promise<void> {
    this.#inTx = false;
    await super.releaseConnection();
    const next = this.#waiting.shift();
    if (next === undefined) this.#held = false;
    else setImmediate(next); // still held: the turn passes to `next`, nobody can overtake it
  }
}

class PerisaiSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  readonly #raw: BetterSqlite3.Database;
  readonly #busyWaitMs: number;
  constructor(config: SqliteDialectConfig, raw: BetterSqlite3.Database, busyWaitMs: number) {
    super(config);
    this.#config = config;
    this.#raw = raw;
    this.#busyWaitMs = busyWaitMs;
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
  override createDriver(): Driver {
    return new FairSqliteDriver(this.#config, this.#raw, this.#busyWaitMs);
  }
}

const SQLITE_STORAGE: Record<string, string> = {
  SQLITE_FULL: 'the database or disk is full',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not an SQLite database (or is corrupt)',
  SQLITE_CANTOPEN: 'the database file cannot be opened',
  SQLITE_IOERR: 'an I/O error occurred on the database file',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_PERM: 'permission denied on the database file',
  SQLITE_BUSY: 'the database is locked by another process for longer than busy_timeout',
  SQLITE_LOCKED: 'the database table is locked',
  SQLITE_NOMEM: 'SQLite ran out of memory',
  SQLITE_PROTOCOL: 'the database locking protocol failed',
};

function mapSqliteError(e: unknown, action: string, where: string): unknown {
  if (isPerisaiError(e)) return e;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const message = (e as Error).message;
  const base = Object.keys(SQLITE_STORAGE).find((k) => code === k || code.startsWith(`${k}_`));
  if (base !== undefined) {
    const hint =
      base === 'SQLITE_FULL' ? ' Free disk space (or raise the size limit) and retry.'
      : base === 'SQLITE_CORRUPT' || base === 'SQLITE_NOTADB' ? ' Restore the last backup (perisai restore); do not write to this file.'
      : '';
    return new PerisaiError(
      'E_STORAGE',
      `storage error while ${action}: ${SQLITE_STORAGE[base]} (${code}: ${message}) at ${where}. The transaction was rolled back; data committed before it is intact.${hint}`,
      { dialect: 'sqlite', driverCode: code, action },
      { cause: e },
    );
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    if (/UNIQUE|PRIMARYKEY/.test(code)) return new PerisaiError('E_CONFLICT', `conflict while ${action}: ${message}`, { dialect: 'sqlite', driverCode: code, action }, { cause: e });
    if (/FOREIGNKEY/.test(code)) return new PerisaiError('E_CONFLICT', `conflict while ${action}: a referenced row is missing or the row is still referenced (${message})`, { dialect: 'sqlite', driverCode: code, action }, { cause: e });
    return new PerisaiError('E_VALIDATION', `invalid data while ${action}: ${message}`, { dialect: 'sqlite', driverCode: code, action }, { cause: e });
  }
  return new PerisaiError('E_STORAGE', `storage error while ${action}: ${message} (${code}) at ${where}`, { dialect: 'sqlite', driverCode: code, action }, { cause: e });
}

/** Owned by us and readable or writable by others: take the group and other bits away. */
function tighten(path: string, mode: number): void {
  if (!existsSync(path)) return;
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(path, mode);
}

/**
 * The data directory of the embedded database holds the database, its WAL and the secret key: only the
 * service user may enter it (0700). Created so, and tightened when an earlier version made it 0755.
 */
export function tightenDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

/**
 * The database file readable by its owner only: created 0600 before SQLite opens it (an empty file is an
 * empty database), and SQLite creates -wal and -shm with the database file's mode (os_unix.c
 * findCreateFileMode). A file an earlier version left 0644 is tightened, with its -wal and -shm.
 */
function privateDatabaseFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) tighten(f, 0o600);
}

function openSqlite(path: string, opts: DialectOptions): StoreDialect {
  const where = path;
  let raw: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') privateDatabaseFile(path);
    raw = new BetterSqlite3(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (e) {
    throw mapSqliteError(e, 'opening the database', where);
  }
  try {
    // WAL: readers never block the writer and vice versa; synchronous=NORMAL is durable against
    // application crashes and, in WAL mode, consistent after power loss (SQLite docs "pragma synchronous").
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    // Deleted or replaced content is zeroed when that costs no extra I/O (SQLite docs "pragma secure_delete"):
    // a secret sealed in place of its plain text does not linger in the page's free space.
    raw.pragma('secure_delete = FAST');
    for (const [k, v] of Object.entries(opts.sqlitePragmas ?? {})) {
      if (!/^[a-z_]+$/.test(k) || !/^[A-Za-z0-9_-]+$/.test(String(v))) throw validationError(`sqlite pragma ${k}=${String(v)} is not allowed`, { field: 'sqlitePragmas' });
      raw.pragma(`${k} = ${String(v)}`);
    }
    // A corrupt or foreign file fails here, before any migration touches it.
    raw.prepare('select count(*) from sqlite_master').get();
  } catch (e) {
    raw.close();
    throw mapSqliteError(e, 'opening the database', where);
  }
  const handle = new SqliteHandle(raw);
  const db = new Kysely<Database>({ dialect: new PerisaiSqliteDialect({ database: handle }, raw, opts.sqliteBusyWaitMs ?? SQLITE_BUSY_WAIT_MS) });
  let insertObs: BetterSqlite3.Statement | undefined;
  return {
    kind: 'sqlite',
    db,
    where,
    types: { bool: 'integer', json: 'text', time: 'text', bigint: 'integer', key: 'text' },
    maxParameters: 32_000,
    autoId: () => ({ type: 'integer', identity: 'autoincrement' }),
    bool: (v) => (v ? 1 : 0) as SqlBool,
    fromBool: (v) => v === true || v === 1,
    json: (v) => JSON.stringify(v),
    fromJson: parseJson,
    time: toTime,
    textContains: (column, needle) => sql<SqlBool>`${sql.ref(column)} like ${`%${escapeLike(needle)}%`} escape '\\'`,
    jsonArrayContains: (column, value) => sql<SqlBool>`exists (select 1 from json_each(${sql.ref(column)}) where json_each.value = ${value})`,
    lock: async () => {},
    skipLocked: (qb) => qb,
    insertObservations: async (_trx, rows) => {
      // Runs on the raw handle: Kysely's SQLite driver has ONE connection and the caller's transaction
      // holds it (its mutex), so these statements are part of that transaction. Refuse otherwise.
      if (!raw.inTransaction) throw new Error('insertObservations must run inside a transaction');
      insertObs ??= raw.prepare(
        'insert into observations (job_id, task_id, ip, kind, port, key, state, reason, data, observed_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (job_id, ip, kind, port, key) do nothing',
      );
      let n = 0;
      for (const r of rows) n += insertObs.run(r.job_id, r.task_id, r.ip, r.kind, r.port, r.key, r.state, r.reason, r.data, r.observed_at).changes;
      return n;
    },
    maintain: async (kdb) => {
      await sql`pragma optimize=0x10002`.execute(kdb);
    },
    eraseReplaced: async (kdb) => {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(kdb);
    },
    watchChanges: async (kdb, topics) => {
      await sql`create table if not exists change_counters (topic text primary key, version integer not null)`.execute(kdb);
      for (const topic of Object.keys(topics)) await sql`insert into change_counters (topic, version) values (${ident(topic)}, 0) on conflict (topic) do nothing`.execute(kdb);
      for (const { topic, table, columns } of watchedEntries(topics)) {
        const bump = `begin update change_counters set version = version + 1 where topic = '${topic}'; end`;
        await sql.raw(`create trigger change_${topic}_${table}_insert after insert on ${table} ${bump}`).execute(kdb);
        await sql.raw(`create trigger change_${topic}_${table}_update after update${columns === undefined ? '' : ` of ${columns.join(', ')}`} on ${table} ${bump}`).execute(kdb);
        await sql.raw(`create trigger change_${topic}_${table}_delete after delete on ${table} ${bump}`).execute(kdb);
      }
    },
    unwatchChanges: async (kdb, topics) => {
      for (const { topic, table } of watchedEntries(topics)) {
        for (const op of ['insert', 'update', 'delete']) await sql.raw(`drop trigger if exists change_${topic}_${table}_${op}`).execute(kdb);
      }
      await sql`drop table if exists change_counters`.execute(kdb);
    },
    changeToken: async (topic) => {
      const r = await sql<{ version: number }>`select version from change_counters where topic = ${topic}`.execute(db);
      return r.rows[0] === undefined ? undefined : String(r.rows[0].version);
    },
    mapError: (e, action) => mapSqliteError(e, action, where),
    close: async () => {
      await db.destroy();
    },
  };
}

// ---- PostgreSQL --------------------------------------------------------------------------------------

const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;

function pgTypes(): pg.CustomTypesConfig {
  const parseTimestamptz = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (v: string) => Date;
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8) {
        return (v: string) => {
          const n = Number(v);
          if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${v} exceeds 2^53`);
          return n;
        };
      }
      if (oid === JSON_OID || oid === JSONB) return (v: string) => v;
      if (oid === TIMESTAMPTZ) return (v: string) => parseTimestamptz(v).toISOString();
      return pg.types.getTypeParser(oid, format ?? 'text');
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/**
 * Whether `e` says the database connection is gone for now (server restarting or shutting down, socket
 * refused, session reset) rather than that the request was wrong: the caller backs off and tries again
 * (docs/deploy.md "Surviving database restarts"). Accepts the store's mapped E_STORAGE errors and the
 * driver's raw ones (pg-boss talks to PostgreSQL through its own pool). SQLSTATE classes 08 (connection
 * exception) and 57 (operator intervention: 57P01 admin shutdown, 57P03 cannot connect now) per
 * PostgreSQL's Appendix A "PostgreSQL Error Codes".
 */
export function isConnectionLoss(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur !== null && typeof cur === 'object' && depth < 4; depth++) {
    const err = cur as { code?: unknown; message?: unknown; details?: { driverCode?: unknown; action?: unknown }; cause?: unknown };
    if (isPerisaiError(cur) && err.code !== 'E_STORAGE') return false;
    const raw = isPerisaiError(cur) ? err.details?.driverCode : err.code;
    const code = typeof raw === 'string' ? raw : undefined;
    if (code !== undefined && /^(08|57)[0-9A-Z]{3}$/.test(code)) return true;
    if (code !== undefined && /^E(CONNREFUSED|CONNRESET|PIPE|NOENT|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code)) return true;
    const message = typeof err.message === 'string' ? err.message : '';
    if (/Connection terminated|connection closed|Client has encountered a connection error|not queryable|database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|timeout exceeded when trying to connect/i.test(message)) return true;
    cur = err.cause;
  }
  return false;
}

// SQLSTATE classes (PostgreSQL docs, Appendix A "PostgreSQL Error Codes").
function mapPgError(e: unknown, action: string, where: string): unknown {
  if (isPerisaiError(e)) return e;
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const storage = (what: string, hint = ''): PerisaiError =>
    new PerisaiError(
      'E_STORAGE',
      `storage error while ${action}: ${what} (${code ?? 'connection'}: ${message}) at ${where}. The transaction was rolled back; data committed before it is intact.${hint}`,
      { dialect: 'postgres', driverCode: code ?? null, action },
      { cause: e },
    );
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    const cls = code.slice(0, 2);
    if (code === '23505') return new PerisaiError('E_CONFLICT', `conflict while ${action}: ${message}`, { dialect: 'postgres', driverCode: code, action }, { cause: e });
    if (code === '23503') return new PerisaiError('E_CONFLICT', `conflict while ${action}: a referenced row is missing or the row is still referenced (${message})`, { dialect: 'postgres', driverCode: code, action }, { cause: e });
    if (cls === '23' || cls === '22') return new PerisaiError('E_VALIDATION', `invalid data while ${action}: ${message}`, { dialect: 'postgres', driverCode: code, action }, { cause: e });
    if (code === '40001' || code === '40P01') return new PerisaiError('E_CONFLICT', `concurrent update while ${action}; retry: ${message}`, { dialect: 'postgres', driverCode: code, action }, { cause: e });
    if (code === '53100') return storage('the database server\'s disk is full', ' Free disk space on the PostgreSQL server and retry.');
    if (cls === '53') return storage('the database server is out of resources');
    if (cls === '58') return storage('the database server hit a system or I/O error');
    if (code === 'XX001' || code === 'XX002') return storage('the database reports corrupt data', ' Restore from backup.');
    if (cls === '08' || cls === '57' || cls === '28' || code === '3D000') return storage('the database server is unreachable or refused the session');
    return e; // a programming error (syntax, undefined column …): let it surface as is
  }
  // A reset or broken pipe comes from a session that was open: the connection was lost, not never made
  // (which node-postgres reports as ECONNREFUSED, ENOENT, ETIMEDOUT or EHOSTUNREACH).
  if (code === 'ECONNRESET' || code === 'EPIPE') return storage('the connection to the database server was lost');
  if (code !== undefined && /^E[A-Z]+$/.test(code)) return storage('cannot reach the database server');
  if (/Connection terminated|connection closed|Client has encountered a connection error/i.test(message)) return storage('the connection to the database server was lost');
  return e;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** The channel migration 0015's triggers notify, with the topic as payload. */
const CHANGE_CHANNEL = 'perisai_change';

/**
 * changeToken on PostgreSQL: one client of its own (outside the pool) that LISTENs to the change channel
 * and counts notifications per topic. Connected on first use; while it is not connected the token is
 * undefined (nothing is answered from memory), and each new connection starts a new epoch, so nothing
 * remembered from before a lost connection — whose notifications may have been missed — is used again.
 * A notification arrives just after its commit: a read in between may still see the previous token.
 */
class ChangeListener {
  readonly #url: string;
  readonly #counts = new Map<string, number>();
  #client: pg.Client | undefined;
  #connecting: Promise<boolean> | undefined;
  #epoch = 0;
  #retryAt = 0;
  #closed = false;

  constructor(url: string) {
    this.#url = url;
  }

  async token(topic: string): Promise<string | undefined> {
    if (this.#client === undefined) {
      if (this.#closed || Date.now() < this.#retryAt) return undefined;
      this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
      if (!(await this.#connecting)) return undefined;
    }
    return `${this.#epoch}:${this.#counts.get(topic) ?? 0}`;
  }

  async #connect(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (n) => {
      if (n.channel === CHANGE_CHANNEL && n.payload !== undefined) this.#counts.set(n.payload, (this.#counts.get(n.payload) ?? 0) + 1);
    });
    const lost = (): void => {
      if (this.#client !== client) return;
      this.#client = undefined;
      this.#retryAt = Date.now() + 1000;
      client.end().catch(() => {});
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
    } catch {
      this.#retryAt = Date.now() + 5000;
      await client.end().catch(() => {});
      return false;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return false;
    }
    this.#epoch++;
    this.#client = client;
    return true;
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#connecting;
    const c = this.#client;
    this.#client = undefined;
    await c?.end().catch(() => {});
  }
}

function openPostgres(url: string, opts: DialectOptions): StoreDialect {
  const where = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, types: pgTypes() });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would crash
  // the process. The next query on a fresh client fails (or succeeds) on its own and is mapped there.
  pool.on('error', () => {});
  // The same for a client that is checked out (inside a transaction) when its server goes away: pg
  // emits 'error' on the client, and nobody listens there either (Kysely does not). With this listener
  // the next query on that client fails ("not queryable") and is mapped to E_STORAGE; the pool then
  // discards the client instead of reusing it.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listener = new ChangeListener(url);
  return {
    kind: 'postgres',
    db,
    where,
    types: { bool: 'boolean', json: 'jsonb', time: 'timestamptz', bigint: 'bigint', key: sql`text collate "C"` },
    maxParameters: 60_000,
    autoId: () => ({ type: 'bigint', identity: 'identity' }),
    bool: (v) => v,
    fromBool: (v) => v === true || v === 1,
    json: (v) => JSON.stringify(v),
    fromJson: parseJson,
    time: toTime,
    textContains: (column, needle) => sql<SqlBool>`${sql.ref(column)} ilike ${`%${escapeLike(needle)}%`} escape '\\'`,
    jsonArrayContains: (column, value) => sql<SqlBool>`${sql.ref(column)} @> ${JSON.stringify([value])}::jsonb`,
    lock: async (trx, name) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`perisai:${name}`}))`.execute(trx);
    },
    skipLocked: (qb) => qb.forUpdate().skipLocked(),
    insertObservations: async (trx, rows) => {
      if (rows.length === 0) return 0;
      const col = <K extends keyof ObservationRow>(k: K): ObservationRow[K][] => rows.map((r) => r[k]);
      // unnest() turns one array parameter per column into rows: 10 parameters for any batch size, one
      // statement text (so one cached plan), no 65,535-parameter limit.
      const r = await sql`
        insert into observations (job_id, task_id, ip, kind, port, key, state, reason, data, observed_at)
        select * from unnest(${col('job_id')}::text[], ${col('task_id')}::text[], ${col('ip')}::text[], ${col('kind')}::text[],
                             ${col('port')}::int[], ${col('key')}::text[], ${col('state')}::text[], ${col('reason')}::text[],
                             ${col('data')}::jsonb[], ${col('observed_at')}::timestamptz[])
        on conflict (job_id, ip, kind, port, key) do nothing`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    },
    maintain: async (kdb) => {
      await sql`vacuum (analyze) findings, finding_events, assets, observations, scan_jobs, scan_tasks, outbox`.execute(kdb);
    },
    eraseReplaced: async (kdb, table) => {
      await sql`vacuum full ${sql.table(table)}`.execute(kdb);
    },
    watchChanges: async (kdb, topics) => {
      // NOTIFY is transactional: listeners hear of it when (and only if) the writing transaction commits,
      // once per transaction however many statements raised it (PostgreSQL docs, "NOTIFY").
      await sql.raw(`create or replace function perisai_change_notify() returns trigger language plpgsql as $$
        begin perform pg_notify('${CHANGE_CHANNEL}', tg_argv[0]); return null; end $$`).execute(kdb);
      for (const { topic, table, columns } of watchedEntries(topics)) {
        const update = columns === undefined ? 'update' : `update of ${columns.join(', ')}`;
        await sql.raw(`create trigger change_${topic}_${table} after insert or ${update} or delete or truncate on ${table} for each statement execute function perisai_change_notify('${topic}')`).execute(kdb);
      }
    },
    unwatchChanges: async (kdb, topics) => {
      for (const { topic, table } of watchedEntries(topics)) await sql.raw(`drop trigger if exists change_${topic}_${table} on ${table}`).execute(kdb);
      await sql`drop function if exists perisai_change_notify()`.execute(kdb);
    },
    changeToken: (topic) => listener.token(topic),
    mapError: (e, action) => mapPgError(e, action, where),
    close: async () => {
      await listener.close();
      await db.destroy();
    },
  };
}

export function openDialect(location: StoreLocation, opts: DialectOptions = {}): StoreDialect {
  return location.kind === 'sqlite' ? openSqlite(location.path, opts) : openPostgres(location.url, opts);
}
