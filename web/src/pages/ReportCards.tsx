// Report cards (rapor; /report-cards?circularId=&agencyId=, docs/circulars.md "Report cards"): for a sent
// circular, its roll-up (the card over its audience and every agency's, worst first) or one agency's card,
// with the circular's part — checklist completion, verified share and discrepancies with their hosts, time to
// acknowledge and to remediate measured from the sending, exposure over the circular's rules now versus at
// the sending (share closed) — or, with no circular, the cards over every finding of the last 30 days. Open
// findings by age (CyHy buckets), overdue at 15/30 days, 14-day coverage and the change since the previous
// card come with both, as do the PDF and XLSX downloads. Below: the cards the weekly schedules sent.
import type { Me } from '../api';
import { circulars, reportCardHref, reportCards } from '../circulars-api';
import type { ReportCard } from '../circulars-api';
import type { Spread } from '../../../src/domain/report-card.js';
import { useI18n } from '../i18n';
import { checkName } from '../labels';
import { circularCardHref, circularCards, issuedCardHref, office } from '../office-api';
import { Link, navigate } from '../router';
import { Show, useLoad } from '../ui';
import { useBi } from './circular-parts';

/** The select's value for the cards without a circular. */
const NONE = 'none';

export function ReportCardsPage({ params, me }: { params: URLSearchParams; me: Me }) {
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
          // The cards of a circular by default (the first sent one), else those over every finding.
          const asked = params.get('circularId');
          const circular = asked === NONE ? null : sent.find((c) => c.id === asked) ?? sent[0] ?? null;
          const source = circular === null ? NONE : circular.id;
          return (
            <>
              <div className="card filters">
                <label className="field">
                  <span>{t('rc.circular')}</span>
                  <select name="circularId" value={source} onChange={(e) => go(e.target.value, null)}>
                    {sent.map((c) => <option key={c.id} value={c.id}>{c.number ?? t('circ.noNumber')} · {bi(c.subject)}</option>)}
                    <option value={NONE}>{t('rc.none')}</option>
                  </select>
                </label>
                {agencyId !== null && <p><Link to={`/report-cards?circularId=${encodeURIComponent(source)}`}>{t('rc.backToCity')}</Link></p>}
              </div>
              {agencyId === null ? <City circularId={circular?.id ?? null} onAgency={(a) => go(source, a)} /> : <Agency circularId={circular?.id ?? null} agencyId={agencyId} />}
              <Issued circularId={circular?.id ?? null} canSchedule={me.user.role === 'admin' || me.user.role === 'analyst'} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

function City({ circularId, onAgency }: { circularId: string | null; onAgency: (agencyId: string) => void }) {
  const { t, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => (circularId === null ? reportCards.city(null) : circularCards.city(circularId)), [circularId]);
  const pct = usePct();
  return (
    <Show value={value} retry={retry}>
      {(r) => (
        <>
          <Card card={r.city} circularId={circularId} agencyId={null} />
          <section className="card">
            <h2>{t('rc.agencies')}</h2>
            <div className="table-wrap">
              <table className="stack" data-testid="rc-agencies">
                <thead><tr><th>{t('asset.agency')}</th><th>{t('rc.overdue')}</th><th>{t('rc.exposureNow')}</th><th>{t('rc.closed')}</th><th>{t('rc.complete')}</th><th>{t('rc.discrepancies')}</th><th>{t('rc.coverage')}</th></tr></thead>
                <tbody>
                  {r.agencies.map((c) => (
                    <tr key={c.agency!.id} data-agency={c.agency!.code}>
                      <th scope="row" data-label={t('asset.agency')}><button type="button" className="link" onClick={() => onAgency(c.agency!.id)}>{c.agency!.name}</button></th>
                      <td data-label={t('rc.overdue')}>{fmtNum(c.age.overdue.total)}</td>
                      <td data-label={t('rc.exposureNow')}>{fmtNum(c.exposure.now.total)}</td>
                      <td data-label={t('rc.closed')}>{pct(c.exposure.closedShare)}</td>
                      <td data-label={t('rc.complete')}>{c.checklist === null ? t('common.none') : t('circ.nOfM', { n: c.checklist.complete, m: c.checklist.items })}</td>
                      <td data-label={t('rc.discrepancies')} data-figure="discrepancies">{c.checklist === null ? t('common.none') : fmtNum(c.checklist.discrepancies)}</td>
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

function Agency({ circularId, agencyId }: { circularId: string | null; agencyId: string }) {
  const [value, retry] = useLoad(() => (circularId === null ? reportCards.agency(agencyId, null) : circularCards.agency(circularId, agencyId)), [circularId, agencyId]);
  return <Show value={value} retry={retry}>{(c) => <Card card={c} circularId={circularId} agencyId={agencyId} />}</Show>;
}

/** A share (0…1) as a percentage, or "—". */
function usePct(): (share: number | null) => string {
  const { t, fmtNum } = useI18n();
  return (share) => (share === null ? t('common.none') : t('rc.unit.pct', { n: fmtNum(Math.round(share * 1000) / 10) }));
}

function Card({ card: r, circularId, agencyId }: { card: ReportCard; circularId: string | null; agencyId: string | null }) {
  const { t, lang, fmtDate, fmtNum } = useI18n();
  const bi = useBi();
  const pct = usePct();
  const spread = (s: Spread, unit: 'hours' | 'days') => (s.n === 0 ? t('common.none') : t('rc.medianP90', {
    median: t(`rc.unit.${unit}`, { n: fmtNum(s.median ?? 0) }), p90: t(`rc.unit.${unit}`, { n: fmtNum(s.p90 ?? 0) }),
  }));
  const signed = (n: number | null) => (n === null ? t('common.none') : `${n > 0 ? '+' : ''}${fmtNum(n)}`);
  const points = (n: number | null) => (n === null ? t('common.none') : `${n > 0 ? '+' : ''}${fmtNum(Math.round(n * 100))}`);
  const href = (format: 'pdf' | 'xlsx') => (circularId === null ? reportCardHref(agencyId, null, format, lang) : circularCardHref(circularId, agencyId, format, lang));
  return (
    <article className="card report-card" data-testid="report-card">
      <h2>{r.agency === null ? t('rc.cityCard') : r.agency.name}</h2>
      <p className="muted small">{t('rc.period', { since: fmtDate(r.since), asOf: fmtDate(r.asOf) })}</p>
      {r.rules !== null && <p className="muted small" data-testid="rc-rules">{t('rc.rules', { rules: r.rules.map((x) => checkName(t, x)).join(', ') })}</p>}
      <div className="actions">
        <a className="button" href={href('pdf')} data-action="pdf">{t('rc.pdf')}</a>
        <a className="button" href={href('xlsx')} data-action="xlsx">{t('rc.xlsx')}</a>
      </div>
      <dl className="facts circ-facts">
        <div><dt>{t('rc.exposureStart')}</dt><dd>{t('rc.openCounts', { total: fmtNum(r.exposure.atStart.total), critical: fmtNum(r.exposure.atStart.critical) })}</dd></div>
        <div><dt>{t('rc.exposureNow')}</dt><dd data-figure="exposure-now">{t('rc.openCounts', { total: fmtNum(r.exposure.now.total), critical: fmtNum(r.exposure.now.critical) })}</dd></div>
        <div><dt>{t('rc.closed')}</dt><dd data-figure="closed-share">{pct(r.exposure.closedShare)} · {t('rc.closedCount', { n: fmtNum(r.exposure.closedSinceStart), new: fmtNum(r.exposure.newSinceStart) })}</dd></div>
        <div><dt>{t('rc.overdue')}</dt><dd>{t('rc.overdueText', { critical: fmtNum(r.age.overdue.critical), high: fmtNum(r.age.overdue.high), cd: r.age.overdue.criticalDays, hd: r.age.overdue.highDays })}</dd></div>
        {r.checklist !== null && <>
          <div><dt>{t('rc.complete')}</dt><dd data-figure="complete">{t('circ.nOfM', { n: r.checklist.complete, m: r.checklist.items })} ({pct(r.checklist.completeShare)})</dd></div>
          <div><dt>{t('rc.verified')}</dt><dd data-figure="verified-share">{pct(r.checklist.verifiedShare)}</dd></div>
          <div><dt>{t('rc.discrepancies')}</dt><dd data-figure="discrepancies">{fmtNum(r.checklist.discrepancies)}</dd></div>
        </>}
        <div><dt>{t('rc.tta')}</dt><dd data-figure="tta">{spread(r.acknowledgement.hours, 'hours')} · {t('circ.nOfM', { n: r.acknowledgement.acknowledged, m: r.acknowledgement.sent })}</dd></div>
        <div><dt>{t('rc.ttr')}</dt><dd data-figure="ttr">{spread(r.remediationDays, 'days')}</dd></div>
        <div><dt>{t('rc.coverage')}</dt><dd>{t('circ.nOfM', { n: r.coverage.scanned, m: r.coverage.networks })} ({pct(r.coverage.share)}){r.coverage.stale.length > 0 && <span className="muted small"> · {t('rc.stale', { list: r.coverage.stale.join(', ') })}</span>}</dd></div>
      </dl>
      {r.measuredFrom === 'since' && <p className="muted small">{t('rc.fromSending')}</p>}
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
          <ul data-testid="rc-contradicted">
            {r.checklist.contradicted.map((c) => (
              <li key={`${c.agencyId}:${c.code}`} data-item={c.code}>
                {bi(c.title)}: <span className="hosts">{c.hostCount > c.hosts.length
                  ? t('rc.hostsMore', { n: fmtNum(c.hostCount), list: c.hosts.join(', '), more: fmtNum(c.hostCount - c.hosts.length) })
                  : t('rc.hosts', { n: fmtNum(c.hostCount), list: c.hosts.join(', ') })}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('rc.trend')}</h3>
      {r.trend === null ? <p className="muted">{t('rc.noPrevious')}</p> : (
        <>
          <p data-testid="rc-trend">
            {t('rc.trendText', { at: fmtDate(r.trend.previousAsOf), open: signed(r.trend.open), critical: signed(r.trend.critical), overdue: signed(r.trend.overdue) })}
            {r.trend.previousId !== null && <span className="muted small"> ({t('rc.trendStored')})</span>}
          </p>
          {r.trend.checklist !== null && <p className="small">{t('rc.trendChecklist', { complete: points(r.trend.checklist.completeShare), verified: points(r.trend.checklist.verifiedShare), discrepancies: signed(r.trend.checklist.discrepancies) })}</p>}
        </>
      )}
    </article>
  );
}

/** The cards the weekly schedules sent for this circular (or without one), each as it was sent. */
function Issued({ circularId, canSchedule }: { circularId: string | null; canSchedule: boolean }) {
  const { t, lang, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => office.issued(circularId), [circularId]);
  return (
    <section className="card" data-testid="rc-weekly">
      <h2>{t('rc.weekly')}</h2>
      <p className="muted small">{t('rc.weeklyIntro')}</p>
      {canSchedule && <p><Link to="/office-settings">{t('rc.weeklySchedule')}</Link></p>}
      <Show value={value} retry={retry}>
        {(d) => d.items.length === 0 ? <p className="muted">{t('rc.weeklyNone')}</p> : (
          <div className="table-wrap">
            <table className="stack">
              <thead><tr><th>{t('rc.asOf')}</th><th>{t('asset.agency')}</th><th>{t('rc.sentTo')}</th><th>{t('rc.pdf')}</th></tr></thead>
              <tbody>
                {d.items.map((c) => (
                  <tr key={c.id} data-issued={c.kind === 'city' ? 'city' : c.agencyCode ?? ''}>
                    <td data-label={t('rc.asOf')}>{fmtDate(c.asOf)}</td>
                    <th scope="row" data-label={t('asset.agency')}>{c.kind === 'city' ? t('rc.city') : c.agencyName ?? c.agencyCode ?? t('common.none')}</th>
                    <td data-label={t('rc.sentTo')} className="small">{c.sentTo.length > 0 ? c.sentTo.join(', ') : c.kind === 'city' ? t('circ.sitrep.sentNobody') : t('rc.sentToNobody')}</td>
                    <td data-label={t('rc.pdf')}><a href={issuedCardHref(c.id, 'pdf', lang)} data-action="issued-pdf">{t('rc.pdf')}</a></td>
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
