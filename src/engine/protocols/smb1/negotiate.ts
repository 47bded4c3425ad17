// SMB1 NEGOTIATE (0x72): the first exchange of every SMB1 conversation and the SMBv1
// support probe (docs/smb-detection.md §3.1, §3.2, §3.7).
//
// Request (MS-CIFS 2.2.4.52.1): WordCount 0, data = one `0x02 <ASCII name> 0x00` per dialect.
// Response (MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2), told apart by WordCount:
// * 17 — NT LM 0.12. Capabilities bit CAP_EXTENDED_SECURITY (0x80000000) selects the data
//   layout: ServerGUID + SecurityBlob (MS-SMB 2.2.4.5.2.1), or the classic Challenge +
//   DomainName + ServerName (MS-CIFS).
// * 13 — a LANMAN dialect was chosen; 1 — core dialect, or DialectIndex 0xFFFF = "none of
//   your dialects" (SMB2-only Samba [L:ns2_probe_neg1#6]); 0 — error status only.
//
// Tolerated deviations:
// * In the classic layout DomainName and ServerName are UTF-16LE even when Flags2 lacks
//   UNICODE (Samba [L:ns1_probe_ms17#6]) and follow the challenge with no pad byte although
//   they may start at an odd offset [P:dpw7#81]. We always read UTF-16 with no alignment (as
//   nmap does); ServerName may be absent.
// * A server answering with an SMB2 message is handled by smb2/multi-protocol.ts, not here.

import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import {
  decodeSmb1Command,
  dataReader,
  encodeSmb1Message,
  Smb1Command,
  wordsReader,
  type Smb1Header,
  type Smb1HeaderInput,
} from './header.js';

export const NT_LM_012 = 'NT LM 0.12';
/** Multi-protocol negotiate strings (MS-SMB2 3.3.5.3.1), see smb2/multi-protocol.ts. */
export const SMB2_002_DIALECT_STRING = 'SMB 2.002';
export const SMB2_WILDCARD_DIALECT_STRING = 'SMB 2.???';

/** DialectIndex value meaning "no dialect acceptable". */
export const SMB1_NO_DIALECT = 0xffff;

/** Cap on the number of dialect strings we decode from a request. */
const MAX_DIALECTS = 64;
const MAX_DIALECT_BYTES = 64;

/** SecurityMode bits (MS-CIFS 2.2.4.52.2). */
export const Smb1SecurityMode = {
  USER_LEVEL: 0x01,
  ENCRYPT_PASSWORDS: 0x02,
  SIGNATURES_ENABLED: 0x04,
  SIGNATURES_REQUIRED: 0x08,
} as const;

/** Capabilities bits (MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2). */
export const Smb1Capabilities = {
  RAW_MODE: 0x00000001,
  MPX_MODE: 0x00000002,
  UNICODE: 0x00000004,
  LARGE_FILES: 0x00000008,
  NT_SMBS: 0x00000010,
  RPC_REMOTE_APIS: 0x00000020,
  STATUS32: 0x00000040,
  LEVEL_II_OPLOCKS: 0x00000080,
  LOCK_AND_READ: 0x00000100,
  NT_FIND: 0x00000200,
  DFS: 0x00001000,
  INFOLEVEL_PASSTHRU: 0x00002000,
  LARGE_READX: 0x00004000,
  LARGE_WRITEX: 0x00008000,
  LWIO: 0x00010000,
  /** Set by Samba only: a reliable Samba tell (docs/smb-detection.md §3.2). */
  UNIX: 0x00800000,
  COMPRESSED_DATA: 0x02000000,
  DYNAMIC_REAUTH: 0x20000000,
  PERSISTENT_HANDLES: 0x40000000,
  EXTENDED_SECURITY: 0x80000000,
} as const;

/** Signing verdict vocabulary shared with SMB2 (docs/smb-detection.md §3.8). */
export type SigningState = 'required' | 'enabled-not-required' | 'disabled';

/** docs/smb-detection.md §3.8: 0x08 → required; 0x04 without 0x08 → enabled, not required; neither → disabled. */
export function smb1SigningState(securityMode: number): SigningState {
  if (securityMode & Smb1SecurityMode.SIGNATURES_REQUIRED) return 'required';
  if (securityMode & Smb1SecurityMode.SIGNATURES_ENABLED) return 'enabled-not-required';
  return 'disabled';
}

// ---------------------------------------------------------------- request

export interface Smb1NegotiateRequestInput extends Omit<Smb1HeaderInput, 'command'> {
  /** e.g. [NT_LM_012] for the SMBv1 probe (§3.1). */
  readonly dialects: readonly string[];
}

