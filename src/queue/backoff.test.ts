import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffMs, pause } from './backoff.js';

test('back-off doubles from the base, stays within [ceiling/2, ceiling] and never exceeds the cap', () => {
  const lo = (n: number): number => backoffMs(n, { random: () => 0 });
  const hi = (n: number): number => backoffMs(n, { random: () => 1 });
  assert.deepEqual([0, 1, 2, 3].map(hi), [250, 500, 1000, 2000]);
  assert.deepEqual([0, 1, 2, 3].map(lo), [125, 250, 500, 1000]);
  assert.equal(hi(100), 15_000, 'bounded: a long outage costs one attempt every 15 s');
  assert.equal(lo(100), 7500);
  assert.equal(backoffMs(3, { baseMs: 100, maxMs: 500, random: () => 0.5 }), 375);
});

test('pause ends early when its signal aborts', async () => {
  const ac = new AbortController();
  const p = pause(60_000, ac.signal);
  ac.abort();
  await p; // resolves at once; a 60 s timer left behind would keep the test process alive
  await pause(1, ac.signal);
  assert.ok(ac.signal.aborted);
});
