// Shared pieces: data loading, translated API errors, form submission, badges, the SVG bar chart, tables.
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiError, NETWORK_ERROR } from './api';
import { useI18n } from './i18n';
import type { MessageKey } from './i18n';
import { Link } from './router';

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

/** "Not found" (an id that does not exist or is outside the caller's scope): retrying cannot help. */
function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 404 || e.code === 'E_NOT_FOUND');
}

/** The API's refusal, translated; a retry button where retrying can help, a way home where it cannot. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="error" role="alert">
      <span>{text(error)}</span>
      {isNotFound(error)
        ? <Link to="/" className="link" data-testid="go-home">{t('error.home')}</Link>
        : onRetry !== undefined && <button type="button" className="link" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

/** The page for an address the application does not know: what happened and the way home. */
export function NotFound() {
  const { t } = useI18n();
  return (
    <div className="error" role="alert" data-testid="not-found">
      <span>{t('error.notFound')}</span>
      <Link to="/" className="link" data-testid="go-home">{t('error.home')}</Link>
    </div>
  );
}

/** A problem found in the browser before sending, shown like an API error, in the UI's language. */
export function Problem({ keyName }: { keyName: MessageKey | null }) {
  const { t } = useI18n();
  return keyName === null ? null : <p className="error" role="alert" data-testid="form-problem">{t(keyName)}</p>;
}

/** A problem the browser found in one field, with the numbers its message names ({max}, {length}). */
export type FieldProblem = MessageKey | { readonly key: MessageKey; readonly vars?: Readonly<Record<string, string | number>> };

/** The problems of a form, by field name; '' holds one that belongs to no single field. */
export type Problems = Readonly<Record<string, FieldProblem | null | undefined>>;

/** One field error of an API refusal (src/api/errors.ts: details.fields), in both languages. */
interface ApiFieldError { readonly en: string; readonly id: string }

/**
 * The fields an API refusal names, by the form's field names: "body.name" → "name", "body.targets.1" →
 * "targets", "config.url" → "url" (the first of the path's own name, its first and its last segment that
 * the form has). A refusal naming one field carries its whole text; one naming several (every bad field
 * of a request: details.fields), each its own.
 */
function apiFieldErrors(e: unknown, fields: readonly string[]): Map<string, ApiFieldError> {
  const out = new Map<string, ApiFieldError>();
  if (!(e instanceof ApiError) || e.code === NETWORK_ERROR) return out;
  const own = (path: string): string | undefined => {
    const parts = path.replace(/^(body|querystring|params)\.?/, '').split('.').filter((x) => x !== '');
    return [parts.join('.'), parts[0] ?? '', parts[parts.length - 1] ?? ''].find((c) => c !== '' && fields.includes(c));
  };
  const list = e.details['fields'];
  if (Array.isArray(list) && list.length > 0) {
    for (const f of list as { field?: unknown; message?: unknown; messageId?: unknown }[]) {
      const name = typeof f.field === 'string' ? own(f.field) : undefined;
      if (name === undefined) continue;
      // Several errors on one field of the form (two bad scan targets): all of them, in order.
      const prev = out.get(name);
      const en = String(f.message ?? e.messageEn);
      const id = String(f.messageId ?? e.messageId);
      out.set(name, prev === undefined ? { en, id } : { en: `${prev.en}; ${en}`, id: `${prev.id}; ${id}` });
    }
    return out;
  }
  const name = typeof e.details['field'] === 'string' ? own(e.details['field']) : undefined;
  if (name !== undefined) out.set(name, { en: e.messageEn, id: e.messageId });
  return out;
}

export interface Submit {
  /** The request is running (disable the button). */
  readonly busy: boolean;
  /** The problems found before sending, by field. */
  readonly problems: Problems;
  /** The API's refusal (shown translated), or null. */
  readonly error: unknown;
  /** The last submission succeeded and nothing was edited since: show its success message. */
  readonly done: boolean;
  /**
   * Run `work` unless there are problems (then show every one of them, each next to its field). A new
   * submission clears the last messages, success included.
   */
  readonly submit: (problems: Problems | MessageKey | null, work: () => Promise<void>) => Promise<void>;
  /** The user changed `field`: its error and every banner (success or refusal) are stale now. */
  readonly edited: (field?: string) => void;
  /** Props for the input of `field`: aria-invalid, aria-describedby, and clearing stale messages on input. */
  readonly field: (name: string) => { 'aria-invalid': boolean; 'aria-describedby'?: string; onInput: () => void };
  /** The message to show next to `field` (a problem found before sending, or the API's word on it). */
  readonly fieldError: (name: string) => ReactNode;
  /** What belongs to no field: a problem of the whole form, the API's refusal (its text, or a pointer to the marked fields). */
  readonly feedback: ReactNode;
}

/**
 * What every form shares: the checks before sending, every problem at once next to its field, the API's
 * refusal (bound to the fields it names), the busy flag, and a success state that a new edit or
 * submission clears. `fields`: the names of the form's fields, for binding the API's field errors.
 */
