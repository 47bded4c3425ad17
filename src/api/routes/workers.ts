// GET /api/v1/workers (docs/deploy.md "Workers"): the scan workers that sent a heartbeat in the last day —
// name, zones, version, queue, when started and last heard of, whether that is recent enough to call it
// live, the task it runs and how many tasks it finished in the last hour. The city office's view of its
// scanning capacity: administrators and analysts only (a worker's host name says where it runs).

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '../../domain/roles.js';
import type { Store } from '../../store/index.js';
import { WorkerOut, responses } from '../schemas.js';

const OPERATE: readonly Role[] = ['admin', 'analyst'];
/** A worker heard of within this long is live: four heartbeats (src/worker/service.ts writes one every 15 s; WorkerOut's `live`). */
export const WORKER_LIVE_MS = 60_000;
const LISTED_FOR_MS = 24 * 3_600_000;


export function workerRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.get('/api/v1/workers', {
    config: { access: { roles: OPERATE } },
    schema: { tags: ['scans'], summary: 'Scan workers heard of in the last day, most recently seen first', response: responses({ 200: Type.Object({ items: Type.Array(WorkerOut) }) }) },
  }, async () => {
    const now = deps.clock().getTime();
    const items = await deps.store.workers.list({ since: new Date(now - LISTED_FOR_MS).toISOString() });
    return { items: items.map((w) => ({ ...w, zones: [...w.zones], live: now - Date.parse(w.lastSeenAt) <= WORKER_LIVE_MS })) };
  });
}
