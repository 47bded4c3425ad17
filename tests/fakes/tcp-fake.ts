// In-process TCP fake servers on 127.0.0.1 (ephemeral ports) for probe and check tests.
// A handler drives each accepted connection: read the client's frames, answer with real bytes,
// reset, close, stall (slow loris) or trickle one byte at a time. Every socket is tracked and
// destroyed by close(), so a test never leaks a listener or a connection.
import net from 'node:net';
import { FrameReader, type NbssFrame } from '../../src/engine/protocols/netbios/frame-reader.js';
import { encodeSessionMessage } from '../../src/engine/protocols/netbios/session.js';

export class FakeConn {
  readonly socket: net.Socket;
  readonly index: number;
  readonly #reader: FrameReader;
  readonly #frames: NbssFrame[] = [];
  readonly #raw: Buffer[] = [];
  #waiters: (() => void)[] = [];
  #ended = false;
  /** Every frame (NBSS mode) the client sent, in order. */
  readonly received: NbssFrame[] = [];

  constructor(socket: net.Socket, index: number, netbios: boolean) {
    this.socket = socket;
    this.index = index;
    this.#reader = new FrameReader({ mode: netbios ? 'netbios' : 'direct-tcp', maxFrameLength: 1 << 20, keepKeepalives: true });
    socket.on('data', (d: Buffer) => {
      this.#raw.push(d);
      try {
        this.#reader.push(new Uint8Array(d));
        for (let f = this.#reader.next(); f; f = this.#reader.next()) {
          this.#frames.push(f);
          this.received.push(f);
        }
      } catch {
        // Not NBSS (e.g. RDP): raw bytes are still available through nextChunk().
      }
      this.#wake();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  /** Next NBSS frame from the client, or undefined when it closed. */
  async nextFrame(): Promise<NbssFrame | undefined> {
    for (;;) {
      const f = this.#frames.shift();
      if (f) return f;
      if (this.#ended || this.socket.destroyed) return undefined;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  /** Next raw chunk (non-NBSS protocols such as RDP), or undefined when the client closed. */
  async nextChunk(): Promise<Buffer | undefined> {
    for (;;) {
      const c = this.#raw.shift();
      if (c) return c;
      if (this.#ended || this.socket.destroyed) return undefined;
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Frames an SMB message in a session message (type 0x00) and sends it. */
  writeMessage(message: Uint8Array): void {
    this.write(encodeSessionMessage(message));
  }

  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Sends `bytes` one at a time, `intervalMs` apart, until done or the client is gone. */
  async trickle(bytes: Uint8Array, intervalMs: number): Promise<void> {
    for (const b of bytes) {
      if (this.socket.destroyed || this.#ended) return;
      this.socket.write(Uint8Array.of(b));
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /** Resolves when the client has closed (slow-loris servers wait here and send nothing). */
  async untilClosed(): Promise<void> {
    while (!this.#ended && !this.socket.destroyed) await new Promise<void>((r) => this.#waiters.push(r));
  }
}

export interface FakeServer {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: FakeConn[];
  close(): Promise<void>;
}

export async function startTcpFake(handler: (c: FakeConn) => void | Promise<void>, options: { netbios?: boolean } = {}): Promise<FakeServer> {
  const connections: FakeConn[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const c = new FakeConn(socket, connections.length, options.netbios ?? false);
    connections.push(c);
    Promise.resolve(handler(c)).catch(() => c.reset());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('fake server has no port');
  return {
    port: addr.port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
