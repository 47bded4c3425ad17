// SMB1 SESSION_SETUP_ANDX (0x73): logs on. Two request shapes (docs/smb-detection.md §4.1, §4.2):
// * classic / null session, WordCount 13 (MS-CIFS 2.2.4.53.1): OEM and Unicode passwords,
//   AccountName, PrimaryDomain, NativeOS, NativeLanMan. With account "" and no password this
//   is the anonymous session the MS17-010 check runs on (§5.2 step 2).
// * extended security, WordCount 12 (MS-SMB 2.2.4.6.1): a SecurityBlob (SPNEGO or raw
//   NTLMSSP NEGOTIATE) then NativeOS, NativeLanMan. Used only to obtain the NTLMSSP
//   CHALLENGE for OS discovery; never send the second leg.
// Responses: WordCount 3 (classic, MS-CIFS 2.2.4.53.2), 4 (extended, MS-SMB 2.2.4.6.2, status
// MORE_PROCESSING_REQUIRED), 0 (error status only).
//
// Strings follow the message's Flags2 UNICODE bit; a Unicode string block starts on an even
// S-relative offset (one pad byte when needed) [P:dpw7#83, dpw7#44]; ASCII has no pad
// [S:syxp#3] [P:wcry#203]. Tolerated deviations: Windows sends no PrimaryDomain in extended
// responses (Samba does) [P:dpw7#44] [L:ns1_probe_os1#22], so every string is optional and
// missing ones are undefined; an unterminated last string is accepted.
//
// Send non-empty NativeOS/NativeLanMan (docs/smb-detection.md §4.1: Server 2016 reportedly rejects empty
// ones); defaults are the strings our probe used against Samba ("Unix", "Scanner").

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import {
  dataReader,
  decodeSmb1Command,
  encodeSmb1Message,
  readAndX,
  Smb1Command,
  Smb1Flags2,
  wordsReader,
  writeAndX,
  type AndX,
  type Smb1Header,
  type Smb1HeaderInput,
} from './header.js';
import { Smb1Capabilities } from './negotiate.js';

/** Action bits of the response (MS-CIFS 2.2.4.53.2). */
export const Smb1SessionAction = {
  GUEST: 0x0001,
  USE_LANMAN_KEY: 0x0002,
} as const;

export const DEFAULT_NATIVE_OS = 'Unix';
export const DEFAULT_NATIVE_LANMAN = 'Scanner';

function isUnicode(flags2: number | undefined): boolean {
  return ((flags2 ?? 0) & Smb1Flags2.UNICODE) !== 0;
}

function writeString(w: ByteWriter, s: string, unicode: boolean): void {
  if (unicode) w.utf16le(s, true);
  else w.latin1(s, true);
}

/** Reads an optional string; undefined once the data block is exhausted. */
function readOptionalString(r: ByteReader, unicode: boolean, field: string): string | undefined {
  if (r.remaining === 0) return undefined;
  return unicode ? r.utf16lez(field) : r.latin1z(field);
}

// ---------------------------------------------------------------- requests

interface SessionSetupCommonInput extends Omit<Smb1HeaderInput, 'command'> {
  /** Default 0xFFFF (nmap); Metasploit/WannaCry 0xFFDF. */
  readonly maxBufferSize?: number;
  /** Default 2. */
  readonly maxMpxCount?: number;
  /** Default 1 (docs/smb-detection.md §1.3: VcNumber 0 may reset other sessions from this client). */
  readonly vcNumber?: number;
  /** Copy of the NEGOTIATE response SessionKey. */
  readonly sessionKey: number;
  readonly capabilities?: number;
  readonly nativeOs?: string;
  readonly nativeLanMan?: string;
}

export interface Smb1SessionSetupClassicInput extends SessionSetupCommonInput {
  readonly kind: 'classic';
  /** Default one NUL byte (accepted by Samba; Windows also takes length 0), docs/smb-detection.md §4.1. */
  readonly oemPassword?: Uint8Array;
  readonly unicodePassword?: Uint8Array;
  /** Default "" (null session). */
  readonly accountName?: string;
  readonly primaryDomain?: string;
}

export interface Smb1SessionSetupExtendedInput extends SessionSetupCommonInput {
  readonly kind: 'extended';
  /** SPNEGO NegTokenInit or raw NTLMSSP NEGOTIATE (§4.4). */
  readonly securityBlob: Uint8Array;
}

export type Smb1SessionSetupRequestInput = Smb1SessionSetupClassicInput | Smb1SessionSetupExtendedInput;

/** Default capabilities: NT_SMBS | STATUS32 (0x50), + UNICODE if Flags2 says so, + EXTENDED_SECURITY for WC 12. */
export function defaultSessionSetupCapabilities(kind: 'classic' | 'extended', flags2: number | undefined): number {
  let caps = Smb1Capabilities.NT_SMBS | Smb1Capabilities.STATUS32;
  if (isUnicode(flags2)) caps |= Smb1Capabilities.UNICODE;
  if (kind === 'extended') caps = (caps | Smb1Capabilities.EXTENDED_SECURITY) >>> 0;
  return caps;
}

