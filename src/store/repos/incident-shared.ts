// What the incident repositories share inside a transaction: writing a timeline entry, stamping the
// first response, reading the settings, and the keyset cursor of the queues.

import { validationError } from '../../domain/errors.js';
import type { Text, TimelineKind, TimelineSource } from '../../domain/incident.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../domain/incident-report.js';
import type { IncidentSettings } from '../../domain/incident-report.js';
import type { Ctx } from '../context.js';
import { nowIso } from '../context.js';

export const SETTINGS_KEY = 'settings';

/** The stored settings over the defaults (a key missing from the stored value keeps its default). */
export async function readSettings(ctx: Ctx): Promise<IncidentSettings> {
  const r = await ctx.db.selectFrom('incident_settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  const v = r === undefined ? {} : ctx.d.fromJson<Partial<IncidentSettings>>(r.value) ?? {};
  const base = DEFAULT_INCIDENT_SETTINGS;
  return {
    ...base, ...v,
    clocks: { ...base.clocks, ...(v.clocks ?? {}) },
    organisation: { ...base.organisation, ...(v.organisation ?? {}) },
    routes: { ...base.routes, ...(v.routes ?? {}) },
  };
}

export interface TimelineInput {
  readonly source: TimelineSource;
  readonly kind: TimelineKind;
  readonly text: Text;
  readonly actor: string | null;
  readonly includeInReport: boolean;
  readonly ref?: Record<string, unknown> | null;
  /** When it happened (default now). */
  readonly at?: string;
  /** Default: the city's time zone from the settings. */
  readonly tz?: string;
}

export async function addTimeline(ctx: Ctx, incidentId: string, e: TimelineInput): Promise<number> {
  const now = nowIso(ctx);
  const tz = e.tz ?? (await readSettings(ctx)).timeZone;
  const r = await ctx.db.insertInto('incident_timeline').values({
    incident_id: incidentId, at: ctx.d.time(e.at ?? now), tz, source: e.source, kind: e.kind, text: ctx.d.json(e.text), actor: e.actor,
    include_in_report: ctx.d.bool(e.includeInReport), ref: e.ref == null ? null : ctx.d.json(e.ref), created_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

/** The first responder act (message, step, scan, containment) stamps first_response_at once. */
export async function markFirstResponse(ctx: Ctx, incidentId: string): Promise<void> {
  const now = nowIso(ctx);
  await ctx.db.updateTable('incidents').set({ first_response_at: now }).where('id', '=', incidentId).where('first_response_at', 'is', null).execute();
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

export function decodeCursor(c: string | undefined): { at: string; id: string } | undefined {
  if (c === undefined || c === '') return undefined;
  const s = Buffer.from(c, 'base64url').toString('utf8');
  const i = s.indexOf('|');
  if (i < 0 || Number.isNaN(Date.parse(s.slice(0, i)))) throw validationError('cursor: not a cursor this list gave out', { field: 'cursor' });
  return { at: s.slice(0, i), id: s.slice(i + 1) };
}
