// The public report form at /lapor (docs/incidents.md "The public form"): for a clerk or a nurse on a
// phone, no account. The unit comes from the list or the per-unit link (?unit=CODE); the questions are
// what they see, since when, how many computers, which service stopped, whether a manual fallback runs,
// what was already done, photos, and who they are. The proof of work is solved while they type
// (pow.ts); the reply shows the reference, the secret status link and the card for their role, and the
// photos are sent with the link's token.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { pub, PubError, uploadPhotos } from './api';
import type { Submitted, Unit } from './api';
import { CardView } from './Card';
import { usePub } from './i18n';
import type { PubKey } from './i18n';
import { PhotoInput, UploadStatus, usePhotoPicker } from './photos';
import type { Upload } from './photos';
import { openPowWorker, solveOffThread } from './pow-thread';
import type { Challenge, Solved } from './pow';

// The choices the API takes (src/domain/incident.ts; the server validates again).
const SYMPTOMS = ['ransom-screen', 'disk-repair-screen', 'files-wont-open', 'strange-file-names', 'very-slow', 'network-down', 'other'] as const;
const COMPUTERS = ['1', '2-5', '6-20', 'more-than-20', 'unknown'] as const;
const SERVICES = ['registration', 'medical-records', 'billing', 'pharmacy', 'laboratory', 'population-records', 'licensing', 'finance', 'email', 'website', 'other'] as const;
const FALLBACK = ['yes', 'no', 'unknown'] as const;
const ACTIONS = ['unplugged-cable', 'wifi-off', 'switched-off', 'restarted', 'usb-removed', 'photographed', 'told-supervisor', 'nothing'] as const;
const ROLES = ['staff', 'agency-it'] as const;
/** Indonesian mobile numbers as people write them (the server normalises to +62…). */
const WHATSAPP = /^\+?[0-9][0-9 ().-]{7,20}$/;

type Pow = { state: 'loading' } | { state: 'solving'; tried: number } | { state: 'done'; solved: Solved | null } | { state: 'failed' };

/** Fetch a challenge and solve it in the background; `restart()` after a refusal (a challenge buys one report). */
function usePow() {
  const [pow, setPow] = useState<Pow>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setPow({ state: 'loading' });
    const worker = openPowWorker();
    ctl.signal.addEventListener('abort', () => worker?.terminate());
    (async () => {
      const c = await pub<Challenge>('GET', '/public/challenge');
      if (c.disabled === true) {
        worker?.terminate();
        return setPow({ state: 'done', solved: null });
      }
      setPow({ state: 'solving', tried: 0 });
      const solved = await solveOffThread(c, (tried) => !ctl.signal.aborted && setPow({ state: 'solving', tried }), ctl.signal, worker);
      if (!ctl.signal.aborted) setPow(solved === null ? { state: 'failed' } : { state: 'done', solved });
    })().catch(() => !ctl.signal.aborted && setPow({ state: 'failed' }));
    return () => ctl.abort();
  }, [round]);
  return { pow, restart: () => setRound((n) => n + 1) };
}

function Choice({ type, name, value, checked, onChange, children }: { type: 'checkbox' | 'radio'; name: string; value: string; checked: boolean; onChange: () => void; children: ReactNode }) {
  return (
    <label className="pub-choice">
      <input type={type} name={name} value={value} checked={checked} onChange={onChange} />
      <span>{children}</span>
    </label>
  );
}

function toggle<T>(xs: readonly T[], x: T): T[] {
  return xs.includes(x) ? xs.filter((y) => y !== x) : [...xs, x];
}

type Problems = Partial<Record<string, string>>;

