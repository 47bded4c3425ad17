// Agencies, hierarchy, contacts, networks (overlap refusal), scan windows, and agency scoping, on both dialects.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isPerisaiError } from '../../src/domain/errors.js';
import { isInScanWindow, parseScanWindow } from '../../src/domain/scan-window.js';
import { NetworkOverlapError } from '../../src/store/index.js';
import { storeSuite } from './harness.js';
import { AUTH, seedCity } from './fixtures.js';

storeSuite('migrations', (env) => {
  it('migrate an empty database to the latest schema, and are idempotent on reopen', async () => {
    const url = await env.freshUrl();
    const s1 = await env.reopen(url);
    const m = await s1.migrations();
    assert.ok(m.length >= 1);
    assert.ok(m.every((x) => x.executedAt !== null), 'every migration applied');
    assert.equal(m[0]?.name, '0001_inventory');
    assert.deepEqual(await s1.agencies.list('all'), []);
    await s1.close();
    const s2 = await env.reopen(url);
    assert.deepEqual((await s2.migrations()).map((x) => x.name), m.map((x) => x.name));
    assert.equal(s2.dialect, env.dialect);
  });
});

storeSuite('agencies and hierarchy', (env) => {
  it('builds city → OPD → unit and answers descendants, ancestors, children', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    const names = (xs: { code: string }[]) => xs.map((x) => x.code).sort();
    assert.deepEqual(names(await s.agencies.descendants('all', c.city.id)), ['DINKES', 'DISDIK', 'DISDUKCAPIL', 'PKM-UTARA', 'RSUD', 'SMPN-3']);
    assert.deepEqual(names(await s.agencies.descendants('all', c.dinkes.id, { includeSelf: true })), ['DINKES', 'PKM-UTARA', 'RSUD']);
    assert.deepEqual((await s.agencies.ancestors('all', c.rsud.id)).map((a) => a.code), ['DINKES', 'KOTA']);
    assert.deepEqual(names(await s.agencies.children('all', c.city.id)), ['DINKES', 'DISDIK', 'DISDUKCAPIL']);
    assert.deepEqual([...(await s.agencies.scopeOf(c.dinkes.id))].sort(), [c.dinkes.id, c.rsud.id, c.puskesmas.id].sort());
    assert.equal((await s.agencies.getByCode('all', 'rsud')).id, c.rsud.id);
  });

  it('refuses duplicate codes, wrong parent kinds, cycles, and retiring a parent with active children', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await assert.rejects(s.agencies.create('all', { kind: 'opd', code: 'dinkes', name: 'Again', parentId: c.city.id }), (e) => isPerisaiError(e, 'E_CONFLICT') && /DINKES/.test(e.message));
    await assert.rejects(s.agencies.create('all', { kind: 'city', code: 'X', name: 'X', parentId: c.smp.id }), (e) => isPerisaiError(e, 'E_VALIDATION'));
    await assert.rejects(s.agencies.create('all', { kind: 'school', code: 'X', name: 'X', parentId: 'no-such-id' }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.agencies.update('all', c.dinkes.id, { parentId: c.rsud.id }), (e) => isPerisaiError(e, 'E_VALIDATION'));
    await assert.rejects(s.agencies.retire('all', c.dinkes.id), (e) => isPerisaiError(e, 'E_CONFLICT'));
    const moved = await s.agencies.update('all', c.smp.id, { parentId: c.city.id, name: 'SMP Negeri 3 Kota' });
    assert.equal(moved.parentId, c.city.id);
    await s.agencies.retire('all', c.smp.id);
    assert.ok(!(await s.agencies.list('all')).some((a) => a.code === 'SMPN-3'));
    assert.ok((await s.agencies.list('all', { includeRetired: true })).some((a) => a.code === 'SMPN-3'));
  });

  it('keeps contacts per agency with normalised numbers and one primary per role', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await s.contacts.add('all', c.rsud.id, { name: 'dr. Sari', role: 'head', email: 'direktur@rsud.kota.go.id' });
    const a = await s.contacts.add('all', c.rsud.id, { name: 'Budi (IT)', role: 'pic', whatsapp: '0812-3456-7890', isPrimary: true });
    const b = await s.contacts.add('all', c.rsud.id, { name: 'Rina (IT)', role: 'pic', phone: '+62 21 555 1234', isPrimary: true });
    assert.equal(a.whatsapp, '+6281234567890');
    const pics = await s.contacts.list('all', { agencyId: c.rsud.id, role: 'pic' });
    assert.deepEqual(pics.map((p) => [p.name, p.isPrimary]), [[b.name, true], [a.name, false]]);
    await s.contacts.remove('all', a.id);
    assert.equal((await s.contacts.list('all', { agencyId: c.rsud.id })).length, 2);
    await assert.rejects(s.contacts.add('all', c.rsud.id, { name: 'X', role: 'pic' }), (e) => isPerisaiError(e, 'E_VALIDATION'));
  });

  it('scan windows: the hospital\'s own plus the city\'s, evaluated with isInScanWindow', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await s.agencies.setScanWindows('all', c.rsud.id, [parseScanWindow('never Mon-Sat 07:00-12:00 Asia/Jakarta')]);
    await s.agencies.setScanWindows('all', c.city.id, [parseScanWindow('never Sun 00:00-06:00 Asia/Jakarta')]);
    const own = await s.agencies.scanWindows('all', c.rsud.id);
    assert.equal(own.length, 1);
    assert.deepEqual(own[0]?.days, [1, 2, 3, 4, 5, 6]);
    const eff = await s.agencies.effectiveScanWindows('all', c.rsud.id);
    assert.equal(eff.length, 2);
    assert.equal(isInScanWindow(eff, new Date('2025-06-02T01:00:00Z')), false, 'Monday 08:00 WIB: registration hours');
    assert.equal(isInScanWindow(eff, new Date('2025-06-01T20:00:00Z')), true, 'Monday 03:00 WIB');
    assert.equal(isInScanWindow(eff, new Date('2025-05-31T20:00:00Z')), false, 'Sunday 03:00 WIB: the city-wide window applies to the hospital');
    assert.equal(isInScanWindow(eff, new Date('2025-06-02T06:00:00Z')), true, 'Monday 13:00 WIB');
    await s.agencies.setScanWindows('all', c.rsud.id, []);
    assert.deepEqual(await s.agencies.scanWindows('all', c.rsud.id), []);
  });
});

