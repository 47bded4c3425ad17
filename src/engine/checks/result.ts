// Small builders shared by the checks.

import type { ReasonCode } from './reasons.js';
import type { CheckMeta, CheckResult, CheckState, HostEvidence } from './types.js';

export function result(
  meta: CheckMeta,
  port: number | undefined,
  state: CheckState,
  reasonCode: ReasonCode,
  reason: string,
  evidence: Record<string, unknown>,
  applicable = true,
): CheckResult {
  return { check: meta.id, ...(port !== undefined ? { port } : {}), state, reasonCode, reason, applicable, evidence };
}

/** Open ports of the host among the check's ports. */
export function openPortsOf(meta: CheckMeta, e: HostEvidence): number[] {
  return meta.ports.filter((p) => e.openPorts.has(p));
}

/** The check's ports are not open: it cannot apply (docs/smb-detection.md §8.1 rule 4: "not applicable, not safe"). */
export function notApplicable(meta: CheckMeta, e: HostEvidence): CheckResult {
  const closed = meta.ports.filter((p) => e.closedPorts.has(p));
  return result(
    meta,
    undefined,
    'unknown',
    'not-applicable:no-open-port',
    `none of ${meta.udp ? 'UDP' : 'TCP'} ${meta.ports.join('/')} is open on this host according to the port scan, so the check did not run`,
    { portsOfInterest: meta.ports, closedPorts: closed, openPorts: [...e.openPorts].sort((a, b) => a - b) },
    false,
  );
}

/** Every port of the check answered RST in the port scan: the service is not reachable from the scanner. */
export function allClosed(meta: CheckMeta, e: HostEvidence): boolean {
  return meta.ports.length > 0 && meta.ports.every((p) => e.closedPorts.has(p));
}
