// fast-check generators for the output writers' property tests: results with hostile strings
// (quotes, markup, control bytes, U+2028, lone surrogates, formula triggers), IPv4 and IPv6.

import fc from 'fast-check';
import type { HostResult, PortResult, ScanSummary } from '../types.js';

const SPECIAL = ['"', "'", '<', '>', '&', ',', '\r', '\n', '\t', '\x00', '\x1b', '\x7f', '\x85', '\u2028', '\u202e', '\ufffd', '\ufffe', '\ud800', '\udc00', '=', '+', '-', '@', '\\', ']]>', '\u{1F600}'];

/** Any UTF-16 string, biased towards characters that break formats. */
export const arbText = fc
  .array(fc.oneof(fc.constantFrom(...SPECIAL), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.string({ maxLength: 4 })), { maxLength: 24 })
  .map((parts) => parts.join(''));

/** fc.record builds null-prototype objects; results from the engine are plain objects. */
function plain<T extends object>(o: T): T {
  return { ...o };
}

export const arbIp = fc.oneof(fc.ipV4(), fc.ipV6());
const arbMs = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
const arbCount = fc.oneof(fc.nat(70_000), fc.constant(2 ** 32), fc.constant(Number.MAX_SAFE_INTEGER));

export const arbPort: fc.Arbitrary<PortResult> = fc.record(
  {
    type: fc.constant('port' as const),
    ip: arbIp,
    hostname: arbText,
    port: fc.integer({ min: 0, max: 65535 }),
    proto: fc.constant('tcp' as const),
    state: fc.constantFrom('open' as const, 'closed' as const, 'filtered' as const),
    reason: fc.constantFrom('syn-ack' as const, 'conn-refused' as const, 'no-response' as const, 'host-unreach' as const, 'net-unreach' as const,
      'admin-prohibited' as const, 'port-unreach' as const, 'scope-refused' as const),
    rttMs: arbMs,
    service: arbText,
    banner: arbText,
  },
  { requiredKeys: ['type', 'ip', 'port', 'proto', 'state', 'reason'] },
).map(plain);

export const arbHost: fc.Arbitrary<HostResult> = fc.record(
  {
    type: fc.constant('host' as const),
    ip: arbIp,
    hostname: arbText,
    state: fc.constantFrom('up' as const, 'down' as const),
    reason: fc.constantFrom('syn-ack' as const, 'conn-refused' as const, 'no-response' as const, 'host-unreach' as const, 'net-unreach' as const),
    open: arbCount,
    closed: arbCount,
    filtered: arbCount,
    srttMs: arbMs,
  },
  { requiredKeys: ['type', 'ip', 'state', 'reason', 'open', 'closed', 'filtered'] },
).map(plain);

export const arbSummary: fc.Arbitrary<ScanSummary> = fc.record({
  type: fc.constant('summary' as const),
  startedAt: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
  endedAt: fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((d) => d.toISOString()),
  durationMs: arbMs,
  hosts: arbCount,
  hostsUp: arbCount,
  ports: arbCount,
  probesPlanned: arbCount,
  probesSent: arbCount,
  retries: arbCount,
  open: arbCount,
  closed: arbCount,
  filtered: arbCount,
  refusedByScope: arbCount,
  interrupted: fc.boolean(),
  engine: fc.record({
    socketLayer: fc.constantFrom('tcp_wrap' as const, 'net' as const),
    windowMax: arbCount,
    windowFinal: arbCount,
    timeoutMs: arbMs,
  }).map(plain),
}).map(plain);
