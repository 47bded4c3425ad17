// The TCP connect scanner: a sliding window of in-flight connects over a permuted target x port index space.
//
// Design (what each choice measured: docs/performance.md, "Design choices and their measured effect"):
// - Sliding window, refilled as probes complete, not lock-step batches. Default 4096, clamped to the open-file
//   limit (one fd per probe in flight); EMFILE or ENFILE shrink it and requeue the probe instead of failing
//   (RustScan panics there).
// - Adaptive timeout: RFC 6298 estimator over answered probes, clamp(max(srtt+4var, 2srtt), min, max),
//   re-evaluated when the sweep runs, so probes launched before the first answer do not keep the initial 1 s.
//   Timeouts are retried once with a doubled timeout (RFC 6298 §5.5 back-off); a RST is never retried.
// - One timeout structure per scan: every probe shares one timeout, so deadlines are FIFO. In-flight probes sit
//   in one list ordered by start time; a single 10 ms sweep walks it from the oldest and stops at the first
//   probe younger than the global timeout.
// - Event-loop guard: a probe's completion is seen only when the loop gets to it, so with window W and
//   throughput X the loop adds about W/X to every probe (Little's law) and a too-wide window turns fast answers
//   into false timeouts. The sweep measures its own lateness; a late loop shrinks the window (multiplicative
//   decrease), a punctual one grows it back.
// - Unreachable errors that arrive sooner than ARP resolution could fail (~3 s) may come from neighbour-table
//   overflow on big on-link sweeps (the kernel's gc_thresh3 fills up and live hosts read as EHOSTUNREACH):
//   retried after a back-off, and the number of distinct hosts in flight is capped, instead of calling live
//   hosts down. A route that says "unreachable" synchronously is final.
// - Self-connects on loopback are discarded: when the kernel picks source port == destination port on
//   127.0.0.1, TCP simultaneous open connects to itself and would read as a false open port. Open ports are
//   RST-closed by the connector (src/engine/net/connector.ts: no TIME_WAIT left behind).
//
// The parts, one file each beside this one: slot-table.ts (the probes in flight and their start-ordered list),
// adaptive-window.ts (window ceiling, lateness AIMD, young-probe gate), token-bucket.ts (--max-rate),
// retry-queue.ts (probes owed: retries and deferrals), host-caps.ts (--host-inflight and the distinct-host cap).
// This file launches probes, decides each completion and times probes out. The parts add no allocation and no
// closure per probe (this path is measured against nmap: docs/performance.md): they keep their state in fields
// and typed arrays, and take the time as an argument (the scan's clock, `now`), so their tests set it.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Connector, ConnectDone } from '../net/connector.js';
import { classify, E, errnoName } from '../net/errno.js';
import { RttEstimator, clampTimeout, type TimeoutPolicy } from '../net/rtt.js';
import { AdaptiveWindow, YOUNG_MS } from './adaptive-window.js';
import { HostCaps } from './host-caps.js';
import { HostTable } from './host-table.js';
import { RetryQueue } from './retry-queue.js';
import { NONE, SlotTable } from './slot-table.js';
import { TokenBucket } from './token-bucket.js';
export type { HostTally } from './host-table.js';
import type { PortReason, PortState, Target } from '../types.js';

export interface IndexedTargets {
  readonly size: number;
  at(i: number): Target;
}

export interface IndexPermutation {
  at(i: number): number;
}

export interface PortObservation {
  readonly hostIndex: number;
  readonly target: Target;
  readonly port: number;
  readonly state: PortState;
  readonly reason: PortReason;
  readonly rttMs?: number;
  /** The errno behind an unreachable/error result, for evidence. */
  readonly detail?: string;
}

export interface ScanProgress {
  readonly planned: number;
  readonly done: number;
  readonly inFlight: number;
  readonly window: number;
  readonly open: number;
  readonly timeoutMs: number;
  readonly elapsedMs: number;
}

