// SMB2/3 probes (docs/smb-detection.md §3.4–3.8, §4.3):
//
// * runSmb2Negotiate with all five dialects (+ PREAUTH/ENCRYPTION/COMPRESSION contexts for 3.1.1):
//   the highest dialect the server accepts, SMB2 signing (SecurityMode), capabilities, server
//   clock and boot time; then, on the same connection, SESSION_SETUP with an SPNEGO-wrapped
//   NTLMSSP NEGOTIATE to read the CHALLENGE (OS version and names where SMB1 is off). The second
//   leg is never sent.
// * runSmb2Negotiate with one dialect: is exactly this dialect accepted? A server must answer
//   with the dialect offered or refuse; impacket answers 0x0202 to any single-dialect offer
//   [L: lab 198.18.0.12], which we record as "not accepted".
//
// One NEGOTIATE per connection (a second one is a protocol violation), so the full dialect list
// costs one connection per dialect below the maximum (see checks/run-host-checks.ts).

import { randomBytes } from 'node:crypto';
import type { Dialer } from '../net/dialer.js';
import { filetimeToIso } from '../protocols/bytes/filetime.js';
import { hex32, toHex } from '../protocols/bytes/hex.js';
import { encodeNtlmNegotiate } from '../protocols/ntlmssp/negotiate.js';
import type { SigningState } from '../protocols/smb1/negotiate.js';
import { ntStatusName } from '../protocols/smb1/ntstatus.js';
import { identifySmbProtocol } from '../protocols/smb2/multi-protocol.js';
import {
  ALL_SMB2_DIALECTS,
  CompressionAlgorithm,
  decodeSmb2NegotiateResponse,
  defaultNegotiateContexts,
  encodeSmb2NegotiateRequest,
  formatSmb2Dialect,
  Smb2Dialect,
  smb2SigningState,
  type Smb2NegotiateContext,
} from '../protocols/smb2/negotiate.js';
import { decodeSmb2SessionSetupResponse, encodeSmb2SessionSetupRequest } from '../protocols/smb2/session-setup.js';
import { encodeNegTokenInit } from '../protocols/spnego/spnego.js';
import { ntlmInfoFromBlob, type NtlmInfo } from './ntlm-info.js';
import { evidenceHex, ProbeError, runProbe, toProbeError, type ProbeOutcome } from './outcome.js';
import { openSmbFor, transportForPort, type NetbiosSessionFacts, type SmbTransport } from './smb-transport.js';

/** Capabilities we announce (our verified probe's value, accepted by Samba [L:ns1_probe_negmulti#8]). */
const CLIENT_CAPABILITIES = 0x7f;

export interface Smb2NegotiateFacts {
  readonly dialectRevision: number;
  /** `3.1.1`, `2.0.2`, … */
  readonly dialect: string;
  readonly securityMode: number;
  readonly signing: SigningState;
  readonly capabilities: number;
  readonly capabilitiesHex: string;
  readonly serverGuidHex: string;
  readonly systemTime?: string;
  /** Boot time; null when the server sends 0 (Samba, newer Windows, §7.5). */
  readonly serverStartTime: string | null;
  readonly maxTransactSize: number;
  /** 3.1.1: negotiate context kinds the server returned. */
  readonly contexts?: readonly string[];
  /** 3.1.1: the server returned a COMPRESSION context (SMBGhost-era hint, §7.7). */
  readonly compression?: boolean;
  readonly responseHex: string;
}

export interface Smb2SessionFacts {
  readonly status: string;
  readonly statusName?: string;
  readonly sessionFlags?: number;
  readonly ntlm?: NtlmInfo;
  /** Set when the answer carried no NTLMSSP CHALLENGE (e.g. Kerberos-only). */
  readonly note?: string;
  readonly responseHex: string;
}

export interface Smb2ProbeData {
  readonly port: number;
  readonly transport: SmbTransport;
  /** Dialects offered, as `2.0.2`… */
  readonly offered: readonly string[];
  netbios?: NetbiosSessionFacts;
  negotiate?: Smb2NegotiateFacts;
  /** Error answer to NEGOTIATE (non-zero status). */
  negotiateError?: { readonly status: string; readonly statusName?: string; readonly responseHex: string };
  session?: Smb2SessionFacts;
  /** true when exactly the single offered dialect was selected (single-dialect probes). */
  accepted?: boolean;
  stoppedAt?: 'netbios-session' | 'negotiate';
}

export interface Smb2ProbeOptions {
  readonly dialer: Dialer;
  readonly ip: string;
  readonly port: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Default: all five. */
  readonly dialects?: readonly number[];
  /** Run the SESSION_SETUP leg for the NTLMSSP CHALLENGE. Default false. */
  readonly ntlm?: boolean;
  readonly calledNames?: (tried: readonly string[]) => Promise<readonly string[]> | readonly string[];
  /** Called as soon as the NEGOTIATE answer is decoded (lets the caller start dialect probes during the NTLM leg). */
  readonly onNegotiate?: (n: Smb2NegotiateFacts) => void;
}

