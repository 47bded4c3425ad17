// The per-host limits of the connect scan (connect-scan.ts) over the probes in flight per host
// (host-inflight.ts): --host-inflight (fragile devices: at most N probes to one host at a time), and the cap
// on distinct hosts in flight that an early unreachable lowers. On big on-link sweeps the kernel's
// neighbour table (gc_thresh3) can fill up and live hosts then read as EHOSTUNREACH sooner than ARP could give
// up (~3 s); halving the hosts in flight, never below 256, lets the retries through (connect-scan.ts header).
import { HostInflight } from './host-inflight.js';

/** Distinct hosts in flight never drop below this after early unreachables. */
const DISTINCT_FLOOR = 256;

export class HostCaps extends HostInflight {
  /** Probes in flight to one host at most (Infinity: no --host-inflight). */
  readonly perHost: number;
  /** Distinct hosts in flight at most (Infinity until an early unreachable). */
  distinctCap = Infinity;

  constructor(nHosts: number, perHost: number | undefined) {
    super(nHosts);
    this.perHost = perHost && perHost > 0 ? perHost : Infinity;
  }

  /** May one more probe to `host` be in flight? */
  hasRoom(host: number): boolean {
    const n = this.get(host);
    if (n === 0) return this.distinct < this.distinctCap;
    return n < this.perHost;
  }

  /** An unreachable came too early to be ARP's verdict: halve the distinct hosts in flight (not below 256). */
  earlyUnreachable(): void {
    this.distinctCap = Math.max(DISTINCT_FLOOR, Math.min(this.distinctCap, Math.floor(this.distinct / 2) || DISTINCT_FLOOR));
  }
}
