// Agencies: the list (as a tree by parent) and one agency's detail (units, networks, contacts, counts),
// with the inventory forms for the roles the API lets change them: add an agency or unit, register and
// withdraw networks (admin, analyst), add/edit/remove contacts (also the agency's own officer).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { AGENCY_KINDS, api, CONTACT_ROLES, SEVERITIES, STATUSES } from '../api';
import type { Agency, AgencyDetail, AgencyKind, Contact, ContactRole, Network, Role } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Link } from '../router';
import { ErrorBox, Problem, SeverityBadge, Show, StatusText, useLoad, useSubmit } from '../ui';
import { ExportLinks } from './Exports';

// Client-side checks mirror the API's (src/api/schemas.ts, src/domain/*) so that a typo is caught before
// a round trip; the API stays the authority and its translated message is shown when it disagrees.
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{8,20}$/;

export function cidrProblem(v: string): MessageKey | null {
  const m = CIDR4.exec(v);
  if (m !== null) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32 ? null : 'inv.err.cidr';
  const [addr, bits, ...rest] = v.split('/');
  return rest.length === 0 && addr !== undefined && addr.includes(':') && /^[0-9A-Fa-f:.]+$/.test(addr) && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= 128 ? null : 'inv.err.cidr';
}

function AddAgencyForm({ agencies, role, onCreated }: { agencies: readonly Agency[]; role: Role; onCreated: (a: Agency) => void }) {
  const { t } = useI18n();
  const cityWide = role === 'admin' || role === 'analyst';
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  // The first agency a city-wide user adds is the city itself; later ones are mostly its OPDs.
  const [kind, setKind] = useState<AgencyKind>(cityWide && !agencies.some((a) => a.parentId === null) ? 'city' : 'opd');
  const [parentId, setParentId] = useState(cityWide ? '' : (agencies[0]?.id ?? ''));
  const { busy, submit: send, feedback } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p: MessageKey | null = !CODE.test(code.trim()) ? 'inv.err.code' : name.trim() === '' ? 'inv.err.name' : !cityWide && parentId === '' ? 'inv.err.parent' : null;
    void send(p, async () => {
      const a = await api<Agency>('POST', '/agencies', { code: code.trim(), name: name.trim(), kind, parentId: parentId === '' ? null : parentId });
      setCode('');
      setName('');
      onCreated(a);
    });
  };
  return (
    <form className="card inv-form" onSubmit={submit} noValidate data-testid="agency-form">
      <h2>{t('inv.agency.add')}</h2>
      <div className="filters">
        <label>
          {t('agency.code')}
          <input name="code" data-testid="agency-code" required maxLength={40} value={code} onChange={(e) => setCode(e.target.value)} aria-describedby="agency-code-hint" />
          <small id="agency-code-hint" className="muted">{t('inv.agency.codeHint')}</small>
        </label>
        <label>
          {t('agency.name')}
          <input name="name" data-testid="agency-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('agency.kind')}
          <select name="kind" data-testid="agency-kind" value={kind} onChange={(e) => setKind(e.target.value as AgencyKind)}>
            {AGENCY_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>
          {t('agency.parent')}
          <select name="parentId" data-testid="agency-parent" value={parentId} onChange={(e) => setParentId(e.target.value)}>
            {cityWide && <option value="">{t('inv.agency.parentNone')}</option>}
            {agencies.filter((a) => a.retiredAt === null).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </label>
      </div>
      {feedback}
      <div className="actions"><button type="submit" className="primary" disabled={busy} data-testid="agency-submit">{t('inv.agency.add')}</button></div>
    </form>
  );
}

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

export function AgenciesPage({ role }: { role: Role }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [created, setCreated] = useState<Agency | null>(null);
  return (
    <>
      <div className="page-head"><h1>{t('agency.title')}</h1></div>
      {created !== null && (
        <p className="notice" role="status" data-testid="agency-created">
          {t('inv.agency.created', { name: created.name })} <Link to={`/agencies/${encodeURIComponent(created.id)}`} data-testid="agency-created-link">{t('inv.agency.open')}</Link>
        </p>
      )}
      <Show value={value} retry={retry}>
        {(d) => (
          <>
          {role !== 'viewer' && <AddAgencyForm agencies={d.items} role={role} onCreated={(a) => { setCreated(a); retry(); }} />}
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
                    <td data-label={t('agency.kind')}>{t(`kind.${a.kind}` as MessageKey)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {d.items.length === 0 && <p className="muted" data-testid="agencies-empty">{t(role === 'viewer' ? 'common.empty' : 'agency.none')}</p>}
          </div>
          </>
        )}
      </Show>
    </>
  );
}

function AddNetworkForm({ agencyId, me, onDone }: { agencyId: string; me: string; onDone: () => void }) {
  const { t } = useI18n();
  const [cidr, setCidr] = useState('');
  const [label, setLabel] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const { busy, problem, error, submit: send } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    void send(cidrProblem(cidr.trim()), async () => {
      const n = await api<Network>('POST', `/agencies/${encodeURIComponent(agencyId)}/networks`, { cidr: cidr.trim(), label: label.trim() === '' ? null : label.trim() });
      setCidr('');
      setLabel('');
      setAdded(n.cidr);
      onDone();
    });
  };
  return (
    <form className="inv-form" onSubmit={submit} noValidate data-testid="network-form">
      <h3>{t('inv.network.add')}</h3>
      <div className="filters">
        <label>
          {t('network.cidr')}
          <input name="cidr" data-testid="network-cidr" required maxLength={64} inputMode="decimal" value={cidr} onChange={(e) => setCidr(e.target.value)} />
        </label>
        <label>
          {t('network.label')}
          <input name="label" data-testid="network-label" maxLength={200} value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
      </div>
      <p className="muted">{t('inv.network.authNote', { user: me })}</p>
      <Problem keyName={problem} />
      {error !== null && <div data-testid="network-error"><ErrorBox error={error} /></div>}
      {added !== null && <p className="notice" role="status">{t('inv.network.added', { cidr: added })}</p>}
      <div className="actions"><button type="submit" className="primary" disabled={busy} data-testid="network-submit">{t('inv.network.add')}</button></div>
    </form>
  );
}

interface ContactFields { name: string; role: ContactRole; email: string; phone: string; whatsapp: string; isPrimary: boolean }

function contactProblem(c: ContactFields): MessageKey | null {
  if (c.name.trim() === '') return 'inv.err.name';
  if (c.email.trim() === '' && c.phone.trim() === '' && c.whatsapp.trim() === '') return 'inv.err.reach';
  if (c.email.trim() !== '' && !EMAIL.test(c.email.trim())) return 'inv.err.email';
  if ([c.phone, c.whatsapp].some((p) => p.trim() !== '' && !PHONE.test(p.trim()))) return 'inv.err.phone';
  return null;
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** Add (no `contact`) or edit a contact. */
function ContactForm({ agencyId, contact, onDone, onCancel }: { agencyId: string; contact?: Contact; onDone: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const empty: ContactFields = { name: '', role: 'pic', email: '', phone: '', whatsapp: '', isPrimary: false };
  const [f, setF] = useState<ContactFields>(contact === undefined ? empty : {
    name: contact.name, role: contact.role as ContactRole, email: contact.email ?? '', phone: contact.phone ?? '', whatsapp: contact.whatsapp ?? '', isPrimary: contact.isPrimary,
  });
  const { busy, submit: send, feedback } = useSubmit();
  const set = <K extends keyof ContactFields>(k: K, v: ContactFields[K]) => setF((x) => ({ ...x, [k]: v }));
  const prefix = contact === undefined ? 'contact-new' : 'contact-edit';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { name: f.name.trim(), role: f.role, email: orNull(f.email), phone: orNull(f.phone), whatsapp: orNull(f.whatsapp), isPrimary: f.isPrimary };
    void send(contactProblem(f), async () => {
      if (contact === undefined) await api<Contact>('POST', `/agencies/${encodeURIComponent(agencyId)}/contacts`, body);
      else await api<Contact>('PATCH', `/contacts/${encodeURIComponent(contact.id)}`, body);
      if (contact === undefined) setF(empty);
      onDone();
    });
  };
  return (
    <form className="inv-form" onSubmit={submit} noValidate data-testid={`${prefix}-form`}>
      {contact === undefined && <h3>{t('inv.contact.add')}</h3>}
      <div className="filters">
        <label>{t('contact.name')}<input name="name" data-testid={`${prefix}-name`} required maxLength={200} value={f.name} onChange={(e) => set('name', e.target.value)} /></label>
        <label>
          {t('contact.role')}
          <select name="role" data-testid={`${prefix}-role`} value={f.role} onChange={(e) => set('role', e.target.value as ContactRole)}>
            {CONTACT_ROLES.map((r) => <option key={r} value={r}>{t(`contactRole.${r}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>{t('contact.email')}<input name="email" type="email" data-testid={`${prefix}-email`} maxLength={200} value={f.email} onChange={(e) => set('email', e.target.value)} /></label>
        <label>{t('contact.phone')}<input name="phone" type="tel" data-testid={`${prefix}-phone`} maxLength={20} value={f.phone} onChange={(e) => set('phone', e.target.value)} /></label>
        <label>{t('inv.contact.whatsapp')}<input name="whatsapp" type="tel" data-testid={`${prefix}-whatsapp`} maxLength={20} value={f.whatsapp} onChange={(e) => set('whatsapp', e.target.value)} /></label>
        <label className="check"><input type="checkbox" name="isPrimary" data-testid={`${prefix}-primary`} checked={f.isPrimary} onChange={(e) => set('isPrimary', e.target.checked)} />{t('inv.contact.primary')}</label>
      </div>
      {feedback}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy} data-testid={`${prefix}-submit`}>{contact === undefined ? t('inv.contact.add') : t('common.save')}</button>
        {onCancel !== undefined && <button type="button" onClick={onCancel}>{t('common.cancel')}</button>}
      </div>
    </form>
  );
}

/** A remove button that asks first (the confirmation text is translated) and shows the API's refusal. */
function RemoveButton({ path, confirmText, testId, onDone }: { path: string; confirmText: string; testId: string; onDone: () => void }) {
  const { t } = useI18n();
  const { busy, submit, feedback } = useSubmit();
  const remove = () => {
    if (!window.confirm(confirmText)) return;
    void submit(null, async () => {
      await api<undefined>('DELETE', path);
      onDone();
    });
  };
  return (
    <>
      <button type="button" className="link danger" disabled={busy} data-testid={testId} onClick={remove}>{t('inv.remove')}</button>
      {feedback}
    </>
  );
}

function ContactRow({ c, canEdit, onChange }: { c: Contact; canEdit: boolean; onChange: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(false);
  if (editing) {
    return <tr><td colSpan={5}><ContactForm agencyId={c.agencyId} contact={c} onDone={() => { setEditing(false); onChange(); }} onCancel={() => setEditing(false)} /></td></tr>;
  }
  return (
    <tr data-testid="contact-row">
      <td data-label={t('contact.name')}>{c.name}{c.isPrimary && <span className="muted"> · {t('contact.primary')}</span>}</td>
      <td data-label={t('contact.role')}>{t(`contactRole.${c.role}` as MessageKey)}</td>
      <td data-label={t('contact.email')}>{c.email ?? t('common.none')}</td>
      <td data-label={t('contact.phone')}>{c.phone ?? c.whatsapp ?? t('common.none')}</td>
      {canEdit && (
        <td data-label={t('inv.actions')} className="row-actions">
          <button type="button" className="link" data-testid="contact-edit" onClick={() => setEditing(true)}>{t('inv.edit')}</button>
          <RemoveButton path={`/contacts/${encodeURIComponent(c.id)}`} confirmText={t('inv.contact.removeConfirm', { name: c.name })} testId="contact-remove" onDone={onChange} />
        </td>
      )}
    </tr>
  );
}

export function AgencyPage({ id, role, username }: { id: string; role: Role; username: string }) {
  const { t, fmtNum, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<AgencyDetail>('GET', `/agencies/${encodeURIComponent(id)}`), [id]);
  const enc = encodeURIComponent(id);
  // The roles the API lets register networks, and edit contacts (module comment of inventory-write.ts).
  const canNetworks = role === 'admin' || role === 'analyst';
  const canContacts = role !== 'viewer';
  return (
    <Show value={value} retry={retry}>
      {(d) => (
        <>
          <div className="page-head">
            <p className="muted"><Link to="/agencies">{t('agency.title')}</Link></p>
            <h1>{d.agency.name}</h1>
            <p className="muted">{d.agency.code} · {t(`kind.${d.agency.kind}` as MessageKey)}</p>
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
          <section className="card" data-testid="agency-last-scan">
            <h2>{t('agency.lastScan')}</h2>
            {d.lastScan === null ? <p className="muted">{t('agency.neverScanned')}</p> : (
              <p>
                <Link to={`/scans/${encodeURIComponent(d.lastScan.id)}`}>{fmtDate(d.lastScan.finishedAt ?? d.lastScan.createdAt)}</Link>
                {' '}<span className={`status scan-${d.lastScan.status}`}>{t(`scan.status.${d.lastScan.status}` as MessageKey)}</span>
                {' '}<code className="muted">{d.lastScan.targets.join(', ')}</code>
              </p>
            )}
            {role !== 'viewer' && d.networks.length > 0 && <p className="actions"><Link to={`/scans?agencyId=${enc}`}>{t('agency.scanNow')}</Link></p>}
          </section>
          <ExportLinks agencyId={d.agency.id} />
          {d.children.length > 0 && (
            <section className="card">
              <h2>{t('agency.units')}</h2>
              <ul>{d.children.map((c) => <li key={c.id}><Link to={`/agencies/${encodeURIComponent(c.id)}`}>{c.name}</Link> <span className="muted">{c.code}</span></li>)}</ul>
            </section>
          )}
          <section className="card" data-testid="agency-networks">
            <h2>{t('agency.networks')}</h2>
            {d.networks.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
              <div className="table-wrap">
                <table>
                  <thead><tr><th scope="col">{t('network.cidr')}</th><th scope="col">{t('network.label')}</th><th scope="col">{t('network.zone')}</th><th scope="col">{t('network.authorisedBy')}</th>{canNetworks && <th scope="col">{t('inv.actions')}</th>}</tr></thead>
                  <tbody>
                    {d.networks.map((n) => (
                      <tr key={n.id} data-testid="network-row">
                        <td data-label={t('network.cidr')}><code>{n.cidr}</code></td>
                        <td data-label={t('network.label')}>{n.label ?? t('common.none')}</td>
                        <td data-label={t('network.zone')}>{n.zone ?? t('common.none')}</td>
                        <td data-label={t('network.authorisedBy')}>{n.authorisedBy} <span className="muted">{fmtDate(n.authorisedAt)}</span></td>
                        {canNetworks && (
                          <td data-label={t('inv.actions')} className="row-actions">
                            <RemoveButton path={`/networks/${encodeURIComponent(n.id)}`} confirmText={t('inv.network.removeConfirm', { cidr: n.cidr })} testId="network-remove" onDone={retry} />
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {canNetworks && d.agency.retiredAt === null && <AddNetworkForm agencyId={d.agency.id} me={username} onDone={retry} />}
          </section>
          <section className="card" data-testid="agency-contacts">
            <h2>{t('agency.contacts')}</h2>
            {d.contacts.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
              <div className="table-wrap">
                <table>
                  <thead><tr><th scope="col">{t('contact.name')}</th><th scope="col">{t('contact.role')}</th><th scope="col">{t('contact.email')}</th><th scope="col">{t('contact.phone')}</th>{canContacts && <th scope="col">{t('inv.actions')}</th>}</tr></thead>
                  <tbody>
                    {d.contacts.map((c) => <ContactRow key={c.id} c={c} canEdit={canContacts} onChange={retry} />)}
                  </tbody>
                </table>
              </div>
            )}
            {canContacts && <ContactForm agencyId={d.agency.id} onDone={retry} />}
          </section>
        </>
      )}
    </Show>
  );
}
