// SMB1 SESSION_SETUP_ANDX (MS-CIFS 2.2.4.53, MS-SMB 2.2.4.6): null-session and extended-security
// requests byte-identical to our probe, round trips of captured client requests, response strings.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../bytes/errors.js';
import { toHex } from '../bytes/hex.js';
import { loadFixture } from '../fixtures/load.js';
import { decodeNtlmChallenge } from '../ntlmssp/challenge.js';
import { encodeNtlmNegotiate } from '../ntlmssp/negotiate.js';
import { encodeNegTokenInit, extractNtlmToken } from '../spnego/spnego.js';
import { Smb1Flags2 } from './header.js';
import { NtStatus } from './ntstatus.js';
import {
  decodeSmb1SessionSetupRequest,
  decodeSmb1SessionSetupResponse,
  encodeSmb1SessionSetupRequest,
  encodeSmb1SessionSetupResponse,
  type Smb1SessionSetupRequest,
  type Smb1SessionSetupRequestInput,
} from './session-setup.js';

/** Turns a decoded request back into encoder input (round trip of captured requests). */
function asInput(r: Smb1SessionSetupRequest): Smb1SessionSetupRequestInput {
  const common = {
    ...r.header,
    maxBufferSize: r.maxBufferSize,
    maxMpxCount: r.maxMpxCount,
    vcNumber: r.vcNumber,
    sessionKey: r.sessionKey,
    capabilities: r.capabilities,
    nativeOs: r.nativeOs ?? '',
    nativeLanMan: r.nativeLanMan ?? '',
  };
  return r.kind === 'classic'
    ? { ...common, kind: 'classic', oemPassword: r.oemPassword, unicodePassword: r.unicodePassword, accountName: r.accountName ?? '', primaryDomain: r.primaryDomain ?? '' }
    : { ...common, kind: 'extended', securityBlob: r.securityBlob };
}

describe('SMB1 SESSION_SETUP_ANDX request', () => {
  test('our null session is byte-identical to docs/smb-detection.md §4.1 [L:ns1_probe_ms17#8]', () => {
    const fx = loadFixture('ns1-probe-ms17-008-smb1-sess-req-null-probe.hex');
    assert.deepEqual(encodeSmb1SessionSetupRequest({ kind: 'classic', sessionKey: 0x444c, mid: 2 }), fx.message);
    assert.ok(toHex(fx.message).endsWith('0dff000000ffff020001004c4400000100000000000000500000001000000000556e6978005363616e6e657200'));
  });

  test('our extended-security request with SPNEGO(NTLMSSP NEGOTIATE) [L:ns1_probe_os1#20]', () => {
    const fx = loadFixture('ns1-probe-os1-020-smb1-sess-req-ext-spnego-probe.hex');
    const blob = encodeNegTokenInit({ mechToken: encodeNtlmNegotiate() });
    const flags2 = Smb1Flags2.UNICODE | Smb1Flags2.NT_STATUS | Smb1Flags2.EXTENDED_SECURITY | Smb1Flags2.LONG_NAMES;
    assert.deepEqual(encodeSmb1SessionSetupRequest({ kind: 'extended', sessionKey: 0x441d, mid: 2, flags2, securityBlob: blob }), fx.message);
    const d = decodeSmb1SessionSetupRequest(fx.message);
    assert.ok(d.kind === 'extended' && d.capabilities === 0x80000054 && d.nativeOs === 'Unix' && d.nativeLanMan === 'Scanner');
  });

  test('decode → re-encode reproduces FuzzBunch, WannaCry, Metasploit and Windows 7 requests', () => {
    for (const name of [
      'dpw7-082-smb1-sess-req-null-unicode-fuzzbunch.hex',
      'dpw7-043-smb1-sess-req-ext-win7.hex',
      'wcry-202-smb1-sess-req-null-wannacry.hex',
      'id2t-007-smb1-sess-req-ntlm-raw-metasploit.hex',
      'id2t-011-smb1-sess-req-null-metasploit.hex',
      'erdp-006-smb1-sess-req-ntlm-raw.hex',
    ]) {
      const fx = loadFixture(name);
      const again = encodeSmb1SessionSetupRequest(asInput(decodeSmb1SessionSetupRequest(fx.message)));
      // Real clients fill AndXOffset (S+35) although no command is chained; we send 0 like our probe and nmap.
      const want = fx.message.slice();
      want[35] = 0;
      want[36] = 0;
      assert.deepEqual(again, want, name);
    }
    const fb = decodeSmb1SessionSetupRequest(loadFixture('dpw7-082-smb1-sess-req-null-unicode-fuzzbunch.hex').message);
    assert.ok(fb.kind === 'classic');
    assert.deepEqual([fb.accountName, fb.primaryDomain, fb.nativeOs, fb.nativeLanMan, fb.vcNumber], ['', '', 'Windows 2000 2195', 'Windows 2000 5.0', 0]);
    const wc = decodeSmb1SessionSetupRequest(loadFixture('wcry-202-smb1-sess-req-null-wannacry.hex').message);
    assert.ok(wc.kind === 'classic' && wc.primaryDomain === '.' && wc.maxBufferSize === 0xffdf);
  });

  test('round trip: random names and flags', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }).filter((s) => !s.includes('\0') && [...s].every((c) => c.charCodeAt(0) < 256)),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffffffff }),
        (name, unicode, key) => {
          const flags2 = unicode ? 0xc001 : 0x4001;
          const enc = encodeSmb1SessionSetupRequest({ kind: 'classic', sessionKey: key, flags2, nativeOs: name, nativeLanMan: 'x', accountName: name });
          const dec = decodeSmb1SessionSetupRequest(enc);
          assert.ok(dec.kind === 'classic');
          assert.deepEqual([dec.sessionKey, dec.nativeOs, dec.accountName, dec.nativeLanMan], [key, name, name, 'x']);
        },
      ),
    );
  });
});

