// Every verdict path of the SMB/RDP/NetBIOS checks against in-process fake servers on 127.0.0.1
// that answer with real captured bytes (tests/fakes/smb-fake.ts). Each test asserts the state,
// the reason code and the key evidence (step reached, NTSTATUS, strings, dialect, MID…).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNbstatResponse, decodeNbstatResponse } from '../../src/engine/probes/nbns-codec.js';
import { loadProbeFixture } from '../../src/engine/probes/fixtures/load.js';
import { encodeX224ConnectionConfirm, decodeX224, decodeTpkt } from '../../src/engine/probes/rdp-codec.js';
import { selectChecks, CheckSelectionError, CHECK_IDS } from '../../src/engine/checks/registry.js';
import { Scope } from '../../src/engine/targets/scope.js';
import { ev, expectVerdict, runAgainstFakes, runOnVirtualClock, verdict } from '../fakes/harness.js';
import { onVirtualClock } from '../../src/engine/fixtures/virtual-clock.js';
import {
  framed,
  FX,
  reply,
  sambaSmb1Script,
  sambaSmb2OnlyScript,
  smb1Reply,
  win10NoSmb1Script,
  win7Script,
  type SmbScript,
} from '../fakes/smb-fake.js';
import type { FakeConn } from '../fakes/tcp-fake.js';
import { startUdpFake } from '../fakes/udp-fake.js';
import { LOOPBACK } from '../fakes/port-map-dialer.js';
import { ScopedUdp } from '../../src/engine/probes/udp.js';

const SMB_ONLY = ['smb'];

describe('MS17-010 and DoublePulsar on an unpatched Windows 7 (SMB1-only)', () => {
  test('vulnerable: INSUFF_SERVER_RESOURCES; clean ping (MID unchanged); facts from NativeOS and NTLM', async () => {
    const { report, smb445 } = await runAgainstFakes({ smb445: win7Script('clean'), checks: SMB_ONLY });
    const ms = expectVerdict(report, 'ms17-010', 445, 'vulnerable', 'insuff-server-resources');
    assert.equal(ev(ms, 'transaction', 'status'), '0xC0000205');
    assert.equal(ev(ms, 'transaction', 'statusName'), 'STATUS_INSUFF_SERVER_RESOURCES');
    assert.equal(ev(ms, 'stepReached'), 'ping');
    assert.equal(ev(ms, 'session', 'nativeOs'), 'Windows 7 Enterprise 7601 Service Pack 1');
    assert.equal(ev(ms, 'tree', 'path'), '\\\\127.0.0.1\\IPC$');
    const dp = expectVerdict(report, 'doublepulsar', 445, 'not-vulnerable', 'mid-unchanged');
    assert.deepEqual([ev(dp, 'ping', 'requestMid'), ev(dp, 'ping', 'mid'), ev(dp, 'ping', 'status')], [65, 65, '0xC0000002']);
    assert.equal(ev(dp, 'implant'), undefined);
    expectVerdict(report, 'smbv1', 445, 'vulnerable', 'smb1-accepted');
    expectVerdict(report, 'smb-signing', 445, 'vulnerable', 'signing-not-required');
    const eol = expectVerdict(report, 'smb-os-eol', 445, 'vulnerable', 'end-of-support');
    assert.equal(ev(eol, 'os', 'product'), 'Windows 7 SP1');
    // Facts: SMB2 absent (exactly: the multi-protocol NEGOTIATE was answered in SMB1), NTLM from SMB1 extended security.
    assert.deepEqual(report.smb?.dialects, ['NT LM 0.12']);
    assert.equal(report.smb?.smb2, false);
    assert.equal(report.smb?.dialectsExact, true);
    assert.equal(report.smb?.smb1Signing, 'disabled');
    assert.equal(report.os?.family, 'windows');
    assert.equal(report.os?.build, 7601);
    assert.equal(report.os?.ntlmVersion, '6.1.7601');
    // The NTLM challenge frame comes from another captured Win7 host (id2t), so NTLM names win over the negotiate's ServerName.
    assert.equal(report.os?.netbiosName, 'WIN-GMVMLQDT7V4');
    assert.equal(report.smb?.serverName, 'IE11WIN7');
    assert.equal(report.os?.domain, 'WORKGROUP');
    assert.equal(report.os?.wannacryRisk, true);
    assert.equal(report.os?.eol, true);
    // One SMB1 conversation carried negotiate, session, tree, peek and ping; no write, no other DoublePulsar opcode.
    assert.deepEqual(smb445?.log.find((l) => l.includes('smb1:0x25')), ['smb1:0x72', 'smb1:0x73', 'smb1:0x75', 'smb1:0x25', 'smb1:0x32']);
  });

  test('DoublePulsar infected x86: reply MID 81, XOR key from sig1 (Win7 IE11 capture)', async () => {
    const { report } = await runAgainstFakes({ smb445: win7Script('infected-x86'), checks: ['doublepulsar', 'ms17-010'] });
    const dp = expectVerdict(report, 'doublepulsar', 445, 'vulnerable', 'implant-answered');
    assert.deepEqual(ev(dp, 'implant'), { arch: 'x86', xorKey: '0x31F1CB56' });
    assert.deepEqual([ev(dp, 'ping', 'mid'), ev(dp, 'ping', 'midDelta'), ev(dp, 'ping', 'sig1')], [81, 16, '0xA45D4B79']);
    expectVerdict(report, 'ms17-010', 445, 'vulnerable', 'insuff-server-resources');
  });

  test('DoublePulsar infected x64: key 0x0F9485E4 (Server 2008 R2 capture)', async () => {
    const { report } = await runAgainstFakes({ smb445: win7Script('infected-x64'), checks: ['doublepulsar'] });
    const dp = expectVerdict(report, 'doublepulsar', 445, 'vulnerable', 'implant-answered');
    assert.deepEqual(ev(dp, 'implant'), { arch: 'x64', xorKey: '0x0F9485E4' });
  });

  test('a reply MID that is neither unchanged nor +16 is unknown (mid-mismatch)', async () => {
    const s: SmbScript = { ...win7Script(), ping: ({ message }) => reply(smb1Reply(FX.win7PingClean, message, { midDelta: 3 })) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['doublepulsar'] });
    const dp = expectVerdict(report, 'doublepulsar', 445, 'unknown', 'mid-mismatch');
    assert.equal(ev(dp, 'ping', 'mid'), 68);
  });
});

