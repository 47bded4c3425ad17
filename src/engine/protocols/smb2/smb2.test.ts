// SMB2 header, NEGOTIATE (with 3.1.1 contexts), multi-protocol negotiate and SESSION_SETUP
// (MS-SMB2 2.2.1–2.2.6) against Windows 10 and Samba frames; our requests byte-identical to the probe's.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../bytes/errors.js';
import { fromHex, toHex } from '../bytes/hex.js';
import { filetimeToIso } from '../bytes/filetime.js';
import { loadFixture } from '../fixtures/load.js';
import { decodeNtlmChallenge } from '../ntlmssp/challenge.js';
import { encodeNtlmNegotiate } from '../ntlmssp/negotiate.js';
import { NtStatus } from '../smb1/ntstatus.js';
import { decodeNegTokenInit, encodeNegTokenInit, extractNtlmToken, OID_NTLMSSP } from '../spnego/spnego.js';
import { decodeSmb2Header, encodeSmb2Message, Smb2Command } from './header.js';
import { ByteReader } from '../bytes/reader.js';
import {
  ALL_SMB2_DIALECTS,
  decodeSmb2NegotiateRequest,
  decodeSmb2NegotiateResponse,
  defaultNegotiateContexts,
  encodeSmb2NegotiateRequest,
  encodeSmb2NegotiateResponse,
  formatSmb2Dialect,
  MAX_NEGOTIATE_CONTEXTS,
  Smb2Dialect,
  smb2SigningState,
  type Smb2NegotiateContext,
} from './negotiate.js';
import { decodeSmb2SessionSetupRequest, decodeSmb2SessionSetupResponse, encodeSmb2SessionSetupRequest, encodeSmb2SessionSetupResponse } from './session-setup.js';
import { decodeNegotiateAnswer, encodeMultiProtocolNegotiateRequest, identifySmbProtocol } from './multi-protocol.js';

describe('SMB2 header (MS-SMB2 2.2.1)', () => {
  test('decodes the synchronous header of a Windows 10 response', () => {
    const h = decodeSmb2Header(new ByteReader(loadFixture('dpw7-028-smb2-sess-resp-challenge-win10.hex').message));
    assert.deepEqual([h.command, h.status, h.messageId, h.flags & 1, h.asyncId], [Smb2Command.SESSION_SETUP, NtStatus.MORE_PROCESSING_REQUIRED, 2n, 1, undefined]);
    assert.ok(h.sessionId !== 0n);
  });

  test('refuses non-SMB2, transform headers and bad StructureSize', () => {
    const isErr = (code: string) => (e: unknown) => e instanceof DecodeError && e.code === code;
    assert.throws(() => decodeSmb2Header(new ByteReader(fromHex('fd534d42' + '00'.repeat(60)))), isErr('unsupported'));
    assert.throws(() => decodeSmb2Header(new ByteReader(fromHex('ff534d42' + '00'.repeat(60)))), isErr('invalid'));
    const m = encodeSmb2Message({ command: 0 }, new Uint8Array(0)).slice();
    m[4] = 63;
    assert.throws(() => decodeSmb2Header(new ByteReader(m)), isErr('invalid'));
    assert.throws(() => decodeSmb2Header(new ByteReader(m.subarray(0, 40))), DecodeError);
  });

  test('async form reads AsyncId', () => {
    const m = encodeSmb2Message({ command: 0 }, new Uint8Array(0)).slice();
    m[16] = 0x02; // Flags ASYNC_COMMAND
    m[32] = 0x2a;
    assert.equal(decodeSmb2Header(new ByteReader(m)).asyncId, 0x2an);
  });
});

