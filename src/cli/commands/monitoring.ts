// Continuous monitoring commands:
//   perisai serve   [--data-dir DIR] [--db URL]       embedded: store + scheduler + worker loop, one process
//   perisai worker  [--zone Z[,Z2]]… --db URL         scan worker (pg-boss on PostgreSQL, the table on SQLite)
//   perisai schedule add|list|remove …                cron schedules per agency or network
//   perisai diff SCAN_A SCAN_B                        what changed between two scans
// The store opens and errors map to the documented exit codes through src/cli/shared.ts: bad input /
// unknown id → 2, storage → 4 (src/cli/errors.ts).

import { networkInterfaces } from 'node:os';
import { Command, Option } from 'commander';
import type { Change } from '../../domain/diff.js';
import { ZONE_NAME } from '../../domain/network.js';
import { VANTAGES } from '../../domain/risk.js';
import type { Vantage } from '../../domain/risk.js';
import { parsePorts } from '../../engine/targets/index.js';
import { LocalQueue } from '../../queue/local.js';
import { PgBossQueue } from '../../queue/pgboss.js';
import type { TaskQueue } from '../../queue/queue.js';
import { addSchedule, Scheduler } from '../../scheduler/scheduler.js';
import { DEFAULT_TIME_ZONE } from '../../domain/calendar.js';
import type { Store } from '../../store/index.js';
import { isConnectionLoss } from '../../store/index.js';
import { VERSION } from '../version.js';
import { PROFILES } from '../../domain/scan-profile.js';
import { validateScanBrakes } from '../../domain/scan-brakes.js';
import type { ScanBrakes } from '../../domain/scan-brakes.js';
import { WorkerService } from '../../worker/service.js';
import { DEFAULT_UNATTENDED_MS } from '../../worker/zone-watch.js';
import { buildApp, DEFAULT_RATE_LIMIT } from '../../api/app.js';
import { createLogger, lineLogger, LOG_FORMATS, LOG_LEVELS } from '../../api/log.js';
import type { LogFormat, LogLevel } from '../../api/log.js';
import { loadTls, parseTrustProxy } from '../../api/transport.js';
import { ApiError } from '../../api/errors.js';
import { ensureFirstAdmin } from '../../api/passwords.js';
import { startHousekeeping } from '../../api/housekeeping.js';
import { startIncidentSweep } from '../../api/incident-sweep.js';
import { startCircularSweep } from '../../api/circular-sweep.js';
import { startDispatcher } from '../../alerts/dispatcher.js';
import { mailAttachments } from '../../api/office-mail.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { agentWorkerOptions, runAgentWorker } from './agent-worker.js';
import type { AgentFlags, TaskRunFlags } from './agent-worker.js';
import { storeOptions, storeUrl, toCliError, withStore } from '../shared.js';
import type { StoreOpts } from '../shared.js';

/** A line for the operator outside the log (the first administrator's one-time password: see docs/deploy.md). */
const say = (line: string): void => void process.stderr.write(`perisai: ${line}\n`);

type Log = (line: string) => void;

/** `--log-level`: one of pino's levels, refused in both languages otherwise. */
const levelArg = (v: string): LogLevel => {
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw usageError(`--log-level: pilih salah satu dari / one of ${LOG_LEVELS.join(', ')}; bukan / not ${JSON.stringify(v)}`);
  return v as LogLevel;
};

/** `--log-format`: json or pretty, refused in both languages otherwise. */
const formatArg = (v: string): LogFormat => {
  if (!(LOG_FORMATS as readonly string[]).includes(v)) throw usageError(`--log-format: pilih salah satu dari / one of ${LOG_FORMATS.join(', ')}; bukan / not ${JSON.stringify(v)}`);
  return v as LogFormat;
};

const portArg = (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw usageError(`--port: a port number from 0 to 65535, got ${JSON.stringify(v)}`);
  return n;
};

/** `--rate-limit N`: requests a minute per client address; 0 turns the ceiling off. */
const rateArg = (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 10_000_000) throw usageError(`--rate-limit: jumlah permintaan per menit 0 sampai 10.000.000 (0 = tanpa batas) / requests a minute from 0 to 10,000,000 (0 = no ceiling), got ${JSON.stringify(v)}`);
  return n;
};

