// Alerts (administrators): channels (webhook, email, Telegram) with enable/disable, a test send and
// delete; rules routing changes to channels; the recent deliveries. Secrets are typed into password
// fields, sent once, and forgotten: the API never returns them, so the page can only say one is stored.
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { api, CHANNEL_KINDS, query, RULE_PRESETS, SEVERITIES } from '../api';
import type { Agency, AlertChannel, AlertDelivery, AlertRule, ChannelKind, Severity } from '../api';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n';
import { checkName, TOPICS, topicName } from '../labels';
import { Counter, ErrorBox, Field, Show, textProblem, useLoad, useSubmit } from '../ui';
import type { Problems } from '../ui';

const MASK = '••••';
const HTTP_URL = /^https?:\/\/\S+$/i;
const BOT_TOKEN = /^[0-9]+:[A-Za-z0-9_-]+$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
/** Channel and rule names: the API's limit (src/api/routes/alerts.ts Text(100)). */
const CHANNEL_NAME_MAX = 100;

/** "a, b ,c" → ["a", "b", "c"] */
function list(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

interface ChannelDraft { name: string; kind: ChannelKind; url: string; secret: string; host: string; port: string; security: string; user: string; pass: string; from: string; to: string; chatId: string; botToken: string }
const EMPTY: ChannelDraft = { name: '', kind: 'webhook', url: '', secret: '', host: '', port: '587', security: 'starttls', user: '', pass: '', from: '', to: '', chatId: '', botToken: '' };

/** The channel's config as the API takes it, and every problem found in the draft, by field. */
function channelBody(d: ChannelDraft): { problems: Problems; config: Record<string, unknown> } {
  const name = textProblem(d.name, CHANNEL_NAME_MAX, 'alerts.needName');
  switch (d.kind) {
    case 'webhook':
      return { problems: { name, url: !HTTP_URL.test(d.url.trim()) ? 'alerts.badUrl' : null }, config: { url: d.url.trim(), ...(d.secret !== '' ? { secret: d.secret } : {}) } };
    case 'email': {
      const to = list(d.to);
      const port = Number(d.port);
      return {
        problems: {
          name,
          host: d.host.trim() === '' ? 'alerts.needSmtp' : null,
          from: d.from.trim() === '' ? 'alerts.needSmtp' : null,
          to: to.length === 0 || !to.every((a) => EMAIL.test(a)) ? 'alerts.badTo' : null,
          port: !Number.isInteger(port) || port < 1 || port > 65535 ? 'alerts.badPort' : null,
        },
        config: { host: d.host.trim(), port, security: d.security, from: d.from.trim(), to, ...(d.user.trim() !== '' ? { auth: { user: d.user.trim(), pass: d.pass } } : {}) },
      };
    }
    case 'telegram':
      return {
        problems: { name, botToken: !BOT_TOKEN.test(d.botToken.trim()) ? 'alerts.badToken' : null, chatId: d.chatId.trim() === '' ? 'alerts.needChat' : null },
        config: { botToken: d.botToken.trim(), chatId: d.chatId.trim() },
      };
  }
}

function ChannelForm({ onCreated }: { onCreated: (c: AlertChannel) => void }) {
  const { t } = useI18n();
  const [d, setD] = useState<ChannelDraft>(EMPTY);
  const s = useSubmit(['name', 'kind', 'url', 'secret', 'host', 'port', 'security', 'user', 'pass', 'from', 'to', 'toRoles', 'botToken', 'chatId', 'baseUrl', 'timeoutMs', 'config']);
  const set = (k: keyof ChannelDraft) => (e: { target: { value: string } }) => setD((x) => ({ ...x, [k]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { problems, config } = channelBody(d);
    return s.submit(problems, async () => {
      onCreated(await api<AlertChannel>('POST', '/alert-channels', { name: d.name.trim(), kind: d.kind, config }));
      setD(EMPTY); // the secrets leave the page's memory with the form
    });
  };
  const field = (k: keyof ChannelDraft, label: MessageKey, type = 'text') => (
    <Field label={t(label)} error={s.fieldError(k)} extra={k === 'name' && <Counter value={d.name.trim()} max={CHANNEL_NAME_MAX} />}>
      <input name={k} type={type} value={d[k]} onChange={set(k)} autoComplete={type === 'password' ? 'new-password' : 'off'} spellCheck={false} {...s.field(k)} />
    </Field>
  );
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="channel-form">
      <h2>{t('alerts.addChannel')}</h2>
      {field('name', 'alerts.name')}
      <Field label={t('alerts.kind')} error={s.fieldError('kind')}>
        <select name="kind" value={d.kind} onChange={(e) => setD((x) => ({ ...x, kind: e.target.value as ChannelKind }))} {...s.field('kind')}>
          {CHANNEL_KINDS.map((k) => <option key={k} value={k}>{t(`alerts.kind.${k}`)}</option>)}
        </select>
      </Field>
      {d.kind === 'webhook' && <>{field('url', 'alerts.url', 'url')}{field('secret', 'alerts.hmacSecret', 'password')}</>}
      {d.kind === 'email' && (
        <>
          {field('host', 'alerts.smtpHost')}
          {field('port', 'alerts.smtpPort', 'number')}
          <Field label={t('alerts.security')} error={s.fieldError('security')}>
            <select name="security" value={d.security} onChange={set('security')} {...s.field('security')}>
              {(['starttls', 'tls', 'none'] as const).map((x) => <option key={x} value={x}>{t(`alerts.security.${x}`)}</option>)}
            </select>
          </Field>
          {field('user', 'alerts.smtpUser')}
          {field('pass', 'alerts.smtpPass', 'password')}
          {field('from', 'alerts.from', 'email')}
          {field('to', 'alerts.to')}
        </>
      )}
      {d.kind === 'telegram' && <>{field('botToken', 'alerts.botToken', 'password')}{field('chatId', 'alerts.chatId')}</>}
      <p className="muted small">{t('alerts.secretNote')}</p>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('alerts.createChannel')}</button></div>
    </form>
  );
}

function ChannelRow({ c, onChange, onRemove }: { c: AlertChannel; onChange: (c: AlertChannel) => void; onRemove: () => void }) {
  const { t, lang } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ ok: boolean; detail: string; detailId?: string } | null>(null);
  const act = async (work: () => Promise<void>) => {
    setError(null);
    setResult(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    }
  };
  const path = `/alert-channels/${encodeURIComponent(c.id)}`;
  const target = c.config.url ?? (c.config.host !== undefined ? `${c.config.host}:${c.config.port ?? ''} → ${(c.config.to ?? []).join(', ')}` : c.config.chatId ?? '');
  return (
    <tr data-channel={c.name}>
      <td data-label={t('alerts.name')}>{c.name}</td>
      <td data-label={t('alerts.kind')}>{t(`alerts.kind.${c.kind}`)}</td>
      <td data-label={t('alerts.target')}><code className="wrap">{target}</code></td>
      <td data-label={t('alerts.secret')} data-testid="secret">{c.hasSecret ? <><span className="mask">{MASK}</span> <span className="muted small">{t('alerts.secretStored')}</span></> : <span className="muted">{t('alerts.noSecret')}</span>}</td>
      <td data-label={t('sched.state')}>{c.enabled ? t('sched.enabled') : t('sched.disabled')}</td>
      <td data-label={t('finding.actions')}>
        <div className="actions tight">
          <button type="button" data-action="toggle" onClick={() => void act(async () => onChange(await api<AlertChannel>('PATCH', path, { enabled: !c.enabled })))}>{c.enabled ? t('sched.disable') : t('sched.enable')}</button>
          <button type="button" data-action="test" onClick={() => void act(async () => setResult(await api<{ ok: boolean; detail: string; detailId?: string }>('POST', `${path}/test`)))}>{t('alerts.test')}</button>
          <button type="button" data-action="delete" className="danger" onClick={() => void act(async () => {
            if (!window.confirm(t('alerts.confirmDeleteChannel'))) return;
            await api('DELETE', path);
            onRemove();
          })}>{t('sched.delete')}</button>
        </div>
        {result !== null && (
          <p className={result.ok ? 'notice' : 'error'} role="status" data-testid="channel-test-result">
            {t(result.ok ? 'alerts.testOk' : 'alerts.testFailed', { detail: lang === 'id' ? (result.detailId ?? result.detail) : result.detail })}
          </p>
        )}
        {error !== null && <ErrorBox error={error} />}
      </td>
    </tr>
  );
}