function contextKind(c: Smb2NegotiateContext): string {
  return c.kind === 'other' ? `type-0x${c.type.toString(16)}` : c.kind;
}

/** The §3.4 contexts plus COMPRESSION (LZNT1, LZ77, LZ77+Huffman) so that §7.7 can be reported. */
function negotiateContexts(): Smb2NegotiateContext[] {
  return [
    ...defaultNegotiateContexts(randomBytes(32)),
    { kind: 'compression', flags: 0, algorithms: [CompressionAlgorithm.LZNT1, CompressionAlgorithm.LZ77, CompressionAlgorithm.LZ77_HUFFMAN] },
  ];
}

export function runSmb2Negotiate(o: Smb2ProbeOptions): Promise<ProbeOutcome<Smb2ProbeData>> {
  const dialects = o.dialects ?? ALL_SMB2_DIALECTS;
  const data: Smb2ProbeData = { port: o.port, transport: transportForPort(o.port), offered: dialects.map(formatSmb2Dialect) };
  const deadline = Date.now() + o.timeoutMs;
  return runProbe(data, async (d) => {
    const smb = await openSmbFor(o, deadline, d);
    if (!smb) {
      d.stoppedAt = 'netbios-session';
      return;
    }
    try {
      const with311 = dialects.includes(Smb2Dialect.SMB311);
      const req = encodeSmb2NegotiateRequest({
        dialects,
        clientGuid: randomBytes(16),
        capabilities: CLIENT_CAPABILITIES,
        messageId: 0n,
        ...(with311 ? { contexts: negotiateContexts() } : {}),
      });
      const reply = await smb.exchange(req, 'negotiate');
      const proto = identifySmbProtocol(reply);
      if (proto !== 'smb2') {
        throw new ProbeError('protocol-error', `answer to an SMB2 NEGOTIATE is not SMB2 (${proto})`, 'negotiate');
      }
      const r = step('negotiate', () => decodeSmb2NegotiateResponse(reply));
      if (r.header.messageId !== 0n) throw new ProbeError('protocol-error', `reply has MessageId ${r.header.messageId}, expected 0`, 'negotiate');
      if (r.kind === 'error') {
        const name = ntStatusName(r.header.status);
        d.negotiateError = { status: hex32(r.header.status), responseHex: evidenceHex(reply), ...(name ? { statusName: name } : {}) };
        d.stoppedAt = 'negotiate';
        if (dialects.length === 1) d.accepted = false;
        return;
      }
      if (r.dialectRevision === Smb2Dialect.WILDCARD) {
        throw new ProbeError('protocol-error', 'the server answered an SMB2 NEGOTIATE with the 0x02FF wildcard', 'negotiate');
      }
      const start = filetimeToIso(r.serverStartTime);
      const sys = filetimeToIso(r.systemTime);
      d.negotiate = {
        dialectRevision: r.dialectRevision,
        dialect: formatSmb2Dialect(r.dialectRevision),
        securityMode: r.securityMode,
        signing: smb2SigningState(r.securityMode),
        capabilities: r.capabilities >>> 0,
        capabilitiesHex: hex32(r.capabilities >>> 0),
        serverGuidHex: toHex(r.serverGuid),
        serverStartTime: start ?? null,
        maxTransactSize: r.maxTransactSize,
        responseHex: evidenceHex(reply),
        ...(sys !== undefined ? { systemTime: sys } : {}),
        ...(r.dialectRevision === Smb2Dialect.SMB311
          ? { contexts: r.contexts.map(contextKind), compression: r.contexts.some((c) => c.kind === 'compression') }
          : {}),
      };
      if (dialects.length === 1) d.accepted = r.dialectRevision === dialects[0];
      else if (!dialects.includes(r.dialectRevision)) {
        throw new ProbeError('protocol-error', `the server selected ${formatSmb2Dialect(r.dialectRevision)}, which was not offered`, 'negotiate');
      }
      o.onNegotiate?.(d.negotiate);
      if (!o.ntlm) return;

      const ssReq = encodeSmb2SessionSetupRequest({ securityBlob: encodeNegTokenInit({ mechToken: encodeNtlmNegotiate() }), messageId: 1n });
      const ssReply = await smb.exchange(ssReq, 'ntlm');
      const ss = step('ntlm', () => decodeSmb2SessionSetupResponse(ssReply));
      if (ss.header.messageId !== 1n) throw new ProbeError('protocol-error', `reply has MessageId ${ss.header.messageId}, expected 1`, 'ntlm');
      const statusName = ntStatusName(ss.status);
      const base = { status: hex32(ss.status), responseHex: evidenceHex(ssReply), ...(statusName ? { statusName } : {}) };
      if (ss.kind === 'error') {
        d.session = base;
        return;
      }
      const ntlm = step('ntlm', () => ntlmInfoFromBlob(ss.securityBuffer));
      d.session = { ...base, sessionFlags: ss.sessionFlags, ...(ntlm ? { ntlm } : { note: 'no NTLMSSP CHALLENGE in the answer' }) };
    } finally {
      smb.close();
    }
  });
}

function step<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toProbeError(err, name);
  }
}
