// Shared test data for the output writers' tests: a small scan shaped like the lab's
// (lab/README.md), plus a hostile host whose banner and name try to break every format.

import type { HostResult, PortResult, ScanSummary } from '../types.js';
import type { OutputFormat, ResultSink, ScanMeta, SinkOptions } from './sink.js';
import { createSink } from './index.js';

export const T0 = Date.UTC(2026, 10, 25, 7, 28, 34);

export const META: ScanMeta = {
  args: ['perisai', 'scan', '-p', '1-1024,3389', '--note', "it's a test", '198.18.0.0/24'],
  startedAt: new Date(T0),
  ports: [...Array.from({ length: 1024 }, (_, i) => i + 1), 3389],
  scanner: 'perisai',
  version: '0.1.0',
  scanType: 'connect',
};

export const HOSTILE_BANNER = "=cmd|' /C calc'!A0\r\n220 \"hi\" <b>&amp; \x1b[31m\x00\x07 \ufffd \u2028 \u202e end\ud800";

const linux: PortResult[] = [
  { type: 'port', ip: '198.18.0.20', hostname: 'tn-linux.testnet.internal', port: 80, proto: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 0.22, service: 'http',
    banner: 'HTTP/1.1 200 OK\\x0D\\x0AServer: nginx/1.22.1\\x0D\\x0AContent-Type: text/html' },
  { type: 'port', ip: '198.18.0.20', hostname: 'tn-linux.testnet.internal', port: 22, proto: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 0.18, service: 'ssh',
    banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3' },
  { type: 'port', ip: '198.18.0.20', hostname: 'tn-linux.testnet.internal', port: 25, proto: 'tcp', state: 'closed', reason: 'conn-refused', rttMs: 0.1 },
];

const filtered: PortResult[] = [
  { type: 'port', ip: '198.18.0.30', port: 25, proto: 'tcp', state: 'closed', reason: 'conn-refused', rttMs: 30.4 },
  { type: 'port', ip: '198.18.0.30', port: 110, proto: 'tcp', state: 'closed', reason: 'conn-refused', rttMs: 30.8 },
  { type: 'port', ip: '198.18.0.30', port: 21, proto: 'tcp', state: 'filtered', reason: 'admin-prohibited', rttMs: 30.2 },
  { type: 'port', ip: '198.18.0.30', port: 80, proto: 'tcp', state: 'filtered', reason: 'no-response' },
  { type: 'port', ip: '198.18.0.30', port: 3389, proto: 'tcp', state: 'filtered', reason: 'no-response' },
];

const v6: PortResult[] = [
  { type: 'port', ip: '2001:db8::10', port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 0.5, service: 'microsoft-ds',
    banner: '\\x00\\x00\\x00U\\xFFSMBr' },
];

const hostile: PortResult[] = [
  { type: 'port', ip: '198.18.1.7', hostname: "evil\"<host>&'\n", port: 21, proto: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 1.5, service: '@ftp',
    banner: HOSTILE_BANNER },
];

export const HOSTS: readonly (readonly [HostResult, readonly PortResult[]])[] = [
  [{ type: 'host', ip: '198.18.0.20', hostname: 'tn-linux.testnet.internal', state: 'up', reason: 'syn-ack', open: 2, closed: 1023, filtered: 0, srttMs: 0.2 }, linux],
  [{ type: 'host', ip: '198.18.0.30', state: 'up', reason: 'conn-refused', open: 0, closed: 2, filtered: 1023, srttMs: 30.5 }, filtered],
  [{ type: 'host', ip: '2001:db8::10', state: 'up', reason: 'syn-ack', open: 1, closed: 1024, filtered: 0 }, v6],
  [{ type: 'host', ip: '198.18.1.7', hostname: "evil\"<host>&'\n", state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 1024, srttMs: 1.5 }, hostile],
];

export const SUMMARY: ScanSummary = {
  type: 'summary',
  startedAt: new Date(T0).toISOString(),
  endedAt: new Date(T0 + 12_345).toISOString(),
  durationMs: 12_345,
  hosts: 256,
  hostsUp: 4,
  ports: 1025,
  probesPlanned: 262_400,
  probesSent: 264_000,
  retries: 1600,
  open: 4,
  closed: 2049,
  filtered: 2047,
  refusedByScope: 0,
  interrupted: false,
  engine: { socketLayer: 'tcp_wrap', windowMax: 4096, windowFinal: 2048, timeoutMs: 1000 },
};

/** Collects everything a sink writes. */
export function collector(): { out: { write(s: string): void }; text: () => string; chunks: string[] } {
  const chunks: string[] = [];
  return { out: { write: (s: string) => void chunks.push(s) }, text: () => chunks.join(''), chunks };
}

/** Runs a whole scan through a sink the way the runner does: ports interleaved, then each host. */
export function drive(sink: ResultSink, hosts = HOSTS, meta = META, summary = SUMMARY): void {
  sink.begin(meta);
  // interleave: one port of each host in turn
  const longest = hosts.reduce((n, [, ports]) => Math.max(n, ports.length), 0);
  for (let i = 0; i < longest; i++) {
    for (const [, ports] of hosts) {
      const p = ports[i];
      if (p !== undefined) sink.port(p);
    }
  }
  for (const [h, ports] of hosts) sink.host(h, ports);
  sink.end(summary);
}

export function render(format: OutputFormat, opts: Partial<SinkOptions> = {}, hosts = HOSTS, meta = META, summary = SUMMARY): string {
  const c = collector();
  drive(createSink(format, c.out, { allStates: false, clock: () => T0 + 12_000, ...opts }), hosts, meta, summary);
  return c.text();
}
