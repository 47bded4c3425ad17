// The segment worker's side of the core's agent routes (docs/deploy.md "A segment worker: from enrolment to
// systemd unit"): JSON over HTTPS with the worker's own Bearer credential, never database credentials.
// The core may use a self-signed certificate: its CA (or the certificate itself) is trusted from a file.
// A lost connection, a 5xx or a 429 is tried again with bounded back-off and jitter (src/queue/backoff.ts),
// so that a restarted core is not met by every segment worker at once; a 401 means the credential was
// revoked or is unknown and stops the worker; a 404/409 on a task means its lease is no longer ours.
// Neither the enrolment token nor the credential ever reaches a log line or an error message.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { PerisaiError } from '../domain/errors.js';
import { WORKER_CREDENTIAL, workerCredential } from '../domain/worker-credential.js';
import type { IndexRange } from '../domain/ranges.js';
import { backoffMs, pause } from '../queue/backoff.js';
import type { JobSpec, TaskBackend, TaskRef } from './worker.js';

/** The credential (or the enrolment token) was refused: revoked, unknown, used or expired. Stops the worker. */
export class AgentAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentAuthError';
  }
}

/** The core could not be reached (or kept answering 5xx/429) after the bounded retries. */
export class AgentUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AgentUnavailableError';
  }
}

/** Any other refusal of the core (400, 413 …): the request itself is wrong; trying again will not help. */
export class AgentHttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'AgentHttpError';
  }
}

export const CREDENTIAL_REFUSED = 'Kredensial pekerja ditolak oleh inti (dicabut atau tidak dikenal); pekerja berhenti. Buat pendaftaran baru dan daftarkan ulang /'
  + ' Worker credential refused by the core (revoked or unknown); the worker stops. Create a new enrolment and enrol again';
export const TOKEN_REFUSED = 'Token pendaftaran ditolak (tidak dikenal, sudah dipakai atau kedaluwarsa); minta token baru dari administrator /'
  + ' Enrolment token refused (unknown, already used or expired); ask an administrator for a new one';

export interface AgentClientOptions {
  /** The core's base URL, e.g. https://core.example:8443 (https; plain http only to a loopback address). */
  readonly server: string;
  /** PEM CA certificate(s) to trust for the core (a self-signed certificate is its own CA). */
  readonly ca?: string | Buffer;
  readonly credential?: string;
  /** Per-request timeout (ms). Default 30 s. */
  readonly timeoutMs?: number;
  /** Retries of a request that met no core, a 5xx or a 429. Default 8 (about a minute with the back-off). */
  readonly retries?: number;
  readonly log?: (line: string) => void;
  readonly userAgent?: string;
}

