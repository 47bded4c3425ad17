// Change detection between two scan snapshots (GVM's delta report categories new/gone/changed, nmap's
// ndiff): what changed since the previous completed scan of the same network or agency.
//
// A snapshot is per host: up or not, the state (and service) of every port the scan reported, and every
// check verdict. The engine reports only open ports unless run with --all-states, so "a port that was
// open is not reported now on a host that is up" is a closing too, but an unconfirmed one
// (`confirmed: false`); only an RST (`closed`) confirms it. A host that is not up now yields `host-gone`
// and no port events — an offline host says nothing about its ports (architecture P6).

import type { CheckState, Observation } from './observation.js';

export interface PortSnapshot {
  readonly state: 'open' | 'closed' | 'filtered';
  readonly service?: string;
}

export interface HostSnapshot {
  readonly ip: string;
  readonly up: boolean;
  readonly ports: ReadonlyMap<number, PortSnapshot>;
  /** key "checkId:port" */
  readonly checks: ReadonlyMap<string, CheckState>;
}

export type Change =
  | { readonly kind: 'host-new'; readonly ip: string }
  | { readonly kind: 'host-gone'; readonly ip: string }
  | { readonly kind: 'port-opened'; readonly ip: string; readonly port: number; readonly service?: string }
  | { readonly kind: 'port-closed'; readonly ip: string; readonly port: number; readonly confirmed: boolean }
  | { readonly kind: 'service-changed'; readonly ip: string; readonly port: number; readonly from: string | null; readonly to: string | null }
  | { readonly kind: 'check-changed'; readonly ip: string; readonly port: number; readonly check: string; readonly from: CheckState | null; readonly to: CheckState };

/** Build per-host snapshots from one scan's observations (any order). */
export function buildSnapshots(observations: Iterable<Observation>): HostSnapshot[] {
  const hosts = new Map<string, { ip: string; up: boolean; ports: Map<number, PortSnapshot>; checks: Map<string, CheckState> }>();
  const get = (ip: string) => {
    let h = hosts.get(ip);
    if (h === undefined) {
      h = { ip, up: false, ports: new Map(), checks: new Map() };
      hosts.set(ip, h);
    }
    return h;
  };
  for (const o of observations) {
    const h = get(o.ip);
    if (o.type === 'host') h.up ||= o.state === 'up';
    else if (o.type === 'port') {
      if (o.state !== 'filtered') h.up = true; // SYN-ACK or RST: something answered
      h.ports.set(o.port, { state: o.state, ...(o.service !== undefined ? { service: o.service } : {}) });
    } else if (o.type === 'check') {
      h.checks.set(`${o.check}:${o.port}`, o.state);
      if (o.state !== 'unknown') h.up = true;
    }
  }
  return [...hosts.values()];
}

export function diffSnapshots(previous: Iterable<HostSnapshot>, current: Iterable<HostSnapshot>): Change[] {
  const prev = new Map([...previous].map((h) => [h.ip, h]));
  const curr = new Map([...current].map((h) => [h.ip, h]));
  const out: Change[] = [];
  for (const [ip, c] of curr) {
    const p = prev.get(ip);
    if (!c.up) continue;
    if (p === undefined || !p.up) out.push({ kind: 'host-new', ip });
    for (const [port, cp] of c.ports) {
      const pp = p?.up ? p.ports.get(port) : undefined;
      if (cp.state === 'open' && pp?.state !== 'open') out.push({ kind: 'port-opened', ip, port, ...(cp.service !== undefined ? { service: cp.service } : {}) });
      else if (cp.state === 'open' && pp?.state === 'open' && (pp.service ?? null) !== (cp.service ?? null)) {
        out.push({ kind: 'service-changed', ip, port, from: pp.service ?? null, to: cp.service ?? null });
      }
    }
    if (p?.up) {
      for (const [port, pp] of p.ports) {
        if (pp.state !== 'open') continue;
        const cp = c.ports.get(port);
        if (cp === undefined) out.push({ kind: 'port-closed', ip, port, confirmed: false });
        else if (cp.state !== 'open') out.push({ kind: 'port-closed', ip, port, confirmed: cp.state === 'closed' });
      }
    }
    for (const [key, state] of c.checks) {
      const before = p?.checks.get(key) ?? null;
      if (before === state) continue;
      const i = key.lastIndexOf(':');
      out.push({ kind: 'check-changed', ip, port: Number(key.slice(i + 1)), check: key.slice(0, i), from: before, to: state });
    }
  }
  for (const [ip, p] of prev) {
    if (p.up && !(curr.get(ip)?.up ?? false)) out.push({ kind: 'host-gone', ip });
  }
  return out;
}
