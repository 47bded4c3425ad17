import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { connectScan, type PortObservation } from './connect-scan.js';
import type { Connector, ConnectDone, ConnHandle } from '../net/connector.js';
import { createConnector, tcpWrapAvailable, selfTestTcpWrap } from '../net/connector.js';
import { E, SELF_CONNECT } from '../net/errno.js';
import { ScopedConnector } from '../net/dialer.js';
import type { Target } from '../types.js';
import { onVirtualClock } from '../fixtures/virtual-clock.js';

type Behaviour = 'open' | 'closed' | 'silent' | 'emfile-once' | 'early-unreach' | 'sync-unreach' | 'self-once' | 'late-open';

/** A scripted network: each port behaves as told, and the fake records what the scanner asked of it. */
class FakeNet implements Connector {
  readonly layer = 'net' as const;
  opens = 0;
  aborts = 0;
  maxInflight = 0;
  inflight = new Map<string, number>();
  maxPerHost = 0;
  seen = new Map<string, number>();
  constructor(
    readonly done: ConnectDone,
    readonly behaviour: (ip: string, port: number, attempt: number) => Behaviour,
  ) {}
  open(ip: string, _family: 4 | 6, port: number, slot: number): ConnHandle | number {
    const key = `${ip}:${port}`;
    const attempt = this.seen.get(key) ?? 0;
    this.seen.set(key, attempt + 1);
    this.opens++;
    const b = this.behaviour(ip, port, attempt);
    if (b === 'emfile-once' && attempt === 0) return E.EMFILE;
    if (b === 'sync-unreach') return E.EHOSTUNREACH;
    const n = (this.inflight.get(ip) ?? 0) + 1;
    this.inflight.set(ip, n);
    this.maxPerHost = Math.max(this.maxPerHost, n);
    const h = { ip, live: true };
    const fire = (status: number): void => {
      if (!h.live) return;
      h.live = false;
      this.inflight.set(ip, this.inflight.get(ip)! - 1);
      this.done(status, slot);
    };
    switch (b) {
      case 'open':
      case 'emfile-once':
        setImmediate(() => fire(0));
        break;
      case 'closed':
        setImmediate(() => fire(E.ECONNREFUSED));
        break;
      case 'early-unreach':
        setTimeout(() => fire(E.EHOSTUNREACH), 2);
        break;
      case 'self-once':
        setImmediate(() => fire(attempt === 0 ? SELF_CONNECT : 0));
        break;
      case 'late-open':
        // answers only the retry, as when the first SYN was lost
        if (attempt > 0) setImmediate(() => fire(0));
        break;
      case 'silent':
        break;
    }
    return h;
  }
  abort(h: ConnHandle): void {
    const x = h as { ip: string; live: boolean };
    if (!x.live) return;
    x.live = false;
    this.aborts++;
    this.inflight.set(x.ip, this.inflight.get(x.ip)! - 1);
  }
}

function hosts(n: number): { size: number; at(i: number): Target } {
  return { size: n, at: (i) => ({ ip: `198.18.9.${i + 1}`, family: 4 }) };
}

async function run(
  behaviour: (ip: string, port: number, attempt: number) => Behaviour,
  extra: Partial<Parameters<typeof connectScan>[0]> = {},
  nHosts = 4,
  ports = [21, 22, 80, 445],
) {
  const obs: PortObservation[] = [];
  let fake!: FakeNet;
  const r = await connectScan({
    targets: hosts(nHosts),
    ports,
    connector: (done) => (fake = new FakeNet(done, behaviour)),
    timeout: { initialMs: 80, minMs: 20, maxMs: 80 },
    onPort: (o) => obs.push(o),
    ...extra,
  });
  return { r, obs, fake };
}

