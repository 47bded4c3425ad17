// Alert delivery end to end, on SQLite and a real PostgreSQL (tests/store/harness.ts), against a real SMTP
// server and a real HTTP receiver on 127.0.0.1: exactly once per change, retries, crashes, two
// dispatchers, rule filters, dead letters, hostile strings.
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher, RULE_PRESETS, validateChannelConfig } from '../../src/alerts/index.js';
import type { DispatcherOptions } from '../../src/alerts/index.js';
import type { Observation } from '../../src/domain/observation.js';
import type { Store, StoredAlertChannel } from '../../src/store/index.js';
import { storeSuite } from '../store/harness.js';
import type { DialectEnv } from '../store/harness.js';
import { AUTH, finalizeJob, seedCity } from '../store/fixtures.js';
import type { City } from '../store/fixtures.js';
import { SMTP_PASS, SMTP_USER, startHttp, startSmtp } from './receivers.js';
import type { HttpReceiver, SmtpReceiver } from './receivers.js';

const execFileAsync = promisify(execFile);
const BOT = '123456:ABC-def_SECRET';
const HMAC_KEY = 'kunci-rahasia-webhook';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

interface World {
  s: Store;
  c: City;
  smtp: SmtpReceiver;
  http: HttpReceiver;
  email: StoredAlertChannel;
  hook: StoredAlertChannel;
  tg: StoredAlertChannel;
}

async function world(env: DialectEnv, store?: Store): Promise<World> {
  const s = store ?? (await env.open());
  const c = await seedCity(s);
  const smtp = await startSmtp();
  const http = await startHttp();
  closers.push(() => smtp.close(), () => http.close());
  const email = await s.alerts.addChannel({
    name: 'csirt-email', kind: 'email',
    config: validateChannelConfig('email', { host: '127.0.0.1', port: smtp.port, security: 'none', auth: { user: SMTP_USER, pass: SMTP_PASS }, from: 'Perisai Diskominfo <perisai@kota.example>', to: ['csirt@kota.example'] }),
  });
  const hook = await s.alerts.addChannel({ name: 'soc-webhook', kind: 'webhook', config: validateChannelConfig('webhook', { url: `${http.url}/hook`, secret: HMAC_KEY }) });
  const tg = await s.alerts.addChannel({ name: 'tim-telegram', kind: 'telegram', config: validateChannelConfig('telegram', { botToken: BOT, chatId: -1001234, baseUrl: http.url }) });
  return { s, c, smtp, http, email, hook, tg };
}

const fast: DispatcherOptions = { backoff: { baseMs: 5, capMs: 20 }, lockMs: 5_000 };

/** Run the dispatchers until nothing is pending (or fail after 15 s). */
async function drain(s: Store, ...ds: Dispatcher[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    await Promise.all(ds.map((d) => d.runOnce()));
    if ((await s.outbox.list('all', { pendingOnly: true })).length === 0) return;
    if (Date.now() > deadline) throw new Error('outbox did not drain');
    await sleep(5);
  }
}

const hooks = (w: World) => w.http.requests.filter((r) => r.url === '/hook');
const tgs = (w: World) => w.http.requests.filter((r) => r.url === `/bot${BOT}/sendMessage`);
const unfold = (raw: string) => raw.replace(/\r\n[ \t]+/g, ' ');
const headerBlock = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n'));

function portOpened(agencyId: string, ip: string, port: number, extra: Record<string, unknown> = {}) {
  return { topic: 'change.port-opened', dedupKey: `change:${agencyId}:${ip}:${port}:job-1`, agencyId, payload: { agencyId, ip, port, jobId: 'job-1', ...extra } };
}