const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw usageError(`${name}: a positive integer, got ${JSON.stringify(v)}`);
  return n;
};

/** `serve --concurrency`: 0 is a core that only coordinates (sweeps, finalizes, alerts) and scans nothing. */
const count = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n)) throw usageError(`${name}: bilangan bulat 0 atau lebih / a whole number, 0 or more, got ${JSON.stringify(v)}`);
  return n;
};

/** `worker --zone a --zone b` and/or `--zone a,b`: each name checked (domain/network.ts ZONE_NAME). */
const zoneArg = (v: string, prev: string[] = []): string[] => {
  const out = [...prev];
  for (const z of v.split(',').map((x) => x.trim())) {
    if (!ZONE_NAME.test(z)) {
      throw usageError(`--zone: nama zona hanya huruf, angka, _ dan -, 1 sampai 64 karakter / a zone name is letters, digits, _ and -, 1 to 64 characters, got ${JSON.stringify(z)}`);
    }
    if (!out.includes(z)) out.push(z);
  }
  return out;
};

/**
 * A worker started for a zone that no registered network uses would wait forever: say so (not an error,
 * since the network may well be registered after the worker starts).
 */
async function warnUnusedZones(store: Store, zones: readonly (string | null)[], log: Log): Promise<void> {
  const named = zones.filter((z): z is string => z !== null);
  if (named.length === 0) return;
  const used = new Set((await store.networks.list('all')).map((n) => n.zone).filter((z) => z !== null));
  for (const z of named) {
    if (!used.has(z)) log(`peringatan: belum ada jaringan terdaftar dengan zona "${z}" / warning: no registered network uses zone "${z}" yet (this worker takes its tasks once one does)`);
  }
}

/** Resolve on the first SIGINT/SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

interface RunFlags extends StoreOpts, TaskRunFlags {
  zone?: string[];
  logLevel: LogLevel;
  logFormat?: LogFormat;
}

function workerFlags(c: Command, opts: { coordinator?: boolean } = {}): Command {
  return c
    .option('--lease-ms <ms>', 'task lease; a worker silent for this long is presumed dead', int('--lease-ms'), 30_000)
    .option('--max-rate <n>', 'probes per second per worker', int('--max-rate'))
    .option('--slice-slots <n>', 'index slots stored per transaction (the most a crash can make us rescan)', int('--slice-slots'), 256)
    .option('--concurrency <n>', opts.coordinator === true ? 'tasks run at once in this process; 0 = coordinate only (sweeps, finalizing, alerts) and leave every scan to `perisai worker` processes' : 'tasks run at once', opts.coordinator === true ? count('--concurrency') : int('--concurrency'), 1)
    .option('--timeout <ms>', 'probe timeout', int('--timeout'), 1000)
    .option('--verbose', 'log every stored slice')
    .addOption(new Option('--log-level <level>', `least severe level logged: ${LOG_LEVELS.join(', ')}`).argParser(levelArg).env('PERISAI_LOG_LEVEL').default('info'))
    .addOption(new Option('--log-format <format>', 'json (one object a line) or pretty (a short line); default pretty on a terminal, json otherwise').argParser(formatArg).env('PERISAI_LOG_FORMAT'));
}

/** The process's logger (api/log.ts) from --log-level/--log-format. */
function loggerFor(o: RunFlags): ReturnType<typeof createLogger> {
  return createLogger({ level: o.logLevel, format: o.logFormat ?? (process.stderr.isTTY === true ? 'pretty' : 'json') });
}

function queueFor(store: Store, url: string | undefined, log: Log): TaskQueue {
  // Every handled queue error is one log line (a restart of the database shows as a few, then silence).
  const onError = (where: string, e: unknown): void => log(`${where}: ${isConnectionLoss(e) ? 'database unavailable, backing off' : 'error'}: ${(e as Error)?.message ?? String(e)}`);
  return store.dialect === 'postgres' && url !== undefined ? new PgBossQueue(store, url, { onError }) : new LocalQueue(store);
}

/** What opening the store did to the schema, once at start (an upgrade's migrations are in the journal). */
function logMigrations(store: Store, log: Log): void {
  log(store.migrated.length > 0
    ? `migrasi diterapkan / migrations applied (${store.migrated.length}): ${store.migrated.join(', ')}`
    : 'skema basis data mutakhir / database schema up to date (no migration applied)');
}

