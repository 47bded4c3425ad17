// Scans: start one within the user's scope, watch live progress (SSE …), see the results and the diff
// against the previous scan, and download a scan as nmap-compatible XML and JSONL.
//
// Starting a scan is the same act as a schedule firing (src/scheduler/scheduler.ts): a job is stored
// with its tasks and announced on the task queue; the workers (in-process with `perisai serve`, or
// `perisai worker` processes on PostgreSQL) do the scanning. The API never scans anything itself, and the
// store refuses any target outside the networks registered to the agency (fail closed, ScanRepo.createJob),
// so a caller's scope bounds what it can make Perisai touch: its agencies, their registered networks.
//
// Live progress is Server-Sent Events (WHATWG HTML §9.2): one GET that stays open and receives
// `progress` events while the job runs and one `end` event when it reaches a final state. EventSource
// reconnects by itself, and each reconnection passes the access plugin again; a stream lives at most
// `maxStreamMs`, and ends at its next tick once its session is revoked or expired (logout included).

import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { isPerisaiError } from '../../domain/errors.js';
import { parseCidr, tryParseAddress } from '../../domain/ip.js';
import { JOB_STATUSES, jobIsFinal, shownJobStatus } from '../../domain/scan-job.js';
import type { ScanJob } from '../../domain/scan-job.js';
import { VANTAGES } from '../../domain/risk.js';
import type { Vantage } from '../../domain/risk.js';
import { isInScanWindow } from '../../domain/scan-window.js';
import { formatPorts, parsePorts, PortSpecError, TargetSpecError } from '../../engine/targets/index.js';
import { jobTargetBlocks, MAX_JOB_BLOCKS, parseTypedTargets } from '../../domain/job-targets.js';
import type { TypedTarget } from '../../domain/job-targets.js';
import { exportScan, hostFromObservations } from '../../io/scan-export.js';
import type { TaskQueue } from '../../queue/queue.js';
import { createScanJob, registeredTargets } from '../../scheduler/jobs.js';
import { firstAllowed } from '../../scheduler/schedule.js';
import type { AgencyScope, Store } from '../../store/index.js';
import { PROFILES } from '../../domain/scan-profile.js';
import { DEFAULT_SCAN_BRAKES, largeScanRefusal } from '../../domain/scan-brakes.js';
import type { ScanBrakes } from '../../domain/scan-brakes.js';
import { READ, TRIAGE } from '../access.js';
import { ApiError, inIndonesian } from '../errors.js';
import { eventStream } from '../sse.js';
import type { FieldError } from '../errors.js';
import { IdParams, Nullable, responses, ScanJobOut } from '../schemas.js';

const Str = Type.String();
const NStr = Nullable(Str);

const Progress = Type.Object({
  planned: Type.Integer(), done: Type.Integer(),
  tasks: Type.Object({ pending: Type.Integer(), running: Type.Integer(), done: Type.Integer(), failed: Type.Integer(), cancelled: Type.Integer() }),
});

const ScanDetailOut = Type.Object({ job: ScanJobOut, progress: Progress, previousJobId: NStr });

/** `reasonCode`: the engine's code (src/engine/checks/reasons.ts) that the UI translates; `reason` its English sentence. */
const CheckOut = Type.Object({ check: Str, port: Type.Integer(), state: Str, reason: NStr, reasonCode: NStr, evidence: Type.Record(Type.String(), Type.Unknown()) });
const HostOut = Type.Object({
  ip: Str, assetId: NStr, state: Str, hostname: NStr,
  ports: Type.Array(Type.Object({ port: Type.Integer(), state: Str, service: NStr, banner: NStr })),
  checks: Type.Array(CheckOut),
  os: Nullable(Type.Record(Type.String(), Type.Unknown())),
  smb: Nullable(Type.Record(Type.String(), Type.Unknown())),
});

const ChangeOut = Type.Object({
  kind: Str, ip: Str, port: Type.Optional(Type.Integer()), service: Type.Optional(Str), confirmed: Type.Optional(Type.Boolean()),
  check: Type.Optional(Str), from: Type.Optional(NStr), to: Type.Optional(NStr),
});

/** What the comparison left out because only one of the two scans looked there (domain/diff.ts). */
const NotComparedOut = Type.Object({ ports: Type.Array(Type.Integer()), checks: Type.Array(Str), hosts: Type.Integer() });
const NOTHING_LEFT_OUT = { ports: [], checks: [], hosts: 0 };

