// Findings: filters (status, minimum severity, agency) and the order (worst first or most recent) kept in
// the URL, keyset "load more", and the triage actions: acknowledge, assign, accept risk / false positive
// (reason + expiry), revoke.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, query, SEVERITIES, STATUSES } from '../api';
import type { Agency, Finding, FindingStatus, Page } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { findingTitle } from '../labels';
import { Link, navigate } from '../router';
import { Counter, ErrorBox, Field, SeverityBadge, Show, StatusText, textProblem, useLoad, usePaged, useSubmit } from '../ui';
import { Evidence, Prose, Reason, useCatalogue } from '../checks';
import type { Catalogue } from '../checks';

type ExceptionKind = 'accept-risk' | 'false-positive';

function inDays(n: number): string {
  const d = new Date(Date.now() + n * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The reason's limit (src/api/routes/findings.ts Exception: Text(1000)). */
const REASON_MAX = 1000;

function ExceptionForm({ kind, onSubmit, onCancel }: { kind: ExceptionKind; onSubmit: (reason: string, expiresAt: string) => Promise<void>; onCancel: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState(inDays(30));
  const s = useSubmit(['reason', 'expiresAt']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const day = /^\d{4}-\d{2}-\d{2}$/.test(until) ? until : '';
    void s.submit({
      reason: textProblem(reason, REASON_MAX, 'finding.needReason'),
      expiresAt: day === '' || day < inDays(1) || day > inDays(365) ? 'finding.badExpiry' : null,
    }, () => onSubmit(reason.trim(), new Date(`${day}T23:59:59Z`).toISOString()));
  };
  return (
    <form className="exception-form" onSubmit={submit} noValidate>
      <Field label={t('finding.reason')} error={s.fieldError('reason')} extra={<Counter value={reason.trim()} max={REASON_MAX} />}>
        <textarea name="reason" required rows={2} value={reason} onChange={(e) => setReason(e.target.value)} {...s.field('reason')} />
      </Field>
      <Field label={t('finding.expiresAt')} error={s.fieldError('expiresAt')}>
        <input name="expiresAt" type="date" required min={inDays(1)} max={inDays(365)} value={until} onChange={(e) => setUntil(e.target.value)} {...s.field('expiresAt')} />
      </Field>
      {s.feedback}
      <div className="actions">
        <button type="submit" className="primary" disabled={s.busy}>{kind === 'accept-risk' ? t('finding.acceptRisk') : t('finding.falsePositive')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

interface Assignee { id: string; username: string; displayName: string; role: string }

/** Choose who works on the finding, among the people the API would accept (GET …/assignees). */
function AssignForm({ f, onSubmit, onCancel }: { f: Finding; onSubmit: (assigneeId: string | null) => Promise<void>; onCancel: () => void }) {
  const { t } = useI18n();
  const [list] = useLoad(() => api<{ items: Assignee[] }>('GET', `/findings/${encodeURIComponent(f.id)}/assignees`), [f.id]);
  const [chosen, setChosen] = useState(f.triage.assigneeId ?? '');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await onSubmit(chosen === '' ? null : chosen).finally(() => setBusy(false));
  };
  return (
    <form className="exception-form" onSubmit={(e) => void submit(e)} data-testid="assign-form">
      {list.state === 'error' && <ErrorBox error={list.error} />}
      <label>
        {t('finding.assignee')}
        <select name="assigneeId" value={chosen} onChange={(e) => setChosen(e.target.value)} disabled={list.state !== 'ok'}>
          <option value="">{t('finding.unassigned')}</option>
          {list.state === 'ok' && list.data.items.map((u) => <option key={u.id} value={u.id}>{`${u.displayName} (${t(`role.${u.role}` as MessageKey)})`}</option>)}
        </select>
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy || list.state !== 'ok'}>{t('finding.assignSave')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A check finding's evidence is the check's verdict, its reason (code and English sentence) and the check's
 * own evidence (src/domain/finding-signals.ts): the reason is shown in words, the rest folded as key/value.
 */
function splitEvidence(evidence: unknown, isCheck: boolean): { code: string | null; sentence: string | null; rest: Record<string, unknown> | null } {
  if (!isRecord(evidence)) return { code: null, sentence: null, rest: evidence === null || evidence === undefined ? null : { value: evidence } };
  if (!isCheck) return { code: null, sentence: null, rest: evidence };
  const { state: _state, reason, reasonCode, ...rest } = evidence;
  return { code: typeof reasonCode === 'string' ? reasonCode : null, sentence: typeof reason === 'string' ? reason : null, rest };
}

/** `compact`: on the asset's own page, whose check cards already show the reason, the evidence and the remediation. */
function FindingRow({ f, canTriage, onChange, agencyName, cat, compact }: { f: Finding; canTriage: boolean; onChange: (f: Finding) => void; agencyName: string | undefined; cat: Catalogue; compact: boolean }) {
  const { t, lang, fmtDate } = useI18n();
  const [form, setForm] = useState<ExceptionKind | 'assign' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const meta = cat.get(f.ruleId);
  const ev = splitEvidence(f.evidence, meta !== undefined);
  /** One action; a form shows its own refusal (it rethrows), a button the row's. */
  const send = async (path: string, body?: unknown) => {
    setError(null);
    onChange(await api<Finding>('POST', `/findings/${encodeURIComponent(f.id)}/${path}`, body ?? {}));
    setForm(null);
  };
  const act = (path: string, body?: unknown) => send(path, body).catch((e: unknown) => setError(e));
  const open = f.status === 'open';
  return (
    <li className="finding card" data-finding={f.id} data-rule={f.ruleId}>
      <div className="finding-head">
        <SeverityBadge severity={f.severity} />
        <strong className="finding-title">{findingTitle(t, lang, f)}</strong>
        <StatusText status={f.status} />
      </div>
      {!compact && (ev.code !== null || ev.sentence !== null) && <p className="finding-reason"><Reason code={ev.code} sentence={ev.sentence} /></p>}
      <dl className="facts">
        {!compact && <div><dt>{t('finding.asset')}</dt><dd><Link to={`/assets/${encodeURIComponent(f.assetId)}`}>{f.asset.ip}</Link>{f.asset.netbiosName !== null && <span className="muted"> {f.asset.netbiosName}</span>}</dd></div>}
        <div><dt>{t('finding.port')}</dt><dd>{f.port === 0 ? t('check.hostWide') : f.port}</dd></div>
        {agencyName !== undefined && <div><dt>{t('asset.agency')}</dt><dd><Link to={`/agencies/${encodeURIComponent(f.agencyId)}`}>{agencyName}</Link></dd></div>}
        <div><dt>{t('finding.lastSeen')}</dt><dd>{fmtDate(f.lastSeen)}</dd></div>
        {f.triage.acknowledgedAt !== null && <div><dt>{t('finding.acknowledged')}</dt><dd className="ack">{t('finding.acknowledgedBy', { by: f.triage.acknowledgedBy ?? '' })} · {fmtDate(f.triage.acknowledgedAt)}</dd></div>}
        {f.triage.assigneeId !== null && <div><dt>{t('finding.assignee')}</dt><dd className="assignee">{f.triage.assigneeName ?? t('finding.assigneeGone')}</dd></div>}
        {f.exception !== null && <div><dt>{t('finding.exception')}</dt><dd>{t('finding.exceptionUntil', { reason: f.exception.reason, date: fmtDate(f.exception.expiresAt), by: f.exception.by })}</dd></div>}
      </dl>
      {!compact && (
        <div className="check-more">
          {ev.rest !== null && <Evidence evidence={ev.rest} sentence={ev.code !== null ? ev.sentence : null} />}
          {meta !== undefined && f.status === 'open' && (
            <details className="remedy">
              <summary>{t('check.remediation')}</summary>
              <p><Prose text={meta.remediation[lang]} /></p>
            </details>
          )}
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
      {canTriage && (
        <div className="actions" aria-label={t('finding.actions')}>
          {open && f.triage.acknowledgedAt === null && <button type="button" className="primary" data-action="acknowledge" onClick={() => void act('acknowledge')}>{t('finding.acknowledge')}</button>}
          {open && <button type="button" data-action="accept-risk" onClick={() => setForm('accept-risk')}>{t('finding.acceptRisk')}</button>}
          {open && <button type="button" data-action="false-positive" onClick={() => setForm('false-positive')}>{t('finding.falsePositive')}</button>}
          {open && <button type="button" data-action="assign" onClick={() => setForm('assign')}>{t('finding.assign')}</button>}
          {f.exception !== null && <button type="button" data-action="revoke" onClick={() => void act('revoke-exception')}>{t('finding.revoke')}</button>}
        </div>
      )}
      {form === 'assign' && <AssignForm f={f} onCancel={() => setForm(null)} onSubmit={(assigneeId) => act('assign', { assigneeId })} />}
      {form !== null && form !== 'assign' && <ExceptionForm kind={form} onCancel={() => setForm(null)} onSubmit={(reason, expiresAt) => send(form, { reason, expiresAt })} />}
    </li>
  );
}

const COMPACT_SHOWN = 3;

/** A list of findings with "load more"; `filter` is the query of GET /findings. */
export function FindingList({ filter, canTriage, agencies, compact = false }: { filter: Readonly<Record<string, string | undefined>>; canTriage: boolean; agencies?: ReadonlyMap<string, string>; compact?: boolean }) {
  const { t } = useI18n();
  const key = JSON.stringify(filter);
  const { value, retry, items, setItems, next, more, loadMore } = usePaged(
    (cursor) => api<Page<Finding>>('GET', `/findings${query({ ...filter, limit: 50, cursor })}`), [key],
  );
  const [catalogue, retryCatalogue] = useCatalogue();
  // Titles and remediation come with the catalogue: wait for it (loaded once per page load) like for the list.
  if (catalogue.state !== 'ok') return <Show value={catalogue} retry={retryCatalogue}>{() => null}</Show>;
  const cat = catalogue.data;
  const row = (f: Finding) => (
    <FindingRow key={f.id} f={f} cat={cat} compact={compact} canTriage={canTriage} agencyName={agencies?.get(f.agencyId)} onChange={(nf) => setItems((xs) => xs.map((x) => (x.id === nf.id ? nf : x)))} />
  );
  // Compact (an asset's page): the worst few open, the others folded (the list comes worst first).
  const shown = compact ? items.slice(0, COMPACT_SHOWN) : items;
  const folded = compact ? items.slice(COMPACT_SHOWN) : [];
  return (
    <Show value={value} retry={retry}>
      {() => (
        <>
          {items.length === 0 && <p className="muted">{t('common.empty')}</p>}
          <ul className="findings">{shown.map(row)}</ul>
          {folded.length > 0 && (
            <details className="findings-more">
              <summary>{t('finding.more', { n: folded.length })}</summary>
              <ul className="findings">{folded.map(row)}</ul>
            </details>
          )}
          {more !== null && <ErrorBox error={more} />}
          {next !== null && <button type="button" onClick={() => void loadMore()}>{t('common.loadMore')}</button>}
        </>
      )}
    </Show>
  );
}

/** The status filter of a deep link: known statuses (comma-separated) kept, "all" = every one, else "open". */
export function findingStatusParam(v: string | null): string {
  if (v === null) return 'open';
  if (v.trim().toLowerCase() === 'all') return STATUSES.join(',');
  const known = v.split(',').map((x) => x.trim()).filter((x): x is FindingStatus => (STATUSES as readonly string[]).includes(x));
  return known.length === 0 ? 'open' : [...new Set(known)].join(',');
}

export function FindingsPage({ params, canTriage }: { params: URLSearchParams; canTriage: boolean }) {
  const { t } = useI18n();
  // A deep link may carry anything: known values are used, "all" means every status, the rest falls
  // back to the default (the API would refuse it with a validation message meant for programs).
  const status = findingStatusParam(params.get('status'));
  const minSeverity = (SEVERITIES as readonly string[]).includes(params.get('minSeverity') ?? '') ? params.get('minSeverity')! : '';
  const agencyId = params.get('agencyId') ?? '';
  const sort = params.get('sort') === 'recent' ? 'recent' : '';
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const names = new Map(agencies.state === 'ok' ? agencies.data.items.map((a) => [a.id, a.name] as const) : []);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v === '') p.delete(k);
    else p.set(k, v);
    const s = p.toString();
    navigate(`/findings${s === '' ? '' : `?${s}`}`, true);
  };
  return (
    <>
      <div className="page-head"><h1>{t('finding.title')}</h1></div>
      <form className="filters card" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('finding.status')}
          <select name="status" value={status} onChange={(e) => set('status', e.target.value)}>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
            <option value={STATUSES.join(',')}>{t('common.all')}</option>
          </select>
        </label>
        <label>
          {t('finding.minSeverity')}
          <select name="minSeverity" value={minSeverity} onChange={(e) => set('minSeverity', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {SEVERITIES.map((s) => <option key={s} value={s}>{t(`severity.${s}`)}</option>)}
          </select>
        </label>
        <label>
          {t('asset.agency')}
          <select name="agencyId" value={agencyId} onChange={(e) => set('agencyId', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {agencies.state === 'ok' && agencies.data.items.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label>
          {t('finding.sort')}
          <select name="sort" value={sort} onChange={(e) => set('sort', e.target.value)}>
            <option value="">{t('finding.sort.severity')}</option>
            <option value="recent">{t('finding.sort.recent')}</option>
          </select>
        </label>
      </form>
      <FindingList filter={{ status, minSeverity: minSeverity || undefined, agencyId: agencyId || undefined, sort: sort || undefined }} canTriage={canTriage} agencies={names} />
    </>
  );
}
