// OS identification and the smb-os-eol verdict, as pure functions over probe outcomes:
// NativeOS strings from the captures in docs/smb-detection.md §4.7, NTLM-only hosts (SMB1 off),
// client/server ambiguity, Samba tells, and end-of-support relative to a fixed date.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessWindows, parseNativeOs } from '../../src/engine/checks/os-catalog.js';
import { deriveHostFacts } from '../../src/engine/checks/host-facts.js';
import { smbOsEolCheck } from '../../src/engine/checks/smb-os-eol.js';
import type { HostEvidence } from '../../src/engine/checks/types.js';
import type { NtlmInfo } from '../../src/engine/probes/ntlm-info.js';
import type { Smb2ProbeData } from '../../src/engine/probes/smb2-probe.js';
import type { Smb1ChainData } from '../../src/engine/probes/smb1-chain.js';

const NOW = new Date('2026-11-25T00:00:00Z');

describe('NativeOS parsing (strings seen on the wire, docs/smb-detection.md §4.7)', () => {
  const cases: [string, { version?: string; build?: number; edition?: string; servicePack?: string }][] = [
    ['Windows 7 Enterprise 7601 Service Pack 1', { version: '6.1', build: 7601, edition: 'client', servicePack: 'SP1' }],
    ['Windows Server 2008 R2 Datacenter 7601 Service Pack 1', { version: '6.1', build: 7601, edition: 'server', servicePack: 'SP1' }],
    ['Windows Server 2012 R2 Datacenter Evaluation 9600', { version: '6.3', build: 9600, edition: 'server' }],
    ['Windows Server 2003 3790 Service Pack 2', { version: '5.2', build: 3790, edition: 'server', servicePack: 'SP2' }],
    ['Windows 5.1', { version: '5.1', build: 2600 }],
    ['Windows 10 Enterprise 19044', { version: '10.0', build: 19044, edition: 'client' }],
    ['Windows Vista (TM) Ultimate 6000', { version: '6.0', build: 6000, edition: 'client' }],
  ];
  for (const [s, want] of cases) {
    test(s, () => {
      const p = parseNativeOs(s);
      assert.deepEqual({ version: p.version, build: p.build, edition: p.edition, servicePack: p.servicePack }, {
        version: want.version, build: want.build, edition: want.edition, servicePack: want.servicePack,
      });
    });
  }
});

describe('release assessment on 2026-11-25', () => {
  test('Windows 7 SP1 / 2008 R2 SP1: end of support either way, WannaCry-era', () => {
    const a = assessWindows({ major: 6, minor: 1, build: 7601 }, undefined, NOW);
    assert.deepEqual([a.product, a.eol, a.eolDate, a.wannacryRisk, a.ms17010AffectedRelease], ['Windows 7 SP1 / Windows Server 2008 R2 SP1', true, '2020-01-14', true, true]);
  });
  test('8.1 / 2012 R2 (9600): past end of support, but not in the "Windows 8 and older" WannaCry group', () => {
    const a = assessWindows({ major: 6, minor: 3, build: 9600 }, 'server', NOW);
    assert.deepEqual([a.product, a.eol, a.wannacryRisk, a.ms17010AffectedRelease], ['Windows Server 2012 R2', true, false, true]);
  });
  test('14393 without NativeOS: client (2018) and server (2027) differ → undecided; with "server" → supported', () => {
    const a = assessWindows({ major: 10, minor: 0, build: 14393 }, undefined, NOW);
    assert.equal(a.eol, undefined);
    assert.match(a.notes.join(' '), /differ in end of support/);
    // The same note in machine form (src/engine/checks/notes.ts), for readers in another language.
    assert.deepEqual(a.noteCodes, [{ code: 'os-eol-differs', params: { build: 14393, releases: 'Windows 10 1607 2018-04-10, Windows Server 2016 2027-01-12' } }]);
    assert.equal(assessWindows({ major: 10, minor: 0, build: 14393 }, 'server', NOW).eol, false);
  });
  test('Server 2022 supported; Windows 10 22H2 past end of support; unknown build undecided', () => {
    assert.equal(assessWindows({ major: 10, minor: 0, build: 20348 }, undefined, NOW).eol, false);
    assert.equal(assessWindows({ major: 10, minor: 0, build: 19045 }, undefined, NOW).eol, true);
    const u = assessWindows({ major: 10, minor: 0, build: 30000 }, undefined, NOW);
    assert.deepEqual([u.eol, u.product, u.wannacryRisk], [undefined, undefined, false]);
    assert.deepEqual([u.notes, u.noteCodes], [['build 30000 is not in the release table'], [{ code: 'os-build-not-listed', params: { build: 30000 } }]]);
    const m = assessWindows({ major: 6, minor: 0, build: 6000 }, 'server', NOW);
    assert.deepEqual(m.noteCodes, [{ code: 'os-edition-mismatch', params: { edition: 'server', build: 6000, using: 'client' } }]);
  });
});

function evidence(parts: { smb2Ntlm?: NtlmInfo; smb2Guid?: string; chain?: Partial<Smb1ChainData> }): HostEvidence {
  const smb2: Smb2ProbeData = {
    port: 445,
    transport: 'direct-tcp',
    offered: ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1'],
    negotiate: {
      dialectRevision: 0x0311, dialect: '3.1.1', securityMode: 1, signing: 'enabled-not-required', capabilities: 0x2f, capabilitiesHex: '0x0000002F',
      serverGuidHex: parts.smb2Guid ?? '0123456789abcdef0123456789abcdef', serverStartTime: null, maxTransactSize: 8388608, responseHex: '',
    },
    ...(parts.smb2Ntlm ? { session: { status: '0xC0000016', ntlm: parts.smb2Ntlm, responseHex: '' } } : {}),
  };
  const chain: Smb1ChainData = { port: 445, transport: 'direct-tcp', depth: 'ping', ...(parts.chain ?? {}) };
  return {
    ip: '192.0.2.1',
    openPorts: new Set([445]),
    closedPorts: new Set(),
    smb1: new Map([[445, { status: 'success', data: chain, elapsedMs: 1 }]]),
    smb2: { status: 'success', data: smb2, elapsedMs: 1 },
    now: NOW,
  };
}