export function ReportForm() {
  const { t, bi, fmtDate } = usePub();
  const presetUnit = new URLSearchParams(location.search).get('unit') ?? '';
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [unitsError, setUnitsError] = useState<PubError | null>(null);
  const [unitCode, setUnitCode] = useState(presetUnit.toUpperCase());
  const [symptoms, setSymptoms] = useState<string[]>([]);
  const [symptomOther, setSymptomOther] = useState('');
  const [since, setSince] = useState('');
  const [sinceUnknown, setSinceUnknown] = useState(false);
  const [computers, setComputers] = useState<string>('unknown');
  const [services, setServices] = useState<string[]>([]);
  const [serviceOther, setServiceOther] = useState('');
  const [fallback, setFallback] = useState<string>('unknown');
  const [actions, setActions] = useState<string[]>([]);
  const [place, setPlace] = useState('');
  const [description, setDescription] = useState('');
  const [name, setName] = useState('');
  const [whatsapp, setWhatsapp] = useState('');
  const [role, setRole] = useState<string>('staff');
  const photos = usePhotoPicker();
  const { pow, restart } = usePow();
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<PubError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Submitted | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [copied, setCopied] = useState(false);
  const top = useRef<HTMLDivElement>(null);

  useEffect(() => {
    pub<{ items: Unit[] }>('GET', '/public/units').then((r) => setUnits(r.items), (e: unknown) => setUnitsError(e instanceof PubError ? e : new PubError(0, null, null)));
  }, []);

  const errText = (e: PubError) => (e.status === 0 ? t('lapor.error.network') : e.text !== null ? bi(e.text) : t('lapor.error.generic'));
  const fieldError = (f: string) => {
    const m = problems[f] ?? (error !== null && error.field === f ? errText(error) : undefined);
    return m === undefined ? null : <small className="pub-error" role="alert" data-testid={`error-${f}`}>{m}</small>;
  };
  const invalid = (f: string) => ({ 'aria-invalid': problems[f] !== undefined || error?.field === f });

  // A field the person changed drops its message as they type (input) or pick (change), not on leaving
  // it: a message vanishing on blur would move the send button away from under the finger.
  const edited = (e: FormEvent<HTMLFormElement>) => {
    const f = (e.target as HTMLInputElement).name;
    setProblems((ps) => {
      if (ps[f] === undefined) return ps;
      const { [f]: _gone, ...rest } = ps;
      return rest;
    });
    if (error?.field === f) setError(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const p: Problems = {};
    const need = (f: string, k: PubKey) => (p[f] = t(k));
    if (unitCode === '') need('unitCode', 'lapor.need.unit');
    if (symptoms.length === 0) need('symptoms', 'lapor.need.symptoms');
    if (symptoms.includes('other') && symptomOther.trim() === '') need('symptomOther', 'lapor.need.symptomOther');
    if (name.trim() === '') need('reporterName', 'lapor.need.name');
    if (!WHATSAPP.test(whatsapp.trim())) need('reporterWhatsapp', 'lapor.need.whatsapp');
    for (const [f, v, max] of [['location', place, 200], ['description', description, 4000], ['reporterName', name, 120], ['symptomOther', symptomOther, 1000], ['serviceOther', serviceOther, 200]] as const) {
      const n = [...v.trim()].length;
      if (n > max) p[f] = t('lapor.tooLong', { length: n, max });
    }
    setProblems(p);
    setError(null);
    if (Object.keys(p).length > 0 || pow.state !== 'done') return;
    setBusy(true);
    try {
      const body = {
        ...(pow.solved !== null ? { altcha: pow.solved } : {}),
        unitCode, symptoms, symptomOther: symptoms.includes('other') ? symptomOther.trim() : null,
        since: sinceUnknown || since === '' ? null : new Date(since).toISOString(), computers, services,
        serviceOther: services.includes('other') && serviceOther.trim() !== '' ? serviceOther.trim() : null,
        manualFallback: fallback, actionsTaken: actions, location: place.trim() === '' ? null : place.trim(), description: description.trim() === '' ? null : description.trim(),
        reporterName: name.trim(), reporterWhatsapp: whatsapp.trim(), reporterRole: role,
      };
      const r = await pub<Submitted>('POST', '/public/reports', { json: body });
      setSent(r);
      top.current?.scrollIntoView();
      if (photos.files.length > 0) {
        setUpload({ n: 1, total: photos.files.length, done: false, failed: [] });
        const failed = await uploadPhotos(photos.files, r.statusToken, (i) => setUpload({ n: i + 1, total: photos.files.length, done: false, failed: [] }));
        setUpload({ n: photos.files.length - failed.length, total: photos.files.length, done: true, failed });
      }
    } catch (err) {
      const pe = err instanceof PubError ? err : new PubError(0, null, null);
      setError(pe);
      // A refused or spent challenge cannot be sent again: solve a new one.
      if (pe.field === 'altcha' || pe.status === 403) restart();
    } finally {
      setBusy(false);
    }
  };

  if (sent !== null) {
    const link = `${location.origin}${sent.statusPath}`;
    const copy = () => {
      void navigator.clipboard?.writeText(link).then(() => setCopied(true), () => setCopied(false));
    };
    return (
      <div ref={top} data-testid="report-sent">
        <section className="pub-card pub-ok">
          <h1>{t('lapor.sent.title')}</h1>
          <p>{t('lapor.sent.reference')}: <strong className="pub-ref" data-testid="report-reference">{sent.reference}</strong></p>
          <p className="pub-muted">{sent.unit.name} · {fmtDate(sent.submittedAt)}</p>
          <h2>{t('lapor.sent.link')}</h2>
          <p>{t('lapor.sent.linkHint')}</p>
          <p className="pub-link"><a href={sent.statusPath} data-testid="status-link">{link}</a></p>
          <p className="pub-muted">{t('lapor.sent.expires', { date: fmtDate(sent.statusExpiresAt) })}</p>
          <div className="pub-actions">
            <button type="button" onClick={copy}>{t('lapor.copy')}</button>
            <a className="pub-button" href={sent.statusPath}>{t('lapor.openStatus')}</a>
          </div>
          {copied && <p className="pub-muted" role="status">{t('lapor.copied')}</p>}
<UploadStatus upload={upload} errText={errText} />
        </section>
        <CardView card={sent.card} />
      </div>
    );
  }

  const unitName = units?.find((u) => u.code.toUpperCase() === unitCode)?.name;
  return (
    <form className="pub-form" onSubmit={(e) => void submit(e)} onInput={edited} onChange={edited} noValidate data-testid="report-form">
      <h1>{t('lapor.title')}</h1>
      <p className="pub-muted">{t('lapor.intro')}</p>

      <fieldset className="pub-card">
        <legend>{t('lapor.unit')}</legend>
        {units === null && unitsError === null && <p className="pub-muted">{t('lapor.loading')}</p>}
        {unitsError !== null && <p className="pub-error" role="alert">{errText(unitsError)}</p>}
        {units !== null && (
          <select name="unitCode" value={unitCode} onChange={(e) => setUnitCode(e.target.value)} aria-label={t('lapor.unit')} {...invalid('unitCode')}>
            <option value="">{t('lapor.chooseUnit')}</option>
            {units.map((u) => <option key={u.code} value={u.code.toUpperCase()}>{u.parentName !== null ? `${u.name} — ${u.parentName}` : u.name}</option>)}
          </select>
        )}
        {unitName !== undefined && presetUnit !== '' && <p className="pub-muted" data-testid="unit-preset">{unitName}</p>}
        {fieldError('unitCode')}
      </fieldset>

      <fieldset className="pub-card" {...invalid('symptoms')}>
        <legend>{t('lapor.symptoms')}</legend>
        <p className="pub-muted">{t('lapor.symptomsHint')}</p>
        <div className="pub-symptoms">
          {SYMPTOMS.map((s) => (
            <Choice key={s} type="checkbox" name="symptoms" value={s} checked={symptoms.includes(s)} onChange={() => setSymptoms((xs) => toggle(xs, s))}>
              <SymptomPicture symptom={s} />{t(`lapor.symptom.${s}`)}
            </Choice>
          ))}
        </div>
        {fieldError('symptoms')}
        {symptoms.includes('other') && (
          <div className="pub-field">
            <label>{t('lapor.symptomOther')}<input name="symptomOther" value={symptomOther} onChange={(e) => setSymptomOther(e.target.value)} {...invalid('symptomOther')} /></label>
            {fieldError('symptomOther')}
          </div>
        )}
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.since')}</legend>
        <input type="datetime-local" name="since" value={since} disabled={sinceUnknown} onChange={(e) => setSince(e.target.value)} aria-label={t('lapor.since')} {...invalid('since')} />
        <Choice type="checkbox" name="sinceUnknown" value="yes" checked={sinceUnknown} onChange={() => setSinceUnknown((x) => !x)}>{t('lapor.sinceUnknown')}</Choice>
        {fieldError('since')}
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.computers')}</legend>
        <div className="pub-row">
          {COMPUTERS.map((c) => <Choice key={c} type="radio" name="computers" value={c} checked={computers === c} onChange={() => setComputers(c)}>{t(`lapor.computers.${c}`)}</Choice>)}
        </div>
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.services')}</legend>
        {SERVICES.map((s) => <Choice key={s} type="checkbox" name="services" value={s} checked={services.includes(s)} onChange={() => setServices((xs) => toggle(xs, s))}>{t(`lapor.service.${s}`)}</Choice>)}
        {services.includes('other') && (
          <div className="pub-field">
            <label>{t('lapor.serviceOther')}<input name="serviceOther" value={serviceOther} onChange={(e) => setServiceOther(e.target.value)} {...invalid('serviceOther')} /></label>
            {fieldError('serviceOther')}
          </div>
        )}
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.fallback')}</legend>
        <div className="pub-row">
          {FALLBACK.map((f) => <Choice key={f} type="radio" name="manualFallback" value={f} checked={fallback === f} onChange={() => setFallback(f)}>{t(`lapor.fallback.${f}`)}</Choice>)}
        </div>
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.actions')}</legend>
        {ACTIONS.map((a) => <Choice key={a} type="checkbox" name="actionsTaken" value={a} checked={actions.includes(a)} onChange={() => setActions((xs) => toggle(xs, a))}>{t(`lapor.action.${a}`)}</Choice>)}
      </fieldset>

      <fieldset className="pub-card">
        <div className="pub-field">
          <label>{t('lapor.location')}<input name="location" value={place} onChange={(e) => setPlace(e.target.value)} {...invalid('location')} /></label>
          <small className="pub-muted">{t('lapor.locationHint')}</small>
          {fieldError('location')}
        </div>
        <div className="pub-field">
          <label>{t('lapor.description')}<textarea name="description" rows={4} value={description} onChange={(e) => setDescription(e.target.value)} {...invalid('description')} /></label>
          {fieldError('description')}
        </div>
        <PhotoInput name="photos" label={t('lapor.photos')} hint={t('lapor.photosHint')} picker={photos} />
      </fieldset>

      <fieldset className="pub-card">
        <legend>{t('lapor.you')}</legend>
        <div className="pub-field">
          <label>{t('lapor.name')}<input name="reporterName" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} {...invalid('reporterName')} /></label>
          {fieldError('reporterName')}
        </div>
        <div className="pub-field">
          <label>{t('lapor.whatsapp')}<input name="reporterWhatsapp" type="tel" inputMode="tel" autoComplete="tel" value={whatsapp} onChange={(e) => setWhatsapp(e.target.value)} {...invalid('reporterWhatsapp')} /></label>
          <small className="pub-muted">{t('lapor.whatsappHint')}</small>
          {fieldError('reporterWhatsapp')}
        </div>
        <p className="pub-label">{t('lapor.role')}</p>
        {ROLES.map((r) => <Choice key={r} type="radio" name="reporterRole" value={r} checked={role === r} onChange={() => setRole(r)}>{t(`lapor.role.${r}`)}</Choice>)}
      </fieldset>

      <PowStatus pow={pow} onRetry={restart} />
      {Object.keys(problems).length > 0 && <p className="pub-error" role="alert" data-testid="form-problems">{t('lapor.checkFields')}</p>}
      {error !== null && (error.field === null || error.field === 'altcha') && <p className="pub-error" role="alert" data-testid="form-api-error">{errText(error)}</p>}
      <button type="submit" className="pub-primary" disabled={busy || pow.state !== 'done'} data-testid="report-submit">
        {busy ? t('lapor.sending') : pow.state === 'done' ? t('lapor.submit') : t('lapor.waitPow')}
      </button>
    </form>
  );
}

