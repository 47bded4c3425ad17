// Banners over the lab: every greeting and HTTP server of the bulk /24 and the 30 ms-RTT firewalled host is
// identified as the ground truth says, with the RTT-driven waits of src/engine/banner/grab.ts; and no banner
// connection is made on a port a selected check will talk to (SMB on 139/445), counted in the CLI process by a
// preload that records every stream connect (the port stage's connects do not go through net.Socket).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, jsonl, LAB_SCOPE, perisai, requireLab, run } from './lab.js';

const truth = requireLab();
const dir = mkdtempSync(join(tmpdir(), 'perisai-lab-banners-'));

test('bulk /24 (every port where a host speaks) and the firewalled host at 30 ms RTT: every banner and HTTP Server header of the ground truth, with the right service', async () => {
  const hosts = truth.hosts.filter((h) => h.ip.startsWith('198.18.1.') || h.name === 'filtered');
  const speaking = (h: (typeof hosts)[number]): number[] =>
    Object.entries(h.services ?? {}).filter(([, s]) => s.banner !== undefined || s.server_header !== undefined).map(([p]) => Number(p));
  // the ports where some bulk host speaks, plus two where bulk hosts accept and stay silent (1723 accepts and closes)
  const bulkPorts = [...new Set([...hosts.filter((h) => h.name !== 'filtered').flatMap(speaking), 111, 135, 1723])].sort((a, b) => a - b);
  const lines = [];
  for (const [targets, ports] of [['198.18.1.1-254', bulkPorts.join(',')], ['198.18.0.30', '80,3389']] as const) {
    const r = await perisai(['scan', targets, '-p', ports, '--scope', LAB_SCOPE, '--format', 'jsonl', '-q']);
    assert.equal(r.code, 0, r.stderr);
    lines.push(...jsonl(r.stdout));
  }
  const ports = new Map(lines.filter((l) => l.type === 'port').map((l) => [`${String(l.ip)}:${String(l.port)}`, l]));
  let greetings = 0;
  let http = 0;
  for (const h of hosts) {
    for (const [port, s] of Object.entries(h.services ?? {})) {
      if (s.banner === undefined && s.server_header === undefined) continue;
      const line = ports.get(`${h.ip}:${port}`);
      assert.ok(line, `${h.ip}:${port} reported open`);
      assert.equal(line.service, s.name, `${h.ip}:${port} service`);
      if (s.banner !== undefined) {
        greetings++;
        assert.equal(line.banner, s.banner, `${h.ip}:${port} banner`);
      } else {
        http++;
        assert.match(String(line.banner), new RegExp(`Server: ${s.server_header!.replace(/[.()]/g, '\\$&')}`), `${h.ip}:${port} Server header`);
      }
    }
  }
  assert.ok(greetings >= 40 && http >= 10, `checked ${greetings} greetings and ${http} HTTP servers`);
});

/** Runs the CLI with a preload that logs "ip port" for every net.Socket connect into a file. */
async function connectsOf(args: string[], name: string): Promise<string[]> {
  const log = join(dir, `${name}.log`);
  const preload =
    'data:text/javascript,' +
    encodeURIComponent(
      `import net from 'node:net'; import { appendFileSync } from 'node:fs';
       const orig = net.Socket.prototype.connect;
       net.Socket.prototype.connect = function (...a) {
         const o = Array.isArray(a[0]) ? a[0][0] : a[0];
         if (o && typeof o === 'object' && o.port !== undefined) appendFileSync(${JSON.stringify(log)}, o.host + ' ' + o.port + '\\n');
         return orig.apply(this, a);
       };`,
    );
  const r = await run(process.execPath, ['--import', preload, CLI, ...args]);
  assert.equal(r.code, 0, r.stderr);
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // no stream connect at all
  }
  return text.split('\n').filter(Boolean).sort();
}

test('no banner connection on the SMB ports the checks talk to; banners still on the other open ports', async () => {
  const base = ['scan', '198.18.0.10', '198.18.0.20', '-p', '22,80,139,445', '--scope', LAB_SCOPE, '--checks', 'smbv1', '--format', 'jsonl', '-q'];
  const withBanners = await connectsOf(base, 'banners');
  const without = await connectsOf([...base, '--no-banners'], 'no-banners');
  const smb = (l: string[]): string[] => l.filter((x) => / (139|445)$/.test(x));
  assert.ok(smb(withBanners).length > 0, 'the checks connected to SMB');
  assert.deepEqual(smb(withBanners), smb(without), 'banners add no SMB connection');
  assert.deepEqual(withBanners.filter((x) => / (22|80)$/.test(x)), ['198.18.0.20 22', '198.18.0.20 80'], 'one banner connection per other open port');
  assert.deepEqual(without.filter((x) => / (22|80)$/.test(x)), []);
});
