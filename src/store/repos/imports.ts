// Staging and publishing for inventory imports at city scale (migration 0014_import_staging; the importer
// is src/io/import.ts, docs/inventory-io.md "Import at city scale").
//
// Why staging: a city's inventory is 20,000–200,000 asset rows. Written in one long transaction, the import
// held SQLite's single write lock for minutes and every other writer (the alert dispatcher, the worker,
// a login) waited out busy_timeout and failed. So the importer
//   1. reads what it needs with indexed, set-based queries (identities of one agency at a time, details
//      of the matched assets by id in chunks),
//   2. stages its checked rows here in batches of a few thousand, one short transaction each,
//   3. publishes them in ONE short step: an INSERT … SELECT and an UPDATE … FROM over the staged rows
//      (set-based on both dialects: SQLite ≥ 3.33 and PostgreSQL share the syntax), all or nothing,
//   4. deletes the staged rows in short batches.
// Publishing refuses when the assets of an agency changed after the importer read them (a scan finished
// meanwhile): the staged matches may be stale, so nothing is published and the import can simply be run
// again. The asset's network is found at publish time, inside the transaction, from the networks then
// registered (the most specific containing block of the agency, as NetworkIndex.lookup finds it).

import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AssetCandidate, Criticality } from '../../domain/asset.js';
import { PerisaiError } from '../../domain/errors.js';
import { keyOfIp } from '../../domain/ip.js';
import type { OsFact } from '../../domain/observation.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { ImportStagedAssetTable } from '../schema-imports.js';

export type StagedOutcome = 'created' | 'updated' | 'unchanged';

/** One checked asset row, as the importer hands it over. null fields keep the stored value. */
export interface StagedAsset {
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number;
  readonly agencyCode: string;
  /** undefined: a new asset (an id is made here); otherwise the live asset it updates. */
  readonly assetId?: string;
  readonly outcome: StagedOutcome;
  readonly ip: string;
  readonly mac: string | null;
  readonly netbiosName: string | null;
  readonly dnsName: string | null;
  readonly os: OsFact | null;
  readonly criticality: Criticality | null;
  readonly owner: string | null;
  readonly tags: readonly string[] | null;
  readonly outsideControl: boolean | null;
  readonly responsibleParty: string | null;
}

/** What the importer compares a matched asset with, to tell "updated" from "unchanged". */
export interface AssetDetail {
  readonly id: string;
  readonly ip: string;
  readonly mac: string | null;
  readonly netbiosName: string | null;
  readonly dnsName: string | null;
  readonly os: string | null;
  readonly criticality: string;
  readonly owner: string | null;
  readonly tags: readonly string[];
  readonly outsideControl: boolean;
  readonly responsibleParty: string | null;
}

export interface StagedPlace {
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number;
  readonly agencyCode: string;
}

/** Columns per staged row: the statement chunk size follows from the dialect's parameter limit. */
const STAGED_COLUMNS = 21;

