// Probes in flight per host (for --host-inflight and the distinct-host cap against neighbour-table overflow,
// see connect-scan.ts), counted in a typed array indexed by host when the scan has few enough hosts (the
// common case: no Map lookup, no Map entry churn on every probe), in a Map otherwise (a /8 sweep would need
// 64 MB of counters).
const DENSE_MAX_HOSTS = 1 << 20;

export class HostInflight {
  readonly #dense: Uint32Array | null;
  readonly #sparse: Map<number, number> | null;
  /** Hosts with at least one probe in flight. */
  distinct = 0;

  constructor(nHosts: number) {
    this.#dense = nHosts <= DENSE_MAX_HOSTS ? new Uint32Array(Math.max(1, nHosts)) : null;
    this.#sparse = this.#dense ? null : new Map();
  }

  get(host: number): number {
    return this.#dense ? this.#dense[host]! : (this.#sparse!.get(host) ?? 0);
  }

  inc(host: number): void {
    if (this.#dense) {
      if (this.#dense[host]!++ === 0) this.distinct++;
      return;
    }
    const n = this.#sparse!.get(host) ?? 0;
    if (n === 0) this.distinct++;
    this.#sparse!.set(host, n + 1);
  }

  dec(host: number): void {
    if (this.#dense) {
      const n = this.#dense[host]!;
      if (n === 0) return;
      this.#dense[host] = n - 1;
      if (n === 1) this.distinct--;
      return;
    }
    const n = this.#sparse!.get(host) ?? 0;
    if (n === 0) return;
    if (n === 1) {
      this.#sparse!.delete(host);
      this.distinct--;
    } else this.#sparse!.set(host, n - 1);
  }
}
