// The two stream readers (FrameReader: NBSS/direct-TCP framing for SMB on 139/445, RFC 1002 §4.3
// and MS-SMB2 2.1; TpktReader: TPKT for RDP on 3389, RFC 1006 §6) must not depend on how the
// network cut the bytes:
// * the same bytes pushed in any split — random cuts, one byte at a time, all at once — give the
//   same frames and the same error (code, field, stream offset, message), and every complete
//   frame comes out before the error about the bytes after it;
// * nothing but DecodeError is thrown;
// * the cost is linear in the bytes received: a frame delivered in small chunks costs about the
//   same per byte at every size (a quadratic reader costs 4× more per byte at 4× the size).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { DecodeError } from '../protocols/bytes/errors.js';
import { toHex } from '../protocols/bytes/hex.js';
import { FrameReader } from '../protocols/netbios/frame-reader.js';
import { TpktReader } from './rdp-codec.js';
import type { Framer } from './conversation.js';

interface ErrorShape {
  readonly code: string;
  readonly field: string;
  readonly offset: number;
  readonly message: string;
}

interface Outcome {
  readonly frames: string[];
  readonly error: ErrorShape | null;
}

/** What a consumer sees: push each chunk and pull every complete frame, then end() and pull again. */
function consume<F>(reader: Framer<F>, chunks: readonly Uint8Array[], hex: (f: F) => string): Outcome {
  const frames: string[] = [];
  const pull = (): void => {
    for (let f = reader.next(); f !== undefined; f = reader.next()) frames.push(hex(f));
  };
  try {
    for (const c of chunks) {
      reader.push(c);
      pull();
    }
    reader.end();
    pull();
    return { frames, error: null };
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    return { frames, error: { code: e.code, field: e.field, offset: e.offset, message: e.message } };
  }
}

function split(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < stream.length).sort((a, b) => a - b), stream.length];
  const out: Uint8Array[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push(stream.subarray(points[i], points[i + 1]));
  return out;
}

function bytewise(stream: Uint8Array): Uint8Array[] {
  return Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1));
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stream, the frames a correct reader returns, and the error it must end with. */
interface Case {
  readonly stream: Uint8Array;
  readonly want: { readonly frames: string[]; readonly error: Omit<ErrorShape, 'message'> | null };
}

/** Every split of `c.stream` gives `c.want`; the error message is the same in every split too. */
function assertSplitIndependent<F>(make: () => Framer<F>, h: (f: F) => string, c: Case, cuts: readonly number[]): void {
  const whole = consume(make(), [c.stream], h);
  assert.deepEqual(whole.frames, c.want.frames, 'frames (one chunk)');
  if (c.want.error === null) assert.equal(whole.error, null);
  else {
    const { message: _m, ...shape } = whole.error ?? { message: '' };
    assert.deepEqual(shape, c.want.error, 'error (one chunk)');
  }
  assert.deepEqual(consume(make(), split(c.stream, cuts), h), whole, `cuts ${cuts.join(',')}`);
  assert.deepEqual(consume(make(), bytewise(c.stream), h), whole, 'one byte at a time');
}

const cutsFor = (c: Case): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 1, max: Math.max(1, c.stream.length - 1) }), { maxLength: Math.min(40, c.stream.length) });

// ---------------------------------------------------------------- NBSS (FrameReader)

const NB_MAX = 64;

type NbTail =
  | { readonly kind: 'none' }
  | { readonly kind: 'partial'; readonly bytes: Uint8Array }
  | { readonly kind: 'bad-type'; readonly type: number; readonly rest: Uint8Array }
  | { readonly kind: 'too-long'; readonly length: number };

const nbFrame = (type: number, payload: Uint8Array): Uint8Array =>
  concat([Uint8Array.of(type, (payload.length >> 16) & 0xff, (payload.length >> 8) & 0xff, payload.length & 0xff), payload]);

