// Shared reading of the SMB1 conversation for the smbv1, ms17-010 and doublepulsar checks:
// where it stopped and why (docs/smb-detection.md §5.4 reason codes), and the evidence object.

import type { ProbeOutcome } from '../probes/outcome.js';
import type { Smb1ChainData } from '../probes/smb1-chain.js';
import { dataOf, failureCode, smb1PortState } from './host-facts.js';
import type { ReasonCode } from './reasons.js';
import type { HostEvidence } from './types.js';

export interface Why {
  readonly reasonCode: ReasonCode;
  readonly reason: string;
}

/** The last step that got an answer. */
export function stepReached(d: Smb1ChainData | undefined): string {
  if (!d) return 'none';
  if (d.ping) return 'ping';
  if (d.peek) return 'peek';
  if (d.tree) return 'tree';
  if (d.session) return 'session';
  if (d.negotiate) return 'negotiate';
  if (d.netbios?.calledName) return 'netbios-session';
  return 'connect';
}

/**
 * Why the conversation did not produce the answer a check needs (the PeekNamedPipe or the ping
 * reply). Codes: port-closed, port-filtered, smb1-disabled, smb1-refused, auth-refused:<status>,
 * server-busy, ipc-refused:<status>, reset-at-probe, timeout, protocol-error, … (§5.4).
 */
export function chainStop(e: HostEvidence, port: number, o: ProbeOutcome<Smb1ChainData>): Why {
  const d = dataOf(o);
  if (o.status !== 'success') {
    if (o.step === 'negotiate' && o.status === 'connection-closed') {
      const s = smb1PortState(e, port);
      return { reasonCode: 'smb1-refused', reason: s.reason };
    }
    return { reasonCode: failureCode(o.status, o.step), reason: `the conversation failed at ${o.step}: ${o.status} (${o.error})` };
  }
  switch (d?.stoppedAt) {
    case 'netbios-session': {
      const names = d.netbios?.attempts.map((a) => `${a.name}: ${a.result}${a.reason ? ` (${a.reason})` : ''}`).join(', ') ?? '';
      return { reasonCode: 'netbios-session-refused', reason: `the NetBIOS session request was refused for every name tried (${names})` };
    }
    case 'negotiate': {
      const n = d.negotiate;
      if (n?.kind === 'no-common-dialect') {
        return { reasonCode: 'smb1-disabled', reason: 'SMBv1 is disabled (the server refused NT LM 0.12 with DialectIndex 0xFFFF), so the SMB1-only check cannot run' };
      }
      if (n?.kind === 'smb2-answer') {
        return { reasonCode: 'smb1-disabled', reason: 'the server answered the SMB1 NEGOTIATE in SMB2, so the SMB1-only check cannot run' };
      }
      if (n?.kind === 'lanman' || n?.kind === 'core') {
        return { reasonCode: 'smb1-pre-nt', reason: `the server chose a pre-NT SMB1 dialect (${n.kind}); the check needs NT LM 0.12` };
      }
      return { reasonCode: `negotiate-error:${n?.status?.code ?? '?'}`, reason: `the SMB1 NEGOTIATE was answered with an error (${n?.status?.code ?? '?'})` };
    }
    case 'session': {
      const st = d.session?.status;
      if (st?.ntCode === 0xc00000d0) return { reasonCode: 'server-busy', reason: 'the server refused the session: too many connections (STATUS_REQUEST_NOT_ACCEPTED); retry later' };
      return {
        reasonCode: `auth-refused:${st?.code ?? '?'}`,
        reason: `the anonymous (null) session was refused with ${st?.code ?? '?'}${st?.name ? ` ${st.name}` : ''}`,
      };
    }
    case 'tree': {
      const st = d.tree?.status;
      return {
        reasonCode: `ipc-refused:${st?.code ?? '?'}`,
        reason: `the tree connect to IPC$ was refused with ${st?.code ?? '?'}${st?.name ? ` ${st.name}` : ''}`,
      };
    }
    default:
      return { reasonCode: 'incomplete', reason: 'the SMB1 conversation stopped before this step' };
  }
}

/** Evidence for SMB1-based verdicts: the step reached, codes and strings of every answered step. */
export function smb1Evidence(o: ProbeOutcome<Smb1ChainData> | undefined): Record<string, unknown> {
  const d = dataOf(o);
  if (!o || !d) return {};
  const ev: Record<string, unknown> = { port: d.port, transport: d.transport, stepReached: stepReached(d) };
  if (d.netbios) ev.netbios = d.netbios;
  const n = d.negotiate;
  if (n) {
    ev.negotiate = {
      kind: n.kind,
      ...(n.dialect ? { dialect: n.dialect } : {}),
      ...(n.dialectIndex !== undefined ? { dialectIndex: `0x${n.dialectIndex.toString(16).padStart(4, '0').toUpperCase()}` } : {}),
      ...(n.smb2Dialect ? { smb2Dialect: n.smb2Dialect } : {}),
      ...(n.status ? { status: n.status.code } : {}),
      ...(n.securityMode !== undefined ? { securityMode: `0x${n.securityMode.toString(16).padStart(2, '0')}`, signing: n.signing } : {}),
      ...(n.capabilitiesHex ? { capabilities: n.capabilitiesHex, capUnix: n.capUnix } : {}),
      ...(n.domainName !== undefined ? { domainName: n.domainName } : {}),
      ...(n.serverName !== undefined ? { serverName: n.serverName } : {}),
      ...(n.kind !== 'nt-lm-0.12' ? { responseHex: n.responseHex } : {}),
    };
  }
  const s = d.session;
  if (s) {
    ev.session = {
      status: s.status.code,
      ...(s.status.name ? { statusName: s.status.name } : {}),
      ...(s.nativeOs !== undefined ? { nativeOs: s.nativeOs } : {}),
      ...(s.nativeLanMan !== undefined ? { nativeLanMan: s.nativeLanMan } : {}),
      ...(s.primaryDomain !== undefined ? { primaryDomain: s.primaryDomain } : {}),
      ...(s.guest !== undefined ? { guest: s.guest } : {}),
    };
  }
  const t = d.tree;
  if (t) ev.tree = { path: t.path, status: t.status.code, ...(t.status.name ? { statusName: t.status.name } : {}), ...(t.ok ? { tid: t.tid } : {}) };
  if (o.status !== 'success') ev.failure = { status: o.status, step: o.step, error: o.error };
  return ev;
}
