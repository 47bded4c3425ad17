// Multi-protocol negotiate (MS-SMB2 3.3.5.3.1, docs/smb-detection.md §3.6): an SMB1
// NEGOTIATE whose dialect list includes "SMB 2.002" and/or "SMB 2.???". A server that speaks
// SMB2 answers with an *SMB2* NEGOTIATE response (MessageId 0): DialectRevision 0x0202 for
// "SMB 2.002" only [L:ns1_probe_neg2002#7], or the wildcard 0x02FF when "SMB 2.???" was
// offered and it supports more [L:ns1_probe_negmulti#6] [P:dpw7#24] — the client must then
// send a normal SMB2 NEGOTIATE with MessageId 1 on the same connection. An SMB1-only server
// answers with an SMB1 response selecting NT LM 0.12.
//
// Consequence (§3.6): this exchange cannot prove SMB1 is enabled (Samba with SMB1 on still
// picks SMB2); the SMBv1 probe uses an SMB1-only list instead.

import { DecodeError } from '../bytes/errors.js';
import {
  encodeSmb1NegotiateRequest,
  decodeSmb1NegotiateResponse,
  NT_LM_012,
  SMB2_002_DIALECT_STRING,
  SMB2_WILDCARD_DIALECT_STRING,
  type Smb1NegotiateRequestInput,
  type Smb1NegotiateResponse,
} from '../smb1/negotiate.js';
import { Smb1Flags2 } from '../smb1/header.js';
import { decodeSmb2NegotiateResponse, type Smb2NegotiateResponse } from './negotiate.js';

/** The list of our multi-protocol probe [L:ns1_probe_negmulti#4]. */
export const MULTI_PROTOCOL_DIALECTS: readonly string[] = [NT_LM_012, SMB2_002_DIALECT_STRING, SMB2_WILDCARD_DIALECT_STRING];

export type SmbProtocol = 'smb1' | 'smb2' | 'smb2-encrypted' | 'smb2-compressed' | 'unknown';

/** Classifies a message by its 4-byte protocol id. */
export function identifySmbProtocol(payload: Uint8Array): SmbProtocol {
  if (payload.length < 4 || payload[1] !== 0x53 || payload[2] !== 0x4d || payload[3] !== 0x42) return 'unknown';
  switch (payload[0]) {
    case 0xff: return 'smb1';
    case 0xfe: return 'smb2';
    case 0xfd: return 'smb2-encrypted';
    case 0xfc: return 'smb2-compressed';
    default: return 'unknown';
  }
}

/**
 * Default flags2 0xC801 (UNICODE | NT_STATUS | EXTENDED_SECURITY | LONG_NAMES), as our probe
 * sent [L:ns1_probe_negmulti#4]; MID 0.
 */
export function encodeMultiProtocolNegotiateRequest(input: Partial<Smb1NegotiateRequestInput> = {}): Uint8Array {
  return encodeSmb1NegotiateRequest({
    ...input,
    flags2: input.flags2 ?? Smb1Flags2.UNICODE | Smb1Flags2.NT_STATUS | Smb1Flags2.EXTENDED_SECURITY | Smb1Flags2.LONG_NAMES,
    dialects: input.dialects ?? MULTI_PROTOCOL_DIALECTS,
  });
}

export type NegotiateAnswer =
  | { readonly protocol: 'smb1'; readonly response: Smb1NegotiateResponse }
  | { readonly protocol: 'smb2'; readonly response: Smb2NegotiateResponse };

/** Decodes whatever a server answered to a NEGOTIATE (SMB1 or SMB2). */
export function decodeNegotiateAnswer(payload: Uint8Array): NegotiateAnswer {
  const proto = identifySmbProtocol(payload);
  switch (proto) {
    case 'smb1':
      return { protocol: 'smb1', response: decodeSmb1NegotiateResponse(payload) };
    case 'smb2':
      return { protocol: 'smb2', response: decodeSmb2NegotiateResponse(payload) };
    case 'smb2-encrypted':
    case 'smb2-compressed':
      throw new DecodeError('unsupported', 'SMB.ProtocolId', 0, `${proto} message in answer to NEGOTIATE`);
    default:
      throw new DecodeError('invalid', 'SMB.ProtocolId', 0, 'neither SMB1 nor SMB2');
  }
}
