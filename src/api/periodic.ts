// A job `perisai serve` runs now and then every interval (housekeeping.ts, incident-sweep.ts): one run at
// a time (a slow run is joined, not doubled); each step's failure is logged and the other steps still run;
// `stop()` clears the timer and waits for a run in progress, so the store can be closed right after it.
// A step that meets a busy database (another process holds SQLite's write lock — an import, a backup) is
// run again with back-off (src/store/errors.ts retryOnBusy) rather than logged as failed and skipped.

import { retryOnBusy } from '../store/index.js';

export interface Periodic<R> {
  /** One run now (also what the timer does). */
  runOnce(): Promise<R>;
  stop(): Promise<void>;
}

/** Run `fn` (again while the database is busy), logging a failure as "<what> failed: …" and answering null instead. */
export function stepper(prefix: string, log: (line: string) => void) {
  return async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await retryOnBusy(fn, { attempts: 6, baseMs: 250, capMs: 8_000, onBusy: (n, ms) => log(`${prefix}: ${what}: database busy, retry ${n} in ${ms} ms`) });
    } catch (e) {
      log(`${prefix}: ${what} failed: ${(e as Error).message}`);
      return null;
    }
  };
}

export function startPeriodic<R>(once: () => Promise<R>, intervalMs: number): Periodic<R> {
  let running: Promise<R> | undefined;
  let stopped = false;
  const runOnce = (): Promise<R> => {
    running ??= once().finally(() => {
      running = undefined;
    });
    return running;
  };
  runOnce().catch(() => {});
  const timer = setInterval(() => {
    if (!stopped) runOnce().catch(() => {}); // each step logs its own failure (stepper); nothing may reject unheard
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
