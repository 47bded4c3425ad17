// Agencies: the list (as a tree by parent) and one agency's detail (units, networks, contacts, counts).
import { api, SEVERITIES, STATUSES } from '../api';
import type { Agency, AgencyDetail } from '../api';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { SeverityBadge, Show, StatusText, useLoad } from '../ui';
import { ExportLinks } from './Exports';

function ordered(items: readonly Agency[]): { a: Agency; depth: number }[] {
  const ids = new Set(items.map((a) => a.id));
  const kids = new Map<string | null, Agency[]>();
  for (const a of items) {
    const p = a.parentId !== null && ids.has(a.parentId) ? a.parentId : null;
    kids.set(p, [...(kids.get(p) ?? []), a]);
  }
  const out: { a: Agency; depth: number }[] = [];
  const walk = (p: string | null, depth: number) => {
    for (const a of [...(kids.get(p) ?? [])].sort((x, y) => x.name.localeCompare(y.name))) {
      out.push({ a, depth });
      walk(a.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

export function AgenciesPage() {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  return (
    <>
      <div className="page-head"><h1>{t('agency.title')}</h1></div>
      <Show value={value} retry={retry}>
        {(d) => (
          <div className="table-wrap card">
            <table>
              <thead>
                <tr><th scope="col">{t('agency.name')}</th><th scope="col">{t('agency.code')}</th><th scope="col">{t('agency.kind')}</th></tr>
              </thead>
              <tbody>
                {ordered(d.items).map(({ a, depth }) => (
                  <tr key={a.id}>
                    <td data-label={t('agency.name')} style={{ paddingInlineStart: `${0.5 + depth * 1.25}rem` }}>
                      <Link to={`/agencies/${encodeURIComponent(a.id)}`}>{a.name}</Link>
                      {a.retiredAt !== null && <span className="muted"> · {t('agency.retired')}</span>}
                    </td>
                    <td data-label={t('agency.code')}>{a.code}</td>
                    <td data-label={t('agency.kind')}>{a.kind}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </>
  );
}

export function AgencyPage({ id }: { id: string }) {
  const { t, fmtNum, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<AgencyDetail>('GET', `/agencies/${encodeURIComponent(id)}`), [id]);
  const enc = encodeURIComponent(id);
  return (
    <Show value={value} retry={retry}>
      {(d) => (
        <>
          <div className="page-head">
            <p className="muted"><Link to="/agencies">{t('agency.title')}</Link></p>
            <h1>{d.agency.name}</h1>
            <p className="muted">{d.agency.code} · {d.agency.kind}</p>
            {d.agency.parentId !== null && <p><Link to={`/agencies/${encodeURIComponent(d.agency.parentId)}`}>{t('agency.parent')}</Link></p>}
          </div>
          <section className="tiles">
            <div className="tile"><span className="tile-value" data-testid="agency-assets">{fmtNum(d.assets)}</span><span className="tile-label">{t('agency.assets')}</span></div>
            {STATUSES.map((s) => (
              <div key={s} className="tile"><span className="tile-value">{fmtNum(d.findings.byStatus[s] ?? 0)}</span><span className="tile-label"><StatusText status={s} /></span></div>
            ))}
          </section>
          <section className="card">
            <h2>{t('agency.findings')}</h2>
            <ul className="sev-list">
              {SEVERITIES.map((s) => <li key={s}><SeverityBadge severity={s} /><span className="num">{fmtNum(d.findings.openBySeverity[s] ?? 0)}</span></li>)}
            </ul>
            <p className="actions">
              <Link to={`/findings?agencyId=${enc}`}>{t('agency.viewFindings')}</Link>
              <Link to={`/assets?agencyId=${enc}`}>{t('agency.viewAssets')}</Link>
            </p>
          </section>
          <ExportLinks agencyId={d.agency.id} />
          {d.children.length > 0 && (
            <section className="card">
              <h2>{t('agency.units')}</h2>
              <ul>{d.children.map((c) => <li key={c.id}><Link to={`/agencies/${encodeURIComponent(c.id)}`}>{c.name}</Link> <span className="muted">{c.code}</span></li>)}</ul>
            </section>
          )}
          <section className="card">
            <h2>{t('agency.networks')}</h2>
            {d.networks.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
              <div className="table-wrap">
                <table>
                  <thead><tr><th scope="col">{t('network.cidr')}</th><th scope="col">{t('network.label')}</th><th scope="col">{t('network.zone')}</th><th scope="col">{t('network.authorisedBy')}</th></tr></thead>
                  <tbody>
                    {d.networks.map((n) => (
                      <tr key={n.id}>
                        <td data-label={t('network.cidr')}><code>{n.cidr}</code></td>
                        <td data-label={t('network.label')}>{n.label ?? t('common.none')}</td>
                        <td data-label={t('network.zone')}>{n.zone ?? t('common.none')}</td>
                        <td data-label={t('network.authorisedBy')}>{n.authorisedBy} <span className="muted">{fmtDate(n.authorisedAt)}</span></td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section className="card">
            <h2>{t('agency.contacts')}</h2>
            {d.contacts.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
              <div className="table-wrap">
                <table>
                  <thead><tr><th scope="col">{t('contact.name')}</th><th scope="col">{t('contact.role')}</th><th scope="col">{t('contact.email')}</th><th scope="col">{t('contact.phone')}</th></tr></thead>
                  <tbody>
                    {d.contacts.map((c) => (
                      <tr key={c.id}>
                        <td data-label={t('contact.name')}>{c.name}{c.isPrimary && <span className="muted"> · {t('contact.primary')}</span>}</td>
                        <td data-label={t('contact.role')}>{c.role}</td>
                        <td data-label={t('contact.email')}>{c.email ?? t('common.none')}</td>
                        <td data-label={t('contact.phone')}>{c.phone ?? c.whatsapp ?? t('common.none')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </Show>
  );
}
