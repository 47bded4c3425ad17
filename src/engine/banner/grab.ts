// Banner grab for open ports: connect again (the port stage RST-closes its own connection), wait briefly for
// the server to speak first (SSH, FTP, SMTP, POP3, IMAP greet unprompted: RFC 4253 §4.2, RFC 959, RFC 5321 §4.2),
// and, if it stays silent, send one HTTP/1.0 request as nmap's GetRequest probe does. Binary Windows services
// (RPC, NetBIOS, SMB, RDP) get no nudge: the SMB and RDP probes speak their own protocols later.
// Reads at most `maxBytes`, then closes with RST. Never writes anything else.
//
// The waits follow the path's round-trip time, not fixed delays: the connect made here measures it (and the
// port stage's RTT for the same port is a hint), a greeting is awaited for GREET_RTTS round trips and a reply
// to the nudge for REPLY_RTTS, each with a floor for the server's own latency (a process to fork, a loaded
// machine) and a cap (`idleMs`, `totalMs`). A silent port on a LAN thus costs ~0.25 s instead of 2 s.
import type { Dialer } from '../net/dialer.js';

export interface BannerOptions {
  /** Cap of the wait for an unprompted banner before nudging. */
  readonly idleMs: number;
  /** Whole budget for one port, connect included (cap of every wait). */
  readonly totalMs: number;
  readonly maxBytes: number;
  /** Floor of the RTT-driven waits (server latency). Default MIN_WAIT_MS. */
  readonly minWaitMs?: number;
  /** The port stage's RTT to this port, ms: a hint; the connect here is measured as well and the larger wins. */
  readonly rttMs?: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_BANNER_OPTIONS: BannerOptions = { idleMs: 700, totalMs: 2000, maxBytes: 2048 };

/** Round trips to wait for a greeting, and for the answer to the nudge. */
export const GREET_RTTS = 8;
export const REPLY_RTTS = 8;
/**
 * Server-side latency floor: greeting servers answer from an accept loop or a freshly forked process. The
 * lab's and bench beds' greeting services answer in 1-15 ms even on a loaded 2-core machine; 100 ms leaves room.
 */
export const MIN_WAIT_MS = 100;
/** After data: wait this many round trips (floor QUIET_MIN_MS, cap QUIET_MAX_MS) for a second segment. */
const QUIET_RTTS = 4;
const QUIET_MIN_MS = 30;
const QUIET_MAX_MS = 150;

/** The greeting wait, the nudge's reply wait and the quiet wait for a path with this RTT (ms). */
export function bannerWaits(rttMs: number, o: Pick<BannerOptions, 'idleMs' | 'totalMs' | 'minWaitMs'>): { greetMs: number; replyMs: number; quietMs: number } {
  const floor = o.minWaitMs ?? MIN_WAIT_MS;
  const clamp = (x: number, lo: number, hi: number): number => Math.max(Math.min(lo, hi), Math.min(hi, x));
  return {
    greetMs: Math.round(clamp(GREET_RTTS * rttMs, floor, o.idleMs)),
    replyMs: Math.round(clamp(REPLY_RTTS * rttMs, floor, o.totalMs)),
    quietMs: Math.round(clamp(QUIET_RTTS * rttMs, QUIET_MIN_MS, QUIET_MAX_MS)),
  };
}

/**
 * Whether the bytes read so far are a whole banner: HTTP headers up to the blank line, or a greeting line that
 * is not an SMTP/FTP continuation ("220-…"). Saves the quiet wait on nearly every banner.
 */
export function bannerComplete(bytes: Buffer, nudged: boolean): boolean {
  const s = bytes.toString('latin1');
  if (s.startsWith('HTTP/')) return s.includes('\r\n\r\n');
  if (nudged || !s.endsWith('\n')) return false;
  const lines = s.split('\n');
  const last = (lines[lines.length - 2] ?? '').replace(/\r$/, '');
  return !/^\d{3}-/.test(last);
}

export interface BannerResult {
  readonly bytes: Buffer | null;
  /** What happened: data = got bytes; closed = the server closed without a word; silent = no bytes in time. */
  readonly outcome: 'data' | 'closed' | 'silent' | 'error';
  readonly nudged: boolean;
  readonly error?: string;
}

/** Ports where an HTTP request would be noise: binary protocols handled by dedicated probes. */
const NO_NUDGE = new Set([135, 137, 138, 139, 445, 3389, 1433, 1723]);

export function httpNudge(ip: string): Buffer {
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return Buffer.from(`GET / HTTP/1.0\r\nHost: ${host}\r\nUser-Agent: Perisai\r\nAccept: */*\r\n\r\n`, 'latin1');
}

export async function grabBanner(dialer: Dialer, ip: string, port: number, o: BannerOptions = DEFAULT_BANNER_OPTIONS): Promise<BannerResult> {
  const started = performance.now();
  let socket;
  try {
    socket = await dialer.connect({ ip, port, timeoutMs: o.totalMs, ...(o.signal ? { signal: o.signal } : {}) });
  } catch (err) {
    return { bytes: null, outcome: 'error', nudged: false, error: (err as Error).message };
  }
  const s = socket;
  const connectMs = performance.now() - started;
  const waits = bannerWaits(Math.max(connectMs, o.rttMs ?? 0), o);
  return new Promise<BannerResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let nudged = false;
    let settled = false;
    let waitTimer: NodeJS.Timeout | null = null;
    let quietTimer: NodeJS.Timeout | null = null;
    const finish = (outcome: BannerResult['outcome'], error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      if (waitTimer) clearTimeout(waitTimer);
      if (quietTimer) clearTimeout(quietTimer);
      o.signal?.removeEventListener('abort', onAbort);
      s.removeAllListeners('data');
      s.on('error', () => {});
      if (!s.destroyed) s.resetAndDestroy();
      const bytes = size > 0 ? Buffer.concat(chunks, size) : null;
      const r: BannerResult = { bytes, outcome: bytes ? 'data' : outcome, nudged };
      resolve(error !== undefined && !bytes ? { ...r, error } : r);
    };
    const onAbort = (): void => finish('error', 'aborted');
    const remaining = Math.max(1, o.totalMs - (performance.now() - started));
    const totalTimer = setTimeout(() => finish('silent'), remaining);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    s.on('data', (d: Buffer) => {
      const take = Math.min(d.length, o.maxBytes - size);
      if (take > 0) {
        chunks.push(take === d.length ? d : d.subarray(0, take));
        size += take;
      }
      if (waitTimer) clearTimeout(waitTimer);
      waitTimer = null;
      if (size >= o.maxBytes) return finish('data');
      if (bannerComplete(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), nudged)) return finish('data');
      // Not whole yet (HTTP headers split, a multi-line greeting): wait a few round trips for the next segment.
      if (quietTimer) clearTimeout(quietTimer);
      quietTimer = setTimeout(() => finish('data'), waits.quietMs);
    });
    s.once('end', () => finish('closed'));
    s.once('close', () => finish('closed'));
    s.once('error', (err: NodeJS.ErrnoException) => finish('error', err.code ?? err.message));
    waitTimer = setTimeout(() => {
      waitTimer = null;
      if (size > 0 || settled) return;
      if (NO_NUDGE.has(port)) return finish('silent'); // binary services: a greeting came or it will not
      nudged = true;
      s.write(httpNudge(ip));
      waitTimer = setTimeout(() => finish('silent'), waits.replyMs);
    }, Math.min(waits.greetMs, remaining));
  });
}
