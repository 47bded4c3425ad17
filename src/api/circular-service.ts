// What the circular routes, the agency link page and the circular sweep share (docs/circulars.md): the
// board with its colours, saving an answer (with the re-scan an attested `scan` item asks for), starting
// an agency's ransomware scan inside its scan windows, the gate's blockers, and the outbox messages a
// circular sends (the letter, reminders, escalations, contradictions, situation reports).

import { itemDue, MS17_010_KB_MAP, ragAcknowledged, ragChecklist, ragExposure, ragVerification, gateBlockers, isAttested, validateAnswer } from '../domain/circular.js';
import type { AnswerInput, CircularContent, GateBlocker } from '../domain/circular.js';
import { isInScanWindow } from '../domain/scan-window.js';
import { jobIsFinal } from '../domain/scan-job.js';
import { parsePorts } from '../engine/targets/index.js';
import type { TaskQueue } from '../queue/queue.js';
import { createScanJob, registeredTargets } from '../scheduler/jobs.js';
import { firstAllowed } from '../scheduler/schedule.js';
import type { AgencyScope, BoardRow, CircularSummary, OutboxInput, Store, StoredAnswer, StoredCircular } from '../store/index.js';
import { sentKey } from '../store/index.js';
import { ApiError } from './errors.js';

/** Where the web UI serves the agency's link page (the token follows in the URL fragment, never sent to a server). */
export const LINK_PATH = '/surat-edaran';
export const LINK_TOKEN_HEADER = 'x-circular-token';
/** The campaign's profile and the finding rules its re-scan must find clean (docs/circulars.md, "Emergency campaign, board, gates, situation reports"). */
export const CAMPAIGN_PROFILE = 'ransomware';
export const CAMPAIGN_RULES = ['ms17-010', 'doublepulsar'] as const;

type Rag = 'red' | 'amber' | 'green';

/**
 * The MS17-010 KB map the answer forms show (the link page's and the signed-in officer's): per Windows
 * version the update that first fixed it and the rollups that supersede it (Microsoft KB4023262). The
 * API refuses the same KBs on both routes (domain validateAnswer); the map is only the form's hint.
 */
export function kbMap() {
  return MS17_010_KB_MAP.map((f) => ({ os: f.os, label: f.label, fixing: [...f.fixing], superseding: [...f.superseding], srvSys: f.srvSys }));
}

export interface BoardView {
  readonly circular: CircularSummary;
  readonly campaignId: string | null;
  readonly at: string;
  readonly totals: { agencies: number; acknowledged: number; complete: number; contradicted: number; cleared: number };
  readonly rows: readonly (BoardRow & { acknowledgement: BoardRow['ack']; rag: { exposure: Rag; acknowledgement: Rag; checklist: Rag; verification: Rag } })[];
}

/** The board of a circular as the API answers it (GET /api/v1/circulars/{id}/board). */
export async function boardView(store: Store, id: string, scope: AgencyScope, now: Date): Promise<BoardView> {
  const b = await store.circulars.board(id, scope);
  const rows = b.rows.map((r) => ({
    ...r, acknowledgement: r.ack,
    rag: { exposure: ragExposure(r.openCritical, r.openHigh), acknowledgement: ragAcknowledged(r.acknowledged ? r.ack!.at : null, r.seenAt), checklist: ragChecklist(r.items), verification: ragVerification(r.items) },
  }));
  return {
    circular: b.circular, campaignId: b.campaignId, at: now.toISOString(),
    totals: {
      agencies: rows.length, acknowledged: rows.filter((r) => r.acknowledged).length, complete: rows.filter((r) => r.items.every((i) => i.complete)).length,
      contradicted: rows.filter((r) => r.items.some((i) => i.verification === 'contradicted')).length, cleared: rows.filter((r) => r.gate === 'cleared').length,
    },
    rows,
  };
}

export interface ScanStart {
  readonly state: 'queued' | 'deferred' | 'busy' | 'no-networks';
  readonly jobIds: readonly string[];
  readonly notBefore: string | null;
}

/**
 * Start a ransomware-profile scan of the agency's registered networks (scheduler/jobs.ts, as a person
 * starting one from the scans page gets it), inside the agency's scan windows unless `override` (the
 * caller checked who may override and audits it). A scan already running for the agency will do.
 */