test('every probe is decided exactly once with the right state and reason', async () => {
  const { r, obs } = await run((_ip, port) => (port === 22 ? 'open' : port === 80 ? 'closed' : port === 445 ? 'silent' : 'closed'));
  assert.equal(obs.length, 16);
  const keys = new Set(obs.map((o) => `${o.target.ip}:${o.port}`));
  assert.equal(keys.size, 16);
  for (const o of obs) {
    if (o.port === 22) assert.deepEqual([o.state, o.reason], ['open', 'syn-ack']);
    else if (o.port === 445) assert.deepEqual([o.state, o.reason], ['filtered', 'no-response']);
    else assert.deepEqual([o.state, o.reason], ['closed', 'conn-refused']);
  }
  assert.equal(r.open, 4);
  assert.equal(r.closed, 8);
  assert.equal(r.filtered, 4);
  assert.equal(r.hosts.size, 4);
  assert.equal(r.interrupted, false);
});

test('a timeout is retried once; a RST is never retried', async () => {
  const { r, fake } = await run((_ip, port) => (port === 445 ? 'silent' : 'closed'));
  // 16 first probes + one retry for each of the 4 silent ones
  assert.equal(r.probesSent, 20);
  assert.equal(r.retries, 4);
  assert.equal(fake.aborts, 8, 'both attempts of each silent probe were abandoned');
});

test('an open port whose first SYN was lost is found by the retry', async () => {
  const { obs } = await run((_ip, port) => (port === 80 ? 'late-open' : 'closed'));
  const p80 = obs.filter((o) => o.port === 80);
  assert.equal(p80.length, 4);
  assert.ok(p80.every((o) => o.state === 'open'));
});

test('retries: 0 turns off the second probe', async () => {
  const { r } = await run((_ip, port) => (port === 445 ? 'silent' : 'closed'), { retries: 0 });
  assert.equal(r.probesSent, 16);
  assert.equal(r.filtered, 4);
});

test('EMFILE shrinks the window and requeues the probe instead of failing it', async () => {
  const { r, obs } = await run(() => 'emfile-once', { window: 64 });
  assert.equal(obs.length, 16);
  assert.ok(obs.every((o) => o.state === 'open'));
  assert.equal(r.localErrors.get('EMFILE'), 16);
  assert.ok(r.windowMax <= 64);
});

test('early asynchronous unreachable is retried, then reported filtered/host-unreach', async () => {
  const { obs, fake } = await run(() => 'early-unreach', {}, 2, [80]);
  assert.equal(obs.length, 2);
  assert.ok(obs.every((o) => o.state === 'filtered' && o.reason === 'host-unreach'));
  assert.equal(fake.opens, 6, 'first try + 2 back-off retries per host');
});

test('a synchronous unreachable (routing table) is final at once', async () => {
  const { obs, fake } = await run(() => 'sync-unreach', {}, 2, [80]);
  assert.equal(fake.opens, 2);
  assert.ok(obs.every((o) => o.state === 'filtered' && o.reason === 'host-unreach'));
});

test('a self-connect is discarded and the port probed again', async () => {
  const { r, obs } = await run(() => 'self-once', {}, 1, [40000]);
  assert.equal(r.selfConnects, 1);
  assert.equal(obs.length, 1);
  assert.equal(obs[0]!.state, 'open');
});

test('the per-host in-flight cap is never exceeded', async () => {
  const ports = Array.from({ length: 200 }, (_, i) => 1000 + i);
  const { fake, obs } = await run(() => 'silent', { hostInflight: 3, window: 512, retries: 0 }, 2, ports);
  assert.equal(obs.length, 400);
  assert.ok(fake.maxPerHost <= 3, `max per host ${fake.maxPerHost}`);
});

// The three tests below run on node:test's mock timers (src/engine/fixtures/virtual-clock.ts) with the scanner
// timing itself by the mocked Date: the sweep, the rate bucket and the timeouts fire at virtual times, so the
// durations they assert cannot be stretched by a loaded machine. `virtual` is the clock option they pass.
const virtual = { now: (): number => Date.now() };

