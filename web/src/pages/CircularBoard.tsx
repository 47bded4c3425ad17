// The campaign board of a circular (/circulars/:id/board; docs/circulars.md "Board"): one row per
// audience agency with red/amber/green for exposure, acknowledgement, checklist and verification; one
// cell per item saying verified / contradicted (with the offending hosts) / unverifiable / pending; the
// reconnect gate and its decision (clear, or override with a reason); live through server-sent events
// as scans finish (the scans' SSE pattern); the emergency sweep; situation reports (frozen boards).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { Me } from '../api';
import { boardEventsPath, circulars } from '../circulars-api';
import type { Board, BoardRow, ChecklistItem, GateDetail, Sitrep } from '../circulars-api';
import { useI18n } from '../i18n';
import { office } from '../office-api';
import type { OfficeSettings, SitrepSend } from '../office-api';
import { Link } from '../router';
import { ErrorBox, Field, Show, useLoad, useSubmit } from '../ui';
import { AnswerStatusText, GateText, key, RagDot, useAction, useActor, useBi, VerificationBadge } from './circular-parts';

export function CircularBoardPage({ id, me }: { id: string; me: Me }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const [value, retry] = useLoad(async () => {
    const [c, board] = await Promise.all([circulars.get(id), circulars.board(id)]);
    // Situation reports exist only once a campaign started (the route answers 404 before).
    const sitreps = board.campaignId === null ? [] : (await circulars.sitreps(id)).items;
    // The head of office the reports go to (city-wide settings: an agency officer does not read them).
    const head = board.campaignId === null || me.user.role === 'officer' ? undefined : (await office.settings()).headOfOffice;
    return { c, board, sitreps, head };
  }, [id]);
  const [live, setLive] = useState<Board | null>(null);
  const [link, setLink] = useState<'open' | 'lost'>('open');
  useEffect(() => {
    setLive(null);
    // A board event carries the whole board (rows for 50 agencies are small); a lost stream reconnects by itself.
    const es = new EventSource(boardEventsPath(id));
    es.addEventListener('board', (e) => {
      try {
        setLive(JSON.parse((e as MessageEvent<string>).data) as Board);
        setLink('open');
      } catch {
        // a malformed event is skipped; the next one carries the whole board again
      }
    });
    es.onopen = () => setLink('open');
    es.onerror = () => setLink('lost');
    return () => es.close();
  }, [id]);
  const write = me.user.role === 'admin' || me.user.role === 'analyst';
  const [gateOf, setGateOf] = useState<string | null>(null);
  return (
    <section>
      <Show value={value} retry={retry}>
        {(d) => {
          const board = live !== null && live.at >= d.board.at ? live : d.board;
          return (
            <>
              <div className="page-head">
                <p><Link to={`/circulars/${encodeURIComponent(id)}`}>{bi(d.c.content.subject)}</Link></p>
                <h1>{t('circ.board.title')}</h1>
                <p className="muted small" aria-live="polite" data-testid="board-live">
                  {t('circ.board.updated', { at: fmtDate(board.at) })} · {link === 'open' ? t('circ.board.live') : t('circ.board.reconnecting')}
                </p>
              </div>
              <Totals board={board} />
              {write && board.campaignId === null && d.c.status === 'sent' && <StartCampaign id={id} onStarted={retry} />}
              <BoardTable board={board} items={d.c.content.items} circularId={id} onGate={board.campaignId === null ? null : setGateOf} />
              {gateOf !== null && board.rows.some((r) => r.agencyId === gateOf && r.gate !== null) && (
                <GatePanel key={gateOf} circularId={id} row={board.rows.find((r) => r.agencyId === gateOf)!} items={d.c.content.items} canDecide={write} onDecided={retry} onClose={() => setGateOf(null)} />
              )}
              {board.campaignId !== null && <Sitreps id={id} sitreps={d.sitreps} canCreate={write} onCreated={retry} items={d.c.content.items} head={d.head} />}
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Totals({ board }: { board: Board }) {
  const { t, fmtNum } = useI18n();
  const x = board.totals;
  const tiles = [['agencies', x.agencies], ['acknowledged', x.acknowledged], ['complete', x.complete], ['contradicted', x.contradicted], ['cleared', x.cleared]] as const;
  return (
    <div className="tiles" data-testid="board-totals">
      {tiles.map(([k, n]) => <div key={k} className={`tile t-${k}`} data-total={k}><span className="tile-value">{fmtNum(n)}</span><span className="tile-label">{t(`circ.total.${k}`)}</span></div>)}
    </div>
  );
}

function StartCampaign({ id, onStarted }: { id: string; onStarted: () => void }) {
  const { t } = useI18n();
  const [override, setOverride] = useState(false);
  const [reason, setReason] = useState('');
  const s = useSubmit(['reason', 'overrideWindow']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({ reason: override && reason.trim() === '' ? 'circ.need.overrideReason' : null }, async () => {
      if (!window.confirm(t('circ.campaign.confirm'))) return;
      await circulars.startCampaign(id, override, override ? reason.trim() : null);
      onStarted();
    });
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate data-testid="campaign-form">
      <h2>{t('circ.campaign.title')}</h2>
      <p className="muted">{t('circ.campaign.intro')}</p>
      <label className="check"><input type="checkbox" name="overrideWindow" checked={override} onChange={(e) => setOverride(e.target.checked)} />{t('circ.campaign.override')}</label>
      {override && (
        <Field label={t('circ.campaign.reason')} error={s.fieldError('reason')}>
          <textarea name="reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} {...s.field('reason')} />
        </Field>
      )}
      {s.feedback}
      <div className="actions"><button type="submit" className="danger" disabled={s.busy} data-action="start-campaign">{t('circ.campaign.start')}</button></div>
    </form>
  );
}

/** `onGate`: open an agency's reconnect gate below the table (null: a frozen report, or no campaign yet). */
export function BoardTable({ board, items, circularId, onGate }: {
  board: Board; items: readonly ChecklistItem[]; circularId: string; onGate: ((agencyId: string) => void) | null;
}) {
  const { t } = useI18n();
  const bi = useBi();
  const codes = board.rows[0]?.items.map((i) => i.code) ?? items.map((i) => i.code);
  // An item the circular no longer has (a frozen situation report) is named by its place.
  const title = (code: string, n: number) => bi(items.find((i) => i.code === code)?.title) || t('circ.itemN', { n: n + 1 });
  return (
    <div className="table-wrap board-wrap">
      <table className="board" data-testid="board">
        <thead>
          <tr>
            <th>{t('asset.agency')}</th>
            <th>{t('circ.rag.exposure')}</th><th>{t('circ.rag.acknowledgement')}</th><th>{t('circ.rag.checklist')}</th><th>{t('circ.rag.verification')}</th>
            {codes.map((c, n) => <th key={c} className="item-col" data-item={c}>{title(c, n)}</th>)}
            <th>{t('circ.gate')}</th>
          </tr>
        </thead>
        <tbody>
          {board.rows.map((r) => <Row key={r.agencyId} r={r} codes={codes} title={title} circularId={circularId} onGate={onGate} />)}
        </tbody>
      </table>
    </div>
  );
}

function Row({ r, codes, title, circularId, onGate }: { r: BoardRow; codes: readonly string[]; title: (c: string, n: number) => string; circularId: string; onGate: ((agencyId: string) => void) | null }) {
  const { t } = useI18n();
  return (
    <tr data-agency={r.agencyCode}>
      <th scope="row" data-label={t('asset.agency')}><Link to={`/circulars/${encodeURIComponent(circularId)}/agencies/${encodeURIComponent(r.agencyId)}`}>{r.agencyName}</Link></th>
      <td data-label={t('circ.rag.exposure')} data-cell="exposure"><RagDot rag={r.rag.exposure} label={t('circ.rag.exposure')} /></td>
      <td data-label={t('circ.rag.acknowledgement')} data-cell="acknowledgement"><RagDot rag={r.rag.acknowledgement} label={t('circ.rag.acknowledgement')} /></td>
      <td data-label={t('circ.rag.checklist')} data-cell="checklist"><RagDot rag={r.rag.checklist} label={t('circ.rag.checklist')} /></td>
      <td data-label={t('circ.rag.verification')} data-cell="verification"><RagDot rag={r.rag.verification} label={t('circ.rag.verification')} /></td>
      {codes.map((c, n) => {
        const i = r.items.find((x) => x.code === c);
        return (
          <td key={c} data-label={title(c, n)} data-item={c} className="item-cell">
            {i === undefined ? t('common.none') : (
              <>
                <AnswerStatusText status={i.status} />
                {/* "pending" says no more than the status beside it: shown only once the agency attested. */}
                {i.verification !== 'pending' && <><br /><VerificationBadge state={i.verification} why={i.why} /></>}
                {i.hosts.length > 0 && <span className="hosts small" data-testid="hosts">{i.hosts.join(', ')}{i.hostCount > i.hosts.length && ` ${t('circ.moreHosts', { n: i.hostCount - i.hosts.length })}`}</span>}
              </>
            )}
          </td>
        );
      })}
      <td data-label={t('circ.gate')} data-cell="gate">
        <GateText state={r.gate} />
        {onGate !== null && r.gate !== null && <><br /><button type="button" className="link" data-action="gate" onClick={() => onGate(r.agencyId)}>{t('circ.gate.open')}</button></>}
      </td>
    </tr>
  );
}

/** An agency's reconnect gate: what blocks it, every decision, and (for the office) the decision itself — clear, or override with a reason. */
function GatePanel({ circularId, row, items, canDecide, onDecided, onClose }: {
  circularId: string; row: BoardRow; items: readonly ChecklistItem[]; canDecide: boolean; onDecided: () => void; onClose: () => void;
}) {
  const { t } = useI18n();
  const bi = useBi();
  const name = (code: string) => bi(items.find((i) => i.code === code)?.title) || t('circ.itemN', { n: items.findIndex((i) => i.code === code) + 1 });
  return (
    <section className="card gate-panel" data-testid="gate-panel" data-agency={row.agencyCode}>
      <h2>{t('circ.gate.of', { name: row.agencyName })} · <GateText state={row.gate} /></h2>
      <GateForm circularId={circularId} agencyId={row.agencyId} state={row.gate ?? 'disconnected'} canDecide={canDecide} onDecided={onDecided} name={name} />
      <button type="button" className="link" onClick={onClose}>{t('circ.gate.closePanel')}</button>
    </section>
  );
}

function GateForm({ circularId, agencyId, state, canDecide, onDecided, name }: { circularId: string; agencyId: string; state: 'disconnected' | 'cleared'; canDecide: boolean; onDecided: () => void; name: (code: string) => string }) {
  const { t, fmtDate } = useI18n();
  const actor = useActor();
  const [value, retry] = useLoad(() => circulars.gate(circularId, agencyId), [circularId, agencyId]);
  const [reason, setReason] = useState('');
  const s = useSubmit(['reason', 'state']);
  const decide = (d: GateDetail, next: 'cleared' | 'disconnected') => s.submit({
    reason: next === 'cleared' && d.blockers.length > 0 && reason.trim() === '' ? 'circ.need.overrideReason' : null,
  }, async () => {
    await circulars.decideGate(circularId, agencyId, { state: next, reason: reason.trim() === '' ? null : reason.trim(), override: next === 'cleared' && d.blockers.length > 0 });
    setReason('');
    retry();
    onDecided();
  });
  // Items are listed together, one line: a board row may have every item still open.
  const blockerLines = (bs: GateDetail['blockers']): string[] => {
    const codes = bs.filter((b) => b.code !== null).map((b) => name(b.code!));
    return [...(codes.length > 0 ? [t('circ.blocker.items', { items: codes.join('; ') })] : []), ...bs.filter((b) => b.code === null).map((b) => t(key('circ.blocker', b.kind)))];
  };
  return (
    <Show value={value} retry={retry}>
      {(d) => (
        <div className="gate-form" data-testid="gate-form">
          {d.blockers.length === 0 ? <p className="small">{t('circ.gate.ready')}</p> : (
            <ul className="small blockers">{blockerLines(d.blockers).map((x) => <li key={x}>{x}</li>)}</ul>
          )}
          {canDecide && <>
          <Field label={d.blockers.length > 0 && state === 'disconnected' ? t('circ.gate.overrideReason') : t('circ.gate.reason')} error={s.fieldError('reason')}>
            <textarea name="reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} {...s.field('reason')} />
          </Field>
          {s.feedback}
          <div className="actions tight">
            {state === 'disconnected'
              ? <button type="button" className={d.blockers.length > 0 ? 'danger' : 'primary'} disabled={s.busy} data-action="clear" onClick={() => void decide(d, 'cleared')}>{d.blockers.length > 0 ? t('circ.gate.override') : t('circ.gate.clear')}</button>
              : <button type="button" disabled={s.busy} data-action="disconnect" onClick={() => void decide(d, 'disconnected')}>{t('circ.gate.disconnect')}</button>}
          </div>
          </>}
          {d.events.length > 0 && (
            <ul className="small history">
              {d.events.map((e) => <li key={e.id}>{fmtDate(e.at)} · {actor(e.by)} · {t(`circ.gate.${e.state}`)}{e.override && ` · ${t('circ.gate.overridden')}`}{e.reason !== null && ` · ${e.reason}`}</li>)}
            </ul>
          )}
        </div>
      )}
    </Show>
  );
}

function Sitreps({ id, sitreps, canCreate, onCreated, items, head }: {
  id: string; sitreps: readonly Sitrep[]; canCreate: boolean; onCreated: () => void; items: readonly ChecklistItem[]; head: OfficeSettings['headOfOffice'] | undefined;
}) {
  const { t, fmtDate } = useI18n();
  const actor = useActor();
  const { busy, error, run } = useAction(onCreated);
  const create = () => run(() => circulars.createSitrep(id));
  const state = (x: SitrepSend) => (x.deliveredAt !== null ? t('circ.sitrep.delivered') : x.bouncedAt !== null ? t('circ.sitrep.bounced') : t('circ.sitrep.pending'));
  return (
    <section className="card" data-testid="sitreps">
      <h2>{t('circ.sitrep.title')}</h2>
      <p className="muted small">{t('circ.sitrep.intro')}</p>
      {head !== undefined && (head === null
        ? <p className="notice warn" data-testid="sitrep-head">{t('circ.sitrep.noHead')}{canCreate && <> <Link to="/office-settings">{t('circ.sitrep.setHead')}</Link></>}</p>
        : <p data-testid="sitrep-head">{t('circ.sitrep.head', { name: head.name, position: head.position })}</p>)}
      {canCreate && <button type="button" disabled={busy} onClick={() => void create()} data-action="sitrep">{t('circ.sitrep.create')}</button>}
      {error !== null && <ErrorBox error={error} />}
      {sitreps.length === 0 ? <p className="muted">{t('circ.sitrep.none')}</p> : (
        <ul className="sitreps">
          {sitreps.map((s) => (
            <li key={s.id} data-version={s.version}>
              <details>
                <summary>{t('circ.sitrep.n', { v: s.version, at: fmtDate(s.createdAt), by: actor(s.createdBy) })}</summary>
                <ul className="small sends" data-testid="sitrep-sends">
                  {s.sends.map((x) => (
                    <li key={x.id}>
                      {t('circ.sitrep.sent', { to: x.to === null ? t('circ.sitrep.sentNobody') : `${x.to.name}${x.to.email !== null ? ` <${x.to.email}>` : ''}`, by: actor(x.sentBy), at: fmtDate(x.sentAt) })}
                      {' · '}<span data-delivery={x.deliveredAt !== null ? 'delivered' : x.bouncedAt !== null ? 'bounced' : 'pending'}>{state(x)}</span>
                    </li>
                  ))}
                </ul>
                {canCreate && <div className="actions"><button type="button" disabled={busy} onClick={() => void run(() => office.resendSitrep(id, s.id))} data-action="sitrep-resend">{t('circ.sitrep.resend')}</button></div>}
                <BoardTable board={s.snapshot} items={items} circularId={id} onGate={null} />
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
