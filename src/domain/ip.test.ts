import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NetworkIndex, addressKey, canonicalIp, cidrContains, cidrsOverlap, ipOfKey, keyOfIp, parseCidr } from './ip.js';
import { isPerisaiError } from './errors.js';

describe('parseCidr', () => {
  it('parses IPv4 and IPv6 blocks to canonical text and bounds', () => {
    const c = parseCidr('10.20.0.0/16');
    assert.equal(c.text, '10.20.0.0/16');
    assert.equal(c.first, 0x0a140000n);
    assert.equal(c.last, 0x0a14ffffn);
    const v6 = parseCidr('2001:DB8:0::/48');
    assert.equal(v6.text, '2001:db8::/48');
    assert.equal(v6.family, 6);
    assert.equal(parseCidr('192.0.2.7').text, '192.0.2.7/32');
    assert.equal(parseCidr('0.0.0.0/0').last, 0xffffffffn);
  });

  it('unmaps IPv4-mapped IPv6 blocks (RFC 4291 §2.5.5.2)', () => {
    assert.equal(parseCidr('::ffff:10.0.0.0/104').text, '10.0.0.0/8');
  });

  it('refuses host bits and suggests the block that was probably meant', () => {
    assert.throws(() => parseCidr('10.20.5.7/16'), (e) => isPerisaiError(e, 'E_VALIDATION') && e.details.suggestion === '10.20.0.0/16');
  });

  it('refuses malformed blocks', () => {
    for (const s of ['', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', 'x/8', '2001:db8::/129', '10.0.0/8', '::ffff:10.0.0.0/64']) {
      assert.throws(() => parseCidr(s), (e) => isPerisaiError(e, 'E_VALIDATION'), s);
    }
  });

  it('nesting and overlap', () => {
    const a = parseCidr('10.20.0.0/16');
    const b = parseCidr('10.20.5.0/24');
    assert.ok(cidrContains(a, b));
    assert.ok(!cidrContains(b, a));
    assert.ok(cidrsOverlap(a, b) && cidrsOverlap(b, a));
    assert.ok(!cidrsOverlap(a, parseCidr('10.21.0.0/16')));
    assert.ok(!cidrsOverlap(parseCidr('::/0'), a), 'families never overlap');
  });
});

describe('address keys', () => {
  it('compare as text exactly as the addresses compare as numbers, IPv4 before IPv6', () => {
    const u32 = fc.bigInt({ min: 0n, max: 0xffffffffn });
    fc.assert(
      fc.property(u32, u32, (a, b) => {
        const ka = addressKey(4, a);
        const kb = addressKey(4, b);
        return Math.sign(a < b ? -1 : a > b ? 1 : 0) === Math.sign(ka < kb ? -1 : ka > kb ? 1 : 0);
      }),
    );
    assert.ok(addressKey(4, 0xffffffffn) < addressKey(6, 0n));
  });

  it('round-trip through the key', () => {
    for (const ip of ['10.0.0.1', '255.255.255.255', '2001:db8::1', '::']) assert.equal(ipOfKey(keyOfIp(ip)), ip);
    assert.equal(canonicalIp('2001:DB8::0:1'), '2001:db8::1');
  });
});

describe('NetworkIndex', () => {
  const idx = new NetworkIndex([
    { id: 'n1', agencyId: 'dinkes', cidr: '10.20.0.0/16' },
    { id: 'n2', agencyId: 'rsud', cidr: '10.20.5.0/24' },
    { id: 'n3', agencyId: 'disdik', cidr: '2001:db8:1::/48' },
  ]);
  it('returns the most specific block', () => {
    assert.equal(idx.lookup('10.20.5.9')?.agencyId, 'rsud');
    assert.equal(idx.lookup('10.20.6.9')?.agencyId, 'dinkes');
    assert.equal(idx.lookup('2001:db8:1::5')?.agencyId, 'disdik');
    assert.equal(idx.lookup('10.21.0.1'), undefined);
    assert.equal(idx.lookup('not-an-ip'), undefined);
  });
  it('agrees with a linear scan (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        const ip = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        const expected = n >>> 8 === 0x0a1405 ? 'rsud' : n >>> 16 === 0x0a14 ? 'dinkes' : undefined;
        return idx.lookup(ip)?.agencyId === expected;
      }),
    );
  });
});
