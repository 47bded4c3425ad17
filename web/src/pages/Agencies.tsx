// Agencies: the list (as a tree by parent) and one agency's detail (units, networks, contacts, counts),
// with the inventory forms for the roles the API lets change them: add an agency or unit, register and
// withdraw networks (admin, analyst), add/edit/remove contacts (also the agency's own officer).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { AGENCY_KINDS, api, ApiError, CONTACT_ROLES, SEVERITIES, STATUSES } from '../api';
import type { Agency, AgencyDetail, AgencyKind, Contact, ContactRole, Network, Role } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Link } from '../router';
import { Counter, Field, SeverityBadge, Show, StatusText, textProblem, useLoad, useSubmit } from '../ui';
import type { Problems } from '../ui';
import { ExportLinks } from './Exports';

// Client-side checks mirror the API's (src/api/schemas.ts, src/domain/*) so that a typo is caught before
// a round trip; the API stays the authority and its translated message is shown when it disagrees.
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const CIDR4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE = /^\+?[0-9 ().-]{8,20}$/;
/** Names and labels: the API's limit (src/api/schemas.ts Text(200)); typed or pasted text is never cut, it is refused with a counter. */
const NAME_MAX = 200;

export function cidrProblem(v: string): MessageKey | null {
  const m = CIDR4.exec(v);
  if (m !== null) return m.slice(1, 5).every((x) => Number(x) <= 255) && Number(m[5]) <= 32 ? null : 'inv.err.cidr';
  const [addr, bits, ...rest] = v.split('/');
  return rest.length === 0 && addr !== undefined && addr.includes(':') && /^[0-9A-Fa-f:.]+$/.test(addr) && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= 128 ? null : 'inv.err.cidr';
}

