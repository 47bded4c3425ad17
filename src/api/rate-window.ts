// A sliding-window counter per key (client address, unit, status link) for the public routes, in memory
// like the app-wide limit (app.ts): at most `max` hits in any `windowMs`. Bounded: past `maxKeys` keys the
// least recently used one is forgotten, so a flood of addresses cannot grow it without end.

export interface RateWindow {
  readonly max: number;
  readonly windowMs: number;
}

export class SlidingWindowLimiter {
  readonly #w: RateWindow;
  readonly #clock: () => Date;
  readonly #maxKeys: number;
  readonly #hits = new Map<string, number[]>();

  constructor(w: RateWindow, clock: () => Date, maxKeys = 50_000) {
    this.#w = w;
    this.#clock = clock;
    this.#maxKeys = maxKeys;
  }

  /** Count a hit for `key`; returns 0 when allowed, else the milliseconds until one is allowed again. */
  hit(key: string): number {
    const now = this.#clock().getTime();
    const since = now - this.#w.windowMs;
    const list = (this.#hits.get(key) ?? []).filter((t) => t > since);
    this.#hits.delete(key); // re-inserted below: Map order is the LRU order
    if (list.length >= this.#w.max) {
      this.#hits.set(key, list);
      return Math.max(1, list[0]! + this.#w.windowMs - now);
    }
    list.push(now);
    this.#hits.set(key, list);
    if (this.#hits.size > this.#maxKeys) this.#hits.delete(this.#hits.keys().next().value!);
    return 0;
  }
}
