// One agency's copy of a circular (/circulars/:id/agencies/:agencyId; docs/circulars.md "Answers"): its
// acknowledgement, and per checklist item the answer — the agency's officer answers here (the answer form
// of answer-form.tsx), the office approves or returns an answer with a comment, and everyone allowed to
// see it reads the item's history (answers, reviews, what the network said).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { apiUpload } from '../api';
import type { Me } from '../api';
import { circulars, evidenceFileHref, evidencePath } from '../circulars-api';
import type { Answer, AnswerEvent, ChecklistItem, Evidence } from '../circulars-api';
import { useI18n } from '../i18n';
import { checkName } from '../labels';
import { Link } from '../router';
import { Field, Show, useLoad, useSubmit } from '../ui';
import { AnswerForm } from './answer-form';
import { AckBox } from './Circulars';
import { AnswerStatusText, key, useActor, useBi, VerificationBadge } from './circular-parts';

export function CircularAgencyPage({ id, agencyId, me }: { id: string; agencyId: string; me: Me }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const [value, retry] = useLoad(async () => {
    const [c, answers, evidence, recipients] = await Promise.all([circulars.get(id), circulars.answers(id, agencyId), circulars.evidence(id, agencyId), circulars.recipients(id)]);
    // The KB map comes with the circular (GET /circulars/:id), as with the link page's view: the officer's form is KB-aware too.
    return { c, answers: answers.items, evidence: evidence.items, recipient: recipients.items.find((r) => r.agencyId === agencyId) ?? null, kbMap: c.kbMap ?? null };
  }, [id, agencyId]);
  const ownAgency = me.user.role === 'officer' && me.user.agencyId === agencyId;
  const office = me.user.role === 'admin' || me.user.role === 'analyst';
  return (
    <section>
      <Show value={value} retry={retry}>
        {(d) => {
          const closed = d.c.status === 'closed';
          return (
            <>
              <div className="page-head">
                <p><Link to={`/circulars/${encodeURIComponent(id)}`}>{bi(d.c.content.subject)}</Link></p>
                <h1>{d.recipient?.agencyName ?? t('circ.agencyCopy')}</h1>
                <p className="muted">{d.c.number ?? t('circ.noNumber')} · {t('circ.versionN', { v: d.c.version })}</p>
              </div>
              {d.recipient !== null && (ownAgency
                ? <AckBox recipient={d.recipient} onAck={(a) => circulars.acknowledge(id, agencyId, a).then(retry)} />
                : <p className="muted" data-testid="ack-state">{d.recipient.ack === null ? t('circ.ack.none') : t('circ.ack.done', { name: d.recipient.ack.name, position: d.recipient.ack.position, at: fmtDate(d.recipient.ack.at), v: d.recipient.ack.version })}</p>)}
              {closed && <p className="notice warn">{t('circ.closedNoAnswers')}</p>}
              <ol className="answer-items">
                {d.c.content.items.map((item) => {
                  const a = d.answers.find((x) => x.itemCode === item.code) ?? null;
                  const ev = d.evidence.filter((x) => x.itemCode === item.code);
                  return (
                    <li key={item.code} className="card" data-item={item.code}>
                      <ItemHead item={item} />
                      {ownAgency
                        ? <AnswerForm item={item} answer={a} evidence={ev} kbMap={d.kbMap} closed={closed}
                            onSave={(x) => circulars.answer(id, agencyId, item.code, x).then(retry)}
                            onUpload={(f) => apiUpload(`${evidencePath(id, agencyId, item.code)}?name=${encodeURIComponent(f.name)}`, f).then(retry)}
                            evidenceHref={(e: Evidence) => evidenceFileHref(id, e.id)} />
                        : <AnswerSummary answer={a} evidence={ev} circularId={id} />}
                      {office && a !== null && !closed && <ReviewForm answer={a} onReview={(dec, comment) => circulars.review(id, agencyId, item.code, dec, comment).then(retry)} />}
                      {a !== null && <History circularId={id} agencyId={agencyId} code={item.code} />}
                    </li>
                  );
                })}
              </ol>
            </>
          );
        }}
      </Show>
    </section>
  );
}

/** An item's title (unless `titled` is false: a folded item shows it in its summary) and how it is checked. */
export function ItemHead({ item, titled = true }: { item: ChecklistItem; titled?: boolean }) {
  const { t } = useI18n();
  const bi = useBi();
  return (
    <>
      {titled && <h2 className="item-title">{bi(item.title)}</h2>}
      <p className="muted small">
        {item.required && <span className="badge req">{t('circ.required')}</span>}
        {item.verification.mode === 'scan' ? t('circ.verifiedBy', { rules: item.verification.rules.map((r) => checkName(t, r)).join(', ') }) : t('circ.mode.attest')}
        {item.applicability !== null && ` · ${t('circ.appliesTo', { what: bi(item.applicability) })}`}
      </p>
    </>
  );
}

