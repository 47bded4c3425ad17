// SMB1 header/status (MS-CIFS 2.2.3.1) and NEGOTIATE (MS-CIFS 2.2.4.52, MS-SMB 2.2.4.5) against
// real Windows, Samba and tool traffic; request encoders must be byte-identical to captured requests.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DecodeError } from '../bytes/errors.js';
import { fromHex, toHex } from '../bytes/hex.js';
import { filetimeToIso } from '../bytes/filetime.js';
import { loadFixture } from '../fixtures/load.js';
import { decodeNegTokenInit, OID_NTLMSSP } from '../spnego/spnego.js';
import { decodeSmb1Message, encodeSmb1Message, formatSmb1Status, isSmb1Success, Smb1Command } from './header.js';
import {
  chosenDialect,
  decodeSmb1NegotiateRequest,
  decodeSmb1NegotiateResponse,
  encodeSmb1NegotiateRequest,
  encodeSmb1NegotiateResponse,
  NT_LM_012,
  Smb1Capabilities,
  smb1SigningState,
} from './negotiate.js';
import { describeNtStatus, ntStatusName, NtStatus } from './ntstatus.js';

describe('SMB1 header and status (MS-CIFS 2.2.3.1)', () => {
  test('NT vs DOS status form follows Flags2 NT_STATUS', () => {
    const nt = decodeSmb1Message(loadFixture('wcry-207-smb1-trans-resp-vulnerable-win7.hex').message);
    assert.deepEqual(nt.header.status, { kind: 'nt', code: 0xc0000205 });
    assert.equal(formatSmb1Status(nt.header.status), '0xC0000205');
    const dos = decodeSmb1Message(loadFixture('wcry-201-smb1-neg-resp-ext-win7.hex').message); // Flags2 0x2801
    assert.deepEqual(dos.header.status, { kind: 'dos', errorClass: 0, errorCode: 0 });
    assert.ok(isSmb1Success(dos.header.status));
    const dosErr = encodeSmb1Message({ command: 0x25, flags2: 0x2801, status: { kind: 'dos', errorClass: 2, errorCode: 5 } }, new Uint8Array(0));
    assert.deepEqual(decodeSmb1Message(dosErr).header.status, { kind: 'dos', errorClass: 2, errorCode: 5 });
    assert.equal(formatSmb1Status({ kind: 'dos', errorClass: 2, errorCode: 5 }), 'DOS class=0x02 code=0x0005');
  });

  test('rejects non-SMB1 bytes and inconsistent WordCount/ByteCount', () => {
    assert.throws(() => decodeSmb1Message(loadFixture('dpw7-024-smb2-neg-resp-wildcard-win10.hex').message), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Protocol');
    const m = loadFixture('ns1-probe-ms17-004-smb1-neg-req-probe.hex').message.slice();
    m[33] = 0xff; // ByteCount 0x00ff > remaining
    assert.throws(() => decodeSmb1Message(m), (e: unknown) => e instanceof DecodeError && e.code === 'truncated' && e.field === 'SMB1.Bytes');
    m[32] = 200; // WordCount 200 → 400 bytes of words
    assert.throws(() => decodeSmb1Message(m), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Words');
  });

  test('trailing bytes after ByteCount are tolerated and counted [L:ns1_smb-vuln-ms17-010#19]', () => {
    assert.equal(decodeSmb1Message(loadFixture('ns1-smb-vuln-ms17-010-019-smb1-trans-req-peek-nmap.hex').message).trailing, 1);
  });

  test('NTSTATUS names', () => {
    assert.equal(ntStatusName(NtStatus.INSUFF_SERVER_RESOURCES), 'STATUS_INSUFF_SERVER_RESOURCES');
    assert.equal(ntStatusName(0xc0000008), 'STATUS_INVALID_HANDLE');
    assert.equal(ntStatusName(0x12345678), undefined);
    assert.equal(describeNtStatus(0xc0000022), '0xC0000022 STATUS_ACCESS_DENIED');
    assert.equal(describeNtStatus(0xdeadbeef), '0xDEADBEEF');
  });
});

describe('SMB1 NEGOTIATE request (MS-CIFS 2.2.4.52.1)', () => {
  test('our SMBv1 probe request is byte-identical to docs/smb-detection.md §3.1 [L:ns1_probe_ms17#4]', () => {
    const fx = loadFixture('ns1-probe-ms17-004-smb1-neg-req-probe.hex');
    assert.deepEqual(encodeSmb1NegotiateRequest({ dialects: [NT_LM_012] }), fx.message);
    assert.equal(
      toHex(fx.frame),
      '0000002fff534d4272000000001801400000000000000000000000000000fffe00000000000c00024e54204c4d20302e313200',
    );
  });

  test('decode → re-encode reproduces Windows 7, FuzzBunch, WannaCry and Metasploit requests', () => {
    for (const name of [
      'dpw7-022-smb1-neg-req-multiprotocol-win7.hex',
      'dpw7-041-smb1-neg-req-ext-win7.hex',
      'dpw7-080-smb1-neg-req-fuzzbunch.hex',
      'erdp-004-smb1-neg-req-fuzzbunch.hex',
      'wcry-200-smb1-neg-req-wannacry.hex',
      'id2t-004-smb1-neg-req-metasploit.hex',
      'ns1-probe-negmulti-004-smb1-neg-req-multiprotocol-probe.hex',
    ]) {
      const fx = loadFixture(name);
      const req = decodeSmb1NegotiateRequest(fx.message);
      assert.deepEqual(encodeSmb1NegotiateRequest({ ...req.header, dialects: req.dialects }), fx.message, name);
    }
    assert.deepEqual(decodeSmb1NegotiateRequest(loadFixture('dpw7-022-smb1-neg-req-multiprotocol-win7.hex').message).dialects, [
      'PC NETWORK PROGRAM 1.0', 'LANMAN1.0', 'Windows for Workgroups 3.1a', 'LM1.2X002', 'LANMAN2.1', 'NT LM 0.12', 'SMB 2.002', 'SMB 2.???',
    ]);
  });

  test('request decoder refuses a bad buffer format', () => {
    const m = encodeSmb1NegotiateRequest({ dialects: [NT_LM_012] });
    m[35] = 0x03;
    assert.throws(() => decodeSmb1NegotiateRequest(m), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Negotiate.BufferFormat');
    assert.throws(() => encodeSmb1NegotiateRequest({ dialects: [] }), RangeError);
  });
});

describe('SMB1 NEGOTIATE response (MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2)', () => {
  test('classic form: challenge + UTF-16 names without Unicode flag (Samba) [L:ns1_probe_ms17#6]', () => {
    const r = decodeSmb1NegotiateResponse(loadFixture('ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex').message);
    assert.equal(r.kind, 'nt-lm-0.12');
    if (r.kind !== 'nt-lm-0.12') return;
    assert.equal(r.header.flags2, 0x4003);
    assert.deepEqual(r.security.kind === 'challenge' && [r.security.domainName, r.security.serverName, r.security.challenge.length], ['CITYLAB', 'LABSMB1', 8]);
    assert.ok(r.capabilities & Smb1Capabilities.UNIX, 'CAP_UNIX: Samba tell');
    assert.equal(smb1SigningState(r.securityMode), 'disabled');
    assert.equal(r.sessionKey, 0x444c);
    assert.equal(chosenDialect([NT_LM_012], r.dialectIndex), NT_LM_012);
  });

  test('Windows 7 fixed fields and the signed server time zone [P:dpw7#81, wcry#201]', () => {
    const r = decodeSmb1NegotiateResponse(loadFixture('dpw7-081-smb1-neg-resp-classic-win7.hex').message);
    assert.ok(r.kind === 'nt-lm-0.12' && r.security.kind === 'challenge');
    if (r.kind !== 'nt-lm-0.12') return;
    assert.deepEqual([r.maxMpxCount, r.maxNumberVcs, r.maxBufferSize, r.serverTimeZone], [50, 1, 4356, 0]);
    assert.equal(filetimeToIso(r.systemTime), '2017-04-16T16:09:52.541Z');
    // Windows 7 in UTC+2 sends −120 (docs/smb-detection.md §3.2).
    const w = decodeSmb1NegotiateResponse(loadFixture('wcry-201-smb1-neg-resp-ext-win7.hex').message);
    assert.ok(w.kind === 'nt-lm-0.12' && w.serverTimeZone === -120);
  });

  test('extended form: GUID + SPNEGO NegTokenInit2 (Windows 10 and Samba)', () => {
    const win = decodeSmb1NegotiateResponse(loadFixture('dpw7-042-smb1-neg-resp-ext-win10.hex').message);
    assert.ok(win.kind === 'nt-lm-0.12' && win.security.kind === 'extended');
    if (win.kind !== 'nt-lm-0.12' || win.security.kind !== 'extended') return;
    assert.ok(decodeNegTokenInit(win.security.securityBlob).mechTypes.includes(OID_NTLMSSP));
    const samba = decodeSmb1NegotiateResponse(loadFixture('ns1-probe-os1-018-smb1-neg-resp-ext-samba.hex').message);
    assert.ok(samba.kind === 'nt-lm-0.12' && samba.security.kind === 'extended');
    if (samba.kind !== 'nt-lm-0.12' || samba.security.kind !== 'extended') return;
    assert.equal(new TextDecoder().decode(samba.security.serverGuid).replace(/\0+$/, ''), 'labsmb1'); // docs/smb-detection.md §3.2
    const init = decodeNegTokenInit(samba.security.securityBlob);
    assert.deepEqual(init.mechTypes, [OID_NTLMSSP]);
    assert.equal(init.negHintName, 'not_defined_in_RFC4178@please_ignore');
    // XP sends no blob at all [S:syxp#1]: empty blob is fine.
    const xpLike = decodeSmb1NegotiateResponse(loadFixture('wcry-201-smb1-neg-resp-ext-win7.hex').message);
    assert.equal(xpLike.kind, 'nt-lm-0.12');
  });

  test('signing required on domain controllers [P:erdp#29, wcry#230]', () => {
    for (const name of ['erdp-029-smb1-neg-resp-classic-signing-required-2008r2.hex', 'wcry-230-smb1-neg-resp-classic-signing-required-2012r2.hex']) {
      const r = decodeSmb1NegotiateResponse(loadFixture(name).message);
      assert.ok(r.kind === 'nt-lm-0.12' && smb1SigningState(r.securityMode) === 'required', name);
    }
    assert.equal(smb1SigningState(0x07), 'enabled-not-required');
  });

  test('WordCount 1 with 0xFFFF = no common dialect (SMB2-only Samba) [L:ns2_probe_neg1#6]', () => {
    const r = decodeSmb1NegotiateResponse(loadFixture('ns2-probe-neg1-006-smb1-neg-resp-no-dialect-samba.hex').message);
    assert.equal(r.kind, 'no-common-dialect');
    assert.equal(toHex(loadFixture('ns2-probe-neg1-006-smb1-neg-resp-no-dialect-samba.hex').frame).slice(0, 32), '00000025ff534d4272000000008803c0');
  });

  test('other WordCounts: 0 error, 13 LANMAN, 1 core, anything else invalid', () => {
    const mk = (words: string) => encodeSmb1Message({ command: Smb1Command.NEGOTIATE, flags: 0x88 }, fromHex(words));
    assert.equal(decodeSmb1NegotiateResponse(mk('')).kind, 'error');
    assert.equal(decodeSmb1NegotiateResponse(mk('0000')).kind, 'core');
    const lanman = decodeSmb1NegotiateResponse(mk('0100 0300' + '00'.repeat(22)));
    assert.ok(lanman.kind === 'lanman' && lanman.dialectIndex === 1 && lanman.securityMode === 3);
    assert.throws(() => decodeSmb1NegotiateResponse(mk('0000 0000')), DecodeError);
    assert.throws(() => decodeSmb1NegotiateResponse(loadFixture('ns1-probe-ms17-009-smb1-sess-resp-samba.hex').message), (e: unknown) => e instanceof DecodeError && e.field === 'SMB1.Command');
  });

  test('response encoder round-trips (fake servers)', () => {
    const orig = decodeSmb1NegotiateResponse(loadFixture('ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex').message);
    assert.equal(orig.kind, 'nt-lm-0.12');
    if (orig.kind !== 'nt-lm-0.12') return;
    const { header, kind: _k, challengeLength: _c, ...fields } = orig;
    const again = encodeSmb1NegotiateResponse({ ...header, ...fields, kind: 'nt-lm-0.12' });
    assert.deepEqual(again, loadFixture('ns1-probe-ms17-006-smb1-neg-resp-classic-samba.hex').message);
    const ext = decodeSmb1NegotiateResponse(loadFixture('dpw7-042-smb1-neg-resp-ext-win10.hex').message);
    if (ext.kind !== 'nt-lm-0.12') throw new Error('kind');
    const { header: h2, kind: _k2, challengeLength: _c2, ...f2 } = ext;
    assert.deepEqual(encodeSmb1NegotiateResponse({ ...h2, ...f2, kind: 'nt-lm-0.12' }), loadFixture('dpw7-042-smb1-neg-resp-ext-win10.hex').message);
    assert.equal(decodeSmb1NegotiateResponse(encodeSmb1NegotiateResponse({ kind: 'no-common-dialect' })).kind, 'no-common-dialect');
  });
});
