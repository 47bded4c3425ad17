// nmap -oX reading (bench/nmap-xml.ts) on nmap 7.93's real output for the project lab's SMB hosts
// (bench/fixtures/nmap-smb-lab.xml: `nmap -n -Pn -p139,445 --script <the bench's six SMB scripts>` against
// lab/lib/plan.py's smb1, smb2only, impacket, doublepulsar and linuxsrv hosts): the facts must be the lab's
// ground truth wherever nmap decides one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nmapFacts, parseNmapXml } from './nmap-xml.js';

/** The fixture beside the source (this file runs from bench/ under tsx and from dist/bench/ when built). */
function fixture(name: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const p = join(dir, 'bench', 'fixtures', name);
    if (existsSync(p)) return readFileSync(p, 'utf8');
    if (dirname(dir) === dir) throw new Error(`fixture ${name} not found`);
  }
}

test('the lab\'s SMB hosts: open ports and every fact nmap decides, as the lab\'s ground truth has them', () => {
  const hosts = parseNmapXml(fixture('nmap-smb-lab.xml'));
  assert.deepEqual([...hosts.keys()], ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.0.13', '198.18.0.20']);
  const open = Object.fromEntries([...hosts].map(([ip, h]) => [ip, h.open]));
  assert.deepEqual(open, { '198.18.0.10': [139, 445], '198.18.0.11': [445], '198.18.0.12': [445], '198.18.0.13': [139, 445], '198.18.0.20': [] });
  const facts = Object.fromEntries([...hosts].map(([ip, h]) => [ip, nmapFacts(h.scripts)]));
  assert.deepEqual(facts, {
    // Samba, SMB1 on: not vulnerable, no implant
    '198.18.0.10': { smbv1: 'enabled', dialects: '2.0.2, 2.1, 3.0, 3.0.2, 3.1.1, NT LM 0.12', signing: 'not-required', 'ms17-010': 'not-vulnerable', doublepulsar: 'not-detected' },
    // Samba, SMB2 only, signing mandatory: the SMB1 scripts' verdicts are not counted (they cannot speak SMB1 there)
    '198.18.0.11': { smbv1: 'disabled', dialects: '2.0.2, 2.1, 3.0, 3.0.2, 3.1.1', signing: 'required' },
    // impacket as unpatched Windows 7
    '198.18.0.12': { smbv1: 'enabled', dialects: '2.0.2, NT LM 0.12', signing: 'not-required', 'ms17-010': 'vulnerable', doublepulsar: 'not-detected' },
    // Windows 7 with DoublePulsar
    '198.18.0.13': { smbv1: 'enabled', dialects: 'NT LM 0.12', signing: 'not-required', 'ms17-010': 'vulnerable', doublepulsar: 'detected' },
    // no SMB: nmap decides nothing
    '198.18.0.20': {},
  });
});

test('entities are decoded and attribute order does not matter; host and port scripts both count', () => {
  const xml = `<?xml version="1.0"?><nmaprun><host><address addrtype="ipv4" addr="198.18.0.7"/><ports>
    <port portid="445" protocol="tcp"><state state="open"/><script output="x" id="smb-protocols"><table key="dialects"><elem>NT LM 0.12 (SMBv1) [dangerous, but default]</elem><elem>2:0:2</elem></table></script></port>
    <port protocol="tcp" portid="139"><state state="filtered"/></port></ports>
    <hostscript><script id="smb-vuln-ms17-010" output="&#xa;"><table key="CVE-2017-0143"><elem key="state">NOT VULNERABLE</elem></table></script>
    <script id="smb-double-pulsar-backdoor" output=""><table key="x"><elem key="state">LIKELY &amp; VULNERABLE</elem></table></script></hostscript></host>
    <runstats><finished time="1" exit="success"/></runstats></nmaprun>`;
  const h = parseNmapXml(xml).get('198.18.0.7');
  assert.ok(h);
  assert.deepEqual(h.open, [445]);
  assert.deepEqual(nmapFacts(h.scripts), { smbv1: 'enabled', dialects: '2.0.2, NT LM 0.12', 'ms17-010': 'not-vulnerable', doublepulsar: 'likely & vulnerable' });
});

test('a document cut short (nmap killed while writing) or not well-formed is refused, not read as fewer hosts', () => {
  const text = fixture('nmap-smb-lab.xml');
  const third = text.indexOf('<address addr="198.18.0.12"');
  for (const cut of [third, text.indexOf('<ports>', third) + 20, text.indexOf('<runstats>')])
    assert.throws(() => parseNmapXml(text.slice(0, cut)), /not a finished nmap run/);
  assert.throws(() => parseNmapXml(text.replace('</hostscript>', '</hostscrip>')), /Unexpected close tag/);
});
