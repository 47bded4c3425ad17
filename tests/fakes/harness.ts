// Runs runHostChecks against in-process fakes on 127.0.0.1: SMB on the "445" and "139" fakes,
// RDP on "3389", NBNS on a UDP fake; the probes dial their real ports through PortMapDialer.
import assert from 'node:assert/strict';
import { runHostChecks, type CheckReportEntry, type HostCheckReport, type HostCheckRequest } from '../../src/engine/checks/run-host-checks.js';
import { parseReasonCode } from '../../src/engine/checks/reasons.js';
import type { ScopeCheck } from '../../src/engine/net/dialer.js';
import { LOOPBACK, LOOPBACK_SCOPE, PortMapDialer, PortMapUdp } from './port-map-dialer.js';
import { startSmbFake, type SmbFake, type SmbScript } from './smb-fake.js';
import { startTcpFake, type FakeConn, type FakeServer } from './tcp-fake.js';
import { startUdpFake, type UdpFake } from './udp-fake.js';
import { onVirtualClock } from '../../src/engine/fixtures/virtual-clock.js';

export interface HostSetup {
  readonly smb445?: SmbScript;
  readonly smb139?: SmbScript;
  readonly rdp?: (c: FakeConn) => void | Promise<void>;
  /** NBSTAT answer for each query; `closed` = no listener (ICMP port unreachable); `silent` = listener that never answers. */
  readonly nbns?: ((q: Uint8Array) => Uint8Array | undefined) | 'closed' | 'silent';
  /** Extra open/closed ports as the port scan would report them. */
  readonly openPorts?: readonly number[];
  readonly closedPorts?: readonly number[];
  readonly checks?: readonly string[];
  readonly timeoutMs?: number;
  readonly hostTimeoutMs?: number;
  readonly scope?: ScopeCheck;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

export interface HostRun {
  readonly report: HostCheckReport;
  readonly smb445?: SmbFake;
  readonly smb139?: SmbFake;
  readonly rdp?: FakeServer;
  readonly nbns?: UdpFake;
  readonly wallMs: number;
  readonly dialer: PortMapDialer;
}

export async function runAgainstFakes(setup: HostSetup): Promise<HostRun> {
  const smb445 = setup.smb445 ? await startSmbFake(setup.smb445) : undefined;
  const smb139 = setup.smb139 ? await startSmbFake(setup.smb139, { netbios: true }) : undefined;
  const rdp = setup.rdp ? await startTcpFake(setup.rdp) : undefined;
  let nbns: UdpFake | undefined;
  let udpPort: number | undefined;
  if (typeof setup.nbns === 'function') {
    nbns = await startUdpFake(setup.nbns);
    udpPort = nbns.port;
  } else if (setup.nbns === 'silent') {
    nbns = await startUdpFake(() => undefined);
    udpPort = nbns.port;
  } else if (setup.nbns === 'closed') {
    // Bind and release a port: nothing listens there afterwards, so the kernel answers ICMP port unreachable.
    const tmp = await startUdpFake(() => undefined);
    udpPort = tmp.port;
    await tmp.close();
  }
  const map: Record<number, number> = {};
  if (smb445) map[445] = smb445.port;
  if (smb139) map[139] = smb139.port;
  if (rdp) map[3389] = rdp.port;
  const scope = setup.scope ?? LOOPBACK_SCOPE;
  const dialer = new PortMapDialer(map, scope);
  const openPorts = [...new Set([...Object.keys(map).map(Number), ...(setup.openPorts ?? [])])];
  const req: HostCheckRequest = {
    ip: LOOPBACK,
    openPorts,
    closedPorts: setup.closedPorts ?? [],
    dialer,
    ...(udpPort !== undefined ? { udp: new PortMapUdp({ 137: udpPort }, scope) } : {}),
    checks: setup.checks ?? ['ransomware'],
    timeoutMs: setup.timeoutMs ?? 2000,
    ...(setup.hostTimeoutMs !== undefined ? { hostTimeoutMs: setup.hostTimeoutMs } : {}),
    ...(setup.signal ? { signal: setup.signal } : {}),
    now: setup.now ?? new Date('2026-11-25T00:00:00Z'),
    rawEvidence: true,
  };
  const t0 = performance.now();
  try {
    const report = await runHostChecks(req);
    const wallMs = performance.now() - t0;
    JSON.parse(JSON.stringify(report)); // the report must be plain JSON
    // Every code is in the engine's vocabulary (checks/reasons.ts), which the UI's dictionaries translate.
    for (const c of report.checks) assert.ok(parseReasonCode(c.reasonCode) !== undefined, `${c.check}@${c.port ?? '-'}: reason code "${c.reasonCode}" is not in checks/reasons.ts`);
    return { report, wallMs, dialer, ...(smb445 ? { smb445 } : {}), ...(smb139 ? { smb139 } : {}), ...(rdp ? { rdp } : {}), ...(nbns ? { nbns } : {}) };
  } finally {
    await Promise.all([smb445?.close(), smb139?.close(), rdp?.close(), nbns?.close()]);
  }
}

/**
 * runAgainstFakes on a virtual clock (src/engine/fixtures/virtual-clock.ts): deadlines, host timeouts and the
 * fakes' trickles run on virtual time; `virtualMs` is how much of it passed before the report was ready.
 */
export async function runOnVirtualClock(setup: HostSetup): Promise<HostRun & { virtualMs: number }> {
  const { value, virtualMs } = await onVirtualClock(() => runAgainstFakes(setup));
  return { ...value, virtualMs };
}

/** The one result of `check` (on `port` when given); fails the test when absent or ambiguous. */
export function verdict(report: HostCheckReport, check: string, port?: number): CheckReportEntry {
  const found = report.checks.filter((c) => c.check === check && (port === undefined || c.port === port));
  assert.equal(found.length, 1, `expected one ${check}${port !== undefined ? `@${port}` : ''} result, got ${JSON.stringify(report.checks.map((c) => `${c.check}@${c.port ?? '-'}`))}`);
  return found[0] as CheckReportEntry;
}

/** Asserts state and reason code, and returns the evidence for further checks. */
export function expectVerdict(report: HostCheckReport, check: string, port: number | undefined, state: string, reasonCode: string | RegExp): Record<string, unknown> {
  const v = verdict(report, check, port);
  const where = `${check}@${port ?? '-'}: ${v.state} ${v.reasonCode} — ${v.reason}`;
  assert.equal(v.state, state, where);
  if (typeof reasonCode === 'string') assert.equal(v.reasonCode, reasonCode, where);
  else assert.match(v.reasonCode, reasonCode, where);
  assert.ok(v.reason.length > 10, `${where}: a reason sentence is required`);
  assert.equal(typeof v.evidence, 'object');
  return v.evidence as Record<string, unknown>;
}

/** Nested evidence access: ev(e, 'transaction', 'status'). */
export function ev(e: unknown, ...path: string[]): unknown {
  let cur: unknown = e;
  for (const p of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}
