// The scheduler loop: every `tickMs` it reads the schedules that are due, and for each
// one either starts a job (targets = the agency's or network's registered blocks) or, when the agency's
// scan windows forbid scanning right now, moves next_run_at to the end of the forbidden window. Starting
// a job and moving next_run_at happen in ONE transaction with a compare-and-set on next_run_at, so two
// `perisai serve` processes on one database never start the same run twice.

import type { ScanJob } from '../domain/scan-job.js';
import type { Vantage } from '../domain/risk.js';
import { validationError } from '../domain/errors.js';
import { PerisaiError } from '../domain/errors.js';
import { isInScanWindow } from '../domain/scan-window.js';
import type { TaskQueue } from '../queue/queue.js';
import { isBusy } from '../store/index.js';
import type { Schedule, Store } from '../store/index.js';
import { PROFILES } from '../domain/scan-profile.js';
import { DEFAULT_TIME_ZONE } from '../domain/calendar.js';
import { createScanJob, registeredTargets } from './jobs.js';
import { firstAllowed, nextRunAt, parseCron, shortestGap } from './schedule.js';
import { checkCronFields, checkScheduleInterval, DEFAULT_SCAN_BRAKES, earliestScheduledRun } from '../domain/scan-brakes.js';
import type { ScanBrakes } from '../domain/scan-brakes.js';

export interface AddSchedule {
  readonly agencyId: string;
  readonly networkId?: string | null;
  readonly cron: string;
  readonly timeZone?: string;
  readonly ports: readonly number[];
  readonly profile?: string;
  readonly vantage?: Vantage;
  readonly zone?: string | null;
  readonly slotsPerTask?: number;
  readonly createdBy: string;
}

/**
 * Validate and store a schedule; its first run is the next cron time the agency's windows allow. The cron
 * has five fields and runs no more often than the brakes allow (domain/scan-brakes.ts), whichever front
 * door (API, CLI) it came through.
 */
export async function addSchedule(store: Store, input: AddSchedule, now = new Date(), brakes: ScanBrakes = DEFAULT_SCAN_BRAKES): Promise<Schedule> {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  checkCronFields(input.cron);
  parseCron(input.cron, timeZone);
  checkScheduleInterval(input.cron, await shortestGap(input.cron, timeZone, now, brakes.scheduleMinIntervalMinutes * 60_000), brakes);
  const profile = input.profile ?? 'ransomware';
  if (PROFILES[profile] === undefined) throw validationError(`profile: one of ${Object.keys(PROFILES).join(', ')}`, { field: 'profile' });
  if (input.ports.length === 0) throw validationError('ports: at least one', { field: 'ports' });
  const windows = await store.agencies.effectiveScanWindows('all', input.agencyId);
  return store.schedules.create('all', {
    agencyId: input.agencyId, networkId: input.networkId ?? null, cron: input.cron, timeZone, ports: input.ports, profile,
    vantage: input.vantage ?? 'internal', zone: input.zone ?? null, slotsPerTask: input.slotsPerTask ?? 4096,
    nextRunAt: nextRunAt(input.cron, timeZone, now, windows).toISOString(), createdBy: input.createdBy,
  });
}

export interface TickResult {
  readonly started: ScanJob[];
  /** Schedules that were due inside a forbidden window and now wait for it to end. */
  readonly deferred: { scheduleId: string; until: string }[];
  readonly errors: { scheduleId: string; error: string }[];
}

export class Scheduler {
  readonly #store: Store;
  readonly #queue: TaskQueue;
  readonly #clock: () => Date;
  readonly #log: (line: string) => void;
  readonly #brakes: ScanBrakes;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<unknown> | undefined;

  constructor(store: Store, queue: TaskQueue, opts: { clock?: () => Date; log?: (line: string) => void; brakes?: ScanBrakes } = {}) {
    this.#store = store;
    this.#queue = queue;
    this.#clock = opts.clock ?? (() => new Date());
    this.#log = opts.log ?? (() => {});
    this.#brakes = opts.brakes ?? DEFAULT_SCAN_BRAKES;
  }

