// NetBIOS session service (RFC 1002 §4.1/§4.3) and direct-TCP framing (MS-SMB2 2.1): names,
// session packets against real Windows/Samba frames, and the incremental frame reader
// (every split point, caps, modes, truncated streams).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../bytes/errors.js';
import { fromHex, toHex } from '../bytes/hex.js';
import { loadFixture } from '../fixtures/load.js';
import { FrameReader } from './frame-reader.js';
import {
  decodeNbssHeader,
  decodeNbssPacket,
  decodeNetbiosName,
  encodeKeepalive,
  encodeNegativeSessionResponse,
  encodeNetbiosName,
  encodePositiveSessionResponse,
  encodeSessionMessage,
  encodeSessionRequest,
  NbssNegativeCode,
  NbssType,
} from './session.js';

describe('NetBIOS names (RFC 1002 §4.1 first-level encoding)', () => {
  test('*SMBSERVER<20> matches docs/smb-detection.md §1.2', () => {
    assert.equal(toHex(encodeNetbiosName('*SMBSERVER', 0x20)), '20' + toHex(new TextEncoder().encode('CKFDENECFDEFFCFGEFFCCACACACACACA')) + '00');
  });

  test('wildcard * is NUL-padded (NBSTAT query name, docs/smb-detection.md §7.3)', () => {
    assert.equal(toHex(encodeNetbiosName('*', 0)), '20' + toHex(new TextEncoder().encode('CK' + 'AA'.repeat(15))) + '00');
    assert.deepEqual(decodeNetbiosName(encodeNetbiosName('*', 0)), { name: '*', suffix: 0, scope: '' });
  });

  test('names are upper-cased, space-padded, length-checked', () => {
    assert.deepEqual(decodeNetbiosName(encodeNetbiosName('labsmb1', 0x20)), { name: 'LABSMB1', suffix: 0x20, scope: '' });
    assert.throws(() => encodeNetbiosName('', 0x20), RangeError);
    assert.throws(() => encodeNetbiosName('SIXTEENCHARSNAME', 0x20), RangeError);
  });

  test('decoder rejects bad labels and accepts scopes', () => {
    const bad = encodeNetbiosName('X', 0x20);
    bad[3] = 0x5a; // 'Z' is not 'A'..'P'
    assert.throws(() => decodeNetbiosName(bad), DecodeError);
    const scoped = fromHex(toHex(encodeNetbiosName('X', 0x20)).slice(0, -2) + '03' + '636f6d' + '00');
    assert.equal(decodeNetbiosName(scoped).scope, 'com');
    assert.throws(() => decodeNetbiosName(Uint8Array.of(0x10)), DecodeError);
  });
});

