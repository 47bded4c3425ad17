// When a monitoring schedule runs next: the cron's next fire time in the schedule's time
// zone (croner), moved forward to the end of any forbidden scan window of the agency (own + ancestors',
// docs/store.md "Scan windows") — a due run inside a forbidden window waits for the window to end.

import { Cron } from 'croner';
import { validationError } from '../domain/errors.js';
import { isInScanWindow } from '../domain/scan-window.js';
import type { ScanWindow } from '../domain/scan-window.js';
import { DEFAULT_TIME_ZONE } from '../domain/calendar.js';

/** How far ahead we look for a permitted minute: windows repeat weekly, so 8 days is always enough. */
const WINDOW_HORIZON_MIN = 8 * 24 * 60;

/** Validate a cron pattern and time zone; returns the croner object (paused: we only compute times). */
export function parseCron(pattern: string, timeZone: string = DEFAULT_TIME_ZONE): Cron {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw validationError(`time zone ${JSON.stringify(timeZone)} is not an IANA zone (e.g. Asia/Jakarta)`, { field: 'timeZone' });
  }
  try {
    return new Cron(pattern, { timezone: timeZone, paused: true });
  } catch (e) {
    throw validationError(`cron ${JSON.stringify(pattern)}: ${(e as Error).message}`, { field: 'cron' });
  }
}

/** How far ahead shortestGap looks, and how many runs it reads at most (croner takes ~40 µs a run). */
const GAP_HORIZON_MS = 366 * 86_400_000;
const GAP_MAX_RUNS = 20_000;

/**
 * The shortest time between two consecutive runs of `pattern` over the year after `from` (the year holds
 * every month boundary and weekday a five-field cron can tell apart), or the first gap found below
 * `floorMs` — no need to look further then. Every five-field cron runs at most once a minute, so a floor
 * of a minute or less needs no look at all (undefined). Yields to the event loop every 200 runs: an
 * hourly cron has 8,784 runs in a year, about a third of a second of croner.
 */
export async function shortestGap(pattern: string, timeZone: string, from: Date, floorMs: number): Promise<number | undefined> {
  if (floorMs <= 60_000) return undefined;
  const cron = parseCron(pattern, timeZone);
  const end = from.getTime() + GAP_HORIZON_MS;
  let prev = cron.nextRun(from);
  let shortest: number | undefined;
  for (let i = 1; prev !== null && prev.getTime() < end && i <= GAP_MAX_RUNS; i++) {
    const next = cron.nextRun(prev);
    if (next === null) break;
    const gap = next.getTime() - prev.getTime();
    if (shortest === undefined || gap < shortest) shortest = gap;
    if (shortest < floorMs) return shortest;
    prev = next;
    if (i % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return shortest;
}

/**
 * The first moment at or after `from` when the windows allow a scan (minute resolution: windows are
 * HH:MM). Returns `from` itself when it is allowed; undefined when the windows forbid every minute.
 */
export function firstAllowed(windows: readonly ScanWindow[], from: Date): Date | undefined {
  if (isInScanWindow(windows, from)) return from;
  // Step to the next whole minute, then minute by minute (at most 8 days × 1440 cheap checks).
  let t = Math.floor(from.getTime() / 60_000) * 60_000 + 60_000;
  for (let i = 0; i < WINDOW_HORIZON_MIN; i++, t += 60_000) {
    if (isInScanWindow(windows, new Date(t))) return new Date(t);
  }
  return undefined;
}

/** The next run strictly after `after`: cron fire time, then pushed out of forbidden windows. */
export function nextRunAt(pattern: string, timeZone: string, after: Date, windows: readonly ScanWindow[]): Date {
  const fire = parseCron(pattern, timeZone).nextRun(after);
  if (fire === null) throw validationError(`cron ${JSON.stringify(pattern)} never fires again`, { field: 'cron' });
  const ok = firstAllowed(windows, fire);
  if (ok === undefined) throw validationError('the agency\'s scan windows forbid every minute of the week: no scan can ever run', { field: 'scanWindows' });
  return ok;
}

/**
 * Cut a job's index space [0, planned) into tasks of `slots` index slots each (the last one shorter),
 * all in `zone`. Index slots are positions in the seeded permutation of target×port, so every task
 * spreads over many hosts instead of hammering one.
 */
export function planTasks(planned: number, slots: number, zone: string | null): { start: number; end: number; zone: string | null }[] {
  if (!Number.isInteger(slots) || slots < 1) throw validationError('slots per task: a positive integer', { field: 'slotsPerTask' });
  const out: { start: number; end: number; zone: string | null }[] = [];
  for (let s = 0; s < planned; s += slots) out.push({ start: s, end: Math.min(planned, s + slots), zone });
  return out;
}