describe('patched answers and other transaction statuses', () => {
  test('INVALID_HANDLE → not-vulnerable', async () => {
    const { report } = await runAgainstFakes({ smb445: win7Script('clean', 0xc0000008), checks: ['ms17-010'] });
    const e = expectVerdict(report, 'ms17-010', 445, 'not-vulnerable', 'patched:invalid-handle');
    assert.equal(ev(e, 'transaction', 'statusName'), 'STATUS_INVALID_HANDLE');
  });
  test('ACCESS_DENIED on the transaction → not-vulnerable', async () => {
    const { report } = await runAgainstFakes({ smb445: win7Script('clean', 0xc0000022), checks: ['ms17-010'] });
    expectVerdict(report, 'ms17-010', 445, 'not-vulnerable', 'patched:access-denied');
  });
  test('any other NT status → unknown with the code', async () => {
    const { report } = await runAgainstFakes({ smb445: win7Script('clean', 0xc0000002), checks: ['ms17-010'] });
    const e = expectVerdict(report, 'ms17-010', 445, 'unknown', 'unexpected-status:0xC0000002');
    assert.equal(ev(e, 'transaction', 'statusName'), 'STATUS_NOT_IMPLEMENTED');
  });
  test('a DOS-form error on the transaction → unknown', async () => {
    const s: SmbScript = { ...win7Script(), peek: ({ message }) => reply(smb1Reply(FX.win7PeekVulnerable, message, { flags2: 0x0001, status: 0x00050002 })) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['ms17-010'] });
    const e = expectVerdict(report, 'ms17-010', 445, 'unknown', 'protocol-error');
    assert.equal(ev(e, 'transaction', 'form'), 'dos');
    assert.equal(ev(e, 'transaction', 'status'), 'DOS class=0x02 code=0x0005');
  });
});