describe('SMB2 NEGOTIATE request (MS-SMB2 2.2.3)', () => {
  test('our 3.1.1 request with PREAUTH + ENCRYPTION is byte-identical [L:ns1_probe_negmulti#8]', () => {
    const fx = loadFixture('ns1-probe-negmulti-008-smb2-neg-req-311-probe.hex');
    const d = decodeSmb2NegotiateRequest(fx.message);
    const pre = d.contexts[0];
    assert.ok(pre?.kind === 'preauth-integrity');
    if (pre?.kind !== 'preauth-integrity') return;
    const enc = encodeSmb2NegotiateRequest({ dialects: ALL_SMB2_DIALECTS, clientGuid: d.clientGuid, capabilities: 0x7f, messageId: 1n, contexts: defaultNegotiateContexts(pre.salt) });
    assert.deepEqual(enc, fx.message);
    assert.equal(enc.length, 174);
  });

  test('with the optional COMPRESSION context [L:ns1_probe_os2#4]', () => {
    const fx = loadFixture('ns1-probe-os2-004-smb2-neg-req-311-compression-probe.hex');
    const d = decodeSmb2NegotiateRequest(fx.message);
    assert.deepEqual(d.contexts.map((c) => c.kind), ['preauth-integrity', 'encryption', 'compression']);
    assert.deepEqual(encodeSmb2NegotiateRequest({ dialects: d.dialects, clientGuid: d.clientGuid, capabilities: d.capabilities, contexts: d.contexts }), fx.message);
  });

  test('Windows 7 request without 3.1.1 (ClientStartTime form) round trips [P:dpw7#25]', () => {
    const fx = loadFixture('dpw7-025-smb2-neg-req-win7.hex');
    const d = decodeSmb2NegotiateRequest(fx.message);
    assert.deepEqual(d.dialects, [0x0202, 0x0210]);
    assert.deepEqual(encodeSmb2NegotiateRequest({ ...d.header, dialects: d.dialects, securityMode: d.securityMode, capabilities: d.capabilities, clientGuid: d.clientGuid }), fx.message);
  });

  test('nmap 7.93 malformed PREAUTH context decodes as what it says (2 hashes, 2-byte salt) [L:ns2_smb-protocols#21]', () => {
    const d = decodeSmb2NegotiateRequest(loadFixture('ns2-smb-protocols-021-smb2-neg-req-311-nmap-malformed.hex').message);
    const pre = d.contexts.find((c) => c.kind === 'preauth-integrity');
    assert.ok(pre?.kind === 'preauth-integrity' && pre.hashAlgorithms.length === 2 && pre.salt.length === 2);
    assert.equal(toHex(d.clientGuid), toHex(new TextEncoder().encode('1234567890123456')));
  });

  test('encoder guards: 3.1.1 needs PREAUTH, GUID must be 16 bytes', () => {
    assert.throws(() => encodeSmb2NegotiateRequest({ dialects: [0x0311], clientGuid: new Uint8Array(16) }), RangeError);
    assert.throws(() => encodeSmb2NegotiateRequest({ dialects: [0x0202], clientGuid: new Uint8Array(8) }), RangeError);
  });

  test('round trip: any dialect subset and context list', () => {
    const ctx = fc.oneof(
      fc.record({ kind: fc.constant('encryption' as const), ciphers: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('compression' as const), flags: fc.integer({ min: 0, max: 1 }), algorithms: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }) }),
      fc.record({ kind: fc.constant('signing' as const), algorithms: fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('netname' as const), netName: fc.string({ maxLength: 10 }) }),
      fc.record({ kind: fc.constant('other' as const), type: fc.integer({ min: 9, max: 100 }), data: fc.uint8Array({ maxLength: 12 }) }),
    );
    fc.assert(
      fc.property(fc.subarray([...ALL_SMB2_DIALECTS], { minLength: 1 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.array(ctx, { maxLength: 4 }), (dialects, salt, extra) => {
        const contexts: Smb2NegotiateContext[] = [...defaultNegotiateContexts(salt), ...extra];
        const enc = encodeSmb2NegotiateRequest({ dialects, clientGuid: salt.subarray(0, 16), contexts });
        const d = decodeSmb2NegotiateRequest(enc);
        assert.deepEqual(d.dialects, dialects);
        if (dialects.includes(0x0311)) {
          assert.equal(d.contexts.length, contexts.length);
          assert.deepEqual(
            d.contexts.map((c) => JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))),
            contexts.map((c) => JSON.stringify(c, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v))),
          );
        }
      }),
    );
  });
});

