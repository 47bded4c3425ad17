// The housekeeping of `perisai serve` (src/api/housekeeping.ts): ended sessions (absolute expiry, idle,
// revoked) and stale login-throttle rows are deleted, live ones kept; today's dashboard snapshot is
// written; the timer runs at start and every interval, and stops. SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { startHousekeeping } from '../../src/api/housekeeping.js';
import { storeSuite, testClock } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';

const MIN = 60_000;

storeSuite('housekeeping', (env) => {
  test('purge: expired, idle and revoked sessions and stale throttle rows go; live ones stay', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const user = await store.users.create({ username: 'operator', role: 'analyst', agencyId: null, passwordHash: 'x' });
    const at = (ms: number): string => new Date(clock.now().getTime() + ms).toISOString();
    const session = (name: string, expiresInMs: number) => store.sessions.create({ idHash: name.padEnd(64, '0'), userId: user.id, csrfToken: name, expiresAt: at(expiresInMs) });

    // Created at 01:00: sessions that will be, at 03:00, idle for two hours or past their absolute expiry.
    await session('idle', 8 * 60 * MIN);
    await session('absolute', 90 * MIN);
    await session('revoked-early', 8 * 60 * MIN);
    await store.sessions.revoke('revoked-early'.padEnd(64, '0'));
    await store.loginThrottle.fail([{ key: 'account:lama', policy: { maxFailures: 5, windowMs: 15 * MIN, lockMs: 15 * MIN } }]);
    // At 03:00: a live session (used a minute ago), one revoked just now, a throttle row counting and a lock.
    clock.set('2025-06-02T02:59:00.000Z');
    await session('live', 8 * 60 * MIN);
    await session('revoked-now', 8 * 60 * MIN);
    await store.loginThrottle.fail([{ key: 'account:baru', policy: { maxFailures: 5, windowMs: 15 * MIN, lockMs: 15 * MIN } }]);
    await store.loginThrottle.fail([{ key: 'ip:198.51.100.7', policy: { maxFailures: 1, windowMs: 15 * MIN, lockMs: 60 * MIN } }]);
    clock.set('2025-06-02T03:00:00.000Z');
    await store.sessions.revoke('revoked-now'.padEnd(64, '0'));

    const hk = startHousekeeping(store, { clock: clock.now, intervalMs: 3600_000 });
    const run = await hk.runOnce();
    await hk.stop();
    assert.equal(run.sessions, 3);
    assert.equal(run.throttle, 1);
    const left = async (names: string[]) => (await Promise.all(names.map(async (n) => [n, (await store.sessions.find(n.padEnd(64, '0'))) !== undefined] as const)));
    assert.deepEqual(await left(['idle', 'absolute', 'revoked-early', 'live', 'revoked-now']), [
      ['idle', false], ['absolute', false], ['revoked-early', false], ['live', true],
      // Revoked within the idle timeout: unusable already (the API checks revoked_at), deleted by a later run.
      ['revoked-now', true],
    ]);
    assert.equal(await store.loginThrottle.lockedUntil(['ip:198.51.100.7']), '2025-06-02T03:59:00.000Z');
    // The counting subject is still counting: a 5th failure locks (4 more after the first).
    let locked: string | undefined;
    for (let i = 0; i < 4; i++) locked = await store.loginThrottle.fail([{ key: 'account:baru', policy: { maxFailures: 5, windowMs: 15 * MIN, lockMs: 15 * MIN } }]);
    assert.ok(locked !== undefined, 'account:baru kept its count');

    // An hour later the one revoked at 03:00 and the lock that ended are gone as well.
    clock.set('2025-06-02T05:00:00.000Z');
    assert.equal(await store.sessions.purge(new Date(clock.now().getTime() - 30 * MIN).toISOString()), 2); // revoked-now, live (idle by now)
    assert.equal(await store.loginThrottle.purge(new Date(clock.now().getTime() - 15 * MIN).toISOString()), 2);
  });

  test('the timer runs at start and every interval, records today\'s dashboard, and stops', async () => {
    const clock = testClock('2025-06-02T18:00:00.000Z'); // 01:00 on 06-03 in Jakarta
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    await store.assets.upsertObserved('all', { agencyId: city.dinkes.id, hosts: [{ ip: '198.18.1.10' }] });
    const runs: string[] = [];
    const logged: string[] = [];
    const hk = startHousekeeping(store, { clock: clock.now, intervalMs: 40, log: (l) => logged.push(l) });
    const purge = store.sessions.purge.bind(store.sessions);
    store.sessions.purge = async (before) => {
      runs.push(before);
      return purge(before);
    };
    await sleep(150);
    await hk.stop();
    const n = runs.length;
    assert.ok(n >= 2, `ran ${n} time(s) by the timer after the start`);
    await sleep(100);
    assert.equal(runs.length, n, 'no run after stop()');
    assert.equal(logged.length, 0, logged.join('\n'));
    const trend = await store.dashboard.trend('all', { from: '2025-06-01', to: '2025-06-05' });
    assert.deepEqual(trend, [{ day: '2025-06-03', hostsKnown: 1, hostsScanned: 0, smbOpen: 0, smbReachableOutside: 0, exposedSmb: 0, smbv1: 0, ms17010: 0, doublePulsar: 0, unknown: 0 }]);
    // A failing step is logged; the others still run.
    store.sessions.purge = async () => {
      throw new Error('disk on fire');
    };
    const hk2 = startHousekeeping(store, { clock: clock.now, log: (l) => logged.push(l) });
    const r = await hk2.runOnce();
    await hk2.stop();
    assert.equal(r.sessions, null);
    assert.deepEqual(r.snapshot, { day: '2025-06-03', agencies: 1 });
    assert.match(logged.join('\n'), /purging sessions failed: disk on fire/);
  });
});
