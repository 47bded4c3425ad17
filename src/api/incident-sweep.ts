// The incident clocks' sweep, run by `perisai serve` every minute (docs/incidents.md "Clocks"):
//  - every open incident's clocks are computed (domain/incident-clocks.ts) and each warning and breach not
//    announced yet is announced once: a timeline entry and an alert outbox row (`incident.clock-warning`,
//    `incident.clock-breached`), which the dispatcher sends through the configured channels;
//  - results of scans started from incidents that finished without the finalize hook recording them (a
//    crash between the two) go on their timelines;
//  - spent proof-of-work solutions past their expiry are forgotten.
// A failing step is logged and the others still run; the next tick tries again (periodic.ts).

import { clockEvents } from '../domain/incident-clocks.js';
import { localTime } from '../domain/incident-report.js';
import { TL } from '../domain/incident-timeline.js';
import type { Store } from '../store/index.js';
import { startPeriodic, stepper } from './periodic.js';
import type { Periodic } from './periodic.js';

export interface IncidentSweepOptions {
  /** Between runs (default one minute: the shortest internal target is counted in minutes). */
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  readonly log?: (line: string) => void;
}

export interface SweepRun {
  readonly announced: number | null;
  readonly scanResults: number | null;
  readonly powPurged: number | null;
}

export type IncidentSweep = Periodic<SweepRun>;

/** One pass over the open incidents' clocks; returns how many warnings and breaches it announced. */
export async function announceClocks(store: Store): Promise<number> {
  const settings = await store.incidents.settings();
  let n = 0;
  for (const inc of await store.incidents.openIncidents()) {
    const events = clockEvents(await store.incidents.clocks('all', inc.id), await store.incidents.firedClockEvents(inc.id));
    for (const e of events) {
      if (await store.incidents.fireClockEvent(inc, e.clock, e.event, TL.clock(e.event, e.clock.title, localTime(e.clock.dueAt, settings.timeZone)))) n++;
    }
  }
  return n;
}

export function startIncidentSweep(store: Store, opts: IncidentSweepOptions = {}): IncidentSweep {
  const clock = opts.clock ?? (() => new Date());
  const step = stepper('incident sweep', opts.log ?? (() => {}));
  const once = async (): Promise<SweepRun> => ({
    announced: await step('announcing clocks', () => announceClocks(store)),
    scanResults: await step('recording scan results', () => store.incidents.recordScanResults()),
    powPurged: await step('purging spent proofs of work', () => store.incidents.purgePow(clock().toISOString())),
  });
  return startPeriodic(once, opts.intervalMs ?? 60_000);
}
