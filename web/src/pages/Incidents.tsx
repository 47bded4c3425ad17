// The incident office pages (docs/incidents.md "Triage and incidents"): the triage queue of reports
// (/incidents/reports), one report with its duplicates and the triage acts (/incidents/reports/:id: open
// an incident, link to an existing one, merge into a duplicate, reject with a reason, write to the
// reporter), and the incident list (/incidents). A report is not yet an incident.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, query } from '../api';
import type { Agency, Page } from '../api';
import { useI18n } from '../i18n';
import { INCIDENTS, INCIDENT_SETTINGS, named, PLAYBOOKS, REPORTS } from '../incident-labels';
import { PHASES, REPORT_STATUSES } from '../incidents-api';
import type { Incident, Report, ReportDetail, ReportLink } from '../incidents-api';
import { Link, navigate } from '../router';
import { ErrorBox, Field, Show, SeverityBadge, textProblem, useLoad, usePaged, useSubmit } from '../ui';
import '../incidents.css';

/** The tabs over the incident pages. */
export function IncidentTabs({ active }: { active: 'incidents' | 'reports' | 'playbooks' | 'settings' }) {
  const { t } = useI18n();
  const tabs = [
    { id: 'incidents', to: INCIDENTS, label: t('inc.tab.incidents') },
    { id: 'reports', to: REPORTS, label: t('inc.tab.reports') },
    { id: 'playbooks', to: PLAYBOOKS, label: t('inc.tab.playbooks') },
    { id: 'settings', to: INCIDENT_SETTINGS, label: t('inc.tab.settings') },
  ] as const;
  return (
    <nav className="tabs" aria-label={t('inc.tabs')}>
      {tabs.map((x) => <Link key={x.id} to={x.to} className={x.id === active ? 'tab active' : 'tab'} aria-current={x.id === active ? 'page' : undefined}>{x.label}</Link>)}
    </nav>
  );
}

/** A keyset-paged list (usePaged) as a table: its empty message, the rows, "load more" and its error. */
function PagedTable<T>({ list, empty, emptyTestId, children }: { list: ReturnType<typeof usePaged<T>>; empty: string; emptyTestId: string; children: (items: T[]) => ReactNode }) {
  const { t } = useI18n();
  return (
    <Show value={list.value} retry={list.retry}>
      {() => list.items.length === 0 ? <p className="muted" data-testid={emptyTestId}>{empty}</p> : (
        <div className="table-wrap card">
          {children(list.items)}
          {list.next !== null && <button type="button" onClick={() => void list.loadMore()}>{t('common.loadMore')}</button>}
          {list.more !== null && <ErrorBox error={list.more} />}
        </div>
      )}
    </Show>
  );
}

function useAgencies() {
  return useLoad(() => api<{ items: Agency[] }>('GET', '/agencies').then((r) => new Map(r.items.map((a) => [a.id, a]))), []);
}

