// Session-layer framing for SMB over TCP.
//
// * Port 445, "direct TCP" (MS-SMB2 2.1, MS-SMB 2.1): every SMB message is preceded by a
//   4-byte header, a zero byte and a 24-bit big-endian length.
// * Port 139, NetBIOS Session Service (RFC 1002 §4.3): the same 4-byte header, where the
//   first byte is the packet type (0x00 SESSION MESSAGE, 0x81 SESSION REQUEST, 0x82 POSITIVE
//   RESPONSE, 0x83 NEGATIVE RESPONSE, 0x84 RETARGET RESPONSE, 0x85 KEEP ALIVE). Before any
//   SMB byte the client sends a SESSION REQUEST carrying the called and calling NetBIOS names
//   in first-level encoding (RFC 1002 §4.1, RFC 1001 §14.1).
//
// Tolerated deviations (docs/smb-detection.md §1.1–1.2):
// * RFC 1002 gives 139 a 17-bit length (bit 0 of the flags byte is the extension bit); we
//   read 24 bits for both ports, which is equivalent for every length RFC 1002 allows.
// * Samba answers POSITIVE for any called name [L:ns1_probe_nb139#18]; Windows wants its own
//   name or *SMBSERVER, so callers try several names, one connection each.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { decodeLatin1, encodeLatin1 } from '../bytes/utf16le.js';

export const NBSS_HEADER_LENGTH = 4;
/** Largest length the 24-bit field can carry. */
export const NBSS_MAX_LENGTH = 0xffffff;

export const NbssType = {
  SESSION_MESSAGE: 0x00,
  SESSION_REQUEST: 0x81,
  POSITIVE_RESPONSE: 0x82,
  NEGATIVE_RESPONSE: 0x83,
  RETARGET_RESPONSE: 0x84,
  KEEPALIVE: 0x85,
} as const;

/** RFC 1002 §4.3.4 NEGATIVE SESSION RESPONSE error codes. */
export const NbssNegativeCode = {
  NOT_LISTENING_ON_CALLED_NAME: 0x80,
  NOT_LISTENING_FOR_CALLING_NAME: 0x81,
  CALLED_NAME_NOT_PRESENT: 0x82,
  INSUFFICIENT_RESOURCES: 0x83,
  UNSPECIFIED_ERROR: 0x8f,
} as const;

const NEGATIVE_CODE_NAMES: Readonly<Record<number, string>> = {
  0x80: 'not-listening-on-called-name',
  0x81: 'not-listening-for-calling-name',
  0x82: 'called-name-not-present',
  0x83: 'insufficient-resources',
  0x8f: 'unspecified-error',
};

export function nbssNegativeCodeName(code: number): string {
  return NEGATIVE_CODE_NAMES[code] ?? `unknown-0x${code.toString(16).padStart(2, '0')}`;
}

export interface NbssHeader {
  readonly type: number;
  readonly flags: number;
  /** 24-bit length of what follows the header. */
  readonly length: number;
}

/** Reads the 4-byte header at `offset` (the buffer must hold at least 4 bytes there). */
export function decodeNbssHeader(bytes: Uint8Array, offset = 0): NbssHeader {
  const r = new ByteReader(bytes, Math.min(offset, bytes.length));
  const type = r.u8('NBSS.Type');
  const flags = r.u8('NBSS.Flags');
  const length = (flags << 16) | r.u16be('NBSS.Length');
  return { type, flags, length };
}

function header(type: number, length: number): ByteWriter {
  if (!Number.isInteger(length) || length < 0 || length > NBSS_MAX_LENGTH) {
    throw new RangeError(`NBSS length ${length} does not fit 24 bits`);
  }
  return new ByteWriter({ initialCapacity: length + 4 }).u8(type).u8(length >>> 16).u16be(length & 0xffff);
}

/** Frames one SMB message (type 0x00). Used on 445 and, after a positive session response, on 139. */
export function encodeSessionMessage(payload: Uint8Array): Uint8Array {
  return header(NbssType.SESSION_MESSAGE, payload.length).bytes(payload).finish();
}

