// Robustness properties over every real frame we ship (fixtures/*.hex):
// * each fixture decodes through every layer;
// * truncating a message at any length gives DecodeError — never another exception;
// * random bytes and random mutations of real frames give a result or a DecodeError, never
//   another exception, and never hang (each test has a timeout);
// * each fixture split at every offset (and random multi-way splits of all of them in one
//   stream) comes out of the frame reader unchanged;
// * declared lengths and counts above our caps are refused.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from './bytes/errors.js';
import { ByteReader } from './bytes/reader.js';
import { fromHex, toHex } from './bytes/hex.js';
import { loadAllFixtures } from './fixtures/load.js';
import { DECODERS, decodeFrameDeep, decoderKey } from './fixtures/decode-any.js';
import { decodeNbssPacket, decodeNetbiosName, encodeSessionMessage } from './netbios/session.js';
import { FrameReader } from './netbios/frame-reader.js';
import { decodeSmb1Message, encodeSmb1Message, Smb1Command } from './smb1/header.js';
import { decodeSmb1NegotiateRequest, encodeSmb1NegotiateRequest } from './smb1/negotiate.js';
import { decodeSmb2NegotiateRequest } from './smb2/negotiate.js';
import { decodeNtlmChallenge, encodeNtlmChallenge } from './ntlmssp/challenge.js';
import { decodeNtlmNegotiate } from './ntlmssp/negotiate.js';
import { readTlv } from './spnego/der.js';
import { decodeSmb2Header } from './smb2/header.js';
import { identifySmbProtocol } from './smb2/multi-protocol.js';
import { tcpSegments, tcpStreams } from './fixtures/pcap.js';
import { CAPTURES, capturePackets } from './fixtures/vectors.js';

const fixtures = loadAllFixtures();
const smbFixtures = fixtures.filter((f) => decoderKey(f.name) !== undefined);
const TIMEOUT = { timeout: 60_000 };

function onlyDecodeError(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecodeError)) assert.fail(`${what}: threw ${String(e)}`);
  }
}

/** Bytes after the last byte any length field covers (tolerated stray bytes of nmap/Metasploit/WannaCry). */
function trailingOf(message: Uint8Array): number {
  return message[0] === 0xff ? decodeSmb1Message(message).trailing : 0;
}

describe('every fixture decodes through every layer', () => {
  test(`${fixtures.length} fixtures`, () => {
    assert.ok(smbFixtures.length >= 90);
    for (const f of fixtures) decodeFrameDeep(f.name, f.frame);
  });
});

describe('truncation', () => {
  test('every prefix of every SMB message throws DecodeError (stray trailing bytes excepted)', TIMEOUT, () => {
    let checked = 0;
    for (const f of smbFixtures) {
      const decode = DECODERS[decoderKey(f.name) ?? ''];
      assert.ok(decode);
      const minimal = f.message.length - trailingOf(f.message);
      for (let len = 0; len < f.message.length; len++) {
        const prefix = f.message.slice(0, len); // a copy: the decoder sees exactly len bytes
        if (len < minimal) {
          assert.throws(() => decode(prefix), DecodeError, `${f.name} cut at ${len}/${f.message.length}`);
        } else {
          onlyDecodeError(() => decode(prefix), `${f.name} cut at ${len}`);
        }
        checked++;
      }
    }
    assert.ok(checked > 10_000);
  });

  test('every prefix of every framed fixture is refused by the session layer', () => {
    for (const f of fixtures) {
      for (let len = 0; len < f.frame.length; len++) assert.throws(() => decodeNbssPacket(f.frame.slice(0, len)), DecodeError);
    }
  });
});

