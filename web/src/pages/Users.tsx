// Accounts (administrators), over the existing users API: list, create with a role and an agency,
// disable/enable, and reset a password. A reset password is a one-time password: the account must
// change it at its next login (the API then ends the account's sessions).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, ROLES } from '../api';
import type { Agency, Role, User } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { Counter, Field, Show, textProblem, useLoad, useSubmit } from '../ui';

const USERNAME = /^\S{3,64}$/;
/** Display names: the API's limit (src/api/routes/users.ts Text(200)). */
const NAME_MAX = 200;

/** The API's password policy, checked early: 12–128 characters, not containing the username. */
function passwordProblem(password: string, username: string): MessageKey | null {
  const n = [...password].length;
  if (n < 12 || n > 128) return 'users.badPassword';
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase())) return 'users.passwordHasName';
  return null;
}

function UserForm({ agencies, onCreated }: { agencies: readonly Agency[]; onCreated: (u: User) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('officer');
  const [agencyId, setAgencyId] = useState('');
  const [password, setPassword] = useState('');
  const s = useSubmit(['username', 'displayName', 'role', 'agencyId', 'password']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({
      username: !USERNAME.test(username.trim()) ? 'users.badUsername' : null,
      displayName: textProblem(displayName, NAME_MAX, null),
      agencyId: role === 'officer' && agencyId === '' ? 'users.officerNeedsAgency' : null,
      password: passwordProblem(password, username.trim()),
    }, async () => {
      onCreated(await api<User>('POST', '/users', {
        username: username.trim(), password, role, agencyId: agencyId === '' ? null : agencyId, mustChangePassword: true,
        ...(displayName.trim() !== '' ? { displayName: displayName.trim() } : {}),
      }));
      setUsername('');
      setDisplayName('');
      setPassword('');
    });
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="user-form">
      <h2>{t('users.add')}</h2>
      <Field label={t('login.username')} error={s.fieldError('username')}><input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" spellCheck={false} {...s.field('username')} /></Field>
      <Field label={t('users.displayName')} error={s.fieldError('displayName')} extra={<Counter value={displayName.trim()} max={NAME_MAX} />}>
        <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} {...s.field('displayName')} />
      </Field>
      <Field label={t('users.role')} error={s.fieldError('role')}>
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} {...s.field('role')}>
          {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
        </select>
      </Field>
      <Field label={t('asset.agency')} error={s.fieldError('agencyId')}>
        <select name="agencyId" value={agencyId} onChange={(e) => setAgencyId(e.target.value)} {...s.field('agencyId')}>
          <option value="">{t('users.cityWide')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </Field>
      <Field label={t('users.initialPassword')} error={s.fieldError('password')}>
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" {...s.field('password')} />
        <span className="muted small">{t('users.passwordHint')}</span>
      </Field>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('users.create')}</button></div>
    </form>
  );
}

function UserRow({ u, self, agency, onChange }: { u: User; self: boolean; agency: string; onChange: (u: User) => void }) {
  const { t, fmtDate } = useI18n();
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  // Enable/disable and the password reset: each a submission whose messages replace the last ones.
  const toggle = useSubmit();
  const reset = useSubmit(['password']);
  const [resetDone, setResetDone] = useState(false);
  const submitReset = (e: FormEvent) => {
    e.preventDefault();
    setResetDone(false);
    void reset.submit({ password: passwordProblem(password, u.username) }, async () => {
      onChange(await api<User>('PATCH', `/users/${encodeURIComponent(u.id)}`, { password, mustChangePassword: true }));
      setPassword('');
      setResetting(false);
      setResetDone(true);
    });
  };
  return (
    <tr data-user={u.username}>
      <td data-label={t('login.username')}>{u.username}</td>
      <td data-label={t('users.displayName')}>{u.displayName}</td>
      <td data-label={t('users.role')}>{t(`role.${u.role}`)}</td>
      <td data-label={t('asset.agency')}>{agency}</td>
      <td data-label={t('sched.state')}>
        {u.disabled ? t('users.disabled') : t('users.active')}
        {u.mustChangePassword && <span className="muted small"> · {t('users.mustChange')}</span>}
      </td>
      <td data-label={t('users.lastLogin')}>{u.lastLoginAt === null ? t('sched.never') : fmtDate(u.lastLoginAt)}</td>
      <td data-label={t('finding.actions')}>
        {!self && (
          <div className="actions tight">
            <button type="button" data-action="toggle" disabled={toggle.busy} onClick={() => { setResetDone(false); void toggle.submit(null, async () => onChange(await api<User>('PATCH', `/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled }))); }}>{u.disabled ? t('users.enable') : t('users.disable')}</button>
            <button type="button" data-action="reset" onClick={() => { setResetting((x) => !x); setResetDone(false); reset.edited('password'); }}>{t('users.resetPassword')}</button>
          </div>
        )}
        {resetting && (
          <form className="exception-form" onSubmit={submitReset} noValidate>
            <Field label={t('users.newPassword')} error={reset.fieldError('password')}>
              <input name="newPassword" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" {...reset.field('password')} />
            </Field>
            <div className="actions">
              <button type="submit" className="primary" disabled={reset.busy}>{t('users.resetPassword')}</button>
              <button type="button" onClick={() => setResetting(false)}>{t('common.cancel')}</button>
            </div>
          </form>
        )}
        {reset.feedback}
        {toggle.feedback}
        {resetDone && reset.done && <p className="notice" role="status">{t('users.passwordReset')}</p>}
      </td>
    </tr>
  );
}

export function UsersPage({ me }: { me: User }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: User[] }>('GET', '/users'), []);
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [edits, setEdits] = useState<ReadonlyMap<string, User>>(new Map());
  const [added, setAdded] = useState<User[]>([]);
  const agencyList = agencies.state === 'ok' ? agencies.data.items : [];
  const agencyName = new Map(agencyList.map((a) => [a.id, a.name] as const));
  return (
    <>
      <div className="page-head"><h1>{t('users.title')}</h1></div>
      {agencies.state === 'ok' && <UserForm agencies={agencyList} onCreated={(u) => setAdded((xs) => [...xs, u])} />}
      <Show value={value} retry={retry}>
        {(d) => (
          <div className="table-wrap card">
            <table data-testid="users">
              <thead>
                <tr>
                  <th scope="col">{t('login.username')}</th><th scope="col">{t('users.displayName')}</th><th scope="col">{t('users.role')}</th><th scope="col">{t('asset.agency')}</th>
                  <th scope="col">{t('sched.state')}</th><th scope="col">{t('users.lastLogin')}</th><th scope="col">{t('finding.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {[...d.items, ...added].map((u) => edits.get(u.id) ?? u).map((u) => (
                  <UserRow key={u.id} u={u} self={u.id === me.id} agency={u.agencyId === null ? t('users.cityWide') : (agencyName.get(u.agencyId) ?? u.agencyId)} onChange={(x) => setEdits((m) => new Map(m).set(x.id, x))} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </>
  );
}
