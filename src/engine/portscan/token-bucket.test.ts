// The --max-rate bucket (token-bucket.ts) on an injected clock: the test moves time itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';

test('a rate must be positive', () => {
  for (const bad of [0, -5, Number.NaN]) assert.throws(() => new TokenBucket(bad), { name: 'RangeError', message: 'maxRate must be positive' });
});

test('the first probe leaves at once; then tokens come at the rate', () => {
  const b = new TokenBucket(100); // one every 10 ms
  let now = 5000;
  b.start(now);
  assert.equal(b.hasToken(), true);
  b.take();
  assert.equal(b.hasToken(), false);
  assert.equal(b.waitMs(), 10);
  b.refill((now += 4));
  assert.equal(b.hasToken(), false);
  assert.equal(b.waitMs(), 6);
  b.refill((now += 6));
  assert.equal(b.hasToken(), true);
});

test('below one probe a second the bucket starts with a fraction, and waits for the rest', () => {
  const b = new TokenBucket(0.5);
  b.start(0);
  assert.equal(b.hasToken(), false);
  assert.equal(b.waitMs(), 1000);
  b.refill(1000);
  assert.equal(b.hasToken(), true);
});

test('an idle scan saves at most a twentieth of a second of tokens (and at least one)', () => {
  const fast = new TokenBucket(1000);
  fast.start(0);
  fast.refill(10_000);
  assert.equal(fast.tokens, 50);
  const slow = new TokenBucket(10);
  slow.start(0);
  slow.refill(10_000);
  assert.equal(slow.tokens, 1);
});

test('over a virtual second a scan that sends whenever it may sends the rate, plus the first token', () => {
  const b = new TokenBucket(200);
  let sent = 0;
  b.start(0);
  for (let now = 0; now < 1000; now++) {
    b.refill(now);
    while (b.hasToken()) {
      b.take();
      sent++;
    }
  }
  assert.ok(sent >= 200 && sent <= 201, `sent ${sent}`);
  assert.ok(b.waitMs() >= 1);
});