describe('Samba', () => {
  test('SMB1 on: INVALID_HANDLE → not-vulnerable, ping ACCESS_DENIED with MID unchanged → not-detected, OS is Samba', async () => {
    const { report } = await runAgainstFakes({ smb445: sambaSmb1Script(), checks: SMB_ONLY });
    const ms = expectVerdict(report, 'ms17-010', 445, 'not-vulnerable', 'patched:invalid-handle');
    assert.ok((ev(ms, 'sambaTells') as string[]).some((t) => t.includes('CAP_UNIX')));
    const dp = expectVerdict(report, 'doublepulsar', 445, 'not-vulnerable', 'mid-unchanged');
    assert.equal(ev(dp, 'ping', 'statusName'), 'STATUS_ACCESS_DENIED');
    expectVerdict(report, 'smb-os-eol', 445, 'not-vulnerable', 'not-windows:samba');
    assert.equal(report.os?.family, 'samba');
    assert.match(report.os?.name ?? '', /^Samba/);
    assert.deepEqual(report.smb?.dialects, ['NT LM 0.12', '2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']);
    assert.equal(report.smb?.smb1Signing, 'disabled');
    assert.equal(report.smb?.smb2Signing, 'enabled');
    assert.equal(report.smb?.signing, 'disabled');
  });

  test('IPC$ refused on Samba: still not-vulnerable (positive non-Windows identification), DoublePulsar unknown', async () => {
    const s: SmbScript = { ...sambaSmb1Script(), tree: ({ message }) => reply(smb1Reply(FX.sambaTreeDenied, message)) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['ms17-010', 'doublepulsar'] });
    expectVerdict(report, 'ms17-010', 445, 'not-vulnerable', 'non-windows:samba');
    const dp = expectVerdict(report, 'doublepulsar', 445, 'unknown', 'ipc-refused:0xC0000022');
    assert.equal(ev(dp, 'tree', 'statusName'), 'STATUS_ACCESS_DENIED');
  });

  test('SMB2-only with signing required: SMBv1 off (0xFFFF) → smbv1 not-vulnerable, MS17-010/DoublePulsar unknown (smb1-disabled)', async () => {
    const { report } = await runAgainstFakes({ smb445: sambaSmb2OnlyScript(), checks: SMB_ONLY });
    const v1 = expectVerdict(report, 'smbv1', 445, 'not-vulnerable', 'smb1-disabled');
    assert.equal(ev(v1, 'negotiate', 'kind'), 'no-common-dialect');
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'smb1-disabled');
    expectVerdict(report, 'doublepulsar', 445, 'unknown', 'smb1-disabled');
    const sg = expectVerdict(report, 'smb-signing', 445, 'not-vulnerable', 'signing-required');
    assert.equal(ev(sg, 'smb2', 'securityMode'), '0x0003');
    assert.deepEqual(report.smb?.dialects, ['2.0.2', '2.1', '3.0', '3.0.2', '3.1.1']);
    assert.equal(report.smb?.smbv1, false);
    assert.equal(report.smb?.signing, 'required');
    assert.equal(report.os?.family, 'samba');
  });
});

describe('Windows with SMBv1 disabled, refusals before the transaction', () => {
  test('RST on the SMB1 NEGOTIATE while SMB2 works → smbv1 not-vulnerable, MS17-010 unknown (smb1-refused)', async () => {
    const { report } = await runAgainstFakes({ smb445: win10NoSmb1Script(), checks: SMB_ONLY });
    expectVerdict(report, 'smbv1', 445, 'not-vulnerable', 'smb1-refused');
    const ms = expectVerdict(report, 'ms17-010', 445, 'unknown', 'smb1-refused');
    assert.deepEqual(ev(ms, 'failure', 'status'), 'connection-closed');
    expectVerdict(report, 'doublepulsar', 445, 'unknown', 'smb1-refused');
    const eol = expectVerdict(report, 'smb-os-eol', 445, 'vulnerable', 'end-of-support');
    assert.equal(ev(eol, 'os', 'product'), 'Windows 10 1511');
    assert.equal(report.os?.source, 'ntlmssp');
    assert.equal(report.os?.ntlmVersion, '10.0.10586');
    assert.equal(report.os?.wannacryRisk, false);
    assert.equal(report.os?.ms17010AffectedRelease, true);
    assert.deepEqual(report.smb?.dialects, ['2.0.2', '2.1']);
    assert.equal(report.smb?.smbv1, false);
  });

  test('RST on SMB1 and on SMB2 → smbv1 unknown (filtering device), never not-vulnerable', async () => {
    const { report } = await runAgainstFakes({ smb445: { smb1Negotiate: () => ({ kind: 'reset' }), smb2Negotiate: () => ({ kind: 'reset' }) }, checks: SMB_ONLY });
    expectVerdict(report, 'smbv1', 445, 'unknown', 'smb1-refused');
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'smb1-refused');
    expectVerdict(report, 'smb-signing', 445, 'unknown', 'incomplete');
    expectVerdict(report, 'smb-os-eol', 445, 'unknown', 'no-os-information');
    assert.equal(report.smb?.smbv1, null);
  });

  test('anonymous logon refused (Server 2012 R2 DC, SMB1 signing required): auth-refused, signing unknown without SMB2', async () => {
    const s: SmbScript = {
      smb1Negotiate: ({ message }) => reply(smb1Reply(FX.s2012r2NegotiateSigning, message, { dialectIndex: 0 })),
      session: ({ message }) => reply(smb1Reply(FX.s2012r2SessionDenied, message)),
      smb2Negotiate: () => ({ kind: 'reset' }),
    };
    const { report } = await runAgainstFakes({ smb445: s, checks: SMB_ONLY });
    const ms = expectVerdict(report, 'ms17-010', 445, 'unknown', 'auth-refused:0xC0000022');
    assert.equal(ev(ms, 'session', 'statusName'), 'STATUS_ACCESS_DENIED');
    assert.equal(ev(ms, 'stepReached'), 'session');
    expectVerdict(report, 'doublepulsar', 445, 'unknown', 'auth-refused:0xC0000022');
    expectVerdict(report, 'smbv1', 445, 'vulnerable', 'smb1-accepted');
    const sg = expectVerdict(report, 'smb-signing', 445, 'unknown', 'incomplete');
    assert.equal(ev(sg, 'smb1Signing'), 'required');
  });

  test('IPC$ refused on Windows → unknown ipc-refused', async () => {
    const s: SmbScript = { ...win7Script(), tree: ({ message }) => reply(smb1Reply(FX.sambaTreeDenied, message)) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['ms17-010'] });
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'ipc-refused:0xC0000022');
  });

  test('server busy (REQUEST_NOT_ACCEPTED) → unknown server-busy', async () => {
    const s: SmbScript = { ...win7Script(), session: ({ message }) => reply(smb1Reply(FX.s2012r2SessionDenied, message, { status: 0xc00000d0 })) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['ms17-010'] });
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'server-busy');
  });
});

