// A one-line progress bar with ETA on stderr, only when stderr is a terminal: a pipe or a log file gets
// nothing (the results on stdout stay machine-readable, and CI logs stay clean). Scans show probes and
// open ports (renderProgress); imports show their phase and rows (renderStepProgress).
import type { ScanProgress } from '../engine/portscan/connect-scan.js';

export interface ProgressBar<P = ScanProgress> {
  update(p: P): void;
  /** Clears the line so that following messages start at column 0. */
  clear(): void;
}

/** One step of a long command: what it is doing, how far it got (total 0 = not known yet). */
export interface StepProgress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
  readonly elapsedMs: number;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

function rateText(rate: number): string {
  return rate >= 1000 ? (rate / 1000).toFixed(1) + 'k' : rate.toFixed(0);
}

/** "[####....] tail", the bar as wide as the terminal leaves room for. */
function withBar(frac: number, tail: string, width: number, prefix = ''): string {
  const barWidth = Math.max(10, Math.min(40, width - tail.length - prefix.length - 3));
  const filled = Math.round(frac * barWidth);
  return `${prefix}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, Math.max(20, width - 1));
}

export function renderProgress(p: ScanProgress, width: number): string {
  const frac = p.planned > 0 ? Math.min(1, p.done / p.planned) : 1;
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const eta = rate > 0 ? ((p.planned - p.done) / rate) * 1000 : NaN;
  const tail =
    ` ${(frac * 100).toFixed(1).padStart(5)}% ${p.done.toLocaleString('en-US')}/${p.planned.toLocaleString('en-US')}` +
    ` ${rateText(rate)}/s open ${p.open} ETA ${formatDuration(eta)}`;
  return withBar(frac, tail, width);
}

/** "label [###...] 45.0% 9,000/20,000 12.3k/s 3s" — or, while the total is unknown, the count and rate alone. */
export function renderStepProgress(p: StepProgress, width: number): string {
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  if (p.total <= 0) return `${p.label} ${p.done.toLocaleString('en-US')} ${rateText(rate)}/s ${formatDuration(p.elapsedMs)}`.slice(0, Math.max(20, width - 1));
  const frac = Math.min(1, p.done / p.total);
  const tail = ` ${(frac * 100).toFixed(1).padStart(5)}% ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} ${formatDuration(p.elapsedMs)}`;
  return withBar(frac, tail, width, `${p.label} `);
}

function createBar<P extends { done: number }>(stream: NodeJS.WriteStream, enabled: boolean, render: (p: P, width: number) => string, finished: (p: P) => boolean): ProgressBar<P> {
  if (!enabled || !stream.isTTY) return { update() {}, clear() {} };
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && !finished(p)) return;
      last = now;
      shown = true;
      stream.write(`\r${render(p, stream.columns || 80)}\x1b[K`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}

export function createProgressBar(stream: NodeJS.WriteStream, enabled: boolean): ProgressBar {
  return createBar(stream, enabled, renderProgress, (p) => p.done >= p.planned);
}

export function createStepProgress(stream: NodeJS.WriteStream, enabled: boolean): ProgressBar<StepProgress> {
  return createBar(stream, enabled, renderStepProgress, (p) => p.total > 0 && p.done >= p.total);
}
