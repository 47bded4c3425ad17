import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatIPv4 } from './address.js';
import { v4Range, v6Range } from './ranges.js';
import { TargetSet } from './target-set.js';

const DOC6 = 0x20010db8n << 96n; // 2001:db8::/32, RFC 3849

describe('TargetSet', () => {
  it('indexes IPv4 ascending, then IPv6 ascending, deduplicating overlaps', () => {
    const set = TargetSet.fromRanges([
      v6Range(DOC6 + 1n, DOC6 + 2n),
      v4Range(0xc0000205, 0xc0000206), // 192.0.2.5-6
      v4Range(0xc0000201, 0xc0000205), // 192.0.2.1-5, overlaps
      v4Range(0x7f000001, 0x7f000001), // 127.0.0.1
    ]);
    assert.equal(set.size, 9);
    assert.equal(set.ipv4Size, 7);
    assert.equal(set.ipv6Size, 2);
    assert.equal(set.rangeCount, 3);
    assert.deepEqual(
      [...set].map((t) => t.ip),
      ['127.0.0.1', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6', '2001:db8::1', '2001:db8::2'],
    );
    assert.deepEqual(set.at(0), { ip: '127.0.0.1', family: 4 });
    assert.deepEqual(set.at(8), { ip: '2001:db8::2', family: 6 });
    for (let i = 0; i < set.size; i++) assert.equal(set.indexOf(set.at(i).ip), i);
  });

  it('answers contains / indexOf, including mapped spellings and non-addresses', () => {
    const set = TargetSet.fromRanges([v4Range(0xc0000200, 0xc00002ff)]);
    assert.ok(set.contains('192.0.2.77'));
    assert.ok(set.contains('::ffff:192.0.2.77'));
    assert.ok(!set.contains('192.0.3.0'));
    assert.ok(!set.contains('not-an-ip'));
    assert.equal(set.indexOf('192.0.2.10'), 10);
    assert.equal(set.indexOf('198.51.100.1'), -1);
    assert.equal(set.indexOf('bogus'), -1);
  });

  it('keeps hostname labels only for member addresses; first label wins', () => {
    const set = TargetSet.fromRanges(
      [v4Range(0x7f000001, 0x7f000002), v6Range(1n, 1n)],
      [
        ['127.0.0.1', 'localhost'],
        ['::ffff:127.0.0.1', 'other-name'],
        ['::1', 'localhost'],
        ['192.0.2.1', 'not-in-set'],
      ],
    );
    assert.deepEqual(set.at(0), { ip: '127.0.0.1', family: 4, hostname: 'localhost' });
    assert.deepEqual(set.at(1), { ip: '127.0.0.2', family: 4 });
    assert.deepEqual(set.at(2), { ip: '::1', family: 6, hostname: 'localhost' });
    assert.equal(set.hostnameOf('192.0.2.1'), undefined);
    assert.equal(set.hostnameOf('0:0::1'), 'localhost');
    assert.deepEqual([...set].map((t) => t.hostname), ['localhost', undefined, 'localhost']);
  });

  it('stores huge sets in O(ranges) memory', () => {
    const set = TargetSet.fromRanges([v4Range(0, 0xffffffff)]);
    assert.equal(set.size, 2 ** 32);
    assert.equal(set.rangeCount, 1);
    assert.equal(set.at(2 ** 32 - 1).ip, '255.255.255.255');
    assert.equal(set.at(0xc0000201).ip, '192.0.2.1');
  });

  it('rejects bad indexes and bad labels with RangeError', () => {
    const set = TargetSet.fromRanges([v4Range(1, 2)]);
    for (const i of [-1, 2, 0.5, Number.NaN]) assert.throws(() => set.at(i), RangeError);
    assert.throws(() => TargetSet.EMPTY.at(0), RangeError);
    assert.equal(TargetSet.EMPTY.size, 0);
    assert.deepEqual([...TargetSet.EMPTY], []);
    assert.throws(() => TargetSet.fromRanges([], [['nope', 'x']]), RangeError);
  });

  it('at(i) agrees with brute-force enumeration on random small inputs', () => {
    const rangeArb = fc
      .tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20 }), fc.boolean())
      .map(([s, len, six]) => (six ? v6Range(DOC6 + BigInt(s), DOC6 + BigInt(s + len)) : v4Range(0xc6120000 + s, 0xc6120000 + s + len)));
    fc.assert(
      fc.property(fc.array(rangeArb, { maxLength: 6 }), (ranges) => {
        const set = TargetSet.fromRanges(ranges);
        const v4 = new Set<number>();
        const v6 = new Set<bigint>();
        for (const r of ranges) {
          if (r.family === 4) for (let x = r.start; x <= r.end; x++) v4.add(x);
          else for (let x = r.start; x <= r.end; x++) v6.add(x);
        }
        const expected = [
          ...[...v4].sort((a, b) => a - b).map(formatIPv4),
          ...[...v6].sort((a, b) => (a < b ? -1 : 1)).map((x) => `2001:db8::${(x - DOC6).toString(16)}`),
        ].map((ip) => (ip === '2001:db8::0' ? '2001:db8::' : ip));
        assert.equal(set.size, expected.length);
        assert.deepEqual(Array.from({ length: set.size }, (_, i) => set.ipAt(i)), expected);
        assert.deepEqual([...set].map((t) => t.ip), expected);
      }),
    );
  });
});
