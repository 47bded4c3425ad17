// Fallback probe for hosts whose SMB2 NEGOTIATE was closed or reset without an answer
// (docs/smb-detection.md §3.6, §4.2):
//
//   NEGOTIATE (SMB1 header) offering "NT LM 0.12", "SMB 2.002", "SMB 2.???", extended security
//     → an SMB2 answer: the server does speak SMB2 after all (recorded as such);
//     → an SMB1 NT LM 0.12 answer: the server has no SMB2 at all (an SMB2-capable server MUST
//       answer SMB2 to "SMB 2.002", MS-SMB2 3.3.5.3.1), so the SMB2 list is exactly empty;
//   SESSION_SETUP_ANDX extended security (WordCount 12) with SPNEGO + NTLMSSP NEGOTIATE
//     → the NTLMSSP CHALLENGE (version, names) and NativeOS/NativeLanMan. Never the second leg.
//
// One connection, two round trips. Used for SMB1-only hosts (XP/2003, the lab's DoublePulsar
// imposter), where it is the only source of the NTLM version and DNS names.

import type { Dialer } from '../net/dialer.js';
import { hex32 } from '../protocols/bytes/hex.js';
import { encodeNtlmNegotiate } from '../protocols/ntlmssp/negotiate.js';
import { isSmb1Success, Smb1Command, Smb1Flags2 } from '../protocols/smb1/header.js';
import { chosenDialect, Smb1Capabilities, smb1SigningState, type SigningState } from '../protocols/smb1/negotiate.js';
import { ntStatusName } from '../protocols/smb1/ntstatus.js';
import { decodeSmb1SessionSetupResponse, encodeSmb1SessionSetupRequest } from '../protocols/smb1/session-setup.js';
import { decodeNegotiateAnswer, encodeMultiProtocolNegotiateRequest, MULTI_PROTOCOL_DIALECTS } from '../protocols/smb2/multi-protocol.js';
import { formatSmb2Dialect } from '../protocols/smb2/negotiate.js';
import { encodeNegTokenInit } from '../protocols/spnego/spnego.js';
import { ntlmInfoFromBlob, type NtlmInfo } from './ntlm-info.js';
import { evidenceHex, ProbeError, runProbe, toProbeError, type ProbeOutcome } from './outcome.js';
import { openSmbFor, transportForPort, type NetbiosSessionFacts, type SmbTransport } from './smb-transport.js';

const FLAGS2 = Smb1Flags2.UNICODE | Smb1Flags2.NT_STATUS | Smb1Flags2.EXTENDED_SECURITY | Smb1Flags2.LONG_NAMES;

export interface MultiProtocolAnswer {
  readonly protocol: 'smb1' | 'smb2';
  /** SMB1: the decoded response kind; SMB2: `success` or `error`. */
  readonly kind: string;
  /** SMB1: the dialect string chosen from our list. */
  readonly dialect?: string;
  /** SMB2: `2.0.2` or `2.???`. */
  readonly smb2Dialect?: string;
  readonly extendedSecurity?: boolean;
  readonly securityMode?: number;
  readonly signing?: SigningState;
  readonly capabilitiesHex?: string;
  readonly responseHex: string;
}

export interface Smb1NtlmData {
  readonly port: number;
  readonly transport: SmbTransport;
  netbios?: NetbiosSessionFacts;
  answer?: MultiProtocolAnswer;
  session?: {
    readonly status: string;
    readonly statusName?: string;
    readonly nativeOs?: string;
    readonly nativeLanMan?: string;
    readonly primaryDomain?: string;
    readonly ntlm?: NtlmInfo;
    readonly note?: string;
    readonly responseHex: string;
  };
  stoppedAt?: 'netbios-session' | 'negotiate';
}

export interface Smb1NtlmOptions {
  readonly dialer: Dialer;
  readonly ip: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly calledNames?: (tried: readonly string[]) => Promise<readonly string[]> | readonly string[];
}

function step<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toProbeError(err, name);
  }
}

