// NetBIOS name service NODE STATUS (NBSTAT) query and response (RFC 1002 §4.2.17, §4.2.18;
// docs/smb-detection.md §7.3). Pure encode/decode, no sockets.
//
// Query (50 bytes) [L:ns1_probe_nbns#1]: header (transaction id, flags 0, QDCOUNT 1), the
// wildcard name `*` padded with NULs in first-level encoding, QTYPE NBSTAT (0x21), QCLASS IN.
// Response: header (flags 0x8400: response, authoritative), one resource record NBSTAT whose
// RDATA is NUM_NAMES, NUM_NAMES × (15-byte name, suffix, 16-bit flags), then the statistics
// block whose first 6 bytes are the unit id (normally the MAC address).
//
// Tolerated deviations: a 2-byte compression pointer (0xC0…) instead of the owner name; a
// response that echoes the question (QDCOUNT 1); a statistics block shorter than RFC 1002's 46
// bytes (only the unit id is read, and only when present). Every count and length is checked
// against the datagram; a malformed datagram throws DecodeError.

import { ByteReader } from '../protocols/bytes/reader.js';
import { ByteWriter } from '../protocols/bytes/writer.js';
import { DecodeError } from '../protocols/bytes/errors.js';
import { decodeLatin1, encodeLatin1 } from '../protocols/bytes/utf16le.js';
import { encodeNetbiosName, readNetbiosName } from '../protocols/netbios/session.js';

export const NBNS_PORT = 137;
export const NBSTAT_TYPE = 0x0021;
export const NBNS_CLASS_IN = 0x0001;

/** Header flag bits (RFC 1002 §4.2.1.1). */
export const NbnsFlags = {
  RESPONSE: 0x8000,
  AUTHORITATIVE: 0x0400,
  RCODE_MASK: 0x000f,
  OPCODE_MASK: 0x7800,
} as const;

/** NAME_FLAGS (RFC 1002 §4.2.18). */
export const NbNameFlags = {
  GROUP: 0x8000,
  ONT_MASK: 0x6000,
  DEREGISTERING: 0x1000,
  CONFLICT: 0x0800,
  ACTIVE: 0x0400,
  PERMANENT: 0x0200,
} as const;

export interface NbstatName {
  /** Up to 15 characters, trailing spaces/NULs removed. */
  readonly name: string;
  readonly suffix: number;
  readonly group: boolean;
  /** B, P, M or H node (ONT bits). */
  readonly nodeType: 'B' | 'P' | 'M' | 'H';
  readonly active: boolean;
  readonly permanent: boolean;
  readonly conflict: boolean;
  readonly deregistering: boolean;
  readonly flags: number;
}

export interface NbstatResponse {
  readonly transactionId: number;
  readonly flags: number;
  readonly ttl: number;
  readonly names: readonly NbstatName[];
  /** The first 6 statistics bytes as aa:bb:cc:dd:ee:ff; undefined when the block is shorter. */
  readonly unitId?: string;
}

/** The 50-byte NBSTAT query for `*` (docs/smb-detection.md §7.3). */
export function encodeNbstatQuery(transactionId: number): Uint8Array {
  return new ByteWriter({ initialCapacity: 50 })
    .u16be(transactionId)
    .u16be(0x0000)
    .u16be(1)
    .u16be(0)
    .u16be(0)
    .u16be(0)
    .bytes(encodeNetbiosName('*', 0))
    .u16be(NBSTAT_TYPE)
    .u16be(NBNS_CLASS_IN)
    .finish();
}

const NODE_TYPES = ['B', 'P', 'M', 'H'] as const;

function readOwnerName(r: ByteReader, field: string): void {
  const first = r.peekU8(field);
  if ((first & 0xc0) === 0xc0) {
    r.skip(2, `${field}.Pointer`);
    return;
  }
  readNetbiosName(r, field);
}

