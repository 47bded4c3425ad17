// Monitoring schedules: the list in the caller's scope (next and last run), and for administrators and
// analysts a form to add one and buttons to enable, disable or delete. Officers and viewers read only;
// the API enforces the same split, the buttons are just not offered.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, query } from '../api';
import type { Agency, Network, Schedule } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox, Field, Show, useLoad, useSubmit } from '../ui';

/** Five fields (minute hour day month weekday), or six with seconds first, as croner accepts. */
const CRON_SHAPE = /^\S+(\s+\S+){4,5}$/;
/** The port syntax the API takes: named sets, numbers, ranges and top:N, separated by commas. */
const PORTS_SHAPE = /^[A-Za-z0-9:\-, ]+$/;
const PROFILES = ['ransomware', 'ports'] as const;
const JOB_STATUSES: readonly string[] = ['queued', 'running', 'finalizing', 'completed', 'failed', 'cancelled'];
type JobStatus = 'queued' | 'running' | 'finalizing' | 'completed' | 'failed' | 'cancelled';

function ScheduleForm({ agencies, onCreated }: { agencies: readonly Agency[]; onCreated: (s: Schedule) => void }) {
  const { t } = useI18n();
  const [agencyId, setAgencyId] = useState('');
  const [networkId, setNetworkId] = useState('');
  const [cron, setCron] = useState('0 2 * * *');
  const [timeZone, setTimeZone] = useState('Asia/Jakarta');
  const [ports, setPorts] = useState('ransomware');
  const [profile, setProfile] = useState<(typeof PROFILES)[number]>('ransomware');
  const s = useSubmit(['agencyId', 'networkId', 'cron', 'timeZone', 'ports', 'profile', 'scanWindows']);
  const [networks] = useLoad(() => (agencyId === '' ? Promise.resolve({ items: [] as Network[] }) : api<{ items: Network[] }>('GET', `/networks${query({ agencyId })}`)), [agencyId]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Checked here for a quick answer; the API checks again and its message is shown if it disagrees.
    return s.submit({
      agencyId: agencyId === '' ? 'sched.needAgency' : null,
      cron: !CRON_SHAPE.test(cron.trim()) ? 'sched.badCron' : null,
      ports: !PORTS_SHAPE.test(ports) || ports.trim() === '' ? 'sched.badPorts' : null,
    }, async () => {
      onCreated(await api<Schedule>('POST', '/schedules', { agencyId, networkId: networkId === '' ? null : networkId, cron: cron.trim(), timeZone: timeZone.trim(), ports: ports.trim(), profile }));
      setNetworkId('');
    });
  };

  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="schedule-form">
      <h2>{t('sched.add')}</h2>
      <Field label={t('asset.agency')} error={s.fieldError('agencyId')}>
        <select name="agencyId" value={agencyId} onChange={(e) => { setAgencyId(e.target.value); setNetworkId(''); }} {...s.field('agencyId')}>
          <option value="">{t('sched.chooseAgency')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </Field>
      <Field label={t('sched.network')} error={s.fieldError('networkId')}>
        <select name="networkId" value={networkId} onChange={(e) => setNetworkId(e.target.value)} {...s.field('networkId')}>
          <option value="">{t('sched.allNetworks')}</option>
          {networks.state === 'ok' && networks.data.items.map((n) => <option key={n.id} value={n.id}>{n.cidr}{n.label !== null ? ` · ${n.label}` : ''}</option>)}
        </select>
      </Field>
      <Field label={t('sched.cron')} error={s.fieldError('cron')}>
        <input name="cron" value={cron} onChange={(e) => setCron(e.target.value)} required maxLength={100} spellCheck={false} {...s.field('cron')} />
        <span className="muted small">{t('sched.cronHint')}</span>
      </Field>
      <Field label={t('sched.timeZone')} error={s.fieldError('timeZone')}>
        <input name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} required maxLength={64} spellCheck={false} {...s.field('timeZone')} />
      </Field>
      <Field label={t('sched.ports')} error={s.fieldError('ports')}>
        <input name="ports" value={ports} onChange={(e) => setPorts(e.target.value)} required maxLength={500} spellCheck={false} {...s.field('ports')} />
        <span className="muted small">{t('sched.portsHint')}</span>
      </Field>
      <Field label={t('sched.profile')} error={s.fieldError('profile')}>
        <select name="profile" value={profile} onChange={(e) => setProfile(e.target.value as (typeof PROFILES)[number])} {...s.field('profile')}>
          {PROFILES.map((p) => <option key={p} value={p}>{t(`sched.profile.${p}`)}</option>)}
        </select>
      </Field>
      {s.fieldError('scanWindows')}
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('sched.create')}</button></div>
    </form>
  );
}

