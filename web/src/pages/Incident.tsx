// One incident (/incidents/:id; docs/incidents.md "The record"): its phase and the moves the table
// allows, closing against the stated criteria, classification (CSIRT), the clocks with their due times,
// linked assets with their scan facts and open findings, the playbook steps per role with ticks and the
// scan step, messages to the reporters, the timeline with its "in the report" flag, countermeasures,
// service impact, regulatory sends, and the documents (the BSSN report and the personal-data notice).
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { INCIDENTS, named, REPORTS } from '../incident-labels';
import {
  CLASSIFICATIONS, CLOSURE_CRITERIA, COUNTERMEASURE_KINDS, CRITERION_ANSWERS, PLAYBOOK_ROLES, REGULATORY_KINDS, RISK_LEVELS, SECTORS,
} from '../incidents-api';
import type { IncidentDetail, Playbook, Run, RunStep, TimelineEntry } from '../incidents-api';
import { findingTitle } from '../labels';
import { Link } from '../router';
import { Field, RatingBadge, SeverityBadge, Show, textProblem, useLoad, useSubmit } from '../ui';
import { MessageForm, Photos } from './Incidents';

const SEVERITY_CHOICES = ['critical', 'high', 'medium', 'low'] as const;

interface Perms { readonly csirt: boolean; readonly triage: boolean }

export function IncidentPage({ id, csirt, triage }: { id: string; csirt: boolean; triage: boolean }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => Promise.all([api<IncidentDetail>('GET', `/incidents/${id}`), api<{ items: TimelineEntry[] }>('GET', `/incidents/${id}/timeline`)]), [id]);
  const perms: Perms = { csirt, triage };
  return (
    <>
      <p><Link to={INCIDENTS}>{t('inc.back')}</Link></p>
      <Show value={value} retry={retry}>
        {([d, tl]) => (
          <div className="incident" data-testid="incident-page" data-phase={d.incident.phase}>
            <Head d={d} />
            <div className="incident-grid">
              <div>
                <PhaseCard d={d} perms={perms} onDone={retry} />
                <Clocks d={d} />
                <Playbooks d={d} perms={perms} onDone={retry} />
                <Assets d={d} perms={perms} onDone={retry} />
                <TimelineCard id={id} items={tl.items} perms={perms} onDone={retry} />
              </div>
              <div>
                {perms.csirt && <Classify d={d} onDone={retry} />}
                <ReportsCard d={d} />
                <Photos photos={d.photos} />
                {perms.triage && d.reports.length > 0 && <MessageForm path={`/incidents/${id}/messages`} onSent={retry} />}
                <Documents d={d} />
                <Regulatory d={d} perms={perms} onDone={retry} />
                <Countermeasures d={d} perms={perms} onDone={retry} />
              </div>
            </div>
          </div>
        )}
      </Show>
    </>
  );
}

