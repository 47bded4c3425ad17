// Outbound failures name their cause (src/alerts/channels.ts describeFailure): a webhook, an SMTP server
// or the Telegram Bot API that cannot be reached says "connection refused", "DNS name not found", "TLS
// error: …", "HTTP status N", "SMTP reply N" — in English for the delivery log and in Indonesian for the
// web application — never "webhook: TypeError". Each cause is produced for real against a local listener
// on 127.0.0.1: a port nothing listens on, a TLS server with a self-signed certificate, an HTTP server
// answering 500, one that never answers, one that speaks no HTTP; DNS with a name under `.invalid`,
// which never resolves (RFC 6761 §6.4).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { DeliveryError, sendEmail, sendTelegram, sendWebhook } from '../../src/alerts/channels.js';
import type { OutgoingAlert } from '../../src/alerts/channels.js';
import { startHttp, startSmtp, SMTP_USER } from './receivers.js';
import type { HttpReceiver, SmtpReceiver } from './receivers.js';

const ALERT: OutgoingAlert = {
  topic: 'test', dedupKey: 'uji-penyebab', agency: null, severity: 'critical', payload: { test: true }, createdAt: '2025-06-01T00:00:00.000Z',
  rendered: { subject: 'Uji', text: 'Uji kanal', html: '<p>Uji kanal</p>', telegram: 'Uji kanal' },
};

const dir = mkdtempSync(join(tmpdir(), 'perisai-causes-'));
let cert: { key: Buffer; cert: Buffer };
const servers: { close(): unknown }[] = [];
let http: HttpReceiver;
let smtp: SmtpReceiver;
let refusedPort: number;
let tlsPort: number;
let smtpTlsPort: number;
let silentPort: number;
let garbagePort: number;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

before(async () => {
  // A self-signed certificate, made here, for a name nobody trusts.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=perisai-uji.invalid'], { stdio: 'ignore' });
  cert = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
  const probe = createNetServer();
  refusedPort = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve())); // bound and released: the kernel answers RST
  tlsPort = await listen(createHttpsServer(cert, (_req, res) => res.end('{}')) as unknown as Server);
  silentPort = await listen(createNetServer(() => {})); // accepts, never answers
  garbagePort = await listen(createNetServer((s) => s.end('bukan HTTP\r\n\r\n')));
  const smtpTls = new SMTPServer({ secure: true, key: cert.key, cert: cert.cert, authOptional: true, logger: false });
  smtpTls.on('error', () => {}); // the client hangs up on the untrusted certificate: expected here
  await new Promise<void>((resolve) => smtpTls.listen(0, '127.0.0.1', () => resolve()));
  smtpTlsPort = (smtpTls.server.address() as AddressInfo).port;
  servers.push({ close: () => smtpTls.close() });
  http = await startHttp();
  smtp = await startSmtp();
});

after(async () => {
  for (const s of servers) {
    if ('closeAllConnections' in s && typeof s.closeAllConnections === 'function') s.closeAllConnections();
    s.close();
  }
  await http?.close();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DeliveryError, `not a DeliveryError: ${String(e)}`);
    assert.doesNotMatch(e.message, /TypeError|fetch failed|\bError\b/, e.message);
    assert.notEqual(e.messageId, e.message, `an Indonesian text of its own: ${e.messageId}`);
    return e;
  }
  assert.fail('the send succeeded');
}

