// Compose a circular (docs/circulars.md "Compose"): copy a template (the 2017 WannaCry circular ships as
// one) and edit every part of the letter and every checklist item as form fields — never a JSON box —
// then save the draft. A draft saved is edited in place; a sent circular saved becomes a new version
// that asks every agency to acknowledge again. Sending and the PDF preview are on the circular's page.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api } from '../api';
import type { Agency } from '../api';
import { AGENCY_KINDS } from '../api';
import {
  circulars, CLASSIFICATIONS, EVIDENCE_KINDS, GUIDANCE_ROLES, REMEDIATIONS, SCAN_RULES, URGENCIES,
} from '../circulars-api';
import type { Audience, Bi, ChecklistItem, Circular, CircularContent, ScanRule, Template } from '../circulars-api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { checkName } from '../labels';
import { Link, navigate } from '../router';
import { Field, Show, useLoad, useSubmit } from '../ui';
import { BiField, key, useBi } from './circular-parts';

const EMPTY: Bi = { id: '', en: '' };
const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Placeholders the templates leave for the office ("[NAMA KOTA]"; src/domain/circulars/wannacry-2017.ts PLACEHOLDER). */
const PLACEHOLDER = /\[[A-Z][A-Z /]+\]/;

function newItem(n: number): ChecklistItem {
  return {
    code: `butir-${n}`, title: { ...EMPTY }, guidance: {}, applicability: null, remediation: 'mitigation', evidence: 'none', dueAfterHours: 72, dueAt: null,
    required: true, verification: { mode: 'attest' },
  };
}

