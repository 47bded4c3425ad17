// The connect scan's window (adaptive-window.ts) on an injected clock: sweep times are numbers the test
// chooses, so lateness and the 100 ms adjustment period are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveWindow, MIN_WINDOW, YOUNG_CAP } from './adaptive-window.js';

test('the ceiling: the requested window within the fd limit (with a reserve) and the scan size', () => {
  const roomy = new AdaptiveWindow(undefined, 20_000, 1_000_000);
  assert.equal(roomy.windowMax, 4096);
  assert.equal(roomy.window, YOUNG_CAP, 'the young-probe gate starts the window at 512');
  // 1024 fds: 1024 - max(64, 51) - 256 = 704
  assert.equal(new AdaptiveWindow(undefined, 1024, 1_000_000).windowMax, 704);
  assert.equal(new AdaptiveWindow(undefined, 100, 1_000_000).windowMax, MIN_WINDOW);
  const small = new AdaptiveWindow(4096, 20_000, 100);
  assert.deepEqual([small.windowMax, small.window], [100, 100]);
  assert.equal(new AdaptiveWindow(0, 20_000, 100).windowMax, 1);
  assert.equal(new AdaptiveWindow(4096, 20_000, 0).windowMax, 1);
});

test('lateness: a sweep on time adds nothing, a late one feeds the average', () => {
  const w = new AdaptiveWindow(4096, 20_000, 1e6);
  let now = 1000;
  w.start(now);
  w.swept((now += 10), 10);
  assert.equal(w.lagEwma, 0);
  w.swept((now += 70), 10); // 60 ms late
  assert.equal(w.lagEwma, 12);
  w.swept((now += 5), 10); // early: no negative lateness
  assert.equal(w.lagEwma, 0.8 * 12);
});

test('AIMD: a late loop cuts the cap by 30 % at most every 100 ms; a punctual one grows it back to the ceiling', () => {
  const w = new AdaptiveWindow(4096, 20_000, 1e6);
  let now = 0;
  w.start(now);
  w.swept((now += 310), 10); // 300 ms late: lagEwma 60 > min(50, 1000 / 4)
  w.adjust(now, 1000, 0, 0);
  assert.equal(w.lagCap, Math.floor(4096 * 0.7));
  w.adjust((now += 50), 1000, 0, 0); // within 100 ms of the last adjustment
  assert.equal(w.lagCap, Math.floor(4096 * 0.7));
  for (let i = 0; i < 40; i++) w.adjust((now += 100), 1000, 0, 0);
  assert.equal(w.lagCap, MIN_WINDOW, 'never below the minimum window');
  while (w.lagEwma >= 10) w.swept((now += 10), 10);
  w.adjust((now += 100), 1000, 0, 0);
  assert.equal(w.lagCap, MIN_WINDOW + 16, 'additive increase: at least 16');
  for (let i = 0; i < 200; i++) w.adjust((now += 100), 1000, 0, 0);
  assert.equal(w.lagCap, 4096, 'never above the ceiling');
  // a short timeout makes the same lateness count for more: a quarter of 40 ms is 10
  w.swept((now += 10 + 100), 10);
  w.adjust((now += 100), 40, 0, 0);
  assert.equal(w.lagCap, Math.floor(4096 * 0.7));
});

test('the young-probe gate: at most 512 young probes beyond the old ones, under the lateness cap', () => {
  const w = new AdaptiveWindow(4096, 20_000, 1e6);
  w.start(0);
  w.adjust(10, 1000, 3000, 100); // 2900 old probes (silent space) leave room for 512 young ones
  assert.equal(w.window, 2900 + YOUNG_CAP);
  w.adjust(20, 1000, 600, 600); // everything answers at once: the window stays at the gate
  assert.equal(w.window, YOUNG_CAP);
  w.adjust(30, 1000, 4000, 0);
  assert.equal(w.window, 4096, 'capped by lagCap = windowMax');
});

test('out of descriptors lowers the ceiling for good; other local shortages cut like a late loop', () => {
  const w = new AdaptiveWindow(4096, 20_000, 1e6);
  w.outOfDescriptors(1000);
  assert.deepEqual([w.windowMax, w.lagCap, w.window], [984, 984, YOUNG_CAP]);
  w.outOfDescriptors(20);
  assert.equal(w.windowMax, MIN_WINDOW);
  assert.equal(w.window, MIN_WINDOW);
  const v = new AdaptiveWindow(4096, 20_000, 1e6);
  v.localPressure();
  assert.deepEqual([v.windowMax, v.lagCap, v.window], [4096, Math.floor(4096 * 0.7), YOUNG_CAP]);
  v.start(0);
  for (let now = 100; now <= 100_000; now += 100) v.adjust(now, 1000, 0, 0);
  assert.equal(v.lagCap, 4096, 'a punctual loop grows it back');
});
