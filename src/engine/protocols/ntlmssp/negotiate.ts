// NTLMSSP NEGOTIATE_MESSAGE (type 1, MS-NLMP 2.2.1.1): the first leg of an NTLM logon. We send
// it only to make the server reveal its CHALLENGE (OS version, names, clock — docs/smb-detection.md §4.5/4.6);
// the logon is never completed.
//
// Layout: Signature "NTLMSSP\0", MessageType 1, NegotiateFlags, DomainNameFields (Len, MaxLen,
// BufferOffset), WorkstationFields, Version (8 bytes, MS-NLMP 2.2.2.10, present when
// NEGOTIATE_VERSION is set), then the payload (OEM domain/workstation, if supplied).
// With the defaults this is the 40-byte message of docs/smb-detection.md §4.5 (`… 06 01 b1 1d 00 00 00 0f`).
//
// Decoding (for round trips and test fakes) checks every buffer offset/length against the
// message. Tolerated deviation: nmap's SMB NEGOTIATE carries no Version (16 + 16 bytes).

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { decodeLatin1 } from '../bytes/utf16le.js';
import { NTLMSSP_SIGNATURE } from '../spnego/spnego.js';
import { DEFAULT_CLIENT_VERSION, DEFAULT_NEGOTIATE_FLAGS, NtlmFlags, type NtlmVersion } from './flags.js';

export const NtlmMessageType = { NEGOTIATE: 1, CHALLENGE: 2, AUTHENTICATE: 3 } as const;

export interface NtlmNegotiateInput {
  /** Default 0xE2088297. OEM_DOMAIN/WORKSTATION_SUPPLIED are added when names are given. */
  readonly flags?: number;
  /** Default 6.1.7601/15; `null` omits the Version field (and clears NEGOTIATE_VERSION). */
  readonly version?: NtlmVersion | null;
  /** OEM (ASCII) strings; normally absent. */
  readonly domain?: string;
  readonly workstation?: string;
}

/** Writes the signature and message type. */
export function writeNtlmHeader(w: ByteWriter, type: number): void {
  w.bytes(Uint8Array.from(NTLMSSP_SIGNATURE)).u32le(type);
}

export function writeNtlmVersion(w: ByteWriter, v: NtlmVersion): void {
  w.u8(v.major).u8(v.minor).u16le(v.build).zeros(3).u8(v.ntlmRevision);
}

export function encodeNtlmNegotiate(input: NtlmNegotiateInput = {}): Uint8Array {
  const version = input.version === undefined ? DEFAULT_CLIENT_VERSION : input.version;
  let flags = (input.flags ?? DEFAULT_NEGOTIATE_FLAGS) >>> 0;
  flags = version === null ? flags & ~NtlmFlags.NEGOTIATE_VERSION : flags | NtlmFlags.NEGOTIATE_VERSION;
  const domain = new ByteWriter().latin1(input.domain ?? '').finish();
  const workstation = new ByteWriter().latin1(input.workstation ?? '').finish();
  if (domain.length > 0) flags |= NtlmFlags.NEGOTIATE_OEM_DOMAIN_SUPPLIED;
  if (workstation.length > 0) flags |= NtlmFlags.NEGOTIATE_OEM_WORKSTATION_SUPPLIED;
  const fixed = version === null ? 32 : 40;
  const w = new ByteWriter();
  writeNtlmHeader(w, NtlmMessageType.NEGOTIATE);
  w.u32le(flags >>> 0);
  // MS-NLMP: when a name is not supplied its fields are zero (offset included).
  w.u16le(domain.length).u16le(domain.length).u32le(domain.length > 0 ? fixed : 0);
  w.u16le(workstation.length).u16le(workstation.length).u32le(workstation.length > 0 ? fixed + domain.length : 0);
  if (version !== null) writeNtlmVersion(w, version);
  w.bytes(domain).bytes(workstation);
  return w.finish();
}

export interface NtlmNegotiate {
  readonly flags: number;
  readonly domain: string;
  readonly workstation: string;
  readonly version: NtlmVersion | undefined;
}

/** Reads a Len/MaxLen/BufferOffset triple and returns the referenced bytes (checked). */
export function readNtlmBuffer(r: ByteReader, msg: ByteReader, field: string): { bytes: Uint8Array; offset: number } {
  const len = r.u16le(`${field}.Len`);
  r.skip(2, `${field}.MaxLen`);
  const offset = r.u32le(`${field}.BufferOffset`);
  if (len === 0) return { bytes: new Uint8Array(0), offset };
  return { bytes: msg.window(msg.start + offset, len, field).rest(), offset };
}

export function checkNtlmSignature(r: ByteReader, expectedType: number): void {
  const at = r.offset;
  const sig = r.bytes(8, 'NTLMSSP.Signature');
  if (!NTLMSSP_SIGNATURE.every((b, i) => sig[i] === b)) throw new DecodeError('invalid', 'NTLMSSP.Signature', at, 'not "NTLMSSP\\0"');
  const typeAt = r.offset;
  const type = r.u32le('NTLMSSP.MessageType');
  if (type !== expectedType) throw new DecodeError('invalid', 'NTLMSSP.MessageType', typeAt, `expected ${expectedType}, got ${type}`);
}

export function readNtlmVersion(r: ByteReader): NtlmVersion {
  const major = r.u8('NTLMSSP.Version.ProductMajorVersion');
  const minor = r.u8('NTLMSSP.Version.ProductMinorVersion');
  const build = r.u16le('NTLMSSP.Version.ProductBuild');
  r.skip(3, 'NTLMSSP.Version.Reserved');
  const ntlmRevision = r.u8('NTLMSSP.Version.NTLMRevisionCurrent');
  return { major, minor, build, ntlmRevision };
}

export function decodeNtlmNegotiate(token: Uint8Array): NtlmNegotiate {
  const msg = new ByteReader(token);
  const r = new ByteReader(token);
  checkNtlmSignature(r, NtlmMessageType.NEGOTIATE);
  const flags = r.u32le('NTLMSSP.NegotiateFlags');
  const domain = readNtlmBuffer(r, msg, 'NTLMSSP.DomainNameFields');
  const workstation = readNtlmBuffer(r, msg, 'NTLMSSP.WorkstationFields');
  // Version is present when the flag says so and the payload does not start before byte 40.
  const payloadStart = Math.min(
    domain.bytes.length > 0 ? domain.offset : Infinity,
    workstation.bytes.length > 0 ? workstation.offset : Infinity,
    token.length,
  );
  const version = (flags & NtlmFlags.NEGOTIATE_VERSION) !== 0 && payloadStart >= 40 && r.remaining >= 8 ? readNtlmVersion(r) : undefined;
  return { flags, domain: decodeLatin1(domain.bytes), workstation: decodeLatin1(workstation.bytes), version };
}
