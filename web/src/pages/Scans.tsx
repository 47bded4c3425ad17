// Scans: the list, a form that starts a scan of one of the caller's agencies (the API
// refuses anything outside its registered networks), and a scan's page: live progress from the
// Server-Sent Events stream, then what it found host by host, the changes since the previous scan, and
// the nmap XML / JSONL exports.
import { useEffect, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, ApiError, query } from '../api';
import type { Agency, Network, ScanChange, ScanDetail, ScanDiffResult, ScanHost, ScanJob, ScanProgress, Schedule } from '../api';
import { NotComparedNote } from '../facts';
import { useI18n } from '../i18n';
import type { MessageKey, Translate } from '../i18n';
import { checkName, profileName } from '../labels';
import { Link, navigate } from '../router';
import { ErrorBox, Field, Show, useLoad, useSubmit } from '../ui';
import { Banner, BannerLegend, bannerHasEscapes, CheckCards, checkCatalogue, groupChecks, VerdictCounts } from '../checks';
import type { Catalogue } from '../checks';

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

/**
 * Who asked for a scan, in words: the user, or for a scheduled run (`requestedBy` is then the
 * scheduler's "schedule <id> (<creator>)", src/scheduler/scheduler.ts) the schedule and who made it.
 */
function requestedBy(t: Translate, job: ScanJob, schedules: ReadonlyMap<string, Schedule> | null): string {
  if (job.scheduleId === null) return job.requestedBy;
  const s = schedules?.get(job.scheduleId);
  return s === undefined ? t('scan.byDeletedSchedule') : t('scan.bySchedule', { by: s.createdBy });
}

/** The cron pattern of a scheduled run's schedule, as code after a space; nothing otherwise. */
function cronOf(job: ScanJob, schedules: ReadonlyMap<string, Schedule> | null): ReactNode {
  const s = job.scheduleId === null ? undefined : schedules?.get(job.scheduleId);
  return s === undefined ? null : <> <code>{s.cron}</code></>;
}

/** The schedules the caller may read, by id (for RequestedBy); null until loaded or when refused. */
function useSchedules(): ReadonlyMap<string, Schedule> | null {
  const [value] = useLoad(() => api<{ items: Schedule[] }>('GET', '/schedules'), []);
  return value.state === 'ok' ? new Map(value.data.items.map((s) => [s.id, s])) : null;
}