describe('hostile and broken servers: resets, garbage, oversized lengths, stalls, trickles', () => {
  test('reset at the session step', async () => {
    const { report } = await runAgainstFakes({ smb445: { ...win7Script(), session: () => ({ kind: 'reset' }) }, checks: ['ms17-010', 'smbv1'] });
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'reset-at-session');
    expectVerdict(report, 'smbv1', 445, 'vulnerable', 'smb1-accepted');
  });

  test('reset at the PeekNamedPipe transaction (an IPS killing the probe) → reset-at-probe for both checks', async () => {
    const { report } = await runAgainstFakes({ smb445: { ...win7Script(), peek: () => ({ kind: 'reset' }) }, checks: ['ms17-010', 'doublepulsar'] });
    const ms = expectVerdict(report, 'ms17-010', 445, 'unknown', 'reset-at-probe');
    assert.equal(ev(ms, 'stepReached'), 'tree');
    expectVerdict(report, 'doublepulsar', 445, 'unknown', 'reset-at-probe');
  });

  test('FIN instead of the ping reply → DoublePulsar unknown, MS17-010 still decided', async () => {
    const { report } = await runAgainstFakes({ smb445: { ...win7Script(), ping: () => ({ kind: 'close' }) }, checks: ['ms17-010', 'doublepulsar'] });
    expectVerdict(report, 'ms17-010', 445, 'vulnerable', 'insuff-server-resources');
    expectVerdict(report, 'doublepulsar', 445, 'unknown', 'reset-at-ping');
  });

  test('garbage instead of NBSS framing (an HTTP answer) → protocol-error everywhere', async () => {
    const http = new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n\r\n');
    const s: SmbScript = { smb1Negotiate: () => ({ kind: 'raw', bytes: http, then: 'close' }), smb2Negotiate: () => ({ kind: 'raw', bytes: http, then: 'close' }) };
    const { report } = await runAgainstFakes({ smb445: s, checks: SMB_ONLY });
    for (const c of ['smbv1', 'ms17-010', 'doublepulsar']) expectVerdict(report, c, 445, 'unknown', 'protocol-error');
    expectVerdict(report, 'smb-signing', 445, 'unknown', 'incomplete');
  });

  test('garbage inside a valid frame → protocol-error; a wrong command in the session reply → protocol-error', async () => {
    const junk = Uint8Array.from({ length: 60 }, (_, i) => (i * 37 + 11) & 0xff);
    const a = await runAgainstFakes({ smb445: { smb1Negotiate: () => ({ kind: 'raw', bytes: framed(junk) }) }, checks: ['smbv1'] });
    expectVerdict(a.report, 'smbv1', 445, 'unknown', 'protocol-error');
    const b = await runAgainstFakes({ smb445: { ...win7Script(), session: ({ message }) => reply(smb1Reply(FX.win7Tree, message)) }, checks: ['ms17-010'] });
    const e = expectVerdict(b.report, 'ms17-010', 445, 'unknown', 'protocol-error');
    assert.match(String(ev(e, 'failure', 'error')), /expected SESSION_SETUP_ANDX \(0x73\), got 0x75/);
  });

  test('an oversized NBSS length (16 MiB) is refused at once, before any body byte is buffered', async () => {
    const s: SmbScript = { smb1Negotiate: () => ({ kind: 'raw', bytes: Uint8Array.of(0x00, 0xff, 0xff, 0xff, 0xff, 0x53), then: 'stall' }), smb2Negotiate: () => ({ kind: 'stall' }) };
    const { report } = await runAgainstFakes({ smb445: s, checks: ['smbv1'], timeoutMs: 1500 });
    const e = expectVerdict(report, 'smbv1', 445, 'unknown', 'protocol-error');
    assert.match(String(ev(e, 'failure', 'error')), /exceeds cap 65536/);
    // Refused on the header, not at the deadline: the fake stalls after it, so waiting would end io-timeout.
    const rec = report.probes.find((p) => p.probe === 'smb1');
    assert.equal(rec?.status, 'protocol-error');
  });

  test('slow loris: a server that accepts and never answers ends at the deadline with unknown', async () => {
    const stall: SmbScript = { smb1Negotiate: () => ({ kind: 'stall' }), smb2Negotiate: () => ({ kind: 'stall' }) };
    const { report, virtualMs } = await runOnVirtualClock({ smb445: stall, smb139: stall, checks: SMB_ONLY, timeoutMs: 600 });
    for (const c of ['smbv1', 'ms17-010', 'doublepulsar']) {
      expectVerdict(report, c, 445, 'unknown', 'timeout');
      expectVerdict(report, c, 139, 'unknown', 'timeout');
    }
    expectVerdict(report, 'smb-signing', 445, 'unknown', 'incomplete');
    assert.ok(report.checks.every((c) => c.state === 'unknown'));
    assert.ok(virtualMs <= 600 * 2 + 400, `ended by the deadline (${virtualMs} virtual ms)`);
    assert.ok(report.probes.filter((p) => p.probe === 'smb1').every((p) => p.status === 'io-timeout'));
  });

  test('a reply trickled at 1 byte per second ends at the deadline (io-timeout), not when the last byte arrives', async () => {
    const s: SmbScript = { ...win7Script(), smb1Negotiate: ({ message }) => ({ kind: 'trickle', message: smb1Reply(FX.win7Negotiate, message, { dialectIndex: 0 }), intervalMs: 1000 }) };
    const { report, virtualMs, smb445 } = await runOnVirtualClock({ smb445: s, checks: ['smbv1', 'ms17-010'], timeoutMs: 1500 });
    expectVerdict(report, 'smbv1', 445, 'unknown', 'timeout');
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'timeout');
    assert.ok(virtualMs <= 1500 + 700, `ended by the deadline (${virtualMs} virtual ms)`);
    assert.ok(smb445 !== undefined && smb445.connections.length > 0);
  });

  test('stall at the transaction → timeout-at-probe; the host deadline caps everything', async () => {
    const { report, virtualMs } = await runOnVirtualClock({ smb445: { ...win7Script(), peek: () => ({ kind: 'stall' }) }, checks: ['ms17-010'], timeoutMs: 5000, hostTimeoutMs: 700 });
    const v = verdict(report, 'ms17-010', 445);
    assert.equal(v.state, 'unknown');
    assert.match(v.reasonCode, /^(aborted|timeout-at-probe)$/);
    assert.ok(virtualMs <= 700 + 400, `host deadline respected (${virtualMs} virtual ms)`);
  });

  test('abort signal from the caller stops every probe', async () => {
    const ac = new AbortController();
    const stall: SmbScript = { smb1Negotiate: () => ({ kind: 'stall' }), smb2Negotiate: () => ({ kind: 'stall' }) };
    const { value: { report }, virtualMs } = await onVirtualClock(() => {
      setTimeout(() => ac.abort(), 150); // on the virtual clock too
      return runAgainstFakes({ smb445: stall, checks: SMB_ONLY, timeoutMs: 5000, signal: ac.signal });
    });
    assert.ok(virtualMs < 1000, `${virtualMs} virtual ms`);
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'aborted');
  });
});

