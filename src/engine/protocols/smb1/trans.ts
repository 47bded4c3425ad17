// SMB1 TRANSACTION (0x25) and the shared TRANSACTION/TRANSACTION2 layout.
//
// The MS17-010 check sends one TRANSACTION carrying the named-pipe sub-command
// TRANS_PEEK_NMPIPE (0x0023) for FID 0 on the IPC$ tree; an unpatched srv.sys answers
// STATUS_INSUFF_SERVER_RESOURCES, a patched one STATUS_INVALID_HANDLE or ACCESS_DENIED
// (docs/smb-detection.md §5.1–5.3). The request is the 74-byte message that Metasploit 2017,
// WannaCry and our probe send byte for byte [P:id2t#15, wcry#206] [L:ns1_probe_ms17#12].
//
// Request (MS-CIFS 2.2.4.33.1; TRANSACTION2 2.2.4.46.1 has the same words): WordCount
// 14 + SetupCount; data: Name, Pad1, Trans_Parameters, Pad2, Trans_Data, with
// ParameterOffset/DataOffset relative to S+0.
// Response (MS-CIFS 2.2.4.33.2 / 2.2.4.46.2): WordCount 10 + SetupCount, or 0 with an error
// status — for the MS17-010 verdict only the header status matters.
//
// Decoders check every count/offset against the whole message. Tolerated deviations: nmap's
// request carries a stray byte after ByteCount [L:ns1_smb-vuln-ms17-010#19]; parameters may
// lie outside the ByteCount block but inside the message (Metasploit's DoublePulsar ping
// [P:id2t#18]); offsets of empty parameter/data sections are not checked.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';
import {
  dataReader,
  decodeSmb1Command,
  encodeSmb1Message,
  SMB1_HEADER_LENGTH,
  Smb1Command,
  Smb1Flags2,
  wordsReader,
  type Smb1Header,
  type Smb1HeaderInput,
  type Smb1Message,
} from './header.js';

/** Named-pipe transaction sub-commands (MS-CIFS 2.2.5). */
export const TransSubcommand = {
  SET_NMPIPE_STATE: 0x0001,
  RAW_READ_NMPIPE: 0x0011,
  QUERY_NMPIPE_STATE: 0x0021,
  QUERY_NMPIPE_INFO: 0x0022,
  PEEK_NMPIPE: 0x0023,
  TRANSACT_NMPIPE: 0x0026,
} as const;

export const PIPE_NAME = '\\PIPE\\';
const MAX_NAME_BYTES = 256;

// ---------------------------------------------------------------- shared request layout

export interface TransRequestFields {
  readonly setup: readonly number[];
  readonly parameters?: Uint8Array;
  readonly data?: Uint8Array;
  /** Default = parameters.length. */
  readonly totalParameterCount?: number;
  /** Default = data.length. */
  readonly totalDataCount?: number;
  /** Default 0xFFFF. */
  readonly maxParameterCount?: number;
  /** Default 0xFFFF. */
  readonly maxDataCount?: number;
  readonly maxSetupCount?: number;
  /** Transaction Flags word (not the header Flags). Default 0. */
  readonly transFlags?: number;
  /** Default 0. DoublePulsar reads its command from here (§6.4). */
  readonly timeout?: number;
  /**
   * Alignment of Trans_Parameters/Trans_Data relative to S+0 when non-empty. MS-CIFS Pad1/Pad2
   * "SHOULD" align to 4; FuzzBunch's ping uses 2 (ParameterOffset 66). Default 4.
   */
  readonly align?: 1 | 2 | 4;
}

