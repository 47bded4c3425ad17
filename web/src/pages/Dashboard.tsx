// The dashboard of the city (or of the caller's agency): the first steps while nothing was scanned yet,
// totals of the exposure metrics, their trend over 7/30/90 days (SVG lines with a data table),
// per-agency numbers and SVG bars, open findings by severity.
import { useMemo, useState } from 'react';
import { api, METRICS, SEVERITIES } from '../api';
import type { Dashboard, Me, Network, Role, ScanJob, Trend, TrendDay } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Link } from '../router';
import { BarChart, SeverityBadge, Show, useLoad } from '../ui';

const CHART_METRICS = ['smbOpen', 'smbReachableOutside', 'smbv1', 'ms17010', 'doublePulsar', 'unknown'] as const;

type StepId = 'city' | 'agency' | 'network' | 'scan';
interface Step {
  readonly id: StepId;
  readonly done: boolean;
  /** Where to take it, for a role that may; null for the others, who read `who` instead. */
  readonly to: string | null;
  readonly who: MessageKey | null;
}

/**
 * The way to a first scan (README "First steps"), judged from what the caller can see: a top-level
 * agency (the city), an agency under it, a registered network, a scan. Each role gets the steps that
 * concern it, with a link where the API lets it act (src/api/routes/inventory-write.ts: agencies and
 * networks by admin and analyst; scans also by officers) and who acts where it may not.
 */
function firstSteps(role: Role, ownAgency: string | null, d: Dashboard, networks: readonly Network[], scanned: boolean): Step[] {
  const inventory = role === 'admin' || role === 'analyst';
  const canScan = inventory || role === 'officer';
  const hasNetwork = new Set(networks.map((n) => n.agencyId));
  // Register a network on an agency below the city first (the city itself rarely owns one), and scan one that has a network.
  const unregistered = [...d.agencies].sort((a, b) => Number(a.parentId === null) - Number(b.parentId === null)).find((a) => !hasNetwork.has(a.agencyId));
  const withNetwork = networks[0]?.agencyId;
  const steps: Step[] = [];
  if (ownAgency === null) {
    steps.push({ id: 'city', done: d.agencies.some((a) => a.parentId === null), to: inventory ? '/agencies' : null, who: inventory ? null : 'dash.start.byAdmin' });
    steps.push({ id: 'agency', done: d.agencies.some((a) => a.parentId !== null), to: inventory ? '/agencies' : null, who: inventory ? null : 'dash.start.byAdmin' });
  }
  steps.push({
    id: 'network', done: networks.length > 0,
    to: inventory ? (unregistered === undefined ? '/agencies' : `/agencies/${encodeURIComponent(unregistered.agencyId)}`) : null,
    who: inventory ? null : 'dash.start.byAdmin',
  });
  steps.push({
    id: 'scan', done: scanned,
    to: canScan ? (withNetwork === undefined ? '/scans' : `/scans?agencyId=${encodeURIComponent(withNetwork)}`) : null,
    who: canScan ? null : 'dash.start.byOperator',
  });
  return steps;
}

function FirstSteps({ steps }: { steps: readonly Step[] }) {
  const { t } = useI18n();
  return (
    <section className="card first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('dash.start.title')}</h2>
      <p>{t('dash.start.intro')}</p>
      <ol className="steps">
        {steps.map((s) => (
          <li key={s.id} data-step={s.id} data-done={s.done} className={s.done ? 'done' : 'todo'}>
            <span className={s.done ? 'badge sev-low' : 'badge sev-unknown'}>{t(s.done ? 'dash.start.done' : 'dash.start.todo')}</span>
            {' '}<span>{t(`dash.start.${s.id}`)}</span>
            {!s.done && s.to !== null && <> <Link to={s.to}>{t(`dash.start.${s.id}Do`)}</Link></>}
            {!s.done && s.who !== null && <> <span className="muted">{t(s.who)}</span></>}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function DashboardPage({ me }: { me: Me }) {
  const { t, fmtNum, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([
    api<Dashboard>('GET', '/dashboard'), api<{ items: Network[] }>('GET', '/networks'), api<{ items: ScanJob[] }>('GET', '/scans?limit=1'),
  ]), []);
  const own = me.user.agencyId;
  return (
    <Show value={value} retry={retry}>
      {([d, networks, scans]) => {
        const ownName = own === null ? undefined : d.agencies.find((a) => a.agencyId === own)?.name;
        const title = ownName === undefined ? t('dash.title') : t('dash.titleAgency', { name: ownName });
        const steps = firstSteps(me.user.role, own, d, networks.items, scans.items.length > 0);
        return (
        <>
          <div className="page-head">
            <h1 data-testid="dash-title">{title}</h1>
            <p className="muted">{t('dash.generatedAt', { time: fmtDate(d.generatedAt) })}</p>
          </div>
          {steps.some((s) => !s.done) && <FirstSteps steps={steps} />}
          <section className="tiles" aria-label={title}>
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
        );
      }}
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
  // The last day is today, live; the days before it are the server's daily records.
  const past = trend.days.slice(0, -1);
  const desc = t('trend.desc', { from: fmtDay(trend.from), to: fmtDay(trend.to) });
  const note: MessageKey | null = !trend.days.some((d) => d.recorded) ? 'trend.empty' : !past.some((d) => d.recorded) ? 'trend.onlyToday' : null;
  return (
    <>
      {note !== null && <p className="muted" data-testid="trend-note">{t(note)}</p>}
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

/** The smallest 1, 2 or 5 times a power of ten that is at least x, and at least 1 (the values are counts). */
function niceStep(x: number): number {
  if (x <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= x) ?? 10 * p;
}

/** The value axis: 0 up to the data's maximum rounded up to a step, in at most four steps (at least 0–1). */
function axisTicks(max: number): number[] {
  const step = niceStep(max / 4);
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, k) => k * step);
}

/** Lines over the days, one per metric; a day without a record breaks the line. Plain SVG. */
function TrendChart({ days, title, desc, fmtDay }: { days: readonly TrendDay[]; title: string; desc: string; fmtDay: (d: string) => string }) {
  const { t, fmtNum } = useI18n();
  const ticks = axisTicks(Math.max(0, ...days.flatMap((d) => TREND_METRICS.map((m) => d[m] ?? 0))));
  const top = ticks[ticks.length - 1]!;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length === 1 ? plotW / 2 : (i * plotW) / (days.length - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
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
