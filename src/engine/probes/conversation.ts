// One bounded TCP conversation: the only way probes talk to a host.
//
// * The socket comes from the scope-enforcing Dialer (probes never import node:net).
// * Everything the server sends goes through a Framer with hard caps (the NetBIOS FrameReader
//   for SMB with a 64 KiB frame cap, the TPKT reader for RDP), so a hostile server can make us
//   buffer at most a fixed amount, whatever its length fields say.
// * One absolute deadline covers connect, every write and every read: a server that stalls
//   (slow loris) or trickles one byte per second ends at the deadline with `io-timeout`.
//   An AbortSignal ends it at once with `aborted`.
// * The socket is always closed with RST (resetAndDestroy): no FIN_WAIT/TIME_WAIT state left on
//   the scanner, and the server learns nothing from a graceful goodbye.

import type { Socket } from 'node:net';
import type { Dialer } from '../net/dialer.js';
import { DecodeError } from '../protocols/bytes/errors.js';
import { ProbeError, toProbeError } from './outcome.js';

/** Incremental frame extractor (FrameReader and TpktReader implement it). */
export interface Framer<F> {
  push(chunk: Uint8Array): void;
  next(): F | undefined;
  /**
   * Called on FIN; throws DecodeError when the first unread frame is partial. Complete frames
   * still buffered are returned by next() first, and next() throws if a partial one follows.
   */
  end(): void;
}

export interface ConversationOptions {
  readonly ip: string;
  readonly port: number;
  /** Absolute deadline (Date.now() scale) for the whole conversation, connect included. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
}

interface Waiter<F> {
  resolve(f: F): void;
  reject(e: ProbeError): void;
  step: string;
}

export class Conversation<F> {
  readonly #socket: Socket;
  readonly #framer: Framer<F>;
  readonly #signal: AbortSignal | undefined;
  #timer: NodeJS.Timeout | undefined;
  #waiter: Waiter<F> | undefined;
  #failure: ProbeError | undefined;
  #ended = false;
  #closed = false;
  #bytesIn = 0;
  readonly #onAbort = (): void => this.#fail(new ProbeError('aborted', 'aborted by the caller', this.#waiter?.step ?? 'io'));

  private constructor(socket: Socket, framer: Framer<F>, o: ConversationOptions) {
    this.#socket = socket;
    this.#framer = framer;
    this.#signal = o.signal;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
      this.#fail(
        reset
          ? new ProbeError('connection-closed', `connection reset by the server (${err.code ?? 'RST'})`, this.#waiter?.step ?? 'io')
          : toProbeError(err, this.#waiter?.step ?? 'io'),
      );
    });
    socket.on('close', () => {
      if (!this.#closed) this.#onEnd();
    });
    const left = o.deadline - Date.now();
    this.#timer = setTimeout(
      () => this.#fail(new ProbeError('io-timeout', 'no complete answer before the deadline', this.#waiter?.step ?? 'io')),
      Math.max(0, left),
    );
    o.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Connects through the dialer; rejects with a ProbeError (step `connect`). */
  static async open<F>(dialer: Dialer, o: ConversationOptions, framer: Framer<F>): Promise<Conversation<F>> {
    if (o.signal?.aborted) throw new ProbeError('aborted', 'aborted before connect', 'connect');
    const left = o.deadline - Date.now();
    if (left <= 0) throw new ProbeError('connection-timeout', 'no time left to connect', 'connect');
    let socket: Socket;
    try {
      socket = await dialer.connect({ ip: o.ip, port: o.port, timeoutMs: left, ...(o.signal ? { signal: o.signal } : {}) });
    } catch (err) {
      throw toProbeError(err, 'connect');
    }
    if (o.signal?.aborted) {
      socket.on('error', () => {});
      socket.resetAndDestroy();
      throw new ProbeError('aborted', 'aborted during connect', 'connect');
    }
    return new Conversation(socket, framer, o);
  }