/** Shared encoder: `writeName` writes the Name field (TRANSACTION) or its placeholder (TRANSACTION2). */
export function encodeTransLikeRequest(
  command: number,
  header: Omit<Smb1HeaderInput, 'command'>,
  f: TransRequestFields,
  writeName: (d: ByteWriter) => void,
): Uint8Array {
  const params = f.parameters ?? new Uint8Array(0);
  const data = f.data ?? new Uint8Array(0);
  if (f.setup.length > 0xff) throw new RangeError('too many setup words');
  const wordCount = 14 + f.setup.length;
  const dataStart = SMB1_HEADER_LENGTH + 1 + 2 * wordCount + 2;
  const align = f.align ?? 4;
  const d = new ByteWriter({ origin: dataStart });
  writeName(d);
  if (params.length > 0) d.align(align);
  const parameterOffset = d.position;
  d.bytes(params);
  if (data.length > 0) d.align(align);
  const dataOffset = d.position;
  d.bytes(data);
  const words = new ByteWriter()
    .u16le(f.totalParameterCount ?? params.length)
    .u16le(f.totalDataCount ?? data.length)
    .u16le(f.maxParameterCount ?? 0xffff)
    .u16le(f.maxDataCount ?? 0xffff)
    .u8(f.maxSetupCount ?? 0)
    .u8(0)
    .u16le(f.transFlags ?? 0)
    .u32le((f.timeout ?? 0) >>> 0)
    .u16le(0)
    .u16le(params.length)
    .u16le(parameterOffset)
    .u16le(data.length)
    .u16le(dataOffset)
    .u8(f.setup.length)
    .u8(0);
  for (const s of f.setup) words.u16le(s);
  return encodeSmb1Message({ ...header, command }, words.finish(), d.finish());
}

export interface TransRequestWords {
  readonly totalParameterCount: number;
  readonly totalDataCount: number;
  readonly maxParameterCount: number;
  readonly maxDataCount: number;
  readonly maxSetupCount: number;
  readonly transFlags: number;
  readonly timeout: number;
  readonly parameterCount: number;
  readonly parameterOffset: number;
  readonly dataCount: number;
  readonly dataOffset: number;
  readonly setup: readonly number[];
  /** Views into the message; empty when the count is 0. */
  readonly parameters: Uint8Array;
  readonly data: Uint8Array;
}

/** Slice `count` bytes at S-relative `offset`, checked against the whole message. */
export function sliceSection(msg: Smb1Message, offset: number, count: number, field: string): Uint8Array {
  if (count === 0) return new Uint8Array(0);
  if (offset < SMB1_HEADER_LENGTH + 1) {
    throw new DecodeError('invalid', field, offset, `offset ${offset} points into the SMB header`);
  }
  return new ByteReader(msg.raw).window(offset, count, field).rest();
}

export function readTransRequestWords(msg: Smb1Message, what: string): TransRequestWords {
  if (msg.wordCount < 14) throw new DecodeError('invalid', `${what}.WordCount`, 32, `WordCount ${msg.wordCount} < 14`);
  const w = wordsReader(msg);
  const totalParameterCount = w.u16le(`${what}.TotalParameterCount`);
  const totalDataCount = w.u16le(`${what}.TotalDataCount`);
  const maxParameterCount = w.u16le(`${what}.MaxParameterCount`);
  const maxDataCount = w.u16le(`${what}.MaxDataCount`);
  const maxSetupCount = w.u8(`${what}.MaxSetupCount`);
  w.skip(1, `${what}.Reserved1`);
  const transFlags = w.u16le(`${what}.Flags`);
  const timeout = w.u32le(`${what}.Timeout`);
  w.skip(2, `${what}.Reserved2`);
  const parameterCount = w.u16le(`${what}.ParameterCount`);
  const parameterOffset = w.u16le(`${what}.ParameterOffset`);
  const dataCount = w.u16le(`${what}.DataCount`);
  const dataOffset = w.u16le(`${what}.DataOffset`);
  const setupAt = w.offset;
  const setupCount = w.u8(`${what}.SetupCount`);
  w.skip(1, `${what}.Reserved3`);
  if (14 + setupCount !== msg.wordCount) {
    throw new DecodeError('invalid', `${what}.SetupCount`, setupAt, `SetupCount ${setupCount} does not match WordCount ${msg.wordCount}`);
  }
  const setup: number[] = [];
  for (let i = 0; i < setupCount; i++) setup.push(w.u16le(`${what}.Setup`));
  const parameters = sliceSection(msg, parameterOffset, parameterCount, `${what}.Parameters`);
  const data = sliceSection(msg, dataOffset, dataCount, `${what}.Data`);
  return {
    totalParameterCount, totalDataCount, maxParameterCount, maxDataCount, maxSetupCount, transFlags, timeout,
    parameterCount, parameterOffset, dataCount, dataOffset, setup, parameters, data,
  };
}

