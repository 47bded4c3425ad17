// grabBanner against loopback servers: greeting, late greeting, HTTP, multi-line SMTP greeting, silence, and
// the binary ports that get no nudge. The waits follow the measured RTT with a floor, so on loopback a silent
// port costs the floors (greeting + reply), not the 2 s budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { NetDialer, type Dialer, type DialOptions } from '../net/dialer.js';
import { bannerComplete, bannerWaits, grabBanner, MIN_WAIT_MS, DEFAULT_BANNER_OPTIONS } from './grab.js';
import { guessService } from './service-rules.js';

const ALL = { check: () => ({ allowed: true as const }) };

async function server(onConn: (c: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const s = net.createServer((c) => {
    c.on('error', () => {});
    onConn(c);
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as net.AddressInfo).port, close: () => s.close() };
}

/** Dials `real` when asked for `as`: lets a test stand a loopback server in for port 445. */
class MapDialer implements Dialer {
  readonly #inner = new NetDialer(ALL);
  constructor(readonly as: number, readonly real: number) {}
  connect(o: DialOptions): Promise<net.Socket> {
    return this.#inner.connect({ ...o, port: o.port === this.as ? this.real : o.port });
  }
}

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await p;
  return [r, performance.now() - t0];
}

test('the waits follow the RTT: floors on a fast path, a few RTTs on a slow one, caps from the options', () => {
  assert.deepEqual(bannerWaits(0.05, DEFAULT_BANNER_OPTIONS), { greetMs: MIN_WAIT_MS, replyMs: MIN_WAIT_MS, quietMs: 30 });
  assert.deepEqual(bannerWaits(50, DEFAULT_BANNER_OPTIONS), { greetMs: 400, replyMs: 400, quietMs: 150 });
  assert.deepEqual(bannerWaits(200, DEFAULT_BANNER_OPTIONS), { greetMs: 700, replyMs: 1600, quietMs: 150 });
  assert.deepEqual(bannerWaits(1000, { idleMs: 25, totalMs: 50 }), { greetMs: 25, replyMs: 50, quietMs: 150 });
});

test('a whole banner ends the wait: HTTP headers, a greeting line; not an SMTP continuation or half a line', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'latin1');
  assert.equal(bannerComplete(b('HTTP/1.1 200 OK\r\nServer: x\r\n\r\n'), true), true);
  assert.equal(bannerComplete(b('HTTP/1.1 200 OK\r\nServer: x\r\n'), true), false);
  assert.equal(bannerComplete(b('SSH-2.0-OpenSSH_9.2p1\r\n'), false), true);
  assert.equal(bannerComplete(b('220-mail.example ESMTP\r\n'), false), false);
  assert.equal(bannerComplete(b('220-mail.example ESMTP\r\n220 ready\r\n'), false), true);
  assert.equal(bannerComplete(b('SSH-2.0-Open'), false), false);
});

test('an immediate greeting is read and identified without waiting out any timer', async () => {
  const s = await server((c) => c.write('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'));
  try {
    const [r, ms] = await timed(grabBanner(new NetDialer(ALL), '127.0.0.1', s.port));
    assert.equal(r.outcome, 'data');
    assert.equal(r.nudged, false);
    assert.equal(guessService(22, r.bytes).service, 'ssh');
    assert.ok(ms < MIN_WAIT_MS, `took ${ms.toFixed(0)} ms`);
  } finally {
    s.close();
  }
});

test('a greeting 40 ms late (a forking server) is still caught; a multi-line SMTP greeting is read whole', async () => {
  const late = await server((c) => setTimeout(() => c.write('220 ftp.example FTP server ready\r\n'), 40));
  const smtp = await server((c) => {
    c.write('220-mail.example ESMTP Postfix\r\n');
    setTimeout(() => c.write('220 mail.example ready\r\n'), 15);
  });
  try {
    const a = await grabBanner(new NetDialer(ALL), '127.0.0.1', late.port);
    assert.equal(a.nudged, false);
    assert.match(String(a.bytes), /^220 ftp\.example/);
    const b = await grabBanner(new NetDialer(ALL), '127.0.0.1', smtp.port);
    assert.equal(String(b.bytes), '220-mail.example ESMTP Postfix\r\n220 mail.example ready\r\n');
    assert.equal(guessService(25, b.bytes).service, 'smtp');
  } finally {
    late.close();
    smtp.close();
  }
});

test('a silent HTTP server gets one GET after the greeting wait and its headers are read', async () => {
  let request = '';
  const s = await server((c) =>
    c.once('data', (d: Buffer) => {
      request = d.toString('latin1');
      c.write('HTTP/1.0 200 OK\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n\r\n<html></html>');
    }),
  );
  try {
    const [r, ms] = await timed(grabBanner(new NetDialer(ALL), '127.0.0.1', s.port));
    assert.equal(r.nudged, true);
    assert.match(request, /^GET \/ HTTP\/1\.0\r\nHost: 127\.0\.0\.1\r\n/);
    assert.match(String(r.bytes), /Server: nginx\/1\.22\.1/);
    assert.equal(guessService(80, r.bytes).service, 'http');
    assert.ok(ms >= MIN_WAIT_MS - 5 && ms < 2 * MIN_WAIT_MS + 100, `took ${ms.toFixed(0)} ms`);
  } finally {
    s.close();
  }
});

test('a port that never speaks costs the two floors, not the whole budget; a binary port is not nudged', async () => {
  const got: string[] = [];
  const s = await server((c) => c.on('data', (d: Buffer) => got.push(d.toString('latin1'))));
  try {
    const [r, ms] = await timed(grabBanner(new NetDialer(ALL), '127.0.0.1', s.port));
    assert.deepEqual([r.outcome, r.nudged, r.bytes], ['silent', true, null]);
    assert.ok(ms >= 2 * MIN_WAIT_MS - 5 && ms < 2 * MIN_WAIT_MS + 150, `silent port took ${ms.toFixed(0)} ms (budget ${DEFAULT_BANNER_OPTIONS.totalMs})`);
    got.length = 0;
    const [b, ms445] = await timed(grabBanner(new MapDialer(445, s.port), '127.0.0.1', 445));
    assert.deepEqual([b.outcome, b.nudged], ['silent', false]);
    assert.ok(ms445 < MIN_WAIT_MS + 100, `445 took ${ms445.toFixed(0)} ms`);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, [], 'nothing was written to the SMB port');
  } finally {
    s.close();
  }
});
