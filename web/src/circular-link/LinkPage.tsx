// The agency's link page (/surat-edaran#<token>; docs/circulars.md "Link page"): no account — the signed,
// expiring link an agency head receives opens the circular, the acknowledgement by a named person, and
// the answer form per checklist item. Phone first (375×812). The token stays in the URL fragment (never
// sent in a request line or a Referer) and travels in the x-circular-token header. The page is loaded
// lazily from main.tsx, without the office application's pages.
import { useEffect, useState } from 'react';
import { send } from '../api';
import type { AnswerInput, AnswerSaved, LinkView, Recipient } from '../circulars-api';
import { LANGS, useI18n } from '../i18n';
import type { Lang } from '../i18n';
import { AnswerForm } from '../pages/answer-form';
import { ItemHead } from '../pages/CircularAgency';
import { AckBox, LetterView } from '../pages/Circulars';
import { AnswerStatusText, useBi } from '../pages/circular-parts';
import { Show, useLoad } from '../ui';

/** Where the API serves the link's routes and the header its token travels in (src/api/circular-service.ts). */
const TOKEN_HEADER = 'x-circular-token';
const BASE = '/public/circular';

function tokenFromUrl(): string {
  return decodeURIComponent(location.hash.replace(/^#/, '')).trim();
}

export function LinkPage() {
  const { t } = useI18n();
  const [token] = useState(tokenFromUrl);
  return (
    <>
      <header className="pub-top">
        <strong>{t('circ.link.pageTitle')}</strong>
        <LangSwitch />
      </header>
      <main id="main" className="pub-main">
        {token === '' ? <p className="error" role="alert" data-testid="no-token">{t('circ.link.noToken')}</p> : <Linked token={token} />}
      </main>
    </>
  );
}

function LangSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="pub-lang" role="group" aria-label={t('user.language')}>
      {LANGS.map((l: Lang) => <button key={l} type="button" aria-pressed={lang === l} data-lang={l} onClick={() => setLang(l)}>{t(`lang.${l}`)}</button>)}
    </div>
  );
}

function Linked({ token }: { token: string }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const header = { [TOKEN_HEADER]: token };
  const json = (x: unknown) => ({ type: 'application/json', data: JSON.stringify(x) });
  const [value, retry] = useLoad(() => send<LinkView>('GET', BASE, undefined, header), [token]);
  const [answers, setAnswers] = useState<LinkView['answers']>([]);
  useEffect(() => {
    if (value.state === 'ok') setAnswers(value.data.answers);
  }, [value]);
  return (
    <Show value={value} retry={retry}>
      {(v) => {
        const closed = v.circular.status === 'closed';
        const circular = { ...v.circular, content: v.content };
        const open = v.content.items.filter((i) => !answers.some((a) => a.itemCode === i.code && (a.status === 'done' || a.status === 'not-applicable'))).length;
        return (
          <>
            <div className="page-head">
              <p className="muted">{v.agency.name}</p>
              <h1>{bi(v.content.subject)}</h1>
              <p className="muted small">{v.circular.number ?? t('circ.noNumber')} · {t('circ.link.expiresAt', { at: fmtDate(v.expiresAt) })}</p>
              <p data-testid="open-items">{open === 0 ? t('circ.link.allAnswered') : t('circ.link.openItems', { n: open, m: v.content.items.length })}</p>
            </div>
            <AckBox recipient={v.recipient} onAck={async (a) => { await send<Recipient>('POST', `${BASE}/acknowledge`, json(a), header); retry(); }} />
            <details className="card letter-fold">
              <summary>{t('circ.link.readLetter')}</summary>
              <LetterView c={circular} />
            </details>
            {closed && <p className="notice warn">{t('circ.closedNoAnswers')}</p>}
            <h2>{t('circ.checklist')}</h2>
            <ol className="answer-items">
              {v.content.items.map((item) => (
                <li key={item.code} className="card" data-item={item.code}>
                  {/* Folded: on a phone eight open forms are a long scroll; the summary says where each item stands. */}
                  <details className="item-fold">
                    <summary>
                      <strong className="item-title">{bi(item.title)}</strong>
                      <AnswerStatusText status={answers.find((a) => a.itemCode === item.code)?.status ?? null} />
                    </summary>
                  <ItemHead item={item} titled={false} />
                  {v.dueAt[item.code] != null && <p className="small">{t('circ.dueAt', { at: fmtDate(v.dueAt[item.code]) })}</p>}
                  <AnswerForm
                    item={item} answer={answers.find((a) => a.itemCode === item.code) ?? null} evidence={v.evidence.filter((e) => e.itemCode === item.code)}
                    kbMap={v.kbMap} closed={closed} evidenceHref={null}
                    onSave={async (a: AnswerInput) => {
                      const saved = await send<AnswerSaved>('PUT', `${BASE}/items/${encodeURIComponent(item.code)}`, json(a), header);
                      setAnswers((xs) => [...xs.filter((x) => x.itemCode !== item.code), saved.answer]);
                    }}
                    onUpload={(f) => send(`POST`, `${BASE}/items/${encodeURIComponent(item.code)}/evidence?name=${encodeURIComponent(f.name)}`, { type: 'application/octet-stream', data: f }, header).then(retry)}
                  />
                  </details>
                </li>
              ))}
            </ol>
          </>
        );
      }}
    </Show>
  );
}