function Head({ d }: { d: IncidentDetail }) {
  const { t, fmtDate } = useI18n();
  const i = d.incident;
  return (
    <div className="page-head">
      <h1><span data-testid="incident-number">{i.number}</span> · {i.title}</h1>
      <p className="muted">
        {d.agency.name} · <span className={`phase ph-${i.phase}`} data-testid="incident-phase">{t(`inc.phase.${i.phase}`)}</span>
        {i.severity !== null && <> · <SeverityBadge severity={i.severity} /></>}
        {' · '}{named(t, 'inc.class.', i.classification)}
        {i.vital && <> · <span className="badge sev-high">{t('inc.vital')}</span></>}
        {i.personalData && <> · <span className="badge sev-high">{t('inc.personalData')}</span></>}
      </p>
      <p className="muted small">{t('inc.foundAt', { at: fmtDate(i.foundAt) })} · {t('inc.detectedBy')}: {named(t, 'inc.detected.', i.detectedBy)} · {t('inc.owner')}: {i.owner ?? t('common.none')}</p>
    </div>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return <section className="card" data-testid={testId}><h2>{title}</h2>{children}</section>;
}

function PhaseCard({ d, perms, onDone }: { d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, fmtDate } = useI18n();
  const [note, setNote] = useState('');
  const s = useSubmit(['to', 'note']);
  const moves = d.nextPhases.filter((p) => p !== 'closed');
  const i = d.incident;
  return (
    <Section title={t('inc.phase')} testId="incident-phases">
      <ol className="phases">
        {(['new', 'triaged', 'containment', 'eradication', 'recovery', 'closed'] as const).map((p) => <li key={p} className={p === i.phase ? 'current' : undefined} aria-current={p === i.phase ? 'step' : undefined}>{t(`inc.phase.${p}`)}</li>)}
      </ol>
      {i.closure !== null && (
        <div className="closure" data-testid="closure">
          <p>{t('inc.closedBy', { name: i.closure.declaredBy, at: fmtDate(i.closure.at) })}{i.closure.position !== null && ` (${i.closure.position})`}</p>
          <ul>{i.closure.criteria.map((c) => <li key={c.id}>{named(t, 'inc.criterion.', c.id)}: {named(t, 'inc.answer.', c.answer)}{c.note !== null && ` — ${c.note}`}</li>)}</ul>
          <p className="pre">{i.closure.lessons}</p>
        </div>
      )}
      {perms.csirt && moves.length > 0 && (
        <form className="admin-form" noValidate onSubmit={(e) => e.preventDefault()} data-testid="phase-form">
          <Field label={t('inc.phase.note')} error={s.fieldError('note')}>
            <input name="note" value={note} onChange={(e) => setNote(e.target.value)} {...s.field('note')} />
          </Field>
          {s.feedback}
          <div className="actions">
            {moves.map((p) => (
              <button key={p} type="button" data-to={p} disabled={s.busy} onClick={() => void s.submit({ note: textProblem(note, 1000, null) }, async () => {
                await api('POST', `/incidents/${i.id}/phase`, { to: p, ...(note.trim() !== '' ? { note: note.trim() } : {}) });
                setNote('');
                onDone();
              })}>{t('inc.phase.moveTo', { phase: t(`inc.phase.${p}`) })}</button>
            ))}
          </div>
        </form>
      )}
      {perms.csirt && d.nextPhases.includes('closed') && <CloseForm d={d} onDone={onDone} />}
    </Section>
  );
}

function CloseForm({ d, onDone }: { d: IncidentDetail; onDone: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [declaredBy, setDeclaredBy] = useState('');
  const [position, setPosition] = useState('');
  const [lessons, setLessons] = useState('');
  const [answers, setAnswers] = useState<Record<string, { answer: string; note: string }>>({});
  const s = useSubmit(['declaredBy', 'position', 'lessons', 'criteria']);
  if (!open) return <button type="button" onClick={() => setOpen(true)} data-testid="close-open">{t('inc.close.start')}</button>;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const missing = CLOSURE_CRITERIA.some((c) => (answers[c]?.answer ?? '') === '');
    const naNoNote = CLOSURE_CRITERIA.some((c) => answers[c]?.answer === 'not-applicable' && answers[c]!.note.trim() === '');
    const lessonsLen = [...lessons.trim()].length;
    return s.submit({
      declaredBy: textProblem(declaredBy, 120, 'inc.close.needName'),
      position: textProblem(position, 200, null),
      lessons: lessonsLen < 20 ? 'inc.close.needLessons' : textProblem(lessons, 8000, null),
      criteria: missing ? 'inc.close.needCriteria' : naNoNote ? 'inc.close.needNote' : null,
    }, async () => {
      await api('POST', `/incidents/${d.incident.id}/close`, {
        declaredBy: declaredBy.trim(), ...(position.trim() !== '' ? { position: position.trim() } : {}), lessons: lessons.trim(),
        criteria: CLOSURE_CRITERIA.map((c) => ({ id: c, answer: answers[c]!.answer, ...(answers[c]!.note.trim() !== '' ? { note: answers[c]!.note.trim() } : {}) })),
      });
      onDone();
    });
  };
  return (
    <form className="admin-form close-form" noValidate onSubmit={(e) => void submit(e)} data-testid="close-form">
      <h3>{t('inc.close.title')}</h3>
      <p className="muted">{t('inc.close.intro')}</p>
      <Field label={t('inc.close.declaredBy')} error={s.fieldError('declaredBy')}><input name="declaredBy" value={declaredBy} onChange={(e) => setDeclaredBy(e.target.value)} {...s.field('declaredBy')} /></Field>
      <Field label={t('inc.close.position')} error={s.fieldError('position')}><input name="position" value={position} onChange={(e) => setPosition(e.target.value)} {...s.field('position')} /></Field>
      <fieldset className="criteria">
        <legend>{t('inc.close.criteria')}</legend>
        {CLOSURE_CRITERIA.map((c) => (
          <div key={c} className="criterion" data-criterion={c}>
            <span>{t(`inc.criterion.${c}`)}</span>
            <select name={`criterion-${c}`} aria-label={t(`inc.criterion.${c}`)} value={answers[c]?.answer ?? ''} onChange={(e) => { s.edited('criteria'); setAnswers((a) => ({ ...a, [c]: { answer: e.target.value, note: a[c]?.note ?? '' } })); }}>
              <option value="">{t('inc.close.choose')}</option>
              {CRITERION_ANSWERS.map((x) => <option key={x} value={x}>{t(`inc.answer.${x}`)}</option>)}
            </select>
            <input name={`note-${c}`} aria-label={t('inc.close.note')} placeholder={t('inc.close.note')} value={answers[c]?.note ?? ''} onChange={(e) => { s.edited('criteria'); setAnswers((a) => ({ ...a, [c]: { answer: a[c]?.answer ?? '', note: e.target.value } })); }} />
          </div>
        ))}
        {s.fieldError('criteria')}
      </fieldset>
      <Field label={t('inc.close.lessons')} error={s.fieldError('lessons')}><textarea name="lessons" rows={4} value={lessons} onChange={(e) => setLessons(e.target.value)} {...s.field('lessons')} /></Field>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('inc.close.submit')}</button></div>
    </form>
  );
}

