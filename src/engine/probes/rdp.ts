// RDP exposure probe on TCP 3389 (docs/smb-detection.md §7.4): one X.224 Connection Request with
// an RDP Negotiation Request, one answer. Exposure only: no TLS, no CredSSP, no BlueKeep check.
//
// The host runner sends it twice when the first answer is a Connection Confirm:
//   1. requestedProtocols = TLS | CredSSP → does RDP answer, and what does the server pick;
//   2. requestedProtocols = TLS only      → HYBRID_REQUIRED_BY_SERVER means NLA is enforced;
//      a Connection Confirm selecting TLS means a client may connect without NLA.

import type { Dialer } from '../net/dialer.js';
import { Conversation } from './conversation.js';
import { evidenceHex, ProbeError, runProbe, toProbeError, type ProbeOutcome } from './outcome.js';
import { decodeX224, encodeRdpConnectionRequest, rdpFailureName, rdpProtocolName, RDP_PORT, TpktReader } from './rdp-codec.js';

export interface RdpProbeData {
  readonly port: number;
  readonly requestedProtocols: number;
  /** `connection-confirm` = the server speaks RDP. */
  answer?: 'connection-confirm' | 'disconnect-request' | 'other-x224';
  /** RDP_NEG_RSP selectedProtocol (absent for a bare confirm or a failure). */
  selectedProtocol?: number;
  selectedProtocolName?: string;
  negotiationFlags?: number;
  /** RDP_NEG_FAILURE failureCode. */
  failureCode?: number;
  failureName?: string;
  /** A Connection Confirm with no negotiation block: pre-Vista server, standard RDP security. */
  bareConfirm?: boolean;
  requestHex?: string;
  responseHex?: string;
}

export interface RdpProbeOptions {
  readonly dialer: Dialer;
  readonly ip: string;
  readonly port?: number;
  readonly timeoutMs: number;
  readonly requestedProtocols: number;
  readonly signal?: AbortSignal | undefined;
}

export function runRdpProbe(o: RdpProbeOptions): Promise<ProbeOutcome<RdpProbeData>> {
  const port = o.port ?? RDP_PORT;
  const data: RdpProbeData = { port, requestedProtocols: o.requestedProtocols };
  const deadline = Date.now() + o.timeoutMs;
  return runProbe(data, async (d) => {
    const conv = await Conversation.open(o.dialer, { ip: o.ip, port, deadline, signal: o.signal }, new TpktReader());
    try {
      const req = encodeRdpConnectionRequest({ requestedProtocols: o.requestedProtocols });
      d.requestHex = evidenceHex(req);
      const tpdu = await conv.exchange(req, 'x224');
      d.responseHex = evidenceHex(tpdu);
      let x;
      try {
        x = decodeX224(tpdu);
      } catch (err) {
        throw toProbeError(err, 'x224');
      }
      if (x.kind === 'connection-confirm') {
        d.answer = 'connection-confirm';
        const n = x.negotiation;
        if (n === undefined) d.bareConfirm = true;
        else if (n.type === 'response') {
          d.selectedProtocol = n.selectedProtocol;
          d.selectedProtocolName = rdpProtocolName(n.selectedProtocol);
          d.negotiationFlags = n.flags;
        } else {
          d.failureCode = n.failureCode;
          d.failureName = rdpFailureName(n.failureCode);
        }
        return;
      }
      if (x.kind === 'disconnect-request') {
        d.answer = 'disconnect-request';
        return;
      }
      d.answer = 'other-x224';
      throw new ProbeError('protocol-error', `answer to an X.224 Connection Request is a ${x.kind} TPDU`, 'x224');
    } finally {
      conv.close();
    }
  });
}