export function encodeSmb1NegotiateRequest(input: Smb1NegotiateRequestInput): Uint8Array {
  const { dialects, ...header } = input;
  if (dialects.length === 0) throw new RangeError('at least one dialect is required');
  return encodeSmb1Message({ ...header, command: Smb1Command.NEGOTIATE }, new Uint8Array(0), (w) => {
    for (const d of dialects) w.u8(0x02).latin1(d, true);
  });
}

export interface Smb1NegotiateRequest {
  readonly header: Smb1Header;
  readonly dialects: readonly string[];
}

export function decodeSmb1NegotiateRequest(payload: Uint8Array): Smb1NegotiateRequest {
  const msg = decodeSmb1Command(payload, Smb1Command.NEGOTIATE, 'NEGOTIATE');
  if (msg.wordCount !== 0) throw new DecodeError('invalid', 'SMB1.Negotiate.WordCount', 32, `request WordCount must be 0, got ${msg.wordCount}`);
  const r = dataReader(msg);
  const dialects: string[] = [];
  while (r.remaining > 0) {
    if (dialects.length >= MAX_DIALECTS) throw new DecodeError('too-large', 'SMB1.Negotiate.Dialects', r.offset, `more than ${MAX_DIALECTS} dialects`);
    const at = r.offset;
    const fmt = r.u8('SMB1.Negotiate.BufferFormat');
    if (fmt !== 0x02) throw new DecodeError('invalid', 'SMB1.Negotiate.BufferFormat', at, `expected 0x02, got 0x${fmt.toString(16)}`);
    dialects.push(r.latin1z('SMB1.Negotiate.DialectString', MAX_DIALECT_BYTES));
  }
  return { header: msg.header, dialects };
}

// ---------------------------------------------------------------- response

export type Smb1NegotiateSecurity =
  | {
      /** MS-SMB 2.2.4.5.2.1: Capabilities has CAP_EXTENDED_SECURITY. */
      readonly kind: 'extended';
      readonly serverGuid: Uint8Array;
      /** SPNEGO NegTokenInit, possibly empty (XP sends none [S:syxp#1]). */
      readonly securityBlob: Uint8Array;
    }
  | {
      readonly kind: 'challenge';
      readonly challenge: Uint8Array;
      readonly domainName: string;
      /** '' when absent. */
      readonly serverName: string;
    };

export interface Smb1NtLmNegotiateResponse {
  readonly kind: 'nt-lm-0.12';
  readonly header: Smb1Header;
  readonly dialectIndex: number;
  readonly securityMode: number;
  readonly maxMpxCount: number;
  readonly maxNumberVcs: number;
  readonly maxBufferSize: number;
  readonly maxRawSize: number;
  /** Echo it in SESSION_SETUP_ANDX. */
  readonly sessionKey: number;
  readonly capabilities: number;
  /** FILETIME, server clock. */
  readonly systemTime: bigint;
  /** Minutes, signed; UTC = local + value. */
  readonly serverTimeZone: number;
  readonly challengeLength: number;
  readonly security: Smb1NegotiateSecurity;
}

export type Smb1NegotiateResponse =
  | Smb1NtLmNegotiateResponse
  | { readonly kind: 'no-common-dialect'; readonly header: Smb1Header; readonly dialectIndex: number }
  | { readonly kind: 'core'; readonly header: Smb1Header; readonly dialectIndex: number }
  | {
      readonly kind: 'lanman';
      readonly header: Smb1Header;
      readonly dialectIndex: number;
      readonly securityMode: number;
      /** The 13 words, for evidence; we do not interpret LANMAN further (§3.2: "SMBv1 enabled, pre-NT"). */
      readonly words: Uint8Array;
    }
  | { readonly kind: 'error'; readonly header: Smb1Header };

