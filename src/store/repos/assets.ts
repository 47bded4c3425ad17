// Assets with identity kept across scans. `upsertObserved` applies the matching rules of
// domain/asset.ts to what a scan saw of one agency's hosts: matched assets are updated (address,
// names, facts, last seen), the rest are created, all in one transaction.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import { checkOutsideControl, matchAssets, normalizeDnsName, normalizeMac, normalizeNetbiosName, validateAssetPatch } from '../../domain/asset.js';
import type { Asset, AssetIdentity, AssetPatch, Criticality, MatchRule } from '../../domain/asset.js';
import { NetworkIndex, keyOfIp, parseAddress } from '../../domain/ip.js';
import { osSummary, smbSummary } from '../../domain/observation.js';
import type { OsFact, SmbFact, SmbSummary } from '../../domain/observation.js';
import type { Rating, RiskAssessment } from '../../domain/risk.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { AssetTable } from '../schema.js';
import { AgencyRepo } from './agencies.js';

export interface ObservedHost extends AssetIdentity {
  readonly os?: OsFact | null;
  /** Stored as an SmbSummary (unknowns stay null); an engine fact is summarised on the way in. */
  readonly smb?: SmbSummary | SmbFact | null;
  /** 139 or 445 open in this scan; undefined/null when the scan did not probe them (the stored value stays). */
  readonly smbOpen?: boolean | null;
}

export interface UpsertedAsset {
  readonly ip: string;
  readonly assetId: string;
  readonly created: boolean;
  readonly matchedBy: MatchRule | null;
}

export interface AssetListFilter {
  readonly agencyId?: string;
  readonly tag?: string;
  /** Case-insensitive substring of the address, NetBIOS name, DNS name or owner. */
  readonly search?: string;
  readonly criticality?: Criticality;
  readonly riskRating?: Rating;
  readonly includeRetired?: boolean;
  readonly limit?: number;
  /** Keyset paging: the ip_key-ordered list continues after this asset id. */
  readonly after?: string;
}