/** datetime-local ↔ ISO, in the browser's time zone. */
function toLocal(iso: string | null): string {
  if (iso === null || iso === '') return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocal(v: string): string | null {
  return v === '' ? null : new Date(v).toISOString();
}

/** /circulars/new (from a template) or /circulars/:id/edit. */
export function ComposePage({ circularId, templateId }: { circularId?: string; templateId?: string | null }) {
  const { t } = useI18n();
  const bi = useBi();
  const [value, retry] = useLoad(async () => {
    const [agencies, templates, circular] = await Promise.all([
      api<{ items: Agency[] }>('GET', '/agencies'),
      circularId === undefined ? circulars.templates() : Promise.resolve({ items: [] as Template[] }),
      circularId === undefined ? Promise.resolve(null) : circulars.get(circularId),
    ]);
    return { agencies: agencies.items.filter((a) => a.retiredAt === null), templates: templates.items, circular };
  }, [circularId, templateId]);
  return (
    <section>
      <div className="page-head">
        <p><Link to={circularId === undefined ? '/circulars' : `/circulars/${encodeURIComponent(circularId)}`}>{t('common.back')}</Link></p>
        <h1>{circularId === undefined ? t('circ.compose.title') : t('circ.compose.editTitle')}</h1>
      </div>
      <Show value={value} retry={retry}>
        {(d) => {
          if (d.circular !== null) return <Composer key={d.circular.id} start={d.circular.content} circular={d.circular} templateId={null} agencies={d.agencies} />;
          const tpl = d.templates.find((x) => x.id === templateId) ?? d.templates.find((x) => x.key === 'wannacry-2017') ?? d.templates[0];
          if (tpl === undefined) return <p className="muted">{t('circ.noTemplates')}</p>;
          return (
            <>
              <div className="card">
                <label className="field">
                  <span>{t('circ.compose.template')}</span>
                  <select name="template" value={tpl.id} onChange={(e) => navigate(`/circulars/new?template=${encodeURIComponent(e.target.value)}`, true)}>
                    {d.templates.map((x) => <option key={x.id} value={x.id}>{bi(x.name)}</option>)}
                  </select>
                </label>
                <p className="muted small">{bi(tpl.description)}</p>
              </div>
              <Composer key={tpl.id} start={tpl.content} circular={null} templateId={tpl.id} agencies={d.agencies} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

const FIELDS = [
  'issuer', 'government', 'unit', 'address', 'phone', 'email', 'website', 'place', 'addressee', 'signatory', 'name', 'position', 'onBehalfOf', 'rank', 'nip',
  'classification', 'urgency', 'subject', 'sections', 'background', 'basis', 'instructions', 'closing', 'tembusan', 'lampiran', 'deadlines', 'audience',
  'agencyKinds', 'agencyIds', 'items', 'note', '',
];

function Composer({ start, circular, templateId, agencies }: { start: CircularContent; circular: Circular | null; templateId: string | null; agencies: readonly Agency[] }) {
  const { t } = useI18n();
  const [c, setC] = useState<CircularContent>(() => structuredClone(start));
  const [note, setNote] = useState('');
  const s = useSubmit(FIELDS);
  const set = <K extends keyof CircularContent>(k: K, v: CircularContent[K]) => {
    setC((x) => ({ ...x, [k]: v }));
    s.edited();
  };
  const placeholders = JSON.stringify({ ...c, audience: null }).match(new RegExp(PLACEHOLDER, 'g')) ?? [];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const badCode = c.items.findIndex((i) => !CODE.test(i.code));
    const dup = c.items.findIndex((i, n) => c.items.findIndex((j) => j.code === i.code) !== n);
    const noTitle = c.items.findIndex((i) => i.title.id.trim() === '' || i.title.en.trim() === '');
    return s.submit({
      subject: c.subject.id.trim() === '' || c.subject.en.trim() === '' ? 'circ.need.subject' : null,
      name: c.signatory.name.trim() === '' ? 'circ.need.signatory' : null,
      items: c.items.length === 0 ? 'circ.need.items' : badCode >= 0 ? { key: 'circ.bad.code', vars: { n: badCode + 1 } } : dup >= 0 ? { key: 'circ.bad.dupCode', vars: { n: dup + 1 } }
        : noTitle >= 0 ? { key: 'circ.need.itemTitle', vars: { n: noTitle + 1 } } : null,
      agencyIds: c.audience.kind === 'list' && c.audience.agencyIds.length === 0 ? 'circ.need.agencies' : null,
      agencyKinds: c.audience.kind === 'level' && c.audience.agencyKinds.length === 0 ? 'circ.need.kinds' : null,
    }, async () => {
      const saved = circular === null ? await circulars.create(c, templateId) : await circulars.update(circular.id, c, note.trim() === '' ? null : note.trim());
      navigate(`/circulars/${encodeURIComponent(saved.id)}`);
    });
  };

  const iss = c.issuer;
  const sig = c.signatory;
  const text = (label: MessageKey, v: string | null, on: (v: string) => void, name: string, opts: { max?: number; type?: string } = {}) => (
    <Field label={t(label)} error={s.fieldError(name)}>
      <input name={name} type={opts.type ?? 'text'} value={v ?? ''} maxLength={opts.max ?? 300} onChange={(e) => on(e.target.value)} {...s.field(name)} />
    </Field>
  );
  const orNull = (v: string) => (v.trim() === '' ? null : v);

  return (
    <form className="compose" onSubmit={(e) => void submit(e)} noValidate data-testid="compose-form">
      {placeholders.length > 0 && <p className="notice warn" data-testid="placeholders">{t('circ.compose.placeholders', { list: [...new Set(placeholders)].join(', ') })}</p>}

      <fieldset className="card">
        <legend>{t('circ.compose.kop')}</legend>
        <div className="grid2">
          {text('circ.f.government', iss.government, (v) => set('issuer', { ...iss, government: v }), 'government', { max: 200 })}
          {text('circ.f.unit', iss.unit, (v) => set('issuer', { ...iss, unit: v }), 'unit', { max: 200 })}
          {text('circ.f.address', iss.address, (v) => set('issuer', { ...iss, address: v }), 'address')}
          {text('circ.f.place', iss.place, (v) => set('issuer', { ...iss, place: v }), 'place', { max: 100 })}
          {text('circ.f.phone', iss.phone, (v) => set('issuer', { ...iss, phone: orNull(v) }), 'phone', { max: 60, type: 'tel' })}
          {text('circ.f.email', iss.email, (v) => set('issuer', { ...iss, email: orNull(v) }), 'email', { max: 200, type: 'email' })}
          {text('circ.f.website', iss.website, (v) => set('issuer', { ...iss, website: orNull(v) }), 'website', { max: 200 })}
        </div>
      </fieldset>

      <fieldset className="card">
        <legend>{t('circ.compose.letter')}</legend>
        <div className="grid2">
          <Field label={t('circ.f.classification')} error={s.fieldError('classification')}>
            <select name="classification" value={c.classification} onChange={(e) => set('classification', e.target.value as CircularContent['classification'])}>
              {CLASSIFICATIONS.map((x) => <option key={x} value={x}>{t(`circ.class.${x}`)}</option>)}
            </select>
          </Field>
          <Field label={t('circ.f.urgency')} error={s.fieldError('urgency')}>
            <select name="urgency" value={c.urgency} onChange={(e) => set('urgency', e.target.value as CircularContent['urgency'])}>
              {URGENCIES.map((x) => <option key={x} value={x}>{t(`circ.urgency.${x}`)}</option>)}
            </select>
          </Field>
        </div>
        <BiField label={t('circ.f.addressee')} value={c.addressee} onChange={(v) => set('addressee', v)} name="addressee" error={s.fieldError('addressee')} field={s.field} />
        <BiField label={t('circ.f.subject')} value={c.subject} onChange={(v) => set('subject', v)} name="subject" error={s.fieldError('subject')} field={s.field} />
        {(['background', 'basis', 'instructions', 'closing'] as const).map((k) => (
          <BiField key={k} label={t(`circ.f.${k}`)} value={c.sections[k]} onChange={(v) => set('sections', { ...c.sections, [k]: v })} multiline rows={k === 'closing' ? 2 : 5} name={k} error={s.fieldError(k)} field={s.field} />
        ))}
        <p className="muted small">{t('circ.compose.markdown')}</p>
      </fieldset>

      <fieldset className="card">
        <legend>{t('circ.compose.signatory')}</legend>
        <div className="grid2">
          {text('circ.f.signName', sig.name, (v) => set('signatory', { ...sig, name: v }), 'name', { max: 120 })}
          {text('circ.f.rank', sig.rank, (v) => set('signatory', { ...sig, rank: orNull(v) }), 'rank', { max: 120 })}
          {text('circ.f.nip', sig.nip, (v) => set('signatory', { ...sig, nip: orNull(v) }), 'nip', { max: 21 })}
        </div>
        <BiField label={t('circ.f.position')} value={sig.position} onChange={(v) => set('signatory', { ...sig, position: v })} name="position" error={s.fieldError('position')} field={s.field} />
        <BiField label={t('circ.f.onBehalfOf')} value={sig.onBehalfOf ?? EMPTY} onChange={(v) => set('signatory', { ...sig, onBehalfOf: v.id === '' && v.en === '' ? null : v })} name="onBehalfOf" error={s.fieldError('onBehalfOf')} field={s.field} />
      </fieldset>

      <ListEditor
        legend={t('circ.f.tembusan')} addLabel={t('circ.add.tembusan')} items={c.tembusan} name="tembusan" error={s.fieldError('tembusan')}
        make={() => ({ title: '', email: null })} onChange={(v) => set('tembusan', v)}
        render={(x, on, i) => (
          <div className="grid2">
            {text('circ.f.copyTitle', x.title, (v) => on({ ...x, title: v }), `tembusan.${i}.title`, { max: 200 })}
            {text('circ.f.copyEmail', x.email, (v) => on({ ...x, email: orNull(v) }), `tembusan.${i}.email`, { max: 200, type: 'email' })}
          </div>
        )}
      />
      <ListEditor
        legend={t('circ.f.deadlines')} addLabel={t('circ.add.deadline')} items={c.deadlines} name="deadlines" error={s.fieldError('deadlines')}
        make={() => ({ label: { ...EMPTY }, at: new Date(Date.now() + 3 * 86_400_000).toISOString() })} onChange={(v) => set('deadlines', v)}
        render={(x, on, i) => (
          <>
            <BiField label={t('circ.f.deadlineLabel')} value={x.label} onChange={(v) => on({ ...x, label: v })} name={`deadlines.${i}.label`} />
            <Field label={t('circ.f.deadlineAt')}>
              <input type="datetime-local" name={`deadlines.${i}.at`} value={toLocal(x.at)} onChange={(e) => on({ ...x, at: fromLocal(e.target.value) ?? x.at })} />
            </Field>
          </>
        )}
      />
      <ListEditor
        legend={t('circ.f.lampiran')} addLabel={t('circ.add.lampiran')} items={c.lampiran} name="lampiran" error={s.fieldError('lampiran')}
        make={() => ({ title: { ...EMPTY }, body: { ...EMPTY } })} onChange={(v) => set('lampiran', v)}
        render={(x, on, i) => (
          <>
            <BiField label={t('circ.f.annexTitle')} value={x.title} onChange={(v) => on({ ...x, title: v })} name={`lampiran.${i}.title`} />
            <BiField label={t('circ.f.annexBody')} value={x.body} onChange={(v) => on({ ...x, body: v })} multiline name={`lampiran.${i}.body`} />
          </>
        )}
      />

      <AudiencePicker audience={c.audience} agencies={agencies} onChange={(a) => set('audience', a)} error={s.fieldError('agencyIds') ?? s.fieldError('agencyKinds') ?? s.fieldError('audience')} />

      <fieldset className="card" data-testid="items">
        <legend>{t('circ.compose.items', { n: c.items.length })}</legend>
        {s.fieldError('items')}
        <ol className="items-edit">
          {c.items.map((it, i) => (
            <li key={i} className="item-edit" data-item={it.code}>
              <ItemEditor item={it} index={i} count={c.items.length} onChange={(v) => set('items', c.items.map((x, j) => (j === i ? v : x)))}
                onMove={(d) => { const xs = [...c.items]; const [m] = xs.splice(i, 1); xs.splice(i + d, 0, m!); set('items', xs); }}
                onRemove={() => set('items', c.items.filter((_, j) => j !== i))} />
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => set('items', [...c.items, newItem(c.items.length + 1)])} data-action="add-item">{t('circ.add.item')}</button>
      </fieldset>

      {circular !== null && circular.status !== 'draft' && (
        <div className="card">
          <p className="notice warn">{t('circ.compose.newVersion', { v: circular.version + 1 })}</p>
          <Field label={t('circ.f.versionNote')} error={s.fieldError('note')}>
            <input name="note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} {...s.field('note')} />
          </Field>
        </div>
      )}
      <SaveAsTemplate content={c} />
      {s.feedback}
      <div className="actions sticky-actions">
        <button type="submit" className="primary" disabled={s.busy} data-action="save">{circular === null ? t('circ.compose.saveDraft') : t('common.save')}</button>
      </div>
    </form>
  );
}

/** Keep what the form holds as a template: a new key is a copy, an existing key gets its next version. */
function SaveAsTemplate({ content }: { content: CircularContent }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [name, setName] = useState<Bi>({ ...EMPTY });
  const [description, setDescription] = useState<Bi>({ ...EMPTY });
  const [saved, setSaved] = useState<Template | null>(null);
  const s = useSubmit(['key', 'name', 'description']);
  const save = () => s.submit({
    key: !/^[a-z0-9][a-z0-9-]{1,62}$/.test(key.trim()) ? 'circ.bad.templateKey' : null,
    name: name.id.trim() === '' || name.en.trim() === '' ? 'circ.need.templateName' : null,
    description: description.id.trim() === '' || description.en.trim() === '' ? 'circ.need.templateDescription' : null,
  }, async () => {
    setSaved(await circulars.saveTemplate({ key: key.trim(), name, description, content }));
  });
  return (
    <details className="card" data-testid="save-template">
      <summary>{t('circ.tpl.title')}</summary>
      <p className="muted small">{t('circ.tpl.intro')}</p>
      <Field label={t('circ.tpl.key')} error={s.fieldError('key')}>
        <input name="templateKey" value={key} maxLength={63} spellCheck={false} onChange={(e) => setKey(e.target.value)} {...s.field('key')} />
      </Field>
      <BiField label={t('circ.tpl.name')} value={name} onChange={setName} name="name" error={s.fieldError('name')} field={s.field} />
      <BiField label={t('circ.tpl.description')} value={description} onChange={setDescription} multiline rows={2} name="description" error={s.fieldError('description')} field={s.field} />
      {s.feedback}
      {s.done && saved !== null && (
        <p className="notice" role="status" data-testid="template-saved">
          {t('circ.tpl.saved', { v: saved.version })} <Link to={`/circulars/new?template=${encodeURIComponent(saved.id)}`}>{t('circ.tpl.open')}</Link>
        </p>
      )}
      <div className="actions"><button type="button" disabled={s.busy} onClick={() => void save()} data-action="save-template">{t('circ.tpl.save')}</button></div>
    </details>
  );
}

function ListEditor<T>({ legend, addLabel, items, make, onChange, render, name, error }: {
  legend: string; addLabel: string; items: readonly T[]; make: () => T; onChange: (v: T[]) => void; render: (x: T, on: (v: T) => void, i: number) => ReactNode;
  name: string; error?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="card" data-list={name}>
      <legend>{legend}</legend>
      {error}
      {items.map((x, i) => (
        <div key={i} className="list-row">
          {render(x, (v) => onChange(items.map((y, j) => (j === i ? v : y))), i)}
          <button type="button" className="link danger" onClick={() => onChange(items.filter((_, j) => j !== i))}>{t('circ.remove')}</button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, make()])}>{addLabel}</button>
    </fieldset>
  );
}

function AudiencePicker({ audience, agencies, onChange, error }: { audience: Audience; agencies: readonly Agency[]; onChange: (a: Audience) => void; error: ReactNode }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState('');
  const kinds = AGENCY_KINDS.filter((k) => agencies.some((a) => a.kind === k));
  const shown = agencies.filter((a) => filter.trim() === '' || `${a.code} ${a.name}`.toLowerCase().includes(filter.trim().toLowerCase()));
  const count = audience.kind === 'all' ? agencies.length : audience.kind === 'level' ? agencies.filter((a) => audience.agencyKinds.includes(a.kind)).length : audience.agencyIds.length;
  const toggle = <X,>(xs: readonly X[], x: X) => (xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x]);
  return (
    <fieldset className="card" data-testid="audience">
      <legend>{t('circ.audience.title')}</legend>
      <div className="radios">
        {(['all', 'level', 'list'] as const).map((k) => (
          <label key={k} className="radio">
            <input type="radio" name="audience" value={k} checked={audience.kind === k}
              onChange={() => onChange(k === 'all' ? { kind: 'all' } : k === 'level' ? { kind: 'level', agencyKinds: [] } : { kind: 'list', agencyIds: [] })} />
            {t(`circ.audience.${k}`)}
          </label>
        ))}
      </div>
      {audience.kind === 'level' && (
        <div className="checks">
          {kinds.map((k) => (
            <label key={k} className="check">
              <input type="checkbox" name="agencyKinds" value={k} checked={audience.agencyKinds.includes(k)} onChange={() => onChange({ kind: 'level', agencyKinds: toggle(audience.agencyKinds, k) })} />
              {t(key('kind', k))}
            </label>
          ))}
        </div>
      )}
      {audience.kind === 'list' && (
        <>
          <label className="field"><span>{t('circ.audience.search')}</span><input type="search" name="agencyFilter" value={filter} onChange={(e) => setFilter(e.target.value)} /></label>
          <div className="actions tight">
            <button type="button" onClick={() => onChange({ kind: 'list', agencyIds: [...new Set([...audience.agencyIds, ...shown.map((a) => a.id)])] })}>{t('circ.audience.pickShown')}</button>
            <button type="button" onClick={() => onChange({ kind: 'list', agencyIds: [] })}>{t('circ.audience.none')}</button>
          </div>
          <div className="checks agency-checks">
            {shown.map((a) => (
              <label key={a.id} className="check">
                <input type="checkbox" name="agencyIds" value={a.id} checked={audience.agencyIds.includes(a.id)} onChange={() => onChange({ kind: 'list', agencyIds: toggle(audience.agencyIds, a.id) })} />
                {a.name} <span className="muted small">{a.code}</span>
              </label>
            ))}
          </div>
        </>
      )}
      <p className="muted" data-testid="audience-count">{t('circ.audience.count', { n: count })}</p>
      {error}
    </fieldset>
  );
}

function ItemEditor({ item, index, count, onChange, onMove, onRemove }: {
  item: ChecklistItem; index: number; count: number; onChange: (v: ChecklistItem) => void; onMove: (d: -1 | 1) => void; onRemove: () => void;
}) {
  const { t } = useI18n();
  const bi = useBi();
  const p = `items.${index}`;
  const rules = item.verification.mode === 'scan' ? item.verification.rules : [];
  const setRules = (r: ScanRule[]) => onChange({ ...item, verification: { mode: 'scan', rules: r } });
  return (
    <details open={bi(item.title) === ''}>
      <summary>{bi(item.title) || t('circ.itemN', { n: index + 1 })} {item.verification.mode === 'scan' && <span className="badge verif-chip">{t('circ.mode.scan')}</span>}</summary>
      <div className="grid2">
        <Field label={t('circ.f.code')}>
          <input name={`${p}.code`} value={item.code} maxLength={40} spellCheck={false} onChange={(e) => onChange({ ...item, code: e.target.value })} />
          <span className="muted small">{t('circ.f.codeHint')}</span>
        </Field>
        <Field label={t('circ.f.remediation')}>
          <select name={`${p}.remediation`} value={item.remediation} onChange={(e) => onChange({ ...item, remediation: e.target.value as ChecklistItem['remediation'] })}>
            {REMEDIATIONS.map((r) => <option key={r} value={r}>{t(`circ.remediation.${r}`)}</option>)}
          </select>
        </Field>
        <Field label={t('circ.f.evidence')}>
          <select name={`${p}.evidence`} value={item.evidence} onChange={(e) => onChange({ ...item, evidence: e.target.value as ChecklistItem['evidence'] })}>
            {EVIDENCE_KINDS.map((r) => <option key={r} value={r}>{t(`circ.evidence.${r}`)}</option>)}
          </select>
        </Field>
        <Field label={t('circ.f.dueAfterHours')}>
          <input name={`${p}.dueAfterHours`} type="number" min={1} max={8784} inputMode="numeric" value={item.dueAfterHours ?? ''}
            onChange={(e) => onChange({ ...item, dueAfterHours: e.target.value === '' ? null : Number(e.target.value) })} />
        </Field>
        <Field label={t('circ.f.dueAt')}>
          <input name={`${p}.dueAt`} type="datetime-local" value={toLocal(item.dueAt)} onChange={(e) => onChange({ ...item, dueAt: fromLocal(e.target.value) })} />
        </Field>
        <label className="check">
          <input type="checkbox" name={`${p}.required`} checked={item.required} onChange={(e) => onChange({ ...item, required: e.target.checked })} />
          {t('circ.f.required')}
        </label>
      </div>
      <BiField label={t('circ.f.itemTitle')} value={item.title} onChange={(v) => onChange({ ...item, title: v })} name={`${p}.title`} />
      <BiField label={t('circ.f.applicability')} value={item.applicability ?? EMPTY} onChange={(v) => onChange({ ...item, applicability: v.id === '' && v.en === '' ? null : v })} name={`${p}.applicability`} />
      <fieldset className="sub">
        <legend>{t('circ.f.verification')}</legend>
        <div className="radios">
          {(['attest', 'scan'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name={`${p}.mode`} value={m} checked={item.verification.mode === m}
                onChange={() => onChange({ ...item, verification: m === 'attest' ? { mode: 'attest' } : { mode: 'scan', rules: rules.length > 0 ? rules : ['ms17-010'] } })} />
              {t(`circ.mode.${m}`)}
            </label>
          ))}
        </div>
        {item.verification.mode === 'scan' && (
          <div className="checks">
            {SCAN_RULES.map((r) => (
              <label key={r} className="check">
                <input type="checkbox" name={`${p}.rules`} value={r} checked={rules.includes(r)} onChange={() => setRules(rules.includes(r) ? rules.filter((x) => x !== r) : [...rules, r])} />
                {checkName(t, r)}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      {GUIDANCE_ROLES.map((r) => (
        <BiField key={r} label={t('circ.f.guidance', { role: t(`circ.role.${r}`) })} value={item.guidance[r] ?? EMPTY} multiline rows={3} name={`${p}.guidance.${r}`}
          onChange={(v) => {
            const g = { ...item.guidance };
            if (v.id === '' && v.en === '') delete g[r];
            else g[r] = v;
            onChange({ ...item, guidance: g });
          }} />
      ))}
      <div className="actions tight">
        <button type="button" disabled={index === 0} onClick={() => onMove(-1)}>{t('circ.moveUp')}</button>
        <button type="button" disabled={index === count - 1} onClick={() => onMove(1)}>{t('circ.moveDown')}</button>
        <button type="button" className="danger" onClick={onRemove}>{t('circ.removeItem')}</button>
      </div>
    </details>
  );
}
