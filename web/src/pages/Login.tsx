// Login (Indonesian by default; the API's own translated error is shown), the forced password change
// that the API demands for a one-time, environment-given or admin-set password, and the same form as a
// page of its own, reachable at any time from the user menu.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Me } from '../api';
import { LANGS, useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Field, useSubmit } from '../ui';

function LangSwitch() {
  const { t, lang, setLang } = useI18n();
  return (
    <div className="lang-inline" role="group" aria-label={t('user.language')}>
      {LANGS.map((l) => (
        <button key={l} type="button" data-lang={l} className={lang === l ? 'link on' : 'link'} aria-pressed={lang === l} onClick={() => setLang(l)}>{t(`lang.${l}`)}</button>
      ))}
    </div>
  );
}

export function LoginPage({ notice, onLogin }: { notice: MessageKey | undefined; onLogin: (me: Me) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const s = useSubmit(['username', 'password']);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.submit({ username: username.trim() === '' ? 'login.needUsername' : null, password: password === '' ? 'login.needPassword' : null }, async () => {
      onLogin(await api<Me>('POST', '/auth/login', { username, password }));
    });
  };

  return (
    <main className="center">
      <form className="card login" onSubmit={submit} noValidate>
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('app.tagline')}</p>
        <h2>{t('login.title')}</h2>
        {notice !== undefined && s.error === null && <p className="notice" role="status">{t(notice)}</p>}
        {s.feedback}
        <Field label={t('login.username')} error={s.fieldError('username')}>
          <input name="username" autoComplete="username" required maxLength={64} value={username} onChange={(e) => setUsername(e.target.value)} {...s.field('username')} />
        </Field>
        <Field label={t('login.password')} error={s.fieldError('password')}>
          <input name="password" type="password" autoComplete="current-password" required maxLength={1024} value={password} onChange={(e) => setPassword(e.target.value)} {...s.field('password')} />
        </Field>
        <button type="submit" className="primary" disabled={s.busy}>{s.busy ? t('login.busy') : t('login.submit')}</button>
        <LangSwitch />
      </form>
    </main>
  );
}

/**
 * The password form: current, new, repeated. Checked here before sending (the two new ones equal, the
 * new one different from the current one — the API refuses that too), each problem shown beside its field.
 * On success the API has ended every session of the account: `onDone` sends the user to the login page.
 */
function PasswordForm({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const s = useSubmit(['currentPassword', 'newPassword', 'confirmPassword']);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = [...next].length;
    void s.submit({
      currentPassword: current === '' ? 'login.needPassword' : null,
      newPassword: n < 12 || n > 128 ? 'users.badPassword' : next === current ? 'pw.same' : null,
      confirmPassword: next !== confirm ? 'pw.mismatch' : null,
    }, async () => {
      await api('POST', '/me/password', { currentPassword: current, newPassword: next });
      onDone();
    });
  };

  return (
    <form className="password-form" onSubmit={(e) => submit(e)} noValidate>
      {s.feedback}
      <Field label={t('pw.current')} error={s.fieldError('currentPassword')}>
        <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} {...s.field('currentPassword')} />
      </Field>
      <Field label={t('pw.new')} error={s.fieldError('newPassword')}>
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} maxLength={128} value={next} onChange={(e) => setNext(e.target.value)} {...s.field('newPassword')} />
      </Field>
      <Field label={t('pw.confirm')} error={s.fieldError('confirmPassword')}>
        <input name="confirmPassword" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} {...s.field('confirmPassword')} />
      </Field>
      <p className="muted small">{t('pw.hint')}</p>
      <button type="submit" className="primary" disabled={s.busy}>{t('pw.submit')}</button>
    </form>
  );
}

/** The change the API demands (one-time, environment-given or admin-set password) before anything else. */
export function PasswordChangePage({ me, onDone }: { me: Me; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <main className="center">
      <div className="card login">
        <h1>{t('pw.title')}</h1>
        <p>{t('pw.intro')}</p>
        <p className="muted">{me.user.username}</p>
        <PasswordForm onDone={onDone} />
        <LangSwitch />
      </div>
    </main>
  );
}

/** "Change password" from the user menu, at any time (/account/password). */
export function OwnPasswordPage({ me, onDone }: { me: Me; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <section className="card narrow">
      <h1>{t('pw.title')}</h1>
      <p className="muted">{me.user.username}</p>
      <p>{t('pw.introOwn')}</p>
      <PasswordForm onDone={onDone} />
    </section>
  );
}
