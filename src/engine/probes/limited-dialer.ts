// A Dialer wrapper that allows at most `limit` open sockets at once (per host: the runner calls
// runHostChecks for 64–256 hosts concurrently, so a cap per host bounds file descriptors). A
// waiting connect keeps its deadline: the time spent waiting is taken from its connect budget,
// and an abort while waiting rejects at once. A slot is released when the socket closes.

import type { Socket } from 'node:net';
import { DialError, type Dialer, type DialOptions } from '../net/dialer.js';

export class LimitedDialer implements Dialer {
  readonly #inner: Dialer;
  readonly #limit: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(inner: Dialer, limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    this.#inner = inner;
    this.#limit = limit;
  }

  get active(): number {
    return this.#active;
  }

  async connect(o: DialOptions): Promise<Socket> {
    const t0 = Date.now();
    await this.#acquire(o);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#queue.shift()?.();
    };
    const left = o.timeoutMs - (Date.now() - t0);
    if (left <= 0) {
      release();
      // Not E_TIMEOUT: that would read as "port filtered"; this is our own limit.
      throw new DialError(`connect ${o.ip}:${o.port}: no time left after waiting for a local connection slot`, 'E_CONNECT');
    }
    try {
      const socket = await this.#inner.connect({ ...o, timeoutMs: left });
      socket.once('close', release);
      if (socket.destroyed) release();
      return socket;
    } catch (err) {
      release();
      throw err;
    }
  }

  #acquire(o: DialOptions): Promise<void> {
    if (o.signal?.aborted) return Promise.reject(new DialError('aborted', 'E_ABORTED'));
    if (this.#active < this.#limit) {
      this.#active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = (): void => {
        o.signal?.removeEventListener('abort', onAbort);
        this.#active += 1;
        resolve();
      };
      const onAbort = (): void => {
        const i = this.#queue.indexOf(grant);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(new DialError('aborted while waiting for a connection slot', 'E_ABORTED'));
      };
      o.signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(grant);
    });
  }
}
