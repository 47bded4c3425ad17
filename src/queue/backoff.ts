// How a worker waits before trying the database again after losing it (docs/deploy.md "Surviving database
// restarts"): bounded exponential back-off with jitter, so that a restarted PostgreSQL is not met by every
// worker of the city at the same instant, and a long outage costs one attempt every `maxMs` at most.

/** Delay before attempt `n` (0-based): base·2ⁿ capped at maxMs, of which a random half is waited ("equal jitter"). */
export function backoffMs(n: number, opts: { baseMs?: number; maxMs?: number; random?: () => number } = {}): number {
  const base = opts.baseMs ?? 250;
  const max = opts.maxMs ?? 15_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(n, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * (opts.random ?? Math.random)());
}

/** Wait `ms`, or less when `signal` aborts (resolves either way: the caller looks at the signal). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const done = (): void => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
