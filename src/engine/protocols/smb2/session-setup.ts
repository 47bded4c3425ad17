// SMB2 SESSION_SETUP (command 0x0001): first leg of an NTLM logon over SMB2/3, used only to
// obtain the NTLMSSP CHALLENGE — OS version and names on hosts where SMB1 is off
// (docs/smb-detection.md §4.3). The second leg is never sent.
//
// Request (MS-SMB2 2.2.5), StructureSize 25: Flags, SecurityMode, Capabilities, Channel,
// SecurityBufferOffset (88 = 64 + 24), SecurityBufferLength, PreviousSessionId, Buffer
// (SPNEGO NegTokenInit with NTLMSSP NEGOTIATE, or raw NTLMSSP). Sent with MessageId 1 after
// the NEGOTIATE [L:ns1_probe_os2#8] [P:dpw7#27].
// Response (2.2.6), StructureSize 9: SessionFlags (0x1 guest, 0x2 null, 0x4 encrypt),
// SecurityBufferOffset, SecurityBufferLength, Buffer; the header carries the SessionId and
// STATUS_MORE_PROCESSING_REQUIRED [P:dpw7#28] [L:ns2_probe_os2#9, #21]. Any other non-zero
// status carries an ERROR body (2.2.2).
//
// The buffer offset/length are checked against the message. SMB 3.1.1 preauth-integrity
// hashing is not needed for this leg (§4.3).

import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { NtStatus } from '../smb1/ntstatus.js';
import {
  decodeSmb2Command,
  encodeSmb2Message,
  readSmb2ErrorBody,
  SMB2_HEADER_LENGTH,
  Smb2Command,
  Smb2HeaderFlags,
  type Smb2ErrorBody,
  type Smb2Header,
  type Smb2HeaderInput,
} from './header.js';
import { readSecurityBuffer, Smb2SecurityMode } from './negotiate.js';

export const Smb2SessionFlags = {
  IS_GUEST: 0x0001,
  IS_NULL: 0x0002,
  ENCRYPT_DATA: 0x0004,
} as const;

/** Fixed part of the request body; the buffer starts right after it (S+88). */
const REQUEST_FIXED = 24;

export interface Smb2SessionSetupRequestInput extends Omit<Smb2HeaderInput, 'command'> {
  readonly securityBlob: Uint8Array;
  /** Request Flags (0x01 = binding); default 0. */
  readonly setupFlags?: number;
  /** Default 0x01 signing enabled. */
  readonly securityMode?: number;
  readonly capabilities?: number;
  readonly channel?: number;
  readonly previousSessionId?: bigint;
}

export function encodeSmb2SessionSetupRequest(input: Smb2SessionSetupRequestInput): Uint8Array {
  const { securityBlob, setupFlags, securityMode, capabilities, channel, previousSessionId, ...header } = input;
  const body = new ByteWriter()
    .u16le(25)
    .u8(setupFlags ?? 0)
    .u8(securityMode ?? Smb2SecurityMode.SIGNING_ENABLED)
    .u32le((capabilities ?? 0) >>> 0)
    .u32le(channel ?? 0)
    .u16le(SMB2_HEADER_LENGTH + REQUEST_FIXED)
    .u16le(securityBlob.length)
    .u64le(previousSessionId ?? 0n)
    .bytes(securityBlob)
    .finish();
  return encodeSmb2Message({ ...header, messageId: header.messageId ?? 1n, command: Smb2Command.SESSION_SETUP }, body);
}

export interface Smb2SessionSetupRequest {
  readonly header: Smb2Header;
  readonly setupFlags: number;
  readonly securityMode: number;
  readonly capabilities: number;
  readonly channel: number;
  readonly previousSessionId: bigint;
  readonly securityBlob: Uint8Array;
}

