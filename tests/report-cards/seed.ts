// Findings with a real history for report-card tests and the bench: scans applied through the findings
// repository at chosen instants (store.findings.applyScan `at`), and completed scan jobs finished at chosen
// instants (the store's injected clock), so ages, remediation times and coverage are known in advance.

import type { FindingSignal } from '../../src/domain/finding-signals.js';
import type { Severity } from '../../src/domain/finding.js';
import type { Store } from '../../src/store/index.js';
import { AUTH } from '../store/fixtures.js';

export const DAY = 86_400_000;

export function detected(ruleId: string, severity: Severity, port = 445): FindingSignal {
  return { ruleId, port, title: { id: ruleId, en: ruleId }, input: { kind: 'detected', severity } };
}

export function fixed(ruleId: string, port = 445): FindingSignal {
  return { ruleId, port, title: { id: ruleId, en: ruleId }, input: { kind: 'not-detected' } };
}

/** A completed scan job of `agencyId` over `targets` that finished at the clock's current time. */
export async function completedScan(store: Store, agencyId: string, targets: string[]): Promise<string> {
  const job = await store.scans.createJob('all', {
    agencyId, profile: 'ransomware', targets, ports: [139, 445, 3389], vantage: 'internal', seed: '7', requestedBy: 'uji', tasks: [{ start: 0, end: 1 }],
  });
  await store.scans.setJobStatus('all', job.id, 'running');
  await store.scans.setJobStatus('all', job.id, 'completed');
  return job.id;
}

export async function network(store: Store, agencyId: string, cidr: string): Promise<void> {
  await store.networks.add('all', { agencyId, cidr, ...AUTH });
}

/** Apply one scan's signals per host (by IP) of an agency, observed at `at`. */
export async function observe(store: Store, agencyId: string, jobId: string, at: string, hosts: Readonly<Record<string, readonly FindingSignal[]>>): Promise<void> {
  const up = await store.assets.upsertObserved('all', { agencyId, hosts: Object.keys(hosts).map((ip) => ({ ip })) });
  await store.findings.applyScan({ jobId, at, assets: up.map((u) => ({ assetId: u.assetId, agencyId, scan: { closedPorts: [], signals: hosts[u.ip] ?? [] } })) });
}
