// createStore: open the database named by a URL, run pending migrations, and hand out the repositories.
//
//   const store = await createStore({ url: 'sqlite:///var/lib/perisai/perisai.db' });
//   const store = await createStore({ url: 'postgres://perisai@db.kota.go.id/perisai' });
//   await store.transaction(async (tx) => { … tx.findings.applyScan(…) … tx.outbox.enqueue(…) … });
//
// Every repository method is atomic on its own; Store.transaction groups several into one.

import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { PerisaiError } from '../domain/errors.js';
import { validateNetworkPolicy } from '../domain/network.js';
import type { NetworkPolicy } from '../domain/network.js';
import type { Ctx } from './context.js';
import type { DialectKind, DialectOptions, StoreDialect } from './dialect.js';
import { defaultDataDir, openDialect, parseStoreUrl, tightenDataDir } from './dialect.js';
import { migrateToLatest, migrator } from './migrations.js';
import { ReadMemo } from './memo.js';
import type { Database } from './schema.js';
import { AgencyRepo } from './repos/agencies.js';
import { AlertRepo } from './repos/alerts.js';
import { AssetRepo } from './repos/assets.js';
import { ContactRepo } from './repos/contacts.js';
import { FindingRepo } from './repos/findings.js';
import { NetworkRepo } from './repos/networks.js';
import { ObservationRepo } from './repos/observations.js';
import { OutboxRepo } from './repos/outbox.js';
import { ScanRepo } from './repos/scans.js';
import { ScheduleRepo } from './repos/schedules.js';
import { AuditRepo } from './repos/audit.js';
import { DashboardRepo } from './repos/dashboard.js';
import { LoginThrottleRepo, SessionRepo } from './repos/sessions.js';
import { TriageRepo } from './repos/triage.js';
import { UserRepo } from './repos/users.js';
import { IncidentReportRepo } from './repos/incident-reports.js';
import { IncidentRepo } from './repos/incidents.js';
import { PlaybookRepo } from './repos/playbooks.js';
import { CircularRepo } from './repos/circulars.js';
import { OfficeRepo } from './repos/office.js';
import { ImportRepo } from './repos/imports.js';
import { SecretBox, defaultKeyFile } from './secrets.js';
import type { SecretKeyOptions } from './secrets.js';
import { WorkerRepo } from './repos/workers.js';
import { WorkerCredentialRepo } from './repos/worker-credentials.js';

export interface StoreOptions extends DialectOptions, SecretKeyOptions {
  /** sqlite:///path/file.db | sqlite:rel.db | sqlite::memory: | postgres://… ; default SQLite under the data dir. */
  readonly url?: string;
  /** Data directory for the default SQLite file (default: $PERISAI_DATA_DIR, XDG data home). */
  readonly dataDir?: string;
  /** Run pending migrations on open (default true). */
  readonly migrate?: boolean;
  /** The clock every repository uses for timestamps (tests pin it). */
  readonly clock?: () => Date;
  /**
   * Network registrations wider than these prefixes need a confirmation (domain/network.ts). Default:
   * $PERISAI_NETWORK_CONFIRM_V4 / $PERISAI_NETWORK_CONFIRM_V6, else /16 and /48.
   */
  readonly networkPolicy?: Partial<NetworkPolicy>;
}

/** The network policy from the options, falling back to the environment, then to the defaults. */
export function networkPolicyOf(opts: Pick<StoreOptions, 'networkPolicy'>, env: NodeJS.ProcessEnv = process.env): NetworkPolicy {
  return validateNetworkPolicy({
    confirmPrefixV4: opts.networkPolicy?.confirmPrefixV4 ?? env.PERISAI_NETWORK_CONFIRM_V4,
    confirmPrefixV6: opts.networkPolicy?.confirmPrefixV6 ?? env.PERISAI_NETWORK_CONFIRM_V6,
  });
}

export interface Repositories {
  readonly agencies: AgencyRepo;
  readonly contacts: ContactRepo;
  readonly networks: NetworkRepo;
  readonly assets: AssetRepo;
  readonly scans: ScanRepo;
  readonly observations: ObservationRepo;
  readonly findings: FindingRepo;
  readonly outbox: OutboxRepo;
  readonly alerts: AlertRepo;
  readonly schedules: ScheduleRepo;
  // Accounts and the web application: not agency data, so unscoped; the API restricts them.
  readonly users: UserRepo;
  readonly sessions: SessionRepo;
  readonly loginThrottle: LoginThrottleRepo;
  readonly audit: AuditRepo;
  readonly triage: TriageRepo;
  readonly dashboard: DashboardRepo;
  // Incident reports, incidents and playbooks (docs/incidents.md).
  readonly incidentReports: IncidentReportRepo;
  readonly incidents: IncidentRepo;
  readonly playbooks: PlaybookRepo;
  // Circulars, their answers, verification and campaigns (docs/circulars.md).
  readonly circulars: CircularRepo;
  // The office's settings, weekly report-card schedules and the cards they issued (docs/circulars.md).
  readonly office: OfficeRepo;
  // Inventory imports at city scale: staging and the one-step publish (src/io/import.ts).
  readonly imports: ImportRepo;
  readonly workers: WorkerRepo;
  // Enrolled segment workers: one-time enrollment tokens and revocable credentials (docs/api.md "Enrolled segment workers").
  readonly workerCredentials: WorkerCredentialRepo;
}

