// Playbooks (/playbooks, /playbooks/:id, /playbooks/new; docs/incidents.md "Playbooks"): the list of the
// latest versions, and the editor — every part of a definition as form fields (never a raw JSON text
// box): key, titles and description in both languages, the conditions that attach it, the ordered
// steps (role, texts, required, the earlier steps it follows, evidence prompt, action, branches,
// sources) and the sources. Saving stores the next version (running incidents keep theirs); the
// browser checks the rules of src/domain/playbook.ts validatePlaybook first, the API checks them again.
import { useState } from 'react';
import type { ReactNode } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { named, PLAYBOOKS } from '../incident-labels';
import { ASSET_KINDS, CLASSIFICATIONS, PLAYBOOK_ROLES, STEP_ACTIONS, SYMPTOMS } from '../incidents-api';
import type { Bi, Playbook, PlaybookDefinition, PlaybookRole, Source, Step } from '../incidents-api';
import { Link, navigate } from '../router';
import { Show, useLoad, useSubmit } from '../ui';
import { IncidentTabs } from './Incidents';

export function PlaybooksPage({ canEdit }: { canEdit: boolean }) {
  const { t, lang, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: Playbook[] }>('GET', '/playbooks'), []);
  return (
    <>
      <div className="page-head"><h1>{t('pb.title')}</h1><p className="muted">{t('pb.intro')}</p></div>
      <IncidentTabs active="playbooks" />
      {canEdit && <p><Link to={`${PLAYBOOKS}/new`} className="button" data-testid="playbook-new">{t('pb.new')}</Link></p>}
      <Show value={value} retry={retry}>
        {(d) => (
          <div className="table-wrap card">
            <table data-testid="playbook-list">
              <thead><tr><th>{t('pb.name')}</th><th>{t('pb.version')}</th><th>{t('pb.steps')}</th><th>{t('pb.conditions')}</th><th>{t('pb.savedBy')}</th></tr></thead>
              <tbody>
                {d.items.map((p) => (
                  <tr key={p.id}>
                    <td><Link to={`${PLAYBOOKS}/${p.id}`}>{p.definition.title[lang]}</Link></td>
                    <td>{p.version}</td>
                    <td>{p.definition.steps.length}</td>
                    <td>{p.definition.conditions.classifications.map((c) => classLabel(t, c)).join('; ') || t('pb.anyClass')}</td>
                    <td>{p.createdBy} · {fmtDate(p.createdAt)}</td>
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

/** A classification or a prefix pattern (`malicious-code:*`, `*`) in words. */
function classLabel(t: ReturnType<typeof useI18n>['t'], c: string): string {
  if (c === '*') return t('pb.anyClass');
  if (c.endsWith(':*')) return t('pb.classPrefix', { group: named(t, 'inc.classGroup.', c.slice(0, -2)) });
  return named(t, 'inc.class.', c);
}

const EMPTY: PlaybookDefinition = {
  key: '', title: { id: '', en: '' }, description: { id: '', en: '' }, conditions: { classifications: [], assetKinds: [] },
  steps: [{ id: 'langkah-1', role: 'city-csirt', title: { id: '', en: '' }, detail: { id: '', en: '' }, required: true, after: [], evidence: null, action: null, branches: [], sources: [] }], sources: [],
};

/** `justSaved`: the page was reached by saving (the new version's id is in the address). */
export function PlaybookEditorPage({ id, canEdit, justSaved }: { id: string | null; canEdit: boolean; justSaved: boolean }) {
  const [value, retry] = useLoad(() => (id === null ? Promise.resolve(null) : api<Playbook>('GET', `/playbooks/${id}`)), [id]);
  return (
    <Show value={value} retry={retry}>
      {(p) => <Editor key={p?.id ?? 'new'} saved={p} canEdit={canEdit} justSaved={justSaved} />}
    </Show>
  );
}

const KEY = /^[a-z0-9][a-z0-9-]{1,62}$/;
const CLASS_PATTERN = /^[a-z-]+(:[a-z0-9-]+|:\*)?$|^\*$/;

/** The rules of validatePlaybook (src/domain/playbook.ts), as the problems of the form's fields. */
function check(def: PlaybookDefinition): Record<string, MessageKey | null> {
  const p: Record<string, MessageKey | null> = {};
  const both = (x: Bi) => x.id.trim() !== '' && x.en.trim() !== '';
  p['key'] = KEY.test(def.key) ? null : 'pb.bad.key';
  p['title'] = both(def.title) ? null : 'pb.bad.bothLanguages';
  const keys = new Set<string>();
  for (const [i, s] of def.sources.entries()) {
    p[`source-${i}`] = !KEY.test(s.key) || keys.has(s.key) ? 'pb.bad.sourceKey' : s.title.trim() === '' ? 'pb.bad.sourceTitle' : s.url !== null && s.url !== '' && !/^https?:\/\/\S+$/.test(s.url) ? 'pb.bad.url' : null;
    keys.add(s.key);
  }
  p['steps'] = def.steps.length === 0 ? 'pb.bad.noSteps' : def.steps.length > 100 ? 'pb.bad.tooManySteps' : null;
  const ids = new Set<string>();
  for (const [i, s] of def.steps.entries()) {
    let m: MessageKey | null = null;
    if (!KEY.test(s.id)) m = 'pb.bad.stepId';
    else if (ids.has(s.id)) m = 'pb.bad.stepTwice';
    else if (!both(s.title)) m = 'pb.bad.bothLanguages';
    else if (s.after.some((a) => !ids.has(a))) m = 'pb.bad.after';
    else if (s.evidence !== null && (s.evidence.id.trim() !== '' || s.evidence.en.trim() !== '') && !both(s.evidence)) m = 'pb.bad.bothLanguages';
    else if (s.branches.some((b) => !both(b.when) || !both(b.do))) m = 'pb.bad.branch';
    ids.add(s.id);
    p[`step-${i}`] = m;
  }
  p['conditions'] = def.conditions.classifications.every((c) => CLASS_PATTERN.test(c)) && def.conditions.assetKinds.every((k) => KEY.test(k)) ? null : 'pb.bad.conditions';
  return p;
}

/** The definition as the API takes it: empty optional texts become null, evidence with no text is none. */
function clean(def: PlaybookDefinition): PlaybookDefinition {
  return {
    ...def, key: def.key.trim(),
    sources: def.sources.map((s) => ({ key: s.key.trim(), title: s.title.trim(), url: s.url === null || s.url.trim() === '' ? null : s.url.trim() })),
    steps: def.steps.map((s) => ({ ...s, id: s.id.trim(), evidence: s.evidence === null || (s.evidence.id.trim() === '' && s.evidence.en.trim() === '') ? null : s.evidence })),
  };
}

function BiField({ label, value, onChange, rows, name, disabled }: { label: string; value: Bi; onChange: (v: Bi) => void; rows?: number; name: string; disabled: boolean }) {
  const { t } = useI18n();
  // Each field in its language (spelling checks, screen readers).
  const input = (lang: 'id' | 'en') => rows === undefined
    ? <input name={`${name}.${lang}`} lang={lang} value={value[lang]} disabled={disabled} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />
    : <textarea name={`${name}.${lang}`} lang={lang} rows={rows} value={value[lang]} disabled={disabled} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />;
  return (
    <fieldset className="bi">
      <legend>{label}</legend>
      <label>{t('pb.inIndonesian')}{input('id')}</label>
      <label>{t('pb.inEnglish')}{input('en')}</label>
    </fieldset>
  );
}

function Editor({ saved, canEdit, justSaved }: { saved: Playbook | null; canEdit: boolean; justSaved: boolean }) {
  const { t, lang, fmtDate } = useI18n();
  const [def, setDef] = useState<PlaybookDefinition>(saved?.definition ?? EMPTY);
  const [classes, setClasses] = useState(def.conditions.classifications.join(', '));
  const s = useSubmit(['key', 'title', 'steps', 'sources', 'conditions']);
  const [result, setResult] = useState<Playbook | null>(justSaved ? saved : null);
  const ro = !canEdit;
  const set = (f: (d: PlaybookDefinition) => PlaybookDefinition) => {
    s.edited();
    setResult(null);
    setDef(f);
  };
  const setStep = (i: number, f: (x: Step) => Step) => set((d) => ({ ...d, steps: d.steps.map((x, j) => (j === i ? f(x) : x)) }));
  const move = (i: number, by: number) => set((d) => {
    const steps = [...d.steps];
    const [x] = steps.splice(i, 1);
    steps.splice(i + by, 0, x!);
    // A step may only follow earlier steps: a move drops dependencies that are no longer earlier.
    return { ...d, steps: steps.map((st, j) => ({ ...st, after: st.after.filter((a) => steps.slice(0, j).some((e) => e.id === a)) })) };
  });
  const removeStep = (i: number) => set((d) => {
    const gone = d.steps[i]!.id;
    return { ...d, steps: d.steps.filter((_, j) => j !== i).map((st) => ({ ...st, after: st.after.filter((a) => a !== gone) })) };
  });
  const addStep = () => set((d) => ({ ...d, steps: [...d.steps, { ...EMPTY.steps[0]!, id: `langkah-${d.steps.length + 1}` }] }));
  const setSource = (i: number, f: (x: Source) => Source) => set((d) => ({ ...d, sources: d.sources.map((x, j) => (j === i ? f(x) : x)) }));

  const withClasses = (d: PlaybookDefinition): PlaybookDefinition => ({ ...d, conditions: { ...d.conditions, classifications: classes.split(',').map((x) => x.trim()).filter((x) => x !== '') } });
  const problems = check(withClasses(clean(def)));
  const save = () => s.submit(Object.values(problems).some((x) => x !== null) ? { ...problems, '': 'pb.bad.fix' } : null, async () => {
    const r = await api<Playbook>('POST', '/playbooks', { definition: withClasses(clean(def)) });
    // The new version has its own id: its page, saying it was just saved.
    navigate(`${PLAYBOOKS}/${r.id}?saved=1`, true);
  });
  const problem = (name: string) => {
    const k = problems[name];
    return s.problems[name] !== undefined && s.problems[name] !== null && k !== null && k !== undefined ? <small className="field-error" role="alert" data-testid={`error-${name}`}>{t(k)}</small> : null;
  };
  const toggleIn = (xs: readonly string[], x: string) => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);
  const sourceKeys = def.sources.map((x) => x.key).filter((k) => k !== '');

  return (
    <>
      <p><Link to={PLAYBOOKS}>{t('pb.back')}</Link></p>
      <div className="page-head">
        <h1>{saved === null ? t('pb.newTitle') : t('pb.editTitle', { title: saved.definition.title[lang] })}</h1>
        {saved !== null && <p className="muted">{t('pb.savedVersion', { version: saved.version, by: saved.createdBy, at: fmtDate(saved.createdAt) })}</p>}
        <p className="muted small">{t('pb.versionHint')}</p>
        {saved !== null && <p><a href={`/api/v1/playbooks/${saved.id}/card.pdf?lang=${lang}`} target="_blank" rel="noopener noreferrer">{t('pb.cards')}</a></p>}
      </div>
      <form className="playbook-editor" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }} data-testid="playbook-editor">
        <section className="card admin-form">
          <h2>{t('pb.general')}</h2>
          <label>{t('pb.key')}<input name="key" value={def.key} disabled={ro || saved !== null} onChange={(e) => set((d) => ({ ...d, key: e.target.value }))} aria-invalid={problem('key') !== null} /></label>
          {problem('key')}
          <p className="muted small">{t('pb.keyHint')}</p>
          <BiField name="title" label={t('pb.titleField')} value={def.title} disabled={ro} onChange={(v) => set((d) => ({ ...d, title: v }))} />
          {problem('title')}
          <BiField name="description" label={t('pb.description')} rows={3} value={def.description} disabled={ro} onChange={(v) => set((d) => ({ ...d, description: v }))} />
        </section>

        <section className="card admin-form">
          <h2>{t('pb.conditions')}</h2>
          <p className="muted small">{t('pb.conditionsHint')}</p>
          <fieldset className="checks">
            <legend>{t('pb.classifications')}</legend>
            {CLASSIFICATIONS.map((c) => {
              const list = classes.split(',').map((x) => x.trim()).filter((x) => x !== '');
              return <label key={c} className="check"><input type="checkbox" disabled={ro} checked={list.includes(c)} onChange={() => { s.edited(); setClasses(toggleIn(list, c).join(', ')); }} />{t(`inc.class.${c}`)}</label>;
            })}
          </fieldset>
          <label>{t('pb.classPatterns')}<input name="classifications" value={classes} disabled={ro} onChange={(e) => { s.edited(); setClasses(e.target.value); }} /></label>
          <small className="muted">{t('pb.classPatternsHint')}</small>
          <fieldset className="checks">
            <legend>{t('pb.assetKinds')}</legend>
            {ASSET_KINDS.map((k) => <label key={k} className="check"><input type="checkbox" disabled={ro} checked={def.conditions.assetKinds.includes(k)} onChange={() => set((d) => ({ ...d, conditions: { ...d.conditions, assetKinds: toggleIn(d.conditions.assetKinds, k) } }))} />{t(`pb.assetKind.${k}`)}</label>)}
          </fieldset>
          {problem('conditions')}
        </section>

        <section className="card">
          <h2>{t('pb.steps')}</h2>
          {problem('steps')}
          <ol className="edit-steps">
            {def.steps.map((st, i) => (
              <li key={i} className="edit-step" data-step-index={i}>
                <fieldset className="admin-form">
                  <legend>{t('pb.stepN', { n: i + 1 })}</legend>
                  <label>{t('pb.stepId')}<input name={`steps.${i}.id`} value={st.id} disabled={ro} onChange={(e) => setStep(i, (x) => ({ ...x, id: e.target.value }))} /></label>
                  <label>{t('pb.role')}
                    <select name={`steps.${i}.role`} value={st.role} disabled={ro} onChange={(e) => setStep(i, (x) => ({ ...x, role: e.target.value as PlaybookRole }))}>
                      {PLAYBOOK_ROLES.map((r) => <option key={r} value={r}>{t(`pb.role.${r}`)}</option>)}
                    </select>
                  </label>
                  <label>{t('pb.action')}
                    <select name={`steps.${i}.action`} value={st.action ?? ''} disabled={ro} onChange={(e) => setStep(i, (x) => ({ ...x, action: e.target.value === '' ? null : e.target.value }))}>
                      <option value="">{t('pb.action.none')}</option>
                      {STEP_ACTIONS.map((a) => <option key={a} value={a}>{t(`pb.action.${a}`)}</option>)}
                    </select>
                  </label>
                  <label className="check"><input type="checkbox" name={`steps.${i}.required`} checked={st.required} disabled={ro} onChange={(e) => setStep(i, (x) => ({ ...x, required: e.target.checked }))} />{t('pb.required')}</label>
                  <BiField name={`steps.${i}.title`} label={t('pb.stepTitle')} value={st.title} disabled={ro} onChange={(v) => setStep(i, (x) => ({ ...x, title: v }))} />
                  <BiField name={`steps.${i}.detail`} label={t('pb.stepDetail')} rows={2} value={st.detail} disabled={ro} onChange={(v) => setStep(i, (x) => ({ ...x, detail: v }))} />
                  <BiField name={`steps.${i}.evidence`} label={t('pb.evidence')} value={st.evidence ?? { id: '', en: '' }} disabled={ro} onChange={(v) => setStep(i, (x) => ({ ...x, evidence: v }))} />
                  {i > 0 && (
                    <fieldset className="checks">
                      <legend>{t('pb.after')}</legend>
                      {def.steps.slice(0, i).map((e) => <label key={e.id} className="check"><input type="checkbox" disabled={ro} checked={st.after.includes(e.id)} onChange={() => setStep(i, (x) => ({ ...x, after: toggleIn(x.after, e.id) }))} />{e.title[lang] || e.id}</label>)}
                    </fieldset>
                  )}
                  {sourceKeys.length > 0 && (
                    <fieldset className="checks">
                      <legend>{t('pb.stepSources')}</legend>
                      {sourceKeys.map((k) => <label key={k} className="check"><input type="checkbox" disabled={ro} checked={st.sources.includes(k)} onChange={() => setStep(i, (x) => ({ ...x, sources: toggleIn(x.sources, k) }))} />{def.sources.find((x) => x.key === k)?.title ?? k}</label>)}
                    </fieldset>
                  )}
                  <Branches step={st} ro={ro} onChange={(branches) => setStep(i, (x) => ({ ...x, branches }))} />
                  {problem(`step-${i}`)}
                  {!ro && (
                    <div className="actions tight">
                      <button type="button" disabled={i === 0} onClick={() => move(i, -1)}>{t('pb.up')}</button>
                      <button type="button" disabled={i === def.steps.length - 1} onClick={() => move(i, 1)}>{t('pb.down')}</button>
                      <button type="button" className="danger" disabled={def.steps.length === 1} onClick={() => removeStep(i)}>{t('pb.removeStep')}</button>
                    </div>
                  )}
                </fieldset>
              </li>
            ))}
          </ol>
          {!ro && <button type="button" onClick={addStep} data-testid="add-step">{t('pb.addStep')}</button>}
        </section>

        <section className="card">
          <h2>{t('pb.sources')}</h2>
          {def.sources.map((src, i) => (
            <div key={i} className="admin-form source-row">
              <label>{t('pb.sourceKey')}<input name={`sources.${i}.key`} value={src.key} disabled={ro} onChange={(e) => setSource(i, (x) => ({ ...x, key: e.target.value }))} /></label>
              <label>{t('pb.sourceTitle')}<input name={`sources.${i}.title`} value={src.title} disabled={ro} onChange={(e) => setSource(i, (x) => ({ ...x, title: e.target.value }))} /></label>
              <label>{t('pb.sourceUrl')}<input name={`sources.${i}.url`} type="url" value={src.url ?? ''} disabled={ro} onChange={(e) => setSource(i, (x) => ({ ...x, url: e.target.value }))} /></label>
              {problem(`source-${i}`)}
              {!ro && <div className="actions tight"><button type="button" className="danger" onClick={() => set((d) => ({ ...d, sources: d.sources.filter((_, j) => j !== i), steps: d.steps.map((st) => ({ ...st, sources: st.sources.filter((k) => k !== src.key) })) }))}>{t('pb.removeSource')}</button></div>}
            </div>
          ))}
          {!ro && <button type="button" onClick={() => set((d) => ({ ...d, sources: [...d.sources, { key: '', title: '', url: null }] }))}>{t('pb.addSource')}</button>}
        </section>

        {s.feedback}
        {result !== null && <p className="notice" role="status" data-testid="playbook-saved">{t('pb.saved', { version: result.version })}</p>}
        {canEdit && <div className="actions sticky"><button type="submit" className="primary" disabled={s.busy} data-testid="playbook-save">{t('pb.save')}</button></div>}
      </form>
    </>
  );
}

function Branches({ step, ro, onChange }: { step: Step; ro: boolean; onChange: (b: Step['branches']) => void }) {
  const { t } = useI18n();
  const set = (i: number, f: (b: Step['branches'][number]) => Step['branches'][number]) => onChange(step.branches.map((b, j) => (j === i ? f(b) : b)));
  const body: ReactNode = step.branches.map((b, i) => (
    <div key={i} className="branch-edit">
      <BiField name={`branch.${i}.when`} label={t('pb.branchWhen')} value={b.when} disabled={ro} onChange={(v) => set(i, (x) => ({ ...x, when: v }))} />
      <BiField name={`branch.${i}.do`} label={t('pb.branchDo')} value={b.do} disabled={ro} onChange={(v) => set(i, (x) => ({ ...x, do: v }))} />
      <fieldset className="checks">
        <legend>{t('pb.branchSymptoms')}</legend>
        {SYMPTOMS.map((sy) => <label key={sy} className="check"><input type="checkbox" disabled={ro} checked={b.symptoms.includes(sy)} onChange={() => set(i, (x) => ({ ...x, symptoms: x.symptoms.includes(sy) ? x.symptoms.filter((y) => y !== sy) : [...x.symptoms, sy] }))} />{t(`lapor.symptom.${sy}`)}</label>)}
      </fieldset>
      {!ro && <button type="button" className="link danger" onClick={() => onChange(step.branches.filter((_, j) => j !== i))}>{t('pb.removeBranch')}</button>}
    </div>
  ));
  return (
    <fieldset className="branches">
      <legend>{t('pb.branches')}</legend>
      {body}
      {!ro && <button type="button" onClick={() => onChange([...step.branches, { when: { id: '', en: '' }, do: { id: '', en: '' }, symptoms: [] }])}>{t('pb.addBranch')}</button>}
    </fieldset>
  );
}