function nbCase(frames: readonly { type: number; payload: Uint8Array }[], tail: NbTail): Case {
  const parts = frames.map((f) => nbFrame(f.type, f.payload));
  const wantFrames = frames.filter((f) => f.type !== 0x85).map((f) => `${f.type}:${toHex(f.payload)}`);
  const at = parts.reduce((n, p) => n + p.length, 0);
  let error: Case['want']['error'] = null;
  if (tail.kind === 'partial') {
    parts.push(tail.bytes);
    error = { code: 'truncated', field: 'NBSS.Frame', offset: at };
  } else if (tail.kind === 'bad-type') {
    parts.push(Uint8Array.of(tail.type), tail.rest);
    error = { code: 'invalid', field: 'NBSS.Type', offset: at };
  } else if (tail.kind === 'too-long') {
    parts.push(Uint8Array.of(0, (tail.length >> 16) & 0xff, (tail.length >> 8) & 0xff, tail.length & 0xff));
    error = { code: 'too-large', field: 'NBSS.Length', offset: at + 1 };
  }
  return { stream: concat(parts), want: { frames: wantFrames, error } };
}

function nbArbitrary(mode: 'direct-tcp' | 'netbios'): fc.Arbitrary<Case> {
  const types = mode === 'direct-tcp' ? [0x00] : [0x00, 0x81, 0x82, 0x83, 0x84, 0x85];
  const frame = fc.record({
    type: fc.constantFrom(...types),
    payload: fc.uint8Array({ maxLength: NB_MAX }),
  }).map((f) => (f.type === 0x85 ? { type: 0x85, payload: new Uint8Array(0) } : f));
  const badTypes = mode === 'direct-tcp' ? [0x81, 0x85, 0xff, 0x03] : [0x01, 0x80, 0x86, 0xff, 0x03];
  const tail: fc.Arbitrary<NbTail> = fc.oneof(
    fc.constant<NbTail>({ kind: 'none' }),
    // 1..3 header bytes, or a whole header and fewer payload bytes than it declares
    fc.oneof(
      fc.integer({ min: 1, max: 3 }).map((n) => new Uint8Array(n)),
      fc.integer({ min: 1, max: NB_MAX }).chain((len) => fc.uint8Array({ maxLength: len - 1 }).map((p) => concat([Uint8Array.of(0, 0, (len >> 8) & 0xff, len & 0xff), p]))),
    ).map((bytes): NbTail => ({ kind: 'partial', bytes })),
    fc.record({ type: fc.constantFrom(...badTypes), rest: fc.uint8Array({ minLength: 3, maxLength: 20 }) }).map((t): NbTail => ({ kind: 'bad-type', ...t })),
    fc.integer({ min: NB_MAX + 1, max: 0xffffff }).map((length): NbTail => ({ kind: 'too-long', length })),
  );
  return fc.tuple(fc.array(frame, { maxLength: 12 }), tail).map(([frames, t]) => nbCase(frames, t));
}

const nbHex = (f: { type: number; payload: Uint8Array }): string => `${f.type}:${toHex(f.payload)}`;

describe('FrameReader: same frames and same error whatever the chunking', () => {
  for (const mode of ['direct-tcp', 'netbios'] as const) {
    test(`property (${mode}): random splits, one byte at a time and one chunk agree with the model`, () => {
      // Room for the longest generated stream (12 frames of NB_MAX plus a tail) in one chunk: this property is
      // about chunking; a chunk past the buffer cap is refused whole, which the cap's own tests cover.
      const make = (): FrameReader => new FrameReader({ mode, maxFrameLength: NB_MAX, maxBufferedBytes: 4096 });
      fc.assert(
        fc.property(nbArbitrary(mode).chain((c) => fc.tuple(fc.constant(c), cutsFor(c))), ([c, cuts]) => assertSplitIndependent(make, nbHex, c, cuts)),
        { numRuns: 300 },
      );
    });
  }

  test('a complete frame followed by a bad header in the same chunk is returned before the error', () => {
    const r = new FrameReader();
    r.push(Uint8Array.of(0, 0, 0, 1, 0x41, 0x85, 0, 0, 0));
    assert.equal(toHex(r.next()?.payload ?? new Uint8Array(0)), '41');
    assert.throws(() => r.next(), (e: unknown) => e instanceof DecodeError && e.field === 'NBSS.Type' && e.offset === 5);
  });

  test('end() with complete frames still unread does not lose them; the partial frame after them is reported next', () => {
    const r = new FrameReader();
    r.push(Uint8Array.of(0, 0, 0, 1, 0x41, 0, 0, 0, 9, 1));
    r.end();
    assert.equal(toHex(r.next()?.payload ?? new Uint8Array(0)), '41');
    assert.throws(() => r.next(), (e: unknown) => e instanceof DecodeError && e.code === 'truncated' && e.offset === 5);
    assert.throws(() => r.next(), (e: unknown) => e instanceof DecodeError && e.code === 'truncated' && e.offset === 5);
  });
});