export class AssetRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  #toAsset(r: Selectable<AssetTable>): Asset {
    const d = this.#ctx.d;
    return {
      id: r.id, agencyId: r.agency_id, networkId: r.network_id, ip: r.ip, mac: r.mac, netbiosName: r.netbios_name, dnsName: r.dns_name,
      os: osSummary(d.fromJson<unknown>(r.os)) ?? null, smb: smbSummary(d.fromJson<unknown>(r.smb)) ?? null,
      smbOpen: r.smb_open === null ? null : d.fromBool(r.smb_open), criticality: r.criticality as Criticality, owner: r.owner,
      tags: d.fromJson<string[]>(r.tags) ?? [], outsideControl: d.fromBool(r.outside_control), responsibleParty: r.responsible_party,
      riskRating: r.risk_rating, riskReasons: d.fromJson<{ ruleId: string; rating: string }[]>(r.risk_reasons) ?? [],
      firstSeen: r.first_seen, lastSeen: r.last_seen, lastJobId: r.last_job_id, retiredAt: r.retired_at,
    };
  }

  /**
   * Record hosts a scan observed for one agency: match each to an existing asset or create one. Facts
   * (os, smb) and identifiers a host newly reveals are stored; a known identifier is never erased by a
   * scan that did not see it.
   */
  async upsertObserved(scope: AgencyScope, input: { agencyId: string; hosts: readonly ObservedHost[]; jobId?: string | null; at?: string }): Promise<UpsertedAsset[]> {
    const hosts = input.hosts.map((h) => ({ ...h, ip: parseAddress(h.ip).text }));
    return tx(this.#ctx, `recording observed assets of ${input.agencyId}`, async (ctx) => {
      await new AgencyRepo(ctx).get(scope, input.agencyId);
      const d = ctx.d;
      const at = input.at !== undefined ? d.time(input.at) : nowIso(ctx);
      // All live identities of the agency: one indexed read, then matching in memory (linear, see domain).
      const cands = await ctx.db
        .selectFrom('assets')
        .select(['id', 'ip', 'mac', 'netbios_name', 'dns_name', 'last_seen'])
        .where('agency_id', '=', input.agencyId)
        .where('retired_at', 'is', null)
        .execute();
      const matches = matchAssets(
        cands.map((c) => ({ id: c.id, ip: c.ip, mac: c.mac, netbiosName: c.netbios_name, dnsName: c.dns_name, lastSeen: c.last_seen })),
        hosts,
      );
      const nets = new NetworkIndex(await ctx.db.selectFrom('networks').select(['id', 'agency_id as agencyId', 'cidr']).where('agency_id', '=', input.agencyId).execute());
      const out: UpsertedAsset[] = [];
      const inserts: AssetTable[] = [];
      for (let i = 0; i < hosts.length; i++) {
        const h = hosts[i]!;
        const m = matches[i]!;
        const mac = normalizeMac(h.mac) ?? null;
        const nb = normalizeNetbiosName(h.netbiosName) ?? null;
        const dns = normalizeDnsName(h.dnsName) ?? null;
        const networkId = nets.lookup(h.ip)?.id ?? null;
        const smb = h.smb ? (smbSummary(h.smb) ?? null) : null;
        const smbOpen = h.smbOpen ?? null;
        if (m.kind === 'new') {
          const id = randomUUID();
          inserts.push({
            id, agency_id: input.agencyId, network_id: networkId, ip: h.ip, ip_key: keyOfIp(h.ip), mac, netbios_name: nb, dns_name: dns,
            os: h.os ? d.json(h.os) : null, smb: smb !== null ? d.json(smb) : null, criticality: 'internal', owner: null, tags: d.json([]),
            outside_control: d.bool(false), responsible_party: null, risk_rating: null, risk_reasons: null, smb_open: smbOpen === null ? null : d.bool(smbOpen),
            first_seen: at, last_seen: at, last_job_id: input.jobId ?? null, retired_at: null, created_at: at, updated_at: at,
          });
          out.push({ ip: h.ip, assetId: id, created: true, matchedBy: null });
        } else {
          let q = ctx.db.updateTable('assets').set({ ip: h.ip, ip_key: keyOfIp(h.ip), network_id: networkId, last_seen: at, updated_at: at });
          if (input.jobId != null) q = q.set({ last_job_id: input.jobId });
          if (mac !== null) q = q.set({ mac });
          if (nb !== null) q = q.set({ netbios_name: nb });
          if (dns !== null) q = q.set({ dns_name: dns });
          if (h.os) q = q.set({ os: d.json(h.os) });
          // The latest scan's SMB facts replace the old ones, unknowns included: a "no" the last scan could
          // not confirm must not outlive it. A scan that did not examine SMB leaves them as they were.
          if (smb !== null) q = q.set({ smb: d.json(smb) });
          if (smbOpen !== null) q = q.set({ smb_open: d.bool(smbOpen) });
          await q.where('id', '=', m.assetId).execute();
          out.push({ ip: h.ip, assetId: m.assetId, created: false, matchedBy: m.by });
        }
      }
      for (const part of chunks(inserts, Math.floor(d.maxParameters / 24))) await ctx.db.insertInto('assets').values(part).execute();
      return out;
    });
  }

  async get(scope: AgencyScope, id: string): Promise<Asset> {
    const r = await run(this.#ctx, 'reading an asset', (db) =>
      db.selectFrom('assets').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('asset', id);
    return this.#toAsset(r);
  }

  /** Assets in scope, ordered by address (IPv4 before IPv6), keyset-paged. */
  async list(scope: AgencyScope, filter: AssetListFilter = {}): Promise<Asset[]> {
    const d = this.#ctx.d;
    const rows = await run(this.#ctx, 'listing assets', async (db) => {
      let q = db.selectFrom('assets').selectAll().where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      if (!filter.includeRetired) q = q.where('retired_at', 'is', null);
      if (filter.criticality !== undefined) q = q.where('criticality', '=', filter.criticality);
      if (filter.riskRating !== undefined) q = q.where('risk_rating', '=', filter.riskRating);
      if (filter.tag !== undefined) q = q.where(d.jsonArrayContains('assets.tags', filter.tag.trim().toLowerCase()));
      if (filter.search !== undefined && filter.search.trim() !== '') {
        const s = filter.search.trim();
        q = q.where((eb) => eb.or([d.textContains('assets.ip', s), d.textContains('assets.netbios_name', s), d.textContains('assets.dns_name', s), d.textContains('assets.owner', s)]));
      }
      if (filter.after !== undefined) {
        const a = await db.selectFrom('assets').select(['ip_key', 'id']).where('id', '=', filter.after).executeTakeFirst();
        if (a !== undefined) q = q.where((eb) => eb.or([eb('ip_key', '>', a.ip_key), eb.and([eb('ip_key', '=', a.ip_key), eb('id', '>', a.id)])]));
      }
      return q.orderBy('ip_key').orderBy('id').limit(Math.min(Math.max(filter.limit ?? 500, 1), 10_000)).execute();
    });
    return rows.map((r) => this.#toAsset(r));
  }

  /** Live assets of an agency by address (for attributing a scan's observations). */
  async idsByIp(scope: AgencyScope, agencyId: string): Promise<Map<string, string>> {
    assertInScope(scope, agencyId, 'agency', agencyId);
    const rows = await run(this.#ctx, 'reading asset addresses', (db) =>
      db.selectFrom('assets').select(['id', 'ip']).where('agency_id', '=', agencyId).where('retired_at', 'is', null).orderBy('last_seen').execute(),
    );
    return new Map(rows.map((r) => [r.ip, r.id])); // most recently seen wins (ordered ascending)
  }

  async update(scope: AgencyScope, id: string, patch: AssetPatch): Promise<Asset> {
    const p = validateAssetPatch(patch);
    return tx(this.#ctx, `updating asset ${id}`, async (ctx) => {
      const cur = await new AssetRepo(ctx).get(scope, id);
      const outsideControl = p.outsideControl ?? cur.outsideControl;
      const responsibleParty = p.responsibleParty === undefined ? cur.responsibleParty : p.responsibleParty;
      checkOutsideControl(outsideControl, responsibleParty);
      await ctx.db.updateTable('assets').set({
        criticality: p.criticality ?? cur.criticality,
        owner: p.owner === undefined ? cur.owner : p.owner,
        tags: ctx.d.json(p.tags ?? cur.tags),
        outside_control: ctx.d.bool(outsideControl),
        responsible_party: responsibleParty,
        updated_at: nowIso(ctx),
      }).where('id', '=', id).execute();
      return new AssetRepo(ctx).get(scope, id);
    });
  }

  /** Store the latest risk rating and the ids of the rules that produced it. */
  async setRisk(scope: AgencyScope, id: string, assessment: RiskAssessment): Promise<void> {
    await tx(this.#ctx, `rating asset ${id}`, async (ctx) => {
      await new AssetRepo(ctx).get(scope, id);
      await ctx.db.updateTable('assets').set({
        risk_rating: assessment.rating,
        risk_reasons: ctx.d.json(assessment.matched.map((r) => ({ ruleId: r.id, rating: r.rating }))),
        updated_at: nowIso(ctx),
      }).where('id', '=', id).execute();
    });
  }

  /** The rule ids each asset's current rating matched (its risk reasons), for the rating after a scan (domain/risk.ts rateAfterScan). */
  async riskRulesOf(scope: AgencyScope, ids: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const part of chunks([...new Set(ids)], 500)) {
      const rows = await run(this.#ctx, 'reading risk reasons', (db) =>
        db.selectFrom('assets').select(['id', 'risk_reasons']).where('id', 'in', part).where(scopeFilter('agency_id', scope)).execute(),
      );
      for (const r of rows) out.set(r.id, (this.#ctx.d.fromJson<{ ruleId: string }[]>(r.risk_reasons) ?? []).map((x) => x.ruleId));
    }
    return out;
  }

  async retire(scope: AgencyScope, id: string): Promise<void> {
    await tx(this.#ctx, `retiring asset ${id}`, async (ctx) => {
      await new AssetRepo(ctx).get(scope, id);
      await ctx.db.updateTable('assets').set({ retired_at: nowIso(ctx), updated_at: nowIso(ctx) }).where('id', '=', id).execute();
    });
  }
}