/** An answer as the office and viewers read it. */
function AnswerSummary({ answer, evidence, circularId }: { answer: Answer | null; evidence: readonly Evidence[]; circularId: string }) {
  const { t, fmtDate } = useI18n();
  const actor = useActor();
  if (answer === null) return <p><AnswerStatusText status={null} /></p>;
  return (
    <dl className="facts circ-facts">
      <div><dt>{t('circ.ans.status')}</dt><dd><AnswerStatusText status={answer.status} /></dd></div>
      <div><dt>{t('circ.verification')}</dt><dd><VerificationBadge state={answer.verification.state} why={answer.verification.why} />{answer.verification.why !== null && <span className="muted small"> {t(key('circ.why', answer.verification.why))}</span>}</dd></div>
      {answer.verification.hosts.length > 0 && <div><dt>{t('circ.hosts')}</dt><dd data-testid="hosts">{[...new Set(answer.verification.hosts.map((h) => h.ip))].join(', ')}</dd></div>}
      <div><dt>{t('circ.answeredByLabel')}</dt><dd>{actor(answer.answeredBy)} · {fmtDate(answer.answeredAt)}</dd></div>
      {answer.reason !== null && <div><dt>{t('circ.ans.reason')}</dt><dd>{answer.reason}</dd></div>}
      {answer.targetDate !== null && <div><dt>{t('circ.ans.targetDate')}</dt><dd>{answer.targetDate}</dd></div>}
      {answer.machinesTotal !== null && <div><dt>{t('circ.ans.machines')}</dt><dd>{t('circ.nOfM', { n: answer.machinesDone ?? 0, m: answer.machinesTotal })}</dd></div>}
      {answer.kbs.length > 0 && <div><dt>{t('circ.kb.installed')}</dt><dd>{answer.os !== null && `${t(key('circ.os', answer.os))}: `}{answer.kbs.join(', ')}</dd></div>}
      {answer.note !== null && <div><dt>{t('circ.ans.note')}</dt><dd className="prose">{answer.note}</dd></div>}
      {evidence.length > 0 && <div><dt>{t('circ.evidence.files')}</dt><dd>{evidence.map((e) => <a key={e.id} href={evidenceFileHref(circularId, e.id)} target="_blank" rel="noreferrer">{e.originalName ?? e.sha256.slice(0, 12)} </a>)}</dd></div>}
      <div><dt>{t('circ.review')}</dt><dd data-review={answer.review.state}>{t(`circ.review.${answer.review.state}`)}{answer.review.comment !== null && ` · ${answer.review.comment}`}</dd></div>
    </dl>
  );
}

function ReviewForm({ answer, onReview }: { answer: Answer; onReview: (d: 'approved' | 'returned', comment: string | null) => Promise<unknown> }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [decision, setDecision] = useState<'approved' | 'returned'>('approved');
  const s = useSubmit(['comment', 'decision']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({ comment: decision === 'returned' && comment.trim() === '' ? 'circ.need.returnComment' : null }, async () => {
      await onReview(decision, comment.trim() === '' ? null : comment.trim());
      setComment('');
    });
  };
  return (
    <form className="review-form" onSubmit={(e) => void submit(e)} noValidate data-testid={`review-${answer.itemCode}`}>
      <fieldset className="sub">
        <legend>{t('circ.review.title')}</legend>
        <div className="radios">
          {(['approved', 'returned'] as const).map((x) => (
            <label key={x} className="radio"><input type="radio" name="decision" value={x} checked={decision === x} onChange={() => setDecision(x)} />{t(`circ.review.do.${x}`)}</label>
          ))}
        </div>
        <Field label={t('circ.review.comment')} error={s.fieldError('comment')}>
          <textarea name="comment" rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} {...s.field('comment')} />
        </Field>
        {s.feedback}
        <div className="actions"><button type="submit" disabled={s.busy} data-action="review">{t('circ.review.submit')}</button></div>
      </fieldset>
    </form>
  );
}

function History({ circularId, agencyId, code }: { circularId: string; agencyId: string; code: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('circ.history')}</summary>
      {open && <HistoryList circularId={circularId} agencyId={agencyId} code={code} />}
    </details>
  );
}

/** Who recomputes a verification on its own (src/store/repos/circulars.ts: on an answer, after a scan). */
const SYSTEM_ACTORS: readonly string[] = ['answer', 'perisai'];

function HistoryList({ circularId, agencyId, code }: { circularId: string; agencyId: string; code: string }) {
  const { t, fmtDate } = useI18n();
  const actor = useActor();
  const [value, retry] = useLoad(() => circulars.history(circularId, agencyId, code), [circularId, agencyId, code]);
  const describe = (e: AnswerEvent): string => {
    const d = e.data;
    if (e.kind === 'answer' && typeof d['status'] === 'string') return t('circ.hist.answer', { status: t(key('circ.ans', d['status'])) });
    if (e.kind === 'review' && typeof d['state'] === 'string') return t('circ.hist.review', { state: t(key('circ.review', d['state'])) }) + (typeof d['comment'] === 'string' ? ` · ${d['comment']}` : '');
    if (e.kind === 'verification' && typeof d['state'] === 'string') return t('circ.hist.verification', { state: t(key('circ.verif', d['state'])) });
    return t(`circ.hist.kind.${e.kind}`);
  };
  return (
    <Show value={value} retry={retry}>
      {(d) => d.items.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
        <ul className="history small">{d.items.map((e) => <li key={e.id}><span className="muted">{fmtDate(e.at)} · {e.kind === 'verification' && SYSTEM_ACTORS.includes(e.actor) ? t('circ.bySystem') : actor(e.actor)}</span> {describe(e)}</li>)}</ul>
      )}
    </Show>
  );
}

