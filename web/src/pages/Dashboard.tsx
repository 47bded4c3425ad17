// The city dashboard: totals of the exposure metrics, their trend over 7/30/90 days (SVG lines with a
// data table), per-agency numbers and SVG bars, open findings by severity.
import { useMemo, useState } from 'react';
import { api, METRICS, SEVERITIES } from '../api';
import type { Dashboard, Trend, TrendDay } from '../api';
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
          <TrendSection />
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

const RANGES = [7, 30, 90] as const;
const TREND_METRICS = CHART_METRICS;
const TABLE_METRICS = ['hostsScanned', ...TREND_METRICS] as const;

/** The trend card: range selector, line chart, and the same numbers as a table. */
function TrendSection() {
  const { t } = useI18n();
  const [days, setDays] = useState<(typeof RANGES)[number]>(30);
  const [value, retry] = useLoad(() => api<Trend>('GET', `/dashboard/trend?days=${days}`), [days]);
  return (
    <section className="card trend" aria-labelledby="trend-title">
      <div className="trend-head">
        <h2 id="trend-title">{t('trend.title')}</h2>
        <div className="range" role="group" aria-label={t('trend.range')}>
          {RANGES.map((n) => (
            <button key={n} type="button" className={n === days ? 'link on' : 'link'} aria-pressed={n === days} onClick={() => setDays(n)} data-range={n}>
              {t('trend.days', { n })}
            </button>
          ))}
        </div>
      </div>
      <ul className="legend">
        {TREND_METRICS.map((m) => <li key={m}><span className={`swatch m-${m}`} />{t(`metric.${m}`)}</li>)}
      </ul>
      <Show value={value} retry={retry}>{(tr) => <TrendBody trend={tr} />}</Show>
    </section>
  );
}

function TrendBody({ trend }: { trend: Trend }) {
  const { t, lang, fmtNum } = useI18n();
  const fmtDay = useMemo(() => {
    const f = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
    return (day: string) => f.format(new Date(`${day}T00:00:00Z`));
  }, [lang]);
  const past = trend.days.slice(0, -1);
  const desc = t('trend.desc', { from: fmtDay(trend.from), to: fmtDay(trend.to) });
  return (
    <>
      {past.every((d) => !d.recorded) && <p className="muted">{t('trend.empty')}</p>}
      <TrendChart days={trend.days} title={t('trend.title')} desc={desc} fmtDay={fmtDay} />
      <details className="trend-table">
        <summary>{t('trend.table')}</summary>
        <div className="table-wrap">
          <table>
            <caption className="muted">{desc}</caption>
            <thead>
              <tr>
                <th scope="col">{t('trend.day')}</th>
                {TABLE_METRICS.map((m) => <th key={m} scope="col" className="num">{t(`metric.${m}`)}</th>)}
              </tr>
            </thead>
            <tbody>
              {[...trend.days].reverse().map((d) => (
                <tr key={d.day} data-day={d.day}>
                  <th scope="row">{fmtDay(d.day)}</th>
                  {TABLE_METRICS.map((m) => {
                    const v = d[m];
                    return <td key={m} className="num" data-label={t(`metric.${m}`)}>{v === null ? t('trend.notRecorded') : fmtNum(v)}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

const W = 480;
const H = 210;
const PAD = { left: 38, right: 10, top: 10, bottom: 26 };

/** The smallest 1, 2 or 5 times a power of ten that is at least x (x at least 1). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(x, 1)));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= x) ?? 10 * p;
}

/** Lines over the days, one per metric; a day without a record breaks the line. Plain SVG. */
function TrendChart({ days, title, desc, fmtDay }: { days: readonly TrendDay[]; title: string; desc: string; fmtDay: (d: string) => string }) {
  const { t, fmtNum } = useI18n();
  const max = Math.max(0, ...days.flatMap((d) => TREND_METRICS.map((m) => d[m] ?? 0)));
  const step = niceStep(Math.ceil(max / 4));
  const top = step * 4;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length === 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const ticks = [0, 1, 2, 3, 4].map((k) => k * step);
  const labelled = days.length === 0 ? [] : [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])];
  const path = (m: (typeof TREND_METRICS)[number]) => {
    let out = '';
    let pen = false;
    days.forEach((d, i) => {
      const v = d[m];
      if (v === null) {
        pen = false;
        return;
      }
      out += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
      pen = true;
    });
    return out;
  };
  return (
    <div className="chart-wrap">
      <svg className="chart trend-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="trend-svg-title trend-svg-desc" preserveAspectRatio="xMidYMid meet">
        <title id="trend-svg-title">{title}</title>
        <desc id="trend-svg-desc">{desc}</desc>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 4} y={y(v) + 4} className="chart-value" textAnchor="end">{fmtNum(v)}</text>
          </g>
        ))}
        {labelled.map((i) => (
          <text key={i} x={x(i)} y={H - 8} className="chart-value" textAnchor={i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle'}>{fmtDay(days[i]!.day)}</text>
        ))}
        {TREND_METRICS.map((m) => (
          <g key={m} className={`series m-${m}`} data-metric={m}>
            <path d={path(m)} />
            {days.map((d, i) => {
              const v = d[m];
              return v === null ? null : (
                <circle key={d.day} cx={x(i)} cy={y(v)} r={days.length > 40 ? 1.6 : 2.6}>
                  <title>{`${fmtDay(d.day)} · ${t(`metric.${m}`)}: ${fmtNum(v)}`}</title>
                </circle>
              );
            })}
          </g>
        ))}
      </svg>
    </div>
  );
}
