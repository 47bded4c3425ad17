// The city's calendar: the time zone schedules, dashboard days and report references default to, and the
// day keys (YYYY-MM-DD in a zone) that the trend, the reports and the incident references are grouped by.

/** The city's default IANA time zone (a schedule or setting may name another). */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/** The calendar day (YYYY-MM-DD) of `at` in `timeZone` (IANA), e.g. the city's Asia/Jakarta. */
export function dayKey(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** `day` (YYYY-MM-DD) moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const t = Date.parse(`${day}T00:00:00.000Z`) + n * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
