// Periodic housekeeping of the web application, run by `perisai serve` once at start and then every hour:
//  - sessions that ended (absolute expiry, revoked, or idle past the idle timeout) are deleted — they can
//    never be used again, and a table of dead sessions only grows (OWASP Session Management Cheat Sheet:
//    invalidate server-side; nothing is gained by keeping them);
//  - login-throttle rows of subjects that are neither counting nor locked any more are deleted;
//  - today's snapshot of the dashboard is written (the trend, migration 0005_exposure_daily; the day's
//    last run wins, so a day's row shows its last hour).
// A failing step is logged and the others still run; the next tick tries again. `stop()` clears the
// timer and waits for a run in progress, so the store can be closed right after it.

import { DEFAULT_TIME_ZONE, dayKey } from '../domain/calendar.js';
import type { Store } from '../store/index.js';
import { DEFAULT_SESSION_POLICY } from './access.js';
import { DEFAULT_LOGIN_THROTTLE, throttleKeepMs } from './login-throttle.js';
import { startPeriodic, stepper } from './periodic.js';

export interface HousekeepingOptions {
  /** Between runs (default one hour). */
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  /** The city's time zone: which calendar day a snapshot belongs to (default Asia/Jakarta). */
  readonly timeZone?: string;
  /** Sessions idle for longer are dead (default: the API's idle timeout, 30 min). */
  readonly sessionIdleMs?: number;
  /** Throttle rows older than this and not locked are dropped (default: the longer of window and lock). */
  readonly throttleKeepMs?: number;
  readonly log?: (line: string) => void;
}

export interface HousekeepingRun {
  readonly sessions: number | null;
  readonly throttle: number | null;
  readonly snapshot: { readonly day: string; readonly agencies: number } | null;
}

export interface Housekeeping {
  /** One run now (also what the timer does); a step that failed reports null. */
  runOnce(): Promise<HousekeepingRun>;
  stop(): Promise<void>;
}

export function startHousekeeping(store: Store, opts: HousekeepingOptions = {}): Housekeeping {
  const clock = opts.clock ?? (() => new Date());
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const idleMs = opts.sessionIdleMs ?? DEFAULT_SESSION_POLICY.idleMs;
  const keepMs = opts.throttleKeepMs ?? throttleKeepMs(DEFAULT_LOGIN_THROTTLE);
  const log = opts.log ?? (() => {});
  const step = stepper('housekeeping', log);
  const once = async (): Promise<HousekeepingRun> => {
    const now = clock();
    const sessions = await step('purging sessions', () => store.sessions.purge(new Date(now.getTime() - idleMs).toISOString()));
    const throttle = await step('purging login throttle', () => store.loginThrottle.purge(new Date(now.getTime() - keepMs).toISOString()));
    const day = dayKey(now, timeZone);
    const agencies = await step(`recording the dashboard of ${day}`, () => store.dashboard.recordDay(day));
    return { sessions, throttle, snapshot: agencies === null ? null : { day, agencies } };
  };
  return startPeriodic(once, opts.intervalMs ?? 3600_000);
}
