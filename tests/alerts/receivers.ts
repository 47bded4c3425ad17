// Real local receivers for the alert tests, on 127.0.0.1 and ephemeral ports only:
//  - an SMTP server (the `smtp-server` package: a complete RFC 5321 server) that keeps every message;
//  - an HTTP server (node:http) that records every request and answers as the test says (webhook and
//    Telegram Bot API shapes).

import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { validateChannelConfig } from '../../src/alerts/channels.js';
import { Dispatcher } from '../../src/alerts/dispatcher.js';
import type { DispatcherOptions } from '../../src/alerts/dispatcher.js';
import type { Store } from '../../src/store/index.js';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: string;
  readonly user: string | undefined;
}

export interface SmtpReceiver {
  readonly port: number;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

export const SMTP_USER = 'perisai';
export const SMTP_PASS = 'rahasia-smtp-123';

/** Plain SMTP (no STARTTLS offered) with AUTH PLAIN/LOGIN required for the one test account. */
export async function startSmtp(): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASS) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A fresh SMTP receiver, an e-mail channel to it (copying csirt@kota.example) and a rule routing `topics` there. The caller closes the receiver. */
export async function smtpChannel(store: Store, name: string, topics: readonly string[]): Promise<SmtpReceiver> {
  const smtp = await startSmtp();
  const ch = await store.alerts.addChannel({
    name: `${name}-email`, kind: 'email',
    config: validateChannelConfig('email', { host: '127.0.0.1', port: smtp.port, security: 'none', auth: { user: SMTP_USER, pass: SMTP_PASS }, from: 'Perisai <perisai@kota.example>', to: ['csirt@kota.example'] }),
  });
  await store.alerts.addRule({ name, filter: { topics: [...topics] }, channelIds: [ch.id] });
  return smtp;
}

/** Deliver everything pending through the real dispatcher (retries at once: back-off of 1 ms). */
export async function drain(store: Store, opts: DispatcherOptions = {}): Promise<void> {
  const d = new Dispatcher(store, { backoff: { baseMs: 1, capMs: 1 }, ...opts });
  for (let i = 0; i < 20 && (await d.runOnce()).claimed > 0; i++);
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpReceiver {
  readonly url: string;
  readonly requests: HttpRequest[];
  /** Decide the answer to the n-th request (0-based); default 200 with a Telegram-style ok body. */
  respond: (req: HttpRequest, n: number) => { status: number; body?: string };
  close(): Promise<void>;
}

export async function startHttp(): Promise<HttpReceiver> {
  const requests: HttpRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rec: HttpRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      const n = requests.length;
      requests.push(rec);
      const a = r.respond(rec, n);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body ?? '{}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const r: HttpReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    respond: (_req, n) => ({ status: 200, body: JSON.stringify({ ok: true, result: { message_id: n + 1 } }) }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return r;
}

/** A file a received mail carries: its name, type and decoded bytes (base64 parts, as nodemailer writes them). */
export interface MailFile {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Buffer;
}

/** The attachments of a raw MIME message (RFC 2045/2046 multipart; unfolded headers, base64 bodies). */
export function mailFiles(raw: string): MailFile[] {
  const out: MailFile[] = [];
  for (const part of raw.split(/\r?\n--[^\r\n]+\r?\n/)) {
    const cut = part.search(/\r?\n\r?\n/);
    if (cut < 0) continue;
    const headers = part.slice(0, cut).replace(/\r?\n[ \t]+/g, ' ');
    if (!/^content-disposition:\s*attachment/im.test(headers)) continue;
    const filename = /filename="?([^";\r\n]+)"?/i.exec(headers)?.[1] ?? '';
    const contentType = /^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1]?.trim() ?? '';
    const body = part.slice(cut).split(/\r?\n--/)[0]!.replace(/\s+/g, '');
    out.push({ filename, contentType, content: Buffer.from(body, 'base64') });
  }
  return out;
}
