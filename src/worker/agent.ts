// An enrolled segment worker's main loop (`perisai worker --server …`, docs/deploy.md "A segment worker: from
// enrolment to systemd unit"): it holds no database credentials, only its own revocable credential, got
// once for a one-time enrolment token and kept in a file readable by its owner only. It sends a heartbeat
// every 15 s, claims tasks of its zones over HTTPS and runs them with the same per-slice crash-resume as a
// direct worker (src/worker/worker.ts runTaskWith). SIGTERM hands running tasks back (fail with retry);
// a credential the core refuses (revoked) stops it with the error, so that systemd shows the unit failed.

import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { PerisaiError } from '../domain/errors.js';
import { backoffMs, pause } from '../queue/backoff.js';
import { WORKER_CREDENTIAL } from '../domain/worker-credential.js';
import { AgentAuthError, agentBackend, newCredentialProposal } from './agent-client.js';
import type { AgentClient, ClaimedTask } from './agent-client.js';
import { runTaskWithSafely } from './worker.js';
import type { RunOptions, TaskOutcome } from './worker.js';

export interface AgentWorkerOptions extends Omit<RunOptions, 'signal'> {
  readonly client: AgentClient;
  /** Tasks run at once (claim loops). Default 1. */
  readonly concurrency?: number;
  readonly version: string;
  /** Heartbeat period (ms). Default 15 s, like a direct worker's (src/worker/service.ts). */
  readonly heartbeatMs?: number;
  /** Wait between two claims that found nothing (ms). Default 2 s. */
  readonly idleMs?: number;
  /** Attempts before an erroring task fails for good. Default 3. */
  readonly maxAttempts?: number;
  readonly now?: () => Date;
  readonly onTask?: (claimed: ClaimedTask, outcome: TaskOutcome | undefined) => void;
}

export class AgentWorker {
  readonly #opts: AgentWorkerOptions;
  readonly #ac = new AbortController();
  readonly #running = new Set<string>();
  #finished: number[] = [];
  #fatal: Error | undefined;
  #startedAt = '';
  #beating: Promise<void> | undefined;

  constructor(opts: AgentWorkerOptions) {
    this.#opts = opts;
  }

