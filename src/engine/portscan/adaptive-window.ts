// How many probes the connect scan keeps in flight (connect-scan.ts, header: "Sliding window", "Event-loop
// guard"). Three limits, the smallest wins:
// - windowMax: the requested window (default 4096), clamped to the open-file limit (one fd per probe); an
//   EMFILE or ENFILE lowers it for good.
// - lagCap: AIMD on the event loop's lateness, which the sweep measures on its own timer. A loop late by a
//   quarter of the timeout is about to turn fast answers into false timeouts (Little's law: with window W and
//   throughput X the loop adds about W/X to every probe), so the cap drops by 30 %; a punctual loop grows it
//   back. Other local resource errors (ENOBUFS, no free source port) cut it the same way.
// - the young-probe gate: probes younger than YOUNG_MS are "being answered" and at most YOUNG_CAP of them may be
//   in flight; older ones (silent space, long paths) stop counting, so the window opens up to windowMax where
//   timeouts dominate and stays small where everything answers at once. Measured here (bed A, loopback): window
//   256–512 is 15 % faster than 4096, because a big window only queues work in the kernel and the event loop;
//   bed C (silent space) needs 4096 (docs/performance.md, "Design choices and their measured effect").

export const MIN_WINDOW = 32;
export const YOUNG_MS = 10;
export const YOUNG_CAP = 512;
const DEFAULT_WINDOW = 4096;

export class AdaptiveWindow {
  /** The ceiling: the requested window within the fd limit; only an EMFILE/ENFILE lowers it. */
  windowMax: number;
  /** Ceiling from event-loop lateness (AIMD); the young-probe gate works below it. */
  lagCap: number;
  /** Probes that may be in flight now. */
  window: number;
  /** Exponentially weighted lateness of the sweep timer (ms). */
  lagEwma = 0;
  private lastSweep = 0;
  private lastAdjust = 0;

  /**
   * `requested`: --window (default 4096); `fdLimit`: descriptors available to the process; `planned`: probes in
   * the scan (a window wider than the scan is never used).
   */
  constructor(requested: number | undefined, fdLimit: number, planned: number) {
    // Keep fds for stdio, the output file, the banner pool and libuv's own (a reserve of at least 64).
    const fdCap = Math.max(MIN_WINDOW, fdLimit - Math.max(64, Math.floor(fdLimit * 0.05)) - 256);
    this.windowMax = Math.max(1, Math.min(requested ?? DEFAULT_WINDOW, fdCap, Math.max(1, planned)));
    this.lagCap = this.windowMax;
    this.window = Math.min(this.windowMax, YOUNG_CAP);
  }

  /** The sweep timer starts at `now`. */
  start(now: number): void {
    this.lastSweep = now;
  }

  /** The sweep timer (period `periodMs`) fired at `now`: how late it fired is how long the loop was busy elsewhere. */
  swept(now: number, periodMs: number): void {
    const lag = Math.max(0, now - this.lastSweep - periodMs);
    this.lastSweep = now;
    this.lagEwma = 0.8 * this.lagEwma + 0.2 * lag;
  }

  /**
   * After a sweep: at most every 100 ms move lagCap (AIMD on lateness against the current timeout `timeoutMs`),
   * then set the window from the probes in flight, `young` of which are younger than YOUNG_MS.
   */
  adjust(now: number, timeoutMs: number, inFlight: number, young: number): void {
    if (now - this.lastAdjust >= 100) {
      this.lastAdjust = now;
      if (this.lagEwma > Math.min(50, timeoutMs / 4)) {
        this.lagCap = Math.max(MIN_WINDOW, Math.floor(this.lagCap * 0.7));
      } else if (this.lagEwma < 10 && this.lagCap < this.windowMax) {
        this.lagCap = Math.min(this.windowMax, this.lagCap + Math.max(16, this.lagCap >> 3));
      }
    }
    this.window = Math.max(1, Math.min(this.lagCap, inFlight - young + YOUNG_CAP));
  }

  /** The process ran out of descriptors with `inFlight` probes open: the window is too big for this machine, permanently. */
  outOfDescriptors(inFlight: number): void {
    this.windowMax = Math.max(MIN_WINDOW, Math.min(this.windowMax, inFlight - 16));
    this.lagCap = Math.min(this.lagCap, this.windowMax);
    this.window = Math.min(this.window, this.lagCap);
  }

  /** Another local resource ran short (ENOBUFS, EADDRNOTAVAIL, EADDRINUSE): back off as for a late loop. */
  localPressure(): void {
    this.lagCap = Math.max(MIN_WINDOW, Math.floor(this.lagCap * 0.7));
    this.window = Math.min(this.window, this.lagCap);
  }
}
