// Versioned schema migrations, run by Kysely's Migrator from an in-code provider on every start
// (createStore). Policy (docs/store.md "Migrations"):
//  - names are "NNNN_what", applied in name order; Kysely refuses to start when an applied migration is
//    missing from the code or when a new one sorts before an applied one;
//  - a released migration is never edited: a change is a new migration;
//  - each start applies all pending migrations in ONE transaction (PostgreSQL, and SQLite through our
//    adapter — see dialect.ts), so a failure leaves the schema as it was;
//  - concurrent starts are serialised by Kysely's lock (a PostgreSQL advisory lock; on SQLite the
//    BEGIN IMMEDIATE of that transaction);
//  - `down` exists for tests and development only; production rolls forward.
//  - one file per migration under migrations/, named like its key; the list below is their order, and
//    migrations.test.ts fails when a file there is missing from it or out of order.
// Column types come from the dialect (dialect.types), never spelled per database here.

import { Migrator, sql } from 'kysely';
import type { Migration, MigrationProvider, MigrationResultSet } from 'kysely';
import { PerisaiError } from '../domain/errors.js';
import { openDialect } from './dialect.js';
import type { StoreDialect } from './dialect.js';
import { migration0001 } from './migrations/0001_inventory.js';
import { migration0002 } from './migrations/0002_monitoring.js';
import { migration0003 } from './migrations/0003_alerts.js';
import { migration0004 } from './migrations/0004_accounts.js';
import { migration0005 } from './migrations/0005_exposure_daily.js';
import { migration0006 } from './migrations/0006_findings_recent.js';
import { migration0007 } from './migrations/0007_tri_state_facts.js';
import { migration0008 } from './migrations/0008_network_confirmation.js';
import { migration0010 } from './migrations/0010_incidents.js';
import { migration0011 } from './migrations/0011_circulars.js';
import { migration0012 } from './migrations/0012_office_reports.js';
import { migration0014 } from './migrations/0014_import_staging.js';
import { migration0015 } from './migrations/0015_change_tokens.js';
import { migration0016 } from './migrations/0016_workers.js';
import { migration0017 } from './migrations/0017_worker_credentials.js';

/** All migrations, by name. Append only. */
export function migrations(d: StoreDialect): Record<string, Migration> {
  return {
    '0001_inventory': migration0001(d),
    '0002_monitoring': migration0002(d),
    '0003_alerts': migration0003(d),
    '0004_accounts': migration0004(d),
    '0005_exposure_daily': migration0005(d),
    '0006_findings_recent': migration0006(),
    '0007_tri_state_facts': migration0007(d),
    '0008_network_confirmation': migration0008(d),
    '0010_incidents': migration0010(d),
    '0011_circulars': migration0011(d),
    '0012_office_reports': migration0012(d),
    '0014_import_staging': migration0014(d),
    '0015_change_tokens': migration0015(d),
    '0016_workers': migration0016(d),
    '0017_worker_credentials': migration0017(d),
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  readonly #d: StoreDialect;
  constructor(d: StoreDialect) {
    this.#d = d;
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.#d);
  }
}

export function migrator(d: StoreDialect): Migrator {
  return new Migrator({ db: d.db, provider: new InCodeMigrationProvider(d) });
}

/** Apply every pending migration; returns the names applied. Throws the mapped error on failure. */
export async function migrateToLatest(d: StoreDialect): Promise<string[]> {
  let result: MigrationResultSet;
  try {
    result = await migrator(d).migrateToLatest();
  } catch (e) {
    throw d.mapError(e, 'migrating the schema');
  }
  if (result.error !== undefined) {
    // No failed migration named: the migrator could not even read the schema's state (the database refused
    // the connection: a wrong password, a TLS certificate that does not verify).
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const mapped = d.mapError(result.error, failed === undefined ? 'migrating the schema' : `applying migration ${failed}`);
    if (mapped instanceof PerisaiError) throw mapped;
    const what = failed === undefined ? 'migrating the schema' : `migration ${failed}`;
    throw new PerisaiError('E_STORAGE', `${what} failed: ${(result.error as Error).message ?? String(result.error)}; the schema was left as it was`, failed === undefined ? {} : { migration: failed }, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** What a backup is checked against (src/io/backup.ts): the migrations this build knows, and which columns hold JSON. */
export interface SchemaFacts {
  readonly migrations: readonly string[];
  /** Table → its JSON columns. */
  readonly jsonColumns: ReadonlyMap<string, readonly string[]>;
}

/**
 * The schema this build creates, learnt by running every migration on an in-memory SQLite whose JSON
 * column type is spelled `json` instead of `text` (SQLite keeps a declared type name as written), so
 * that PRAGMA table_info names the JSON columns — always in step with the migrations, nothing to list by hand.
 */
export async function schemaFacts(): Promise<SchemaFacts> {
  const base = openDialect({ kind: 'sqlite', path: ':memory:' });
  const probe: StoreDialect = { ...base, types: { ...base.types, json: 'json' } };
  try {
    await migrateToLatest(probe);
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(probe.db);
    const jsonColumns = new Map<string, string[]>();
    for (const t of tables.rows) {
      const cols = await sql<{ name: string; type: string }>`select name, type from pragma_table_info(${t.name})`.execute(probe.db);
      const json = cols.rows.filter((c) => c.type.toLowerCase() === 'json').map((c) => c.name);
      if (json.length > 0) jsonColumns.set(t.name, json);
    }
    return { migrations: Object.keys(migrations(probe)), jsonColumns };
  } finally {
    await probe.close();
  }
}