function Classify({ d, onDone }: { d: IncidentDetail; onDone: () => void }) {
  const { t } = useI18n();
  const i = d.incident;
  const [title, setTitle] = useState(i.title);
  const [classification, setClassification] = useState(i.classification ?? '');
  const [severity, setSeverity] = useState(i.severity ?? '');
  const [riskLevel, setRiskLevel] = useState(i.riskLevel ?? '');
  const [vital, setVital] = useState(i.vital);
  const [sector, setSector] = useState(i.sector ?? '');
  const [personalData, setPersonalData] = useState(i.personalData);
  const [owner, setOwner] = useState(i.owner ?? '');
  const s = useSubmit(['title', 'classification', 'severity', 'riskLevel', 'sector', 'owner', 'personalData']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({ title: textProblem(title, 200, 'inc.classify.needTitle'), sector: vital && sector === '' ? 'inc.classify.needSector' : null }, async () => {
      await api('PATCH', `/incidents/${i.id}`, {
        title: title.trim(), classification: classification === '' ? null : classification, severity: severity === '' ? null : severity, riskLevel: riskLevel === '' ? null : riskLevel,
        vital, sector: sector === '' ? null : sector, personalData, owner: owner.trim() === '' ? null : owner.trim(),
      });
      onDone();
    });
  };
  return (
    <form className="card admin-form" noValidate onSubmit={(e) => void submit(e)} data-testid="classify-form">
      <h2>{t('inc.classify.title')}</h2>
      <Field label={t('inc.titleField')} error={s.fieldError('title')}><input name="title" value={title} onChange={(e) => setTitle(e.target.value)} {...s.field('title')} /></Field>
      <Field label={t('inc.classification')} error={s.fieldError('classification')}>
        <select name="classification" value={classification} onChange={(e) => setClassification(e.target.value)} {...s.field('classification')}>
          <option value="">{t('inc.classify.none')}</option>
          {CLASSIFICATIONS.map((c) => <option key={c} value={c}>{t(`inc.class.${c}`)}</option>)}
        </select>
      </Field>
      <Field label={t('inc.severity')} error={s.fieldError('severity')}>
        <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)} {...s.field('severity')}>
          <option value="">{t('inc.classify.none')}</option>
          {SEVERITY_CHOICES.map((x) => <option key={x} value={x}>{t(`severity.${x}`)}</option>)}
        </select>
      </Field>
      <Field label={t('inc.riskLevel')} error={s.fieldError('riskLevel')}>
        <select name="riskLevel" value={riskLevel} onChange={(e) => setRiskLevel(e.target.value)} {...s.field('riskLevel')}>
          <option value="">{t('inc.classify.none')}</option>
          {RISK_LEVELS.map((x) => <option key={x} value={x}>{t(`inc.risk.${x}`)}</option>)}
        </select>
      </Field>
      <label className="check"><input type="checkbox" name="vital" checked={vital} onChange={(e) => setVital(e.target.checked)} />{t('inc.classify.vital')}</label>
      <Field label={t('inc.sector')} error={s.fieldError('sector')}>
        <select name="sector" value={sector} onChange={(e) => setSector(e.target.value)} {...s.field('sector')}>
          <option value="">{t('inc.classify.none')}</option>
          {SECTORS.map((x) => <option key={x} value={x}>{t(`inc.sector.${x}`)}</option>)}
        </select>
      </Field>
      <label className="check"><input type="checkbox" name="personalData" checked={personalData} onChange={(e) => setPersonalData(e.target.checked)} />{t('inc.classify.personalData')}</label>
      <Field label={t('inc.owner')} error={s.fieldError('owner')}><input name="owner" value={owner} onChange={(e) => setOwner(e.target.value)} {...s.field('owner')} /></Field>
      <p className="muted small">{t('inc.classify.hint')}</p>
      {s.feedback}
      {s.done && <p className="notice" role="status">{t('inc.saved')}</p>}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('common.save')}</button></div>
    </form>
  );
}