test('--max-rate paces probes', async () => {
  const ports = Array.from({ length: 60 }, (_, i) => 1000 + i);
  const { value: { r } } = await onVirtualClock(() => run(() => 'closed', { maxRate: 300, ...virtual }, 1, ports), { stepMs: 1 });
  assert.equal(r.closed, 60);
  // 60 probes at 300/s need about 200 ms (the bucket starts with one token)
  assert.ok(r.durationMs >= 150 && r.durationMs <= 400, `took ${r.durationMs} virtual ms`);
});

test('abort stops the scan promptly and marks it interrupted', async () => {
  const ac = new AbortController();
  const ports = Array.from({ length: 1000 }, (_, i) => 1000 + i);
  const { value: { r }, virtualMs } = await onVirtualClock(() => {
    setTimeout(() => ac.abort(), 30);
    return run(() => 'silent', { signal: ac.signal, timeout: { initialMs: 5000, minMs: 5000, maxMs: 5000 }, ...virtual }, 4, ports);
  }, { stepMs: 1 });
  assert.ok(virtualMs < 1000 && r.durationMs < 1000, `ended after ${virtualMs} virtual ms (probe timeout 5000)`);
  assert.equal(r.interrupted, true);
});

test('the adaptive timeout drops from the initial value once answers are measured', async () => {
  const ports = Array.from({ length: 400 }, (_, i) => 1000 + i);
  const { value: { r } } = await onVirtualClock(
    () => run((_ip, port) => (port % 2 ? 'closed' : 'silent'), { timeout: { initialMs: 1000, minMs: 30, maxMs: 1000 }, window: 4096, ...virtual }, 1, ports),
    { stepMs: 1 },
  );
  // 200 silent probes, all in flight at once: with the initial 1 s the scan would take >= 2 s (probe + retry)
  assert.ok(r.durationMs < 900, `took ${r.durationMs} virtual ms`);
  assert.ok(r.timeoutMs < 1000);
});

test('scope is enforced inside the connector: out-of-scope addresses are never dialed', async () => {
  let inner!: FakeNet;
  const obs: PortObservation[] = [];
  const r = await connectScan({
    targets: hosts(4),
    ports: [80],
    connector: (done) =>
      new ScopedConnector((inner = new FakeNet(done, () => 'open')), {
        check: (ip) => (ip === '198.18.9.2' ? { allowed: true } : { allowed: false, reason: 'not in scope' }),
      }),
    onPort: (o) => obs.push(o),
  });
  assert.equal(inner.opens, 1);
  assert.equal(r.refusedByScope, 3);
  assert.deepEqual(
    obs.filter((o) => o.reason === 'scope-refused').map((o) => o.target.ip).sort(),
    ['198.18.9.1', '198.18.9.3', '198.18.9.4'],
  );
});

// ---------------------------------------------------------------- real sockets on loopback, both layers

async function listenOn(n: number): Promise<{ ports: number[]; close(): void }> {
  const servers: net.Server[] = [];
  for (let i = 0; i < n; i++) {
    const s = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    servers.push(s);
  }
  return { ports: servers.map((s) => (s.address() as net.AddressInfo).port), close: () => servers.forEach((s) => s.close()) };
}

