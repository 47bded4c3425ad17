// Scan workers (/workers; API GET /api/v1/workers, docs/deploy.md "Workers"): every worker heard of in the
// last day — its zones, version, last heartbeat, whether it is live, the task it runs and its tasks of the
// last hour. Administrators and analysts: a worker's name says which host runs it.
//
// Enrolled segment workers (docs/api.md "Enrolled segment workers"): administrators create a one-time
// enrollment token for zones the registered networks use — shown once, with the command that enrolls the
// worker — and see the pending enrollments; both roles see the enrolled workers, administrators revoke them.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import type { Enrollment, EnrollmentCreated, Role, ScanWorker, WorkerCredential } from '../api';
import { useI18n } from '../i18n';
import { Counter, Field, Show, textProblem, useLoad, useSubmit } from '../ui';

/** The API's limits (src/api/schemas.ts EnrollmentIn). */
const NAME_MAX = 64;
const HOURS_MAX = 168;

/** The command an administrator runs on the segment's machine; the server is this page's own origin. */
function enrollCommand(token: string): string {
  return `PERISAI_ENROLL_TOKEN=${token} perisai worker --server https://${window.location.host}`;
}

function EnrollmentForm({ onCreated }: { onCreated: () => void }) {
  const { t, fmtDate } = useI18n();
  const [zones] = useLoad(() => api<{ items: string[] }>('GET', '/workers/zones'), []);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [hours, setHours] = useState('24');
  const [created, setCreated] = useState<EnrollmentCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const s = useSubmit(['name', 'zones', 'expiresInHours']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const h = Number(hours);
    setCreated(null);
    setCopied(false);
    return s.submit({
      name: textProblem(name, NAME_MAX, 'enroll.nameRequired'),
      zones: chosen.size === 0 ? 'enroll.zonesRequired' : null,
      expiresInHours: Number.isInteger(h) && h >= 1 && h <= HOURS_MAX ? null : 'enroll.badHours',
    }, async () => {
      setCreated(await api<EnrollmentCreated>('POST', '/workers/enrollments', { name: name.trim(), zones: [...chosen].sort(), expiresInHours: h }));
      setName('');
      setChosen(new Set());
      onCreated();
    });
  };
  const copy = (text: string) => {
    void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="enrollment-form">
      <h2>{t('enroll.add')}</h2>
      <p className="muted">{t('enroll.intro')}</p>
      <Field label={t('enroll.name')} error={s.fieldError('name')} extra={<Counter value={name.trim()} max={NAME_MAX} />}>
        <input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" {...s.field('name')} />
      </Field>
      <fieldset className="checks" aria-invalid={s.field('zones')['aria-invalid']}>
        <legend>{t('workers.zones')}</legend>
        <Show value={zones} retry={() => undefined}>
          {(z) => z.items.length === 0 ? <span className="muted" data-testid="enroll-no-zones">{t('enroll.noZones')}</span> : z.items.map((x) => (
            <label key={x} className="check">
              <input type="checkbox" name="zone" value={x} checked={chosen.has(x)} onInput={() => s.edited('zones')}
                onChange={(e) => setChosen((v) => { const n = new Set(v); if (e.target.checked) n.add(x); else n.delete(x); return n; })} />
              {x}
            </label>
          ))}
        </Show>
        {s.fieldError('zones')}
      </fieldset>
      <Field label={t('enroll.hours')} error={s.fieldError('expiresInHours')}>
        <input name="expiresInHours" type="number" min={1} max={HOURS_MAX} value={hours} onChange={(e) => setHours(e.target.value)} {...s.field('expiresInHours')} />
      </Field>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('enroll.create')}</button></div>
      {created !== null && s.done && (
        <div className="notice" role="status" data-testid="enrollment-created">
          <p>{t('enroll.created', { name: created.name, until: fmtDate(created.expiresAt) })}</p>
          <p><strong>{t('enroll.onceOnly')}</strong></p>
          <Field label={t('enroll.token')}><input readOnly value={created.token} data-testid="enrollment-token" onFocus={(e) => e.target.select()} spellCheck={false} /></Field>
          <Field label={t('enroll.command')}><input readOnly value={enrollCommand(created.token)} data-testid="enrollment-command" onFocus={(e) => e.target.select()} spellCheck={false} /></Field>
          <div className="actions tight">
            <button type="button" onClick={() => copy(enrollCommand(created.token))}>{t('enroll.copy')}</button>
            {copied && <span className="muted small">{t('enroll.copied')}</span>}
          </div>
          <p className="muted small">{t('enroll.copyHint')}</p>
        </div>
      )}
    </form>
  );
}