describe('port 139 (NetBIOS session service)', () => {
  test('*SMBSERVER refused, then the server name learned on 445 is accepted; full MS17-010 conversation over 139', async () => {
    const s139: SmbScript = { ...win7Script('infected-x86'), netbiosAccepts: (n) => n === 'IE11WIN7' };
    const { report, smb139 } = await runAgainstFakes({ smb445: win7Script('infected-x86'), smb139: s139, checks: SMB_ONLY });
    const ms = expectVerdict(report, 'ms17-010', 139, 'vulnerable', 'insuff-server-resources');
    assert.deepEqual(ev(ms, 'netbios', 'attempts'), [
      { name: '*SMBSERVER', result: 'negative', code: 0x82, reason: 'called-name-not-present' },
      { name: 'IE11WIN7', result: 'positive' },
    ]);
    expectVerdict(report, 'doublepulsar', 139, 'vulnerable', 'implant-answered');
    expectVerdict(report, 'smbv1', 139, 'vulnerable', 'smb1-accepted');
    assert.equal(smb139?.connections.length, 2);
    assert.equal(report.smb?.ports.find((p) => p.port === 139)?.calledName, 'IE11WIN7');
  });

  test('the NBSTAT <20> name is tried first when UDP 137 answers; NetBIOS facts and netbios-ns verdict', async () => {
    const answer = loadProbeFixture('ns1-probe-nbns-002-nbstat-response-samba.hex').frame;
    const nbns = (q: Uint8Array): Uint8Array => {
      const a = answer.slice();
      a.set(q.subarray(0, 2), 0); // echo the transaction id
      return a;
    };
    const s139: SmbScript = { ...sambaSmb1Script(), netbiosAccepts: (n) => n === 'LABSMB1' };
    const { report, smb139 } = await runAgainstFakes({ smb139: s139, nbns, checks: ['smbv1', 'netbios-ns'] });
    expectVerdict(report, 'smbv1', 139, 'vulnerable', 'smb1-accepted');
    assert.deepEqual(smb139?.log[0]?.[0], 'nbss:LABSMB1');
    const nb = expectVerdict(report, 'netbios-ns', 137, 'vulnerable', 'nbns-answers');
    assert.equal(ev(nb, 'computerName'), 'LABSMB1');
    assert.equal(report.netbios?.workgroup, 'CITYLAB');
    assert.equal(report.netbios?.fileServerName, 'LABSMB1');
    assert.equal(report.netbios?.mac, '00:00:00:00:00:00');
  });

  test('every name refused → smbv1 on 139 unknown (netbios-session-refused), 445 unaffected', async () => {
    const s139: SmbScript = { ...win7Script(), netbiosAccepts: () => false };
    const { report } = await runAgainstFakes({ smb445: win7Script(), smb139: s139, checks: ['smbv1', 'ms17-010'] });
    const e = expectVerdict(report, 'smbv1', 139, 'unknown', 'netbios-session-refused');
    assert.ok((ev(e, 'netbios', 'attempts') as unknown[]).length >= 2);
    expectVerdict(report, 'ms17-010', 139, 'unknown', 'netbios-session-refused');
    expectVerdict(report, 'smbv1', 445, 'vulnerable', 'smb1-accepted');
  });
});

