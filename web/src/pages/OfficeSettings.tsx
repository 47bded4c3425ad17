// The office's settings (/office-settings; docs/circulars.md "Weekly report cards", "Situation reports"):
// the head of office (kepala dinas) situation reports and the weekly city roll-up are addressed to, and the
// weekly report-card schedules — a circular (or none), the day of the week, the hour and the time zone,
// and who receives the cards (each agency's head its own, the head of office the roll-up). The office
// (admin, analyst) edits; viewers read. The API checks everything again and says what is wrong.
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { Role } from '../api';
import { circulars } from '../circulars-api';
import type { CircularSummary } from '../circulars-api';
import { useI18n } from '../i18n';
import { TIME_ZONES } from '../incidents-api';
import { office, WEEKDAYS } from '../office-api';
import type { OfficeSettings, ReportSchedule, ReportScheduleInput } from '../office-api';
import { ErrorBox, Field, Show, textProblem, useLoad, useSubmit } from '../ui';
import { useBi } from './circular-parts';

const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

export function OfficeSettingsPage({ role }: { role: Role }) {
  const { t } = useI18n();
  const canEdit = role === 'admin' || role === 'analyst';
  const [value, retry] = useLoad(async () => {
    const [settings, schedules, list] = await Promise.all([office.settings(), office.schedules(), circulars.list()]);
    return { settings, schedules: schedules.items, circulars: list.items.filter((c) => c.status !== 'draft') };
  }, []);
  return (
    <section>
      <div className="page-head"><h1>{t('office.title')}</h1><p className="muted">{t('office.intro')}</p></div>
      <Show value={value} retry={retry}>
        {(d) => (
          <>
            <HeadForm key={JSON.stringify(d.settings)} settings={d.settings} canEdit={canEdit} onSaved={retry} />
            <Schedules schedules={d.schedules} circulars={d.circulars} canEdit={canEdit} onChanged={retry} />
          </>
        )}
      </Show>
    </section>
  );
}

function HeadForm({ settings, canEdit, onSaved }: { settings: OfficeSettings; canEdit: boolean; onSaved: () => void }) {
  const { t, fmtDate } = useI18n();
  const h = settings.headOfOffice;
  const [name, setName] = useState(h?.name ?? '');
  const [position, setPosition] = useState(h?.position ?? '');
  const [email, setEmail] = useState(h?.email ?? '');
  const s = useSubmit(['headOfOffice.name', 'headOfOffice.position', 'headOfOffice.email']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({
      'headOfOffice.name': textProblem(name, 120, 'office.need.name'),
      'headOfOffice.position': textProblem(position, 200, 'office.need.position'),
      'headOfOffice.email': email.trim() !== '' && !EMAIL.test(email.trim()) ? 'office.bad.email' : null,
    }, async () => {
      await office.saveSettings({ headOfOffice: { name: name.trim(), position: position.trim(), email: email.trim() === '' ? null : email.trim() } });
      onSaved();
    });
  };
  return (
    <form className="card admin-form" noValidate onSubmit={(e) => void submit(e)} data-testid="head-form">
      <h2>{t('office.head.title')}</h2>
      <p className="muted small">{t('office.head.intro')}</p>
      {h === null && <p className="notice warn" data-testid="no-head">{t('office.head.none')}</p>}
      <Field label={t('office.head.name')} error={s.fieldError('headOfOffice.name')}>
        <input name="headOfOffice.name" value={name} disabled={!canEdit} maxLength={120} onChange={(e) => setName(e.target.value)} {...s.field('headOfOffice.name')} />
      </Field>
      <Field label={t('office.head.position')} error={s.fieldError('headOfOffice.position')}>
        <input name="headOfOffice.position" value={position} disabled={!canEdit} maxLength={200} onChange={(e) => setPosition(e.target.value)} {...s.field('headOfOffice.position')} />
      </Field>
      <Field label={t('office.head.email')} error={s.fieldError('headOfOffice.email')}>
        <input name="headOfOffice.email" type="email" inputMode="email" value={email} disabled={!canEdit} maxLength={200} onChange={(e) => setEmail(e.target.value)} {...s.field('headOfOffice.email')} />
      </Field>
      {settings.updatedAt !== null && <p className="muted small">{t('office.head.updated', { by: settings.updatedBy ?? '', at: fmtDate(settings.updatedAt) })}</p>}
      {s.feedback}
      {s.done && <p className="notice" role="status" data-testid="head-saved">{t('office.head.saved')}</p>}
      {canEdit && <div className="actions"><button type="submit" className="primary" disabled={s.busy} data-action="save-head">{t('common.save')}</button></div>}
    </form>
  );
}

