// The pipelined scan over the lab (src/engine/runner/scan.ts): a host's checks run while the port stage is
// still waiting on other hosts, Ctrl-C keeps the verdicts of hosts whose checks finished, and the JSONL order
// contract holds (each host line after that host's port and check lines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScan, type ScanHandlers } from '../../src/engine/runner/scan.js';
import { buildTargetSet, Scope } from '../../src/engine/targets/index.js';
import type { CheckLine, HostResult } from '../../src/engine/types.js';
import { jsonl, LAB_SCOPE, perisai, requireLab } from './lab.js';

requireLab();
/** 198.18.0.99 has no host: no ARP answer, so its probe sits out the whole (here fixed 3 s) timeout. */
const SILENT = '198.18.0.99';
const SMB = ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.0.13'];

async function scanLab(signal?: AbortSignal, onChecked?: (ip: string, ac: { t: number }) => void) {
  const t0 = performance.now();
  const checkedAt = new Map<string, number>();
  let sweepEnd = 0;
  const hosts: [HostResult, readonly CheckLine[]][] = [];
  const handlers: ScanHandlers = {
    port: () => {},
    host: (h, _p, c) => hosts.push([h, c]),
    checked: (ip) => {
      checkedAt.set(ip, performance.now() - t0);
      onChecked?.(ip, { t: performance.now() - t0 });
    },
    progress: (p) => {
      if (p.done === p.planned && sweepEnd === 0) sweepEnd = performance.now() - t0;
    },
  };
  const summary = await runScan(
    {
      targets: await buildTargetSet([...SMB, SILENT]),
      ports: [139, 445],
      scope: Scope.fromSpecs([LAB_SCOPE]),
      timeout: { initialMs: 3000, minMs: 3000, maxMs: 3000 },
      retries: 0,
      banners: false,
      allStates: false,
      checks: { selectors: ['smb'] },
      ...(signal ? { signal } : {}),
    },
    handlers,
  );
  return { summary, checkedAt, sweepEnd, hosts };
}

test("every SMB host's checks finish while the port stage still waits on a silent address", async () => {
  const { summary, checkedAt, sweepEnd, hosts } = await scanLab();
  assert.equal(summary.interrupted, false);
  assert.deepEqual([...checkedAt.keys()].sort(), SMB);
  assert.ok(sweepEnd >= 2900, `the sweep ended at ${sweepEnd.toFixed(0)} ms`);
  for (const [ip, t] of checkedAt) assert.ok(t < 2500, `${ip} checked at ${t.toFixed(0)} ms, the sweep ended at ${sweepEnd.toFixed(0)} ms`);
  assert.deepEqual(hosts.map(([h]) => h.ip), SMB);
  assert.ok(hosts.every(([, c]) => c.some((x) => x.check === 'smbv1')), 'every host has its verdicts');
});

test('Ctrl-C after the checks finished: the verdicts found so far are kept, the scan says interrupted', async () => {
  const ac = new AbortController();
  const seen = new Set<string>();
  const { summary, hosts } = await scanLab(ac.signal, (ip) => {
    seen.add(ip);
    if (seen.size === SMB.length) ac.abort();
  });
  assert.equal(summary.interrupted, true);
  assert.deepEqual(hosts.map(([h]) => h.ip), SMB);
  assert.ok(hosts.every(([, c]) => c.some((x) => x.check === 'smbv1' && x.state !== 'unknown')), 'kept verdicts');
});

test('JSONL: each host line comes after all of its port and check lines', async () => {
  const r = await perisai(['scan', ...SMB, '198.18.0.20', '-p', '22,80,139,445', '--scope', LAB_SCOPE, '--checks', 'smb', '--format', 'jsonl', '-q']);
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonl(r.stdout);
  const hostAt = new Map(lines.map((l, i) => [l, i] as const).filter(([l]) => l.type === 'host').map(([l, i]) => [String(l.ip), i]));
  assert.equal(hostAt.size, 5);
  lines.forEach((l, i) => {
    if (l.type === 'port' || l.type === 'check') assert.ok(i < hostAt.get(String(l.ip))!, `${String(l.type)} line of ${String(l.ip)} after its host line`);
  });
  assert.ok(lines.filter((l) => l.type === 'check').length >= 16);
  assert.equal(lines.at(-1)?.type, 'summary');
});
