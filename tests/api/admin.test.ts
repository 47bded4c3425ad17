// The admin routes of the web application: monitoring schedules, alert channels and rules, the
// delivery log. Success, validation errors in both languages, role denials, audit rows, and the
// promise about secrets: what goes into a channel's config never comes back in any response body.
// Channel tests only talk to receivers this file starts on 127.0.0.1. Both dialects (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { Dispatcher, signBody } from '../../src/alerts/index.js';
import { formatPorts, RANSOMWARE_PORTS } from '../../src/engine/targets/index.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { startHttp } from '../alerts/receivers.js';
import { storeSuite, testClock } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';
import type { Client } from './fixture.js';

/** A client that keeps every response body, so a test can say "never, in any answer". */
function recording(c: Client, bodies: string[]): Client {
  return { ...c, req: async (...args) => {
    const res: LightMyRequestResponse = await c.req(...args);
    bodies.push(res.body);
    return res;
  } };
}

function assertError(res: LightMyRequestResponse, status: number, code: string, messageId: RegExp, where: string): void {
  assert.equal(res.statusCode, status, `${where}: ${res.body}`);
  const e = (res.json() as { error: { code: string; message: string; messageId: string } }).error;
  assert.equal(e.code, code, where);
  assert.match(e.messageId, messageId, where);
  assert.ok(e.message.length > 0 && e.message !== e.messageId, `${where}: both languages`);
  assert.ok(!/\n\s+at /.test(res.body), `${where}: no stack trace`);
}