// ---------------------------------------------------------------- TPKT (TpktReader)

type TpktTail =
  | { readonly kind: 'none' }
  | { readonly kind: 'partial'; readonly bytes: Uint8Array }
  | { readonly kind: 'bad-version'; readonly version: number; readonly rest: Uint8Array }
  | { readonly kind: 'short-length'; readonly length: number; readonly rest: Uint8Array };

const tpktPacket = (payload: Uint8Array): Uint8Array =>
  concat([Uint8Array.of(3, 0, ((payload.length + 4) >> 8) & 0xff, (payload.length + 4) & 0xff), payload]);

function tpktCase(payloads: readonly Uint8Array[], tail: TpktTail): Case {
  const parts = payloads.map(tpktPacket);
  const at = parts.reduce((n, p) => n + p.length, 0);
  let error: Case['want']['error'] = null;
  if (tail.kind === 'partial') {
    parts.push(tail.bytes);
    error = { code: 'truncated', field: 'TPKT.Frame', offset: at };
  } else if (tail.kind === 'bad-version') {
    parts.push(Uint8Array.of(tail.version), tail.rest);
    error = { code: 'invalid', field: 'TPKT.Version', offset: at };
  } else if (tail.kind === 'short-length') {
    parts.push(Uint8Array.of(3, 0, 0, tail.length), tail.rest);
    error = { code: 'invalid', field: 'TPKT.Length', offset: at + 2 };
  }
  return { stream: concat(parts), want: { frames: payloads.map((p) => toHex(p)), error } };
}

const tpktArbitrary: fc.Arbitrary<Case> = fc
  .tuple(
    fc.array(fc.uint8Array({ minLength: 1, maxLength: 60 }), { maxLength: 12 }),
    fc.oneof(
      fc.constant<TpktTail>({ kind: 'none' }),
      fc.oneof(
        fc.integer({ min: 1, max: 3 }).map((n) => Uint8Array.of(3, 0, 0).subarray(0, n)),
        fc.integer({ min: 1, max: 60 }).chain((len) => fc.uint8Array({ maxLength: len - 1 }).map((p) => concat([Uint8Array.of(3, 0, 0, len + 4), p]))),
      ).map((bytes): TpktTail => ({ kind: 'partial', bytes })),
      // The first byte alone is enough to refuse: no TPKT starts with anything but 3.
      fc.record({ version: fc.integer({ min: 0, max: 255 }).filter((v) => v !== 3), rest: fc.uint8Array({ maxLength: 20 }) }).map((t): TpktTail => ({ kind: 'bad-version', ...t })),
      fc.record({ length: fc.integer({ min: 0, max: 4 }), rest: fc.uint8Array({ maxLength: 20 }) }).map((t): TpktTail => ({ kind: 'short-length', ...t })),
    ),
  )
  .map(([payloads, tail]) => tpktCase(payloads, tail));

describe('TpktReader: same TPDUs and same error whatever the chunking', () => {
  test('property: random splits, one byte at a time and one chunk agree with the model', () => {
    fc.assert(
      fc.property(tpktArbitrary.chain((c) => fc.tuple(fc.constant(c), cutsFor(c))), ([c, cuts]) =>
        assertSplitIndependent(() => new TpktReader(), (f) => toHex(f), c, cuts),
      ),
      { numRuns: 300 },
    );
  });

  test('030000050000: the TPDU comes out, then the bad byte after it is refused (at once or split 5 + 1)', () => {
    const bytes = Uint8Array.of(0x03, 0x00, 0x00, 0x05, 0x00, 0x00);
    for (const chunks of [[bytes], [bytes.subarray(0, 5), bytes.subarray(5)]]) {
      const got = consume(new TpktReader(), chunks, (f) => toHex(f));
      assert.deepEqual(got.frames, ['00']);
      assert.deepEqual([got.error?.code, got.error?.field, got.error?.offset], ['invalid', 'TPKT.Version', 5]);
    }
  });

  test('a Connection Confirm and FIN before anyone reads: end() keeps the confirm', () => {
    const r = new TpktReader();
    r.push(Uint8Array.of(0x03, 0x00, 0x00, 0x0b, 0x06, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00));
    r.end();
    assert.equal(toHex(r.next() ?? new Uint8Array(0)), '06d00000123400');
    assert.equal(r.next(), undefined);
  });
});