// ---------------------------------------------------------------- shared response layout

export interface TransResponseBody {
  readonly totalParameterCount: number;
  readonly totalDataCount: number;
  readonly parameterCount: number;
  readonly parameterOffset: number;
  readonly parameterDisplacement: number;
  readonly dataCount: number;
  readonly dataOffset: number;
  readonly dataDisplacement: number;
  readonly setup: readonly number[];
  readonly parameters: Uint8Array;
  readonly data: Uint8Array;
}

export interface TransLikeResponse {
  readonly header: Smb1Header;
  readonly wordCount: number;
  /** Present when WordCount ≥ 10 (a success/final or interim-with-data reply); error replies have WordCount 0. */
  readonly body: TransResponseBody | undefined;
}

export function decodeTransLikeResponse(payload: Uint8Array, command: number, what: string): TransLikeResponse {
  const msg = decodeSmb1Command(payload, command, what);
  if (msg.wordCount === 0) return { header: msg.header, wordCount: 0, body: undefined };
  if (msg.wordCount < 10) throw new DecodeError('invalid', `${what}.WordCount`, 32, `response WordCount ${msg.wordCount} (expected 0 or ≥ 10)`);
  const w = wordsReader(msg);
  const totalParameterCount = w.u16le(`${what}.TotalParameterCount`);
  const totalDataCount = w.u16le(`${what}.TotalDataCount`);
  w.skip(2, `${what}.Reserved1`);
  const parameterCount = w.u16le(`${what}.ParameterCount`);
  const parameterOffset = w.u16le(`${what}.ParameterOffset`);
  const parameterDisplacement = w.u16le(`${what}.ParameterDisplacement`);
  const dataCount = w.u16le(`${what}.DataCount`);
  const dataOffset = w.u16le(`${what}.DataOffset`);
  const dataDisplacement = w.u16le(`${what}.DataDisplacement`);
  const setupAt = w.offset;
  const setupCount = w.u8(`${what}.SetupCount`);
  w.skip(1, `${what}.Reserved2`);
  if (10 + setupCount !== msg.wordCount) {
    throw new DecodeError('invalid', `${what}.SetupCount`, setupAt, `SetupCount ${setupCount} does not match WordCount ${msg.wordCount}`);
  }
  const setup: number[] = [];
  for (let i = 0; i < setupCount; i++) setup.push(w.u16le(`${what}.Setup`));
  const parameters = sliceSection(msg, parameterOffset, parameterCount, `${what}.Parameters`);
  const data = sliceSection(msg, dataOffset, dataCount, `${what}.Data`);
  return {
    header: msg.header,
    wordCount: msg.wordCount,
    body: {
      totalParameterCount, totalDataCount, parameterCount, parameterOffset, parameterDisplacement,
      dataCount, dataOffset, dataDisplacement, setup, parameters, data,
    },
  };
}

export interface TransResponseInput extends Omit<Smb1HeaderInput, 'command'> {
  /** Omit for an error reply (WordCount 0). */
  readonly body?: { readonly setup?: readonly number[]; readonly parameters?: Uint8Array; readonly data?: Uint8Array };
}

/** Server-side encoder for TRANSACTION/TRANSACTION2 replies (test fakes, round trips). */
export function encodeTransLikeResponse(command: number, input: TransResponseInput): Uint8Array {
  const { body, ...rest } = input;
  const header = { ...rest, flags: rest.flags ?? 0x88, command };
  if (body === undefined) return encodeSmb1Message(header, new Uint8Array(0));
  const setup = body.setup ?? [];
  const params = body.parameters ?? new Uint8Array(0);
  const data = body.data ?? new Uint8Array(0);
  const dataStart = SMB1_HEADER_LENGTH + 1 + 2 * (10 + setup.length) + 2;
  const d = new ByteWriter({ origin: dataStart });
  if (params.length > 0) d.align(4);
  const parameterOffset = d.position;
  d.bytes(params);
  if (data.length > 0) d.align(4);
  const dataOffset = d.position;
  d.bytes(data);
  const words = new ByteWriter()
    .u16le(params.length)
    .u16le(data.length)
    .u16le(0)
    .u16le(params.length)
    .u16le(parameterOffset)
    .u16le(0)
    .u16le(data.length)
    .u16le(dataOffset)
    .u16le(0)
    .u8(setup.length)
    .u8(0);
  for (const s of setup) words.u16le(s);
  return encodeSmb1Message(header, words.finish(), d.finish());
}

