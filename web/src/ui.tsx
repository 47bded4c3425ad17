// Shared pieces: data loading, translated API errors, form submission, badges, the SVG bar chart.
import { useCallback, useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, NETWORK_ERROR } from './api';
import { useI18n } from './i18n';
import type { MessageKey } from './i18n';

/** The API's message in the UI's language (the API sends `message` in English and `messageId` in Indonesian). */
export function useErrorText(): (e: unknown) => string {
  const { lang, t } = useI18n();
  return useCallback((e: unknown) => {
    if (e instanceof ApiError) {
      if (e.code === NETWORK_ERROR) return t('error.network');
      const s = lang === 'id' ? e.messageId : e.messageEn;
      return s === '' ? t('error.generic') : s;
    }
    return t('error.generic');
  }, [lang, t]);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="error" role="alert">
      <span>{text(error)}</span>
      {onRetry !== undefined && <button type="button" className="link" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

/** A problem found in the browser before sending, shown like an API error, in the UI's language. */
export function Problem({ keyName }: { keyName: MessageKey | null }) {
  const { t } = useI18n();
  return keyName === null ? null : <p className="error" role="alert" data-testid="form-problem">{t(keyName)}</p>;
}

export interface Submit {
  /** The request is running (disable the button). */
  readonly busy: boolean;
  /** The problem found before sending, or null. */
  readonly problem: MessageKey | null;
  /** The API's refusal (shown translated), or null. */
  readonly error: unknown;
  /** Run `work` unless `problem` is set (then show it instead); a new submission clears the last messages. */
  readonly submit: (problem: MessageKey | null, work: () => Promise<void>) => Promise<void>;
  /** Whichever message applies: the problem (`form-problem`), then the API's error. */
  readonly feedback: ReactNode;
}

/** What every form shares: the check before sending, the API's answer when it refuses, the busy flag. */
export function useSubmit(): Submit {
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (p: MessageKey | null, work: () => Promise<void>) => {
    setError(null);
    setProblem(p);
    if (p !== null) return;
    setBusy(true);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const feedback = <><Problem keyName={problem} />{error !== null && <ErrorBox error={error} />}</>;
  return { busy, problem, error, submit, feedback };
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ok'; data: T };

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    setV({ state: 'loading' });
    load().then((data) => live && setV({ state: 'ok', data }), (error: unknown) => live && setV({ state: 'error', error }));
    return () => {
      live = false;
    };
  }, [...deps, n]);
  return [v, () => setN((x) => x + 1)];
}

/**
 * A keyset-paged list with "load more": the first page through useLoad, later pages appended.
 * `load(cursor)` fetches one page (cursor undefined = the first); `deps` restart from the first page.
 */
export function usePaged<T>(load: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>, deps: readonly unknown[]) {
  const [value, retry] = useLoad(() => load(undefined), deps);
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState<unknown>(null);
  useEffect(() => {
    if (value.state === 'ok') {
      setItems(value.data.items);
      setNext(value.data.next);
    }
  }, [value]);
  const loadMore = async (): Promise<void> => {
    if (next === null) return;
    try {
      const p = await load(next);
      setItems((xs) => [...xs, ...p.items]);
      setNext(p.next);
    } catch (e) {
      setMore(e);
    }
  };
  return { value, retry, items, setItems, next, more, loadMore };
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted" aria-busy="true">{t('app.loading')}</p>;
}

/** Render a Loaded value: a spinner, the error with a retry, or `children(data)`. */
export function Show<T>({ value, retry, children }: { value: Loaded<T>; retry: () => void; children: (data: T) => ReactNode }) {
  if (value.state === 'loading') return <Loading />;
  if (value.state === 'error') return <ErrorBox error={value.error} onRetry={retry} />;
  return <>{children(value.data)}</>;
}

export function SeverityBadge({ severity }: { severity: string }) {
  const { t } = useI18n();
  const key = `severity.${severity}` as MessageKey;
  return <span className={`badge sev-${severity}`}>{t(key)}</span>;
}

export function RatingBadge({ rating }: { rating: string | null }) {
  const { t } = useI18n();
  const r = rating ?? 'none';
  return <span className={`badge sev-${r}`}>{t(`rating.${r}` as MessageKey)}</span>;
}

export function StatusText({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`status st-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}

export interface Bar { readonly label: string; readonly value: number; readonly className: string }
export interface BarGroup { readonly label: string; readonly bars: readonly Bar[] }

/** Grouped horizontal bars as plain SVG: one group per row (an agency), one bar per series. */
export function BarChart({ groups, title }: { groups: readonly BarGroup[]; title: string }) {
  const { fmtNum } = useI18n();
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const barH = 9;
  const gap = 2;
  const labelH = 18;
  const groupH = (g: BarGroup) => labelH + g.bars.length * (barH + gap) + 10;
  const height = groups.reduce((s, g) => s + groupH(g), 0);
  let y = 0;
  return (
    <svg className="chart" width={600} height={Math.max(height, 20)} viewBox={`0 0 600 ${Math.max(height, 20)}`} role="img" aria-label={title} preserveAspectRatio="xMinYMin meet">
      <title>{title}</title>
      {groups.map((g) => {
        const top = y;
        y += groupH(g);
        return (
          <g key={g.label} transform={`translate(0 ${top})`}>
            <text x={0} y={13} className="chart-label">{g.label}</text>
            {g.bars.map((b, i) => {
              const w = Math.round((b.value / max) * 520);
              const by = labelH + i * (barH + gap);
              return (
                <g key={b.label}>
                  <rect x={0} y={by} width={Math.max(w, b.value > 0 ? 2 : 0)} height={barH} className={b.className}>
                    <title>{`${b.label}: ${fmtNum(b.value)}`}</title>
                  </rect>
                  {/* Zeros get no number: a column of "0 0 0 0" says nothing (the table under the chart has every value). */}
                  {b.value > 0 && <text x={w + 4} y={by + barH - 1} className="chart-value">{fmtNum(b.value)}</text>}
                </g>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
}
