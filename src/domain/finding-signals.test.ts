import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingSignals, inputForExisting } from './finding-signals.js';
import { factsFromObservations } from './risk.js';
import type { Observation } from './observation.js';

const ip = '10.0.0.5';
function signals(obs: Observation[], vantage: 'internal' | 'internet' = 'internal') {
  return findingSignals(obs, factsFromObservations(obs, vantage), 'j1');
}

describe('finding signals', () => {
  it('checks map to detected / not-detected / inconclusive', () => {
    const s = signals([
      { type: 'check', ip, port: 445, check: 'ms17-010', state: 'vulnerable' },
      { type: 'check', ip, port: 445, check: 'doublepulsar', state: 'not-vulnerable' },
      { type: 'check', ip, port: 445, check: 'smb-signing', state: 'unknown' },
    ]);
    assert.deepEqual(s.signals.map((x) => [x.ruleId, x.input.kind]), [['ms17-010', 'detected'], ['doublepulsar', 'not-detected'], ['smb-signing', 'inconclusive']]);
    const ms = s.signals[0]!;
    assert.ok(ms.input.kind === 'detected' && ms.input.severity === 'critical');
  });

  it('SMBv1 escalates to high on an at-risk Windows', () => {
    const base: Observation[] = [{ type: 'check', ip, port: 445, check: 'smbv1', state: 'vulnerable' }];
    const plain = signals(base).signals[0]!;
    assert.ok(plain.input.kind === 'detected' && plain.input.severity === 'medium');
    const xp = signals([...base, { type: 'fact', ip, fact: 'os', value: { name: 'Windows XP', source: 'smb1-negotiate', eol: true, wannacryRisk: true } }]).signals[0]!;
    assert.ok(xp.input.kind === 'detected' && xp.input.severity === 'high');
  });

  it('exposures only from a vantage where the port must not be reachable', () => {
    const open: Observation = { type: 'port', ip, port: 3389, proto: 'tcp', state: 'open', reason: 'syn-ack' };
    assert.deepEqual(signals([open], 'internal').signals, []);
    assert.deepEqual(signals([open], 'internet').signals.map((x) => x.ruleId), ['exposure-rdp']);
  });

  it('only an RST closes: closed ports resolve every finding on them, filtered ones nothing', () => {
    const s = signals([
      { type: 'port', ip, port: 445, proto: 'tcp', state: 'closed', reason: 'conn-refused' },
      { type: 'port', ip, port: 139, proto: 'tcp', state: 'filtered', reason: 'no-response' },
    ]);
    assert.deepEqual(s.closedPorts, [445]);
    assert.deepEqual(inputForExisting('ms17-010', 445, s, 'j1'), { kind: 'port-closed', jobId: 'j1' });
    assert.equal(inputForExisting('ms17-010', 139, s, 'j1'), undefined);
    assert.equal(inputForExisting('ms17-010', 0, s, 'j1'), undefined, 'a host-level finding is not about a port');
  });
});