export function encodeSmb1SessionSetupRequest(input: Smb1SessionSetupRequestInput): Uint8Array {
  const unicode = isUnicode(input.flags2);
  const caps = (input.capabilities ?? defaultSessionSetupCapabilities(input.kind, input.flags2)) >>> 0;
  const nativeOs = input.nativeOs ?? DEFAULT_NATIVE_OS;
  const nativeLanMan = input.nativeLanMan ?? DEFAULT_NATIVE_LANMAN;
  const header: Smb1HeaderInput = {
    flags: input.flags,
    flags2: input.flags2,
    pidHigh: input.pidHigh,
    securitySignature: input.securitySignature,
    tid: input.tid,
    pidLow: input.pidLow,
    uid: input.uid,
    mid: input.mid,
    status: input.status,
    command: Smb1Command.SESSION_SETUP_ANDX,
  };
  const w = new ByteWriter();
  writeAndX(w);
  w.u16le(input.maxBufferSize ?? 0xffff).u16le(input.maxMpxCount ?? 2).u16le(input.vcNumber ?? 1).u32le(input.sessionKey >>> 0);
  if (input.kind === 'classic') {
    const oem = input.oemPassword ?? new Uint8Array(1);
    const uni = input.unicodePassword ?? new Uint8Array(0);
    w.u16le(oem.length).u16le(uni.length).u32le(0).u32le(caps);
    return encodeSmb1Message(header, w.finish(), (d) => {
      d.bytes(oem).bytes(uni);
      if (unicode) d.align(2);
      writeString(d, input.accountName ?? '', unicode);
      writeString(d, input.primaryDomain ?? '', unicode);
      writeString(d, nativeOs, unicode);
      writeString(d, nativeLanMan, unicode);
    });
  }
  w.u16le(input.securityBlob.length).u32le(0).u32le(caps);
  return encodeSmb1Message(header, w.finish(), (d) => {
    d.bytes(input.securityBlob);
    if (unicode) d.align(2);
    writeString(d, nativeOs, unicode);
    writeString(d, nativeLanMan, unicode);
  });
}

interface SessionSetupRequestCommon {
  readonly header: Smb1Header;
  readonly andx: AndX;
  readonly maxBufferSize: number;
  readonly maxMpxCount: number;
  readonly vcNumber: number;
  readonly sessionKey: number;
  readonly capabilities: number;
  readonly nativeOs: string | undefined;
  readonly nativeLanMan: string | undefined;
}

export type Smb1SessionSetupRequest =
  | (SessionSetupRequestCommon & {
      readonly kind: 'classic';
      readonly oemPassword: Uint8Array;
      readonly unicodePassword: Uint8Array;
      readonly accountName: string | undefined;
      readonly primaryDomain: string | undefined;
    })
  | (SessionSetupRequestCommon & { readonly kind: 'extended'; readonly securityBlob: Uint8Array });

export function decodeSmb1SessionSetupRequest(payload: Uint8Array): Smb1SessionSetupRequest {
  const msg = decodeSmb1Command(payload, Smb1Command.SESSION_SETUP_ANDX, 'SESSION_SETUP_ANDX');
  if (msg.wordCount !== 13 && msg.wordCount !== 12) {
    throw new DecodeError('invalid', 'SMB1.SessionSetup.WordCount', 32, `request WordCount must be 12 or 13, got ${msg.wordCount}`);
  }
  const unicode = isUnicode(msg.header.flags2);
  const w = wordsReader(msg);
  const andx = readAndX(w);
  const maxBufferSize = w.u16le('SMB1.SessionSetup.MaxBufferSize');
  const maxMpxCount = w.u16le('SMB1.SessionSetup.MaxMpxCount');
  const vcNumber = w.u16le('SMB1.SessionSetup.VcNumber');
  const sessionKey = w.u32le('SMB1.SessionSetup.SessionKey');
  const d = dataReader(msg);
  const common = { header: msg.header, andx, maxBufferSize, maxMpxCount, vcNumber, sessionKey };
  if (msg.wordCount === 13) {
    const oemLen = w.u16le('SMB1.SessionSetup.OEMPasswordLen');
    const uniLen = w.u16le('SMB1.SessionSetup.UnicodePasswordLen');
    w.skip(4, 'SMB1.SessionSetup.Reserved');
    const capabilities = w.u32le('SMB1.SessionSetup.Capabilities');
    const oemPassword = d.bytes(oemLen, 'SMB1.SessionSetup.OEMPassword');
    const unicodePassword = d.bytes(uniLen, 'SMB1.SessionSetup.UnicodePassword');
    if (unicode && d.remaining > 0) d.align(2, 'SMB1.SessionSetup.Pad');
    const accountName = readOptionalString(d, unicode, 'SMB1.SessionSetup.AccountName');
    const primaryDomain = readOptionalString(d, unicode, 'SMB1.SessionSetup.PrimaryDomain');
    const nativeOs = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeOS');
    const nativeLanMan = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeLanMan');
    return { ...common, kind: 'classic', capabilities, oemPassword, unicodePassword, accountName, primaryDomain, nativeOs, nativeLanMan };
  }
  const blobLen = w.u16le('SMB1.SessionSetup.SecurityBlobLength');
  w.skip(4, 'SMB1.SessionSetup.Reserved');
  const capabilities = w.u32le('SMB1.SessionSetup.Capabilities');
  const securityBlob = d.bytes(blobLen, 'SMB1.SessionSetup.SecurityBlob');
  if (unicode && d.remaining > 0) d.align(2, 'SMB1.SessionSetup.Pad');
  const nativeOs = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeOS');
  const nativeLanMan = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeLanMan');
  return { ...common, kind: 'extended', capabilities, securityBlob, nativeOs, nativeLanMan };
}

