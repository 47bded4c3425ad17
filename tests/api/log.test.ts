// The log of `perisai serve` (src/api/log.ts) as an administrator reads it: one line per request with its
// id, route, status and duration; a 5xx's cause once, under the request id the client was told to quote;
// and no password, cookie, CSRF or link token, Authorization header or channel secret in any line — read
// from the whole log, at the most verbose level, of a login, a link-token request and a secret's save.
// SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createLogger, lineLogger, prettyLine, scrub } from '../../src/api/log.js';
import { BUILTIN_CIRCULAR_TEMPLATES } from '../../src/domain/circulars/wannacry-2017.js';
import { storeSuite } from '../store/harness.js';
import { cityContent } from '../circulars/fixture.js';
import { PASSWORD, failOnServer, login, seedWorld } from './fixture.js';

interface Line { level: string; msg: string; reqId?: string; route?: string | null; path?: string; status?: number; durationMs?: number; err?: { type: string; message: string; stack?: string }; [k: string]: unknown }

/** A JSON logger at trace level whose lines are kept. */
function captured(): { logger: ReturnType<typeof createLogger>; text: () => string; lines: () => Line[] } {
  const out: string[] = [];
  const logger = createLogger({ level: 'trace', format: 'json', write: (l) => void out.push(l) });
  return { logger, text: () => out.join(''), lines: () => out.map((l) => JSON.parse(l) as Line) };
}

storeSuite('the log', (env) => {
  test('every request is one line with id, route, status and duration; no secret of a login, a link token or a channel secret appears', async () => {
    const log = captured();
    const w = await seedWorld(await env.open(), { logger: log.logger });
    try {
      const secrets: string[] = [PASSWORD];
      // A failed and a successful login: the password in the body, the session and CSRF cookies in the answer.
      const wrong = 'salah-tetapi-rahasia-77';
      secrets.push(wrong);
      assert.equal((await w.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: wrong } })).statusCode, 401);
      const admin = await login(w.app, 'admin');
      secrets.push(admin.cookie, admin.csrf);
      // A request carrying an Authorization header too (a proxy or script may add one).
      const bearer = `Bearer ${randomBytes(24).toString('base64url')}`;
      secrets.push(bearer.slice('Bearer '.length));
      assert.equal((await admin.req('GET', '/api/v1/agencies?search=dinkes', undefined, { authorization: bearer })).statusCode, 200);

      // A circular link: issued through the API (the token in the answer), then used (the token in a header).
      await w.store.circulars.ensureBuiltIns(BUILTIN_CIRCULAR_TEMPLATES);
      const agencyId = w.data.dinkes.agencyId;
      const c = await w.store.circulars.create({ content: cityContent({ audience: { kind: 'list', agencyIds: [agencyId] } }) }, 'uji');
      await w.store.circulars.send(c.id, { agencyIds: [agencyId], by: 'uji', message: (r) => ({ topic: 'circular.sent', dedupKey: `circular.sent:${c.id}:${r.agencyId}:v${r.version}`, agencyId: r.agencyId, payload: {} }) });
      const issued = await admin.req('POST', `/api/v1/circulars/${c.id}/agencies/${agencyId}/links`, { days: 7 });
      assert.equal(issued.statusCode, 201, issued.body);
      const token = (issued.json() as { token: string }).token;
      secrets.push(token, createHash('sha256').update(token).digest('hex'));
      const opened = await w.app.inject({ method: 'GET', url: '/api/v1/public/circular', headers: { 'x-circular-token': token } });
      assert.equal(opened.statusCode, 200, opened.body);

      // Channel secrets: a webhook's HMAC secret and header, an SMTP password, a Telegram bot token.
      const hmac = `hmac-${randomBytes(16).toString('hex')}`;
      const header = `Bearer hdr-${randomBytes(16).toString('hex')}`;
      const smtp = `smtp-${randomBytes(12).toString('hex')}`;
      const bot = `987654321:AAH${randomBytes(24).toString('base64url')}`;
      secrets.push(hmac, header.slice('Bearer '.length), smtp, bot);
      const saved = [
        await admin.req('POST', '/api/v1/alert-channels', { name: 'soc-webhook', kind: 'webhook', config: { url: 'http://127.0.0.1:9/perisai?key=rahasia-query-31', secret: hmac, headers: { authorization: header } } }),
        await admin.req('POST', '/api/v1/alert-channels', { name: 'surel-tim-it', kind: 'email', config: { host: '127.0.0.1', port: 2525, security: 'none', auth: { user: 'perisai', pass: smtp }, from: 'Perisai <perisai@kota.go.id>', to: ['it@kota.go.id'] } }),
        await admin.req('POST', '/api/v1/alert-channels', { name: 'grup-telegram', kind: 'telegram', enabled: false, config: { botToken: bot, chatId: -100123 } }),
      ];
      assert.deepEqual(saved.map((r) => r.statusCode), [201, 201, 201]);
      secrets.push('rahasia-query-31');

      const text = log.text();
      for (const s of secrets) assert.ok(!text.includes(s), `the log contains a secret (${s.slice(0, 6)}…)`);
      assert.doesNotMatch(text, /perisai_session|x-circular-token|set-cookie/i);

      const requests = log.lines().filter((l) => l.msg === 'request');
      assert.equal(requests.length, 8, 'two logins, the agencies, the link issued and opened, three channels');
      for (const l of requests) {
        assert.equal(typeof l.reqId, 'string');
        assert.equal(typeof l.durationMs, 'number');
        assert.equal(typeof l.status, 'number');
        assert.equal(l.level, 'info');
      }
      const byRoute = (route: string) => requests.filter((l) => l.route === route).map((l) => l.status);
      assert.deepEqual(byRoute('/api/v1/auth/login'), [401, 200]);
      assert.deepEqual(byRoute('/api/v1/public/circular'), [200]);
      assert.deepEqual(byRoute('/api/v1/alert-channels'), [201, 201, 201]);
      const agencies = requests.find((l) => l.route === '/api/v1/agencies')!;
      assert.equal(agencies.path, '/api/v1/agencies', 'the query string is left out');
      assert.equal(agencies.user, 'admin');
      assert.equal(agencies.ip, '127.0.0.1');
      assert.equal(log.lines().filter((l) => l.level === 'error').length, 0);
    } finally {
      await w.app.close();
    }
  });

  test('a forced 500 writes its request id, route and cause to the log once', async () => {
    const log = captured();
    const w = await seedWorld(await env.open(), { logger: log.logger });
    try {
      const { res, id } = await failOnServer(w);
      const mine = log.lines().filter((l) => l.reqId === id);
      const causes = mine.filter((l) => l.err !== undefined);
      assert.equal(causes.length, 1, JSON.stringify(mine));
      const cause = causes[0]!;
      assert.equal(cause.level, 'error');
      assert.equal(cause.msg, 'request failed');
      assert.equal(cause.route, '/api/v1/agencies');
      assert.match(String(cause.code), /^E_(STORAGE|INTERNAL)$/);
      assert.ok((cause.err!.stack ?? '').length > 0, 'the stack is logged');
      const line = mine.find((l) => l.msg === 'request');
      assert.equal(line?.status, res.statusCode);
      assert.equal(line?.level, 'error');
    } finally {
      await w.app.close();
    }
  });
});

