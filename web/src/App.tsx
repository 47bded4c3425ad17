// The application shell: who is logged in (GET /me), the login and forced password change pages, the
// header with navigation and the user menu (language, change password, logout), and the routes.
import { useCallback, useEffect, useState } from 'react';
import { api, setCsrf, setUnauthenticatedHandler } from './api';
import type { Me, Role } from './api';
import { LANGS, useI18n } from './i18n';
import type { Lang, MessageKey } from './i18n';
import { Link, match, navigate, useLocation } from './router';
import { Loading, NotFound } from './ui';
import { LoginPage, OwnPasswordPage, PasswordChangePage } from './pages/Login';
import { DashboardPage } from './pages/Dashboard';
import { AgenciesPage, AgencyPage } from './pages/Agencies';
import { AssetPage, AssetsPage } from './pages/Assets';
import { FindingsPage } from './pages/Findings';
import { ScanPage, ScansPage } from './pages/Scans';
import { SchedulesPage } from './pages/Schedules';
import { AlertsPage } from './pages/Alerts';
import { UsersPage } from './pages/Users';
import { CircularPage, CircularsPage } from './pages/Circulars';
import { CircularAgencyPage } from './pages/CircularAgency';
import { CircularBoardPage } from './pages/CircularBoard';
import { ComposePage } from './pages/CircularCompose';
import { ReportCardsPage } from './pages/ReportCards';
import { OfficeSettingsPage } from './pages/OfficeSettings';
import { WorkersPage } from './pages/Workers';
import { IncidentsPage, ReportPage, ReportsPage } from './pages/Incidents';
import { IncidentPage } from './pages/Incident';
import { IncidentSettingsPage } from './pages/IncidentSettings';
import { PlaybookEditorPage, PlaybooksPage } from './pages/Playbooks';

type Session = { state: 'checking' } | { state: 'out'; notice?: MessageKey } | { state: 'in'; me: Me };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });

  const signedIn = useCallback((me: Me) => {
    setCsrf(me.csrfToken);
    setSession({ state: 'in', me });
  }, []);
  const signedOut = useCallback((notice?: MessageKey) => {
    setCsrf(null);
    setSession(notice === undefined ? { state: 'out' } : { state: 'out', notice });
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => signedOut());
    api<Me>('GET', '/me').then(signedIn, () => signedOut());
    return () => setUnauthenticatedHandler(null);
  }, [signedIn, signedOut]);

  if (session.state === 'checking') return <main className="center"><Loading /></main>;
  if (session.state === 'out') return <LoginPage notice={session.notice} onLogin={signedIn} />;
  if (session.me.user.mustChangePassword) return <PasswordChangePage me={session.me} onDone={() => signedOut('login.passwordChanged')} />;
  return <Shell me={session.me} onSignedOut={signedOut} />;
}

/** `roles`: shown only to these (the API refuses the others anyway); absent = everyone. */
const NAV: readonly { to: string; key: MessageKey; roles?: readonly Role[] }[] = [
  { to: '/', key: 'nav.dashboard' },
  { to: '/agencies', key: 'nav.agencies' },
  { to: '/assets', key: 'nav.assets' },
  { to: '/findings', key: 'nav.findings' },
  { to: '/scans', key: 'nav.scans' },
  { to: '/schedules', key: 'nav.schedules' },
  { to: '/circulars', key: 'nav.circulars' },
  { to: '/report-cards', key: 'nav.reportCards' },
  { to: '/office-settings', key: 'nav.office', roles: ['admin', 'analyst', 'viewer'] },
  { to: '/incidents', key: 'nav.incidents' },
  { to: '/workers', key: 'nav.workers', roles: ['admin', 'analyst'] },
  { to: '/alerts', key: 'nav.alerts', roles: ['admin'] },
  { to: '/users', key: 'nav.users', roles: ['admin'] },
];

/** The own-password page (user menu). */
const PASSWORD_PATH = '/account/password';