// ---------------------------------------------------------------- NetBIOS names

/** Suffix (16th byte) values used here: <20> file server service, <00> workstation / client. */
export const NetbiosSuffix = { WORKSTATION: 0x00, FILE_SERVER: 0x20 } as const;

export interface NetbiosName {
  /** Up to 15 characters, trailing spaces removed; `*` for the wildcard name. */
  readonly name: string;
  readonly suffix: number;
  /** NetBIOS scope (dotted labels), empty when none. */
  readonly scope: string;
}

/**
 * First-level encoding of a NetBIOS name (RFC 1001 §14.1, RFC 1002 §4.1): the 16-byte name
 * (15 characters upper-cased and space-padded, then the suffix byte; the wildcard `*` is
 * padded with NULs instead) split into nibbles, each written as 'A' + nibble, as one
 * 32-byte label, followed by the empty scope (a zero byte). Always 34 bytes.
 * Example: `*SMBSERVER<20>` → 20 "CKFDENECFDEFFCFGEFFCCACACACACACA" 00 [L:ns1_probe_nb139#4].
 */
export function encodeNetbiosName(name: string, suffix: number): Uint8Array {
  if (!Number.isInteger(suffix) || suffix < 0 || suffix > 0xff) throw new RangeError(`bad NetBIOS suffix ${suffix}`);
  let raw: Uint8Array;
  if (name === '*') {
    raw = new Uint8Array(16);
    raw[0] = 0x2a;
  } else {
    const upper = encodeLatin1(name.toUpperCase());
    if (upper.length === 0 || upper.length > 15) throw new RangeError(`NetBIOS name must be 1–15 characters: "${name}"`);
    raw = new Uint8Array(16).fill(0x20);
    raw.set(upper);
    raw[15] = suffix;
  }
  const w = new ByteWriter({ initialCapacity: 34 }).u8(0x20);
  for (const b of raw) w.u8(0x41 + (b >>> 4)).u8(0x41 + (b & 0x0f));
  return w.u8(0).finish();
}

/** Max length of an encoded name with scope (RFC 1002 §4.1: 255 bytes including the final zero). */
const MAX_ENCODED_NAME = 255;

/** Decodes one encoded name (with optional scope labels) from the reader. */
export function readNetbiosName(r: ByteReader, field = 'NetBIOS.Name'): NetbiosName {
  const begin = r.offset;
  const len = r.u8(`${field}.LabelLength`);
  if (len !== 0x20) throw new DecodeError('invalid', `${field}.LabelLength`, begin, `expected 32, got ${len}`);
  const enc = r.bytes(32, `${field}.Label`);
  const raw = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const hi = (enc[2 * i] ?? 0) - 0x41;
    const lo = (enc[2 * i + 1] ?? 0) - 0x41;
    if (hi < 0 || hi > 15 || lo < 0 || lo > 15) {
      throw new DecodeError('invalid', `${field}.Label`, begin + 1 + 2 * i, 'not a first-level encoded character');
    }
    raw[i] = (hi << 4) | lo;
  }
  const labels: string[] = [];
  for (;;) {
    const at = r.offset;
    const l = r.u8(`${field}.ScopeLabelLength`);
    if (l === 0) break;
    if (l > 63) throw new DecodeError('invalid', `${field}.ScopeLabelLength`, at, `label length ${l} > 63`);
    if (r.offset + l - begin >= MAX_ENCODED_NAME) throw new DecodeError('too-large', field, begin, 'encoded name longer than 255 bytes');
    labels.push(r.latin1(l, `${field}.ScopeLabel`));
  }
  const isWildcard = raw[0] === 0x2a && raw.subarray(1).every((b) => b === 0);
  const name = isWildcard ? '*' : decodeLatin1(raw.subarray(0, 15)).replace(/ +$/, '');
  return { name, suffix: isWildcard ? 0 : (raw[15] ?? 0), scope: labels.join('.') };
}