/** `s` with `x` added (on) or removed. */
function toggled(s: ReadonlySet<string>, x: string, on: boolean): ReadonlySet<string> {
  const n = new Set(s);
  if (on) n.add(x);
  else n.delete(x);
  return n;
}

/** A topic by its name, or as code when it has none (a pattern typed through the CLI). */
function Topic({ topic }: { topic: string }) {
  const { t } = useI18n();
  return <>{topicName(t, topic) ?? <code>{topic}</code>}</>;
}

function RuleForm({ channels, agencies, onCreated }: { channels: readonly AlertChannel[]; agencies: readonly Agency[]; onCreated: (r: AlertRule) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [preset, setPreset] = useState('');
  const [topics, setTopics] = useState<ReadonlySet<string>>(new Set());
  const [minSeverity, setMinSeverity] = useState<Severity | ''>('');
  const [agencyId, setAgencyId] = useState('');
  const [ports, setPorts] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const s = useSubmit(['name', 'preset', 'topics', 'minSeverity', 'agencyId', 'ports', 'channelIds', 'filter']);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const topicList = TOPICS.filter((x) => topics.has(x));
    const portList = list(ports).map(Number);
    const filter = {
      ...(topicList.length > 0 ? { topics: topicList } : {}), ...(minSeverity !== '' ? { minSeverity } : {}),
      ...(agencyId !== '' ? { agencyId } : {}), ...(portList.length > 0 ? { ports: portList } : {}),
    };
    return s.submit({
      name: textProblem(name, CHANNEL_NAME_MAX, 'alerts.needName'),
      topics: preset === '' && topicList.length === 0 ? 'alerts.needTopics' : null,
      ports: !portList.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535) ? 'alerts.badPort' : null,
      channelIds: chosen.size === 0 ? 'alerts.needChannel' : null,
    }, async () => {
      onCreated(await api<AlertRule>('POST', '/alert-rules', { name: name.trim(), ...(preset !== '' ? { preset } : {}), filter, channelIds: [...chosen] }));
      setName('');
    });
  };
  return (
    <form className="card admin-form" onSubmit={(e) => void submit(e)} noValidate data-testid="rule-form">
      <h2>{t('alerts.addRule')}</h2>
      <Field label={t('alerts.name')} error={s.fieldError('name')} extra={<Counter value={name.trim()} max={CHANNEL_NAME_MAX} />}>
        <input name="ruleName" value={name} onChange={(e) => setName(e.target.value)} {...s.field('name')} />
      </Field>
      <Field label={t('alerts.preset')} error={s.fieldError('preset')}>
        <select name="preset" value={preset} onChange={(e) => setPreset(e.target.value)} {...s.field('preset')}>
          <option value="">{t('alerts.noPreset')}</option>
          {RULE_PRESETS.map((p) => <option key={p} value={p}>{t(`alerts.preset.${p}`)}</option>)}
        </select>
      </Field>
      <fieldset className="checks" aria-describedby="rule-topics-hint" aria-invalid={s.field('topics')['aria-invalid']}>
        <legend>{t('alerts.topics')}</legend>
        <span id="rule-topics-hint" className="muted small">{t('alerts.topicsHint')}</span>
        {TOPICS.map((x) => (
          <label key={x} className="check">
            <input type="checkbox" name="topic" value={x} checked={topics.has(x)} onInput={() => s.edited('topics')} onChange={(e) => setTopics((v) => toggled(v, x, e.target.checked))} />
            {topicName(t, x)}
          </label>
        ))}
        {s.fieldError('topics')}
      </fieldset>
      <Field label={t('finding.minSeverity')} error={s.fieldError('minSeverity')}>
        <select name="minSeverity" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as Severity | '')} {...s.field('minSeverity')}>
          <option value="">{t('common.all')}</option>
          {SEVERITIES.map((x) => <option key={x} value={x}>{t(`severity.${x}`)}</option>)}
        </select>
      </Field>
      <Field label={t('asset.agency')} error={s.fieldError('agencyId')}>
        <select name="ruleAgency" value={agencyId} onChange={(e) => setAgencyId(e.target.value)} {...s.field('agencyId')}>
          <option value="">{t('common.all')}</option>
          {agencies.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
        </select>
      </Field>
      <Field label={t('alerts.rulePorts')} error={s.fieldError('ports')}><input name="rulePorts" value={ports} onChange={(e) => setPorts(e.target.value)} spellCheck={false} {...s.field('ports')} /></Field>
      <fieldset className="checks" aria-invalid={s.field('channelIds')['aria-invalid']}>
        <legend>{t('alerts.channels')}</legend>
        {channels.length === 0 && <span className="muted">{t('alerts.noChannels')}</span>}
        {channels.map((c) => (
          <label key={c.id} className="check">
            <input type="checkbox" name="channel" value={c.id} checked={chosen.has(c.id)} onInput={() => s.edited('channelIds')} onChange={(e) => setChosen((v) => toggled(v, c.id, e.target.checked))} />
            {c.name}
          </label>
        ))}
        {s.fieldError('channelIds')}
      </fieldset>
      {s.feedback}
      <div className="actions"><button type="submit" className="primary" disabled={s.busy}>{t('alerts.createRule')}</button></div>
    </form>
  );
}

