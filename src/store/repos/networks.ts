// Registered networks (an agency's scan scope) with the overlap policy of domain/network.ts, enforced in
// the same transaction as the insert and serialised across processes (dialect.lock), so two concurrent
// registrations cannot both pass the check. The guard rails of the same file (never-register list;
// public, wide or loopback blocks only with a confirmation) are checked here too, so every front door —
// API, CLI, import — gets them; a confirmation is stored with the network and written to the audit log
// in the same transaction as the insert.

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { notFound } from '../../domain/errors.js';
import { NetworkIndex, addressKey, keyOfIp } from '../../domain/ip.js';
import { assessNetwork, checkNetworkOverlap, NETWORK_CONCERNS, validateNetworkInput } from '../../domain/network.js';
import type { Network, NetworkAssessment, NetworkConcern, NetworkInput, NetworkPolicy } from '../../domain/network.js';
import type { Ctx } from '../context.js';
import { nowIso, run, tx } from '../context.js';
import { NetworkOverlapError } from '../errors.js';
import type { AgencyScope } from '../scope.js';
import { assertInScope, scopeFilter } from '../scope.js';
import type { NetworkTable } from '../schema.js';
import { AgencyRepo, ancestorIds } from './agencies.js';
import { AuditRepo } from './audit.js';

/** Who registers, for the audit row of a confirmation (the API passes its request's; the CLI its operator). */
export interface RegistrationContext {
  readonly actorId?: string | null;
  readonly requestId?: string | null;
  readonly ip?: string | null;
}

function toNetwork(r: Selectable<NetworkTable>): Network {
  return {
    id: r.id, agencyId: r.agency_id, cidr: r.cidr, family: r.family === 6 ? 6 : 4, label: r.label, zone: r.zone,
    authorisedBy: r.authorised_by, authorisedAt: r.authorised_at, authorisationRef: r.authorisation_ref,
    confirmation: r.confirmed_by === null || r.confirmed_by === undefined ? null : {
      by: r.confirmed_by, at: r.confirmed_at ?? r.created_at, reason: r.confirmation_reason ?? '',
      concerns: (r.confirmation_concerns ?? '').split(',').filter((c): c is NetworkConcern => (NETWORK_CONCERNS as readonly string[]).includes(c)),
    },
    createdAt: r.created_at,
  };
}

