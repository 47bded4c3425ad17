// A zone with queued work and nobody to do it (docs/deploy.md "Workers"): a task of zone "rsud" waits for
// a worker started with --zone rsud, and without one the job stays `queued` without a word. Each sweep of
// `serve` asks the store which zones have had pending tasks for longer than `afterMs` with no worker heard
// of in that time, and writes one outbox message per zone and waiting period (topic
// worker.zone-unattended, severity high), which the alert rules route like any other (src/alerts/rules.ts).

import type { Store } from '../store/index.js';

export const ZONE_UNATTENDED_TOPIC = 'worker.zone-unattended';
/** Default: 10 minutes of queued work with no live worker of its zone. */
export const DEFAULT_UNATTENDED_MS = 10 * 60_000;

/** Enqueue the alerts due now; returns the zones reported this time (already reported ones are skipped by the dedup key). */
export async function watchZones(store: Store, opts: { now: Date; afterMs?: number }): Promise<(string | null)[]> {
  const afterMs = opts.afterMs ?? DEFAULT_UNATTENDED_MS;
  const since = new Date(opts.now.getTime() - afterMs).toISOString();
  const due = (await store.workers.unattendedZones(since)).filter((z) => z.oldest <= since);
  if (due.length === 0) return [];
  const minutes = Math.round(afterMs / 60_000);
  await store.outbox.enqueue(due.map((z) => {
    const name = z.zone ?? 'default';
    return {
      topic: ZONE_UNATTENDED_TOPIC,
      // One message per zone and waiting period: the oldest pending task's time names the period.
      dedupKey: `${ZONE_UNATTENDED_TOPIC}:${name}:${z.oldest}`,
      agencyId: null,
      payload: {
        zone: z.zone, pending: z.pending, since: z.oldest, severity: 'high',
        title: { id: `Zona "${name}": ${z.pending} tugas pindai menunggu tanpa worker aktif lebih dari ${minutes} menit`, en: `Zone "${name}": ${z.pending} scan task(s) waiting with no live worker for more than ${minutes} minutes` },
      },
    };
  }));
  return due.map((z) => z.zone);
}
