// `perisai alert …` as a user runs it: a child process on the store (both dialects), a real local HTTP
// receiver for the webhook and Telegram channels.
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { storeSuite } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';
import { startHttp } from './receivers.js';
import type { HttpReceiver } from './receivers.js';

// Run from the sources (node --import tsx) or from the build (npm test runs dist/): pick the matching file.
const FROM_TS = import.meta.url.endsWith('.ts');
const MAIN = fileURLToPath(new URL(`../../src/cli/main.${FROM_TS ? 'ts' : 'js'}`, import.meta.url));
const LOADER = FROM_TS ? ['--import', 'tsx'] : [];
const TOKEN = '987654:TOKENSECRET';

function perisai(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...LOADER, MAIN, ...args], { env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

let http: HttpReceiver | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

storeSuite('perisai alert CLI', (env) => {
  it('channels, rules, test, dispatch --once, redaction, secrets only from the environment', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const c = await seedCity(s);
    http = await startHttp();
    const db = ['--db', url];
    const secrets = { HOOK_SECRET: 'hmac-SECRET-value', TG_TOKEN: TOKEN };

    let r = await perisai(['alert', 'channel', 'add', 'soc', '--kind', 'webhook', '--url', `${http.url}/hook`, '--secret-env', 'HOOK_SECRET', ...db], secrets);
    assert.equal(r.code, 0, r.stderr);
    r = await perisai(['alert', 'channel', 'add', 'tim', '--kind', 'telegram', '--chat-id', '42', '--bot-token-env', 'TG_TOKEN', '--base-url', http.url, ...db], secrets);
    assert.equal(r.code, 0, r.stderr);
    r = await perisai(['alert', 'channel', 'add', 'x', '--kind', 'telegram', '--chat-id', '42', '--bot-token-env', 'UNSET_VAR_XYZ', ...db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /UNSET_VAR_XYZ is not set/);

    r = await perisai(['alert', 'channel', 'list', '--format', 'json', ...db]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('SECRET'), r.stdout);
    const list = JSON.parse(r.stdout) as { name: string; config: Record<string, unknown> }[];
    assert.deepEqual(list.map((x) => x.name), ['soc', 'tim']);
    assert.equal(list[0]!.config.secret, '***');

    r = await perisai(['alert', 'rule', 'add', 'smb-rsud', '--preset', 'smb-rdp-reachable', '--agency', 'DINKES', '--channel', 'soc', '--channel', 'tim', ...db]);
    assert.equal(r.code, 0, r.stderr);
    const rules = await s.alerts.listRules();
    assert.deepEqual(rules[0]!.filter, { topics: ['change.port-opened'], ports: [139, 445, 3389], agencyId: c.dinkes.id });
    r = await perisai(['alert', 'channel', 'remove', 'soc', ...db]);
    assert.equal(r.code, 2, 'a channel in use is not removed');

    r = await perisai(['alert', 'channel', 'test', 'soc', ...db]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(http.requests.length, 1);

    await s.outbox.enqueue([{ topic: 'change.port-opened', dedupKey: 'cli-1', agencyId: c.rsud.id, payload: { ip: '198.18.5.77', port: 3389 } }]);
    r = await perisai(['alert', 'dispatch', '--once', ...db]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sent 2/);
    assert.ok(!r.stderr.includes('SECRET'), r.stderr);
    assert.deepEqual(http.requests.slice(1).map((q) => q.url).sort(), ['/bot987654:TOKENSECRET/sendMessage', '/hook']);

    r = await perisai(['alert', 'deliveries', '--format', 'json', ...db]);
    assert.deepEqual((JSON.parse(r.stdout) as { status: string }[]).map((d) => d.status), ['sent', 'sent']);
  });
});
