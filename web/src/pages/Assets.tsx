// Assets: a searchable list (by agency, IP or name) and one asset's detail: addresses, OS, SMB facts,
// risk and its reasons, and every finding on it with the check's evidence.
import { useEffect, useState } from 'react';
import { api, query, STATUSES } from '../api';
import type { Agency, Asset, Page } from '../api';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { ErrorBox, RatingBadge, Show, useLoad } from '../ui';
import { FindingList } from './Findings';

function Smbv1({ a }: { a: Asset }) {
  const { t } = useI18n();
  if (a.smb?.smbv1 === true) return <span className="badge sev-critical">{t('common.yes')}</span>;
  if (a.smb?.smbv1 === false) return <span className="badge sev-low">{t('common.no')}</span>;
  return <span className="muted">{t('smb.unknown')}</span>;
}

export function AssetsPage({ params }: { params: URLSearchParams }) {
  const { t, fmtDate } = useI18n();
  const agencyId = params.get('agencyId') ?? '';
  const search = params.get('search') ?? '';
  const [text, setText] = useState(search);
  useEffect(() => setText(search), [search]);
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const names = new Map(agencies.state === 'ok' ? agencies.data.items.map((a) => [a.id, a.name] as const) : []);
  const filter = { agencyId: agencyId || undefined, search: search || undefined };
  const [value, retry] = useLoad(() => api<Page<Asset>>('GET', `/assets${query({ ...filter, limit: 100 })}`), [agencyId, search]);
  const [items, setItems] = useState<Asset[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [more, setMore] = useState<unknown>(null);
  useEffect(() => {
    if (value.state === 'ok') {
      setItems(value.data.items);
      setNext(value.data.next);
    }
  }, [value]);
  const go = (k: 'agencyId' | 'search', v: string) => {
    const p = new URLSearchParams(params);
    if (v === '') p.delete(k);
    else p.set(k, v);
    const s = p.toString();
    navigate(`/assets${s === '' ? '' : `?${s}`}`, true);
  };
  const loadMore = async () => {
    if (next === null) return;
    try {
      const p = await api<Page<Asset>>('GET', `/assets${query({ ...filter, limit: 100, after: next })}`);
      setItems((xs) => [...xs, ...p.items]);
      setNext(p.next);
    } catch (e) {
      setMore(e);
    }
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
                        <td data-label={t('asset.os')}>{a.os?.name ?? t('common.none')}</td>
                        <td data-label={t('asset.smbv1')}><Smbv1 a={a} /></td>
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

export function AssetPage({ id, canTriage }: { id: string; canTriage: boolean }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<Asset>('GET', `/assets/${encodeURIComponent(id)}`), [id]);
  const none = t('common.none');
  return (
    <Show value={value} retry={retry}>
      {(a) => (
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
              <div><dt>{t('asset.os')}</dt><dd>{a.os?.name ?? none}{a.os?.build != null && <span className="muted"> {a.os.build}</span>}{a.os?.eol === true && <span className="badge sev-high">{t('asset.osEol')}</span>}</dd></div>
              <div><dt>{t('asset.smbv1')}</dt><dd><Smbv1 a={a} /></dd></div>
              <div><dt>{t('asset.signing')}</dt><dd>{a.smb?.signing ?? none}</dd></div>
              <div><dt>{t('asset.dialects')}</dt><dd>{a.smb?.dialects?.join(', ') || none}</dd></div>
              <div><dt>{t('asset.criticality')}</dt><dd>{a.criticality}</dd></div>
              <div><dt>{t('asset.owner')}</dt><dd>{a.owner ?? none}</dd></div>
              <div><dt>{t('asset.tags')}</dt><dd>{a.tags.join(', ') || none}</dd></div>
              <div><dt>{t('asset.outsideControl')}</dt><dd>{a.outsideControl ? t('common.yes') : t('common.no')}</dd></div>
              <div><dt>{t('asset.firstSeen')}</dt><dd>{fmtDate(a.firstSeen)}</dd></div>
              <div><dt>{t('asset.lastSeen')}</dt><dd>{fmtDate(a.lastSeen)}</dd></div>
              <div><dt>{t('asset.riskReasons')}</dt><dd>{a.riskReasons.length === 0 ? none : a.riskReasons.map((r) => <span key={r.ruleId} className="chip"><code>{r.ruleId}</code> <RatingBadge rating={r.rating} /></span>)}</dd></div>
            </dl>
          </section>
          <section>
            <h2>{t('asset.findings')}</h2>
            <FindingList filter={{ assetId: a.id, status: STATUSES.join(',') }} canTriage={canTriage} />
          </section>
        </>
      )}
    </Show>
  );
}
