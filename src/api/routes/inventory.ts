// Agencies, networks and assets: read endpoints, every one through `request.scope` (an officer sees its
// agency and the units below it; out-of-scope ids answer 404 exactly like missing ones).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CRITICALITIES } from '../../domain/asset.js';
import { RATINGS } from '../../domain/risk.js';
import type { Store } from '../../store/index.js';
import { READ } from '../access.js';
import { AgencyDetailOut, AgencyOut, AssetOut, ContactOut, IdParams, NetworkOut, responses, visibleAgency } from '../schemas.js';

const AgencyIdQuery = Type.String({ minLength: 1, maxLength: 64 });

export function inventoryRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const config = { access: { roles: READ } };

  r.get('/api/v1/agencies', {
    config,
    schema: {
      tags: ['agencies'], summary: 'Agencies in scope',
      querystring: Type.Object({ parentId: Type.Optional(AgencyIdQuery), kind: Type.Optional(Type.String({ maxLength: 20 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(AgencyOut) }) }),
    },
  }, async (request) => {
    const items = await store.agencies.list(request.scope);
    const q = request.query;
    return { items: items.filter((a) => (q.parentId === undefined || a.parentId === q.parentId) && (q.kind === undefined || a.kind === q.kind)).map((a) => visibleAgency(request.scope, a)) };
  });

  r.get('/api/v1/agencies/:id', {
    config,
    schema: { tags: ['agencies'], summary: 'An agency with its units, networks, contacts and counts', params: IdParams, response: responses({ 200: AgencyDetailOut }) },
  }, async (request) => {
    const scope = request.scope;
    const id = request.params.id;
    const agency = await store.agencies.get(scope, id);
    const [children, networks, contacts, findings, exposure] = await Promise.all([
      store.agencies.children(scope, id),
      store.networks.list(scope, { agencyId: id }),
      store.contacts.list(scope, { agencyId: id }),
      store.findings.counts(scope, { agencyId: id }),
      store.dashboard.exposureByAgency(new Set([id])),
    ]);
    return { agency: visibleAgency(scope, agency), children, networks, contacts, findings, assets: exposure[0]?.hostsKnown ?? 0 };
  });

  r.get('/api/v1/agencies/:id/contacts', {
    config,
    schema: { tags: ['agencies'], summary: 'Contacts of an agency', params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(ContactOut) }) }) },
  }, async (request) => {
    await store.agencies.get(request.scope, request.params.id);
    return { items: await store.contacts.list(request.scope, { agencyId: request.params.id }) };
  });

  r.get('/api/v1/networks', {
    config,
    schema: {
      tags: ['networks'], summary: 'Registered networks in scope',
      querystring: Type.Object({ agencyId: Type.Optional(AgencyIdQuery) }),
      response: responses({ 200: Type.Object({ items: Type.Array(NetworkOut) }) }),
    },
  }, async (request) => ({ items: await store.networks.list(request.scope, request.query.agencyId !== undefined ? { agencyId: request.query.agencyId } : {}) }));

  r.get('/api/v1/networks/:id', {
    config,
    schema: { tags: ['networks'], summary: 'One network', params: IdParams, response: responses({ 200: NetworkOut }) },
  }, async (request) => store.networks.get(request.scope, request.params.id));

  r.get('/api/v1/assets', {
    config,
    schema: {
      tags: ['assets'], summary: 'Assets in scope (ordered by address; keyset paging with `after`)',
      querystring: Type.Object({
        agencyId: Type.Optional(AgencyIdQuery),
        search: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        criticality: Type.Optional(Type.Union(CRITICALITIES.map((c) => Type.Literal(c)))),
        riskRating: Type.Optional(Type.Union(RATINGS.map((c) => Type.Literal(c)))),
        after: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(AssetOut), next: Type.Union([Type.String(), Type.Null()]) }) }),
    },
  }, async (request) => {
    const q = request.query;
    const limit = q.limit ?? 100;
    // The store positions `after` without a scope check; an out-of-scope id would leak where another
    // agency's address sorts. Check it here (404 like any other out-of-scope id).
    if (q.after !== undefined) await store.assets.get(request.scope, q.after);
    const items = await store.assets.list(request.scope, {
      ...(q.agencyId !== undefined ? { agencyId: q.agencyId } : {}), ...(q.search !== undefined ? { search: q.search } : {}), ...(q.tag !== undefined ? { tag: q.tag } : {}),
      ...(q.criticality !== undefined ? { criticality: q.criticality } : {}), ...(q.riskRating !== undefined ? { riskRating: q.riskRating } : {}),
      ...(q.after !== undefined ? { after: q.after } : {}), limit,
    });
    return { items, next: items.length === limit ? (items[items.length - 1]?.id ?? null) : null };
  });

  r.get('/api/v1/assets/:id', {
    config,
    schema: { tags: ['assets'], summary: 'One asset', params: IdParams, response: responses({ 200: AssetOut }) },
  }, async (request) => store.assets.get(request.scope, request.params.id));
}