export function ScansPage({ canStart, params }: { canStart: boolean; params: URLSearchParams }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<{ items: ScanJob[] }>('GET', '/scans?limit=100'), api<{ items: Agency[] }>('GET', '/agencies')]), []);
  const schedules = useSchedules();
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
                  <tr><th scope="col">{t('scan.started')}</th><th scope="col">{t('scan.agency')}</th><th scope="col">{t('scan.targets')}</th><th scope="col">{t('scan.profile')}</th><th scope="col">{t('scan.statusLabel')}</th><th scope="col">{t('scan.by')}</th></tr>
                </thead>
                <tbody>
                  {jobs.items.map((j) => (
                    <tr key={j.id}>
                      <td data-label={t('scan.started')}><Link to={`/scans/${encodeURIComponent(j.id)}`}>{fmtDate(j.createdAt)}</Link></td>
                      <td data-label={t('scan.agency')}>{names.get(j.agencyId) ?? t('common.none')}</td>
                      <td data-label={t('scan.targets')}><code>{j.targets.join(', ')}</code></td>
                      <td data-label={t('scan.profile')}>{profileName(t, j.profile)}</td>
                      <td data-label={t('scan.statusLabel')}><JobStatus status={j.status} /></td>
                      <td data-label={t('scan.by')}><span>{requestedBy(t, j, schedules)}{cronOf(j, schedules)}</span></td>
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

/** The API's answer when a scan plans more probes than the ceiling (src/api/routes/scans.ts confirmLargeScan). */
interface LargeScan { readonly adminOnly: boolean; readonly probes: number; readonly limit: number }

function largeScan(e: unknown): LargeScan | null {
  if (!(e instanceof ApiError) || e.details['reason'] !== 'large-scan') return null;
  return { adminOnly: e.status === 403, probes: Number(e.details['probes'] ?? 0), limit: Number(e.details['confirmProbes'] ?? 0) };
}

/** `initialAgencyId`: the agency page's "scan now" link preselects its agency. */
function StartScan({ initialAgencyId }: { initialAgencyId: string }) {
  const { t, fmtNum } = useI18n();
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [agencyId, setAgencyId] = useState(initialAgencyId);
  const [networks, setNetworks] = useState<Network[]>([]);
  const [networkId, setNetworkId] = useState('');
  const [targets, setTargets] = useState('');
  const [ports, setPorts] = useState<string>('ransomware');
  const [loadError, setLoadError] = useState<unknown>(null);
  // Set when the API asked for a confirmation of this scan's size: how large, and whether this user may give it.
  const [large, setLarge] = useState<LargeScan | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const s = useSubmit(['agencyId', 'networkId', 'targets', 'ports', 'profile', 'networks', 'confirmLargeScan']);
  /** Another scan than the one the confirmation was about: ask again if it is large too. */
  const changed = (name: string) => ({
    ...s.field(name), onInput: () => {
      s.edited(name);
      setLarge(null);
      setConfirmed(false);
    },
  });
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
    // Whitespace separates targets; commas inside one are the API's to read as `perisai scan` reads them (an
    // octet list such as 10.0.1,3.* is one target), so only a comma at either end of a word is dropped.
    const list = targets.split(/\s+/).map((x) => x.replace(/^,+|,+$/g, '')).filter((x) => x !== '');
    // The API names every bad target (src/api/routes/scans.ts targetProblem), next to the field.
    const confirming = large !== null && !large.adminOnly;
    void s.submit({ agencyId: agencyId === '' ? 'scan.needAgency' : null, confirmLargeScan: confirming && !confirmed ? 'scan.large.tick' : null }, async () => {
      try {
        const job = await api<ScanJob>('POST', '/scans', {
          agencyId, ...(networkId !== '' ? { networkId } : {}), ...(list.length > 0 ? { targets: list } : {}), ports, ...(confirming ? { confirmLargeScan: true } : {}),
        });
        navigate(`/scans/${encodeURIComponent(job.id)}`);
      } catch (e) {
        // "This scan is large" is a question the panel below asks, not a refusal to show.
        const l = largeScan(e);
        setLarge(l);
        if (l === null) throw e;
      }
    });
  };

  const items = agencies.state === 'ok' ? agencies.data.items.filter((a) => a.retiredAt === null) : [];
  return (
    <form className="card scan-form" onSubmit={submit} noValidate data-testid="scan-form">
      <h2>{t('scan.start')}</h2>
      <Field label={t('scan.agency')} error={s.fieldError('agencyId')}>
        <select name="agencyId" required value={agencyId} onChange={(e) => setAgencyId(e.target.value)} {...changed('agencyId')}>
          <option value="">{t('scan.chooseAgency')}</option>
          {items.map((a) => <option key={a.id} value={a.id}>{`${a.code} · ${a.name}`}</option>)}
        </select>
      </Field>
      <Field label={t('scan.network')} error={s.fieldError('networkId') ?? s.fieldError('networks')}>
        <select name="networkId" value={networkId} onChange={(e) => setNetworkId(e.target.value)} disabled={agencyId === ''} {...changed('networkId')}>
          <option value="">{t('scan.allNetworks')}</option>
          {networks.map((n) => <option key={n.id} value={n.id}>{n.label !== null ? `${n.cidr} · ${n.label}` : n.cidr}</option>)}
        </select>
      </Field>
      <Field label={t('scan.targetsOptional')} error={s.fieldError('targets')} extra={<small id="scan-targets-forms" className="muted">{t('scan.targetsForms')}</small>}>
        <input name="targets" type="text" maxLength={2000} placeholder={t('scan.targetsHint')} aria-describedby="scan-targets-forms" value={targets} onChange={(e) => setTargets(e.target.value)} {...changed('targets')} />
      </Field>
      <Field label={t('scan.ports')} error={s.fieldError('ports')}>
        <select name="ports" value={ports} onChange={(e) => setPorts(e.target.value)} {...changed('ports')}>
          {PORT_PRESETS.map((p) => <option key={p} value={p}>{t(`scan.ports.${p}` as MessageKey)}</option>)}
        </select>
      </Field>
      {agencyId !== '' && networks.length === 0 && <p className="muted">{t('scan.noNetworks')}</p>}
      {large !== null && (
        <section className="confirm" data-testid="scan-confirm" aria-labelledby="scan-confirm-title">
          <h3 id="scan-confirm-title">{t('scan.large.title')}</h3>
          <p>{t('scan.large.text', { probes: fmtNum(large.probes), limit: fmtNum(large.limit) })}</p>
          {large.adminOnly ? <p className="muted" data-testid="scan-admin-only">{t('scan.large.adminOnly')}</p> : (
            <>
              <label className="check">
                <input type="checkbox" name="confirmLargeScan" data-testid="scan-confirm-large" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} {...s.field('confirmLargeScan')} />
                {t('scan.large.confirm')}
              </label>
              {s.fieldError('confirmLargeScan')}
            </>
          )}
        </section>
      )}
      {loadError !== null && <ErrorBox error={loadError} />}
      {s.feedback}
      <div className="actions">
        <button type="submit" className="primary" data-testid="scan-submit" disabled={s.busy || agencyId === '' || (large?.adminOnly ?? false)}>
          {s.busy ? t('scan.starting') : large !== null && !large.adminOnly ? t('scan.large.submit') : t('scan.startButton')}
        </button>
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
  const { t, fmtDate, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => api<ScanDetail>('GET', `/scans/${encodeURIComponent(id)}`), [id]);
  const schedules = useSchedules();
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
              <p><JobStatus status={job.status} /> <span className="muted">{t('scan.requested', { by: requestedBy(t, job, schedules), at: fmtDate(job.createdAt) })}</span></p>
            </div>
            <section className="card">
              <ProgressBar progress={progress} />
              {live.lost && !live.ended && <p className="muted">{t('scan.reconnecting')}</p>}
              <dl className="facts">
                <div><dt>{t('scan.ports')}</dt><dd><code>{job.ports}</code> <span className="muted">{t('scan.portCount', { n: fmtNum(job.portCount) })}</span></dd></div>
                <div><dt>{t('scan.profile')}</dt><dd>{profileName(t, job.profile)}</dd></div>
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

/** One host of the scan: address, OS, open ports as chips, then its checks as cards (those to act on first). */
function HostCard({ h, cat }: { h: ScanHost; cat: Catalogue }) {
  const { t } = useI18n();
  const open = h.ports.filter((p) => p.state === 'open');
  const banners = open.filter((p) => p.banner !== null);
  const groups = groupChecks(h.checks, cat);
  const os = typeof h.os?.['name'] === 'string' ? h.os['name'] : null;
  return (
    <article className="card host-card" data-ip={h.ip} data-testid="scan-host">
      <div className="host-head">
        <h3>{h.assetId !== null ? <Link to={`/assets/${encodeURIComponent(h.assetId)}`}>{h.ip}</Link> : h.ip}</h3>
        {h.hostname !== null && <span className="muted">{h.hostname}</span>}
        <VerdictCounts groups={groups} />
      </div>
      <dl className="host-facts">
        <div><dt>{t('asset.os')}</dt><dd>{os ?? t('common.none')}</dd></div>
        <div>
          <dt>{t('scan.openPorts')}</dt>
          <dd>
            {open.length === 0 ? t('common.none') : (
              <ul className="chips" data-testid="open-ports">
                {open.map((p) => <li key={p.port} className="chip port-chip"><strong>{p.port}</strong>{p.service !== null && <span>{p.service}</span>}</li>)}
              </ul>
            )}
          </dd>
        </div>
      </dl>
      {banners.length > 0 && (
        <details className="banners">
          <summary>{t('scan.banners', { n: banners.length })}</summary>
          <dl className="kv">
            {banners.map((p) => <div key={p.port}><dt>{t('check.port', { port: p.port })}</dt><dd><Banner text={p.banner ?? ''} /></dd></div>)}
          </dl>
          {banners.some((p) => bannerHasEscapes(p.banner)) && <BannerLegend />}
        </details>
      )}
      {groups.length === 0 ? <p className="muted">{t('scan.noChecks')}</p> : <CheckCards groups={groups} cat={cat} level={4} />}
    </article>
  );
}

function ScanHosts({ id }: { id: string }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<{ items: ScanHost[]; next: string | null }>('GET', `/scans/${encodeURIComponent(id)}/hosts?limit=500`), checkCatalogue()]), [id]);
  return (
    <section>
      <h2>{t('scan.hosts')}</h2>
      <Show value={value} retry={retry}>
        {([page, cat]) => page.items.length === 0 ? <p className="muted">{t('scan.noHosts')}</p> : (
          <div data-testid="scan-hosts">
            {page.items.map((h) => <HostCard key={h.ip} h={h} cat={cat} />)}
            {page.next !== null && <p className="muted">{t('scan.moreHosts')}</p>}
          </div>
        )}
      </Show>
    </section>
  );
}

function changeText(t: Translate, c: ScanChange): string {
  // A check's from/to are verdicts (CHECK_STATES); a service's are service names, shown as they are.
  const side = (x: string | null | undefined) => (x === null || x === undefined ? '—' : c.kind === 'check-changed' ? t(`verdict.${x}` as MessageKey) : x);
  const vars = { ip: c.ip, port: c.port ?? '', service: c.service ?? '', check: c.check === undefined ? '' : checkName(t, c.check), from: side(c.from), to: side(c.to) };
  const kind = c.kind === 'port-closed' && c.confirmed === false ? 'port-closed-unconfirmed' : c.kind;
  return t(`scan.change.${kind}` as MessageKey, vars);
}

function ScanDiff({ id }: { id: string }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<ScanDiffResult>('GET', `/scans/${encodeURIComponent(id)}/diff`), [id]);
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
            <NotComparedNote value={d.notCompared} />
          </>
        )}
      </Show>
    </section>
  );
}