export interface ClaimedTask {
  readonly task: TaskRef & { readonly zone: string | null; readonly done: readonly IndexRange[] };
  readonly job: JobSpec;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfterMs?: number;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

/** Check the server URL: https, or http to this machine only (a Bearer credential never crosses a network in clear). */
export function parseServerUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new PerisaiError('E_VALIDATION', `--server: not a URL: ${JSON.stringify(server)}`, { messageId: '--server: bukan URL' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    throw new PerisaiError('E_VALIDATION', `--server must be an https:// URL (plain http only to this machine), got ${url.protocol}`, { messageId: '--server harus URL https:// (http biasa hanya ke mesin ini)' });
  }
  if (url.username !== '' || url.password !== '') {
    throw new PerisaiError('E_VALIDATION', '--server must not carry a user or password', { messageId: '--server tidak boleh memuat nama pengguna atau kata sandi' });
  }
  return url;
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNABORTED', 'UND_ERR_SOCKET']);

function transientNetworkError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return (code !== undefined && TRANSIENT_CODES.has(code)) || (e as Error)?.message === 'socket hang up' || (e as Error)?.name === 'TimeoutError';
}

/** The core's error body ({ error: { code, message, messageId } }, src/api/errors.ts) as one bilingual line. */
function errorText(body: unknown, status: number): { code: string; text: string } {
  const err = (body as { error?: { code?: unknown; message?: unknown; messageId?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : `HTTP_${status}`;
  const en = typeof err?.message === 'string' ? err.message : `HTTP ${status}`;
  const id = typeof err?.messageId === 'string' ? err.messageId : `HTTP ${status}`;
  return { code, text: `${id} / ${en}`.slice(0, 500) };
}

export class AgentClient {
  readonly #base: URL;
  readonly #agent: HttpsAgent | HttpAgent;
  readonly #opts: AgentClientOptions;
  #credential: string | undefined;

  constructor(opts: AgentClientOptions) {
    this.#base = parseServerUrl(opts.server);
    this.#opts = opts;
    this.#credential = opts.credential;
    this.#agent = this.#base.protocol === 'https:'
      ? new HttpsAgent({ keepAlive: true, maxSockets: 8, ...(opts.ca !== undefined ? { ca: opts.ca } : {}) })
      : new HttpAgent({ keepAlive: true, maxSockets: 8 });
  }

  get server(): string {
    return this.#base.origin;
  }

  /** Use this credential from now on (after enrolling). */
  setCredential(credential: string): void {
    this.#credential = credential;
  }

  /** Close the kept-alive connections (the process can then exit). */
  close(): void {
    this.#agent.destroy();
  }

  /** One HTTP exchange, no retry. */
  #once(method: string, path: string, body: unknown, auth: boolean): Promise<Reply> {
    const url = new URL(path, this.#base);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#opts.userAgent ?? 'perisai-worker' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (auth) {
      if (this.#credential === undefined) return Promise.reject(new AgentAuthError(CREDENTIAL_REFUSED));
      headers.authorization = `Bearer ${this.#credential}`;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Reply>((resolve, reject) => {
      const req = send(url, { method, headers, agent: this.#agent, timeout: this.#opts.timeoutMs ?? 30_000 }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const ra = Number(res.headers['retry-after']);
          resolve({ status: res.statusCode ?? 0, body: parsed, ...(Number.isFinite(ra) && ra >= 0 ? { retryAfterMs: Math.min(ra, 60) * 1000 } : {}) });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer from the core within ${this.#opts.timeoutMs ?? 30_000} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * A request with bounded retries of what may pass (no connection, a timeout, 5xx, 429). A 401 throws
   * AgentAuthError; other answers are returned to the caller. `signal` ends the waiting between retries but
   * never cuts a request in flight (a slice half sent would be lost for nothing: stopping waits for it).
   */
  async request(method: string, path: string, body?: unknown, opts: { auth?: boolean; signal?: AbortSignal; retries?: number } = {}): Promise<Reply> {
    const retries = opts.retries ?? this.#opts.retries ?? 8;
    for (let n = 0; ; n++) {
      let why: string;
      let wait: number | undefined;
      try {
        const r = await this.#once(method, path, body, opts.auth ?? true);
        if (r.status === 401) throw new AgentAuthError((opts.auth ?? true) ? CREDENTIAL_REFUSED : TOKEN_REFUSED);
        if (r.status < 500 && r.status !== 429) return r;
        why = `${r.status === 429 ? 'rate limited' : 'core error'} (HTTP ${r.status})`;
        wait = r.retryAfterMs;
      } catch (e) {
        if (e instanceof AgentAuthError) throw e;
        if (!transientNetworkError(e)) {
          const code = (e as NodeJS.ErrnoException)?.code ?? '';
          const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code) ? ' (sertifikat inti tidak dipercaya: --ca-file? / the core\'s certificate is not trusted: --ca-file?)' : '';
          throw new AgentUnavailableError(`core ${this.server}: ${(e as Error)?.message ?? String(e)}${tls}`, { cause: e });
        }
        why = `no connection (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      }
      if (n >= retries || opts.signal?.aborted === true) {
        throw new AgentUnavailableError(`inti tidak dapat dihubungi / core unreachable: ${this.server}${path.split('?')[0]}: ${why}`);
      }
      const ms = Math.max(backoffMs(n), wait ?? 0);
      this.#opts.log?.(`core ${this.server}: ${method} ${path}: ${why}; trying again in ${ms} ms`);
      await pause(ms, opts.signal);
    }
  }

  /** The JSON body of a 2xx answer; anything else is an AgentHttpError with the core's bilingual message. */
  async #json<T>(method: string, path: string, body?: unknown, opts: { auth?: boolean; signal?: AbortSignal; retries?: number } = {}): Promise<{ status: number; body: T }> {
    const r = await this.request(method, path, body, opts);
    if (r.status >= 200 && r.status < 300) return { status: r.status, body: r.body as T };
    const { code, text } = errorText(r.body, r.status);
    throw new AgentHttpError(r.status, code, `${method} ${path}: ${text}`);
  }

  /**
   * Exchange a one-time enrolment token for `proposal`, a credential this worker made
   * (`psw_<uuid>.<secret>`; credentialFor keeps it on disk before asking). Only its hash travels, and a lost
   * answer is asked for again with the same proposal: the core answers the worker that used the token
   * again (200), anyone else not (401).
   */
  async enroll(token: string, proposal: string, opts: { name?: string; version: string }): Promise<{ workerId: string; zones: string[] }> {
    const workerId = WORKER_CREDENTIAL.exec(proposal)?.[1];
    if (workerId === undefined) throw new PerisaiError('E_VALIDATION', 'not a worker credential proposal', { messageId: 'Usulan kredensial pekerja tidak sah' });
    const secretHash = createHash('sha256').update(proposal).digest('hex');
    const r = await this.#json<{ workerId: string; zones: string[] }>('POST', '/api/v1/agent/enroll', { token, ...(opts.name !== undefined ? { name: opts.name } : {}), version: opts.version, workerId, secretHash }, { auth: false });
    const b = r.body;
    if (b?.workerId !== workerId || !Array.isArray(b.zones)) throw new AgentHttpError(r.status, 'E_PROTOCOL', 'jawaban pendaftaran tidak lengkap / incomplete enrolment answer');
    this.#credential = proposal;
    return b;
  }

  async heartbeat(beat: { version: string; startedAt: string; currentTask: string | null; doneLastHour: number }, signal?: AbortSignal): Promise<void> {
    await this.#json('POST', '/api/v1/agent/heartbeat', beat, { retries: 0, ...(signal !== undefined ? { signal } : {}) });
  }

  /** Claim a pending task of this credential's zones; undefined when there is none. */
  async claim(leaseMs: number, signal?: AbortSignal): Promise<ClaimedTask | undefined> {
    const r = await this.#json<ClaimedTask | undefined>('POST', '/api/v1/agent/tasks/claim', { leaseMs }, signal !== undefined ? { signal } : {});
    if (r.status === 204 || r.body === undefined) return undefined;
    return r.body;
  }

  /** 404/409 on a task route: the task is not (or no longer) leased to us. */
  #leaseLost(e: unknown, taskId: string): never {
    if (e instanceof AgentHttpError && (e.status === 404 || e.status === 409)) {
      throw new PerisaiError('E_CONFLICT', `task ${taskId}: lease lost (HTTP ${e.status})`, { messageId: 'Sewa tugas hilang' });
    }
    throw e;
  }

  async renew(taskId: string, leaseMs: number): Promise<boolean> {
    try {
      const r = await this.#json<{ ok: boolean }>('POST', `/api/v1/agent/tasks/${encodeURIComponent(taskId)}/renew`, { leaseMs }, { retries: 2 });
      return r.body?.ok === true;
    } catch (e) {
      if (e instanceof AgentHttpError && (e.status === 404 || e.status === 409)) return false;
      throw e;
    }
  }

  async slices(taskId: string, records: readonly unknown[], done: readonly IndexRange[], signal?: AbortSignal): Promise<{ inserted: number; duplicates: number }> {
    try {
      const r = await this.#json<{ inserted: number; duplicates: number }>('POST', `/api/v1/agent/tasks/${encodeURIComponent(taskId)}/slices`, { records, done }, signal !== undefined ? { signal } : {});
      return { inserted: Number(r.body?.inserted ?? 0), duplicates: Number(r.body?.duplicates ?? 0) };
    } catch (e) {
      return this.#leaseLost(e, taskId);
    }
  }

  async complete(taskId: string, signal?: AbortSignal): Promise<{ jobDone: boolean }> {
    try {
      const r = await this.#json<{ jobDone: boolean }>('POST', `/api/v1/agent/tasks/${encodeURIComponent(taskId)}/complete`, undefined, signal !== undefined ? { signal } : {});
      return { jobDone: r.body?.jobDone === true };
    } catch (e) {
      return this.#leaseLost(e, taskId);
    }
  }

  async fail(taskId: string, error: string, retry: boolean): Promise<void> {
    try {
      await this.#json('POST', `/api/v1/agent/tasks/${encodeURIComponent(taskId)}/fail`, { error: error.slice(0, 1000), retry }, { retries: 2 });
    } catch (e) {
      this.#leaseLost(e, taskId);
    }
  }
}

/** A new credential for this worker to propose at enrolment (src/domain/worker-credential.ts). */
export function newCredentialProposal(): string {
  return workerCredential(randomUUID(), randomBytes(32).toString('base64url'));
}

/** The backend of one task claimed over HTTPS: the job came with the claim; the core finalizes. */
export function agentBackend(client: AgentClient, claimed: ClaimedTask): TaskBackend {
  return {
    job: () => Promise.resolve(claimed.job),
    renew: (task, leaseMs) => client.renew(task.id, leaseMs),
    storeSlice: (task, _job, records, done, signal) => client.slices(task.id, records, [done], signal),
    complete: (task, signal) => client.complete(task.id, signal),
    fail: (task, error, retry) => client.fail(task.id, error, retry),
    unavailable: (e) => e instanceof AgentUnavailableError,
    fatal: (e) => e instanceof AgentAuthError,
    peer: 'core',
  };
}
