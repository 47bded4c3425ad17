// Findings list order and assignment (filter/sort, acknowledge, assign …), on both
// dialects: the recency order pages without gaps or repeats and refuses the other order's cursor; the
// assignees offered are exactly the people the assign route accepts; the assignee's name comes back with
// the finding.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';

interface F { id: string; severity: string; lastSeen: string; agencyId: string; triage: { assigneeId: string | null; assigneeName: string | null } }

storeSuite('API findings: order and assignment', (env) => {
  test('sort=recent pages by last seen (then id) across the whole list; a cursor of the other order is refused', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      // A later scan sees one low-severity finding again: it becomes the most recent.
      await new Promise((r) => setTimeout(r, 10));
      const dinkes = w.data.dinkes;
      await store.findings.applyScan({
        jobId: 'later', assets: [{ assetId: dinkes.assetIds[1]!, agencyId: dinkes.agencyId, scan: { closedPorts: [], signals: [{ ruleId: 'smbv1', port: 445, title: { id: 'SMBv1 aktif', en: 'SMBv1 enabled' }, input: { kind: 'detected', severity: 'medium' } }] } }],
      });
      const admin = await login(w.app, 'admin');
      const all: F[] = [];
      let cursor: string | null = null;
      do {
        const page = (await admin.req('GET', `/api/v1/findings?sort=recent&limit=4${cursor !== null ? `&cursor=${cursor}` : ''}`)).json() as { items: F[]; next: string | null };
        all.push(...page.items);
        cursor = page.next;
      } while (cursor !== null);
      const total = (await store.findings.list('all', { limit: 1000 })).items.length;
      assert.equal(all.length, total);
      assert.equal(new Set(all.map((f) => f.id)).size, total, 'no repeats');
      for (let i = 1; i < all.length; i++) {
        const [a, b] = [all[i - 1]!, all[i]!];
        assert.ok(a.lastSeen > b.lastSeen || (a.lastSeen === b.lastSeen && a.id > b.id), `order at ${i}: ${a.lastSeen}/${a.id} then ${b.lastSeen}/${b.id}`);
      }
      assert.equal(all[0]!.severity, 'medium', 'the finding seen last comes first, whatever its severity');
      const worst = (await admin.req('GET', '/api/v1/findings?limit=1')).json() as { items: F[]; next: string };
      assert.equal(worst.items[0]!.severity, 'critical');
      const mixed = await admin.req('GET', `/api/v1/findings?sort=recent&cursor=${worst.next}`);
      assert.equal(mixed.statusCode, 400);
      assert.equal(mixed.json().error.details.field, 'cursor');
      assert.equal((await admin.req('GET', '/api/v1/findings?sort=newest')).statusCode, 400);
    } finally {
      await w.app.close();
    }
  });

  test('assignees: the people the assign route accepts, and no one else; the name comes back with the finding', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const finding = w.data.rsud.findingIds[0]!;
      const list = (await officer.req('GET', `/api/v1/findings/${finding}/assignees`)).json() as { items: { id: string; username: string }[] };
      // City-wide admin and analyst, and the Dinkes officer (RSUD is its unit); not the viewer, not Disdik's officer.
      assert.deepEqual(list.items.map((u) => u.username).sort(), ['admin', 'analis', 'petugas.dinkes']);
      for (const u of await store.users.list()) {
        const r = await officer.req('POST', `/api/v1/findings/${finding}/assign`, { assigneeId: u.id });
        const offered = list.items.some((x) => x.id === u.id);
        assert.equal(r.statusCode, offered ? 200 : 400, `${u.username}: ${r.body.slice(0, 200)}`);
      }
      const analyst = (await store.users.list()).find((u) => u.username === 'analis')!;
      await officer.req('POST', `/api/v1/findings/${finding}/assign`, { assigneeId: analyst.id });
      const one = (await officer.req('GET', `/api/v1/findings/${finding}`)).json() as { finding: F };
      assert.deepEqual([one.finding.triage.assigneeId, one.finding.triage.assigneeName], [analyst.id, analyst.displayName]);
      const inList = ((await officer.req('GET', `/api/v1/findings?agencyId=${w.data.rsud.agencyId}&limit=1000`)).json() as { items: F[] }).items.find((f) => f.id === finding)!;
      assert.equal(inList.triage.assigneeName, analyst.displayName);
      // Another agency's finding: as if it did not exist; a viewer may not ask.
      assert.equal((await officer.req('GET', `/api/v1/findings/${w.data.disdik.findingIds[0]}/assignees`)).statusCode, 404);
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('GET', `/api/v1/findings/${finding}/assignees`)).statusCode, 403);
    } finally {
      await w.app.close();
    }
  });
});
