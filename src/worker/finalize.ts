// After a job's last task: change detection against the previous completed scan of the
// same network/agency, assets and risk, the findings lifecycle, and outbox rows for every change — all in
// ONE transaction together with the job's move running → finalizing → completed. The status move is a
// compare-and-set, so when two workers finish the last tasks at once only one finalizes (the other gets
// E_CONFLICT and its transaction rolls back); a crash mid-way leaves the job `running` with no open task,
// which recoverJobs() finalizes later. Outbox dedup keys name the job and the change, so a change is
// announced exactly once (docs/store.md "outbox").

import { PerisaiError } from '../domain/errors.js';
import { DEFAULT_TIME_ZONE, dayKey } from '../domain/calendar.js';
import { buildSnapshots } from '../domain/diff.js';
import type { Change, HostSnapshot, NotCompared } from '../domain/diff.js';
import { smbSummary } from '../domain/observation.js';
import type { FactReason, Observation } from '../domain/observation.js';
import { findingSignals } from '../domain/finding-signals.js';
import type { AssetScanSignals } from '../domain/finding-signals.js';
import { NetworkIndex } from '../domain/ip.js';
import { factsFromObservations, rateAfterScan } from '../domain/risk.js';
import type { AssetFacts, RatingCoverage } from '../domain/risk.js';
import type { ScanJob } from '../domain/scan-job.js';
import { listCheckMeta } from '../engine/checks/registry.js';
import type { Severity } from '../domain/finding.js';
import { retryOnBusy } from '../store/index.js';
import type { ApplyScanResult, OutboxInput, Repositories, Store } from '../store/index.js';
import { afterScanFinalized } from './incident-hook.js';
import { afterScanForCirculars } from './circular-hook.js';

/** Ports whose new reachability matters for WannaCry-style spread (445/139/3389: SMB and RDP). */
const RANSOMWARE_PORTS = new Set([139, 445, 3389]);
const SMB_PORTS = [139, 445];

export interface FinalizeResult {
  readonly jobId: string;
  readonly previousJobId: string | null;
  readonly changes: readonly Change[];
  /** What the comparison with the previous scan had to leave out (null for the baseline). */
  readonly notCompared: NotCompared | null;
  readonly findings: ApplyScanResult;
  readonly assets: number;
}

/** Outbox topic for a change (the alerts side subscribes to these names). */
export function changeTopic(c: Change): string {
  return `change.${c.kind}`;
}

/** `info` is below every alert severity: a verdict that became unknown is news, not an alarm (nor an all-clear). */
export function changeSeverity(c: Change): Severity | 'info' {
  if (c.kind === 'port-opened') return RANSOMWARE_PORTS.has(c.port) ? 'high' : 'info';
  if (c.kind === 'check-changed') return c.to === 'vulnerable' || c.to === 'likely-vulnerable' ? 'critical' : 'info';
  return 'info';
}

/** Why a check could not decide on this host (the reason of its `unknown` verdict), for the asset's facts. */
function unknownReason(observations: readonly Observation[], check: string): string | undefined {
  for (const o of observations) if (o.type === 'check' && o.check === check && o.state === 'unknown' && o.reason !== undefined) return o.reason;
  return undefined;
}

/** The same as reason codes: one per port the check could not decide on (port 0: about the whole host). */
function unknownReasonCodes(observations: readonly Observation[], check: string): FactReason[] {
  const out: FactReason[] = [];
  for (const o of observations) {
    if (o.type !== 'check' || o.check !== check || o.state !== 'unknown' || o.reasonCode === undefined) continue;
    out.push(o.port === 0 ? { code: o.reasonCode } : { protocol: 'smb1', port: o.port, code: o.reasonCode });
  }
  return out;
}

function changeKey(jobId: string, c: Change): string {
  const port = 'port' in c ? c.port : '';
  const check = c.kind === 'check-changed' ? c.check : '';
  return `change:${jobId}:${c.kind}:${c.ip}:${port}:${check}`;
}

/** The ports each check is about (the engine's catalogue), for what a job's checks looked at. */
const CHECK_PORTS = new Map(listCheckMeta().map((m) => [m.id as string, m.ports]));

/** What a job looked at, for the rating: its ports, its checks with their ports, its vantage. */
export function ratingCoverage(job: Pick<ScanJob, 'ports' | 'checks' | 'vantage'>): RatingCoverage {
  return { ports: job.ports, checks: job.checks === null ? null : job.checks.map((id) => ({ id, ports: CHECK_PORTS.get(id) ?? [] })), vantage: job.vantage };
}

