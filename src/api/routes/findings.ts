// Findings: list (filter, worst first, keyset cursor), detail with its event history, and the triage
// actions: acknowledge, assign, accept risk, mark false positive, revoke an exception. Every action is
// an audited mutation (access plugin) and passes `request.scope` to the store, which answers 404 for a
// finding outside it.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FINDING_STATUSES, SEVERITIES } from '../../domain/finding.js';
import type { FindingStatus } from '../../domain/finding.js';
import type { AgencyScope, FindingView, Store } from '../../store/index.js';
import type { Triage } from '../../store/repos/triage.js';
import { FINDING_SORTS } from '../../store/repos/findings.js';
import type { User } from '../../store/repos/users.js';
import { READ, TRIAGE } from '../access.js';
import { ApiError } from '../errors.js';
import { FindingEventOut, FindingOut, IdParams, Nullable, Text, responses } from '../schemas.js';

const NO_TRIAGE = { acknowledgedAt: null, acknowledgedBy: null, assigneeId: null, assigneeName: null, assignedAt: null, assignedBy: null };

/** `names`: display names of the assignees (an assignee removed since shows as null, its id kept). */
export function withTriage(f: FindingView, t: Triage | undefined, names: ReadonlyMap<string, string> = new Map()) {
  const triage = t === undefined ? NO_TRIAGE : {
    acknowledgedAt: t.acknowledgedAt, acknowledgedBy: t.acknowledgedBy, assigneeId: t.assigneeId,
    assigneeName: t.assigneeId === null ? null : (names.get(t.assigneeId) ?? null), assignedAt: t.assignedAt, assignedBy: t.assignedBy,
  };
  return { ...f, triage };
}

/** Display names for the assignees among `triage` (one users read, only when someone is assigned). */
async function assigneeNames(store: Store, triage: Iterable<Triage>): Promise<Map<string, string>> {
  const ids = new Set([...triage].map((t) => t.assigneeId).filter((x): x is string => x !== null));
  if (ids.size === 0) return new Map();
  return new Map((await store.users.list()).filter((u) => ids.has(u.id)).map((u) => [u.id, u.displayName]));
}

async function one(store: Store, scope: AgencyScope, id: string) {
  const f = await store.findings.get(scope, id);
  const t = (await store.triage.of(scope, [id])).get(id);
  return withTriage(f, t, await assigneeNames(store, t === undefined ? [] : [t]));
}

const Exception = Type.Object({
  reason: Text(1000),
  /** ISO-8601 instant; at most 365 days ahead (the store enforces it). */
  expiresAt: Type.String({ format: 'date-time' }),
}, { additionalProperties: false });

