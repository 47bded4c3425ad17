// A private PostgreSQL server for one test file (or one benchmark run), from Debian's own packages —
// never a server that happens to be running on the machine.
//
//   initdb   -D <tmp>/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8
//   pg_ctl   -D <tmp>/data -w -o "-k <tmp> -c listen_addresses='' -p 5432 …" start
//
// It listens only on a Unix socket inside its own temporary directory (no TCP port, so no port
// conflicts and nothing reachable from the network), as the `postgres` user when the tests run as root
// (initdb refuses to run as root). `stop()` shuts it down and deletes the directory; an exit hook does
// the same if the test process dies first.
//
// Debian packages needed: postgresql (which pulls postgresql-<major>, e.g. postgresql-15 on Debian 12)
// for initdb/pg_ctl/postgres under /usr/lib/postgresql/<major>/bin. PERISAI_PG_BIN overrides the
// directory. Not installed → the test FAILS with that message (it is never skipped).

import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgServer {
  /** Directory holding the socket (and the data directory). */
  readonly dir: string;
  readonly version: string;
  /** Connection URL of database `db` on this server. */
  url(db: string): string;
  /** Create a fresh database and return its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * `pg_ctl restart -m fast`: sessions are terminated (57P01), new ones refused while it shuts down and
   * starts (57P03, then no socket) — what an administrator's restart does to the clients. Returns when
   * the server accepts connections again.
   */
  restart(): void;
  /** Shut the server down (`pg_ctl stop -m fast`) until resume(): clients meet a missing socket meanwhile. */
  halt(): void;
  resume(): void;
  stop(): Promise<void>;
}

export interface PgServerOptions {
  /**
   * Test mode (default): fsync, full_page_writes and synchronous_commit off — crash safety is not what
   * a throw-away test server needs. The benchmark passes false to measure with durable settings.
   */
  readonly fast?: boolean;
}

const PORT = 5432; // the socket lives in a private directory, so the number never collides

export function findPgBin(): string {
  const override = process.env.PERISAI_PG_BIN;
  if (override) {
    if (!existsSync(join(override, 'initdb'))) throw new Error(`PERISAI_PG_BIN=${override} has no initdb`);
    return override;
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
    : [];
  const v = versions[0];
  if (v === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/<major>/bin. The store tests run every test on a real ' +
        'PostgreSQL that they start themselves: install Debian\'s server package (apt-get install -y postgresql, i.e. postgresql-15 on ' +
        'Debian 12) or set PERISAI_PG_BIN to a directory holding initdb and pg_ctl.',
    );
  }
  return join(root, v, 'bin');
}

function runAs(user: { uid: number; gid: number } | undefined, cmd: string, args: string[]): string {
  const [file, argv] = user === undefined ? [cmd, args] : ['runuser', ['-u', 'postgres', '--', cmd, ...args]];
  const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 120_000, cwd: '/' });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  }
  return r.stdout;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root, but there is no "postgres" user to run the test server as (it comes with Debian\'s postgresql package)');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(opts: PgServerOptions = {}): Promise<PgServer> {
  const bin = findPgBin();
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'perisai-pg-'));
  const data = join(dir, 'data');
  if (user !== undefined) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  const version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' }).trim();
  const settings = [`-k ${dir}`, "-c listen_addresses=''", `-p ${PORT}`, '-c max_connections=50'];
  if (opts.fast ?? true) settings.push('-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off');
  let started = false;
  const stopNow = (): void => {
    if (started) {
      started = false;
      try {
        runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopNow);
  try {
    runAs(user, join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', ...((opts.fast ?? true) ? ['--no-sync'] : [])]);
    runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', settings.join(' '), 'start']);
    started = true;
  } catch (e) {
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8').slice(-2000) : '';
    stopNow();
    throw new Error(`could not start the test PostgreSQL: ${(e as Error).message}\n${log}`);
  }
  const url = (db: string): string => `postgres://postgres@${encodeURIComponent(dir)}:${PORT}/${db}`;
  return {
    dir,
    version,
    url,
    async createDatabase(name: string): Promise<string> {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        await c.query(`create database ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    restart(): void {
      runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', settings.join(' '), 'restart']);
    },
    halt(): void {
      runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      started = false;
    },
    resume(): void {
      runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', settings.join(' '), 'start']);
      started = true;
    },
    async stop(): Promise<void> {
      process.removeListener('exit', stopNow);
      if (started) {
        started = false;
        runAs(user, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
