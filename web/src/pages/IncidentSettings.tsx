// Incident settings (/incidents/settings; docs/incidents.md, src/api/routes/playbooks.ts): the internal
// clock targets (acknowledge, first response, containment, and when a clock warns), the organisation's
// TTIS and its register, where the BSSN report goes per sector, the city's time zone and how long a
// status link lives. Everyone reads; administrators change them.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { SECTORS, TIME_ZONES } from '../incidents-api';
import type { IncidentSettings } from '../incidents-api';
import { Field, Show, textProblem, useLoad, useSubmit } from '../ui';
import type { FieldProblem } from '../ui';
import { IncidentTabs } from './Incidents';

const MINUTE = 60_000;

export function IncidentSettingsPage({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const [value, retry] = useLoad(() => api<IncidentSettings>('GET', '/incident-settings'), []);
  return (
    <>
      <div className="page-head"><h1>{t('inc.settings.title')}</h1><p className="muted">{t('inc.settings.intro')}</p></div>
      <IncidentTabs active="settings" />
      <Show value={value} retry={retry}>{(s) => <SettingsForm key={JSON.stringify(s)} settings={s} canEdit={canEdit} onSaved={retry} />}</Show>
    </>
  );
}

function minutes(v: string, problem: FieldProblem): FieldProblem | null {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= 30 * 24 * 60 ? null : problem;
}

function SettingsForm({ settings, canEdit, onSaved }: { settings: IncidentSettings; canEdit: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const [ack, setAck] = useState(String(settings.clocks.acknowledgeMs / MINUTE));
  const [first, setFirst] = useState(String(settings.clocks.firstResponseMs / MINUTE));
  const [contain, setContain] = useState(String(settings.clocks.containmentMs / MINUTE));
  const [warn, setWarn] = useState(String(Math.round(settings.clocks.warnFraction * 100)));
  const [org, setOrg] = useState({ ...settings.organisation });
  const [routes, setRoutes] = useState<Record<string, { to: string; cc: string }>>(Object.fromEntries(SECTORS.map((s) => [s, { to: settings.routes[s]?.to ?? '', cc: (settings.routes[s]?.cc ?? []).join(', ') }])));
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [days, setDays] = useState(String(settings.statusLinkDays));
  const s = useSubmit(['acknowledgeMs', 'firstResponseMs', 'containmentMs', 'warnFraction', 'name', 'ttisName', 'registerNumber', 'registerValidUntil', 'email', 'phone', 'routes', 'timeZone', 'statusLinkDays']);
  const ro = !canEdit;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const w = Number(warn);
    const d = Number(days);
    return s.submit({
      acknowledgeMs: minutes(ack, 'inc.settings.badMinutes'), firstResponseMs: minutes(first, 'inc.settings.badMinutes'), containmentMs: minutes(contain, 'inc.settings.badMinutes'),
      warnFraction: Number.isFinite(w) && w >= 1 && w <= 99 ? null : 'inc.settings.badPercent',
      name: textProblem(org.name, 200, 'inc.settings.needName'), ttisName: textProblem(org.ttisName, 200, 'inc.settings.needName'),
      statusLinkDays: Number.isInteger(d) && d >= 1 && d <= 730 ? null : 'inc.settings.badDays',
    }, async () => {
      const blank = (x: string | null) => (x === null || x.trim() === '' ? null : x.trim());
      await api('PUT', '/incident-settings', {
        clocks: { acknowledgeMs: Number(ack) * MINUTE, firstResponseMs: Number(first) * MINUTE, containmentMs: Number(contain) * MINUTE, warnFraction: w / 100 },
        organisation: { name: org.name.trim(), ttisName: org.ttisName.trim(), registerNumber: blank(org.registerNumber), registerValidUntil: blank(org.registerValidUntil), email: blank(org.email), phone: blank(org.phone) },
        routes: Object.fromEntries(Object.entries(routes).filter(([, r]) => r.to.trim() !== '').map(([k, r]) => [k, { to: r.to.trim(), cc: r.cc.split(',').map((x) => x.trim()).filter((x) => x !== '') }])),
        timeZone, statusLinkDays: d,
      });
      onSaved();
    });
  };
  const orgField = (k: keyof IncidentSettings['organisation'], label: string) => (
    <Field label={label} error={s.fieldError(k)}>
      <input name={k} value={org[k] ?? ''} disabled={ro} onChange={(e) => setOrg((o) => ({ ...o, [k]: e.target.value }))} {...s.field(k)} />
    </Field>
  );
  return (
    <form noValidate onSubmit={(e) => void submit(e)} data-testid="incident-settings">
      <section className="card admin-form">
        <h2>{t('inc.settings.clocks')}</h2>
        <p className="muted small">{t('inc.settings.clocksHint')}</p>
        <Field label={t('inc.settings.acknowledge')} error={s.fieldError('acknowledgeMs')}><input name="acknowledgeMs" type="number" min={1} value={ack} disabled={ro} onChange={(e) => setAck(e.target.value)} {...s.field('acknowledgeMs')} /></Field>
        <Field label={t('inc.settings.firstResponse')} error={s.fieldError('firstResponseMs')}><input name="firstResponseMs" type="number" min={1} value={first} disabled={ro} onChange={(e) => setFirst(e.target.value)} {...s.field('firstResponseMs')} /></Field>
        <Field label={t('inc.settings.containment')} error={s.fieldError('containmentMs')}><input name="containmentMs" type="number" min={1} value={contain} disabled={ro} onChange={(e) => setContain(e.target.value)} {...s.field('containmentMs')} /></Field>
        <Field label={t('inc.settings.warn')} error={s.fieldError('warnFraction')}><input name="warnFraction" type="number" min={1} max={99} value={warn} disabled={ro} onChange={(e) => setWarn(e.target.value)} {...s.field('warnFraction')} /></Field>
        <p className="muted small">{t('inc.settings.legalClocks')}</p>
      </section>
      <section className="card admin-form">
        <h2>{t('inc.settings.organisation')}</h2>
        {orgField('name', t('inc.settings.orgName'))}
        {orgField('ttisName', t('inc.settings.ttisName'))}
        {orgField('registerNumber', t('inc.settings.registerNumber'))}
        {orgField('registerValidUntil', t('inc.settings.registerValidUntil'))}
        {orgField('email', t('inc.settings.email'))}
        {orgField('phone', t('inc.settings.phone'))}
      </section>
      <section className="card">
        <h2>{t('inc.settings.routes')}</h2>
        <p className="muted small">{t('inc.settings.routesHint')}</p>
        <div className="table-wrap">
          <table>
            <thead><tr><th>{t('inc.sector')}</th><th>{t('inc.settings.routeTo')}</th><th>{t('inc.settings.routeCc')}</th></tr></thead>
            <tbody>
              {SECTORS.map((sec) => (
                <tr key={sec}>
                  <td>{t(`inc.sector.${sec}`)}</td>
                  <td><input name={`routes.${sec}.to`} aria-label={t('inc.settings.routeTo')} value={routes[sec]!.to} disabled={ro} onChange={(e) => setRoutes((r) => ({ ...r, [sec]: { ...r[sec]!, to: e.target.value } }))} /></td>
                  <td><input name={`routes.${sec}.cc`} aria-label={t('inc.settings.routeCc')} value={routes[sec]!.cc} disabled={ro} onChange={(e) => setRoutes((r) => ({ ...r, [sec]: { ...r[sec]!, cc: e.target.value } }))} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {s.fieldError('routes')}
      </section>
      <section className="card admin-form">
        <h2>{t('inc.settings.other')}</h2>
        <Field label={t('inc.settings.timeZone')} error={s.fieldError('timeZone')}>
          <select name="timeZone" value={timeZone} disabled={ro} onChange={(e) => setTimeZone(e.target.value)} {...s.field('timeZone')}>
            {(TIME_ZONES as readonly string[]).includes(timeZone) ? null : <option value={timeZone}>{timeZone}</option>}
            {TIME_ZONES.map((z) => <option key={z} value={z}>{t(`inc.tz.${z}`)}</option>)}
          </select>
        </Field>
        <Field label={t('inc.settings.statusLinkDays')} error={s.fieldError('statusLinkDays')}><input name="statusLinkDays" type="number" min={1} max={730} value={days} disabled={ro} onChange={(e) => setDays(e.target.value)} {...s.field('statusLinkDays')} /></Field>
      </section>
      {s.feedback}
      {canEdit && <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('common.save')}</button></div>}
    </form>
  );
}
