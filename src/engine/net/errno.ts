// Linux errno values as libuv reports them (negative), and what each one means for a TCP connect probe.
// libuv returns route failures (EHOSTUNREACH/ENETUNREACH from the routing table) synchronously from
// uv_tcp_connect, and everything the network says (RST, ICMP, ARP failure) asynchronously; see
// libuv src/unix/tcp.c uv__tcp_connect. Values: Linux asm-generic/errno.h.

export const E = {
  EPERM: -1,
  EACCES: -13,
  ENFILE: -23,
  EMFILE: -24,
  EADDRINUSE: -98,
  EADDRNOTAVAIL: -99,
  ENETUNREACH: -101,
  ECONNABORTED: -103,
  ECONNRESET: -104,
  ENOBUFS: -105,
  ETIMEDOUT: -110,
  ECONNREFUSED: -111,
  EHOSTDOWN: -112,
  EHOSTUNREACH: -113,
  ECANCELED: -125,
} as const;

/** Not an errno: the dialer refused the address because it is outside the scan scope. */
export const SCOPE_DENIED = -100_001;
/** Not an errno: the connect succeeded but the socket is connected to itself (loopback simultaneous open). */
export const SELF_CONNECT = -100_002;

/** How the scanner must treat a connect status. */
export type StatusClass =
  | 'open'
  | 'closed'
  | 'unreachable' // ICMP/ARP says no: filtered, but maybe retried when it came suspiciously early
  | 'local-resource' // our own limits (fds, buffers, ephemeral ports): never a fact about the target; requeue
  | 'local-policy' // our own firewall refused to send: filtered with reason admin-prohibited
  | 'scope'
  | 'self'
  | 'error';

export function classify(status: number): StatusClass {
  switch (status) {
    case 0:
      return 'open';
    case E.ECONNREFUSED:
    case E.ECONNRESET:
      return 'closed';
    case E.EHOSTUNREACH:
    case E.ENETUNREACH:
    case E.EHOSTDOWN:
      return 'unreachable';
    case E.EMFILE:
    case E.ENFILE:
    case E.ENOBUFS:
    case E.EADDRNOTAVAIL:
    case E.EADDRINUSE:
      return 'local-resource';
    case E.EPERM:
    case E.EACCES:
      return 'local-policy';
    case SCOPE_DENIED:
      return 'scope';
    case SELF_CONNECT:
      return 'self';
    default:
      return 'error';
  }
}

const NAMES = new Map<number, string>(Object.entries(E).map(([k, v]) => [v, k]));
NAMES.set(SCOPE_DENIED, 'SCOPE_DENIED');
NAMES.set(SELF_CONNECT, 'SELF_CONNECT');

export function errnoName(status: number): string {
  return NAMES.get(status) ?? `errno ${-status}`;
}

/** Maps a Node.js error (err.code / err.errno) to a libuv-style negative status. */
export function statusFromError(err: unknown): number {
  const e = err as { errno?: unknown; code?: unknown };
  if (typeof e?.errno === 'number' && e.errno < 0) return e.errno;
  if (typeof e?.code === 'string') {
    const v = (E as Record<string, number>)[e.code];
    if (v !== undefined) return v;
  }
  return -1_000_000;
}
