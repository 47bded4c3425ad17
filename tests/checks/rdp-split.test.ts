// The RDP probe's verdict must not depend on how the network cut the server's bytes. A fake RDP
// server on 127.0.0.1 answers with a Connection Confirm (MS-RDPBCGR 2.2.1.2) followed by stray
// bytes, delivered as one segment, split at every offset, or one byte at a time. Each piece is
// written only after the probe's socket has received the previous one (a listener on the
// probe's own socket, registered before the probe's), so every split really reaches the probe
// as separate reads; a piece the probe no longer waits for (it closed) is not awaited.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import type { Dialer, DialOptions } from '../../src/engine/net/dialer.js';
import { runRdpProbe, type RdpProbeData } from '../../src/engine/probes/rdp.js';
import { encodeX224ConnectionConfirm, RdpProtocol } from '../../src/engine/probes/rdp-codec.js';
import type { ProbeOutcome } from '../../src/engine/probes/outcome.js';
import { LOOPBACK, PortMapDialer } from '../fakes/port-map-dialer.js';
import { startTcpFake } from '../fakes/tcp-fake.js';

/** Dialer that counts what the probe's socket received, so the server can pace its writes. */
class PacedDialer implements Dialer {
  readonly #inner: Dialer;
  #received = 0;
  #closed = false;
  #waiters: (() => void)[] = [];

  constructor(inner: Dialer) {
    this.#inner = inner;
  }

  async connect(o: DialOptions): Promise<Socket> {
    const s = await this.#inner.connect(o);
    s.on('data', (d: Buffer) => {
      this.#received += d.length;
      this.#wake();
    });
    s.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    return s;
  }

  /** Resolves once the probe's socket has received `n` bytes, or has closed. */
  async received(n: number): Promise<void> {
    while (this.#received < n && !this.#closed) await new Promise<void>((r) => this.#waiters.push(r));
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}

/** What a verdict is made of: status, step and data; not the elapsed time. */
function essence(o: ProbeOutcome<RdpProbeData>): unknown {
  return o.status === 'success' ? { status: o.status, data: o.data } : { status: o.status, step: o.step, error: o.error, partial: o.partial };
}

async function probeWithPieces(pieces: readonly Uint8Array[], fin: boolean): Promise<ProbeOutcome<RdpProbeData>> {
  let paced: PacedDialer | undefined;
  const server = await startTcpFake(async (c) => {
    await c.nextChunk(); // the Connection Request
    let sent = 0;
    for (const p of pieces) {
      c.write(p);
      sent += p.length;
      await paced?.received(sent);
    }
    if (fin) c.end();
    await c.untilClosed();
  });
  try {
    paced = new PacedDialer(new PortMapDialer({ 3389: server.port }));
    return await runRdpProbe({ dialer: paced, ip: LOOPBACK, timeoutMs: 3000, requestedProtocols: RdpProtocol.SSL | RdpProtocol.HYBRID });
  } finally {
    await server.close();
  }
}

/** The answer as one piece, cut once at every offset, and one byte at a time. */
function splits(answer: Uint8Array): { name: string; pieces: Uint8Array[] }[] {
  const out = [{ name: 'one segment', pieces: [answer] }];
  for (let i = 1; i < answer.length; i++) out.push({ name: `split ${i} + ${answer.length - i}`, pieces: [answer.subarray(0, i), answer.subarray(i)] });
  out.push({ name: 'one byte at a time', pieces: Array.from(answer, (b) => Uint8Array.of(b)) });
  return out;
}

const CONFIRM = encodeX224ConnectionConfirm({ negotiation: { type: 'response', flags: 0x1f, selectedProtocol: RdpProtocol.HYBRID } });
const withTrailing = (bytes: number[]): Uint8Array => Uint8Array.from([...CONFIRM, ...bytes]);

describe('RDP probe verdict does not depend on how the answer was split', () => {
  for (const [label, answer, fin] of [
    ['Connection Confirm + one trailing 0x00 byte', withTrailing([0x00]), false],
    ['Connection Confirm + one trailing 0x03 byte, then FIN', withTrailing([0x03]), true],
    ['Connection Confirm + "HTTP" garbage', withTrailing([0x48, 0x54, 0x54, 0x50]), false],
  ] as const) {
    test(`${label}: success with the negotiated protocol, however split`, async () => {
      const seen = new Map<string, string>();
      for (const s of splits(answer)) seen.set(s.name, JSON.stringify(essence(await probeWithPieces(s.pieces, fin))));
      const want = seen.get('one segment');
      const o = JSON.parse(want ?? '{}') as { status: string; data?: RdpProbeData };
      assert.equal(o.status, 'success', want);
      assert.equal(o.data?.answer, 'connection-confirm');
      assert.equal(o.data?.selectedProtocolName, 'credssp');
      for (const [name, got] of seen) assert.equal(got, want, name);
    });
  }

  test('garbage before any Connection Confirm: protocol-error, however split', async () => {
    const answer = Uint8Array.from([0x48, 0x54, 0x54, 0x50, ...CONFIRM]);
    const seen = new Map<string, string>();
    for (const s of splits(answer).filter((_, i, all) => i < 6 || i === all.length - 1)) {
      seen.set(s.name, JSON.stringify(essence(await probeWithPieces(s.pieces, false))));
    }
    const want = seen.get('one segment') ?? '';
    assert.equal((JSON.parse(want) as { status: string }).status, 'protocol-error', want);
    for (const [name, got] of seen) assert.equal(got, want, name);
  });
});