// ---------------------------------------------------------------- response

interface SessionSetupResponseCommon {
  readonly header: Smb1Header;
  readonly andx: AndX;
  /** Bit 0x0001: logged on as guest. */
  readonly action: number;
  readonly nativeOs: string | undefined;
  readonly nativeLanMan: string | undefined;
  readonly primaryDomain: string | undefined;
}

export type Smb1SessionSetupResponse =
  | (SessionSetupResponseCommon & { readonly kind: 'classic' })
  | (SessionSetupResponseCommon & { readonly kind: 'extended'; readonly securityBlob: Uint8Array })
  /** WordCount 0: refusal, the status is in the header (e.g. 0xC0000022 [P:wcry#219]). */
  | { readonly kind: 'error'; readonly header: Smb1Header };

export function decodeSmb1SessionSetupResponse(payload: Uint8Array): Smb1SessionSetupResponse {
  const msg = decodeSmb1Command(payload, Smb1Command.SESSION_SETUP_ANDX, 'SESSION_SETUP_ANDX');
  if (msg.wordCount === 0) return { kind: 'error', header: msg.header };
  if (msg.wordCount !== 3 && msg.wordCount !== 4) {
    throw new DecodeError('invalid', 'SMB1.SessionSetup.WordCount', 32, `response WordCount must be 0, 3 or 4, got ${msg.wordCount}`);
  }
  const unicode = isUnicode(msg.header.flags2);
  const w = wordsReader(msg);
  const andx = readAndX(w);
  const action = w.u16le('SMB1.SessionSetup.Action');
  const d = dataReader(msg);
  let securityBlob: Uint8Array | undefined;
  if (msg.wordCount === 4) {
    const blobLen = w.u16le('SMB1.SessionSetup.SecurityBlobLength');
    securityBlob = d.bytes(blobLen, 'SMB1.SessionSetup.SecurityBlob');
  }
  if (unicode && d.remaining > 0) d.align(2, 'SMB1.SessionSetup.Pad');
  const nativeOs = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeOS');
  const nativeLanMan = readOptionalString(d, unicode, 'SMB1.SessionSetup.NativeLanMan');
  const primaryDomain = readOptionalString(d, unicode, 'SMB1.SessionSetup.PrimaryDomain');
  const common = { header: msg.header, andx, action, nativeOs, nativeLanMan, primaryDomain };
  return securityBlob === undefined ? { ...common, kind: 'classic' } : { ...common, kind: 'extended', securityBlob };
}

/** Server-side encoder (test fakes, round trips). */
export interface Smb1SessionSetupResponseInput extends Omit<Smb1HeaderInput, 'command'> {
  readonly kind: 'classic' | 'extended' | 'error';
  readonly action?: number;
  readonly securityBlob?: Uint8Array;
  readonly nativeOs?: string;
  readonly nativeLanMan?: string;
  readonly primaryDomain?: string;
}

export function encodeSmb1SessionSetupResponse(input: Smb1SessionSetupResponseInput): Uint8Array {
  const { kind, action, securityBlob, nativeOs, nativeLanMan, primaryDomain, ...rest } = input;
  const header: Smb1HeaderInput = { ...rest, flags: rest.flags ?? 0x88, command: Smb1Command.SESSION_SETUP_ANDX };
  if (kind === 'error') return encodeSmb1Message(header, new Uint8Array(0));
  const unicode = isUnicode(rest.flags2);
  const w = new ByteWriter();
  writeAndX(w);
  w.u16le(action ?? 0);
  const blob = securityBlob ?? new Uint8Array(0);
  if (kind === 'extended') w.u16le(blob.length);
  return encodeSmb1Message(header, w.finish(), (d) => {
    if (kind === 'extended') d.bytes(blob);
    const strings = [nativeOs, nativeLanMan, primaryDomain].filter((s): s is string => s !== undefined);
    if (unicode && strings.length > 0) d.align(2);
    for (const s of strings) writeString(d, s, unicode);
  });
}