function ScheduleRow({ s, agency, network, canEdit, onChange, onRemove }: { s: Schedule; agency: string; network: string; canEdit: boolean; onChange: (s: Schedule) => void; onRemove: () => void }) {
  const { t, fmtDate } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    }
  };
  const toggle = () => act(async () => onChange(await api<Schedule>('PATCH', `/schedules/${encodeURIComponent(s.id)}`, { enabled: !s.enabled })));
  const remove = () => act(async () => {
    if (!window.confirm(t('sched.confirmDelete'))) return;
    await api('DELETE', `/schedules/${encodeURIComponent(s.id)}`);
    onRemove();
  });
  return (
    <tr data-schedule={s.id}>
      <td data-label={t('asset.agency')}>{agency}</td>
      <td data-label={t('sched.network')}>{network}</td>
      <td data-label={t('sched.cron')}><code>{s.cron}</code> <span className="muted small">{s.timeZone}</span></td>
      <td data-label={t('sched.ports')}>{s.ports.length > 40 ? t('sched.portCount', { n: s.portCount }) : s.ports}</td>
      <td data-label={t('sched.profile')}>{t(s.profile === 'ports' ? 'sched.profile.ports' : 'sched.profile.ransomware')}</td>
      <td data-label={t('sched.state')}>{s.enabled ? t('sched.enabled') : t('sched.disabled')}</td>
      <td data-label={t('sched.nextRun')}>{s.enabled ? fmtDate(s.nextRunAt) : t('common.none')}</td>
      <td data-label={t('sched.lastRun')}>
        {s.lastRunAt === null ? t('sched.never') : fmtDate(s.lastRunAt)}
        {s.lastRunStatus !== null && <span className="muted small"> · {JOB_STATUSES.includes(s.lastRunStatus) ? t(`sched.job.${s.lastRunStatus as JobStatus}`) : s.lastRunStatus}</span>}
      </td>
      {canEdit && (
        <td data-label={t('finding.actions')}>
          <div className="actions tight">
            <button type="button" data-action="toggle" onClick={() => void toggle()}>{s.enabled ? t('sched.disable') : t('sched.enable')}</button>
            <button type="button" data-action="delete" className="danger" onClick={() => void remove()}>{t('sched.delete')}</button>
          </div>
          {error !== null && <ErrorBox error={error} />}
        </td>
      )}
    </tr>
  );
}

export function SchedulesPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: Schedule[] }>('GET', '/schedules'), []);
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [networks] = useLoad(() => api<{ items: Network[] }>('GET', '/networks'), []);
  // Local edits on top of the loaded list, so an action does not reload the whole table.
  const [added, setAdded] = useState<Schedule[]>([]);
  const [changed, setChanged] = useState<ReadonlyMap<string, Schedule | null>>(new Map());
  const agencyName = new Map(agencies.state === 'ok' ? agencies.data.items.map((a) => [a.id, a.name] as const) : []);
  const cidr = new Map(networks.state === 'ok' ? networks.data.items.map((n) => [n.id, n.cidr] as const) : []);
  const edit = (id: string, s: Schedule | null) => setChanged((m) => new Map(m).set(id, s));

  return (
    <>
      <div className="page-head">
        <h1>{t('sched.title')}</h1>
        <p className="muted">{canEdit ? t('sched.intro') : t('sched.readOnly')}</p>
      </div>
      {canEdit && agencies.state === 'ok' && <ScheduleForm agencies={agencies.data.items} onCreated={(s) => setAdded((xs) => [...xs, s])} />}
      <Show value={value} retry={retry}>
        {(d) => {
          const rows = [...d.items, ...added].map((s) => (changed.has(s.id) ? changed.get(s.id)! : s)).filter((s): s is Schedule => s !== null);
          if (rows.length === 0) return <p className="muted">{t('sched.empty')}</p>;
          return (
            <div className="table-wrap card">
              <table data-testid="schedules">
                <thead>
                  <tr>
                    <th scope="col">{t('asset.agency')}</th><th scope="col">{t('sched.network')}</th><th scope="col">{t('sched.cron')}</th><th scope="col">{t('sched.ports')}</th>
                    <th scope="col">{t('sched.profile')}</th><th scope="col">{t('sched.state')}</th><th scope="col">{t('sched.nextRun')}</th><th scope="col">{t('sched.lastRun')}</th>
                    {canEdit && <th scope="col">{t('finding.actions')}</th>}
                  </tr>
                </thead>
                <tbody>
                  {rows.map((s) => (
                    <ScheduleRow
                      key={s.id} s={s} canEdit={canEdit}
                      agency={agencyName.get(s.agencyId) ?? s.agencyId}
                      network={s.networkId === null ? t('sched.allNetworks') : (cidr.get(s.networkId) ?? s.networkId)}
                      onChange={(x) => edit(x.id, x)} onRemove={() => edit(s.id, null)}
                    />
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
