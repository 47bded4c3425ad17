// Observations: the raw per-scan facts (port, host, check, fact rows), ingested in batches.
//
// Idempotency: each row has the key (job, ip, kind, port, key) — unique — and is inserted with ON
// CONFLICT DO NOTHING, so a batch delivered twice (at-least-once queues, a worker retried after a crash)
// stores each observation once; the returned counts say how many were new and how many were repeats.
// Progress: a batch may carry the task index ranges it completes; they are recorded in the SAME
// transaction as the rows, so after a crash the stored data and the recorded progress agree exactly.
// Memory: ingestStream holds at most one batch (default 2,000 observations) whatever the scan size.

import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { ScanSummary } from '../../engine/types.js';
import { validationError } from '../../domain/errors.js';
import { normalizeMac, normalizeNetbiosName } from '../../domain/asset.js';
import { notFound } from '../../domain/errors.js';
import { observationKey } from '../../domain/observation.js';
import type { CheckState, Observation } from '../../domain/observation.js';
import type { IndexRange } from '../../domain/ranges.js';
import { buildSnapshots, compareSnapshots } from '../../domain/diff.js';
import type { HostSnapshot, ScanComparison, ScanCoverage } from '../../domain/diff.js';
import { canonicalIp, cidrContainsAddress, parseAddress, parseCidr } from '../../domain/ip.js';
import type { ScanJob } from '../../domain/scan-job.js';
import type { Ctx } from '../context.js';
import { chunks, nowIso, run, tx } from '../context.js';
import type { ObservationRow, StoreDialect } from '../dialect.js';
import type { AgencyScope } from '../scope.js';
import { scopeFilter } from '../scope.js';
import type { ObservationTable } from '../schema.js';
import { ancestorIds } from './agencies.js';
import { recordTaskProgress, ScanRepo } from './scans.js';

/** What one completed scan job recorded about one asset's address. */
export interface AssetScan {
  readonly jobId: string;
  readonly profile: string;
  readonly finishedAt: string;
  /** What the job probed and ran (scan_jobs.ports, .checks): scans are compared where both looked. */
  readonly ports: readonly number[];
  readonly checks: readonly string[] | null;
  readonly observations: readonly Observation[];
}

/** What a job looked at, for the like-with-like comparison. */
export function coverageOf(job: Pick<ScanJob, 'ports' | 'checks'> & { readonly targets?: readonly string[] }): ScanCoverage {
  return { ...(job.targets !== undefined ? { targets: job.targets } : {}), ports: job.ports, checks: job.checks };
}

/** Completed jobs read per asset lookup: bounds the work whatever the scan history's length. */
const ASSET_SCAN_CANDIDATES = 200;

/** Progress marker in an observation stream: these task index ranges are complete. */
export interface ProgressMark {
  readonly type: 'progress';
  readonly done: readonly IndexRange[];
}

export type IngestItem = Observation | ProgressMark | ScanSummary;

export interface IngestCounts {
  /** Rows stored by this call. */
  readonly inserted: number;
  /** Rows already present (re-delivery): not stored again. */
  readonly duplicates: number;
}

export interface BatchInput {
  readonly jobId: string;
  readonly taskId?: string;
  /** The worker's lease owner id; when given, a lost lease refuses the batch (E_CONFLICT). */
  readonly owner?: string;
  readonly observations: readonly Observation[];
  readonly done?: readonly IndexRange[];
  readonly at?: string;
}

function compact(o: Record<string, unknown>): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    out[k] = v;
    n++;
  }
  return n === 0 ? null : out;
}