// ---------------------------------------------------------------- TRANSACTION (0x25)

export interface Smb1TransactionRequestInput extends Omit<Smb1HeaderInput, 'command'>, TransRequestFields {
  /** Default `\PIPE\`. Unicode (aligned) when Flags2 has UNICODE, else ASCII. */
  readonly name?: string;
}

export function encodeSmb1TransactionRequest(input: Smb1TransactionRequestInput): Uint8Array {
  const {
    name, setup, parameters, data, totalParameterCount, totalDataCount, maxParameterCount, maxDataCount,
    maxSetupCount, transFlags, timeout, align, ...header
  } = input;
  const unicode = ((header.flags2 ?? 0) & Smb1Flags2.UNICODE) !== 0;
  const fields: TransRequestFields = {
    setup, parameters, data, totalParameterCount, totalDataCount, maxParameterCount, maxDataCount,
    maxSetupCount, transFlags, timeout, align,
  };
  return encodeTransLikeRequest(Smb1Command.TRANSACTION, header, fields, (d) => {
    if (unicode) d.align(2).utf16le(name ?? PIPE_NAME, true);
    else d.latin1(name ?? PIPE_NAME, true);
  });
}

export interface PeekNamedPipeInput extends Omit<Smb1HeaderInput, 'command'> {
  /** Default 0: the invalid FID that makes the MS17-010 difference visible (§5.1). */
  readonly fid?: number;
}

/**
 * The MS17-010 probe request (§5.2 step 4): TotalParameterCount 0, TotalDataCount 0,
 * MaxParameterCount/MaxDataCount 0xFFFF, Setup [0x0023, FID], Name `\PIPE\`, no parameters,
 * no data → ParameterOffset = DataOffset = 74, ByteCount 7 (ASCII).
 */
export function encodePeekNamedPipeRequest(input: PeekNamedPipeInput): Uint8Array {
  const { fid, ...header } = input;
  return encodeSmb1TransactionRequest({
    ...header,
    setup: [TransSubcommand.PEEK_NMPIPE, fid ?? 0],
    name: PIPE_NAME,
    maxParameterCount: 0xffff,
    maxDataCount: 0xffff,
  });
}

export interface Smb1TransactionRequest extends TransRequestWords {
  readonly header: Smb1Header;
  readonly name: string;
  readonly byteCount: number;
  readonly trailing: number;
}

export function decodeSmb1TransactionRequest(payload: Uint8Array): Smb1TransactionRequest {
  const msg = decodeSmb1Command(payload, Smb1Command.TRANSACTION, 'TRANSACTION');
  const words = readTransRequestWords(msg, 'SMB1.Trans');
  const d = dataReader(msg);
  let name: string;
  if (msg.header.flags2 & Smb1Flags2.UNICODE) {
    if (d.remaining > 0) d.align(2, 'SMB1.Trans.NamePad');
    name = d.utf16lez('SMB1.Trans.Name', MAX_NAME_BYTES);
  } else {
    name = d.latin1z('SMB1.Trans.Name', MAX_NAME_BYTES);
  }
  return { ...words, header: msg.header, name, byteCount: msg.byteCount, trailing: msg.trailing };
}

export type Smb1TransactionResponse = TransLikeResponse;

/** The verdict reads `header.status` (NT or DOS form) and `header.mid` (§5.3). */
export function decodeSmb1TransactionResponse(payload: Uint8Array): Smb1TransactionResponse {
  return decodeTransLikeResponse(payload, Smb1Command.TRANSACTION, 'SMB1.Trans');
}

export function encodeSmb1TransactionResponse(input: TransResponseInput): Uint8Array {
  return encodeTransLikeResponse(Smb1Command.TRANSACTION, input);
}