/** Decodes a node status response; DecodeError on anything malformed or not an NBSTAT answer. */
export function decodeNbstatResponse(bytes: Uint8Array): NbstatResponse {
  const r = new ByteReader(bytes);
  const transactionId = r.u16be('NBNS.TransactionId');
  const flags = r.u16be('NBNS.Flags');
  if ((flags & NbnsFlags.RESPONSE) === 0) throw new DecodeError('invalid', 'NBNS.Flags', 2, 'not a response');
  if ((flags & NbnsFlags.OPCODE_MASK) !== 0) throw new DecodeError('invalid', 'NBNS.Flags', 2, `opcode ${(flags & NbnsFlags.OPCODE_MASK) >> 11} is not QUERY`);
  const rcode = flags & NbnsFlags.RCODE_MASK;
  if (rcode !== 0) throw new DecodeError('invalid', 'NBNS.Flags', 2, `negative response, RCODE ${rcode}`);
  const qd = r.u16be('NBNS.QDCOUNT');
  const an = r.u16be('NBNS.ANCOUNT');
  r.skip(4, 'NBNS.NSCOUNT+ARCOUNT');
  if (qd > 1) throw new DecodeError('invalid', 'NBNS.QDCOUNT', 4, `${qd} questions in a response`);
  if (an < 1) throw new DecodeError('invalid', 'NBNS.ANCOUNT', 6, 'no answer record');
  for (let i = 0; i < qd; i++) {
    readOwnerName(r, 'NBNS.Question.Name');
    r.skip(4, 'NBNS.Question.TypeClass');
  }
  readOwnerName(r, 'NBNS.Answer.Name');
  const typeAt = r.offset;
  const type = r.u16be('NBNS.Answer.Type');
  if (type !== NBSTAT_TYPE) throw new DecodeError('invalid', 'NBNS.Answer.Type', typeAt, `type 0x${type.toString(16)} is not NBSTAT`);
  r.skip(2, 'NBNS.Answer.Class');
  const ttl = r.u32be('NBNS.Answer.TTL');
  const rdLength = r.u16be('NBNS.Answer.RDLength');
  const d = r.sub(rdLength, 'NBNS.Answer.RData');
  const count = d.u8('NBNS.NumNames');
  if (count * 18 > d.remaining) {
    throw new DecodeError('truncated', 'NBNS.NodeNames', d.offset, `${count} names need ${count * 18} bytes, ${d.remaining} left`);
  }
  const names: NbstatName[] = [];
  for (let i = 0; i < count; i++) {
    const raw = d.bytes(15, 'NBNS.NodeName');
    const suffix = d.u8('NBNS.NodeName.Suffix');
    const f = d.u16be('NBNS.NodeName.Flags');
    names.push({
      name: decodeLatin1(raw).replace(/[ \0]+$/, ''),
      suffix,
      group: (f & NbNameFlags.GROUP) !== 0,
      nodeType: NODE_TYPES[(f & NbNameFlags.ONT_MASK) >> 13] ?? 'B',
      active: (f & NbNameFlags.ACTIVE) !== 0,
      permanent: (f & NbNameFlags.PERMANENT) !== 0,
      conflict: (f & NbNameFlags.CONFLICT) !== 0,
      deregistering: (f & NbNameFlags.DEREGISTERING) !== 0,
      flags: f,
    });
  }
  let unitId: string | undefined;
  if (d.remaining >= 6) {
    unitId = [...d.bytes(6, 'NBNS.UnitId')].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
  return { transactionId, flags, ttl, names, ...(unitId !== undefined ? { unitId } : {}) };
}

export interface NbstatResponseInput {
  readonly transactionId: number;
  readonly names: readonly { name: string; suffix: number; flags: number }[];
  /** 6 bytes. */
  readonly unitId: Uint8Array;
  readonly ttl?: number;
  /** Statistics after the unit id (RFC 1002: 40 more bytes). Default zeros. */
  readonly statisticsTail?: Uint8Array;
}

/** Server-side encoder (test fakes, round trips). */
export function encodeNbstatResponse(input: NbstatResponseInput): Uint8Array {
  if (input.unitId.length !== 6) throw new RangeError('unit id must be 6 bytes');
  if (input.names.length > 255) throw new RangeError('at most 255 names');
  const rdata = new ByteWriter().u8(input.names.length);
  for (const n of input.names) {
    const raw = encodeLatin1(n.name.toUpperCase());
    if (raw.length > 15) throw new RangeError(`name too long: ${n.name}`);
    const padded = new Uint8Array(15).fill(0x20);
    padded.set(raw);
    rdata.bytes(padded).u8(n.suffix).u16be(n.flags);
  }
  rdata.bytes(input.unitId).bytes(input.statisticsTail ?? new Uint8Array(40));
  const rd = rdata.finish();
  return new ByteWriter()
    .u16be(input.transactionId)
    .u16be(NbnsFlags.RESPONSE | NbnsFlags.AUTHORITATIVE)
    .u16be(0)
    .u16be(1)
    .u16be(0)
    .u16be(0)
    .bytes(encodeNetbiosName('*', 0))
    .u16be(NBSTAT_TYPE)
    .u16be(NBNS_CLASS_IN)
    .u32be(input.ttl ?? 0)
    .u16be(rd.length)
    .bytes(rd)
    .finish();
}
