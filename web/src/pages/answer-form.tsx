// The answer to one checklist item (docs/circulars.md "Answers"), shared by the officer's page and the
// public per-agency link page: status (to do … cannot do with a reason and a target date), N of M
// machines, a note, evidence files, and for the MS17-010 item the KB-aware part — pick the Windows, see
// the updates that fix it (advisories-incidents §5), enter the installed ones; the API refuses April
// 2017's security-only update, pre-March-2017 updates and another Windows' KBs, and says why. The KB list
// is only a hint: the network check stays the authority.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ANSWER_STATUSES, WINDOWS_VERSIONS } from '../circulars-api';
import type { Answer, AnswerInput, AnswerStatus, ChecklistItem, Evidence, KbFamily, WindowsVersion } from '../circulars-api';
import { useI18n } from '../i18n';
import { Field, useSubmit } from '../ui';
import type { Problems } from '../ui';
import { AnswerStatusText, useActor, VerificationBadge } from './circular-parts';

/** What the server accepts (src/api: evidence checked by content); the browser says it first. */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;
const KB = /^\s*(?:KB)?\s*(\d{6,7})\s*$/i;

export function splitKbs(s: string): string[] {
  return s.split(/[\s,;]+/).filter((x) => x !== '');
}

export function AnswerForm({ item, answer, evidence, kbMap, closed, onSave, onUpload, evidenceHref }: {
  item: ChecklistItem; answer: Answer | null; evidence: readonly Evidence[]; kbMap: readonly KbFamily[] | null; closed: boolean;
  onSave: (a: AnswerInput) => Promise<unknown>; onUpload: ((f: File) => Promise<unknown>) | null; evidenceHref: ((e: Evidence) => string) | null;
}) {
  const { t, fmtDate, fmtNum } = useI18n();
  const actor = useActor();
  const [status, setStatus] = useState<AnswerStatus>(answer?.status ?? 'todo');
  const [reason, setReason] = useState(answer?.reason ?? '');
  const [targetDate, setTargetDate] = useState(answer?.targetDate ?? '');
  const [done, setDone] = useState(answer?.machinesDone === null || answer === null ? '' : String(answer.machinesDone));
  const [total, setTotal] = useState(answer?.machinesTotal === null || answer === null ? '' : String(answer.machinesTotal));
  const [note, setNote] = useState(answer?.note ?? '');
  const [os, setOs] = useState<WindowsVersion | ''>((answer?.os ?? '') as WindowsVersion | '');
  const [kbs, setKbs] = useState((answer?.kbs ?? []).join(', '));
  const [file, setFile] = useState<File | null>(null);
  const s = useSubmit(['status', 'reason', 'targetDate', 'machinesDone', 'machinesTotal', 'note', 'os', 'kbs', 'file']);
  const kbItem = item.evidence === 'kb-list';
  const countItem = item.evidence === 'machine-count' || kbItem;
  const fileItem = item.evidence === 'photo' || item.evidence === 'file';
  const family = kbMap?.find((f) => f.os === os) ?? null;
  const num = (v: string): number | null => (v.trim() === '' ? null : Number(v));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = num(done);
    const m = num(total);
    const badNum = (v: number | null) => v !== null && (!Number.isInteger(v) || v < 0 || v > 100_000);
    const list = splitKbs(kbs);
    const p: Problems = {
      reason: status === 'cannot' && reason.trim() === '' ? 'circ.need.reason' : null,
      targetDate: status === 'cannot' && targetDate === '' ? 'circ.need.targetDate' : null,
      machinesDone: badNum(n) ? 'circ.bad.count' : n !== null && m !== null && n > m ? 'circ.bad.nOfM' : null,
      machinesTotal: badNum(m) ? 'circ.bad.count' : null,
      kbs: list.some((k) => !KB.test(k)) ? 'circ.bad.kb' : null,
      os: kbItem && list.length > 0 && os === '' ? 'circ.need.os' : null,
      file: file !== null && file.size > EVIDENCE_MAX_BYTES ? { key: 'circ.bad.fileSize', vars: { max: fmtNum(EVIDENCE_MAX_BYTES / 1024 / 1024) } } : null,
    };
    return s.submit(p, async () => {
      await onSave({
        status, reason: reason.trim() === '' ? null : reason.trim(), targetDate: targetDate === '' ? null : targetDate, machinesDone: n, machinesTotal: m,
        note: note.trim() === '' ? null : note.trim(), os: kbItem && os !== '' ? os : null, kbs: kbItem ? list : [],
      });
      if (file !== null && onUpload !== null) {
        await onUpload(file);
        setFile(null);
      }
    });
  };

  return (
    <form className="answer-form" onSubmit={(e) => void submit(e)} noValidate data-testid={`answer-${item.code}`}>
      {answer !== null && (
        <p className="small answer-now">
          <AnswerStatusText status={answer.status} /> · {t('circ.answeredBy', { who: actor(answer.answeredBy), at: fmtDate(answer.answeredAt) })}
          {' · '}<VerificationBadge state={answer.verification.state} why={answer.verification.why} />
        </p>
      )}
      {answer !== null && answer.review.state === 'returned' && <p className="error" role="alert" data-testid="returned">{t('circ.review.returnedBecause', { comment: answer.review.comment ?? '' })}</p>}
      {answer !== null && answer.verification.state === 'contradicted' && (
        <p className="error" role="alert" data-testid="contradicted">{t('circ.contradictedHosts', { hosts: [...new Set(answer.verification.hosts.map((h) => h.ip))].join(', ') })}</p>
      )}
      <Field label={t('circ.ans.status')} error={s.fieldError('status')}>
        <select name="status" value={status} disabled={closed} onChange={(e) => setStatus(e.target.value as AnswerStatus)} {...s.field('status')}>
          {ANSWER_STATUSES.map((x) => <option key={x} value={x}>{t(`circ.ans.${x}`)}</option>)}
        </select>
      </Field>
      {status === 'cannot' && (
        <div className="grid2">
          <Field label={t('circ.ans.reason')} error={s.fieldError('reason')}>
            <textarea name="reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} {...s.field('reason')} />
          </Field>
          <Field label={t('circ.ans.targetDate')} error={s.fieldError('targetDate')}>
            <input name="targetDate" type="date" value={targetDate} onChange={(e) => setTargetDate(e.target.value)} {...s.field('targetDate')} />
          </Field>
        </div>
      )}
      {kbItem && (
        <fieldset className="sub kb" data-testid="kb">
          <legend>{t('circ.kb.title')}</legend>
          <p className="muted small">{t('circ.kb.hintOnly')}</p>
          <Field label={t('circ.kb.os')} error={s.fieldError('os')}>
            <select name="os" value={os} disabled={closed} onChange={(e) => setOs(e.target.value as WindowsVersion | '')} {...s.field('os')}>
              <option value="">{t('circ.kb.chooseOs')}</option>
              {WINDOWS_VERSIONS.map((v) => <option key={v} value={v}>{t(`circ.os.${v}`)}</option>)}
            </select>
          </Field>
          {family !== null && (
            <div className="kb-fix" data-testid="kb-fixing">
              {family.srvSys === null ? <p>{t('circ.kb.notAffected')}</p> : (
                <>
                  <p>{t('circ.kb.fixing')} <strong>{family.fixing.join(', ')}</strong></p>
                  {family.superseding.length > 0 && <p className="small">{t('circ.kb.superseding')} {family.superseding.join(', ')}</p>}
                </>
              )}
            </div>
          )}
          {kbMap === null && <p className="muted small">{t('circ.kb.noMap')}</p>}
          <Field label={t('circ.kb.installed')} error={s.fieldError('kbs')}>
            <input name="kbs" value={kbs} disabled={closed} spellCheck={false} autoCapitalize="characters" onChange={(e) => setKbs(e.target.value)} {...s.field('kbs')} />
            <span className="muted small">{t('circ.kb.installedHint')}</span>
          </Field>
          {answer?.kbHint !== null && answer?.kbHint !== undefined && (
            <p className="small" data-testid="kb-hint">
              {answer.kbHint.fixed ? t('circ.kb.hintFixed', { kbs: answer.kbHint.accepted.join(', ') }) : t('circ.kb.hintNotFixed')}
              {answer.kbHint.unknown.length > 0 && ` ${t('circ.kb.unknown', { kbs: answer.kbHint.unknown.join(', ') })}`}
            </p>
          )}
        </fieldset>
      )}
      {countItem && (
        <div className="grid2 n-of-m">
          <Field label={t('circ.ans.machinesDone')} error={s.fieldError('machinesDone')}>
            <input name="machinesDone" type="number" min={0} inputMode="numeric" value={done} disabled={closed} onChange={(e) => setDone(e.target.value)} {...s.field('machinesDone')} />
          </Field>
          <Field label={t('circ.ans.machinesTotal')} error={s.fieldError('machinesTotal')}>
            <input name="machinesTotal" type="number" min={0} inputMode="numeric" value={total} disabled={closed} onChange={(e) => setTotal(e.target.value)} {...s.field('machinesTotal')} />
          </Field>
        </div>
      )}
      <Field label={t('circ.ans.note')} error={s.fieldError('note')}>
        <textarea name="note" rows={2} maxLength={4000} value={note} disabled={closed} onChange={(e) => setNote(e.target.value)} {...s.field('note')} />
      </Field>
      {(fileItem || evidence.length > 0) && (
        <div className="evidence">
          {evidence.length > 0 && (
            <ul className="small">
              {evidence.map((ev) => (
                <li key={ev.id}>
                  {evidenceHref === null ? (ev.originalName ?? ev.sha256.slice(0, 12)) : <a href={evidenceHref(ev)} target="_blank" rel="noreferrer">{ev.originalName ?? ev.sha256.slice(0, 12)}</a>}
                  <span className="muted"> · {t('circ.evidence.size', { kb: fmtNum(Math.ceil(ev.size / 1024)) })} · {fmtDate(ev.createdAt)}</span>
                </li>
              ))}
            </ul>
          )}
          {fileItem && onUpload !== null && !closed && (
            <Field label={t(item.evidence === 'photo' ? 'circ.evidence.addPhoto' : 'circ.evidence.addFile')} error={s.fieldError('file')}>
              <input name="file" type="file" accept={item.evidence === 'photo' ? 'image/jpeg,image/png,image/webp' : 'image/jpeg,image/png,image/webp,application/pdf'}
                onChange={(e) => setFile(e.target.files?.[0] ?? null)} {...s.field('file')} />
            </Field>
          )}
        </div>
      )}
      {s.feedback}
      {s.done && <p className="notice" role="status" data-testid="answer-saved">{t('circ.ans.saved')}</p>}
      {!closed && <div className="actions"><button type="submit" className="primary" disabled={s.busy} data-action="save-answer">{t('circ.ans.save')}</button></div>}
      {closed && <p className="muted">{t('circ.closedNoAnswers')}</p>}
    </form>
  );
}