export function decodeSmb2SessionSetupRequest(payload: Uint8Array): Smb2SessionSetupRequest {
  const { header, r } = decodeSmb2Command(payload, Smb2Command.SESSION_SETUP, 'SESSION_SETUP');
  const at = r.offset;
  const structureSize = r.u16le('SMB2.SessionSetup.StructureSize');
  if (structureSize !== 25) throw new DecodeError('invalid', 'SMB2.SessionSetup.StructureSize', at, `expected 25, got ${structureSize}`);
  const setupFlags = r.u8('SMB2.SessionSetup.Flags');
  const securityMode = r.u8('SMB2.SessionSetup.SecurityMode');
  const capabilities = r.u32le('SMB2.SessionSetup.Capabilities');
  const channel = r.u32le('SMB2.SessionSetup.Channel');
  const offset = r.u16le('SMB2.SessionSetup.SecurityBufferOffset');
  const length = r.u16le('SMB2.SessionSetup.SecurityBufferLength');
  const previousSessionId = r.u64le('SMB2.SessionSetup.PreviousSessionId');
  const securityBlob = readSecurityBuffer(payload, offset, length, 'SMB2.SessionSetup.SecurityBuffer');
  return { header, setupFlags, securityMode, capabilities, channel, previousSessionId, securityBlob };
}

export type Smb2SessionSetupResponse =
  | {
      readonly kind: 'session-setup';
      readonly header: Smb2Header;
      /** SUCCESS or MORE_PROCESSING_REQUIRED (the challenge leg). */
      readonly status: number;
      /** From the header; echo it in any further request on this connection. */
      readonly sessionId: bigint;
      readonly sessionFlags: number;
      readonly securityBuffer: Uint8Array;
    }
  | ({ readonly kind: 'error'; readonly header: Smb2Header; readonly status: number } & Smb2ErrorBody);

export function decodeSmb2SessionSetupResponse(payload: Uint8Array): Smb2SessionSetupResponse {
  const { header, r } = decodeSmb2Command(payload, Smb2Command.SESSION_SETUP, 'SESSION_SETUP');
  if (header.status !== NtStatus.SUCCESS && header.status !== NtStatus.MORE_PROCESSING_REQUIRED) {
    return { kind: 'error', header, status: header.status, ...readSmb2ErrorBody(r) };
  }
  const at = r.offset;
  const structureSize = r.u16le('SMB2.SessionSetup.StructureSize');
  if (structureSize !== 9) throw new DecodeError('invalid', 'SMB2.SessionSetup.StructureSize', at, `expected 9, got ${structureSize}`);
  const sessionFlags = r.u16le('SMB2.SessionSetup.SessionFlags');
  const offset = r.u16le('SMB2.SessionSetup.SecurityBufferOffset');
  const length = r.u16le('SMB2.SessionSetup.SecurityBufferLength');
  const securityBuffer = readSecurityBuffer(payload, offset, length, 'SMB2.SessionSetup.SecurityBuffer');
  return { kind: 'session-setup', header, status: header.status, sessionId: header.sessionId, sessionFlags, securityBuffer };
}

export interface Smb2SessionSetupResponseInput extends Omit<Smb2HeaderInput, 'command'> {
  readonly sessionFlags?: number;
  readonly securityBuffer: Uint8Array;
}

/** Server-side encoder (test fakes, round trips). */
export function encodeSmb2SessionSetupResponse(input: Smb2SessionSetupResponseInput): Uint8Array {
  const { sessionFlags, securityBuffer, ...header } = input;
  const body = new ByteWriter()
    .u16le(9)
    .u16le(sessionFlags ?? 0)
    .u16le(securityBuffer.length > 0 ? SMB2_HEADER_LENGTH + 8 : 0)
    .u16le(securityBuffer.length)
    .bytes(securityBuffer)
    .finish();
  return encodeSmb2Message(
    {
      ...header,
      status: header.status ?? NtStatus.MORE_PROCESSING_REQUIRED,
      messageId: header.messageId ?? 1n,
      flags: header.flags ?? Smb2HeaderFlags.SERVER_TO_REDIR,
      command: Smb2Command.SESSION_SETUP,
    },
    body,
  );
}