storeSuite('networks', (env) => {
  it('refuses a network overlapping another agency\'s, naming the conflict; allows delegation to a unit', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    const dinkes = await s.networks.add('all', { agencyId: c.dinkes.id, cidr: '198.18.0.0/16', label: 'Dinkes', ...AUTH });
    await s.networks.add('all', { agencyId: c.disdik.id, cidr: '198.19.0.0/24', ...AUTH });
    // inside Disdik's block, for Dinkes: refused, naming DISDIK
    await assert.rejects(s.networks.add('all', { agencyId: c.capil.id, cidr: '198.19.0.128/25', ...AUTH }), (e) => {
      assert.ok(e instanceof NetworkOverlapError);
      assert.equal(e.code, 'E_CONFLICT');
      assert.equal(e.conflict.agencyCode, 'DISDIK');
      assert.equal(e.conflict.cidr, '198.19.0.0/24');
      assert.match(e.message, /198\.19\.0\.128\/25 overlaps 198\.19\.0\.0\/24, registered to DISDIK/);
      return true;
    });
    // containing it: refused too
    await assert.rejects(s.networks.add('all', { agencyId: c.capil.id, cidr: '198.19.0.0/16', ...AUTH }), (e) => e instanceof NetworkOverlapError && e.conflict.agencyCode === 'DISDIK');
    // the same block again, even by its owner
    await assert.rejects(s.networks.add('all', { agencyId: c.dinkes.id, cidr: '198.18.0.0/16', ...AUTH }), (e) => e instanceof NetworkOverlapError && e.reason === 'duplicate');
    // delegation: RSUD (a unit of Dinkes) inside Dinkes' block
    const rsud = await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', zone: 'rsud', ...AUTH });
    // but not a sibling agency inside Dinkes' block
    await assert.rejects(s.networks.add('all', { agencyId: c.smp.id, cidr: '198.18.9.0/24', ...AUTH }), (e) => e instanceof NetworkOverlapError && e.conflict.agencyCode === 'DINKES');
    assert.equal((await s.networks.ownerOf('all', '198.18.5.20'))?.id, rsud.id, 'most specific block owns the host');
    assert.equal((await s.networks.ownerOf('all', '198.18.6.20'))?.id, dinkes.id);
    assert.equal(await s.networks.ownerOf('all', '203.0.113.1'), undefined);
    assert.equal((await s.networks.index('all')).lookup('198.18.5.1')?.agencyId, c.rsud.id);
    assert.equal(rsud.authorisedBy, AUTH.authorisedBy);
    // IPv6 blocks keep their own key space
    await s.networks.add('all', { agencyId: c.capil.id, cidr: '2001:db8:20::/48', ...AUTH });
    await assert.rejects(s.networks.add('all', { agencyId: c.disdik.id, cidr: '2001:db8:20:1::/64', ...AUTH }), (e) => e instanceof NetworkOverlapError);
    await assert.rejects(s.networks.add('all', { agencyId: c.disdik.id, cidr: '198.18.0.7/16', ...AUTH }), (e) => isPerisaiError(e, 'E_VALIDATION') && /did you mean 198\.18\.0\.0\/16/.test(e.message));
  });
});

storeSuite('agency scoping', (env) => {
  it('an agency sees nothing of another agency, and nothing above itself', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    const n = await s.networks.add('all', { agencyId: c.disdik.id, cidr: '198.19.0.0/24', ...AUTH });
    await s.contacts.add('all', c.disdik.id, { name: 'Operator', role: 'pic', email: 'op@disdik.kota.go.id' });
    const dinkes = await s.agencies.scopeOf(c.dinkes.id);
    assert.deepEqual((await s.agencies.list(dinkes)).map((a) => a.code).sort(), ['DINKES', 'PKM-UTARA', 'RSUD']);
    await assert.rejects(s.agencies.get(dinkes, c.disdik.id), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.agencies.get(dinkes, c.city.id), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    assert.deepEqual(await s.agencies.ancestors(dinkes, c.rsud.id).then((x) => x.map((a) => a.code)), ['DINKES']);
    assert.deepEqual(await s.networks.list(dinkes), []);
    await assert.rejects(s.networks.get(dinkes, n.id), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    assert.deepEqual(await s.contacts.list(dinkes), []);
    await assert.rejects(s.contacts.add(dinkes, c.disdik.id, { name: 'X', role: 'pic', email: 'x@y.id' }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.agencies.create(dinkes, { kind: 'city', code: 'KOTA2', name: 'Another city' }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    const unit = await s.agencies.create(dinkes, { kind: 'puskesmas', code: 'PKM-SELATAN', name: 'Puskesmas Selatan', parentId: c.dinkes.id });
    assert.equal(unit.parentId, c.dinkes.id);
    assert.deepEqual(await s.agencies.list(new Set()), [], 'an empty scope sees nothing');
  });
});
