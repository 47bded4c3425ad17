// Assets: a searchable list (by agency, IP or name) and one asset's detail: addresses, OS, SMB facts,
// risk and its reasons, the ports and services and check verdicts (with evidence) of its latest scans,
// the history of changes, every finding on it with the check's evidence, and — for the roles that may —
// the form for what people know and scans cannot: criticality, owner, tags.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { api, CRITICALITIES, query, STATUSES } from '../api';
import type { Agency, Asset, AssetHistory, AssetServices, Criticality, HistoryItem, Page, RiskRuleMeta } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { findingTitle, profileName } from '../labels';
import { Link, navigate } from '../router';
import { DialectsFact, OsFact, SigningFact, Smbv1Fact } from '../facts';
import { Counter, ErrorBox, Field, Loading, RatingBadge, Show, StatusText, textProblem, useLoad, usePaged, useSubmit } from '../ui';
import { FindingList } from './Findings';
import { Banner, BannerLegend, bannerHasEscapes, CheckCards, checkCatalogue, groupChecks, riskRuleCatalogue, VerdictCounts } from '../checks';
import type { Catalogue } from '../checks';

const TAG = /^[\p{L}\p{N}][\p{L}\p{N} _.:/-]{0,63}$/u;

export function AssetsPage({ params }: { params: URLSearchParams }) {
  const { t, fmtDate } = useI18n();
  const agencyId = params.get('agencyId') ?? '';
  const search = params.get('search') ?? '';
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const names = new Map(agencies.state === 'ok' ? agencies.data.items.map((a) => [a.id, a.name] as const) : []);
  const filter = { agencyId: agencyId || undefined, search: search || undefined };
  const { value, retry, items, next, more, loadMore } = usePaged(
    (after) => api<Page<Asset>>('GET', `/assets${query({ ...filter, limit: 100, after })}`), [agencyId, search],
  );
  const go = (k: 'agencyId' | 'search', v: string) => {
    const p = new URLSearchParams(params);
    if (v === '') p.delete(k);
    else p.set(k, v);
    const s = p.toString();
    navigate(`/assets${s === '' ? '' : `?${s}`}`, true);
  };
  return (
    <>
      <div className="page-head"><h1>{t('asset.title')}</h1></div>
      <form className="filters card" onSubmit={(e) => { e.preventDefault(); go('search', text.trim()); }}>
        <label>
          {t('asset.agency')}
          <select name="agencyId" value={agencyId} onChange={(e) => go('agencyId', e.target.value)}>
            <option value="">{t('common.all')}</option>
            {agencies.state === 'ok' && agencies.data.items.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
        <label>
          {t('asset.search')}
          <input name="search" type="search" maxLength={100} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <Show value={value} retry={retry}>
        {() => (
          <>
            {items.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
              <div className="table-wrap card">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('asset.ip')}</th><th scope="col">{t('asset.name')}</th><th scope="col">{t('asset.agency')}</th>
                      <th scope="col">{t('asset.os')}</th><th scope="col">{t('asset.smbv1')}</th><th scope="col">{t('asset.risk')}</th><th scope="col">{t('asset.lastSeen')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((a) => (
                      <tr key={a.id}>
                        <td data-label={t('asset.ip')}><Link to={`/assets/${encodeURIComponent(a.id)}`}>{a.ip}</Link></td>
                        <td data-label={t('asset.name')}>{a.netbiosName ?? a.dnsName ?? t('common.none')}</td>
                        <td data-label={t('asset.agency')}>{names.get(a.agencyId) ?? t('common.none')}</td>
                        <td data-label={t('asset.os')}><OsFact os={a.os} /></td>
                        <td data-label={t('asset.smbv1')}><Smbv1Fact smb={a.smb} /></td>
                        <td data-label={t('asset.risk')}><RatingBadge rating={a.riskRating} /></td>
                        <td data-label={t('asset.lastSeen')}>{fmtDate(a.lastSeen)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {more !== null && <ErrorBox error={more} />}
            {next !== null && <button type="button" onClick={() => void loadMore()}>{t('common.loadMore')}</button>}
          </>
        )}
      </Show>
    </>
  );
}

/** The owner field's limit (src/api/schemas.ts AssetPatchIn: Text(200)). */
const OWNER_MAX = 200;

function AssetEditForm({ a, onSaved }: { a: Asset; onSaved: (a: Asset) => void }) {
  const { t } = useI18n();
  const [criticality, setCriticality] = useState<Criticality>(a.criticality as Criticality);
  const [owner, setOwner] = useState(a.owner ?? '');
  const [tags, setTags] = useState(a.tags.join(', '));
  const s = useSubmit(['criticality', 'owner', 'tags']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const list = tags.split(',').map((x) => x.trim()).filter((x) => x !== '');
    void s.submit({ owner: textProblem(owner, OWNER_MAX, null), tags: list.some((x) => !TAG.test(x)) ? 'inv.err.tags' : null }, async () => {
      onSaved(await api<Asset>('PATCH', `/assets/${encodeURIComponent(a.id)}`, { criticality, owner: owner.trim() === '' ? null : owner.trim(), tags: list }));
    });
  };
  return (
    <form className="card inv-form" onSubmit={submit} noValidate data-testid="asset-form">
      <h2>{t('inv.asset.edit')}</h2>
      <div className="filters">
        <Field label={t('asset.criticality')} error={s.fieldError('criticality')}>
          <select name="criticality" data-testid="asset-criticality" value={criticality} onChange={(e) => setCriticality(e.target.value as Criticality)} {...s.field('criticality')}>
            {CRITICALITIES.map((c) => <option key={c} value={c}>{t(`criticality.${c}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field label={t('asset.owner')} error={s.fieldError('owner')} extra={<Counter value={owner.trim()} max={OWNER_MAX} />}>
          <input name="owner" data-testid="asset-owner" value={owner} onChange={(e) => setOwner(e.target.value)} {...s.field('owner')} />
        </Field>
        <Field label={t('asset.tags')} error={s.fieldError('tags')}>
          <input name="tags" data-testid="asset-tags" value={tags} onChange={(e) => setTags(e.target.value)} {...s.field('tags')} aria-describedby={s.field('tags')['aria-describedby'] ?? 'asset-tags-hint'} />
          <small id="asset-tags-hint" className="muted">{t('inv.asset.tagsHint')}</small>
        </Field>
      </div>
      {s.feedback}
      {s.done && <p className="notice" role="status" data-testid="asset-saved">{t('inv.saved')}</p>}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy} data-testid="asset-submit">{t('common.save')}</button></div>
    </form>
  );
}

function Services({ id }: { id: string }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<AssetServices>('GET', `/assets/${encodeURIComponent(id)}/services`), checkCatalogue()]), [id]);
  const none = t('common.none');
  return (
    <Show value={value} retry={retry}>
      {([s, cat]) => {
        const groups = groupChecks(s.checks, cat);
        return (
          <>
            <section className="card" data-testid="asset-ports">
              <h2>{t('inv.ports.title')}</h2>
              {s.scan === null ? <p className="muted">{t('inv.ports.neverScanned')}</p> : (
                <>
                  <p className="muted">{t('inv.ports.fromScan', { at: fmtDate(s.scan.finishedAt), profile: profileName(t, s.scan.profile) })}</p>
                  {s.ports.length === 0 ? <p className="muted">{t('inv.ports.none')}</p> : (
                    <div className="table-wrap">
                      <table className="ports-table">
                        <thead><tr><th scope="col">{t('inv.ports.port')}</th><th scope="col">{t('inv.ports.service')}</th><th scope="col">{t('inv.ports.banner')}</th></tr></thead>
                        <tbody>
                          {s.ports.map((p) => (
                            <tr key={p.port} data-testid="port-row">
                              <td data-label={t('inv.ports.port')}><code>{p.port}</code></td>
                              <td data-label={t('inv.ports.service')}>{p.service ?? none}</td>
                              <td data-label={t('inv.ports.banner')} className={p.banner === null ? 'banner-cell empty' : 'banner-cell'}>{p.banner === null ? none : <Banner text={p.banner} />}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                      {s.ports.some((p) => bannerHasEscapes(p.banner)) && <BannerLegend />}
                    </div>
                  )}
                </>
              )}
            </section>
            <section className="card" data-testid="asset-checks">
              <h2>{t('inv.checks.title')}</h2>
              {groups.length === 0 ? <p className="muted">{t('inv.checks.none')}</p> : (
                <>
                  <p><VerdictCounts groups={groups} /></p>
                  <CheckCards groups={groups} cat={cat} level={3} />
                </>
              )}
            </section>
          </>
        );
      }}
    </Show>
  );
}

/** Why the asset has its rating: each rule's reason in the reader's language, with the rating it gives. */
const REASONS_SHOWN = 3;
// The ranking of src/domain/risk.ts (RATINGS): unknown sits between high and medium.
const RATING_ORDER = ['critical', 'high', 'unknown', 'medium', 'low', 'none'];

function RiskReasons({ reasons }: { reasons: Asset['riskReasons'] }) {
  const { t, lang } = useI18n();
  const [rules] = useLoad(riskRuleCatalogue, []);
  if (rules.state === 'loading') return <Loading />;
  const known = rules.state === 'ok' ? rules.data : new Map<string, RiskRuleMeta>();
  const item = (r: Asset['riskReasons'][number]) => <li key={r.ruleId} data-rule={r.ruleId}><RatingBadge rating={r.rating} /> {known.get(r.ruleId)?.reason[lang] ?? <code>{r.ruleId}</code>}</li>;
  // Worst first: the first ones say why the rating is what it is, the rest is folded.
  const sorted = [...reasons].sort((x, y) => RATING_ORDER.indexOf(x.rating) - RATING_ORDER.indexOf(y.rating));
  return (
    <>
      <ul className="risk-reasons">{sorted.slice(0, REASONS_SHOWN).map(item)}</ul>
      {sorted.length > REASONS_SHOWN && (
        <details className="reasons-more">
          <summary>{t('asset.riskReasonsMore', { n: sorted.length - REASONS_SHOWN })}</summary>
          <ul className="risk-reasons">{sorted.slice(REASONS_SHOWN).map(item)}</ul>
        </details>
      )}
    </>
  );
}

/** One history line in words: the change (scan) or the finding's move between statuses. */
function HistoryText({ h, cat }: { h: HistoryItem; cat: Catalogue }) {
  const { t, lang } = useI18n();
  if (h.source === 'finding' && h.finding !== null) {
    return (
      <span>
        {t('inv.history.finding', { title: findingTitle(t, lang, h.finding), cause: t(`cause.${h.kind}` as MessageKey) })}{' '}
        {h.from !== null && <><StatusText status={h.from} /> → </>}<StatusText status={h.to ?? ''} />
        {h.actor !== null && <span className="muted"> · {h.actor}</span>}
      </span>
    );
  }
  const v = (x: string | null) => (x === null ? t('common.none') : x);
  const vv = (x: string | null) => (x === null ? t('common.none') : t(`verdict.${x}` as MessageKey));
  const check = h.check === null ? t('common.none') : (cat.get(h.check)?.title[lang] ?? h.check);
  if (h.kind === 'check-changed') return <span>{t('change.check-changed', { check, port: h.port ?? 0, from: vv(h.from), to: vv(h.to) })}</span>;
  if (h.kind === 'port-closed') return <span>{t(h.confirmed === true ? 'change.port-closed' : 'change.port-closed-unconfirmed', { port: h.port ?? 0 })}</span>;
  if (h.kind === 'port-opened') return <span>{t('change.port-opened', { port: h.port ?? 0, service: v(h.to) })}</span>;
  if (h.kind === 'service-changed') return <span>{t('change.service-changed', { port: h.port ?? 0, from: v(h.from), to: v(h.to) })}</span>;
  return <span>{t(h.kind === 'host-gone' ? 'change.host-gone' : 'change.host-new')}</span>;
}

/** The newest changes shown; older ones folded (a daily schedule makes a long history). */
const HISTORY_SHOWN = 5;

function History({ id }: { id: string }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<AssetHistory>('GET', `/assets/${encodeURIComponent(id)}/history`), checkCatalogue()]), [id]);
  const item = (i: HistoryItem, n: number, cat: Catalogue) => (
    <li key={n} data-testid="history-item" data-source={i.source} data-kind={i.kind}>
      <time dateTime={i.at} className="muted">{fmtDate(i.at)}</time> <HistoryText h={i} cat={cat} />
    </li>
  );
  return (
    <section className="card" data-testid="asset-history">
      <h2>{t('inv.history.title')}</h2>
      <Show value={value} retry={retry}>
        {([h, cat]) => (
          <>
            {h.items.length === 0 ? <p className="muted">{t('inv.history.none')}</p> : (
              <>
                <ol className="history">{h.items.slice(0, HISTORY_SHOWN).map((i, n) => item(i, n, cat))}</ol>
                {h.items.length > HISTORY_SHOWN && (
                  <details className="history-more">
                    <summary>{t('inv.history.older', { n: h.items.length - HISTORY_SHOWN })}</summary>
                    <ol className="history">{h.items.slice(HISTORY_SHOWN).map((i, n) => item(i, n + HISTORY_SHOWN, cat))}</ol>
                  </details>
                )}
              </>
            )}
            {h.truncated && <p className="muted">{t('inv.history.truncated')}</p>}
          </>
        )}
      </Show>
    </section>
  );
}

export function AssetPage({ id, canTriage }: { id: string; canTriage: boolean }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<Asset>('GET', `/assets/${encodeURIComponent(id)}`), [id]);
  // A saved edit replaces the shown asset without a reload (the API answers with the stored row).
  const [edited, setEdited] = useState<Asset | null>(null);
  useEffect(() => setEdited(null), [id]);
  const none = t('common.none');
  return (
    <Show value={value} retry={retry}>
      {(loaded) => { const a = edited ?? loaded; return (
        <>
          <div className="page-head">
            <p className="muted"><Link to="/assets">{t('asset.title')}</Link></p>
            <h1>{a.ip}</h1>
            <p><RatingBadge rating={a.riskRating} /> <Link to={`/agencies/${encodeURIComponent(a.agencyId)}`}>{t('asset.agency')}</Link></p>
          </div>
          <section className="card">
            <dl className="facts">
              <div><dt>{t('asset.name')}</dt><dd>{a.netbiosName ?? none}</dd></div>
              <div><dt>{t('asset.dns')}</dt><dd>{a.dnsName ?? none}</dd></div>
              <div><dt>{t('asset.mac')}</dt><dd>{a.mac ?? none}</dd></div>
              <div><dt>{t('asset.os')}</dt><dd><OsFact os={a.os} />{a.os?.build != null && <span className="muted"> {a.os.build}</span>}{a.os?.eol === true && <span className="badge sev-high">{t('asset.osEol')}</span>}</dd></div>
              <div><dt>{t('asset.smbv1')}</dt><dd><Smbv1Fact smb={a.smb} /></dd></div>
              <div><dt>{t('asset.signing')}</dt><dd><SigningFact smb={a.smb} /></dd></div>
              <div><dt>{t('asset.dialects')}</dt><dd><DialectsFact smb={a.smb} /></dd></div>
              <div><dt>{t('asset.criticality')}</dt><dd data-testid="asset-criticality-value">{t(`criticality.${a.criticality}` as MessageKey)}</dd></div>
              <div><dt>{t('asset.owner')}</dt><dd>{a.owner ?? none}</dd></div>
              <div><dt>{t('asset.tags')}</dt><dd>{a.tags.join(', ') || none}</dd></div>
              <div><dt>{t('asset.outsideControl')}</dt><dd>{a.outsideControl ? t('common.yes') : t('common.no')}</dd></div>
              <div><dt>{t('asset.firstSeen')}</dt><dd>{fmtDate(a.firstSeen)}</dd></div>
              <div><dt>{t('asset.lastSeen')}</dt><dd>{fmtDate(a.lastSeen)}</dd></div>
              <div className="wide"><dt>{t('asset.riskReasons')}</dt><dd>{a.riskReasons.length === 0 ? none : <RiskReasons reasons={a.riskReasons} />}</dd></div>
            </dl>
          </section>
          {canTriage && <AssetEditForm a={a} onSaved={setEdited} />}
          <Services id={a.id} />
          <History id={a.id} />
          <section>
            <h2>{t('asset.findings')}</h2>
            <FindingList filter={{ assetId: a.id, status: STATUSES.join(',') }} canTriage={canTriage} compact />
          </section>
        </>
      ); }}
    </Show>
  );
}
