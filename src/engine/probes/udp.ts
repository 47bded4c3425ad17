// Scope-checked UDP request/response, for the NetBIOS name query on UDP 137. The TCP Dialer has
// no UDP yet (src/engine/net belongs to the network layer), so this is the one place probes
// touch UDP. The scope decision is taken before a socket exists (fail closed, same ScopeCheck as
// the Dialer).
//
// The socket is *connected* to the target, so the kernel delivers ICMP port-unreachable as
// ECONNREFUSED (a positive "nothing listens on 137") and drops datagrams from any other source.
// One retransmission by default (UDP loss); datagrams larger than `maxBytes` or rejected by
// `accept` (wrong transaction id) are ignored.

import dgram from 'node:dgram';
import { ScopeCache, type ScopeCheck } from '../net/dialer.js';

export interface UdpRequest {
  readonly ip: string;
  readonly port: number;
  readonly payload: Uint8Array;
  /** Whole budget, retransmissions included. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Extra sends after the first, spread evenly over the budget. Default 1. */
  readonly retries?: number;
  /** Larger datagrams are ignored. Default 8192. */
  readonly maxBytes?: number;
  /** Return false to ignore a datagram (e.g. wrong transaction id). */
  readonly accept?: (msg: Uint8Array) => boolean;
}

export type UdpResult =
  | { readonly status: 'success'; readonly data: Uint8Array; readonly rttMs: number; readonly sends: number }
  | {
      readonly status: 'connection-refused' | 'io-timeout' | 'blocked-by-scope' | 'aborted' | 'unreachable' | 'unknown-error';
      readonly error: string;
      readonly sends: number;
    };

/** What probes need from UDP (tests substitute a port-mapping wrapper). */
export interface UdpExchange {
  request(r: UdpRequest): Promise<UdpResult>;
}

export class ScopedUdp implements UdpExchange {
  readonly #scope: ScopeCache;

  constructor(scope: ScopeCheck) {
    this.#scope = scope instanceof ScopeCache ? scope : new ScopeCache(scope);
  }

  request(r: UdpRequest): Promise<UdpResult> {
    const decision = this.#scope.check(r.ip);
    if (!decision.allowed) {
      return Promise.resolve({ status: 'blocked-by-scope', error: `refused by scope: ${r.ip} (${decision.reason})`, sends: 0 });
    }
    if (r.signal?.aborted) return Promise.resolve({ status: 'aborted', error: 'aborted before sending', sends: 0 });
    const maxBytes = r.maxBytes ?? 8192;
    const retries = Math.max(0, Math.min(5, r.retries ?? 1));
    return new Promise<UdpResult>((resolve) => {
      const socket = dgram.createSocket({ type: r.ip.includes(':') ? 'udp6' : 'udp4' });
      const t0 = performance.now();
      let sends = 0;
      let settled = false;
      let ignored = 0;
      const timers: NodeJS.Timeout[] = [];
      const finish = (res: UdpResult): void => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        r.signal?.removeEventListener('abort', onAbort);
        socket.removeAllListeners('message');
        socket.on('error', () => {});
        try {
          socket.close();
        } catch {
          // already closed
        }
        resolve(res);
      };
      const onAbort = (): void => finish({ status: 'aborted', error: 'aborted by the caller', sends });
      r.signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED') finish({ status: 'connection-refused', error: 'ICMP port unreachable (nothing listens on this UDP port)', sends });
        else if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'EHOSTDOWN') finish({ status: 'unreachable', error: err.code, sends });
        else finish({ status: 'unknown-error', error: err.code ?? err.message, sends });
      });
      socket.on('message', (msg: Buffer) => {
        const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
        if (bytes.length > maxBytes || (r.accept && !r.accept(bytes))) {
          ignored += 1;
          return;
        }
        finish({ status: 'success', data: Uint8Array.from(bytes), rttMs: Math.round(performance.now() - t0), sends });
      });
      const send = (): void => {
        if (settled) return;
        sends += 1;
        socket.send(r.payload, (err) => {
          if (err) socket.emit('error', err);
        });
      };
      timers.push(
        setTimeout(
          () => finish({ status: 'io-timeout', error: `no answer within ${r.timeoutMs} ms${ignored ? ` (${ignored} datagram(s) ignored)` : ''}`, sends }),
          Math.max(1, r.timeoutMs),
        ),
      );
      socket.connect(r.port, r.ip, () => {
        send();
        for (let i = 1; i <= retries; i++) timers.push(setTimeout(send, Math.floor((r.timeoutMs * i) / (retries + 1))));
      });
    });
  }
}
