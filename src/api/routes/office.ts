// The office's settings and weekly report-card schedules (docs/circulars.md "Weekly report cards",
// "Situation reports"), edited through the forms of web/src/pages/OfficeSettings.tsx:
//
//   GET  /api/v1/office-settings                  the head of office (name, position, e-mail)
//   PUT  /api/v1/office-settings                  name them (admin, analyst)
//   GET  /api/v1/report-card-schedules            the weekly schedules with their next run
//   POST /api/v1/report-card-schedules            add one (day of week, hour, time zone, recipients)
//   PUT  /api/v1/report-card-schedules/:id        change one (the next run is recomputed)
//   DELETE /api/v1/report-card-schedules/:id      remove one (the cards it issued stay)
//
// City-wide data of the office: agency officers neither read nor change it (a schedule names circulars
// that were not sent to them); viewers read.

import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { validateOfficeSettings, validateReportSchedule } from '../../domain/office.js';
import type { ReportScheduleInput } from '../../domain/office.js';
import type { Role } from '../../store/repos/users.js';
import type { Store } from '../../store/index.js';
import { nextWeeklyRun } from '../report-schedule.js';
import { IdParams, responses } from '../schemas.js';
import { OFFICE } from './circulars.js';
import { OfficeSettingsIn, OfficeSettingsOut, ReportScheduleIn, ReportScheduleOut } from './circular-schemas.js';

/** The city-wide roles: the office and the viewers (agency officers are scoped to their agencies). */
const CITY: readonly Role[] = ['admin', 'analyst', 'viewer'];

export function officeRoutes(app: FastifyInstance, deps: { store: Store; clock: () => Date }): void {
  const { store, clock } = deps;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const next = (s: ReportScheduleInput) => (s.enabled ? nextWeeklyRun(s, clock()).toISOString() : null);

  r.get('/api/v1/office-settings', {
    config: { access: { roles: CITY } },
    schema: { tags: ['circulars'], summary: 'The office settings: the head of office situation reports and the weekly city roll-up are addressed to', response: responses({ 200: OfficeSettingsOut }) },
  }, async () => store.office.settings());

  r.put('/api/v1/office-settings', {
    config: { access: { roles: OFFICE, target: 'office-settings', audit: 'office-settings.update' } },
    schema: { tags: ['circulars'], summary: 'Name the head of office (name, position, e-mail), or nobody (null)', body: OfficeSettingsIn, response: responses({ 200: OfficeSettingsOut }) },
  }, async (request) => {
    const s = validateOfficeSettings(request.body);
    request.auditNote = { details: { headOfOffice: s.headOfOffice } };
    return store.office.saveSettings(s, request.user!.username);
  });

  r.get('/api/v1/report-card-schedules', {
    config: { access: { roles: CITY } },
    schema: { tags: ['circulars'], summary: 'The weekly report-card schedules, with their next and last run', response: responses({ 200: Type.Object({ items: Type.Array(ReportScheduleOut) }) }) },
  }, async () => ({ items: await store.office.schedules() }));

  r.post('/api/v1/report-card-schedules', {
    config: { access: { roles: OFFICE, target: 'report-card-schedule', audit: 'report-card-schedule.create' } },
    schema: {
      tags: ['circulars'], summary: 'Add a weekly schedule: every week on `dayOfWeek` at `hour` (time zone default Asia/Jakarta), the agency cards and the city roll-up of a circular (or of every finding) to the agency heads and/or the office',
      body: ReportScheduleIn, response: responses({ 201: ReportScheduleOut }),
    },
  }, async (request, reply) => {
    const s = validateReportSchedule(request.body);
    const created = await store.office.createSchedule(s, next(s), request.user!.username);
    request.auditNote = { targetId: created.id, details: { circularId: s.circularId, dayOfWeek: s.dayOfWeek, hour: s.hour, timeZone: s.timeZone } };
    return reply.code(201).send(created);
  });

  r.put('/api/v1/report-card-schedules/:id', {
    config: { access: { roles: OFFICE, target: 'report-card-schedule', audit: 'report-card-schedule.update' } },
    schema: { tags: ['circulars'], summary: 'Change a schedule (its next run is recomputed from now)', params: IdParams, body: ReportScheduleIn, response: responses({ 200: ReportScheduleOut }) },
  }, async (request) => {
    const s = validateReportSchedule(request.body);
    request.auditNote = { details: { circularId: s.circularId, dayOfWeek: s.dayOfWeek, hour: s.hour, timeZone: s.timeZone, enabled: s.enabled } };
    return store.office.updateSchedule(request.params.id, s, next(s), request.user!.username);
  });

  r.delete('/api/v1/report-card-schedules/:id', {
    config: { access: { roles: OFFICE, target: 'report-card-schedule', audit: 'report-card-schedule.delete' } },
    schema: { tags: ['circulars'], summary: 'Remove a schedule (the cards it issued stay)', params: IdParams, response: responses({ 204: Type.Null() }) },
  }, async (request, reply) => {
    await store.office.deleteSchedule(request.params.id);
    return reply.code(204).send();
  });
}
