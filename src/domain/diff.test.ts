import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshots, diffSnapshots } from './diff.js';
import type { Observation } from './observation.js';

const port = (ip: string, p: number, state: 'open' | 'closed' | 'filtered', service?: string): Observation => ({
  type: 'port', ip, port: p, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : state === 'closed' ? 'conn-refused' : 'no-response', ...(service ? { service } : {}),
});

describe('snapshot diff', () => {
  it('finds new and gone hosts, opened/closed ports, service and check changes', () => {
    const before = buildSnapshots([
      port('10.0.0.1', 445, 'open', 'microsoft-ds'), port('10.0.0.1', 3389, 'open'), port('10.0.0.1', 80, 'open', 'http'),
      port('10.0.0.2', 22, 'open', 'ssh'),
      port('10.0.0.3', 445, 'open'),
      { type: 'check', ip: '10.0.0.1', port: 445, check: 'ms17-010', state: 'vulnerable' },
    ]);
    const after = buildSnapshots([
      port('10.0.0.1', 445, 'open', 'microsoft-ds'), port('10.0.0.1', 3389, 'closed'), port('10.0.0.1', 80, 'open', 'https'), port('10.0.0.1', 139, 'open'),
      port('10.0.0.3', 22, 'open'),
      port('10.0.0.4', 445, 'open'),
      { type: 'check', ip: '10.0.0.1', port: 445, check: 'ms17-010', state: 'not-vulnerable' },
      { type: 'host', ip: '10.0.0.9', state: 'down', reason: 'no-response', open: 0, closed: 0, filtered: 1 },
    ]);
    const changes = diffSnapshots(before, after);
    assert.deepEqual(new Set(changes.map((c) => JSON.stringify(c))), new Set([
      { kind: 'port-opened', ip: '10.0.0.1', port: 139 },
      { kind: 'service-changed', ip: '10.0.0.1', port: 80, from: 'http', to: 'https' },
      { kind: 'port-closed', ip: '10.0.0.1', port: 3389, confirmed: true },
      { kind: 'check-changed', ip: '10.0.0.1', port: 445, check: 'ms17-010', from: 'vulnerable', to: 'not-vulnerable' },
      { kind: 'port-opened', ip: '10.0.0.3', port: 22 },
      { kind: 'port-closed', ip: '10.0.0.3', port: 445, confirmed: false },
      { kind: 'host-new', ip: '10.0.0.4' },
      { kind: 'port-opened', ip: '10.0.0.4', port: 445 },
      { kind: 'host-gone', ip: '10.0.0.2' },
    ].map((c) => JSON.stringify(c))));
  });

  it('an offline host yields host-gone and no port closings', () => {
    const before = buildSnapshots([port('10.0.0.1', 445, 'open')]);
    const after = buildSnapshots([port('10.0.0.1', 445, 'filtered')]);
    assert.deepEqual(diffSnapshots(before, after), [{ kind: 'host-gone', ip: '10.0.0.1' }]);
  });
});
