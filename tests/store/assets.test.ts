// Asset identity across scans, facts, attributes and risk, on both dialects.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isPerisaiError } from '../../src/domain/errors.js';
import { factsFromObservations, rateAsset } from '../../src/domain/risk.js';
import { storeSuite, testClock } from './harness.js';
import { AUTH, seedCity } from './fixtures.js';

storeSuite('assets', (env) => {
  it('keeps identity across scans: DHCP move by MAC or NetBIOS name, reused address becomes a new asset', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await seedCity(s);
    const net = await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
    const first = await s.assets.upsertObserved('all', {
      agencyId: c.rsud.id,
      hosts: [
        { ip: '198.18.5.10', mac: '00:1A:2B:3C:4D:5E', netbiosName: 'reg-pc-01', os: { name: 'Windows 7 Professional 7601 Service Pack 1', source: 'smb-ntlm', eol: true, wannacryRisk: true } },
        { ip: '198.18.5.11', netbiosName: 'LAB-XP' },
        { ip: '198.18.5.12' },
      ],
    });
    assert.deepEqual(first.map((u) => u.created), [true, true, true]);
    const [pc, lab, plain] = first.map((u) => u.assetId) as [string, string, string];
    const a = await s.assets.get('all', pc);
    assert.equal(a.netbiosName, 'REG-PC-01');
    assert.equal(a.mac, '00:1a:2b:3c:4d:5e');
    assert.equal(a.networkId, net.id);
    assert.equal(a.os?.wannacryRisk, true);
    assert.equal(a.criticality, 'internal');

    clock.advance(86_400_000);
    const second = await s.assets.upsertObserved('all', {
      agencyId: c.rsud.id,
      jobId: null,
      hosts: [
        { ip: '198.18.5.50', mac: '00-1a-2b-3c-4d-5e' }, // the registration PC got a new lease
        { ip: '198.18.5.51', netbiosName: 'lab-xp' }, // the lab PC too, seen by name
        { ip: '198.18.5.12', netbiosName: 'NEW-LAPTOP' }, // plain asset had no name: same address, now named → same asset
        { ip: '198.18.5.10', netbiosName: 'VISITOR' }, // the old address, a different machine
      ],
    });
    assert.deepEqual(second.map((u) => [u.assetId === pc ? 'pc' : u.assetId === lab ? 'lab' : u.assetId === plain ? 'plain' : 'new', u.matchedBy]), [
      ['pc', 'mac'], ['lab', 'netbios'], ['plain', 'ip'], ['new', null],
    ]);
    const moved = await s.assets.get('all', pc);
    assert.equal(moved.ip, '198.18.5.50');
    assert.equal(moved.netbiosName, 'REG-PC-01', 'an identifier the new scan did not see is kept');
    assert.equal(moved.os?.name, 'Windows 7 Professional 7601 Service Pack 1', 'facts are kept when not re-observed');
    assert.equal(moved.firstSeen, '2025-06-02T01:00:00.000Z');
    assert.equal(moved.lastSeen, '2025-06-03T01:00:00.000Z');
    const third = await s.assets.upsertObserved('all', { agencyId: c.rsud.id, hosts: [{ ip: '198.18.5.12', netbiosName: 'OTHER-NAME' }] });
    assert.equal(third[0]?.created, true, 'a name that contradicts the known one is another machine');
    assert.equal((await s.assets.list('all', { agencyId: c.rsud.id })).length, 5);
  });

  it('attributes, tags, search, outside-our-control, risk, paging and scoping', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await s.networks.add('all', { agencyId: c.capil.id, cidr: '198.18.40.0/24', ...AUTH });
    const [siak, kiosk] = await s.assets.upsertObserved('all', {
      agencyId: c.capil.id,
      hosts: [{ ip: '198.18.40.5', dnsName: 'siak.capil.kota.go.id' }, { ip: '198.18.40.6', netbiosName: 'KIOSK-1' }],
    });
    await assert.rejects(s.assets.update('all', siak!.assetId, { outsideControl: true }), (e) => isPerisaiError(e, 'E_VALIDATION') && /responsibleParty/.test(e.message));
    const u = await s.assets.update('all', siak!.assetId, { outsideControl: true, responsibleParty: 'Kemendagri (SIAK)', criticality: 'vital', tags: ['SIAK', 'server'], owner: 'Bidang PIAK' });
    assert.equal(u.outsideControl, true);
    assert.equal(u.responsibleParty, 'Kemendagri (SIAK)');
    assert.deepEqual(u.tags, ['server', 'siak']);
    assert.deepEqual((await s.assets.list('all', { tag: 'SIAK' })).map((x) => x.id), [siak!.assetId]);
    assert.deepEqual((await s.assets.list('all', { search: 'kiosk' })).map((x) => x.id), [kiosk!.assetId]);
    assert.deepEqual((await s.assets.list('all', { search: 'CAPIL.KOTA' })).map((x) => x.id), [siak!.assetId], 'case-insensitive');
    assert.deepEqual(await s.assets.list('all', { search: '%' }), [], 'LIKE wildcards are literal');
    assert.deepEqual((await s.assets.list('all', { criticality: 'vital' })).map((x) => x.id), [siak!.assetId]);

    const facts = factsFromObservations([{ type: 'port', ip: '198.18.40.6', port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack' }], 'internal');
    await s.assets.setRisk('all', kiosk!.assetId, rateAsset(facts));
    const k = await s.assets.get('all', kiosk!.assetId);
    assert.equal(k.riskRating, 'unknown');
    assert.deepEqual(k.riskReasons.map((r) => r.ruleId), ['ms17-010-unchecked', 'doublepulsar-unchecked', 'smb-open-internal']);
    assert.deepEqual((await s.assets.list('all', { riskRating: 'unknown' })).map((x) => x.id), [kiosk!.assetId]);

    const page1 = await s.assets.list('all', { limit: 1 });
    const page2 = await s.assets.list('all', { limit: 1, after: page1[0]!.id });
    assert.deepEqual([page1[0]?.ip, page2[0]?.ip], ['198.18.40.5', '198.18.40.6']);

    const dinkes = await s.agencies.scopeOf(c.dinkes.id);
    assert.deepEqual(await s.assets.list(dinkes), []);
    await assert.rejects(s.assets.get(dinkes, siak!.assetId), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.assets.update(dinkes, siak!.assetId, { owner: 'x' }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.assets.upsertObserved(dinkes, { agencyId: c.capil.id, hosts: [{ ip: '198.18.40.9' }] }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await s.assets.retire('all', kiosk!.assetId);
    assert.deepEqual((await s.assets.list('all')).map((x) => x.id), [siak!.assetId]);
  });
});
