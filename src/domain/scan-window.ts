// Scan windows: when an agency may (or may never) be scanned. CyHy's RequestDoc carries `windows` as
// day/start/duration; we use day set + local start/end + IANA time zone, plus a mode, because the case
// that matters here is a prohibition: a hospital's patient registration (e.g. "never Mon–Sat 07:00–12:00
// Asia/Jakarta") must not share its network with a sweep.
//
// Semantics of a set of windows:
//  - a `deny` window that covers the instant forbids it, whatever else says (fail safe);
//  - if there is at least one `allow` window, the instant must be covered by one of them;
//  - with no windows at all, scanning is allowed at any time.
// A window covers [start, end) local wall-clock time on each listed day. When end ≤ start it runs past
// midnight (22:00–05:00 on Monday covers Mon 22:00 → Tue 05:00) and belongs to the day it starts on.
// "24:00" is accepted as an end. Local time comes from Intl (IANA tz database), so DST zones work too;
// Indonesia itself has none (WIB/WITA/WIT = UTC+7/+8/+9).

import { validationError } from './errors.js';

/** ISO-8601 weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;
export type ScanWindowMode = 'allow' | 'deny';

export interface ScanWindow {
  readonly mode: ScanWindowMode;
  readonly days: readonly Weekday[];
  /** "HH:MM", 00:00–23:59. */
  readonly start: string;
  /** "HH:MM", 00:00–24:00; ≤ start means the window crosses midnight. */
  readonly end: string;
  /** IANA zone, e.g. "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA), "Asia/Jayapura" (WIT). */
  readonly timeZone: string;
  readonly note?: string | null;
}

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

function minutes(hhmm: string, field: string, allow24: boolean): number {
  if (allow24 && hhmm === '24:00') return 1440;
  const m = HHMM.exec(hhmm);
  if (m === null) throw validationError(`${field}: ${JSON.stringify(hhmm)} is not a time HH:MM`, { field });
  return Number(m[1]) * 60 + Number(m[2]);
}

const zoneCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneCache.get(timeZone);
  if (f === undefined) {
    try {
      // hourCycle h23: midnight is "00", never "24" (some ICU versions print 24 with hour12: false).
      f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      throw validationError(`timeZone: ${JSON.stringify(timeZone)} is not an IANA time zone`, { field: 'timeZone' });
    }
    zoneCache.set(timeZone, f);
  }
  return f;
}

