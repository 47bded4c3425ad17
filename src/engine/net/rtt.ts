// Round-trip estimation for connect probes, after TCP's retransmission timer (RFC 6298 §2: SRTT/RTTVAR with
// alpha = 1/8, beta = 1/4) and nmap's per-host timing (nmap timing.cc: timeout = srtt + 4 * rttvar, clamped).
// A sample is the time from starting a connect to seeing its answer (SYN-ACK or RST) in JavaScript, so it
// includes event-loop queueing: that is deliberate, because the timeout must cover the same path.

export class RttEstimator {
  srtt = 0;
  rttvar = 0;
  samples = 0;
  minRtt = Infinity;

  add(r: number): void {
    if (!(r >= 0)) return;
    if (r < this.minRtt) this.minRtt = r;
    if (this.samples === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
  }

  /** srtt + 4·rttvar, never below twice the smoothed RTT (a timeout under the RTT loses open ports; docs/performance.md, "Adaptive timeout"). */
  rto(): number {
    return Math.max(this.srtt + 4 * this.rttvar, 2 * this.srtt);
  }
}

export interface TimeoutPolicy {
  /** Used until the first answer arrives, and the ceiling afterwards. */
  readonly initialMs: number;
  readonly maxMs: number;
  /** Floor for the adaptive timeout. 100 ms as nmap's --min-rtt-timeout default for T4. */
  readonly minMs: number;
}

export function clampTimeout(value: number, p: TimeoutPolicy): number {
  return Math.min(p.maxMs, Math.max(p.minMs, value));
}
