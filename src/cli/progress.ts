// A one-line progress bar with ETA on stderr, only when stderr is a terminal: a pipe or a log file gets
// nothing (the results on stdout stay machine-readable, and CI logs stay clean).
import type { ScanProgress } from '../engine/portscan/connect-scan.js';

export interface ProgressBar {
  update(p: ScanProgress): void;
  /** Clears the line so that following messages start at column 0. */
  clear(): void;
}

const NOOP: ProgressBar = { update() {}, clear() {} };

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function renderProgress(p: ScanProgress, width: number): string {
  const frac = p.planned > 0 ? Math.min(1, p.done / p.planned) : 1;
  const rate = p.elapsedMs > 0 ? (p.done * 1000) / p.elapsedMs : 0;
  const eta = rate > 0 ? ((p.planned - p.done) / rate) * 1000 : NaN;
  const tail =
    ` ${(frac * 100).toFixed(1).padStart(5)}% ${p.done.toLocaleString('en-US')}/${p.planned.toLocaleString('en-US')}` +
    ` ${rate >= 1000 ? (rate / 1000).toFixed(1) + 'k' : rate.toFixed(0)}/s open ${p.open} ETA ${formatDuration(eta)}`;
  const barWidth = Math.max(10, Math.min(40, width - tail.length - 3));
  const filled = Math.round(frac * barWidth);
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, Math.max(20, width - 1));
}

export function createProgressBar(stream: NodeJS.WriteStream, enabled: boolean): ProgressBar {
  if (!enabled || !stream.isTTY) return NOOP;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100 && p.done < p.planned) return;
      last = now;
      shown = true;
      stream.write(`\r${renderProgress(p, stream.columns || 80)}\x1b[K`);
    },
    clear() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
