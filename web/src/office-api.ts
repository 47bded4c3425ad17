// The office's settings, weekly report-card schedules, the cards they issued, a circular's report cards and
// the situation reports' sendings (docs/circulars.md "Report cards", "Weekly report cards", "Situation
// reports"): the shapes are the API's own TypeBox schemas (src/api/routes/circular-schemas.ts, types only),
// the paths those of src/api/routes/office.ts and report-cards.ts.
import type { Static } from 'typebox';
import type * as C from '../../src/api/routes/circular-schemas.js';
import type { ReportCard, ReportRollup } from '../../src/domain/report-card.js';
import { api, query } from './api';

export type OfficeSettings = Static<typeof C.OfficeSettingsOut>;
export type OfficeSettingsInput = Static<typeof C.OfficeSettingsIn>;
export type ReportSchedule = Static<typeof C.ReportScheduleOut>;
export type ReportScheduleInput = Static<typeof C.ReportScheduleIn>;
export type IssuedCard = Static<typeof C.IssuedCardOut>;
export type SitrepSend = Static<typeof C.SitrepSendOut>;

/** ISO weekdays, Monday first (the schedule form's choices). */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

const e = encodeURIComponent;

export const office = {
  settings: () => api<OfficeSettings>('GET', '/office-settings'),
  saveSettings: (s: OfficeSettingsInput) => api<OfficeSettings>('PUT', '/office-settings', s),
  schedules: () => api<{ items: ReportSchedule[] }>('GET', '/report-card-schedules'),
  addSchedule: (s: ReportScheduleInput) => api<ReportSchedule>('POST', '/report-card-schedules', s),
  updateSchedule: (id: string, s: ReportScheduleInput) => api<ReportSchedule>('PUT', `/report-card-schedules/${e(id)}`, s),
  removeSchedule: (id: string) => api<null>('DELETE', `/report-card-schedules/${e(id)}`),
  /** Cards the schedules issued; `circularId` null = the cards without a circular. */
  issued: (circularId: string | null) => api<{ items: IssuedCard[] }>('GET', `/report-cards/issued${query({ circularId: circularId ?? 'none', limit: 100 })}`),
  resendSitrep: (circularId: string, sitrepId: string) => api<unknown>('POST', `/circulars/${e(circularId)}/campaign/sitreps/${e(sitrepId)}/send`, {}),
};

export const issuedCardHref = (id: string, format: 'pdf' | 'xlsx', lang: 'id' | 'en') => `/api/v1/report-cards/issued/${e(id)}/card.${format}${query({ lang })}`;

/** A circular's cards: its checklist part, measured from its sending (src/api/routes/report-cards.ts). */
const circularCardPath = (circularId: string, agencyId: string | null) =>
  agencyId === null ? `/circulars/${e(circularId)}/report-card` : `/circulars/${e(circularId)}/agencies/${e(agencyId)}/report-card`;
export const circularCards = {
  city: (circularId: string) => api<ReportRollup>('GET', circularCardPath(circularId, null)),
  agency: (circularId: string, agencyId: string) => api<ReportCard>('GET', circularCardPath(circularId, agencyId)),
};
export function circularCardHref(circularId: string, agencyId: string | null, format: 'pdf' | 'xlsx', lang: 'id' | 'en'): string {
  return `/api/v1${circularCardPath(circularId, agencyId)}.${format}${query({ lang })}`;
}