test('credential-shaped text is masked in messages and error texts', () => {
  const cases: [string, RegExp][] = [
    ['cookie: perisai_session=abcDEF123; perisai_csrf=xyz987', /^cookie: \[redacted\]$/],
    ['sent with perisai_session=abcDEF123; and perisai_csrf=xyz987', /perisai_session=\[redacted\]; and perisai_csrf=\[redacted\]$/],
    ['authorization: Bearer eyJhbGciOi.JIUzI1NiJ9.payload', /^authorization: \[redacted\]$/],
    ['POST https://api.telegram.org/bot123456789:AAHfakeTokenThatIsLongEnough_1 failed', /bot\[redacted\]\/?/],
    ['GET /hook?token=s3cr3t&x=1 and secret=abc password: hunter2', /token=\[redacted\]&x=1 and secret=\[redacted\] password: \[redacted\]/],
    ['connect postgres://perisai:sandi-db@127.0.0.1/perisai refused', /postgres:\/\/\[redacted\]@127\.0\.0\.1/],
  ];
  for (const [text, masked] of cases) assert.match(scrub(text), masked, text);
  for (const secret of ['abcDEF123', 'xyz987', 'eyJhbGciOi', 'AAHfakeToken', 's3cr3t', 'hunter2', 'sandi-db']) {
    assert.ok(cases.every(([t]) => !scrub(t).includes(secret)), secret);
  }
  assert.equal(scrub('job 7 completed: 3 change(s), findings opened 1'), 'job 7 completed: 3 change(s), findings opened 1');
  const out: string[] = [];
  const logger = createLogger({ level: 'info', format: 'json', write: (l) => void out.push(l) });
  logger.error({ err: Object.assign(new Error('webhook refused: token=abc123'), { config: { secret: 'nope' } }), headers: { cookie: 'perisai_session=zzz', authorization: 'Basic QWxhZGRpbjpvcGVu' }, password: 'pw-1' }, 'send failed');
  const text = out.join('');
  for (const s of ['abc123', 'nope', 'zzz', 'QWxhZGRpbjpvcGVu', 'pw-1']) assert.ok(!text.includes(s), `${s} in ${text}`);
});

test('pretty lines: time, level, message, request, status, duration and id on one line; a stack indented below', () => {
  const out: string[] = [];
  const logger = createLogger({ level: 'debug', format: 'pretty', write: (l) => void out.push(l) });
  logger.child({ reqId: 'req-1' }).info({ method: 'GET', route: '/api/v1/agencies', path: '/api/v1/agencies', status: 200, durationMs: 3.2, ip: '127.0.0.1' }, 'request');
  lineLogger(logger, 'alerts')('alert 1 (finding.opened) → soc: failed: HTTP 500');
  lineLogger(logger, 'worker')('job 2 completed: 0 change(s)');
  logger.error({ err: new Error('boom') }, 'request failed');
  assert.match(out[0]!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}request GET \/api\/v1\/agencies 200 3\.2ms reqId=req-1 ip=127\.0\.0\.1\n$/);
  assert.match(out[1]!, /WARN {2}alert 1 \(finding\.opened\) → soc: failed: HTTP 500 component=alerts\n$/);
  assert.match(out[2]!, /INFO {2}job 2 completed: 0 change\(s\) component=worker\n$/);
  assert.match(out[3]!, /ERROR request failed\n {4}Error: boom\n {8}at /);
  assert.equal(prettyLine('not json'), 'not json\n');
});