const StartBody = Type.Object({
  agencyId: Type.String({ minLength: 1, maxLength: 64 }),
  /** One registered network of the agency; absent = every network of the agency and its units. */
  networkId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** Addresses or CIDR blocks inside the agency's registered networks; absent = the whole network(s). */
  targets: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 256 })),
  /** A port spec as `perisai scan -p` takes it: "ransomware", "smb", "139,445,3389", "1-1024", "top:100". */
  ports: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
  vantage: Type.Optional(Type.Union(VANTAGES.map((v) => Type.Literal(v)))),
  /** Start even inside a forbidden scan window (admin and analyst only; recorded in the audit log). */
  overrideWindow: Type.Optional(Type.Boolean()),
  /**
   * Confirm a scan that plans more probes (addresses × ports) than the configured ceiling (`perisai serve
   * --scan-confirm-probes`, default 524,288): administrators only, like the CLI's --yes; recorded in the audit log.
   */
  confirmLargeScan: Type.Optional(Type.Boolean({ description: 'confirm a scan planning more probes than the ceiling (administrators only)' })),
}, { additionalProperties: false });

/** The forms a target may take, as the new-scan form's hint shows them (web/src/i18n, scan.targetsForms). */
const EXAMPLES = '198.18.0.10, 198.18.0.0/24, 198.18.0.10-198.18.0.40, 198.18.0.10-40';
const FORMS = { en: `e.g. ${EXAMPLES} or 198.18.1-3.1-254`, id: `mis. ${EXAMPLES} atau 198.18.1-3.1-254` };

/**
 * Why `token` (one spec the engine could not take) is not a target, in both languages. The forms a person
 * most often gets wrong are named: host names (a name's answer can change after the scan was authorised),
 * shortened or numeric IPv4 forms such as 127.1, 0x7f.1 or 2130706433 (inet_aton accepts them, the
 * inventory does not, so the two would disagree about which host is meant), leading zeros, bad prefixes.
 */
function specProblem(token: string, engineMessage: string): { en: string; id: string } {
  const t = token;
  const q = JSON.stringify(t);
  const [addr = '', prefix, ...more] = t.split('/');
  if (more.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return { en: `${q}: write a block as address/prefix, e.g. 198.18.0.0/24`, id: `${q}: tulis blok sebagai alamat/prefiks, mis. 198.18.0.0/24` };
  const a = tryParseAddress(addr);
  if (a !== undefined) {
    const max = a.family === 4 ? 32 : 128;
    return { en: `${q}: the prefix length must be 0–${max}`, id: `${q}: panjang prefiks harus 0–${max}` };
  }
  if (/^\d+(\.\d+){3}$/.test(addr)) {
    const parts = addr.split('.');
    if (parts.some((p) => Number(p) > 255)) return { en: `${q}: each part of an IPv4 address is 0–255`, id: `${q}: setiap bagian alamat IPv4 bernilai 0–255` };
    return { en: `${q}: leading zeros are ambiguous (octal in some tools); write e.g. 10.0.0.1`, id: `${q}: angka nol di depan bermakna ganda (oktal di sebagian alat); tulis mis. 10.0.0.1` };
  }
  if (/^(0x[0-9a-f]+|\d+)(\.(0x[0-9a-f]+|\d+)){0,3}$/i.test(addr)) {
    return { en: `${q} is a shortened or numeric IPv4 form; write all four decimal parts, e.g. 127.0.0.1`, id: `${q} adalah bentuk singkat atau numerik alamat IPv4; tulis keempat bagian desimalnya, mis. 127.0.0.1` };
  }
  if (/^[a-z0-9._-]+$/i.test(addr) && /[a-z_]/i.test(addr)) {
    return { en: `${q} is a host name; a scan started here takes IP addresses, ranges and CIDR blocks only (${FORMS.en})`, id: `${q} adalah nama host; pemindaian dari aplikasi hanya menerima alamat IP, rentang, atau blok CIDR (${FORMS.id})` };
  }
  if (/reversed range/.test(engineMessage)) return { en: engineMessage, id: `${q} adalah rentang terbalik (alamat akhir lebih kecil dari alamat awal)` };
  if (/IPv6 addresses; a target spec may list/.test(engineMessage)) {
    return { en: engineMessage, id: `${q} terlalu besar untuk dipindai alamat demi alamat (IPv6 maksimal /112, 65.536 alamat); sebutkan alamat atau blok yang lebih kecil` };
  }
  return { en: `${engineMessage} (${FORMS.en})`, id: `${q} bukan alamat IP, rentang, atau blok CIDR yang valid (${FORMS.id})` };
}

/**
 * What one entry of `targets` names, or why it cannot be taken, in both languages. An entry takes every
 * form `perisai scan` takes except host names (src/engine/targets/spec.ts): an address, a CIDR block, a
 * range (198.18.0.10-198.18.0.40, or 198.18.0.10-40 on the last octet), nmap's octet ranges (198.18.1-3.1-254)
 * and comma lists of them, split as the CLI splits an argument. Unlike the CLI, a block with host bits set
 * is refused with the block it probably meant (the inventory's rule, domain/ip.ts parseCidr): 10.0.0.9/24
 * scanning all of 10.0.0.0/24 is rarely what the person who typed it expected.
 */
export function targetProblem(raw: string): { en: string; id: string; suggestion?: string } | null {
  const r = parseEntry(raw);
  return 'problem' in r ? r.problem : null;
}

function parseEntry(raw: string): { typed: TypedTarget[] } | { problem: { en: string; id: string; suggestion?: string } } {
  const t = raw.trim();
  if (t === '') return { problem: { en: 'is empty', id: 'kosong' } };
  let typed: TypedTarget[];
  try {
    typed = parseTypedTargets(t);
  } catch (e) {
    if (!(e instanceof TargetSpecError)) throw e;
    return { problem: specProblem(e.token.trim() === '' ? t : e.token, e.message) };
  }
  for (const x of typed) {
    if (!x.spec.includes('/')) continue;
    try {
      parseCidr(x.spec.replace(/^\[([^\]]*)\]/, '$1'));
    } catch (e) {
      if (!isPerisaiError(e, 'E_VALIDATION')) throw e;
      const suggestion = e.details['suggestion'];
      if (typeof suggestion === 'string') return { problem: { en: `${x.spec} has host bits set; did you mean ${suggestion}?`, id: `${x.spec} memuat bit host; maksud Anda ${suggestion}?`, suggestion } };
      return { problem: specProblem(x.spec, e.message) };
    }
  }
  return { typed };
}