export function useSubmit(fields: readonly string[] = []): Submit {
  const { lang, t } = useI18n();
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(null);
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());
  const [bannerGone, setBannerGone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const id = useId();
  const submit = async (p: Problems | MessageKey | null, work: () => Promise<void>) => {
    const found: Problems = p === null ? {} : typeof p === 'string' ? { '': p } : p;
    setError(null);
    setDone(false);
    setCleared(new Set());
    setBannerGone(false);
    setProblems(found);
    if (Object.values(found).some((x) => x !== null && x !== undefined)) return;
    setBusy(true);
    try {
      await work();
      setDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const edited = (name?: string) => {
    setDone(false);
    setBannerGone(true);
    if (name !== undefined) {
      setCleared((c) => new Set([...c, name]));
      setProblems((ps) => (ps[name] === undefined || ps[name] === null ? ps : { ...ps, [name]: null }));
    }
  };
  const fromApi = apiFieldErrors(error, fields);
  const messageOf = (name: string): string | null => {
    const pr = problems[name];
    if (pr !== null && pr !== undefined) return typeof pr === 'string' ? t(pr) : t(pr.key, pr.vars);
    const a = cleared.has(name) ? undefined : fromApi.get(name);
    return a === undefined ? null : lang === 'id' ? a.id : a.en;
  };
  const fieldError = (name: string): ReactNode => {
    const m = messageOf(name);
    return m === null ? null : <small className="field-error" id={`${id}-${name}-error`} data-testid={`error-${name}`} role="alert">{m}</small>;
  };
  const field = (name: string) => {
    const invalid = messageOf(name) !== null;
    return { 'aria-invalid': invalid, ...(invalid ? { 'aria-describedby': `${id}-${name}-error` } : {}), onInput: () => edited(name) };
  };
  const formProblem = problems[''];
  const boundToFields = fromApi.size > 0;
  const feedback = (
    <>
      {formProblem !== null && formProblem !== undefined && <Problem keyName={typeof formProblem === 'string' ? formProblem : formProblem.key} />}
      {Object.entries(problems).some(([k, v]) => k !== '' && v !== null && v !== undefined) && <p className="error" role="alert" data-testid="form-problems">{t('form.checkFields')}</p>}
      {error !== null && !bannerGone && (boundToFields
        ? <p className="error" role="alert" data-testid="form-api-error">{t('form.checkFields')}</p>
        : <div data-testid="form-api-error"><ErrorBox error={error} /></div>)}
    </>
  );
  return { busy, problems, error, done, submit, edited, field, fieldError, feedback };
}

/**
 * A form field: the label around its input (`children`), then outside the label — so that they are not
 * part of the input's name — anything `extra` (a counter) and the field's error.
 */
export function Field({ label, error, extra, children }: { label: ReactNode; error?: ReactNode; extra?: ReactNode; children: ReactNode }) {
  return (
    <div className="field">
      <label>{label}{children}</label>
      {extra}
      {error}
    </div>
  );
}

/** "12/200" under a text field with a limit; past the limit it says so (the input never cuts what is typed or pasted). */
export function Counter({ value, max }: { value: string; max: number }) {
  const { t, fmtNum } = useI18n();
  const n = [...value].length;
  return <small className={n > max ? 'counter over' : 'counter muted'} aria-live="polite">{n > max ? t('form.tooLong', { length: fmtNum(n), max: fmtNum(max) }) : `${fmtNum(n)}/${fmtNum(max)}`}</small>;
}

/** The problem of a text that must be filled and fit `max` characters: required, too long, or none. */
export function textProblem(value: string, max: number, required: MessageKey | null): FieldProblem | null {
  const v = value.trim();
  if (v === '') return required;
  const n = [...v].length;
  return n > max ? { key: 'form.tooLong', vars: { length: n, max } } : null;
}

export type Loaded<T> = { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'ok'; data: T };

/**
 * Load data for a view. `retry()` loads again; after a change the view keeps showing what it has until the
 * new data arrives (a form inside it stays, with its success message), while new `deps` start over.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): [Loaded<T>, () => void] {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  const [n, setN] = useState(0);
  const last = useRef<readonly unknown[] | null>(null);
  useEffect(() => {
    let live = true;
    const same = last.current !== null && last.current.length === deps.length && last.current.every((d, i) => Object.is(d, deps[i]));
    last.current = deps;
    if (!same) setV({ state: 'loading' });
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

/** One column of a DataTable: its header (already translated), the cell of a row, and the cells' class. */
export interface Column<T> {
  readonly label: string;
  readonly cell: (row: T) => ReactNode;
  readonly className?: string;
}

/**
 * A list as a table in a card: a header cell per column, and every cell labelled with its column's header
 * (`data-label`, which the phone layout in styles.css shows beside the value when the rows become cards).
 */
export function DataTable<T>({ rows, columns, rowKey, rowAttrs, testId }: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  /** Extra attributes of a row (`data-…` the tests and links find it by). */
  rowAttrs?: (row: T) => Readonly<Record<`data-${string}`, string>>;
  testId?: string;
}) {
  return (
    <div className="table-wrap card">
      <table data-testid={testId}>
        <thead><tr>{columns.map((c) => <th key={c.label} scope="col">{c.label}</th>)}</tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)} {...rowAttrs?.(r)}>
              {columns.map((c) => <td key={c.label} data-label={c.label} className={c.className}>{c.cell(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
