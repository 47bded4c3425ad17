// The only way the engine reaches the network. Every address is checked against the scan scope before a
// socket exists (fail closed: a scope that cannot answer refuses), for the port stage's fast connector and
// for the stream dialer that L7 probes (banners, SMB) use. Probes receive a Dialer; they never import node:net.
import net from 'node:net';
import { isIP } from 'node:net';
import type { Connector, ConnHandle } from './connector.js';
import { SCOPE_DENIED } from './errno.js';
import type { IpFamily } from '../types.js';

export type ScopeDecision = { allowed: true } | { allowed: false; reason: string };
export interface ScopeCheck {
  check(ip: string): ScopeDecision;
}

export class ScopeError extends Error {
  readonly code = 'E_SCOPE_DENIED';
  constructor(
    readonly ip: string,
    readonly reason: string,
  ) {
    super(`refused by scope: ${ip} (${reason})`);
    this.name = 'ScopeError';
  }
}

/**
 * Caches decisions per address: the port stage asks once per probe, and a full-port scan asks 65,535 times
 * about the same host. Bounded so a /8 sweep cannot grow it without limit.
 */
export class ScopeCache {
  readonly #scope: ScopeCheck;
  readonly #cache = new Map<string, ScopeDecision>();
  readonly #max: number;
  constructor(scope: ScopeCheck, max = 65_536) {
    this.#scope = scope;
    this.#max = max;
  }
  check(ip: string): ScopeDecision {
    let d = this.#cache.get(ip);
    if (d === undefined) {
      try {
        d = this.#scope.check(ip);
      } catch (err) {
        d = { allowed: false, reason: `scope check failed: ${(err as Error).message}` };
      }
      if (this.#cache.size >= this.#max) this.#cache.clear();
      this.#cache.set(ip, d);
    }
    return d;
  }
}

/** Wraps a port-stage connector so that an out-of-scope address is never dialed. */
export class ScopedConnector implements Connector {
  readonly layer: Connector['layer'];
  readonly #inner: Connector;
  readonly #scope: ScopeCache;
  constructor(inner: Connector, scope: ScopeCheck) {
    this.#inner = inner;
    this.layer = inner.layer;
    this.#scope = scope instanceof ScopeCache ? scope : new ScopeCache(scope);
  }
  open(ip: string, family: IpFamily, port: number, slot: number): ConnHandle | number {
    if (!this.#scope.check(ip).allowed) return SCOPE_DENIED;
    return this.#inner.open(ip, family, port, slot);
  }
  abort(h: ConnHandle): void {
    this.#inner.abort(h);
  }
}

export interface DialOptions {
  readonly ip: string;
  readonly port: number;
  /** Connect deadline; the probe sets its own read deadlines on the returned socket. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export class DialError extends Error {
  constructor(
    message: string,
    readonly code: 'E_SCOPE_DENIED' | 'E_TIMEOUT' | 'E_REFUSED' | 'E_UNREACHABLE' | 'E_ABORTED' | 'E_CONNECT',
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'DialError';
  }
}

/** Opens streams for L7 probes. */
export interface Dialer {
  connect(o: DialOptions): Promise<net.Socket>;
}

export class NetDialer implements Dialer {
  readonly #scope: ScopeCache;
  constructor(scope: ScopeCheck) {
    this.#scope = scope instanceof ScopeCache ? scope : new ScopeCache(scope);
  }

  connect(o: DialOptions): Promise<net.Socket> {
    const family = isIP(o.ip);
    if (family === 0) return Promise.reject(new DialError(`not an IP address: ${o.ip}`, 'E_CONNECT'));
    const d = this.#scope.check(o.ip);
    if (!d.allowed) return Promise.reject(new DialError(`refused by scope: ${o.ip} (${d.reason})`, 'E_SCOPE_DENIED'));
    if (o.signal?.aborted) return Promise.reject(new DialError('aborted', 'E_ABORTED'));
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: o.ip, port: o.port, family });
      let settled = false;
      const finish = (err: DialError | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', onAbort);
        if (err) {
          socket.on('error', () => {});
          socket.destroy();
          reject(err);
        } else {
          socket.removeListener('error', onError);
          resolve(socket);
        }
      };
      const onAbort = (): void => finish(new DialError('aborted', 'E_ABORTED'));
      const onError = (err: NodeJS.ErrnoException): void => {
        const code =
          err.code === 'ECONNREFUSED' ? 'E_REFUSED' : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' ? 'E_UNREACHABLE' : 'E_CONNECT';
        finish(new DialError(`connect ${o.ip}:${o.port}: ${err.code ?? err.message}`, code, err));
      };
      const timer = setTimeout(() => finish(new DialError(`connect ${o.ip}:${o.port}: timed out after ${o.timeoutMs} ms`, 'E_TIMEOUT')), o.timeoutMs);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', onError);
      socket.once('connect', () => finish(null));
    });
  }
}