/** What a request's targets name: the specs as typed, and the CIDR blocks the job stores (domain/job-targets.ts). */
interface CheckedTargets { readonly typed: readonly TypedTarget[]; readonly blocks: string[] }

/** Every bad target of a request at once (field `targets`, each entry naming its index). */
function checkTargets(targets: readonly string[]): CheckedTargets {
  const fields: FieldError[] = [];
  const texts: { en: string; id: string }[] = [];
  const typed: TypedTarget[] = [];
  targets.forEach((raw, i) => {
    const r = parseEntry(raw);
    if ('typed' in r) {
      for (const x of r.typed) typed.push(x);
      return;
    }
    const p = r.problem;
    fields.push({ field: `body.targets.${i}`, message: p.en, messageId: p.id });
    texts.push({ en: `targets[${i}]: ${p.en}`, id: `Target ke-${i + 1} tidak valid: ${p.id}` });
  });
  if (fields.length > 0) {
    throw new ApiError('E_VALIDATION', { en: texts.map((x) => x.en).join('; '), id: texts.map((x) => x.id).join('; ') }, { field: 'targets', fields: fields.map((f) => ({ ...f })) });
  }
  const blocks = jobTargetBlocks(typed);
  if (blocks.length > MAX_JOB_BLOCKS) {
    throw new ApiError('E_VALIDATION', {
      en: `the targets break into ${blocks.length} CIDR blocks (at most ${MAX_JOB_BLOCKS}); name CIDR blocks or wider ranges instead`,
      id: `Target ini terpecah menjadi ${blocks.length} blok CIDR (maksimal ${MAX_JOB_BLOCKS}); sebutkan blok CIDR atau rentang yang lebih lebar`,
    }, { field: 'targets', blocks: blocks.length, maxBlocks: MAX_JOB_BLOCKS });
  }
  return { typed, blocks };
}

/** The typed spec that reaches into `block` (a stored block the store refused), for naming it to the person. */
function typedSpecOf(typed: readonly TypedTarget[], block: string): TypedTarget | undefined {
  const c = parseCidr(block);
  return typed.find((x) => (c.family === 4 ? x.ranges.v4 : x.ranges.v6).some((r) => BigInt(r.start) <= c.last && BigInt(r.end) >= c.first));
}

