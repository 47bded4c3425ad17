// Circulars (docs/circulars.md): the list (for an agency officer, the inbox of circulars sent to its
// agency), and a circular's page — the letter as it reads, its checklist, the PDF preview, sending, the
// recipients with sent / delivered / seen / acknowledged, per-agency links, versions, closing. An officer
// sees its own agency's copy: acknowledge by name and go to the answer form.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Me } from '../api';
import { circulars, letterPdfHref } from '../circulars-api';
import type { Circular, CircularLink, CircularSummary, NewLink, Recipient } from '../circulars-api';
import { useI18n } from '../i18n';
import { checkName } from '../labels';
import { Link } from '../router';
import { ErrorBox, Field, Show, textProblem, useLoad, useSubmit } from '../ui';
import { CircularStatusText, useAction, useBi } from './circular-parts';

const canWrite = (me: Me) => me.user.role === 'admin' || me.user.role === 'analyst';

export function CircularsPage({ me }: { me: Me }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const [value, retry] = useLoad(() => circulars.list(), []);
  const officer = me.user.role === 'officer';
  return (
    <section>
      <div className="page-head">
        <h1>{officer ? t('circ.inbox.title') : t('circ.list.title')}</h1>
        <p className="muted">{officer ? t('circ.inbox.intro') : t('circ.list.intro')}</p>
        {canWrite(me) && (
          <div className="actions">
            <Link to="/circulars/new" className="button primary" data-action="compose">{t('circ.list.compose')}</Link>
            <Link to="/report-cards" className="button">{t('nav.reportCards')}</Link>
          </div>
        )}
      </div>
      <Show value={value} retry={retry}>
        {(d) => d.items.length === 0 ? <p className="muted">{t('circ.list.empty')}</p> : (
          <div className="table-wrap">
            <table className="stack" data-testid="circulars">
              <thead><tr><th>{t('circ.number')}</th><th>{t('circ.subject')}</th><th>{t('circ.state')}</th><th>{t('circ.sentAt')}</th></tr></thead>
              <tbody>
                {d.items.map((c: CircularSummary) => (
                  <tr key={c.id} data-circular={c.id}>
                    <td data-label={t('circ.number')}>{c.number ?? t('circ.noNumber')}</td>
                    <td data-label={t('circ.subject')}><Link to={`/circulars/${encodeURIComponent(c.id)}`}>{bi(c.subject)}</Link></td>
                    <td data-label={t('circ.state')}><CircularStatusText status={c.status} />{c.version > 1 && <span className="muted small"> · {t('circ.versionN', { v: c.version })}</span>}</td>
                    <td data-label={t('circ.sentAt')}>{fmtDate(c.sentAt)}</td>
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

/** The letter as it reads: kop, number, subject, addressee, sections, signature, tembusan, deadlines. */
export function LetterView({ c }: { c: Pick<Circular, 'number' | 'sentAt' | 'content'> }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const x = c.content;
  return (
    <article className="card letter" data-testid="letter">
      <header className="letter-kop">
        <strong>{x.issuer.government}</strong>
        <strong>{x.issuer.unit}</strong>
        <span className="small">{x.issuer.address}</span>
      </header>
      <p className="letter-title"><strong>{t('circ.letter.kind')}</strong><br />{t('circ.letter.number', { n: c.number ?? t('circ.noNumber') })}</p>
      <p className="letter-title">{t('circ.letter.about')}<br /><strong>{bi(x.subject)}</strong></p>
      <p>{t('circ.letter.to')} {bi(x.addressee)}</p>
      {(['background', 'basis', 'instructions', 'closing'] as const).map((k) => <p key={k} className="prose">{bi(x.sections[k])}</p>)}
      <div className="letter-sign">
        <p>{x.issuer.place}{c.sentAt !== null ? `, ${fmtDate(c.sentAt)}` : ''}</p>
        {x.signatory.onBehalfOf !== null && <p>{bi(x.signatory.onBehalfOf)}</p>}
        <p>{bi(x.signatory.position)}</p>
        <p><strong>{x.signatory.name}</strong></p>
        {x.signatory.rank !== null && <p>{x.signatory.rank}</p>}
        {x.signatory.nip !== null && <p>{t('circ.letter.nip', { nip: x.signatory.nip })}</p>}
      </div>
      {x.tembusan.length > 0 && (
        <div>
          <p><strong>{t('circ.f.tembusan')}</strong></p>
          <ol>{x.tembusan.map((y, i) => <li key={i}>{y.title}</li>)}</ol>
        </div>
      )}
      {x.deadlines.length > 0 && (
        <ul className="deadlines">{x.deadlines.map((d, i) => <li key={i}>{bi(d.label)}: <strong>{fmtDate(d.at)}</strong></li>)}</ul>
      )}
    </article>
  );
}

/** The checklist as the agency reads it: titles, applicability, how it is verified, guidance per role. */
export function ChecklistView({ c }: { c: Circular }) {
  const { t } = useI18n();
  const bi = useBi();
  return (
    <ol className="checklist" data-testid="checklist">
      {c.content.items.map((i) => (
        <li key={i.code} data-item={i.code}>
          <strong>{bi(i.title)}</strong>
          {i.required && <span className="badge req">{t('circ.required')}</span>}
          <span className="muted small"> · {i.verification.mode === 'scan' ? t('circ.verifiedBy', { rules: i.verification.rules.map((r) => checkName(t, r)).join(', ') }) : t('circ.mode.attest')}</span>
          {i.applicability !== null && <p className="muted small">{t('circ.appliesTo', { what: bi(i.applicability) })}</p>}
          {Object.entries(i.guidance).length > 0 && (
            <details>
              <summary>{t('circ.guidance')}</summary>
              {Object.entries(i.guidance).map(([role, g]) => <p key={role} className="prose"><strong>{t(`circ.role.${role as 'staff'}`)}: </strong>{bi(g)}</p>)}
            </details>
          )}
        </li>
      ))}
    </ol>
  );
}

export function CircularPage({ id, me }: { id: string; me: Me }) {
  const { t, lang } = useI18n();
  const bi = useBi();
  const [value, retry] = useLoad(() => circulars.get(id), [id]);
  const { busy, error, run: act } = useAction(retry);
  const office = me.user.role !== 'officer';
  return (
    <section>
      <Show value={value} retry={retry}>
        {(c) => {
          const unsent = c.versions.some((v) => v.sentAt === null);
          return (
            <>
              <div className="page-head">
                <p><Link to="/circulars">{office ? t('circ.list.title') : t('circ.inbox.title')}</Link></p>
                <h1>{bi(c.content.subject)}</h1>
                <p className="muted">
                  {c.number ?? t('circ.noNumber')} · <CircularStatusText status={c.status} /> · {t('circ.versionN', { v: c.version })}
                </p>
                <div className="actions">
                  <a className="button" href={letterPdfHref(c.id, lang, office ? undefined : me.user.agencyId ?? undefined)} target="_blank" rel="noreferrer" data-action="pdf">{t('circ.pdf')}</a>
                  {canWrite(me) && c.status !== 'closed' && <Link to={`/circulars/${encodeURIComponent(c.id)}/edit`} className="button" data-action="edit">{t('circ.edit')}</Link>}
                  {canWrite(me) && c.status !== 'closed' && unsent && (
                    <button type="button" className="primary" disabled={busy} data-action="send"
                      onClick={() => void act(async () => { if (window.confirm(t('circ.confirmSend'))) await circulars.send(c.id); })}>
                      {c.status === 'draft' ? t('circ.send') : t('circ.sendVersion', { v: c.version })}
                    </button>
                  )}
                  {c.status !== 'draft' && office && <Link to={`/circulars/${encodeURIComponent(c.id)}/board`} className="button" data-action="board">{t('circ.board')}</Link>}
                  {!office && me.user.agencyId !== null && c.status !== 'draft' && (
                    <Link to={`/circulars/${encodeURIComponent(c.id)}/agencies/${encodeURIComponent(me.user.agencyId)}`} className="button primary" data-action="answer">{t('circ.answerItems')}</Link>
                  )}
                  {canWrite(me) && c.status === 'sent' && (
                    <button type="button" className="danger" disabled={busy} data-action="close"
                      onClick={() => void act(async () => { if (window.confirm(t('circ.confirmClose'))) await circulars.close(c.id); })}>{t('circ.close')}</button>
                  )}
                </div>
                {error !== null && <ErrorBox error={error} />}
              </div>
              {!office && me.user.agencyId !== null && c.status !== 'draft' && <OwnAck circularId={c.id} agencyId={me.user.agencyId} />}
              <LetterView c={c} />
              <section className="card">
                <h2>{t('circ.checklist')}</h2>
                <ChecklistView c={c} />
              </section>
              {office && c.status !== 'draft' && <Recipients c={c} canWrite={canWrite(me)} />}
              {c.versions.length > 1 && (
                <section className="card">
                  <h2>{t('circ.versions')}</h2>
                  <ul>{c.versions.map((v) => <li key={v.version}>{t('circ.versionN', { v: v.version })}{v.note !== null ? ` · ${v.note}` : ''} · <VersionSent at={v.sentAt} /></li>)}</ul>
                </section>
              )}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function VersionSent({ at }: { at: string | null }) {
  const { t, fmtDate } = useI18n();
  return <span className="muted small">{at === null ? t('circ.notSent') : t('circ.sentOn', { at: fmtDate(at) })}</span>;
}

/** The officer's own agency: its acknowledgement, or the form to give it. */
function OwnAck({ circularId, agencyId }: { circularId: string; agencyId: string }) {
  const [value, retry] = useLoad(() => circulars.recipients(circularId), [circularId]);
  return (
    <Show value={value} retry={retry}>
      {(d) => {
        const r = d.items.find((x) => x.agencyId === agencyId);
        if (r === undefined) return null;
        return <AckBox recipient={r} onAck={(a) => circulars.acknowledge(circularId, agencyId, a).then(retry)} />;
      }}
    </Show>
  );
}

/** Acknowledge by a named person (name, position, phone); shown acknowledged once the current version is. */
export function AckBox({ recipient, onAck }: { recipient: Pick<Recipient, 'acknowledged' | 'ack' | 'version'>; onAck: (a: { name: string; position: string; phone: string | null }) => Promise<unknown> }) {
  const { t, fmtDate } = useI18n();
  const [name, setName] = useState('');
  const [position, setPosition] = useState('');
  const [phone, setPhone] = useState('');
  const s = useSubmit(['name', 'position', 'phone']);
  if (recipient.acknowledged && recipient.ack !== null) {
    return <p className="notice" data-testid="acknowledged">{t('circ.ack.done', { name: recipient.ack.name, position: recipient.ack.position, at: fmtDate(recipient.ack.at), v: recipient.ack.version })}</p>;
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({
      name: textProblem(name, 120, 'circ.need.ackName'),
      position: textProblem(position, 200, 'circ.need.ackPosition'),
      phone: phone.trim() !== '' && !/^[+0-9][0-9 ()-]{5,29}$/.test(phone.trim()) ? 'circ.bad.phone' : null,
    }, async () => {
      await onAck({ name: name.trim(), position: position.trim(), phone: phone.trim() === '' ? null : phone.trim() });
    });
  };
  return (
    <form className="card ack-form" onSubmit={(e) => void submit(e)} noValidate data-testid="ack-form">
      <h2>{t('circ.ack.title')}</h2>
      {recipient.ack !== null && <p className="notice warn">{t('circ.ack.again', { v: recipient.version, old: recipient.ack.version })}</p>}
      <p className="muted">{t('circ.ack.intro')}</p>
      <Field label={t('circ.ack.name')} error={s.fieldError('name')}><input name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} {...s.field('name')} /></Field>
      <Field label={t('circ.ack.position')} error={s.fieldError('position')}><input name="position" autoComplete="organization-title" value={position} onChange={(e) => setPosition(e.target.value)} {...s.field('position')} /></Field>
      <Field label={t('circ.ack.phone')} error={s.fieldError('phone')}><input name="phone" type="tel" autoComplete="tel" inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} {...s.field('phone')} /></Field>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy} data-action="acknowledge">{t('circ.ack.submit')}</button></div>
    </form>
  );
}

function Recipients({ c, canWrite: write }: { c: Circular; canWrite: boolean }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(async () => {
    const [r, l] = await Promise.all([circulars.recipients(c.id), write ? circulars.links(c.id) : Promise.resolve({ items: [] as CircularLink[] })]);
    return { recipients: r.items, links: l.items };
  }, [c.id, c.version]);
  const [fresh, setFresh] = useState<NewLink | null>(null);
  const { error, run: act } = useAction(retry);
  return (
    <section className="card">
      <h2>{t('circ.recipients')}</h2>
      {fresh !== null && (
        <div className="notice" data-testid="new-link">
          <p>{t('circ.link.once')}</p>
          <input readOnly className="link-url" value={new URL(fresh.path, location.origin).href} onFocus={(e) => e.target.select()} data-testid="link-url" />
          <p className="muted small">{t('circ.link.expires', { at: fmtDate(fresh.link.expiresAt) })}</p>
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
      <Show value={value} retry={retry}>
        {(d) => (
          <div className="table-wrap">
            <table className="stack" data-testid="recipients">
              <thead><tr><th>{t('asset.agency')}</th><th>{t('circ.sentAt')}</th><th>{t('circ.delivery')}</th><th>{t('circ.seen')}</th><th>{t('circ.ack')}</th><th>{t('circ.links')}</th></tr></thead>
              <tbody>
                {d.recipients.map((r) => {
                  const links = d.links.filter((l) => l.agencyId === r.agencyId && l.revokedAt === null);
                  return (
                    <tr key={r.agencyId} data-agency={r.agencyCode}>
                      <td data-label={t('asset.agency')}><Link to={`/circulars/${encodeURIComponent(c.id)}/agencies/${encodeURIComponent(r.agencyId)}`}>{r.agencyName}</Link></td>
                      <td data-label={t('circ.sentAt')}>{fmtDate(r.sentAt)} <span className="muted small">{t('circ.versionN', { v: r.version })}</span></td>
                      <td data-label={t('circ.delivery')}>{r.bouncedAt !== null ? <span className="error-text">{t('circ.bounced', { why: r.bounceReason ?? '' })}</span> : r.deliveredAt !== null ? t('circ.delivered', { at: fmtDate(r.deliveredAt) }) : t('circ.queued')}</td>
                      <td data-label={t('circ.seen')}>{fmtDate(r.seenAt)}</td>
                      <td data-label={t('circ.ack')}>{r.ack === null ? t('circ.ack.none') : <>{r.ack.name} <span className="muted small">{r.ack.position} · {fmtDate(r.ack.at)}</span>{!r.acknowledged && <span className="badge sev-medium">{t('circ.ack.old', { v: r.ack.version })}</span>}</>}</td>
                      <td data-label={t('circ.links')}>
                        {links.map((l) => (
                          <div key={l.id} className="small">
                            {t('circ.link.until', { at: fmtDate(l.expiresAt) })}{l.lastUsedAt !== null && ` · ${t('circ.link.used', { at: fmtDate(l.lastUsedAt) })}`}
                            {write && <button type="button" className="link danger" onClick={() => void act(async () => { if (window.confirm(t('circ.link.confirmRevoke'))) await circulars.revokeLink(c.id, l.id); })}>{t('circ.link.revoke')}</button>}
                          </div>
                        ))}
                        {write && c.status === 'sent' && (
                          <button type="button" className="link" data-action="new-link" onClick={() => void act(async () => setFresh(await circulars.createLink(c.id, r.agencyId)))}>{t('circ.link.create')}</button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}
