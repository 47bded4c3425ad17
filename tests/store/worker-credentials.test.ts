// Enrolled segment workers' enrollments and credentials (migration 0017_worker_credentials) on both
// dialects: a token is used once and not after it expired, a credential authenticates only with its own
// secret's hash and not once revoked, and the zones an enrollment may name are those of registered networks.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { storeSuite } from './harness.js';
import { AUTH, seedCity } from './fixtures.js';
import { sameHash } from '../../src/store/repos/worker-credentials.js';

const h = (s: string): string => createHash('sha256').update(s).digest('hex');

storeSuite('store: worker credentials', (env) => {
  test('an enrollment is consumed once, expires, and yields a credential that revocation ends', async () => {
    let now = Date.parse('2026-03-01T02:00:00.000Z');
    const store = await env.open({ clock: () => new Date(now) });
    const e = await store.workerCredentials.createEnrollment({ id: 'enr-1', name: 'Segmen RSUD', zones: ['rsud'], tokenHash: h('pse_a'), createdBy: 'admin', expiresAt: '2026-03-02T02:00:00.000Z' });
    await store.workerCredentials.createEnrollment({ id: 'enr-2', name: 'Segmen Dinkes', zones: ['dinkes', 'rsud'], tokenHash: h('pse_b'), createdBy: 'admin', expiresAt: '2026-03-01T03:00:00.000Z' });
    assert.deepEqual(e.zones, ['rsud']);
    assert.deepEqual((await store.workerCredentials.pendingEnrollments()).map((x) => [x.id, x.zones]).sort(), [['enr-1', ['rsud']], ['enr-2', ['dinkes', 'rsud']]]);

    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_wrong'), workerId: 'w-0', secretHash: h('s0') }), undefined);
    const got = await store.workerCredentials.enroll({ tokenHash: h('pse_a'), workerId: 'w-1', secretHash: h('s1') });
    assert.ok(got !== undefined);
    assert.deepEqual([got.credential.id, got.credential.name, got.credential.zones, got.credential.enrollmentId, got.enrollment.usedAt], ['w-1', 'Segmen RSUD', ['rsud'], 'enr-1', '2026-03-01T02:00:00.000Z']);
    assert.equal(got.repeated, false);
    // One use only.
    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_a'), workerId: 'w-2', secretHash: h('s2') }), undefined);
    // ... but the worker that used it may ask again (its answer was lost): same id and secret, same credential.
    const again = await store.workerCredentials.enroll({ tokenHash: h('pse_a'), workerId: 'w-1', secretHash: h('s1') });
    assert.deepEqual([again?.repeated, again?.credential.id, again?.credential.zones], [true, 'w-1', ['rsud']]);
    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_a'), workerId: 'w-1', secretHash: h('s9') }), undefined, 'the token without the secret');
    // A worker id already taken is never given to another enrollment, which stays unused.
    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_b'), workerId: 'w-1', secretHash: h('s1') }), undefined);
    assert.deepEqual((await store.workerCredentials.pendingEnrollments()).map((x) => x.id), ['enr-2']);
    // Expired: refused even though unused.
    now = Date.parse('2026-03-01T03:00:00.000Z');
    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_b'), workerId: 'w-3', secretHash: h('s3') }), undefined);
    assert.deepEqual(await store.workerCredentials.pendingEnrollments(), []);

    assert.equal((await store.workerCredentials.authenticate('w-1', h('s1')))?.id, 'w-1');
    assert.equal(await store.workerCredentials.authenticate('w-1', h('s2')), undefined);
    assert.equal(await store.workerCredentials.authenticate('w-2', h('s2')), undefined);
    await store.workerCredentials.touch('w-1');
    assert.equal((await store.workerCredentials.get('w-1')).lastUsedAt, '2026-03-01T03:00:00.000Z');

    now += 60_000;
    const revoked = await store.workerCredentials.revoke('w-1', 'admin');
    assert.deepEqual([revoked.revokedAt, revoked.revokedBy], ['2026-03-01T03:01:00.000Z', 'admin']);
    assert.equal(await store.workerCredentials.authenticate('w-1', h('s1')), undefined);
    assert.equal(await store.workerCredentials.enroll({ tokenHash: h('pse_a'), workerId: 'w-1', secretHash: h('s1') }), undefined, 'revoked: no repeat');
    now += 60_000;
    assert.equal((await store.workerCredentials.revoke('w-1', 'admin2')).revokedBy, 'admin', 'the first revocation stays');
    await assert.rejects(store.workerCredentials.revoke('nobody', 'admin'), { code: 'E_NOT_FOUND' });
    assert.deepEqual((await store.workerCredentials.list()).map((c) => c.id), ['w-1']);
    // The token hash is unique: the same token cannot be issued twice.
    await assert.rejects(store.workerCredentials.createEnrollment({ id: 'enr-3', name: 'x', zones: ['rsud'], tokenHash: h('pse_a'), createdBy: 'admin', expiresAt: '2026-03-09T00:00:00.000Z' }), { code: 'E_CONFLICT' });
  });

  test('two enrollments racing with one token: exactly one credential', async () => {
    const store = await env.open();
    await store.workerCredentials.createEnrollment({ id: 'enr-r', name: 'Race', zones: ['z1'], tokenHash: h('pse_r'), createdBy: 'admin', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const results = await Promise.all([1, 2, 3, 4].map((i) => store.workerCredentials.enroll({ tokenHash: h('pse_r'), workerId: `w-${i}`, secretHash: h(`s${i}`) }).catch((e: unknown) => e)));
    assert.equal(results.filter((r) => r !== undefined && !(r instanceof Error)).length, 1, JSON.stringify(results));
    assert.equal((await store.workerCredentials.list()).length, 1);
  });

  test('the zones an enrollment may name are those registered networks use; hashes compare in constant time', async () => {
    const store = await env.open();
    const city = await seedCity(store);
    assert.deepEqual(await store.workerCredentials.networkZones(), []);
    await store.networks.add('all', { agencyId: city.rsud.id, cidr: '198.18.2.0/24', zone: 'rsud', ...AUTH });
    await store.networks.add('all', { agencyId: city.dinkes.id, cidr: '198.18.1.0/24', zone: 'dinkes', ...AUTH });
    await store.networks.add('all', { agencyId: city.disdik.id, cidr: '198.18.3.0/24', ...AUTH });
    await store.networks.add('all', { agencyId: city.smp.id, cidr: '198.18.4.0/24', zone: 'rsud', ...AUTH });
    assert.deepEqual(await store.workerCredentials.networkZones(), ['dinkes', 'rsud']);
    assert.equal(sameHash(h('a'), h('a')), true);
    assert.equal(sameHash(h('a'), h('b')), false);
    assert.equal(sameHash(h('a'), 'short'), false);
  });
});
