// Agency scope: every read of agency data takes the set of agencies the caller may
// see, or 'all' for Diskominfo administrators. It is a required parameter, so forgetting the filter is
// a type error rather than a data leak. A scope for an agency user is normally its agency plus all
// descendants (AgencyRepo.scopeOf).
//
// A row outside the scope is reported exactly like a missing row (E_NOT_FOUND): a scoped caller cannot
// tell "exists elsewhere" from "does not exist".

import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { notFound } from '../domain/errors.js';
import type { SqlBool } from './schema.js';

export type AgencyScope = 'all' | ReadonlySet<string>;

export const ALL_AGENCIES: AgencyScope = 'all';

export function scopeOf(...agencyIds: string[]): AgencyScope {
  return new Set(agencyIds);
}

export function inScope(scope: AgencyScope, agencyId: string): boolean {
  return scope === 'all' || scope.has(agencyId);
}

/** SQL condition "column is in the scope". */
export function scopeFilter(column: string, scope: AgencyScope): RawBuilder<SqlBool> {
  if (scope === 'all') return sql<SqlBool>`1 = 1`;
  if (scope.size === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join([...scope])})`;
}

/** Throw E_NOT_FOUND unless `agencyId` is in scope. */
export function assertInScope(scope: AgencyScope, agencyId: string, what: string, id: string): void {
  if (!inScope(scope, agencyId)) throw notFound(what, id);
}
