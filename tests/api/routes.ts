// The API's routes as the tests address them (the authorisation matrix, the bad-input sweep): every
// /api/v1 route from the app's own route table, its `:id` filled with a real id of an agency's data, and
// a body it would accept. A route this file cannot fill fails the tests that use it instead of being
// skipped.

import assert from 'node:assert/strict';
import type { RouteEntry } from '../../src/api/access.js';
import type { AdminData, AgencyData, World } from './fixture.js';

export const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function apiRoutes(w: World): RouteEntry[] {
  const seen = new Set<string>();
  return w.app.routeTable.filter((r) => r.url.startsWith('/api/v1/') && !seen.has(`${r.method} ${r.url}`) && seen.add(`${r.method} ${r.url}`));
}

/** Fill `:id` with the id of the resource of `d` the route addresses; throws for a route it does not know. */
export function fill(w: World, r: RouteEntry, d: AgencyData, user: { id: string }, admin: AdminData): string {
  return r.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
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
  return MUTATING.has(r.method) ? {} : undefined;
}