export async function startAgencyScan(store: Store, agencyId: string, o: { by: string; override: boolean; now: Date; queue?: TaskQueue | undefined }): Promise<ScanStart> {
  const plan = await registeredTargets(store, 'all', agencyId, null);
  if (plan.targets.length === 0) return { state: 'no-networks', jobIds: [], notBefore: null };
  const windows = await store.agencies.effectiveScanWindows('all', agencyId);
  if (!o.override && !isInScanWindow(windows, o.now)) return { state: 'deferred', jobIds: [], notBefore: firstAllowed(windows, o.now)?.toISOString() ?? null };
  const busy = (await store.scans.listJobs('all', { agencyId, limit: 200 })).find((j) => !jobIsFinal(j.status));
  if (busy !== undefined) return { state: 'busy', jobIds: [busy.id], notBefore: null };
  const job = await createScanJob(store, 'all', { agencyId, networkId: null, targets: plan.targets, ports: parsePorts('ransomware'), profile: CAMPAIGN_PROFILE, vantage: 'internal', zone: plan.zone, requestedBy: o.by });
  await o.queue?.publish((await store.scans.tasks('all', job.id)).map((t) => ({ id: t.id, zone: t.zone })));
  return { state: 'queued', jobIds: [job.id], notBefore: null };
}

/**
 * Save an agency's answer (domain checks first: closed circular, KB list, "cannot" with a plan). An
 * attested `scan` item asks for a re-scan of the agency's networks: now if its windows allow, else at the
 * next window (the circular sweep starts it); one pending re-scan per agency is enough.
 */
export async function saveAnswer(store: Store, a: { circular: StoredCircular; agencyId: string; code: string; input: AnswerInput; actor: string; via: 'user' | 'link'; now: Date; queue?: TaskQueue | undefined }): Promise<{ answer: StoredAnswer; rescan: ScanStart | null }> {
  const item = a.circular.content.items.find((i) => i.code === a.code);
  if (item === undefined) throw new ApiError('E_NOT_FOUND', { en: `checklist item ${a.code} not found`, id: `Butir daftar periksa ${a.code} tidak ditemukan` });
  const v = validateAnswer(item, a.input, { circularStatus: a.circular.status, now: a.now });
  const before = (await store.circulars.answers(a.circular.id, 'all', a.agencyId)).find((x) => x.itemCode === a.code);
  const answer = await store.circulars.answer(a.circular.id, a.agencyId, a.code, v, { actor: a.actor, via: a.via });
  let rescan: ScanStart | null = null;
  const fresh = answer.attestedAt !== null && answer.attestedAt !== (before?.attestedAt ?? null);
  if (item.verification.mode === 'scan' && isAttested(answer.status) && fresh) {
    const pending = await store.circulars.pendingRescan(a.agencyId);
    if (pending !== undefined) rescan = { state: 'deferred', jobIds: [], notBefore: pending.notBefore };
    else {
      rescan = await startAgencyScan(store, a.agencyId, { by: `circular:${a.actor}`, override: false, now: a.now, queue: a.queue });
      if (rescan.state !== 'no-networks') {
        await store.circulars.addRescan({ circularId: a.circular.id, agencyId: a.agencyId, campaignId: null, itemCode: a.code, by: a.actor, jobIds: rescan.state === 'deferred' ? [] : rescan.jobIds, notBefore: rescan.notBefore });
      }
    }
  }
  return { answer, rescan };
}

/** What keeps the agency's reconnect gate from clearing now (domain gateBlockers over the stored state). */
export async function blockersFor(store: Store, circular: StoredCircular, campaign: { startedAt: string; rules: readonly string[] }, agencyId: string): Promise<GateBlocker[]> {
  const board = await store.circulars.board(circular.id, new Set([agencyId]));
  const row = board.rows[0];
  const complete = new Set((row?.items ?? []).filter((i) => i.complete).map((i) => i.code));
  const [networks, checks, openFindings] = await Promise.all([
    store.networks.list('all', { agencyId }), store.circulars.networkChecks(agencyId), store.circulars.openFindings(agencyId, campaign.rules),
  ]);
  return gateBlockers({
    items: circular.content.items, completeCodes: complete, campaignStartedAt: campaign.startedAt, rules: campaign.rules,
    networkIds: networks.filter((n) => n.agencyId === agencyId).map((n) => n.id), checks, openFindings,
  });
}

// ---- outbox messages (topics circular.*; the dispatcher sends them through the configured channels) -------

function subjectLine(c: { number: string | null; content: CircularContent }): { id: string; en: string } {
  const n = c.number ?? '—';
  return { id: `Surat Edaran ${n}: ${c.content.subject.id}`, en: `Circular ${n}: ${c.content.subject.en}` };
}

/** The e-mail addresses of an agency's contacts with these roles. */
export async function contactEmails(store: Store, agencyId: string, roles: readonly string[]): Promise<string[]> {
  const list = await store.contacts.list('all', { agencyId });
  return [...new Set(list.filter((c) => roles.includes(c.role) && c.email !== null).map((c) => c.email!))];
}