describe('outbound failures name their cause', () => {
  it('webhook: connection refused, DNS, TLS, HTTP status, no answer, not HTTP, blocked port', async () => {
    let e = await failure(sendWebhook({ url: `http://127.0.0.1:${refusedPort}/hook` }, ALERT));
    assert.equal(e.kind, 'refused');
    assert.equal(e.message, 'webhook: connection refused: nothing listens on that port (ECONNREFUSED)');
    assert.equal(e.messageId, 'webhook: koneksi ditolak: tidak ada layanan pada port itu (ECONNREFUSED)');
    assert.equal(e.permanent, false);

    e = await failure(sendWebhook({ url: 'http://perisai-uji.invalid/hook' }, ALERT));
    assert.equal(e.kind, 'dns');
    assert.match(e.message, /^webhook: DNS (name not found \((ENOTFOUND|EAI_NONAME|EAI_NODATA|EAI_FAIL)\)|lookup failed)/);
    assert.match(e.messageId, /^webhook: (nama DNS tidak ditemukan|pencarian DNS gagal)/);

    e = await failure(sendWebhook({ url: `https://127.0.0.1:${tlsPort}/hook` }, ALERT));
    assert.equal(e.kind, 'tls');
    assert.equal(e.message, 'webhook: TLS error: the server\'s certificate is self-signed, not trusted (DEPTH_ZERO_SELF_SIGNED_CERT)');
    assert.equal(e.messageId, 'webhook: galat TLS: sertifikat server ditandatangani sendiri, tidak dipercaya (DEPTH_ZERO_SELF_SIGNED_CERT)');

    e = await failure(sendWebhook({ url: `https://127.0.0.1:${garbagePort}/hook` }, ALERT));
    assert.equal(e.kind, 'tls');
    assert.match(e.message, /^webhook: TLS error: the TLS handshake failed: the port does not seem to speak TLS/);

    http.respond = () => ({ status: 500 });
    e = await failure(sendWebhook({ url: `${http.url}/hook` }, ALERT));
    assert.equal(e.kind, 'http');
    assert.equal(e.message, 'webhook: HTTP status 500');
    assert.equal(e.messageId, 'webhook: status HTTP 500');
    assert.equal(e.permanent, false, 'a 5xx is retried');
    http.respond = () => ({ status: 404 });
    assert.equal((await failure(sendWebhook({ url: `${http.url}/hook` }, ALERT))).permanent, true, 'a 404 is not');

    e = await failure(sendWebhook({ url: `http://127.0.0.1:${silentPort}/hook`, timeoutMs: 300 }, ALERT));
    assert.equal(e.kind, 'timeout');
    assert.equal(e.message, 'webhook: no answer within 300 ms');
    assert.equal(e.messageId, 'webhook: tidak ada jawaban dalam 300 md');

    e = await failure(sendWebhook({ url: `http://127.0.0.1:${garbagePort}/hook` }, ALERT));
    assert.equal(e.kind, 'protocol');
    assert.match(e.message, /^webhook: the answer is not HTTP \(HPE_[A-Z_]+\)$/);

    // Port 9 (discard) is on the fetch standard's list of bad ports: no request is even attempted.
    e = await failure(sendWebhook({ url: 'http://127.0.0.1:9/hook' }, ALERT));
    assert.equal(e.kind, 'blocked-port');
    assert.match(e.messageId, /port itu diblokir untuk klien HTTP/);
    assert.equal(e.permanent, true);
  });

  it('telegram: the same causes, the token never in the text', async () => {
    const token = '123456:RAHASIA-token_bot';
    for (const [baseUrl, kind] of [[`http://127.0.0.1:${refusedPort}`, 'refused'], ['http://api.perisai-uji.invalid', 'dns'], [`https://127.0.0.1:${tlsPort}`, 'tls']] as const) {
      const e = await failure(sendTelegram({ botToken: token, chatId: '42', baseUrl }, ALERT));
      assert.equal(e.kind, kind, e.message);
      assert.match(e.message, /^telegram sendMessage: /);
      assert.ok(!e.message.includes('RAHASIA') && !e.messageId.includes('RAHASIA'), e.message);
    }
    http.respond = () => ({ status: 502 });
    assert.equal((await failure(sendTelegram({ botToken: token, chatId: '42', baseUrl: http.url }, ALERT))).message, 'telegram sendMessage: HTTP status 502');
    http.respond = () => ({ status: 200, body: JSON.stringify({ ok: false, description: 'Bad Request: chat not found' }) });
    const e = await failure(sendTelegram({ botToken: token, chatId: '42', baseUrl: http.url }, ALERT));
    assert.equal(e.kind, 'answer');
    assert.equal(e.messageId, 'telegram sendMessage: ditolak (Bad Request: chat not found)');
  });

  it('email: connection refused, DNS, TLS, SMTP reply, authentication', async () => {
    const base = { from: 'perisai@kota.go.id', security: 'none' as const, timeoutMs: 5000 };
    let e = await failure(sendEmail({ ...base, host: '127.0.0.1', port: refusedPort }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'refused');
    assert.equal(e.message, 'email: connection refused: nothing listens on that port (ECONNREFUSED)');

    e = await failure(sendEmail({ ...base, host: 'smtp.perisai-uji.invalid', port: 25 }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'dns');

    e = await failure(sendEmail({ ...base, security: 'tls', host: '127.0.0.1', port: smtpTlsPort }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'tls');
    assert.equal(e.message, 'email: TLS error: the server\'s certificate is self-signed, not trusted');
    assert.equal(e.messageId, 'email: galat TLS: sertifikat server ditandatangani sendiri, tidak dipercaya');

    e = await failure(sendEmail({ ...base, host: '127.0.0.1', port: smtp.port, auth: { user: SMTP_USER, pass: 'salah-sandi' } }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'auth');
    assert.match(e.message, /^email: SMTP authentication refused \(reply 535\)$/);
    assert.match(e.messageId, /^email: autentikasi SMTP ditolak \(balasan 535\)$/);

    // No authentication where the server requires it: the server's reply code names the refusal.
    e = await failure(sendEmail({ ...base, host: '127.0.0.1', port: smtp.port }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'smtp');
    assert.match(e.message, /^email: SMTP reply 5\d\d to MAIL FROM$/);
    assert.match(e.messageId, /^email: balasan SMTP 5\d\d atas MAIL FROM$/);
    assert.equal(e.permanent, true);

    e = await failure(sendEmail({ ...base, host: '127.0.0.1', port: silentPort, timeoutMs: 300 }, ['it@kota.go.id'], ALERT, 'c1'));
    assert.equal(e.kind, 'timeout');
  });
});
