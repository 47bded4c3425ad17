// Scans (issue 5 item 3): the list, a form that starts a scan of one of the caller's agencies (the API
// refuses anything outside its registered networks), and a scan's page: live progress from the
// Server-Sent Events stream, then what it found host by host, the changes since the previous scan, and
// the nmap XML / JSONL exports.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, query } from '../api';
import type { Agency, Network, ScanChange, ScanDetail, ScanHost, ScanJob, ScanProgress } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Link, navigate } from '../router';
import { ErrorBox, Field, Show, useLoad, useSubmit } from '../ui';

const FINAL = new Set(['completed', 'failed', 'cancelled']);
const PORT_PRESETS = ['ransomware', 'smb', 'top:100'] as const;

function JobStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return <span className={`status scan-${status}`} data-testid="scan-status" data-status={status}>{t(`scan.status.${status}` as MessageKey)}</span>;
}

function ProgressBar({ progress }: { progress: ScanProgress }) {
  const { t, fmtNum } = useI18n();
  const pct = progress.planned === 0 ? 100 : Math.floor((progress.done / progress.planned) * 100);
  return (
    <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('scan.progress')}>
      <div className="progress-bar" style={{ width: `${pct}%` }} />
      <span className="progress-text">{t('scan.progressText', { pct, done: fmtNum(progress.done), planned: fmtNum(progress.planned) })}</span>
    </div>
  );
}

