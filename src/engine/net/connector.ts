// The port stage's socket layer: start a TCP connect, learn how it ended, close it with RST.
//
// Two implementations behind one interface:
// - `tcp_wrap`: drives libuv TCP handles directly (the same objects net.Socket wraps). Measured 1.6–1.7x
//   faster than net.Socket on the all-answering beds, with half the memory (docs/performance.md, "Design
//   choices and their measured effect").
//   It is Node-internal API, so it is only used after a capability check at start-up and a live self-test.
// - `net`: the public net.Socket API, the portable fallback. Both paths run in CI.
//
// Open ports are closed with RST (SO_LINGER 0: handle.reset() / socket.resetAndDestroy()) so the scanner
// leaves no TIME_WAIT behind (docs/performance.md, "Design choices and their measured effect"); a FIN close
// would leave one per open port.
import net from 'node:net';
import { E, SELF_CONNECT, statusFromError } from './errno.js';
import type { IpFamily } from '../types.js';

/** Called exactly once per connect that was not aborted. status: 0 = connected, else negative errno. */
export type ConnectDone = (status: number, slot: number) => void;

export interface Connector {
  readonly layer: 'tcp_wrap' | 'net';
  /**
   * Starts a connect for probe `slot`. Returns an opaque handle, or a negative errno when it failed
   * synchronously (EMFILE, a route that says unreachable, …); `done` is then not called.
   */
  open(ip: string, family: IpFamily, port: number, slot: number): ConnHandle | number;
  /** Abandons a pending connect (timeout, Ctrl-C). `done` is not called for it afterwards. */
  abort(h: ConnHandle): void;
}

export type ConnHandle = object;

// ---------------------------------------------------------------- tcp_wrap

interface TcpHandle {
  connect(req: ConnectReq, ip: string, port: number): number;
  connect6(req: ConnectReq, ip: string, port: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  reset(cb?: () => void): number;
  close(cb?: () => void): void;
}
interface ConnectReq {
  oncomplete: (this: ConnectReq, status: number, handle: TcpHandle) => void;
  // our own fields
  slot: number;
  ip: string;
  port: number;
  aborted: boolean;
  handle: TcpHandle;
  done: ConnectDone;
}
interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

function noop(): void {}

/** The libuv completion callback. `this` is the request object (node/lib/net.js afterConnect does the same). */
function afterConnect(this: ConnectReq, status: number, handle: TcpHandle): void {
  if (this.aborted) return; // abort() closed the handle; libuv reports ECANCELED, which we ignore
  if (status === 0) {
    // A loopback connect can pick a source port equal to the destination port and "connect to itself"
    // through TCP simultaneous open: a false open port. Compare local and remote.
    const local: { address?: string; port?: number } = {};
    handle.getsockname(local);
    // No close callback: with one, Node calls back into JavaScript once more per probe (HandleWrap::OnClose).
    handle.reset();
    this.done(local.port === this.port && local.address === this.ip ? SELF_CONNECT : 0, this.slot);
    return;
  }
  handle.close();
  this.done(status, this.slot);
}

function loadTcpWrap(): TcpWrapBinding | null {
  try {
    const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
    if (typeof binding !== 'function') return null;
    // process.binding is documentation-deprecated (DEP0111) but still allow-listed for tcp_wrap in Node 20-24.
    // Silence nothing: if a future Node turns it into a throw or removes it, we fall back to net.
    const b = binding.call(process, 'tcp_wrap') as Partial<TcpWrapBinding>;
    if (typeof b?.TCP !== 'function' || typeof b.TCPConnectWrap !== 'function' || typeof b.constants?.SOCKET !== 'number') return null;
    const proto = b.TCP.prototype as Partial<TcpHandle>;
    for (const m of ['connect', 'connect6', 'getsockname', 'reset', 'close'] as const) {
      if (typeof proto[m] !== 'function') return null;
    }
    return b as TcpWrapBinding;
  } catch {
    return null;
  }
}

export class TcpWrapConnector implements Connector {
  readonly layer = 'tcp_wrap' as const;
  readonly #b: TcpWrapBinding;
  readonly #done: ConnectDone;

  constructor(binding: TcpWrapBinding, done: ConnectDone) {
    this.#b = binding;
    this.#done = done;
  }