export interface ConnectScanOptions {
  readonly targets: IndexedTargets;
  readonly ports: readonly number[];
  /** Builds the connector (already scope-enforcing) that reports completions to `done`. */
  readonly connector: (done: ConnectDone) => Connector;
  /** Permutation of [0, targets.size * ports.length). Identity when absent (tests). */
  readonly order?: IndexPermutation;
  /**
   * Only this slice [start, end) of the permuted index space: a task of a larger scan job (the job is the index
   * space plus a seed: the permutation is reproducible from it), so workers can split a job and a crashed
   * task can resume.
   */
  readonly indexRange?: { readonly start: number; readonly end: number };
  /** Maximum probes in flight. Default 4096, clamped to the fd limit. */
  readonly window?: number;
  readonly timeout?: Partial<TimeoutPolicy>;
  /** Retries after a timeout (default 1). */
  readonly retries?: number;
  /**
   * Probes per second, for politeness on production networks. There is no minimum rate: a rate floor above
   * what the path can carry only loses answers; the window paces the scan.
   */
  readonly maxRate?: number;
  /** Maximum probes in flight to one host (fragile devices). */
  readonly hostInflight?: number;
  /** File descriptors available to the process (default: read from /proc/self/limits). */
  readonly fdLimit?: number;
  readonly signal?: AbortSignal;
  /**
   * The clock that times probes, the rate bucket and the sweep's lateness, in milliseconds (default
   * performance.now). Tests pass one that follows node:test's mock timers, so durations are virtual.
   */
  readonly now?: () => number;
  /** Decided ports; called synchronously in the hot path. */
  readonly onPort: (o: PortObservation) => void;
  /** Which decided ports reach onPort: 'all' (default) or only 'open' ones (saves an object per probe). */
  readonly report?: 'all' | 'open';
  readonly onProgress?: (p: ScanProgress) => void;
  readonly progressIntervalMs?: number;
  /**
   * Streams the overlapping L7 stages hold open (banners, checks: net/inflight.ts). Probes are launched only
   * while probes + these stay under the window, so the stages share one in-flight budget.
   */
  readonly shared?: SharedWindow;
}

/** The part of net/inflight.ts's InflightGauge the port stage uses. */
export interface SharedWindow {
  readonly used: number;
  markBlocked(): void;
  setWaker(fn: (() => void) | null): void;
}

export interface ConnectScanResult {
  readonly planned: number;
  readonly probesSent: number;
  readonly retries: number;
  readonly open: number;
  readonly closed: number;
  readonly filtered: number;
  readonly refusedByScope: number;
  readonly selfConnects: number;
  readonly interrupted: boolean;
  readonly durationMs: number;
  /** Hosts that answered (SYN-ACK or RST). */
  readonly hosts: HostTable;
  readonly windowMax: number;
  readonly windowFinal: number;
  readonly timeoutMs: number;
  readonly socketLayer: Connector['layer'];
  /** Local resource events (EMFILE, ENOBUFS …) that shrank the window; never facts about targets. */
  readonly localErrors: ReadonlyMap<string, number>;
}

const SWEEP_MS = 10;
/** ARP gives up after about 3 s (mcast_solicit 3 x retrans_time 1 s); an unreachable sooner than that is suspect. */
const EARLY_UNREACH_MS = 2500;
const UNREACH_RETRIES = 2;
const UNREACH_BACKOFF_MS = 250;

export function readFdLimit(): number {
  try {
    // Node has no getrlimit(); /proc is authoritative on Linux.
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (m) return m[1] === 'unlimited' ? 1 << 20 : Number(m[1]);
  } catch {
    // not Linux: fall through to the conservative default
  }
  return 1024;
}

const monotonicNow = (): number => performance.now();

export function connectScan(opts: ConnectScanOptions): Promise<ConnectScanResult> {
  return new Promise((resolve, reject) => {
    try {
      new ConnectScan(opts, resolve).start();
    } catch (err) {
      reject(err);
    }
  });
}

/**
 * One scan. It composes the parts named in the header: the probes in flight (SlotTable), the window
 * (AdaptiveWindow), the rate limit (TokenBucket), the probes owed (RetryQueue) and the per-host limits
 * (HostCaps); what is left here is launching, deciding each completion and timing probes out.
 */
class ConnectScan {
  readonly o: ConnectScanOptions;
  readonly resolve: (r: ConnectScanResult) => void;
  readonly connector: Connector;
  readonly nHosts: number;
  readonly nPorts: number;
  readonly planned: number;
  readonly policy: TimeoutPolicy;
  readonly retries: number;

  readonly slots: SlotTable;
  readonly win: AdaptiveWindow;
  /** --max-rate; null when the scan is not paced. */
  readonly rate: TokenBucket | null;
  readonly pending = new RetryQueue();
  readonly hostCaps: HostCaps;

  cursor = 0; // next permutation index
  /** One past the last index of this scan (the whole space, or the task's slice). */
  readonly end: number;
  /** The Target of each host, made once (targets.at() builds an object and an address string per call). */
  readonly targetCache: (Target | undefined)[] | null;

  readonly global = new RttEstimator();
  readonly hosts = new HostTable();

