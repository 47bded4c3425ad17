// Read results kept between requests and thrown away the moment the data under them changed. A value is
// stored with the change token its tables had when it was read (StoreDialect.changeToken: a counter
// the tables' triggers advance on every committed write, migration 0015): a reader whose token differs
// computes afresh, so no write — by this process, a `perisai worker` next to it or a CLI import — is
// ever answered from before it. The token is read BEFORE the value: a write that lands during the
// computation leaves an older token on a newer value, which only costs one extra computation later.
//
// One computation per key and token: the readers that arrive while it runs wait for it (200 users
// opening the dashboard after a scan finished start one set of queries, not 200). A failed
// computation is forgotten, so the next reader tries again.

export class ReadMemo {
  readonly #entries = new Map<string, { readonly token: string; readonly value: Promise<unknown> }>();
  readonly #max: number;

  constructor(maxEntries = 256) {
    this.#max = maxEntries;
  }

  /** The value of `key` at `token`; `token` undefined = the store cannot tell what changed now: no memo. */
  get<T>(key: string, token: string | undefined, compute: () => Promise<T>): Promise<T> {
    if (token === undefined) return compute();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.token === token) {
      // Least recently used goes first when the memo is full: re-insert on every hit.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.#entries.delete(key);
    this.#entries.set(key, { token, value });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  /** Entries held (tests). */
  get size(): number {
    return this.#entries.size;
  }
}