export class NetworkRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** The sizes above which a registration needs a confirmation (StoreOptions.networkPolicy). */
  get policy(): NetworkPolicy {
    return this.#ctx.networkPolicy;
  }

  /** What registering `cidr` would need (domain/network.ts assessNetwork under this store's policy). */
  assess(cidr: string): NetworkAssessment {
    return assessNetwork(cidr, this.#ctx.networkPolicy);
  }

  /**
   * Register a network for an agency. Refused with NeverRegisterError / NetworkConfirmationError
   * (E_VALIDATION) by the guard rails, and with NetworkOverlapError (E_CONFLICT) naming the other agency
   * when the block duplicates or overlaps another agency's block, except delegation down the hierarchy
   * (domain/network.ts).
   */
  async add(scope: AgencyScope, input: NetworkInput, who: RegistrationContext = {}): Promise<Network> {
    const v = validateNetworkInput(input, this.#ctx.networkPolicy, this.#ctx.clock());
    return tx(this.#ctx, `registering network ${v.cidr.text}`, async (ctx) => {
      await ctx.d.lock(ctx.db, 'networks');
      await new AgencyRepo(ctx).get(scope, input.agencyId);
      const start = addressKey(v.cidr.family, v.cidr.first);
      const end = addressKey(v.cidr.family, v.cidr.last);
      const overlapping = await ctx.db
        .selectFrom('networks')
        .innerJoin('agencies', 'agencies.id', 'networks.agency_id')
        .select(['networks.id', 'networks.agency_id as agencyId', 'networks.cidr', 'agencies.code', 'agencies.name'])
        .where('networks.start_key', '<=', end)
        .where('networks.end_key', '>=', start)
        .execute();
      if (overlapping.length > 0) {
        const ancestorsOf = new Map<string, string[]>();
        const ups = async (id: string): Promise<string[]> => {
          let a = ancestorsOf.get(id);
          if (a === undefined) {
            a = await ancestorIds(ctx.db, id);
            ancestorsOf.set(id, a);
          }
          return a;
        };
        for (const id of new Set([input.agencyId, ...overlapping.map((o) => o.agencyId)])) await ups(id);
        const verdict = checkNetworkOverlap(v.cidr, input.agencyId, overlapping, (a, d) => ancestorsOf.get(d)?.includes(a) ?? false);
        if (!verdict.ok) {
          const o = overlapping.find((x) => x.id === verdict.existing.id)!;
          throw new NetworkOverlapError(v.cidr.text, verdict.reason, { networkId: o.id, cidr: o.cidr, agencyId: o.agencyId, agencyCode: o.code, agencyName: o.name });
        }
      }
      const row = {
        id: randomUUID(), agency_id: input.agencyId, cidr: v.cidr.text, family: v.cidr.family, start_key: start, end_key: end,
        label: input.label ?? null, zone: input.zone ?? null, authorised_by: v.authorisedBy, authorised_at: v.authorisedAt,
        authorisation_ref: input.authorisationRef ?? null, created_at: nowIso(ctx),
        confirmed_by: v.confirmation?.by ?? null, confirmed_at: v.confirmation?.at ?? null, confirmation_reason: v.confirmation?.reason ?? null,
        confirmation_concerns: v.confirmation === null ? null : v.confirmation.concerns.join(','),
      };
      await ctx.db.insertInto('networks').values(row).execute();
      if (v.confirmation !== null) {
        // Its own audit row, atomic with the registration: whoever registered it (API, CLI, import),
        // the confirmation of a questioned block is never stored without a trace of who gave it.
        await new AuditRepo(ctx).record({
          actorId: who.actorId ?? null, actor: v.confirmation.by, action: 'network.confirm', targetType: 'network', targetId: row.id, agencyId: input.agencyId,
          outcome: 'success', requestId: who.requestId ?? null, ip: who.ip ?? null,
          details: { cidr: row.cidr, reason: v.confirmation.reason, concerns: [...v.confirmation.concerns], authorisedBy: v.authorisedBy },
        });
      }
      return toNetwork(row);
    });
  }

  async get(scope: AgencyScope, id: string): Promise<Network> {
    const r = await run(this.#ctx, 'reading a network', (db) =>
      db.selectFrom('networks').selectAll().where('id', '=', id).where(scopeFilter('agency_id', scope)).executeTakeFirst(),
    );
    if (r === undefined) throw notFound('network', id);
    return toNetwork(r);
  }

  async list(scope: AgencyScope, filter: { agencyId?: string } = {}): Promise<Network[]> {
    const rows = await run(this.#ctx, 'listing networks', (db) => {
      let q = db.selectFrom('networks').selectAll().where(scopeFilter('agency_id', scope));
      if (filter.agencyId !== undefined) q = q.where('agency_id', '=', filter.agencyId);
      return q.orderBy('start_key').orderBy('end_key', 'desc').execute();
    });
    return rows.map(toNetwork);
  }

  /** The most specific registered network (in scope) holding `ip`, if any. */
  async ownerOf(scope: AgencyScope, ip: string): Promise<Network | undefined> {
    const key = keyOfIp(ip);
    const r = await run(this.#ctx, 'looking up the network of an address', (db) =>
      db.selectFrom('networks').selectAll()
        .where('start_key', '<=', key).where('end_key', '>=', key).where(scopeFilter('agency_id', scope))
        // nested blocks: the innermost has the greatest start and, for equal starts, the smallest end
        .orderBy('start_key', 'desc').orderBy('end_key', 'asc').limit(1).executeTakeFirst(),
    );
    return r === undefined ? undefined : toNetwork(r);
  }

  /** An in-memory index of the networks in scope, for attributing many addresses at once. */
  async index(scope: AgencyScope): Promise<NetworkIndex<Network>> {
    return new NetworkIndex(await this.list(scope));
  }

  async remove(scope: AgencyScope, id: string): Promise<void> {
    await tx(this.#ctx, `removing network ${id}`, async (ctx) => {
      const r = await ctx.db.selectFrom('networks').select(['agency_id']).where('id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound('network', id);
      assertInScope(scope, r.agency_id, 'network', id);
      await ctx.db.deleteFrom('networks').where('id', '=', id).execute();
    });
  }
}
