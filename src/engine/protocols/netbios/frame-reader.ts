// Incremental reader for the 4-byte session framing (MS-SMB2 2.1 direct TCP on 445,
// RFC 1002 §4.3 session service on 139). TCP delivers bytes split anywhere; push() whatever
// arrived and pull complete frames with next(). docs/smb-detection.md §1.1: "accumulate
// bytes, read 4, then exactly `length` more; reject lengths above a sane cap".
//
// Safety properties (tested with every split of real captures):
// * A declared length above `maxFrameLength` (default 1 MiB; the largest message in the
//   vectors is 0x104E bytes) is refused as soon as the header is complete — before any body
//   byte is buffered — with DecodeError('too-large'). The stream is then unusable (we can no
//   longer find frame boundaries), so every later call rethrows the same error.
// * Buffered bytes are capped too (`maxBufferedBytes`), so a peer that floods small frames
//   faster than the caller pulls them cannot grow memory without bound.
// * Each frame is copied out exactly once; no quadratic concatenation.
//
// Modes: `direct-tcp` accepts only type 0x00 (MS-SMB2 2.1: the first byte MUST be zero).
// `netbios` accepts the RFC 1002 types and skips keep-alives (0x85, length 0) unless asked.

import { DecodeError } from '../bytes/errors.js';
import { NBSS_HEADER_LENGTH, NbssType } from './session.js';

export const DEFAULT_MAX_FRAME_LENGTH = 1024 * 1024;

export interface FrameReaderOptions {
  /** `direct-tcp` (445) or `netbios` (139). Default `direct-tcp`. */
  readonly mode?: 'direct-tcp' | 'netbios';
  /** Largest accepted length field. Default 1 MiB. */
  readonly maxFrameLength?: number;
  /** Largest amount of unread data held. Default 2 × (maxFrameLength + 4). */
  readonly maxBufferedBytes?: number;
  /** netbios mode only: return keep-alive frames instead of dropping them. Default false. */
  readonly keepKeepalives?: boolean;
}

export interface NbssFrame {
  /** 0x00 for SMB messages; 0x82/0x83/0x84/0x85 possible on 139. */
  readonly type: number;
  /** The `length` bytes after the header (the SMB message for type 0x00). */
  readonly payload: Uint8Array;
  /** Stream offset of this frame's first header byte (evidence and error reports). */
  readonly streamOffset: number;
}

const NETBIOS_TYPES: ReadonlySet<number> = new Set<number>([
  NbssType.SESSION_MESSAGE,
  NbssType.SESSION_REQUEST,
  NbssType.POSITIVE_RESPONSE,
  NbssType.NEGATIVE_RESPONSE,
  NbssType.RETARGET_RESPONSE,
  NbssType.KEEPALIVE,
]);

export class FrameReader {
  readonly mode: 'direct-tcp' | 'netbios';
  readonly maxFrameLength: number;
  readonly maxBufferedBytes: number;
  readonly #keepKeepalives: boolean;
  #chunks: Uint8Array[] = [];
  /** Read position inside #chunks[0]. */
  #head = 0;
  #buffered = 0;
  /** Stream offset of the first unread byte. */
  #consumed = 0;
  #failed: DecodeError | undefined;