  /**
   * When the last scheduled scan of this schedule's target (the same agency and network, whichever
   * schedule started it) began, by the schedules' own record of their runs (the scheduler's clock).
   */
  async #lastRunOfTarget(s: Schedule): Promise<string | undefined> {
    let last: string | undefined;
    for (const o of await this.#store.schedules.list('all', { agencyId: s.agencyId })) {
      if (o.networkId === s.networkId && o.lastRunAt !== null && (last === undefined || o.lastRunAt > last)) last = o.lastRunAt;
    }
    return last;
  }

  /** Turn every due schedule into a job (or defer it past a forbidden window). */
  async tick(): Promise<TickResult> {
    const now = this.#clock();
    const out: TickResult = { started: [], deferred: [], errors: [] };
    for (const s of await this.#store.schedules.due(now.toISOString())) {
      try {
        const windows = await this.#store.agencies.effectiveScanWindows('all', s.agencyId);
        if (!isInScanWindow(windows, now)) {
          const until = firstAllowed(windows, now) ?? nextRunAt(s.cron, s.timeZone, now, windows);
          if (await this.#store.schedules.advance(s.id, s.nextRunAt, until.toISOString(), null)) {
            out.deferred.push({ scheduleId: s.id, until: until.toISOString() });
            this.#log(`schedule ${s.id}: inside a forbidden scan window; waits until ${until.toISOString()}`);
          }
          continue;
        }
        // The minimum interval between scheduled scans of one network (domain/scan-brakes.ts): a schedule
        // stored before the rule (a cron with seconds) or a second schedule of the same target waits.
        const earliest = earliestScheduledRun(await this.#lastRunOfTarget(s), this.#brakes);
        if (earliest !== undefined && earliest.getTime() > now.getTime()) {
          const until = nextRunAt(s.cron, s.timeZone, new Date(earliest.getTime() - 1), windows);
          if (await this.#store.schedules.advance(s.id, s.nextRunAt, until.toISOString(), null)) {
            out.deferred.push({ scheduleId: s.id, until: until.toISOString() });
            this.#log(`schedule ${s.id}: the last scheduled scan of its target started less than ${this.#brakes.scheduleMinIntervalMinutes} min ago; waits until ${until.toISOString()}`);
          }
          continue;
        }
        const job = await this.#startRun(s, now, windows);
        if (job !== undefined) {
          out.started.push(job);
          this.#log(`schedule ${s.id}: started job ${job.id} (${job.targets.join(', ')}; ${job.planned} probes)`);
        }
      } catch (e) {
        if (isBusy(e)) {
          // Another process holds the write lock (an import, a backup): the run is due still; the next tick starts it.
          this.#log(`schedule ${s.id}: the database is busy; trying again at the next tick`);
          continue;
        }
        out.errors.push({ scheduleId: s.id, error: (e as Error)?.message ?? String(e) });
        this.#log(`schedule ${s.id}: ${(e as Error)?.message ?? String(e)}`);
        // A schedule that cannot run (e.g. its networks were removed) must not be retried every tick.
        try {
          const next = nextRunAt(s.cron, s.timeZone, now, []);
          await this.#store.schedules.advance(s.id, s.nextRunAt, next.toISOString(), null);
        } catch {
          // the error above is what the operator needs to see
        }
      }
    }
    return out;
  }

  async #startRun(s: Schedule, now: Date, windows: Awaited<ReturnType<Store['agencies']['effectiveScanWindows']>>): Promise<ScanJob | undefined> {
    const plan = await registeredTargets(this.#store, 'all', s.agencyId, s.networkId);
    const targets = plan.targets;
    if (targets.length === 0) throw validationError(`schedule ${s.id}: the agency has no registered networks to scan`, { field: 'networks' });
    const zone = s.zone ?? plan.zone;
    const next = nextRunAt(s.cron, s.timeZone, now, windows);
    let job: ScanJob;
    try {
      job = await this.#store.transaction(async (tx) => {
        const j = await createScanJob(tx, 'all', {
          agencyId: s.agencyId, networkId: s.networkId, scheduleId: s.id, targets, ports: s.ports, profile: s.profile,
          vantage: s.vantage as Vantage, zone, slotsPerTask: s.slotsPerTask, requestedBy: `schedule ${s.id} (${s.createdBy})`,
        });
        if (!(await tx.schedules.advance(s.id, s.nextRunAt, next.toISOString(), { at: now.toISOString(), jobId: j.id }))) {
          throw new PerisaiError('E_CONFLICT', `schedule ${s.id} was started by another scheduler`, { scheduleId: s.id });
        }
        return j;
      });
    } catch (e) {
      if (e instanceof PerisaiError && e.code === 'E_CONFLICT') return undefined;
      throw e;
    }
    await this.#queue.publish((await this.#store.scans.tasks('all', job.id)).map((t) => ({ id: t.id, zone: t.zone })));
    return job;
  }

  start(tickMs = 15_000): void {
    const run = (): void => {
      this.#ticking ??= this.tick().catch((e: unknown) => this.#log(`scheduler: ${(e as Error)?.message ?? String(e)}`)).finally(() => (this.#ticking = undefined));
    };
    run();
    this.#timer = setInterval(run, tickMs);
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#ticking;
  }
}
