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
import { Counter, DataTable, Field, Show, textProblem, useLoad, useSubmit } from '../ui';

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
          <DataTable testId="enrollments" rows={r.items} rowKey={(e) => e.id} columns={[
            { label: t('enroll.name'), cell: (e) => e.name },
            { label: t('workers.zones'), cell: (e) => e.zones.join(', ') },
            { label: t('enroll.createdBy'), cell: (e) => <>{e.createdBy} · {fmtDate(e.createdAt)}</> },
            { label: t('enroll.expiresAt'), cell: (e) => fmtDate(e.expiresAt) },
          ]} />
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
          <DataTable testId="credentials" rows={r.items} rowKey={(c) => c.id} rowAttrs={(c) => ({ 'data-credential': c.id })} columns={[
            { label: t('enroll.name'), cell: (c) => <>{c.name}<br /><code className="muted small">{`agent:${c.id}`}</code></> },
            { label: t('workers.zones'), cell: (c) => c.zones.join(', ') },
            { label: t('enroll.enrolledAt'), cell: (c) => fmtDate(c.createdAt) },
            { label: t('enroll.lastUsed'), cell: (c) => (c.lastUsedAt === null ? t('sched.never') : fmtDate(c.lastUsedAt)) },
            {
              label: t('workers.state'), cell: (c) => (c.revokedAt === null
                ? <span className="badge sev-low">{t('enroll.active')}</span>
                : <span className="badge sev-high">{t('enroll.revoked', { by: c.revokedBy ?? '?', at: fmtDate(c.revokedAt) })}</span>),
            },
            ...(admin ? [{ label: t('finding.actions'), cell: (c: WorkerCredential) => c.revokedAt === null && <RevokeButton c={c} onDone={onChange} /> }] : []),
          ]} />
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
          <DataTable testId="workers" rows={r.items} rowKey={(w) => w.name} rowAttrs={(w) => ({ 'data-worker': w.name })} columns={[
            { label: t('workers.name'), cell: (w) => w.name },
            { label: t('workers.zones'), cell: (w) => w.zones.map((z) => z ?? t('workers.defaultZone')).join(', ') },
            { label: t('workers.state'), cell: (w) => <span className={w.live ? 'badge sev-low' : 'badge sev-high'}>{t(w.live ? 'workers.live' : 'workers.silent')}</span> },
            { label: t('workers.lastSeen'), cell: (w) => fmtDate(w.lastSeenAt) },
            { label: t('workers.task'), cell: (w) => w.currentTask ?? t('workers.idle') },
            { label: t('workers.doneLastHour'), cell: (w) => fmtNum(w.doneLastHour), className: 'num' },
            { label: t('workers.version'), cell: (w) => <>{w.version} · {t(`workers.queue.${w.queue}`)}</> },
          ]} />
        )}
      </Show>
      {admin && <EnrollmentForm onCreated={bump} />}
      <EnrolledWorkers admin={admin} version={version} onChange={bump} />
      {admin && <PendingEnrollments version={version} />}
    </section>
  );
}
