// RDP connection-sequence start: TPKT (RFC 1006 §6) + X.224 Connection Request/Confirm
// (ITU-T X.224 §13.3/13.4) + RDP Negotiation Request/Response/Failure (MS-RDPBCGR 2.2.1.1,
// 2.2.1.2). docs/smb-detection.md §7.4. Pure encode/decode, no sockets.
//
// Request (19 bytes without cookie): 03 00 00 13 | 0e e0 00 00 00 00 00 | 01 00 08 00 <requestedProtocols LE>.
// Confirm: 03 00 <len BE> | LI d0 <dst-ref> <src-ref> <class> | [RDP_NEG_RSP 02 flags 08 00 <selectedProtocol LE>
// or RDP_NEG_FAILURE 03 00 08 00 <failureCode LE>]. A bare Connection Confirm without a
// negotiation block comes from pre-Vista servers (standard RDP security only).
//
// TPKT lengths are 16-bit, so a partial TPKT packet is at most 64 KiB; unread bytes are capped at
// 128 KiB. Anything that is not a version-3 TPKT is refused as soon as its first byte is read
// (DecodeError).

import { ByteReader } from '../protocols/bytes/reader.js';
import { ByteWriter } from '../protocols/bytes/writer.js';
import { DecodeError } from '../protocols/bytes/errors.js';
import { StreamReader } from '../protocols/bytes/stream-reader.js';
import { encodeLatin1 } from '../protocols/bytes/utf16le.js';
import type { Framer } from './conversation.js';

export const RDP_PORT = 3389;
export const TPKT_VERSION = 3;
export const TPKT_HEADER_LENGTH = 4;

/** requestedProtocols / selectedProtocol (MS-RDPBCGR 2.2.1.1.1). */
export const RdpProtocol = {
  RDP: 0x00000000,
  SSL: 0x00000001,
  HYBRID: 0x00000002,
  RDSTLS: 0x00000004,
  HYBRID_EX: 0x00000008,
  RDSAAD: 0x00000010,
} as const;

/** X.224 TPDU codes (high nibble of the second byte). */
export const X224Code = {
  CONNECTION_REQUEST: 0xe0,
  CONNECTION_CONFIRM: 0xd0,
  DISCONNECT_REQUEST: 0x80,
  DATA: 0xf0,
} as const;

export const RdpNegType = { REQUEST: 0x01, RESPONSE: 0x02, FAILURE: 0x03 } as const;

/** RDP_NEG_FAILURE failureCode (MS-RDPBCGR 2.2.1.2.2). */
export const RdpNegFailureCode = {
  SSL_REQUIRED_BY_SERVER: 1,
  SSL_NOT_ALLOWED_BY_SERVER: 2,
  SSL_CERT_NOT_ON_SERVER: 3,
  INCONSISTENT_FLAGS: 4,
  HYBRID_REQUIRED_BY_SERVER: 5,
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: 6,
} as const;

const FAILURE_NAMES: Readonly<Record<number, string>> = {
  1: 'SSL_REQUIRED_BY_SERVER',
  2: 'SSL_NOT_ALLOWED_BY_SERVER',
  3: 'SSL_CERT_NOT_ON_SERVER',
  4: 'INCONSISTENT_FLAGS',
  5: 'HYBRID_REQUIRED_BY_SERVER',
  6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};

export function rdpFailureName(code: number): string {
  return FAILURE_NAMES[code] ?? `UNKNOWN_${code}`;
}

/** `standard-rdp`, `tls`, `credssp` (NLA), `rdstls`, `credssp-early-user-auth`, `rdsaad`. */
export function rdpProtocolName(p: number): string {
  switch (p) {
    case RdpProtocol.RDP: return 'standard-rdp';
    case RdpProtocol.SSL: return 'tls';
    case RdpProtocol.HYBRID: return 'credssp';
    case RdpProtocol.RDSTLS: return 'rdstls';
    case RdpProtocol.HYBRID_EX: return 'credssp-early-user-auth';
    case RdpProtocol.RDSAAD: return 'rdsaad';
    default: return `0x${p.toString(16).padStart(8, '0')}`;
  }
}