function toRow(d: StoreDialect, o: Observation, jobId: string, taskId: string | null, at: string): ObservationRow {
  const k = observationKey(o);
  let state: string;
  let reason: string | null = null;
  let data: Record<string, unknown> | null;
  switch (o.type) {
    case 'port': {
      const { type: _t, ip: _i, port: _p, proto: _pr, state: s, reason: r, ...rest } = o;
      state = s;
      reason = r;
      data = compact(rest);
      break;
    }
    case 'host': {
      const { type: _t, ip: _i, state: s, reason: r, ...rest } = o;
      state = s;
      reason = r;
      data = compact(rest);
      break;
    }
    case 'check':
      state = o.state;
      reason = o.reason ?? null;
      // The reason code travels in the data column beside the evidence (no column of its own: it is a
      // label of the verdict, read back whole with it); fromRow takes it out again.
      data = o.evidence === undefined && o.reasonCode === undefined ? null : { ...o.evidence, ...(o.reasonCode !== undefined ? { reasonCode: o.reasonCode } : {}) };
      break;
    case 'fact':
      state = '';
      data = { ...o.value };
      break;
  }
  return { job_id: jobId, task_id: taskId, ip: o.ip, kind: k.kind, port: k.port, key: k.key, state, reason, data: data === null ? null : d.json(data), observed_at: at };
}

function fromRow(d: StoreDialect, r: Pick<Selectable<ObservationTable>, 'ip' | 'kind' | 'port' | 'key' | 'state' | 'reason' | 'data'>): Observation {
  const data = d.fromJson<Record<string, unknown>>(r.data) ?? {};
  switch (r.kind) {
    case 'port':
      return { ...data, type: 'port', ip: r.ip, port: r.port, proto: 'tcp', state: r.state, reason: r.reason ?? 'error' } as Observation;
    case 'host':
      return { open: 0, closed: 0, filtered: 0, ...data, type: 'host', ip: r.ip, state: r.state, reason: r.reason ?? 'no-response' } as Observation;
    case 'check': {
      const { reasonCode, ...evidence } = data;
      return {
        type: 'check', ip: r.ip, port: r.port, check: r.key, state: r.state as CheckState,
        ...(r.reason !== null ? { reason: r.reason } : {}), ...(typeof reasonCode === 'string' ? { reasonCode } : {}),
        ...(r.data !== null ? { evidence: typeof reasonCode === 'string' ? evidence : data } : {}),
      };
    }
    default:
      return { type: 'fact', ip: r.ip, fact: r.key, value: data } as Observation;
  }
}

/** False when the job's host line names another machine than the asset (by MAC or NetBIOS name). */
function sameMachine(asset: { mac: string | null; netbios_name: string | null }, obs: readonly Observation[]): boolean {
  const host = obs.find((o) => o.type === 'host');
  if (host?.type !== 'host') return true;
  const mac = normalizeMac(host.mac);
  if (asset.mac !== null && mac !== undefined && mac !== asset.mac) return false;
  const nb = normalizeNetbiosName(host.netbiosName);
  return asset.netbios_name === null || nb === undefined || nb === asset.netbios_name;
}

export class ObservationRepo {
  readonly #ctx: Ctx;
  constructor(ctx: Ctx) {
    this.#ctx = ctx;
  }

  /** Store one batch (and the task progress it completes) in one transaction. */
  async ingestBatch(input: BatchInput): Promise<IngestCounts> {
    const d = this.#ctx.d;
    const at = input.at !== undefined ? d.time(input.at) : nowIso(this.#ctx);
    const taskId = input.taskId ?? null;
    // Normalise addresses so that "2001:DB8::1" and "2001:db8::1" are one key.
    const rows = input.observations.map((o) => toRow(d, { ...o, ip: canonicalIp(o.ip) } as Observation, input.jobId, taskId, at));
    if ((input.done?.length ?? 0) > 0 && taskId === null) throw validationError('done ranges need a taskId', { field: 'done' });
    return tx(this.#ctx, `storing ${rows.length} observations of scan job ${input.jobId}`, async (ctx) => {
      const inserted = await ctx.d.insertObservations(ctx.db, rows);
      if (taskId !== null) await recordTaskProgress(ctx.db, ctx.d, taskId, input.jobId, input.done ?? [], input.owner, at);
      return { inserted, duplicates: rows.length - inserted };
    });
  }

