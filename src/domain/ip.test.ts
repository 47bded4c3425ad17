import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NetworkIndex, NEVER_REGISTER, addressKey, canonicalIp, cidrContains, cidrsOverlap, hasPublicSpace, ipOfKey, keyOfIp, parseCidr } from './ip.js';
import { NEVER_SCAN } from '../engine/targets/index.js';
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

describe('address space', () => {
  it('the never-register list holds every block of the engine\'s never-scan list', () => {
    for (const e of NEVER_SCAN) {
      const c = parseCidr(e.spec);
      assert.ok(NEVER_REGISTER.some((b) => cidrContains(b.cidr, c)), `${e.spec} is missing from NEVER_REGISTER`);
    }
  });

  it('public space is whatever no special-purpose block covers', () => {
    for (const c of ['10.0.0.0/8', '10.1.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '127.0.0.0/8', '2001:db8::/32', 'fc00::/7', 'fd00::/8', '::1/128', '169.254.0.0/16']) {
      assert.equal(hasPublicSpace(parseCidr(c)), false, c);
    }
    for (const c of ['8.8.8.0/24', '0.0.0.0/0', '10.0.0.0/7', '172.0.0.0/8', '192.168.0.0/15', '2000::/3', '2001:db8::/31', '::/0', '198.16.0.0/14']) {
      assert.equal(hasPublicSpace(parseCidr(c)), true, c);
    }
  });

  it('public space agrees with a brute-force walk over random IPv4 blocks', () => {
    const special = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4'].map((x) => parseCidr(x));
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 32 }), (addr, prefix) => {
      const mask = prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - prefix)) - 1n);
      const first = BigInt(addr) & mask;
      const c = parseCidr(`${Number(first >> 24n) & 255}.${Number(first >> 16n) & 255}.${Number(first >> 8n) & 255}.${Number(first) & 255}/${prefix}`);
      // Walk the block in /24 steps (every special block is /24 or wider, so a /24 is all in or all out).
      const step = c.prefix >= 24 ? 1n : 1n << BigInt(32 - 24);
      let expected = false;
      for (let a = c.first; a <= c.last; a += step) {
        if (!special.some((s) => a >= s.first && a <= s.last)) expected = true;
      }
      assert.equal(hasPublicSpace(c), expected, c.text);
    }), { numRuns: 300 });
  });
});
