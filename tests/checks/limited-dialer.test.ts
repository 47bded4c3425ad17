// LimitedDialer: at most N sockets per host at once; waiting connects keep their deadline and
// their abort signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitedDialer } from '../../src/engine/probes/limited-dialer.js';
import { DialError } from '../../src/engine/net/dialer.js';
import { LOOPBACK, PortMapDialer } from '../fakes/port-map-dialer.js';
import { startTcpFake } from '../fakes/tcp-fake.js';

test('a second connect waits for the first socket to close; abort and deadline while waiting', async () => {
  const srv = await startTcpFake((c) => c.untilClosed());
  try {
    const d = new LimitedDialer(new PortMapDialer({ 445: srv.port }), 1);
    const s1 = await d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000 });
    assert.equal(d.active, 1);
    let second = false;
    const p2 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000 }).then((s) => {
      second = true;
      return s;
    });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(second, false, 'waits for a slot');
    s1.resetAndDestroy();
    const s2 = await p2;
    assert.equal(d.active, 1);

    const ac = new AbortController();
    const p3 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 1000, signal: ac.signal });
    ac.abort();
    await assert.rejects(p3, (e: unknown) => e instanceof DialError && e.code === 'E_ABORTED');

    const p4 = d.connect({ ip: LOOPBACK, port: 445, timeoutMs: 60 });
    setTimeout(() => s2.resetAndDestroy(), 120);
    await assert.rejects(p4, (e: unknown) => e instanceof DialError && e.code === 'E_CONNECT' && /local connection slot/.test(e.message));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(d.active, 0, 'every slot released');
  } finally {
    await srv.close();
  }
});