describe('random input', () => {
  test('random bytes into every decoder: DecodeError or a result', TIMEOUT, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const [k, decode] of Object.entries(DECODERS)) onlyDecodeError(() => decode(bytes), k);
        onlyDecodeError(() => decodeNbssPacket(bytes), 'nbss');
        onlyDecodeError(() => decodeNetbiosName(bytes), 'netbios-name');
        onlyDecodeError(() => decodeNtlmChallenge(bytes), 'ntlm-challenge');
        onlyDecodeError(() => decodeNtlmNegotiate(bytes), 'ntlm-negotiate');
      }),
      { numRuns: 3000 },
    );
  });

  test('random bytes behind valid SMB1/SMB2/NTLMSSP magic reach the inner decoders', TIMEOUT, () => {
    const magics = ['ff534d42', 'fe534d424000', '4e544c4d5353500002000000', '4e544c4d5353500001000000'].map(fromHex);
    fc.assert(
      fc.property(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 400 }), (magic, tail) => {
        const bytes = new Uint8Array(magic.length + tail.length);
        bytes.set(magic);
        bytes.set(tail, magic.length);
        for (const [k, decode] of Object.entries(DECODERS)) onlyDecodeError(() => decode(bytes), k);
        onlyDecodeError(() => decodeNtlmChallenge(bytes), 'ntlm-challenge');
        onlyDecodeError(() => decodeNtlmNegotiate(bytes), 'ntlm-negotiate');
      }),
      { numRuns: 3000 },
    );
  });

  test('mutated real frames (byte changes, insertions, deletions): DecodeError or a result', TIMEOUT, () => {
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom('set', 'insert', 'delete'), value: fc.integer({ min: 0, max: 255 }) });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: smbFixtures.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (i, edits) => {
        const f = smbFixtures[i];
        assert.ok(f);
        const bytes = [...f.message];
        for (const e of edits) {
          const at = e.at % (bytes.length + 1);
          if (e.op === 'set' && at < bytes.length) bytes[at] = e.value;
          else if (e.op === 'insert') bytes.splice(at, 0, e.value);
          else if (e.op === 'delete') bytes.splice(at, 1);
        }
        const m = Uint8Array.from(bytes);
        onlyDecodeError(() => DECODERS[decoderKey(f.name) ?? '']?.(m), f.name);
        onlyDecodeError(() => decodeFrameDeep(f.name, encodeSessionMessage(m)), f.name);
      }),
      { numRuns: 5000 },
    );
  });

  test('mutating length/offset fields specifically (16-bit fields set to extreme values)', TIMEOUT, () => {
    for (const f of smbFixtures) {
      const decode = DECODERS[decoderKey(f.name) ?? ''];
      for (let at = 0; at + 1 < Math.min(f.message.length, 140); at++) {
        for (const v of [0x0000, 0x0001, 0x7fff, 0xffff]) {
          const m = f.message.slice();
          m[at] = v & 0xff;
          m[at + 1] = v >> 8;
          onlyDecodeError(() => decode?.(m), `${f.name} @${at}=${v}`);
        }
      }
    }
  });
});

describe('frame reader over real frames', () => {
  test('each fixture split at every offset gives the same frame', () => {
    for (const f of fixtures) {
      for (let i = 0; i <= f.frame.length; i++) {
        const r = new FrameReader({ mode: 'netbios', keepKeepalives: true });
        r.push(f.frame.subarray(0, i));
        r.push(f.frame.subarray(i));
        const got = r.drain();
        assert.equal(got.length, 1, `${f.name} split at ${i}`);
        assert.equal(toHex(got[0]?.payload ?? new Uint8Array(0)), toHex(f.frame.subarray(4)));
        r.end();
      }
    }
  });

  test('all fixtures as one stream, split at random offsets, give the same frames in order', TIMEOUT, () => {
    const stream = Buffer.concat(fixtures.map((f) => f.frame));
    const want = fixtures.map((f) => toHex(f.frame.subarray(4)));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 200 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const r = new FrameReader({ mode: 'netbios', keepKeepalives: true });
        const got: string[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
          r.push(stream.subarray(points[i], points[i + 1]));
          for (const fr of r.drain()) got.push(toHex(fr.payload));
        }
        r.end();
        assert.deepEqual(got, want);
      }),
      { numRuns: 200 },
    );
  });

  test('SMB-only stream in direct-tcp mode, one byte at a time', () => {
    const smb = fixtures.filter((f) => f.frame[0] === 0);
    const stream = Buffer.concat(smb.map((f) => f.frame));
    const r = new FrameReader();
    const got: string[] = [];
    for (let i = 0; i < stream.length; i++) {
      r.push(stream.subarray(i, i + 1));
      for (const fr of r.drain()) got.push(toHex(fr.payload));
    }
    assert.deepEqual(got, smb.map((f) => toHex(f.message)));
  });
});

