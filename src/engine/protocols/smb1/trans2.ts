// SMB1 TRANSACTION2 (0x32) with sub-command TRANS2_SESSION_SETUP (0x000E): the DoublePulsar
// "ping" (docs/smb-detection.md §6).
//
// DoublePulsar, the kernel implant installed by EternalBlue/EternalRomance and WannaCry,
// hooks this sub-command, which Windows itself does not implement. It reads its command from
// the request Timeout field (opcode = sum of the four Timeout bytes & 0xFF: 0x23 ping, 0xC8
// exec, 0x77 kill, §6.4) and answers by adding 0x10 to the reply MID and by writing into the
// reply SecuritySignature: sig1 = u32 at S+14 (the key material), sig2 = u32 at S+18
// (0 → x86, else x64) (§6.3).
//
// The ping request is the 78-byte message of §6.2 (MID 65, Timeout 0x00A4D9A6, Flags2
// 0xC007, one zero byte at S+65, twelve zero parameter bytes at S+66), structurally identical
// to FuzzBunch's, WannaCry's and Countercept's [P:dpw7#86, wcry#227, erdp#239]. Only
// the ping opcode is ever encoded; the exec/kill opcodes exist here only to decode captures.
//
// Words layout: MS-CIFS 2.2.4.46.1 (request) and 2.2.4.46.2 (response), shared with
// TRANSACTION in trans.ts.
//
// Tolerated deviations: Metasploit's ping has WordCount 15 with ByteCount 0 and 14 stray
// bytes holding the parameters [P:id2t#18]; nmap pads to ParameterOffset 68 with
// ByteCount 15 [L:ns1_smb-double-pulsar-backdoor#19]. Both decode.

import { DecodeError } from '../bytes/errors.js';
import {
  decodeSmb1Command,
  Smb1Command,
  type Smb1Header,
  type Smb1HeaderInput,
  type Smb1Status,
} from './header.js';
import {
  decodeTransLikeResponse,
  encodeTransLikeRequest,
  encodeTransLikeResponse,
  readTransRequestWords,
  type TransLikeResponse,
  type TransRequestFields,
  type TransRequestWords,
  type TransResponseInput,
} from './trans.js';

export const Trans2Subcommand = {
  FIND_FIRST2: 0x0001,
  QUERY_FS_INFORMATION: 0x0003,
  QUERY_PATH_INFORMATION: 0x0005,
  /** Reserved and unimplemented in Windows; hooked by DoublePulsar. */
  SESSION_SETUP: 0x000e,
} as const;

export const DoublePulsarOpcode = {
  PING: 0x23,
  EXEC: 0xc8,
  KILL: 0x77,
} as const;

/** Timeout constant of the ping used by nmap, Metasploit and Countercept (bytes a6 d9 a4 00). */
export const DOUBLEPULSAR_PING_TIMEOUT = 0x00a4d9a6;
/** Request MID of the ping; an infected host answers MID + 0x10 = 81 (§6.3). */
export const DOUBLEPULSAR_PING_MID = 65;
/** What the implant adds to the MID. */
export const DOUBLEPULSAR_MID_DELTA = 0x10;
/** Header Flags2 of every ping in the vectors: UNICODE | NT_STATUS | SECURITY_SIGNATURE | EAS | LONG_NAMES. */
export const DOUBLEPULSAR_PING_FLAGS2 = 0xc007;

/** DoublePulsar command byte from a Trans2 Timeout: sum of its four bytes, low 8 bits (§6.4). */
export function doublePulsarOpcode(timeout: number): number {
  const t = timeout >>> 0;
  return ((t & 0xff) + ((t >>> 8) & 0xff) + ((t >>> 16) & 0xff) + (t >>> 24)) & 0xff;
}

/**
 * The XOR key the implant expects for uploads, derived from sig1 only (§6.3; Metasploit's
 * 32-bit formula, verified against the implant's own upload traffic [P:erdp#241/#247]).
 * All intermediates are forced to unsigned 32 bits.
 */
export function doublePulsarXorKey(sig1: number): number {
  const s = sig1 >>> 0;
  const a = (s << 1) >>> 0;
  const b = ((((s & 0x0000ff00) | (s << 16)) >>> 0) << 8) >>> 0;
  const c = (((s >>> 16) | (s & 0x00ff0000)) >>> 0) >>> 8;
  return (a ^ (b | c)) >>> 0;
}

// ---------------------------------------------------------------- requests

export interface Smb1Transaction2RequestInput extends Omit<Smb1HeaderInput, 'command'>, TransRequestFields {}

/**
 * Generic TRANSACTION2 request. The Name field is unused in TRANSACTION2; like every tool in
 * the vectors we send a single zero byte there, then align the parameters (`align`, default 4).
 */