  probesSent = 0;
  retriesSent = 0;
  done = 0;
  open = 0;
  closed = 0;
  filtered = 0;
  refusedByScope = 0;
  selfConnects = 0;
  readonly localErrors = new Map<string, number>();

  readonly now: () => number;
  readonly t0: number;
  sweepTimer: NodeJS.Timeout | null = null;
  progressTimer: NodeJS.Timeout | null = null;
  rateTimer: NodeJS.Timeout | null = null;
  stopped = false;
  finished = false;
  filling = false;

  constructor(o: ConnectScanOptions, resolve: (r: ConnectScanResult) => void) {
    this.o = o;
    this.resolve = resolve;
    this.now = o.now ?? monotonicNow;
    this.t0 = this.now();
    this.nHosts = o.targets.size;
    this.nPorts = o.ports.length;
    const space = this.nHosts * this.nPorts;
    if (!Number.isSafeInteger(space)) throw new RangeError('scan too large to index');
    const r = o.indexRange ?? { start: 0, end: space };
    if (!(Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end <= space)) {
      throw new RangeError(`index range [${r.start}, ${r.end}) is outside the scan's index space [0, ${space})`);
    }
    this.cursor = r.start;
    this.end = r.end;
    this.planned = r.end - r.start;
    const initial = o.timeout?.initialMs ?? 1000;
    this.policy = {
      initialMs: initial,
      maxMs: Math.max(o.timeout?.maxMs ?? initial, initial),
      minMs: Math.min(o.timeout?.minMs ?? 100, initial),
    };
    this.retries = Math.max(0, Math.min(10, o.retries ?? 1));
    this.hostCaps = new HostCaps(this.nHosts, o.hostInflight);
    this.targetCache = this.nHosts <= 65_536 ? new Array<Target | undefined>(this.nHosts) : null;
    this.win = new AdaptiveWindow(o.window, o.fdLimit ?? readFdLimit(), this.planned);
    // the window only ever shrinks below its first ceiling, so one slot per probe of that ceiling suffices
    this.slots = new SlotTable(this.win.windowMax);
    this.connector = o.connector((status, slot) => this.onDone(status, slot));
    this.rate = o.maxRate === undefined ? null : new TokenBucket(o.maxRate);
  }

  start(): void {
    if (this.o.signal?.aborted) {
      this.stopped = true;
      this.finish();
      return;
    }
    this.o.signal?.addEventListener('abort', this.onAbort, { once: true });
    const now = this.now();
    this.win.start(now);
    this.rate?.start(now);
    this.o.shared?.setWaker(() => {
      this.fill();
      this.maybeFinish();
    });
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    if (this.o.onProgress) {
      this.progressTimer = setInterval(() => this.o.onProgress?.(this.progress()), this.o.progressIntervalMs ?? 200);
      this.progressTimer.unref();
    }
    this.fill();
    this.maybeFinish();
  }

  readonly onAbort = (): void => {
    this.stopped = true;
    const sl = this.slots;
    for (let s = sl.head; s !== NONE; ) {
      const nx = sl.next[s]!;
      const h = sl.handle[s];
      if (h) this.connector.abort(h);
      this.release(s);
      s = nx;
    }
    this.maybeFinish();
  };

  progress(): ScanProgress {
    return {
      planned: this.planned,
      done: this.done,
      inFlight: this.slots.inFlight,
      window: this.win.window,
      open: this.open,
      timeoutMs: this.globalTimeout(),
      elapsedMs: this.now() - this.t0,
    };
  }

  globalTimeout(): number {
    const g = this.global;
    if (g.samples === 0) return this.policy.initialMs;
    return clampTimeout(Math.max(g.rto(), 3 * this.win.lagEwma), this.policy);
  }

  slotTimeout(s: number, tGlobal: number): number {
    let t = tGlobal;
    const hostRto = this.hosts.rto(this.slots.host[s]!);
    if (hostRto >= 0) t = Math.max(t, clampTimeout(hostRto, this.policy));
    // RFC 6298 §5.5: back off the timer for a retransmission.
    const a = this.slots.attempt[s]!;
    if (a > 0) t = Math.min(this.policy.maxMs * 2, t * 2 ** a);
    return t;
  }

  // ------------------------------------------------------------ launching

