// The city dashboard: totals of the exposure metrics, per-agency numbers and SVG bars, open findings
// by severity.
import { api, METRICS, SEVERITIES } from '../api';
import type { Dashboard } from '../api';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { BarChart, SeverityBadge, Show, useLoad } from '../ui';

const CHART_METRICS = ['exposedSmb', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'] as const;

export function DashboardPage() {
  const { t, fmtNum, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<Dashboard>('GET', '/dashboard'), []);
  return (
    <Show value={value} retry={retry}>
      {(d) => (
        <>
          <div className="page-head">
            <h1>{t('dash.title')}</h1>
            <p className="muted">{t('dash.generatedAt', { time: fmtDate(d.generatedAt) })}</p>
          </div>
          <section className="tiles" aria-label={t('dash.title')}>
            {METRICS.map((m) => (
              <div key={m} className={`tile m-${m}`} data-metric={m}>
                <span className="tile-value">{fmtNum(d.totals[m])}</span>
                <span className="tile-label">{t(`metric.${m}`)}</span>
              </div>
            ))}
          </section>
          <section className="card">
            <h2>{t('dash.openFindings')}</h2>
            <ul className="sev-list">
              {SEVERITIES.map((s) => (
                <li key={s}>
                  <Link to={`/findings?minSeverity=${s}`}><SeverityBadge severity={s} /></Link>
                  <span className="num" data-severity={s}>{fmtNum(d.findings.openBySeverity[s] ?? 0)}</span>
                </li>
              ))}
            </ul>
          </section>
          <section className="card">
            <h2>{t('dash.chart')}</h2>
            <ul className="legend">
              {CHART_METRICS.map((m) => <li key={m}><span className={`swatch m-${m}`} />{t(`metric.${m}`)}</li>)}
            </ul>
            <div className="chart-wrap">
              <BarChart
                title={t('dash.chart')}
                groups={d.agencies.filter((a) => a.hostsKnown > 0).map((a) => ({ label: `${a.code} · ${a.name}`, bars: CHART_METRICS.map((m) => ({ label: t(`metric.${m}`), value: a[m], className: `m-${m}` })) }))}
              />
            </div>
          </section>
          <section className="card">
            <h2>{t('dash.byAgency')}</h2>
            <div className="table-wrap">
              <table className="dash-table">
                <thead>
                  <tr>
                    <th scope="col">{t('agency.name')}</th>
                    {METRICS.map((m) => <th key={m} scope="col" className="num">{t(`metric.${m}`)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {d.agencies.map((a) => (
                    <tr key={a.agencyId} data-agency={a.code}>
                      <th scope="row"><Link to={`/agencies/${encodeURIComponent(a.agencyId)}`}>{a.name}</Link></th>
                      {METRICS.map((m) => <td key={m} className={a[m] > 0 && (m === 'ms17010' || m === 'doublePulsar') ? 'num hot' : 'num'} data-label={t(`metric.${m}`)}>{fmtNum(a[m])}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </Show>
  );
}
