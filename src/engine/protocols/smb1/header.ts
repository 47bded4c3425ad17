// SMB1 (CIFS) message framing: the 32-byte header (MS-CIFS 2.2.3.1) followed by the
// parameter block (WordCount + words) and data block (ByteCount + bytes) (MS-CIFS 2.2.3.2/3).
// docs/smb-detection.md §2.1–2.4.
//
// Status: if Flags2 has NT_STATUS (0x4000) the 4 bytes at S+5 are an NTSTATUS, otherwise a
// DOS error (class u8, reserved u8, code u16le). Both forms occur in real replies (NT form
// [P:wcry#207]; Windows XP answers in DOS form, reproduced in [S:syxp#6, syxp#7]), so the decoder
// reports which form it saw; a DOS-form answer is never mapped to an NT code.
//
// Tolerated deviations:
// * Bytes after the ByteCount block are accepted and counted in `trailing`: nmap's
//   PeekNamedPipe carries one stray byte [L:ns1_smb-vuln-ms17-010#19] and Metasploit's
//   DoublePulsar ping 14 [P:id2t#18]; servers ignore them, so do we.
// * The reply bit (Flags 0x80) is not required; callers check Command and MID.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import { hex32 } from '../bytes/hex.js';
import { formatNtStatus } from './ntstatus.js';

export const SMB1_HEADER_LENGTH = 32;
/** \xFF S M B */
export const SMB1_PROTOCOL_ID: readonly number[] = [0xff, 0x53, 0x4d, 0x42];

export const Smb1Command = {
  TRANSACTION: 0x25,
  ECHO: 0x2b,
  TRANSACTION2: 0x32,
  TREE_DISCONNECT: 0x71,
  NEGOTIATE: 0x72,
  SESSION_SETUP_ANDX: 0x73,
  LOGOFF_ANDX: 0x74,
  TREE_CONNECT_ANDX: 0x75,
  NT_TRANSACT: 0xa0,
} as const;

/** Header Flags (MS-CIFS 2.2.3.1). Requests use 0x18. */
export const Smb1Flags = {
  CASE_INSENSITIVE: 0x08,
  CANONICALIZED_PATHS: 0x10,
  REPLY: 0x80,
} as const;

/** Header Flags2 (MS-CIFS 2.2.3.1, MS-SMB 2.2.3.1). */
export const Smb1Flags2 = {
  LONG_NAMES: 0x0001,
  EAS: 0x0002,
  SECURITY_SIGNATURE: 0x0004,
  COMPRESSED: 0x0008,
  SECURITY_SIGNATURE_REQUIRED: 0x0010,
  IS_LONG_NAME: 0x0040,
  REPARSE_PATH: 0x0400,
  EXTENDED_SECURITY: 0x0800,
  DFS: 0x1000,
  PAGING_IO: 0x2000,
  NT_STATUS: 0x4000,
  UNICODE: 0x8000,
} as const;

/** AndXCommand value meaning "no further command". */
export const SMB1_ANDX_NONE = 0xff;

export type Smb1Status =
  | { readonly kind: 'nt'; readonly code: number }
  | { readonly kind: 'dos'; readonly errorClass: number; readonly errorCode: number };

export interface Smb1Header {
  readonly command: number;
  readonly status: Smb1Status;
  readonly flags: number;
  readonly flags2: number;
  readonly pidHigh: number;
  /** 8 bytes; DoublePulsar writes its key material here (docs/smb-detection.md §6.3). */
  readonly securitySignature: Uint8Array;
  readonly tid: number;
  readonly pidLow: number;
  readonly uid: number;
  readonly mid: number;
}

/** What encoders accept: everything but the command has a request default. */
export interface Smb1HeaderInput {
  readonly command: number;
  /** Default NT SUCCESS. */
  readonly status?: Smb1Status;
  /** Default 0x18 (case-insensitive, canonicalised), as every client in the vectors sends. */
  readonly flags?: number;
  /** Default 0x4001 (NT status + long names), docs/smb-detection.md §5.2 step 1. */
  readonly flags2?: number;
  readonly pidHigh?: number;
  readonly securitySignature?: Uint8Array;
  readonly tid?: number;
  /** Default 0xFEFF (FuzzBunch/Countercept and our probe). */
  readonly pidLow?: number;
  readonly uid?: number;
  readonly mid?: number;
}