// ---------------------------------------------------------------- cost

/**
 * Milliseconds to push `stream` in `step`-byte chunks into a fresh reader, calling next() after
 * every push as Conversation does while a probe waits; `frames` must come out.
 */
function feed<F>(make: () => Framer<F>, stream: Uint8Array, step: number, frames: number): number {
  const r = make();
  let got = 0;
  const t0 = performance.now();
  for (let i = 0; i < stream.length; i += step) {
    r.push(stream.subarray(i, i + step));
    for (let f = r.next(); f !== undefined; f = r.next()) got++;
  }
  const ms = performance.now() - t0;
  assert.equal(got, frames);
  return ms;
}

/**
 * The same number of bytes, in the same chunks, as one big frame and as 64 frames of 1/64 the
 * size. A reader whose cost is linear in the bytes takes about as long for both. One whose
 * cost grows with the square of what one frame has buffered (Array.shift() per consumed chunk,
 * or re-concatenating on every push) takes 14–290× longer for the big frame (measured on the old
 * readers). The bound, 8×, is far from both, and compares two timings taken interleaved in the same
 * process (best of 9 each, so a GC pause or a busy neighbour on a 2-core CI machine cannot decide
 * it), not a wall-clock limit.
 */
function bigOverSmall<F>(make: () => Framer<F>, frame: (payload: number) => Uint8Array, total: number, step: number): number {
  const header = frame(0).length;
  const big = frame(total - header);
  const small = concat(Array.from({ length: 64 }, () => frame(total / 64 - header)));
  assert.equal(big.length, small.length);
  let tBig = Infinity;
  let tSmall = Infinity;
  feed(make, small, step, 64); // warm up the JIT on the same path
  for (let i = 0; i < 9; i++) {
    tBig = Math.min(tBig, feed(make, big, step, 1));
    tSmall = Math.min(tSmall, feed(make, small, step, 64));
  }
  return tBig / tSmall;
}

const nbssOf = (n: number): Uint8Array => nbFrame(0, new Uint8Array(n).fill(0x5a));
const tpktOf = (n: number): Uint8Array => tpktPacket(new Uint8Array(n).fill(0x5a));

describe('stream readers cost linear time in the bytes received, whatever the chunk sizes', () => {
  test('FrameReader: a 64 KiB frame in one-byte pushes costs what 64 frames of 1 KiB cost', () => {
    const ratio = bigOverSmall(() => new FrameReader(), nbssOf, 64 * 1024, 1);
    assert.ok(ratio < 8, `one 64 KiB frame took ${ratio.toFixed(2)}× as long as 64 × 1 KiB`);
  });

  test('FrameReader: a 1 MiB frame in 16-byte pushes costs what 64 frames of 16 KiB cost', () => {
    const ratio = bigOverSmall(() => new FrameReader(), nbssOf, 1024 * 1024, 16);
    assert.ok(ratio < 8, `one 1 MiB frame took ${ratio.toFixed(2)}× as long as 64 × 16 KiB`);
  });

  test('TpktReader: a 64 KiB packet (TPKT maximum) in one-byte pushes costs what 64 packets of 1 KiB cost', () => {
    // 0xFFC0 = 64 × 1023 bytes: the whole stream stays under the 16-bit TPKT length.
    const ratio = bigOverSmall(() => new TpktReader(), tpktOf, 0xffc0, 1);
    assert.ok(ratio < 8, `one 64 KiB packet took ${ratio.toFixed(2)}× as long as 64 × 1 KiB`);
  });
});
