// The embedded queue: the store's scan_tasks table IS the queue. Each of
// `concurrency` loops claims the next pending (or lease-expired) task of its zones, runs it, claims again
// at once, and polls again after `idleMs` only when there was nothing to do (a publish wakes it). Works on
// SQLite (one process) and on PostgreSQL.

import type { Store } from '../store/index.js';
import type { ConsumeOptions, TaskHandler, TaskQueue } from './queue.js';

export class LocalQueue implements TaskQueue {
  readonly kind = 'local' as const;
  readonly #store: Store;
  readonly #idleMs: number;
  #stopping = false;
  #loops: Promise<void>[] = [];
  #wake: (() => void)[] = [];

  constructor(store: Store, opts: { idleMs?: number } = {}) {
    this.#store = store;
    this.#idleMs = opts.idleMs ?? 1000;
  }

  async publish(): Promise<void> {
    // The rows are already in scan_tasks; wake idle loops so a new job starts at once.
    for (const w of this.#wake.splice(0)) w();
  }

  async consume(opts: ConsumeOptions, handler: TaskHandler): Promise<void> {
    const n = Math.max(0, opts.concurrency ?? 1); // 0: a coordinator that scans nothing (serve --concurrency 0)
    for (let i = 0; i < n; i++) this.#loops.push(this.#loop({ ...opts, owner: n === 1 ? opts.owner : `${opts.owner}:${i}` }, handler));
  }

  async #loop(opts: ConsumeOptions, handler: TaskHandler): Promise<void> {
    while (!this.#stopping) {
      let task;
      try {
        task = await this.#store.scans.claimTask(opts);
      } catch (e) {
        task = undefined; // store briefly unavailable: retry after the idle pause
        opts.onError?.(e);
      }
      if (task !== undefined) {
        await handler(task).catch(() => {});
        continue;
      }
      // stop() wakes only the loops already waiting: one that was still claiming when it ran must not
      // start a wait of its own (it would hold up stop() for a whole idle period).
      if (this.#stopping) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, this.#idleMs);
        this.#wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async check(timeoutMs: number): Promise<{ readonly ok: boolean; readonly error?: string }> {
    const r = await this.#store.ping(timeoutMs);
    return r.ok ? { ok: true } : { ok: false, error: r.error };
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    for (const w of this.#wake.splice(0)) w();
    await Promise.all(this.#loops.splice(0));
  }
}
