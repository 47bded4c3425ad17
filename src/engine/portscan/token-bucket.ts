// The connect scan's rate limiter (--max-rate, probes per second): a token bucket refilled from the scan's
// clock. It holds at most a twentieth of a second's tokens (and at least one), so a scan that waited cannot
// then burst a whole second's probes at a fragile network; it starts with one token so the first probe leaves at
// once. There is no minimum rate (connect-scan.ts ConnectScanOptions.maxRate says why).

export class TokenBucket {
  /** Probes that may leave now (fractional between refills). */
  tokens = 0;
  private lastRefill = 0;
  private readonly burst: number;

  constructor(readonly perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError('maxRate must be positive');
    this.burst = Math.max(1, perSecond / 20);
  }

  /** The scan starts at `now` (ms): one token, or less below one probe a second. */
  start(now: number): void {
    this.lastRefill = now;
    this.tokens = Math.min(this.perSecond, 1);
  }

  /** Add the tokens earned since the last refill, up to the burst. */
  refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.perSecond) / 1000);
    this.lastRefill = now;
  }

  hasToken(): boolean {
    return this.tokens >= 1;
  }

  take(): void {
    this.tokens -= 1;
  }

  /** Milliseconds until the next whole token (at least 1), for the timer that resumes a paced scan. */
  waitMs(): number {
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }
}