export function decodeSmb1NegotiateResponse(payload: Uint8Array): Smb1NegotiateResponse {
  const msg = decodeSmb1Command(payload, Smb1Command.NEGOTIATE, 'NEGOTIATE');
  const { header } = msg;
  const w = wordsReader(msg);
  switch (msg.wordCount) {
    case 0:
      return { kind: 'error', header };
    case 1: {
      const dialectIndex = w.u16le('SMB1.Negotiate.DialectIndex');
      return dialectIndex === SMB1_NO_DIALECT
        ? { kind: 'no-common-dialect', header, dialectIndex }
        : { kind: 'core', header, dialectIndex };
    }
    case 13: {
      const dialectIndex = w.u16le('SMB1.Negotiate.DialectIndex');
      const securityMode = w.u16le('SMB1.Negotiate.SecurityMode');
      return { kind: 'lanman', header, dialectIndex, securityMode, words: msg.words };
    }
    case 17:
      break;
    default:
      throw new DecodeError('invalid', 'SMB1.Negotiate.WordCount', 32, `unexpected WordCount ${msg.wordCount}`);
  }
  const dialectIndex = w.u16le('SMB1.Negotiate.DialectIndex');
  const securityMode = w.u8('SMB1.Negotiate.SecurityMode');
  const maxMpxCount = w.u16le('SMB1.Negotiate.MaxMpxCount');
  const maxNumberVcs = w.u16le('SMB1.Negotiate.MaxNumberVcs');
  const maxBufferSize = w.u32le('SMB1.Negotiate.MaxBufferSize');
  const maxRawSize = w.u32le('SMB1.Negotiate.MaxRawSize');
  const sessionKey = w.u32le('SMB1.Negotiate.SessionKey');
  const capabilities = w.u32le('SMB1.Negotiate.Capabilities');
  const systemTime = w.u64le('SMB1.Negotiate.SystemTime');
  const serverTimeZone = w.i16le('SMB1.Negotiate.ServerTimeZone');
  const challengeLength = w.u8('SMB1.Negotiate.ChallengeLength');
  const d = dataReader(msg);
  let security: Smb1NegotiateSecurity;
  if (capabilities & Smb1Capabilities.EXTENDED_SECURITY) {
    const serverGuid = d.bytes(16, 'SMB1.Negotiate.ServerGUID');
    security = { kind: 'extended', serverGuid, securityBlob: d.rest() };
  } else {
    const challenge = d.bytes(challengeLength, 'SMB1.Negotiate.Challenge');
    const domainName = d.remaining > 0 ? d.utf16lez('SMB1.Negotiate.DomainName') : '';
    const serverName = d.remaining > 0 ? d.utf16lez('SMB1.Negotiate.ServerName') : '';
    security = { kind: 'challenge', challenge, domainName, serverName };
  }
  return {
    kind: 'nt-lm-0.12',
    header,
    dialectIndex,
    securityMode,
    maxMpxCount,
    maxNumberVcs,
    maxBufferSize,
    maxRawSize,
    sessionKey,
    capabilities,
    systemTime,
    serverTimeZone,
    challengeLength,
    security,
  };
}

/** Server-side encoder (test fakes, round trips). */
export type Smb1NegotiateResponseInput =
  | (Omit<Smb1HeaderInput, 'command'> & { readonly kind: 'no-common-dialect' })
  | (Omit<Smb1HeaderInput, 'command'> &
      Omit<Smb1NtLmNegotiateResponse, 'header' | 'challengeLength' | 'kind'> & { readonly kind: 'nt-lm-0.12' });

export function encodeSmb1NegotiateResponse(input: Smb1NegotiateResponseInput): Uint8Array {
  const flags = input.flags ?? 0x88;
  if (input.kind === 'no-common-dialect') {
    const { kind: _k, ...header } = input;
    const words = new ByteWriter().u16le(SMB1_NO_DIALECT).finish();
    return encodeSmb1Message({ ...header, flags, command: Smb1Command.NEGOTIATE }, words);
  }
  const {
    kind: _k, dialectIndex, securityMode, maxMpxCount, maxNumberVcs, maxBufferSize, maxRawSize,
    sessionKey, capabilities, systemTime, serverTimeZone, security, ...header
  } = input;
  const extended = security.kind === 'extended';
  if (extended !== Boolean(capabilities & Smb1Capabilities.EXTENDED_SECURITY)) {
    throw new RangeError('Capabilities CAP_EXTENDED_SECURITY must match the security layout');
  }
  const words = new ByteWriter()
    .u16le(dialectIndex)
    .u8(securityMode)
    .u16le(maxMpxCount)
    .u16le(maxNumberVcs)
    .u32le(maxBufferSize)
    .u32le(maxRawSize)
    .u32le(sessionKey)
    .u32le(capabilities >>> 0)
    .u64le(systemTime)
    .i16le(serverTimeZone)
    .u8(security.kind === 'extended' ? 0 : security.challenge.length)
    .finish();
  return encodeSmb1Message({ ...header, flags, command: Smb1Command.NEGOTIATE }, words, (d) => {
    if (security.kind === 'extended') {
      if (security.serverGuid.length !== 16) throw new RangeError('ServerGUID must be 16 bytes');
      d.bytes(security.serverGuid).bytes(security.securityBlob);
    } else {
      d.bytes(security.challenge).utf16le(security.domainName, true).utf16le(security.serverName, true);
    }
  });
}

/** Reads a DialectIndex back into the dialect string we offered (§3.1: "map it back to your list"). */
export function chosenDialect(offered: readonly string[], dialectIndex: number): string | undefined {
  return offered[dialectIndex];
}
