// RDP connection start (MS-RDPBCGR 2.2.1.1/2.2.1.2, docs/smb-detection.md §7.4): our 19-byte
// X.224 Connection Request byte for byte, Connection Confirm variants (RDP_NEG_RSP, RDP_NEG_FAILURE,
// bare pre-Vista confirm), TPKT framing split anywhere, and garbage → DecodeError only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../protocols/bytes/errors.js';
import { fromHex, toHex } from '../protocols/bytes/hex.js';
import {
  decodeTpkt,
  decodeX224,
  encodeRdpConnectionRequest,
  encodeX224ConnectionConfirm,
  rdpFailureName,
  RdpProtocol,
  rdpProtocolName,
  TpktReader,
} from './rdp-codec.js';

// Server confirms laid out per MS-RDPBCGR 2.2.1.2 (TPKT 03 00 00 13, LI 0x0e, CC 0xd0,
// dst-ref 0, src-ref 0x1234, class 0, then the 8-byte negotiation structure).
const CC_CREDSSP_HEX = '03 00 00 13 0e d0 00 00 12 34 00 02 1f 08 00 02 00 00 00';
const CC_FAIL_HYBRID_REQUIRED = '03 00 00 13 0e d0 00 00 12 34 00 03 00 08 00 05 00 00 00';
const CC_BARE = '03 00 00 0b 06 d0 00 00 12 34 00';

describe('X.224 Connection Request', () => {
  test('is the 19 bytes of docs/smb-detection.md §7.4 (TLS|CredSSP requested)', () => {
    assert.equal(toHex(encodeRdpConnectionRequest()), '030000130ee000000000000100080003000000');
  });
  test('round trip with a cookie and other protocol sets', () => {
    const req = encodeRdpConnectionRequest({ requestedProtocols: RdpProtocol.SSL, cookie: 'perisai' });
    const x = decodeX224(decodeTpkt(req));
    assert.deepEqual(x, { kind: 'connection-request', requestedProtocols: 1 });
  });
});

describe('X.224 Connection Confirm', () => {
  test('RDP_NEG_RSP selecting CredSSP, with flags', () => {
    const x = decodeX224(decodeTpkt(fromHex(CC_CREDSSP_HEX)));
    assert.ok(x.kind === 'connection-confirm');
    if (x.kind !== 'connection-confirm') return;
    assert.deepEqual(x.negotiation, { type: 'response', flags: 0x1f, selectedProtocol: RdpProtocol.HYBRID });
    assert.equal(x.srcRef, 0x1234);
    assert.equal(rdpProtocolName(RdpProtocol.HYBRID), 'credssp');
  });
  test('RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER', () => {
    const x = decodeX224(decodeTpkt(fromHex(CC_FAIL_HYBRID_REQUIRED)));
    assert.ok(x.kind === 'connection-confirm' && x.negotiation?.type === 'failure' && x.negotiation.failureCode === 5);
    assert.equal(rdpFailureName(5), 'HYBRID_REQUIRED_BY_SERVER');
  });
  test('bare confirm (pre-Vista server) has no negotiation', () => {
    const x = decodeX224(decodeTpkt(fromHex(CC_BARE)));
    assert.ok(x.kind === 'connection-confirm' && x.negotiation === undefined);
  });
  test('encoder matches the layouts above', () => {
    assert.equal(toHex(encodeX224ConnectionConfirm({ negotiation: { type: 'failure', flags: 0, failureCode: 5 } })), toHex(fromHex(CC_FAIL_HYBRID_REQUIRED)));
    assert.equal(toHex(encodeX224ConnectionConfirm()), toHex(fromHex(CC_BARE)));
  });
  test('disconnect request, data and unknown TPDUs are told apart', () => {
    assert.equal(decodeX224(fromHex('06 80 00 00 12 34 00')).kind, 'disconnect-request');
    assert.equal(decodeX224(fromHex('02 f0 80')).kind, 'data');
    assert.equal(decodeX224(fromHex('02 50 80')).kind, 'other');
  });
  test('inconsistent lengths are DecodeErrors', () => {
    assert.throws(() => decodeX224(fromHex('20 d0 00 00')), DecodeError);
    assert.throws(() => decodeX224(fromHex('09 d0 00 00 12 34 00 01 02')), DecodeError); // 2 stray bytes
    assert.throws(() => decodeTpkt(fromHex('03 00 00 20 02 f0 80')), DecodeError);
    assert.throws(() => decodeTpkt(fromHex('04 00 00 07 02 f0 80')), DecodeError);
  });
});

describe('TpktReader', () => {
  test('property: a stream of confirms split at arbitrary points yields the same TPDUs', () => {
    const packets = [fromHex(CC_CREDSSP_HEX), fromHex(CC_BARE), fromHex(CC_FAIL_HYBRID_REQUIRED)];
    const stream = Uint8Array.from(packets.flatMap((p) => [...p]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 10 }), (cuts) => {
        const r = new TpktReader();
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const out: string[] = [];
        let prev = 0;
        for (const c of [...points, stream.length]) {
          r.push(stream.subarray(prev, c));
          prev = c;
          for (let f = r.next(); f !== undefined; f = r.next()) out.push(toHex(f));
        }
        r.end();
        assert.deepEqual(out, packets.map((p) => toHex(p.subarray(4))));
      }),
    );
  });
  test('garbage is refused at once; a partial frame at close is reported; the buffer is capped', () => {
    assert.throws(() => new TpktReader().push(fromHex('48 54 54 50')), DecodeError); // "HTTP"
    assert.throws(() => new TpktReader().push(fromHex('03 00 00 02')), DecodeError);
    const r = new TpktReader();
    r.push(fromHex('03 00 00 13 0e'));
    assert.equal(r.next(), undefined);
    assert.throws(() => r.end(), DecodeError);
    const small = new TpktReader(32);
    assert.throws(() => small.push(new Uint8Array(40).fill(3)), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });
  test('property: random bytes only ever throw DecodeError (reader and decoder)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const r = new TpktReader();
          r.push(bytes);
          for (let f = r.next(); f !== undefined; f = r.next()) decodeX224(f);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
        try {
          decodeX224(bytes);
        } catch (e) {
          assert.ok(e instanceof DecodeError, String(e));
        }
      }),
    );
  });
});
