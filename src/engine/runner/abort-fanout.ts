// One listener on the caller's abort signal per scan, fanned out to the jobs in flight. Every banner grab and
// every checked host has an AbortController of its own, registered here while it runs; the caller's signal
// never carries more than one listener from us, however many jobs run at once (Node warns above 10 listeners
// on one EventTarget, and the warning is right: a listener per job is a listener left behind per job).
export class AbortFanout {
  readonly #jobs = new Set<AbortController>();
  readonly #outer: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    for (const ac of this.#jobs) ac.abort();
    this.#jobs.clear();
  };

  constructor(outer: AbortSignal | undefined) {
    this.#outer = outer;
    outer?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get aborted(): boolean {
    return this.#outer?.aborted === true;
  }

  /** Runs `job` with a signal of its own that aborts when the caller's does. */
  async run<T>(job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ac = new AbortController();
    if (this.aborted) ac.abort();
    else this.#jobs.add(ac);
    try {
      return await job(ac.signal);
    } finally {
      this.#jobs.delete(ac);
    }
  }

  /** Removes the one listener (the scan is over). */
  close(): void {
    this.#outer?.removeEventListener('abort', this.#onAbort);
    this.#jobs.clear();
  }

  get size(): number {
    return this.#jobs.size;
  }
}
