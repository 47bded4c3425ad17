// The re-scan an attested `scan` item asks for, kept inside the agency's scan windows (docs/circulars.md
// "Verification by the network"), on SQLite and PostgreSQL with an injected clock: outside the window
// the re-scan is deferred to the window's opening — no scan job exists before — and the circular sweep
// (the periodic runner `perisai serve` starts) starts it when the window opens, once; a campaign's
// deferred sweep of another agency starts at its own window and is recorded on the campaign.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startCircularSweep } from '../../src/api/circular-sweep.js';
import { parseScanWindow } from '../../src/domain/scan-window.js';
import { LocalQueue } from '../../src/queue/local.js';
import { login, seedWorld } from '../api/fixture.js';
import { storeSuite, testClock } from '../store/harness.js';
import { cityContent } from './fixture.js';

storeSuite('deferred re-scans', (env) => {
  test('an attestation outside the scan window defers the re-scan; the sweep starts it when the window opens, once', async () => {
    // Wednesday 10:00 WIB. RSUD may be scanned 19:00–23:00 WIB on weekdays, Disdik 21:00–23:00.
    const clock = testClock('2025-06-04T03:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const queue = new LocalQueue(store);
    const w = await seedWorld(store, { clock: clock.now, queue, rateLimit: false });
    const sweep = startCircularSweep(store, { clock: clock.now, queue, intervalMs: 3_600_000 });
    try {
      const { rsud, disdik } = w.data;
      await store.agencies.setScanWindows('all', rsud.agencyId, [parseScanWindow('allow Mon-Fri 19:00-23:00 Asia/Jakarta')]);
      await store.agencies.setScanWindows('all', disdik.agencyId, [parseScanWindow('allow Mon-Fri 21:00-23:00 Asia/Jakarta')]);
      const jobsOf = async (agencyId: string) => (await store.scans.listJobs('all', { agencyId, limit: 100 })).filter((j) => j.requestedBy !== 'seed');
      const admin = await login(w.app, 'admin');
      const c = await admin.req('POST', '/api/v1/circulars', { content: cityContent({ audience: { kind: 'list', agencyIds: [rsud.agencyId, disdik.agencyId] } }) });
      const id = c.json().id as string;
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/send`)).statusCode, 200);

      const officer = await login(w.app, 'petugas.dinkes');
      const attest = await officer.req('PUT', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/items/ms17-010`, { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] });
      assert.equal(attest.statusCode, 200, attest.body);
      assert.deepEqual(attest.json().rescan, { state: 'deferred', jobIds: [], notBefore: '2025-06-04T12:00:00.000Z' }, 'deferred to 19:00 WIB');
      // A second attestation joins the pending re-scan rather than asking for another.
      const again = await officer.req('PUT', `/api/v1/circulars/${id}/agencies/${rsud.agencyId}/items/smbv1-off`, { status: 'done' });
      assert.deepEqual(again.json().rescan, { state: 'deferred', jobIds: [], notBefore: '2025-06-04T12:00:00.000Z' });
      // The campaign (windows respected) defers Disdik's sweep to 21:00 WIB.
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/campaign`, {})).statusCode, 201);
      const rescans = () => store.circulars.rescans(id, 'all');
      assert.deepEqual((await rescans()).map((r) => [r.agencyId === rsud.agencyId ? 'RSUD' : 'DISDIK', r.itemCode, r.state, r.notBefore]).sort(), [
        ['DISDIK', null, 'deferred', '2025-06-04T14:00:00.000Z'], ['RSUD', null, 'deferred', '2025-06-04T12:00:00.000Z'], ['RSUD', 'ms17-010', 'deferred', '2025-06-04T12:00:00.000Z'],
      ]);
      assert.deepEqual([(await jobsOf(rsud.agencyId)).length, (await jobsOf(disdik.agencyId)).length], [0, 0], 'no scan outside the windows');

      // One minute before the window: the sweep starts nothing.
      clock.set('2025-06-04T11:59:00.000Z');
      assert.deepEqual((await sweep.runOnce()).rescans, 0);
      assert.equal((await jobsOf(rsud.agencyId)).length, 0);

      // The window opens: RSUD's re-scan starts — one ransomware job of its registered network, its
      // tasks queued; the campaign's row for RSUD takes the same job.
      clock.set('2025-06-04T12:00:00.000Z');
      assert.equal((await sweep.runOnce()).rescans, 2);
      const [job, ...more] = await jobsOf(rsud.agencyId);
      assert.equal(more.length, 0, 'one job for both');
      assert.deepEqual([job!.profile, job!.targets, job!.requestedBy, job!.createdAt], ['ransomware', ['198.18.2.0/24'], 'circular:petugas.dinkes', '2025-06-04T12:00:00.000Z']);
      assert.ok((await store.scans.tasks('all', job!.id)).length > 0, 'its tasks are in the queue');
      const started = (await rescans()).filter((r) => r.agencyId === rsud.agencyId);
      assert.ok(started.every((r) => r.state === 'started' && r.jobIds[0] === job!.id && r.startedAt === '2025-06-04T12:00:00.000Z'));
      assert.equal((await sweep.runOnce()).rescans, 0, 'started once');
      assert.equal((await jobsOf(disdik.agencyId)).length, 0, 'Disdik\'s window is still closed');

      // Disdik's window opens two hours later; its campaign sweep starts and is recorded on the campaign.
      clock.set('2025-06-04T14:00:30.000Z');
      assert.equal((await sweep.runOnce()).rescans, 1);
      const [dj] = await jobsOf(disdik.agencyId);
      assert.equal(dj!.requestedBy, 'circular:admin');
      const camp = (await store.circulars.campaign(id))!;
      assert.deepEqual(camp.jobs.filter((j) => j.kind === 'rescan' && j.agencyId === disdik.agencyId).map((j) => [j.networkId, j.jobId]), [[disdik.networkId, dj!.id]]);
    } finally {
      await sweep.stop();
      await w.app.close();
    }
  });
});
