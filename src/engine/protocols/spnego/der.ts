// Minimal DER (ITU-T X.690) reader/writer: just what SPNEGO tokens need (RFC 4178 §4.2,
// RFC 2743 §3.1). Single-byte tags, definite lengths of at most 3 length bytes, OBJECT
// IDENTIFIER values. Anything else (high tag numbers, indefinite lengths) is refused with
// DecodeError('unsupported') — DER forbids indefinite lengths and SPNEGO never needs them.
//
// Every length is checked against the bytes actually present, so a hostile length can
// neither read past the input nor cause an allocation.

import { ByteReader } from '../bytes/reader.js';
import { ByteWriter } from '../bytes/writer.js';
import { DecodeError } from '../bytes/errors.js';

export const DerTag = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  ENUMERATED: 0x0a,
  GENERAL_STRING: 0x1b,
  SEQUENCE: 0x30,
  /** [APPLICATION 0] constructed: the GSS-API InitialContextToken wrapper. */
  APPLICATION_0: 0x60,
} as const;

/** Context-specific constructed tag [n] (0xA0 + n). */
export function contextTag(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new RangeError(`context tag ${n}`);
  return 0xa0 + n;
}

export interface DerTlv {
  readonly tag: number;
  /** Absolute offset of the tag byte. */
  readonly offset: number;
  /** Absolute offset of the first value byte. */
  readonly valueOffset: number;
  readonly value: Uint8Array;
  /** A reader over exactly the value (absolute numbering preserved). */
  readonly reader: ByteReader;
}

/** Largest length we accept (3 length bytes); tokens here are a few hundred bytes. */
const MAX_LENGTH_BYTES = 3;

export function readTlv(r: ByteReader, field: string): DerTlv {
  const offset = r.offset;
  const tag = r.u8(`${field}.Tag`);
  if ((tag & 0x1f) === 0x1f) throw new DecodeError('unsupported', `${field}.Tag`, offset, 'high-tag-number form');
  const first = r.u8(`${field}.Length`);
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DecodeError('unsupported', `${field}.Length`, offset + 1, 'indefinite length');
  } else {
    const n = first & 0x7f;
    if (n > MAX_LENGTH_BYTES) throw new DecodeError('too-large', `${field}.Length`, offset + 1, `${n} length bytes`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + r.u8(`${field}.Length`);
  }
  const valueOffset = r.offset;
  const reader = r.sub(length, `${field}.Value`);
  return { tag, offset, valueOffset, value: r.buffer.subarray(valueOffset, valueOffset + length), reader };
}

/** Reads a TLV and requires its tag. */
export function expectTlv(r: ByteReader, tag: number, field: string): DerTlv {
  const tlv = readTlv(r, field);
  if (tlv.tag !== tag) {
    throw new DecodeError('invalid', `${field}.Tag`, tlv.offset, `expected 0x${tag.toString(16)}, got 0x${tlv.tag.toString(16)}`);
  }
  return tlv;
}

export function encodeLength(w: ByteWriter, n: number): void {
  if (n < 0x80) w.u8(n);
  else if (n <= 0xff) w.u8(0x81).u8(n);
  else if (n <= 0xffff) w.u8(0x82).u16be(n);
  else if (n <= 0xffffff) w.u8(0x83).u8(n >>> 16).u16be(n & 0xffff);
  else throw new RangeError(`DER length ${n} too large`);
}

export function encodeTlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((a, p) => a + p.length, 0);
  const w = new ByteWriter({ initialCapacity: len + 6 }).u8(tag);
  encodeLength(w, len);
  for (const p of parts) w.bytes(p);
  return w.finish();
}

/** Encodes the value bytes of an OID given in dotted form. */
export function encodeOidValue(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => {
    if (!/^\d+$/.test(s)) throw new RangeError(`bad OID ${dotted}`);
    return Number(s);
  });
  const [a0, a1, ...rest] = arcs;
  if (a0 === undefined || a1 === undefined || a0 > 2 || (a0 < 2 && a1 > 39)) throw new RangeError(`bad OID ${dotted}`);
  const w = new ByteWriter();
  for (const arc of [a0 * 40 + a1, ...rest]) {
    if (!Number.isSafeInteger(arc)) throw new RangeError(`bad OID arc in ${dotted}`);
    const groups: number[] = [];
    let v = arc;
    do {
      groups.unshift(v % 128);
      v = Math.floor(v / 128);
    } while (v > 0);
    groups.forEach((g, i) => w.u8(i < groups.length - 1 ? g | 0x80 : g));
  }
  return w.finish();
}

export function encodeOid(dotted: string): Uint8Array {
  return encodeTlv(DerTag.OID, encodeOidValue(dotted));
}

const MAX_OID_BYTES = 64;

/** Decodes OID value bytes to dotted form. */
export function decodeOidValue(value: Uint8Array, field: string, offset: number): string {
  if (value.length === 0) throw new DecodeError('invalid', field, offset, 'empty OID');
  if (value.length > MAX_OID_BYTES) throw new DecodeError('too-large', field, offset, `OID of ${value.length} bytes`);
  const arcs: number[] = [];
  let v = 0;
  let inArc = false;
  for (const b of value) {
    v = v * 128 + (b & 0x7f);
    if (!Number.isSafeInteger(v)) throw new DecodeError('too-large', field, offset, 'OID arc too large');
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      if (arcs.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        arcs.push(first, v - first * 40);
      } else {
        arcs.push(v);
      }
      v = 0;
    }
  }
  if (inArc) throw new DecodeError('truncated', field, offset, 'OID ends inside an arc');
  return arcs.join('.');
}

export function readOid(r: ByteReader, field: string): string {
  const tlv = expectTlv(r, DerTag.OID, field);
  return decodeOidValue(tlv.value, field, tlv.valueOffset);
}
