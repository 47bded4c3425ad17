// NTLMSSP NEGOTIATE/CHALLENGE (MS-NLMP 2.2.1.1, 2.2.1.2, 2.2.2.1, 2.2.2.10): our 40-byte
// NEGOTIATE, CHALLENGE fields from Windows 10 / 2008 R2 / Samba, AV-pair bounds, round trips.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError } from '../bytes/errors.js';
import { fromHex, toHex } from '../bytes/hex.js';
import { encodeUtf16le } from '../bytes/utf16le.js';
import { filetimeToIso } from '../bytes/filetime.js';
import { loadFixture } from '../fixtures/load.js';
import { decodeSmb1SessionSetupResponse } from '../smb1/session-setup.js';
import { decodeSmb2SessionSetupResponse } from '../smb2/session-setup.js';
import { extractNtlmToken } from '../spnego/spnego.js';
import {
  AvId,
  decodeNtlmChallenge,
  encodeAvPairs,
  encodeNtlmChallenge,
  isDomainJoined,
  MAX_AV_PAIRS,
  parseAvPairs,
  type NtlmChallenge,
} from './challenge.js';
import { DEFAULT_NEGOTIATE_FLAGS, formatNtlmVersion, NtlmFlags } from './flags.js';
import { decodeNtlmNegotiate, encodeNtlmNegotiate } from './negotiate.js';

function challengeFrom(fixture: string): NtlmChallenge {
  const msg = loadFixture(fixture).message;
  const blob = msg[0] === 0xfe
    ? (() => { const r = decodeSmb2SessionSetupResponse(msg); return r.kind === 'session-setup' ? r.securityBuffer : new Uint8Array(0); })()
    : (() => { const r = decodeSmb1SessionSetupResponse(msg); return r.kind === 'extended' ? r.securityBlob : new Uint8Array(0); })();
  const tok = extractNtlmToken(blob);
  assert.ok(tok !== undefined);
  return decodeNtlmChallenge(tok.token);
}

describe('NTLMSSP NEGOTIATE (MS-NLMP 2.2.1.1)', () => {
  test('default message is the 40 bytes of docs/smb-detection.md §4.5, as sent by our probe and by Windows 7', () => {
    const neg = encodeNtlmNegotiate();
    assert.equal(toHex(neg), '4e544c4d5353500001000000978208e2000000000000000000000000000000000601b11d0000000f');
    assert.equal(DEFAULT_NEGOTIATE_FLAGS, 0xe2088297);
  });

  test('round trips with and without Version, with OEM names', () => {
    const d = decodeNtlmNegotiate(encodeNtlmNegotiate());
    assert.deepEqual([d.flags, d.version && formatNtlmVersion(d.version), d.domain, d.workstation], [0xe2088297, '6.1.7601', '', '']);
    const noVer = decodeNtlmNegotiate(encodeNtlmNegotiate({ version: null, flags: 0x00008215 }));
    assert.deepEqual([noVer.flags, noVer.version], [0x00008215, undefined]);
    assert.equal(encodeNtlmNegotiate({ version: null, flags: 0x00008215 }).length, 32);
    const named = decodeNtlmNegotiate(encodeNtlmNegotiate({ domain: 'WORKGROUP', workstation: 'SCANNER' }));
    assert.deepEqual([named.domain, named.workstation], ['WORKGROUP', 'SCANNER']);
    assert.ok(named.flags & NtlmFlags.NEGOTIATE_OEM_DOMAIN_SUPPLIED && named.flags & NtlmFlags.NEGOTIATE_OEM_WORKSTATION_SUPPLIED);
  });

  test('wrong signature or type is refused', () => {
    const neg = encodeNtlmNegotiate().slice();
    neg[8] = 2;
    assert.throws(() => decodeNtlmNegotiate(neg), (e: unknown) => e instanceof DecodeError && e.field === 'NTLMSSP.MessageType');
    neg[0] = 0;
    assert.throws(() => decodeNtlmNegotiate(neg), (e: unknown) => e instanceof DecodeError && e.field === 'NTLMSSP.Signature');
  });
});