  /** Bytes received so far (evidence: "closed after N bytes"). */
  get bytesReceived(): number {
    return this.#bytesIn;
  }

  write(bytes: Uint8Array, step: string): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new ProbeError('aborted', 'conversation already closed', step);
    this.#socket.write(bytes);
  }

  /** The next complete frame; rejects with the conversation's failure (timeout, close, garbage…). */
  read(step: string): Promise<F> {
    if (this.#failure) return Promise.reject(this.#relabel(this.#failure, step));
    try {
      const f = this.#framer.next();
      if (f !== undefined) return Promise.resolve(f);
    } catch (err) {
      this.#fail(this.#decodeFailure(err, step));
      return Promise.reject(this.#failure);
    }
    if (this.#ended) {
      this.#fail(new ProbeError('connection-closed', `connection closed by the server (after ${this.#bytesIn} bytes)`, step));
      return Promise.reject(this.#failure);
    }
    if (this.#waiter) return Promise.reject(new ProbeError('unknown-error', 'concurrent read', step));
    return new Promise<F>((resolve, reject) => {
      this.#waiter = { resolve, reject, step };
    });
  }

  /** Write one request and read one frame. */
  async exchange(bytes: Uint8Array, step: string): Promise<F> {
    this.write(bytes, step);
    return this.read(step);
  }

  /** RST-close; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#socket.removeAllListeners('data');
    this.#socket.on('error', () => {});
    if (!this.#socket.destroyed) this.#socket.resetAndDestroy();
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.reject(this.#failure ?? new ProbeError('aborted', 'conversation closed', w.step));
  }

  #relabel(e: ProbeError, step: string): ProbeError {
    return e.step === step ? e : new ProbeError(e.kind, e.message, step);
  }

  #decodeFailure(err: unknown, step: string): ProbeError {
    if (err instanceof DecodeError) {
      return new ProbeError('protocol-error', `malformed framing from the server: ${err.message}`, step);
    }
    return toProbeError(err, step);
  }

  #onData(chunk: Buffer): void {
    if (this.#failure || this.#closed) return;
    this.#bytesIn += chunk.length;
    try {
      this.#framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (err) {
      this.#fail(this.#decodeFailure(err, this.#waiter?.step ?? 'io'));
      return;
    }
    const w = this.#waiter;
    if (!w) return;
    let f: F | undefined;
    try {
      f = this.#framer.next();
    } catch (err) {
      this.#fail(this.#decodeFailure(err, w.step));
      return;
    }
    if (f !== undefined) {
      this.#waiter = undefined;
      w.resolve(f);
    }
  }

  #onEnd(): void {
    if (this.#ended || this.#failure) return;
    this.#ended = true;
    const step = this.#waiter?.step ?? 'io';
    try {
      this.#framer.end();
    } catch (err) {
      this.#fail(
        err instanceof DecodeError
          ? new ProbeError('protocol-error', `connection closed in the middle of a message: ${err.message}`, step)
          : toProbeError(err, step),
      );
      return;
    }
    // Frames already buffered are still delivered; a waiting reader gets the close.
    const w = this.#waiter;
    if (!w) return;
    let f: F | undefined;
    try {
      f = this.#framer.next();
    } catch (err) {
      this.#fail(this.#decodeFailure(err, step));
      return;
    }
    this.#waiter = undefined;
    if (f !== undefined) w.resolve(f);
    else {
      this.#fail(new ProbeError('connection-closed', `connection closed by the server (after ${this.#bytesIn} bytes)`, step));
      w.reject(this.#failure ?? new ProbeError('connection-closed', 'closed', step));
    }
  }

  #fail(e: ProbeError): void {
    if (this.#failure) return;
    this.#failure = e;
    clearTimeout(this.#timer);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    const w = this.#waiter;
    this.#waiter = undefined;
    if (!this.#socket.destroyed) {
      this.#socket.on('error', () => {});
      this.#socket.resetAndDestroy();
    }
    w?.reject(this.#relabel(e, w.step));
  }
}
