// Probes the connect scan (connect-scan.ts) owes but cannot launch yet: retries (after a timeout, an early
// unreachable, a local resource error, a self-connect), each not before its back-off, and new probes deferred
// by a per-host cap (host-caps.ts). A FIFO array with a moving head; a probe not ready yet is rotated to the
// back, so it keeps its place in line relative to newer work. Nothing here runs per probe of a scan whose hosts
// all answer at once: an entry is made only for a retry or a deferral.

/** A probe waiting to be launched. */
export interface Pending {
  readonly host: number;
  readonly port: number;
  /** Timeout retries so far. */
  readonly attempt: number;
  /** Early-unreachable retries so far. */
  readonly unreach: number;
  /** Not to be launched before this time (the scan's clock, ms). */
  readonly notBefore: number;
}

/** Compact once the consumed prefix is this long and more than half the array. */
const COMPACT_AFTER = 4096;

export class RetryQueue {
  private items: Pending[] = [];
  private head = 0;

  /** Probes waiting. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(host: number, port: number, attempt: number, unreach: number, notBefore: number): void {
    this.items.push({ host, port, attempt, unreach, notBefore });
  }

  /** The probe first in line; only while size > 0. */
  first(): Pending {
    return this.items[this.head]!;
  }

  /** Take the first probe out of the queue (it is being launched). */
  drop(): void {
    this.head++;
  }

  /** Move the first probe to the back of the line (not ready yet). */
  rotate(): void {
    this.items.push(this.items[this.head]!);
    this.head++;
  }

  /** Free the consumed prefix once it outweighs the rest. */
  compact(): void {
    if (this.head > COMPACT_AFTER && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
