import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createProgressBar, formatDuration, renderProgress } from './progress.js';

const p = (done: number, planned: number, elapsedMs: number) => ({ planned, done, inFlight: 10, window: 512, open: 3, timeoutMs: 100, elapsedMs });

test('renders percentage, counts, rate, open ports and ETA within the terminal width', () => {
  const line = renderProgress(p(5000, 10000, 1000), 80);
  assert.match(line, /^\[#+\.+\]/);
  assert.match(line, /50\.0%/);
  assert.match(line, /5,000\/10,000/);
  assert.match(line, /5\.0k\/s/);
  assert.match(line, /open 3/);
  assert.match(line, /ETA 1s/);
  assert.ok(line.length < 80);
  assert.ok(renderProgress(p(0, 0, 0), 30).length <= 30);
});

test('ETA is unknown before the first completion, and durations are human', () => {
  assert.match(renderProgress(p(0, 100, 0), 80), /ETA --/);
  assert.equal(formatDuration(59_400), '59s');
  assert.equal(formatDuration(61_000), '1m01s');
  assert.equal(formatDuration(3_725_000), '1h02m');
  assert.equal(formatDuration(NaN), '--');
});

test('silent when the stream is not a terminal (pipes, log files)', () => {
  const s = new PassThrough() as unknown as NodeJS.WriteStream;
  let written = '';
  (s as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
  const bar = createProgressBar(s, true);
  bar.update(p(1, 2, 10));
  bar.clear();
  assert.equal(written, '');
});

test('draws on a terminal and clears the line afterwards', () => {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number };
  s.isTTY = true;
  s.columns = 100;
  let written = '';
  (s as unknown as PassThrough).on('data', (d: Buffer) => (written += d.toString()));
  const bar = createProgressBar(s, true);
  bar.update(p(10, 10, 100));
  assert.match(written, /^\r\[#+\] 100\.0%/);
  bar.clear();
  assert.ok(written.endsWith('\r\x1b[K'));
});
