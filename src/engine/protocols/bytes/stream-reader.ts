// StreamReader: what every length-prefixed stream reader shares (the NBSS FrameReader for SMB,
// the TPKT reader for RDP), written once so that none of them can depend on how TCP cut the
// bytes:
//
// * push() takes bytes in and judges only the header of the first unread frame (a bad header or
//   an oversized length is refused as soon as it is complete, before its body is buffered);
// * next() returns frame N before it looks at the header of frame N+1;
// * end() (the peer closed) reports a partial frame only once every complete frame before it
//   has been returned: when complete frames are still unread it records the close, and next()
//   throws the same 'truncated' error after them.
// So the same bytes give the same frames and the same DecodeError (code, field, stream offset,
// message) however they were split. After a DecodeError every call rethrows it: frame
// boundaries are lost. Cost is linear in the bytes received (ByteQueue).
//
// The cap on unread bytes (`maxBuffered`) stops a peer that floods a caller that does not pull;
// it depends on the caller's pace, not on the split. Over the cap only the bytes that complete
// the first unread header are taken in, so a bad header is still reported as such.

import { ByteQueue } from './byte-queue.js';
import { DecodeError } from './errors.js';

export abstract class StreamReader<F> {
  protected readonly queue = new ByteQueue();
  readonly #prefix: string;
  readonly #headerLength: number;
  readonly #maxBuffered: number;
  #failed: DecodeError | undefined;
  #ended = false;

  /** `prefix` names the protocol in error fields (`NBSS.Frame`, `TPKT.Buffered`…). */
  protected constructor(prefix: string, headerLength: number, maxBuffered: number) {
    this.#prefix = prefix;
    this.#headerLength = headerLength;
    this.#maxBuffered = maxBuffered;
  }

  /**
   * Total length (header included) of the first unread frame, once enough of its header is
   * buffered; undefined before. Throws a DecodeError through fail() as soon as a header byte is
   * wrong. Looks at nothing after that header.
   */
  protected abstract frameLength(): number | undefined;

  /** Consumes the first unread frame (`total` bytes, all buffered); undefined to drop it (keep-alives). */
  protected abstract takeFrame(total: number): F | undefined;

  /** Appends received bytes (copied: the caller may reuse the chunk). */
  push(chunk: Uint8Array): void {
    if (this.#failed) throw this.#failed;
    if (chunk.length === 0) return;
    const over = this.queue.length + chunk.length > this.#maxBuffered;
    this.queue.push(over ? chunk.subarray(0, this.#headerLength) : chunk);
    this.frameLength();
    if (over) this.fail(new DecodeError('too-large', `${this.#prefix}.Buffered`, this.queue.consumed, `more than ${this.#maxBuffered} unread bytes`));
  }

  /** The next complete frame, or undefined when more bytes are needed. */
  next(): F | undefined {
    if (this.#failed) throw this.#failed;
    for (;;) {
      const total = this.frameLength();
      if (total === undefined || this.queue.length < total) {
        if (this.#ended && this.queue.length > 0) this.fail(this.#truncated());
        return undefined;
      }
      const f = this.takeFrame(total);
      if (f !== undefined) return f;
    }
  }

  /**
   * Call when the peer closed the connection. Throws DecodeError('truncated') when the first
   * unread frame is partial (the server died mid-message: evidence for `protocol-error`).
   */
  end(): void {
    if (this.#failed) throw this.#failed;
    this.#ended = true;
    if (this.queue.length === 0) return;
    const total = this.frameLength();
    if (total === undefined || this.queue.length < total) this.fail(this.#truncated());
  }

  /** Records a fatal framing error, drops what is buffered, and throws it. */
  protected fail(err: DecodeError): never {
    this.#failed = err;
    this.queue.clear();
    throw err;
  }

  #truncated(): DecodeError {
    return new DecodeError('truncated', `${this.#prefix}.Frame`, this.queue.consumed, `connection closed with ${this.queue.length} byte(s) of an incomplete frame`);
  }
}
