// Preloaded into the `perisai serve` process that tests/api/bench-load.ts measures (`node --import`):
// watches the event loop's delay (perf_hooks.monitorEventLoopDelay, 10 ms resolution) and, on SIGUSR2,
// writes what it saw since the previous signal as one line on stderr and starts over. better-sqlite3 is
// synchronous, so a long query is a stalled loop: this says how long the longest stall was while a
// route was under load, which the client-side latencies alone cannot tell apart from queueing.

import { monitorEventLoopDelay } from 'node:perf_hooks';

export const LOOP_LINE = 'perisai-bench-loop ';

const h = monitorEventLoopDelay({ resolution: 10 });
h.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  process.stderr.write(`${LOOP_LINE}${JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) })}\n`);
  h.reset();
});