  #now(): Date {
    return this.#opts.now?.() ?? new Date();
  }

  #log(line: string): void {
    this.#opts.log?.(line);
  }

  /** Stop for good: a refused credential ends every loop and is thrown by run(). */
  #die(e: Error): void {
    this.#fatal ??= e;
    this.#ac.abort();
  }

  #beat(): void {
    const now = this.#now();
    const hourAgo = now.getTime() - 3_600_000;
    this.#finished = this.#finished.filter((t) => t >= hourAgo);
    this.#beating ??= this.#opts.client.heartbeat({
      version: this.#opts.version, startedAt: this.#startedAt, currentTask: [...this.#running][0] ?? null, doneLastHour: this.#finished.length,
    }).catch((e: unknown) => {
      if (e instanceof AgentAuthError) this.#die(e);
      else this.#log(`heartbeat failed: ${(e as Error)?.message ?? String(e)}`);
    }).finally(() => (this.#beating = undefined));
  }

  /** One claim loop: claim, run, again; nothing to do → wait idleMs; the core away → bounded back-off. */
  async #loop(): Promise<void> {
    const { client, concurrency: _c, version: _v, heartbeatMs: _h, idleMs, now: _n, onTask, ...run } = this.#opts;
    let misses = 0;
    while (!this.#ac.signal.aborted) {
      let claimed: ClaimedTask | undefined;
      try {
        claimed = await client.claim(this.#opts.leaseMs, this.#ac.signal);
        misses = 0;
      } catch (e) {
        if (e instanceof AgentAuthError) return this.#die(e);
        const ms = backoffMs(misses++);
        this.#log(`claiming a task failed, trying again in ${ms} ms: ${(e as Error)?.message ?? String(e)}`);
        await pause(ms, this.#ac.signal);
        continue;
      }
      if (claimed === undefined) {
        await pause(idleMs ?? 2_000, this.#ac.signal);
        continue;
      }
      const { task } = claimed;
      this.#log(`task ${task.id} (job ${task.jobId}, #${task.seq}, zone ${task.zone ?? 'default'}, attempt ${task.attempt}) claimed`);
      this.#running.add(task.id);
      this.#beat(); // the new current task shows at once
      let outcome: TaskOutcome | undefined;
      try {
        outcome = await runTaskWithSafely(agentBackend(client, claimed), task, { ...run, signal: this.#ac.signal });
      } catch (e) {
        // Only a fatal error reaches here (runTaskWithSafely fails the task for any other).
        return this.#die(e as Error);
      } finally {
        this.#running.delete(task.id);
      }
      if (outcome?.status === 'completed') this.#finished.push(this.#now().getTime());
      onTask?.(claimed, outcome);
    }
  }

  /** Run until stop() (resolves) or until the core refuses the credential (rejects with AgentAuthError). */
  async run(): Promise<void> {
    this.#startedAt = this.#now().toISOString();
    this.#beat();
    const beat = setInterval(() => this.#beat(), this.#opts.heartbeatMs ?? 15_000);
    try {
      await Promise.all(Array.from({ length: Math.max(1, this.#opts.concurrency ?? 1) }, () => this.#loop()));
    } finally {
      clearInterval(beat);
      await this.#beating;
    }
    if (this.#fatal !== undefined) throw this.#fatal;
  }

  /** Stop: running slices are abandoned and their tasks handed back (fail with retry); run() then resolves. */
  stop(): void {
    this.#ac.abort();
  }
}

/** Where the credential came from (logged; never the credential itself). */
export type CredentialSource = 'environment' | 'file' | 'enrolled';

export interface CredentialOptions {
  readonly client: AgentClient;
  /** PERISAI_WORKER_CREDENTIAL, if set. */
  readonly credential?: string;
  /** The file a credential is read from, and where an enrolment saves it. */
  readonly credentialFile: string;
  /** Tighten the credential file's directory to 0700 (true for the data directory, not for a directory the operator chose). */
  readonly ownDir?: boolean;
  /** The one-time enrolment token, read only when there is no credential yet. */
  readonly enrollToken?: () => string | undefined;
  readonly name?: string;
  readonly version: string;
  readonly log?: (line: string) => void;
}

const invalid = (id: string, en: string): PerisaiError => new PerisaiError('E_VALIDATION', en, { messageId: id });

/** Write `text` to `file` readable by its owner only (0600), replacing it whole (a crash leaves the old or the new). */
export function writePrivateFile(file: string, text: string, opts: { ownDir?: boolean } = {}): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (opts.ownDir === true) chmodSync(dir, 0o700);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, 0o600); // a umask cannot loosen it, an existing file's mode is not kept
  renameSync(tmp, file);
}

/**
 * The worker's credential: PERISAI_WORKER_CREDENTIAL, else the credential file, else a new one for the
 * enrolment token (saved to the credential file, so that a restart does not need the used token again).
 */
export async function credentialFor(opts: CredentialOptions): Promise<{ credential: string; source: CredentialSource }> {
  const log = opts.log ?? (() => {});
  if (opts.credential !== undefined && opts.credential.trim() !== '') return { credential: opts.credential.trim(), source: 'environment' };
  if (existsSync(opts.credentialFile)) {
    const mode = statSync(opts.credentialFile).mode & 0o777;
    if ((mode & 0o077) !== 0) log(`berkas kredensial dapat dibaca pengguna lain / the credential file is readable by others (mode ${mode.toString(8)}): chmod 600 ${opts.credentialFile}`);
    const credential = readFileSync(opts.credentialFile, 'utf8').trim();
    if (credential === '') throw invalid(`Berkas kredensial kosong: ${opts.credentialFile}`, `the credential file is empty: ${opts.credentialFile}`);
    return { credential, source: 'file' };
  }
  const token = opts.enrollToken?.()?.trim();
  if (token === undefined || token === '') {
    throw invalid(
      'Belum ada kredensial pekerja: berikan token pendaftaran sekali pakai di PERISAI_ENROLL_TOKEN atau --enroll-token-file, atau kredensial di PERISAI_WORKER_CREDENTIAL atau --credential-file',
      `no worker credential yet (${opts.credentialFile} does not exist): give the one-time enrolment token in PERISAI_ENROLL_TOKEN or --enroll-token-file, or a credential in PERISAI_WORKER_CREDENTIAL or --credential-file`,
    );
  }
  // The credential is made here and kept (0600) before the core hears of it: when the core's answer is
  // lost, the next attempt (a retry, or the next start) proposes the same one and the core confirms it,
  // instead of the used token leaving the worker with nothing.
  const pendingFile = `${opts.credentialFile}.pending`;
  let proposal = existsSync(pendingFile) ? readFileSync(pendingFile, 'utf8').trim() : '';
  if (!WORKER_CREDENTIAL.test(proposal)) {
    proposal = newCredentialProposal();
    writePrivateFile(pendingFile, `${proposal}\n`, { ownDir: opts.ownDir ?? false });
  }
  const r = await opts.client.enroll(token, proposal, { ...(opts.name !== undefined ? { name: opts.name } : {}), version: opts.version });
  writePrivateFile(opts.credentialFile, `${proposal}\n`, { ownDir: opts.ownDir ?? false });
  rmSync(pendingFile, { force: true });
  log(`terdaftar / enrolled as worker ${r.workerId} for zone(s) ${r.zones.join(', ')}; credential saved to ${opts.credentialFile} (0600). The enrolment token is used up: remove it from the environment file`);
  return { credential: proposal, source: 'enrolled' };
}