  open(ip: string, family: IpFamily, port: number, slot: number): ConnHandle | number {
    const handle = new this.#b.TCP(this.#b.constants.SOCKET);
    const req = new this.#b.TCPConnectWrap();
    req.oncomplete = afterConnect;
    req.slot = slot;
    req.ip = ip;
    req.port = port;
    req.aborted = false;
    req.handle = handle;
    req.done = this.#done;
    const r = family === 4 ? handle.connect(req, ip, port) : handle.connect6(req, ip, port);
    if (r !== 0) {
      req.aborted = true;
      handle.close();
      return r;
    }
    return req;
  }

  abort(h: ConnHandle): void {
    const req = h as ConnectReq;
    if (req.aborted) return;
    req.aborted = true;
    req.handle.close();
  }
}

// ---------------------------------------------------------------- net.Socket

interface NetAttempt {
  socket: net.Socket;
  aborted: boolean;
}

export class NetConnector implements Connector {
  readonly layer = 'net' as const;
  readonly #done: ConnectDone;

  constructor(done: ConnectDone) {
    this.#done = done;
  }

  open(ip: string, family: IpFamily, port: number, slot: number): ConnHandle | number {
    let socket: net.Socket;
    try {
      socket = net.connect({ host: ip, port, family });
    } catch (err) {
      return statusFromError(err);
    }
    const attempt: NetAttempt = { socket, aborted: false };
    const done = this.#done;
    socket.once('connect', () => {
      if (attempt.aborted) return;
      attempt.aborted = true;
      const self = socket.localPort === port && socket.localAddress === ip;
      socket.on('error', noop);
      socket.resetAndDestroy();
      done(self ? SELF_CONNECT : 0, slot);
    });
    socket.once('error', (err) => {
      socket.on('error', noop);
      if (attempt.aborted) return;
      attempt.aborted = true;
      socket.destroy();
      done(statusFromError(err), slot);
    });
    return attempt;
  }

  abort(h: ConnHandle): void {
    const a = h as NetAttempt;
    if (a.aborted) return;
    a.aborted = true;
    a.socket.removeAllListeners('connect');
    a.socket.on('error', noop);
    a.socket.destroy();
  }
}

// ---------------------------------------------------------------- choice

export type SocketLayer = 'auto' | 'tcp_wrap' | 'net';

let tcpWrapChecked: TcpWrapBinding | null | undefined;

/** Whether the internal fast path exists in this Node.js (shape check only). */
export function tcpWrapAvailable(): boolean {
  if (tcpWrapChecked === undefined) tcpWrapChecked = loadTcpWrap();
  return tcpWrapChecked !== null;
}

/**
 * A live self-test of the fast path: connect to a closed and an open port on loopback and expect exactly
 * ECONNREFUSED and success. Guards against a Node.js whose internal handles changed meaning.
 */
export async function selfTestTcpWrap(): Promise<boolean> {
  if (!tcpWrapAvailable()) return false;
  const server = net.createServer((c) => c.destroy());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const openPort = (server.address() as net.AddressInfo).port;
    const results = new Map<number, number>();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      const c = new TcpWrapConnector(tcpWrapChecked!, (status, slot) => {
        results.set(slot, status);
        if (results.size === 2) {
          clearTimeout(timer);
          resolve();
        }
      });
      // Port 1 on 127.0.0.1 may in theory be open; use the listener's own port + closed server for the refusal.
      const closed = net.createServer();
      closed.listen(0, '127.0.0.1', () => {
        const closedPort = (closed.address() as net.AddressInfo).port;
        closed.close(() => {
          const r1 = c.open('127.0.0.1', 4, openPort, 1);
          const r2 = c.open('127.0.0.1', 4, closedPort, 2);
          if (typeof r1 === 'number') results.set(1, r1);
          if (typeof r2 === 'number') results.set(2, r2);
          if (results.size === 2) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    });
    return results.get(1) === 0 && results.get(2) === E.ECONNREFUSED;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

export function createConnector(layer: 'tcp_wrap' | 'net', done: ConnectDone): Connector {
  if (layer === 'tcp_wrap') {
    if (!tcpWrapAvailable()) throw new Error('the tcp_wrap fast path is not available in this Node.js');
    return new TcpWrapConnector(tcpWrapChecked!, done);
  }
  return new NetConnector(done);
}

/** Resolves `auto` to the fastest layer that passes its self-test. */
export async function resolveSocketLayer(pref: SocketLayer): Promise<'tcp_wrap' | 'net'> {
  if (pref === 'net') return 'net';
  const ok = await selfTestTcpWrap();
  if (pref === 'tcp_wrap' && !ok) throw new Error('the tcp_wrap fast path failed its self-test in this Node.js; use --socket-layer net');
  return ok ? 'tcp_wrap' : 'net';
}