/** The letter to one agency: addressed to its PIC, technical contacts and head; the link is minted when the dispatcher sends it. */
export function sentMessage(c: { id: string; content: CircularContent }, r: { agencyId: string; number: string; version: number }, to: readonly string[]): OutboxInput {
  const s = subjectLine({ number: r.number, content: c.content });
  return {
    topic: 'circular.sent', dedupKey: sentKey(c.id, r.agencyId, r.version), agencyId: r.agencyId,
    payload: {
      circularId: c.id, number: r.number, version: r.version, severity: 'high', to: [...to], link: { circularId: c.id, agencyId: r.agencyId },
      title: r.version > 1 ? { id: `${s.id} (versi ${r.version}, mohon diterima ulang)`, en: `${s.en} (version ${r.version}, please acknowledge again)` } : s,
      detail: {
        id: 'Mohon baca surat edaran ini, nyatakan telah menerima, dan jawab setiap butir daftar periksa melalui tautan di bawah sebelum tenggatnya.',
        en: 'Please read this circular, acknowledge it, and answer every checklist item through the link below before its deadline.',
      },
    },
  };
}

export function reminderMessage(c: StoredCircular, agencyId: string, kind: string, dueAt: string, to: readonly string[]): OutboxInput {
  const s = subjectLine(c);
  const escalation = kind === 'escalation';
  const overdue = kind.startsWith('after-');
  const title = escalation
    ? { id: `ESKALASI — belum dijawab setelah tenggat: ${s.id}`, en: `ESCALATION — not answered after the deadline: ${s.en}` }
    : overdue ? { id: `Lewat tenggat: ${s.id}`, en: `Overdue: ${s.en}` } : { id: `Pengingat tenggat: ${s.id}`, en: `Deadline reminder: ${s.en}` };
  return {
    topic: escalation ? 'circular.escalation' : 'circular.reminder', dedupKey: `circular.${kind}:${c.id}:${agencyId}:v${c.version}`, agencyId,
    payload: {
      circularId: c.id, number: c.number, kind, dueAt, severity: escalation ? 'critical' : overdue ? 'high' : 'medium', to: [...to], link: { circularId: c.id, agencyId }, title,
      detail: escalation
        ? { id: `Tenggat ${dueAt} telah lewat dan instansi belum menyelesaikan daftar periksa. Pesan ini juga dikirim kepada kepala instansi dan tembusan.`, en: `The deadline ${dueAt} has passed and the agency has not completed the checklist. This message also goes to the head of the agency and the copy recipients.` }
        : { id: `Tenggat: ${dueAt}. Mohon lengkapi jawaban daftar periksa melalui tautan di bawah.`, en: `Deadline: ${dueAt}. Please complete the checklist answers through the link below.` },
    },
  };
}

/**
 * A situation report to the head of office (`to`: the settings' e-mail; null — the channels' own
 * recipients only): the totals in both languages, the board's link, and the PDF of the frozen board.
 * Each sending (`n`) is its own message.
 */
export function sitrepMessage(c: StoredCircular, campaignId: string, s: { id: string; version: number; snapshot: BoardView }, to: { name: string; position: string; email: string | null } | null, n: number): OutboxInput {
  const t = s.snapshot.totals;
  const dear = to === null ? null : { id: `Yth. ${to.name} (${to.position}). `, en: `To ${to.name} (${to.position}). ` };
  return {
    topic: 'circular.sitrep', dedupKey: `circular.sitrep:${campaignId}:v${s.version}${n > 1 ? `:${n}` : ''}`, agencyId: null,
    payload: {
      circularId: c.id, campaignId, version: s.version, severity: 'high', to: to?.email != null ? [to.email] : [], toName: to?.name ?? null, toPosition: to?.position ?? null,
      href: `/circulars/${encodeURIComponent(c.id)}/board`, attachments: [{ kind: 'sitrep', campaignId, id: s.id }],
      title: { id: `Laporan situasi #${s.version} — ${c.content.subject.id}`, en: `Situation report #${s.version} — ${c.content.subject.en}` },
      detail: {
        id: `${dear?.id ?? ''}${t.agencies} instansi: ${t.acknowledged} menyatakan menerima, ${t.complete} menyelesaikan daftar periksa, ${t.contradicted} dibantah hasil pemindaian, ${t.cleared} boleh tersambung kembali. Laporan lengkap terlampir (PDF).`,
        en: `${dear?.en ?? ''}${t.agencies} agencies: ${t.acknowledged} acknowledged, ${t.complete} completed the checklist, ${t.contradicted} contradicted by scans, ${t.cleared} cleared to reconnect. The full report is attached (PDF).`,
      },
    },
  };
}

/** The earliest due time of the items an agency has not finished (null: nothing due). */
export function nextDue(c: StoredCircular, answers: readonly StoredAnswer[]): string | null {
  const done = new Set(answers.filter((a) => isAttested(a.status) || a.status === 'cannot').map((a) => a.itemCode));
  const dues = c.content.items.filter((i) => !done.has(i.code)).map((i) => itemDue(i, c.sentAt, c.content.deadlines)).filter((d): d is string => d !== null).sort();
  return dues[0] ?? null;
}
