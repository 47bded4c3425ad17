// Monitoring schedules over HTTP (the web application's schedules page): list in scope, create,
// enable/disable, delete. Creation goes through the scheduler's own `addSchedule` (cron, time zone,
// profile and the first run past the agency's scan windows) and the engine's `parsePorts` (named sets
// such as `ransomware`), exactly as `perisai schedule add` does, so the two front doors cannot disagree.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { parsePorts } from '../../engine/targets/index.js';
import { addSchedule } from '../../scheduler/scheduler.js';
import { DEFAULT_TIME_ZONE } from '../../domain/calendar.js';
import { nextRunAt } from '../../scheduler/schedule.js';
import type { AgencyScope, Schedule, Store } from '../../store/index.js';
import type { Role } from '../../store/repos/users.js';
import { PROFILES } from '../../domain/scan-profile.js';
import type { PerisaiError } from '../../domain/errors.js';
import type { ScanBrakes } from '../../domain/scan-brakes.js';
import { READ } from '../access.js';
import { ApiError, inIndonesian } from '../errors.js';
import { IdParams, Nullable, ScheduleOut, responses } from '../schemas.js';
import { portsOut } from './scans.js';

/** Who may create and change schedules: city-wide operators, not agency officers (they only read theirs). */
const OPERATE: readonly Role[] = ['admin', 'analyst'];

const SCHEDULE_TEXTS: Readonly<Record<string, string>> = {
  cron: 'Pola cron tidak valid; gunakan lima kolom "menit jam tanggal bulan hari", misalnya "0 2 * * *" (setiap hari pukul 02.00)',
  timeZone: 'Zona waktu tidak dikenal; gunakan nama IANA seperti Asia/Jakarta',
  profile: `Profil pemindaian tidak dikenal; pilih salah satu: ${Object.keys(PROFILES).join(', ')}`,
  ports: 'Sebutkan minimal satu port',
  scanWindows: 'Jendela pemindaian instansi ini melarang setiap menit dalam seminggu, sehingga jadwal tidak akan pernah berjalan',
};

async function view(store: Store, scope: AgencyScope, s: Schedule) {
  // The job may have been pruned since; a schedule still shows, just without a status.
  const job = s.lastJobId === null ? undefined : await store.scans.getJob(scope, s.lastJobId).catch(() => undefined);
  return { ...s, ...portsOut(s.ports), lastRunStatus: job?.status ?? null };
}

/** A brake's own Indonesian sentence (domain/scan-brakes.ts) before the table's generic one. */
const scheduleText = (field: string, e: PerisaiError): string | undefined => (typeof e.details['messageId'] === 'string' ? e.details['messageId'] : SCHEDULE_TEXTS[field]);

export function scheduleRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date; brakes: ScanBrakes }): void {
  const { store, clock, brakes } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const act = (audit: string) => ({ access: { roles: OPERATE, target: 'schedule', audit } });

  r.get('/api/v1/schedules', {
    config: { access: { roles: READ } },
    schema: {
      tags: ['schedules'], summary: 'Monitoring schedules in scope, next run first',
      querystring: Type.Object({ agencyId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }),
      response: responses({ 200: Type.Object({ items: Type.Array(ScheduleOut) }) }),
    },
  }, async (request) => {
    const list = await store.schedules.list(request.scope, request.query.agencyId !== undefined ? { agencyId: request.query.agencyId } : {});
    return { items: await Promise.all(list.map((s) => view(store, request.scope, s))) };
  });

  r.post('/api/v1/schedules', {
    config: act('schedule.create'),
    schema: {
      tags: ['schedules'], summary: 'Scan an agency (or one of its networks) on a cron; the first run is the next time its scan windows allow',
      body: Type.Object({
        agencyId: Type.String({ minLength: 1, maxLength: 64 }),
        networkId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
        cron: Type.String({ minLength: 1, maxLength: 100 }),
        timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        ports: Type.Union([
          Type.String({ minLength: 1, maxLength: 500, description: 'engine syntax: ransomware, 445,3389, 1-1024, top:100' }),
          Type.Array(Type.Integer({ minimum: 1, maximum: 65535 }), { minItems: 1, maxItems: 65535 }),
        ]),
        profile: Type.Optional(Type.Union(Object.keys(PROFILES).map((p) => Type.Literal(p)))),
      }, { additionalProperties: false }),
      response: responses({ 201: ScheduleOut }),
    },
  }, async (request, reply) => {
    const b = request.body;
    // Scope first: an agency outside the caller's scope is "not found", like everywhere else.
    await store.agencies.get(request.scope, b.agencyId);
    let ports: number[];
    try {
      ports = typeof b.ports === 'string' ? parsePorts(b.ports) : [...new Set(b.ports)].sort((x, y) => x - y);
    } catch (e) {
      throw new ApiError('E_VALIDATION', { en: `ports: ${(e as Error).message}`, id: 'Daftar port tidak valid; contoh: ransomware, 445,3389 atau 1-1024' }, { field: 'ports' });
    }
    const s = await inIndonesian(scheduleText, () => addSchedule(store, {
      agencyId: b.agencyId, networkId: b.networkId ?? null, cron: b.cron.trim(), timeZone: b.timeZone ?? DEFAULT_TIME_ZONE, ports,
      ...(b.profile !== undefined ? { profile: b.profile } : {}), createdBy: request.user!.username,
    }, clock(), brakes));
    request.auditNote.targetId = s.id;
    request.auditNote.agencyId = s.agencyId;
    request.auditNote.details = { cron: s.cron, timeZone: s.timeZone, networkId: s.networkId, profile: s.profile, ports: s.ports.length };
    return reply.code(201).send(await view(store, request.scope, s));
  });

  r.patch('/api/v1/schedules/:id', {
    config: act('schedule.update'),
    schema: {
      tags: ['schedules'], summary: 'Enable or disable a schedule', params: IdParams,
      body: Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false }),
      response: responses({ 200: ScheduleOut }),
    },
  }, async (request) => {
    const scope = request.scope;
    const cur = await store.schedules.get(scope, request.params.id);
    request.auditNote.agencyId = cur.agencyId;
    request.auditNote.details = { enabled: request.body.enabled };
    if (request.body.enabled && !cur.enabled && Date.parse(cur.nextRunAt) <= clock().getTime()) {
      // A schedule disabled for a while has a next run in the past: enabling it as is would start a
      // scan at the next scheduler tick, whatever the cron says. Move it to its next proper time first,
      // while it is still disabled, so the scheduler never sees the stale time.
      const windows = await store.agencies.effectiveScanWindows('all', cur.agencyId);
      const next = await inIndonesian(SCHEDULE_TEXTS, () => nextRunAt(cur.cron, cur.timeZone, clock(), windows));
      await store.schedules.advance(cur.id, cur.nextRunAt, next.toISOString(), null);
    }
    return view(store, scope, await store.schedules.setEnabled(scope, cur.id, request.body.enabled));
  });

  r.delete('/api/v1/schedules/:id', {
    config: act('schedule.delete'),
    schema: { tags: ['schedules'], summary: 'Delete a schedule (the scans it started stay)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    const cur = await store.schedules.get(request.scope, request.params.id);
    request.auditNote.agencyId = cur.agencyId;
    await store.schedules.remove(request.scope, cur.id);
    return reply.code(204).send();
  });
}
