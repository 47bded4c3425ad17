// Incidents (docs/incidents.md), for logged-in users: the queue, the incident page's data (clocks,
// reports, linked assets with their scan facts and open findings, playbook runs, countermeasures,
// requests, service impact, regulatory sends, scans, photos), and every act on it. Officers see and work
// on their own agency's incidents (request.scope; another agency's answers 404); classification, phases,
// closing, playbook attachment, reconnect decisions and regulatory sends are the city CSIRT's.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { validationError } from '../../domain/errors.js';
import {
  checkPeriod, cleanText, COUNTERMEASURE_KINDS, EXTERNAL_PARTIES, PHASE_TRANSITIONS, PHASES, PUBLIC_SERVICES, REGULATORY_KINDS, validateClosure, validTimeZone,
} from '../../domain/incident.js';
import { BSSN_REPORT_TYPES, ASSISTANCE, monthlyStats } from '../../domain/incident-report.js';
import { TL } from '../../domain/incident-timeline.js';
import { isInScanWindow } from '../../domain/scan-window.js';
import { jobIsFinal } from '../../domain/scan-job.js';
import { requiredDone, stepStatuses } from '../../domain/playbook.js';
import { parsePorts } from '../../engine/targets/index.js';
import { bssnReportFile, bssnReportOf, pdpNoticeFile, pdpNoticeOf } from '../../io/pdf/incident-documents.js';
import type { TaskQueue } from '../../queue/queue.js';
import { createScanJob, registeredTargets } from '../../scheduler/jobs.js';
import { firstAllowed } from '../../scheduler/schedule.js';
import type { AgencyScope, PlaybookRun, Store } from '../../store/index.js';
import { READ, TRIAGE } from '../access.js';
import { ApiError, inIndonesian } from '../errors.js';
import { IdParams, responses } from '../schemas.js';
import { LangQ, PDF, sendPdf } from '../pdf.js';
import { CSIRT } from './incident-reports.js';
import {
  AnswerIn, AssetsIn, AttachIn, CloseIn, CountermeasureEndIn, CountermeasureIn, ImpactEndIn, ImpactIn, IncidentCreateIn, IncidentDetailOut, IncidentOut, IncidentPatchIn,
  IncludeIn, LinkedAssetOut, MessageIn, PhaseIn, ReconnectIn, RegulatoryIn, RequestIn, RunOut, ScanIn, TickIn, TimelineIn, TimelineOut, UnlinkIn,
} from './incident-schemas.js';

/** Indonesian sentences for the domain's refusals, by the field they name. */
const TEXTS: Readonly<Record<string, string>> = {
  phase: 'Perpindahan fase tidak diizinkan (lihat fase berikutnya yang boleh)',
  classification: 'Klasifikasi tidak dikenal',
  severity: 'Tingkat keparahan tidak dikenal',
  riskLevel: 'Tingkat risiko tidak dikenal',
  sector: 'Sektor tidak dikenal',
  foundAt: 'Waktu ditemukan tidak valid atau di masa depan',
  title: 'Judul wajib diisi (maksimal 200 karakter)',
  declaredBy: 'Nama yang menyatakan insiden selesai wajib diisi',
  criteria: 'Semua kriteria penutupan harus dijawab; yang "tidak berlaku" harus diberi alasan, dan tidak boleh ada yang belum terpenuhi',
  lessons: 'Tuliskan pelajaran yang diambil (minimal 20 karakter)',
  stepId: 'Langkah ini tidak dapat dicentang sekarang (belum waktunya, sudah selesai, atau tidak ada)',
  playbookId: 'Playbook ini sudah terpasang pada insiden ini',
  incidentId: 'Insiden sudah ditutup; buka insiden baru',
  status: 'Status laporan tidak mengizinkan tindakan ini',
  intoReportId: 'Laporan tujuan tidak dapat menerima gabungan',
  countermeasureId: 'Penanggulangan ini sudah dicabut',
  removedAt: 'Waktu pencabutan sebelum waktu penerapan',
  impactId: 'Layanan ini sudah tercatat pulih',
  downTo: 'Waktu pulih sebelum waktu layanan terhenti',
  sentAt: 'Waktu pengiriman di masa depan',
  personalData: 'Insiden ini tidak ditandai menyangkut data pribadi',
  type: 'Laporan akhir hanya untuk insiden yang sudah ditutup',
  month: 'Bulan harus berformat YYYY-MM',
  kind: 'Jenis tidak dikenal',
  party: 'Pihak tidak dikenal',
  service: 'Layanan tidak dikenal',
  tz: 'Zona waktu tidak dikenal',
};