async function finalizeIn(tx: Repositories, jobId: string, at: string | undefined): Promise<FinalizeResult | undefined> {
  const job = await tx.scans.getJob('all', jobId);
  if (job.status !== 'running') return undefined;
  await tx.scans.setJobStatus('all', jobId, 'finalizing');
  // A host belongs to the most specific registered block (RSUD's /24 inside Dinkes' /16), else the job's agency.
  const owners = new NetworkIndex(await tx.networks.list('all'));
  const agencyOf = (ip: string): string => owners.lookup(ip)?.agencyId ?? job.agencyId;

  // Assets, findings, then risk — the composition tests/store/fixtures.ts finalizeJob() documents.
  const assets: { assetId: string; agencyId: string; scan: AssetScanSignals }[] = [];
  const rated: { assetId: string; facts: AssetFacts }[] = [];
  const probesSmb = SMB_PORTS.some((p) => job.ports.includes(p));
  // The job's snapshots for change detection, built in this same pass (a second read of half a million
  // rows cost as much as the first: docs/performance.md "Finalising a large job").
  // Only when there is a previous scan to compare with: the first scan of a network is the baseline.
  // Lean rows: of a port that is not open, nothing but its state and reason is read below (domain/risk.ts
  // factsFromObservations, domain/finding-signals.ts), so its data column is neither sent nor parsed.
  const prev = await tx.scans.previousCompleted('all', jobId);
  const snapshots: HostSnapshot[] = [];
  for await (const h of tx.observations.byHost('all', jobId, 5000, undefined, { lean: true })) {
    if (prev !== undefined) for (const s of buildSnapshots(h.observations)) snapshots.push(s);
    const up = h.observations.some((o) => (o.type === 'host' && o.state === 'up') || (o.type === 'port' && o.state !== 'filtered'));
    if (!up) continue; // an offline host says nothing: silence is not evidence
    const host = h.observations.find((o) => o.type === 'host');
    const facts = factsFromObservations(h.observations, job.vantage);
    const agencyId = agencyOf(h.ip);
    // SMB facts with the checks' reasons where they are unknown; "SMB open" only when this job asked.
    const smb = facts.smb
      ? (smbSummary(facts.smb, {
        smbv1: unknownReason(h.observations, 'smbv1'), smbv1Codes: unknownReasonCodes(h.observations, 'smbv1'),
        // The signing check's verdict is about the host: its port is where it looked, not what failed.
        signing: unknownReason(h.observations, 'smb-signing'), signingCodes: unknownReasonCodes(h.observations, 'smb-signing').map((r) => ({ ...(r.code !== undefined ? { code: r.code } : {}) })),
      }) ?? null)
      : null;
    const smbOpen = probesSmb ? SMB_PORTS.some((p) => facts.openPorts.includes(p)) : null;
    const [u] = await tx.assets.upsertObserved('all', {
      agencyId, jobId,
      hosts: [{ ip: h.ip, ...(host?.type === 'host' ? { mac: host.mac ?? null, netbiosName: host.netbiosName ?? null, dnsName: host.dnsName ?? host.hostname ?? null } : {}), os: facts.os ?? null, smb, smbOpen }],
      ...(at !== undefined ? { at } : {}),
    });
    if (u === undefined) continue;
    rated.push({ assetId: u.assetId, facts });
    assets.push({ assetId: u.assetId, agencyId, scan: findingSignals(h.observations, facts, jobId) });
  }
  // applyScan writes finding.opened/.reopened/.resolved outbox rows itself (docs/store.md findings).
  const findings = await tx.findings.applyScan({ jobId, assets, ...(at !== undefined ? { at } : {}) });
  // The rating after the findings moved: from the open findings and, rule by rule, the last scan that
  // looked at what the rule depends on — a narrower scan than the last one never lowers it by not looking
  // (domain/risk.ts rateAfterScan).
  const ids = rated.map((r) => r.assetId);
  const previous = await tx.assets.riskRulesOf('all', ids);
  const open = await tx.findings.openSeveritiesOf('all', ids);
  const coverage = ratingCoverage(job);
  for (const r of rated) {
    await tx.assets.setRisk('all', r.assetId, rateAfterScan({ ...r.facts, openFindings: open.get(r.assetId) ?? [] }, coverage, previous.get(r.assetId) ?? []));
  }

  // Change detection, like with like (domain/diff.ts). The first scan of a network is the baseline:
  // nothing "changed", so no change.* rows.
  const comparison = prev === undefined ? undefined : await tx.observations.compareJobs(prev, job, snapshots);
  const changes = comparison?.changes ?? [];
  const rows: OutboxInput[] = changes.map((c) => ({
    topic: changeTopic(c),
    dedupKey: changeKey(jobId, c),
    agencyId: agencyOf(c.ip),
    payload: { ...c, change: c.kind, agencyId: agencyOf(c.ip), jobId, previousJobId: prev?.id ?? null, severity: changeSeverity(c) },
  }));
  for (let i = 0; i < rows.length; i += 500) await tx.outbox.enqueue(rows.slice(i, i + 500));

  const counts: Record<string, number> = {};
  for (const c of changes) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  await tx.scans.setJobStatus('all', jobId, 'completed', {
    summary: {
      ...(typeof job.summary === 'object' && job.summary !== null ? job.summary : {}),
      previousJobId: prev?.id ?? null, changes: counts, notCompared: comparison?.notCompared ?? null, findings, assets: assets.length,
    },
  });
  return { jobId, previousJobId: prev?.id ?? null, changes, notCompared: comparison?.notCompared ?? null, findings, assets: assets.length };
}