/**
 * The last guard before systemd's Restart=on-failure (deploy/perisai-worker.service): a promise rejected
 * with nobody listening. Every database and pg-boss call is awaited and handled, so this should never
 * fire; if a lost connection still slips through somewhere it is logged (tests/monitoring/db-restart.test.ts
 * fails on that line) and the process lives on, while any other such error ends it as Node would.
 */
function guardUnhandled(log: Log): () => void {
  const on = (e: unknown): void => {
    log(`unhandled rejection: ${(e as Error)?.stack ?? String(e)}`);
    if (!isConnectionLoss(e)) {
      process.exitCode = 1;
      throw e;
    }
  };
  process.on('unhandledRejection', on);
  return () => process.off('unhandledRejection', on);
}

function startWorker(store: Store, queue: TaskQueue, o: RunFlags, log: Log, extra: { watchZonesMs?: number } = {}): WorkerService {
  return new WorkerService(store, queue, {
    ...extra,
    zones: o.zone !== undefined && o.zone.length > 0 ? o.zone : [null], leaseMs: o.leaseMs, sliceSlots: o.sliceSlots, concurrency: o.concurrency, timeoutMs: o.timeout, version: VERSION,
    ...(o.maxRate !== undefined ? { maxRate: o.maxRate } : {}),
    log,
    ...(o.verbose === true ? { onSlice: (t, [a, b]) => log(`slice task=${t.id} seq=${t.seq} [${a},${b}) of [${t.range[0]},${t.range[1]}) stored`) } : {}),
  });
}

/** `serve`'s HTTP transport options, checked (transport.ts): HTTPS files and trusted proxies. */
function httpTransport(o: { tlsCert?: string; tlsKey?: string; trustProxy?: string }, log: Log): { https?: { cert: Buffer; key: Buffer }; trustProxy?: string[] } {
  try {
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
      throw usageError('--tls-cert dan --tls-key harus diberikan bersama / --tls-cert and --tls-key go together');
    }
    const out: { https?: { cert: Buffer; key: Buffer }; trustProxy?: string[] } = {};
    if (o.tlsCert !== undefined && o.tlsKey !== undefined) {
      const tls = loadTls(o.tlsCert, o.tlsKey);
      for (const w of tls.warnings) log(w);
      log(`TLS: sertifikat untuk / certificate for ${tls.names.length > 0 ? tls.names.join(', ') : '(tanpa subjectAltName / no subjectAltName)'}, berlaku sampai / valid until ${tls.validTo}`);
      out.https = { cert: tls.cert, key: tls.key };
    }
    if (o.trustProxy !== undefined) out.trustProxy = parseTrustProxy(o.trustProxy);
    return out;
  } catch (e) {
    throw toCliError(e);
  }
}

/** The brakes on scan traffic from the options, else the environment, else the defaults (domain/scan-brakes.ts). */
function scanBrakes(o: { scheduleMinInterval?: string; scanConfirmProbes?: string }): ScanBrakes {
  try {
    return validateScanBrakes({
      scheduleMinIntervalMinutes: o.scheduleMinInterval ?? process.env.PERISAI_SCHEDULE_MIN_INTERVAL,
      confirmProbes: o.scanConfirmProbes ?? process.env.PERISAI_SCAN_CONFIRM_PROBES,
    });
  } catch (e) {
    throw toCliError(e);
  }
}

/** What `serve` prints once listening: the URL to open (https with TLS) and, on a wildcard address, the LAN ones. */
export function readyLines(o: { host: string; port: number; tls: boolean; trustProxy?: readonly string[] | undefined }): string[] {
  const scheme = o.tls ? 'https' : 'http';
  const wildcard = o.host === '0.0.0.0' || o.host === '::';
  const url = (h: string) => `${scheme}://${h.includes(':') ? `[${h}]` : h}:${o.port}/`;
  const lines = [`Perisai siap / ready: ${url(wildcard ? 'localhost' : o.host)}  (API: /api/v1, docs: /api/docs)`];
  if (wildcard) {
    const lan = Object.values(networkInterfaces()).flat()
      .filter((a) => a !== undefined && !a.internal && (o.host === '::' || a.family === 'IPv4') && !a.address.startsWith('fe80:'))
      .map((a) => url(a!.address));
    if (lan.length > 0) lines.push(`di jaringan kantor / on the office network: ${lan.join('  ')}`);
  }
  if (o.trustProxy !== undefined) lines.push(`proksi tepercaya / trusted proxies: ${o.trustProxy.join(', ')} (X-Forwarded-Proto/For)`);
  return lines;
}