export function decodeNetbiosName(bytes: Uint8Array): NetbiosName {
  return readNetbiosName(new ByteReader(bytes));
}

// ---------------------------------------------------------------- session service packets

export interface SessionRequestInput {
  /** Name of the server: its NBSTAT <20> name, `*SMBSERVER`, or DNS labels (§1.2). */
  readonly calledName: string;
  readonly calledSuffix?: number;
  /** Our own name; any 1–15 character string. */
  readonly callingName: string;
  readonly callingSuffix?: number;
}

/** SESSION REQUEST (RFC 1002 §4.3.2): 0x81, flags 0, length 68, called name, calling name. */
export function encodeSessionRequest(input: SessionRequestInput): Uint8Array {
  const called = encodeNetbiosName(input.calledName, input.calledSuffix ?? NetbiosSuffix.FILE_SERVER);
  const calling = encodeNetbiosName(input.callingName, input.callingSuffix ?? NetbiosSuffix.WORKSTATION);
  return header(NbssType.SESSION_REQUEST, called.length + calling.length).bytes(called).bytes(calling).finish();
}

export function encodePositiveSessionResponse(): Uint8Array {
  return header(NbssType.POSITIVE_RESPONSE, 0).finish();
}

export function encodeNegativeSessionResponse(code: number): Uint8Array {
  return header(NbssType.NEGATIVE_RESPONSE, 1).u8(code).finish();
}

export function encodeKeepalive(): Uint8Array {
  return header(NbssType.KEEPALIVE, 0).finish();
}

export type NbssPacket =
  | { readonly kind: 'session-message'; readonly payload: Uint8Array }
  | { readonly kind: 'session-request'; readonly called: NetbiosName; readonly calling: NetbiosName }
  | { readonly kind: 'positive-response' }
  | { readonly kind: 'negative-response'; readonly code: number; readonly reason: string }
  | { readonly kind: 'retarget-response'; readonly ip: string; readonly port: number }
  | { readonly kind: 'keepalive' };

/**
 * Decodes one complete packet (4-byte header + exactly `length` bytes, as produced by
 * FrameReader). The body must match what RFC 1002 §4.3 defines for the type.
 */
export function decodeNbssPacket(frame: Uint8Array): NbssPacket {
  const r = new ByteReader(frame);
  const type = r.u8('NBSS.Type');
  const flags = r.u8('NBSS.Flags');
  const length = (flags << 16) | r.u16be('NBSS.Length');
  if (length !== r.remaining) {
    throw new DecodeError(length > r.remaining ? 'truncated' : 'invalid', 'NBSS.Length', 1, `declares ${length}, frame has ${r.remaining}`);
  }
  switch (type) {
    case NbssType.SESSION_MESSAGE:
      return { kind: 'session-message', payload: r.rest() };
    case NbssType.SESSION_REQUEST: {
      const called = readNetbiosName(r, 'NBSS.CalledName');
      const calling = readNetbiosName(r, 'NBSS.CallingName');
      r.expectEnd('NBSS.SessionRequest');
      return { kind: 'session-request', called, calling };
    }
    case NbssType.POSITIVE_RESPONSE:
      r.expectEnd('NBSS.PositiveResponse');
      return { kind: 'positive-response' };
    case NbssType.NEGATIVE_RESPONSE: {
      const code = r.u8('NBSS.ErrorCode');
      r.expectEnd('NBSS.NegativeResponse');
      return { kind: 'negative-response', code, reason: nbssNegativeCodeName(code) };
    }
    case NbssType.RETARGET_RESPONSE: {
      const ip = r.bytes(4, 'NBSS.RetargetIp').join('.');
      const port = r.u16be('NBSS.RetargetPort');
      r.expectEnd('NBSS.RetargetResponse');
      return { kind: 'retarget-response', ip, port };
    }
    case NbssType.KEEPALIVE:
      r.expectEnd('NBSS.Keepalive');
      return { kind: 'keepalive' };
    default:
      throw new DecodeError('invalid', 'NBSS.Type', 0, `unknown packet type 0x${type.toString(16)}`);
  }
}