/** Finalize a job whose tasks are all done; undefined when it is not (or no longer) this caller's to do. */
export async function finalizeJob(store: Store, jobId: string, opts: { at?: string } = {}): Promise<FinalizeResult | undefined> {
  let result: FinalizeResult | undefined;
  try {
    // One transaction, run again while another process holds the write lock (an import): a busy database
    // must not leave a finished scan unfinalized until the next sweep.
    result = await retryOnBusy(() => store.transaction((tx) => finalizeIn(tx, jobId, opts.at)), { attempts: 10, baseMs: 100, capMs: 5_000 });
  } catch (e) {
    if (e instanceof PerisaiError && e.code === 'E_CONFLICT') return undefined; // another finalizer won
    throw e;
  }
  // The dashboard trend's snapshot of today, so that a day's point reflects its last scan and not only the
  // last hourly housekeeping run (docs/store.md "Trends"). After the commit and outside it: a failure here
  // loses nothing the scan stored, and the next hourly run writes the snapshot anyway.
  if (result === undefined) return undefined;
  try {
    await store.dashboard.recordDay(dayKey(opts.at !== undefined ? new Date(opts.at) : new Date(), DEFAULT_TIME_ZONE));
  } catch {
    // see above: the housekeeping timer retries within the hour
  }
  await afterScanFinalized(store, jobId); // open incidents: link new DoublePulsar/MS17-010 findings, scan results on the timeline
  await afterScanForCirculars(store, jobId); // circulars: what the scan says per network, answers re-verified
  return result;
}

/**
 * Start-up and periodic sweep: tasks whose lease expired go back to pending (their workers are gone),
 * and jobs whose tasks are all done but which were never finalized (a crash between the last
 * completeTask and finalize) are finalized now. Also returns the pending tasks that were claimed before
 * (attempt > 0: requeued after a crash, handed back on stop, or retried after an error) so that a pg-boss
 * deployment can publish them again — their first pg-boss job was consumed by the worker that lost them.
 * With `allPending` (a worker's start-up) every pending task is returned: duplicate pg-boss jobs are
 * harmless because a worker claims the named task with a compare-and-set (src/queue/pgboss.ts).
 */
export async function recoverJobs(store: Store, opts: { allPending?: boolean } = {}): Promise<{ requeued: number; finalized: string[]; pending: { id: string; zone: string | null }[] }> {
  const requeued = await store.scans.requeueExpired();
  const finalized: string[] = [];
  const pending: { id: string; zone: string | null }[] = [];
  for (const job of await store.scans.listJobs('all', { status: 'running', limit: 1000 })) {
    const tasks = await store.scans.tasks('all', job.id);
    if (tasks.every((t) => t.status === 'done')) {
      if ((await finalizeJob(store, job.id)) !== undefined) finalized.push(job.id);
    } else {
      for (const t of tasks) if (t.status === 'pending' && (t.attempt > 0 || opts.allPending === true)) pending.push({ id: t.id, zone: t.zone });
    }
  }
  if (opts.allPending === true) {
    // At start-up: queued jobs too (created while no worker or pg-boss queue was there to hear of them).
    for (const job of await store.scans.listJobs('all', { status: 'queued', limit: 1000 })) {
      for (const t of await store.scans.tasks('all', job.id)) if (t.status === 'pending') pending.push({ id: t.id, zone: t.zone });
    }
  }
  return { requeued, finalized, pending };
}
