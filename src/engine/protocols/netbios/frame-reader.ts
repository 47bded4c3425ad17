// Incremental reader for the 4-byte session framing (MS-SMB2 2.1 direct TCP on 445,
// RFC 1002 §4.3 session service on 139). TCP delivers bytes split anywhere; push() whatever
// arrived and pull complete frames with next(). docs/smb-detection.md §1.1: "accumulate
// bytes, read 4, then exactly `length` more, and refuse a length above its cap".
//
// Safety properties (tested with every split of real captures and random splits of streams):
// * The same bytes give the same frames and the same error however they are split into chunks
//   (StreamReader: every complete frame held is returned before the bytes after it are judged;
//   error offsets are stream offsets). Cost is linear in the bytes received.
// * A declared length above `maxFrameLength` (default 1 MiB; the largest message in the
//   captures in fixtures/ is 0x104E bytes) is refused as soon as the header is complete —
//   before any body byte is buffered — with DecodeError('too-large'). The stream is then
//   unusable (we can no longer find frame boundaries), so every later call rethrows the same
//   error.
// * Unread bytes are capped too (`maxBufferedBytes`), so a peer that floods small frames
//   faster than the caller pulls them cannot grow memory without bound. The cap depends on how
//   fast the caller pulls, not on the split: a caller that pulls after every push never meets
//   it with frames within `maxFrameLength` and socket reads (at most 64 KiB) within the rest.
//
// Modes: `direct-tcp` accepts only type 0x00 (MS-SMB2 2.1: the first byte MUST be zero).
// `netbios` accepts the RFC 1002 types and skips keep-alives (0x85, length 0) unless asked.

import { DecodeError } from '../bytes/errors.js';
import { StreamReader } from '../bytes/stream-reader.js';
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

export class FrameReader extends StreamReader<NbssFrame> {
  readonly mode: 'direct-tcp' | 'netbios';
  readonly maxFrameLength: number;
  readonly maxBufferedBytes: number;
  readonly #keepKeepalives: boolean;

  constructor(options: FrameReaderOptions = {}) {
    const maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
    if (!Number.isInteger(maxFrameLength) || maxFrameLength < 0 || maxFrameLength > 0xffffff) {
      throw new RangeError('maxFrameLength must be an integer in [0, 0xFFFFFF]');
    }
    const maxBufferedBytes = options.maxBufferedBytes ?? 2 * (maxFrameLength + NBSS_HEADER_LENGTH);
    if (!Number.isInteger(maxBufferedBytes) || maxBufferedBytes < maxFrameLength + NBSS_HEADER_LENGTH) {
      throw new RangeError('maxBufferedBytes must be at least maxFrameLength + 4');
    }
    super('NBSS', NBSS_HEADER_LENGTH, maxBufferedBytes);
    this.mode = options.mode ?? 'direct-tcp';
    this.maxFrameLength = maxFrameLength;
    this.maxBufferedBytes = maxBufferedBytes;
    this.#keepKeepalives = options.keepKeepalives ?? false;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /** All complete frames currently buffered. */
  drain(): NbssFrame[] {
    const out: NbssFrame[] = [];
    for (let f = this.next(); f !== undefined; f = this.next()) out.push(f);
    return out;
  }

  protected frameLength(): number | undefined {
    const q = this.queue;
    if (q.length < NBSS_HEADER_LENGTH) return undefined;
    const type = q.byteAt(0);
    const length = (q.byteAt(1) << 16) | (q.byteAt(2) << 8) | q.byteAt(3);
    if (this.mode === 'direct-tcp' ? type !== NbssType.SESSION_MESSAGE : !NETBIOS_TYPES.has(type)) {
      this.fail(new DecodeError('invalid', 'NBSS.Type', q.consumed, `unexpected packet type 0x${type.toString(16)} (${this.mode})`));
    }
    if (length > this.maxFrameLength) {
      this.fail(new DecodeError('too-large', 'NBSS.Length', q.consumed + 1, `frame of ${length} bytes exceeds cap ${this.maxFrameLength}`));
    }
    return NBSS_HEADER_LENGTH + length;
  }

  protected takeFrame(total: number): NbssFrame | undefined {
    const streamOffset = this.queue.consumed;
    const type = this.queue.byteAt(0);
    this.queue.skip(NBSS_HEADER_LENGTH);
    const payload = this.queue.take(total - NBSS_HEADER_LENGTH);
    if (type === NbssType.KEEPALIVE && this.mode === 'netbios' && !this.#keepKeepalives) return undefined;
    return { type, payload, streamOffset };
  }
}
