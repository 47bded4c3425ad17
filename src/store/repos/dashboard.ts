// The city dashboard's numbers per agency: hosts known, hosts with SMB (139/445) open at
// their last scan, hosts with an open finding of each WannaCry-relevant rule, and hosts whose rating is
// "unknown" (checks could not run). Each number is named by what it counts: `smbOpen` is SMB open from
// wherever the scanner stood; `smbReachableOutside` (formerly only `exposedSmb`, kept as its alias) counts
// the `exposure-smb` finding — SMB reachable from outside the agency's segment (a scan from another
// agency's or the Internet's vantage), which an internal scan never raises. Grouped
// queries answered by index-only scans of two covering indexes of migration 0004 (findings (status,
// rule_id, agency_id, asset_id); assets (agency_id, retired_at, risk_rating)): about 25 ms city-wide at
// 100,000 findings on either dialect. That is too much to pay per request when 200 people have the
// dashboard open (tests/api/bench-load.ts), so outside a transaction the city-wide counts per agency are
// remembered until a write changes the tables under them (the `exposure` change token, memo.ts), and
// each caller's scope is cut from them: an agency's row is the same whoever asks, so one computation
// serves the whole city and every officer's agencies. The trend's sums are remembered per scope and
// range until a snapshot is written (the `trend` token).

import { sql } from 'kysely';
import { validationError } from '../../domain/errors.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';

/** Finding rule id → dashboard column. */
export const DASHBOARD_RULES = { 'exposure-smb': 'smbReachableOutside', smbv1: 'smbv1', 'ms17-010': 'ms17010', doublepulsar: 'doublePulsar' } as const;
type Column = (typeof DASHBOARD_RULES)[keyof typeof DASHBOARD_RULES];

export interface AgencyExposure {
  readonly agencyId: string;
  readonly hostsKnown: number;
  readonly hostsScanned: number;
  /** Live assets with 139 or 445 open at the last scan that probed them. */
  readonly smbOpen: number;
  /** Hosts with an open `exposure-smb` finding: SMB reachable from outside the agency's segment. */
  readonly smbReachableOutside: number;
  /** Deprecated alias of smbReachableOutside (the old name, read as "SMB open" although it is not). */
  readonly exposedSmb: number;
  readonly smbv1: number;
  readonly ms17010: number;
  readonly doublePulsar: number;
  readonly unknown: number;
}

/** The dashboard's numbers without the agency: what a trend day carries. */
export type ExposureCounts = Omit<AgencyExposure, 'agencyId'>;

