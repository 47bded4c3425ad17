// Agencies, networks and assets: read endpoints, every one through `request.scope` (an officer sees its
// agency and the units below it; out-of-scope ids answer 404 exactly like missing ones).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CRITICALITIES } from '../../domain/asset.js';
import { buildSnapshots, diffSnapshots } from '../../domain/diff.js';
import type { CheckObservation, Observation, PortObservation } from '../../domain/observation.js';
import { RATINGS } from '../../domain/risk.js';
import type { Store } from '../../store/index.js';
import type { AssetScan } from '../../store/repos/observations.js';
import { coverageOf } from '../../store/repos/observations.js';
import { READ } from '../access.js';
import { AgencyDetailOut, AgencyOut, AssetHistoryOut, AssetOut, AssetServicesOut, ContactOut, IdParams, NetworkOut, responses, visibleAgency } from '../schemas.js';

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
    const [children, networks, contacts, findings, exposure, jobs] = await Promise.all([
      store.agencies.children(scope, id),
      store.networks.list(scope, { agencyId: id }),
      store.contacts.list(scope, { agencyId: id }),
      store.findings.counts(scope, { agencyId: id }),
      store.dashboard.exposureByAgency(new Set([id])),
      store.scans.listJobs(scope, { agencyId: id, limit: 1 }),
    ]);
    const last = jobs[0];
    const lastScan = last === undefined ? null : { id: last.id, status: last.status, createdAt: last.createdAt, finishedAt: last.finishedAt, targets: [...last.targets] };
    return { agency: visibleAgency(scope, agency), children, networks, contacts, findings, assets: exposure[0]?.hostsKnown ?? 0, lastScan };
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

  r.get('/api/v1/assets/:id/services', {
    config,
    schema: {
      tags: ['assets'], summary: 'Open ports with service and banner from the latest scan the asset answered, and the latest verdict of every check with its evidence',
      params: IdParams, response: responses({ 200: AssetServicesOut }),
    },
  }, async (request) => {
    const { scans } = await store.observations.ofAsset(request.scope, request.params.id);
    return servicesOf(scans);
  });

  r.get('/api/v1/assets/:id/history', {
    config,
    schema: {
      tags: ['assets'], summary: 'What changed on the asset: port/service/check changes between its scans and the lifecycle of its findings, newest first',
      params: IdParams, response: responses({ 200: AssetHistoryOut }),
    },
  }, async (request) => {
    const [{ scans, truncated }, events] = await Promise.all([
      store.observations.ofAsset(request.scope, request.params.id),
      store.findings.eventsOfAsset(request.scope, request.params.id),
    ]);
    const items = [...scanChanges(scans, truncated), ...events.map((e) => ({
      ...NO_CHANGE, at: e.at, source: 'finding' as const, kind: e.cause, jobId: e.jobId ?? null, from: e.from, to: e.to, port: e.finding.port,
      actor: e.actor ?? null, reason: e.reason ?? null, finding: { id: e.findingId, ruleId: e.finding.ruleId, severity: e.finding.severity, title: e.finding.title },
    }))];
    // Newest first; at the same instant scan facts come before the findings they caused.
    items.sort((a, b) => b.at.localeCompare(a.at) || Number(a.source === 'scan') - Number(b.source === 'scan'));
    return { items, truncated };
  });
}

/** The host answered in this scan (the rule finalize uses: an offline host says nothing about its ports). */
function answered(s: AssetScan): boolean {
  return buildSnapshots(s.observations).some((h) => h.up);
}

function servicesOf(scans: readonly AssetScan[]) {
  const latest = scans.find(answered);
  const ports = (latest?.observations ?? [])
    .filter((o): o is PortObservation => o.type === 'port' && o.state === 'open')
    .map((o) => ({ port: o.port, state: o.state, reason: o.reason, service: o.service ?? null, banner: o.banner ?? null, rttMs: o.rttMs ?? null }));
  // Checks are not run by every scan (a quick port sweep runs none), so each keeps its newest verdict.
  const checks = new Map<string, { check: string; port: number; state: CheckObservation['state']; reason: string | null; reasonCode: string | null; evidence: Record<string, unknown> | null; jobId: string; observedAt: string }>();
  for (const s of scans) {
    for (const o of s.observations) {
      if (o.type !== 'check' || checks.has(`${o.check}:${o.port}`)) continue;
      checks.set(`${o.check}:${o.port}`, { check: o.check, port: o.port, state: o.state, reason: o.reason ?? null, reasonCode: o.reasonCode ?? null, evidence: o.evidence === undefined ? null : { ...o.evidence }, jobId: s.jobId, observedAt: s.finishedAt });
    }
  }
  return {
    scan: latest === undefined ? null : { jobId: latest.jobId, profile: latest.profile, finishedAt: latest.finishedAt },
    ports, checks: [...checks.values()].sort((a, b) => a.check.localeCompare(b.check) || a.port - b.port), scansRead: scans.length,
  };
}

const NO_CHANGE = { jobId: null, previousJobId: null, port: null, check: null, from: null, to: null, confirmed: null, actor: null, reason: null, finding: null } as const;

/**
 * Changes between consecutive scans of the asset (domain/diff.ts, the same comparison finalize uses for
 * alerts). The oldest scan read is compared with nothing only when it is the asset's first: otherwise
 * everything it saw would look new.
 */
function scanChanges(newestFirst: readonly AssetScan[], truncated: boolean) {
  const chrono = [...newestFirst].reverse();
  const out = [];
  for (let i = 0; i < chrono.length; i++) {
    const cur = chrono[i]!;
    const prev = chrono[i - 1];
    if (prev === undefined && truncated) continue;
    const before: Observation[] = prev === undefined ? [] : [...prev.observations];
    const coverage = prev === undefined ? undefined : { previous: coverageOf(prev), current: coverageOf(cur) };
    for (const c of diffSnapshots(buildSnapshots(before), buildSnapshots(cur.observations), coverage)) {
      out.push({
        ...NO_CHANGE, at: cur.finishedAt, source: 'scan' as const, kind: c.kind, jobId: cur.jobId, previousJobId: prev?.jobId ?? null,
        ...('port' in c ? { port: c.port } : {}),
        ...(c.kind === 'port-opened' ? { to: c.service ?? null } : {}),
        ...(c.kind === 'port-closed' ? { confirmed: c.confirmed } : {}),
        ...(c.kind === 'service-changed' ? { from: c.from, to: c.to } : {}),
        ...(c.kind === 'check-changed' ? { check: c.check, from: c.from, to: c.to } : {}),
      });
    }
  }
  return out;
}