describe('SMB2 NEGOTIATE response (MS-SMB2 2.2.4)', () => {
  test('Windows 10 1511: wildcard, then 2.1, boot time, 320-byte NegTokenInit2 [P:dpw7#24, #26]', () => {
    const w = decodeSmb2NegotiateResponse(loadFixture('dpw7-024-smb2-neg-resp-wildcard-win10.hex').message);
    assert.ok(w.kind === 'success');
    if (w.kind !== 'success') return;
    assert.equal(formatSmb2Dialect(w.dialectRevision), '2.???');
    assert.equal(filetimeToIso(w.serverStartTime)?.slice(0, 19), '2017-04-16T14:34:36');
    assert.equal(smb2SigningState(w.securityMode), 'enabled-not-required');
    assert.ok(decodeNegTokenInit(w.securityBuffer).mechTypes.includes(OID_NTLMSSP));
    const two = decodeSmb2NegotiateResponse(loadFixture('dpw7-026-smb2-neg-resp-210-win10.hex').message);
    assert.ok(two.kind === 'success' && two.dialectRevision === Smb2Dialect.SMB210 && two.header.messageId === 1n);
  });

  test('Samba 3.1.1 with contexts; signing required on ns2 [L:ns1_probe_negmulti#9, ns2_probe_negmulti#9]', () => {
    const r = decodeSmb2NegotiateResponse(loadFixture('ns1-probe-negmulti-009-smb2-neg-resp-311-samba.hex').message);
    assert.ok(r.kind === 'success');
    if (r.kind !== 'success') return;
    assert.deepEqual(r.contexts.map((c) => c.kind), ['preauth-integrity', 'encryption']);
    assert.deepEqual(r.contexts[1], { kind: 'encryption', ciphers: [0x0002] });
    assert.equal(r.serverStartTime, 0n);
    const req = decodeSmb2NegotiateResponse(loadFixture('ns2-probe-negmulti-009-smb2-neg-resp-311-signing-required-samba.hex').message);
    assert.ok(req.kind === 'success' && smb2SigningState(req.securityMode) === 'required');
    assert.equal(smb2SigningState(0), 'disabled');
    const c = decodeSmb2NegotiateResponse(loadFixture('ns1-probe-os2-006-smb2-neg-resp-311-samba.hex').message);
    assert.ok(c.kind === 'success' && !c.contexts.some((x) => x.kind === 'compression'), 'Samba 4.17 returns no compression context (docs/smb-detection.md §7.7)');
  });

  test('error status carries an ERROR body', () => {
    const body = fromHex('0900 00 00 00000000 00');
    const r = decodeSmb2NegotiateResponse(encodeSmb2Message({ command: 0, status: NtStatus.NOT_SUPPORTED, flags: 1 }, body));
    assert.ok(r.kind === 'error' && r.header.status === NtStatus.NOT_SUPPORTED);
  });

  test('bounds: security buffer past the end, context offset into the header, too many contexts', () => {
    const base = loadFixture('ns1-probe-negmulti-009-smb2-neg-resp-311-samba.hex').message;
    const m1 = base.slice();
    m1[122] = 0xff; // SecurityBufferLength low byte
    m1[123] = 0x7f;
    assert.throws(() => decodeSmb2NegotiateResponse(m1), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
    const m2 = base.slice();
    m2[124] = 8; // NegotiateContextOffset = 8
    m2[125] = 0;
    assert.throws(() => decodeSmb2NegotiateResponse(m2), (e: unknown) => e instanceof DecodeError && e.field === 'SMB2.NegotiateContextOffset');
    const m3 = base.slice();
    m3[70] = MAX_NEGOTIATE_CONTEXTS + 1;
    assert.throws(() => decodeSmb2NegotiateResponse(m3), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('response encoder round trips', () => {
    const orig = decodeSmb2NegotiateResponse(loadFixture('ns1-probe-negmulti-009-smb2-neg-resp-311-samba.hex').message);
    assert.ok(orig.kind === 'success');
    if (orig.kind !== 'success') return;
    const enc = encodeSmb2NegotiateResponse({ ...orig.header, ...orig });
    assert.deepEqual(enc, loadFixture('ns1-probe-negmulti-009-smb2-neg-resp-311-samba.hex').message);
  });
});

describe('multi-protocol negotiate (docs/smb-detection.md §3.6)', () => {
  test('our request is byte-identical [L:ns1_probe_negmulti#4]', () => {
    assert.deepEqual(encodeMultiProtocolNegotiateRequest(), loadFixture('ns1-probe-negmulti-004-smb1-neg-req-multiprotocol-probe.hex').message);
  });

  test('answers: SMB2 wildcard, SMB2 0x0202, SMB1', () => {
    const a = decodeNegotiateAnswer(loadFixture('ns1-probe-negmulti-006-smb2-neg-resp-wildcard-samba.hex').message);
    assert.ok(a.protocol === 'smb2' && a.response.kind === 'success' && a.response.dialectRevision === Smb2Dialect.WILDCARD);
    const b = decodeNegotiateAnswer(loadFixture('ns1-probe-neg2002-007-smb2-neg-resp-202-samba.hex').message);
    assert.ok(b.protocol === 'smb2' && b.response.kind === 'success' && b.response.dialectRevision === Smb2Dialect.SMB202);
    const c = decodeNegotiateAnswer(loadFixture('ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex').message);
    assert.equal(c.protocol, 'smb1');
    assert.equal(identifySmbProtocol(fromHex('fd534d42')), 'smb2-encrypted');
    assert.equal(identifySmbProtocol(fromHex('00')), 'unknown');
    assert.throws(() => decodeNegotiateAnswer(fromHex('fc534d42' + '00'.repeat(60))), (e: unknown) => e instanceof DecodeError && e.code === 'unsupported');
    assert.throws(() => decodeNegotiateAnswer(fromHex('00000000')), DecodeError);
  });
});

describe('SMB2 SESSION_SETUP (MS-SMB2 2.2.5/2.2.6)', () => {
  test('our SPNEGO and raw requests are byte-identical [L:ns1_probe_os2#8, #20]', () => {
    const neg = encodeNtlmNegotiate();
    assert.deepEqual(encodeSmb2SessionSetupRequest({ securityBlob: encodeNegTokenInit({ mechToken: neg }) }), loadFixture('ns1-probe-os2-008-smb2-sess-req-spnego-probe.hex').message);
    assert.deepEqual(encodeSmb2SessionSetupRequest({ securityBlob: neg }), loadFixture('ns1-probe-os2-020-smb2-sess-req-raw-probe.hex').message);
  });

  test('Windows 7 request round trips and carries the same NTLMSSP NEGOTIATE as ours [P:dpw7#27]', () => {
    const fx = loadFixture('dpw7-027-smb2-sess-req-spnego-win7.hex');
    const d = decodeSmb2SessionSetupRequest(fx.message);
    assert.deepEqual(encodeSmb2SessionSetupRequest({ ...d.header, ...d }), fx.message);
    assert.deepEqual(extractNtlmToken(d.securityBlob)?.token, encodeNtlmNegotiate());
  });

  test('responses: Windows 10 (SPNEGO) and Samba (SPNEGO and raw)', () => {
    const w = decodeSmb2SessionSetupResponse(loadFixture('dpw7-028-smb2-sess-resp-challenge-win10.hex').message);
    assert.ok(w.kind === 'session-setup' && w.status === NtStatus.MORE_PROCESSING_REQUIRED && w.sessionId === w.header.sessionId);
    if (w.kind !== 'session-setup') return;
    const tok = extractNtlmToken(w.securityBuffer);
    assert.deepEqual([tok?.offset, tok?.source], [33, 'spnego-resp']);
    assert.equal(decodeNtlmChallenge(tok?.token ?? new Uint8Array(0)).version?.build, 10586);
    const raw = decodeSmb2SessionSetupResponse(loadFixture('ns2-probe-os2-021-smb2-sess-resp-challenge-raw-samba.hex').message);
    assert.ok(raw.kind === 'session-setup' && extractNtlmToken(raw.securityBuffer)?.source === 'raw');
    const sp = decodeSmb2SessionSetupResponse(loadFixture('ns1-probe-os2-009-smb2-sess-resp-challenge-spnego-samba.hex').message);
    assert.ok(sp.kind === 'session-setup' && extractNtlmToken(sp.securityBuffer)?.offset === 31);
  });

  test('error replies and encoder round trip', () => {
    const err = decodeSmb2SessionSetupResponse(encodeSmb2Message({ command: 1, status: NtStatus.LOGON_FAILURE, flags: 1 }, fromHex('0900 00 00 00000000 00')));
    assert.ok(err.kind === 'error' && err.status === NtStatus.LOGON_FAILURE);
    const enc = encodeSmb2SessionSetupResponse({ sessionId: 0x1234n, securityBuffer: Uint8Array.of(9, 8, 7), sessionFlags: 2 });
    const d = decodeSmb2SessionSetupResponse(enc);
    assert.ok(d.kind === 'session-setup' && d.sessionId === 0x1234n && d.sessionFlags === 2 && toHex(d.securityBuffer) === '090807');
    const bad = enc.slice();
    bad[68] = 10; // SecurityBufferOffset into the header
    assert.throws(() => decodeSmb2SessionSetupResponse(bad), DecodeError);
  });
});