function Clocks({ d }: { d: IncidentDetail }) {
  const { t, lang, fmtDate } = useI18n();
  return (
    <Section title={t('inc.clocks')} testId="incident-clocks">
      {d.clocks.length === 0 ? <p className="muted">{t('inc.clocks.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t('inc.clocks.clock')}</th><th>{t('inc.clocks.due')}</th><th>{t('inc.clocks.warn')}</th><th>{t('inc.clocks.state')}</th></tr></thead>
            <tbody>
              {d.clocks.map((c) => (
                <tr key={c.id} className={`clock cl-${c.state}`} data-clock={c.id} data-kind={c.kind} data-state={c.state}>
                  <td>{c.title[lang]}</td>
                  <td>{fmtDate(c.dueAt)}</td>
                  <td>{fmtDate(c.warnAt)}</td>
                  <td><span className={`clock-state cs-${c.state}`}>{named(t, 'inc.clockState.', c.state)}</span>{c.metAt !== null && ` · ${fmtDate(c.metAt)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function ReportsCard({ d }: { d: IncidentDetail }) {
  const { t, fmtDate } = useI18n();
  return (
    <Section title={t('inc.reportsLinked')} testId="incident-reports">
      {d.reports.length === 0 ? <p className="muted">{t('inc.reportsLinked.none')}</p> : (
        <ul>
          {d.reports.map((r) => <li key={r.id}><Link to={`${REPORTS}/${r.id}`}>{r.reference}</Link> · {r.reporterName} · {fmtDate(r.createdAt)}{r.location !== null && ` · ${r.location}`}</li>)}
        </ul>
      )}
    </Section>
  );
}

function Assets({ d, perms, onDone }: { d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, lang, fmtDate } = useI18n();
  const [what, setWhat] = useState('');
  const s = useSubmit(['ip', 'name']);
  const [linked, setLinked] = useState<number | null>(null);
  const link = (e: FormEvent) => {
    e.preventDefault();
    const v = what.trim();
    const isIp = /^[0-9.:a-fA-F]+$/.test(v) && /[.:]/.test(v);
    return s.submit({ [isIp ? 'ip' : 'name']: v === '' ? 'inc.assets.need' : null }, async () => {
      const r = await api<{ linked: number }>('POST', `/incidents/${d.incident.id}/assets`, isIp ? { ip: v } : { name: v });
      setLinked(r.linked);
      setWhat('');
      onDone();
    });
  };
  const unlink = async (assetId: string) => {
    await api('POST', `/incidents/${d.incident.id}/assets/unlink`, { assetId });
    onDone();
  };
  return (
    <Section title={t('inc.assets')} testId="incident-assets">
      {d.assets.length === 0 ? <p className="muted">{t('inc.assets.none')}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t('inc.assets.host')}</th><th>{t('inc.assets.os')}</th><th>{t('inc.assets.smbv1')}</th><th>{t('inc.assets.risk')}</th><th>{t('inc.assets.findings')}</th><th>{t('inc.assets.how')}</th>{perms.triage && <th />}</tr></thead>
            <tbody>
              {d.assets.map((a) => (
                <tr key={a.assetId} data-ip={a.ip}>
                  <td><Link to={`/assets/${a.assetId}`}>{a.ip}</Link>{(a.netbiosName ?? a.dnsName) !== null && <div className="muted small">{a.netbiosName ?? a.dnsName}</div>}<div className="muted small">{t('inc.assets.lastSeen', { at: fmtDate(a.lastSeen) })}</div></td>
                  <td>{a.os === null ? t('inc.assets.unknown') : a.os.name}{a.os?.eol === true && <div className="small">{t('inc.assets.eol')}</div>}</td>
                  <td>{a.smb === null || a.smb.smbv1 === null ? t('inc.assets.unknown') : a.smb.smbv1 ? t('common.yes') : t('common.no')}</td>
                  <td><RatingBadge rating={a.riskRating} /></td>
                  <td>
                    {a.openFindings.length === 0 ? t('common.none') : (
                      <ul className="plain">
                        {a.openFindings.map((f) => <li key={f.id}><SeverityBadge severity={f.severity} /> {findingTitle(t, lang, f)} <span className="muted small">{t('inc.assets.port', { port: f.port })}</span></li>)}
                      </ul>
                    )}
                  </td>
                  <td>{named(t, 'inc.how.', a.how)}</td>
                  {perms.triage && <td><button type="button" className="link danger" onClick={() => void unlink(a.assetId)}>{t('inc.assets.unlink')}</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {perms.triage && (
        <form className="admin-form" noValidate onSubmit={(e) => void link(e)} data-testid="asset-link-form">
          <Field label={t('inc.assets.link')} error={s.fieldError('ip') ?? s.fieldError('name')}>
            <input name="asset" value={what} onChange={(e) => { s.edited('ip'); s.edited('name'); setWhat(e.target.value); }} placeholder={t('inc.assets.linkHint')} />
          </Field>
          {s.feedback}
          {linked !== null && <p className="notice" role="status">{t('inc.assets.linked', { n: linked })}</p>}
          <div className="actions"><button type="submit" disabled={s.busy}>{t('inc.assets.linkButton')}</button></div>
        </form>
      )}
    </Section>
  );
}

function Playbooks({ d, perms, onDone }: { d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t } = useI18n();
  const [all] = useLoad(() => (perms.csirt ? api<{ items: Playbook[] }>('GET', '/playbooks') : Promise.resolve({ items: [] as Playbook[] })), [perms.csirt]);
  const [pick, setPick] = useState('');
  const s = useSubmit(['playbookId']);
  const attached = new Set(d.playbooks.map((r) => r.key));
  const free = all.state === 'ok' ? all.data.items.filter((p) => !attached.has(p.key)) : [];
  return (
    <Section title={t('inc.playbooks')} testId="incident-playbooks">
      {d.playbooks.length === 0 && <p className="muted">{t('inc.playbooks.none')}</p>}
      {d.playbooks.map((r) => <RunView key={r.id} run={r} d={d} perms={perms} onDone={onDone} />)}
      {perms.csirt && free.length > 0 && (
        <form className="admin-form" noValidate onSubmit={(e) => {
          e.preventDefault();
          void s.submit({ playbookId: pick === '' ? 'inc.playbooks.needPick' : null }, async () => {
            await api('POST', `/incidents/${d.incident.id}/playbooks`, { playbookId: pick });
            setPick('');
            onDone();
          });
        }}>
          <Field label={t('inc.playbooks.attach')} error={s.fieldError('playbookId')}>
            <select name="playbookId" value={pick} onChange={(e) => setPick(e.target.value)} {...s.field('playbookId')}>
              <option value="">{t('inc.playbooks.choose')}</option>
              {free.map((p) => <option key={p.id} value={p.id}>{p.definition.title.id}</option>)}
            </select>
          </Field>
          {s.feedback}
          <div className="actions"><button type="submit" disabled={s.busy}>{t('inc.playbooks.attachButton')}</button></div>
        </form>
      )}
    </Section>
  );
}

function RunView({ run, d, perms, onDone }: { run: Run; d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, lang } = useI18n();
  const done = run.steps.filter((s) => s.status === 'done').length;
  // The printable card marks the branches the reports' symptoms select.
  const symptoms = [...new Set(d.reports.flatMap((r) => r.symptoms))].map((x) => `&symptoms=${encodeURIComponent(x)}`).join('');
  return (
    <div className="run" data-run={run.key}>
      <h3>{run.title[lang]} <span className="muted small">{t('inc.playbooks.version', { version: run.version })} · {t('inc.playbooks.progress', { done, total: run.steps.length })}{run.requiredDone && ` · ${t('inc.playbooks.requiredDone')}`}</span></h3>
      {PLAYBOOK_ROLES.map((role) => {
        const steps = run.steps.filter((s) => s.role === role);
        if (steps.length === 0) return null;
        return (
          <details key={role} className="role-steps" open={role !== 'reporter'} data-role={role}>
            <summary>{t(`pb.role.${role}`)} <span className="muted small">{t('inc.playbooks.progress', { done: steps.filter((s) => s.status === 'done').length, total: steps.length })}</span></summary>
            <p className="small"><a href={`/api/v1/playbooks/${run.playbookId}/card.pdf?role=${role}&lang=${lang}${symptoms}`} target="_blank" rel="noopener noreferrer" data-testid="role-card-pdf">{t('inc.playbooks.card')}</a></p>
            <ol className="steps inc-steps">{steps.map((s) => <StepView key={s.id} step={s} run={run} d={d} perms={perms} onDone={onDone} />)}</ol>
          </details>
        );
      })}
    </div>
  );
}

function StepView({ step, run, d, perms, onDone }: { step: RunStep; run: Run; d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, lang, fmtDate } = useI18n();
  const [note, setNote] = useState('');
  const s = useSubmit(['stepId', 'note', 'networkId']);
  const canTick = step.status === 'ready' && (step.role === 'city-csirt' ? perms.csirt : perms.triage);
  const tick = () => s.submit({ note: textProblem(note, 2000, null) }, async () => {
    await api<Run>('POST', `/incidents/${d.incident.id}/steps`, { runId: run.id, stepId: step.id, ...(note.trim() !== '' ? { note: note.trim() } : {}) });
    setNote('');
    onDone();
  });
  const scan = () => s.submit(null, async () => {
    await api('POST', `/incidents/${d.incident.id}/scan`, { runId: run.id, stepId: step.id });
    onDone();
  });
  const scanOf = d.scans.find((x) => x.stepId === step.id);
  return (
    <li className={`step st-${step.status}`} data-step={step.id} data-status={step.status}>
      <div className="step-head">
        <strong>{step.title[lang]}</strong>
        <span className={`step-status ss-${step.status}`}>{named(t, 'inc.stepStatus.', step.status)}</span>
        {step.required && <span className="badge">{t('pb.required')}</span>}
      </div>
      {step.detail[lang] !== '' && <p className="small">{step.detail[lang]}</p>}
      {step.branches.map((b, i) => <p key={i} className="small branch">{t('inc.playbooks.when', { when: b.when[lang] })} → {b.do[lang]}</p>)}
      {step.evidence !== null && <p className="muted small">{t('inc.playbooks.evidence', { what: step.evidence[lang] })}</p>}
      {step.status === 'done' && <p className="small" data-testid="step-done">{t('inc.playbooks.doneBy', { who: step.doneBy ?? '', at: step.doneAt === null ? '' : fmtDate(step.doneAt) })}{step.note !== null && ` — ${step.note}`}</p>}
      {step.status === 'blocked' && <p className="muted small">{t('inc.playbooks.after', { steps: step.after.map((a) => run.steps.find((x) => x.id === a)?.title[lang] ?? a).join('; ') })}</p>}
      {(scanOf !== undefined || step.scanJobId !== null) && (
        <p className="small" data-testid="step-scan">
          <Link to={`/scans/${scanOf?.jobId ?? step.scanJobId}`}>{t('inc.playbooks.scanJob')}</Link>
          {scanOf !== undefined && ` · ${named(t, 'inc.scanStatus.', scanOf.status)}${scanOf.resultRecordedAt !== null ? ` · ${t('inc.playbooks.scanRecorded')}` : ''}`}
        </p>
      )}
      {canTick && (
        <div className="tick">
          <input name={`note-${step.id}`} aria-label={t('inc.playbooks.note')} placeholder={t('inc.playbooks.note')} value={note} onChange={(e) => setNote(e.target.value)} />
          {step.action === 'scan-ransomware' && <button type="button" className="primary" disabled={s.busy} onClick={() => void scan()} data-testid="step-scan-start">{t('inc.playbooks.startScan')}</button>}
          <button type="button" disabled={s.busy} onClick={() => void tick()} data-testid="step-tick">{t('inc.playbooks.tick')}</button>
        </div>
      )}
      {s.feedback}
    </li>
  );
}

function TimelineCard({ id, items, perms, onDone }: { id: string; items: TimelineEntry[]; perms: Perms; onDone: () => void }) {
  const { t, lang, fmtDate } = useI18n();
  const [text, setText] = useState('');
  const [include, setInclude] = useState(true);
  const s = useSubmit(['text']);
  const toggle = async (e: TimelineEntry) => {
    await api('POST', `/incidents/${id}/timeline/include`, { entryId: e.id, includeInReport: !e.includeInReport });
    onDone();
  };
  return (
    <Section title={t('inc.timeline')} testId="incident-timeline">
      <ol className="timeline">
        {items.map((e) => (
          <li key={e.id} data-kind={e.kind}>
            <small className="muted">{fmtDate(e.at)} · {e.tz} · {named(t, 'inc.source.', e.source)} · {named(t, 'inc.kind.', e.kind)}{e.actor !== null && ` · ${e.actor}`}</small>
            <p>{e.text[lang]}</p>
            {perms.triage
              ? <label className="check small"><input type="checkbox" checked={e.includeInReport} onChange={() => void toggle(e)} />{t('inc.timeline.include')}</label>
              : (e.includeInReport ? <span className="muted small">{t('inc.timeline.included')}</span> : null)}
          </li>
        ))}
      </ol>
      {perms.triage && (
        <form className="admin-form" noValidate data-testid="timeline-form" onSubmit={(e) => {
          e.preventDefault();
          void s.submit({ text: textProblem(text, 4000, 'inc.timeline.need') }, async () => {
            await api('POST', `/incidents/${id}/timeline`, { text: text.trim(), includeInReport: include });
            setText('');
            onDone();
          });
        }}>
          <Field label={t('inc.timeline.note')} error={s.fieldError('text')}><textarea name="text" rows={2} value={text} onChange={(e) => setText(e.target.value)} {...s.field('text')} /></Field>
          <label className="check"><input type="checkbox" checked={include} onChange={(e) => setInclude(e.target.checked)} />{t('inc.timeline.include')}</label>
          {s.feedback}
          <div className="actions"><button type="submit" disabled={s.busy}>{t('inc.timeline.add')}</button></div>
        </form>
      )}
    </Section>
  );
}

/** The documents the API serves for this incident (docs/incidents.md "Documents"). */
function Documents({ d }: { d: IncidentDetail }) {
  const { t, lang } = useI18n();
  const base = `/api/v1/incidents/${d.incident.id}`;
  const types: { type: string; key: MessageKey }[] = [
    { type: 'initial', key: 'inc.docs.initial' }, { type: 'update', key: 'inc.docs.update' }, ...(d.incident.phase === 'closed' ? [{ type: 'final', key: 'inc.docs.final' as MessageKey }] : []),
  ];
  return (
    <Section title={t('inc.docs')} testId="incident-documents">
      <ul>
        {types.map((x) => (
          <li key={x.type} data-doc={x.type}>
            <a href={`${base}/bssn-report.pdf?type=${x.type}&lang=${lang}`} target="_blank" rel="noopener noreferrer">{t(x.key)}</a>
            {' · '}<a className="small" href={`${base}/bssn-report?type=${x.type}`} target="_blank" rel="noopener noreferrer">{t('inc.docs.json')}</a>
          </li>
        ))}
        {d.incident.personalData && (
          <li data-doc="pdp">
            <a href={`${base}/pdp-notice.pdf?lang=${lang}`} target="_blank" rel="noopener noreferrer">{t('inc.docs.pdp')}</a>
            {' · '}<a className="small" href={`${base}/pdp-notice`} target="_blank" rel="noopener noreferrer">{t('inc.docs.json')}</a>
          </li>
        )}
      </ul>
    </Section>
  );
}

function Regulatory({ d, perms, onDone }: { d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, fmtDate } = useI18n();
  const [kind, setKind] = useState<string>('bssn-initial');
  const [to, setTo] = useState('');
  const [reference, setReference] = useState('');
  const s = useSubmit(['kind', 'to', 'reference', 'personalData']);
  if (!d.incident.vital && !d.incident.personalData && d.regulatory.length === 0) return null;
  return (
    <Section title={t('inc.regulatory')} testId="incident-regulatory">
      {d.regulatory.length === 0 ? <p className="muted">{t('inc.regulatory.none')}</p> : (
        <ul>{d.regulatory.map((r) => <li key={r.id}>{named(t, 'inc.regKind.', r.kind)} · {fmtDate(r.sentAt)} · {r.to}{r.reference !== null && ` · ${r.reference}`} · {r.sentBy}</li>)}</ul>
      )}
      {perms.csirt && (
        <form className="admin-form" noValidate onSubmit={(e) => {
          e.preventDefault();
          void s.submit({ to: textProblem(to, 300, 'inc.regulatory.needTo'), reference: textProblem(reference, 200, null) }, async () => {
            await api('POST', `/incidents/${d.incident.id}/regulatory`, { kind, to: to.trim(), ...(reference.trim() !== '' ? { reference: reference.trim() } : {}) });
            setTo('');
            setReference('');
            onDone();
          });
        }}>
          <Field label={t('inc.regulatory.kind')} error={s.fieldError('kind')}>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)} {...s.field('kind')}>
              {REGULATORY_KINDS.map((k) => <option key={k} value={k}>{t(`inc.regKind.${k}`)}</option>)}
            </select>
          </Field>
          <Field label={t('inc.regulatory.to')} error={s.fieldError('to')}><input name="to" value={to} onChange={(e) => setTo(e.target.value)} {...s.field('to')} /></Field>
          <Field label={t('inc.regulatory.reference')} error={s.fieldError('reference')}><input name="reference" value={reference} onChange={(e) => setReference(e.target.value)} {...s.field('reference')} /></Field>
          {s.fieldError('personalData')}
          {s.feedback}
          <div className="actions"><button type="submit" disabled={s.busy}>{t('inc.regulatory.record')}</button></div>
        </form>
      )}
    </Section>
  );
}

function Countermeasures({ d, perms, onDone }: { d: IncidentDetail; perms: Perms; onDone: () => void }) {
  const { t, fmtDate } = useI18n();
  const [kind, setKind] = useState<string>('block-port');
  const [target, setTarget] = useState('');
  const [device, setDevice] = useState('');
  const s = useSubmit(['kind', 'target', 'device']);
  const remove = async (countermeasureId: string) => {
    await api('POST', `/incidents/${d.incident.id}/countermeasures/remove`, { countermeasureId });
    onDone();
  };
  return (
    <Section title={t('inc.counter')} testId="incident-countermeasures">
      {d.countermeasures.length === 0 ? <p className="muted">{t('inc.counter.none')}</p> : (
        <ul>
          {d.countermeasures.map((c) => (
            <li key={c.id}>
              {named(t, 'inc.counterKind.', c.kind)} · {c.target}{c.device !== null && ` @ ${c.device}`} · {c.appliedBy} · {fmtDate(c.appliedAt)}
              {c.removedAt !== null ? ` · ${t('inc.counter.removedAt', { at: fmtDate(c.removedAt) })}` : perms.triage && <> <button type="button" className="link" onClick={() => void remove(c.id)}>{t('inc.counter.remove')}</button></>}
            </li>
          ))}
        </ul>
      )}
      {perms.triage && (
        <form className="admin-form" noValidate onSubmit={(e) => {
          e.preventDefault();
          void s.submit({ target: textProblem(target, 200, 'inc.counter.needTarget'), device: textProblem(device, 200, null) }, async () => {
            await api('POST', `/incidents/${d.incident.id}/countermeasures`, { kind, target: target.trim(), ...(device.trim() !== '' ? { device: device.trim() } : {}) });
            setTarget('');
            setDevice('');
            onDone();
          });
        }}>
          <Field label={t('inc.counter.kind')} error={s.fieldError('kind')}>
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value)} {...s.field('kind')}>
              {COUNTERMEASURE_KINDS.map((k) => <option key={k} value={k}>{t(`inc.counterKind.${k}`)}</option>)}
            </select>
          </Field>
          <Field label={t('inc.counter.target')} error={s.fieldError('target')}><input name="target" value={target} onChange={(e) => setTarget(e.target.value)} placeholder={t('inc.counter.targetHint')} {...s.field('target')} /></Field>
          <Field label={t('inc.counter.device')} error={s.fieldError('device')}><input name="device" value={device} onChange={(e) => setDevice(e.target.value)} {...s.field('device')} /></Field>
          {s.feedback}
          <div className="actions"><button type="submit" disabled={s.busy}>{t('inc.counter.add')}</button></div>
        </form>
      )}
    </Section>
  );
}
