// ByteQueue against a plain array model: any sequence of push/take/skip/byteAt keeps the same
// bytes in the same order and the same stream offset, across compaction and growth; the caller
// may reuse a pushed chunk; misuse is a RangeError, never a wrong byte.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteQueue } from './byte-queue.js';

type Op =
  | { readonly op: 'push'; readonly bytes: Uint8Array }
  | { readonly op: 'take' | 'skip' | 'byteAt'; readonly n: number };

const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 3000 }).map((bytes): Op => ({ op: 'push', bytes })),
    fc.uint8Array({ maxLength: 3 }).map((bytes): Op => ({ op: 'push', bytes })),
    fc.record({ op: fc.constantFrom('take' as const, 'skip' as const, 'byteAt' as const), n: fc.nat({ max: 4000 }) }),
  ),
  { maxLength: 80 },
);

describe('ByteQueue', () => {
  test('property: behaves like an array of bytes with a read position', () => {
    fc.assert(
      fc.property(ops, (list) => {
        const q = new ByteQueue();
        let model: number[] = [];
        let consumed = 0;
        for (const o of list) {
          if (o.op === 'push') {
            q.push(o.bytes);
            model.push(...o.bytes);
            o.bytes.fill(0xee); // the queue copied it: reusing the chunk changes nothing
          } else {
            const n = Math.min(o.n, model.length);
            if (o.op === 'byteAt') {
              if (model.length > 0) assert.equal(q.byteAt(o.n % model.length), model[o.n % model.length]);
              continue;
            }
            if (o.op === 'take') assert.deepEqual([...q.take(n)], model.slice(0, n));
            else q.skip(n);
            model = model.slice(n);
            consumed += n;
          }
          assert.equal(q.length, model.length);
          assert.equal(q.consumed, consumed);
        }
        assert.deepEqual([...q.take(q.length)], model);
      }),
      { numRuns: 300 },
    );
  });

  test('taken bytes are the caller\'s own copy', () => {
    const q = new ByteQueue();
    q.push(Uint8Array.of(1, 2, 3, 4));
    const a = q.take(2);
    q.push(Uint8Array.of(5, 6));
    a[0] = 9;
    assert.deepEqual([...q.take(4)], [3, 4, 5, 6]);
  });

  test('reads past the end and bad counts are RangeErrors', () => {
    const q = new ByteQueue();
    q.push(Uint8Array.of(1, 2));
    assert.throws(() => q.byteAt(2), RangeError);
    assert.throws(() => q.byteAt(-1), RangeError);
    assert.throws(() => q.take(3), RangeError);
    assert.throws(() => q.skip(1.5), RangeError);
    q.clear();
    assert.equal(q.length, 0);
    assert.equal(q.consumed, 2);
  });
});
