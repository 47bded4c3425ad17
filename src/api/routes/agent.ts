// Enrolled segment workers (docs/api.md "Enrolled segment workers"): a scan worker inside an agency's
// network segment holds no database credentials. An administrator creates a one-time enrollment token for
// its zones; the worker trades it for its own revocable credential and from then on pulls tasks and
// pushes observations over HTTPS, with the lease/resume semantics of the direct worker
// (src/worker/worker.ts): claim under a lease, renew it, store each slice's observations together with
// its done ranges in one transaction, complete or fail the task. The core finalizes a finished job
// (src/worker/finalize.ts) — never the worker.
//
// The worker is not trusted with anything beyond its zones' tasks: a task outside them is "not found"
// (its existence is not disclosed), a record about an address outside the job's targets or a port the
// job does not scan is refused before anything is stored, and so is a done range outside the task.
//
// Admin side (session + CSRF, audited by the access plugin):
//   POST /api/v1/workers/enrollments               create a one-time token (shown once)
//   GET  /api/v1/workers/enrollments               pending (unused, unexpired) enrollments
//   GET  /api/v1/workers/zones                     the zones registered networks use (the form's choices)
//   GET  /api/v1/workers/credentials               enrolled workers
//   POST /api/v1/workers/credentials/:id/revoke    revoke a worker's credential
// Agent side (Authorization: Bearer psw_…, access.ts authenticateAgent; enroll takes the token instead):
//   POST /api/v1/agent/enroll, /heartbeat, /tasks/claim, /tasks/:id/renew, /tasks/:id/slices,
//   /tasks/:id/complete, /tasks/:id/fail

import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PerisaiError } from '../../domain/errors.js';
import { cidrContainsAddress, parseCidr, tryParseAddress } from '../../domain/ip.js';
import type { Cidr } from '../../domain/ip.js';
import { parseJsonlRecord } from '../../domain/observation.js';
import type { Observation } from '../../domain/observation.js';
import type { IndexRange } from '../../domain/ranges.js';
import type { Role } from '../../domain/roles.js';
import type { ScanJob, ScanTask } from '../../domain/scan-job.js';
import { workerCredential } from '../../domain/worker-credential.js';
import type { Store, WorkerCredential } from '../../store/index.js';
import { finalizeJob } from '../../worker/finalize.js';
import { ADMIN, sha256 } from '../access.js';
import { ApiError } from '../errors.js';
import {
  AgentEnrollIn, AgentEnrollOut, AgentFailIn, AgentHeartbeatIn, AgentSlicesIn, AgentTaskOut, EnrollmentCreatedOut, EnrollmentIn, EnrollmentOut, IdParams, LeaseIn,
  WorkerCredentialOut, responses,
} from '../schemas.js';

const OPERATE: readonly Role[] = ['admin', 'analyst'];
/** The agent side's request body limit (a slice of a large task's records). */
export const AGENT_BODY_LIMIT = 16 * 1024 * 1024;
const DEFAULT_EXPIRY_HOURS = 24;
/** OpenAPI: the agent routes take the worker's credential (app.ts securitySchemes.workerCredential). */
const BEARER = [{ workerCredential: [] }];

/** The lease owner the core uses for an enrolled worker's tasks. */
export function agentOwner(workerId: string): string {
  return `agent:${workerId}`;
}

function secret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

const agentBody = (what: string, field: string) =>
  new ApiError('E_VALIDATION', { en: `${what}; nothing was stored`, id: `${field}; tidak ada yang disimpan` });

/**
 * The task `id` as this worker may see it: a task outside its zones (or none) is 404, so a worker learns
 * nothing about other zones' tasks.
 */
async function visibleTask(store: Store, cred: WorkerCredential, id: string): Promise<ScanTask> {
  const missing = () => new ApiError('E_NOT_FOUND', { en: 'No such task for this worker', id: 'Tugas tidak ditemukan untuk pekerja ini' });
  const task = await store.scans.task(id).catch((e: unknown) => {
    if (e instanceof PerisaiError && e.code === 'E_NOT_FOUND') throw missing();
    throw e;
  });
  if (task.zone === null || !cred.zones.includes(task.zone)) throw missing();
  return task;
}

const leaseLost = (id: string) =>
  new ApiError('E_CONFLICT', { en: `The lease on task ${id} is no longer this worker's; stop the task`, id: `Sewa tugas ${id} bukan lagi milik pekerja ini; hentikan tugas itu` }, { reason: 'lease-lost' });

