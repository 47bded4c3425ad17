// The city dashboard, CSV exports per agency, and the audit log (admin).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FINDING_STATUSES } from '../../domain/finding.js';
import { csvRow } from '../../engine/output/csv.js';
import type { AgencyScope, Store } from '../../store/index.js';
import { ADMIN, READ } from '../access.js';
import { AuditOut, Counts, ExposureOut, IdParams, responses, visibleAgency } from '../schemas.js';

/** The agency's subtree, limited to what the caller may see. */
async function subtree(store: Store, scope: AgencyScope, agencyId: string): Promise<ReadonlySet<string>> {
  await store.agencies.get(scope, agencyId); // 404 when outside the caller's scope
  const sub = await store.agencies.scopeOf(agencyId);
  return new Set([...sub].filter((id) => scope === 'all' || scope.has(id)));
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

export function reportRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get('/api/v1/dashboard', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['dashboard'], summary: 'Exposure of the city (or the caller\'s agencies): hosts known and scanned, exposed SMB, SMBv1, MS17-010, DoublePulsar, unknown — by agency',
      response: responses({
        200: Type.Object({
          generatedAt: Type.String(),
          totals: Type.Omit(ExposureOut, ['agencyId']),
          agencies: Type.Array(Type.Intersect([ExposureOut, Type.Object({ code: Type.String(), name: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]) })])),
          findings: Counts,
        }),
      }),
    },
  }, async (request) => {
    const scope = request.scope;
    const [rows, agencies, findings] = await Promise.all([store.dashboard.exposureByAgency(scope), store.agencies.list(scope), store.findings.counts(scope)]);
    const byId = new Map(rows.map((x) => [x.agencyId, x]));
    const zero = { hostsKnown: 0, hostsScanned: 0, exposedSmb: 0, smbv1: 0, ms17010: 0, doublePulsar: 0, unknown: 0 };
    const totals = { ...zero };
    const out = agencies.map((a) => {
      const x = byId.get(a.id) ?? { agencyId: a.id, ...zero };
      for (const k of Object.keys(zero) as (keyof typeof zero)[]) totals[k] += x[k];
      return { ...x, agencyId: a.id, code: a.code, name: a.name, parentId: visibleAgency(scope, a).parentId };
    });
    return { generatedAt: clock().toISOString(), totals, agencies: out, findings };
  });

  const csv = { 200: Type.String({ description: 'text/csv; charset=utf-8 (RFC 4180, formula-injection guarded)' }) };

  r.get('/api/v1/agencies/:id/findings.csv', {
    config: { access: { roles: READ } },
    schema: { tags: ['exports'], summary: 'Findings of an agency and its units (all statuses) as CSV', params: IdParams, produces: ['text/csv'], response: responses(csv) },
  }, async (request, reply) => {
    const scope = await subtree(store, request.scope, request.params.id);
    const agencies = new Map((await store.agencies.list(scope)).map((a) => [a.id, a.code]));
    let out = csvRow(['agency', 'ip', 'netbios_name', 'dns_name', 'rule', 'port', 'severity', 'status', 'title_id', 'title_en', 'first_seen', 'last_seen', 'times_seen', 'exception', 'exception_reason', 'exception_expires_at']);
    let cursor: string | undefined;
    do {
      const page = await store.findings.list(scope, { status: FINDING_STATUSES, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
      for (const f of page.items) {
        out += csvRow([
          agencies.get(f.agencyId) ?? f.agencyId, f.asset.ip, f.asset.netbiosName ?? '', f.asset.dnsName ?? '', f.ruleId, String(f.port), f.severity, f.status,
          f.title.id, f.title.en, f.firstSeen, f.lastSeen, String(f.timesSeen), f.exception?.kind ?? '', f.exception?.reason ?? '', f.exception?.expiresAt ?? '',
        ]);
      }
      cursor = page.next;
    } while (cursor !== undefined);
    const code = agencies.get(request.params.id) ?? 'agency';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(`perisai-findings-${code}.csv`)).send(out);
  });

  r.get('/api/v1/agencies/:id/assets.csv', {
    config: { access: { roles: READ } },
    schema: { tags: ['exports'], summary: 'Assets of an agency and its units as CSV', params: IdParams, produces: ['text/csv'], response: responses(csv) },
  }, async (request, reply) => {
    const scope = await subtree(store, request.scope, request.params.id);
    const agencies = new Map((await store.agencies.list(scope)).map((a) => [a.id, a.code]));
    let out = csvRow(['agency', 'ip', 'mac', 'netbios_name', 'dns_name', 'os', 'smbv1', 'criticality', 'owner', 'tags', 'risk_rating', 'first_seen', 'last_seen']);
    let after: string | undefined;
    for (;;) {
      const page = await store.assets.list(scope, { limit: 2000, ...(after !== undefined ? { after } : {}) });
      for (const a of page) {
        out += csvRow([
          agencies.get(a.agencyId) ?? a.agencyId, a.ip, a.mac ?? '', a.netbiosName ?? '', a.dnsName ?? '', a.os?.name ?? '', a.smb === null ? '' : String(a.smb.smbv1),
          a.criticality, a.owner ?? '', a.tags.join(' '), a.riskRating ?? '', a.firstSeen, a.lastSeen,
        ]);
      }
      if (page.length < 2000) break;
      after = page[page.length - 1]!.id;
    }
    const code = agencies.get(request.params.id) ?? 'agency';
    return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(`perisai-assets-${code}.csv`)).send(out);
  });

  r.get('/api/v1/audit', {
    config: { access: { roles: ADMIN } },
    schema: {
      tags: ['audit'], summary: 'The audit log, newest first; `before` = smallest id of the previous page',
      querystring: Type.Object({
        actorId: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 100 })),
        outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
        before: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(AuditOut) }) }),
    },
  }, async (request) => ({ items: await store.audit.list(request.query) }));
}