function oneOf<T extends string>(v: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(v)) throw validationError(`${field}: one of ${allowed.join(', ')}`, { field });
  return v as T;
}

function forbiddenStep(): ApiError {
  return new ApiError('E_FORBIDDEN', { en: 'Steps of the city CSIRT are ticked by the city CSIRT', id: 'Langkah CSIRT kota dicentang oleh CSIRT kota' }, { reason: 'role' });
}

export function runOut(r: PlaybookRun) {
  const def = r.playbook.definition;
  const status = stepStatuses(def, r.ticks);
  return {
    id: r.id, playbookId: r.playbook.id, key: r.playbook.key, version: r.playbook.version, title: def.title, auto: r.auto, attachedBy: r.attachedBy, attachedAt: r.attachedAt,
    requiredDone: requiredDone(def, r.ticks), sources: def.sources,
    steps: def.steps.map((s) => {
      const t = r.ticks.find((x) => x.stepId === s.id);
      return { ...s, status: status.get(s.id)!, doneBy: t?.doneBy ?? null, doneAt: t?.doneAt ?? null, note: t?.note ?? null, scanJobId: t?.scanJobId ?? null };
    }),
  };
}

export interface IncidentRouteDeps {
  readonly store: Store;
  readonly clock: () => Date;
  readonly queue?: TaskQueue;
}

