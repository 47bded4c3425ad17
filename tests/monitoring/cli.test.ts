// The monitoring CLI as an operator runs it: `perisai schedule add|list|remove`,
// `perisai serve` (runs a queued job, stops cleanly on SIGTERM), `perisai diff`, and exit codes
// (src/cli/errors.ts). Both dialects; loopback targets only.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { storeSuite } from '../store/harness.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { cliArgv, freePort, listen, loopbackAgency, runInProcess, waitJob } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function cli(args: readonly string[], opts: { untilLine?: RegExp; signal?: NodeJS.Signals } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [...cliArgv(), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (opts.untilLine !== undefined && opts.untilLine.test(stderr)) {
        opts.untilLine = undefined;
        p.kill(opts.signal ?? 'SIGTERM');
      }
    });
    // Never hang the suite: a command still running after 60 s is killed (and fails its assertions).
    const t = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, stdout, stderr });
    });
  });
}

storeSuite('monitoring: CLI', (env) => {
  test('schedule add / list / remove, with usage errors mapped to exit 2', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    await loopbackAgency(store, ['127.0.0.1/32']);
    const add = await cli(['schedule', 'add', '--db', url, '--agency', 'dinkes', '--network', '127.0.0.1/32', '--cron', '0 2 * * *', '-p', '445,3389', '--profile', 'ports', '--by', 'Operator Diskominfo']);
    assert.equal(add.code, 0, add.stderr);
    const [id, next] = add.stdout.trim().split('\t');
    assert.match(next ?? '', /^next run \d{4}-\d\d-\d\dT19:00:00\.000Z$/, '02:00 Asia/Jakarta by default');
    const list = await cli(['schedule', 'list', '--db', url, '--json']);
    assert.equal(list.code, 0, list.stderr);
    const s = JSON.parse(list.stdout.trim()) as { id: string; ports: number[]; timeZone: string; networkId: string | null };
    assert.deepEqual([s.id, s.ports, s.timeZone], [id, [445, 3389], 'Asia/Jakarta']);
    assert.notEqual(s.networkId, null);
    assert.equal((await cli(['schedule', 'add', '--db', url, '--agency', 'DINKES', '--cron', 'every day', '-p', '445'])).code, 2, 'bad cron');
    // Brakes (domain/scan-brakes.ts): a seconds field, and more often than the minimum interval — said in both languages.
    const seconds = await cli(['schedule', 'add', '--db', url, '--agency', 'DINKES', '--cron', '* * * * * * *', '-p', '445']);
    assert.equal(seconds.code, 2, 'a cron with seconds');
    assert.match(seconds.stderr, /Pola cron tidak valid: gunakan tepat lima kolom.* \/ cron "\* \* \* \* \* \* \*": exactly five fields .*seconds and years are not supported/);
    const often = await cli(['schedule', 'add', '--db', url, '--agency', 'DINKES', '--cron', '*/10 * * * *', '-p', '445']);
    assert.equal(often.code, 2, 'every ten minutes');
    assert.match(often.stderr, /paling sering sekali setiap 1 jam \/ .*10 minute\(s\) apart; scheduled scans of a network must be at least 1 hour\(s\) apart/);
    const allowed = await cli(['schedule', 'add', '--db', url, '--agency', 'DINKES', '--cron', '*/10 * * * *', '-p', '445', '--schedule-min-interval', '10']);
    assert.equal(allowed.code, 0, `a configured minimum of ten minutes allows it: ${allowed.stderr}`);
    assert.equal((await cli(['schedule', 'remove', '--db', url, allowed.stdout.split('\t')[0]!])).code, 0);
    assert.equal((await cli(['schedule', 'add', '--db', url, '--agency', 'NOPE', '--cron', '0 2 * * *'])).code, 2, 'unknown agency');
    assert.equal((await cli(['schedule', 'remove', '--db', url, id!])).code, 0);
    assert.equal((await cli(['schedule', 'remove', '--db', url, id!])).code, 2, 'already gone');
    assert.equal((await store.schedules.list('all')).length, 0);
  });

  test('serve runs queued scans in-process and stops on SIGTERM; diff reports the changes between two scans', async (t) => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const a = await listen();
    // a failed assertion must not leave a listener open: the test process would never exit and the suite would hang
    const open: { close(): Promise<void> }[] = [a];
    t.after(async () => {
      for (const l of open) await l.close().catch(() => {});
    });
    const later = await freePort();
    const agency = await loopbackAgency(store, ['127.0.0.1/32']);
    const def = { agencyId: agency.id, targets: ['127.0.0.1/32'], ports: [a.port, later], profile: 'ports', vantage: 'internal' as const, slotsPerTask: 1, requestedBy: 'test' };
    const job1 = await createScanJob(store, 'all', def);
    // `perisai serve` uses the embedded LocalQueue on either dialect.
    // The job is finalized by the task that finished last ("job … completed: …"), or, when the worker's sweep
    // sees every task done first, by the sweep ("finalized job …"): either line ends the wait.
    const serve = cli(['serve', '--db', url, '--tick-ms', '500', '--lease-ms', '2000', '--port', '0'], { untilLine: /job \S+ completed|finalized job \S+/ });
    const out = await serve;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /serving: store/);
    assert.match(out.stderr, /database schema up to date/, 'the schema the test store migrated: nothing applied, and said so');
    // one process serves the web application and API too, and creates the first administrator
    assert.match(out.stderr, /ready: http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(out.stderr, /one-time password: \S+/);
    assert.match(out.stderr, /SIGTERM: stopping/);
    assert.equal((await waitJob(store, job1.id)).status, 'completed');

    await a.close();
    const b = await listen(later);
    open.push(b);
    const job2 = await createScanJob(store, 'all', def);
    await runInProcess(store, url, job2.id);
    const diff = await cli(['diff', '--db', url, job1.id, job2.id]);
    assert.equal(diff.code, 0, diff.stderr);
    const lines = diff.stdout.trim().split('\n');
    assert.equal(lines.length, 3, diff.stdout);
    assert.ok(lines.some((l) => new RegExp(`^\\+ 127\\.0\\.0\\.1:${later} open`).test(l)), diff.stdout);
    assert.ok(lines.includes(`- 127.0.0.1:${a.port} closed`), diff.stdout);
    assert.equal(lines[2], '2 change(s)');
    assert.equal((await cli(['diff', '--db', url, job1.id, 'no-such-job'])).code, 2);
  });
});
