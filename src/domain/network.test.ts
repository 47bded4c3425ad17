import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkNetworkOverlap, validateNetworkInput } from './network.js';
import { parseCidr } from './ip.js';

const parent: Record<string, string | null> = { city: null, dinkes: 'city', rsud: 'dinkes', disdik: 'city' };
const isAncestor = (a: string, d: string): boolean => {
  for (let cur = parent[d] ?? null; cur !== null; cur = parent[cur] ?? null) if (cur === a) return true;
  return false;
};
const existing = [
  { id: 'n1', agencyId: 'dinkes', cidr: '10.20.0.0/16' },
  { id: 'n2', agencyId: 'disdik', cidr: '10.30.0.0/16' },
];

describe('network overlap policy', () => {
  it('refuses a block inside another agency\'s block, naming it', () => {
    const v = checkNetworkOverlap(parseCidr('10.30.4.0/24'), 'dinkes', existing, isAncestor);
    assert.deepEqual(v, { ok: false, reason: 'overlap', existing: existing[1] });
  });
  it('refuses a block containing another agency\'s block', () => {
    const v = checkNetworkOverlap(parseCidr('10.0.0.0/8'), 'disdik', existing, isAncestor);
    assert.equal(v.ok, false);
  });
  it('refuses the same block twice, even for the same agency', () => {
    const v = checkNetworkOverlap(parseCidr('10.20.0.0/16'), 'dinkes', existing, isAncestor);
    assert.deepEqual(v, { ok: false, reason: 'duplicate', existing: existing[0] });
  });
  it('allows delegation down the hierarchy and nesting within one agency', () => {
    assert.deepEqual(checkNetworkOverlap(parseCidr('10.20.5.0/24'), 'rsud', existing, isAncestor), { ok: true });
    assert.deepEqual(checkNetworkOverlap(parseCidr('10.20.6.0/24'), 'dinkes', existing, isAncestor), { ok: true });
    assert.deepEqual(checkNetworkOverlap(parseCidr('10.40.0.0/16'), 'rsud', existing, isAncestor), { ok: true });
  });
  it('refuses inverted delegation (a unit holding the outer block of its ancestor)', () => {
    const v = checkNetworkOverlap(parseCidr('10.0.0.0/8'), 'rsud', [{ id: 'n9', agencyId: 'dinkes', cidr: '10.20.0.0/16' }], isAncestor);
    assert.equal(v.ok, false);
  });
  it('validates authorisation', () => {
    assert.throws(() => validateNetworkInput({ agencyId: 'x', cidr: '10.0.0.0/8', authorisedBy: ' ', authorisedAt: '2025-01-01' }), /authorisedBy/);
    assert.throws(() => validateNetworkInput({ agencyId: 'x', cidr: '10.0.0.0/8', authorisedBy: 'Kadis', authorisedAt: 'yesterday' }), /authorisedAt/);
    assert.equal(validateNetworkInput({ agencyId: 'x', cidr: '10.0.0.0/8', authorisedBy: 'Kadis', authorisedAt: '2025-01-01T00:00:00+07:00' }).authorisedAt, '2024-12-31T17:00:00.000Z');
  });
});