export const SMB1_DEFAULT_FLAGS = Smb1Flags.CASE_INSENSITIVE | Smb1Flags.CANONICALIZED_PATHS;
export const SMB1_DEFAULT_FLAGS2 = Smb1Flags2.NT_STATUS | Smb1Flags2.LONG_NAMES;
export const SMB1_DEFAULT_PID = 0xfeff;

export function encodeSmb1Header(w: ByteWriter, h: Smb1HeaderInput): void {
  const status = h.status ?? { kind: 'nt', code: 0 };
  const sig = h.securitySignature ?? new Uint8Array(8);
  if (sig.length !== 8) throw new RangeError('SMB1 SecuritySignature must be 8 bytes');
  w.bytes(Uint8Array.from(SMB1_PROTOCOL_ID)).u8(h.command);
  if (status.kind === 'nt') w.u32le(status.code >>> 0);
  else w.u8(status.errorClass).u8(0).u16le(status.errorCode);
  w.u8(h.flags ?? SMB1_DEFAULT_FLAGS)
    .u16le(h.flags2 ?? SMB1_DEFAULT_FLAGS2)
    .u16le(h.pidHigh ?? 0)
    .bytes(sig)
    .u16le(0)
    .u16le(h.tid ?? 0)
    .u16le(h.pidLow ?? SMB1_DEFAULT_PID)
    .u16le(h.uid ?? 0)
    .u16le(h.mid ?? 0);
}

export function decodeSmb1Header(r: ByteReader): Smb1Header {
  const at = r.offset;
  const magic = r.bytes(4, 'SMB1.Protocol');
  if (!SMB1_PROTOCOL_ID.every((b, i) => magic[i] === b)) {
    throw new DecodeError('invalid', 'SMB1.Protocol', at, 'not an SMB1 message (expected FF 53 4D 42)');
  }
  const command = r.u8('SMB1.Command');
  const statusBytes = r.sub(4, 'SMB1.Status');
  const flags = r.u8('SMB1.Flags');
  const flags2 = r.u16le('SMB1.Flags2');
  let status: Smb1Status;
  if (flags2 & Smb1Flags2.NT_STATUS) {
    status = { kind: 'nt', code: statusBytes.u32le('SMB1.Status') };
  } else {
    const errorClass = statusBytes.u8('SMB1.ErrorClass');
    statusBytes.skip(1, 'SMB1.Reserved');
    status = { kind: 'dos', errorClass, errorCode: statusBytes.u16le('SMB1.ErrorCode') };
  }
  const pidHigh = r.u16le('SMB1.PIDHigh');
  const securitySignature = r.bytes(8, 'SMB1.SecuritySignature');
  r.skip(2, 'SMB1.Reserved');
  const tid = r.u16le('SMB1.TID');
  const pidLow = r.u16le('SMB1.PIDLow');
  const uid = r.u16le('SMB1.UID');
  const mid = r.u16le('SMB1.MID');
  return { command, status, flags, flags2, pidHigh, securitySignature, tid, pidLow, uid, mid };
}

/** True for an NT-form SUCCESS or a DOS-form 0/0. */
export function isSmb1Success(status: Smb1Status): boolean {
  return status.kind === 'nt' ? status.code === 0 : status.errorClass === 0 && status.errorCode === 0;
}

/** `0xC0000205` or `DOS class=0x02 code=0x0005` (the notation of docs/smb-detection.md and fixtures/expected.json). */
export function formatSmb1Status(status: Smb1Status): string {
  return status.kind === 'nt'
    ? formatNtStatus(status.code)
    : `DOS class=${hex32(status.errorClass, 2)} code=${hex32(status.errorCode, 4)}`;
}

