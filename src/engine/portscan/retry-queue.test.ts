// The probes the connect scan owes (retry-queue.ts). The queue keeps times as given; the scan's clock decides
// when one is due, so the test's "not before" values are plain numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RetryQueue } from './retry-queue.js';

function drain(q: RetryQueue): number[] {
  const out: number[] = [];
  while (q.size > 0) {
    out.push(q.first().host);
    q.drop();
  }
  return out;
}

test('first in, first out, with the fields as pushed', () => {
  const q = new RetryQueue();
  assert.equal(q.size, 0);
  q.push(1, 445, 1, 0, 250);
  q.push(2, 139, 0, 2, 500);
  assert.equal(q.size, 2);
  assert.deepEqual({ ...q.first() }, { host: 1, port: 445, attempt: 1, unreach: 0, notBefore: 250 });
  q.drop();
  assert.deepEqual({ ...q.first() }, { host: 2, port: 139, attempt: 0, unreach: 2, notBefore: 500 });
});

test('a probe not due yet goes to the back and keeps its place relative to newer work', () => {
  const q = new RetryQueue();
  for (const h of [1, 2, 3]) q.push(h, 80, 0, 0, 0);
  q.rotate(); // 1 not ready
  q.push(4, 80, 0, 0, 0);
  assert.deepEqual(drain(q), [2, 3, 1, 4]);
});

test('compaction drops the consumed prefix and nothing else', () => {
  const q = new RetryQueue();
  for (let h = 0; h < 10_000; h++) q.push(h, 80, 0, 0, 0);
  for (let i = 0; i < 4000; i++) q.drop();
  q.compact(); // 4000 consumed: below the threshold, nothing moves
  assert.equal(q.size, 6000);
  for (let i = 0; i < 2000; i++) q.drop();
  q.compact(); // 6000 of 10,000 consumed
  assert.equal(q.size, 4000);
  assert.equal(q.first().host, 6000);
  assert.deepEqual(drain(q).slice(-2), [9998, 9999]);
});