  /**
   * Stream a scan's output into the store with bounded memory: observations are buffered up to
   * `batchSize` and written with the progress marks that follow them; a summary line is kept on the job.
   */
  async ingestStream(input: {
    jobId: string;
    taskId?: string;
    owner?: string;
    source: AsyncIterable<IngestItem> | Iterable<IngestItem>;
    batchSize?: number;
  }): Promise<IngestCounts & { batches: number; summary: ScanSummary | undefined }> {
    const size = Math.max(1, input.batchSize ?? 2000);
    let buf: Observation[] = [];
    let done: IndexRange[] = [];
    let inserted = 0;
    let duplicates = 0;
    let batches = 0;
    let summary: ScanSummary | undefined;
    const flush = async (): Promise<void> => {
      if (buf.length === 0 && done.length === 0) return;
      const r = await this.ingestBatch({
        jobId: input.jobId, observations: buf, done,
        ...(input.taskId !== undefined ? { taskId: input.taskId } : {}), ...(input.owner !== undefined ? { owner: input.owner } : {}),
      });
      inserted += r.inserted;
      duplicates += r.duplicates;
      batches++;
      buf = [];
      done = [];
    };
    for await (const item of input.source) {
      if (item.type === 'progress') {
        for (const slot of item.done) done.push(slot);
        // Progress is only durable together with the observations before it; flush when enough piled up.
        if (buf.length >= size) await flush();
      } else if (item.type === 'summary') {
        summary = item;
      } else {
        buf.push(item);
        if (buf.length >= size) await flush();
      }
    }
    await flush();
    if (summary !== undefined) {
      const s = summary;
      await tx(this.#ctx, 'storing a scan summary', (ctx) => ctx.db.updateTable('scan_jobs').set({ summary: ctx.d.json(s) }).where('id', '=', input.jobId).execute());
    }
    return { inserted, duplicates, batches, summary };
  }

  async count(scope: AgencyScope, jobId: string, filter: { kind?: 'port' | 'host' | 'check' | 'fact' } = {}): Promise<number> {
    await new ScanRepo(this.#ctx).getJob(scope, jobId);
    const r = await run(this.#ctx, 'counting observations', (db) => {
      let q = db.selectFrom('observations').select((eb) => eb.fn.countAll<number>().as('n')).where('job_id', '=', jobId);
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      return q.executeTakeFirstOrThrow();
    });
    return Number(r.n);
  }

  /** Observations of one job (optionally one host), ordered by host then kind, port, key. */
  async list(scope: AgencyScope, jobId: string, filter: { ip?: string; kind?: 'port' | 'host' | 'check' | 'fact'; limit?: number } = {}): Promise<Observation[]> {
    await new ScanRepo(this.#ctx).getJob(scope, jobId);
    const d = this.#ctx.d;
    const rows = await run(this.#ctx, 'listing observations', (db) => {
      let q = db.selectFrom('observations').select(['ip', 'kind', 'port', 'key', 'state', 'reason', 'data']).where('job_id', '=', jobId);
      if (filter.ip !== undefined) q = q.where('ip', '=', canonicalIp(filter.ip));
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      return q.orderBy('ip').orderBy('kind').orderBy('port').orderBy('key').limit(Math.min(filter.limit ?? 10_000, 100_000)).execute();
    });
    return rows.map((r) => fromRow(d, r));
  }

  /**
   * Every observation of a job, grouped by host, streamed in pages of whole hosts, so a /16 never has to
   * fit in memory at once. `afterIp` starts after that host (the stored, canonical text of an address).
   *
   * Pages are ranges of addresses, not keyset pages on (ip, kind, port, key): right after a large ingest
   * PostgreSQL's statistics still describe an empty job, and it answered every keyset page with a bitmap
   * scan of ALL the job's rows and a top-N sort — each page cost the whole job, so reading half a million
   * rows took 105 such passes (docs/performance.md "Finalising a large job"). One grouped count of the
   * job's rows per address (one pass) cuts the addresses into ranges of about `pageSize` rows; each page
   * is then `job_id = ? AND ip BETWEEN first AND last` on the (job_id, ip, …) unique index, whatever plan
   * the database picks, so the whole read is linear in the job's size on both dialects.
   * `lean`: ports that are not open come without their data column (round-trip time, host name): all that
   * change detection and the finalizer read of them is their state and reason (src/worker/finalize.ts).
   */
  async *byHost(scope: AgencyScope, jobId: string, pageSize = 5000, afterIp?: string, opts: { lean?: boolean } = {}): AsyncGenerator<{ ip: string; observations: Observation[] }> {
    await new ScanRepo(this.#ctx).getJob(scope, jobId);
    yield* this.#byHost(jobId, pageSize, afterIp, opts.lean === true);
  }

  /**
   * byHost's reader. `lean`: what change detection needs only (domain/diff.ts buildSnapshots: states, and
   * the service of open ports) — the data column of every other port row (its round-trip time, most of a
   * large job's rows) is neither sent nor parsed.
   */
  async *#byHost(jobId: string, pageSize: number, afterIp: string | undefined, lean: boolean): AsyncGenerator<{ ip: string; observations: Observation[] }> {
    const d = this.#ctx.d;
    const perIp = await run(this.#ctx, 'counting observations per host', (db) => {
      let q = db.selectFrom('observations').select((eb) => ['ip', eb.fn.countAll<number | string>().as('n')]).where('job_id', '=', jobId);
      if (afterIp !== undefined) q = q.where('ip', '>', afterIp);
      return q.groupBy('ip').orderBy('ip').execute();
    });
    for (let i = 0; i < perIp.length;) {
      // One page: consecutive addresses up to `pageSize` rows (a host with more rows is a page of its own).
      let j = i;
      let rowsInPage = 0;
      while (j < perIp.length && (j === i || rowsInPage + Number(perIp[j]!.n) <= pageSize)) rowsInPage += Number(perIp[j++]!.n);
      const first = perIp[i]!.ip;
      const last = perIp[j - 1]!.ip;
      i = j;
      const rows = await run(this.#ctx, 'reading observations', (db) => db.selectFrom('observations')
        .select(['ip', 'kind', 'port', 'key', 'state', 'reason'])
        .select(lean ? sql<Selectable<ObservationTable>['data']>`case when kind = 'port' and state <> 'open' then null else data end`.as('data') : 'data')
        .where('job_id', '=', jobId).where('ip', '>=', first).where('ip', '<=', last)
        .orderBy('ip').orderBy('kind').orderBy('port').orderBy('key').execute());
      let cur: { ip: string; observations: Observation[] } | undefined;
      for (const r of rows) {
        if (cur !== undefined && cur.ip !== r.ip) {
          yield cur;
          cur = undefined;
        }
        cur ??= { ip: r.ip, observations: [] };
        cur.observations.push(fromRow(d, r));
      }
      if (cur !== undefined) yield cur;
    }
  }