const SHORT_DAYS: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Local weekday and minute-of-day of `date` in `timeZone`. */
export function localTime(date: Date, timeZone: string): { day: Weekday; minute: number } {
  let day: Weekday = 1;
  let hour = 0;
  let minute = 0;
  for (const p of formatter(timeZone).formatToParts(date)) {
    if (p.type === 'weekday') day = SHORT_DAYS[p.value] ?? 1;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

export function validateScanWindow(w: ScanWindow): ScanWindow {
  if (w.mode !== 'allow' && w.mode !== 'deny') throw validationError(`mode: ${JSON.stringify(w.mode)} must be allow or deny`, { field: 'mode' });
  if (!Array.isArray(w.days) || w.days.length === 0) throw validationError('days: at least one weekday (1 = Monday … 7 = Sunday)', { field: 'days' });
  for (const d of w.days) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw validationError(`days: ${JSON.stringify(d)} is not a weekday 1–7`, { field: 'days' });
  }
  const s = minutes(w.start, 'start', false);
  const e = minutes(w.end, 'end', true);
  if (s === e) {
    throw validationError(`start and end are both ${w.start}; write 00:00–24:00 for a whole day`, { field: 'end' });
  }
  formatter(w.timeZone);
  const days = [...new Set(w.days)].sort((a, b) => a - b) as Weekday[];
  return { mode: w.mode, days, start: w.start, end: w.end, timeZone: w.timeZone, note: w.note ?? null };
}

/** Does window `w` cover instant `date`? */
export function windowCovers(w: ScanWindow, date: Date): boolean {
  const s = minutes(w.start, 'start', false);
  const e = minutes(w.end, 'end', true);
  const { day, minute } = localTime(date, w.timeZone);
  const prev = (day === 1 ? 7 : day - 1) as Weekday;
  if (e > s) return w.days.includes(day) && minute >= s && minute < e;
  // Crosses midnight: the evening part on a listed day, the morning part on the day after one.
  return (w.days.includes(day) && minute >= s) || (w.days.includes(prev) && minute < e);
}

/** May a scan run at `date` under `windows`? (See the header for the rules.) */
export function isInScanWindow(windows: readonly ScanWindow[], date: Date): boolean {
  let allows = 0;
  let allowed = false;
  for (const w of windows) {
    if (w.mode === 'deny') {
      if (windowCovers(w, date)) return false;
    } else {
      allows++;
      if (!allowed && windowCovers(w, date)) allowed = true;
    }
  }
  return allows === 0 || allowed;
}

const DAY_NAMES: Record<string, Weekday> = {
  mon: 1, monday: 1, sen: 1, senin: 1,
  tue: 2, tuesday: 2, sel: 2, selasa: 2,
  wed: 3, wednesday: 3, rab: 3, rabu: 3,
  thu: 4, thursday: 4, kam: 4, kamis: 4,
  fri: 5, friday: 5, jum: 5, jumat: 5, "jum'at": 5,
  sat: 6, saturday: 6, sab: 6, sabtu: 6,
  sun: 7, sunday: 7, min: 7, minggu: 7, ahad: 7,
};
const EN_SHORT = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function parseDays(spec: string): Weekday[] {
  const s = spec.toLowerCase();
  if (s === 'daily' || s === 'everyday' || s === 'setiap-hari' || s === 'mon-sun') return [1, 2, 3, 4, 5, 6, 7];
  if (s === 'weekdays' || s === 'workdays') return [1, 2, 3, 4, 5];
  if (s === 'weekend' || s === 'weekends') return [6, 7];
  const out: Weekday[] = [];
  for (const part of s.split(',')) {
    const [a, b, extra] = part.split(/[-–]/);
    const da = a === undefined ? undefined : DAY_NAMES[a];
    if (da === undefined || extra !== undefined) throw validationError(`days: ${JSON.stringify(part)} is not a day or day range (e.g. Mon-Sat, Sen-Sab, Mon,Wed)`, { field: 'days' });
    if (b === undefined) {
      out.push(da);
      continue;
    }
    const db = DAY_NAMES[b];
    if (db === undefined) throw validationError(`days: ${JSON.stringify(part)} is not a day range`, { field: 'days' });
    // Ranges wrap around the week: "Sat-Mon" is Saturday, Sunday, Monday.
    for (let d = da; ; d = ((d % 7) + 1) as Weekday) {
      out.push(d);
      if (d === db) break;
    }
  }
  return out;
}

/**
 * Parse the compact text form used in CSV imports and the CLI:
 *   "never Mon-Sat 07:00-12:00 Asia/Jakarta"   (never | deny | jangan → deny)
 *   "only weekdays 19:00-05:00"                 (only | allow | hanya → allow)
 * Days: English or Indonesian names and ranges (Sen-Sab), comma lists, daily, weekdays, weekend. The
 * time zone defaults to `defaultTimeZone` (Asia/Jakarta, WIB).
 */
export function parseScanWindow(text: string, defaultTimeZone = 'Asia/Jakarta'): ScanWindow {
  const words = text.trim().split(/\s+/);
  const [modeWord, daysWord, timesWord, tz, ...rest] = words;
  const mode: ScanWindowMode | undefined =
    modeWord === undefined ? undefined
    : ['never', 'deny', 'jangan'].includes(modeWord.toLowerCase()) ? 'deny'
    : ['only', 'allow', 'hanya'].includes(modeWord.toLowerCase()) ? 'allow'
    : undefined;
  if (mode === undefined || daysWord === undefined || timesWord === undefined || rest.length > 0) {
    throw validationError(`scan window ${JSON.stringify(text)}: expected "never|only DAYS HH:MM-HH:MM [TimeZone]"`, { field: 'window' });
  }
  const times = /^(\d{2}:\d{2})[-–](\d{2}:\d{2})$/.exec(timesWord);
  if (times === null) throw validationError(`scan window ${JSON.stringify(text)}: times must be HH:MM-HH:MM`, { field: 'window' });
  return validateScanWindow({ mode, days: parseDays(daysWord), start: times[1]!, end: times[2]!, timeZone: tz ?? defaultTimeZone });
}

/** Inverse of parseScanWindow (days as comma list of English short names, contiguous runs as ranges). */
export function formatScanWindow(w: ScanWindow): string {
  const days = [...w.days].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${EN_SHORT[days[i]!]}-${EN_SHORT[days[j]!]}` : days.slice(i, j + 1).map((d) => EN_SHORT[d]).join(','));
    i = j + 1;
  }
  return `${w.mode === 'deny' ? 'never' : 'only'} ${parts.join(',')} ${w.start}-${w.end} ${w.timeZone}`;
}
