// What the circular pages share (docs/circulars.md): a field in both languages, the names of the states
// the API sends (answer status, verification, gate, red/amber/green), and the item's texts.
import { useState } from 'react';
import type { ReactNode } from 'react';
import type { AnswerStatus, Bi, CircularStatus, GateState, Rag, UnverifiableWhy, VerificationState } from '../circulars-api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import '../circulars.css';

/** The reader's language of a text the API keeps in both (the other when one is empty). */
export function useBi(): (x: Bi | null | undefined) => string {
  const { lang } = useI18n();
  return (x) => (x === null || x === undefined ? '' : (lang === 'id' ? x.id || x.en : x.en || x.id));
}

/**
 * One text in both languages: an Indonesian and an English input side by side (stacked on a phone).
 * `name` binds the API's field errors ("subject.id" → the form's "subject").
 */
export function BiField({ label, value, onChange, multiline = false, rows = 4, name, error, field }: {
  label: string; value: Bi; onChange: (v: Bi) => void; multiline?: boolean; rows?: number; name: string; error?: ReactNode;
  field?: (name: string) => Record<string, unknown>;
}) {
  const { t } = useI18n();
  const extra = field?.(name) ?? {};
  const one = (lang: 'id' | 'en') => {
    const props = { name: `${name}.${lang}`, value: value[lang], lang, ...extra };
    return (
      <label key={lang} className="bi-one">
        <span className="muted small">{t(lang === 'id' ? 'circ.inId' : 'circ.inEn')}</span>
        {multiline
          ? <textarea rows={rows} {...props} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />
          : <input {...props} onChange={(e) => onChange({ ...value, [lang]: e.target.value })} />}
      </label>
    );
  };
  return (
    <fieldset className="bi-field" data-field={name}>
      <legend>{label}</legend>
      <div className="bi-pair">{one('id')}{one('en')}</div>
      {error}
    </fieldset>
  );
}

export function RagDot({ rag, label }: { rag: Rag; label: string }) {
  const { t } = useI18n();
  return <span className={`rag rag-${rag}`} data-rag={rag} title={`${label}: ${t(`circ.rag.${rag}`)}`}><span className="rag-dot" aria-hidden="true" /><span className="rag-text">{t(`circ.rag.${rag}`)}</span></span>;
}

export function VerificationBadge({ state, why }: { state: VerificationState; why?: UnverifiableWhy | null }) {
  const { t } = useI18n();
  return (
    <span className={`verif verif-${state}`} data-verification={state} title={why !== null && why !== undefined ? t(`circ.why.${why}`) : undefined}>
      {t(`circ.verif.${state}`)}
    </span>
  );
}

export function AnswerStatusText({ status }: { status: AnswerStatus | null }) {
  const { t } = useI18n();
  return <span className={`ans ans-${status ?? 'none'}`} data-status={status ?? 'none'}>{status === null ? t('circ.noAnswer') : t(`circ.ans.${status}`)}</span>;
}

export function CircularStatusText({ status }: { status: CircularStatus }) {
  const { t } = useI18n();
  return <span className={`status cst-${status}`}>{t(`circ.cstatus.${status}`)}</span>;
}

export function GateText({ state }: { state: GateState | null }) {
  const { t } = useI18n();
  return <span className={`gate gate-${state ?? 'none'}`} data-gate={state ?? 'none'}>{state === null ? t('common.none') : t(`circ.gate.${state}`)}</span>;
}

/**
 * Who did something, as people read it: the API names a link's use `link:` and its id, its own work
 * `perisai`, or `circular:` / `campaign:` and the user; an account by its name.
 */
export function useActor(): (actor: string) => string {
  const { t } = useI18n();
  return (actor) => {
    if (actor.startsWith('link:')) return t('circ.byLink');
    if (actor === 'perisai') return t('circ.bySystem');
    const m = /^(?:circular|campaign):(.+)$/.exec(actor);
    return m === null ? actor : m[1]!.startsWith('link:') ? t('circ.byLink') : m[1]!;
  };
}

/**
 * A button's action: busy while it runs, its refusal kept to show, `then` after it succeeded (reload).
 * `run` never throws: the refusal is in `error`.
 */
export function useAction(then: () => void): { busy: boolean; error: unknown; run: (work: () => Promise<unknown>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
      then();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

/** A key built from an id the API sends; the caller knows the id is one of the listed ones. */
export function key(prefix: string, id: string): MessageKey {
  return `${prefix}.${id}` as MessageKey;
}