describe('NetBIOS name service on UDP 137', () => {
  test('ICMP port unreachable → not-vulnerable; silence → unknown (no-answer); malformed → unknown', async () => {
    const a = await runAgainstFakes({ smb445: win7Script(), nbns: 'closed', checks: ['netbios-ns'] });
    expectVerdict(a.report, 'netbios-ns', 137, 'not-vulnerable', 'udp-137-closed');
    const b = await runAgainstFakes({ smb445: win7Script(), nbns: 'silent', checks: ['netbios-ns'], timeoutMs: 500 });
    expectVerdict(b.report, 'netbios-ns', 137, 'unknown', 'no-answer');
    assert.equal(b.nbns?.received.length, 2, 'one query and one retransmission');
    const c = await runAgainstFakes({ smb445: win7Script(), nbns: (q) => Uint8Array.from([...q.subarray(0, 2), 0x84, 0x00, 0, 0, 0, 1]), checks: ['netbios-ns'] });
    expectVerdict(c.report, 'netbios-ns', 137, 'unknown', 'protocol-error');
  });

  test('an answer for another transaction id is ignored', async () => {
    const wrong = encodeNbstatResponse({ transactionId: 0, names: [{ name: 'X', suffix: 0, flags: 0 }], unitId: new Uint8Array(6) });
    const { report } = await runAgainstFakes({ smb445: win7Script(), nbns: () => wrong, checks: ['netbios-ns'], timeoutMs: 400 });
    expectVerdict(report, 'netbios-ns', 137, 'unknown', 'no-answer');
    assert.equal(decodeNbstatResponse(wrong).names.length, 1);
  });
});

