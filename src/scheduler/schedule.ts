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