function Shell({ me, onSignedOut }: { me: Me; onSignedOut: (notice: MessageKey) => void }) {
  const { t, lang, setLang } = useI18n();
  const loc = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => {
    setNavOpen(false);
    setMenuOpen(false);
  }, [loc.path]);

  const logout = async () => {
    try {
      await api('POST', '/auth/logout');
    } catch {
      // the session is gone either way on this side
    }
    navigate('/', true);
    onSignedOut('login.loggedOut');
  };
  // The API ended every session of the account with the change: log in again with the new password.
  const passwordChanged = () => {
    navigate('/', true);
    onSignedOut('login.passwordChanged');
  };
  const active = (to: string) => (to === '/' ? loc.path === '/' : loc.path.startsWith(to));

  return (
    <>
      <a className="skip" href="#main">{t('app.skip')}</a>
      <header className="top">
        <Link to="/" className="brand">{t('app.name')}</Link>
        <button type="button" className="nav-toggle" aria-expanded={navOpen} onClick={() => setNavOpen((x) => !x)}>{t('nav.menu')}</button>
        <nav className={navOpen ? 'nav open' : 'nav'}>
          {NAV.filter((n) => n.roles === undefined || n.roles.includes(me.user.role)).map((n) => (
            <Link key={n.to} to={n.to} className={active(n.to) ? 'active' : undefined} aria-current={active(n.to) ? 'page' : undefined}>{t(n.key)}</Link>
          ))}
        </nav>
        <div className="user">
          <button type="button" className="user-button" aria-haspopup="true" aria-expanded={menuOpen} aria-label={t('user.menu')} data-testid="user-menu" onClick={() => setMenuOpen((x) => !x)}>
            {me.user.displayName || me.user.username}
          </button>
          {menuOpen && (
            <div className="menu" role="menu">
              <p className="muted">{t(`role.${me.user.role}`)}</p>
              <fieldset className="lang">
                <legend>{t('user.language')}</legend>
                {LANGS.map((l: Lang) => (
                  <button key={l} type="button" role="menuitemradio" aria-checked={lang === l} data-lang={l} className={lang === l ? 'on' : undefined} onClick={() => setLang(l)}>
                    {t(`lang.${l}`)}
                  </button>
                ))}
              </fieldset>
              <Link to={PASSWORD_PATH} role="menuitem" className="menu-link" data-testid="menu-password">{t('user.password')}</Link>
              <button type="button" role="menuitem" className="logout" onClick={() => void logout()}>{t('user.logout')}</button>
            </div>
          )}
        </div>
      </header>
      <main id="main">
        {loc.path === PASSWORD_PATH ? <OwnPasswordPage me={me} onDone={passwordChanged} /> : <Routes me={me} />}
      </main>
    </>
  );
}

function Routes({ me }: { me: Me }) {
  const { t } = useI18n();
  const { path, params } = useLocation();
  const canTriage = me.user.role !== 'viewer';
  const canCompose = me.user.role === 'admin' || me.user.role === 'analyst';
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <DashboardPage me={me} />;
  if (match('/agencies', path) !== null) return <AgenciesPage role={me.user.role} />;
  if ((m = match('/agencies/:id', path)) !== null) return <AgencyPage id={m.id!} role={me.user.role} username={me.user.username} />;
  if (match('/assets', path) !== null) return <AssetsPage params={params} />;
  if ((m = match('/assets/:id', path)) !== null) return <AssetPage id={m.id!} canTriage={canTriage} />;
  if (match('/findings', path) !== null) return <FindingsPage params={params} canTriage={canTriage} />;
  if (match('/scans', path) !== null) return <ScansPage canStart={canTriage} params={params} />;
  if ((m = match('/scans/:id', path)) !== null) return <ScanPage id={m.id!} canStart={canTriage} />;
  if (match('/schedules', path) !== null) return <SchedulesPage canEdit={me.user.role === 'admin' || me.user.role === 'analyst'} />;
  if (match('/circulars', path) !== null) return <CircularsPage me={me} />;
  if (match('/circulars/new', path) !== null) return canCompose ? <ComposePage templateId={params.get('template')} /> : <p className="error">{t('admin.forbidden')}</p>;
  if ((m = match('/circulars/:id/edit', path)) !== null) return canCompose ? <ComposePage circularId={m.id!} /> : <p className="error">{t('admin.forbidden')}</p>;
  if ((m = match('/circulars/:id/board', path)) !== null) return <CircularBoardPage id={m.id!} me={me} />;
  if ((m = match('/circulars/:id/agencies/:agencyId', path)) !== null) return <CircularAgencyPage id={m.id!} agencyId={m.agencyId!} me={me} />;
  if ((m = match('/circulars/:id', path)) !== null) return <CircularPage key={m.id!} id={m.id!} me={me} />;
  if (match('/report-cards', path) !== null) return <ReportCardsPage params={params} me={me} />;
  if (match('/office-settings', path) !== null) return me.user.role === 'officer' ? <p className="error">{t('admin.forbidden')}</p> : <OfficeSettingsPage role={me.user.role} />;
  if (match('/workers', path) !== null) return <WorkersPage role={me.user.role} />;
  const csirt = me.user.role === 'admin' || me.user.role === 'analyst';
  if (match('/incidents', path) !== null) return <IncidentsPage params={params} />;
  if (match('/incidents/reports', path) !== null) return <ReportsPage params={params} canTriage={canTriage} />;
  if ((m = match('/incidents/reports/:id', path)) !== null) return <ReportPage id={m.id!} canTriage={canTriage} csirt={csirt} />;
  if (match('/incidents/settings', path) !== null) return <IncidentSettingsPage canEdit={me.user.role === 'admin'} />;
  if ((m = match('/incidents/:id', path)) !== null) return <IncidentPage id={m.id!} csirt={csirt} triage={canTriage} />;
  if (match('/playbooks', path) !== null) return <PlaybooksPage canEdit={csirt} />;
  if (match('/playbooks/new', path) !== null) return <PlaybookEditorPage id={null} canEdit={csirt} justSaved={false} />;
  if ((m = match('/playbooks/:id', path)) !== null) return <PlaybookEditorPage id={m.id!} canEdit={csirt} justSaved={params.get('saved') === '1'} />;
  if (match('/alerts', path) !== null) return me.user.role === 'admin' ? <AlertsPage /> : <p className="error">{t('admin.forbidden')}</p>;
  if (match('/users', path) !== null) return me.user.role === 'admin' ? <UsersPage me={me.user} /> : <p className="error">{t('admin.forbidden')}</p>;
  return <NotFound />;
}