describe('RDP exposure', () => {
  async function rdpHost(answer: (c: FakeConn, n: number) => Promise<void> | void, extra: { timeoutMs?: number } = {}) {
    let n = 0;
    return runAgainstFakes({ rdp: (c) => answer(c, n++), checks: ['rdp'], ...extra });
  }
  const confirm = (selected?: number, failure?: number) =>
    encodeX224ConnectionConfirm(
      selected !== undefined
        ? { negotiation: { type: 'response', flags: 0x1f, selectedProtocol: selected } }
        : failure !== undefined
          ? { negotiation: { type: 'failure', flags: 0, failureCode: failure } }
          : {},
    );

  test('CredSSP selected, TLS-only refused with HYBRID_REQUIRED_BY_SERVER → exposed, NLA enforced', async () => {
    const requests: number[] = [];
    const { report } = await rdpHost(async (c, n) => {
      const req = await c.nextChunk();
      const x = req ? decodeX224(decodeTpkt(new Uint8Array(req))) : undefined;
      requests.push(x?.kind === 'connection-request' ? (x.requestedProtocols ?? -1) : -2);
      c.write(n === 0 ? confirm(2) : confirm(undefined, 5));
    });
    const e = expectVerdict(report, 'rdp-exposed', 3389, 'vulnerable', 'rdp-answers');
    assert.equal(ev(e, 'selectedProtocol'), 'credssp');
    assert.equal(ev(e, 'nlaRequired'), true);
    assert.deepEqual(requests, [3, 1]);
    assert.deepEqual(report.rdp, { port: 3389, answers: true, selectedProtocol: 'credssp', nlaRequired: true });
  });

  test('TLS selected → exposed, NLA not enforced; bare confirm → standard RDP only', async () => {
    const a = await rdpHost(async (c) => {
      await c.nextChunk();
      c.write(confirm(1));
    });
    const e = expectVerdict(a.report, 'rdp-exposed', 3389, 'vulnerable', 'rdp-answers');
    assert.equal(ev(e, 'nlaRequired'), false);
    const b = await rdpHost(async (c) => {
      await c.nextChunk();
      c.write(confirm());
    });
    expectVerdict(b.report, 'rdp-exposed', 3389, 'vulnerable', 'rdp-answers');
    assert.equal(b.report.rdp?.standardRdpOnly, true);
  });

  test('open but silent (like the lab firewall host) → unknown no-rdp-answer by the deadline', async () => {
    const { report, virtualMs } = await runOnVirtualClock({ rdp: (c) => c.untilClosed(), checks: ['rdp'], timeoutMs: 500 });
    expectVerdict(report, 'rdp-exposed', 3389, 'unknown', 'no-rdp-answer');
    assert.ok(virtualMs < 1200, `${virtualMs} virtual ms`);
  });

  test('a non-RDP answer → unknown not-rdp; a reset → unknown', async () => {
    const a = await rdpHost(async (c) => {
      await c.nextChunk();
      c.write(new TextEncoder().encode('SSH-2.0-OpenSSH_9.2\r\n'));
    });
    expectVerdict(a.report, 'rdp-exposed', 3389, 'unknown', 'not-rdp');
    const b = await rdpHost(async (c) => {
      await c.nextChunk();
      c.reset();
    });
    expectVerdict(b.report, 'rdp-exposed', 3389, 'unknown', 'connection-closed');
  });

  test('3389 closed in the port scan → not-vulnerable (not reachable); not scanned → not applicable', async () => {
    const a = await runAgainstFakes({ checks: ['rdp-exposed'], closedPorts: [3389] });
    expectVerdict(a.report, 'rdp-exposed', 3389, 'not-vulnerable', 'port-closed');
    const b = await runAgainstFakes({ checks: ['rdp-exposed'] });
    const v = verdict(b.report, 'rdp-exposed');
    assert.deepEqual([v.state, v.applicable, v.reasonCode], ['unknown', false, 'not-applicable:no-open-port']);
  });
});

