// The SMB/RDP checks against the project's lab (lab/perisai-lab, 198.18.0.0/15 network
// namespaces), compared with its ground truth (hosts[].smb and .expected): dialects, SMBv1,
// signing per protocol, OS strings and names, MS17-010 only on the impacket and DoublePulsar
// imposters, DoublePulsar only on the latter with the recorded arch and key. Fails (never skips)
// when the lab is down. Scope 198.18.0.0/15; only lab addresses are contacted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runHostChecks, type HostCheckReport } from '../../src/engine/checks/run-host-checks.js';
import { NetDialer } from '../../src/engine/net/dialer.js';
import { ScopedUdp } from '../../src/engine/probes/udp.js';
import { Scope } from '../../src/engine/targets/scope.js';
import { LAB_SCOPE, requireLab, TRUTH_PATH, type LabHost } from '../lab/lab.js';

interface SmbTruth {
  smb1: boolean;
  dialects: string[];
  signing: { smb1: string | null; smb2: string | null };
  workgroup: string;
  netbios_name: string;
  fqdn: string;
  dns_domain: string;
  os_smb1: string | null;
  lanmanager: string | null;
  ntlm_version?: string;
  ms17_010_vulnerable: boolean;
  doublepulsar: { infected: boolean; arch?: string; key?: string; wrong_key_from_64bit_signature?: string };
  expected: { smb1: 'enabled' | 'disabled'; ms17_010: string; doublepulsar: 'detected' | 'not-detected' | 'unknown' };
}

const truth = requireLab();
assert.ok(existsSync('/sys/class/net/plbr0'), 'lab bridge plbr0 missing: run `sudo lab/perisai-lab up`');
const scope = Scope.fromSpecs([LAB_SCOPE]);
const dialer = new NetDialer(scope);
const udp = new ScopedUdp(scope);
const smbHosts = truth.hosts.filter((h): h is LabHost & { smb: Record<string, unknown> } => h.smb !== null && h.smb !== undefined);
const DP_LOG = `${TRUTH_PATH.replace(/ground-truth\.json$/, '')}logs/doublepulsar.log`;

function labIp(ip: string): string {
  assert.ok(scope.check(ip).allowed && ip.startsWith('198.18.'), `not a lab address: ${ip}`);
  return ip;
}

function signingWord(s: string | null): string | undefined {
  if (s === null) return undefined;
  return s.startsWith('enabled') ? 'enabled' : s;
}

function result(r: HostCheckReport, check: string, port?: number) {
  const found = r.checks.filter((c) => c.check === check && c.port === port);
  assert.equal(found.length, 1, `${r.ip}: one ${check}@${port} result expected`);
  return found[0]!;
}

const nonPingBefore = existsSync(DP_LOG) ? (readFileSync(DP_LOG, 'utf8').match(/NON-PING/g) ?? []).length : 0;