storeSuite('admin API: schedules', (env) => {
  test('create (named port set, defaults), validation in both languages, scope, enable/disable, delete; audited', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const w = await seedWorld(await env.open(), { clock: clock.now });
    try {
      let admin = await login(w.app, 'admin');
      let analyst = await login(w.app, 'analis');
      const officer = await login(w.app, 'petugas.dinkes');
      const viewer = await login(w.app, 'pimpinan');
      const dinkes = w.data.dinkes.agencyId;

      const created = await admin.req('POST', '/api/v1/schedules', { agencyId: dinkes, cron: '0 2 * * *', ports: 'ransomware' });
      assert.equal(created.statusCode, 201, created.body);
      const s = created.json() as { id: string; agencyId: string; timeZone: string; ports: string; portCount: number; profile: string; enabled: boolean; nextRunAt: string; lastRunAt: string | null; lastRunStatus: string | null; createdBy: string };
      assert.equal(s.agencyId, dinkes);
      assert.equal(s.timeZone, 'Asia/Jakarta');
      assert.equal(s.ports, formatPorts([...RANSOMWARE_PORTS]), 'the ports as compact text, as a scan job answers them');
      assert.equal(s.portCount, RANSOMWARE_PORTS.length);
      assert.equal(s.profile, 'ransomware');
      assert.equal(s.enabled, true);
      assert.equal(s.createdBy, 'admin');
      // 02:00 WIB = 19:00 UTC the day before; the clock says 01:00 UTC (08:00 WIB) on 2 June.
      assert.equal(s.nextRunAt, '2025-06-02T19:00:00.000Z');
      assert.equal(s.lastRunAt, null);
      assert.equal(s.lastRunStatus, null);

      const rsudNet = await analyst.req('POST', '/api/v1/schedules', { agencyId: w.data.rsud.agencyId, networkId: w.data.rsud.networkId, cron: '30 23 * * 6', timeZone: 'Asia/Makassar', ports: [445, 139, 445], profile: 'ports' });
      assert.equal(rsudNet.statusCode, 201, rsudNet.body);
      const rsudOut = rsudNet.json() as { ports: string; portCount: number };
      assert.equal(rsudOut.ports, '139,445');
      assert.equal(rsudOut.portCount, 2);
      const foreign = await admin.req('POST', '/api/v1/schedules', { agencyId: w.data.disdik.agencyId, cron: '0 1 * * *', ports: '1-65535' });
      assert.equal(foreign.statusCode, 201);
      // Every port: a summary, not the list (some 350 kB as numbers).
      assert.ok(foreign.body.length < 1_000, `a whole-range schedule answered ${foreign.body.length} bytes`);
      assert.equal((foreign.json() as { ports: string }).ports, '1-65535');
      assert.equal((foreign.json() as { portCount: number }).portCount, 65535);

      // Bad input: a translated message naming the problem, never a stack trace.
      const bad = { agencyId: dinkes, cron: '0 2 * * *', ports: 'ransomware' };
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, cron: 'setiap malam' }), 400, 'E_VALIDATION', /Pola cron tidak valid/, 'bad cron');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, cron: '0 25 * * *' }), 400, 'E_VALIDATION', /Pola cron tidak valid/, 'hour 25');
      // Brakes (domain/scan-brakes.ts): a seconds field, and more often than once an hour (the default minimum).
      const seconds = await admin.req('POST', '/api/v1/schedules', { ...bad, cron: '* * * * * * *' });
      assertError(seconds, 400, 'E_VALIDATION', /^Pola cron tidak valid: gunakan tepat lima kolom .*kolom detik dan tahun tidak didukung$/, 'seconds');
      assert.match((seconds.json() as { error: { message: string } }).error.message, /exactly five fields .*seconds and years are not supported/);
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, cron: '*/15 * * * *' }), 400, 'E_VALIDATION', /berjalan setiap 15 menit; pemindaian terjadwal satu jaringan paling sering sekali setiap 1 jam$/, 'every 15 minutes');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, timeZone: 'Asia/Bandung' }), 400, 'E_VALIDATION', /Zona waktu tidak dikenal/, 'bad zone');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, ports: 'ransomwar' }), 400, 'E_VALIDATION', /Daftar port tidak valid/, 'bad port set');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, ports: [80, 70000] }), 400, 'E_VALIDATION', /^Masukan tidak valid pada port ke-2: terlalu besar \(maksimal 65535\)$/, 'port out of range');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, ports: '70000' }), 400, 'E_VALIDATION', /Daftar port tidak valid/, 'port out of range, as text');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, profile: 'semua' }), 400, 'E_VALIDATION', /^Masukan tidak valid pada profil: nilai tidak diizinkan; pilih salah satu dari: /, 'unknown profile');
      assertError(await admin.req('POST', '/api/v1/schedules', { agencyId: dinkes, ports: '445' }), 400, 'E_VALIDATION', /cron: wajib diisi/, 'missing cron');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, extra: 1 }), 400, 'E_VALIDATION', /kolom tidak dikenal: extra/, 'unknown field');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, agencyId: 'tidak-ada' }), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'unknown agency');
      assertError(await admin.req('POST', '/api/v1/schedules', { ...bad, networkId: w.data.disdik.networkId }), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'network of another agency');
      const english = await admin.req('POST', '/api/v1/schedules', { ...bad, cron: 'setiap malam' });
      assert.match((english.json() as { error: { message: string } }).error.message, /^cron "setiap malam"/);

      // Roles: officers and viewers read (their scope) but do not create or change.
      assertError(await officer.req('POST', '/api/v1/schedules', bad), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer creates');
      assertError(await viewer.req('POST', '/api/v1/schedules', bad), 403, 'E_FORBIDDEN', /tidak berwenang/, 'viewer creates');
      assertError(await officer.req('PATCH', `/api/v1/schedules/${s.id}`, { enabled: false }), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer disables');
      assertError(await officer.req('DELETE', `/api/v1/schedules/${s.id}`), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer deletes');
      const ids = async (c: Client, q = '') => ((await c.req('GET', `/api/v1/schedules${q}`)).json() as { items: { id: string }[] }).items.map((x) => x.id).sort();
      assert.equal((await ids(admin)).length, 3);
      assert.deepEqual(await ids(officer), [s.id, (rsudNet.json() as { id: string }).id].sort());
      assert.deepEqual(await ids(officer, `?agencyId=${w.data.disdik.agencyId}`), []);
      assert.deepEqual(await ids(viewer, `?agencyId=${dinkes}`), [s.id]);

      // A run started by the schedule shows as its last run; deleting the schedule keeps the scan.
      const job = await createScanJob(w.store, 'all', { agencyId: dinkes, scheduleId: s.id, targets: ['198.18.1.0/24'], ports: [445], profile: 'ports', vantage: 'internal', requestedBy: 'test' });
      assert.ok(await w.store.schedules.advance(s.id, s.nextRunAt, '2025-06-03T19:00:00.000Z', { at: '2025-06-02T19:00:00.000Z', jobId: job.id }));
      const listed = ((await admin.req('GET', `/api/v1/schedules?agencyId=${dinkes}`)).json() as { items: { lastJobId: string; lastRunAt: string; lastRunStatus: string }[] }).items[0]!;
      assert.equal(listed.lastJobId, job.id);
      assert.equal(listed.lastRunAt, '2025-06-02T19:00:00.000Z');
      assert.equal(listed.lastRunStatus, job.status);

      // Disable; enabled again days later, the stale next run is moved to the next proper time instead
      // of starting a scan at once.
      const off = await analyst.req('PATCH', `/api/v1/schedules/${s.id}`, { enabled: false });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal((off.json() as { enabled: boolean }).enabled, false);
      clock.set('2025-06-10T05:00:00.000Z');
      // (a week later every session has ended: log in again)
      analyst = await login(w.app, 'analis');
      admin = await login(w.app, 'admin');
      const on = (await analyst.req('PATCH', `/api/v1/schedules/${s.id}`, { enabled: true })).json() as { enabled: boolean; nextRunAt: string };
      assert.equal(on.enabled, true);
      assert.equal(on.nextRunAt, '2025-06-10T19:00:00.000Z');
      assertError(await admin.req('PATCH', `/api/v1/schedules/${s.id}`, { enabled: 'ya' }), 400, 'E_VALIDATION', /^Masukan tidak valid pada aktif: tipe data salah \(seharusnya benar\/salah\)$/, 'enabled not a boolean');
      assertError(await admin.req('PATCH', '/api/v1/schedules/tidak-ada', { enabled: true }), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'unknown schedule');

      const del = await admin.req('DELETE', `/api/v1/schedules/${s.id}`);
      assert.equal(del.statusCode, 204);
      assert.equal((await admin.req('DELETE', `/api/v1/schedules/${s.id}`)).statusCode, 404);
      assert.equal((await w.store.scans.getJob('all', job.id)).id, job.id, 'the scan it started stays');

      // Audit: every mutation, with the agency; denials too.
      const audit = async (action: string) => w.store.audit.list({ action });
      const creates = await audit('schedule.create');
      assert.ok(creates.some((e) => e.outcome === 'success' && e.actor === 'admin' && e.targetId === s.id && e.agencyId === dinkes));
      assert.ok(creates.some((e) => e.outcome === 'failure' && e.status === 400));
      assert.ok(creates.some((e) => e.outcome === 'denied' && e.actor === 'petugas.dinkes'));
      assert.ok((await audit('schedule.update')).some((e) => e.outcome === 'success' && e.actor === 'analis' && e.targetId === s.id && e.agencyId === dinkes));
      assert.ok((await audit('schedule.delete')).some((e) => e.outcome === 'success' && e.targetId === s.id));
    } finally {
      await w.app.close();
    }
  });
});