// ---------------------------------------------------------------- TPKT framing

function tpkt(payload: Uint8Array): Uint8Array {
  const total = TPKT_HEADER_LENGTH + payload.length;
  if (total > 0xffff) throw new RangeError('TPKT payload too large');
  return new ByteWriter({ initialCapacity: total }).u8(TPKT_VERSION).u8(0).u16be(total).bytes(payload).finish();
}

/**
 * Incremental TPKT reader: yields X.224 TPDUs (the bytes after the 4-byte header). The same
 * bytes give the same TPDUs and the same error however the network split them (StreamReader).
 */
export class TpktReader extends StreamReader<Uint8Array> implements Framer<Uint8Array> {
  /** `maxBuffered` caps unread bytes (a peer flooding a caller that does not pull). */
  constructor(maxBuffered = 2 * 0x10000) {
    super('TPKT', TPKT_HEADER_LENGTH, maxBuffered);
  }

  protected frameLength(): number | undefined {
    const q = this.queue;
    if (q.length >= 1 && q.byteAt(0) !== TPKT_VERSION) {
      this.fail(new DecodeError('invalid', 'TPKT.Version', q.consumed, `version ${q.byteAt(0)}, expected 3`));
    }
    if (q.length < TPKT_HEADER_LENGTH) return undefined;
    const len = (q.byteAt(2) << 8) | q.byteAt(3);
    if (len < TPKT_HEADER_LENGTH + 1) this.fail(new DecodeError('invalid', 'TPKT.Length', q.consumed + 2, `length ${len} too small`));
    return len;
  }

  protected takeFrame(total: number): Uint8Array {
    this.queue.skip(TPKT_HEADER_LENGTH);
    return this.queue.take(total - TPKT_HEADER_LENGTH);
  }
}

/** Splits one complete TPKT packet (header included) into its TPDU; DecodeError when malformed. */
export function decodeTpkt(packet: Uint8Array): Uint8Array {
  const r = new ByteReader(packet);
  const version = r.u8('TPKT.Version');
  if (version !== TPKT_VERSION) throw new DecodeError('invalid', 'TPKT.Version', 0, `version ${version}`);
  r.skip(1, 'TPKT.Reserved');
  const len = r.u16be('TPKT.Length');
  if (len !== packet.length) throw new DecodeError(len > packet.length ? 'truncated' : 'invalid', 'TPKT.Length', 2, `declares ${len}, have ${packet.length}`);
  return r.rest();
}

// ---------------------------------------------------------------- X.224 + RDP negotiation

export interface RdpConnectionRequestInput {
  /** Default TLS | CredSSP (docs/smb-detection.md §7.4). */
  readonly requestedProtocols?: number;
  /** Optional routing cookie ("Cookie: mstshash=<name>\r\n"); we send none by default. */
  readonly cookie?: string;
  /** Default true (send an RDP_NEG_REQ). */
  readonly negotiate?: boolean;
}

/** Client X.224 Connection Request PDU (MS-RDPBCGR 2.2.1.1), TPKT included. */
export function encodeRdpConnectionRequest(input: RdpConnectionRequestInput = {}): Uint8Array {
  const variable = new ByteWriter();
  if (input.cookie !== undefined) variable.bytes(encodeLatin1(`Cookie: mstshash=${input.cookie}\r\n`));
  if (input.negotiate ?? true) {
    variable.u8(RdpNegType.REQUEST).u8(0).u16le(8).u32le((input.requestedProtocols ?? RdpProtocol.SSL | RdpProtocol.HYBRID) >>> 0);
  }
  const v = variable.finish();
  const li = 6 + v.length;
  if (li > 254) throw new RangeError('X.224 header too long');
  const tpdu = new ByteWriter().u8(li).u8(X224Code.CONNECTION_REQUEST).u16be(0).u16be(0).u8(0).bytes(v).finish();
  return tpkt(tpdu);
}

export type RdpNegotiation =
  | { readonly type: 'response'; readonly flags: number; readonly selectedProtocol: number }
  | { readonly type: 'failure'; readonly flags: number; readonly failureCode: number };

