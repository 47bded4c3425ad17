// LimitedDialer: at most N sockets per host at once; waiting connects keep their deadline and
// their abort signal. Driven by events (a socket's close, the inner dialer's calls) and a mocked
// Date for the deadline, so nothing here depends on how fast a loaded machine runs.
import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { LimitedDialer } from '../../src/engine/probes/limited-dialer.js';
import { DialError } from '../../src/engine/net/dialer.js';
import { LOOPBACK, PortMapDialer } from '../fakes/port-map-dialer.js';
import { startTcpFake } from '../fakes/tcp-fake.js';

const turns = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

test('a second connect waits for the first socket to close; abort and deadline while waiting', async () => {
  const srv = await startTcpFake((c) => c.untilClosed());
  try {
    const inner = new PortMapDialer({ 445: srv.port });
    const d = new LimitedDialer(inner, 1);
    const s1 = await d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000 });
    assert.equal(d.active, 1);
    let second = false;
    const p2 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000 }).then((s) => {
      second = true;
      return s;
    });
    await turns(5);
    assert.equal(inner.dialed.length, 1, 'the second connect did not reach the network');
    assert.equal(second, false, 'waits for a slot');
    s1.resetAndDestroy();
    const s2 = await p2;
    assert.equal(inner.dialed.length, 2);
    assert.equal(d.active, 1);

    const ac = new AbortController();
    const p3 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000, signal: ac.signal });
    ac.abort();
    await assert.rejects(p3, (e: unknown) => e instanceof DialError && e.code === 'E_ABORTED');

    // The deadline runs while waiting: 120 ms pass (on a mocked Date) before the slot frees, more
    // than the 60 ms budget, so the connect is refused without dialing.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      const p4 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 60 });
      mock.timers.tick(120);
      s2.resetAndDestroy();
      await assert.rejects(p4, (e: unknown) => e instanceof DialError && e.code === 'E_CONNECT' && /local connection slot/.test(e.message));
    } finally {
      mock.timers.reset();
    }
    assert.equal(inner.dialed.length, 2, 'no socket was dialed for the refused connect');
    if (!s2.closed) await once(s2, 'close');
    assert.equal(d.active, 0, 'every slot released');
  } finally {
    await srv.close();
  }
});