export function IncidentsPage({ params }: { params: URLSearchParams }) {
  const { t, fmtDate } = useI18n();
  const phase = params.get('phase') ?? '';
  const open = params.get('open') ?? 'true';
  const [agencies] = useAgencies();
  const list = usePaged((cursor) => api<Page<Incident>>('GET', `/incidents${query({ phase: phase === '' ? undefined : phase, open: phase === '' && open === 'true' ? 'true' : undefined, cursor, limit: 50 })}`), [phase, open]);
  const names = agencies.state === 'ok' ? agencies.data : new Map<string, Agency>();
  const setFilter = (k: string, v: string) => {
    const q = new URLSearchParams(params);
    if (v === '') q.delete(k);
    else q.set(k, v);
    navigate(`${INCIDENTS}${q.toString() === '' ? '' : `?${q.toString()}`}`, true);
  };
  return (
    <>
      <div className="page-head"><h1>{t('inc.title')}</h1><p className="muted">{t('inc.intro')}</p></div>
      <IncidentTabs active="incidents" />
      <div className="filters inc-filters card">
        <Field label={t('inc.phase')}>
          <select name="phase" value={phase} onChange={(e) => setFilter('phase', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {PHASES.map((p) => <option key={p} value={p}>{t(`inc.phase.${p}`)}</option>)}
          </select>
        </Field>
        <label className="check"><input type="checkbox" name="open" checked={open === 'true'} disabled={phase !== ''} onChange={(e) => setFilter('open', e.target.checked ? '' : 'false')} />{t('inc.openOnly')}</label>
      </div>
      <PagedTable list={list} empty={t('inc.none')} emptyTestId="incidents-empty">
        {(items) => (
            <table data-testid="incident-list">
              <thead><tr><th>{t('inc.number')}</th><th>{t('inc.titleField')}</th><th>{t('inc.agency')}</th><th>{t('inc.phase')}</th><th>{t('inc.severity')}</th><th>{t('inc.classification')}</th><th>{t('inc.found')}</th></tr></thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.id}>
                    <td><Link to={`${INCIDENTS}/${i.id}`}>{i.number}</Link></td>
                    <td>{i.title}</td>
                    <td>{names.get(i.agencyId)?.name ?? t('common.none')}</td>
                    <td><span className={`phase ph-${i.phase}`}>{t(`inc.phase.${i.phase}`)}</span></td>
                    <td>{i.severity !== null ? <SeverityBadge severity={i.severity} /> : t('common.none')}</td>
                    <td>{named(t, 'inc.class.', i.classification)}</td>
                    <td>{fmtDate(i.foundAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
        )}
      </PagedTable>
    </>
  );
}

export function ReportsPage({ params, canTriage }: { params: URLSearchParams; canTriage: boolean }) {
  const { t, fmtDate } = useI18n();
  const status = params.get('status') ?? 'new';
  const [agencies] = useAgencies();
  const list = usePaged((cursor) => api<Page<Report>>('GET', `/incident-reports${query({ status: status === 'all' ? undefined : status, cursor, limit: 50 })}`), [status]);
  const names = agencies.state === 'ok' ? agencies.data : new Map<string, Agency>();
  return (
    <>
      <div className="page-head"><h1>{t('inc.reports.title')}</h1><p className="muted">{t('inc.reports.intro')}</p></div>
      <IncidentTabs active="reports" />
      <div className="filters inc-filters card">
        <Field label={t('inc.reports.status')}>
          <select name="status" value={status} onChange={(e) => navigate(`${REPORTS}?status=${e.target.value}`, true)}>
            <option value="all">{t('common.all')}</option>
            {REPORT_STATUSES.map((s) => <option key={s} value={s}>{t(`inc.reportStatus.${s}`)}</option>)}
          </select>
        </Field>
      </div>
      <PagedTable list={list} empty={t('inc.reports.none')} emptyTestId="reports-empty">
        {(items) => (
            <table data-testid="report-queue">
              <thead><tr><th>{t('inc.reports.reference')}</th><th>{t('inc.reports.received')}</th><th>{t('inc.agency')}</th><th>{t('inc.reports.symptoms')}</th><th>{t('inc.reports.location')}</th><th>{t('inc.reports.reporter')}</th><th>{t('inc.reports.status')}</th></tr></thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.id}>
                    <td><Link to={`${REPORTS}/${r.id}`}>{r.reference}</Link></td>
                    <td>{fmtDate(r.createdAt)}</td>
                    <td>{names.get(r.agencyId)?.name ?? t('common.none')}</td>
                    <td>{r.symptoms.map((s) => named(t, 'lapor.symptom.', s)).join('; ')}</td>
                    <td>{r.location ?? t('common.none')}</td>
                    <td>{r.reporterName}</td>
                    <td>{named(t, 'inc.reportStatus.', r.status)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
        )}
      </PagedTable>
      {canTriage && <UnitLink agencies={[...names.values()]} />}
    </>
  );
}

/** The per-unit form link and its QR code, to print for a ward or a counter. */
function UnitLink({ agencies }: { agencies: readonly Agency[] }) {
  const { t } = useI18n();
  const [agencyId, setAgencyId] = useState('');
  const [link] = useLoad(() => (agencyId === '' ? Promise.resolve(null) : api<ReportLink>('GET', `/agencies/${agencyId}/report-link`)), [agencyId]);
  return (
    <section className="card" data-testid="unit-link">
      <h2>{t('inc.link.title')}</h2>
      <p className="muted">{t('inc.link.intro')}</p>
      <Field label={t('inc.agency')}>
        <select name="linkAgency" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
          <option value="">{t('inc.link.choose')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </Field>
      {link.state === 'ok' && link.data !== null && (
        <div className="qr">
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.data.qrSvg)}`} width={160} height={160} alt={t('inc.link.qr', { name: link.data.name })} />
          <p><a href={link.data.path} data-testid="unit-link-url">{link.data.url}</a></p>
          <button type="button" onClick={() => window.print()}>{t('inc.link.print')}</button>
        </div>
      )}
      {link.state === 'error' && <ErrorBox error={link.error} />}
    </section>
  );
}

export function ReportPage({ id, canTriage, csirt }: { id: string; canTriage: boolean; csirt: boolean }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<ReportDetail>('GET', `/incident-reports/${id}`), [id]);
  return (
    <>
      <p><Link to={REPORTS}>{t('inc.reports.back')}</Link></p>
      <Show value={value} retry={retry}>
        {(d) => {
          const r = d.report;
          return (
            <>
              <div className="page-head">
                <h1>{t('inc.report.title', { reference: r.reference })}</h1>
                <p className="muted">{fmtDate(r.createdAt)} · <span data-testid="report-status">{named(t, 'inc.reportStatus.', r.status)}</span>
                  {r.incidentId !== null && <> · <Link to={`${INCIDENTS}/${r.incidentId}`} data-testid="report-incident">{t('inc.report.incident')}</Link></>}
                </p>
                {r.statusReason !== null && <p>{t('inc.report.reason')}: {r.statusReason}</p>}
              </div>
              <section className="card">
                <dl className="facts inc-facts">
                  <dt>{t('inc.reports.symptoms')}</dt><dd>{r.symptoms.map((s) => named(t, 'lapor.symptom.', s)).join('; ')}{r.symptomOther !== null && ` — ${r.symptomOther}`}</dd>
                  <dt>{t('inc.report.since')}</dt><dd>{r.since === null ? t('lapor.sinceUnknown') : fmtDate(r.since)}</dd>
                  <dt>{t('inc.report.computers')}</dt><dd>{named(t, 'lapor.computers.', r.computers)}</dd>
                  <dt>{t('inc.report.services')}</dt><dd>{r.services.length === 0 ? t('common.none') : r.services.map((s) => named(t, 'lapor.service.', s)).join('; ')}{r.serviceOther !== null && ` — ${r.serviceOther}`}</dd>
                  <dt>{t('inc.report.fallback')}</dt><dd>{named(t, 'lapor.fallback.', r.manualFallback)}</dd>
                  <dt>{t('inc.report.actions')}</dt><dd>{r.actionsTaken.length === 0 ? t('common.none') : r.actionsTaken.map((s) => named(t, 'lapor.action.', s)).join('; ')}</dd>
                  <dt>{t('inc.reports.location')}</dt><dd>{r.location ?? t('common.none')}</dd>
                  <dt>{t('inc.report.description')}</dt><dd className="pre">{r.description ?? t('common.none')}</dd>
                  <dt>{t('inc.reports.reporter')}</dt><dd>{r.reporterName} · <a href={`https://wa.me/${r.reporterWhatsapp.replace(/^\+/, '')}`} rel="noopener noreferrer">{r.reporterWhatsapp}</a> · {named(t, 'lapor.role.', r.reporterRole)}</dd>
                </dl>
              </section>
              <Photos photos={d.photos} />
              {d.duplicates.length > 0 && (
                <section className="card" data-testid="report-duplicates">
                  <h2>{t('inc.report.duplicates')}</h2>
                  <ul>
                    {d.duplicates.map((x) => (
                      <li key={x.reportId}><Link to={`${REPORTS}/${x.reportId}`}>{x.reference}</Link> · {named(t, 'inc.match.', x.match)} · {fmtDate(x.createdAt)} · {named(t, 'inc.reportStatus.', x.status)}</li>
                    ))}
                  </ul>
                </section>
              )}
              <Messages messages={d.messages} />
              {canTriage && <MessageForm path={`/incident-reports/${r.id}/messages`} onSent={retry} />}
              {csirt && r.status === 'new' && <Triage detail={d} onDone={retry} />}
            </>
          );
        }}
      </Show>
    </>
  );
}

export function Photos({ photos }: { photos: ReportDetail['photos'] }) {
  const { t } = useI18n();
  if (photos.length === 0) return null;
  return (
    <section className="card" data-testid="photos">
      <h2>{t('inc.photos')}</h2>
      <div className="photos">
        {photos.map((p) => (
          <a key={p.id} href={`/api/v1/incident-photos/${p.id}`} target="_blank" rel="noopener noreferrer">
            <img src={`/api/v1/incident-photos/${p.id}`} alt={p.originalName ?? t('inc.photo')} loading="lazy" width={p.width ?? undefined} height={p.height ?? undefined} />
          </a>
        ))}
      </div>
    </section>
  );
}

function Messages({ messages }: { messages: ReportDetail['messages'] }) {
  const { t, fmtDate } = useI18n();
  return (
    <section className="card" data-testid="report-messages">
      <h2>{t('inc.messages')}</h2>
      {messages.length === 0 ? <p className="muted">{t('inc.messages.none')}</p> : (
        <ul className="messages">
          {messages.map((m) => <li key={m.id}><small className="muted">{m.direction === 'to-reporter' ? t('inc.messages.toReporter', { author: m.author }) : t('inc.messages.fromReporter')} · {fmtDate(m.at)}</small><p className="pre">{m.body}</p></li>)}
        </ul>
      )}
    </section>
  );
}

/** A message to the reporter(s): shown on their status link. */
export function MessageForm({ path, onSent }: { path: string; onSent: () => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const s = useSubmit(['text']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({ text: textProblem(text, 2000, 'inc.messages.need') }, async () => {
      await api('POST', path, { text: text.trim() });
      setText('');
      onSent();
    });
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="message-form">
      <h2>{t('inc.messages.write')}</h2>
      <p className="muted">{t('inc.messages.hint')}</p>
      <Field label={t('inc.messages.text')} error={s.fieldError('text')}>
        <textarea name="text" rows={3} value={text} onChange={(e) => setText(e.target.value)} {...s.field('text')} />
      </Field>
      {s.feedback}
      {s.done && <p className="notice" role="status">{t('inc.messages.sent')}</p>}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('inc.messages.send')}</button></div>
    </form>
  );
}

/** The triage acts on a new report (city CSIRT). */
function Triage({ detail, onDone }: { detail: ReportDetail; onDone: () => void }) {
  const { t } = useI18n();
  const r = detail.report;
  const [title, setTitle] = useState('');
  const [incidentId, setIncidentId] = useState('');
  const [into, setInto] = useState('');
  const [reason, setReason] = useState('');
  const open = useSubmit(['title']);
  const link = useSubmit(['incidentId']);
  const merge = useSubmit(['intoReportId']);
  const reject = useSubmit(['reason']);
  const [incidents] = useLoad(() => api<Page<Incident>>('GET', `/incidents${query({ agencyId: r.agencyId, open: 'true', limit: 100 })}`), [r.agencyId]);
  const mergeable = detail.duplicates.filter((x) => x.status !== 'rejected');
  return (
    <section className="card" data-testid="triage">
      <h2>{t('inc.triage.title')}</h2>
      <p className="muted">{t('inc.triage.intro')}</p>
      <form className="admin-form" noValidate data-testid="triage-open" onSubmit={(e) => {
        e.preventDefault();
        void open.submit({ title: textProblem(title, 200, null) }, async () => {
          const inc = await api<Incident>('POST', `/incident-reports/${r.id}/open-incident`, title.trim() === '' ? {} : { title: title.trim() });
          navigate(`${INCIDENTS}/${inc.id}`);
        });
      }}>
        <h3>{t('inc.triage.open')}</h3>
        <Field label={t('inc.triage.incidentTitle')} error={open.fieldError('title')}>
          <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder={t('inc.triage.titleHint')} {...open.field('title')} />
        </Field>
        {open.feedback}
        <div className="actions"><button type="submit" className="primary" disabled={open.busy}>{t('inc.triage.openButton')}</button></div>
      </form>
      <form className="admin-form" noValidate data-testid="triage-link" onSubmit={(e) => {
        e.preventDefault();
        void link.submit({ incidentId: incidentId === '' ? 'inc.triage.needIncident' : null }, async () => {
          await api('POST', `/incident-reports/${r.id}/link`, { incidentId });
          navigate(`${INCIDENTS}/${incidentId}`);
        });
      }}>
        <h3>{t('inc.triage.link')}</h3>
        <Field label={t('inc.triage.incident')} error={link.fieldError('incidentId')}>
          <select name="incidentId" value={incidentId} onChange={(e) => setIncidentId(e.target.value)} {...link.field('incidentId')}>
            <option value="">{t('inc.triage.chooseIncident')}</option>
            {incidents.state === 'ok' && incidents.data.items.map((i) => <option key={i.id} value={i.id}>{`${i.number} · ${i.title}`}</option>)}
          </select>
        </Field>
        {link.feedback}
        <div className="actions"><button type="submit" disabled={link.busy}>{t('inc.triage.linkButton')}</button></div>
      </form>
      {mergeable.length > 0 && (
        <form className="admin-form" noValidate data-testid="triage-merge" onSubmit={(e) => {
          e.preventDefault();
          void merge.submit({ intoReportId: into === '' ? 'inc.triage.needReport' : null }, async () => {
            await api('POST', `/incident-reports/${r.id}/merge`, { intoReportId: into });
            onDone();
          });
        }}>
          <h3>{t('inc.triage.merge')}</h3>
          <Field label={t('inc.triage.duplicateOf')} error={merge.fieldError('intoReportId')}>
            <select name="intoReportId" value={into} onChange={(e) => setInto(e.target.value)} {...merge.field('intoReportId')}>
              <option value="">{t('inc.triage.chooseReport')}</option>
              {mergeable.map((x) => <option key={x.reportId} value={x.reportId}>{`${x.reference} · ${named(t, 'inc.match.', x.match)}`}</option>)}
            </select>
          </Field>
          {merge.feedback}
          <div className="actions"><button type="submit" disabled={merge.busy}>{t('inc.triage.mergeButton')}</button></div>
        </form>
      )}
      <form className="admin-form" noValidate data-testid="triage-reject" onSubmit={(e) => {
        e.preventDefault();
        void reject.submit({ reason: textProblem(reason, 2000, 'inc.triage.needReason') }, async () => {
          await api('POST', `/incident-reports/${r.id}/reject`, { reason: reason.trim() });
          onDone();
        });
      }}>
        <h3>{t('inc.triage.reject')}</h3>
        <Field label={t('inc.triage.reason')} error={reject.fieldError('reason')}>
          <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} {...reject.field('reason')} />
        </Field>
        <p className="muted small">{t('inc.triage.reasonHint')}</p>
        {reject.feedback}
        <div className="actions"><button type="submit" className="danger" disabled={reject.busy}>{t('inc.triage.rejectButton')}</button></div>
      </form>
    </section>
  );
}
