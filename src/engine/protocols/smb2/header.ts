// SMB2/3 packet header (MS-SMB2 2.2.1): 64 bytes, synchronous (2.2.1.2) or asynchronous
// (2.2.1.1, Flags has ASYNC_COMMAND: AsyncId replaces Reserved/ProcessId + TreeId).
// docs/smb-detection.md §3.3. Requests use CreditCharge 0, CreditRequest 1, MessageId 0, 1, …
// per connection, SessionId 0 until the first SESSION_SETUP response sets it.
//
// An SMB2 TRANSFORM_HEADER (0xFD 'SMB', encryption, MS-SMB2 2.2.41) or COMPRESSION_TRANSFORM
// header (0xFC 'SMB', 2.2.42) is reported as DecodeError('unsupported'): nothing we send can
// legitimately be answered with one, since we never negotiate encryption or compression keys.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';

export const SMB2_HEADER_LENGTH = 64;
/** \xFE S M B */
export const SMB2_PROTOCOL_ID: readonly number[] = [0xfe, 0x53, 0x4d, 0x42];

export const Smb2Command = {
  NEGOTIATE: 0x0000,
  SESSION_SETUP: 0x0001,
  LOGOFF: 0x0002,
  TREE_CONNECT: 0x0003,
  TREE_DISCONNECT: 0x0004,
  CREATE: 0x0005,
  CLOSE: 0x0006,
  ECHO: 0x000d,
  IOCTL: 0x000b,
} as const;

export const Smb2HeaderFlags = {
  SERVER_TO_REDIR: 0x00000001,
  ASYNC_COMMAND: 0x00000002,
  RELATED_OPERATIONS: 0x00000004,
  SIGNED: 0x00000008,
  DFS_OPERATIONS: 0x10000000,
  REPLAY_OPERATION: 0x20000000,
} as const;

export interface Smb2Header {
  readonly creditCharge: number;
  /** NTSTATUS in responses; ChannelSequence/Reserved in requests (0 from us). */
  readonly status: number;
  readonly command: number;
  /** CreditRequest (requests) / CreditResponse (responses). */
  readonly credits: number;
  readonly flags: number;
  readonly nextCommand: number;
  readonly messageId: bigint;
  /** Set for the asynchronous form only. */
  readonly asyncId: bigint | undefined;
  /** Synchronous form only (0 otherwise). */
  readonly processId: number;
  readonly treeId: number;
  readonly sessionId: bigint;
  readonly signature: Uint8Array;
}

export interface Smb2HeaderInput {
  readonly command: number;
  readonly creditCharge?: number;
  readonly status?: number;
  /** Default 1. */
  readonly credits?: number;
  readonly flags?: number;
  readonly nextCommand?: number;
  /** Default 0n. */
  readonly messageId?: bigint;
  readonly processId?: number;
  readonly treeId?: number;
  readonly sessionId?: bigint;
  readonly signature?: Uint8Array;
}

export function encodeSmb2Header(w: ByteWriter, h: Smb2HeaderInput): void {
  const sig = h.signature ?? new Uint8Array(16);
  if (sig.length !== 16) throw new RangeError('SMB2 Signature must be 16 bytes');
  if (((h.flags ?? 0) & Smb2HeaderFlags.ASYNC_COMMAND) !== 0) throw new RangeError('async headers are not encoded');
  w.bytes(Uint8Array.from(SMB2_PROTOCOL_ID))
    .u16le(SMB2_HEADER_LENGTH)
    .u16le(h.creditCharge ?? 0)
    .u32le((h.status ?? 0) >>> 0)
    .u16le(h.command)
    .u16le(h.credits ?? 1)
    .u32le((h.flags ?? 0) >>> 0)
    .u32le(h.nextCommand ?? 0)
    .u64le(h.messageId ?? 0n)
    .u32le(h.processId ?? 0)
    .u32le(h.treeId ?? 0)
    .u64le(h.sessionId ?? 0n)
    .bytes(sig);
}

