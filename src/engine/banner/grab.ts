// Banner grab for open ports: connect again (the port stage RST-closes its own connection), wait briefly for
// the server to speak first (SSH, FTP, SMTP, POP3, IMAP greet unprompted: RFC 4253 §4.2, RFC 959, RFC 5321 §4.2),
// and, if it stays silent, send one HTTP/1.0 request as nmap's GetRequest probe does. Binary Windows services
// (RPC, NetBIOS, SMB, RDP) get no nudge: the SMB and RDP probes speak their own protocols later.
// Reads at most `maxBytes`, then closes with RST. Never writes anything else.
import type { Dialer } from '../net/dialer.js';

export interface BannerOptions {
  /** Wait for an unprompted banner this long before nudging. */
  readonly idleMs: number;
  /** Whole budget for one port, connect included. */
  readonly totalMs: number;
  readonly maxBytes: number;
  readonly signal?: AbortSignal;
}

export const DEFAULT_BANNER_OPTIONS: BannerOptions = { idleMs: 700, totalMs: 2000, maxBytes: 2048 };

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
  const started = Date.now();
  let socket;
  try {
    socket = await dialer.connect({ ip, port, timeoutMs: o.totalMs, ...(o.signal ? { signal: o.signal } : {}) });
  } catch (err) {
    return { bytes: null, outcome: 'error', nudged: false, error: (err as Error).message };
  }
  const s = socket;
  return new Promise<BannerResult>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let nudged = false;
    let settled = false;
    let idleTimer: NodeJS.Timeout | null = null;
    let quietTimer: NodeJS.Timeout | null = null;
    const finish = (outcome: BannerResult['outcome'], error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(totalTimer);
      if (idleTimer) clearTimeout(idleTimer);
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
    const remaining = Math.max(1, o.totalMs - (Date.now() - started));
    const totalTimer = setTimeout(() => finish('silent'), remaining);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    s.on('data', (d: Buffer) => {
      const take = Math.min(d.length, o.maxBytes - size);
      if (take > 0) {
        chunks.push(take === d.length ? d : d.subarray(0, take));
        size += take;
      }
      if (size >= o.maxBytes) return finish('data');
      // Most banners arrive in one segment; wait a moment for a second one (HTTP headers may be split).
      if (quietTimer) clearTimeout(quietTimer);
      quietTimer = setTimeout(() => finish('data'), 150);
    });
    s.once('end', () => finish('closed'));
    s.once('close', () => finish('closed'));
    s.once('error', (err: NodeJS.ErrnoException) => finish('error', err.code ?? err.message));
    idleTimer = setTimeout(() => {
      if (size > 0 || settled) return;
      if (NO_NUDGE.has(port)) return; // keep waiting for an unprompted banner until the total budget
      nudged = true;
      s.write(httpNudge(ip));
    }, Math.min(o.idleMs, remaining));
  });
}
