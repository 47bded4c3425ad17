// ByteQueue: the unread bytes of a TCP stream in one growable buffer. Both stream readers (the
// NBSS FrameReader for SMB on 139/445 and the TPKT reader for RDP on 3389) sit on it, so "cost
// linear in the bytes received, whatever the chunk sizes" is enforced in one place:
//
// * push() copies the chunk to the end of the buffer. When it does not fit, the unread bytes are
//   moved to the front only if the consumed prefix is at least as long as what is moved (each
//   consumed byte pays for at most one moved byte), otherwise the buffer doubles. Either way the
//   upkeep is amortised O(1) per byte, and no object per chunk is retained: a 1 MiB frame in
//   16-byte pushes holds 1 MiB of bytes, not 65,536 chunk views for the garbage collector.
// * take(n) copies n bytes out once; byteAt() and skip() are O(1).
//
// (The FrameReader used to keep a list of chunks and Array.shift() one per consumed chunk: a
// 64 KiB frame delivered one byte at a time then blocked one next() call for about 2 s.)
//
// Not a decoder: it never judges bytes, it only holds and hands them out. Reads past the end
// are programming errors (RangeError): the readers check `length` first.

/** Buffers above this size are released when they become empty (a short burst of big frames). */
const KEEP_CAPACITY = 256 * 1024;
const MIN_CAPACITY = 1024;

export class ByteQueue {
  #buf = new Uint8Array(0);
  /** First unread byte in #buf. */
  #start = 0;
  /** End of the unread bytes in #buf. */
  #end = 0;
  #consumed = 0;

  /** Unread bytes held. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Stream offset of the first unread byte (bytes taken or skipped so far). */
  get consumed(): number {
    return this.#consumed;
  }

  /** Appends received bytes (copied: the caller may reuse the chunk). */
  push(chunk: Uint8Array): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.#end + n > this.#buf.length) this.#makeRoom(n);
    if (n === 1) this.#buf[this.#end] = chunk[0] as number;
    else this.#buf.set(chunk, this.#end);
    this.#end += n;
  }

  /** The unread byte at `index` (0 = the next byte take() would return). */
  byteAt(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) throw new RangeError(`byteAt(${index}) outside ${this.length} unread bytes`);
    return this.#buf[this.#start + index] as number;
  }

  /** Removes the next `n` bytes and returns them as a new array owned by the caller. */
  take(n: number): Uint8Array {
    this.#check(n);
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#advance(n);
    return out;
  }

  /** Removes the next `n` bytes without copying them. */
  skip(n: number): void {
    this.#check(n);
    this.#advance(n);
  }

  /** Drops every unread byte (after a fatal framing error: the rest can no longer be framed). */
  clear(): void {
    this.#consumed += this.length;
    this.#buf = new Uint8Array(0);
    this.#start = 0;
    this.#end = 0;
  }

  #check(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.length) throw new RangeError(`cannot remove ${n} of ${this.length} unread bytes`);
  }

  #advance(n: number): void {
    this.#start += n;
    this.#consumed += n;
    if (this.#start === this.#end) {
      this.#start = 0;
      this.#end = 0;
      if (this.#buf.length > KEEP_CAPACITY) this.#buf = new Uint8Array(0);
    }
  }

  #makeRoom(n: number): void {
    const unread = this.length;
    if (unread + n <= this.#buf.length && this.#start >= unread) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    } else {
      const next = new Uint8Array(Math.max(MIN_CAPACITY, 2 * this.#buf.length, unread + n));
      next.set(this.#buf.subarray(this.#start, this.#end));
      this.#buf = next;
    }
    this.#start = 0;
    this.#end = unread;
  }
}