export function ScansPage({ canStart, params }: { canStart: boolean; params: URLSearchParams }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<{ items: ScanJob[] }>('GET', '/scans?limit=100'), api<{ items: Agency[] }>('GET', '/agencies')]), []);
  return (
    <>
      <div className="page-head"><h1>{t('scan.title')}</h1></div>
      {canStart && <StartScan initialAgencyId={params.get('agencyId') ?? ''} />}
      <Show value={value} retry={retry}>
        {([jobs, agencies]) => {
          const names = new Map(agencies.items.map((a) => [a.id, a.name]));
          return jobs.items.length === 0 ? <p className="muted">{t('scan.none')}</p> : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr><th scope="col">{t('scan.started')}</th><th scope="col">{t('scan.agency')}</th><th scope="col">{t('scan.targets')}</th><th scope="col">{t('scan.statusLabel')}</th><th scope="col">{t('scan.by')}</th></tr>
                </thead>
                <tbody>
                  {jobs.items.map((j) => (
                    <tr key={j.id}>
                      <td data-label={t('scan.started')}><Link to={`/scans/${encodeURIComponent(j.id)}`}>{fmtDate(j.createdAt)}</Link></td>
                      <td data-label={t('scan.agency')}>{names.get(j.agencyId) ?? t('common.none')}</td>
                      <td data-label={t('scan.targets')}><code>{j.targets.join(', ')}</code></td>
                      <td data-label={t('scan.statusLabel')}><JobStatus status={j.status} /></td>
                      <td data-label={t('scan.by')}>{j.requestedBy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </Show>
    </>
  );
}

/** `initialAgencyId`: the agency page's "scan now" link preselects its agency. */
function StartScan({ initialAgencyId }: { initialAgencyId: string }) {
  const { t } = useI18n();
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [agencyId, setAgencyId] = useState(initialAgencyId);
  const [networks, setNetworks] = useState<Network[]>([]);
  const [networkId, setNetworkId] = useState('');
  const [targets, setTargets] = useState('');
  const [ports, setPorts] = useState<string>('ransomware');
  const [loadError, setLoadError] = useState<unknown>(null);
  const s = useSubmit(['agencyId', 'networkId', 'targets', 'ports', 'profile', 'networks']);
  useEffect(() => {
    setNetworks([]);
    setNetworkId('');
    setLoadError(null);
    if (agencyId === '') return;
    let live = true;
    api<{ items: Network[] }>('GET', `/networks${query({ agencyId })}`).then((r) => live && setNetworks(r.items), (e: unknown) => live && setLoadError(e));
    return () => {
      live = false;
    };
  }, [agencyId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = targets.split(/[\s,]+/).filter((x) => x !== '');
    // The API names every bad target (src/api/routes/scans.ts targetProblem), next to the field.
    void s.submit({ agencyId: agencyId === '' ? 'scan.needAgency' : null }, async () => {
      const job = await api<ScanJob>('POST', '/scans', {
        agencyId, ...(networkId !== '' ? { networkId } : {}), ...(list.length > 0 ? { targets: list } : {}), ports,
      });
      navigate(`/scans/${encodeURIComponent(job.id)}`);
    });
  };

  const items = agencies.state === 'ok' ? agencies.data.items.filter((a) => a.retiredAt === null) : [];
  return (
    <form className="card scan-form" onSubmit={submit} noValidate data-testid="scan-form">
      <h2>{t('scan.start')}</h2>
      <Field label={t('scan.agency')} error={s.fieldError('agencyId')}>
        <select name="agencyId" required value={agencyId} onChange={(e) => setAgencyId(e.target.value)} {...s.field('agencyId')}>
          <option value="">{t('scan.chooseAgency')}</option>
          {items.map((a) => <option key={a.id} value={a.id}>{`${a.code} · ${a.name}`}</option>)}
        </select>
      </Field>
      <Field label={t('scan.network')} error={s.fieldError('networkId') ?? s.fieldError('networks')}>
        <select name="networkId" value={networkId} onChange={(e) => setNetworkId(e.target.value)} disabled={agencyId === ''} {...s.field('networkId')}>
          <option value="">{t('scan.allNetworks')}</option>
          {networks.map((n) => <option key={n.id} value={n.id}>{n.label !== null ? `${n.cidr} · ${n.label}` : n.cidr}</option>)}
        </select>
      </Field>
      <Field label={t('scan.targetsOptional')} error={s.fieldError('targets')}>
        <input name="targets" type="text" maxLength={2000} placeholder={t('scan.targetsHint')} value={targets} onChange={(e) => setTargets(e.target.value)} {...s.field('targets')} />
      </Field>
      <Field label={t('scan.ports')} error={s.fieldError('ports')}>
        <select name="ports" value={ports} onChange={(e) => setPorts(e.target.value)} {...s.field('ports')}>
          {PORT_PRESETS.map((p) => <option key={p} value={p}>{t(`scan.ports.${p}` as MessageKey)}</option>)}
        </select>
      </Field>
      {agencyId !== '' && networks.length === 0 && <p className="muted">{t('scan.noNetworks')}</p>}
      {loadError !== null && <ErrorBox error={loadError} />}
      {s.feedback}
      <div className="actions">
        <button type="submit" className="primary" disabled={s.busy || agencyId === ''}>{s.busy ? t('scan.starting') : t('scan.startButton')}</button>
      </div>
    </form>
  );
}

/** Follow the job's event stream until it ends; the state of the job as last heard. */
function useScanEvents(id: string, initial: ScanDetail | null): { job: ScanJob | null; progress: ScanProgress | null; ended: boolean; lost: boolean } {
  const [state, setState] = useState<{ job: ScanJob | null; progress: ScanProgress | null; ended: boolean; lost: boolean }>({ job: null, progress: null, ended: false, lost: false });
  useEffect(() => {
    if (initial === null) return;
    setState({ job: initial.job, progress: initial.progress, ended: FINAL.has(initial.job.status), lost: false });
    if (FINAL.has(initial.job.status)) return;
    const es = new EventSource(`/api/v1/scans/${encodeURIComponent(id)}/events`);
    es.addEventListener('progress', (ev) => {
      const d = JSON.parse((ev as MessageEvent<string>).data) as { status: ScanJob['status']; progress: ScanProgress };
      setState((s) => ({ ...s, job: s.job === null ? null : { ...s.job, status: d.status }, progress: d.progress, lost: false }));
    });
    es.addEventListener('end', (ev) => {
      const d = JSON.parse((ev as MessageEvent<string>).data) as { job: ScanJob; progress: ScanProgress };
      setState({ job: d.job, progress: d.progress, ended: true, lost: false });
      es.close();
    });
    // EventSource reconnects by itself after a dropped connection; say so while it does.
    es.onerror = () => setState((s) => (s.ended ? s : { ...s, lost: true }));
    return () => es.close();
  }, [id, initial]);
  return state;
}

export function ScanPage({ id, canStart }: { id: string; canStart: boolean }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<ScanDetail>('GET', `/scans/${encodeURIComponent(id)}`), [id]);
  const live = useScanEvents(id, value.state === 'ok' ? value.data : null);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const cancel = async () => {
    setCancelError(null);
    try {
      await api('POST', `/scans/${encodeURIComponent(id)}/cancel`);
      retry();
    } catch (e) {
      setCancelError(e);
    }
  };
  return (
    <Show value={value} retry={retry}>
      {(d) => {
        const job = live.job ?? d.job;
        const progress = live.progress ?? d.progress;
        return (
          <>
            <div className="page-head">
              <p className="muted"><Link to="/scans">{t('scan.title')}</Link></p>
              <h1>{t('scan.one', { targets: job.targets.join(', ') })}</h1>
              <p><JobStatus status={job.status} /> <span className="muted">{t('scan.requested', { by: job.requestedBy, at: fmtDate(job.createdAt) })}</span></p>
            </div>
            <section className="card">
              <ProgressBar progress={progress} />
              {live.lost && !live.ended && <p className="muted">{t('scan.reconnecting')}</p>}
              <dl className="facts">
                <div><dt>{t('scan.ports')}</dt><dd><code>{job.ports.join(', ')}</code></dd></div>
                <div><dt>{t('scan.profile')}</dt><dd>{job.profile}</dd></div>
                <div><dt>{t('scan.started')}</dt><dd>{fmtDate(job.startedAt)}</dd></div>
                <div><dt>{t('scan.finished')}</dt><dd>{fmtDate(job.finishedAt)}</dd></div>
                {job.error !== null && <div><dt>{t('scan.error')}</dt><dd>{job.error}</dd></div>}
              </dl>
              {canStart && !FINAL.has(job.status) && job.status !== 'finalizing' && (
                <div className="actions"><button type="button" onClick={() => void cancel()}>{t('scan.cancel')}</button></div>
              )}
              {cancelError !== null && <ErrorBox error={cancelError} />}
              <p className="actions">
                <a href={`/api/v1/scans/${encodeURIComponent(job.id)}/export.xml`} download>{t('scan.exportXml')}</a>
                <a href={`/api/v1/scans/${encodeURIComponent(job.id)}/export.jsonl`} download>{t('scan.exportJsonl')}</a>
              </p>
            </section>
            {FINAL.has(job.status) && (
              <>
                <ScanHosts id={job.id} />
                <ScanDiff id={job.id} />
              </>
            )}
          </>
        );
      }}
    </Show>
  );
}

const STATE_CLASS: Readonly<Record<string, string>> = { vulnerable: 'sev-critical', 'likely-vulnerable': 'sev-high', 'not-vulnerable': 'sev-low', unknown: 'sev-unknown' };

const WORST = ['vulnerable', 'likely-vulnerable', 'unknown', 'not-vulnerable'];

/** One badge per check: a check that ran on 139 and 445 shows its worst verdict (as nmap's host scripts do). */
function CheckBadges({ checks }: { checks: ScanHost['checks'] }) {
  const { t } = useI18n();
  const by = new Map<string, { state: string; ports: number[] }>();
  for (const c of checks) {
    const cur = by.get(c.check);
    if (cur === undefined) by.set(c.check, { state: c.state, ports: c.port === 0 ? [] : [c.port] });
    else {
      if (WORST.indexOf(c.state) < WORST.indexOf(cur.state)) cur.state = c.state;
      if (c.port !== 0) cur.ports.push(c.port);
    }
  }
  return (
    <>
      {[...by].map(([check, v]) => (
        <span key={check} className={`badge ${STATE_CLASS[v.state] ?? 'sev-unknown'}`} data-check={check} data-state={v.state} title={v.ports.join(', ')}>
          {`${check}: ${t(`verdict.${v.state}` as MessageKey)}`}
        </span>
      ))}
    </>
  );
}

function ScanHosts({ id }: { id: string }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: ScanHost[]; next: string | null }>('GET', `/scans/${encodeURIComponent(id)}/hosts?limit=500`), [id]);
  return (
    <section>
      <h2>{t('scan.hosts')}</h2>
      <Show value={value} retry={retry}>
        {(page) => page.items.length === 0 ? <p className="muted">{t('scan.noHosts')}</p> : (
          <div className="table-wrap">
            <table data-testid="scan-hosts">
              <thead>
                <tr><th scope="col">{t('asset.ip')}</th><th scope="col">{t('asset.os')}</th><th scope="col">{t('scan.openPorts')}</th><th scope="col">{t('scan.checks')}</th></tr>
              </thead>
              <tbody>
                {page.items.map((h) => (
                  <tr key={h.ip} data-ip={h.ip}>
                    <td data-label={t('asset.ip')}>{h.assetId !== null ? <Link to={`/assets/${encodeURIComponent(h.assetId)}`}>{h.ip}</Link> : h.ip}</td>
                    <td data-label={t('asset.os')}>{typeof h.os?.['name'] === 'string' ? h.os['name'] : t('common.none')}</td>
                    <td data-label={t('scan.openPorts')}>{h.ports.filter((p) => p.state === 'open').map((p) => (p.service !== null ? `${p.port}/${p.service}` : String(p.port))).join(', ') || t('common.none')}</td>
                    <td data-label={t('scan.checks')}>{h.checks.length === 0 ? t('common.none') : <CheckBadges checks={h.checks} />}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {page.next !== null && <p className="muted">{t('scan.moreHosts')}</p>}
          </div>
        )}
      </Show>
    </section>
  );
}

function changeText(t: ReturnType<typeof useI18n>['t'], c: ScanChange): string {
  const vars = { ip: c.ip, port: c.port ?? '', service: c.service ?? '', check: c.check ?? '', from: c.from ?? '—', to: c.to ?? '—' };
  const kind = c.kind === 'port-closed' && c.confirmed === false ? 'port-closed-unconfirmed' : c.kind;
  return t(`scan.change.${kind}` as MessageKey, vars);
}

function ScanDiff({ id }: { id: string }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ previousJobId: string | null; changes: ScanChange[] }>('GET', `/scans/${encodeURIComponent(id)}/diff`), [id]);
  return (
    <section>
      <h2>{t('scan.diff')}</h2>
      <Show value={value} retry={retry}>
        {(d) => d.previousJobId === null ? <p className="muted">{t('scan.baseline')}</p> : (
          <>
            <p className="muted"><Link to={`/scans/${encodeURIComponent(d.previousJobId)}`}>{t('scan.previous')}</Link></p>
            {d.changes.length === 0 ? <p>{t('scan.noChanges')}</p> : (
              <ul className="changes" data-testid="scan-changes">
                {d.changes.map((c, i) => <li key={i} className={`change-${c.kind}`}>{changeText(t, c)}</li>)}
              </ul>
            )}
          </>
        )}
      </Show>
    </section>
  );
}
