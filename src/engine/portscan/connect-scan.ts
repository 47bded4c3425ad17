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
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Connector, ConnHandle, ConnectDone } from '../net/connector.js';
import { classify, E, errnoName } from '../net/errno.js';
import { RttEstimator, clampTimeout, type TimeoutPolicy } from '../net/rtt.js';
import { HostTable } from './host-table.js';
import { HostInflight } from './host-inflight.js';
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

const NONE = -1;
const SWEEP_MS = 10;
/** ARP gives up after about 3 s (mcast_solicit 3 x retrans_time 1 s); an unreachable sooner than that is suspect. */
const EARLY_UNREACH_MS = 2500;
const UNREACH_RETRIES = 2;
const UNREACH_BACKOFF_MS = 250;
const MIN_WINDOW = 32;
/**
 * Probes younger than YOUNG_MS are "being answered"; at most YOUNG_CAP of them may be in flight. Probes that
 * stay unanswered longer (silent space, long paths) stop counting against that cap, so the window opens up to
 * windowMax where timeouts dominate and stays small where everything answers at once. Measured here
 * (bed A, loopback): window 256-512 is 15 % faster than 4096, because a big window only queues work in the
 * kernel and the event loop; bed C (silent space) needs 4096 (docs/performance.md, "Design choices and their
 * measured effect").
 */
const YOUNG_MS = 10;
const YOUNG_CAP = 512;

interface Pending {
  host: number;
  port: number;
  attempt: number;
  unreach: number;
  notBefore: number;
}

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

class ConnectScan {
  readonly o: ConnectScanOptions;
  readonly resolve: (r: ConnectScanResult) => void;
  readonly connector: Connector;
  readonly nHosts: number;
  readonly nPorts: number;
  readonly planned: number;
  readonly policy: TimeoutPolicy;
  readonly retries: number;
  readonly hostCap: number;
  windowMax: number;
  window: number;
  /** Ceiling from event-loop lateness (AIMD); the young-probe gate works below it. */
  lagCap: number;

  // slots: parallel arrays indexed by slot number, plus an intrusive doubly linked list in start order
  readonly handle: (ConnHandle | null)[];
  readonly sHost: Float64Array;
  readonly sPort: Uint16Array;
  readonly sStart: Float64Array;
  readonly sTarget: (Target | undefined)[];
  readonly sAttempt: Uint8Array;
  readonly sUnreach: Uint8Array;
  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly free: Int32Array;
  freeTop = 0;
  head = NONE;
  tail = NONE;
  inFlight = 0;

