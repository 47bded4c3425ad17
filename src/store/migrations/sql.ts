import { sql } from 'kysely';
import type { CreateTableBuilder } from 'kysely';
import type { StoreDialect } from '../dialect.js';

/** A literal list for a CHECK constraint: `status in (${inList([...])})`. */
export function inList(values: readonly string[]) {
  return sql.join(values.map((v) => sql.lit(v)));
}

/** Add an auto-increment primary key `id`: SQLite's AUTOINCREMENT or PostgreSQL's identity (dialect.autoId). */
export function autoIdColumn(d: StoreDialect) {
  const id = d.autoId();
  return <N extends string>(b: CreateTableBuilder<N, never>) =>
    id.identity === 'identity' ? b.addColumn('id', id.type, (c) => c.primaryKey().generatedByDefaultAsIdentity()) : b.addColumn('id', id.type, (c) => c.primaryKey().autoIncrement());
}
