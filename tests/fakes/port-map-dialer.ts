// A Dialer for tests: the probes dial 127.0.0.1 on their real ports (445, 139, 3389) and this maps
// each port to a fake server's ephemeral port, through the real scope-enforcing NetDialer. An
// unmapped port answers "connection refused" without touching the network.
import { DialError, NetDialer, type Dialer, type DialOptions, type ScopeCheck } from '../../src/engine/net/dialer.js';
import type { Socket } from 'node:net';
import { Scope } from '../../src/engine/targets/scope.js';
import { ScopedUdp, type UdpExchange, type UdpRequest, type UdpResult } from '../../src/engine/probes/udp.js';

export const LOOPBACK = '127.0.0.1';
export const LOOPBACK_SCOPE: ScopeCheck = Scope.fromSpecs(['127.0.0.1/32']);

export class PortMapDialer implements Dialer {
  readonly #inner: NetDialer;
  readonly #map: ReadonlyMap<number, number>;
  /** Every connect attempt: the port the probe asked for. */
  readonly dialed: number[] = [];

  constructor(map: Record<number, number>, scope: ScopeCheck = LOOPBACK_SCOPE) {
    this.#inner = new NetDialer(scope);
    this.#map = new Map(Object.entries(map).map(([k, v]) => [Number(k), v]));
  }

  connect(o: DialOptions): Promise<Socket> {
    this.dialed.push(o.port);
    const to = this.#map.get(o.port);
    if (to === undefined) return Promise.reject(new DialError(`connect ${o.ip}:${o.port}: ECONNREFUSED (test map)`, 'E_REFUSED'));
    return this.#inner.connect({ ...o, port: to });
  }
}

/** UDP for tests: the real ScopedUdp with port 137 (or any) mapped to a fake's port. */
export class PortMapUdp implements UdpExchange {
  readonly #inner: ScopedUdp;
  readonly #map: ReadonlyMap<number, number>;

  constructor(map: Record<number, number>, scope: ScopeCheck = LOOPBACK_SCOPE) {
    this.#inner = new ScopedUdp(scope);
    this.#map = new Map(Object.entries(map).map(([k, v]) => [Number(k), v]));
  }

  request(r: UdpRequest): Promise<UdpResult> {
    return this.#inner.request({ ...r, port: this.#map.get(r.port) ?? r.port });
  }
}
