// Scan workers (/workers; API GET /api/v1/workers, docs/deploy.md "Workers"): every worker heard of in the
// last day — its zones, version, last heartbeat, whether it is live, the task it runs and its tasks of the
// last hour. Administrators and analysts: a worker's name says which host runs it.
import { api } from '../api';
import type { ScanWorker } from '../api';
import { useI18n } from '../i18n';
import { Show, useLoad } from '../ui';

export function WorkersPage() {
  const { t, fmtDate, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: ScanWorker[] }>('GET', '/workers'), []);
  return (
    <section>
      <div className="page-head">
        <h1>{t('workers.title')}</h1>
        <p className="muted">{t('workers.intro')}</p>
      </div>
      <Show value={value} retry={retry}>
        {(r) => r.items.length === 0 ? <p className="muted" data-testid="workers-none">{t('workers.none')}</p> : (
          <div className="table-wrap card">
            <table data-testid="workers">
              <thead>
                <tr>
                  <th scope="col">{t('workers.name')}</th><th scope="col">{t('workers.zones')}</th><th scope="col">{t('workers.state')}</th>
                  <th scope="col">{t('workers.lastSeen')}</th><th scope="col">{t('workers.task')}</th><th scope="col">{t('workers.doneLastHour')}</th>
                  <th scope="col">{t('workers.version')}</th>
                </tr>
              </thead>
              <tbody>
                {r.items.map((w) => (
                  <tr key={w.name} data-worker={w.name}>
                    <td data-label={t('workers.name')}>{w.name}</td>
                    <td data-label={t('workers.zones')}>{w.zones.map((z) => z ?? t('workers.defaultZone')).join(', ')}</td>
                    <td data-label={t('workers.state')}><span className={w.live ? 'badge sev-low' : 'badge sev-high'}>{t(w.live ? 'workers.live' : 'workers.silent')}</span></td>
                    <td data-label={t('workers.lastSeen')}>{fmtDate(w.lastSeenAt)}</td>
                    <td data-label={t('workers.task')}>{w.currentTask ?? t('workers.idle')}</td>
                    <td data-label={t('workers.doneLastHour')} className="num">{fmtNum(w.doneLastHour)}</td>
                    <td data-label={t('workers.version')}>{w.version} · {w.queue}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}