describe('declared lengths above the caps are refused', () => {
  const tooLargeOrTruncated = (e: unknown): boolean => e instanceof DecodeError && (e.code === 'too-large' || e.code === 'truncated');

  test('session layer: 24-bit length above the frame cap', () => {
    const r = new FrameReader({ maxFrameLength: 64 * 1024 });
    assert.throws(() => r.push(fromHex('00 01 00 01')), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('SMB1: WordCount/ByteCount larger than the message', () => {
    const m = encodeSmb1Message({ command: Smb1Command.NEGOTIATE }, new Uint8Array(0), Uint8Array.of(2, 0x41, 0)).slice();
    m[33] = 0xff;
    m[34] = 0xff;
    assert.throws(() => decodeSmb1Message(m), tooLargeOrTruncated);
    const w = m.slice();
    w[32] = 0xff;
    assert.throws(() => decodeSmb1Message(w), tooLargeOrTruncated);
  });

  test('SMB1 NEGOTIATE: dialect count and dialect string caps', () => {
    const many = encodeSmb1NegotiateRequest({ dialects: Array.from({ length: 65 }, (_, i) => `D${i}`) });
    assert.throws(() => decodeSmb1NegotiateRequest(many), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
    const long = encodeSmb1NegotiateRequest({ dialects: ['X'.repeat(100)] });
    assert.throws(() => decodeSmb1NegotiateRequest(long), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('SMB2 NEGOTIATE request: DialectCount above the cap', () => {
    const f = fixtures.find((x) => x.name.includes('smb2-neg-req-311-probe'));
    assert.ok(f);
    const m = f.message.slice();
    m[66] = 0xff;
    m[67] = 0xff;
    assert.throws(() => decodeSmb2NegotiateRequest(m), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('NTLMSSP: TargetInfo length beyond the message', () => {
    const ch = encodeNtlmChallenge({ flags: 0xe28a8215, targetName: 'X', serverChallenge: new Uint8Array(8), avPairs: [] }).slice();
    ch[40] = 0xff;
    ch[41] = 0xff;
    assert.throws(() => decodeNtlmChallenge(ch), tooLargeOrTruncated);
  });

  test('DER: long-form length of 4+ bytes, and a length beyond the input', () => {
    assert.throws(() => readTlv(new ByteReader(fromHex('04 84 7fffffff')), 'x'), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
    assert.throws(() => readTlv(new ByteReader(fromHex('04 83 ffffff 00')), 'x'), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
  });
});

describe('frame reader and decoders over every SMB TCP stream of the shipped captures (fixtures/vectors)', () => {
  for (const capture of Object.keys(CAPTURES).sort()) {
    test(capture, TIMEOUT, () => {
      const streams = tcpStreams(tcpSegments(capturePackets(capture))).filter(
        (s) => [445, 139].includes(s.dstPort) || [445, 139].includes(s.srcPort),
      );
      const exploit = capture.startsWith('public/'); // exploit traffic: malformed by design, only "no crash" is required
      for (const s of streams) {
        const r = new FrameReader({ mode: s.dstPort === 139 || s.srcPort === 139 ? 'netbios' : 'direct-tcp' });
        try {
          for (const c of s.chunks) {
            r.push(c);
            for (const f of r.drain()) {
              if (f.type !== 0 || f.payload.length === 0) continue;
              const proto = identifySmbProtocol(f.payload);
              if (!exploit) assert.ok(proto === 'smb1' || proto === 'smb2', `${s.key}: ${proto}`);
              onlyDecodeError(() => (proto === 'smb1' ? decodeSmb1Message(f.payload) : decodeSmb2Header(new ByteReader(f.payload))), s.key);
            }
          }
          if (!s.gap) r.end();
        } catch (e) {
          assert.ok(e instanceof DecodeError, `${s.key}: ${String(e)}`);
          assert.ok(exploit, `${s.key}: clean lab traffic must frame cleanly: ${String(e)}`);
        }
      }
    });
  }
});