describe('scope, selection and applicability', () => {
  test('an address outside the scope is never dialed: every result unknown, blocked-by-scope', async () => {
    const { report, smb445, dialer } = await runAgainstFakes({ smb445: win7Script(), scope: Scope.fromSpecs(['198.18.0.0/15']), checks: SMB_ONLY });
    assert.equal(smb445?.connections.length, 0);
    assert.ok(dialer.dialed.length > 0);
    assert.ok(report.checks.every((c) => c.state === 'unknown'));
    expectVerdict(report, 'ms17-010', 445, 'unknown', 'blocked-by-scope');
    assert.ok(report.probes.every((p) => p.status === 'blocked-by-scope'));
  });

  test('UDP: an address outside the scope gets no datagram', async () => {
    const fake = await startUdpFake(() => undefined);
    try {
      const udp = new ScopedUdp(Scope.fromSpecs(['198.18.0.0/15']));
      const r = await udp.request({ ip: LOOPBACK, port: fake.port, payload: Uint8Array.of(1, 2, 3), timeoutMs: 200 });
      assert.equal(r.status, 'blocked-by-scope');
      // A datagram sent on loopback is readable at once: three turns of the event loop would deliver it.
      for (let i = 0; i < 3; i++) await new Promise((res) => setImmediate(res));
      assert.equal(fake.received.length, 0);
    } finally {
      await fake.close();
    }
  });

  test('SMB checks on a host without 445/139: not applicable; both closed → smbv1 "SMB not reachable"', async () => {
    const a = await runAgainstFakes({ checks: SMB_ONLY, openPorts: [80] });
    assert.ok(a.report.checks.every((c) => c.state === 'unknown' && !c.applicable));
    assert.equal(a.report.smb, undefined);
    const b = await runAgainstFakes({ checks: ['smbv1', 'ms17-010'], closedPorts: [445, 139] });
    expectVerdict(b.report, 'smbv1', undefined, 'not-vulnerable', 'smb-not-reachable');
    const ms = verdict(b.report, 'ms17-010');
    assert.deepEqual([ms.state, ms.applicable], ['unknown', false]);
  });

  test('selection by id, tag and category; unknown selectors are errors', () => {
    assert.deepEqual(selectChecks(['ransomware']).map((c) => c.meta.id), [...CHECK_IDS]);
    assert.deepEqual(selectChecks(['rdp']).map((c) => c.meta.id), ['rdp-exposed']);
    assert.deepEqual(selectChecks(['malware']).map((c) => c.meta.id), ['doublepulsar']);
    assert.deepEqual(selectChecks(['ms17-010', 'MS17-010', 'doublepulsar']).map((c) => c.meta.id), ['ms17-010', 'doublepulsar']);
    assert.ok(selectChecks(['smb']).every((c) => c.meta.tags.includes('smb')));
    assert.throws(() => selectChecks(['eternalblue']), CheckSelectionError);
  });

  test('only the probes a selection needs are run: rdp alone never touches SMB', async () => {
    const { report, smb445 } = await runAgainstFakes({ smb445: win7Script(), checks: ['smbv1'] });
    expectVerdict(report, 'smbv1', 445, 'vulnerable', 'smb1-accepted');
    const c = await runAgainstFakes({ smb445: win7Script(), checks: ['rdp'] });
    assert.equal(c.smb445?.connections.length, 0);
    assert.ok(smb445 && smb445.connections.length >= 1);
  });

  test('every check carries bilingual metadata and remediation', () => {
    for (const c of selectChecks(['ransomware'])) {
      const m = c.meta;
      for (const l of [m.title, m.description, m.remediation]) {
        assert.ok(l.en.length > 5 && l.id.length > 5, `${m.id}: en and id text`);
        assert.notEqual(l.en, l.id, `${m.id}: the Indonesian text is a translation, not a copy`);
      }
      assert.ok(m.categories.includes('safe') && !m.categories.includes('intrusive'), `${m.id} is safe`);
      assert.ok(m.references.length > 0);
    }
    assert.match(selectChecks(['smbv1'])[0]?.meta.remediation.id ?? '', /Nonaktifkan SMBv1/);
    assert.match(selectChecks(['ms17-010'])[0]?.meta.remediation.id ?? '', /Pasang pembaruan keamanan MS17-010 .*KB4012212/);
  });
});
