// NTLMSSP CHALLENGE_MESSAGE (type 2, MS-NLMP 2.2.1.2): the server's first-leg answer, the
// pre-authentication source of OS version and host/domain names over SMB1 extended security,
// SMB2/3, RDP and HTTP (docs/smb-detection.md §4, §4.6).
//
// Layout: Signature, MessageType 2, TargetNameFields (Len, MaxLen, BufferOffset from the start
// of this message), NegotiateFlags, ServerChallenge (8), Reserved (8), TargetInfoFields,
// Version (8, MS-NLMP 2.2.2.10), payload. TargetInfo is a list of AV_PAIRs (MS-NLMP 2.2.2.1):
// AvId u16, AvLen u16, value; ends with MsvAvEOL. Names are UTF-16LE without terminator;
// MsvAvTimestamp is a FILETIME.
//
// Version trust (docs/smb-detection.md §4.6, as nmap): the 8 bytes at 48 are the Version only when the payload
// does not start before byte 56; they are *trustworthy* only when NEGOTIATE_VERSION is set and
// NTLMRevisionCurrent is 0x0F. Both facts are reported separately. XP fills them (5.1.2600)
// [S:syxp#2]; Samba reports 6.1.0, build 0 = not Windows [L:ns1_probe_os1#22].
//
// Tolerated deviations: a missing MsvAvEOL, trailing bytes after the list (fewer than 4),
// unknown AvIds (kept raw), duplicate AvIds (the first wins in `info`).

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { decodeLatin1, decodeUtf16le } from '../bytes/utf16le.js';
import { NtlmFlags, NTLMSSP_REVISION_W2K3, type NtlmVersion } from './flags.js';
import { checkNtlmSignature, NtlmMessageType, readNtlmBuffer, readNtlmVersion, writeNtlmHeader, writeNtlmVersion } from './negotiate.js';

/** AV_PAIR ids (MS-NLMP 2.2.2.1). */
export const AvId = {
  EOL: 0,
  NB_COMPUTER_NAME: 1,
  NB_DOMAIN_NAME: 2,
  DNS_COMPUTER_NAME: 3,
  DNS_DOMAIN_NAME: 4,
  DNS_TREE_NAME: 5,
  FLAGS: 6,
  TIMESTAMP: 7,
  SINGLE_HOST: 8,
  TARGET_NAME: 9,
  CHANNEL_BINDINGS: 10,
} as const;

/** A list longer than this is refused (real lists have ≤ 10 entries). */
export const MAX_AV_PAIRS = 256;

export interface AvPair {
  readonly id: number;
  readonly value: Uint8Array;
}

/** The AV pairs the checks use, decoded. Absent pairs are undefined. */
export interface NtlmTargetInfo {
  readonly nbComputerName?: string;
  /** Workgroup hosts put their own computer name here (§4.6). */
  readonly nbDomainName?: string;
  readonly dnsComputerName?: string;
  readonly dnsDomainName?: string;
  /** AD forest; present ⇒ domain-joined. */
  readonly dnsTreeName?: string;
  readonly avFlags?: number;
  /** FILETIME of the server clock (absent on XP/2003). */
  readonly timestamp?: bigint;
  readonly targetName?: string;
}

export interface NtlmChallenge {
  readonly flags: number;
  /** UTF-16LE when NEGOTIATE_UNICODE is set, else OEM (Latin-1). */
  readonly targetName: string;
  readonly serverChallenge: Uint8Array;
  readonly targetInfo: Uint8Array;
  readonly avPairs: readonly AvPair[];
  readonly info: NtlmTargetInfo;
  /** The 8 bytes at offset 48 when the layout has room for them, else undefined. */
  readonly version: NtlmVersion | undefined;
  /** NEGOTIATE_VERSION set and NTLMRevisionCurrent 0x0F (docs/smb-detection.md §4.6). */
  readonly versionTrusted: boolean;
}

export function parseAvPairs(targetInfo: Uint8Array): AvPair[] {
  const r = new ByteReader(targetInfo);
  const pairs: AvPair[] = [];
  while (r.remaining >= 4) {
    if (pairs.length >= MAX_AV_PAIRS) throw new DecodeError('too-large', 'NTLMSSP.AvPairs', r.offset, `more than ${MAX_AV_PAIRS} pairs`);
    const id = r.u16le('NTLMSSP.AvId');
    const len = r.u16le('NTLMSSP.AvLen');
    const at = r.offset;
    const value = r.bytes(len, 'NTLMSSP.AvValue');
    if (id === AvId.EOL) break;
    if (id === AvId.FLAGS && len !== 4) throw new DecodeError('invalid', 'NTLMSSP.MsvAvFlags', at, `length ${len}, expected 4`);
    if (id === AvId.TIMESTAMP && len !== 8) throw new DecodeError('invalid', 'NTLMSSP.MsvAvTimestamp', at, `length ${len}, expected 8`);
    pairs.push({ id, value });
  }
  return pairs;
}

function u32At(value: Uint8Array): number {
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0, true);
}

function u64At(value: Uint8Array): bigint {
  return new DataView(value.buffer, value.byteOffset, value.byteLength).getBigUint64(0, true);
}