  fill(): void {
    if (this.filling || this.stopped) return;
    this.filling = true;
    try {
      const now = this.now();
      this.rate?.refill(now);
      // 1. due retries and probes deferred by the per-host cap (bounded scan so a long queue cannot stall us)
      const q = this.pending;
      let budget = Math.min(q.size, 256);
      while (budget-- > 0 && this.hasRoom() && this.hasToken()) {
        const p = q.first();
        if (p.notBefore > now || !this.hostCaps.hasRoom(p.host)) {
          // rotate to the back; it keeps its place in line relative to newer work
          q.rotate();
          continue;
        }
        q.drop();
        this.launch(p.host, p.port, p.attempt, p.unreach);
      }
      q.compact();
      // 2. new work from the permutation
      const pendingMax = Math.max(1024, this.win.windowMax * 2);
      while (this.cursor < this.end && this.hasRoom() && this.hasToken() && q.size < pendingMax) {
        const x = this.o.order ? this.o.order.at(this.cursor) : this.cursor;
        this.cursor++;
        // host-major interleaving: consecutive x values are different hosts
        const host = x % this.nHosts;
        const port = this.o.ports[Math.floor(x / this.nHosts)]!;
        if (!this.hostCaps.hasRoom(host)) {
          q.push(host, port, 0, 0, 0);
          continue;
        }
        this.launch(host, port, 0, 0);
      }
      const rate = this.rate;
      if (rate !== null && !rate.hasToken() && this.rateTimer === null && this.hasWork()) {
        this.rateTimer = setTimeout(() => {
          this.rateTimer = null;
          this.fill();
        }, rate.waitMs());
      }
    } finally {
      this.filling = false;
    }
  }

  /** Below the window, and below windowMax counting the L7 stages' streams too. */
  hasRoom(): boolean {
    const inFlight = this.slots.inFlight;
    if (inFlight >= this.win.window) return false;
    const s = this.o.shared;
    if (s !== undefined && inFlight + s.used >= this.win.windowMax) {
      s.markBlocked();
      return false;
    }
    return true;
  }

  hasToken(): boolean {
    return this.rate === null || this.rate.hasToken();
  }

  hasWork(): boolean {
    return this.cursor < this.end || this.pending.size > 0;
  }

  launch(host: number, port: number, attempt: number, unreach: number): void {
    const cache = this.targetCache;
    let t = cache ? cache[host] : undefined;
    if (t === undefined) {
      t = this.o.targets.at(host);
      if (cache) cache[host] = t;
    }
    // in the list before opening: a synchronous failure releases through the same path
    const slot = this.slots.acquire(host, port, attempt, unreach, t, this.now());
    this.probesSent++;
    if (attempt > 0 || unreach > 0) this.retriesSent++;
    this.rate?.take();
    this.hostCaps.inc(host);
    const r = this.connector.open(t.ip, t.family, port, slot);
    if (typeof r === 'number') {
      this.slots.handle[slot] = null;
      this.complete(slot, r, true);
    } else {
      this.slots.handle[slot] = r;
    }
  }

  release(s: number): void {
    const host = this.slots.host[s]!;
    this.slots.release(s);
    this.hostCaps.dec(host);
  }

  // ------------------------------------------------------------ completion

  onDone(status: number, slot: number): void {
    if (this.slots.handle[slot] === null) return; // already released (aborted or swept)
    this.complete(slot, status, false);
    this.fill();
    this.maybeFinish();
  }

  complete(s: number, status: number, sync: boolean): void {
    const sl = this.slots;
    const host = sl.host[s]!;
    const port = sl.port[s]!;
    const attempt = sl.attempt[s]!;
    const unreach = sl.unreach[s]!;
    const rtt = this.now() - sl.start[s]!;
    const target = sl.target[s]!;
    this.release(s);
    switch (classify(status)) {
      case 'open':
        this.sample(host, rtt, 'syn-ack');
        this.record(host, target, port, 'open', 'syn-ack', rtt);
        return;
      case 'closed':
        this.sample(host, rtt, 'conn-refused');
        this.record(host, target, port, 'closed', 'conn-refused', rtt);
        return;
      case 'unreachable': {
        const reason: PortReason = status === E.ENETUNREACH ? 'net-unreach' : 'host-unreach';
        // Synchronous = the routing table said no: a fact, not a transient. Asynchronous and early = maybe
        // neighbour-table overflow (see the header): retry later, with fewer distinct hosts in flight.
        if (!sync && rtt < EARLY_UNREACH_MS && unreach < UNREACH_RETRIES) {
          this.hostCaps.earlyUnreachable();
          this.requeue(host, port, attempt, unreach + 1, UNREACH_BACKOFF_MS * (unreach + 1));
          return;
        }
        this.record(host, target, port, 'filtered', reason, undefined, errnoName(status));
        return;
      }
      case 'local-resource':
        this.countLocal(status);
        if (status === E.EMFILE || status === E.ENFILE) this.win.outOfDescriptors(sl.inFlight);
        else this.win.localPressure();
        this.requeue(host, port, attempt, unreach, 50);
        return;
      case 'local-policy':
        this.record(host, target, port, 'filtered', 'admin-prohibited', undefined, errnoName(status));
        return;
      case 'scope':
        this.refusedByScope++;
        this.record(host, target, port, 'filtered', 'scope-refused');
        return;
      case 'self':
        // not a fact about the target; count it and probe again (the kernel picks another source port)
        this.selfConnects++;
        this.requeue(host, port, attempt, unreach, 0);
        return;
      default:
        this.countLocal(status);
        this.record(host, target, port, 'filtered', 'error', undefined, errnoName(status));
    }
  }

