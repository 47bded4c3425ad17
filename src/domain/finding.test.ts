import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyAction, applyInput, expireException, openFinding } from './finding.js';
import type { FindingEvent, FindingInput, FindingState, Transition } from './finding.js';
import { isPerisaiError } from './errors.js';

const T0 = '2025-06-02T01:00:00.000Z';
const at = (days: number): string => new Date(Date.parse(T0) + days * 86_400_000).toISOString();
const detected = (jobId?: string): FindingInput => ({ kind: 'detected', severity: 'critical', evidence: { status: '0xc0000205' }, ...(jobId ? { jobId } : {}) });

function opened(): FindingState {
  return openFinding({ kind: 'detected', severity: 'critical', jobId: 'j0' }, T0).state;
}

describe('findings lifecycle', () => {
  it('opens with an event from nothing to open', () => {
    const t = openFinding({ kind: 'detected', severity: 'high', jobId: 'j1' }, T0);
    assert.equal(t.state.status, 'open');
    assert.deepEqual(t.event, { at: T0, from: null, to: 'open', cause: 'detected', jobId: 'j1' });
  });

  it('seen again updates lastSeen and the count, without an event', () => {
    const t = applyInput(opened(), detected('j1'), at(1));
    assert.equal(t.state.status, 'open');
    assert.equal(t.state.timesSeen, 2);
    assert.equal(t.state.lastSeen, at(1));
    assert.equal(t.event, undefined);
  });

  it('resolves only on positive evidence, and says which', () => {
    const a = applyInput(opened(), { kind: 'not-detected', jobId: 'j1' }, at(1));
    assert.deepEqual(a.event, { at: at(1), from: 'open', to: 'resolved', cause: 'not-detected', jobId: 'j1' });
    assert.equal(a.state.resolvedAt, at(1));
    const b = applyInput(opened(), { kind: 'port-closed', jobId: 'j1' }, at(1));
    assert.equal(b.event?.cause, 'port-closed');
    for (const why of ['offline', 'filtered', 'unknown', 'not-run'] as const) {
      const c = applyInput(opened(), { kind: 'inconclusive', why, jobId: 'j1' }, at(1));
      assert.equal(c.state.status, 'open', why);
      assert.equal(c.changed, false);
    }
  });

  it('reopens when it comes back', () => {
    const resolved = applyInput(opened(), { kind: 'not-detected', jobId: 'j1' }, at(1)).state;
    const t = applyInput(resolved, detected('j2'), at(2));
    assert.deepEqual(t.event, { at: at(2), from: 'resolved', to: 'open', cause: 'reappeared', jobId: 'j2' });
    assert.equal(t.state.reopenCount, 1);
    assert.equal(t.state.resolvedAt, null);
  });

  it('ignores a re-delivered scan', () => {
    const s = applyInput(opened(), detected('j1'), at(1)).state;
    const again = applyInput(s, detected('j1'), at(1));
    assert.equal(again.changed, false);
    assert.equal(again.state.timesSeen, 2);
  });

  it('accepted risk and false positive need a reason and an expiry, and revert by themselves', () => {
    const s = opened();
    assert.throws(() => applyAction(s, { kind: 'accept-risk', reason: ' ', by: 'kabid', expiresAt: at(30) }, at(0)), (e) => isPerisaiError(e, 'E_VALIDATION'));
    assert.throws(() => applyAction(s, { kind: 'accept-risk', reason: 'x', by: 'kabid', expiresAt: at(-1) }, at(0)), /future/);
    assert.throws(() => applyAction(s, { kind: 'accept-risk', reason: 'x', by: 'kabid', expiresAt: at(400) }, at(0)), /365/);
    const acc = applyAction(s, { kind: 'accept-risk', reason: 'XP runs the lab analyser; isolated VLAN', by: 'kabid', expiresAt: at(30) }, at(0));
    assert.equal(acc.state.status, 'accepted-risk');
    assert.deepEqual(acc.event, { at: at(0), from: 'open', to: 'accepted-risk', cause: 'accepted-risk', actor: 'kabid', reason: 'XP runs the lab analyser; isolated VLAN' });
    // still seen: stays accepted
    const seen = applyInput(acc.state, detected('j1'), at(5));
    assert.equal(seen.state.status, 'accepted-risk');
    assert.equal(expireException(seen.state, at(29)).changed, false);
    const exp = expireException(seen.state, at(30));
    assert.deepEqual(exp.event, { at: at(30), from: 'accepted-risk', to: 'open', cause: 'exception-expired', reason: 'XP runs the lab analyser; isolated VLAN' });
    assert.equal(exp.state.exception, null);
  });

  it('false positive can be revoked; a fixed finding ends the exception', () => {
    const fp = applyAction(opened(), { kind: 'mark-false-positive', reason: 'Samba honeypot', by: 'csirt', expiresAt: at(90) }, at(0)).state;
    const rev = applyAction(fp, { kind: 'revoke-exception', by: 'csirt' }, at(1));
    assert.equal(rev.event?.cause, 'exception-revoked');
    assert.equal(rev.state.status, 'open');
    const fixed = applyInput(fp, { kind: 'not-detected', jobId: 'j1' }, at(2));
    assert.equal(fixed.state.status, 'resolved');
    assert.equal(fixed.state.exception, null);
    assert.throws(() => applyAction(fixed.state, { kind: 'accept-risk', reason: 'x', by: 'y', expiresAt: at(10) }, at(3)), (e) => isPerisaiError(e, 'E_CONFLICT'));
    assert.throws(() => applyAction(opened(), { kind: 'revoke-exception', by: 'y' }, at(3)), (e) => isPerisaiError(e, 'E_CONFLICT'));
  });

  // ---- properties -------------------------------------------------------------------------------------

  const arbInconclusive = fc.record({
    kind: fc.constant('inconclusive' as const),
    why: fc.constantFrom('offline' as const, 'filtered' as const, 'unknown' as const, 'not-run' as const),
    jobId: fc.string({ minLength: 1, maxLength: 4 }),
  });
  const arbInput: fc.Arbitrary<FindingInput> = fc.oneof(
    arbInconclusive,
    fc.record({ kind: fc.constant('detected' as const), severity: fc.constantFrom('critical' as const, 'low' as const), jobId: fc.string({ minLength: 1, maxLength: 4 }) }),
    fc.record({ kind: fc.constantFrom('not-detected' as const, 'port-closed' as const), jobId: fc.string({ minLength: 1, maxLength: 4 }) }),
  );
  type Step = { input: FindingInput } | { action: 'accept' | 'fp' | 'revoke' } | { tick: number };
  const arbStep: fc.Arbitrary<Step> = fc.oneof(
    arbInput.map((input) => ({ input })),
    fc.constantFrom('accept' as const, 'fp' as const, 'revoke' as const).map((action) => ({ action })),
    fc.integer({ min: 0, max: 100 }).map((tick) => ({ tick })),
  );

  it('no sequence of offline/unknown observations ever resolves a finding (property)', () => {
    fc.assert(
      fc.property(fc.array(arbInconclusive, { maxLength: 50 }), (inputs) => {
        let s = opened();
        inputs.forEach((i, n) => {
          const t = applyInput(s, i, at(n + 1));
          assert.equal(t.event, undefined);
          s = t.state;
        });
        assert.equal(s.status, 'open');
      }),
    );
  });

  it('any sequence: events chain (from = previous to), resolutions only on positive evidence, exceptions always carry an expiry (property)', () => {
    fc.assert(
      fc.property(fc.array(arbStep, { maxLength: 40 }), (steps) => {
        const first = openFinding({ kind: 'detected', severity: 'high', jobId: 'j0' }, T0);
        let s = first.state;
        const events: FindingEvent[] = [first.event!];
        let day = 0;
        for (const step of steps) {
          day += 1;
          let t: Transition | undefined;
          if ('input' in step) t = applyInput(s, step.input, at(day));
          else if ('tick' in step) t = expireException(s, at((day += step.tick)));
          else {
            try {
              t = step.action === 'revoke'
                ? applyAction(s, { kind: 'revoke-exception', by: 'u' }, at(day))
                : applyAction(s, { kind: step.action === 'accept' ? 'accept-risk' : 'mark-false-positive', reason: 'r', by: 'u', expiresAt: at(day + 30) }, at(day));
            } catch (e) {
              assert.ok(isPerisaiError(e, 'E_CONFLICT'));
              continue;
            }
          }
          if (t.event !== undefined) {
            assert.equal(t.event.from, events[events.length - 1]!.to);
            assert.equal(t.event.to, t.state.status);
            if (t.event.to === 'resolved') {
              assert.ok('input' in step && (step.input.kind === 'not-detected' || step.input.kind === 'port-closed'));
            }
            events.push(t.event);
          } else {
            assert.equal(t.state.status, s.status, 'no status change without an event');
          }
          s = t.state;
          if (s.status === 'accepted-risk' || s.status === 'false-positive') assert.ok(s.exception !== null && s.exception.expiresAt > s.exception.at);
          else assert.equal(s.exception, null);
        }
      }),
    );
  });
});