function PendingEnrollments({ version }: { version: number }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: Enrollment[] }>('GET', '/workers/enrollments'), [version]);
  return (
    <section>
      <h2>{t('enroll.pending')}</h2>
      <Show value={value} retry={retry}>
        {(r) => r.items.length === 0 ? <p className="muted" data-testid="enrollments-none">{t('enroll.pendingNone')}</p> : (
          <div className="table-wrap card">
            <table data-testid="enrollments">
              <thead><tr><th scope="col">{t('enroll.name')}</th><th scope="col">{t('workers.zones')}</th><th scope="col">{t('enroll.createdBy')}</th><th scope="col">{t('enroll.expiresAt')}</th></tr></thead>
              <tbody>
                {r.items.map((e) => (
                  <tr key={e.id}>
                    <td data-label={t('enroll.name')}>{e.name}</td>
                    <td data-label={t('workers.zones')}>{e.zones.join(', ')}</td>
                    <td data-label={t('enroll.createdBy')}>{e.createdBy} · {fmtDate(e.createdAt)}</td>
                    <td data-label={t('enroll.expiresAt')}>{fmtDate(e.expiresAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

function RevokeButton({ c, onDone }: { c: WorkerCredential; onDone: () => void }) {
  const { t } = useI18n();
  const s = useSubmit();
  return (
    <>
      <button type="button" className="danger" data-action="revoke" disabled={s.busy} onClick={() => {
        if (!window.confirm(t('enroll.confirmRevoke', { name: c.name }))) return;
        void s.submit(null, async () => {
          await api<null>('POST', `/workers/credentials/${encodeURIComponent(c.id)}/revoke`);
          onDone();
        });
      }}>{t('enroll.revoke')}</button>
      {s.feedback}
    </>
  );
}

function EnrolledWorkers({ admin, version, onChange }: { admin: boolean; version: number; onChange: () => void }) {
  const { t, fmtDate } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: WorkerCredential[] }>('GET', '/workers/credentials'), [version]);
  return (
    <section>
      <h2>{t('enroll.enrolled')}</h2>
      <Show value={value} retry={retry}>
        {(r) => r.items.length === 0 ? <p className="muted" data-testid="credentials-none">{t('enroll.enrolledNone')}</p> : (
          <div className="table-wrap card">
            <table data-testid="credentials">
              <thead>
                <tr>
                  <th scope="col">{t('enroll.name')}</th><th scope="col">{t('workers.zones')}</th><th scope="col">{t('enroll.enrolledAt')}</th>
                  <th scope="col">{t('enroll.lastUsed')}</th><th scope="col">{t('workers.state')}</th>{admin && <th scope="col">{t('finding.actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {r.items.map((c) => (
                  <tr key={c.id} data-credential={c.id}>
                    <td data-label={t('enroll.name')}>{c.name}<br /><code className="muted small">{`agent:${c.id}`}</code></td>
                    <td data-label={t('workers.zones')}>{c.zones.join(', ')}</td>
                    <td data-label={t('enroll.enrolledAt')}>{fmtDate(c.createdAt)}</td>
                    <td data-label={t('enroll.lastUsed')}>{c.lastUsedAt === null ? t('sched.never') : fmtDate(c.lastUsedAt)}</td>
                    <td data-label={t('workers.state')}>
                      {c.revokedAt === null
                        ? <span className="badge sev-low">{t('enroll.active')}</span>
                        : <span className="badge sev-high">{t('enroll.revoked', { by: c.revokedBy ?? '?', at: fmtDate(c.revokedAt) })}</span>}
                    </td>
                    {admin && <td data-label={t('finding.actions')}>{c.revokedAt === null && <RevokeButton c={c} onDone={onChange} />}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </section>
  );
}

export function WorkersPage({ role }: { role: Role }) {
  const { t, fmtDate, fmtNum } = useI18n();
  const [value, retry] = useLoad(() => api<{ items: ScanWorker[] }>('GET', '/workers'), []);
  // Bumped after a creation or a revocation: the lists below load again.
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const admin = role === 'admin';
  return (
    <section>
      <div className="page-head">
        <h1>{t('workers.title')}</h1>
        <p className="muted">{t('workers.intro')}</p>
      </div>
      <Show value={value} retry={retry}>
        {(r) => r.items.length === 0 ? <p className="muted" data-testid="workers-none">{t('workers.none')}</p> : (
          <div className="table-wrap card">
            <table data-testid="workers">
              <thead>
                <tr>
                  <th scope="col">{t('workers.name')}</th><th scope="col">{t('workers.zones')}</th><th scope="col">{t('workers.state')}</th>
                  <th scope="col">{t('workers.lastSeen')}</th><th scope="col">{t('workers.task')}</th><th scope="col">{t('workers.doneLastHour')}</th>
                  <th scope="col">{t('workers.version')}</th>
                </tr>
              </thead>
              <tbody>
                {r.items.map((w) => (
                  <tr key={w.name} data-worker={w.name}>
                    <td data-label={t('workers.name')}>{w.name}</td>
                    <td data-label={t('workers.zones')}>{w.zones.map((z) => z ?? t('workers.defaultZone')).join(', ')}</td>
                    <td data-label={t('workers.state')}><span className={w.live ? 'badge sev-low' : 'badge sev-high'}>{t(w.live ? 'workers.live' : 'workers.silent')}</span></td>
                    <td data-label={t('workers.lastSeen')}>{fmtDate(w.lastSeenAt)}</td>
                    <td data-label={t('workers.task')}>{w.currentTask ?? t('workers.idle')}</td>
                    <td data-label={t('workers.doneLastHour')} className="num">{fmtNum(w.doneLastHour)}</td>
                    <td data-label={t('workers.version')}>{w.version} · {t(`workers.queue.${w.queue}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Show>
      {admin && <EnrollmentForm onCreated={bump} />}
      <EnrolledWorkers admin={admin} version={version} onChange={bump} />
      {admin && <PendingEnrollments version={version} />}
    </section>
  );
}
