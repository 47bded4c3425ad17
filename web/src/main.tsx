import { StrictMode } from 'react';
import type { ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n';
import './styles.css';

/**
 * The agency's circular link page (/surat-edaran, src/api/circular-service.ts LINK_PATH) is opened on
 * phones by people without an account: it loads its own small chunk, not the office application.
 */
const LINK_PAGE = /^\/surat-edaran\/?$/;

async function root(): Promise<ComponentType> {
  if (LINK_PAGE.test(location.pathname)) return (await import('./circular-link/LinkPage')).LinkPage;
  return (await import('./App')).App;
}

void root().then((Root) => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <I18nProvider>
        <Root />
      </I18nProvider>
    </StrictMode>,
  );
});