  /**
   * The completed scans that recorded something at an asset's address, newest first (at most `limit`,
   * default 20). Observations are keyed by address, not by asset, so a job counts only when (a) it
   * belongs to the asset's agency or an ancestor (a city-wide sweep covers the units) and (b) its host
   * line does not contradict the asset's identity (another MAC or NetBIOS name at that address means
   * another machine held it then). Visible to whoever sees the asset, even when the job belongs to an
   * ancestor outside the caller's scope: only this address's rows are returned. `truncated` says older
   * scans may exist beyond what was read.
   */
  async ofAsset(scope: AgencyScope, assetId: string, opts: { limit?: number } = {}): Promise<{ scans: AssetScan[]; truncated: boolean }> {
    const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
    const d = this.#ctx.d;
    return run(this.#ctx, 'reading the scans of an asset', async (db) => {
      const asset = await db.selectFrom('assets').select(['id', 'agency_id', 'ip', 'mac', 'netbios_name'])
        .where('id', '=', assetId).where(scopeFilter('agency_id', scope)).executeTakeFirst();
      if (asset === undefined) throw notFound('asset', assetId);
      const agencies = [asset.agency_id, ...(await ancestorIds(db, asset.agency_id))];
      const jobs = await db.selectFrom('scan_jobs').select(['id', 'profile', 'finished_at', 'created_at', 'ports', 'checks'])
        .where('agency_id', 'in', agencies).where('status', '=', 'completed').where('finished_at', 'is not', null)
        .orderBy('finished_at', 'desc').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(ASSET_SCAN_CANDIDATES).execute();
      if (jobs.length === 0) return { scans: [], truncated: false };
      // (job_id, ip, …) is the observations' unique index: one indexed range per job.
      const rows = [];
      for (const part of chunks(jobs.map((j) => j.id), 500)) {
        const got = await db.selectFrom('observations').select(['job_id', 'ip', 'kind', 'port', 'key', 'state', 'reason', 'data'])
          .where('job_id', 'in', part).where('ip', '=', asset.ip).orderBy('job_id').orderBy('kind').orderBy('port').orderBy('key').execute();
        for (const r of got) rows.push(r);
      }
      const byJob = new Map<string, Observation[]>();
      for (const r of rows) {
        const l = byJob.get(r.job_id);
        if (l === undefined) byJob.set(r.job_id, [fromRow(d, r)]);
        else l.push(fromRow(d, r));
      }
      const scans: AssetScan[] = [];
      let more = false;
      for (const j of jobs) {
        const obs = byJob.get(j.id);
        if (obs === undefined || !sameMachine(asset, obs)) continue;
        if (scans.length === limit) {
          more = true;
          break;
        }
        scans.push({ jobId: j.id, profile: j.profile, finishedAt: j.finished_at!, ports: d.fromJson<number[]>(j.ports) ?? [], checks: d.fromJson<string[]>(j.checks), observations: obs });
      }
      return { scans, truncated: more || jobs.length === ASSET_SCAN_CANDIDATES };
    });
  }

  /** Per-host snapshot of a job, for change detection (domain/diff.ts). */
  async snapshot(scope: AgencyScope, jobId: string): Promise<HostSnapshot[]> {
    await new ScanRepo(this.#ctx).getJob(scope, jobId);
    const out: HostSnapshot[] = [];
    for await (const h of this.#byHost(jobId, 5000, undefined, true)) for (const s of buildSnapshots(h.observations)) out.push(s);
    return out;
  }

  /**
   * Compare two jobs like with like (domain/diff.ts compareSnapshots, with what each probed). The caller
   * has checked that it may see `current`; `previous` may belong to an agency above the caller's (a
   * city-wide sweep, ScanRepo.previousCompleted), so only its hosts inside `current`'s targets are read.
   * `currentSnapshots`: `current`'s snapshots when the caller already has them (the finalizer).
   */
  async compareJobs(previous: ScanJob, current: ScanJob, currentSnapshots?: readonly HostSnapshot[]): Promise<ScanComparison> {
    const within = current.targets.map((t) => parseCidr(t));
    const prev = (await this.snapshot('all', previous.id)).filter((h) => {
      const a = parseAddress(h.ip);
      return within.some((b) => cidrContainsAddress(b, a));
    });
    // The finalizer built `current`'s snapshots during its own pass over the job: not read a second time.
    return compareSnapshots(prev, currentSnapshots ?? await this.snapshot('all', current.id), { previous: coverageOf(previous), current: coverageOf(current) });
  }
}