export function serveCommand(): Command {
  return workerFlags(storeOptions(new Command('serve')), { coordinator: true })
    .description('run Perisai in one process: web application and API, scheduler, scan worker loop and alert dispatcher (Ctrl-C stops)')
    .option('--port <n>', 'HTTP port, 0 = any free port (env PERISAI_PORT)', portArg, Number(process.env.PERISAI_PORT ?? 8080))
    .option('--host <addr>', 'address to listen on (env PERISAI_HOST); 0.0.0.0 to serve the office network', process.env.PERISAI_HOST ?? '127.0.0.1')
    .option('--no-http', 'no web application/API (scheduler and worker only)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain); needs --tls-key (env PERISAI_TLS_CERT)', process.env.PERISAI_TLS_CERT || undefined)
    .option('--tls-key <file>', 'the unencrypted PEM private key of --tls-cert (env PERISAI_TLS_KEY)', process.env.PERISAI_TLS_KEY || undefined)
    .option('--trust-proxy <list>', 'behind a TLS reverse proxy: its addresses/CIDRs, comma-separated, or "loopback"; their X-Forwarded-Proto/For are believed (env PERISAI_TRUST_PROXY)', process.env.PERISAI_TRUST_PROXY || undefined)
    .addOption(new Option('--rate-limit <n>', `requests a minute per client address on every route, 0 = no ceiling (default ${DEFAULT_RATE_LIMIT.max}: an office behind one NAT address)`)
      .argParser(rateArg).env('PERISAI_RATE_LIMIT'))
    .option('--tick-ms <ms>', 'how often to look for due schedules', int('--tick-ms'), 15_000)
    .option('--network-confirm-v4 <prefix>', 'registering an IPv4 network wider than this prefix needs an administrator\'s confirmation (env PERISAI_NETWORK_CONFIRM_V4; default 16)')
    .option('--network-confirm-v6 <prefix>', 'the same for IPv6 (env PERISAI_NETWORK_CONFIRM_V6; default 48)')
    .option('--schedule-min-interval <minutes>', 'shortest time between two scheduled scans of one network (env PERISAI_SCHEDULE_MIN_INTERVAL; default 60)')
    .option('--scan-confirm-probes <n>', 'a scan started in the web application that plans more probes needs an administrator\'s confirmation (env PERISAI_SCAN_CONFIRM_PROBES; default 524288, a /16 on the ransomware ports)')
    .action(async (o: RunFlags & {
      tickMs: number; port: number; host: string; http: boolean; tlsCert?: string; tlsKey?: string; trustProxy?: string; rateLimit?: number; networkConfirmV4?: string; networkConfirmV6?: string;
      scheduleMinInterval?: string; scanConfirmProbes?: string;
    }) => {
      // Checked before the store opens: a wrong path or a key of another certificate is one clear line now
      // rather than a handshake failure in every browser later (docs/deploy.md).
      const logger = loggerFor(o);
      const log = lineLogger(logger, 'serve');
      const transport = o.http ? httpTransport(o, log) : {};
      const brakes = scanBrakes(o);
      await withStore(o, async (store) => {
        // SQLite: the embedded LocalQueue. PostgreSQL: pg-boss, so that `perisai worker --zone …` processes
        // in agency segments receive the scheduled tasks too.
        const unguard = guardUnhandled(log);
        logMigrations(store, log);
        const queue = queueFor(store, storeUrl(o), lineLogger(logger, 'queue'));
        const scheduler = new Scheduler(store, queue, { log: lineLogger(logger, 'scheduler'), brakes });
        const worker = startWorker(store, queue, o, lineLogger(logger, 'worker'), { watchZonesMs: DEFAULT_UNATTENDED_MS });
        log(`serving: store ${store.location} (${store.dialect}, ${queue.kind} queue); scheduler every ${o.tickMs} ms; ${o.concurrency === 0 ? 'no in-process worker (coordinator only: scans are left to `perisai worker` processes)' : `${o.concurrency} in-process worker(s), zone default`}`);
        const stopped = untilSignal(); // before start: a signal during start-up still stops cleanly
        // First run: an administrator account. The password comes from PERISAI_ADMIN_PASSWORD
        // or is generated once and printed here; either way the UI asks for a new one at first login.
        const envPassword = process.env.PERISAI_ADMIN_PASSWORD;
        const admin = await ensureFirstAdmin(store, { password: envPassword }).catch((e: unknown) => {
          if (e instanceof ApiError) throw usageError(`PERISAI_ADMIN_PASSWORD: ${e.messageId} / ${e.message}`);
          throw e;
        });
        await worker.start();
        scheduler.start(o.tickMs);
        // E-mails of report cards and situation reports carry their PDF (src/api/office-mail.ts).
        const dispatcher = startDispatcher(store, { log: lineLogger(logger, 'alerts'), attachments: mailAttachments(store) });
        // Hourly (and now): purge ended sessions and stale login throttling, record today's dashboard for the trend.
        const housekeeping = startHousekeeping(store, { log: lineLogger(logger, 'housekeeping') });
        // Every minute: incident clocks (warnings, breaches) through the alert channels (docs/incidents.md).
        const incidentSweep = startIncidentSweep(store, { log: lineLogger(logger, 'incidents') });
        // Every minute: circular reminders, escalations and re-scans waiting for a window (docs/circulars.md).
        const circularSweep = startCircularSweep(store, { log: lineLogger(logger, 'circulars'), queue });
        let app: Awaited<ReturnType<typeof buildApp>> | undefined;
        if (o.http) {
          app = await buildApp({
            store, queue, logger, ...transport, incidents: o.dataDir !== undefined ? { dataDir: o.dataDir } : {}, scanBrakes: brakes,
            ...(o.rateLimit !== undefined ? { rateLimit: o.rateLimit === 0 ? false : { max: o.rateLimit, timeWindowMs: 60_000 } } : {}),
          });
          try {
            await app.listen({ port: o.port, host: o.host });
          } catch (e) {
            await Promise.allSettled([scheduler.stop(), worker.stop(), dispatcher.stop(), housekeeping.stop(), incidentSweep.stop(), circularSweep.stop()]);
            const code = (e as NodeJS.ErrnoException).code;
            const why = code === 'EADDRINUSE' ? 'port sudah dipakai / port already in use'
              : code === 'EACCES' ? 'port di bawah 1024 butuh CAP_NET_BIND_SERVICE (deploy/perisai.service) / ports below 1024 need CAP_NET_BIND_SERVICE'
              : code === 'EADDRNOTAVAIL' ? 'alamat ini bukan milik mesin ini / this address is not on this machine'
              : code ?? (e as Error).message;
            throw new CliError(`tidak dapat mendengarkan di / cannot listen on ${o.host}:${o.port}: ${why}`, EXIT.USAGE);
          }
          const bound = app.server.address();
          const port = typeof bound === 'object' && bound !== null ? bound.port : o.port;
          for (const line of readyLines({ host: o.host, port, tls: transport.https !== undefined, trustProxy: transport.trustProxy })) log(line);
        }
        if (admin.created && admin.oneTimePassword !== undefined) {
          // Not a log line: the log carries no password (log.ts); this is shown once, on the first start only.
          say(`masuk sebagai / log in as: admin, kata sandi sekali pakai / one-time password: ${admin.oneTimePassword}`);
          say('(ganti setelah masuk pertama / you will be asked to change it at first login)');
        } else if (admin.created) {
          log('akun administrator "admin" dibuat dengan kata sandi dari PERISAI_ADMIN_PASSWORD; ganti setelah masuk pertama, lalu hapus variabel itu');
          log('administrator account "admin" created with the password from PERISAI_ADMIN_PASSWORD; you will be asked to change it at first login; then remove the variable');
        } else if (envPassword !== undefined && envPassword !== '') {
          log('PERISAI_ADMIN_PASSWORD diabaikan: akun sudah ada / ignored: accounts already exist (it is read on the first start only)');
        }
        const sig = await stopped;
        log(`${sig}: stopping (running slices are abandoned and their tasks handed back)`);
        await app?.close();
        await scheduler.stop();
        await worker.stop();
        await dispatcher.stop();
        await housekeeping.stop();
        await incidentSweep.stop();
        await circularSweep.stop();
        unguard();
      });
    });
}

