// Minimal DER and SPNEGO (RFC 4178, MS-SPNG): our NegTokenInit, server NegTokenInit2 hints,
// NegTokenResp from Windows 10, NTLMSSP extraction fallbacks, random-input robustness.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader } from '../bytes/reader.js';
import { DecodeError } from '../bytes/errors.js';
import { fromHex, toHex } from '../bytes/hex.js';
import { loadFixture } from '../fixtures/load.js';
import { encodeNtlmNegotiate } from '../ntlmssp/negotiate.js';
import { decodeSmb2NegotiateResponse } from '../smb2/negotiate.js';
import { decodeSmb2SessionSetupResponse } from '../smb2/session-setup.js';
import { decodeOidValue, encodeOidValue, encodeTlv, readTlv } from './der.js';
import {
  decodeNegTokenInit,
  decodeNegTokenResp,
  encodeNegTokenInit,
  encodeNegTokenResp,
  extractNtlmToken,
  findNtlmsspSignature,
  NegState,
  OID_KERBEROS,
  OID_MS_KERBEROS,
  OID_NEGOEX,
  OID_NTLMSSP,
} from './spnego.js';

describe('DER (X.690) subset', () => {
  test('lengths: short, 0x81, 0x82; indefinite and oversized refused', () => {
    assert.equal(toHex(encodeTlv(0x04, new Uint8Array(5))).slice(0, 4), '0405');
    assert.equal(toHex(encodeTlv(0x04, new Uint8Array(200))).slice(0, 6), '0481c8');
    assert.equal(toHex(encodeTlv(0x04, new Uint8Array(300))).slice(0, 8), '0482012c');
    assert.equal(readTlv(new ByteReader(encodeTlv(0x04, new Uint8Array(300))), 't').value.length, 300);
    assert.throws(() => readTlv(new ByteReader(fromHex('3080 0000')), 't'), (e: unknown) => e instanceof DecodeError && e.code === 'unsupported');
    assert.throws(() => readTlv(new ByteReader(fromHex('30 84 00000001 00')), 't'), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
    assert.throws(() => readTlv(new ByteReader(fromHex('30 82 ffff 00')), 't'), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
    assert.throws(() => readTlv(new ByteReader(fromHex('1f 01 00')), 't'), (e: unknown) => e instanceof DecodeError && e.code === 'unsupported');
  });

  test('OIDs round trip', () => {
    assert.equal(toHex(encodeOidValue(OID_NTLMSSP)), '2b0601040182370202' + '0a');
    for (const oid of [OID_NTLMSSP, OID_KERBEROS, OID_MS_KERBEROS, OID_NEGOEX, '2.999.3']) assert.equal(decodeOidValue(encodeOidValue(oid), 'o', 0), oid);
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 2 ** 40 }), { maxLength: 8 }), (a, b, rest) => {
      const oid = [a, b, ...rest].join('.');
      assert.equal(decodeOidValue(encodeOidValue(oid), 'o', 0), oid);
    }));
    assert.throws(() => decodeOidValue(fromHex('2b 86'), 'o', 0), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
  });
});

describe('SPNEGO (RFC 4178, MS-SPNG)', () => {
  test('NegTokenInit with our NTLMSSP NEGOTIATE is the 74-byte blob of docs/smb-detection.md §4.4', () => {
    const blob = encodeNegTokenInit({ mechToken: encodeNtlmNegotiate() });
    assert.equal(blob.length, 74);
    assert.equal(toHex(blob.subarray(0, 32)), '604806062b0601050502a03e303ca00e300c060a2b06010401823702020aa22a');
    const d = decodeNegTokenInit(blob);
    assert.deepEqual(d.mechTypes, [OID_NTLMSSP]);
    assert.deepEqual(d.mechToken, encodeNtlmNegotiate());
    assert.equal(d.mechTokenOffset, 34);
  });

  test('server NegTokenInit2 hints: Windows 10 (workgroup) lists NEGOEX + NTLM, Samba NTLM only', () => {
    const w = decodeSmb2NegotiateResponse(loadFixture('dpw7-024-smb2-neg-resp-wildcard-win10.hex').message);
    assert.ok(w.kind === 'success');
    if (w.kind !== 'success') return;
    const init = decodeNegTokenInit(w.securityBuffer);
    assert.deepEqual(init.mechTypes, [OID_NEGOEX, OID_NTLMSSP]);
    const samba = decodeNegTokenInit(encodeNegTokenInit({ negHintName: 'not_defined_in_RFC4178@please_ignore' }));
    assert.equal(samba.negHintName, 'not_defined_in_RFC4178@please_ignore');
  });

  test('NegTokenResp from Windows 10: accept-incomplete, NTLMSSP, token at 33 [P:dpw7#28]', () => {
    const r = decodeSmb2SessionSetupResponse(loadFixture('dpw7-028-smb2-sess-resp-challenge-win10.hex').message);
    assert.ok(r.kind === 'session-setup');
    if (r.kind !== 'session-setup') return;
    const resp = decodeNegTokenResp(r.securityBuffer);
    assert.deepEqual([resp.negState, resp.supportedMech, resp.responseTokenOffset], [NegState.ACCEPT_INCOMPLETE, OID_NTLMSSP, 33]);
  });

  test('extractNtlmToken: raw, SPNEGO resp/init, signature scan fallback, none', () => {
    const neg = encodeNtlmNegotiate();
    assert.equal(extractNtlmToken(neg)?.source, 'raw');
    const resp = encodeNegTokenResp({ negState: 1, supportedMech: OID_NTLMSSP, responseToken: neg });
    assert.deepEqual([extractNtlmToken(resp)?.source, toHex(extractNtlmToken(resp)?.token ?? new Uint8Array(0))], ['spnego-resp', toHex(neg)]);
    assert.equal(extractNtlmToken(encodeNegTokenInit({ mechToken: neg }))?.source, 'spnego-init');
    const broken = encodeNegTokenResp({ responseToken: neg }).slice();
    broken[1] = 0x7f; // outer length now wrong
    assert.deepEqual([extractNtlmToken(broken)?.source, extractNtlmToken(broken)?.offset], ['signature-scan', findNtlmsspSignature(broken)]);
    assert.equal(extractNtlmToken(encodeNegTokenResp({ negState: 2 })), undefined);
    assert.equal(extractNtlmToken(new Uint8Array(0)), undefined);
  });

  test('property: decoders throw only DecodeError; extractNtlmToken never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        for (const f of [decodeNegTokenInit, decodeNegTokenResp]) {
          try {
            f(b);
          } catch (e) {
            assert.ok(e instanceof DecodeError, String(e));
          }
        }
        extractNtlmToken(b);
      }),
      { numRuns: 2000 },
    );
  });
});
