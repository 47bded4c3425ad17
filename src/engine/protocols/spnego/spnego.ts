// Minimal SPNEGO (RFC 4178, MS-SPNG): wraps our NTLMSSP NEGOTIATE for SMB1 extended security
// and SMB2 SESSION_SETUP, and finds the NTLMSSP CHALLENGE in the server's answer
// (docs/smb-detection.md §4.4).
//
// Outgoing: InitialContextToken (RFC 2743 §3.1: [APPLICATION 0] { OID 1.3.6.1.5.5.2,
// NegotiationToken }) carrying NegTokenInit { mechTypes [0] = { NTLMSSP }, mechToken [2] }.
// For a 40-byte NTLMSSP NEGOTIATE this is the 74-byte blob Samba accepted
// [L:ns1_probe_os2#8] and Windows 7 sends [P:dpw7#27].
//
// Incoming: NegTokenResp [1] { negState [0], supportedMech [1], responseToken [2],
// mechListMIC [3] } (RFC 4178 §4.2.2). The SMB2/SMB1 NEGOTIATE response carries a
// NegTokenInit2 (MS-SPNG 2.2.1) whose [3] is negHints instead of mechListMIC.
//
// Tolerated deviations: servers may answer with a raw NTLMSSP message (no SPNEGO) when the
// client sent raw NTLMSSP [S:syxp#2] [L:ns2_probe_os2#21]; and as a last resort
// extractNtlmToken() searches the blob for the "NTLMSSP\0" signature, as nmap does
// (§4.4), so a DER quirk we do not model cannot hide the challenge.

import { ByteReader } from '../bytes/reader.js';
import { DecodeError } from '../bytes/errors.js';
import { decodeLatin1 } from '../bytes/utf16le.js';
import { contextTag, DerTag, encodeOid, encodeTlv, expectTlv, readOid, readTlv } from './der.js';

export const OID_SPNEGO = '1.3.6.1.5.5.2';
export const OID_NTLMSSP = '1.3.6.1.4.1.311.2.2.10';
export const OID_KERBEROS = '1.2.840.113554.1.2.2';
export const OID_MS_KERBEROS = '1.2.840.48018.1.2.2';
export const OID_KERBEROS_U2U = '1.2.840.113554.1.2.2.3';
export const OID_NEGOEX = '1.3.6.1.4.1.311.2.2.30';

/** "NTLMSSP\0" (MS-NLMP 2.2.1). */
export const NTLMSSP_SIGNATURE: readonly number[] = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];

/** negState values (RFC 4178 §4.2.2). */
export const NegState = {
  ACCEPT_COMPLETED: 0,
  ACCEPT_INCOMPLETE: 1,
  REJECT: 2,
  REQUEST_MIC: 3,
} as const;

const MAX_MECH_TYPES = 32;

export interface NegTokenInitInput {
  /** Default [OID_NTLMSSP]. */
  readonly mechTypes?: readonly string[];
  readonly mechToken?: Uint8Array;
  /** Server side (NegTokenInit2): e.g. "not_defined_in_RFC4178@please_ignore". */
  readonly negHintName?: string;
}

/** GSS-API InitialContextToken with a NegTokenInit (client) or NegTokenInit2 (server hint). */
export function encodeNegTokenInit(input: NegTokenInitInput): Uint8Array {
  const mechs = (input.mechTypes ?? [OID_NTLMSSP]).map(encodeOid);
  const fields: Uint8Array[] = [encodeTlv(contextTag(0), encodeTlv(DerTag.SEQUENCE, ...mechs))];
  if (input.mechToken !== undefined) fields.push(encodeTlv(contextTag(2), encodeTlv(DerTag.OCTET_STRING, input.mechToken)));
  if (input.negHintName !== undefined) {
    const hint = encodeTlv(DerTag.GENERAL_STRING, Uint8Array.from(input.negHintName, (c) => c.charCodeAt(0) & 0xff));
    fields.push(encodeTlv(contextTag(3), encodeTlv(DerTag.SEQUENCE, encodeTlv(contextTag(0), hint))));
  }
  const negTokenInit = encodeTlv(contextTag(0), encodeTlv(DerTag.SEQUENCE, ...fields));
  return encodeTlv(DerTag.APPLICATION_0, encodeOid(OID_SPNEGO), negTokenInit);
}