describe('SMB1 SESSION_SETUP_ANDX response', () => {
  test('classic, Unicode with a pad byte at S+41 [P:dpw7#83]', () => {
    const r = decodeSmb1SessionSetupResponse(loadFixture('dpw7-083-smb1-sess-resp-win7-unicode.hex').message);
    assert.ok(r.kind === 'classic');
    assert.deepEqual([r.nativeOs, r.nativeLanMan, r.primaryDomain, r.header.uid], ['Windows 7 Enterprise 7601 Service Pack 1', 'Windows 7 Enterprise 6.1', 'WORKGROUP', 2048]);
  });

  test('extended: challenge blob then strings; Windows sends no PrimaryDomain, Samba does', () => {
    const win = decodeSmb1SessionSetupResponse(loadFixture('dpw7-044-smb1-sess-resp-challenge-win10.hex').message);
    assert.ok(win.kind === 'extended' && win.primaryDomain === undefined);
    assert.equal(win.header.status.kind === 'nt' && win.header.status.code, NtStatus.MORE_PROCESSING_REQUIRED);
    const tok = win.kind === 'extended' ? extractNtlmToken(win.securityBlob) : undefined;
    assert.equal(tok?.offset, 33);
    const samba = decodeSmb1SessionSetupResponse(loadFixture('ns1-probe-os1-022-smb1-sess-resp-challenge-samba.hex').message);
    assert.ok(samba.kind === 'extended' && samba.primaryDomain === 'CITYLAB');
    const raw = decodeSmb1SessionSetupResponse(loadFixture('id2t-008-smb1-sess-resp-challenge-win7.hex').message);
    assert.ok(raw.kind === 'extended');
    if (raw.kind === 'extended') assert.equal(decodeNtlmChallenge(raw.securityBlob).targetName, 'WIN-GMVMLQDT7V4');
  });

  test('refusal: WordCount 0 with ACCESS_DENIED [P:wcry#219]', () => {
    const r = decodeSmb1SessionSetupResponse(loadFixture('wcry-219-smb1-sess-resp-access-denied-2012r2.hex').message);
    assert.deepEqual([r.kind, r.header.status], ['error', { kind: 'nt', code: NtStatus.ACCESS_DENIED }]);
  });

  test('2012 R2 DC null session (signing-required server still serves it) [P:wcry#232]', () => {
    const r = decodeSmb1SessionSetupResponse(loadFixture('wcry-232-smb1-sess-resp-null-2012r2-dc.hex').message);
    assert.ok(r.kind === 'classic' && r.nativeOs?.startsWith('Windows Server 2012 R2'));
  });

  test('response encoder round trips (classic ASCII/Unicode, extended, error)', () => {
    for (const flags2 of [0x4001, 0xc001]) {
      const enc = encodeSmb1SessionSetupResponse({ kind: 'classic', flags2, uid: 7, action: 1, nativeOs: 'Windows 5.1', nativeLanMan: 'Windows 2000 LAN Manager', primaryDomain: 'WORKGROUP' });
      const dec = decodeSmb1SessionSetupResponse(enc);
      assert.ok(dec.kind === 'classic');
      assert.deepEqual([dec.action, dec.nativeOs, dec.nativeLanMan, dec.primaryDomain, dec.header.uid], [1, 'Windows 5.1', 'Windows 2000 LAN Manager', 'WORKGROUP', 7]);
    }
    const blob = Uint8Array.of(1, 2, 3);
    const ext = decodeSmb1SessionSetupResponse(encodeSmb1SessionSetupResponse({ kind: 'extended', flags2: 0xc801, securityBlob: blob, nativeOs: 'A', nativeLanMan: 'B' }));
    assert.ok(ext.kind === 'extended' && toHex(ext.securityBlob) === '010203' && ext.nativeOs === 'A' && ext.primaryDomain === undefined);
    assert.equal(decodeSmb1SessionSetupResponse(encodeSmb1SessionSetupResponse({ kind: 'error', status: { kind: 'nt', code: 0xc000006d } })).kind, 'error');
  });

  test('SecurityBlobLength beyond ByteCount is refused', () => {
    const m = loadFixture('dpw7-044-smb1-sess-resp-challenge-win10.hex').message.slice();
    m[39] = 0xff;
    m[40] = 0xff;
    assert.throws(() => decodeSmb1SessionSetupResponse(m), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.SessionSetup.SecurityBlob');
  });
});