export function encodeSmb1Transaction2Request(input: Smb1Transaction2RequestInput): Uint8Array {
  const {
    setup, parameters, data, totalParameterCount, totalDataCount, maxParameterCount, maxDataCount,
    maxSetupCount, transFlags, timeout, align, ...header
  } = input;
  const fields: TransRequestFields = {
    setup, parameters, data, totalParameterCount, totalDataCount, maxParameterCount, maxDataCount,
    maxSetupCount, transFlags, timeout, align,
  };
  return encodeTransLikeRequest(Smb1Command.TRANSACTION2, header, fields, (d) => {
    d.u8(0);
  });
}

export interface DoublePulsarPingInput {
  readonly tid: number;
  readonly uid: number;
  /** Default 65. Replies are compared against "request MID + 0x10". */
  readonly mid?: number;
  /** Default 0xFEFF. */
  readonly pidLow?: number;
}

/** The §6.2 ping: read-only, the only DoublePulsar opcode we ever send. */
export function encodeDoublePulsarPingRequest(input: DoublePulsarPingInput): Uint8Array {
  return encodeSmb1Transaction2Request({
    flags2: DOUBLEPULSAR_PING_FLAGS2,
    tid: input.tid,
    uid: input.uid,
    mid: input.mid ?? DOUBLEPULSAR_PING_MID,
    pidLow: input.pidLow,
    setup: [Trans2Subcommand.SESSION_SETUP],
    parameters: new Uint8Array(12),
    totalParameterCount: 12,
    totalDataCount: 0,
    maxParameterCount: 1,
    maxDataCount: 0,
    timeout: DOUBLEPULSAR_PING_TIMEOUT,
    align: 2,
  });
}

export interface Smb1Transaction2Request extends TransRequestWords {
  readonly header: Smb1Header;
  /** setup[0]; 0x000E for DoublePulsar traffic. */
  readonly subcommand: number | undefined;
  /** doublePulsarOpcode(timeout): meaningful only for SESSION_SETUP. */
  readonly doublePulsarOpcode: number;
  readonly byteCount: number;
  readonly trailing: number;
}

export function decodeSmb1Transaction2Request(payload: Uint8Array): Smb1Transaction2Request {
  const msg = decodeSmb1Command(payload, Smb1Command.TRANSACTION2, 'TRANSACTION2');
  const words = readTransRequestWords(msg, 'SMB1.Trans2');
  return {
    ...words,
    header: msg.header,
    subcommand: words.setup[0],
    doublePulsarOpcode: doublePulsarOpcode(words.timeout),
    byteCount: msg.byteCount,
    trailing: msg.trailing,
  };
}

// ---------------------------------------------------------------- responses

export type Smb1Transaction2Response = TransLikeResponse;

export function decodeSmb1Transaction2Response(payload: Uint8Array): Smb1Transaction2Response {
  return decodeTransLikeResponse(payload, Smb1Command.TRANSACTION2, 'SMB1.Trans2');
}

export function encodeSmb1Transaction2Response(input: TransResponseInput): Uint8Array {
  return encodeTransLikeResponse(Smb1Command.TRANSACTION2, input);
}

export interface DoublePulsarImplant {
  /** sig2 == 0 → x86, else x64 (§6.3). */
  readonly arch: 'x86' | 'x64';
  readonly xorKey: number;
}

export interface DoublePulsarReply {
  readonly header: Smb1Header;
  readonly status: Smb1Status;
  readonly requestMid: number;
  readonly mid: number;
  /** (mid − requestMid) mod 2^16: 0 = no implant, 0x10 = implant answered. */
  readonly midDelta: number;
  readonly sig1: number;
  readonly sig2: number;
  /**
   * Set only when midDelta is 0x10. Never derived from a reply with an unchanged MID: on a
   * signed session the signature field holds a MAC (Samba [L:ns1_smb-double-pulsar-backdoor#20]),
   * which would look like a key (§6.5).
   */
  readonly implant: DoublePulsarImplant | undefined;
}

/**
 * Decodes the reply to a ping sent with `requestMid`. The status does not discriminate
 * (infected and clean Windows both answer NOT_IMPLEMENTED, §6.3); the MID does. The verdict
 * (detected / not-detected / unknown) is the check's job; this only reports facts.
 */
export function decodeDoublePulsarReply(payload: Uint8Array, requestMid: number): DoublePulsarReply {
  if (!Number.isInteger(requestMid) || requestMid < 0 || requestMid > 0xffff) throw new RangeError(`bad request MID ${requestMid}`);
  const reply = decodeSmb1Transaction2Response(payload);
  const { header } = reply;
  const sig = header.securitySignature;
  if (sig.length !== 8) throw new DecodeError('truncated', 'SMB1.SecuritySignature', 14);
  const view = new DataView(sig.buffer, sig.byteOffset, 8);
  const sig1 = view.getUint32(0, true);
  const sig2 = view.getUint32(4, true);
  const midDelta = (header.mid - requestMid) & 0xffff;
  const implant: DoublePulsarImplant | undefined =
    midDelta === DOUBLEPULSAR_MID_DELTA ? { arch: sig2 === 0 ? 'x86' : 'x64', xorKey: doublePulsarXorKey(sig1) } : undefined;
  return { header, status: header.status, requestMid, mid: header.mid, midDelta, sig1, sig2, implant };
}
