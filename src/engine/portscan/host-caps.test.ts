// The connect scan's per-host limits (host-caps.ts) over its per-host in-flight counts, in both of
// host-inflight.ts's layouts (typed array for up to 2^20 hosts, Map beyond).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostCaps } from './host-caps.js';

for (const [layout, nHosts] of [['dense', 4000], ['sparse', 2 ** 21]] as const) {
  test(`--host-inflight: at most N probes to one host at a time (${layout})`, () => {
    const c = new HostCaps(nHosts, 2);
    assert.equal(c.hasRoom(7), true);
    c.inc(7);
    assert.equal(c.hasRoom(7), true);
    c.inc(7);
    assert.equal(c.hasRoom(7), false);
    assert.equal(c.hasRoom(8), true, 'other hosts are not held back');
    c.dec(7);
    assert.equal(c.hasRoom(7), true);
    assert.equal(c.distinct, 1);
    c.dec(7);
    c.dec(7); // a second release of the same probe changes nothing
    assert.deepEqual([c.get(7), c.distinct], [0, 0]);
  });

  test(`early unreachables halve the distinct hosts in flight, never below 256 and never back up (${layout})`, () => {
    const c = new HostCaps(nHosts, undefined);
    assert.equal(c.perHost, Infinity);
    for (let h = 0; h < 1000; h++) c.inc(h);
    c.inc(0); // a second probe to a host already in flight is not a new host
    assert.equal(c.distinct, 1000);
    c.earlyUnreachable();
    assert.equal(c.distinctCap, 500);
    assert.equal(c.hasRoom(3000), false, 'a new host waits while 1000 are in flight');
    assert.equal(c.hasRoom(0), true, 'a host already in flight is not held back by the distinct cap');
    for (let h = 400; h < 1000; h++) c.dec(h);
    assert.equal(c.hasRoom(3000), true);
    for (let h = 0; h < 400; h++) c.dec(h);
    c.earlyUnreachable(); // one host in flight: floor(1 / 2) = 0, the floor holds
    assert.equal(c.distinctCap, 256);
    for (let h = 0; h < 2000; h++) c.inc(h);
    c.earlyUnreachable();
    assert.equal(c.distinctCap, 256, 'the cap only comes down');
  });
}

test('a non-positive --host-inflight means no per-host cap', () => {
  assert.equal(new HostCaps(10, 0).perHost, Infinity);
  assert.equal(new HostCaps(10, -1).perHost, Infinity);
});
