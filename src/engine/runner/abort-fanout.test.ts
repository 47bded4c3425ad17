import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { AbortFanout } from './abort-fanout.js';

test('one listener on the caller signal however many jobs run; abort reaches every job; close removes it', async () => {
  const outer = new AbortController();
  const fan = new AbortFanout(outer.signal);
  const seen: AbortSignal[] = [];
  const jobs = Array.from({ length: 500 }, () =>
    fan.run(
      (signal) =>
        new Promise<string>((resolve) => {
          seen.push(signal);
          signal.addEventListener('abort', () => resolve('aborted'), { once: true });
        }),
    ),
  );
  assert.equal(getEventListeners(outer.signal, 'abort').length, 1);
  assert.equal(fan.size, 500);
  outer.abort();
  assert.deepEqual(new Set(await Promise.all(jobs)), new Set(['aborted']));
  assert.ok(seen.every((s) => s.aborted));
  assert.equal(fan.size, 0);
  fan.close();
  assert.equal(getEventListeners(outer.signal, 'abort').length, 0);
});

test('finished jobs leave nothing behind; a job started after the abort starts aborted', async () => {
  const outer = new AbortController();
  const fan = new AbortFanout(outer.signal);
  assert.equal(await fan.run(async (s) => s.aborted), false);
  assert.equal(fan.size, 0);
  outer.abort();
  assert.equal(await fan.run(async (s) => s.aborted), true);
  fan.close();
  const none = new AbortFanout(undefined);
  assert.equal(await none.run(async (s) => s.aborted), false);
  none.close();
});
