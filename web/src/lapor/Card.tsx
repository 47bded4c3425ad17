// The reporter's "what to do now" card (RoleCardOut from the API: the stored version of the shipped
// WannaCry-class playbook, docs/incidents.md "The card"): numbered steps, the branch the report's symptoms
// select marked, the sources. Texts come from the API in both languages.
import type { RoleCard } from './api';
import { usePub } from './i18n';

export function CardView({ card }: { card: RoleCard }) {
  const { t, bi } = usePub();
  return (
    <section className="pub-card" data-testid="role-card" aria-labelledby="role-card-title">
      <h2 id="role-card-title">{t('lapor.card.title')}</h2>
      <p className="pub-muted">{bi(card.title)} · {bi(card.roleLabel)}</p>
      <ol className="pub-steps">
        {card.steps.map((s) => (
          <li key={s.id} data-step={s.id}>
            <strong>{bi(s.title)}</strong>
            {s.required && <span className="pub-tag">{t('lapor.card.required')}</span>}
            {bi(s.detail) !== '' && <p>{bi(s.detail)}</p>}
            {s.branches.length > 0 && (
              <ul className="pub-branches">
                {s.branches.map((b, i) => (
                  <li key={i} className={b.applies === true ? 'applies' : undefined} data-applies={b.applies === true ? 'yes' : 'no'}>
                    {b.applies === true && <span className="pub-tag warn">{t('lapor.card.applies')}</span>}
                    <span>{t('lapor.card.when')} {bi(b.when)}</span> → <strong>{bi(b.do)}</strong>
                  </li>
                ))}
              </ul>
            )}
            {s.evidence !== null && <p className="pub-muted">{t('lapor.card.evidence')} {bi(s.evidence)}</p>}
          </li>
        ))}
      </ol>
      {card.sources.length > 0 && (
        <details>
          <summary>{t('lapor.card.sources')}</summary>
          <ul className="pub-sources">
            {card.sources.map((s) => <li key={s.key}>{s.url !== null ? <a href={s.url} rel="noopener noreferrer" target="_blank">{s.title}</a> : s.title}</li>)}
          </ul>
        </details>
      )}
    </section>
  );
}