describe('NTLMSSP CHALLENGE (MS-NLMP 2.2.1.2, 2.2.2.1, 2.2.2.10)', () => {
  test('Windows 10 1511 over SMB2: version, names, timestamp [P:dpw7#28]', () => {
    const ch = challengeFrom('dpw7-028-smb2-sess-resp-challenge-win10.hex');
    assert.equal(ch.version && formatNtlmVersion(ch.version), '10.0.10586');
    assert.ok(ch.versionTrusted);
    assert.equal(ch.targetName, 'DESKTOP-AFPVEQ2');
    assert.equal(ch.info.nbComputerName, 'DESKTOP-AFPVEQ2');
    assert.equal(filetimeToIso(ch.info.timestamp ?? 0n)?.slice(0, 19), '2017-04-16T16:09:37');
    assert.equal(isDomainJoined(ch), false);
  });

  test('Server 2008 R2 domain member: DNS names and forest, domain-joined [P:erdp#7]', () => {
    const ch = challengeFrom('erdp-007-smb1-sess-resp-challenge-2008r2.hex');
    assert.deepEqual(
      [ch.info.nbComputerName, ch.info.nbDomainName, ch.info.dnsComputerName, ch.info.dnsDomainName, ch.info.dnsTreeName],
      ['MORMONT', 'NIGHTFORT', 'mormont.nightfort.org', 'nightfort.org', 'nightfort.org'],
    );
    assert.ok(isDomainJoined(ch));
    assert.ok(ch.flags & NtlmFlags.TARGET_TYPE_DOMAIN);
  });

  test('Samba reports 6.1.0 (build 0 = not Windows) [L:ns1_probe_os1#22]', () => {
    const ch = challengeFrom('ns1-probe-os1-022-smb1-sess-resp-challenge-samba.hex');
    assert.deepEqual(ch.version, { major: 6, minor: 1, build: 0, ntlmRevision: 15 });
    assert.equal(ch.info.dnsDomainName, '');
    assert.equal(isDomainJoined(ch), false);
  });

  test('version is untrusted without NEGOTIATE_VERSION or with another revision', () => {
    const base = { targetName: 'X', serverChallenge: new Uint8Array(8), avPairs: [] };
    const noFlag = encodeNtlmChallenge({ ...base, flags: 0x1 }).slice();
    noFlag.set([6, 1, 0xb1, 0x1d, 0, 0, 0, 15], 48);
    const d = decodeNtlmChallenge(noFlag);
    assert.ok(d.version !== undefined && !d.versionTrusted);
    const badRev = decodeNtlmChallenge(encodeNtlmChallenge({ ...base, flags: 0x1, version: { major: 6, minor: 1, build: 7601, ntlmRevision: 10 } }));
    assert.equal(badRev.versionTrusted, false);
  });

  test('AV pairs: unknown ids kept, missing terminator accepted, lengths checked, count capped', () => {
    const pairs = [{ id: AvId.NB_COMPUTER_NAME, value: encodeUtf16le('HOST') }, { id: 0x42, value: Uint8Array.of(1, 2) }];
    const enc = encodeAvPairs(pairs);
    assert.deepEqual(parseAvPairs(enc).map((p) => p.id), [1, 0x42]);
    assert.deepEqual(parseAvPairs(enc.subarray(0, enc.length - 4)).map((p) => p.id), [1, 0x42]); // no EOL
    assert.throws(() => parseAvPairs(fromHex('0100 0800 4100')), (e: unknown) => e instanceof DecodeError && e.code === 'truncated');
    assert.throws(() => parseAvPairs(fromHex('0700 0400 00000000')), (e: unknown) => e instanceof DecodeError && e.field === 'NTLMSSP.MsvAvTimestamp');
    const many = encodeAvPairs(Array.from({ length: MAX_AV_PAIRS + 1 }, () => ({ id: 0x42, value: new Uint8Array(0) })));
    assert.throws(() => parseAvPairs(many), (e: unknown) => e instanceof DecodeError && e.code === 'too-large');
  });

  test('buffer offsets are checked against the message', () => {
    const enc = encodeNtlmChallenge({ flags: 0xe28a8215, targetName: 'LABSMB1', serverChallenge: new Uint8Array(8), avPairs: [] }).slice();
    enc[16] = 0xf0; // TargetName BufferOffset
    assert.throws(() => decodeNtlmChallenge(enc), (e: unknown) => e instanceof DecodeError && e.field === 'NTLMSSP.TargetNameFields');
    assert.throws(() => decodeNtlmChallenge(encodeNtlmNegotiate()), DecodeError);
  });

  test('round trip: encode → decode', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 15 }),
        fc.boolean(),
        fc.array(fc.record({ id: fc.constantFrom(1, 2, 3, 4, 5, 9), value: fc.string({ maxLength: 20 }) }), { maxLength: 6 }),
        fc.bigInt({ min: 1n, max: 2n ** 63n }),
        (name, unicode, names, ts) => {
          const avPairs = [
            ...names.map((n) => ({ id: n.id, value: encodeUtf16le(n.value) })),
            { id: AvId.TIMESTAMP, value: new Uint8Array(new BigUint64Array([ts]).buffer) },
          ];
          const flags = (unicode ? 0xe28a8215 : 0xe28a8214) >>> 0;
          const latin = [...name].every((c) => c.charCodeAt(0) < 256);
          if (!unicode && !latin) return;
          const enc = encodeNtlmChallenge({ flags, targetName: name, serverChallenge: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), avPairs, version: { major: 10, minor: 0, build: 19045, ntlmRevision: 15 } });
          const d = decodeNtlmChallenge(enc);
          assert.equal(d.targetName, name);
          assert.equal(d.info.timestamp, ts);
          assert.equal(d.avPairs.length, avPairs.length);
          assert.ok(d.versionTrusted);
          assert.equal(toHex(d.serverChallenge), '0102030405060708');
        },
      ),
    );
  });
});