export interface NegTokenInit {
  readonly mechTypes: readonly string[];
  readonly mechToken: Uint8Array | undefined;
  /** Absolute offset of mechToken in the decoded buffer. */
  readonly mechTokenOffset: number | undefined;
  readonly negHintName: string | undefined;
}

/** Decodes an InitialContextToken (0x60…) or a bare [0] NegTokenInit. */
export function decodeNegTokenInit(blob: Uint8Array): NegTokenInit {
  const top = new ByteReader(blob);
  let r = top;
  if (top.peekU8('SPNEGO.Tag') === DerTag.APPLICATION_0) {
    const app = expectTlv(top, DerTag.APPLICATION_0, 'SPNEGO.InitialContextToken');
    r = app.reader;
    const mechOid = readOid(r, 'SPNEGO.ThisMech');
    if (mechOid !== OID_SPNEGO) throw new DecodeError('unsupported', 'SPNEGO.ThisMech', app.valueOffset, `mechanism ${mechOid} is not SPNEGO`);
  }
  const init = expectTlv(r, contextTag(0), 'SPNEGO.NegTokenInit');
  const seq = expectTlv(init.reader, DerTag.SEQUENCE, 'SPNEGO.NegTokenInit.Sequence').reader;
  const mechTypes: string[] = [];
  let mechToken: Uint8Array | undefined;
  let mechTokenOffset: number | undefined;
  let negHintName: string | undefined;
  while (seq.remaining > 0) {
    const f = readTlv(seq, 'SPNEGO.NegTokenInit.Field');
    switch (f.tag) {
      case contextTag(0): {
        const list = expectTlv(f.reader, DerTag.SEQUENCE, 'SPNEGO.MechTypes').reader;
        while (list.remaining > 0) {
          if (mechTypes.length >= MAX_MECH_TYPES) throw new DecodeError('too-large', 'SPNEGO.MechTypes', list.offset, 'too many mechanisms');
          mechTypes.push(readOid(list, 'SPNEGO.MechType'));
        }
        break;
      }
      case contextTag(2): {
        const tok = expectTlv(f.reader, DerTag.OCTET_STRING, 'SPNEGO.MechToken');
        mechToken = tok.value;
        mechTokenOffset = tok.valueOffset;
        break;
      }
      case contextTag(3): {
        // NegTokenInit2 negHints (SEQUENCE) or RFC 4178 mechListMIC (OCTET STRING).
        if (f.reader.remaining > 0 && f.reader.peekU8('SPNEGO.NegHints') === DerTag.SEQUENCE) {
          const hints = expectTlv(f.reader, DerTag.SEQUENCE, 'SPNEGO.NegHints').reader;
          while (hints.remaining > 0) {
            const h = readTlv(hints, 'SPNEGO.NegHints.Field');
            if (h.tag === contextTag(0)) negHintName = decodeLatin1(expectTlv(h.reader, DerTag.GENERAL_STRING, 'SPNEGO.HintName').value);
          }
        }
        break;
      }
      default:
        break; // reqFlags [1], mechListMIC [4]: not needed
    }
  }
  return { mechTypes, mechToken, mechTokenOffset, negHintName };
}

export interface NegTokenResp {
  readonly negState: number | undefined;
  readonly supportedMech: string | undefined;
  readonly responseToken: Uint8Array | undefined;
  /** Absolute offset of responseToken in the decoded buffer. */
  readonly responseTokenOffset: number | undefined;
  readonly mechListMic: Uint8Array | undefined;
}

