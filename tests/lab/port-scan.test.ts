// Port stage against the lab's real hosts (network namespaces, 198.18.0.0/15), compared with its ground truth:
// exact open sets, closed/filtered states on the firewalled host with real latency and loss, unreachable
// addresses, and nmap-compatible XML read back by the lab's own comparator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPARE, expectedState, jsonl, LAB_SCOPE, perisai, requireLab, run, TRUTH_PATH } from './lab.js';

const truth = requireLab();
const dir = mkdtempSync(join(tmpdir(), 'perisai-lab-'));
const byName = new Map(truth.hosts.map((h) => [h.name, h]));
const host = (name: string) => {
  const h = byName.get(name);
  assert.ok(h, `lab host ${name} missing from the ground truth`);
  return h;
};

function openSet(lines: Record<string, unknown>[]): Set<string> {
  return new Set(lines.filter((l) => l.type === 'port' && l.state === 'open').map((l) => `${String(l.ip)}:${String(l.port)}`));
}

for (const layer of ['tcp_wrap', 'net'] as const) {
  test(`all 65,535 ports of the static hosts: exactly the open ports of the ground truth (${layer})`, async () => {
    const names = ['smb1', 'smb2only', 'impacket', 'doublepulsar', 'linuxsrv', 'bulk-gw'];
    const hosts = names.map(host);
    const r = await perisai(['scan', ...hosts.map((h) => h.ip), '-p', 'all', '--scope', LAB_SCOPE, '--format', 'jsonl', '--no-banners', '--socket-layer', layer, '-q']);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonl(r.stdout);
    const expected = new Set(hosts.flatMap((h) => h.tcp.open.map((p) => `${h.ip}:${p}`)));
    assert.deepEqual([...openSet(lines)].sort(), [...expected].sort());
    const summary = lines.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.probesPlanned, names.length * 65535);
    assert.equal(summary.filtered, 0, 'every port of these hosts answers (RST or SYN-ACK)');
    assert.equal((summary.engine as { socketLayer: string }).socketLayer, layer);
  });
}

test('bulk /24, nmap top 1000: exactly the 1,031 open pairs, XML accepted by the lab comparator', async () => {
  const xml = join(dir, 'bulk.xml');
  const r = await perisai(['scan', '198.18.1.0/24', '-p', 'top:1000', '--scope', LAB_SCOPE, '--format', 'xml', '-o', xml, '--no-banners', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const cmp = await run('python3', [COMPARE, TRUTH_PATH, xml, '--hosts', 'bulk', '--ports', 'top1000']);
  assert.equal(cmp.code, 0, `compare.py: ${cmp.stdout}${cmp.stderr}`);
  assert.match(cmp.stdout, /1031/);
});

test('the firewalled host: open, closed (RST), filtered (ICMP and silence), with 30 ms RTT and 1 % loss', async () => {
  const h = host('filtered');
  const ports = [...new Set([...h.tcp.open, ...h.tcp.closed, ...h.tcp.filtered, 22, 23, 443, 445, 139, 135, 5985])].sort((a, b) => a - b);
  const r = await perisai(['scan', h.ip, '-p', ports.join(','), '--scope', LAB_SCOPE, '--format', 'jsonl', '--all-states', '--no-banners', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout).filter((l) => l.type === 'port');
  assert.equal(lines.length, ports.length);
  for (const l of lines) {
    const want = expectedState(h, l.port as number);
    assert.equal(l.state, want, `port ${String(l.port)}: ${JSON.stringify(l)}`);
    if (want === 'closed') assert.equal(l.reason, 'conn-refused');
    if (want === 'open') assert.ok((l.rttMs as number) >= 25, `RTT ${String(l.rttMs)} ms is below the link's 30 ms`);
  }
  // silence is reported as no-response, the ICMP admin-prohibited port as unreachable: both filtered, never closed
  const p21 = lines.find((l) => l.port === 21)!;
  assert.equal(p21.reason, 'host-unreach');
  assert.ok(lines.some((l) => l.state === 'filtered' && l.reason === 'no-response'));
});

test('addresses with no host: down, every port filtered, nothing reported open', async () => {
  // 198.18.2.1 has no route in the lab (unreachable at once); 198.18.0.99 is on the bridge but never answers ARP.
  const r = await perisai(['scan', '198.18.2.1', '198.18.0.99', '-p', '22,445', '--scope', LAB_SCOPE, '--format', 'jsonl', '--all-states', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout);
  assert.equal(lines.filter((l) => l.type === 'host').length, 0);
  const ports = lines.filter((l) => l.type === 'port');
  assert.equal(ports.length, 4);
  for (const p of ports) {
    assert.equal(p.state, 'filtered');
    assert.ok(['host-unreach', 'net-unreach', 'no-response'].includes(p.reason as string), JSON.stringify(p));
  }
  const summary = lines.at(-1)!;
  assert.equal(summary.hostsUp, 0);
});

test('banners and service guesses on the Linux server match the ground truth', async () => {
  const h = host('linuxsrv');
  const r = await perisai(['scan', h.ip, '-p', '22,80', '--scope', LAB_SCOPE, '--format', 'jsonl', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const ports = jsonl(r.stdout).filter((l) => l.type === 'port');
  const ssh = ports.find((p) => p.port === 22)!;
  assert.equal(ssh.service, 'ssh');
  assert.equal(ssh.banner, h.services?.['22']?.banner);
  const http = ports.find((p) => p.port === 80)!;
  assert.equal(http.service, 'http');
  assert.match(String(http.banner), new RegExp(`Server: ${(h.services?.['80']?.server_header ?? '').replace(/[.]/g, '\\.')}`));
});

test('-iL with excludes over the lab, and a hostname kept from /etc/hosts-style input', async () => {
  const list = join(dir, 'targets.txt');
  writeFileSync(list, '# the static SMB hosts\n198.18.0.10-13\n');
  const r = await perisai(['scan', '-iL', list, '--exclude', '198.18.0.11', '-p', '445', '--scope', LAB_SCOPE, '--format', 'jsonl', '--no-banners', '-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual([...openSet(jsonl(r.stdout))].sort(), ['198.18.0.10:445', '198.18.0.12:445', '198.18.0.13:445']);
});