  cursor = 0; // next permutation index
  /** One past the last index of this scan (the whole space, or the task's slice). */
  readonly end: number;
  pending: Pending[] = [];
  pendingHead = 0;
  readonly hostInflight: HostInflight;
  /** The Target of each host, made once (targets.at() builds an object and an address string per call). */
  readonly targetCache: (Target | undefined)[] | null;
  distinctHostCap = Infinity;

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
  lagEwma = 0;
  lastSweep = 0;
  lastAdjust = 0;
  sweepTimer: NodeJS.Timeout | null = null;
  progressTimer: NodeJS.Timeout | null = null;
  rateTimer: NodeJS.Timeout | null = null;
  tokens = 0;
  lastRefill = 0;
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
    this.hostCap = o.hostInflight && o.hostInflight > 0 ? o.hostInflight : Infinity;
    this.hostInflight = new HostInflight(this.nHosts);
    this.targetCache = this.nHosts <= 65_536 ? new Array<Target | undefined>(this.nHosts) : null;
    const fdLimit = o.fdLimit ?? readFdLimit();
    // Keep fds for stdio, the output file, the banner pool and libuv's own (a reserve of at least 64).
    const fdCap = Math.max(MIN_WINDOW, fdLimit - Math.max(64, Math.floor(fdLimit * 0.05)) - 256);
    this.windowMax = Math.max(1, Math.min(o.window ?? 4096, fdCap, Math.max(1, this.planned)));
    this.lagCap = this.windowMax;
    this.window = Math.min(this.windowMax, YOUNG_CAP);
    const n = this.windowMax;
    this.handle = new Array<ConnHandle | null>(n).fill(null);
    this.sHost = new Float64Array(n);
    this.sPort = new Uint16Array(n);
    this.sStart = new Float64Array(n);
    this.sTarget = new Array<Target | undefined>(n).fill(undefined);
    this.sAttempt = new Uint8Array(n);
    this.sUnreach = new Uint8Array(n);
    this.next = new Int32Array(n).fill(NONE);
    this.prev = new Int32Array(n).fill(NONE);
    this.free = new Int32Array(n);
    for (let i = 0; i < n; i++) this.free[i] = n - 1 - i;
    this.freeTop = n;
    this.connector = o.connector((status, slot) => this.onDone(status, slot));
    if (o.maxRate !== undefined && !(o.maxRate > 0)) throw new RangeError('maxRate must be positive');
  }

  start(): void {
    if (this.o.signal?.aborted) {
      this.stopped = true;
      this.finish();
      return;
    }
    this.o.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.lastSweep = this.now();
    this.lastRefill = this.lastSweep;
    this.tokens = this.o.maxRate ? Math.min(this.o.maxRate, 1) : 0;
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
    for (let s = this.head; s !== NONE; ) {
      const nx = this.next[s]!;
      const h = this.handle[s];
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
      inFlight: this.inFlight,
      window: this.window,
      open: this.open,
      timeoutMs: this.globalTimeout(),
      elapsedMs: this.now() - this.t0,
    };
  }

  globalTimeout(): number {
    const g = this.global;
    if (g.samples === 0) return this.policy.initialMs;
    return clampTimeout(Math.max(g.rto(), 3 * this.lagEwma), this.policy);
  }

  slotTimeout(s: number, tGlobal: number): number {
    let t = tGlobal;
    const hostRto = this.hosts.rto(this.sHost[s]!);
    if (hostRto >= 0) t = Math.max(t, clampTimeout(hostRto, this.policy));
    // RFC 6298 §5.5: back off the timer for a retransmission.
    const a = this.sAttempt[s]!;
    if (a > 0) t = Math.min(this.policy.maxMs * 2, t * 2 ** a);
    return t;
  }

  // ------------------------------------------------------------ launching

  fill(): void {
    if (this.filling || this.stopped) return;
    this.filling = true;
    try {
      const now = this.now();
      if (this.o.maxRate) {
        this.tokens = Math.min(Math.max(1, this.o.maxRate / 20), this.tokens + ((now - this.lastRefill) * this.o.maxRate) / 1000);
        this.lastRefill = now;
      }
      // 1. due retries and probes deferred by the per-host cap (bounded scan so a long queue cannot stall us)
      let budget = Math.min(this.pending.length - this.pendingHead, 256);
      while (budget-- > 0 && this.hasRoom() && this.hasToken()) {
        const p = this.pending[this.pendingHead]!;
        if (p.notBefore > now || !this.hostHasRoom(p.host)) {
          // rotate to the back; it keeps its place in line relative to newer work
          this.pending.push(p);
          this.pendingHead++;
          continue;
        }
        this.pendingHead++;
        this.launch(p.host, p.port, p.attempt, p.unreach);
      }
      this.compactPending();
      // 2. new work from the permutation
      const pendingMax = Math.max(1024, this.windowMax * 2);
      while (this.cursor < this.end && this.hasRoom() && this.hasToken() && this.pending.length - this.pendingHead < pendingMax) {
        const x = this.o.order ? this.o.order.at(this.cursor) : this.cursor;
        this.cursor++;
        // host-major interleaving: consecutive x values are different hosts
        const host = x % this.nHosts;
        const port = this.o.ports[Math.floor(x / this.nHosts)]!;
        if (!this.hostHasRoom(host)) {
          this.pending.push({ host, port, attempt: 0, unreach: 0, notBefore: 0 });
          continue;
        }
        this.launch(host, port, 0, 0);
      }
      if (this.o.maxRate && !this.hasToken() && this.rateTimer === null && this.hasWork()) {
        const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.o.maxRate));
        this.rateTimer = setTimeout(() => {
          this.rateTimer = null;
          this.fill();
        }, wait);
      }
    } finally {
      this.filling = false;
    }
  }

  /** Below the window, and below windowMax counting the L7 stages' streams too. */
  hasRoom(): boolean {
    if (this.inFlight >= this.window) return false;
    const s = this.o.shared;
    if (s !== undefined && this.inFlight + s.used >= this.windowMax) {
      s.markBlocked();
      return false;
    }
    return true;
  }

  hasToken(): boolean {
    return !this.o.maxRate || this.tokens >= 1;
  }

  hasWork(): boolean {
    return this.cursor < this.end || this.pending.length > this.pendingHead;
  }

  hostHasRoom(host: number): boolean {
    const n = this.hostInflight.get(host);
    if (n === 0) return this.hostInflight.distinct < this.distinctHostCap;
    return n < this.hostCap;
  }

  compactPending(): void {
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.pendingHead);
      this.pendingHead = 0;
    }
  }

  launch(host: number, port: number, attempt: number, unreach: number): void {
    const cache = this.targetCache;
    let t = cache ? cache[host] : undefined;
    if (t === undefined) {
      t = this.o.targets.at(host);
      if (cache) cache[host] = t;
    }
    const slot = this.free[--this.freeTop]!;
    this.sTarget[slot] = t;
    this.sHost[slot] = host;
    this.sPort[slot] = port;
    this.sAttempt[slot] = attempt;
    this.sUnreach[slot] = unreach;
    this.sStart[slot] = this.now();
    this.probesSent++;
    if (attempt > 0 || unreach > 0) this.retriesSent++;
    if (this.o.maxRate) this.tokens -= 1;
    // link before opening: a synchronous failure releases through the same path
    this.link(slot);
    this.hostInflight.inc(host);
    const r = this.connector.open(t.ip, t.family, port, slot);
    if (typeof r === 'number') {
      this.handle[slot] = null;
      this.complete(slot, r, true);
    } else {
      this.handle[slot] = r;
    }
  }

  link(s: number): void {
    this.prev[s] = this.tail;
    this.next[s] = NONE;
    if (this.tail !== NONE) this.next[this.tail] = s;
    else this.head = s;
    this.tail = s;
    this.inFlight++;
  }

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
    this.sTarget[s] = undefined;
    this.free[this.freeTop++] = s;
    this.inFlight--;
    const host = this.sHost[s]!;
    this.hostInflight.dec(host);
  }

  // ------------------------------------------------------------ completion

  onDone(status: number, slot: number): void {
    if (this.handle[slot] === null) return; // already released (aborted or swept)
    this.complete(slot, status, false);
    this.fill();
    this.maybeFinish();
  }

  complete(s: number, status: number, sync: boolean): void {
    const host = this.sHost[s]!;
    const port = this.sPort[s]!;
    const attempt = this.sAttempt[s]!;
    const unreach = this.sUnreach[s]!;
    const rtt = this.now() - this.sStart[s]!;
    const target = this.sTarget[s]!;
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
          this.distinctHostCap = Math.max(256, Math.min(this.distinctHostCap, Math.floor(this.hostInflight.distinct / 2) || 256));
          this.requeue(host, port, attempt, unreach + 1, UNREACH_BACKOFF_MS * (unreach + 1));
          return;
        }
        this.record(host, target, port, 'filtered', reason, undefined, errnoName(status));
        return;
      }
      case 'local-resource':
        this.countLocal(status);
        if (status === E.EMFILE || status === E.ENFILE) {
          // the process ran out of descriptors: the window is too big for this machine, permanently
          this.windowMax = Math.max(MIN_WINDOW, Math.min(this.windowMax, this.inFlight - 16));
          this.lagCap = Math.min(this.lagCap, this.windowMax);
        } else {
          this.lagCap = Math.max(MIN_WINDOW, Math.floor(this.lagCap * 0.7));
        }
        this.window = Math.min(this.window, this.lagCap);
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
    this.pending.push({ host, port, attempt, unreach, notBefore: this.now() + delayMs });
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
    const lag = Math.max(0, now - this.lastSweep - SWEEP_MS);
    this.lastSweep = now;
    this.lagEwma = 0.8 * this.lagEwma + 0.2 * lag;
    const tGlobal = this.globalTimeout();
    let expired = 0;
    for (let s = this.head; s !== NONE; ) {
      const nx = this.next[s]!;
      const age = now - this.sStart[s]!;
      if (age < tGlobal) break; // every later probe is younger, and no probe's timeout is below tGlobal
      if (age >= this.slotTimeout(s, tGlobal)) {
        this.expire(s);
        expired++;
      }
      s = nx;
    }
    this.adjustWindow(now, tGlobal);
    if (expired > 0 || this.pending.length > this.pendingHead) this.fill();
    this.maybeFinish();
  }

  expire(s: number): void {
    const h = this.handle[s];
    if (h) this.connector.abort(h);
    const host = this.sHost[s]!;
    const port = this.sPort[s]!;
    const attempt = this.sAttempt[s]!;
    const unreach = this.sUnreach[s]!;
    const target = this.sTarget[s]!;
    this.release(s);
    if (attempt < this.retries) {
      this.requeue(host, port, attempt + 1, unreach, 0);
      return;
    }
    this.record(host, target, port, 'filtered', 'no-response');
  }

  adjustWindow(now: number, tGlobal: number): void {
    if (now - this.lastAdjust >= 100) {
      this.lastAdjust = now;
      // AIMD on loop lateness: a loop late by a quarter of the timeout is about to create false timeouts.
      if (this.lagEwma > Math.min(50, tGlobal / 4)) {
        this.lagCap = Math.max(MIN_WINDOW, Math.floor(this.lagCap * 0.7));
      } else if (this.lagEwma < 10 && this.lagCap < this.windowMax) {
        this.lagCap = Math.min(this.windowMax, this.lagCap + Math.max(16, this.lagCap >> 3));
      }
    }
    // Young-probe gate: count the probes started in the last YOUNG_MS (the tail of the start-ordered list).
    let young = 0;
    for (let s = this.tail; s !== NONE && now - this.sStart[s]! < YOUNG_MS; s = this.prev[s]!) young++;
    this.window = Math.max(1, Math.min(this.lagCap, this.inFlight - young + YOUNG_CAP));
  }

  maybeFinish(): void {
    if (this.finished) return;
    if (this.inFlight > 0) return;
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
      windowMax: this.windowMax,
      windowFinal: this.window,
      timeoutMs: Math.round(this.globalTimeout()),
      socketLayer: this.connector.layer,
      localErrors: this.localErrors,
    });
  }
}