export function decodeNegTokenResp(blob: Uint8Array): NegTokenResp {
  const top = new ByteReader(blob);
  const resp = expectTlv(top, contextTag(1), 'SPNEGO.NegTokenResp');
  const seq = expectTlv(resp.reader, DerTag.SEQUENCE, 'SPNEGO.NegTokenResp.Sequence').reader;
  let negState: number | undefined;
  let supportedMech: string | undefined;
  let responseToken: Uint8Array | undefined;
  let responseTokenOffset: number | undefined;
  let mechListMic: Uint8Array | undefined;
  while (seq.remaining > 0) {
    const f = readTlv(seq, 'SPNEGO.NegTokenResp.Field');
    switch (f.tag) {
      case contextTag(0): {
        const e = expectTlv(f.reader, DerTag.ENUMERATED, 'SPNEGO.NegState');
        if (e.value.length !== 1) throw new DecodeError('invalid', 'SPNEGO.NegState', e.valueOffset, 'negState must be one byte');
        negState = e.value[0];
        break;
      }
      case contextTag(1):
        supportedMech = readOid(f.reader, 'SPNEGO.SupportedMech');
        break;
      case contextTag(2): {
        const tok = expectTlv(f.reader, DerTag.OCTET_STRING, 'SPNEGO.ResponseToken');
        responseToken = tok.value;
        responseTokenOffset = tok.valueOffset;
        break;
      }
      case contextTag(3):
        mechListMic = expectTlv(f.reader, DerTag.OCTET_STRING, 'SPNEGO.MechListMIC').value;
        break;
      default:
        break;
    }
  }
  return { negState, supportedMech, responseToken, responseTokenOffset, mechListMic };
}

export interface NegTokenRespInput {
  readonly negState?: number;
  readonly supportedMech?: string;
  readonly responseToken?: Uint8Array;
}

/** Server-side encoder (test fakes): NegTokenResp as Windows/Samba send it with the CHALLENGE. */
export function encodeNegTokenResp(input: NegTokenRespInput): Uint8Array {
  const fields: Uint8Array[] = [];
  if (input.negState !== undefined) fields.push(encodeTlv(contextTag(0), encodeTlv(DerTag.ENUMERATED, Uint8Array.of(input.negState))));
  if (input.supportedMech !== undefined) fields.push(encodeTlv(contextTag(1), encodeOid(input.supportedMech)));
  if (input.responseToken !== undefined) fields.push(encodeTlv(contextTag(2), encodeTlv(DerTag.OCTET_STRING, input.responseToken)));
  return encodeTlv(contextTag(1), encodeTlv(DerTag.SEQUENCE, ...fields));
}

export function startsWithNtlmsspSignature(bytes: Uint8Array, at = 0): boolean {
  if (at < 0 || at + NTLMSSP_SIGNATURE.length > bytes.length) return false;
  return NTLMSSP_SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/** Index of the first "NTLMSSP\0" in `bytes`, or -1. Linear, bounded by the input. */
export function findNtlmsspSignature(bytes: Uint8Array): number {
  for (let i = 0; i + NTLMSSP_SIGNATURE.length <= bytes.length; i++) {
    if (startsWithNtlmsspSignature(bytes, i)) return i;
  }
  return -1;
}

export interface ExtractedNtlmToken {
  /** From the NTLMSSP signature to the end of the enclosing token. */
  readonly token: Uint8Array;
  /** Offset of the signature inside the blob (Windows SPNEGO 33, Samba 31, raw 0 — §4.4). */
  readonly offset: number;
  readonly source: 'raw' | 'spnego-resp' | 'spnego-init' | 'signature-scan';
}

/**
 * Finds the NTLMSSP message in a security blob: raw NTLMSSP, SPNEGO NegTokenResp
 * responseToken, SPNEGO NegTokenInit mechToken, else the first "NTLMSSP\0" in the blob.
 * undefined when there is none (e.g. a Kerberos-only answer). Never throws on any input.
 */
export function extractNtlmToken(blob: Uint8Array): ExtractedNtlmToken | undefined {
  if (startsWithNtlmsspSignature(blob)) return { token: blob, offset: 0, source: 'raw' };
  const first = blob[0];
  try {
    if (first === contextTag(1)) {
      const resp = decodeNegTokenResp(blob);
      if (resp.responseToken !== undefined && resp.responseTokenOffset !== undefined && startsWithNtlmsspSignature(resp.responseToken)) {
        return { token: resp.responseToken, offset: resp.responseTokenOffset, source: 'spnego-resp' };
      }
    } else if (first === DerTag.APPLICATION_0 || first === contextTag(0)) {
      const init = decodeNegTokenInit(blob);
      if (init.mechToken !== undefined && init.mechTokenOffset !== undefined && startsWithNtlmsspSignature(init.mechToken)) {
        return { token: init.mechToken, offset: init.mechTokenOffset, source: 'spnego-init' };
      }
    }
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    // Malformed DER: fall through to the signature scan below.
  }
  const at = findNtlmsspSignature(blob);
  return at < 0 ? undefined : { token: blob.subarray(at), offset: at, source: 'signature-scan' };
}