const ntlm = (version: string, names: Partial<NtlmInfo> = {}): NtlmInfo => {
  const [major, minor, build] = version.split('.').map(Number);
  return { version, major: major ?? 0, minor: minor ?? 0, build: build ?? 0, versionTrusted: true, flagsHex: '0xE28A8215', targetName: 'HOST', domainJoined: false, tokenSource: 'spnego-resp', ...names };
};

describe('smb-os-eol from NTLM only (SMBv1 off)', () => {
  test('Server 2019 / Windows 10 1809 (17763): edition invisible → unknown, with the reason', () => {
    const e = evidence({ smb2Ntlm: ntlm('10.0.17763', { nbComputerName: 'SRV1', dnsComputerName: 'srv1.kota.go.id', dnsDomainName: 'kota.go.id', dnsTreeName: 'kota.go.id', domainJoined: true }) });
    const f = deriveHostFacts(e);
    assert.equal(f.os?.source, 'ntlmssp');
    assert.equal(f.os?.product, 'Windows 10 1809 / Windows Server 2019');
    assert.equal(f.os?.forest, 'kota.go.id');
    const [r] = smbOsEolCheck.evaluate(e, f);
    assert.deepEqual([r?.state, r?.reasonCode], ['unknown', 'edition-or-build-ambiguous']);
  });
  test('Server 2022 (20348) → not-vulnerable (supported until 2031-10-14)', () => {
    const e = evidence({ smb2Ntlm: ntlm('10.0.20348') });
    const [r] = smbOsEolCheck.evaluate(e, deriveHostFacts(e));
    assert.deepEqual([r?.state, r?.reasonCode], ['not-vulnerable', 'supported']);
    assert.match(r?.reason ?? '', /2031-10-14/);
  });
  test('Windows 8 / Server 2012 (9200) → vulnerable', () => {
    const e = evidence({ smb2Ntlm: ntlm('6.2.9200') });
    const [r] = smbOsEolCheck.evaluate(e, deriveHostFacts(e));
    assert.equal(r?.state, 'vulnerable');
  });
  test('NTLM 6.1.0 (build 0) + ServerGuid = NetBIOS name → Samba, not Windows', () => {
    const guid = Buffer.from('fileserver').toString('hex').padEnd(32, '0');
    const e = evidence({ smb2Ntlm: ntlm('6.1.0', { nbComputerName: 'FILESERVER' }), smb2Guid: guid });
    const f = deriveHostFacts(e);
    assert.equal(f.os?.family, 'samba');
    assert.deepEqual(f.os?.sambaTells, ['NTLM version 6.1.0 (build 0 is not Windows)', 'SMB2 ServerGuid is the NetBIOS name "fileserver"']);
    assert.deepEqual(f.os?.sambaTellCodes, [{ code: 'samba-ntlm-build-0', params: { version: '6.1.0' } }, { code: 'samba-guid-is-name', params: { name: 'fileserver' } }]);
    const [r] = smbOsEolCheck.evaluate(e, f);
    assert.deepEqual([r?.state, r?.reasonCode], ['not-vulnerable', 'not-windows:samba']);
  });
  test('an untrusted NTLM version (impacket 255.255.65535) is ignored; no OS → unknown', () => {
    const e = evidence({ smb2Ntlm: { ...ntlm('255.255.65535'), versionTrusted: false } });
    const f = deriveHostFacts(e);
    assert.equal(f.os?.build, undefined);
    assert.deepEqual([f.os?.notes, f.os?.noteCodes], [['NTLM version 255.255.65535 ignored (not flagged as trustworthy)'], [{ code: 'os-ntlm-version-ignored', params: { version: '255.255.65535' } }]]);
    const [r] = smbOsEolCheck.evaluate(e, f);
    assert.equal(r?.state, 'unknown');
  });
});

describe('SMB facts a failed conversation leaves unknown, with why in machine form', () => {
  test('SMB1 timed out at NEGOTIATE, SMB2 refused: smbv1 and signing unknown, with reason codes and the SMB2 note', () => {
    const e: HostEvidence = {
      ip: '192.0.2.1', openPorts: new Set([445]), closedPorts: new Set(), now: NOW,
      smb1: new Map([[445, { status: 'io-timeout', step: 'negotiate', error: 'no complete answer before the deadline', elapsedMs: 1 }]]),
      smb2: { status: 'success', data: { port: 445, transport: 'direct-tcp', offered: ['2.0.2'], negotiateError: { status: '0xC0000001' } } as unknown as Smb2ProbeData, elapsedMs: 1 },
    };
    const f = deriveHostFacts(e).smb;
    assert.equal(f?.smbv1, null);
    assert.equal(f?.signing, 'unknown');
    assert.deepEqual(f?.ports.map((p) => [p.reason, p.reasonCode]), [['SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)', 'timeout']]);
    assert.deepEqual(f?.smbv1ReasonCodes, [{ protocol: 'smb1', port: 445, code: 'timeout' }]);
    assert.deepEqual(f?.signingReasonCodes, [{ protocol: 'smb1', port: 445, code: 'timeout' }, { protocol: 'smb2', note: { code: 'smb2-refused', params: { status: '0xC0000001' } } }]);
  });
});
