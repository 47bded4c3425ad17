import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clipRanges, mergeRanges, rangesLength, subtractRanges, validateRange } from './ranges.js';
import type { IndexRange } from './ranges.js';

const arbRange = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 60 })).map(([s, n]): IndexRange => [s, s + n]);

function covered(ranges: readonly IndexRange[]): Set<number> {
  const s = new Set<number>();
  for (const [a, b] of ranges) for (let i = a; i < b; i++) s.add(i);
  return s;
}

describe('index ranges', () => {
  it('merges overlapping and touching ranges', () => {
    assert.deepEqual(mergeRanges([[5, 10], [0, 3], [3, 5], [20, 20], [8, 12]]), [[0, 12]]);
    assert.deepEqual(mergeRanges([[0, 1], [2, 3]]), [[0, 1], [2, 3]]);
  });

  it('subtracts done ranges from a task slice', () => {
    assert.deepEqual(subtractRanges([0, 100], [[10, 20], [50, 60]]), [[0, 10], [20, 50], [60, 100]]);
    assert.deepEqual(subtractRanges([0, 100], [[0, 100]]), []);
    assert.deepEqual(subtractRanges([10, 20], [[0, 5], [30, 40]]), [[10, 20]]);
  });

  it('merge preserves the covered set; subtract is the exact complement (properties)', () => {
    fc.assert(
      fc.property(fc.array(arbRange, { maxLength: 12 }), arbRange, (done, whole) => {
        const m = mergeRanges(done);
        assert.deepEqual(covered(m), covered(done));
        for (let i = 1; i < m.length; i++) assert.ok(m[i]![0] > m[i - 1]![1], 'merged ranges are disjoint and not touching');
        const rest = covered(subtractRanges(whole, done));
        const d = covered(done);
        for (let i = whole[0]; i < whole[1]; i++) assert.equal(rest.has(i), !d.has(i));
        assert.equal(rangesLength(clipRanges(whole, done)) + rest.size, whole[1] - whole[0]);
      }),
    );
  });

  it('validates ranges', () => {
    assert.throws(() => validateRange([5, 4]));
    assert.throws(() => validateRange([-1, 4]));
    assert.throws(() => validateRange([0.5, 4]));
    validateRange([0, 0]);
  });
});
