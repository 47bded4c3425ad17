// The circulars' sweep, run by `perisai serve` every minute (docs/circulars.md "Reminders and escalation"):
//  - for every sent circular and every agency that has not finished it, the reminders its policy names are
//    sent once each, before and after the earliest due time of the items left (domain dueReminders), to the
//    agency's PIC and technical contacts; once overdue past the escalation delay, the agency head and the
//    tembusan are told (the A3 escalation ladder: PIC → head of agency → tembusan);
//  - re-scans deferred to a scan window (attestations, campaigns) are started once their window opens;
//  - weekly report-card schedules that are due issue their cards (src/api/report-schedule.ts).
// A failing step is logged and the others still run; the next tick tries again (periodic.ts). The clock is
// injected, so tests move time instead of waiting.

import { agencyFinished, dueReminders } from '../domain/circular.js';
import type { TaskQueue } from '../queue/queue.js';
import type { Store } from '../store/index.js';
import { contactEmails, nextDue, reminderMessage, startAgencyScan } from './circular-service.js';
import { startPeriodic, stepper } from './periodic.js';
import { runReportSchedules } from './report-schedule.js';
import type { Periodic } from './periodic.js';

export interface CircularSweepOptions {
  readonly intervalMs?: number;
  readonly clock?: () => Date;
  readonly log?: (line: string) => void;
  readonly queue?: TaskQueue;
}

export interface CircularSweepRun {
  readonly reminders: number | null;
  readonly rescans: number | null;
  readonly reportCards: number | null;
}

/** Send the reminders and escalations due now; returns how many were queued. */
export async function sendReminders(store: Store, now: Date): Promise<number> {
  let n = 0;
  for (const c of await store.circulars.active()) {
    const sent = await store.circulars.remindersSent(c.id);
    const answers = await store.circulars.answers(c.id, 'all');
    for (const r of await store.circulars.recipients(c.id, 'all')) {
      const mine = answers.filter((a) => a.agencyId === r.agencyId);
      if (agencyFinished(c.content.items, new Map(mine.map((a) => [a.itemCode, a.status])))) continue;
      const due = nextDue(c, mine);
      if (due === null) continue;
      for (const kind of dueReminders(c.reminderPolicy, due, now, sent.get(r.agencyId) ?? new Set())) {
        const to = kind === 'escalation'
          ? [...await contactEmails(store, r.agencyId, ['head']), ...c.content.tembusan.flatMap((t) => (t.email !== null ? [t.email] : []))]
          : await contactEmails(store, r.agencyId, ['pic', 'technical']);
        if (await store.circulars.recordReminder(c.id, r.agencyId, kind, reminderMessage(c, r.agencyId, kind, due, to))) n++;
      }
    }
  }
  return n;
}

/** Start the deferred re-scans whose scan window is open now; returns how many started. */
export async function startDeferredRescans(store: Store, now: Date, queue?: TaskQueue): Promise<number> {
  let n = 0;
  for (const r of await store.circulars.dueRescans(now.toISOString())) {
    const s = await startAgencyScan(store, r.agencyId, { by: `circular:${r.requestedBy}`, override: false, now, queue });
    if (s.state === 'queued' || s.state === 'busy') {
      await store.circulars.markRescanStarted(r.id, s.jobIds, null);
      if (r.campaignId !== null) {
        const nets = await store.networks.list('all', { agencyId: r.agencyId });
        await store.circulars.addCampaignJobs(r.campaignId, nets.map((x) => ({ agencyId: r.agencyId, networkId: x.id, jobId: s.jobIds[0] ?? null, kind: 'rescan', reason: null })));
      }
      n++;
    } else if (s.state === 'deferred') {
      await store.circulars.markRescanStarted(r.id, [], s.notBefore);
    }
  }
  return n;
}

export function startCircularSweep(store: Store, opts: CircularSweepOptions = {}): Periodic<CircularSweepRun> {
  const clock = opts.clock ?? (() => new Date());
  const step = stepper('circular sweep', opts.log ?? (() => {}));
  const once = async (): Promise<CircularSweepRun> => ({
    reminders: await step('sending reminders', () => sendReminders(store, clock())),
    rescans: await step('starting deferred re-scans', () => startDeferredRescans(store, clock(), opts.queue)),
    reportCards: await step('issuing weekly report cards', () => runReportSchedules(store, clock())),
  });
  return startPeriodic(once, opts.intervalMs ?? 60_000);
}