storeSuite('alert dispatch', (env) => {
  it('one change reaches the SMTP server, the webhook and Telegram exactly once; re-enqueueing and re-running send nothing', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id, w.tg.id] });
    const msg = portOpened(w.c.rsud.id, '198.18.5.7', 445, { service: 'microsoft-ds' });
    assert.equal(await w.s.outbox.enqueue([msg]), 1);
    const d = new Dispatcher(w.s, fast);
    await drain(w.s, d);

    assert.equal(w.smtp.mails.length, 1);
    const mail = w.smtp.mails[0]!;
    assert.equal(mail.user, SMTP_USER);
    assert.deepEqual(mail.to, ['csirt@kota.example']);
    assert.match(unfold(mail.raw), /Subject: \[Perisai\] TINGGI: Port 445 \(microsoft-ds\) baru terbuka pada 198\.18\.5\.7 \(RSUD Kota\)/);
    assert.match(mail.raw, /Auto-Submitted: auto-generated/);

    assert.equal(hooks(w).length, 1);
    const h = hooks(w)[0]!;
    assert.equal(h.headers['idempotency-key'], msg.dedupKey);
    assert.equal(h.headers['x-perisai-signature'], `sha256=${createHmac('sha256', HMAC_KEY).update(h.body).digest('hex')}`);
    const body = JSON.parse(h.body) as { id: string; topic: string; agency: { code: string }; severity: string; payload: { port: number } };
    assert.deepEqual([body.id, body.topic, body.agency.code, body.severity, body.payload.port], [msg.dedupKey, 'change.port-opened', 'RSUD', 'high', 445]);

    assert.equal(tgs(w).length, 1);
    const t = JSON.parse(tgs(w)[0]!.body) as { chat_id: number; text: string; parse_mode: string };
    assert.equal(t.chat_id, -1001234);
    assert.equal(t.parse_mode, 'HTML');
    assert.match(t.text, /^<b>\[Perisai\] TINGGI: Port 445/);

    const sent = await w.s.outbox.list('all');
    assert.equal(sent.length, 1);
    assert.notEqual(sent[0]!.deliveredAt, null);
    assert.deepEqual((await w.s.alerts.deliveriesOf(sent[0]!.id)).map((x) => x.status), ['sent', 'sent', 'sent']);

    // The same change announced again (a re-applied scan) is the same outbox key: nothing new.
    assert.equal(await w.s.outbox.enqueue([msg]), 0);
    await drain(w.s, d);
    assert.deepEqual([w.smtp.mails.length, hooks(w).length, tgs(w).length], [1, 1, 1]);
  });

  it('a real finding (DoublePulsar from a scan) alerts once per channel even when two rules match it', async () => {
    const w = await world(env);
    await w.s.networks.add('all', { agencyId: w.c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
    await w.s.alerts.addRule({ name: 'doublepulsar', filter: RULE_PRESETS.doublepulsar, channelIds: [w.hook.id, w.email.id] });
    await w.s.alerts.addRule({ name: 'critical', filter: RULE_PRESETS['critical-finding'], channelIds: [w.hook.id] });
    const IP = '198.18.5.31';
    const obs: Observation[] = [
      { type: 'host', ip: IP, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0, netbiosName: 'REG-PC-07' },
      { type: 'port', ip: IP, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
      { type: 'check', ip: IP, port: 445, check: 'doublepulsar', state: 'vulnerable', reason: 'implant answered' },
      { type: 'check', ip: IP, port: 445, check: 'ms17-010', state: 'not-vulnerable', reason: 'patched' },
    ];
    const j = await w.s.scans.createJob('all', { agencyId: w.c.rsud.id, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [445], vantage: 'internal', seed: '1', requestedBy: 'test', tasks: [{ start: 0, end: 256 }] });
    await w.s.observations.ingestBatch({ jobId: j.id, observations: obs });
    const r = await finalizeJob(w.s, j.id, w.c.rsud.id, 'internal');
    assert.equal(r.opened, 1);
    await finalizeJob(w.s, j.id, w.c.rsud.id, 'internal'); // the same job applied twice: no new outbox row
    await drain(w.s, new Dispatcher(w.s, fast));
    assert.equal(hooks(w).length, 1);
    assert.equal(w.smtp.mails.length, 1);
    assert.match(unfold(w.smtp.mails[0]!.raw), /Subject: \[Perisai\] KRITIS: Implan DoublePulsar terdeteksi pada 198\.18\.5\.31 \[REG-PC-07\] \(RSUD Kota\)/);
    assert.equal((JSON.parse(hooks(w)[0]!.body) as { payload: { ruleId: string } }).payload.ruleId, 'doublepulsar');
  });

  it('a webhook that fails twice then succeeds gets the alert after retries, and the email is not re-sent', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id] });
    let hookCalls = 0;
    w.http.respond = (req) => (req.url === '/hook' && hookCalls++ < 2 ? { status: 503 } : { status: 200 });
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.8', 3389)]);
    await drain(w.s, new Dispatcher(w.s, fast));
    assert.equal(hooks(w).length, 3);
    assert.equal(new Set(hooks(w).map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(w.smtp.mails.length, 1);
    const [m] = await w.s.outbox.list('all');
    assert.equal(m!.attempts, 3);
    assert.notEqual(m!.deliveredAt, null);
    const ds = await w.s.alerts.deliveriesOf(m!.id);
    assert.deepEqual(ds.map((x) => [x.channelId === w.hook.id ? 'hook' : 'email', x.status, x.attempts]).sort(), [['email', 'sent', 1], ['hook', 'sent', 3]]);
  });

  it('a dispatcher that dies after recording a send but before marking the outbox row causes no duplicate', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id] });
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.9', 445)]);
    let crashed = false;
    const d1 = new Dispatcher(w.s, { ...fast, lockMs: 400, hooks: { afterRecord: () => { if (!crashed) { crashed = true; throw new Error('simulated crash'); } } } });
    await assert.rejects(d1.runOnce(), /simulated crash/);
    assert.equal(w.smtp.mails.length + hooks(w).length, 1); // the first channel got it, then the process "died"
    const d2 = new Dispatcher(w.s, { ...fast, lockMs: 400 });
    assert.equal((await d2.runOnce()).claimed, 0, 'the dead dispatcher still holds the claim');
    await sleep(450);
    await drain(w.s, d2);
    assert.equal(w.smtp.mails.length, 1);
    assert.equal(hooks(w).length, 1);
  });

  it('the documented window: a crash between the send and its record re-sends with the same Idempotency-Key', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.hook.id] });
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.10', 445)]);
    const d1 = new Dispatcher(w.s, { ...fast, lockMs: 300, hooks: { afterSend: () => { throw new Error('simulated crash'); } } });
    await assert.rejects(d1.runOnce(), /simulated crash/);
    await sleep(350);
    await drain(w.s, new Dispatcher(w.s, { ...fast, lockMs: 300 }));
    assert.equal(hooks(w).length, 2);
    assert.equal(new Set(hooks(w).map((r) => r.headers['idempotency-key'])).size, 1, 'a receiver de-duplicating on Idempotency-Key sees it once');
  });

  it('two dispatchers in two processes never send the same alert twice', async () => {
    const url = await env.freshUrl();
    const s1 = await env.reopen(url);
    const w = await world(env, s1);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id] });
    const N = 30;
    await w.s.outbox.enqueue(Array.from({ length: N }, (_, i) => portOpened(w.c.rsud.id, `198.18.6.${i + 1}`, 445)));
    // From the sources (tsx) or from the build (npm test runs dist/).
    const ts = import.meta.url.endsWith('.ts');
    const child = execFileAsync(process.execPath, [...(ts ? ['--import', 'tsx'] : []), fileURLToPath(new URL(`./dispatcher-child.${ts ? 'ts' : 'js'}`, import.meta.url)), url, 'd2'], { timeout: 60_000 });
    const d1 = new Dispatcher(s1, { ...fast, batchSize: 3, owner: 'd1' });
    let sent1 = 0;
    while ((await s1.outbox.list('all', { pendingOnly: true })).length > 0) {
      sent1 += (await d1.runOnce()).sent;
      await sleep(1);
    }
    const { stdout } = await child;
    const sent2 = (JSON.parse(stdout) as { sent: number }).sent;
    assert.equal(sent1 + sent2, 2 * N, `d1 sent ${sent1}, d2 sent ${sent2}`);
    assert.equal(hooks(w).length, N);
    assert.equal(new Set(hooks(w).map((r) => r.headers['idempotency-key'])).size, N);
    assert.equal(w.smtp.mails.length, N);
    assert.deepEqual([...new Set((await w.s.alerts.listDeliveries({ limit: 1000 })).map((x) => x.status))], ['sent']);
  });

  it('rules filter by agency subtree, severity and port; an unrouted message is closed without sending', async () => {
    const w = await world(env);
    const { c } = w;
    await w.s.alerts.addRule({ name: 'dinkes-tree', filter: { topics: ['change.*'], agencyId: c.dinkes.id, minSeverity: 'high' }, channelIds: [w.hook.id] });
    await w.s.alerts.addRule({ name: 'dinkes-only', filter: { topics: ['change.port-opened'], agencyId: c.dinkes.id, includeDescendants: false }, channelIds: [w.tg.id] });
    await w.s.alerts.addRule({ name: 'rdp', filter: { topics: ['change.port-opened'], ports: [3389] }, channelIds: [w.email.id] });
    const msgs = [
      portOpened(c.rsud.id, '198.18.5.20', 445), // dinkes-tree
      portOpened(c.dinkes.id, '198.18.4.20', 445), // dinkes-tree + dinkes-only
      portOpened(c.disdik.id, '198.18.7.20', 445), // nothing
      portOpened(c.rsud.id, '198.18.5.21', 80), // low severity: nothing from dinkes-tree
      portOpened(c.smp.id, '198.18.8.20', 3389), // rdp
    ];
    await w.s.outbox.enqueue(msgs);
    await drain(w.s, new Dispatcher(w.s, fast));
    assert.deepEqual(hooks(w).map((r) => r.headers['idempotency-key']).sort(), [msgs[0]!.dedupKey, msgs[1]!.dedupKey].sort());
    assert.equal(tgs(w).length, 1);
    assert.match((JSON.parse(tgs(w)[0]!.body) as { text: string }).text, /198\.18\.4\.20/);
    assert.equal(w.smtp.mails.length, 1);
    assert.match(w.smtp.mails[0]!.raw, /198\.18\.8\.20/);
    assert.equal((await w.s.outbox.list('all', { pendingOnly: true })).length, 0);
  });

  it('email to the agency contacts by role', async () => {
    const w = await world(env);
    await w.s.contacts.add('all', w.c.rsud.id, { name: 'Budi (Admin TI)', role: 'technical', email: 'budi.ti@rsud.example' });
    await w.s.contacts.add('all', w.c.rsud.id, { name: 'Direktur', role: 'head', email: 'direktur@rsud.example' });
    const byRole = await w.s.alerts.addChannel({
      name: 'agency-it', kind: 'email',
      config: validateChannelConfig('email', { host: '127.0.0.1', port: w.smtp.port, security: 'none', auth: { user: SMTP_USER, pass: SMTP_PASS }, from: 'perisai@kota.example', toRoles: ['technical'] }),
    });
    await w.s.alerts.addRule({ name: 'smb', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [byRole.id] });
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.30', 139)]);
    await drain(w.s, new Dispatcher(w.s, fast));
    assert.equal(w.smtp.mails.length, 1);
    assert.deepEqual(w.smtp.mails[0]!.to, ['budi.ti@rsud.example']);
  });

  it('a channel that keeps failing is dead-lettered after maxAttempts, visible, and can be requeued; 4xx is dead at once; no secret in errors', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id, w.tg.id] });
    let healthy = false;
    w.http.respond = (req, n) => (req.url === '/hook' && !healthy ? { status: 500 } : req.url.startsWith('/bot') ? { status: 400, body: '{"ok":false,"description":"Bad Request: chat not found"}' } : { status: 200, body: `{"ok":true,"result":{"message_id":${n}}}` });
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.40', 445)]);
    const d = new Dispatcher(w.s, { ...fast, maxAttempts: 3 });
    await drain(w.s, d);
    assert.equal(hooks(w).length, 3);
    assert.equal(tgs(w).length, 1, 'a 400 is permanent: not retried');
    assert.equal(w.smtp.mails.length, 1);
    const dead = await w.s.alerts.listDeliveries({ status: 'dead' });
    assert.deepEqual(dead.map((x) => x.channelId).sort(), [w.hook.id, w.tg.id].sort());
    for (const x of await w.s.alerts.listDeliveries()) assert.ok(!(x.lastError ?? '').includes('SECRET'), 'bot token never in an error');
    const [m] = await w.s.outbox.list('all');
    assert.match(m!.lastError ?? '', /^dead-letter: /);

    healthy = true;
    assert.equal(await w.s.alerts.requeue(m!.id), 2);
    await drain(w.s, d);
    assert.equal(hooks(w).length, 4);
    assert.equal(w.smtp.mails.length, 1, 'the channel that got it is not sent to again');
    assert.equal(tgs(w).length, 2);
    assert.equal((await w.s.alerts.deliveriesOf(m!.id)).find((x) => x.channelId === w.hook.id)?.status, 'sent');
  });

  it('hostile host names and banners cannot inject mail headers or Telegram markup', async () => {
    const w = await world(env);
    await w.s.alerts.addRule({ name: 'smb-rdp', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: [w.email.id, w.hook.id, w.tg.id] });
    const evilHost = 'PC<b>1</b>&"\r\nBcc: attacker@evil.example\r\nX-Evil: 1';
    const evilBanner = '<script>alert(1)</script>\u001b[31m';
    await w.s.outbox.enqueue([portOpened(w.c.rsud.id, '198.18.5.50', 445, { hostname: evilHost, banner: evilBanner })]);
    await drain(w.s, new Dispatcher(w.s, fast));
    assert.equal(w.smtp.mails.length, 1);
    const m = w.smtp.mails[0]!;
    assert.deepEqual(m.to, ['csirt@kota.example']);
    const head = headerBlock(m.raw);
    assert.doesNotMatch(head, /^Bcc:/im);
    assert.doesNotMatch(head, /^X-Evil:/im);
    const t = (JSON.parse(tgs(w)[0]!.body) as { text: string }).text;
    assert.ok(!t.includes('<script>') && !t.includes('<b>1</b>'), t);
    assert.ok(t.includes('&lt;script&gt;') && t.includes('PC&lt;b&gt;1&lt;/b&gt;&amp;&quot;'), t);
    assert.ok(!t.includes('\u001b'));
    const body = JSON.parse(hooks(w)[0]!.body) as { payload: { hostname: string } };
    assert.equal(body.payload.hostname, evilHost, 'the webhook carries the raw value, JSON-escaped');
  });
});
