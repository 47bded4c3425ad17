// The `perisai scan` command as a user meets it: exit codes, error messages naming the bad token, formats,
// output files, Ctrl-C. Runs the built CLI as a child process against loopback listeners only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'perisai-cli-'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function perisai(args: string[], opts: { killAfterMs?: number; signal?: NodeJS.Signals } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    if (opts.killAfterMs) setTimeout(() => child.kill(opts.signal ?? 'SIGINT'), opts.killAfterMs);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function listeners(n: number): Promise<{ ports: number[]; close(): void }> {
  const servers: net.Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer((c) => {
      c.on('error', () => {});
      c.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
  }
  return { ports: servers.map((s) => (s.address() as net.AddressInfo).port), close: () => servers.forEach((s) => s.close()) };
}

function jsonl(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('bad input: exit 2, the bad token named, nothing scanned', async () => {
  const cases: [string[], RegExp][] = [
    [['scan', '300.1.1.1'], /'300\.1\.1\.1'/],
    [['scan', '127.0.0.1', '-p', '70000'], /70000/],
    [['scan', '127.0.0.1', '-p', '80-20'], /reversed/],
    [['scan', '127.0.0.1', '-p', 'bogus'], /'bogus'/],
    [['scan', '10.0.0.1/33'], /10\.0\.0\.1\/33/],
    [['scan', '2001:db8::/64'], /\/112|65,536/],
    [['scan', '127.0.0.1', '--timeout', 'soon'], /--timeout/],
    [['scan', '127.0.0.1', '--format', 'pdf'], /pdf/],
    [['scan', '127.0.0.1', '--bogus-flag'], /bogus-flag/],
    [['scan'], /no targets/],
    [['scan', '-iL', join(dir, 'does-not-exist.txt')], /ENOENT/],
    [['scan', '127.0.0.1', '--exclude', '127.0.0.1'], /remove every target/],
    [['scan', '10.0.0.0/8', '-p', '445'], /--yes/],
  ];
  for (const [args, re] of cases) {
    const r = await perisai(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')} printed results`);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('a bad line in -iL names the file and line', async () => {
  const f = join(dir, 'targets.txt');
  writeFileSync(f, '# agency hosts\n127.0.0.1\n127.0.0.300\n');
  const r = await perisai(['scan', '-iL', f]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /targets\.txt:3/);
});

test('scope: out-of-scope and never-scan targets are refused with exit 3, nothing sent', async () => {
  const r1 = await perisai(['scan', '127.0.0.1', '--scope', '198.18.0.0/15']);
  assert.equal(r1.code, 3);
  assert.match(r1.stderr, /127\.0\.0\.1 is outside the scan scope/);
  const r2 = await perisai(['scan', '224.0.0.1', '--scope', '224.0.0.0/4']);
  assert.equal(r2.code, 3);
  assert.match(r2.stderr, /never scans/);
  const f = join(dir, 'scope.txt');
  writeFileSync(f, '127.0.0.0/8 # lab\n');
  const r3 = await perisai(['scan', '127.0.0.2', '--scope-file', f, '-p', '1', '--no-banners', '--format', 'jsonl']);
  assert.equal(r3.code, 0, r3.stderr);
  const r4 = await perisai(['scan', '127.0.0.1', '-p', '1']);
  assert.match(r4.stderr, /no scope configured/);
});

test('jsonl: the public contract, open ports with banner and service, host and summary lines', async () => {
  const l = await listeners(3);
  try {
    const r = await perisai(['scan', '127.0.0.1', '-p', l.ports.join(','), '--format', 'jsonl']);
    assert.equal(r.code, 0, r.stderr);
    const lines = jsonl(r.stdout);
    const ports = lines.filter((x) => x.type === 'port');
    assert.deepEqual(ports.map((p) => p.port).sort(), [...l.ports].sort());
    for (const p of ports) {
      assert.equal(p.ip, '127.0.0.1');
      assert.equal(p.proto, 'tcp');
      assert.equal(p.state, 'open');
      assert.equal(p.reason, 'syn-ack');
      assert.equal(p.service, 'ssh');
      assert.match(String(p.banner), /^SSH-2\.0-OpenSSH_9\.2p1/);
    }
    const host = lines.find((x) => x.type === 'host');
    assert.equal(host?.state, 'up');
    assert.equal(host?.open, 3);
    const summary = lines.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.open, 3);
    assert.equal(summary.probesPlanned, 3);
    assert.equal(summary.interrupted, false);
  } finally {
    l.close();
  }
});

test('--all-states adds closed port lines; without it only open ports are listed', async () => {
  const l = await listeners(1);
  const closed = await new Promise<number>((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
  try {
    const args = ['scan', '127.0.0.1', '-p', `${l.ports[0]},${closed}`, '--format', 'jsonl', '--no-banners'];
    const a = jsonl((await perisai(args)).stdout).filter((x) => x.type === 'port');
    assert.deepEqual(a.map((x) => x.state), ['open']);
    const b = jsonl((await perisai([...args, '--all-states'])).stdout).filter((x) => x.type === 'port');
    assert.deepEqual(b.map((x) => x.state).sort(), ['closed', 'open']);
    assert.equal(b.find((x) => x.state === 'closed')?.reason, 'conn-refused');
  } finally {
    l.close();
  }
});

test('every format writes to -o and the file is complete', async () => {
  const l = await listeners(2);
  try {
    for (const format of ['table', 'jsonl', 'json', 'xml', 'csv']) {
      const f = join(dir, `out.${format}`);
      const r = await perisai(['scan', '127.0.0.1', '-p', l.ports.join(','), '--format', format, '-o', f, '--no-banners']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '');
      const text = readFileSync(f, 'utf8');
      for (const p of l.ports) assert.ok(text.includes(String(p)), `${format} lacks port ${p}:\n${text}\n${r.stderr}`);
      if (format === 'json') assert.equal((JSON.parse(text) as { summary: { open: number } }).summary.open, 2);
      if (format === 'xml') assert.match(text, /<\/nmaprun>\s*$/);
      if (format === 'csv') assert.match(text, /^ip,hostname,port,proto,state,reason,service,banner,rtt_ms/);
    }
  } finally {
    l.close();
  }
});

test('an unwritable output path: exit 4 and a clear message', async () => {
  const ro = join(dir, 'readonly');
  mkdirSync(ro);
  chmodSync(ro, 0o500);
  const target = process.getuid?.() === 0 ? '/proc/perisai-cannot-write-here' : join(ro, 'x.jsonl');
  const r = await perisai(['scan', '127.0.0.1', '-p', '1', '-o', target]);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /cannot write/);
});

test('Ctrl-C stops the scan, keeps what was found, and exits 130', async () => {
  const l = await listeners(5);
  try {
    const f = join(dir, 'interrupted.jsonl');
    // 5 open ports among 20,000 at 1,000 probes/s: about 20 s if left alone
    const ports = `${l.ports.join(',')},40000-59999`;
    const r = await perisai(['scan', '127.0.0.1', '-p', ports, '--max-rate', '1000', '--format', 'jsonl', '-o', f, '--no-banners'], {
      killAfterMs: 1500,
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopping/);
    assert.ok(existsSync(f));
    const lines = jsonl(readFileSync(f, 'utf8'));
    const summary = lines.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(summary.interrupted, true);
    assert.ok((summary.probesSent as number) < 20_000);
    // whatever was reported open is really open
    for (const p of lines.filter((x) => x.type === 'port')) assert.ok(l.ports.includes(p.port as number) || (p.port as number) >= 40000);
  } finally {
    l.close();
  }
});

test('--help shows examples and exit codes', async () => {
  const r = await perisai(['scan', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /Exit codes:/);
});

test('a scan of many hosts and ports with banners prints no MaxListenersExceededWarning', async () => {
  // 60 greeting listeners on 127.0.0.1 and 32 loopback hosts: 1,920 probes, 60 banner grabs at once, every
  // one of them abortable by Ctrl-C through the scan's single abort listener.
  const l = await listeners(60);
  try {
    const r = await perisai(['scan', '127.0.0.1-32', '-p', l.ports.join(','), '--format', 'jsonl', '--no-progress']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /MaxListeners|memory leak/);
    const lines = jsonl(r.stdout);
    const open = lines.filter((x) => x.type === 'port' && x.state === 'open');
    assert.equal(open.length, 60);
    assert.ok(open.every((x) => x.ip === '127.0.0.1' && x.service === 'ssh'), 'every banner read');
    assert.equal(lines.filter((x) => x.type === 'host').length, 32);
  } finally {
    l.close();
  }
});

test('200,000-line target, exclude and scope files are read whole; the one host left is scanned', async () => {
  // 127.0.0.1 and 199,999 addresses in 127.16.0.0/14, the latter all excluded again: past the ~125k lines
  // that overflowed the call stack, without scanning 200k hosts (loopback only).
  const l = await listeners(1);
  try {
    const others: string[] = [];
    for (let i = 0; i < 199_999; i++) others.push(`127.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`);
    const targets = join(dir, 'targets-200k.txt');
    const excludes = join(dir, 'excludes-200k.txt');
    const scope = join(dir, 'scope-200k.txt');
    writeFileSync(targets, `127.0.0.1\n${others.join('\n')}\n`);
    writeFileSync(excludes, `${others.join('\n')}\n127.0.0.2\n`);
    writeFileSync(scope, `127.0.0.1\n${others.join('\n')}\n`);
    const r = await perisai(['scan', '-iL', targets, '--exclude-file', excludes, '--scope-file', scope, '-p', String(l.ports[0]), '--format', 'jsonl', '--no-banners']);
    assert.equal(r.code, 0, r.stderr);
    const hosts = jsonl(r.stdout).filter((x) => x.type === 'host');
    assert.deepEqual(hosts.map((h) => [h.ip, h.open]), [['127.0.0.1', 1]]);
    // The line limit is an option; past it the file is refused naming the file and the option.
    const over = await perisai(['scan', '-iL', targets, '--max-list-lines', '100000', '-p', '1']);
    assert.equal(over.code, 2, over.stderr);
    assert.match(over.stderr, /targets-200k\.txt'?: lebih dari 100,000 baris; .* \/ more than 100,000 lines; .*\(--max-list-lines\)/);
  } finally {
    l.close();
  }
});

test('a 10 MB binary list and /dev/urandom are refused clearly, exit 2, nothing scanned', async () => {
  const bin = join(dir, 'random.bin');
  writeFileSync(bin, randomBytes(10 * 1024 * 1024));
  for (const args of [['scan', '-iL', bin], ['scan', '127.0.0.1', '-p', '1', '--exclude-file', '/dev/urandom'], ['scan', '127.0.0.1', '-p', '1', '--scope-file', bin]]) {
    const started = Date.now();
    const r = await perisai(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^perisai: error: '.+': bukan berkas teks .* \/ not a text file /, args.join(' '));
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /\n\s+at |call stack/);
    assert.ok(Date.now() - started < 10_000, `${args.join(' ')} refused at once`);
  }
  // Text that is simply too large: the byte limit, with the option that raises it.
  const big = join(dir, 'big.txt');
  writeFileSync(big, '127.0.0.1 '.repeat(120_000));
  const r = await perisai(['scan', '-iL', big, '--max-list-mb', '1', '-p', '1']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /larger than 1 MiB; split the list or raise the limit \(--max-list-mb\)/);
});
