// The probes in flight of one connect scan (connect-scan.ts): a fixed table of slots, one per probe the window
// allows, held in parallel typed arrays (no object per probe), and an intrusive doubly linked list through them
// in start order. Every probe shares one timeout, so deadlines are FIFO: the sweep walks from the oldest (head)
// and stops at the first probe younger than the timeout, and the young-probe gate counts from the newest (tail)
// (docs/performance.md, "Design choices and their measured effect", "One sweep structure").
import type { ConnHandle } from '../net/connector.js';
import type { Target } from '../types.js';

/** No slot: the end of the list, in `head`, `tail`, `next` and `prev`. */
export const NONE = -1;

export class SlotTable {
  /** The connector's handle of each slot's probe; null when free, released, or when the connect failed at once. */
  readonly handle: (ConnHandle | null)[];
  readonly host: Float64Array;
  readonly port: Uint16Array;
  /** When the probe was launched (the scan's clock, ms). */
  readonly start: Float64Array;
  readonly target: (Target | undefined)[];
  /** Retries after a timeout so far (the timer backs off by 2^attempt). */
  readonly attempt: Uint8Array;
  /** Retries after an early unreachable so far. */
  readonly unreach: Uint8Array;
  /** The next younger slot in flight, or NONE. */
  readonly next: Int32Array;
  /** The next older slot in flight, or NONE. */
  readonly prev: Int32Array;
  /** The oldest slot in flight, or NONE. */
  head = NONE;
  /** The newest slot in flight, or NONE. */
  tail = NONE;
  /** Slots in use: the probes in flight. */
  inFlight = 0;
  private readonly free: Int32Array;
  private freeTop: number;

  constructor(readonly capacity: number) {
    const n = capacity;
    this.handle = new Array<ConnHandle | null>(n).fill(null);
    this.host = new Float64Array(n);
    this.port = new Uint16Array(n);
    this.start = new Float64Array(n);
    this.target = new Array<Target | undefined>(n).fill(undefined);
    this.attempt = new Uint8Array(n);
    this.unreach = new Uint8Array(n);
    this.next = new Int32Array(n).fill(NONE);
    this.prev = new Int32Array(n).fill(NONE);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
  }

  /**
   * Take a free slot for a probe launched at `now` and append it to the list as the newest. The caller keeps
   * `inFlight` below `capacity` (the window never exceeds it). Its handle is the caller's to set.
   */
  acquire(host: number, port: number, attempt: number, unreach: number, target: Target, now: number): number {
    const s = this.free[--this.freeTop]!;
    this.target[s] = target;
    this.host[s] = host;
    this.port[s] = port;
    this.attempt[s] = attempt;
    this.unreach[s] = unreach;
    this.start[s] = now;
    this.prev[s] = this.tail;
    this.next[s] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = s;
    else this.head = s;
    this.tail = s;
    this.inFlight++;
    return s;
  }

  /** Unlink a slot from the list and free it; its handle becomes null, so a late completion for it is ignored. */
  release(s: number): void {
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p !== NONE) this.next[p] = n;
    else this.head = n;
    if (n !== NONE) this.prev[n] = p;
    else this.tail = p;
    this.next[s] = NONE;
    this.prev[s] = NONE;
    this.handle[s] = null;
    this.target[s] = undefined;
    this.free[this.freeTop++] = s;
    this.inFlight--;
  }

  /** How many probes in flight were launched less than `ms` before `now` (counted from the newest). */
  youngerThan(now: number, ms: number): number {
    let young = 0;
    for (let s = this.tail; s !== NONE && now - this.start[s]! < ms; s = this.prev[s]!) young++;
    return young;
  }
}
