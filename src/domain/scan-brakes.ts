// Brakes on scan traffic (docs/monitoring.md "Brakes on scan traffic"): what keeps a schedule or a click from
// flooding the city's networks.
//
//  - A schedule's cron has exactly five fields (minute hour day-of-month month day-of-week). croner also
//    takes a seconds field (and a year): "* * * * * * *" started a scan at every scheduler tick.
//  - Two scheduled scans of one network are at least `scheduleMinIntervalMinutes` apart (default 60): a new
//    schedule whose cron fires more often is refused, and the scheduler defers a run that comes too soon
//    after the last scheduled scan of the same target (a schedule stored before this rule, or two schedules
//    of one network).
//  - A scan started over the API that plans more probes (addresses × ports) than `confirmProbes` needs an
//    explicit confirmation, which only an administrator may give — the API's counterpart of the CLI's
//    `--yes` above a /16 (src/engine/targets/plan.ts). Default 524,288: a /16 on the eight ransomware ports.
//
// The numbers are settings of `perisai serve` (and of `perisai schedule add`), each with an environment
// variable, validated here.

import { validationError } from './errors.js';
import type { PerisaiError } from './errors.js';

export interface ScanBrakes {
  /** The shortest time between two scheduled scans of one network, in minutes. */
  readonly scheduleMinIntervalMinutes: number;
  /** A scan started over the API that plans more probes than this needs an administrator's confirmation. */
  readonly confirmProbes: number;
}

export const DEFAULT_SCAN_BRAKES: ScanBrakes = { scheduleMinIntervalMinutes: 60, confirmProbes: 524_288 };

/** A validation error with its Indonesian sentence (the API shows it as `messageId`, the CLI before the English). */
function brakeError(field: string, en: string, id: string, extra: Record<string, string | number> = {}): PerisaiError {
  return validationError(en, { field, messageId: id, ...extra });
}

function positiveInteger(v: unknown, field: string, what: { en: string; id: string }, max: number): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw brakeError(field, `${what.en}: a whole number from 1 to ${max}, got ${JSON.stringify(v)}`, `${what.id}: bilangan bulat 1 sampai ${max}, bukan ${JSON.stringify(v)}`);
  }
  return n;
}

/** The brakes from settings (numbers or the text of an option or environment variable); absent = default. */
export function validateScanBrakes(input: { scheduleMinIntervalMinutes?: unknown; confirmProbes?: unknown } = {}): ScanBrakes {
  const interval = positiveInteger(input.scheduleMinIntervalMinutes, 'scheduleMinIntervalMinutes', { en: 'minimum schedule interval (minutes)', id: 'jarak minimum jadwal (menit)' }, 7 * 24 * 60);
  const probes = positiveInteger(input.confirmProbes, 'confirmProbes', { en: 'probes above which a scan needs confirmation', id: 'batas probe yang perlu konfirmasi' }, Number.MAX_SAFE_INTEGER);
  return { scheduleMinIntervalMinutes: interval ?? DEFAULT_SCAN_BRAKES.scheduleMinIntervalMinutes, confirmProbes: probes ?? DEFAULT_SCAN_BRAKES.confirmProbes };
}

/** Refuse a cron pattern that does not have exactly the five standard fields. */
export function checkCronFields(pattern: string): void {
  const fields = pattern.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length === 5) return;
  const extra = fields.length > 5
    ? { en: `; ${fields.length} fields: seconds and years are not supported`, id: `; ${fields.length} kolom: kolom detik dan tahun tidak didukung` }
    : { en: '', id: '' };
  throw brakeError('cron',
    `cron ${JSON.stringify(pattern)}: exactly five fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *"${extra.en}`,
    `Pola cron tidak valid: gunakan tepat lima kolom "menit jam tanggal bulan hari", misalnya "0 2 * * *" (setiap hari pukul 02.00)${extra.id}`,
    { fields: fields.length });
}

function minutesText(ms: number): { en: string; id: string } {
  const min = Math.round(ms / 60_000);
  if (min % 1440 === 0) return { en: `${min / 1440} day(s)`, id: `${min / 1440} hari` };
  if (min % 60 === 0) return { en: `${min / 60} hour(s)`, id: `${min / 60} jam` };
  return { en: `${min} minute(s)`, id: `${min} menit` };
}

/** Refuse a schedule whose cron fires twice within less than the minimum interval (`shortestGapMs` as the scheduler measured it). */
export function checkScheduleInterval(pattern: string, shortestGapMs: number | undefined, brakes: ScanBrakes): void {
  const minMs = brakes.scheduleMinIntervalMinutes * 60_000;
  if (shortestGapMs === undefined || shortestGapMs >= minMs) return;
  const gap = minutesText(shortestGapMs);
  const min = minutesText(minMs);
  throw brakeError('cron',
    `cron ${JSON.stringify(pattern)} runs ${gap.en} apart; scheduled scans of a network must be at least ${min.en} apart`,
    `Pola cron ${JSON.stringify(pattern)} berjalan setiap ${gap.id}; pemindaian terjadwal satu jaringan paling sering sekali setiap ${min.id}`,
    { shortestGapMinutes: Math.round(shortestGapMs / 60_000), minIntervalMinutes: brakes.scheduleMinIntervalMinutes });
}

/**
 * When a scheduled run may start at the earliest after the last scheduled scan of the same target started.
 * The scheduler starts a run at its first tick after the cron time (every 15 s by default) and records
 * that moment, so two runs a whole interval apart by their cron are recorded a little closer: a tenth of
 * the interval (at most five minutes) is given back.
 */
export function earliestScheduledRun(lastStartedAt: string | undefined, brakes: ScanBrakes): Date | undefined {
  if (lastStartedAt === undefined) return undefined;
  const interval = brakes.scheduleMinIntervalMinutes * 60_000;
  return new Date(Date.parse(lastStartedAt) + interval - Math.min(interval / 10, 5 * 60_000));
}

/** Why a scan of `probes` probes may not start as asked: it needs a confirmation, or only an administrator may give it. */
export type LargeScanRefusal =
  | { readonly kind: 'needs-confirmation'; readonly en: string; readonly id: string }
  | { readonly kind: 'admin-only'; readonly en: string; readonly id: string };

export function largeScanRefusal(probes: number, brakes: ScanBrakes, asked: { confirmed: boolean; isAdmin: boolean }): LargeScanRefusal | null {
  if (probes <= brakes.confirmProbes) return null;
  const n = probes.toLocaleString('en-US');
  const limit = brakes.confirmProbes.toLocaleString('en-US');
  const nId = probes.toLocaleString('id-ID');
  const limitId = brakes.confirmProbes.toLocaleString('id-ID');
  if (!asked.isAdmin) {
    return {
      kind: 'admin-only',
      en: `this scan plans ${n} probes, more than ${limit}: only an administrator may start it`,
      id: `Pemindaian ini merencanakan ${nId} probe, melebihi ${limitId}: hanya administrator yang boleh memulainya`,
    };
  }
  if (asked.confirmed) return null;
  return {
    kind: 'needs-confirmation',
    en: `this scan plans ${n} probes, more than ${limit}; confirm it (confirmLargeScan: true) to start it`,
    id: `Pemindaian ini merencanakan ${nId} probe, melebihi ${limitId}; konfirmasi (confirmLargeScan: true) untuk memulainya`,
  };
}
