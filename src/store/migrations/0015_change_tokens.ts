import type { Kysely, Migration } from 'kysely';
import type { StoreDialect, WatchedTable } from '../dialect.js';

/**
 * Change tokens for what the dashboard and its trend read (src/store/memo.ts, DashboardRepo): every
 * committed write to these tables — by `perisai serve`, a `perisai worker` beside it or a CLI import —
 * advances its topic's token, so a remembered answer is used only while nothing under it has changed.
 * `exposure`: the columns the dashboard counts (assets: agency, retirement, rating, SMB open; findings:
 * agency, asset, rule, status). `trend`: the daily snapshots. The list is frozen here: a table or column
 * the dashboard starts to read later is watched by a migration of its own.
 */
const TOPICS: Readonly<Record<string, readonly WatchedTable[]>> = {
  exposure: [
    { table: 'assets', columns: ['agency_id', 'retired_at', 'risk_rating', 'smb_open'] },
    { table: 'findings', columns: ['agency_id', 'asset_id', 'rule_id', 'status'] },
  ],
  trend: [{ table: 'exposure_daily' }],
};

export function migration0015(d: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await d.watchChanges(db, TOPICS);
    },
    async down(db: Kysely<unknown>) {
      await d.unwatchChanges(db, TOPICS);
    },
  };
}