storeSuite('admin API: alert channels, rules and deliveries', (env) => {
  test('channels: create (secrets masked everywhere), validation, enable/disable, send test, delete; admin only; audited', async () => {
    const w = await seedWorld(await env.open());
    const hook = await startHttp();
    const closed = await startHttp();
    await closed.close(); // a port nobody listens on any more: the "refused" case
    const bodies: string[] = [];
    try {
      const admin = recording(await login(w.app, 'admin'), bodies);
      const analyst = await login(w.app, 'analis');
      const officer = await login(w.app, 'petugas.dinkes');
      const secrets = { hmac: 'rahasia-hmac-sangat-panjang-42', smtp: 'sandi-smtp-rahasia-99', token: '987654321:AAHrahasiaTokenBotTelegram_x-1', header: 'Bearer token-rahasia-header' };

      const webhook = await admin.req('POST', '/api/v1/alert-channels', { name: 'soc-webhook', kind: 'webhook', config: { url: `${hook.url}/perisai?key=rahasia-query`, secret: secrets.hmac, headers: { authorization: secrets.header } } });
      assert.equal(webhook.statusCode, 201, webhook.body);
      const wh = webhook.json() as { id: string; kind: string; enabled: boolean; hasSecret: boolean; config: Record<string, unknown> };
      assert.equal(wh.kind, 'webhook');
      assert.equal(wh.hasSecret, true);
      assert.equal(wh.config.secret, '••••');
      assert.deepEqual(wh.config.headerNames, ['authorization']);
      assert.equal(wh.config.url, `${hook.url}/perisai?••••`);
      const email = await admin.req('POST', '/api/v1/alert-channels', { name: 'surel-tim-it', kind: 'email', config: { host: '127.0.0.1', port: 2525, security: 'none', auth: { user: 'perisai', pass: secrets.smtp }, from: 'Perisai <perisai@kota.go.id>', to: ['it@kota.go.id'] } });
      assert.equal(email.statusCode, 201, email.body);
      assert.deepEqual((email.json() as { config: unknown }).config, { host: '127.0.0.1', port: 2525, security: 'none', from: 'Perisai <perisai@kota.go.id>', to: ['it@kota.go.id'], user: 'perisai', password: '••••' });
      const telegram = await admin.req('POST', '/api/v1/alert-channels', { name: 'grup-telegram', kind: 'telegram', enabled: false, config: { botToken: secrets.token, chatId: -100123 } });
      assert.equal(telegram.statusCode, 201, telegram.body);
      const tg = telegram.json() as { enabled: boolean; hasSecret: boolean; config: Record<string, unknown> };
      assert.equal(tg.enabled, false);
      assert.deepEqual(tg.config, { chatId: '-100123', baseUrl: 'https://api.telegram.org', botToken: '••••' });
      const noSecret = await admin.req('POST', '/api/v1/alert-channels', { name: 'tanpa-rahasia', kind: 'webhook', config: { url: `${closed.url}/x` } });
      assert.equal((noSecret.json() as { hasSecret: boolean }).hasSecret, false);

      // Stored as given (the dispatcher needs them), shown nowhere.
      assert.equal(((await w.store.alerts.getChannel(wh.id)).config as { secret: string }).secret, secrets.hmac);
      const list = await admin.req('GET', '/api/v1/alert-channels');
      assert.equal(list.statusCode, 200);
      assert.deepEqual((list.json() as { items: { name: string }[] }).items.map((c) => c.name), ['grup-telegram', 'soc-webhook', 'surel-tim-it', 'tanpa-rahasia']);

      // Validation: the channel code's checks, in both languages.
      const ch = (kind: string, config: unknown, name = 'baru') => admin.req('POST', '/api/v1/alert-channels', { name, kind, config });
      assertError(await ch('webhook', { url: 'ftp://127.0.0.1/x' }), 400, 'E_VALIDATION', /URL webhook tidak valid/, 'ftp webhook');
      assertError(await ch('webhook', {}), 400, 'E_VALIDATION', /URL webhook tidak valid/, 'webhook without url');
      assertError(await ch('telegram', { botToken: 'bukan token/rahasia', chatId: '1' }), 400, 'E_VALIDATION', /Token bot Telegram tidak valid/, 'bad bot token');
      assertError(await ch('email', { host: 'smtp.kota.go.id', from: 'a@kota.go.id' }), 400, 'E_VALIDATION', /Isi penerima/, 'email without recipients');
      assertError(await ch('email', { host: 'smtp.kota.go.id', from: 'a@kota.go.id', to: ['bukan-alamat'] }), 400, 'E_VALIDATION', /Isi penerima/, 'bad recipient');
      assertError(await ch('email', { host: 'smtp.kota.go.id', from: 'a@kota.go.id', to: ['a@kota.go.id'], port: 0 }), 400, 'E_VALIDATION', /Port SMTP/, 'bad smtp port');
      assertError(await ch('sms', { to: '0812' }), 400, 'E_VALIDATION', /^Masukan tidak valid pada jenis: nilai tidak diizinkan; pilih salah satu dari: email, webhook, telegram$/, 'unknown kind');
      assertError(await ch('webhook', { url: `${hook.url}/dup` }, 'soc-webhook'), 409, 'E_CONFLICT', /Kanal peringatan bernama "soc-webhook" sudah ada/, 'duplicate name');
      assertError(await admin.req('POST', '/api/v1/alert-channels', { name: 'x', kind: 'webhook' }), 400, 'E_VALIDATION', /^Masukan tidak valid pada konfigurasi: wajib diisi$/, 'no config');

      // Enable/disable.
      const off = await admin.req('PATCH', `/api/v1/alert-channels/${wh.id}`, { enabled: false });
      assert.equal(off.statusCode, 200, off.body);
      assert.equal((off.json() as { enabled: boolean }).enabled, false);
      assert.equal((await w.store.alerts.getChannel(wh.id)).enabled, false);
      assert.equal(((await admin.req('PATCH', `/api/v1/alert-channels/${wh.id}`, { enabled: true })).json() as { enabled: boolean }).enabled, true);
      assertError(await admin.req('PATCH', '/api/v1/alert-channels/tidak-ada', { enabled: true }), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'unknown channel');

      // Send a test: the local receiver gets one signed POST; a refused send is an answer, not an error.
      const sent = await admin.req('POST', `/api/v1/alert-channels/${wh.id}/test`);
      assert.equal(sent.statusCode, 200, sent.body);
      assert.deepEqual(sent.json(), { ok: true, detail: 'HTTP 200', detailId: 'HTTP 200' });
      assert.equal(hook.requests.length, 1);
      const got = hook.requests[0]!;
      assert.equal(got.url, '/perisai?key=rahasia-query');
      assert.equal(got.headers['x-perisai-signature'], signBody(secrets.hmac, got.body));
      assert.equal(got.headers.authorization, secrets.header);
      assert.deepEqual((JSON.parse(got.body) as { payload: unknown }).payload, { test: true });
      const refused = await admin.req('POST', `/api/v1/alert-channels/${(noSecret.json() as { id: string }).id}/test`);
      assert.equal(refused.statusCode, 200, refused.body);
      assert.deepEqual(refused.json(), { ok: false, detail: 'webhook: connection refused: nothing listens on that port (ECONNREFUSED)', detailId: 'webhook: koneksi ditolak: tidak ada layanan pada port itu (ECONNREFUSED)', cause: 'refused' });
      hook.respond = () => ({ status: 500 });
      assert.deepEqual((await admin.req('POST', `/api/v1/alert-channels/${wh.id}/test`)).json(), { ok: false, detail: 'webhook: HTTP status 500', detailId: 'webhook: status HTTP 500', cause: 'http' });

      // Administrators only.
      for (const c of [analyst, officer]) {
        assertError(await c.req('GET', '/api/v1/alert-channels'), 403, 'E_FORBIDDEN', /tidak berwenang/, 'non-admin lists channels');
        assertError(await c.req('POST', '/api/v1/alert-channels', { name: 'x', kind: 'webhook', config: { url: 'http://127.0.0.1:9/' } }), 403, 'E_FORBIDDEN', /tidak berwenang/, 'non-admin adds');
        assertError(await c.req('POST', `/api/v1/alert-channels/${wh.id}/test`), 403, 'E_FORBIDDEN', /tidak berwenang/, 'non-admin tests');
      }
      assert.equal(hook.requests.length, 2, 'denied tests sent nothing');

      // A channel in use by a rule is not removed; without the rule it is.
      const rule = await admin.req('POST', '/api/v1/alert-rules', { name: 'kritis', preset: 'critical-finding', channelIds: [wh.id] });
      assert.equal(rule.statusCode, 201, rule.body);
      assertError(await admin.req('DELETE', `/api/v1/alert-channels/${wh.id}`), 409, 'E_CONFLICT', /masih dipakai oleh aturan/, 'channel in use');
      assert.equal((await admin.req('DELETE', `/api/v1/alert-rules/${(rule.json() as { id: string }).id}`)).statusCode, 204);
      assert.equal((await admin.req('DELETE', `/api/v1/alert-channels/${wh.id}`)).statusCode, 204);
      assert.equal((await admin.req('DELETE', `/api/v1/alert-channels/${wh.id}`)).statusCode, 404);

      // Audit: every mutation, but never the config.
      const audit = await w.store.audit.list({ limit: 1000 });
      const of = (action: string) => audit.filter((e) => e.action === action);
      const createdEntry = of('alert-channel.create').find((e) => e.outcome === 'success' && e.targetId === wh.id);
      assert.deepEqual(createdEntry?.details, { name: 'soc-webhook', kind: 'webhook' });
      assert.ok(of('alert-channel.create').some((e) => e.outcome === 'failure' && e.status === 409));
      assert.ok(of('alert-channel.create').some((e) => e.outcome === 'denied' && e.actor === 'analis'));
      assert.ok(of('alert-channel.update').some((e) => e.outcome === 'success' && e.targetId === wh.id));
      assert.ok(of('alert-channel.test').some((e) => e.outcome === 'success' && (e.details as { ok: boolean }).ok === false));
      assert.ok(of('alert-channel.delete').some((e) => e.outcome === 'success' && e.targetId === wh.id));
      const auditText = JSON.stringify(audit);
      for (const s of Object.values(secrets)) assert.ok(!auditText.includes(s), 'no secret in the audit log');

      // The promise: no secret in any response body this admin received (nor the token's bot id).
      assert.ok(bodies.length > 20);
      for (const b of bodies) {
        for (const s of [...Object.values(secrets), 'rahasia-query', '987654321']) assert.ok(!b.includes(s), `secret ${s} in ${b.slice(0, 300)}`);
      }
    } finally {
      await hook.close();
      await w.app.close();
    }
  });

  test('rules: presets and filters validated like the CLI, channels by id or name; deliveries list what the dispatcher did', async () => {
    const w = await seedWorld(await env.open());
    const hook = await startHttp();
    try {
      const admin = await login(w.app, 'admin');
      const officer = await login(w.app, 'petugas.dinkes');
      const channel = (await admin.req('POST', '/api/v1/alert-channels', { name: 'soc', kind: 'webhook', config: { url: `${hook.url}/hook`, secret: 'rahasia-aturan-123' } })).json() as { id: string };

      const preset = await admin.req('POST', '/api/v1/alert-rules', { name: 'kritis', preset: 'critical-finding', channelIds: [channel.id] });
      assert.equal(preset.statusCode, 201, preset.body);
      const p = preset.json() as { filter: unknown; channelIds: string[]; channels: string[]; enabled: boolean };
      assert.deepEqual([p.filter, p.channelIds, p.channels, p.enabled], [{ topics: ['finding.opened', 'finding.reopened'], minSeverity: 'critical' }, [channel.id], ['soc'], true]);
      // A preset with the caller's additions on top, and a channel named instead of its id.
      const dinkes = await admin.req('POST', '/api/v1/alert-rules', { name: 'smb-dinkes', preset: 'smb-rdp-reachable', filter: { agencyId: w.data.dinkes.agencyId, includeDescendants: false }, channelIds: ['soc'] });
      assert.equal(dinkes.statusCode, 201, dinkes.body);
      assert.deepEqual((dinkes.json() as { filter: unknown }).filter, { topics: ['change.port-opened'], ports: [139, 445, 3389], agencyId: w.data.dinkes.agencyId, includeDescendants: false });
      const all = await admin.req('POST', '/api/v1/alert-rules', { name: 'semua-temuan', filter: { topics: ['finding.*'] }, channelIds: [channel.id] });
      assert.equal(all.statusCode, 201, all.body);

      const rule = (body: unknown) => admin.req('POST', '/api/v1/alert-rules', body);
      assertError(await rule({ name: 'x', filter: { topics: [] }, channelIds: [channel.id] }), 400, 'E_VALIDATION', /Topik wajib diisi/, 'no topics');
      assertError(await rule({ name: 'x', channelIds: [channel.id] }), 400, 'E_VALIDATION', /Topik wajib diisi/, 'neither preset nor filter');
      assertError(await rule({ name: 'x', filter: { topics: ['finding.opened'], minSeverity: 'parah' }, channelIds: [channel.id] }), 400, 'E_VALIDATION', /Keparahan minimal/, 'bad severity');
      assertError(await rule({ name: 'x', filter: { topics: ['finding.opened'], ports: [0] }, channelIds: [channel.id] }), 400, 'E_VALIDATION', /nomor port/, 'bad port');
      assertError(await rule({ name: 'x', filter: { topics: ['finding.opened'], agencyId: 'tidak-ada' }, channelIds: [channel.id] }), 400, 'E_VALIDATION', /Instansi pada filter/, 'unknown agency');
      assertError(await rule({ name: 'x', preset: 'critical-finding', channelIds: ['tidak-ada'] }), 400, 'E_VALIDATION', /Kanal peringatan tidak ditemukan/, 'unknown channel');
      assertError(await rule({ name: 'x', preset: 'semua', channelIds: [channel.id] }), 400, 'E_VALIDATION', /^Masukan tidak valid pada templat: nilai tidak diizinkan/, 'unknown preset');
      assertError(await rule({ name: 'x', preset: 'critical-finding', channelIds: [] }), 400, 'E_VALIDATION', /^Masukan tidak valid pada kanal: terlalu sedikit \(minimal 1 butir\)$/, 'no channel');
      assertError(await rule({ name: 'kritis', preset: 'critical-finding', channelIds: [channel.id] }), 409, 'E_CONFLICT', /Aturan peringatan bernama "kritis" sudah ada/, 'duplicate');
      assertError(await officer.req('POST', '/api/v1/alert-rules', { name: 'x', preset: 'critical-finding', channelIds: [channel.id] }), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer adds a rule');
      assertError(await officer.req('GET', '/api/v1/alert-rules'), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer lists rules');
      assertError(await officer.req('GET', '/api/v1/alert-deliveries'), 403, 'E_FORBIDDEN', /tidak berwenang/, 'officer lists deliveries');

      const listed = (await admin.req('GET', '/api/v1/alert-rules')).json() as { items: { name: string; channels: string[] }[] };
      assert.deepEqual(listed.items.map((r) => r.name), ['kritis', 'semua-temuan', 'smb-dinkes']);
      assert.ok(listed.items.every((r) => r.channels[0] === 'soc'));

      // The seeded scans wrote finding.opened messages: one dispatcher round sends them to the receiver.
      assert.equal((await admin.req('GET', '/api/v1/alert-deliveries')).json().items.length, 0);
      const round = await new Dispatcher(w.store, { batchSize: 5 }).runOnce();
      assert.equal(round.sent, 5);
      assert.equal(hook.requests.length, 5);
      const deliveries = await admin.req('GET', '/api/v1/alert-deliveries?status=sent&limit=3');
      assert.equal(deliveries.statusCode, 200, deliveries.body);
      const items = (deliveries.json() as { items: { channelId: string; channelName: string; topic: string; status: string; attempts: number; sentAt: string | null }[] }).items;
      assert.equal(items.length, 3);
      for (const d of items) {
        assert.equal(d.channelId, channel.id);
        assert.equal(d.channelName, 'soc');
        assert.equal(d.topic, 'finding.opened');
        assert.equal(d.status, 'sent');
        assert.equal(d.attempts, 1);
        assert.ok(d.sentAt !== null);
      }
      assert.equal((await admin.req('GET', '/api/v1/alert-deliveries?status=dead')).json().items.length, 0);
      assertError(await admin.req('GET', '/api/v1/alert-deliveries?status=hilang'), 400, 'E_VALIDATION', /^Masukan tidak valid pada status: nilai tidak diizinkan; pilih salah satu dari: sending, sent, failed, dead$/, 'bad status');
      assert.ok(!(await admin.req('GET', '/api/v1/alert-deliveries')).body.includes('rahasia-aturan-123'));

      // Pause and resume: the dispatcher skips a paused rule (src/alerts/dispatcher.ts); audited.
      const id = (preset.json() as { id: string }).id;
      const paused = await admin.req('PATCH', `/api/v1/alert-rules/${id}`, { enabled: false });
      assert.equal(paused.statusCode, 200, paused.body);
      assert.equal(paused.json().enabled, false);
      assert.equal((await w.store.alerts.listRules()).find((x) => x.id === id)?.enabled, false);
      assert.equal((await admin.req('PATCH', `/api/v1/alert-rules/${id}`, { enabled: true })).json().enabled, true);
      assertError(await admin.req('PATCH', `/api/v1/alert-rules/${id}`, { enabled: 'ya' }), 400, 'E_VALIDATION', /^Masukan tidak valid pada aktif: tipe data salah/, 'enabled not a boolean');
      assertError(await admin.req('PATCH', '/api/v1/alert-rules/tidak-ada', { enabled: true }), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'no such rule');
      assert.ok((await w.store.audit.list({ action: 'alert-rule.update' })).some((e) => e.targetId === id && e.outcome === 'success'));

      // Delete, then it is gone; audited with its id.
      assert.equal((await admin.req('DELETE', `/api/v1/alert-rules/${id}`)).statusCode, 204);
      assertError(await admin.req('DELETE', `/api/v1/alert-rules/${id}`), 404, 'E_NOT_FOUND', /tidak ditemukan/, 'deleted twice');
      const audit = await w.store.audit.list({ limit: 1000 });
      assert.ok(audit.some((e) => e.action === 'alert-rule.create' && e.outcome === 'success' && e.targetId === id));
      assert.ok(audit.some((e) => e.action === 'alert-rule.create' && e.outcome === 'denied' && e.actor === 'petugas.dinkes'));
      assert.ok(audit.some((e) => e.action === 'alert-rule.delete' && e.outcome === 'success' && e.targetId === id));
      assert.ok(audit.some((e) => e.action === 'alert-rule.delete' && e.outcome === 'failure' && e.status === 404));
    } finally {
      await hook.close();
      await w.app.close();
    }
  });
});