export function targetInfoFromAvPairs(pairs: readonly AvPair[]): NtlmTargetInfo {
  const info: { -readonly [K in keyof NtlmTargetInfo]: NtlmTargetInfo[K] } = {};
  const setString = (key: 'nbComputerName' | 'nbDomainName' | 'dnsComputerName' | 'dnsDomainName' | 'dnsTreeName' | 'targetName', v: Uint8Array): void => {
    if (info[key] === undefined) info[key] = decodeUtf16le(v);
  };
  for (const p of pairs) {
    switch (p.id) {
      case AvId.NB_COMPUTER_NAME: setString('nbComputerName', p.value); break;
      case AvId.NB_DOMAIN_NAME: setString('nbDomainName', p.value); break;
      case AvId.DNS_COMPUTER_NAME: setString('dnsComputerName', p.value); break;
      case AvId.DNS_DOMAIN_NAME: setString('dnsDomainName', p.value); break;
      case AvId.DNS_TREE_NAME: setString('dnsTreeName', p.value); break;
      case AvId.TARGET_NAME: setString('targetName', p.value); break;
      case AvId.FLAGS:
        if (p.value.length === 4) info.avFlags ??= u32At(p.value);
        break;
      case AvId.TIMESTAMP:
        if (p.value.length === 8) info.timestamp ??= u64At(p.value);
        break;
      default:
        break;
    }
  }
  return info;
}

/** Decodes a CHALLENGE that starts at token[0] (use spnego/extractNtlmToken to find it). */
export function decodeNtlmChallenge(token: Uint8Array): NtlmChallenge {
  const msg = new ByteReader(token);
  const r = new ByteReader(token);
  checkNtlmSignature(r, NtlmMessageType.CHALLENGE);
  const targetName = readNtlmBuffer(r, msg, 'NTLMSSP.TargetNameFields');
  const flags = r.u32le('NTLMSSP.NegotiateFlags');
  const serverChallenge = r.bytes(8, 'NTLMSSP.ServerChallenge');
  r.skip(8, 'NTLMSSP.Reserved');
  // Old implementations end the fixed part at 40 with no TargetInfoFields (MS-NLMP 2.2.1.2
  // says they are present only with NEGOTIATE_TARGET_INFO); read them only if the payload allows.
  const payloadStartSoFar = targetName.bytes.length > 0 ? targetName.offset : token.length;
  let targetInfo: { bytes: Uint8Array; offset: number } = { bytes: new Uint8Array(0), offset: 0 };
  if ((flags & NtlmFlags.NEGOTIATE_TARGET_INFO) !== 0 || (payloadStartSoFar >= 48 && r.remaining >= 8)) targetInfo = readNtlmBuffer(r, msg, 'NTLMSSP.TargetInfoFields');
  const payloadStart = Math.min(payloadStartSoFar, targetInfo.bytes.length > 0 ? targetInfo.offset : token.length);
  const version = payloadStart >= 56 && r.remaining >= 8 ? readNtlmVersion(r) : undefined;
  const versionTrusted =
    version !== undefined && (flags & NtlmFlags.NEGOTIATE_VERSION) !== 0 && version.ntlmRevision === NTLMSSP_REVISION_W2K3;
  const avPairs = parseAvPairs(targetInfo.bytes);
  return {
    flags,
    targetName: flags & NtlmFlags.NEGOTIATE_UNICODE ? decodeUtf16le(targetName.bytes) : decodeLatin1(targetName.bytes),
    serverChallenge,
    targetInfo: targetInfo.bytes,
    avPairs,
    info: targetInfoFromAvPairs(avPairs),
    version,
    versionTrusted,
  };
}

/** Domain-joined per docs/smb-detection.md §4.6: NbDomain ≠ NbComputer, or DnsTree present, or TARGET_TYPE_DOMAIN. */
export function isDomainJoined(ch: NtlmChallenge): boolean {
  const { nbComputerName, nbDomainName, dnsTreeName } = ch.info;
  return (
    (ch.flags & NtlmFlags.TARGET_TYPE_DOMAIN) !== 0 ||
    dnsTreeName !== undefined ||
    (nbDomainName !== undefined && nbComputerName !== undefined && nbDomainName.toUpperCase() !== nbComputerName.toUpperCase())
  );
}

export interface NtlmChallengeInput {
  readonly flags: number;
  readonly targetName: string;
  readonly serverChallenge: Uint8Array;
  readonly avPairs: readonly AvPair[];
  /** Written when given (and NEGOTIATE_VERSION is then set). */
  readonly version?: NtlmVersion;
}

/** Encodes an AV pair list with its terminating MsvAvEOL. */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const w = new ByteWriter();
  for (const p of pairs) w.u16le(p.id).u16le(p.value.length).bytes(p.value);
  return w.u16le(AvId.EOL).u16le(0).finish();
}

/** Server-side encoder (test fakes, round trips). */
export function encodeNtlmChallenge(input: NtlmChallengeInput): Uint8Array {
  if (input.serverChallenge.length !== 8) throw new RangeError('ServerChallenge must be 8 bytes');
  let flags = input.flags >>> 0;
  if (input.version !== undefined) flags = (flags | NtlmFlags.NEGOTIATE_VERSION) >>> 0;
  const name = flags & NtlmFlags.NEGOTIATE_UNICODE
    ? new ByteWriter().utf16le(input.targetName).finish()
    : new ByteWriter().latin1(input.targetName).finish();
  const info = encodeAvPairs(input.avPairs);
  const w = new ByteWriter();
  writeNtlmHeader(w, NtlmMessageType.CHALLENGE);
  w.u16le(name.length).u16le(name.length).u32le(56);
  w.u32le(flags).bytes(input.serverChallenge).zeros(8);
  w.u16le(info.length).u16le(info.length).u32le(56 + name.length);
  if (input.version !== undefined) writeNtlmVersion(w, input.version);
  else w.zeros(8);
  return w.bytes(name).bytes(info).finish();
}