test('SMB hosts: every fact and verdict equals the ground truth (all checks, all hosts in parallel)', async (t) => {
  assert.deepEqual(smbHosts.map((h) => h.name).sort(), ['doublepulsar', 'impacket', 'smb1', 'smb2only']);
  const t0 = performance.now();
  const reports = await Promise.all(
    smbHosts.map((h) => runHostChecks({ ip: labIp(h.ip), openPorts: h.tcp.open, dialer, udp, checks: ['ransomware'], timeoutMs: 3000 })),
  );
  const wall = performance.now() - t0;
  t.diagnostic(`all checks on ${smbHosts.length} lab SMB hosts: ${Math.round(wall)} ms wall (${reports.map((r) => `${r.ip} ${r.durationMs} ms`).join(', ')})`);
  assert.ok(wall < 3000, `fast: ${Math.round(wall)} ms`);

  for (const [i, h] of smbHosts.entries()) {
    const r = reports[i]!;
    const s = h.smb as unknown as SmbTruth;
    const where = `${h.name} (${h.ip})`;
    // SMB facts.
    assert.deepEqual(r.smb?.dialects, s.dialects, `${where} dialects`);
    assert.equal(r.smb?.dialectsExact, true, `${where} exact dialect list`);
    assert.equal(r.smb?.smbv1, s.smb1, `${where} smbv1`);
    assert.equal(r.smb?.smb1Signing, signingWord(s.signing.smb1), `${where} SMB1 signing`);
    assert.equal(r.smb?.smb2Signing, signingWord(s.signing.smb2), `${where} SMB2 signing`);
    // OS strings and names.
    assert.equal(r.os?.nativeOs, s.os_smb1 ?? undefined, `${where} NativeOS`);
    if (s.lanmanager !== null) assert.equal(r.os?.nativeLanMan, s.lanmanager, `${where} NativeLanMan`);
    assert.equal(r.os?.netbiosName, s.netbios_name, `${where} NetBIOS name`);
    assert.equal(r.os?.dnsName, s.fqdn, `${where} FQDN`);
    assert.equal(r.os?.dnsDomain, s.dns_domain, `${where} DNS domain`);
    // The workgroup travels in SMB1 only (negotiate DomainName, session PrimaryDomain) and NBSTAT;
    // the lab has no UDP 137, and a workgroup host's NTLM NbDomainName is its own name.
    assert.equal(r.os?.domain, s.smb1 ? s.workgroup : undefined, `${where} workgroup`);
    if (s.ntlm_version) assert.equal(r.os?.ntlmVersion, s.ntlm_version, `${where} NTLM version`);
    if (s.lanmanager?.startsWith('Samba') || !s.smb1) assert.equal(r.os?.family, 'samba', `${where} is Samba, not Windows`);
    else {
      assert.equal(r.os?.family, 'windows', where);
      assert.equal(r.os?.build, 7601, where);
      assert.equal(r.os?.product, 'Windows 7 SP1', where);
      assert.equal(r.os?.eol, true, where);
      assert.equal(r.os?.wannacryRisk, true, where);
    }
    // Verdicts per SMB port.
    for (const port of h.tcp.open.filter((p) => p === 445 || p === 139)) {
      const v1 = result(r, 'smbv1', port);
      assert.equal(v1.state, s.expected.smb1 === 'enabled' ? 'vulnerable' : 'not-vulnerable', `${where}:${port} smbv1 ${v1.reason}`);
      const ms = result(r, 'ms17-010', port);
      assert.equal(ms.state, s.expected.ms17_010, `${where}:${port} ms17-010: ${ms.reasonCode} ${ms.reason}`);
      assert.equal(ms.state === 'vulnerable', s.ms17_010_vulnerable, `${where}:${port} ms17-010 vs ms17_010_vulnerable`);
      const dp = result(r, 'doublepulsar', port);
      const want = s.expected.doublepulsar === 'detected' ? 'vulnerable' : s.expected.doublepulsar === 'not-detected' ? 'not-vulnerable' : 'unknown';
      assert.equal(dp.state, want, `${where}:${port} doublepulsar: ${dp.reasonCode} ${dp.reason}`);
      if (s.doublepulsar.infected) {
        const implant = dp.evidence.implant as { arch: string; xorKey: string };
        assert.equal(implant.arch, s.doublepulsar.arch, `${where}:${port} arch`);
        assert.equal(implant.xorKey, s.doublepulsar.key, `${where}:${port} key`);
        assert.notEqual(implant.xorKey, s.doublepulsar.wrong_key_from_64bit_signature);
      } else {
        assert.equal(dp.evidence.implant, undefined);
      }
      if (s.expected.ms17_010 === 'unknown') assert.equal(ms.reasonCode, 'smb1-disabled', `${where}: unknown because SMBv1 is off`);
    }
    // Signing verdict: not required somewhere on every SMB1 host; required on smb2only.
    assert.equal(result(r, 'smb-signing', 445).state, s.signing.smb2 === 'required' && !s.smb1 ? 'not-vulnerable' : 'vulnerable', `${where} smb-signing`);
    assert.equal(result(r, 'smb-os-eol', 445).state, r.os?.family === 'windows' ? 'vulnerable' : 'not-vulnerable', `${where} smb-os-eol`);
    // No UDP 137 in the lab: the kernel answers ICMP port unreachable.
    assert.equal(result(r, 'netbios-ns', 137).state, 'not-vulnerable', `${where} netbios-ns`);
    JSON.parse(JSON.stringify(r));
  }
});

test('the DoublePulsar host saw only ping opcodes (no NON-PING line in its log)', () => {
  assert.ok(existsSync(DP_LOG), `DoublePulsar log missing at ${DP_LOG}`);
  const after = (readFileSync(DP_LOG, 'utf8').match(/NON-PING/g) ?? []).length;
  assert.equal(after, nonPingBefore);
});

test('non-SMB hosts: the firewalled host (3389 open but silent) and the Linux host', async () => {
  const byName = new Map(truth.hosts.map((h) => [h.name, h]));
  const filtered = byName.get('filtered');
  const linux = byName.get('linuxsrv');
  assert.ok(filtered && linux);
  const [f, l] = await Promise.all([
    runHostChecks({ ip: labIp(filtered.ip), openPorts: filtered.tcp.open, closedPorts: filtered.tcp.closed, dialer, udp, timeoutMs: 1500 }),
    runHostChecks({ ip: labIp(linux.ip), openPorts: linux.tcp.open, dialer, udp, timeoutMs: 1500 }),
  ]);
  const rdp = result(f, 'rdp-exposed', 3389);
  assert.deepEqual([rdp.state, rdp.reasonCode], ['unknown', 'no-rdp-answer'], rdp.reason);
  // Ended by its deadline, not by the host: the silent port's conversation timed out. That the deadline is
  // kept to the millisecond is shown on a virtual clock in tests/checks/fake-verdicts.test.ts.
  assert.deepEqual(f.probes.filter((p) => p.probe === 'rdp').map((p) => p.status), ['io-timeout']);
  for (const r of [f, l]) {
    for (const c of r.checks.filter((x) => x.check !== 'rdp-exposed')) {
      assert.deepEqual([c.state, c.applicable], ['unknown', false], `${r.ip} ${c.check}: ${c.reason}`);
    }
    assert.equal(r.smb, undefined);
  }
  assert.equal(l.probes.length, 0, 'nothing is sent to a host without SMB/RDP ports');
});