export function runSmb1Ntlm(o: Smb1NtlmOptions): Promise<ProbeOutcome<Smb1NtlmData>> {
  const data: Smb1NtlmData = { port: o.port, transport: transportForPort(o.port) };
  const deadline = Date.now() + o.timeoutMs;
  return runProbe(data, async (d) => {
    const smb = await openSmbFor(o, deadline, d);
    if (!smb) {
      d.stoppedAt = 'netbios-session';
      return;
    }
    try {
      const reply = await smb.exchange(encodeMultiProtocolNegotiateRequest({ flags2: FLAGS2, mid: 0 }), 'negotiate');
      const a = step('negotiate', () => decodeNegotiateAnswer(reply));
      if (a.protocol === 'smb2') {
        const r = a.response;
        d.answer = {
          protocol: 'smb2',
          kind: r.kind,
          responseHex: evidenceHex(reply),
          ...(r.kind === 'success' ? { smb2Dialect: formatSmb2Dialect(r.dialectRevision) } : {}),
        };
        d.stoppedAt = 'negotiate';
        return;
      }
      const n = a.response;
      if (n.header.command !== Smb1Command.NEGOTIATE || n.header.mid !== 0) {
        throw new ProbeError('protocol-error', 'negotiate reply with the wrong command or MID', 'negotiate');
      }
      if (n.kind !== 'nt-lm-0.12') {
        const dialect = 'dialectIndex' in n ? chosenDialect(MULTI_PROTOCOL_DIALECTS, n.dialectIndex) : undefined;
        d.answer = { protocol: 'smb1', kind: n.kind, responseHex: evidenceHex(reply), ...(dialect !== undefined ? { dialect } : {}) };
        d.stoppedAt = 'negotiate';
        return;
      }
      const dialect = chosenDialect(MULTI_PROTOCOL_DIALECTS, n.dialectIndex);
      const ext = (n.capabilities & Smb1Capabilities.EXTENDED_SECURITY) !== 0;
      d.answer = {
        protocol: 'smb1',
        kind: n.kind,
        extendedSecurity: ext,
        securityMode: n.securityMode,
        signing: smb1SigningState(n.securityMode),
        capabilitiesHex: hex32(n.capabilities >>> 0),
        responseHex: evidenceHex(reply),
        ...(dialect !== undefined ? { dialect } : {}),
      };
      if (dialect !== 'NT LM 0.12') {
        throw new ProbeError('protocol-error', `an SMB1 answer selected ${dialect ?? `index ${n.dialectIndex}`}, not NT LM 0.12`, 'negotiate');
      }
      if (!ext) return; // classic-only server: no NTLMSSP leg possible here

      const blob = encodeNegTokenInit({ mechToken: encodeNtlmNegotiate() });
      const ssReply = await smb.exchange(
        encodeSmb1SessionSetupRequest({ kind: 'extended', securityBlob: blob, sessionKey: n.sessionKey, flags2: FLAGS2, mid: 1 }),
        'ntlm',
      );
      const ss = step('ntlm', () => decodeSmb1SessionSetupResponse(ssReply));
      if (ss.header.command !== Smb1Command.SESSION_SETUP_ANDX || ss.header.mid !== 1) {
        throw new ProbeError('protocol-error', 'session setup reply with the wrong command or MID', 'ntlm');
      }
      const st = ss.header.status;
      const code = st.kind === 'nt' ? st.code : 0;
      const statusName = st.kind === 'nt' ? ntStatusName(code) : undefined;
      const base = {
        status: st.kind === 'nt' ? hex32(code) : `DOS class=${st.errorClass} code=${st.errorCode}`,
        responseHex: evidenceHex(ssReply),
        ...(statusName ? { statusName } : {}),
      };
      if (ss.kind !== 'extended') {
        d.session = { ...base, note: isSmb1Success(st) ? 'logged on without a challenge' : 'refused' };
        return;
      }
      const ntlm = step('ntlm', () => ntlmInfoFromBlob(ss.securityBlob));
      d.session = {
        ...base,
        ...(ss.nativeOs !== undefined ? { nativeOs: ss.nativeOs } : {}),
        ...(ss.nativeLanMan !== undefined ? { nativeLanMan: ss.nativeLanMan } : {}),
        ...(ss.primaryDomain !== undefined ? { primaryDomain: ss.primaryDomain } : {}),
        ...(ntlm ? { ntlm } : { note: 'no NTLMSSP CHALLENGE in the answer' }),
      };
    } finally {
      smb.close();
    }
  });
}
