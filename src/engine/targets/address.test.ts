import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  formatIPv4,
  formatIPv6,
  formatIp,
  ipFamily,
  isIPv4Mapped,
  normalizeIp,
  parseIPv4,
  parseIPv6,
  parseIp,
} from './address.js';

const u128 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });

describe('IPv4', () => {
  it('parses dotted quads to unsigned integers', () => {
    assert.equal(parseIPv4('0.0.0.0'), 0);
    assert.equal(parseIPv4('127.0.0.1'), 0x7f000001);
    assert.equal(parseIPv4('192.0.2.255'), 0xc00002ff);
    assert.equal(parseIPv4('255.255.255.255'), 0xffffffff);
  });

  it('refuses every non-canonical or malformed form', () => {
    for (const s of [
      '', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.256', '010.0.0.1', '1.2.3.04', '00.1.2.3',
      '127.1', '0x7f.0.0.1', ' 1.2.3.4', '1.2.3.4 ', '1..2.3', '.1.2.3', '1.2.3.', '1.2.3.-4',
      '1.2.3.4a', '1111.2.3.4', '١.2.3.4',
    ]) {
      assert.equal(parseIPv4(s), null, s);
    }
  });

  it('formats unsigned integers, including the top half of the space', () => {
    assert.equal(formatIPv4(0), '0.0.0.0');
    assert.equal(formatIPv4(0xc0000201), '192.0.2.1');
    assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
  });

  it('round-trips every 32-bit value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => parseIPv4(formatIPv4(n)) === n),
    );
  });
});

describe('IPv6', () => {
  it('parses the RFC 4291 §2.2 text forms', () => {
    assert.equal(parseIPv6('::'), 0n);
    assert.equal(parseIPv6('::1'), 1n);
    assert.equal(parseIPv6('2001:db8::1'), 0x20010db8000000000000000000000001n);
    assert.equal(parseIPv6('2001:DB8:0:0:8:800:200C:417A'), 0x20010db80000000000080800200c417an);
    assert.equal(parseIPv6('ff01::101'), 0xff010000000000000000000000000101n);
    assert.equal(parseIPv6('::13.1.68.3'), 0x0d014403n);
    assert.equal(parseIPv6('::ffff:129.144.52.38'), 0xffff81903426n);
    assert.equal(parseIPv6('1:2:3:4:5:6:7::'), 0x00010002000300040005000600070000n);
    assert.equal(parseIPv6('::2:3:4:5:6:7:8'), 0x00000002000300040005000600070008n);
    assert.equal(parseIPv6('1:2:3:4:5:6:1.2.3.4'), 0x00010002000300040005000601020304n);
  });

  it('refuses malformed text, zones and brackets', () => {
    for (const s of [
      '', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::1', 'g::1',
      '1::2:', ':1::2', '::1.2.3', '::1.2.3.4.5', '1.2.3.4::', '::1.2.3.4:1', 'fe80::1%eth0', '[::1]',
      '1:2:3:4:5:6:7:8::', '::01.2.3.4', '1:2:3:4:5:6:7:1.2.3.4',
    ]) {
      assert.equal(parseIPv6(s), null, s);
    }
  });

  it('formats per RFC 5952', () => {
    assert.equal(formatIPv6(0n), '::');
    assert.equal(formatIPv6(1n), '::1');
    assert.equal(formatIPv6(parseIPv6('2001:0db8:0000:0000:0000:0000:0000:0001') as bigint), '2001:db8::1');
    // §4.2.2: a single zero group is not compressed
    assert.equal(formatIPv6(parseIPv6('2001:db8:0:1:1:1:1:1') as bigint), '2001:db8:0:1:1:1:1:1');
    // §4.2.3: longest run wins, the first one on ties
    assert.equal(formatIPv6(parseIPv6('2001:0:0:1:0:0:0:1') as bigint), '2001:0:0:1::1');
    assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1') as bigint), '2001:db8::1:0:0:1');
    // §4.3: lowercase
    assert.equal(formatIPv6(parseIPv6('2001:DB8::ABCD') as bigint), '2001:db8::abcd');
    // §5: IPv4-mapped keeps the dotted tail
    assert.equal(formatIPv6(0xffffc0000201n), '::ffff:192.0.2.1');
    assert.equal(formatIPv6((1n << 128n) - 1n), 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
  });

  it('round-trips random 128-bit values and agrees with ipaddr.js', () => {
    fc.assert(
      fc.property(u128, (v) => {
        const text = formatIPv6(v);
        assert.equal(parseIPv6(text), v);
        if (!isIPv4Mapped(v)) assert.equal(text, ipaddr.IPv6.parse(text).toRFC5952String());
        const bytes = ipaddr.IPv6.parse(text).toByteArray();
        assert.equal(bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n), v);
      }),
    );
  });

  it('round-trips numerically through sparse values (zero runs)', () => {
    const sparse = fc
      .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
      .map((g) => g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n));
    fc.assert(fc.property(sparse, (v) => parseIPv6(formatIPv6(v)) === v));
  });
});

describe('parseIp / normalizeIp / ipFamily', () => {
  it('detects the family and unmaps IPv4-mapped IPv6', () => {
    assert.deepEqual(parseIp('192.0.2.1'), { family: 4, value: 0xc0000201 });
    assert.deepEqual(parseIp('::ffff:192.0.2.1'), { family: 4, value: 0xc0000201 });
    assert.deepEqual(parseIp('::ffff:c000:201'), { family: 4, value: 0xc0000201 });
    assert.deepEqual(parseIp('::1'), { family: 6, value: 1n });
    // IPv4-compatible (deprecated, RFC 4291 §2.5.5.1) is NOT unmapped: only ::ffff:0:0/96 is.
    assert.equal(parseIp('::192.0.2.1')?.family, 6);
    assert.equal(parseIp('nope'), null);
    assert.equal(ipFamily('127.0.0.1'), 4);
    assert.equal(ipFamily('::1'), 6);
    assert.equal(ipFamily('::ffff:127.0.0.1'), 4);
    assert.equal(ipFamily('localhost'), null);
  });

  it('normalises to canonical text', () => {
    assert.equal(normalizeIp('2001:DB8:0::0:1'), '2001:db8::1');
    assert.equal(normalizeIp('::FFFF:7f00:1'), '127.0.0.1');
    assert.equal(normalizeIp('127.0.0.1'), '127.0.0.1');
    assert.equal(normalizeIp('127.0.0.01'), null);
    assert.equal(formatIp({ family: 6, value: 1n }), '::1');
  });

  it('accepts exactly what node:net accepts (zones aside)', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''), '1', ':', '.');
    const ipish = fc.oneof(
      fc.string({ unit: chars, maxLength: 45 }),
      u128.map(formatIPv6),
      fc.integer({ min: 0, max: 0xffffffff }).map(formatIPv4),
      u128.map((v) => formatIPv6(v).replace(/(^|:)0(?=:|$)/, '$10000')),
    );
    fc.assert(
      fc.property(ipish, (s) => {
        assert.equal(parseIp(s) !== null, isIP(s) !== 0, s);
      }),
      { numRuns: 5000 },
    );
  });
});
