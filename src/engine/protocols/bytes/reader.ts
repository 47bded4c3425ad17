// ByteReader: a bounds-checked cursor over received bytes. Every protocol decoder reads
// through it, so "never read past the end" is enforced in one place: each read names the
// field it is reading and throws a DecodeError (with the offset) instead of returning
// undefined or garbage.
//
// Offsets are absolute indexes into the underlying buffer. Decoders create the reader over
// the whole SMB message so that `offset` equals the spec's "S+n" (docs/smb-detection.md §0),
// which is what SMB alignment rules and ParameterOffset/SecurityBufferOffset fields are
// relative to. `sub()` narrows the readable window (e.g. to ByteCount bytes) without changing
// that numbering, so `align(2)` inside a sub-reader still aligns relative to S+0.
//
// No read allocates: `bytes()` returns a view (subarray) into the input, and string reads
// are capped (`maxBytes`) so a hostile length can't make us build a huge string.

import { DecodeError } from './errors.js';
import { decodeLatin1, decodeUtf16le } from './utf16le.js';

/** Default cap for NUL-terminated strings (NativeOS, names): far above anything real. */
export const DEFAULT_MAX_STRING_BYTES = 1024;

export class ByteReader {
  readonly buffer: Uint8Array;
  /** First readable index (inclusive). */
  readonly start: number;
  /** End of the readable window (exclusive). */
  readonly end: number;
  #pos: number;
  readonly #view: DataView;

  constructor(buffer: Uint8Array, start = 0, end = buffer.length) {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > buffer.length) {
      throw new RangeError(`ByteReader window [${start}, ${end}) outside buffer of ${buffer.length} bytes`);
    }
    this.buffer = buffer;
    this.start = start;
    this.end = end;
    this.#pos = start;
    this.#view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** Current absolute position. */
  get offset(): number {
    return this.#pos;
  }

  get remaining(): number {
    return this.end - this.#pos;
  }

  #need(n: number, field: string): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new DecodeError('invalid', field, this.#pos, `bad length ${n}`);
    }
    if (n > this.end - this.#pos) {
      throw new DecodeError('truncated', field, this.#pos, `need ${n} byte(s), ${this.end - this.#pos} left`);
    }
  }

  u8(field: string): number {
    this.#need(1, field);
    const v = this.#view.getUint8(this.#pos);
    this.#pos += 1;
    return v;
  }

  peekU8(field: string): number {
    this.#need(1, field);
    return this.#view.getUint8(this.#pos);
  }

  u16le(field: string): number {
    this.#need(2, field);
    const v = this.#view.getUint16(this.#pos, true);
    this.#pos += 2;
    return v;
  }

  i16le(field: string): number {
    this.#need(2, field);
    const v = this.#view.getInt16(this.#pos, true);
    this.#pos += 2;
    return v;
  }

  u32le(field: string): number {
    this.#need(4, field);
    const v = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  u64le(field: string): bigint {
    this.#need(8, field);
    const v = this.#view.getBigUint64(this.#pos, true);
    this.#pos += 8;
    return v;
  }

  u16be(field: string): number {
    this.#need(2, field);
    const v = this.#view.getUint16(this.#pos, false);
    this.#pos += 2;
    return v;
  }

  u32be(field: string): number {
    this.#need(4, field);
    const v = this.#view.getUint32(this.#pos, false);
    this.#pos += 4;
    return v;
  }

  /** A view of the next `n` bytes (no copy). */
  bytes(n: number, field: string): Uint8Array {
    this.#need(n, field);
    const v = this.buffer.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return v;
  }

  /** Everything left in the window (possibly empty). */
  rest(): Uint8Array {
    const v = this.buffer.subarray(this.#pos, this.end);
    this.#pos = this.end;
    return v;
  }

  skip(n: number, field: string): void {
    this.#need(n, field);
    this.#pos += n;
  }

  /** Moves to an absolute position inside the window (used for offset fields). */
  seek(pos: number, field: string): void {
    if (!Number.isInteger(pos) || pos < this.start) {
      throw new DecodeError('invalid', field, this.#pos, `offset ${pos} before start of region ${this.start}`);
    }
    if (pos > this.end) {
      throw new DecodeError('truncated', field, this.#pos, `offset ${pos} beyond end of region ${this.end}`);
    }
    this.#pos = pos;
  }

  /** Skips pad bytes until the absolute position is a multiple of `n`. */
  align(n: number, field: string): void {
    const pad = (n - (this.#pos % n)) % n;
    this.skip(pad, field);
  }

  /** Consumes `n` bytes and returns a reader restricted to them (same absolute numbering). */
  sub(n: number, field: string): ByteReader {
    this.#need(n, field);
    const r = new ByteReader(this.buffer, this.#pos, this.#pos + n);
    this.#pos += n;
    return r;
  }

  /** A reader over an absolute range of the same buffer, checked against this window. */
  window(start: number, length: number, field: string): ByteReader {
    if (!Number.isInteger(start) || !Number.isInteger(length) || start < this.start || length < 0) {
      throw new DecodeError('invalid', field, start, `bad range start=${start} length=${length}`);
    }
    if (start + length > this.end) {
      throw new DecodeError('truncated', field, start, `range [${start}, ${start + length}) beyond end ${this.end}`);
    }
    return new ByteReader(this.buffer, start, start + length);
  }

  utf16le(byteLength: number, field: string): string {
    return decodeUtf16le(this.bytes(byteLength, field));
  }

  latin1(byteLength: number, field: string): string {
    return decodeLatin1(this.bytes(byteLength, field));
  }

  /**
   * A UTF-16LE string ended by two zero bytes (terminator consumed). A string that runs to the
   * end of the window without terminator is accepted (servers sometimes omit the last one);
   * a string longer than `maxBytes` is refused.
   */
  utf16lez(field: string, maxBytes = DEFAULT_MAX_STRING_BYTES): string {
    const limit = Math.min(this.end, this.#pos + maxBytes + 2);
    for (let i = this.#pos; i + 1 < limit; i += 2) {
      if (this.buffer[i] === 0 && this.buffer[i + 1] === 0) {
        const s = decodeUtf16le(this.buffer.subarray(this.#pos, i));
        this.#pos = i + 2;
        return s;
      }
    }
    if (this.end - this.#pos > maxBytes) {
      throw new DecodeError('too-large', field, this.#pos, `string longer than ${maxBytes} bytes`);
    }
    const s = decodeUtf16le(this.buffer.subarray(this.#pos, this.end));
    this.#pos = this.end;
    return s;
  }

  /** A single-byte (OEM, read as Latin-1) string ended by one zero byte; same tolerance as utf16lez. */
  latin1z(field: string, maxBytes = DEFAULT_MAX_STRING_BYTES): string {
    const limit = Math.min(this.end, this.#pos + maxBytes + 1);
    for (let i = this.#pos; i < limit; i++) {
      if (this.buffer[i] === 0) {
        const s = decodeLatin1(this.buffer.subarray(this.#pos, i));
        this.#pos = i + 1;
        return s;
      }
    }
    if (this.end - this.#pos > maxBytes) {
      throw new DecodeError('too-large', field, this.#pos, `string longer than ${maxBytes} bytes`);
    }
    const s = decodeLatin1(this.buffer.subarray(this.#pos, this.end));
    this.#pos = this.end;
    return s;
  }

  /** Fails unless the window is fully consumed. */
  expectEnd(field: string): void {
    if (this.#pos !== this.end) {
      throw new DecodeError('invalid', field, this.#pos, `${this.end - this.#pos} unexpected trailing byte(s)`);
    }
  }
}