/**
 * Ports as the API answers them, for jobs and schedules alike: compact text (`1-1024,3389`) and their count,
 * never the list itself — a 1-65535 list is some 350 kB.
 */
export function portsOut(ports: readonly number[]): { ports: string; portCount: number } {
  return { ports: formatPorts(ports), portCount: new Set(ports).size };
}

/** A job as every route answers it, its ports by portsOut (the SSE `end` event is not trimmed by a schema). */
export function jobOut(j: ScanJob) {
  const { ports, ...rest } = j;
  return {
    ...rest, ...portsOut(ports),
    summary: typeof j.summary === 'object' && j.summary !== null && !Array.isArray(j.summary) ? (j.summary as Record<string, unknown>) : null,
  };
}

export interface ScanRouteDeps {
  readonly store: Store;
  readonly queue?: TaskQueue;
  readonly clock: () => Date;
  /** How often an SSE stream looks at the job (default 1 s). */
  readonly sseIntervalMs?: number;
  /** A stream ends after this long; EventSource reconnects (and re-authenticates). Default 10 min. */
  readonly maxStreamMs?: number;
  /** The probes above which a scan needs an administrator's confirmation (domain/scan-brakes.ts). */
  readonly brakes?: ScanBrakes;
}

export function scanRoutes(app: FastifyInstance, deps: ScanRouteDeps): void {
  const { store, clock } = deps;
  const brakes = deps.brakes ?? DEFAULT_SCAN_BRAKES;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const streams = new Set<() => void>();

  /**
   * Above the probe ceiling a scan needs `confirmLargeScan` from an administrator (domain/scan-brakes.ts):
   * 400 naming the field for an administrator who did not confirm, 403 for anyone else.
   */
  function confirmLargeScan(probes: number, confirmed: boolean, isAdmin: boolean): void {
    const refusal = largeScanRefusal(probes, brakes, { confirmed, isAdmin });
    const details = { reason: 'large-scan', probes, confirmProbes: brakes.confirmProbes };
    if (refusal?.kind === 'admin-only') throw new ApiError('E_FORBIDDEN', { en: refusal.en, id: refusal.id }, details);
    if (refusal?.kind === 'needs-confirmation') throw new ApiError('E_VALIDATION', { en: refusal.en, id: refusal.id }, { ...details, field: 'confirmLargeScan' });
  }
  app.addHook('onClose', async () => {
    for (const stop of [...streams]) stop();
  });

  r.get('/api/v1/scans', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['scans'], summary: 'Scan jobs in scope, newest first',
      querystring: Type.Object({
        agencyId: Type.Optional(Type.String({ maxLength: 64 })), networkId: Type.Optional(Type.String({ maxLength: 64 })),
        status: Type.Optional(Type.Union(JOB_STATUSES.map((s) => Type.Literal(s)))),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(ScanJobOut) }) }),
    },
  }, async (request) => {
    const q = request.query;
    const items = await store.scans.listJobs(request.scope, {
      ...(q.agencyId !== undefined ? { agencyId: q.agencyId } : {}), ...(q.networkId !== undefined ? { networkId: q.networkId } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}), limit: q.limit ?? 50,
    });
    // A running job with no task left to run is being finalized: shown so in the list as on its page.
    const counts = await store.scans.taskCounts(items.filter((j) => j.status === 'running').map((j) => j.id));
    return { items: items.map((j) => {
      const c = counts.get(j.id);
      return c === undefined ? jobOut(j) : { ...jobOut(j), status: shownJobStatus(j.status, c) };
    }) };
  });

  r.post('/api/v1/scans', {
    config: { access: { roles: TRIAGE, target: 'scan', audit: 'scan.start' } },
    schema: {
      tags: ['scans'], summary: 'Start a scan of an agency\'s registered networks (or of addresses inside them)',
      body: StartBody, response: responses({ 201: ScanJobOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const scope = request.scope;
    const user = request.user!;
    const agency = await store.agencies.get(scope, b.agencyId); // 404 outside the caller's scope
    request.auditNote = { targetType: 'agency', targetId: agency.id, agencyId: agency.id };
    const profile = b.profile ?? 'ransomware';
    if (PROFILES[profile] === undefined) {
      const names = Object.keys(PROFILES).join(', ');
      throw new ApiError('E_VALIDATION', { en: `profile: one of ${names}`, id: `Profil pemindaian tidak dikenal; pilih salah satu dari: ${names}` }, { field: 'profile' });
    }
    let ports: number[];
    try {
      ports = parsePorts(b.ports ?? 'ransomware');
    } catch (e) {
      if (e instanceof PortSpecError) throw new ApiError('E_VALIDATION', { en: `ports: ${e.message}`, id: 'Daftar port tidak valid; contoh: ransomware, 445,3389, 1-1024 atau top:100' }, { field: 'ports' });
      throw e;
    }
    // Every bad target at once, before anything is looked up for them (targetProblem).
    const named = b.targets === undefined ? undefined : checkTargets(b.targets);
    // The targets: what the caller named, else the registered blocks themselves (as a schedule takes them).
    const plan = await registeredTargets(store, scope, agency.id, b.networkId ?? null);
    if (b.networkId !== undefined && !(await store.agencies.scopeOf(agency.id)).has(plan.networks[0]!.agencyId)) {
      throw new ApiError('E_NOT_FOUND', { en: `network ${b.networkId} does not belong to ${agency.code}`, id: `Jaringan ${b.networkId} bukan milik ${agency.code}` });
    }
    const targets = named?.blocks ?? plan.targets;
    if (targets.length === 0) {
      throw new ApiError('E_VALIDATION', { en: `${agency.code} has no registered network to scan; add one first`, id: `${agency.code} belum memiliki jaringan terdaftar untuk dipindai; tambahkan dulu` }, { field: 'networks' });
    }
    // Scan windows (e.g. a hospital forbids scans during service hours) bind people as they bind schedules.
    const now = clock();
    const windows = await store.agencies.effectiveScanWindows(scope, agency.id);
    if (!isInScanWindow(windows, now)) {
      if (b.overrideWindow !== true || (user.role !== 'admin' && user.role !== 'analyst')) {
        const until = firstAllowed(windows, now);
        throw new ApiError('E_CONFLICT', {
          en: `${agency.code} does not allow scans at this time${until ? `; next allowed ${until.toISOString()}` : ''}`,
          id: `${agency.code} tidak mengizinkan pemindaian saat ini${until ? `; boleh lagi mulai ${until.toISOString()}` : ''}`,
        }, { reason: 'scan-window', ...(until ? { until: until.toISOString() } : {}) });
      }
      request.auditNote = { ...request.auditNote, details: { overrideWindow: true } };
    }
    // One live scan per network (or per agency-wide scan): a second click must not double the traffic.
    const live = (await store.scans.listJobs(scope, { agencyId: agency.id, limit: 1000 }))
      .find((j) => !jobIsFinal(j.status) && (j.networkId ?? null) === (b.networkId ?? null));
    if (live !== undefined) {
      throw new ApiError('E_CONFLICT', { en: `a scan of this ${b.networkId !== undefined ? 'network' : 'agency'} is already ${live.status} (${live.id})`, id: `Pemindaian ${b.networkId !== undefined ? 'jaringan' : 'instansi'} ini sedang berjalan (${live.id})` }, { jobId: live.id });
    }
    const job = await inIndonesian((field, e) => {
      // The store refuses a target outside the agency's registered networks (ScanRepo.createJob): named
      // as the person typed it, with the part that lies outside when that is only a piece of it.
      const block = e.details['target'];
      if (field === 'targets' && typeof block === 'string') {
        const own = named === undefined ? undefined : typedSpecOf(named.typed, block);
        const spec = own?.spec;
        const whole = own === undefined || jobTargetBlocks([own]).join() === block;
        const part = whole ? '' : ` (${block})`;
        const en = `target ${spec ?? block}${part} is outside the networks registered to ${agency.code}; register and authorise it first`;
        throw new ApiError('E_VALIDATION', { en, id: `Target ${spec ?? block}${part} berada di luar jaringan yang terdaftar untuk ${agency.code}; daftarkan dan izinkan jaringan itu terlebih dahulu` }, { field: 'targets', target: spec ?? block, outside: block });
      }
      if (field === 'targets' && /too large/.test(e.message)) return 'Pemindaian ini terlalu besar (terlalu banyak alamat × port); bagi menjadi beberapa pemindaian';
      if (field === 'targets') return 'Tidak ada yang dapat dipindai: tidak ada target atau tidak ada port';
      return undefined;
    }, () => createScanJob(store, scope, {
      agencyId: agency.id, networkId: b.networkId ?? null, targets, ports, profile, vantage: (b.vantage ?? 'internal') as Vantage, zone: plan.zone,
      requestedBy: user.username,
    }, { checkPlan: (probes) => confirmLargeScan(probes, b.confirmLargeScan === true, user.role === 'admin') }), (e) => {
      // The engine enumerates what a job names: an IPv6 block wider than a /112 cannot be swept.
      if (e instanceof TargetSpecError) {
        return new ApiError('E_VALIDATION', {
          en: e.message,
          id: 'Sebuah blok IPv6 terlalu besar untuk dipindai alamat demi alamat (maksimal /112, 65.536 alamat); sebutkan alamat atau blok yang lebih kecil sebagai target',
        }, { field: 'targets' });
      }
      return e;
    });
    request.auditNote = { ...request.auditNote, targetType: 'scan', targetId: job.id, details: {
      ...request.auditNote.details, targets: named?.typed.map((x) => x.spec) ?? targets, ...(named !== undefined ? { blocks: targets } : {}), ports: b.ports ?? 'ransomware', profile,
      ...(job.planned > brakes.confirmProbes ? { confirmLargeScan: true, probes: job.planned } : {}),
    } };
    await deps.queue?.publish((await store.scans.tasks(scope, job.id)).map((t) => ({ id: t.id, zone: t.zone })));
    return reply.code(201).send(jobOut(job));
  });

  r.get('/api/v1/scans/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['scans'], summary: 'A scan job with its progress', params: IdParams, response: responses({ 200: ScanDetailOut }) },
  }, async (request) => {
    const job = await store.scans.getJob(request.scope, request.params.id);
    const [progress, prev] = await Promise.all([store.scans.progress(request.scope, job.id), store.scans.previousCompleted(request.scope, job.id)]);
    return { job: { ...jobOut(job), status: shownJobStatus(job.status, progress.tasks) }, progress, previousJobId: prev?.id ?? null };
  });

  r.post('/api/v1/scans/:id/cancel', {
    config: { access: { roles: TRIAGE, target: 'scan', audit: 'scan.cancel' } },
    schema: { tags: ['scans'], summary: 'Cancel a queued or running scan (its workers stop at their next lease renewal)', params: IdParams, response: responses({ 200: ScanJobOut }) },
  }, async (request) => {
    const job = await store.scans.getJob(request.scope, request.params.id);
    request.auditNote = { agencyId: job.agencyId };
    if (jobIsFinal(job.status) || job.status === 'finalizing') {
      throw new ApiError('E_CONFLICT', { en: `the scan is already ${job.status}`, id: `Pemindaian sudah ${job.status}` }, { status: job.status });
    }
    return jobOut(await store.scans.setJobStatus(request.scope, job.id, 'cancelled', { error: `cancelled by ${request.user!.username}` }));
  });

  r.get('/api/v1/scans/:id/events', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['scans'], summary: 'Live progress as Server-Sent Events: `progress` while the job runs, `end` with the final job; the stream then closes',
      params: IdParams, produces: ['text/event-stream'],
      response: responses({ 200: Type.String({ description: 'text/event-stream' }) }),
    },
  }, async (request, reply) => {
    const scope: AgencyScope = request.scope;
    const id = request.params.id;
    await store.scans.getJob(scope, id); // 404 before the stream opens, like every other route
    let last = '';
    eventStream(request, reply, {
      store, clock, streams, intervalMs: deps.sseIntervalMs ?? 1000, maxStreamMs: deps.maxStreamMs ?? 600_000, what: 'scan',
      poll: async () => {
        const job = await store.scans.getJob(scope, id);
        const progress = await store.scans.progress(scope, id);
        if (jobIsFinal(job.status)) return { event: 'end', data: { job: jobOut(job), progress }, end: true };
        const status = shownJobStatus(job.status, progress.tasks);
        const state = JSON.stringify([status, progress]);
        if (state === last) return { unchanged: 'still running' };
        last = state;
        return { event: 'progress', data: { status, progress } };
      },
    });
  });

  r.get('/api/v1/scans/:id/hosts', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['scans'], summary: 'What a scan found, host by host (ports that answered, check verdicts with evidence, OS and SMB facts); `after` = last ip of the previous page',
      params: IdParams,
      querystring: Type.Object({ after: Type.Optional(Type.String({ maxLength: 64 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(HostOut), next: NStr }) }),
    },
  }, async (request) => {
    const scope = request.scope;
    const job = await store.scans.getJob(scope, request.params.id);
    const limit = request.query.limit ?? 200;
    const sub = await store.agencies.scopeOf(job.agencyId);
    const assetIds = new Map<string, string>();
    for (const a of sub) {
      if (scope !== 'all' && !scope.has(a)) continue;
      for (const [ip, id] of await store.assets.idsByIp(scope, a)) assetIds.set(ip, id);
    }
    const items = [];
    let more = false;
    for await (const h of store.observations.byHost(scope, job.id, 5000, request.query.after)) {
      if (items.length === limit) {
        more = true;
        break;
      }
      const x = hostFromObservations(h.ip, h.observations);
      items.push({
        ip: h.ip, assetId: assetIds.get(h.ip) ?? null, state: x.host.state, hostname: x.host.hostname ?? null,
        ports: x.ports.map((p) => ({ port: p.port, state: p.state, service: p.service ?? null, banner: p.banner ?? null })),
        checks: h.observations.flatMap((o) => (o.type === 'check' ? [{ check: o.check, port: o.port, state: o.state, reason: o.reason ?? null, reasonCode: o.reasonCode ?? null, evidence: { ...(o.evidence ?? {}) } }] : [])),
        os: (x.host.os as Record<string, unknown> | undefined) ?? null,
        smb: (x.host.smb as Record<string, unknown> | undefined) ?? null,
      });
    }
    return { items, next: more ? (items[items.length - 1]?.ip ?? null) : null };
  });

  r.get('/api/v1/scans/:id/diff', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['scans'],
      summary: 'What changed against the previous completed scan that covered the same hosts (or `against` = another scan id), compared only where both scans looked; '
        + '`notCompared` lists the ports and checks only one of the two probed; `baseline` = there is no earlier completed scan to compare with',
      params: IdParams, querystring: Type.Object({ against: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
      response: responses({ 200: Type.Object({ jobId: Str, previousJobId: NStr, baseline: Type.Boolean(), changes: Type.Array(ChangeOut), notCompared: NotComparedOut }) }),
    },
  }, async (request) => {
    const scope = request.scope;
    const job = await store.scans.getJob(scope, request.params.id);
    const prev = request.query.against !== undefined ? await store.scans.getJob(scope, request.query.against) : await store.scans.previousCompleted(scope, job.id);
    if (prev === undefined) return { jobId: job.id, previousJobId: null, baseline: true, changes: [], notCompared: NOTHING_LEFT_OUT };
    const { changes, notCompared } = await store.observations.compareJobs(prev, job);
    return { jobId: job.id, previousJobId: prev.id, baseline: false, changes: [...changes], notCompared };
  });

  for (const format of ['xml', 'jsonl'] as const) {
    r.get(`/api/v1/scans/:id/export.${format}`, {
      config: { access: { roles: READ } },
      schema: {
        tags: ['exports'], summary: format === 'xml' ? 'The scan as nmap-compatible XML (nmap.dtd; ndiff reads it)' : 'The scan as Perisai JSONL (README "JSONL contract")',
        params: IdParams, produces: [format === 'xml' ? 'application/xml' : 'application/x-ndjson'],
        response: responses({ 200: Type.String() }),
      },
    }, async (request, reply) => {
      const job = await store.scans.getJob(request.scope, request.params.id);
      // Streamed host by host with backpressure: a /16 export never sits in memory as one string.
      const body = new PassThrough();
      const flush = (): Promise<void> => (body.writableNeedDrain ? new Promise((resolve) => body.once('drain', resolve)) : Promise.resolve());
      const scope = request.scope;
      void exportScan(store, scope, job, format, { write: (s) => void body.write(s) }, { flush }).then(
        () => body.end(),
        (e: unknown) => {
          // Headers are gone already: the only honest signal left is a broken transfer.
          request.log.error({ err: e }, 'scan export failed');
          body.destroy(e instanceof Error ? e : new Error(String(e)));
        },
      );
      return reply
        .type(format === 'xml' ? 'application/xml; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="perisai-scan-${job.id.replace(/[^A-Za-z0-9-]/g, '_')}.${format}"`)
        .send(body);
    });
  }
}
