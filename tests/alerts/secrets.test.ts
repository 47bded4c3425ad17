// Secrets at rest (src/store/secrets.ts, store/repos/alerts.ts), on both dialects: the alert channels'
// password, HMAC key, header value and bot token never appear in the stored bytes; the key file is 0600;
// on SQLite the database, its WAL and SHM are 0600 in a 0700 directory; plain text left by an older
// version is sealed at the next start; `perisai secrets rotate-key` seals everything again under a new key
// and the channels keep working — mail through the real SMTP receiver, the webhook's HMAC and the Telegram
// token through the real HTTP receiver — also for a process that had the old key loaded.
import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dispatcher, RULE_PRESETS, validateChannelConfig } from '../../src/alerts/index.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite } from '../store/harness.js';
import type { DialectEnv } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';
import { SMTP_PASS, SMTP_USER, startHttp, startSmtp } from './receivers.js';

const FROM_TS = import.meta.url.endsWith('.ts');
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${FROM_TS ? 'ts' : 'js'}`, import.meta.url));
const LOADER = FROM_TS ? ['--import', 'tsx'] : [];
const require = createRequire(import.meta.url);
const root = mkdtempSync(join(tmpdir(), 'perisai-secrets-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const HMAC_KEY = 'hmac-kunci-RAHASIA-81f3';
const HEADER = 'Bearer token-RAHASIA-55aa';
const BOT = '424242:BOT-token-RAHASIA';
const SECRETS = [SMTP_PASS, HMAC_KEY, HEADER, BOT];

/** `perisai …` with the key file (and not the test process's PERISAI_SECRET_KEY). */
function perisai(keyFile: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PERISAI_SECRET_KEY_FILE: keyFile };
  delete env.PERISAI_SECRET_KEY;
  return new Promise((resolve) => {
    execFile(process.execPath, [...LOADER, MAIN, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

/** The stored bytes of the channels: the SQLite file and its WAL, or PostgreSQL's own dump of the table. */
async function storedBytes(env: DialectEnv, url: string): Promise<string> {
  if (env.dialect === 'sqlite') {
    const path = url.replace(/^sqlite:\/\//, '');
    return [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
  }
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    execFile('pg_dump', ['--data-only', '--table=alert_channels', `--dbname=${u.toString()}`], (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

async function addChannels(s: Store, smtpPort: number, httpUrl: string): Promise<void> {
  await s.alerts.addChannel({ name: 'mail', kind: 'email', config: validateChannelConfig('email', { host: '127.0.0.1', port: smtpPort, security: 'none', auth: { user: SMTP_USER, pass: SMTP_PASS }, from: 'Perisai <perisai@kota.example>', to: ['csirt@kota.example'] }) });
  await s.alerts.addChannel({ name: 'hook', kind: 'webhook', config: validateChannelConfig('webhook', { url: `${httpUrl}/hook`, secret: HMAC_KEY, headers: { Authorization: HEADER } }) });
  await s.alerts.addChannel({ name: 'tg', kind: 'telegram', config: validateChannelConfig('telegram', { botToken: BOT, chatId: 42, baseUrl: httpUrl }) });
}

storeSuite('secrets at rest', (env) => {
  it('secrets are sealed in the stored bytes, files are 0600, rotation keeps every channel working', async () => {
    const dir = join(root, `${env.dialect}-${++n}`, 'data'); // not there yet: the store makes it
    const keyFile = join(dir, 'secret.key');
    const url = env.dialect === 'sqlite' ? `sqlite://${join(dir, 'perisai.db')}` : await env.freshUrl();
    const s = await env.reopen(url, { secretKeyFile: keyFile });
    const c = await seedCity(s);
    const smtp = await startSmtp();
    const http = await startHttp();
    try {
      await addChannels(s, smtp.port, http.url);
      assert.equal(((await s.alerts.getChannel('hook')).config as { secret: string }).secret, HMAC_KEY, 'opened for the dispatcher');
      const bytes = await storedBytes(env, url);
      assert.match(bytes, /perisai-secret:v1:/);
      for (const secret of SECRETS) assert.ok(!bytes.includes(secret), `${secret} is not in the stored bytes`);

      assert.equal(statSync(keyFile).mode & 0o777, 0o600, 'the key file is 0600');
      assert.equal(statSync(dir).mode & 0o777, 0o700, 'in a 0700 directory');
      if (env.dialect === 'sqlite') {
        const db = join(dir, 'perisai.db');
        for (const f of [db, `${db}-wal`, `${db}-shm`]) assert.equal(statSync(f).mode & 0o777, 0o600, `${f} is 0600`);
      }

      const before = s.secrets.keyIds();
      assert.equal(before.length, 1);
      const rotated = await perisai(keyFile, ['secrets', 'rotate-key', '--db', url]);
      assert.equal(rotated.code, 0, rotated.stderr);
      assert.match(rotated.stdout, /3 channel\(s\) sealed again with key/);
      assert.equal(readFileSync(keyFile, 'utf8').trim().split('\n').length, 1, 'the old key is gone from the file');
      assert.equal(statSync(keyFile).mode & 0o777, 0o600);
      const status = await perisai(keyFile, ['secrets', 'status', '--db', url]);
      assert.match(status.stdout, /sealed secrets: 4 \(4 with [0-9a-f]{16}\); teks biasa \/ plain text: 0/);

      // This process loaded the old key before the rotation: it reads the new one now.
      assert.notDeepEqual(s.secrets.keyIds(), before);
      await s.alerts.addRule({ name: 'all', filter: RULE_PRESETS['smb-rdp-reachable'], channelIds: (await s.alerts.listChannels()).map((x) => x.id) });
      await s.outbox.enqueue([{ topic: 'change.port-opened', dedupKey: 'rotated-1', agencyId: c.rsud.id, payload: { agencyId: c.rsud.id, ip: '198.18.5.7', port: 445 } }]);
      const r = await new Dispatcher(s, { lockMs: 60_000 }).runOnce();
      assert.equal(r.sent, 3);
      assert.equal(smtp.mails.length, 1, 'the SMTP server accepted the password');
      assert.equal(smtp.mails[0]!.user, SMTP_USER);
      const hook = http.requests.find((x) => x.url === '/hook')!;
      assert.equal(hook.headers['x-perisai-signature'], `sha256=${createHmac('sha256', HMAC_KEY).update(hook.body).digest('hex')}`);
      assert.equal(hook.headers['authorization'], HEADER);
      assert.ok(http.requests.some((x) => x.url === `/bot${BOT}/sendMessage`), 'the bot token opened');
      const after = await storedBytes(env, url);
      for (const secret of SECRETS) assert.ok(!after.includes(secret));
    } finally {
      await smtp.close();
      await http.close();
    }
  });

  it('plain text stored by an older version is sealed at the next start', async () => {
    const dir = join(root, `${env.dialect}-${++n}`);
    const keyFile = join(dir, 'secret.key');
    const url = env.dialect === 'sqlite' ? `sqlite://${join(dir, 'perisai.db')}` : await env.freshUrl();
    const s = await env.reopen(url, { secretKeyFile: keyFile });
    await s.alerts.addChannel({ name: 'tg', kind: 'telegram', config: validateChannelConfig('telegram', { botToken: BOT, chatId: 42 }) });
    await s.close();
    // What an older Perisai wrote: the token as it came.
    const plain = JSON.stringify({ botToken: BOT, chatId: 42 });
    if (env.dialect === 'sqlite') {
      const Database = require('better-sqlite3') as typeof import('better-sqlite3');
      const db = new Database(join(dir, 'perisai.db'));
      db.prepare("update alert_channels set config = ? where name = 'tg'").run(plain);
      db.close();
    } else {
      await new Promise<void>((resolve, reject) => execFile('psql', ['-X', '-q', `--dbname=${url}`, '-c', `update alert_channels set config = '${plain}'::jsonb where name = 'tg'`], (e) => (e ? reject(e) : resolve())));
    }
    assert.ok((await storedBytes(env, url)).includes(BOT), 'plain text before');
    const again = await env.reopen(url, { secretKeyFile: keyFile });
    assert.ok(!(await storedBytes(env, url)).includes(BOT), 'sealed at the start');
    assert.equal(((await again.alerts.getChannel('tg')).config as { botToken: string }).botToken, BOT);
    assert.deepEqual(await again.alerts.secretStatus(), { sealed: 1, plaintext: 0, byKey: { [again.secrets.currentKeyId()]: 1 } });
  });
});
