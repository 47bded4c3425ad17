// What the city IT office sets for itself (docs/circulars.md "Weekly report cards" and "Situation
// reports"): who heads it — the person situation reports and the weekly city roll-up are addressed to —
// and the weekly report-card schedules (day of the week, hour, time zone, who receives them). Rules the
// office changes are data, edited through forms; this file checks them and says what is wrong in both
// languages.

import { circularError } from './circular.js';
import { DEFAULT_TIME_ZONE } from './calendar.js';
import type { Weekday } from './scan-window.js';

/** The head of the office (Kepala Dinas): name, position, and the e-mail address reports go to. */
export interface HeadOfOffice {
  readonly name: string;
  readonly position: string;
  readonly email: string | null;
}

export interface OfficeSettings {
  /** null until the office names one: situation reports then reach only the alert channels' own recipients. */
  readonly headOfOffice: HeadOfOffice | null;
}

export const DEFAULT_OFFICE_SETTINGS: OfficeSettings = { headOfOffice: null };

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;

function text(v: unknown, field: string, max: number, label: { en: string; id: string }): string {
  const s = typeof v === 'string' ? v.trim() : '';
  if (s === '') throw circularError(field, `${label.en} is required`, `${label.id} wajib diisi`);
  if (s.length > max) throw circularError(field, `${label.en}: at most ${max} characters`, `${label.id}: paling banyak ${max} karakter`);
  return s;
}

export function validateOfficeSettings(input: { headOfOffice: { name?: unknown; position?: unknown; email?: unknown } | null }): OfficeSettings {
  const h = input.headOfOffice;
  if (h === null) return { headOfOffice: null };
  const name = text(h.name, 'headOfOffice.name', 120, { en: 'the head of office\'s name', id: 'nama kepala dinas' });
  const position = text(h.position, 'headOfOffice.position', 200, { en: 'the head of office\'s position', id: 'jabatan kepala dinas' });
  const raw = typeof h.email === 'string' ? h.email.trim() : '';
  if (raw !== '' && !EMAIL.test(raw)) throw circularError('headOfOffice.email', 'not an e-mail address like kepala@kota.go.id', 'bukan alamat surel seperti kepala@kota.go.id');
  return { headOfOffice: { name, position, email: raw === '' ? null : raw } };
}

// ---- weekly report cards ---------------------------------------------------------------------------------

/** Who a schedule's cards go to: each agency's head (its own card) and/or the office (the city roll-up). */
export interface ReportScheduleInput {
  /** The circular whose cards these are; null = the cards over every finding (no checklist). */
  readonly circularId: string | null;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly dayOfWeek: Weekday;
  /** Local hour, 0–23. */
  readonly hour: number;
  readonly timeZone: string;
  readonly toAgencyHeads: boolean;
  readonly toOffice: boolean;
  readonly enabled: boolean;
}

/** Monday 07:00 in the city's zone, to every agency head and the office: the start of a working week. */
export const DEFAULT_REPORT_SCHEDULE: Omit<ReportScheduleInput, 'circularId'> = {
  dayOfWeek: 1, hour: 7, timeZone: DEFAULT_TIME_ZONE, toAgencyHeads: true, toOffice: true, enabled: true,
};

export function validateReportSchedule(s: { circularId?: string | null; dayOfWeek: number; hour: number; timeZone?: string; toAgencyHeads: boolean; toOffice: boolean; enabled?: boolean }): ReportScheduleInput {
  if (!Number.isInteger(s.dayOfWeek) || s.dayOfWeek < 1 || s.dayOfWeek > 7) throw circularError('dayOfWeek', 'a day of the week, 1 (Monday) to 7 (Sunday)', 'hari dalam minggu, 1 (Senin) sampai 7 (Minggu)');
  if (!Number.isInteger(s.hour) || s.hour < 0 || s.hour > 23) throw circularError('hour', 'an hour from 0 to 23', 'jam dari 0 sampai 23');
  const timeZone = s.timeZone ?? DEFAULT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw circularError('timeZone', `${JSON.stringify(timeZone)} is not an IANA time zone (e.g. Asia/Jakarta)`, `${JSON.stringify(timeZone)} bukan zona waktu IANA (mis. Asia/Jakarta)`);
  }
  if (!s.toAgencyHeads && !s.toOffice) throw circularError('recipients', 'choose who receives the cards: the agency heads, the office, or both', 'pilih penerima rapor: kepala instansi, kantor, atau keduanya');
  return { circularId: s.circularId ?? null, dayOfWeek: s.dayOfWeek as Weekday, hour: s.hour, timeZone, toAgencyHeads: s.toAgencyHeads, toOffice: s.toOffice, enabled: s.enabled ?? true };
}

/** The schedule as a cron pattern (minute hour * * weekday; cron counts Sunday as 0). */
export function weeklyCron(s: Pick<ReportScheduleInput, 'dayOfWeek' | 'hour'>): string {
  return `0 ${s.hour} * * ${s.dayOfWeek % 7}`;
}