export function workerCommand(): Command {
  return agentWorkerOptions(workerFlags(storeOptions(new Command('worker'))))
    .description('run a scan worker: pulls scan tasks through pg-boss (PostgreSQL) or from the task table (SQLite); with --server, an enrolled segment worker over HTTPS')
    .option('--zone <zone>', 'take only tasks of this network zone (a worker inside that agency segment); repeat or separate with commas to serve several', zoneArg)
    .action(async (o: RunFlags & AgentFlags) => {
      const log = lineLogger(loggerFor(o), 'worker');
      if (o.server !== undefined) return runAgentWorker(o, log); // src/cli/commands/agent-worker.ts: no store
      await withStore(o, async (store) => {
        const unguard = guardUnhandled(log);
        logMigrations(store, log);
        const queue = queueFor(store, storeUrl(o), log);
        const worker = startWorker(store, queue, o, log);
        log(`worker ${worker.owner}: ${queue.kind} queue on ${store.location}, zone(s) ${worker.zones.map((z) => z ?? 'default').join(', ')}`);
        await warnUnusedZones(store, worker.zones, log);
        const stopped = untilSignal();
        await worker.start();
        const sig = await stopped;
        log(`${sig}: stopping`);
        await worker.stop();
        unguard();
      });
    });
}

function scheduleCommand(): Command {
  const cmd = new Command('schedule').description('cron schedules that scan an agency or one of its networks');
  cmd.addCommand(
    storeOptions(new Command('add'))
      .description('add a schedule')
      .requiredOption('--agency <code>', 'agency code')
      .option('--network <cidr>', 'only this registered network (default: all networks of the agency and its units)')
      .requiredOption('--cron <pattern>', 'cron pattern, e.g. "0 2 * * *" (02:00 every night)')
      .option('--tz <zone>', 'IANA time zone of the cron pattern', DEFAULT_TIME_ZONE)
      .option('-p, --ports <spec>', 'ports (engine syntax: ransomware, 445,3389, top:100 …)', 'ransomware')
      .addOption(new Option('--profile <name>', 'what to check').choices(Object.keys(PROFILES)).default('ransomware'))
      .addOption(new Option('--vantage <v>', 'where the scan runs from').choices([...VANTAGES]).default('internal'))
      .option('--zone <zone>', 'worker zone for its tasks (default: the network\'s zone)')
      .option('--slots <n>', 'index slots per task', int('--slots'), 4096)
      .option('--by <name>', 'who set it up', process.env.USER ?? 'operator')
      .option('--schedule-min-interval <minutes>', 'shortest time between two scheduled scans of one network (env PERISAI_SCHEDULE_MIN_INTERVAL; default 60)')
      .action(async (o: StoreOpts & { agency: string; network?: string; cron: string; tz: string; ports: string; profile: string; vantage: Vantage; zone?: string; slots: number; by: string; scheduleMinInterval?: string }) => {
        const brakes = scanBrakes(o);
        await withStore(o, async (store) => {
          const agency = await store.agencies.getByCode('all', o.agency);
          let networkId: string | null = null;
          if (o.network !== undefined) {
            const n = (await store.networks.list('all', { agencyId: agency.id })).find((x) => x.cidr === o.network);
            if (n === undefined) throw usageError(`network ${o.network} is not registered to ${agency.code}`);
            networkId = n.id;
          }
          let ports: number[];
          try {
            ports = parsePorts(o.ports);
          } catch (e) {
            throw usageError((e as Error).message);
          }
          const s = await addSchedule(store, {
            agencyId: agency.id, networkId, cron: o.cron, timeZone: o.tz, ports, profile: o.profile, vantage: o.vantage,
            ...(o.zone !== undefined ? { zone: o.zone } : {}), slotsPerTask: o.slots, createdBy: o.by,
          }, new Date(), brakes);
          process.stdout.write(`${s.id}\tnext run ${s.nextRunAt}\n`);
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('list'))
      .description('list schedules')
      .option('--agency <code>', 'only this agency')
      .option('--json', 'JSON lines')
      .action(async (o: StoreOpts & { agency?: string; json?: boolean }) => {
        await withStore(o, async (store) => {
          const agencyId = o.agency !== undefined ? (await store.agencies.getByCode('all', o.agency)).id : undefined;
          for (const s of await store.schedules.list('all', agencyId !== undefined ? { agencyId } : {})) {
            if (o.json === true) process.stdout.write(`${JSON.stringify(s)}\n`);
            else process.stdout.write(`${s.id}\t${s.enabled ? 'on' : 'off'}\t${s.cron}\t${s.timeZone}\tnext ${s.nextRunAt}\tlast job ${s.lastJobId ?? '-'}\n`);
          }
        });
      }),
  );
  cmd.addCommand(
    storeOptions(new Command('remove'))
      .description('remove a schedule (its past scans stay)')
      .argument('<id>')
      .action(async (id: string, o: StoreOpts) => {
        await withStore(o, (store) => store.schedules.remove('all', id));
      }),
  );
  return cmd;
}

export function formatChange(c: Change): string {
  switch (c.kind) {
    case 'host-new': return `+ host ${c.ip}`;
    case 'host-gone': return `- host ${c.ip}`;
    case 'port-opened': return `+ ${c.ip}:${c.port} open${c.service !== undefined ? ` (${c.service})` : ''}`;
    case 'port-closed': return `- ${c.ip}:${c.port} closed${c.confirmed ? '' : ' (not seen; unconfirmed)'}`;
    case 'service-changed': return `~ ${c.ip}:${c.port} service ${c.from ?? '?'} → ${c.to ?? '?'}`;
    case 'check-changed': return `~ ${c.ip}:${c.port} ${c.check} ${c.from} → ${c.to}`;
  }
}

function diffCommand(): Command {
  return storeOptions(new Command('diff'))
    .description('what changed between two scans (new/gone hosts, opened/closed ports, service and check changes)')
    .argument('<scanA>', 'the earlier scan job id')
    .argument('<scanB>', 'the later scan job id')
    .addOption(new Option('--format <f>', 'output').choices(['text', 'jsonl']).default('text'))
    .action(async (a: string, b: string, o: StoreOpts & { format: string }) => {
      await withStore(o, async (store) => {
        // Both must exist (E_NOT_FOUND → exit 2 naming the id) before anything is printed.
        const jobA = await store.scans.getJob('all', a);
        const jobB = await store.scans.getJob('all', b);
        // Like with like: only where both scans looked (domain/diff.ts); the rest is said, not diffed.
        const { changes, notCompared: nc } = await store.observations.compareJobs(jobA, jobB);
        for (const c of changes) process.stdout.write(o.format === 'jsonl' ? `${JSON.stringify(c)}\n` : `${formatChange(c)}\n`);
        const leftOut = nc.ports.length > 0 || nc.checks.length > 0 || nc.hosts > 0;
        if (leftOut && o.format === 'jsonl') process.stdout.write(`${JSON.stringify({ kind: 'not-compared', ...nc })}\n`);
        if (leftOut && o.format === 'text') {
          const parts = [
            ...(nc.ports.length > 0 ? [`ports ${nc.ports.join(',')}`] : []), ...(nc.checks.length > 0 ? [`checks ${nc.checks.join(',')}`] : []),
            ...(nc.hosts > 0 ? [`${nc.hosts} host(s)`] : []),
          ];
          process.stdout.write(`? not compared (looked at by only one of the two scans): ${parts.join('; ')}\n`);
        }
        if (o.format === 'text') process.stdout.write(`${changes.length} change(s)\n`);
      });
    });
}

/** Register the monitoring commands on the root program (src/cli/main.ts). */
export function addMonitoringCommands(program: Command): void {
  for (const c of [serveCommand(), workerCommand(), scheduleCommand(), diffCommand()]) {
    for (const sub of c.commands) sub.exitOverride();
    program.addCommand(c.exitOverride());
  }
}
