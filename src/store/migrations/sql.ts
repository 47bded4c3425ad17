import { sql } from 'kysely';

/** A literal list for a CHECK constraint: `status in (${inList([...])})`. */
export function inList(values: readonly string[]) {
  return sql.join(values.map((v) => sql.lit(v)));
}
