// The closed vocabulary of check reason codes: every code a check (smbv1.ts, ms17-010.ts, doublepulsar.ts,
// smb-signing.ts, smb-os-eol.ts, rdp-exposed.ts, netbios-ns.ts, and the shared host-facts.ts and
// smb-common.ts) can put in CheckResult.reasonCode is either one of FIXED_REASON_CODES or one of
// REASON_PREFIXES followed by a detail (an NTSTATUS code such as `0xC0000022` as sent, MS-ERREF §2.3; a
// conversation step). CheckResult.reasonCode has the type ReasonCode, so a check that invents a code does
// not compile; readers (the web UI's dictionaries, tests/web/check-text.test.ts) enumerate these lists
// instead of copying them.

import type { ProbeFailureStatus } from '../probes/outcome.js';

/** Transport failures of a probe, used as they are when no finer code applies (probes/outcome.ts). */
const PROBE_FAILURES = [
  'connection-refused',
  'connection-timeout',
  'connection-closed',
  'io-timeout',
  'unreachable',
  'protocol-error',
  'blocked-by-scope',
  'aborted',
  'unknown-error',
] as const satisfies readonly ProbeFailureStatus[];

export const FIXED_REASON_CODES = [
  ...PROBE_FAILURES,
  // the check could not run or could not apply
  'not-applicable:no-open-port',
  'not-probed',
  'incomplete',
  'no-answer',
  // transport failures named for the step (host-facts.ts failureCode)
  'port-closed',
  'port-filtered',
  'host-unreachable',
  'timeout',
  'timeout-at-probe',
  'reset-at-probe',
  'reset-at-ping',
  // SMB reachability and SMBv1 (smbv1, host-facts.ts smb1PortState)
  'smb-not-reachable',
  'smb1-accepted',
  'smb1-lanman',
  'smb1-core',
  'smb1-disabled',
  'smb1-refused',
  'smb1-pre-nt',
  'netbios-session-refused',
  'server-busy',
  // MS17-010 (ms17-010.ts)
  'insuff-server-resources',
  'patched:invalid-handle',
  'patched:access-denied',
  'non-windows:samba',
  // DoublePulsar (doublepulsar.ts)
  'implant-answered',
  'mid-unchanged',
  'mid-mismatch',
  // SMB signing (smb-signing.ts)
  'signing-not-required',
  'signing-required',
  // Windows end of support (smb-os-eol.ts)
  'no-os-information',
  'not-windows:samba',
  'not-windows:non-windows',
  'end-of-support',
  'wannacry-era',
  'supported',
  'no-build',
  'edition-or-build-ambiguous',
  // RDP (rdp-exposed.ts)
  'rdp-answers',
  'x224-answers',
  'no-rdp-answer',
  'not-rdp',
  // NetBIOS name service (netbios-ns.ts)
  'nbns-answers',
  'udp-137-closed',
] as const;

/**
 * Codes that carry a detail: `auth-refused:0xC000006D`, `ipc-refused:0xC0000022`, `negotiate-error:0x00010002`,
 * `unexpected-status:0xC0000001` (NTSTATUS or DOS error code as sent), `reset-at-session` (the step).
 */
export const REASON_PREFIXES = ['auth-refused:', 'ipc-refused:', 'negotiate-error:', 'unexpected-status:', 'reset-at-'] as const;

export type FixedReasonCode = (typeof FIXED_REASON_CODES)[number];
export type ReasonPrefix = (typeof REASON_PREFIXES)[number];
export type ReasonCode = FixedReasonCode | `${ReasonPrefix}${string}`;

const FIXED: ReadonlySet<string> = new Set(FIXED_REASON_CODES);

/** A code split into its vocabulary entry: a fixed code, or a prefix and its detail; undefined when it is neither. */
export function parseReasonCode(code: string): { readonly code: FixedReasonCode } | { readonly prefix: ReasonPrefix; readonly detail: string } | undefined {
  if (FIXED.has(code)) return { code: code as FixedReasonCode };
  for (const prefix of REASON_PREFIXES) {
    if (code.startsWith(prefix) && code.length > prefix.length) return { prefix, detail: code.slice(prefix.length) };
  }
  return undefined;
}
