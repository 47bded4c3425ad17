import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkOutsideControl, matchAssets, normalizeDnsName, normalizeMac, normalizeNetbiosName, validateAssetPatch } from './asset.js';
import type { AssetCandidate } from './asset.js';

const pc = (id: string, ip: string, extra: Partial<AssetCandidate> = {}, lastSeen = '2025-06-01T00:00:00.000Z'): AssetCandidate => ({ id, ip, lastSeen, ...extra });

describe('asset identity', () => {
  it('normalises identifiers', () => {
    assert.equal(normalizeMac('00-1A-2B-3C-4D-5E'), '00:1a:2b:3c:4d:5e');
    assert.equal(normalizeMac('001a.2b3c.4d5e'), '00:1a:2b:3c:4d:5e');
    assert.equal(normalizeMac('ff:ff:ff:ff:ff:ff'), undefined);
    assert.equal(normalizeMac('01:00:5e:00:00:01'), undefined, 'multicast is never a host');
    assert.equal(normalizeNetbiosName(' pendaftaran01 '), 'PENDAFTARAN01');
    assert.equal(normalizeNetbiosName('A-NAME-LONGER-THAN-15'), undefined);
    assert.equal(normalizeDnsName('SIMRS.RSUD.Kota.go.id.'), 'simrs.rsud.kota.go.id');
  });

  it('keeps identity across a DHCP address change by MAC, then NetBIOS name, then DNS name', () => {
    const cands = [pc('a1', '10.0.0.5', { mac: '00:1a:2b:3c:4d:5e' }), pc('a2', '10.0.0.6', { netbiosName: 'REG-PC-02' }), pc('a3', '10.0.0.7', { dnsName: 'simrs.rsud.local' })];
    const r = matchAssets(cands, [
      { ip: '10.0.0.50', mac: '00-1A-2B-3C-4D-5E' },
      { ip: '10.0.0.51', netbiosName: 'reg-pc-02' },
      { ip: '10.0.0.52', dnsName: 'SIMRS.rsud.local.' },
    ]);
    assert.deepEqual(r, [
      { kind: 'existing', assetId: 'a1', by: 'mac' },
      { kind: 'existing', assetId: 'a2', by: 'netbios' },
      { kind: 'existing', assetId: 'a3', by: 'dns' },
    ]);
  });

  it('a reused address is a new machine when a known identifier contradicts it', () => {
    const cands = [pc('a1', '10.0.0.5', { mac: '00:1a:2b:3c:4d:5e', netbiosName: 'OLD-PC' })];
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.5', mac: '00:1a:2b:3c:4d:99' }]), [{ kind: 'new' }]);
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.5', netbiosName: 'NEW-PC' }]), [{ kind: 'new' }]);
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.5' }]), [{ kind: 'existing', assetId: 'a1', by: 'ip' }], 'a plain port scan knows only the address');
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.5', netbiosName: 'old-pc' }]), [{ kind: 'existing', assetId: 'a1', by: 'netbios' }]);
  });

  it('a MAC contradiction vetoes a name match', () => {
    const cands = [pc('a1', '10.0.0.5', { mac: '00:1a:2b:3c:4d:5e', netbiosName: 'PC1' })];
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.9', mac: '00:1a:2b:3c:4d:99', netbiosName: 'PC1' }]), [{ kind: 'new' }]);
  });

  it('prefers the most recently seen candidate and claims each asset once per batch', () => {
    const cands = [pc('old', '10.0.0.5', {}, '2025-01-01T00:00:00.000Z'), pc('new', '10.0.0.5', {}, '2025-06-01T00:00:00.000Z')];
    assert.deepEqual(matchAssets(cands, [{ ip: '10.0.0.5' }]), [{ kind: 'existing', assetId: 'new', by: 'ip' }]);
    const one = [pc('a1', '10.0.0.5', { netbiosName: 'FILESRV' })];
    // Two addresses answering with one NetBIOS name (multi-homed host or a name clash): the asset stays
    // with the address it had; the other address becomes an asset of its own, never a silent merge.
    assert.deepEqual(matchAssets(one, [{ ip: '10.0.0.9', netbiosName: 'FILESRV' }, { ip: '10.0.0.5', netbiosName: 'FILESRV' }]), [
      { kind: 'new' },
      { kind: 'existing', assetId: 'a1', by: 'netbios' },
    ]);
  });

  it('validates patches; outside-our-control needs a responsible party', () => {
    assert.deepEqual(validateAssetPatch({ tags: ['SIMRS', 'simrs', ' server '] }).tags, ['server', 'simrs']);
    assert.throws(() => validateAssetPatch({ criticality: 'mega' as never }), /criticality/);
    assert.throws(() => validateAssetPatch({ tags: [''] }), /tags/);
    assert.throws(() => checkOutsideControl(true, null), /responsibleParty/);
    checkOutsideControl(true, 'Kemendagri (SIAK)');
    checkOutsideControl(false, null);
  });

  it('never gives one asset to two hosts, and matches only on an agreeing identifier (property)', () => {
    const ip = fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3');
    const mac = fc.option(fc.constantFrom('00:00:00:00:00:01', '00:00:00:00:00:02'), { nil: undefined });
    const nb = fc.option(fc.constantFrom('PC1', 'PC2'), { nil: undefined });
    const ident = fc.record({ ip, mac, netbiosName: nb });
    fc.assert(
      fc.property(fc.array(ident, { maxLength: 6 }), fc.array(ident, { maxLength: 6 }), (cands, obs) => {
        const candidates = cands.map((c, i) => ({ ...c, id: `a${i}`, lastSeen: `2025-01-0${(i % 9) + 1}T00:00:00.000Z` }));
        const r = matchAssets(candidates, obs);
        const ids = r.flatMap((m) => (m.kind === 'existing' ? [m.assetId] : []));
        assert.equal(new Set(ids).size, ids.length);
        r.forEach((m, i) => {
          if (m.kind !== 'existing') return;
          const c = candidates.find((x) => x.id === m.assetId)!;
          const o = obs[i]!;
          const key = { mac: 'mac', netbios: 'netbiosName', dns: 'dnsName', ip: 'ip' }[m.by] as 'mac' | 'netbiosName' | 'ip';
          assert.equal(c[key]?.toUpperCase(), o[key]?.toUpperCase(), 'matched on the rule it names');
          if (o.mac !== undefined && c.mac !== undefined) assert.equal(o.mac, c.mac, 'never across differing MACs');
        });
      }),
    );
  });
});
