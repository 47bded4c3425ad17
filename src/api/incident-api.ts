// The incident feature's routes in one registration (docs/incidents.md), so that app.ts names it once:
// the public form and status link, the triage of reports, incidents, playbooks and settings. The shipped
// playbooks are stored as version 1 when the store has none of their key yet.

import type { FastifyInstance } from 'fastify';
import { BUILT_IN_PLAYBOOKS } from '../domain/playbooks/ransomware-wannacry.js';
import type { TaskQueue } from '../queue/queue.js';
import { defaultDataDir } from '../store/index.js';
import type { Store } from '../store/index.js';
import { incidentReportRoutes } from './routes/incident-reports.js';
import { incidentRoutes } from './routes/incidents.js';
import { playbookRoutes } from './routes/playbooks.js';
import { DEFAULT_PUBLIC_REPORTS, publicReportRoutes } from './routes/public-reports.js';
import type { PublicReportOptions } from './routes/public-reports.js';

export interface IncidentApiDeps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly queue?: TaskQueue;
  /** Where report photos are stored (default: the data directory, $PERISAI_DATA_DIR …). */
  readonly dataDir?: string;
  /** The public form's limits and proof of work (tests turn them up or down). */
  readonly publicReports?: Partial<Omit<PublicReportOptions, 'dataDir'>>;
}

export async function registerIncidentApi(app: FastifyInstance, deps: IncidentApiDeps): Promise<void> {
  const dataDir = deps.dataDir ?? defaultDataDir();
  await deps.store.playbooks.ensureBuiltIns(BUILT_IN_PLAYBOOKS);
  publicReportRoutes(app, { store: deps.store, clock: deps.clock, options: { ...DEFAULT_PUBLIC_REPORTS, ...deps.publicReports, dataDir } });
  incidentReportRoutes(app, { store: deps.store, dataDir });
  incidentRoutes(app, { store: deps.store, clock: deps.clock, ...(deps.queue !== undefined ? { queue: deps.queue } : {}) });
  playbookRoutes(app, { store: deps.store });
}
