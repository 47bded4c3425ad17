// Report cards (rapor; /report-cards, docs/circulars.md "Report cards"): for the city or one agency, the
// figures the API computes — exposure now versus at the circular's start, open findings by age (CyHy
// buckets) and overdue, checklist completion and verified share, time to acknowledge and to remediate,
// coverage, and the change since the previous card — with the PDF and XLSX downloads.
import { useState } from 'react';
import { api } from '../api';
import type { Agency } from '../api';
import { AGE_BUCKETS, circulars, reportCardHref, reportCards } from '../circulars-api';
import type { ReportCard } from '../circulars-api';
import { useI18n } from '../i18n';
import { Show, useLoad } from '../ui';
import { useBi } from './circular-parts';

export function ReportCardsPage({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const bi = useBi();
  const [agencyId, setAgencyId] = useState<string>(params.get('agencyId') ?? '');
  const [circularId, setCircularId] = useState<string>(params.get('circularId') ?? '');
  const [lists, retryLists] = useLoad(async () => {
    const [a, c] = await Promise.all([api<{ items: Agency[] }>('GET', '/agencies'), circulars.list()]);
    return { agencies: a.items.filter((x) => x.retiredAt === null), circulars: c.items.filter((x) => x.status !== 'draft') };
  }, []);
  return (
    <section>
      <div className="page-head">
        <h1>{t('rc.title')}</h1>
        <p className="muted">{t('rc.intro')}</p>
      </div>
      <Show value={lists} retry={retryLists}>
        {(d) => (
          <div className="card filters">
            <label className="field">
              <span>{t('rc.scope')}</span>
              <select name="agencyId" value={agencyId} onChange={(e) => setAgencyId(e.target.value)}>
                <option value="">{t('rc.city')}</option>
                {d.agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
              </select>
            </label>
            <label className="field">
              <span>{t('rc.circular')}</span>
              <select name="circularId" value={circularId} onChange={(e) => setCircularId(e.target.value)}>
                <option value="">{t('rc.latestCircular')}</option>
                {d.circulars.map((c) => <option key={c.id} value={c.id}>{c.number ?? t('circ.noNumber')} · {bi(c.subject)}</option>)}
              </select>
            </label>
          </div>
        )}
      </Show>
      <Card agencyId={agencyId === '' ? null : agencyId} circularId={circularId === '' ? null : circularId} />
    </section>
  );
}

function Card({ agencyId, circularId }: { agencyId: string | null; circularId: string | null }) {
  const { t, lang, fmtDate, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => reportCards.get(agencyId, circularId), [agencyId, circularId]);
  const num = (n: number | null, unit: 'hours' | 'days' | 'pct' | 'plain' = 'plain') => (n === null ? t('common.none') : unit === 'plain' ? fmtNum(n) : t(`rc.unit.${unit}`, { n: fmtNum(Math.round(n * 10) / 10) }));
  return (
    <Show value={value} retry={retry}>
      {(r: ReportCard) => {
        const verifiedShare = r.checklist.items === 0 ? null : (100 * r.checklist.verified) / r.checklist.items;
        const completeShare = r.checklist.items === 0 ? null : (100 * r.checklist.complete) / r.checklist.items;
        return (
          <article className="card report-card" data-testid="report-card">
            <h2>{r.scope.kind === 'city' ? t('rc.cityCard') : r.scope.name}</h2>
            <p className="muted small">{t('rc.generated', { at: fmtDate(r.generatedAt) })}</p>
            <div className="actions">
              <a className="button" href={reportCardHref(agencyId, 'pdf', lang, circularId)} data-action="pdf">{t('rc.pdf')}</a>
              <a className="button" href={reportCardHref(agencyId, 'xlsx', lang, circularId)} data-action="xlsx">{t('rc.xlsx')}</a>
            </div>
            <dl className="facts">
              <div><dt>{t('rc.exposureNow')}</dt><dd data-figure="exposure-now">{num(r.exposure.now)}</dd></div>
              <div><dt>{t('rc.exposureStart')}</dt><dd>{num(r.exposure.atStart)}</dd></div>
              <div><dt>{t('rc.closed')}</dt><dd data-figure="closed-pct">{num(r.exposure.closedPct, 'pct')}</dd></div>
              <div><dt>{t('rc.complete')}</dt><dd>{t('circ.nOfM', { n: r.checklist.complete, m: r.checklist.items })} ({num(completeShare, 'pct')})</dd></div>
              <div><dt>{t('rc.verified')}</dt><dd>{num(verifiedShare, 'pct')}</dd></div>
              <div><dt>{t('rc.discrepancies')}</dt><dd data-figure="contradicted">{num(r.checklist.contradicted)}</dd></div>
              <div><dt>{t('rc.tta')}</dt><dd>{t('rc.medianP90', { median: num(r.timeToAcknowledgeHours.median, 'hours'), p90: num(r.timeToAcknowledgeHours.p90, 'hours') })}</dd></div>
              <div><dt>{t('rc.ttr')}</dt><dd>{t('rc.medianP90', { median: num(r.timeToRemediateDays.median, 'days'), p90: num(r.timeToRemediateDays.p90, 'days') })}</dd></div>
              <div><dt>{t('rc.coverage')}</dt><dd>{t('circ.nOfM', { n: r.coverage.scannedLast14Days, m: r.coverage.networks })}</dd></div>
              <div><dt>{t('rc.overdue')}</dt><dd>{t('rc.overdueText', { critical: fmtNum(r.overdue.critical), high: fmtNum(r.overdue.high) })}</dd></div>
            </dl>
            <h3>{t('rc.byAge')}</h3>
            <div className="table-wrap">
              <table className="age-table">
                <thead><tr>{AGE_BUCKETS.map((b) => <th key={b}>{t(`rc.age.${b}`)}</th>)}</tr></thead>
                <tbody><tr>{AGE_BUCKETS.map((b) => <td key={b} data-label={t(`rc.age.${b}`)}>{fmtNum(r.openByAge[b])}</td>)}</tr></tbody>
              </table>
            </div>
            <h3>{t('rc.trend')}</h3>
            {r.previous === null ? <p className="muted">{t('rc.noPrevious')}</p> : (
              <p>{t('rc.trendText', { at: fmtDate(r.previous.generatedAt), before: fmtNum(r.previous.exposureNow), now: fmtNum(r.exposure.now), completeBefore: fmtNum(r.previous.complete), complete: fmtNum(r.checklist.complete) })}</p>
            )}
          </article>
        );
      }}
    </Show>
  );
}