function Schedules({ schedules, circulars: list, canEdit, onChanged }: { schedules: readonly ReportSchedule[]; circulars: readonly CircularSummary[]; canEdit: boolean; onChanged: () => void }) {
  const { t, fmtDate } = useI18n();
  const bi = useBi();
  const [editing, setEditing] = useState<ReportSchedule | 'new' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const circularName = (id: string | null) => {
    const c = id === null ? undefined : list.find((x) => x.id === id);
    return id === null ? t('office.sched.noCircular') : c === undefined ? id : `${c.number ?? t('circ.noNumber')} · ${bi(c.subject)}`;
  };
  const remove = async (id: string) => {
    if (!window.confirm(t('office.sched.confirmRemove'))) return;
    setError(null);
    try {
      await office.removeSchedule(id);
      onChanged();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section className="card" data-testid="schedules">
      <h2>{t('office.sched.title')}</h2>
      <p className="muted small">{t('office.sched.intro')}</p>
      {schedules.length === 0 ? <p className="muted">{t('office.sched.none')}</p> : (
        <div className="table-wrap">
          <table className="stack">
            <thead><tr><th>{t('office.sched.circular')}</th><th>{t('office.sched.day')}</th><th>{t('office.sched.to')}</th><th>{t('office.sched.next')}</th><th>{t('office.sched.last')}</th>{canEdit && <th aria-label={t('office.sched.edit')} />}</tr></thead>
            <tbody>
              {schedules.map((x) => (
                <tr key={x.id} data-schedule={x.id}>
                  <th scope="row" data-label={t('office.sched.circular')}>{circularName(x.circularId)}</th>
                  <td data-label={t('office.sched.day')} data-testid="schedule-when">{t('office.sched.when', { day: t(`office.day.${x.dayOfWeek as (typeof WEEKDAYS)[number]}`), hour: String(x.hour).padStart(2, '0'), tz: t(`inc.tz.${x.timeZone as (typeof TIME_ZONES)[number]}`) })}</td>
                  <td data-label={t('office.sched.to')}>{[x.toAgencyHeads ? t('office.sched.toHeads') : null, x.toOffice ? t('office.sched.toOffice') : null].filter((v) => v !== null).join('; ')}</td>
                  <td data-label={t('office.sched.next')}>{x.enabled ? fmtDate(x.nextRunAt) : t('office.sched.disabled')}</td>
                  <td data-label={t('office.sched.last')}>{x.lastRunAt === null ? t('office.sched.never') : fmtDate(x.lastRunAt)}</td>
                  {canEdit && (
                    <td className="actions">
                      <button type="button" onClick={() => setEditing(x)} data-action="edit-schedule">{t('office.sched.edit')}</button>
                      <button type="button" className="danger" onClick={() => void remove(x.id)} data-action="remove-schedule">{t('office.sched.remove')}</button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {error !== null && <ErrorBox error={error} />}
      {canEdit && editing === null && <div className="actions"><button type="button" onClick={() => setEditing('new')} data-action="add-schedule">{t('office.sched.add')}</button></div>}
      {canEdit && editing !== null && (
        <ScheduleForm key={editing === 'new' ? 'new' : editing.id} schedule={editing === 'new' ? null : editing} circulars={list} circularName={circularName}
          onSaved={() => { setEditing(null); onChanged(); }} onCancel={() => setEditing(null)} />
      )}
    </section>
  );
}

function ScheduleForm({ schedule, circulars: list, circularName, onSaved, onCancel }: {
  schedule: ReportSchedule | null; circulars: readonly CircularSummary[]; circularName: (id: string | null) => string; onSaved: () => void; onCancel: () => void;
}) {
  const { t } = useI18n();
  // A new schedule starts as the office's working week: Monday 07:00 in the city's zone, to everyone.
  const [circularId, setCircularId] = useState(schedule?.circularId ?? list.find((c) => c.status === 'sent')?.id ?? '');
  const [day, setDay] = useState(schedule?.dayOfWeek ?? 1);
  const [hour, setHour] = useState(schedule?.hour ?? 7);
  const [timeZone, setTimeZone] = useState(schedule?.timeZone ?? TIME_ZONES[0]);
  const [toAgencyHeads, setHeads] = useState(schedule?.toAgencyHeads ?? true);
  const [toOffice, setOffice] = useState(schedule?.toOffice ?? true);
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const s = useSubmit(['circularId', 'dayOfWeek', 'hour', 'timeZone', 'recipients', 'enabled']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return s.submit({ recipients: !toAgencyHeads && !toOffice ? 'office.need.recipients' : null }, async () => {
      const input: ReportScheduleInput = { circularId: circularId === '' ? null : circularId, dayOfWeek: day, hour, timeZone, toAgencyHeads, toOffice, enabled };
      await (schedule === null ? office.addSchedule(input) : office.updateSchedule(schedule.id, input));
      onSaved();
    });
  };
  return (
    <form className="admin-form sub" noValidate onSubmit={(e) => void submit(e)} data-testid="schedule-form">
      <Field label={t('office.sched.circular')} error={s.fieldError('circularId')}>
        <select name="circularId" value={circularId} onChange={(e) => setCircularId(e.target.value)} {...s.field('circularId')}>
          <option value="">{circularName(null)}</option>
          {list.map((c) => <option key={c.id} value={c.id}>{circularName(c.id)}</option>)}
        </select>
      </Field>
      <div className="grid2">
        <Field label={t('office.sched.day')} error={s.fieldError('dayOfWeek')}>
          <select name="dayOfWeek" value={day} onChange={(e) => setDay(Number(e.target.value) as typeof day)} {...s.field('dayOfWeek')}>
            {WEEKDAYS.map((d) => <option key={d} value={d}>{t(`office.day.${d}`)}</option>)}
          </select>
        </Field>
        <Field label={t('office.sched.hour')} error={s.fieldError('hour')}>
          <select name="hour" value={hour} onChange={(e) => setHour(Number(e.target.value))} {...s.field('hour')}>
            {HOURS.map((h) => <option key={h} value={h}>{`${String(h).padStart(2, '0')}.00`}</option>)}
          </select>
        </Field>
      </div>
      <Field label={t('office.sched.timeZone')} error={s.fieldError('timeZone')}>
        <select name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} {...s.field('timeZone')}>
          {(TIME_ZONES as readonly string[]).includes(timeZone) ? null : <option value={timeZone}>{timeZone}</option>}
          {TIME_ZONES.map((z) => <option key={z} value={z}>{t(`inc.tz.${z}`)}</option>)}
        </select>
      </Field>
      <fieldset className="checks" aria-invalid={s.field('recipients')['aria-invalid']}>
        <legend>{t('office.sched.to')}</legend>
        <label className="check"><input type="checkbox" name="toAgencyHeads" checked={toAgencyHeads} onInput={() => s.edited('recipients')} onChange={(e) => setHeads(e.target.checked)} />{t('office.sched.toHeads')}</label>
        <label className="check"><input type="checkbox" name="toOffice" checked={toOffice} onInput={() => s.edited('recipients')} onChange={(e) => setOffice(e.target.checked)} />{t('office.sched.toOffice')}</label>
        {s.fieldError('recipients')}
      </fieldset>
      <label className="check"><input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />{t('office.sched.enabled')}</label>
      {s.feedback}
      <div className="actions">
        <button type="submit" className="primary" disabled={s.busy} data-action="save-schedule">{t('office.sched.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </form>
  );
}