function AddAgencyForm({ agencies, role, onCreated, onEdited }: { agencies: readonly Agency[]; role: Role; onCreated: (a: Agency) => void; onEdited: () => void }) {
  const { t } = useI18n();
  const cityWide = role === 'admin' || role === 'analyst';
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  // The first agency a city-wide user adds is the city itself; later ones are mostly its OPDs.
  const [kind, setKind] = useState<AgencyKind>(cityWide && !agencies.some((a) => a.parentId === null) ? 'city' : 'opd');
  const [parentId, setParentId] = useState(cityWide ? '' : (agencies[0]?.id ?? ''));
  const s = useSubmit(['code', 'name', 'kind', 'parentId']);
  const field = (n: string) => ({ ...s.field(n), onInput: () => { s.edited(n); onEdited(); } });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onEdited();
    void s.submit({
      code: code.trim() === '' ? 'inv.err.codeRequired' : !CODE.test(code.trim()) ? 'inv.err.codeInvalid' : null,
      name: textProblem(name, NAME_MAX, 'inv.err.name'),
      parentId: !cityWide && parentId === '' ? 'inv.err.parent' : null,
    }, async () => {
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
        <Field label={t('agency.code')} error={s.fieldError('code')}>
          <input name="code" data-testid="agency-code" required value={code} onChange={(e) => setCode(e.target.value)} {...field('code')} aria-describedby={s.field('code')['aria-describedby'] ?? 'agency-code-hint'} />
          <small id="agency-code-hint" className="muted">{t('inv.agency.codeHint')}</small>
        </Field>
        <Field label={t('agency.name')} error={s.fieldError('name')} extra={<Counter value={name.trim()} max={NAME_MAX} />}>
          <input name="name" data-testid="agency-name" required value={name} onChange={(e) => setName(e.target.value)} {...field('name')} />
        </Field>
        <Field label={t('agency.kind')} error={s.fieldError('kind')}>
          <select name="kind" data-testid="agency-kind" value={kind} onChange={(e) => setKind(e.target.value as AgencyKind)} {...field('kind')}>
            {AGENCY_KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field label={t('agency.parent')} error={s.fieldError('parentId')}>
          <select name="parentId" data-testid="agency-parent" value={parentId} onChange={(e) => setParentId(e.target.value)} {...field('parentId')}>
            {cityWide && <option value="">{t('inv.agency.parentNone')}</option>}
            {agencies.filter((a) => a.retiredAt === null).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </Field>
      </div>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy} data-testid="agency-submit">{t('inv.agency.add')}</button></div>
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
          {role !== 'viewer' && <AddAgencyForm agencies={d.items} role={role} onCreated={(a) => { setCreated(a); retry(); }} onEdited={() => setCreated(null)} />}
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

/** The API's answer when a block needs a confirmation (src/api/routes/inventory-write.ts guardRailError). */
interface ConfirmNeed { readonly adminOnly: boolean; readonly concerns: readonly string[]; readonly limit: number; readonly addresses: string }

function confirmNeed(e: unknown): ConfirmNeed | null {
  if (!(e instanceof ApiError)) return null;
  const why = e.details['reason'];
  if (why !== 'confirmation-required' && why !== 'confirmation-admin' && why !== 'reason-too-short') return null;
  const concerns = Array.isArray(e.details['concerns']) ? (e.details['concerns'] as unknown[]).map(String) : [];
  return { adminOnly: why === 'confirmation-admin', concerns, limit: Number(e.details['limit'] ?? 0), addresses: String(e.details['addresses'] ?? '0') };
}

function AddNetworkForm({ agencyId, me, onDone }: { agencyId: string; me: string; onDone: () => void }) {
  const { t, lang } = useI18n();
  const [cidr, setCidr] = useState('');
  const [label, setLabel] = useState('');
  const [reason, setReason] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  // Set when the API asked for a confirmation of this block: why, and whether this user may give it.
  const [need, setNeed] = useState<ConfirmNeed | null>(null);
  const s = useSubmit(['cidr', 'label', 'confirmReason']);
  const send = (withReason: boolean) => {
    void s.submit({
      cidr: cidrProblem(cidr.trim()),
      label: textProblem(label, NAME_MAX, null),
      confirmReason: withReason && [...reason.trim()].length < 10 ? 'inv.err.confirmReason' : null,
    }, async () => {
      try {
        const n = await api<Network>('POST', `/agencies/${encodeURIComponent(agencyId)}/networks`, {
          cidr: cidr.trim(), label: label.trim() === '' ? null : label.trim(), ...(withReason ? { confirmReason: reason.trim() } : {}),
        });
        setCidr('');
        setLabel('');
        setReason('');
        setNeed(null);
        setAdded(n.cidr);
        onDone();
      } catch (e) {
        // "This block needs a confirmation" is a question the panel below asks, not a refusal to show.
        const n = confirmNeed(e);
        setNeed(n);
        if (n === null || (e instanceof ApiError && e.details['reason'] === 'reason-too-short')) throw e;
      }
    });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAdded(null);
    send(need !== null && !need.adminOnly);
  };
  const count = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(BigInt(/^\d+$/.test(need?.addresses ?? '') ? need!.addresses : '0'));
  const edit = (name: string) => ({ ...s.field(name), onInput: () => { s.edited(name); setAdded(null); if (name === 'cidr') setNeed(null); } });
  return (
    <form className="inv-form" onSubmit={submit} noValidate data-testid="network-form">
      <h3>{t('inv.network.add')}</h3>
      <div className="filters">
        <Field label={t('network.cidr')} error={s.fieldError('cidr')}>
          <input name="cidr" data-testid="network-cidr" required maxLength={64} inputMode="decimal" value={cidr} onChange={(e) => setCidr(e.target.value)} {...edit('cidr')} />
        </Field>
        <Field label={t('network.label')} error={s.fieldError('label')} extra={<Counter value={label.trim()} max={NAME_MAX} />}>
          <input name="label" data-testid="network-label" value={label} onChange={(e) => setLabel(e.target.value)} {...edit('label')} />
        </Field>
      </div>
      {need !== null && (
        <section className="confirm" data-testid="network-confirm" aria-labelledby="network-confirm-title">
          <h4 id="network-confirm-title">{t('inv.network.confirmTitle')}</h4>
          <ul>
            {need.concerns.includes('public') && <li data-concern="public">{t('inv.network.concern.public')}</li>}
            {need.concerns.includes('large') && <li data-concern="large">{t('inv.network.concern.large', { limit: need.limit, count })}</li>}
            {need.concerns.includes('loopback') && <li data-concern="loopback">{t('inv.network.concern.loopback')}</li>}
          </ul>
          {need.adminOnly ? <p className="muted" data-testid="network-admin-only">{t('inv.network.adminOnly')}</p> : (
            <>
              <Field label={t('inv.network.confirmReason')} error={s.fieldError('confirmReason')} extra={<Counter value={reason.trim()} max={1000} />}>
                <textarea name="confirmReason" data-testid="network-confirm-reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} {...edit('confirmReason')} />
              </Field>
              <p className="muted">{t('inv.network.confirmNote', { user: me })}</p>
            </>
          )}
        </section>
      )}
      <p className="muted">{t('inv.network.authNote', { user: me })}</p>
      <div data-testid="network-error">{s.feedback}</div>
      {added !== null && s.done && <p className="notice" role="status" data-testid="network-added">{t('inv.network.added', { cidr: added })}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={s.busy || (need?.adminOnly ?? false)} data-testid="network-submit">{need !== null && !need.adminOnly ? t('inv.network.confirmSubmit') : t('inv.network.add')}</button>
      </div>
    </form>
  );
}

interface ContactFields { name: string; role: ContactRole; email: string; phone: string; whatsapp: string; isPrimary: boolean }

function contactProblems(c: ContactFields): Problems {
  const none = c.email.trim() === '' && c.phone.trim() === '' && c.whatsapp.trim() === '';
  return {
    name: textProblem(c.name, NAME_MAX, 'inv.err.name'),
    email: none ? 'inv.err.reach' : c.email.trim() !== '' && !EMAIL.test(c.email.trim()) ? 'inv.err.email' : null,
    phone: c.phone.trim() !== '' && !PHONE.test(c.phone.trim()) ? 'inv.err.phone' : null,
    whatsapp: c.whatsapp.trim() !== '' && !PHONE.test(c.whatsapp.trim()) ? 'inv.err.phone' : null,
  };
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

/** Add (no `contact`) or edit a contact. */
function ContactForm({ agencyId, contact, onDone, onCancel }: { agencyId: string; contact?: Contact; onDone: () => void; onCancel?: () => void }) {
  const { t } = useI18n();
  const empty: ContactFields = { name: '', role: 'pic', email: '', phone: '', whatsapp: '', isPrimary: false };
  const [f, setF] = useState<ContactFields>(contact === undefined ? empty : {
    name: contact.name, role: contact.role as ContactRole, email: contact.email ?? '', phone: contact.phone ?? '', whatsapp: contact.whatsapp ?? '', isPrimary: contact.isPrimary,
  });
  const s = useSubmit(['name', 'role', 'email', 'phone', 'whatsapp', 'isPrimary']);
  const set = <K extends keyof ContactFields>(k: K, v: ContactFields[K]) => setF((x) => ({ ...x, [k]: v }));
  const prefix = contact === undefined ? 'contact-new' : 'contact-edit';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = { name: f.name.trim(), role: f.role, email: orNull(f.email), phone: orNull(f.phone), whatsapp: orNull(f.whatsapp), isPrimary: f.isPrimary };
    void s.submit(contactProblems(f), async () => {
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
        <Field label={t('contact.name')} error={s.fieldError('name')} extra={<Counter value={f.name.trim()} max={NAME_MAX} />}>
          <input name="name" data-testid={`${prefix}-name`} required value={f.name} onChange={(e) => set('name', e.target.value)} {...s.field('name')} />
        </Field>
        <Field label={t('contact.role')} error={s.fieldError('role')}>
          <select name="role" data-testid={`${prefix}-role`} value={f.role} onChange={(e) => set('role', e.target.value as ContactRole)} {...s.field('role')}>
            {CONTACT_ROLES.map((r) => <option key={r} value={r}>{t(`contactRole.${r}` as MessageKey)}</option>)}
          </select>
        </Field>
        <Field label={t('contact.email')} error={s.fieldError('email')}><input name="email" type="email" data-testid={`${prefix}-email`} maxLength={200} value={f.email} onChange={(e) => set('email', e.target.value)} {...s.field('email')} /></Field>
        <Field label={t('contact.phone')} error={s.fieldError('phone')}><input name="phone" type="tel" data-testid={`${prefix}-phone`} maxLength={20} value={f.phone} onChange={(e) => set('phone', e.target.value)} {...s.field('phone')} /></Field>
        <Field label={t('inv.contact.whatsapp')} error={s.fieldError('whatsapp')}><input name="whatsapp" type="tel" data-testid={`${prefix}-whatsapp`} maxLength={20} value={f.whatsapp} onChange={(e) => set('whatsapp', e.target.value)} {...s.field('whatsapp')} /></Field>
        <label className="check"><input type="checkbox" name="isPrimary" data-testid={`${prefix}-primary`} checked={f.isPrimary} onChange={(e) => set('isPrimary', e.target.checked)} {...s.field('isPrimary')} />{t('inv.contact.primary')}</label>
      </div>
      {s.feedback}
      {s.done && contact === undefined && <p className="notice" role="status" data-testid={`${prefix}-saved`}>{t('inv.saved')}</p>}
      <div className="actions">
        <button type="submit" className="primary" disabled={s.busy} data-testid={`${prefix}-submit`}>{contact === undefined ? t('inv.contact.add') : t('common.save')}</button>
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
                        <td data-label={t('network.authorisedBy')}>
                          {n.authorisedBy} <span className="muted">{fmtDate(n.authorisedAt)}</span>
                          {n.confirmation !== null && <><br /><small className="muted" data-testid="network-confirmation">{t('inv.network.confirmed', { by: n.confirmation.by, reason: n.confirmation.reason })}</small></>}
                        </td>
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
