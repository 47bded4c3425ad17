// The authorisation matrix: an agency officer can neither read nor change another
// agency's data through ANY endpoint. The routes come from the app's own route table, so a route added
// later is tested without anyone remembering to: a route whose parameters this file cannot fill fails
// the test instead of being skipped. Runs on SQLite and PostgreSQL (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { login, seedAdmin, seedWorld } from './fixture.js';
import type { AdminData, World } from './fixture.js';
import { apiRoutes, bodyFor, fill, MUTATING, query } from './routes.js';

/** Every string that identifies foreign (Disdik / SMPN 3 / city root) data. */
function foreignMarkers(w: World, admin: AdminData): string[] {
  const out: string[] = [w.city.city.id, w.city.disdik.id, w.city.smp.id, w.city.capil.id, 'DISDIK', 'SMPN-3', w.users.officerDisdik.id];
  out.push(admin.schedules[w.data.disdik.agencyId]!, admin.schedules[w.data.smp.agencyId]!, admin.channelId, admin.channelSecret, admin.ruleId);
  for (const d of [w.data.disdik, w.data.smp]) {
    out.push(d.agencyId, d.networkId, d.contactId, d.contactName, ...d.assetIds, ...d.ips, ...d.findingIds, d.scanJobId);
    const i = admin.incidents.byAgency[d.agencyId]!;
    out.push(i.incidentId, i.number, i.reportId, i.reference, i.photoId, i.runId);
    const c = admin.circulars.byAgency[d.agencyId]!;
    out.push(c.circularId, c.linkId, c.evidenceId, c.campaignId, c.sitrepId, c.issuedCardId);
  }
  return out;
}

async function foreignState(w: World): Promise<string> {
  const scope = new Set([w.city.disdik.id, w.city.smp.id]);
  const f = await w.store.findings.list(scope, { status: ['open', 'resolved', 'accepted-risk', 'false-positive'], limit: 1000 });
  const t = await w.store.triage.of('all', f.items.map((x) => x.id));
  const users = await w.store.users.list();
  const jobs = await w.store.scans.listJobs(scope, { limit: 1000 });
  // The inventory too: no agency, network, contact or asset of theirs created, changed or removed.
  const agencies = await w.store.agencies.list('all', { includeRetired: true });
  const inventory = {
    a: agencies.map((a) => [a.id, a.parentId, a.name, a.kind, a.notes, a.retiredAt]),
    n: (await w.store.networks.list(scope)).map((n) => [n.id, n.cidr, n.label]),
    c: (await w.store.contacts.list(scope)).map((c) => [c.id, c.name, c.email, c.isPrimary]),
    s: (await w.store.assets.list(scope, { includeRetired: true })).map((a) => [a.id, a.criticality, a.owner, a.tags]),
  };
  const schedules = await w.store.schedules.list(scope);
  const alerts = [...(await w.store.alerts.listChannels()).map((c) => [c.id, c.enabled]), ...(await w.store.alerts.listRules()).map((r) => [r.id, r.enabled])];
  // Incidents: their state, timeline, records and reports; the city-wide settings and playbooks.
  const incidents = [];
  for (const i of (await w.store.incidents.list(scope, { limit: 500 })).items) {
    incidents.push([i.id, i.phase, i.version, i.title, (await w.store.incidents.timeline(scope, i.id)).length, (await w.store.incidents.assets(scope, i.id)).length,
      (await w.store.playbooks.runs(scope, i.id)).map((r) => r.ticks.length), (await w.store.incidents.scans(scope, i.id)).length]);
  }
  const reports = (await w.store.incidentReports.list(scope, { limit: 500 })).items.map((r) => [r.id, r.status, r.incidentId, r.updatedAt]);
  const playbooks = (await w.store.playbooks.list({ allVersions: true })).map((p) => p.id);
  // Circulars: their versions, recipients, answers, links, evidence, gates and situation reports; the templates.
  const circulars = [];
  for (const c of await w.store.circulars.list(scope, { limit: 500 })) {
    const camp = await w.store.circulars.campaign(c.id);
    circulars.push([c.id, c.status, c.version, c.updatedAt, await w.store.circulars.recipients(c.id, scope), await w.store.circulars.answers(c.id, scope),
      await w.store.circulars.links(c.id, null, scope), (await w.store.circulars.evidence(c.id, scope)).length, (await w.store.circulars.rescans(c.id, scope)).length,
      camp === undefined ? null : [camp.jobs.length, await w.store.circulars.gates(camp.id, scope), (await w.store.circulars.sitreps(camp.id)).length]]);
  }
  const templates = (await w.store.circulars.listTemplates({ allVersions: true })).map((t) => t.id);
  // The office's settings, weekly schedules and issued cards; every situation report's sendings.
  const sitrepSends = [];
  for (const c of circulars) {
    const camp = await w.store.circulars.campaign(String(c[0]));
    if (camp !== undefined) sitrepSends.push((await w.store.circulars.sitrepSends((await w.store.circulars.sitreps(camp.id)).map((x) => x.id))).map((x) => [x.id, x.to?.email ?? null]));
  }
  const office = [await w.store.office.settings(), (await w.store.office.schedules()).map((x) => [x.id, x.enabled, x.nextRunAt, x.dayOfWeek]), (await w.store.office.issuedCards()).map((x) => x.id), sitrepSends];
  return JSON.stringify({ office, circulars, templates, incidents, reports, settings: await w.store.incidents.settings(), playbooks, f: f.items.map((x) => [x.id, x.status, x.version]), t: [...t.values()], u: users.map((u) => [u.id, u.role, u.disabled]), inventory, j: jobs.map((j) => [j.id, j.status]), s: schedules.map((x) => [x.id, x.enabled, x.nextRunAt]), al: alerts });
}