export function decodeSmb2Header(r: ByteReader): Smb2Header {
  const at = r.offset;
  const magic = r.bytes(4, 'SMB2.ProtocolId');
  if (magic[1] === 0x53 && magic[2] === 0x4d && magic[3] === 0x42 && (magic[0] === 0xfd || magic[0] === 0xfc)) {
    throw new DecodeError('unsupported', 'SMB2.ProtocolId', at, magic[0] === 0xfd ? 'encrypted (TRANSFORM_HEADER)' : 'compressed (COMPRESSION_TRANSFORM_HEADER)');
  }
  if (!SMB2_PROTOCOL_ID.every((b, i) => magic[i] === b)) {
    throw new DecodeError('invalid', 'SMB2.ProtocolId', at, 'not an SMB2 message (expected FE 53 4D 42)');
  }
  const sizeAt = r.offset;
  const structureSize = r.u16le('SMB2.StructureSize');
  if (structureSize !== SMB2_HEADER_LENGTH) throw new DecodeError('invalid', 'SMB2.StructureSize', sizeAt, `expected 64, got ${structureSize}`);
  const creditCharge = r.u16le('SMB2.CreditCharge');
  const status = r.u32le('SMB2.Status');
  const command = r.u16le('SMB2.Command');
  const credits = r.u16le('SMB2.Credits');
  const flags = r.u32le('SMB2.Flags');
  const nextCommand = r.u32le('SMB2.NextCommand');
  const messageId = r.u64le('SMB2.MessageId');
  let asyncId: bigint | undefined;
  let processId = 0;
  let treeId = 0;
  if (flags & Smb2HeaderFlags.ASYNC_COMMAND) {
    asyncId = r.u64le('SMB2.AsyncId');
  } else {
    processId = r.u32le('SMB2.Reserved');
    treeId = r.u32le('SMB2.TreeId');
  }
  const sessionId = r.u64le('SMB2.SessionId');
  const signature = r.bytes(16, 'SMB2.Signature');
  return { creditCharge, status, command, credits, flags, nextCommand, messageId, asyncId, processId, treeId, sessionId, signature };
}

/** Reads the header and requires `command`; returns a reader positioned at S+64. */
export function decodeSmb2Command(payload: Uint8Array, command: number, what: string): { header: Smb2Header; r: ByteReader } {
  const r = new ByteReader(payload);
  const header = decodeSmb2Header(r);
  if (header.command !== command) {
    throw new DecodeError('invalid', 'SMB2.Command', 12, `expected ${what} (0x${command.toString(16)}), got 0x${header.command.toString(16)}`);
  }
  return { header, r };
}

/** SMB2 ERROR response body (MS-SMB2 2.2.2): StructureSize 9, ErrorContextCount, ByteCount, ErrorData. */
export interface Smb2ErrorBody {
  readonly errorContextCount: number;
  readonly errorData: Uint8Array;
}

export function readSmb2ErrorBody(r: ByteReader): Smb2ErrorBody {
  const at = r.offset;
  const structureSize = r.u16le('SMB2.Error.StructureSize');
  if (structureSize !== 9) throw new DecodeError('invalid', 'SMB2.Error.StructureSize', at, `expected 9, got ${structureSize}`);
  const errorContextCount = r.u8('SMB2.Error.ErrorContextCount');
  r.skip(1, 'SMB2.Error.Reserved');
  const byteCount = r.u32le('SMB2.Error.ByteCount');
  // MS-SMB2 2.2.2: with ByteCount 0 the server still sends one ErrorData byte; it is left unread.
  const errorData = r.bytes(byteCount, 'SMB2.Error.ErrorData');
  return { errorContextCount, errorData };
}

/** Builds header + body. */
export function encodeSmb2Message(header: Smb2HeaderInput, body: Uint8Array): Uint8Array {
  const w = new ByteWriter({ initialCapacity: SMB2_HEADER_LENGTH + body.length });
  encodeSmb2Header(w, header);
  return w.bytes(body).finish();
}
