// The scan's one in-flight budget, shared by the port stage and the L7 stages that overlap it (banners,
// checks): every stream the L7 stages open counts here while it is open, and the port stage launches a probe
// only while its own probes plus these stay under the window (docs/performance.md, "Pipeline"). Nothing gets
// a budget of its own on top of the window the user set.
import type net from 'node:net';
import type { DialOptions, Dialer } from './dialer.js';

export class InflightGauge {
  #used = 0;
  #waker: (() => void) | null = null;
  #blocked = false;

  get used(): number {
    return this.#used;
  }

  /** The port stage: call `fn` when a stream closes while the port stage said it was waiting for room. */
  setWaker(fn: (() => void) | null): void {
    this.#waker = fn;
  }

  /** The port stage stopped launching because of these streams; wake it on the next release. */
  markBlocked(): void {
    this.#blocked = true;
  }

  acquire(): void {
    this.#used++;
  }

  release(): void {
    this.#used--;
    if (this.#blocked && this.#waker) {
      this.#blocked = false;
      this.#waker();
    }
  }
}

/** A dialer whose streams count against the gauge from the connect until the socket closes. */
export class CountingDialer implements Dialer {
  readonly #inner: Dialer;
  readonly #gauge: InflightGauge;
  constructor(inner: Dialer, gauge: InflightGauge) {
    this.#inner = inner;
    this.#gauge = gauge;
  }

  async connect(o: DialOptions): Promise<net.Socket> {
    this.#gauge.acquire();
    let socket: net.Socket;
    try {
      socket = await this.#inner.connect(o);
    } catch (err) {
      this.#gauge.release();
      throw err;
    }
    if (socket.destroyed) this.#gauge.release();
    else socket.once('close', () => this.#gauge.release());
    return socket;
  }
}