  countLocal(status: number): void {
    const k = errnoName(status);
    this.localErrors.set(k, (this.localErrors.get(k) ?? 0) + 1);
  }

  requeue(host: number, port: number, attempt: number, unreach: number, delayMs: number): void {
    if (this.stopped) return;
    this.pending.push(host, port, attempt, unreach, this.now() + delayMs);
  }

  sample(host: number, rtt: number, reason: 'syn-ack' | 'conn-refused'): void {
    this.global.add(rtt);
    this.hosts.add(host, rtt, reason === 'syn-ack');
  }

  record(host: number, target: Target, port: number, state: PortState, reason: PortReason, rttMs?: number, detail?: string): void {
    this.done++;
    if (state === 'open') this.open++;
    else {
      if (state === 'closed') this.closed++;
      else this.filtered++;
      if (this.o.report === 'open') return;
    }
    const o: PortObservation =
      rttMs === undefined
        ? detail === undefined
          ? { hostIndex: host, target, port, state, reason }
          : { hostIndex: host, target, port, state, reason, detail }
        : { hostIndex: host, target, port, state, reason, rttMs: Math.round(rttMs * 1000) / 1000 };
    this.o.onPort(o);
  }

  // ------------------------------------------------------------ timeouts and window control

  sweep(): void {
    const now = this.now();
    // how late this timer fired = how long the loop was busy elsewhere (Little's-law queueing, see the header)
    this.win.swept(now, SWEEP_MS);
    const tGlobal = this.globalTimeout();
    const sl = this.slots;
    let expired = 0;
    for (let s = sl.head; s !== NONE; ) {
      const nx = sl.next[s]!;
      const age = now - sl.start[s]!;
      if (age < tGlobal) break; // every later probe is younger, and no probe's timeout is below tGlobal
      if (age >= this.slotTimeout(s, tGlobal)) {
        this.expire(s);
        expired++;
      }
      s = nx;
    }
    // the young-probe gate counts the probes started in the last YOUNG_MS (the tail of the start-ordered list)
    this.win.adjust(now, tGlobal, sl.inFlight, sl.youngerThan(now, YOUNG_MS));
    if (expired > 0 || this.pending.size > 0) this.fill();
    this.maybeFinish();
  }

  expire(s: number): void {
    const sl = this.slots;
    const h = sl.handle[s];
    if (h) this.connector.abort(h);
    const host = sl.host[s]!;
    const port = sl.port[s]!;
    const attempt = sl.attempt[s]!;
    const unreach = sl.unreach[s]!;
    const target = sl.target[s]!;
    this.release(s);
    if (attempt < this.retries) {
      this.requeue(host, port, attempt + 1, unreach, 0);
      return;
    }
    this.record(host, target, port, 'filtered', 'no-response');
  }

  maybeFinish(): void {
    if (this.finished) return;
    if (this.slots.inFlight > 0) return;
    if (!this.stopped && this.hasWork()) {
      // only delayed retries left: the sweep timer will pick them up
      return;
    }
    this.finish();
  }

  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.progressTimer) clearInterval(this.progressTimer);
    if (this.rateTimer) clearTimeout(this.rateTimer);
    this.o.signal?.removeEventListener('abort', this.onAbort);
    this.o.shared?.setWaker(null);
    this.o.onProgress?.(this.progress());
    this.resolve({
      planned: this.planned,
      probesSent: this.probesSent,
      retries: this.retriesSent,
      open: this.open,
      closed: this.closed,
      filtered: this.filtered,
      refusedByScope: this.refusedByScope,
      selfConnects: this.selfConnects,
      interrupted: this.stopped && this.done < this.planned,
      durationMs: this.now() - this.t0,
      hosts: this.hosts,
      windowMax: this.win.windowMax,
      windowFinal: this.win.window,
      timeoutMs: Math.round(this.globalTimeout()),
      socketLayer: this.connector.layer,
      localErrors: this.localErrors,
    });
  }
}