function RuleSummary({ r, agencies }: { r: AlertRule; agencies: ReadonlyMap<string, string> }) {
  const { t } = useI18n();
  const parts: ReactNode[] = [r.filter.topics.map((x, i) => <span key={x}>{i > 0 && ', '}<Topic topic={x} /></span>)];
  if (r.filter.minSeverity !== undefined) parts.push(t('alerts.sumSeverity', { s: t(`severity.${r.filter.minSeverity}`) }));
  if (r.filter.agencyId !== undefined) parts.push(t('alerts.sumAgency', { a: agencies.get(r.filter.agencyId) ?? r.filter.agencyId }));
  if (r.filter.ports !== undefined) parts.push(t('alerts.sumPorts', { p: r.filter.ports.join(', ') }));
  if (r.filter.findingRules !== undefined) parts.push(t('alerts.sumRules', { r: r.filter.findingRules.map((x) => checkName(t, x)).join(', ') }));
  return <span>{parts.map((p, i) => <span key={i}>{i > 0 && ' · '}{p}</span>)}</span>;
}

function Deliveries() {
  const { t, fmtDate } = useI18n();
  const [status, setStatus] = useState('');
  const [value, retry] = useLoad(() => api<{ items: AlertDelivery[] }>('GET', `/alert-deliveries${query({ status, limit: 50 })}`), [status]);
  return (
    <section className="card">
      <h2>{t('alerts.deliveries')}</h2>
      <div className="actions">
        <label className="inline">
          {t('finding.status')}
          <select name="deliveryStatus" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('common.all')}</option>
            {(['sent', 'failed', 'dead', 'sending'] as const).map((s) => <option key={s} value={s}>{t(`alerts.delivery.${s}`)}</option>)}
          </select>
        </label>
        <button type="button" onClick={retry}>{t('alerts.refresh')}</button>
      </div>
      <Show value={value} retry={retry}>
        {(d) => d.items.length === 0 ? <p className="muted">{t('common.empty')}</p> : (
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">{t('alerts.topic')}</th><th scope="col">{t('alerts.channel')}</th><th scope="col">{t('finding.status')}</th><th scope="col" className="num">{t('alerts.attempts')}</th><th scope="col">{t('alerts.updated')}</th><th scope="col">{t('alerts.lastError')}</th></tr></thead>
              <tbody>
                {d.items.map((x) => (
                  <tr key={`${x.outboxId}:${x.channelId}`}>
                    <td data-label={t('alerts.topic')}><Topic topic={x.topic} /></td>
                    <td data-label={t('alerts.channel')}>{x.channelName ?? x.channelId}</td>
                    <td data-label={t('finding.status')}>{(['sent', 'failed', 'dead', 'sending'] as const).find((s) => s === x.status) !== undefined ? t(`alerts.delivery.${x.status as 'sent'}`) : x.status}</td>
                    <td data-label={t('alerts.attempts')} className="num">{x.attempts}</td>
                    <td data-label={t('alerts.updated')}>{fmtDate(x.updatedAt)}</td>
                    <td data-label={t('alerts.lastError')}>{x.lastError ?? t('common.none')}</td>
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

export function AlertsPage() {
  const { t } = useI18n();
  const [channels, retryChannels] = useLoad(() => api<{ items: AlertChannel[] }>('GET', '/alert-channels'), []);
  const [rules, retryRules] = useLoad(() => api<{ items: AlertRule[] }>('GET', '/alert-rules'), []);
  const [agencies] = useLoad(() => api<{ items: Agency[] }>('GET', '/agencies'), []);
  const [ruleError, setRuleError] = useState<unknown>(null);
  const agencyList = agencies.state === 'ok' ? agencies.data.items : [];
  const agencyName = new Map(agencyList.map((a) => [a.id, a.name] as const));
  const toggleRule = async (r: AlertRule) => {
    setRuleError(null);
    try {
      await api('PATCH', `/alert-rules/${encodeURIComponent(r.id)}`, { enabled: !r.enabled });
      retryRules();
    } catch (e) {
      setRuleError(e);
    }
  };
  const removeRule = async (r: AlertRule) => {
    setRuleError(null);
    try {
      if (!window.confirm(t('alerts.confirmDeleteRule'))) return;
      await api('DELETE', `/alert-rules/${encodeURIComponent(r.id)}`);
      retryRules();
    } catch (e) {
      setRuleError(e);
    }
  };
  return (
    <>
      <div className="page-head"><h1>{t('alerts.title')}</h1><p className="muted">{t('alerts.intro')}</p></div>
      <section>
        <h2>{t('alerts.channels')}</h2>
        <ChannelForm onCreated={retryChannels} />
        <Show value={channels} retry={retryChannels}>
          {(d) => d.items.length === 0 ? <p className="muted">{t('alerts.noChannels')}</p> : (
            <div className="table-wrap card">
              <table data-testid="channels">
                <thead><tr><th scope="col">{t('alerts.name')}</th><th scope="col">{t('alerts.kind')}</th><th scope="col">{t('alerts.target')}</th><th scope="col">{t('alerts.secret')}</th><th scope="col">{t('sched.state')}</th><th scope="col">{t('finding.actions')}</th></tr></thead>
                <tbody>{d.items.map((c) => <ChannelRow key={c.id} c={c} onChange={retryChannels} onRemove={retryChannels} />)}</tbody>
              </table>
            </div>
          )}
        </Show>
      </section>
      <section>
        <h2>{t('alerts.rules')}</h2>
        {channels.state === 'ok' && <RuleForm channels={channels.data.items} agencies={agencyList} onCreated={retryRules} />}
        {ruleError !== null && <ErrorBox error={ruleError} />}
        <Show value={rules} retry={retryRules}>
          {(d) => d.items.length === 0 ? <p className="muted">{t('alerts.noRules')}</p> : (
            <div className="table-wrap card">
              <table data-testid="rules">
                <thead><tr><th scope="col">{t('alerts.name')}</th><th scope="col">{t('alerts.conditions')}</th><th scope="col">{t('alerts.channels')}</th><th scope="col">{t('sched.state')}</th><th scope="col">{t('finding.actions')}</th></tr></thead>
                <tbody>
                  {d.items.map((r) => (
                    <tr key={r.id} data-rule={r.name}>
                      <td data-label={t('alerts.name')}>{r.name}</td>
                      <td data-label={t('alerts.conditions')}><RuleSummary r={r} agencies={agencyName} /></td>
                      <td data-label={t('alerts.channels')}>{r.channels.join(', ')}</td>
                      <td data-label={t('sched.state')}>{r.enabled ? t('sched.enabled') : t('sched.disabled')}</td>
                      <td data-label={t('finding.actions')}>
                        <button type="button" data-action="toggle" onClick={() => void toggleRule(r)}>{r.enabled ? t('sched.disable') : t('sched.enable')}</button>
                        <button type="button" className="danger" data-action="delete" onClick={() => void removeRule(r)}>{t('sched.delete')}</button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Show>
      </section>
      <Deliveries />
    </>
  );
}
