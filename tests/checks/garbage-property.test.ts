// Property: whatever bytes a server sends (random, framed or not, followed by a close, a stall or
// nothing), the probes never throw, never run past their deadline and every verdict is `unknown` —
// never `not-vulnerable` from garbage. Also for garbage injected at any step of an otherwise valid
// Windows 7 conversation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseReasonCode } from '../../src/engine/checks/reasons.js';
import { runHostChecks } from '../../src/engine/checks/run-host-checks.js';
import { runAgainstFakes } from '../fakes/harness.js';
import { LOOPBACK, PortMapDialer, PortMapUdp } from '../fakes/port-map-dialer.js';
import { startUdpFake } from '../fakes/udp-fake.js';
import { framed, win7Script, type Action, type SmbScript } from '../fakes/smb-fake.js';
import { startTcpFake } from '../fakes/tcp-fake.js';

const TIMEOUT = 300;
const HOST_TIMEOUT = 900;

function garbageAction(bytes: Uint8Array, wrap: boolean, then: 'close' | 'stall' | 'none'): Action {
  const payload = wrap ? framed(bytes) : bytes;
  return then === 'none' ? { kind: 'raw', bytes: payload } : { kind: 'raw', bytes: payload, then };
}

test('property: random server bytes on 445, 139, 3389 and UDP 137 → no throw, within the deadline, every verdict unknown', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 300 }),
      fc.boolean(),
      fc.constantFrom('close' as const, 'stall' as const, 'none' as const),
      async (bytes, wrap, then) => {
        const payload = wrap ? framed(bytes) : bytes;
        // A raw TCP fake: whatever the client sends first (NetBIOS session request, SMB1 or SMB2
        // NEGOTIATE), the answer is the garbage.
        const srv = await startTcpFake(async (c) => {
          await c.nextChunk();
          c.write(payload);
          if (then === 'close') c.end();
          else await c.untilClosed();
        });
        // UDP 137: the same garbage behind our transaction id, so that it is decoded rather than ignored.
        const nbns = await startUdpFake((q) => Uint8Array.from([...q.subarray(0, 2), ...bytes]));
        try {
          const dialer = new PortMapDialer({ 445: srv.port, 139: srv.port, 3389: srv.port });
          const udp = new PortMapUdp({ 137: nbns.port });
          const t0 = performance.now();
          const report = await runHostChecks({ ip: LOOPBACK, openPorts: [445, 139, 3389], dialer, udp, checks: ['ransomware'], timeoutMs: TIMEOUT, hostTimeoutMs: HOST_TIMEOUT });
          const wall = performance.now() - t0;
          assert.ok(wall < HOST_TIMEOUT + 300, `host finished in ${Math.round(wall)} ms`);
          for (const p of report.probes) assert.ok(p.elapsedMs <= TIMEOUT + 200, `${p.probe}@${p.port}: ${p.elapsedMs} ms`);
          assert.ok(report.probes.some((p) => p.probe === 'rdp') && report.probes.some((p) => p.probe === 'nbstat'));
          for (const c of report.checks) assert.equal(c.state, 'unknown', `${c.check}@${c.port}: ${c.state} ${c.reasonCode} (${c.reason})`);
          for (const c of report.checks) assert.ok(parseReasonCode(c.reasonCode) !== undefined, `${c.check}@${c.port}: "${c.reasonCode}" is not in checks/reasons.ts`);
          JSON.parse(JSON.stringify(report));
        } finally {
          await Promise.all([srv.close(), nbns.close()]);
        }
      },
    ),
    { numRuns: 30 },
  );
});

const STEPS = ['smb1Negotiate', 'session', 'tree', 'peek', 'ping'] as const;

test('property: garbage at any step of a Windows 7 conversation → later verdicts unknown, earlier ones kept', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: STEPS.length - 1 }),
      fc.uint8Array({ maxLength: 200 }),
      fc.boolean(),
      fc.constantFrom('close' as const, 'stall' as const, 'none' as const),
      async (stepIndex, bytes, wrap, then) => {
        const step = STEPS[stepIndex] ?? 'peek';
        const script: SmbScript = { ...win7Script('infected-x86'), [step]: () => garbageAction(bytes, wrap, then) };
        const { report, wallMs } = await runAgainstFakes({ smb445: script, checks: ['smbv1', 'ms17-010', 'doublepulsar'], timeoutMs: TIMEOUT, hostTimeoutMs: HOST_TIMEOUT });
        assert.ok(wallMs < HOST_TIMEOUT + 300, `${Math.round(wallMs)} ms`);
        const state = (c: string) => report.checks.find((x) => x.check === c && x.port === 445)?.state;
        assert.equal(state('smbv1'), stepIndex === 0 ? 'unknown' : 'vulnerable');
        assert.equal(state('ms17-010'), stepIndex <= 3 ? 'unknown' : 'vulnerable');
        assert.equal(state('doublepulsar'), 'unknown');
      },
    ),
    { numRuns: 40 },
  );
});
