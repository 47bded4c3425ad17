// The circular feature's routes in one registration (docs/circulars.md), so that app.ts names it once:
// the signed-in routes, the agency link page, and the office's settings and weekly report-card schedules. The shipped templates are stored as version 1 when the
// store has none of their key yet.

import type { FastifyInstance } from 'fastify';
import { BUILTIN_CIRCULAR_TEMPLATES } from '../domain/circulars/wannacry-2017.js';
import type { TaskQueue } from '../queue/queue.js';
import type { Store } from '../store/index.js';
import { circularRoutes } from './routes/circulars.js';
import { officeRoutes } from './routes/office.js';
import { publicCircularRoutes } from './routes/public-circulars.js';
import type { RateWindow } from './rate-window.js';

export interface CircularApiDeps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly dataDir: string;
  readonly queue?: TaskQueue;
  readonly evidenceMaxBytes?: number;
  readonly linkPerAddress?: RateWindow;
  readonly sseIntervalMs?: number;
}

export async function registerCircularApi(app: FastifyInstance, deps: CircularApiDeps): Promise<void> {
  await deps.store.circulars.ensureBuiltIns(BUILTIN_CIRCULAR_TEMPLATES);
  const common = { store: deps.store, clock: deps.clock, dataDir: deps.dataDir, ...(deps.queue !== undefined ? { queue: deps.queue } : {}), ...(deps.evidenceMaxBytes !== undefined ? { evidenceMaxBytes: deps.evidenceMaxBytes } : {}) };
  circularRoutes(app, { ...common, ...(deps.sseIntervalMs !== undefined ? { sseIntervalMs: deps.sseIntervalMs } : {}) });
  publicCircularRoutes(app, { ...common, ...(deps.linkPerAddress !== undefined ? { perAddress: deps.linkPerAddress } : {}) });
  officeRoutes(app, { store: deps.store, clock: deps.clock });
}