export class ImportRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Open a run; its staged rows are invisible to everything but this repository. */
  async begin(by: string): Promise<string> {
    const id = randomUUID();
    await run(this.#ctx, 'starting an import', (db) => db.insertInto('import_runs').values({ id, started_at: nowIso(this.#ctx), started_by: by }).execute());
    return id;
  }

  /** Runs started before `before` (an import killed mid-way): their staged rows are deleted, in short batches. */
  async purgeStale(before: string, batch = 5_000): Promise<number> {
    const stale = await run(this.#ctx, 'finding stale imports', (db) => db.selectFrom('import_runs').select('id').where('started_at', '<', this.#ctx.d.time(before)).execute());
    for (const r of stale) await this.discard(r.id, batch);
    return stale.length;
  }

  /** Delete a run and its staged rows, `batch` rows per transaction (a 200,000-row run must not hold the lock for long). */
  async discard(importId: string, batch = 5_000): Promise<void> {
    for (;;) {
      const n = await tx(this.#ctx, 'discarding staged import rows', async (ctx) => {
        const seqs = await ctx.db.selectFrom('import_staged_assets').select('seq').where('import_id', '=', importId).orderBy('seq').limit(batch).execute();
        if (seqs.length === 0) return 0;
        await ctx.db.deleteFrom('import_staged_assets').where('import_id', '=', importId).where('seq', '<=', seqs[seqs.length - 1]!.seq).execute();
        return seqs.length;
      });
      if (n < batch) break;
      await yieldToOthers();
    }
    await run(this.#ctx, 'discarding an import', (db) => db.deleteFrom('import_runs').where('id', '=', importId).execute());
  }

  /** Stored agencies by code (retired ones too: an import may still attach assets to them, as before). */
  async agencyIdsByCode(): Promise<Map<string, string>> {
    const rows = await run(this.#ctx, 'reading agency codes', (db) => db.selectFrom('agencies').select(['id', 'code']).execute());
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  /** Assets per agency, retired included: publishing compares these with the counts read before matching. */
  async assetCounts(agencyIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(agencyIds.map((id) => [id, 0]));
    for (const part of chunks(agencyIds, 1_000)) {
      const rows = await run(this.#ctx, 'counting assets', (db) =>
        db.selectFrom('assets').select(['agency_id', (eb) => eb.fn.countAll<number>().as('n')]).where('agency_id', 'in', part).groupBy('agency_id').execute());
      for (const r of rows) out.set(r.agency_id, Number(r.n));
    }
    return out;
  }

  /** The live identities of one agency's assets (the candidates of domain/asset.ts matchAssets): one indexed read. */
  async liveIdentities(agencyId: string): Promise<AssetCandidate[]> {
    const rows = await run(this.#ctx, 'reading asset identities', (db) =>
      db.selectFrom('assets').select(['id', 'ip', 'mac', 'netbios_name', 'dns_name', 'last_seen']).where('agency_id', '=', agencyId).where('retired_at', 'is', null).execute());
    return rows.map((r) => ({ id: r.id, ip: r.ip, mac: r.mac, netbiosName: r.netbios_name, dnsName: r.dns_name, lastSeen: r.last_seen }));
  }

  /** The stored values of these assets, by id (read in chunks of the primary key). */
  async details(ids: readonly string[]): Promise<Map<string, AssetDetail>> {
    const d = this.#ctx.d;
    const out = new Map<string, AssetDetail>();
    for (const part of chunks(ids, 1_000)) {
      const rows = await run(this.#ctx, 'reading assets', (db) =>
        db.selectFrom('assets')
          .select(['id', 'ip', 'mac', 'netbios_name', 'dns_name', 'os', 'criticality', 'owner', 'tags', 'outside_control', 'responsible_party'])
          .where('id', 'in', part).execute());
      for (const r of rows) {
        out.set(r.id, {
          id: r.id, ip: r.ip, mac: r.mac, netbiosName: r.netbios_name, dnsName: r.dns_name, os: d.fromJson<{ name?: string }>(r.os)?.name ?? null,
          criticality: r.criticality, owner: r.owner, tags: d.fromJson<string[]>(r.tags) ?? [], outsideControl: d.fromBool(r.outside_control), responsibleParty: r.responsible_party,
        });
      }
    }
    return out;
  }

  /** Stage one batch in one transaction; `firstSeq` numbers its rows (the importer counts across batches). */
  async stage(importId: string, firstSeq: number, rows: readonly StagedAsset[]): Promise<void> {
    const d = this.#ctx.d;
    const values: ImportStagedAssetTable[] = rows.map((r, i) => ({
      import_id: importId, seq: firstSeq + i, file: r.file, sheet: r.sheet, row: r.row, agency_code: r.agencyCode,
      op: r.assetId === undefined ? 'create' : 'update', outcome: r.outcome, asset_id: r.assetId ?? randomUUID(),
      ip: r.ip, ip_key: keyOfIp(r.ip), mac: r.mac, netbios_name: r.netbiosName, dns_name: r.dnsName, os: r.os === null ? null : d.json(r.os),
      criticality: r.criticality, owner: r.owner, tags: r.tags === null ? null : d.json(r.tags), outside_control: r.outsideControl === null ? null : d.bool(r.outsideControl),
      responsible_party: r.responsibleParty,
    }));
    await tx(this.#ctx, 'staging imported assets', async (ctx) => {
      for (const part of chunks(values, Math.floor(d.maxParameters / STAGED_COLUMNS))) await ctx.db.insertInto('import_staged_assets').values(part).execute();
    });
  }

  /** Where the staged rows of these agencies came from (to report them when their agency's row failed). */
  async placesOf(importId: string, agencyCodes: readonly string[]): Promise<StagedPlace[]> {
    if (agencyCodes.length === 0) return [];
    const rows = await run(this.#ctx, 'reading staged rows', (db) =>
      db.selectFrom('import_staged_assets').select(['file', 'sheet', 'row', 'agency_code']).where('import_id', '=', importId).where('agency_code', 'in', [...agencyCodes]).execute());
    return rows.map((r) => ({ file: r.file, sheet: r.sheet, row: r.row, agencyCode: r.agency_code }));
  }

  /** Staged rows by outcome, without those of `skipCodes`. */
  async outcomes(importId: string, skipCodes: readonly string[]): Promise<Record<StagedOutcome, number>> {
    const rows = await run(this.#ctx, 'counting staged rows', (db) => {
      let q = db.selectFrom('import_staged_assets').select(['outcome', (eb) => eb.fn.countAll<number>().as('n')]).where('import_id', '=', importId);
      if (skipCodes.length > 0) q = q.where('agency_code', 'not in', [...skipCodes]);
      return q.groupBy('outcome').execute();
    });
    const out: Record<StagedOutcome, number> = { created: 0, updated: 0, unchanged: 0 };
    for (const r of rows) out[r.outcome as StagedOutcome] = Number(r.n);
    return out;
  }

  /**
   * Publish the staged rows (except those of `skipCodes`) into `assets`: call inside Store.transaction,
   * after the import's agencies exist. `expected` are the per-agency asset counts read before matching;
   * a difference means another writer (a scan) changed those agencies' assets meanwhile, and publishing
   * is refused with E_CONFLICT rather than risk a duplicate.
   */
  async publish(importId: string, skipCodes: readonly string[], expected: ReadonlyMap<string, number>): Promise<{ created: number; updated: number }> {
    return tx(this.#ctx, 'publishing imported assets', async (ctx) => {
      const now = nowIso(ctx);
      const d = ctx.d;
      const counts = await new ImportRepo(ctx).assetCounts([...expected.keys()]);
      for (const [agencyId, n] of expected) {
        if (counts.get(agencyId) !== n) {
          const a = await ctx.db.selectFrom('agencies').select('code').where('id', '=', agencyId).executeTakeFirst();
          throw new PerisaiError('E_CONFLICT', `the assets of agency ${a?.code ?? agencyId} changed while this file was being checked (a scan finished?); nothing was imported — run the import again`, { agencyId });
        }
      }
      const skip = skipCodes.length > 0 ? sql`and s.agency_code not in (${sql.join([...skipCodes])})` : sql``;
      const time = sql`cast(${now} as ${sql.raw(String(d.types.time))})`;
      // An updated asset must still be live (a retired one is not brought back by an import).
      const stale = await sql<{ n: number }>`
        select count(*) as n from import_staged_assets s left join assets a on a.id = s.asset_id
        where s.import_id = ${importId} and s.op = 'update' ${skip} and (a.id is null or a.retired_at is not null)`.execute(ctx.db);
      if (Number(stale.rows[0]?.n ?? 0) > 0) {
        throw new PerisaiError('E_CONFLICT', 'assets this file updates were retired or removed while it was being checked; nothing was imported — run the import again', { importId });
      }
      // The most specific registered network of the asset's agency that contains its address (ip_key and
      // the networks' start/end keys are the same byte-ordered text, so containment is a range test).
      const network = (agency: ReturnType<typeof sql.ref>) => sql`(select n.id from networks n where n.agency_id = ${agency}
        and n.start_key <= s.ip_key and n.end_key >= s.ip_key order by n.start_key desc, n.end_key asc limit 1)`;
      const inserted = await sql`
        insert into assets (id, agency_id, network_id, ip, ip_key, mac, netbios_name, dns_name, os, smb, criticality, owner, tags, outside_control,
                            responsible_party, risk_rating, risk_reasons, smb_open, first_seen, last_seen, last_job_id, retired_at, created_at, updated_at)
        select s.asset_id, g.id, ${network(sql.ref('g.id'))}, s.ip, s.ip_key, s.mac, s.netbios_name, s.dns_name, s.os, null, coalesce(s.criticality, 'internal'), s.owner,
               coalesce(s.tags, ${d.json([])}), coalesce(s.outside_control, ${d.bool(false)}), s.responsible_party, null, null, null, ${time}, ${time}, null, null, ${time}, ${time}
        from import_staged_assets s join agencies g on g.code = s.agency_code
        where s.import_id = ${importId} and s.op = 'create' ${skip}
        order by g.id, s.ip_key`.execute(ctx.db); // in index order: the b-tree inserts land next to each other
      // Identity and facts as upsertObserved records them (a known identifier is never erased by an empty
      // cell), the import's own columns as assets.update sets them. last_seen is a scan's to move: a row of
      // a spreadsheet is not an observation of the machine.
      const updated = await sql`
        update assets set
          ip = s.ip, ip_key = s.ip_key, network_id = ${network(sql.ref('assets.agency_id'))},
          mac = coalesce(s.mac, assets.mac), netbios_name = coalesce(s.netbios_name, assets.netbios_name), dns_name = coalesce(s.dns_name, assets.dns_name),
          os = coalesce(s.os, assets.os), criticality = coalesce(s.criticality, assets.criticality), owner = coalesce(s.owner, assets.owner),
          tags = coalesce(s.tags, assets.tags), outside_control = coalesce(s.outside_control, assets.outside_control),
          responsible_party = coalesce(s.responsible_party, assets.responsible_party), updated_at = ${time}
        from import_staged_assets s
        where s.import_id = ${importId} and s.op = 'update' and s.asset_id = assets.id ${skip}`.execute(ctx.db);
      return { created: Number(inserted.numAffectedRows ?? 0n), updated: Number(updated.numAffectedRows ?? 0n) };
    });
  }
}

/** Let other work run between two batches (a macrotask: timers and I/O of this process come first). */
function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