for (const layer of ['tcp_wrap', 'net'] as const) {
  test(`loopback scan finds exactly the listening ports (${layer})`, async () => {
    if (layer === 'tcp_wrap') {
      // The fast path is required in CI on Node 20-24; failing here means it broke, not "skip".
      assert.ok(tcpWrapAvailable(), 'tcp_wrap binding missing');
      assert.ok(await selfTestTcpWrap(), 'tcp_wrap self-test failed');
    }
    const l = await listenOn(20);
    try {
      // Scan each listener's port plus its neighbours: closed ports answer RST on loopback.
      const ports = [...new Set(l.ports.flatMap((p) => [p - 1, p, p + 1]).filter((p) => p > 0 && p < 65536))].sort((a, b) => a - b);
      const open: number[] = [];
      const r = await connectScan({
        targets: { size: 1, at: () => ({ ip: '127.0.0.1', family: 4 }) },
        ports,
        connector: (done) => createConnector(layer, done),
        onPort: (o) => {
          if (o.state === 'open') open.push(o.port);
        },
      });
      assert.equal(r.socketLayer, layer);
      const expected = new Set(l.ports);
      // a neighbour may be another test's listener; every listener of ours must be found
      for (const p of l.ports) assert.ok(open.includes(p), `missed ${p}`);
      assert.equal(r.filtered, 0);
      assert.ok(open.filter((p) => !expected.has(p)).length <= 2);
    } finally {
      l.close();
    }
  });

  test(`IPv6 loopback works (${layer})`, async () => {
    const s = net.createServer((c) => c.destroy());
    const ok = await new Promise<boolean>((r) => {
      s.once('error', () => r(false));
      s.listen(0, '::1', () => r(true));
    });
    assert.ok(ok, 'this machine must have ::1 for the IPv6 test');
    const port = (s.address() as net.AddressInfo).port;
    const got: PortObservation[] = [];
    await connectScan({
      targets: { size: 1, at: () => ({ ip: '::1', family: 6 }) },
      ports: [port],
      connector: (done) => createConnector(layer, done),
      onPort: (o) => got.push(o),
    });
    s.close();
    assert.equal(got[0]?.state, 'open');
  });
}

test('index ranges split a scan into tasks that together probe every pair exactly once', async () => {
  const ports = [21, 22, 80, 445, 3389];
  const all: string[] = [];
  const n = 4 * ports.length;
  const cuts = [0, 3, 3, 11, n];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const { obs, r } = await run((_ip, port) => (port === 22 ? 'open' : 'closed'), { indexRange: { start: cuts[k]!, end: cuts[k + 1]! } }, 4, ports);
    assert.equal(r.planned, cuts[k + 1]! - cuts[k]!);
    all.push(...obs.map((o) => `${o.target.ip}:${o.port}`));
  }
  assert.equal(all.length, n);
  assert.equal(new Set(all).size, n);
  await assert.rejects(run(() => 'open', { indexRange: { start: 5, end: 99 } }, 4, ports), /outside the scan's index space/);
});

test('shared window: streams held by the L7 stages leave only the rest of the window to probes; their release resumes the sweep', async () => {
  let used = 7;
  let waker: (() => void) | null = null;
  let blocked = 0;
  const shared = {
    get used() {
      return used;
    },
    markBlocked: () => void blocked++,
    setWaker: (fn: (() => void) | null) => void (waker = fn),
  };
  let live = 0;
  let peak = 0;
  const obs: PortObservation[] = [];
  const scan = connectScan({
    targets: hosts(8),
    ports: [21, 22, 80, 445],
    window: 8,
    timeout: { initialMs: 80, minMs: 20, maxMs: 80 },
    connector: (done) => ({
      layer: 'net',
      open: (_ip, _f, _port, slot) => {
        peak = Math.max(peak, ++live + used);
        setTimeout(() => {
          live--;
          done(E.ECONNREFUSED, slot);
        }, 10);
        return {};
      },
      abort: () => {},
    }),
    onPort: (o) => obs.push(o),
    shared,
  });
  await new Promise((r) => setTimeout(r, 40));
  assert.ok(peak <= 8, `probes + L7 streams peaked at ${peak}, window 8`);
  assert.ok(blocked > 0, 'the sweep waited for room');
  const during = obs.length;
  assert.ok(during > 0 && during <= 8, `${during} decided in 40 ms with one slot of 8 left (10 ms per probe)`);
  used = 0;
  waker!();
  const r = await scan;
  assert.equal(obs.length, 32);
  assert.equal(r.closed, 32);
  assert.equal(waker, null, 'the waker is dropped when the sweep ends');
});