describe('session service packets (RFC 1002 §4.3)', () => {
  test('our *SMBSERVER session request is byte-identical to the probe [L:ns1_probe_nb139#4]', () => {
    const fx = loadFixture('ns1-probe-nb139-004-nbss-session-request-smbserver-probe.hex');
    assert.deepEqual(encodeSessionRequest({ calledName: '*SMBSERVER', callingName: 'SCANNER' }), fx.frame);
    const p = decodeNbssPacket(fx.frame);
    assert.equal(p.kind, 'session-request');
    if (p.kind === 'session-request') {
      assert.deepEqual(p.called, { name: '*SMBSERVER', suffix: 0x20, scope: '' });
      assert.deepEqual(p.calling, { name: 'SCANNER', suffix: 0x00, scope: '' });
    }
  });

  test('Windows 7 session request to its Windows 10 server [P:dpw7#20]', () => {
    const p = decodeNbssPacket(loadFixture('dpw7-020-nbss-session-request-win7.hex').frame);
    assert.deepEqual(p, {
      kind: 'session-request',
      called: { name: 'DESKTOP-AFPVEQ2', suffix: 0x20, scope: '' },
      calling: { name: 'IE11WIN7', suffix: 0x00, scope: '' },
    });
    assert.deepEqual(encodeSessionRequest({ calledName: 'DESKTOP-AFPVEQ2', callingName: 'IE11WIN7' }), loadFixture('dpw7-020-nbss-session-request-win7.hex').frame);
  });

  test('positive responses from Windows 10 and Samba', () => {
    for (const name of ['dpw7-021-nbss-positive-response.hex', 'ns1-probe-nb139-006-nbss-positive-response-samba.hex']) {
      const fx = loadFixture(name);
      assert.deepEqual(decodeNbssPacket(fx.frame), { kind: 'positive-response' });
      assert.deepEqual(encodePositiveSessionResponse(), fx.frame);
    }
  });

  test('negative response, keepalive, retarget, session message', () => {
    assert.deepEqual(decodeNbssPacket(encodeNegativeSessionResponse(NbssNegativeCode.CALLED_NAME_NOT_PRESENT)), {
      kind: 'negative-response',
      code: 0x82,
      reason: 'called-name-not-present',
    });
    assert.equal(toHex(encodeNegativeSessionResponse(0x80)), '8300000180');
    assert.deepEqual(decodeNbssPacket(encodeKeepalive()), { kind: 'keepalive' });
    assert.deepEqual(decodeNbssPacket(fromHex('84000006 c0a80001 01bd')), { kind: 'retarget-response', ip: '192.168.0.1', port: 445 });
    const msg = decodeNbssPacket(encodeSessionMessage(Uint8Array.of(1, 2, 3)));
    assert.equal(msg.kind, 'session-message');
    if (msg.kind === 'session-message') assert.deepEqual([...msg.payload], [1, 2, 3]);
  });

  test('length field must match the frame; unknown types are refused', () => {
    assert.throws(() => decodeNbssPacket(fromHex('00000005 0102')), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
    assert.throws(() => decodeNbssPacket(fromHex('82000001 00')), DecodeError);
    assert.throws(() => decodeNbssPacket(fromHex('86000000')), DecodeError);
    assert.deepEqual(decodeNbssHeader(fromHex('00 01 02 03')), { type: 0, flags: 1, length: 0x010203 });
  });

  test('24-bit lengths encode and decode', () => {
    const big = new Uint8Array(0x12345);
    const framed = encodeSessionMessage(big);
    assert.equal(toHex(framed.subarray(0, 4)), '00012345');
    assert.throws(() => encodeSessionMessage(new Uint8Array(0x1000000)), RangeError);
  });
});

describe('FrameReader', () => {
  const ms17 = [
    'ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex',
    'ns1-probe-ms17-009-smb1-sess-resp-samba.hex',
    'ns1-probe-ms17-011-smb1-tree-resp-samba-wc7.hex',
    'ns1-probe-ms17-013-smb1-trans-resp-invalid-handle-samba.hex',
    'ns1-probe-ms17-015-smb1-dp-resp-access-denied-samba.hex',
  ].map(loadFixture);
  const stream = Buffer.concat(ms17.map((f) => f.frame));

  test('returns frames exactly, whatever the chunking', () => {
    const r = new FrameReader();
    r.push(stream.subarray(0, 3));
    assert.equal(r.next(), undefined);
    r.push(stream.subarray(3));
    const frames = r.drain();
    assert.deepEqual(frames.map((f) => toHex(f.payload)), ms17.map((f) => toHex(f.message)));
    assert.deepEqual(frames.map((f) => f.streamOffset), [0, 113, 199, 257, 296]);
    assert.equal(r.bufferedBytes, 0);
    r.end();
  });

  test('every split point of the Samba MS17-010 reply stream gives the same frames', () => {
    const want = ms17.map((f) => toHex(f.message));
    for (let i = 0; i <= stream.length; i++) {
      const r = new FrameReader();
      r.push(stream.subarray(0, i));
      const got = r.drain();
      r.push(stream.subarray(i));
      got.push(...r.drain());
      assert.deepEqual(got.map((f) => toHex(f.payload)), want, `split at ${i}`);
    }
  });

  test('property: random multi-way splits of the stream give the same frames', () => {
    const want = ms17.map((f) => toHex(f.message));
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 30 }), (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
        const r = new FrameReader();
        const got: string[] = [];
        for (let i = 0; i + 1 < points.length; i++) {
          r.push(stream.subarray(points[i], points[i + 1]));
          for (const f of r.drain()) got.push(toHex(f.payload));
        }
        assert.deepEqual(got, want);
        r.end();
      }),
    );
  });

  test('refuses a declared length above the cap as soon as the header is complete', () => {
    const r = new FrameReader({ maxFrameLength: 1024 });
    r.push(fromHex('00 00'));
    assert.throws(() => r.push(fromHex('04 01')), (e: unknown) => e instanceof DecodeError && e.code === 'too-large' && e.field === 'NBSS.Length');
    // The stream is unusable afterwards: every call rethrows.
    assert.throws(() => r.next(), DecodeError);
    assert.throws(() => r.push(Uint8Array.of(0)), DecodeError);
    const d = new FrameReader();
    assert.throws(() => d.push(fromHex('00 ff ff ff')), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
    assert.doesNotThrow(() => new FrameReader().push(fromHex('00 10 00 00'))); // exactly 1 MiB is allowed
  });

  test('caps buffered bytes', () => {
    const r = new FrameReader({ maxFrameLength: 16, maxBufferedBytes: 40 });
    const frame = encodeSessionMessage(new Uint8Array(16));
    r.push(frame);
    r.push(frame);
    assert.throws(() => r.push(frame), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('direct-tcp accepts only type 0x00; netbios accepts RFC 1002 types and skips keepalives', () => {
    assert.throws(() => new FrameReader().push(encodeKeepalive()), (e: unknown) => e instanceof DecodeError && e.field === 'NBSS.Type');
    const nb = new FrameReader({ mode: 'netbios' });
    nb.push(encodeKeepalive());
    nb.push(encodePositiveSessionResponse());
    nb.push(encodeKeepalive());
    nb.push(ms17[0]!.frame);
    const frames = nb.drain();
    assert.deepEqual(frames.map((f) => f.type), [NbssType.POSITIVE_RESPONSE, NbssType.SESSION_MESSAGE]);
    const keep = new FrameReader({ mode: 'netbios', keepKeepalives: true });
    keep.push(encodeKeepalive());
    assert.equal(keep.next()?.type, NbssType.KEEPALIVE);
    assert.throws(() => new FrameReader({ mode: 'netbios' }).push(fromHex('42000000')), DecodeError);
  });

  test('end() reports a frame cut by the peer closing', () => {
    const r = new FrameReader();
    r.push(stream.subarray(0, 50));
    assert.throws(() => r.end(), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
  });

  test('139 stream: positive response then SMB [L:ns1_probe_nb139#6,#9]', () => {
    const s = Buffer.concat([loadFixture('ns1-probe-nb139-006-nbss-positive-response-samba.hex').frame, loadFixture('ns1-probe-nb139-009-smb1-neg-resp-139-samba.hex').frame]);
    for (let i = 0; i <= s.length; i++) {
      const r = new FrameReader({ mode: 'netbios' });
      r.push(s.subarray(0, i));
      r.push(s.subarray(i));
      assert.deepEqual(r.drain().map((f) => [f.type, f.payload.length]), [[0x82, 0], [0x00, 159]]);
    }
  });

  test('property: random bytes never throw anything but DecodeError and never hang', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 10 }), fc.boolean(), (chunks, netbios) => {
        const r = new FrameReader({ mode: netbios ? 'netbios' : 'direct-tcp', maxFrameLength: 64 });
        try {
          for (const c of chunks) {
            r.push(c);
            r.drain();
          }
          r.end();
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }),
    );
  });
});
