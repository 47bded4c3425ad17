import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ALL_ADDRESSES,
  cidrToV4Range,
  cidrToV6Range,
  formatRange,
  intersectRangeSets,
  mergeV4,
  rangeCidrPrefix,
  subtractRangeSets,
  toRangeSet,
  unionRangeSets,
  unmapRange,
  v4Range,
  v6Range,
  type Ipv4Range,
  type RangeSet,
} from './ranges.js';

// Small-universe brute force: ranges inside [0, 64) of the IPv4 space.
const smallRange = fc
  .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }))
  .map(([a, b]) => v4Range(Math.min(a, b), Math.max(a, b)));
const smallRanges = fc.array(smallRange, { maxLength: 8 });

function members(ranges: readonly Ipv4Range[]): Set<number> {
  const s = new Set<number>();
  for (const r of ranges) for (let x = r.start; x <= r.end; x++) s.add(x);
  return s;
}

function assertNormal(ranges: readonly Ipv4Range[]): void {
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1] as Ipv4Range;
    const cur = ranges[i] as Ipv4Range;
    assert.ok(cur.start > prev.end + 1, 'sorted, disjoint and not adjacent');
  }
  for (const r of ranges) assert.ok(r.start <= r.end);
}

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

describe('range algebra (brute-force checked)', () => {
  it('merge keeps exactly the union and normalises', () => {
    fc.assert(
      fc.property(smallRanges, (rs) => {
        const m = mergeV4(rs);
        assertNormal(m);
        assert.deepEqual(sorted(members(m)), sorted(members(rs)));
      }),
    );
  });

  it('subtract, intersect and union match set arithmetic', () => {
    fc.assert(
      fc.property(smallRanges, smallRanges, (a, b) => {
        const A: RangeSet = toRangeSet(a);
        const B: RangeSet = toRangeSet(b);
        const ma = members(a);
        const mb = members(b);
        const diff = subtractRangeSets(A, B).v4;
        const inter = intersectRangeSets(A, B).v4;
        const uni = unionRangeSets(A, B).v4;
        [diff, inter, uni].forEach(assertNormal);
        assert.deepEqual(sorted(members(diff)), sorted(ma).filter((x) => !mb.has(x)));
        assert.deepEqual(sorted(members(inter)), sorted(ma).filter((x) => mb.has(x)));
        assert.deepEqual(sorted(members(uni)), sorted(new Set([...ma, ...mb])));
      }),
    );
  });

  it('works for IPv6 bigints too', () => {
    const a = toRangeSet([v6Range(0x20010db8n << 96n, (0x20010db8n << 96n) + 100n)]);
    const b = toRangeSet([v6Range((0x20010db8n << 96n) + 10n, (0x20010db8n << 96n) + 20n)]);
    const d = subtractRangeSets(a, b).v6;
    assert.equal(d.length, 2);
    assert.equal(d[0]?.end, (0x20010db8n << 96n) + 9n);
    assert.equal(d[1]?.start, (0x20010db8n << 96n) + 21n);
    assert.deepEqual(intersectRangeSets(a, b).v6, b.v6);
  });
});

describe('CIDR and IPv4-mapped helpers', () => {
  it('computes CIDR blocks, ignoring host bits', () => {
    assert.deepEqual(cidrToV4Range(0xc0000209, 24), v4Range(0xc0000200, 0xc00002ff));
    assert.deepEqual(cidrToV4Range(0xc0000209, 32), v4Range(0xc0000209, 0xc0000209));
    assert.deepEqual(cidrToV4Range(0xc0000209, 0), v4Range(0, 0xffffffff));
    assert.deepEqual(cidrToV6Range(0x20010db8n << 96n | 5n, 126), v6Range(0x20010db8n << 96n | 4n, 0x20010db8n << 96n | 7n));
  });

  it('moves the ::ffff:0:0/96 part of an IPv6 range to IPv4', () => {
    assert.deepEqual(unmapRange(v6Range(0xffffc0000200n, 0xffffc00002ffn)), [v4Range(0xc0000200, 0xc00002ff)]);
    assert.deepEqual(unmapRange(v6Range(1n, 2n)), [v6Range(1n, 2n)]);
    const straddle = unmapRange(v6Range(0xfffeffffffffn, 0x1000000000000n));
    assert.deepEqual(straddle, [
      v6Range(0xfffeffffffffn, 0xfffeffffffffn),
      v4Range(0, 0xffffffff),
      v6Range(0x1000000000000n, 0x1000000000000n),
    ]);
    // The whole space splits into all of IPv4 plus IPv6 minus the mapped block.
    assert.deepEqual(toRangeSet([v6Range(0n, (1n << 128n) - 1n)]), ALL_ADDRESSES);
  });

  it('formats ranges as address, CIDR or a-b', () => {
    assert.equal(formatRange(v4Range(0xc0000201, 0xc0000201)), '192.0.2.1');
    assert.equal(formatRange(v4Range(0xc0000200, 0xc00002ff)), '192.0.2.0/24');
    assert.equal(formatRange(v4Range(0, 0xffffffff)), '0.0.0.0/0');
    assert.equal(formatRange(v4Range(0xc0000201, 0xc0000204)), '192.0.2.1-192.0.2.4');
    assert.equal(formatRange(v6Range(0n, (1n << 128n) - 1n)), '::/0');
    assert.equal(formatRange(v6Range(1n, 2n)), '::1-::2');
    assert.equal(rangeCidrPrefix(v4Range(2, 3)), 31);
    assert.equal(rangeCidrPrefix(v4Range(1, 2)), -1);
  });
});
