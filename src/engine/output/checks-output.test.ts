// Check verdicts and host facts in every format that carries them (jsonl, json, xml, table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { CheckLine, HostResult, PortResult, ScanSummary } from '../types.js';
import { createSink } from './index.js';
import type { OutputFormat } from './sink.js';
import { META } from './fixtures.js';

const ip = '198.18.0.13';
const ports: PortResult[] = [
  { type: 'port', ip, port: 139, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'netbios-ssn' },
  { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
];
const check = (port: number | undefined, id: string, state: CheckLine['state'], reasonCode: string): CheckLine => ({
  type: 'check',
  ip,
  ...(port !== undefined ? { port } : {}),
  check: id,
  state,
  reason: `${id} said ${reasonCode} <&"'>`,
  reasonCode,
  severity: 'critical',
  title: `${id} title`,
  titleId: `judul ${id}`,
  evidence: { status: '0xC0000205', nested: { mid: 81 } },
});
const checks: CheckLine[] = [
  check(445, 'ms17-010', 'vulnerable', 'insuff-server-resources'),
  check(139, 'ms17-010', 'unknown', 'timeout'),
  check(445, 'doublepulsar', 'not-vulnerable', 'mid-unchanged'),
  check(undefined, 'smb-signing', 'unknown', 'no-answer'),
];
const host: HostResult = {
  type: 'host', ip, state: 'up', reason: 'syn-ack', open: 2, closed: 6, filtered: 0, srttMs: 0.5,
  os: { name: 'Windows 7 Professional 7601 Service Pack 1', family: 'windows', source: 'smb1-native-os', sources: ['smb1-native-os'], build: 7601, eol: true, wannacryRisk: true },
  smb: { dialects: ['NT LM 0.12'], dialectsExact: true, smbv1: true, smb2: false, signing: 'disabled', ports: [] },
};
const summary: ScanSummary = {
  type: 'summary', startedAt: 'x', endedAt: new Date(META.startedAt.getTime() + 1000).toISOString(), durationMs: 1000, hosts: 1, hostsUp: 1, ports: 8,
  probesPlanned: 8, probesSent: 8, retries: 0, open: 2, closed: 6, filtered: 0, refusedByScope: 0,
  checks: { run: 4, vulnerable: 1, notVulnerable: 1, unknown: 2 }, interrupted: false,
  engine: { socketLayer: 'tcp_wrap', windowMax: 8, windowFinal: 8, timeoutMs: 100 },
};

function render(format: OutputFormat): string {
  let text = '';
  const sink = createSink(format, { write: (s) => (text += s) }, { allStates: false, clock: () => META.startedAt.getTime() });
  sink.begin(META);
  for (const p of ports) sink.port(p);
  sink.host(host, ports, checks);
  sink.end(summary);
  return text;
}

test('jsonl: every check line before its host line, then the host with os and smb facts', () => {
  const lines = render('jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.type !== 'port');
  const types = lines.map((l) => l.type);
  assert.deepEqual(types, ['check', 'check', 'check', 'check', 'host', 'summary']);
  assert.deepEqual(lines[0], { ...checks[0] });
  assert.equal(lines[3]!.port, undefined, 'host-level check has no port');
  const h = lines[4] as { os: { name: string; build: number }; smb: { dialects: string[]; smbv1: boolean; signing: string } };
  assert.equal(h.os.build, 7601);
  assert.deepEqual(h.smb.dialects, ['NT LM 0.12']);
  assert.equal(h.smb.smbv1, true);
  assert.deepEqual((lines[5] as { checks: unknown }).checks, summary.checks);
});

test('json: checks nested in their host', () => {
  const doc = JSON.parse(render('json')) as { hosts: { checks: CheckLine[]; os: unknown }[] };
  assert.equal(doc.hosts[0]!.checks.length, 4);
  assert.ok(doc.hosts[0]!.os);
});

test('xml: one nmap-style host script per check, worst state first-class, well-formed', () => {
  const xml = render('xml');
  const py = `
import sys, json, xml.etree.ElementTree as ET
h = ET.fromstring(sys.stdin.read()).find('host')
print(json.dumps({s.get('id'): {e.get('key'): e.text for e in s.iter('elem')} for s in h.findall('hostscript/script')}))`;
  const parsed = JSON.parse(execFileSync('python3', ['-c', py], { input: xml, encoding: 'utf8' })) as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(parsed).sort(), ['perisai-smb-signing', 'smb-double-pulsar-backdoor', 'smb-os-discovery', 'smb-protocols', 'smb-vuln-ms17-010']);
  assert.equal(parsed['smb-vuln-ms17-010']!.state, 'vulnerable');
  assert.equal(parsed['smb-vuln-ms17-010']!['port.139.state'], 'unknown');
  assert.equal(parsed['smb-vuln-ms17-010']!['port.445.reason'], `ms17-010 said insuff-server-resources <&"'>`);
  assert.equal(parsed['smb-vuln-ms17-010']!['port.445.evidence.nested'], '{"mid":81}');
  assert.equal(parsed['smb-double-pulsar-backdoor']!.state, 'not-vulnerable');
  assert.equal(parsed['smb-os-discovery']!.build, '7601');
});

test('table: a "Host script results" block with every verdict', () => {
  const t = render('table');
  assert.match(t, /Host script results:/);
  assert.match(t, /\| smb-vuln-ms17-010:\n\| {3}ms17-010 title\n\| {3}State: VULNERABLE/);
  assert.match(t, /port 139: UNKNOWN: ms17-010 said timeout/);
  assert.match(t, /\|_  {2}Reason: smb-signing said no-answer/);
});