/** The job's targets as blocks (a bare address is a host block), parsed once per request. */
function targetBlocks(job: ScanJob): Cidr[] {
  return job.targets.map((t) => parseCidr(t, 'targets'));
}

/**
 * The records of a slice as observations, each checked against the job: parsed with the untrusted-input
 * parser, an address inside the job's targets, a port the job scans (port 0 for a check about the whole
 * host). Filtered ports are dropped as the direct worker drops them (no answer: nothing learned).
 */
export function sliceObservations(job: ScanJob, records: readonly unknown[]): Observation[] {
  const blocks = targetBlocks(job);
  const ports = new Set(job.ports);
  const out: Observation[] = [];
  records.forEach((rec, i) => {
    let parsed;
    try {
      parsed = parseJsonlRecord(rec);
    } catch (e) {
      const why = e instanceof PerisaiError ? e.message : String(e);
      throw agentBody(`records[${i}] is not a valid engine record: ${why}`, `records ke-${i + 1} bukan catatan mesin pemindai yang sah`);
    }
    for (const r of parsed) {
      if (r.kind !== 'observation') continue;
      const o = r.observation;
      const a = tryParseAddress(o.ip);
      if (a === undefined || !blocks.some((b) => cidrContainsAddress(b, a))) {
        throw agentBody(`records[${i}]: address ${o.ip} is not a target of job ${job.id}`, `records ke-${i + 1}: alamat ${o.ip} bukan target pemindaian ini`);
      }
      if ((o.type === 'port' || o.type === 'check') && !ports.has(o.port) && !(o.type === 'check' && o.port === 0)) {
        throw agentBody(`records[${i}]: port ${o.port} is not a port of job ${job.id}`, `records ke-${i + 1}: port ${o.port} bukan port pemindaian ini`);
      }
      if (o.type === 'port' && o.state === 'filtered') continue;
      out.push(o);
    }
  });
  return out;
}

/** The done ranges, each a non-empty part of the task's range. */
function checkDone(task: ScanTask, done: readonly (readonly [number, number])[]): IndexRange[] {
  const [s, e] = task.range;
  return done.map(([a, b], i) => {
    if (!(a < b && a >= s && b <= e)) {
      throw agentBody(`done[${i}] = [${a}, ${b}] is not inside the task's range [${s}, ${e}]`, `done ke-${i + 1} = [${a}, ${b}] di luar rentang tugas [${s}, ${e}]`);
    }
    return [a, b] as const;
  });
}