export function findingRoutes(app: FastifyInstance, deps: { store: Store }): void {
  const { store } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const act = (audit: string) => ({ access: { roles: TRIAGE, target: 'finding', audit } });

  r.get('/api/v1/findings', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['findings'], summary: 'Findings in scope, worst first (severity, then most recently seen); `next` is the cursor of the following page',
      querystring: Type.Object({
        agencyId: Type.Optional(Type.String({ maxLength: 64 })),
        status: Type.Optional(Type.String({ pattern: `^(${FINDING_STATUSES.join('|')})(,(${FINDING_STATUSES.join('|')}))*$`, description: 'comma-separated; default open' })),
        minSeverity: Type.Optional(Type.Union(SEVERITIES.map((s) => Type.Literal(s)))),
        assetId: Type.Optional(Type.String({ maxLength: 64 })),
        ruleId: Type.Optional(Type.String({ maxLength: 64 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        cursor: Type.Optional(Type.String({ maxLength: 512 })),
        sort: Type.Optional(Type.Union(FINDING_SORTS.map((x) => Type.Literal(x)), { description: 'severity (default: worst first) or recent (most recently seen first)' })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(FindingOut), next: Nullable(Type.String()) }) }),
    },
  }, async (request) => {
    const q = request.query;
    const page = await store.findings.list(request.scope, {
      ...(q.agencyId !== undefined ? { agencyId: q.agencyId } : {}),
      ...(q.status !== undefined ? { status: [...new Set(q.status.split(','))] as FindingStatus[] } : {}),
      ...(q.minSeverity !== undefined ? { minSeverity: q.minSeverity } : {}),
      ...(q.assetId !== undefined ? { assetId: q.assetId } : {}),
      ...(q.ruleId !== undefined ? { ruleId: q.ruleId } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      ...(q.sort !== undefined ? { sort: q.sort } : {}),
      limit: q.limit ?? 100,
    });
    const triage = await store.triage.of(request.scope, page.items.map((f) => f.id));
    const names = await assigneeNames(store, triage.values());
    return { items: page.items.map((f) => withTriage(f, triage.get(f.id), names)), next: page.next ?? null };
  });

  r.get('/api/v1/findings/:id', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['findings'], summary: 'One finding with its history', params: IdParams,
      response: responses({ 200: Type.Object({ finding: FindingOut, events: Type.Array(FindingEventOut) }) }),
    },
  }, async (request) => {
    const finding = await one(store, request.scope, request.params.id);
    return { finding, events: await store.findings.events(request.scope, request.params.id) };
  });

  r.post('/api/v1/findings/:id/acknowledge', {
    config: act('finding.acknowledge'),
    schema: { tags: ['findings'], summary: 'Acknowledge (someone is looking at it)', params: IdParams, response: responses({ 200: FindingOut }) },
  }, async (request) => {
    await store.triage.acknowledge(request.scope, request.params.id, request.user!.username);
    const f = await one(store, request.scope, request.params.id);
    request.auditNote.agencyId = f.agencyId;
    return f;
  });

  // Who a finding can be given to: the same rule the assign route enforces (enabled, not a viewer, and
  // able to see the finding's agency), so the UI offers exactly the people the API will accept.
  const canWorkOn = async (u: User, agencyId: string): Promise<boolean> =>
    !u.disabled && u.role !== 'viewer' && (u.agencyId === null || (await store.agencies.scopeOf(u.agencyId)).has(agencyId));

  r.get('/api/v1/findings/:id/assignees', {
    config: { access: { roles: TRIAGE } },
    schema: {
      tags: ['findings'], summary: 'The users this finding can be assigned to',
      params: IdParams,
      response: responses({ 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), role: Type.String() })) }) }),
    },
  }, async (request) => {
    const f = await store.findings.get(request.scope, request.params.id);
    const items = [];
    for (const u of await store.users.list()) {
      if (await canWorkOn(u, f.agencyId)) items.push({ id: u.id, username: u.username, displayName: u.displayName, role: u.role });
    }
    return { items };
  });

  r.post('/api/v1/findings/:id/assign', {
    config: act('finding.assign'),
    schema: {
      tags: ['findings'], summary: 'Assign to a user who can see the finding (null unassigns)', params: IdParams,
      body: Type.Object({ assigneeId: Nullable(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false }),
      response: responses({ 200: FindingOut }),
    },
  }, async (request) => {
    const f = await store.findings.get(request.scope, request.params.id);
    const assigneeId = request.body.assigneeId;
    if (assigneeId !== null) {
      const bad = new ApiError('E_VALIDATION', { en: 'assigneeId: no such user who can work on this finding', id: 'assigneeId: tidak ada pengguna yang dapat menangani temuan ini' }, { field: 'assigneeId' });
      const u = await store.users.get(assigneeId).catch(() => undefined);
      if (u === undefined || !(await canWorkOn(u, f.agencyId))) throw bad;
    }
    await store.triage.assign(request.scope, f.id, assigneeId, request.user!.username);
    request.auditNote.agencyId = f.agencyId;
    request.auditNote.details = { assigneeId };
    return one(store, request.scope, f.id);
  });

  // Accepting a risk and marking a false positive are the same exception with a reason and an expiry
  // (docs/store.md, findings lifecycle); only the store transition and the audit action differ.
  const exceptionRoute = (
    kind: 'accept-risk' | 'false-positive',
    summary: string,
    apply: typeof store.findings.acceptRisk,
  ): void => {
    r.post(`/api/v1/findings/:id/${kind}`, {
      config: act(`finding.${kind}`),
      schema: { tags: ['findings'], summary, params: IdParams, body: Exception, response: responses({ 200: FindingOut }) },
    }, async (request) => {
      const f = await apply.call(store.findings, request.scope, request.params.id, { reason: request.body.reason, by: request.user!.username, expiresAt: new Date(request.body.expiresAt).toISOString() });
      request.auditNote.agencyId = f.agencyId;
      request.auditNote.details = { reason: request.body.reason, expiresAt: request.body.expiresAt };
      return one(store, request.scope, f.id);
    });
  };
  exceptionRoute('accept-risk', 'Accept the risk until a date (≤ 365 days), with a reason', store.findings.acceptRisk);
  exceptionRoute('false-positive', 'Mark as a false positive until a date (≤ 365 days), with a reason', store.findings.markFalsePositive);

  r.post('/api/v1/findings/:id/revoke-exception', {
    config: act('finding.revoke-exception'),
    schema: {
      tags: ['findings'], summary: 'End an accepted risk or false-positive mark now', params: IdParams,
      body: Type.Object({ reason: Type.Optional(Text(1000)) }, { additionalProperties: false }), response: responses({ 200: FindingOut }),
    },
  }, async (request) => {
    const f = await store.findings.revokeException(request.scope, request.params.id, { by: request.user!.username, ...(request.body.reason !== undefined ? { reason: request.body.reason } : {}) });
    request.auditNote.agencyId = f.agencyId;
    return one(store, request.scope, f.id);
  });
}
