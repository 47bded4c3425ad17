// The API's routes as the tests address them (the authorisation matrix, the bad-input sweep): every
// /api/v1 route from the app's own route table, its `:id` filled with a real id of an agency's data, and
// a body it would accept. A route this file cannot fill fails the tests that use it instead of being
// skipped.

import assert from 'node:assert/strict';
import type { RouteEntry } from '../../src/api/access.js';
import type { AdminData, AgencyData, World } from './fixture.js';
import { CLOSURE_CRITERIA } from '../../src/domain/incident.js';
import { RANSOMWARE_WANNACRY } from '../../src/domain/playbooks/ransomware-wannacry.js';
import { cityContent } from '../circulars/fixture.js';

export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function apiRoutes(w: World): RouteEntry[] {
  const seen = new Set<string>();
  return w.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`));
}

/** Fill `:id` with the id of the resource of `d` the route addresses; throws for a route it does not know. */
export function fill(w: World, r: RouteEntry, d: AgencyData, user: { id: string }, admin: AdminData): string {
  const circ = admin.circulars.byAgency[d.agencyId]!;
  return r.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    // Circulars (docs/circulars.md): the agency, one of its items, its link and evidence.
    if (name === 'agencyId') return d.agencyId;
    if (name === 'code') return 'ms17-010';
    if (name === 'linkId') return circ.linkId;
    if (name === 'evidenceId') return circ.evidenceId;
    if (name === 'sitrepId') return circ.sitrepId;
    assert.equal(name, 'id', `route ${r.method} ${r.url}: unknown parameter :${name} — teach tests/api/routes.ts how to fill it`);
    if (r.url.startsWith('/api/v1/users/')) return user.id;
    if (r.url.startsWith('/api/v1/schedules/')) return admin.schedules[d.agencyId]!;
    if (r.url.startsWith('/api/v1/alert-channels/')) return admin.channelId;
    if (r.url.startsWith('/api/v1/alert-rules/')) return admin.ruleId;
    if (r.url.startsWith('/api/v1/agencies/')) return d.agencyId;
    if (r.url.startsWith('/api/v1/networks/')) return d.networkId;
    if (r.url.startsWith('/api/v1/assets/')) return d.assetIds[0]!;
    if (r.url.startsWith('/api/v1/findings/')) return d.findingIds[0]!;
    if (r.url.startsWith('/api/v1/scans/')) return d.scanJobId;
    if (r.url.startsWith('/api/v1/contacts/')) return d.contactId;
    if (r.url.startsWith('/api/v1/incident-reports/')) return admin.incidents.byAgency[d.agencyId]!.reportId;
    if (r.url.startsWith('/api/v1/incidents/')) return admin.incidents.byAgency[d.agencyId]!.incidentId;
    if (r.url.startsWith('/api/v1/incident-photos/')) return admin.incidents.byAgency[d.agencyId]!.photoId;
    if (r.url.startsWith('/api/v1/playbooks/')) return admin.incidents.playbookId;
    if (r.url.startsWith('/api/v1/circulars/')) return circ.circularId;
    if (r.url.startsWith('/api/v1/circular-templates/')) return admin.circulars.templateId;
    // The office's weekly schedules (city-wide) and the cards they issued (per agency).
    if (r.url.startsWith('/api/v1/report-card-schedules/')) return admin.circulars.scheduleId;
    if (r.url.startsWith('/api/v1/report-cards/issued/')) return circ.issuedCardId;
    // Enrolled segment workers: a worker's credential (admin side); a scan task (agent side: refused to
    // every session before the id is read — tests/api/agent.test.ts drives them with a credential).
    if (r.url.startsWith('/api/v1/workers/credentials/')) return admin.workerCredentialId;
    if (r.url.startsWith('/api/v1/agent/tasks/')) return admin.taskIds[d.agencyId]!;
    assert.fail(`route ${r.method} ${r.url}: unknown resource — teach tests/api/routes.ts which id it takes`);
  });
}

/** Query parameters pointing at `d`'s data, for list endpoints that filter. */
export function query(d: AgencyData): string {
  return `?agencyId=${d.agencyId}&assetId=${d.assetIds[0]}`;
}

/** A body the route would accept if the caller were allowed (so a 4xx is the access decision, not a schema error). */
export function bodyFor(r: RouteEntry, w: World, d: AgencyData = w.data.dinkes): unknown {
  const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString();
  if (r.url.endsWith('/accept-risk') || r.url.endsWith('/false-positive')) return { reason: 'uji', expiresAt };
  if (r.url.endsWith('/assign')) return { assigneeId: w.users.officer.id };
  if (r.url.endsWith('/revoke-exception')) return {};
  if (r.url === '/api/v1/users' && r.method === 'POST') return { username: 'penyusup', password: 'kata-sandi-penyusup-1', role: 'admin' };
  if (r.url === '/api/v1/users/:id') return { role: 'admin' };
  if (r.url === '/api/v1/schedules' && r.method === 'POST') return { agencyId: w.data.disdik.agencyId, cron: '0 3 * * *', ports: 'ransomware' };
  if (r.url === '/api/v1/schedules/:id' || r.url === '/api/v1/alert-channels/:id' || r.url === '/api/v1/alert-rules/:id') return r.method === 'PATCH' ? { enabled: false } : undefined;
  if (r.url === '/api/v1/alert-channels' && r.method === 'POST') return { name: 'penyusup', kind: 'webhook', config: { url: 'http://127.0.0.1:9/x' } };
  if (r.url === '/api/v1/alert-rules' && r.method === 'POST') return { name: 'penyusup', channelIds: ['fixture-webhook'], preset: 'critical-finding' };
  if (r.url === '/api/v1/auth/login') return { username: 'x', password: 'y' };
  if (r.url === '/api/v1/scans' && r.method === 'POST') return { agencyId: d.agencyId, networkId: d.networkId };
  if (r.url === '/api/v1/me/password') return { currentPassword: 'salah-salah-salah', newPassword: 'kata-sandi-baru-panjang' };
  // Inventory changes: a unit under `d`'s agency, a rename, a network, a contact, an asset's criticality.
  if (r.url === '/api/v1/agencies' && r.method === 'POST') return { code: 'UNIT-PENYUSUP', name: 'Unit penyusup', kind: 'upt', parentId: d.agencyId };
  if (r.url === '/api/v1/agencies/:id' && r.method === 'PATCH') return { name: 'Diubah penyusup' };
  if (r.url === '/api/v1/agencies/:id/networks') return { cidr: '198.18.200.0/24', label: 'penyusup' };
  if (r.url === '/api/v1/agencies/:id/contacts') return { name: 'Penyusup', role: 'pic', email: 'penyusup@contoh.id' };
  if (r.url === '/api/v1/contacts/:id') return { name: 'Diubah penyusup' };
  if (r.url === '/api/v1/assets/:id' && r.method === 'PATCH') return { criticality: 'low', owner: 'penyusup', tags: ['penyusup'] };
  // Incidents (docs/incidents.md): ids inside bodies name nothing the caller may touch anyway.
  const incidentBodies: Record<string, unknown> = {
    'POST /api/v1/incidents': { agencyId: d.agencyId, title: 'penyusup' },
    'PATCH /api/v1/incidents/:id': { title: 'penyusup' },
    'POST /api/v1/incident-reports/:id/open-incident': {},
    'POST /api/v1/incident-reports/:id/link': { incidentId: 'x' },
    'POST /api/v1/incident-reports/:id/merge': { intoReportId: 'x' },
    'POST /api/v1/incident-reports/:id/reject': { reason: 'penyusup' },
    'POST /api/v1/incident-reports/:id/messages': { text: 'penyusup' },
    'POST /api/v1/incidents/:id/messages': { text: 'penyusup' },
    'POST /api/v1/incidents/:id/phase': { to: 'containment' },
    'POST /api/v1/incidents/:id/close': { declaredBy: 'penyusup', lessons: 'penyusup menutup insiden orang lain', criteria: CLOSURE_CRITERIA.map((id) => ({ id, answer: 'met' })) },
    'POST /api/v1/incidents/:id/timeline': { text: 'penyusup' },
    'POST /api/v1/incidents/:id/timeline/include': { entryId: 1, includeInReport: false },
    'POST /api/v1/incidents/:id/assets': { ip: d.ips[0] },
    'POST /api/v1/incidents/:id/assets/unlink': { assetId: d.assetIds[0] },
    'POST /api/v1/incidents/:id/playbooks': { playbookId: 'x' },
    'POST /api/v1/incidents/:id/steps': { runId: 'x', stepId: 'it-acknowledge' },
    'POST /api/v1/incidents/:id/scan': { overrideWindow: true },
    'POST /api/v1/incidents/:id/reconnect': { decision: 'approved' },
    'POST /api/v1/incidents/:id/countermeasures': { kind: 'block-port', target: '445/tcp' },
    'POST /api/v1/incidents/:id/countermeasures/remove': { countermeasureId: 'x' },
    'POST /api/v1/incidents/:id/requests': { party: 'bssn', subject: 'penyusup' },
    'POST /api/v1/incidents/:id/requests/answer': { requestId: 'x', answer: 'penyusup' },
    'POST /api/v1/incidents/:id/impacts': { service: 'registration', downFrom: '2025-06-02T01:00:00.000Z' },
    'POST /api/v1/incidents/:id/impacts/end': { impactId: 'x' },
    'POST /api/v1/incidents/:id/regulatory': { kind: 'bssn-initial', to: 'penyusup' },
    'POST /api/v1/playbooks': { definition: RANSOMWARE_WANNACRY },
    'PUT /api/v1/incident-settings': { timeZone: 'UTC' },
    // Circulars: the office's forms and an agency's answers.
    'POST /api/v1/circular-templates': { key: 'salinan-penyusup', name: { id: 'x', en: 'x' }, description: { id: 'x', en: 'x' }, content: cityContent() },
    'POST /api/v1/circulars': { content: cityContent({ audience: { kind: 'list', agencyIds: [d.agencyId] } }) },
    'PUT /api/v1/circulars/:id': { content: cityContent({ audience: { kind: 'list', agencyIds: [d.agencyId] } }), note: 'penyusup' },
    'POST /api/v1/circulars/:id/agencies/:agencyId/acknowledge': { name: 'Penyusup', position: 'Kepala' },
    'POST /api/v1/public/circular/acknowledge': { name: 'Penyusup', position: 'Kepala' },
    'PUT /api/v1/circulars/:id/agencies/:agencyId/items/:code': { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] },
    'PUT /api/v1/public/circular/items/:code': { status: 'done' },
    'POST /api/v1/circulars/:id/agencies/:agencyId/items/:code/review': { decision: 'returned', comment: 'penyusup' },
    'POST /api/v1/circulars/:id/agencies/:agencyId/links': { days: 7 },
    'POST /api/v1/circulars/:id/agencies/:agencyId/gate': { state: 'cleared', override: true, reason: 'penyusup' },
    'POST /api/v1/circulars/:id/agencies/:agencyId/rescan': {},
    'POST /api/v1/circulars/:id/campaign': {},
    // The office's settings and weekly report-card schedules.
    'PUT /api/v1/office-settings': { headOfOffice: { name: 'Penyusup', position: 'Kepala', email: 'penyusup@contoh.id' } },
    'POST /api/v1/report-card-schedules': { circularId: null, dayOfWeek: 1, hour: 7, toAgencyHeads: true, toOffice: true },
    'PUT /api/v1/report-card-schedules/:id': { circularId: null, dayOfWeek: 3, hour: 1, toAgencyHeads: false, toOffice: true },
  };
  // Enrolled segment workers (docs/api.md "Enrolled segment workers").
  const workerBodies: Record<string, unknown> = {
    'POST /api/v1/workers/enrollments': { name: 'penyusup', zones: ['z1'] },
    'POST /api/v1/agent/enroll': { token: 'pse_penyusup', version: '1.0.0' },
    'POST /api/v1/agent/heartbeat': { version: '1.0.0', startedAt: '2026-01-05T01:00:00.000Z', currentTask: null, doneLastHour: 0 },
    'POST /api/v1/agent/tasks/claim': { leaseMs: 60_000 },
    'POST /api/v1/agent/tasks/:id/renew': { leaseMs: 60_000 },
    'POST /api/v1/agent/tasks/:id/slices': { records: [], done: [] },
    'POST /api/v1/agent/tasks/:id/fail': { error: 'penyusup', retry: false },
  };
  const worker = workerBodies[`${r.method} ${r.url}`];
  if (worker !== undefined) return worker;
  const incident = incidentBodies[`${r.method} ${r.url}`];
  if (incident !== undefined) return incident;
  return MUTATING.has(r.method) ? {} : undefined;
}

