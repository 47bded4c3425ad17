// Report cards (rapor; /report-cards?circularId=&agencyId=, docs/circulars.md "Report cards"): since a sent
// circular went out, the city's roll-up (its card and every agency's, worst first) or one agency's card — the
// figures src/domain/report-card.ts computes: exposure now versus at the circular's start (share closed),
// open findings by age (CyHy buckets) and overdue at 15/30 days, checklist completion, verified share and
// discrepancies, time to acknowledge and to remediate (median, P90), 14-day coverage, and the change since
// the previous card — with the PDF and XLSX downloads.
import { circulars, reportCardHref, reportCards } from '../circulars-api';
import type { ReportCard } from '../circulars-api';
import type { Spread } from '../../../src/domain/report-card.js';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { Show, useLoad } from '../ui';
import { useBi } from './circular-parts';

export function ReportCardsPage({ params }: { params: URLSearchParams }) {
  const { t } = useI18n();
  const bi = useBi();
  const agencyId = params.get('agencyId');
  const [list, retryList] = useLoad(async () => (await circulars.list()).items.filter((c) => c.status !== 'draft'), []);
  const go = (circularId: string, agency: string | null) => navigate(`/report-cards?circularId=${encodeURIComponent(circularId)}${agency === null ? '' : `&agencyId=${encodeURIComponent(agency)}`}`, true);
  return (
    <section>
      <div className="page-head">
        <h1>{t('rc.title')}</h1>
        <p className="muted">{t('rc.intro')}</p>
      </div>
      <Show value={list} retry={retryList}>
        {(sent) => {
          const circular = sent.find((c) => c.id === params.get('circularId')) ?? sent[0] ?? null;
          if (circular === null) return <p className="muted" data-testid="rc-none">{t('rc.noCircular')}</p>;
          const circularId = circular.id;
          // The card compares now with the day the circular went out.
          const since = circular.sentAt;
          return (
            <>
              <div className="card filters">
                <label className="field">
                  <span>{t('rc.circular')}</span>
                  <select name="circularId" value={circularId} onChange={(e) => go(e.target.value, null)}>
                    {sent.map((c) => <option key={c.id} value={c.id}>{c.number ?? t('circ.noNumber')} · {bi(c.subject)}</option>)}
                  </select>
                </label>
                {agencyId !== null && <p><Link to={`/report-cards?circularId=${encodeURIComponent(circularId)}`}>{t('rc.backToCity')}</Link></p>}
              </div>
              {agencyId === null ? <City since={since} onAgency={(a) => go(circularId, a)} /> : <Agency since={since} agencyId={agencyId} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function City({ since, onAgency }: { since: string | null; onAgency: (agencyId: string) => void }) {
  const { t, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => reportCards.city(since), [since]);
  const pct = usePct();
  return (
    <Show value={value} retry={retry}>
      {(r) => (
        <>
          <Card card={r.city} since={since} agencyId={null} />
          <section className="card">
            <h2>{t('rc.agencies')}</h2>
            <div className="table-wrap">
              <table className="stack" data-testid="rc-agencies">
                <thead><tr><th>{t('asset.agency')}</th><th>{t('rc.overdue')}</th><th>{t('rc.exposureNow')}</th><th>{t('rc.closed')}</th><th>{t('rc.complete')}</th><th>{t('rc.coverage')}</th></tr></thead>
                <tbody>
                  {r.agencies.map((c) => (
                    <tr key={c.agency!.id} data-agency={c.agency!.code}>
                      <th scope="row" data-label={t('asset.agency')}><button type="button" className="link" onClick={() => onAgency(c.agency!.id)}>{c.agency!.name}</button></th>
                      <td data-label={t('rc.overdue')}>{fmtNum(c.age.overdue.total)}</td>
                      <td data-label={t('rc.exposureNow')}>{fmtNum(c.exposure.now.total)}</td>
                      <td data-label={t('rc.closed')}>{pct(c.exposure.closedShare)}</td>
                      <td data-label={t('rc.complete')}>{c.checklist === null ? t('common.none') : t('circ.nOfM', { n: c.checklist.complete, m: c.checklist.items })}</td>
                      <td data-label={t('rc.coverage')}>{t('circ.nOfM', { n: c.coverage.scanned, m: c.coverage.networks })}</td>
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

function Agency({ since, agencyId }: { since: string | null; agencyId: string }) {
  const [value, retry] = useLoad(() => reportCards.agency(agencyId, since), [agencyId, since]);
  return <Show value={value} retry={retry}>{(c) => <Card card={c} since={since} agencyId={agencyId} />}</Show>;
}

/** A share (0…1) as a percentage, or "—". */
function usePct(): (share: number | null) => string {
  const { t, fmtNum } = useI18n();
  return (share) => (share === null ? t('common.none') : t('rc.unit.pct', { n: fmtNum(Math.round(share * 1000) / 10) }));
}

function Card({ card: r, since, agencyId }: { card: ReportCard; since: string | null; agencyId: string | null }) {
  const { t, lang, fmtDate, fmtNum } = useI18n();
  const bi = useBi();
  const pct = usePct();
  const spread = (s: Spread, unit: 'hours' | 'days') => (s.n === 0 ? t('common.none') : t('rc.medianP90', {
    median: t(`rc.unit.${unit}`, { n: fmtNum(s.median ?? 0) }), p90: t(`rc.unit.${unit}`, { n: fmtNum(s.p90 ?? 0) }),
  }));
  const signed = (n: number | null) => (n === null ? t('common.none') : `${n > 0 ? '+' : ''}${fmtNum(n)}`);
  return (
    <article className="card report-card" data-testid="report-card">
      <h2>{r.agency === null ? t('rc.cityCard') : r.agency.name}</h2>
      <p className="muted small">{t('rc.period', { since: fmtDate(r.since), asOf: fmtDate(r.asOf) })}</p>
      <div className="actions">
        <a className="button" href={reportCardHref(agencyId, since, 'pdf', lang)} data-action="pdf">{t('rc.pdf')}</a>
        <a className="button" href={reportCardHref(agencyId, since, 'xlsx', lang)} data-action="xlsx">{t('rc.xlsx')}</a>
      </div>
      <dl className="facts circ-facts">
        <div><dt>{t('rc.exposureStart')}</dt><dd>{t('rc.openCounts', { total: fmtNum(r.exposure.atStart.total), critical: fmtNum(r.exposure.atStart.critical) })}</dd></div>
        <div><dt>{t('rc.exposureNow')}</dt><dd data-figure="exposure-now">{t('rc.openCounts', { total: fmtNum(r.exposure.now.total), critical: fmtNum(r.exposure.now.critical) })}</dd></div>
        <div><dt>{t('rc.closed')}</dt><dd data-figure="closed-share">{pct(r.exposure.closedShare)} · {t('rc.closedCount', { n: fmtNum(r.exposure.closedSinceStart), new: fmtNum(r.exposure.newSinceStart) })}</dd></div>
        <div><dt>{t('rc.overdue')}</dt><dd>{t('rc.overdueText', { critical: fmtNum(r.age.overdue.critical), high: fmtNum(r.age.overdue.high), cd: r.age.overdue.criticalDays, hd: r.age.overdue.highDays })}</dd></div>
        {r.checklist !== null && <>
          <div><dt>{t('rc.complete')}</dt><dd>{t('circ.nOfM', { n: r.checklist.complete, m: r.checklist.items })} ({pct(r.checklist.completeShare)})</dd></div>
          <div><dt>{t('rc.verified')}</dt><dd>{pct(r.checklist.verifiedShare)}</dd></div>
          <div><dt>{t('rc.discrepancies')}</dt><dd data-figure="discrepancies">{fmtNum(r.checklist.discrepancies)}</dd></div>
        </>}
        <div><dt>{t('rc.tta')}</dt><dd>{spread(r.acknowledgement.hours, 'hours')} · {t('circ.nOfM', { n: r.acknowledgement.acknowledged, m: r.acknowledgement.sent })}</dd></div>
        <div><dt>{t('rc.ttr')}</dt><dd>{spread(r.remediationDays, 'days')}</dd></div>
        <div><dt>{t('rc.coverage')}</dt><dd>{t('circ.nOfM', { n: r.coverage.scanned, m: r.coverage.networks })} ({pct(r.coverage.share)}){r.coverage.stale.length > 0 && <span className="muted small"> · {t('rc.stale', { list: r.coverage.stale.join(', ') })}</span>}</dd></div>
      </dl>
      <h3>{t('rc.byAge')}</h3>
      <div className="table-wrap">
        <table className="age-table">
          <thead><tr><th>{t('rc.age')}</th><th>{t('rc.open')}</th><th>{t('severity.critical')}</th><th>{t('severity.high')}</th></tr></thead>
          <tbody>
            {r.age.buckets.map((b) => (
              <tr key={b.key}><th scope="row" data-label={t('rc.age')}>{bi(b.label)}</th><td data-label={t('rc.open')}>{fmtNum(b.total)}</td><td data-label={t('severity.critical')}>{fmtNum(b.critical)}</td><td data-label={t('severity.high')}>{fmtNum(b.high)}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
      {r.checklist !== null && r.checklist.contradicted.length > 0 && (
        <>
          <h3>{t('rc.contradicted')}</h3>
          <ul>{r.checklist.contradicted.map((c) => <li key={`${c.agencyId}:${c.code}`}>{bi(c.title)}: <span className="hosts">{c.hosts.join(', ')}</span></li>)}</ul>
        </>
      )}
      <h3>{t('rc.trend')}</h3>
      {r.trend === null ? <p className="muted">{t('rc.noPrevious')}</p> : (
        <p data-testid="rc-trend">{t('rc.trendText', { at: fmtDate(r.trend.previousAsOf), open: signed(r.trend.open), critical: signed(r.trend.critical), overdue: signed(r.trend.overdue) })}</p>
      )}
    </article>
  );
}