export interface Store extends Repositories {
  readonly dialect: DialectKind;
  /** Where the data is (path or URL without password). */
  readonly location: string;
  /** Run `fn` in one transaction; repositories on `tx` join it. Rolled back entirely if `fn` throws. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** The key that seals stored secrets (src/store/secrets.ts): where it is, rotation steps. */
  readonly secrets: SecretBox;
  /** Refresh planner statistics (nightly, and after bulk loads); see StoreDialect.maintain. */
  maintain(): Promise<void>;
  /** Applied and pending migrations. */
  migrations(): Promise<{ name: string; executedAt: string | null }[]>;
  /** The migrations this open applied (empty: the schema was up to date); `serve` and `worker` log them. */
  readonly migrated: readonly string[];
  /**
   * A cheap round trip (`select 1`) answered within `timeoutMs` (for /api/v1/health): the time it took, or
   * why not — a lost connection or the timeout. Never throws.
   */
  ping(timeoutMs: number): Promise<{ readonly ok: true; readonly ms: number } | { readonly ok: false; readonly error: string }>;
  close(): Promise<void>;
}

function repositories(ctx: Ctx): Repositories {
  return {
    agencies: new AgencyRepo(ctx),
    contacts: new ContactRepo(ctx),
    networks: new NetworkRepo(ctx),
    assets: new AssetRepo(ctx),
    scans: new ScanRepo(ctx),
    observations: new ObservationRepo(ctx),
    findings: new FindingRepo(ctx),
    outbox: new OutboxRepo(ctx),
    alerts: new AlertRepo(ctx),
    schedules: new ScheduleRepo(ctx),
    users: new UserRepo(ctx),
    sessions: new SessionRepo(ctx),
    loginThrottle: new LoginThrottleRepo(ctx),
    audit: new AuditRepo(ctx),
    triage: new TriageRepo(ctx),
    dashboard: new DashboardRepo(ctx),
    incidentReports: new IncidentReportRepo(ctx),
    incidents: new IncidentRepo(ctx),
    playbooks: new PlaybookRepo(ctx),
    circulars: new CircularRepo(ctx),
    office: new OfficeRepo(ctx),
    imports: new ImportRepo(ctx),
    workers: new WorkerRepo(ctx),
    workerCredentials: new WorkerCredentialRepo(ctx),
  };
}

export async function createStore(opts: StoreOptions = {}): Promise<Store> {
  const networkPolicy = networkPolicyOf(opts);
  const location = parseStoreUrl(opts.url, opts.dataDir);
  const dataDir = opts.dataDir ?? defaultDataDir();
  // The embedded database in the data directory: that directory is the service's own, 0700.
  if (location.kind === 'sqlite' && (opts.url === undefined || opts.url.trim() === '')) tightenDataDir(dataDir);
  const d: StoreDialect = openDialect(location, opts);
  const secrets = new SecretBox(opts, defaultKeyFile(location, dataDir), process.env, location.kind === 'sqlite' ? location.path : dataDir);
  const clock = opts.clock ?? (() => new Date());
  const memo = new ReadMemo();
  const root: Ctx = { d, db: d.db, inTransaction: false, clock, networkPolicy, secrets, memo };
  let migrated: string[] = [];
  try {
    if (opts.migrate ?? true) {
      migrated = await migrateToLatest(d);
      // Secrets stored in plain text by an older version are sealed at the first start of this one (the key
      // is outside the database, so a migration cannot do it).
      await new AlertRepo(root).sealPlaintext();
    }
  } catch (e) {
    await d.close().catch(() => {});
    throw e instanceof PerisaiError ? e : d.mapError(e, 'opening the store');
  }
  let closed = false;
  return {
    ...repositories(root),
    dialect: d.kind,
    location: d.where,
    secrets,
    async transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
      try {
        return await d.db.transaction().execute((trx: Kysely<Database>) => fn(repositories({ d, db: trx, inTransaction: true, clock, networkPolicy, secrets, memo })));
      } catch (e) {
        throw d.mapError(e, 'running a transaction');
      }
    },
    async maintain() {
      try {
        await d.maintain(d.db);
      } catch (e) {
        throw d.mapError(e, 'maintaining the database');
      }
    },
    migrated,
    async ping(timeoutMs) {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
      try {
        const r = await Promise.race([sql`select 1 as one`.execute(d.db), late]);
        if (r === 'late') return { ok: false as const, error: `no answer within ${timeoutMs} ms` };
        return { ok: true as const, ms: Math.round(performance.now() - started) };
      } catch (e) {
        const mapped = d.mapError(e, 'checking the database');
        return { ok: false as const, error: (mapped as Error)?.message ?? String(mapped) };
      } finally {
        clearTimeout(timer);
      }
    },
    async migrations() {
      try {
        const list = await migrator(d).getMigrations();
        return list.map((m) => ({ name: m.name, executedAt: m.executedAt?.toISOString() ?? null }));
      } catch (e) {
        throw d.mapError(e, 'reading migrations');
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await d.close();
    },
  };
}
