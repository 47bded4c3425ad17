// A host's checks open up to a dozen conversations (SMB1 on 445 and 139, SMB2, one per dialect, NBSTAT, RDP
// twice), each listening for the abort while it runs. None of that may reach the caller's signal as more than
// one listener, and none of it may print Node's MaxListenersExceededWarning: the fix is structural (one listener
// per scan or host, fanned out), never a raised limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { runAgainstFakes } from '../fakes/harness.js';
import { sambaSmb1Script } from '../fakes/smb-fake.js';
import { encodeX224ConnectionConfirm } from '../../src/engine/probes/rdp-codec.js';

test('every check on a Samba-like host with 139, 445 and RDP: no listener warning, one listener at most on the caller signal', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error): void => void warnings.push(w);
  process.on('warning', onWarning);
  const outer = new AbortController();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, getEventListeners(outer.signal, 'abort').length)), 1);
  try {
    const runs = await Promise.all(
      Array.from({ length: 4 }, () =>
        runAgainstFakes({
          smb445: sambaSmb1Script(),
          smb139: sambaSmb1Script(),
          rdp: async (c) => {
            await c.nextChunk();
            c.write(encodeX224ConnectionConfirm({ negotiation: { type: 'response', flags: 0x1f, selectedProtocol: 2 } }));
          },
          nbns: 'silent',
          signal: outer.signal,
          checks: ['ransomware'],
        }),
      ),
    );
    // the conversations really ran: a verdict from SMB1 on both ports and a dialect list from SMB2
    for (const { report } of runs) {
      assert.ok(report.probes.length >= 4, `probes: ${report.probes.map((p) => p.probe).join(',')}`);
      assert.ok(report.checks.some((c) => c.check === 'smbv1' && c.state === 'vulnerable'));
    }
    await new Promise((r) => setImmediate(r));
    assert.ok(peak <= 4, `peak listeners on the caller's signal: ${peak} (one per host)`);
    assert.equal(getEventListeners(outer.signal, 'abort').length, 0, 'every listener removed');
    assert.deepEqual(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message), []);
  } finally {
    clearInterval(timer);
    process.off('warning', onWarning);
  }
});