export const EXPOSURE_KEYS = ['hostsKnown', 'hostsScanned', 'smbOpen', 'smbReachableOutside', 'exposedSmb', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'] as const satisfies readonly (keyof ExposureCounts)[];

export function zeroExposure(): { -readonly [K in keyof ExposureCounts]: number } {
  return { hostsKnown: 0, hostsScanned: 0, smbOpen: 0, smbReachableOutside: 0, exposedSmb: 0, smbv1: 0, ms17010: 0, doublePulsar: 0, unknown: 0 };
}

/** Sum of the dashboard rows (agencies) given. */
export function sumExposure(rows: readonly ExposureCounts[]): ExposureCounts {
  const t = zeroExposure();
  for (const r of rows) for (const k of EXPOSURE_KEYS) t[k] += r[k];
  return t;
}

/** One day of the trend: the dashboard's numbers at the end of that day (the last snapshot written). */
export interface TrendRow extends Omit<ExposureCounts, 'smbOpen'> {
  readonly day: string;
  /** null on days recorded before the count existed (migration 0007): not zero, unknown. */
  readonly smbOpen: number | null;
}

export class DashboardRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** The dashboard's numbers per agency in scope (agencies without any data are absent). */
  async exposureByAgency(scope: AgencyScope): Promise<AgencyExposure[]> {
    // Inside a transaction: what that transaction sees, its own writes included — never the memo.
    if (this.#ctx.inTransaction) return this.#count(scope);
    const token = await this.#ctx.d.changeToken('exposure');
    if (token === undefined) return this.#count(scope);
    const all = await this.#ctx.memo.get('exposure', token, () => this.#count('all'));
    return scope === 'all' ? [...all] : all.filter((r) => scope.has(r.agencyId));
  }

  async #count(scope: AgencyScope): Promise<AgencyExposure[]> {
    const assetRows = await run(this.#ctx, 'counting assets', (db) =>
      db.selectFrom('assets').select(['agency_id', 'risk_rating', (eb) => eb.fn.countAll<number>().as('n')])
        .where('retired_at', 'is', null).where(scopeFilter('agency_id', scope)).groupBy(['agency_id', 'risk_rating']).execute(),
    );
    // One query per rule: with `status` and `rule_id` fixed by equality, the covering index yields rows
    // in (agency_id, asset_id) order, so both planners count distinct hosts per agency in one streaming
    // pass of an index-only scan. A single query with `rule_id IN (…)` made PostgreSQL 15 fall back to
    // a sequential scan and an external sort (117 ms at 100,000 findings).
    // Served by assets_smb_open (smb_open, retired_at, agency_id): an index-only range of the open ones.
    const smbOpenRows = await run(this.#ctx, 'counting hosts with SMB open', (db) =>
      db.selectFrom('assets').select(['agency_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('smb_open', '=', this.#ctx.d.bool(true)).where('retired_at', 'is', null).where(scopeFilter('agency_id', scope)).groupBy('agency_id').execute(),
    );
    const findingRows = (await Promise.all(Object.keys(DASHBOARD_RULES).map((ruleId) =>
      run(this.#ctx, 'counting exposed hosts', (db) =>
        db.selectFrom('findings').select(['agency_id', 'rule_id', sql<number>`count(distinct asset_id)`.as('n')])
          .where('status', '=', 'open').where('rule_id', '=', ruleId).where(scopeFilter('agency_id', scope))
          .groupBy(['rule_id', 'agency_id']).orderBy('agency_id').execute(),
      ),
    ))).flat();
    const by = new Map<string, { -readonly [K in keyof AgencyExposure]: AgencyExposure[K] }>();
    const row = (agencyId: string) => {
      let r = by.get(agencyId);
      if (r === undefined) by.set(agencyId, (r = { agencyId, ...zeroExposure() }));
      return r;
    };
    for (const a of smbOpenRows) row(a.agency_id).smbOpen += Number(a.n);
    for (const a of assetRows) {
      const r = row(a.agency_id);
      const n = Number(a.n);
      r.hostsKnown += n;
      // An asset gets a rating when a scan finalised it; one without a rating was imported, not scanned.
      if (a.risk_rating !== null) r.hostsScanned += n;
      if (a.risk_rating === 'unknown') r.unknown += n;
    }
    for (const f of findingRows) {
      const col: Column | undefined = (DASHBOARD_RULES as Record<string, Column>)[f.rule_id];
      if (col !== undefined) row(f.agency_id)[col] += Number(f.n);
    }
    for (const r of by.values()) r.exposedSmb = r.smbReachableOutside;
    // Frozen: the memo hands the same rows to every caller.
    return [...by.values()].map((r) => Object.freeze(r));
  }

  /**
   * Write `day`'s snapshot of the dashboard (every agency with data), replacing an earlier one of the
   * same day: the housekeeping timer of `perisai serve` calls it every hour, so a day's row ends as its
   * last hour's picture. Returns the number of agency rows written.
   */
  async recordDay(day: string): Promise<number> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw validationError(`day ${JSON.stringify(day)} is not YYYY-MM-DD`, { field: 'day' });
    return tx(this.#ctx, `recording the dashboard of ${day}`, async (ctx) => {
      const rows = await new DashboardRepo(ctx).exposureByAgency('all');
      const at = nowIso(ctx);
      await ctx.db.deleteFrom('exposure_daily').where('day', '=', day).execute();
      const values = rows.map((r) => ({
        day, agency_id: r.agencyId, hosts_known: r.hostsKnown, hosts_scanned: r.hostsScanned, smb_open: r.smbOpen, exposed_smb: r.smbReachableOutside, smbv1: r.smbv1,
        ms17010: r.ms17010, double_pulsar: r.doublePulsar, unknown: r.unknown, recorded_at: at,
      }));
      for (const part of chunks(values, 500)) await ctx.db.insertInto('exposure_daily').values(part).execute();
      return values.length;
    });
  }

  /**
   * The recorded days in [from, to] (YYYY-MM-DD, inclusive) with the sums over the agencies in scope.
   * A day without a snapshot is absent; a recorded day whose agencies in scope had nothing is all zeros.
   * Served by the primary key (day, agency_id): a range scan of at most days × agencies small rows.
   */
  async trend(scope: AgencyScope, range: { from: string; to: string }): Promise<TrendRow[]> {
    if (this.#ctx.inTransaction) return this.#trend(scope, range);
    const token = await this.#ctx.d.changeToken('trend');
    const key = `trend|${range.from}|${range.to}|${scope === 'all' ? 'all' : [...scope].sort().join(',')}`;
    return this.#ctx.memo.get(key, token, () => this.#trend(scope, range));
  }

  async #trend(scope: AgencyScope, range: { from: string; to: string }): Promise<TrendRow[]> {
    const [days, sums] = await Promise.all([
      run(this.#ctx, 'reading recorded days', (db) =>
        db.selectFrom('exposure_daily').select('day').distinct().where('day', '>=', range.from).where('day', '<=', range.to).execute(),
      ),
      run(this.#ctx, 'reading the dashboard trend', (db) =>
        db.selectFrom('exposure_daily')
          .select((eb) => [
            'day',
            eb.fn.sum<number>('hosts_known').as('hosts_known'), eb.fn.sum<number>('hosts_scanned').as('hosts_scanned'), eb.fn.sum<number | null>('smb_open').as('smb_open'),
            eb.fn.sum<number>('exposed_smb').as('exposed_smb'), eb.fn.sum<number>('smbv1').as('smbv1'), eb.fn.sum<number>('ms17010').as('ms17010'),
            eb.fn.sum<number>('double_pulsar').as('double_pulsar'), eb.fn.sum<number>('unknown').as('unknown'),
          ])
          .where('day', '>=', range.from).where('day', '<=', range.to).where(scopeFilter('agency_id', scope))
          .groupBy('day').execute(),
      ),
    ]);
    const byDay = new Map(sums.map((r) => [r.day, r]));
    return days.map((d) => d.day).sort().map((day) => {
      const r = byDay.get(day);
      if (r === undefined) return Object.freeze({ day, ...zeroExposure() });
      const outside = Number(r.exposed_smb);
      return Object.freeze({
        day, hostsKnown: Number(r.hosts_known), hostsScanned: Number(r.hosts_scanned), smbOpen: r.smb_open === null ? null : Number(r.smb_open),
        smbReachableOutside: outside, exposedSmb: outside, smbv1: Number(r.smbv1), ms17010: Number(r.ms17010), doublePulsar: Number(r.double_pulsar), unknown: Number(r.unknown),
      });
    });
  }
}