storeSuite('API authorisation matrix', (env) => {
  test('an agency officer can neither read nor change another agency\'s data through any endpoint', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    const admin = await seedAdmin(w);
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const markers = foreignMarkers(w, admin);
      const before = await foreignState(w);
      const routes = apiRoutes(w);
      assert.ok(routes.length >= 20, `expected the full route table, got ${routes.length}`);
      // Mutations that end the caller's own session go last.
      routes.sort((a, b) => Number(a.url === '/api/v1/auth/logout') - Number(b.url === '/api/v1/auth/logout'));
      for (const r of routes) {
        if (r.access?.roles === 'public') continue;
        if (r.access?.roles === 'agent') {
          // Agent routes take an enrolled worker's credential only: a session is nobody there.
          const res = await officer.req(r.method, fill(w, r, w.data.disdik, w.users.officerDisdik, admin), bodyFor(r, w, w.data.disdik));
          assert.equal(res.statusCode, 401, `${r.method} ${r.url} with a session: ${res.body.slice(0, 200)}`);
          continue;
        }
        for (const target of [w.data.disdik, w.data.smp]) {
          const url = fill(w, r, target, w.users.officerDisdik, admin) + (r.method === 'GET' ? query(target) : '');
          const payload = bodyFor(r, w, target);
          const res = await officer.req(r.method, url, payload);
          const where = `${r.method} ${url} → ${res.statusCode}`;
          // The caller's own input echoed in an error ("agency <id> not found") discloses nothing.
          const sent = url + JSON.stringify(payload ?? null);
          for (const m of markers) if (!sent.includes(m)) assert.ok(!res.body.includes(m), `${where} leaked foreign data ${JSON.stringify(m)}: ${res.body.slice(0, 300)}`);
          const addressed = r.url.includes(':id');
          // Playbooks are city-wide data every role reads: no agency to keep apart there.
          const cityWide = r.method === 'GET' && (r.url.startsWith('/api/v1/playbooks/') || r.url.startsWith('/api/v1/circular-templates/'));
          if (cityWide) {
            assert.ok(res.statusCode < 500, `${where}: ${res.body.slice(0, 200)}`);
          } else if (addressed || (MUTATING.has(r.method) && r.access?.selfService !== true)) {
            assert.ok([403, 404].includes(res.statusCode), `${where}: expected 403/404, got ${res.body.slice(0, 200)}`);
            assert.ok(res.json().error?.code === 'E_FORBIDDEN' || res.json().error?.code === 'E_NOT_FOUND', where);
          } else {
            assert.ok(res.statusCode < 500, `${where}: ${res.body.slice(0, 200)}`);
          }
        }
      }
      assert.equal(await foreignState(w), before, 'foreign data changed');

      // Positive control: the same routes with the officer's OWN data do answer (the matrix is not vacuous).
      const again = await login(w.app, 'petugas.dinkes');
      for (const r of routes) {
        if (r.method !== 'GET' || !r.url.includes(':id') || r.access?.roles === 'public' || r.access?.roles === 'agent' || r.url.startsWith('/api/v1/users')) continue;
        const res = await again.req('GET', fill(w, r, w.data.rsud, w.users.officer, admin));
        assert.equal(res.statusCode, 200, `own data: GET ${r.url} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
      const list = (await again.req('GET', '/api/v1/findings?limit=1000')).json() as { items: { agencyId: string }[] };
      assert.deepEqual(new Set(list.items.map((f) => f.agencyId)), new Set([w.city.dinkes.id, w.city.rsud.id]));
      const schedules = (await again.req('GET', '/api/v1/schedules')).json() as { items: { id: string }[] };
      assert.deepEqual(new Set(schedules.items.map((x) => x.id)), new Set([admin.schedules[w.data.dinkes.agencyId], admin.schedules[w.data.rsud.agencyId]]));
    } finally {
      await w.app.close();
    }
  });

  test('viewer cannot mutate anything; no route answers without a session', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    const admin = await seedAdmin(w);
    try {
      const viewer = await login(w.app, 'pimpinan');
      const before = await foreignState(w);
      for (const r of apiRoutes(w)) {
        if (r.access?.roles === 'public') continue;
        const url = fill(w, r, w.data.dinkes, w.users.officer, admin);
        const anon = await w.app.inject({ method: r.method as 'GET', url, ...(MUTATING.has(r.method) ? { payload: bodyFor(r, w, w.data.dinkes) as object } : {}) });
        assert.equal(anon.statusCode, 401, `anonymous ${r.method} ${url}`);
        assert.equal(anon.json().error.code, 'E_AUTH');
        if (!MUTATING.has(r.method) || r.access?.selfService === true) continue;
        const res = await viewer.req(r.method, url, bodyFor(r, w, w.data.dinkes));
        // An agent route knows no session, so a viewer's is refused as no credential at all.
        assert.equal(res.statusCode, r.access?.roles === 'agent' ? 401 : 403, `viewer ${r.method} ${url}: ${res.body.slice(0, 200)}`);
      }
      assert.equal(await foreignState(w), before);
      // A viewer still reads the city picture.
      assert.equal((await viewer.req('GET', '/api/v1/dashboard')).statusCode, 200);
    } finally {
      await w.app.close();
    }
  });

  test('a route without an access declaration cannot be registered', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const { default: Fastify } = await import('fastify');
      const { registerAccess, DEFAULT_SESSION_POLICY } = await import('../../src/api/access.js');
      const app = Fastify();
      registerAccess(app, { store, policy: DEFAULT_SESSION_POLICY, clock: () => new Date() });
      assert.throws(() => app.get('/api/v1/oops', async () => 'x'), /declares no config\.access/);
      assert.throws(() => app.post('/api/v1/oops', { config: { access: { roles: ['viewer'] } } }, async () => 'x'), /lets viewers mutate/);
      // Agent routes (an enrolled worker's credential) live under /api/v1/agent/ and nothing there takes a session.
      assert.throws(() => app.post('/api/v1/oops2', { config: { access: { roles: 'agent' } } }, async () => 'x'), /only they, live under \/api\/v1\/agent\//);
      assert.throws(() => app.post('/api/v1/agent/oops', { config: { access: { roles: ['admin'] } } }, async () => 'x'), /only they, live under/);
      await app.close();
    } finally {
      await w.app.close();
    }
  });
});
