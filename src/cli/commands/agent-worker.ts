// `perisai worker --server https://core:8443 [--ca-file F] [--name N] [--concurrency N] [--data-dir D]`: an
// enrolled segment worker (src/worker/agent.ts, docs/deploy.md "A segment worker: from enrolment to systemd
// unit"). It needs no database: it opens no store and reads neither --db nor PERISAI_DB. Secrets never come
// from the command line (any user of the host can read a process's argv in /proc): the one-time token from
// PERISAI_ENROLL_TOKEN or --enroll-token-file, the credential from PERISAI_WORKER_CREDENTIAL,
// --credential-file or the file an enrolment saved (<data-dir>/worker-credential, 0600).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { Option } from 'commander';
import type { Command } from 'commander';
import { defaultDataDir } from '../../store/index.js';
import { AgentAuthError, AgentClient, AgentHttpError, AgentUnavailableError } from '../../worker/agent-client.js';
import { AgentWorker, credentialFor } from '../../worker/agent.js';
import { VERSION } from '../version.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { toCliError } from '../shared.js';

/** How tasks run, the same for a worker on the store and an enrolled one (monitoring.ts workerFlags). */
export interface TaskRunFlags {
  leaseMs: number;
  maxRate?: number;
  sliceSlots: number;
  concurrency: number;
  timeout: number;
  verbose?: boolean;
}

export interface AgentFlags extends TaskRunFlags {
  server?: string;
  caFile?: string;
  name?: string;
  enrollTokenFile?: string;
  credentialFile?: string;
  dataDir?: string;
  db?: string;
  zone?: unknown;
}

const SECRET_ON_ARGV = (flag: string): never => {
  throw usageError(`${flag}: rahasia tidak pernah diberikan di baris perintah (terlihat di ps) — pakai PERISAI_ENROLL_TOKEN / --enroll-token-file atau PERISAI_WORKER_CREDENTIAL / --credential-file`
    + ` / secrets are never given on the command line (visible in ps): use PERISAI_ENROLL_TOKEN / --enroll-token-file or PERISAI_WORKER_CREDENTIAL / --credential-file`);
};

/** The segment worker's options on `perisai worker` (src/cli/commands/monitoring.ts), and the refused secret-carrying ones. */
export function agentWorkerOptions(c: Command): Command {
  c.option('--server <url>', 'enrolled segment worker: the core\'s URL (https://core:8443); no database needed')
    .option('--ca-file <file>', 'with --server: PEM certificate (CA) to trust for the core, e.g. its self-signed certificate')
    .option('--name <name>', 'with --server: this worker\'s name at enrolment (default: the host name)')
    .option('--enroll-token-file <file>', 'with --server: file holding the one-time enrolment token (or env PERISAI_ENROLL_TOKEN)')
    .option('--credential-file <file>', 'with --server: the worker credential file (default <data-dir>/worker-credential; or env PERISAI_WORKER_CREDENTIAL)');
  for (const flag of ['--token', '--enroll-token', '--credential', '--worker-credential']) {
    c.addOption(new Option(`${flag} <secret>`).hideHelp().argParser(() => SECRET_ON_ARGV(flag)));
  }
  return c;
}

function readSecretFile(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw usageError(`${what}: berkas tidak dapat dibaca / cannot read the file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Run the segment worker until SIGINT/SIGTERM (exit 0) or until the core refuses its credential (exit 2). */
export async function runAgentWorker(o: AgentFlags, log: (line: string) => void): Promise<void> {
  if (o.db !== undefined) throw usageError('--server dan --db tidak bisa bersama: pekerja segmen tidak memakai basis data / --server and --db do not go together: a segment worker uses no database');
  if (o.zone !== undefined) throw usageError('--server dan --zone tidak bisa bersama: zona berasal dari pendaftaran / --server and --zone do not go together: the zones come with the enrolment');
  if (o.leaseMs < 10_000 || o.leaseMs > 600_000) throw usageError(`--lease-ms: dengan --server 10000 sampai 600000 / with --server from 10000 to 600000, got ${o.leaseMs}`);
  let ca: Buffer | undefined;
  if (o.caFile !== undefined) {
    try {
      ca = readFileSync(o.caFile);
    } catch (e) {
      throw usageError(`--ca-file: berkas tidak dapat dibaca / cannot read the file ${o.caFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  const dataDir = o.dataDir !== undefined ? resolve(o.dataDir) : defaultDataDir();
  const credentialFile = o.credentialFile !== undefined ? resolve(o.credentialFile) : join(dataDir, 'worker-credential');
  let client: AgentClient;
  try {
    client = new AgentClient({ server: o.server!, ...(ca !== undefined ? { ca } : {}), log, userAgent: `perisai-worker/${VERSION}` });
  } catch (e) {
    throw toCliError(e);
  }
  const onSignal = (s: NodeJS.Signals): void => {
    log(`${s}: stopping (running slices are abandoned and their tasks handed back)`);
    worker?.stop();
    stopped = true;
  };
  let worker: AgentWorker | undefined;
  let stopped = false;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { credential, source } = await credentialFor({
      client, credentialFile, ownDir: o.credentialFile === undefined, version: VERSION, log,
      ...(process.env.PERISAI_WORKER_CREDENTIAL !== undefined ? { credential: process.env.PERISAI_WORKER_CREDENTIAL } : {}),
      enrollToken: () => (o.enrollTokenFile !== undefined ? readSecretFile(o.enrollTokenFile, '--enroll-token-file') : process.env.PERISAI_ENROLL_TOKEN),
      name: o.name ?? hostname(),
    });
    client.setCredential(credential);
    if (stopped) return;
    worker = new AgentWorker({
      client, concurrency: o.concurrency, version: VERSION, leaseMs: o.leaseMs, sliceSlots: o.sliceSlots, timeoutMs: o.timeout,
      ...(o.maxRate !== undefined ? { maxRate: o.maxRate } : {}),
      log,
      ...(o.verbose === true ? { onSlice: (t, [a, b]) => log(`slice task=${t.id} seq=${t.seq} [${a},${b}) of [${t.range[0]},${t.range[1]}) stored`) } : {}),
    });
    log(`segment worker: core ${client.server}, credential from ${source === 'enrolled' ? 'a new enrolment' : source === 'file' ? credentialFile : 'PERISAI_WORKER_CREDENTIAL'}, concurrency ${o.concurrency}`);
    await worker.run();
  } catch (e) {
    if (e instanceof AgentAuthError) throw new CliError(e.message, EXIT.USAGE);
    // Not reached, or refused for another reason: non-zero, so that systemd tries again (Restart=on-failure).
    if (e instanceof AgentUnavailableError || e instanceof AgentHttpError) throw new CliError(e.message, EXIT.INTERNAL);
    throw toCliError(e);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    client.close();
  }
}
