// ByteWriter: builds the messages we send. Growable buffer with explicit little/big-endian
// writes; every integer is range-checked (RangeError: an out-of-range value is our bug,
// never silently truncated onto the wire).
//
// `origin` is the absolute position of the writer's first byte inside the final message.
// SMB aligns strings and buffers relative to the start of the SMB header (S+0, MS-CIFS 2.2.3.1,
// MS-SMB2 2.2.1), so a writer that builds the data block after ByteCount is created with
// `origin = dataOffset` and `align(2)` then pads exactly as the server expects.

import { encodeLatin1, encodeUtf16le } from './utf16le.js';

/** Hard ceiling for anything we build: our largest request is a few hundred bytes. */
export const MAX_WRITER_BYTES = 16 * 1024 * 1024;

function checkUint(value: number, max: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what}: ${value} is not an integer in [0, ${max}]`);
  }
}

export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;
  readonly origin: number;

  constructor(options: { origin?: number; initialCapacity?: number } = {}) {
    this.origin = options.origin ?? 0;
    checkUint(this.origin, MAX_WRITER_BYTES, 'ByteWriter origin');
    this.#buf = new Uint8Array(Math.max(16, options.initialCapacity ?? 256));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  /** Absolute position of the next byte (origin + length). */
  get position(): number {
    return this.origin + this.#len;
  }

  #reserve(n: number): number {
    const need = this.#len + n;
    if (need > MAX_WRITER_BYTES) throw new RangeError(`message larger than ${MAX_WRITER_BYTES} bytes`);
    if (need > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < need) cap *= 2;
      const next = new Uint8Array(Math.min(cap, MAX_WRITER_BYTES));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
      this.#view = new DataView(next.buffer);
    }
    const at = this.#len;
    this.#len = need;
    return at;
  }

  u8(v: number): this {
    checkUint(v, 0xff, 'u8');
    const at = this.#reserve(1);
    this.#view.setUint8(at, v);
    return this;
  }

  u16le(v: number): this {
    checkUint(v, 0xffff, 'u16le');
    const at = this.#reserve(2);
    this.#view.setUint16(at, v, true);
    return this;
  }

  i16le(v: number): this {
    if (!Number.isInteger(v) || v < -0x8000 || v > 0x7fff) throw new RangeError(`i16le: ${v} out of range`);
    const at = this.#reserve(2);
    this.#view.setInt16(at, v, true);
    return this;
  }

  u32le(v: number): this {
    checkUint(v, 0xffffffff, 'u32le');
    const at = this.#reserve(4);
    this.#view.setUint32(at, v, true);
    return this;
  }

  u64le(v: bigint): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`u64le: ${v} out of range`);
    const at = this.#reserve(8);
    this.#view.setBigUint64(at, v, true);
    return this;
  }

  u16be(v: number): this {
    checkUint(v, 0xffff, 'u16be');
    const at = this.#reserve(2);
    this.#view.setUint16(at, v, false);
    return this;
  }

  u32be(v: number): this {
    checkUint(v, 0xffffffff, 'u32be');
    const at = this.#reserve(4);
    this.#view.setUint32(at, v, false);
    return this;
  }

  bytes(b: Uint8Array): this {
    const at = this.#reserve(b.length);
    this.#buf.set(b, at);
    return this;
  }

  zeros(n: number): this {
    checkUint(n, MAX_WRITER_BYTES, 'zeros');
    this.#reserve(n); // new capacity is zero-filled; reused capacity was never written
    this.#buf.fill(0, this.#len - n, this.#len);
    return this;
  }

  /** Pads with zero bytes until `position` is a multiple of `n`. */
  align(n: number): this {
    return this.zeros((n - (this.position % n)) % n);
  }

  utf16le(text: string, terminate = false): this {
    this.bytes(encodeUtf16le(text));
    if (terminate) this.zeros(2);
    return this;
  }

  latin1(text: string, terminate = false): this {
    this.bytes(encodeLatin1(text));
    if (terminate) this.zeros(1);
    return this;
  }

  /** Overwrites a u16le at a relative index already written (length/offset back-patching). */
  patchU16le(index: number, v: number): this {
    checkUint(v, 0xffff, 'patchU16le');
    if (!Number.isInteger(index) || index < 0 || index + 2 > this.#len) throw new RangeError(`patch index ${index} out of range`);
    this.#view.setUint16(index, v, true);
    return this;
  }

  patchU32le(index: number, v: number): this {
    checkUint(v, 0xffffffff, 'patchU32le');
    if (!Number.isInteger(index) || index < 0 || index + 4 > this.#len) throw new RangeError(`patch index ${index} out of range`);
    this.#view.setUint32(index, v, true);
    return this;
  }

  /** A copy of the bytes written (the writer may keep being used). */
  finish(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}