export function agentRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const agent = { access: { roles: 'agent' as const, audit: false as const } };
  const cred = (request: FastifyRequest): WorkerCredential => request.agent!;

  // --- admin side ---------------------------------------------------------------------------------

  r.post('/api/v1/workers/enrollments', {
    config: { access: { roles: ADMIN, audit: 'worker.enrollment.create', target: 'worker-enrollment' } },
    schema: {
      tags: ['workers'], summary: 'Create a one-time enrollment token for a segment worker of these zones (the token is shown in this answer only)',
      body: EnrollmentIn, response: responses({ 201: EnrollmentCreatedOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const known = new Set(await store.workerCredentials.networkZones());
    const unknown = b.zones.filter((z) => !known.has(z));
    if (unknown.length > 0) {
      throw new ApiError('E_VALIDATION', {
        en: `No registered network uses the zone(s) ${unknown.join(', ')}; set the zone on the networks first`,
        id: `Tidak ada jaringan terdaftar yang memakai zona ${unknown.join(', ')}; atur zona pada jaringannya terlebih dahulu`,
      }, { field: 'zones' });
    }
    const token = secret('pse_');
    const expiresAt = new Date(clock().getTime() + (b.expiresInHours ?? DEFAULT_EXPIRY_HOURS) * 3_600_000).toISOString();
    const e = await store.workerCredentials.createEnrollment({ id: randomUUID(), name: b.name, zones: b.zones, tokenHash: sha256(token), createdBy: request.user!.username, expiresAt });
    request.auditNote.targetId = e.id;
    request.auditNote.details = { name: e.name, zones: [...e.zones], expiresAt: e.expiresAt };
    return reply.code(201).send({ id: e.id, name: e.name, zones: [...e.zones], expiresAt: e.expiresAt, token });
  });

  r.get('/api/v1/workers/enrollments', {
    config: { access: { roles: ADMIN } },
    schema: { tags: ['workers'], summary: 'Enrollments not used yet and not expired (without their tokens)', response: responses({ 200: Type.Object({ items: Type.Array(EnrollmentOut) }) }) },
  }, async () => ({ items: (await store.workerCredentials.pendingEnrollments()).map((e) => ({ ...e, zones: [...e.zones] })) }));

  r.get('/api/v1/workers/zones', {
    config: { access: { roles: ADMIN } },
    schema: { tags: ['workers'], summary: 'The zones registered networks use: what an enrollment may name', response: responses({ 200: Type.Object({ items: Type.Array(Type.String()) }) }) },
  }, async () => ({ items: await store.workerCredentials.networkZones() }));

  r.get('/api/v1/workers/credentials', {
    config: { access: { roles: OPERATE } },
    schema: { tags: ['workers'], summary: 'Enrolled segment workers, revoked ones too, newest first', response: responses({ 200: Type.Object({ items: Type.Array(WorkerCredentialOut) }) }) },
  }, async () => ({ items: (await store.workerCredentials.list()).map((c) => ({ ...c, zones: [...c.zones] })) }));

  r.post('/api/v1/workers/credentials/:id/revoke', {
    config: { access: { roles: ADMIN, audit: 'worker.credential.revoke', target: 'worker-credential' } },
    schema: { tags: ['workers'], summary: 'Revoke an enrolled worker\'s credential: every later request with it is refused (401)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = await store.workerCredentials.revoke(request.params.id, request.user!.username);
    request.auditNote.details = { name: c.name, zones: [...c.zones] };
    return reply.code(204).send();
  });

  // --- agent side ---------------------------------------------------------------------------------

  r.post('/api/v1/agent/enroll', {
    // Public: the one-time token is the authentication. Audited by the access plugin, refusals included.
    // The app's default body limit here: this route reads a body before anyone is authenticated.
    config: { access: { roles: 'public', audit: 'worker.enroll', target: 'worker-credential' } },
    schema: {
      tags: ['agent'], summary: 'Trade a one-time enrollment token for this worker\'s credential (201), or confirm it again to the worker that proposed it (200)',
      body: AgentEnrollIn, response: responses({ 200: AgentEnrollOut, 201: AgentEnrollOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    if ((b.workerId === undefined) !== (b.secretHash === undefined)) {
      throw agentBody('workerId and secretHash come together (or neither)', 'workerId dan secretHash diberikan bersama (atau tidak sama sekali)');
    }
    // The worker's proposal (it keeps the secret; a lost answer can be asked for again), or one made here.
    const workerId = b.workerId ?? randomUUID();
    const credential = b.secretHash === undefined ? workerCredential(workerId, randomBytes(32).toString('base64url')) : undefined;
    const got = await store.workerCredentials.enroll({ tokenHash: sha256(b.token), workerId, secretHash: b.secretHash ?? sha256(credential!) });
    request.auditNote.details = { workerName: b.name ?? null, version: b.version };
    if (got === undefined) {
      request.auditNote.details = { ...request.auditNote.details, reason: 'unknown, used or expired token' };
      throw new ApiError('E_AUTH', { en: 'Unknown, already used or expired enrollment token', id: 'Token pendaftaran tidak dikenal, sudah dipakai, atau kedaluwarsa' });
    }
    request.auditNote.targetId = workerId;
    request.auditNote.details = { ...request.auditNote.details, name: got.credential.name, zones: [...got.credential.zones], enrollmentId: got.enrollment.id, ...(got.repeated ? { repeated: true } : {}) };
    return reply.code(got.repeated ? 200 : 201).send({ workerId, ...(credential !== undefined ? { credential } : {}), zones: [...got.credential.zones] });
  });

  r.post('/api/v1/agent/heartbeat', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: { tags: ['agent'], security: BEARER, summary: 'The worker\'s heartbeat (the workers list, the watch over unattended zones)', body: AgentHeartbeatIn, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = cred(request);
    const b = request.body;
    const started = Date.parse(b.startedAt);
    if (!Number.isFinite(started)) throw agentBody('startedAt is not a time', 'startedAt bukan waktu yang sah');
    await store.workers.heartbeat({
      name: agentOwner(c.id), zones: c.zones, version: b.version, queue: 'agent', startedAt: new Date(started).toISOString(), lastSeenAt: clock().toISOString(),
      currentTask: b.currentTask, doneLastHour: b.doneLastHour,
    });
    return reply.code(204).send();
  });

  r.post('/api/v1/agent/tasks/claim', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: { tags: ['agent'], security: BEARER, summary: 'Claim a pending task of one of the worker\'s zones (204: none)', body: LeaseIn, response: responses({ 200: AgentTaskOut, 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = cred(request);
    // Start at a random zone: a worker of several zones does not starve the later ones.
    const start = Math.floor(Math.random() * c.zones.length);
    for (let i = 0; i < c.zones.length; i++) {
      const zone = c.zones[(start + i) % c.zones.length]!;
      const task = await store.scans.claimTask({ zone, owner: agentOwner(c.id), leaseMs: request.body.leaseMs });
      if (task === undefined) continue;
      const job = await store.scans.getJob('all', task.jobId);
      return reply.code(200).send({
        task: { id: task.id, jobId: task.jobId, seq: task.seq, zone, range: [...task.range], done: task.done.map((x) => [...x]), remaining: task.remaining.map((x) => [...x]), attempt: task.attempt },
        job: { id: job.id, targets: [...job.targets], ports: [...job.ports], seed: job.seed, profile: job.profile },
      });
    }
    return reply.code(204).send();
  });

  r.post('/api/v1/agent/tasks/:id/renew', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: { tags: ['agent'], security: BEARER, summary: 'Extend the lease on a task (ok false: the lease was lost, stop the task)', params: IdParams, body: LeaseIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    const c = cred(request);
    const task = await visibleTask(store, c, request.params.id);
    return { ok: await store.scans.renewLease(task.id, agentOwner(c.id), request.body.leaseMs) };
  });

  r.post('/api/v1/agent/tasks/:id/slices', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: {
      tags: ['agent'], security: BEARER, summary: 'Store a slice: its observations and done ranges in one transaction (400 and nothing stored when a record is outside the job)',
      params: IdParams, body: AgentSlicesIn, response: responses({ 200: Type.Object({ inserted: Type.Integer(), duplicates: Type.Integer() }) }),
    },
  }, async (request) => {
    const c = cred(request);
    const owner = agentOwner(c.id);
    const task = await visibleTask(store, c, request.params.id);
    if (task.leaseOwner !== owner) throw leaseLost(task.id);
    const job = await store.scans.getJob('all', task.jobId);
    const observations = sliceObservations(job, request.body.records);
    const done = checkDone(task, request.body.done);
    try {
      if (observations.length === 0) {
        await store.scans.recordProgress(task.id, owner, done);
        return { inserted: 0, duplicates: 0 };
      }
      return await store.observations.ingestBatch({ jobId: job.id, taskId: task.id, owner, observations, done });
    } catch (e) {
      if (e instanceof PerisaiError && e.code === 'E_CONFLICT') throw leaseLost(task.id);
      throw e;
    }
  });

  r.post('/api/v1/agent/tasks/:id/complete', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: { tags: ['agent'], security: BEARER, summary: 'The task\'s whole range is done; the core finalizes the job after its last task', params: IdParams, response: responses({ 200: Type.Object({ jobDone: Type.Boolean() }) }) },
  }, async (request) => {
    const c = cred(request);
    const task = await visibleTask(store, c, request.params.id);
    let done: { jobDone: boolean };
    try {
      done = await store.scans.completeTask(task.id, agentOwner(c.id));
    } catch (e) {
      if (!(e instanceof PerisaiError && e.code === 'E_CONFLICT')) throw e;
      // Done already: the worker's retry after a lost answer (the first call finalized what there was to
      // finalize). What the worker asks for is true, so it is not told its lease was lost.
      if ((await store.scans.task(task.id)).status === 'done') return { jobDone: false };
      throw leaseLost(task.id);
    }
    if (done.jobDone) {
      // The task is done whatever happens here: a finalization that fails is left to the sweep that
      // finalizes finished jobs (src/worker/finalize.ts recoverJobs), not reported to the worker as its failure.
      try {
        await finalizeJob(store, task.jobId);
      } catch (e) {
        request.log.error({ err: e, jobId: task.jobId }, 'finalizing a job after an enrolled worker\'s last task failed; the sweep retries it');
      }
    }
    return { jobDone: done.jobDone };
  });

  r.post('/api/v1/agent/tasks/:id/fail', {
    config: agent, bodyLimit: AGENT_BODY_LIMIT,
    schema: { tags: ['agent'], security: BEARER, summary: 'The task failed: back to pending (retry) or failed for good', params: IdParams, body: AgentFailIn, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const c = cred(request);
    const task = await visibleTask(store, c, request.params.id);
    try {
      await store.scans.failTask(task.id, agentOwner(c.id), request.body.error, { retry: request.body.retry });
    } catch (e) {
      if (e instanceof PerisaiError && e.code === 'E_CONFLICT') throw leaseLost(task.id);
      throw e;
    }
    return reply.code(204).send();
  });
}