export function incidentRoutes(app: FastifyInstance, deps: IncidentRouteDeps): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const tr = <T>(work: () => Promise<T>) => inIndonesian(TEXTS, work);
  const now = () => clock().toISOString();

  async function detail(scope: AgencyScope, id: string) {
    const incident = await store.incidents.get(scope, id);
    const [agency, clocks, reports, assets, runs, countermeasures, requests, impacts, regulatory, scans] = await Promise.all([
      store.agencies.get('all', incident.agencyId), store.incidents.clocks(scope, id), store.incidentReports.ofIncident(scope, id),
      store.incidents.assets(scope, id), store.playbooks.runs(scope, id), store.incidents.countermeasures(scope, id), store.incidents.requests(scope, id),
      store.incidents.impacts(scope, id), store.incidents.regulatory(scope, id), store.incidents.scans(scope, id),
    ]);
    const photos = (await Promise.all(reports.map((x) => store.incidentReports.photosOf(x.id)))).flat();
    return {
      incident, agency: { id: agency.id, code: agency.code, name: agency.name }, nextPhases: [...PHASE_TRANSITIONS[incident.phase]],
      clocks, reports: reports.map((x) => ({ id: x.id, reference: x.reference, status: x.status, createdAt: x.createdAt, reporterName: x.reporterName, symptoms: [...x.symptoms], location: x.location })),
      assets, playbooks: runs.map(runOut), countermeasures, requests, impacts, regulatory, scans, photos,
    };
  }

  r.get('/api/v1/incidents', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'The incident queue in scope, newest first (keyset-paged)',
      querystring: Type.Object({
        agencyId: Type.Optional(Type.String({ maxLength: 64 })), phase: Type.Optional(Type.Union(PHASES.map((p) => Type.Literal(p)))), open: Type.Optional(Type.Boolean()),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })), cursor: Type.Optional(Type.String({ maxLength: 200 })),
      }),
      response: responses({ 200: Type.Object({ items: Type.Array(IncidentOut), next: Type.Union([Type.Null(), Type.String()]) }) }),
    },
  }, async (request) => {
    const q = request.query;
    return tr(() => store.incidents.list(request.scope, {
      ...(q.agencyId !== undefined ? { agencyId: q.agencyId } : {}), ...(q.phase !== undefined ? { phase: q.phase } : {}), ...(q.open !== undefined ? { open: q.open } : {}),
      limit: q.limit ?? 50, ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    }));
  });

  r.post('/api/v1/incidents', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.create' } },
    schema: { tags: ['incidents'], summary: 'Open an incident without a report (found by a scan, antivirus or a national warning)', body: IncidentCreateIn, response: responses({ 201: IncidentOut }) },
  }, async (request, reply) => {
    const b = request.body;
    const inc = await tr(() => store.incidents.create(request.scope, { ...b, createdBy: request.user!.username, owner: b.owner ?? request.user!.username }));
    request.auditNote = { targetType: 'incident', targetId: inc.id, agencyId: inc.agencyId };
    return reply.code(201).send(inc);
  });

  r.get('/api/v1/incidents/:id', {
    config: { access: { roles: READ } },
    schema: { tags: ['incidents'], summary: 'The incident page: the incident, its clocks, reports, linked assets (scan facts, open findings), playbook runs and records', params: IdParams, response: responses({ 200: IncidentDetailOut }) },
  }, async (request) => detail(request.scope, request.params.id));

  r.patch('/api/v1/incidents/:id', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.update' } },
    schema: { tags: ['incidents'], summary: 'Classify and flag (IIV, sector, personal data), describe, set the owner; a new classification attaches matching playbooks', params: IdParams, body: IncidentPatchIn, response: responses({ 200: IncidentOut }) },
  }, async (request) => tr(() => store.incidents.update(request.scope, request.params.id, request.body, request.user!.username)));

  r.post('/api/v1/incidents/:id/phase', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.phase' } },
    schema: { tags: ['incidents'], summary: 'Move the incident to another phase (the transition table decides; closing needs /close)', params: IdParams, body: PhaseIn, response: responses({ 200: IncidentOut }) },
  }, async (request) => tr(() => store.incidents.setPhase(request.scope, request.params.id, request.body.to, request.user!.username, request.body.note ?? null)));

  r.post('/api/v1/incidents/:id/close', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.close' } },
    schema: { tags: ['incidents'], summary: 'Declare the incident over: a named person, every closure criterion answered, lessons learned', params: IdParams, body: CloseIn, response: responses({ 200: IncidentOut }) },
  }, async (request) => tr(async () => store.incidents.close(request.scope, request.params.id, validateClosure(request.body, now()), request.user!.username)));

  r.get('/api/v1/incidents/:id/timeline', {
    config: { access: { roles: READ } },
    schema: { tags: ['incidents'], summary: 'The timeline, oldest first', params: IdParams, response: responses({ 200: Type.Object({ items: Type.Array(TimelineOut) }) }) },
  }, async (request) => ({ items: await store.incidents.timeline(request.scope, request.params.id) }));

  r.post('/api/v1/incidents/:id/timeline', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.timeline' } },
    schema: { tags: ['incidents'], summary: 'Add a note to the timeline (time, time zone, whether the report includes it)', params: IdParams, body: TimelineIn, response: responses({ 201: TimelineOut }) },
  }, async (request, reply) => {
    const b = request.body;
    const e = await tr(async () => {
      const settings = await store.incidents.settings();
      const tz = b.tz ?? settings.timeZone;
      if (!validTimeZone(tz)) throw validationError('tz: an IANA time zone such as Asia/Jakarta', { field: 'tz' });
      const at = b.at ?? now();
      checkPeriod(at, null, 'at');
      const text = cleanText(b.text, 'text', 4000, { required: true, multiline: true })!;
      return store.incidents.addTimeline(request.scope, request.params.id, { source: 'user', kind: 'note', text: { id: text, en: text }, actor: request.user!.username, includeInReport: b.includeInReport ?? true, at, tz });
    });
    return reply.code(201).send(e);
  });

  r.post('/api/v1/incidents/:id/timeline/include', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.timeline-include' } },
    schema: { tags: ['incidents'], summary: 'Include a timeline entry in the report, or leave it out', params: IdParams, body: IncludeIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    await store.incidents.setIncludeInReport(request.scope, request.params.id, request.body.entryId, request.body.includeInReport);
    return { ok: true };
  });

  r.post('/api/v1/incidents/:id/assets', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.link-assets' } },
    schema: {
      tags: ['incidents'], summary: 'Link inventory assets by id, IP address, name (NetBIOS/DNS, part of it) or unit (all its live assets)',
      params: IdParams, body: AssetsIn, response: responses({ 200: Type.Object({ linked: Type.Integer(), assets: Type.Array(LinkedAssetOut) }) }),
    },
  }, async (request) => {
    const b = request.body;
    const scope = request.scope;
    await store.incidents.get(scope, request.params.id);
    let ids: string[] = [...(b.assetIds ?? [])];
    let how = 'asset';
    if (b.ip !== undefined) {
      how = 'ip';
      for (const a of await store.assets.list(scope, { search: b.ip.trim(), limit: 1000 })) if (a.ip === b.ip.trim()) ids.push(a.id);
    }
    if (b.name !== undefined) {
      how = 'name';
      const n = b.name.trim().toLowerCase();
      for (const a of await store.assets.list(scope, { search: n, limit: 1000 })) if ([a.netbiosName, a.dnsName].some((x) => x?.toLowerCase().includes(n))) ids.push(a.id);
    }
    if (b.unitId !== undefined) {
      how = 'unit';
      await store.agencies.get(scope, b.unitId);
      for (const a of await store.assets.list(scope, { agencyId: b.unitId, limit: 10_000 })) ids.push(a.id);
    }
    ids = [...new Set(ids)];
    if (ids.length === 0) throw new ApiError('E_NOT_FOUND', { en: 'No asset in the inventory matches', id: 'Tidak ada aset di inventaris yang cocok' });
    const linked = await store.incidents.linkAssets(scope, request.params.id, ids, b.assetIds !== undefined && how === 'asset' ? 'asset' : how, request.user!.username);
    return { linked, assets: await store.incidents.assets(scope, request.params.id) };
  });

  r.post('/api/v1/incidents/:id/assets/unlink', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.unlink-asset' } },
    schema: { tags: ['incidents'], summary: 'Unlink an asset linked by mistake', params: IdParams, body: UnlinkIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    await store.incidents.unlinkAsset(request.scope, request.params.id, request.body.assetId, request.user!.username);
    return { ok: true };
  });

  r.post('/api/v1/incidents/:id/playbooks', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.attach-playbook' } },
    schema: { tags: ['incidents'], summary: 'Attach a playbook version by hand (matching ones attach by themselves)', params: IdParams, body: AttachIn, response: responses({ 201: RunOut }) },
  }, async (request, reply) => {
    const runId = await tr(() => store.playbooks.attach(request.scope, request.params.id, request.body.playbookId, request.user!.username));
    const run = (await store.playbooks.runs(request.scope, request.params.id)).find((x) => x.id === runId)!;
    return reply.code(201).send(runOut(run));
  });

  r.post('/api/v1/incidents/:id/steps', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.step' } },
    schema: { tags: ['incidents'], summary: 'Tick a playbook step (who and when are recorded; a step waits for the steps it must follow)', params: IdParams, body: TickIn, response: responses({ 200: RunOut }) },
  }, async (request) => {
    const b = request.body;
    const run = (await store.playbooks.runs(request.scope, request.params.id)).find((x) => x.id === b.runId);
    if (run === undefined) throw new ApiError('E_NOT_FOUND');
    const step = run.playbook.definition.steps.find((s) => s.id === b.stepId);
    if (step?.role === 'city-csirt' && !(CSIRT as readonly string[]).includes(request.user!.role)) throw forbiddenStep();
    if (step?.action === 'scan-ransomware') {
      throw new ApiError('E_VALIDATION', { en: 'This step starts a scan: use "scan" on the incident; the step is ticked when the scan starts', id: 'Langkah ini memulai pemindaian: gunakan "pindai" pada insiden; langkah dicentang saat pemindaian dimulai' }, { field: 'stepId' });
    }
    await tr(() => store.playbooks.tick(request.scope, request.params.id, b.runId, b.stepId, { by: request.user!.username, note: b.note ?? null }));
    return runOut((await store.playbooks.runs(request.scope, request.params.id)).find((x) => x.id === b.runId)!);
  });

  r.post('/api/v1/incidents/:id/scan', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.scan' } },
    schema: {
      tags: ['incidents'], summary: 'Start a ransomware-profile scan of the incident agency\'s registered networks (from a playbook step, or on its own); the result lands on the timeline',
      params: IdParams, body: ScanIn, response: responses({ 201: Type.Object({ jobId: Type.String(), targets: Type.Array(Type.String()), status: Type.String() }) }),
    },
  }, async (request, reply) => {
    const b = request.body;
    const scope = request.scope;
    const user = request.user!;
    const inc = await store.incidents.get(scope, request.params.id);
    if (inc.phase === 'closed') throw new ApiError('E_CONFLICT', { en: 'The incident is closed', id: 'Insiden sudah ditutup' });
    let runId: string | null = null;
    if (b.stepId !== undefined) {
      const run = (await store.playbooks.runs(scope, inc.id)).find((x) => x.id === b.runId || (b.runId === undefined && x.playbook.definition.steps.some((s) => s.id === b.stepId)));
      const step = run?.playbook.definition.steps.find((s) => s.id === b.stepId);
      if (run === undefined || step === undefined || step.action !== 'scan-ransomware') throw new ApiError('E_VALIDATION', { en: 'stepId: not a scan step of this incident\'s playbooks', id: 'Langkah ini bukan langkah pemindaian playbook insiden ini' }, { field: 'stepId' });
      if (step.role === 'city-csirt' && !(CSIRT as readonly string[]).includes(user.role)) throw forbiddenStep();
      if (stepStatuses(run.playbook.definition, run.ticks).get(step.id) !== 'ready') throw new ApiError('E_VALIDATION', { en: 'stepId: the step is done already or waits for earlier steps', id: TEXTS['stepId']! }, { field: 'stepId' });
      runId = run.id;
    }
    // The scan itself is what a person starting one from the scans page gets (scheduler/jobs.ts): the
    // agency's registered networks, the ransomware profile and ports, the agency's scan windows.
    const plan = await registeredTargets(store, scope, inc.agencyId, b.networkId ?? null);
    if (plan.targets.length === 0) {
      throw new ApiError('E_VALIDATION', { en: 'The incident\'s agency has no registered network to scan; register one on the agency page', id: 'Instansi insiden ini belum memiliki jaringan terdaftar untuk dipindai; daftarkan di halaman instansi' }, { field: 'networks' });
    }
    const windows = await store.agencies.effectiveScanWindows(scope, inc.agencyId);
    if (!isInScanWindow(windows, clock()) && !(b.overrideWindow === true && (CSIRT as readonly string[]).includes(user.role))) {
      const next = firstAllowed(windows, clock());
      throw new ApiError('E_CONFLICT', { en: `The agency does not allow scans now${next ? `; next allowed ${next.toISOString()}` : ''}; the CSIRT may override for an incident`, id: `Instansi tidak mengizinkan pemindaian saat ini${next ? `; boleh mulai ${next.toISOString()}` : ''}; CSIRT dapat mengesampingkan untuk insiden` }, { reason: 'scan-window' });
    }
    const busy = (await store.scans.listJobs(scope, { agencyId: inc.agencyId, limit: 200 })).find((j) => !jobIsFinal(j.status));
    if (busy !== undefined) throw new ApiError('E_CONFLICT', { en: `A scan of this agency is running (${busy.id}); its result will do`, id: `Pemindaian instansi ini sedang berjalan (${busy.id})` }, { jobId: busy.id });
    const job = await createScanJob(store, scope, {
      agencyId: inc.agencyId, networkId: b.networkId ?? null, targets: plan.targets, ports: parsePorts('ransomware'), profile: 'ransomware', vantage: 'internal', zone: plan.zone,
      requestedBy: user.username,
    });
    await deps.queue?.publish((await store.scans.tasks(scope, job.id)).map((t) => ({ id: t.id, zone: t.zone })));
    await store.incidents.recordScan(scope, inc.id, job.id, b.stepId ?? null, user.username, plan.targets);
    if (runId !== null) await store.playbooks.tick(scope, inc.id, runId, b.stepId!, { by: user.username, note: null, scanJobId: job.id });
    request.auditNote = { targetType: 'incident', targetId: inc.id, agencyId: inc.agencyId, details: { jobId: job.id, targets: plan.targets, ...(b.overrideWindow === true ? { overrideWindow: true } : {}) } };
    return reply.code(201).send({ jobId: job.id, targets: plan.targets, status: job.status });
  });

  r.post('/api/v1/incidents/:id/reconnect', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.reconnect' } },
    schema: { tags: ['incidents'], summary: 'Record the reconnection decision (approved or refused) for the agency or some of its assets', params: IdParams, body: ReconnectIn, response: responses({ 201: TimelineOut }) },
  }, async (request, reply) => {
    const b = request.body;
    const inc = await store.incidents.get(request.scope, request.params.id);
    const linked = await store.incidents.assets(request.scope, inc.id);
    const named = (b.assetIds ?? []).map((id) => linked.find((a) => a.assetId === id));
    if (named.some((a) => a === undefined)) throw new ApiError('E_VALIDATION', { en: 'assetIds: only assets linked to the incident', id: 'Hanya aset yang terkait dengan insiden' }, { field: 'assetIds' });
    const what = named.length === 0 ? (await store.agencies.get('all', inc.agencyId)).code : named.map((a) => a!.ip).join(', ');
    const note = b.note?.trim() || null;
    const e = await store.incidents.addTimeline(request.scope, inc.id, { source: 'user', kind: 'reconnect-decision', text: TL.reconnect(b.decision, what, note), actor: request.user!.username, includeInReport: true, ref: { decision: b.decision, assetIds: b.assetIds ?? [] } });
    return reply.code(201).send(e);
  });

  r.post('/api/v1/incidents/:id/countermeasures', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.countermeasure' } },
    schema: { tags: ['incidents'], summary: 'Record a countermeasure (e.g. 445 blocked at a named device, by whom, when)', params: IdParams, body: CountermeasureIn, response: responses({ 201: Type.Object({ id: Type.String() }) }) },
  }, async (request, reply) => {
    const b = request.body;
    const id = await tr(async () => {
      const at = b.appliedAt ?? now();
      checkPeriod(at, null, 'appliedAt');
      return store.incidents.addCountermeasure(request.scope, request.params.id, { kind: oneOf(b.kind, COUNTERMEASURE_KINDS, 'kind'), target: b.target.trim(), device: b.device?.trim() || null, appliedBy: b.appliedBy ?? request.user!.displayName, appliedAt: at, note: b.note ?? null }, request.user!.username);
    });
    return reply.code(201).send({ id });
  });

  r.post('/api/v1/incidents/:id/countermeasures/remove', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.countermeasure-remove' } },
    schema: { tags: ['incidents'], summary: 'Record that a countermeasure was removed, and when', params: IdParams, body: CountermeasureEndIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    await tr(() => store.incidents.removeCountermeasure(request.scope, request.params.id, request.body.countermeasureId, request.body.removedAt ?? now(), request.user!.username));
    return { ok: true };
  });

  r.post('/api/v1/incidents/:id/requests', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.request' } },
    schema: { tags: ['incidents'], summary: 'Record a request to an outside party (BSSN, Kemendagri for SIAK, a vendor …)', params: IdParams, body: RequestIn, response: responses({ 201: Type.Object({ id: Type.String() }) }) },
  }, async (request, reply) => {
    const b = request.body;
    const id = await tr(() => store.incidents.addRequest(request.scope, request.params.id, { party: oneOf(b.party, EXTERNAL_PARTIES, 'party'), subject: b.subject.trim(), sentAt: b.sentAt ?? now() }, request.user!.username));
    return reply.code(201).send({ id });
  });

  r.post('/api/v1/incidents/:id/requests/answer', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.request-answer' } },
    schema: { tags: ['incidents'], summary: 'Record the answer to a request', params: IdParams, body: AnswerIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    await tr(() => store.incidents.answerRequest(request.scope, request.params.id, request.body.requestId, { answer: request.body.answer.trim(), answeredAt: request.body.answeredAt ?? now() }, request.user!.username));
    return { ok: true };
  });

  r.post('/api/v1/incidents/:id/impacts', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.impact' } },
    schema: { tags: ['incidents'], summary: 'Record a service impact: which public service was down, from when to when, with which fallback', params: IdParams, body: ImpactIn, response: responses({ 201: Type.Object({ id: Type.String() }) }) },
  }, async (request, reply) => {
    const b = request.body;
    const id = await tr(async () => {
      checkPeriod(b.downFrom, b.downTo ?? null, 'downTo');
      return store.incidents.addImpact(request.scope, request.params.id, { service: oneOf(b.service, PUBLIC_SERVICES, 'service'), downFrom: b.downFrom, downTo: b.downTo ?? null, fallback: b.fallback?.trim() || null, peopleAffected: b.peopleAffected ?? null, note: b.note ?? null }, request.user!.username);
    });
    return reply.code(201).send({ id });
  });

  r.post('/api/v1/incidents/:id/impacts/end', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.impact-end' } },
    schema: { tags: ['incidents'], summary: 'Record that a service is running again', params: IdParams, body: ImpactEndIn, response: responses({ 200: Type.Object({ ok: Type.Boolean() }) }) },
  }, async (request) => {
    await tr(() => store.incidents.endImpact(request.scope, request.params.id, request.body.impactId, request.body.downTo ?? now(), request.user!.username));
    return { ok: true };
  });

  r.post('/api/v1/incidents/:id/regulatory', {
    config: { access: { roles: CSIRT, target: 'incident', audit: 'incident.regulatory' } },
    schema: { tags: ['incidents'], summary: 'Record that the BSSN report (initial/update/final) or the personal-data notice was sent: this meets its clock', params: IdParams, body: RegulatoryIn, response: responses({ 201: Type.Object({ id: Type.String() }) }) },
  }, async (request, reply) => {
    const b = request.body;
    const id = await tr(() => store.incidents.recordRegulatory(request.scope, request.params.id, { kind: oneOf(b.kind, REGULATORY_KINDS, 'kind'), sentAt: b.sentAt ?? now(), to: b.to.trim(), reference: b.reference ?? null }, request.user!.username));
    return reply.code(201).send({ id });
  });

  r.post('/api/v1/incidents/:id/messages', {
    config: { access: { roles: TRIAGE, target: 'incident', audit: 'incident.message' } },
    schema: { tags: ['incidents'], summary: 'A message to every reporter of the incident (shown on their status links)', params: IdParams, body: MessageIn, response: responses({ 201: Type.Object({ sent: Type.Integer() }) }) },
  }, async (request, reply) => {
    const inc = await store.incidents.get(request.scope, request.params.id);
    const reports = (await store.incidentReports.ofIncident(request.scope, inc.id)).filter((x) => x.status === 'linked');
    if (reports.length === 0) throw new ApiError('E_CONFLICT', { en: 'No report is linked to this incident: there is nobody to write to', id: 'Tidak ada laporan yang terkait dengan insiden ini: tidak ada pelapor yang dapat dikirimi pesan' });
    for (const rep of reports) await store.incidentReports.addMessage(request.scope, rep.id, { direction: 'to-reporter', author: request.user!.username, body: request.body.text.trim() });
    return reply.code(201).send({ sent: reports.length });
  });

  r.get('/api/v1/incidents/:id/bssn-report', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'The BSSN "Laporan Insiden Siber" as data (Peraturan BSSN 1/2024 Pasal 15): header and routing, reporter contact, description, chronology, impact, actions, technical annex, deadlines',
      params: IdParams,
      querystring: Type.Object({ type: Type.Optional(Type.Union(BSSN_REPORT_TYPES.map((t) => Type.Literal(t)))), assistance: Type.Optional(Type.Union(ASSISTANCE.map((t) => Type.Literal(t)))) }),
      response: responses({ 200: Type.Record(Type.String(), Type.Unknown()) }),
    },
  }, async (request) => tr(async () => (await bssnReportOf(store, request.scope, request.params.id, { ...request.query, at: now() })).report));

  // The same documents as PDF (src/io/pdf): the same data, access and refusals as the JSON routes above.
  r.get('/api/v1/incidents/:id/bssn-report.pdf', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'The BSSN "Laporan Insiden Siber" as PDF (A4, fonts embedded): the JSON route\'s content, in Indonesian or English (`lang`)',
      params: IdParams,
      querystring: Type.Object({ type: Type.Optional(Type.Union(BSSN_REPORT_TYPES.map((t) => Type.Literal(t)))), assistance: Type.Optional(Type.Union(ASSISTANCE.map((t) => Type.Literal(t)))), lang: LangQ }),
      produces: [PDF], response: responses({ 200: Type.String({ description: 'application/pdf' }) }),
    },
  }, async (request, reply) => {
    const { pdf, report } = await tr(() => bssnReportFile(store, request.scope, request.params.id, { ...request.query, at: now() }));
    return sendPdf(reply, pdf, `laporan-insiden-${report.header.reportNumber}`);
  });

  r.get('/api/v1/incidents/:id/pdp-notice.pdf', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'The personal-data breach notice draft (UU 27/2022 Pasal 46) as PDF, marked DRAF', params: IdParams,
      querystring: Type.Object({ lang: LangQ }), produces: [PDF], response: responses({ 200: Type.String({ description: 'application/pdf' }) }),
    },
  }, async (request, reply) => {
    const { pdf, notice } = await tr(() => pdpNoticeFile(store, request.scope, request.params.id, { at: now(), lang: request.query.lang }));
    return sendPdf(reply, pdf, `pemberitahuan-data-pribadi-${notice.incidentNumber}`);
  });

  r.get('/api/v1/incidents/:id/pdp-notice', {
    config: { access: { roles: READ } },
    schema: { tags: ['incidents'], summary: 'A draft of the personal-data breach notice (UU 27/2022 Pasal 46) as data', params: IdParams, response: responses({ 200: Type.Record(Type.String(), Type.Unknown()) }) },
  }, async (request) => tr(async () => (await pdpNoticeOf(store, request.scope, request.params.id, now())).notice));

  r.get('/api/v1/incident-stats', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['incidents'], summary: 'Monthly statistics per agency: counts by class, times to report, acknowledge, contain and restore, BSSN 1×24 h',
      querystring: Type.Object({ month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }), agencyId: Type.Optional(Type.String({ maxLength: 64 })) }),
      response: responses({ 200: Type.Record(Type.String(), Type.Unknown()) }),
    },
  }, async (request) => {
    const { month, agencyId } = request.query;
    const settings = await store.incidents.settings();
    return tr(async () => {
      monthlyStats([], month, settings.timeZone); // validates the month before reading
      const [y, m] = month.split('-').map(Number) as [number, number];
      // A day of margin on both sides covers every time zone; monthlyStats keeps the month's own.
      const from = new Date(Date.UTC(y, m - 1, 1) - 86_400_000).toISOString();
      const to = new Date(Date.UTC(y, m, 1) + 86_400_000).toISOString();
      const items = await store.incidents.forStats(request.scope, from, to, agencyId);
      const stats = monthlyStats(items, month, settings.timeZone);
      const agencies = new Map((await store.agencies.list(request.scope)).map((a) => [a.id, a]));
      return { ...stats, agencies: stats.agencies.map((a) => ({ ...a, code: agencies.get(a.agencyId)?.code ?? null, name: agencies.get(a.agencyId)?.name ?? null })) };
    });
  });

}
