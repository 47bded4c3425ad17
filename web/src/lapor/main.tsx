// The light entry of the public report pages (/lapor, /lapor/status): its own small dictionary and
// styles, none of the office UI (web/vite.config.ts builds it as a second page, lapor.html; the server
// answers /lapor/* with it, src/api/static.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ReportForm } from './Form';
import { LangSwitch, PubI18nProvider, usePub } from './i18n';
import { StatusPage } from './Status';
import './lapor.css';

function Page() {
  const { t } = usePub();
  const status = location.pathname.replace(/\/+$/, '') === '/lapor/status';
  return (
    <>
      <header className="pub-top">
        <strong>{t('lapor.title')}</strong>
        <LangSwitch />
      </header>
      <main className="pub-main">{status ? <StatusPage /> : <ReportForm />}</main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PubI18nProvider>
      <Page />
    </PubI18nProvider>
  </StrictMode>,
);
