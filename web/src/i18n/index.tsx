// The i18n module: `t(key, vars)` over the `id` (default) and `en` dictionaries; the choice is kept in
// localStorage and mirrored to <html lang>.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { en } from './en';
import { id } from './id';
import { LANGS } from './keys';
import { LANG_STORAGE_KEY } from './storage';
import type { Lang, MessageKey } from './keys';

export type { Lang, MessageKey };
export { LANGS };

const DICTS: Record<Lang, Record<MessageKey, string>> = { id, en };
export { LANG_STORAGE_KEY };

function storedLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_STORAGE_KEY);
    return v === 'en' || v === 'id' ? v : 'id';
  } catch {
    return 'id';
  }
}

export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

/** Whether `key` is a message (both dictionaries have the same keys): for keys built from data, e.g. reason codes. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(id, key);
}

export function translate(lang: Lang, key: MessageKey, vars?: Readonly<Record<string, string | number>>): string {
  // A key built from data that has no message (a cast that lied) shows as the key itself, never as an
  // empty place: tests/web/walk.test.ts then reports it as a raw key on the page it reached.
  const s = isMessageKey(key) ? DICTS[lang][key] : key;
  return vars === undefined ? s : s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

interface I18n {
  readonly lang: Lang;
  readonly setLang: (l: Lang) => void;
  readonly t: Translate;
  /** Dates and numbers in the chosen language. */
  readonly fmtDate: (iso: string | null | undefined) => string;
  readonly fmtNum: (n: number) => string;
}

const Ctx = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(storedLang);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      // storage unavailable (private mode): the choice lasts for this page only
    }
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const locale = lang === 'id' ? 'id-ID' : 'en-GB';
    const df = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    const nf = new Intl.NumberFormat(locale);
    return {
      lang, setLang,
      t: (key, vars) => translate(lang, key, vars),
      fmtDate: (iso) => (iso === null || iso === undefined || iso === '' ? translate(lang, 'common.none') : df.format(new Date(iso))),
      fmtNum: (n) => nf.format(n),
    };
  }, [lang, setLang]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (v === null) throw new Error('useI18n outside I18nProvider');
  return v;
}