function PowStatus({ pow, onRetry }: { pow: Pow; onRetry: () => void }) {
  const { t } = usePub();
  if (pow.state === 'failed') {
    return <p className="pub-error" role="alert">{t('lapor.pow.failed')} <button type="button" onClick={onRetry}>{t('lapor.pow.retry')}</button></p>;
  }
  if (pow.state === 'done') return <p className="pub-muted" data-testid="pow-done">{t('lapor.pow.done')}</p>;
  const tried = pow.state === 'solving' ? pow.tried : 0;
  return (
    <div className="pub-pow" role="status" data-testid="pow-progress">
      <progress aria-label={t('lapor.waitPow')} />
      <small className="pub-muted">{t('lapor.pow.working', { n: tried.toLocaleString() })}</small>
    </div>
  );
}

/** Small pictures of what the screen looks like, so a frightened reader finds theirs without reading. */
function SymptomPicture({ symptom }: { symptom: string }) {
  const Body = PICTURES[symptom] ?? OtherPicture;
  return <svg className="pub-pic" viewBox="0 0 32 26" width="48" height="39" aria-hidden="true"><Body /></svg>;
}

function RansomPicture() {
  return <><rect x="2" y="3" width="28" height="19" rx="2" fill="#b3261e" /><rect x="13" y="9" width="6" height="6" rx="1" fill="#fff" /><path d="M14 9v-2a2 2 0 0 1 4 0v2" stroke="#fff" fill="none" strokeWidth="1.5" /></>;
}
function DiskRepairPicture() {
  return <><rect x="2" y="3" width="28" height="19" rx="2" fill="#111" /><path d="M5 8h14M5 11h18M5 14h10" stroke="#ddd" strokeWidth="1.5" /></>;
}
function FilesPicture() {
  return <><path d="M8 3h11l5 5v16H8z" fill="#fff" stroke="#555" /><path d="M12 12l8 8M20 12l-8 8" stroke="#b3261e" strokeWidth="2" /></>;
}
function NamesPicture() {
  return <><path d="M8 3h11l5 5v16H8z" fill="#fff" stroke="#555" /><path d="M11 17h10" stroke="#d9480f" strokeWidth="2" strokeDasharray="2 1" /></>;
}
function SlowPicture() {
  return <><circle cx="16" cy="13" r="9" fill="#fff" stroke="#555" /><path d="M16 7v6l4 3" stroke="#555" strokeWidth="2" fill="none" /></>;
}
function NetworkPicture() {
  return <><path d="M4 12a17 17 0 0 1 24 0M8 16a11 11 0 0 1 16 0M12 20a5 5 0 0 1 8 0" stroke="#555" strokeWidth="2" fill="none" /><path d="M5 4l22 20" stroke="#b3261e" strokeWidth="2" /></>;
}
function OtherPicture() {
  return <><circle cx="16" cy="13" r="9" fill="#fff" stroke="#555" /><circle cx="12" cy="13" r="1.5" fill="#555" /><circle cx="16" cy="13" r="1.5" fill="#555" /><circle cx="20" cy="13" r="1.5" fill="#555" /></>;
}

const PICTURES: Readonly<Record<string, () => ReactNode>> = {
  'ransom-screen': RansomPicture, 'disk-repair-screen': DiskRepairPicture, 'files-wont-open': FilesPicture, 'strange-file-names': NamesPicture,
  'very-slow': SlowPicture, 'network-down': NetworkPicture, other: OtherPicture,
};
