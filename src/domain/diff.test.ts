import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSnapshots, compareSnapshots, diffSnapshots } from './diff.js';
import type { ScanCoverage } from './diff.js';
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

  it('no change from one verdict alone: a check changed only when both scans have a verdict for it', () => {
    const before = buildSnapshots([port('10.0.0.1', 445, 'closed')]);
    const after = buildSnapshots([port('10.0.0.1', 445, 'open'), { type: 'check', ip: '10.0.0.1', port: 445, check: 'ms17-010', state: 'unknown' }]);
    assert.deepEqual(diffSnapshots(before, after), [{ kind: 'port-opened', ip: '10.0.0.1', port: 445 }]);
  });
});

describe('like with like: scans are compared only where both looked', () => {
  // The ransomware port set (README "Ports") and a top-100 scan, which adds 3306, 5432, 443 … and lacks 137, 138, 5985, 5986.
  const RANSOMWARE = [135, 137, 138, 139, 445, 3389, 5985, 5986];
  const TOP = [21, 22, 23, 25, 80, 110, 135, 139, 443, 445, 3306, 3389, 5432, 5900, 8080];
  const CHECKS = ['doublepulsar', 'ms17-010', 'netbios-ns', 'rdp-exposed', 'smb-os-eol', 'smb-signing', 'smbv1'];
  const cov = (ports: number[], checks: string[] | null = CHECKS, targets?: string[]): ScanCoverage => ({ ports, checks, ...(targets ? { targets } : {}) });

  it('a top-100 scan after a ransomware-ports scan opens no port the first never probed, and says what it left out', () => {
    const first = buildSnapshots([
      port('198.18.1.7', 445, 'open', 'microsoft-ds'), port('198.18.1.7', 139, 'closed'), port('198.18.1.7', 3389, 'closed'),
      { type: 'check', ip: '198.18.1.7', port: 445, check: 'smbv1', state: 'unknown' },
    ]);
    const second = buildSnapshots([
      port('198.18.1.7', 445, 'open', 'microsoft-ds'), port('198.18.1.7', 3306, 'open', 'mysql'), port('198.18.1.7', 5432, 'open', 'postgresql'),
      port('198.18.1.7', 443, 'open', 'https'), port('198.18.1.7', 139, 'open', 'netbios-ssn'), port('198.18.1.7', 80, 'closed'),
      { type: 'check', ip: '198.18.1.7', port: 445, check: 'smbv1', state: 'unknown' },
    ]);
    const r = compareSnapshots(first, second, { previous: cov(RANSOMWARE), current: cov(TOP, ['ms17-010']) });
    assert.deepEqual(r.changes, [{ kind: 'port-opened', ip: '198.18.1.7', port: 139, service: 'netbios-ssn' }], 'only 139, which both probed');
    assert.deepEqual(r.notCompared.ports, [21, 22, 23, 25, 80, 110, 137, 138, 443, 3306, 5432, 5900, 5985, 5986, 8080]);
    assert.deepEqual(r.notCompared.checks, ['doublepulsar', 'netbios-ns', 'rdp-exposed', 'smb-os-eol', 'smb-signing', 'smbv1']);
    assert.equal(r.notCompared.hosts, 0);
    // Without coverage (the old comparison) the same scans "opened" 3306, 5432 and 443.
    assert.deepEqual(diffSnapshots(first, second).filter((c) => c.kind === 'port-opened').map((c) => 'port' in c && c.port).sort(), [139, 3306, 443, 5432].sort());
  });

  it('the reverse: ports the later scan did not probe are not "closed", and a host silent only there is not "gone"', () => {
    const top = buildSnapshots([port('10.0.0.1', 445, 'open'), port('10.0.0.1', 3306, 'open'), port('10.0.0.2', 8080, 'open')]);
    const ransomware = buildSnapshots([port('10.0.0.1', 445, 'open')]);
    const r = compareSnapshots(top, ransomware, { previous: cov(TOP), current: cov(RANSOMWARE) });
    assert.deepEqual(r.changes, []);
    assert.equal(r.notCompared.hosts, 1, '10.0.0.2 answered only on 8080, which the ransomware scan did not probe');
    // Probed by both and silent now: gone.
    const r2 = compareSnapshots(buildSnapshots([port('10.0.0.2', 445, 'open')]), buildSnapshots([]), { previous: cov(TOP), current: cov(RANSOMWARE) });
    assert.deepEqual(r2.changes, [{ kind: 'host-gone', ip: '10.0.0.2' }]);
  });

  it('a host is new only if it answers where the previous scan asked, inside the previous scan\'s targets', () => {
    const none = buildSnapshots([]);
    const now = buildSnapshots([port('10.0.0.5', 3306, 'open'), port('10.0.0.6', 445, 'open'), port('10.0.1.9', 445, 'open')]);
    const r = compareSnapshots(none, now, { previous: cov(RANSOMWARE, CHECKS, ['10.0.0.0/24']), current: cov(TOP, CHECKS, ['10.0.0.0/23']) });
    assert.deepEqual(r.changes, [{ kind: 'host-new', ip: '10.0.0.6' }, { kind: 'port-opened', ip: '10.0.0.6', port: 445 }]);
    assert.equal(r.notCompared.hosts, 2, '10.0.0.5 answered only on 3306; 10.0.1.9 lies outside the previous targets');
    assert.deepEqual(r.notCompared.checks, []);
    // Hosts of the previous scan outside the current targets are not part of the comparison at all.
    const gone = compareSnapshots(buildSnapshots([port('10.0.1.9', 445, 'open')]), none, { previous: cov(RANSOMWARE, CHECKS, ['10.0.0.0/23']), current: cov(RANSOMWARE, CHECKS, ['10.0.0.0/24']) });
    assert.deepEqual([gone.changes, gone.notCompared.hosts], [[], 0]);
  });

  it('checks: unrecorded check lists leave nothing to report; a verdict changed where both ran it', () => {
    const a = buildSnapshots([port('10.0.0.1', 445, 'open'), { type: 'check', ip: '10.0.0.1', port: 445, check: 'ms17-010', state: 'vulnerable' }]);
    const b = buildSnapshots([port('10.0.0.1', 445, 'open'), { type: 'check', ip: '10.0.0.1', port: 445, check: 'ms17-010', state: 'unknown' }]);
    const r = compareSnapshots(a, b, { previous: cov(RANSOMWARE, null), current: cov(RANSOMWARE) });
    assert.deepEqual(r.changes, [{ kind: 'check-changed', ip: '10.0.0.1', port: 445, check: 'ms17-010', from: 'vulnerable', to: 'unknown' }]);
    assert.deepEqual(r.notCompared, { ports: [], checks: [], hosts: 0 });
  });
});
