import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { NetDialer } from './dialer.js';
import { CountingDialer, InflightGauge } from './inflight.js';

const ALL = { check: () => ({ allowed: true as const }) };

test('a counted stream holds the gauge from connect to close; a failed connect gives it back; a blocked waiter is woken once', async () => {
  const server = net.createServer((c) => c.on('error', () => {}));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const gauge = new InflightGauge();
  let wakes = 0;
  gauge.setWaker(() => wakes++);
  const d = new CountingDialer(new NetDialer(ALL), gauge);
  try {
    const a = await d.connect({ ip: '127.0.0.1', port, timeoutMs: 1000 });
    const b = await d.connect({ ip: '127.0.0.1', port, timeoutMs: 1000 });
    assert.equal(gauge.used, 2);
    gauge.markBlocked();
    a.destroy();
    await new Promise((r) => a.once('close', r));
    assert.equal(gauge.used, 1);
    assert.equal(wakes, 1);
    b.destroy();
    await new Promise((r) => b.once('close', r));
    assert.equal([gauge.used, wakes].join(), '0,1', 'no wake when nobody waits');
    server.close();
    await new Promise((r) => server.once('close', r));
    await assert.rejects(d.connect({ ip: '127.0.0.1', port, timeoutMs: 1000 }));
    assert.equal(gauge.used, 0);
  } finally {
    server.close();
  }
});