  constructor(options: FrameReaderOptions = {}) {
    this.mode = options.mode ?? 'direct-tcp';
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(this.maxFrameLength) || this.maxFrameLength < 0 || this.maxFrameLength > 0xffffff) {
      throw new RangeError('maxFrameLength must be an integer in [0, 0xFFFFFF]');
    }
    this.maxBufferedBytes = options.maxBufferedBytes ?? 2 * (this.maxFrameLength + NBSS_HEADER_LENGTH);
    if (!Number.isInteger(this.maxBufferedBytes) || this.maxBufferedBytes < this.maxFrameLength + NBSS_HEADER_LENGTH) {
      throw new RangeError('maxBufferedBytes must be at least maxFrameLength + 4');
    }
    this.#keepKeepalives = options.keepKeepalives ?? false;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Appends received bytes (kept by reference; the caller must not reuse the chunk). */
  push(chunk: Uint8Array): void {
    if (this.#failed) throw this.#failed;
    if (chunk.length === 0) return;
    if (this.#buffered + chunk.length > this.maxBufferedBytes) {
      this.#fail(new DecodeError('too-large', 'NBSS.Buffered', this.#consumed, `more than ${this.maxBufferedBytes} unread bytes`));
    }
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    // Validate a complete header immediately, so an oversized length is refused before its body arrives.
    this.#peekHeader();
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(): NbssFrame | undefined {
    if (this.#failed) throw this.#failed;
    for (;;) {
      const h = this.#peekHeader();
      if (h === undefined || this.#buffered < NBSS_HEADER_LENGTH + h.length) return undefined;
      const streamOffset = this.#consumed;
      this.#discard(NBSS_HEADER_LENGTH);
      const payload = this.#take(h.length);
      if (h.type === NbssType.KEEPALIVE && this.mode === 'netbios' && !this.#keepKeepalives) continue;
      return { type: h.type, payload, streamOffset };
    }
  }

  /** All complete frames currently buffered. */
  drain(): NbssFrame[] {
    const out: NbssFrame[] = [];
    for (let f = this.next(); f !== undefined; f = this.next()) out.push(f);
    return out;
  }

  /**
   * Call when the peer closed the connection. Throws DecodeError('truncated') if a partial
   * frame is buffered (the server died mid-message: evidence for `protocol-error`).
   */
  end(): void {
    if (this.#failed) throw this.#failed;
    if (this.#buffered > 0) {
      throw new DecodeError('truncated', 'NBSS.Frame', this.#consumed, `connection closed with ${this.#buffered} byte(s) of an incomplete frame`);
    }
  }

  #fail(err: DecodeError): never {
    this.#failed = err;
    this.#chunks = [];
    this.#buffered = 0;
    throw err;
  }

  #peekHeader(): { type: number; length: number } | undefined {
    if (this.#buffered < NBSS_HEADER_LENGTH) return undefined;
    const b = this.#peek4();
    const type = b[0] ?? 0;
    const length = ((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0);
    if (this.mode === 'direct-tcp' ? type !== NbssType.SESSION_MESSAGE : !NETBIOS_TYPES.has(type)) {
      this.#fail(new DecodeError('invalid', 'NBSS.Type', this.#consumed, `unexpected packet type 0x${type.toString(16)} (${this.mode})`));
    }
    if (length > this.maxFrameLength) {
      this.#fail(new DecodeError('too-large', 'NBSS.Length', this.#consumed + 1, `frame of ${length} bytes exceeds cap ${this.maxFrameLength}`));
    }
    return { type, length };
  }

  #peek4(): Uint8Array {
    const out = new Uint8Array(NBSS_HEADER_LENGTH);
    let need = NBSS_HEADER_LENGTH;
    let i = 0;
    let pos = this.#head;
    while (need > 0) {
      const c = this.#chunks[i];
      if (c === undefined) break; // unreachable: caller checked #buffered
      const n = Math.min(need, c.length - pos);
      out.set(c.subarray(pos, pos + n), NBSS_HEADER_LENGTH - need);
      need -= n;
      i += 1;
      pos = 0;
    }
    return out;
  }

  #take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.#chunks[0];
      if (c === undefined) break; // unreachable: caller checked #buffered
      const m = Math.min(n - filled, c.length - this.#head);
      out.set(c.subarray(this.#head, this.#head + m), filled);
      filled += m;
      this.#advance(m, c.length);
    }
    return out;
  }

  #discard(n: number): void {
    let left = n;
    while (left > 0) {
      const c = this.#chunks[0];
      if (c === undefined) break;
      const m = Math.min(left, c.length - this.#head);
      left -= m;
      this.#advance(m, c.length);
    }
  }

  #advance(m: number, chunkLength: number): void {
    this.#head += m;
    this.#buffered -= m;
    this.#consumed += m;
    if (this.#head === chunkLength) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }
}