export type X224Tpdu =
  | {
      readonly kind: 'connection-confirm';
      readonly credit: number;
      readonly dstRef: number;
      readonly srcRef: number;
      readonly classOption: number;
      /** Absent for a bare confirm (pre-Vista server). */
      readonly negotiation?: RdpNegotiation;
      /** Bytes of the variable part we did not interpret. */
      readonly extra: number;
    }
  | { readonly kind: 'connection-request'; readonly requestedProtocols?: number }
  | { readonly kind: 'disconnect-request' }
  | { readonly kind: 'data' }
  | { readonly kind: 'other'; readonly code: number };

/** Decodes an X.224 TPDU (after the TPKT header). DecodeError on inconsistent lengths. */
export function decodeX224(tpdu: Uint8Array): X224Tpdu {
  const r = new ByteReader(tpdu);
  const li = r.u8('X224.LengthIndicator');
  if (li === 0xff) throw new DecodeError('invalid', 'X224.LengthIndicator', 0, 'reserved value 255');
  const h = r.sub(li, 'X224.Header');
  const codeByte = h.u8('X224.Code');
  const code = codeByte & 0xf0;
  switch (code) {
    case X224Code.CONNECTION_CONFIRM:
    case X224Code.CONNECTION_REQUEST: {
      const dstRef = h.u16be('X224.DstRef');
      const srcRef = h.u16be('X224.SrcRef');
      const classOption = h.u8('X224.Class');
      const variable = h.rest();
      let negotiation: RdpNegotiation | undefined;
      let requested: number | undefined;
      let extra = variable.length;
      // The RDP negotiation structure, when present, is the last 8 bytes of the variable part
      // (a request may carry a cookie or routing token before it).
      if (variable.length >= 8) {
        const at = variable.length - 8;
        const v = new ByteReader(variable, at);
        const type = v.u8('RDP.Neg.Type');
        const flags = v.u8('RDP.Neg.Flags');
        const length = v.u16le('RDP.Neg.Length');
        const value = v.u32le('RDP.Neg.Value');
        if (length === 8 && (type === RdpNegType.RESPONSE || type === RdpNegType.FAILURE || type === RdpNegType.REQUEST)) {
          extra = at;
          if (type === RdpNegType.RESPONSE) negotiation = { type: 'response', flags, selectedProtocol: value };
          else if (type === RdpNegType.FAILURE) negotiation = { type: 'failure', flags, failureCode: value };
          else requested = value;
        }
      }
      if (code === X224Code.CONNECTION_REQUEST) return { kind: 'connection-request', ...(requested !== undefined ? { requestedProtocols: requested } : {}) };
      if (variable.length > 0 && negotiation === undefined && variable.length < 8) {
        throw new DecodeError('invalid', 'RDP.Neg', 7, `${variable.length} stray byte(s) in a Connection Confirm`);
      }
      return { kind: 'connection-confirm', credit: codeByte & 0x0f, dstRef, srcRef, classOption, extra, ...(negotiation ? { negotiation } : {}) };
    }
    case X224Code.DISCONNECT_REQUEST:
      return { kind: 'disconnect-request' };
    case X224Code.DATA:
      return { kind: 'data' };
    default:
      return { kind: 'other', code: codeByte };
  }
}

export interface X224ConfirmInput {
  readonly negotiation?: RdpNegotiation;
  readonly srcRef?: number;
}

/** Server X.224 Connection Confirm PDU (MS-RDPBCGR 2.2.1.2), TPKT included (test fakes). */
export function encodeX224ConnectionConfirm(input: X224ConfirmInput = {}): Uint8Array {
  const w = new ByteWriter();
  const n = input.negotiation;
  const li = 6 + (n ? 8 : 0);
  w.u8(li).u8(X224Code.CONNECTION_CONFIRM).u16be(0).u16be(input.srcRef ?? 0x1234).u8(0);
  if (n?.type === 'response') w.u8(RdpNegType.RESPONSE).u8(n.flags).u16le(8).u32le(n.selectedProtocol >>> 0);
  else if (n?.type === 'failure') w.u8(RdpNegType.FAILURE).u8(n.flags).u16le(8).u32le(n.failureCode >>> 0);
  return tpkt(w.finish());
}
