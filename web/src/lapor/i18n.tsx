// The public pages' own small i18n: only the `lapor.*` messages (web/src/i18n/incidents.*.ts), so the
// form's first load stays light (docs/incidents.md "Public pages: weight"). The language choice is the
// same localStorage entry as the office UI's (web/src/i18n/index.tsx).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { publicEn } from '../i18n/lapor.en';
import { publicId } from '../i18n/lapor.id';
import { LANG_STORAGE_KEY } from '../i18n/storage';

export type PubKey = keyof typeof publicId;
export type PubLang = 'id' | 'en';
const DICTS: Record<PubLang, Record<PubKey, string>> = { id: publicId, en: publicEn };

/** A text the API sends in both languages (card steps, status labels). */
export interface Bi { readonly id: string; readonly en: string }

interface PubI18n {
  readonly lang: PubLang;
  readonly setLang: (l: PubLang) => void;
  readonly t: (key: PubKey, vars?: Readonly<Record<string, string | number>>) => string;
  readonly bi: (x: Bi) => string;
  readonly fmtDate: (iso: string) => string;
}

const Ctx = createContext<PubI18n | null>(null);

function stored(): PubLang {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'id';
  } catch {
    return 'id';
  }
}

export function isPubKey(k: string): k is PubKey {
  return Object.hasOwn(publicId, k);
}

export function PubI18nProvider({ children }: { children: ReactNode }) {
  const [lang, setState] = useState<PubLang>(stored);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: PubLang) => {
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      // private mode: the choice lasts for this page
    }
    setState(l);
  }, []);
  const value = useMemo<PubI18n>(() => {
    const df = new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
    return {
      lang, setLang,
      t: (key, vars) => {
        const s = DICTS[lang][key] ?? key;
        return vars === undefined ? s : s.replace(/\{(\w+)\}/g, (m, n: string) => (n in vars ? String(vars[n]) : m));
      },
      bi: (x) => (lang === 'id' ? x.id : x.en),
      fmtDate: (iso) => df.format(new Date(iso)),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function usePub(): PubI18n {
  const v = useContext(Ctx);
  if (v === null) throw new Error('usePub outside PubI18nProvider');
  return v;
}

/** The language switch at the top of the public pages. */
export function LangSwitch() {
  const { t, lang, setLang } = usePub();
  const langs: readonly PubLang[] = ['id', 'en'];
  return (
    <div className="pub-lang" role="group" aria-label={t('lapor.language')}>
      {langs.map((l) => (
        <button key={l} type="button" aria-pressed={lang === l} data-lang={l} className={lang === l ? 'on' : undefined} onClick={() => setLang(l)}>{t(`lapor.lang.${l}`)}</button>
      ))}
    </div>
  );
}
