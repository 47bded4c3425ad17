import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assessNetwork, checkNetworkOverlap, confirmationFor, DEFAULT_NETWORK_POLICY, NetworkConfirmationError, NeverRegisterError, validateNetworkInput, validateNetworkPolicy } from './network.js';
import { parseCidr } from './ip.js';
import { isPerisaiError } from './errors.js';

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
    assert.equal(validateNetworkInput({ agencyId: 'x', cidr: '10.20.0.0/16', authorisedBy: 'Kadis', authorisedAt: '2025-01-01T00:00:00+07:00' }).authorisedAt, '2024-12-31T17:00:00.000Z');
  });
});

describe('network guard rails', () => {
  it('refuses the never-register list and every block that is, contains or lies inside part of it', () => {
    const cases: [string, string, string][] = [
      ['0.0.0.0/0', '0.0.0.0/8', 'contains'], ['::/0', '::/128', 'contains'], ['0.0.0.0/8', '0.0.0.0/8', 'is'], ['0.0.0.0/32', '0.0.0.0/8', 'inside'],
      ['224.0.0.0/4', '224.0.0.0/4', 'is'], ['239.1.2.0/24', '224.0.0.0/4', 'inside'], ['169.254.0.0/16', '169.254.0.0/16', 'is'], ['169.254.7.0/24', '169.254.0.0/16', 'inside'],
      ['fe80::/10', 'fe80::/10', 'is'], ['fe80::/64', 'fe80::/10', 'inside'], ['240.0.0.0/4', '240.0.0.0/4', 'is'], ['255.255.255.255/32', '240.0.0.0/4', 'inside'],
      ['::/128', '::/128', 'is'], ['ff02::1/128', 'ff00::/8', 'inside'], ['100::/64', '100::/64', 'is'],
      // wider blocks that only touch the list in part
      ['128.0.0.0/1', '169.254.0.0/16', 'contains'], ['192.0.0.0/2', '224.0.0.0/4', 'contains'], ['fe00::/7', 'fe80::/10', 'contains'],
    ];
    for (const [cidr, block, relation] of cases) {
      assert.throws(() => assessNetwork(cidr), (e) => e instanceof NeverRegisterError && isPerisaiError(e, 'E_VALIDATION') && e.block.cidr.text === block && e.relation === relation && e.details['field'] === 'cidr', cidr);
    }
  });

  it('names the concerns a confirmation must answer: public space, a wide block, loopback', () => {
    const concerns = (c: string, p = DEFAULT_NETWORK_POLICY) => [...assessNetwork(c, p).concerns];
    assert.deepEqual(concerns('10.20.0.0/16'), []);
    assert.deepEqual(concerns('10.0.0.0/8'), ['large']);
    assert.deepEqual(concerns('172.16.0.0/12'), ['large']);
    assert.deepEqual(concerns('192.168.1.0/24'), []);
    assert.deepEqual(concerns('198.18.0.0/15'), ['large'], 'the lab /15 is wider than /16');
    assert.deepEqual(concerns('198.18.0.0/16'), []);
    assert.deepEqual(concerns('8.8.8.0/24'), ['public']);
    assert.deepEqual(concerns('10.0.0.0/7'), ['public', 'large'], '11.0.0.0/8 is public');
    assert.deepEqual(concerns('100.64.0.0/10'), ['large']);
    assert.deepEqual(concerns('127.0.0.1/32'), ['loopback']);
    assert.deepEqual(concerns('127.0.0.0/8'), ['large', 'loopback']);
    assert.deepEqual(concerns('::1/128'), ['loopback']);
    assert.deepEqual(concerns('2001:db8:10::/48'), []);
    assert.deepEqual(concerns('2001:db8::/32'), ['large']);
    assert.deepEqual(concerns('fd12:3456:789a::/48'), []);
    assert.deepEqual(concerns('2400:cb00::/48'), ['public']);
    assert.deepEqual(concerns('10.0.0.0/8', { confirmPrefixV4: 8, confirmPrefixV6: 48 }), [], 'a configured /8 limit');
    assert.deepEqual(concerns('10.20.0.0/16', { confirmPrefixV4: 20, confirmPrefixV6: 48 }), ['large']);
  });

  it('a questioned block needs a confirmation with a reason; the stored one says what it answered', () => {
    const a = assessNetwork('10.0.0.0/8');
    assert.throws(() => confirmationFor(a, null, '2025-01-01T00:00:00.000Z', DEFAULT_NETWORK_POLICY),
      (e) => e instanceof NetworkConfirmationError && e.details['field'] === 'confirmReason' && e.details['concerns'] === 'large' && /wider than \/16/.test(e.message));
    assert.throws(() => confirmationFor(a, { by: 'admin', reason: ' ok ' }, '2025-01-01T00:00:00.000Z', DEFAULT_NETWORK_POLICY), (e) => isPerisaiError(e) && e.details['reason'] === 'reason-too-short');
    assert.deepEqual(confirmationFor(a, { by: 'admin', reason: ' Seluruh jaringan kantor pusat (ND 12/2025) ' }, '2025-01-01T00:00:00.000Z', DEFAULT_NETWORK_POLICY),
      { by: 'admin', at: '2025-01-01T00:00:00.000Z', reason: 'Seluruh jaringan kantor pusat (ND 12/2025)', concerns: ['large'] });
    assert.equal(confirmationFor(assessNetwork('10.20.0.0/16'), null, '2025-01-01T00:00:00.000Z', DEFAULT_NETWORK_POLICY), null, 'nothing to confirm');
    assert.throws(() => validateNetworkInput({ agencyId: 'x', cidr: '8.8.8.0/24', authorisedBy: 'Kadis', authorisedAt: '2025-01-01' }), NetworkConfirmationError);
  });

  it('checks a configured policy', () => {
    assert.deepEqual(validateNetworkPolicy({}), DEFAULT_NETWORK_POLICY);
    assert.deepEqual(validateNetworkPolicy({ confirmPrefixV4: '20', confirmPrefixV6: 56 }), { confirmPrefixV4: 20, confirmPrefixV6: 56 });
    for (const bad of [{ confirmPrefixV4: '33' }, { confirmPrefixV4: '/16' }, { confirmPrefixV6: 129 }, { confirmPrefixV4: -1 }, { confirmPrefixV4: '1e1' }]) {
      assert.throws(() => validateNetworkPolicy(bad), (e) => isPerisaiError(e, 'E_VALIDATION'), JSON.stringify(bad));
    }
  });
});