/** A whole SMB1 message split into header, parameter words and data bytes (all views). */
export interface Smb1Message {
  readonly header: Smb1Header;
  readonly wordCount: number;
  /** WordCount × 2 bytes, starting at S+33. */
  readonly words: Uint8Array;
  readonly byteCount: number;
  /** ByteCount bytes, starting at `dataOffset`. */
  readonly data: Uint8Array;
  /** S-relative offset of the first data byte (= 35 + 2 × WordCount). */
  readonly dataOffset: number;
  /** Bytes after the data block (tolerated, see header comment). */
  readonly trailing: number;
  /** The complete message (for offset fields that point anywhere in it). */
  readonly raw: Uint8Array;
}

/** Decodes header + blocks; WordCount and ByteCount are checked against the message length. */
export function decodeSmb1Message(payload: Uint8Array): Smb1Message {
  const r = new ByteReader(payload);
  const header = decodeSmb1Header(r);
  const wordCount = r.u8('SMB1.WordCount');
  const words = r.bytes(wordCount * 2, 'SMB1.Words');
  const byteCount = r.u16le('SMB1.ByteCount');
  const dataOffset = r.offset;
  const data = r.bytes(byteCount, 'SMB1.Bytes');
  return { header, wordCount, words, byteCount, data, dataOffset, trailing: r.remaining, raw: payload };
}

/** Reader over the words block, positioned at S+33 (absolute numbering preserved). */
export function wordsReader(msg: Smb1Message): ByteReader {
  return new ByteReader(msg.raw, SMB1_HEADER_LENGTH + 1, SMB1_HEADER_LENGTH + 1 + msg.words.length);
}

/** Reader over the data block, positioned at `dataOffset` (absolute numbering preserved). */
export function dataReader(msg: Smb1Message): ByteReader {
  return new ByteReader(msg.raw, msg.dataOffset, msg.dataOffset + msg.byteCount);
}

/** Decodes a message and checks its command; the common first step of every decodeX. */
export function decodeSmb1Command(payload: Uint8Array, command: number, what: string): Smb1Message {
  const msg = decodeSmb1Message(payload);
  if (msg.header.command !== command) {
    throw new DecodeError('invalid', 'SMB1.Command', 4, `expected ${what} (0x${command.toString(16)}), got 0x${msg.header.command.toString(16)}`);
  }
  return msg;
}

/**
 * Builds a complete SMB1 message. `words` is the parameter block without WordCount; `data`
 * receives a writer whose origin is the S-relative data offset, so `align(2)` pads correctly.
 */
export function encodeSmb1Message(
  header: Smb1HeaderInput,
  words: Uint8Array,
  data?: Uint8Array | ((w: ByteWriter) => void),
): Uint8Array {
  if (words.length % 2 !== 0 || words.length > 255 * 2) throw new RangeError('SMB1 words must be an even number of bytes ≤ 510');
  const dataOffset = SMB1_HEADER_LENGTH + 1 + words.length + 2;
  let dataBytes: Uint8Array;
  if (data === undefined) dataBytes = new Uint8Array(0);
  else if (data instanceof Uint8Array) dataBytes = data;
  else {
    const dw = new ByteWriter({ origin: dataOffset });
    data(dw);
    dataBytes = dw.finish();
  }
  if (dataBytes.length > 0xffff) throw new RangeError('SMB1 ByteCount exceeds 65535');
  const w = new ByteWriter({ initialCapacity: dataOffset + dataBytes.length });
  encodeSmb1Header(w, header);
  w.u8(words.length / 2).bytes(words).u16le(dataBytes.length).bytes(dataBytes);
  return w.finish();
}

/** AndX block (MS-CIFS 2.2.3.4): AndXCommand, AndXReserved, AndXOffset. */
export interface AndX {
  readonly command: number;
  readonly offset: number;
}

export function readAndX(r: ByteReader): AndX {
  const command = r.u8('SMB1.AndXCommand');
  r.skip(1, 'SMB1.AndXReserved');
  return { command, offset: r.u16le('SMB1.AndXOffset') };
}

export function writeAndX(w: ByteWriter, andx: AndX = { command: SMB1_ANDX_NONE, offset: 0 }): void {
  w.u8(andx.command).u8(0).u16le(andx.offset);
}
