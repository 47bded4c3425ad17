// Scan endpoints: start within scope, refuse what is outside it, cancel, live
// progress over Server-Sent Events on a real HTTP connection, results host by host, the diff against
// the previous scan, and the exports (nmap XML read back by nmap's own ndiff; JSONL parsed line by
// line). The scanning itself is a worker's job and is covered by tests/monitoring and the browser test
// against the lab; here a test plays the worker through the same store calls a worker makes.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Observation } from '../../src/domain/observation.js';
import { CHECK_IDS, listCheckMeta } from '../../src/engine/checks/registry.js';
import { DEFAULT_RISK_RULES } from '../../src/domain/risk.js';
import { validateScanBrakes } from '../../src/domain/scan-brakes.js';
import type { Store } from '../../src/store/index.js';
import { dayKey } from '../../src/domain/calendar.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { sse } from './sse-client.js';
import { storeSuite } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';
import type { World } from './fixture.js';

interface Job { id: string; status: string; planned: number; targets: string[]; ports: string; portCount: number; agencyId: string; networkId: string | null }

/** Play the worker: claim every task of the job, store `observations` with the first, finish, finalize. */
async function runAsWorker(store: Store, jobId: string, observations: readonly Observation[], beforeFinalize?: () => Promise<void>): Promise<void> {
  let first = true;
  for (;;) {
    const t = await store.scans.claimTask({ zone: null, owner: 'test-worker', leaseMs: 60_000 });
    if (t === undefined) break;
    assert.equal(t.jobId, jobId);
    await store.observations.ingestBatch({ jobId, taskId: t.id, owner: 'test-worker', observations: first ? observations : [], done: [t.range] });
    first = false;
    const done = await store.scans.completeTask(t.id, 'test-worker');
    if (done.jobDone) await beforeFinalize?.();
    if (done.jobDone) assert.ok(await finalizeJob(store, jobId));
  }
}

function seen(ip: string, open: readonly number[], closed: readonly number[], ms17: 'vulnerable' | 'not-vulnerable' | 'unknown'): Observation[] {
  return [
    ...open.map((port) => ({ type: 'port' as const, ip, port, proto: 'tcp' as const, state: 'open' as const, reason: 'syn-ack' as const, service: port === 445 ? 'microsoft-ds' : 'netbios-ssn' })),
    ...closed.map((port) => ({ type: 'port' as const, ip, port, proto: 'tcp' as const, state: 'closed' as const, reason: 'conn-refused' as const })),
    { type: 'host', ip, state: 'up', reason: 'syn-ack', open: open.length, closed: closed.length, filtered: 0 },
    { type: 'fact', ip, fact: 'os', value: { name: 'Windows 7 Professional 7601 Service Pack 1', source: 'smb-ntlm', eol: true, wannacryRisk: true } },
    {
      type: 'check', ip, port: 445, check: 'ms17-010', state: ms17, reason: ms17 === 'vulnerable' ? 'STATUS_INSUFF_SERVER_RESOURCES on PeekNamedPipe FID 0' : 'probe answered otherwise',
      reasonCode: ms17 === 'vulnerable' ? 'insuff-server-resources' : ms17 === 'not-vulnerable' ? 'patched:access-denied' : 'timeout-at-probe', evidence: { ntStatus: '0xc0000205' },
    },
  ];
}


storeSuite('API scans', (env) => {
  test('start within scope: targets, ports, profile, windows and one live scan per network are checked; cancel', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const dinkes = w.data.dinkes;
      // Outside the agency's registered networks: refused and named, nothing stored.
      const before = (await store.scans.listJobs('all', { limit: 1000 })).length;
      let r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, targets: ['198.18.3.10'] });
      assert.equal(r.statusCode, 400, r.body);
      assert.match(r.json().error.message, /198\.18\.3\.10.*outside the networks registered/);
      assert.match(r.json().error.messageId, /^Target 198\.18\.3\.10 berada di luar jaringan yang terdaftar untuk DINKES; /);
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, ports: '445,99999' });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.details.field, 'ports');
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, profile: 'everything' });
      assert.equal(r.statusCode, 400);
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, bogus: 1 });
      assert.equal(r.statusCode, 400);
      // Another agency: as if it did not exist.
      r = await officer.req('POST', '/api/v1/scans', { agencyId: w.data.disdik.agencyId });
      assert.equal(r.statusCode, 404);
      assert.equal((await store.scans.listJobs('all', { limit: 1000 })).length, before);

      // Own network, default ports (the ransomware set) and profile.
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, networkId: dinkes.networkId });
      assert.equal(r.statusCode, 201, r.body);
      const job = r.json() as Job;
      assert.equal(job.status, 'queued');
      assert.deepEqual(job.targets, ['198.18.1.0/24']);
      assert.deepEqual([job.ports, job.portCount], ['135,137-139,445,3389,5985-5986', 8]);
      assert.equal(job.planned, 256 * 8);
      assert.ok((await store.scans.tasks('all', job.id)).length >= 1);
      const audit = await store.audit.list({ action: 'scan.start' });
      assert.equal(audit[0]?.targetId, job.id);
      assert.equal(audit[0]?.actor, 'petugas.dinkes');
      // A second click while it is queued: refused, naming the live job.
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, networkId: dinkes.networkId });
      assert.equal(r.statusCode, 409);
      assert.equal(r.json().error.details.jobId, job.id);
      // Listed and readable; cancelled once, not twice.
      const list = (await officer.req('GET', `/api/v1/scans?agencyId=${dinkes.agencyId}`)).json() as { items: Job[] };
      assert.ok(list.items.some((j) => j.id === job.id));
      r = await officer.req('POST', `/api/v1/scans/${job.id}/cancel`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'cancelled');
      assert.equal((await store.scans.claimTask({ zone: null, owner: 'x', leaseMs: 1000 })), undefined, 'a cancelled job hands out no task');
      r = await officer.req('POST', `/api/v1/scans/${job.id}/cancel`);
      assert.equal(r.statusCode, 409);

      // A forbidden scan window binds the officer; an analyst may override it, and the audit says so.
      await store.agencies.setScanWindows('all', dinkes.agencyId, [{ mode: 'deny', days: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00', timeZone: 'Asia/Jakarta' }]);
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, targets: ['198.18.1.10'], ports: '445' });
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(r.json().error.details.reason, 'scan-window');
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, targets: ['198.18.1.10'], ports: '445', overrideWindow: true });
      assert.equal(r.statusCode, 409, 'an officer cannot override');
      const analyst = await login(w.app, 'analis');
      r = await analyst.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, targets: ['198.18.1.10'], ports: '445', overrideWindow: true });
      assert.equal(r.statusCode, 201, r.body);
      assert.deepEqual((await store.audit.list({ action: 'scan.start' }))[0]?.details?.['overrideWindow'], true);

      // A viewer reads scans but starts none.
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId })).statusCode, 403);
      assert.equal((await viewer.req('GET', `/api/v1/scans/${job.id}`)).statusCode, 200);
    } finally {
      await w.app.close();
    }
  });

  test('a scan planning more probes than the ceiling starts only with an administrator\'s confirmation', async () => {
    const store = await env.open();
    // A tiny ceiling (100 probes) instead of a /8: Dinkes' /24 on the eight ransomware ports plans 2,048.
    const w = await seedWorld(store, { scanBrakes: validateScanBrakes({ confirmProbes: 100 }) });
    try {
      const dinkes = w.data.dinkes;
      const [admin, analyst, officer] = [await login(w.app, 'admin'), await login(w.app, 'analis'), await login(w.app, 'petugas.dinkes')];
      const large = { agencyId: dinkes.agencyId, networkId: dinkes.networkId };
      const before = (await store.scans.listJobs('all', { limit: 1000 })).length;
      let r = await admin.req('POST', '/api/v1/scans', large);
      assert.equal(r.statusCode, 400, r.body);
      let e = r.json().error as { code: string; message: string; messageId: string; details: Record<string, unknown> };
      assert.deepEqual([e.code, e.details['field'], e.details['reason'], e.details['probes'], e.details['confirmProbes']], ['E_VALIDATION', 'confirmLargeScan', 'large-scan', 2048, 100]);
      assert.equal(e.message, 'this scan plans 2,048 probes, more than 100; confirm it (confirmLargeScan: true) to start it');
      assert.equal(e.messageId, 'Pemindaian ini merencanakan 2.048 probe, melebihi 100; konfirmasi (confirmLargeScan: true) untuk memulainya');
      for (const [who, c] of [['analyst', analyst], ['officer', officer]] as const) {
        r = await c.req('POST', '/api/v1/scans', { ...large, confirmLargeScan: true });
        assert.equal(r.statusCode, 403, `${who}: ${r.body}`);
        e = r.json().error;
        assert.equal(e.messageId, 'Pemindaian ini merencanakan 2.048 probe, melebihi 100: hanya administrator yang boleh memulainya', who);
        assert.match(e.message, /only an administrator may start it/, who);
      }
      assert.equal((await store.scans.listJobs('all', { limit: 1000 })).length, before, 'nothing stored');
      // Under the ceiling nobody is asked: one address, eight probes.
      r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, targets: [dinkes.ips[0]!] });
      assert.equal(r.statusCode, 201, r.body);
      // Confirmed by an administrator: started, and the confirmation is in the audit log.
      r = await admin.req('POST', '/api/v1/scans', { ...large, confirmLargeScan: true });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal((r.json() as Job).planned, 2048);
      const audit = (await store.audit.list({ action: 'scan.start' })).find((a) => a.targetId === (r.json() as Job).id);
      assert.deepEqual([audit?.details?.['confirmLargeScan'], audit?.details?.['probes']], [true, 2048]);
    } finally {
      await w.app.close();
    }
  });

  test('live progress over SSE, then results, diff against the previous scan and exports (ndiff reads the XML)', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { scanEvents: { intervalMs: 40 } });
    const tmp = mkdtempSync(join(tmpdir(), 'perisai-scan-export-'));
    try {
      await w.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = w.app.server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
      const officer = await login(w.app, 'petugas.dinkes');
      const dinkes = w.data.dinkes;
      const start = async (): Promise<Job> => {
        const r = await officer.req('POST', '/api/v1/scans', { agencyId: dinkes.agencyId, networkId: dinkes.networkId, ports: '139,445' });
        assert.equal(r.statusCode, 201, r.body);
        return r.json() as Job;
      };

      // First scan: watched live from queued to completed.
      const first = await start();
      const stream = sse(base, `/api/v1/scans/${first.id}/events`, officer.cookie);
      assert.equal(await stream.status, 200);
      const p = await stream.next('progress');
      assert.equal((p.data as { status: string }).status, 'queued');
      await runAsWorker(store, first.id, [...seen('198.18.1.10', [139, 445], [], 'vulnerable'), ...seen('198.18.1.11', [445], [139], 'unknown')], async () => {
        // Every task done, the finalize step not yet committed: shown as finalizing, not as running at 100 %.
        const d = await officer.req('GET', `/api/v1/scans/${first.id}`);
        assert.equal((d.json() as { job: Job }).job.status, 'finalizing', d.body);
        const list = await officer.req('GET', '/api/v1/scans');
        assert.equal((list.json() as { items: Job[] }).items.find((j) => j.id === first.id)?.status, 'finalizing', 'the list says so too');
      });
      const end = (await stream.next('end')).data as { job: Job; progress: { done: number; planned: number } };
      assert.equal(end.job.status, 'completed');
      assert.equal(end.progress.done, end.progress.planned);
      stream.close();

      // Logging out ends a live stream at its next tick (an `error` event with E_AUTH, then the end).
      {
        const other = await login(w.app, 'petugas.dinkes');
        const live = await start();
        const s2 = sse(base, `/api/v1/scans/${live.id}/events`, other.cookie);
        await s2.next('progress');
        assert.equal((await other.req('POST', '/api/v1/auth/logout')).statusCode < 300, true);
        assert.deepEqual((await s2.next('error')).data, { code: 'E_AUTH' });
        s2.close();
        assert.equal((await officer.req('POST', `/api/v1/scans/${live.id}/cancel`)).statusCode, 200);
      }

      // Second scan: 198.18.1.10 patched (not vulnerable) and 139 closed; .11 gone; .12 new.
      const second = await start();
      await runAsWorker(store, second.id, [...seen('198.18.1.10', [445], [139], 'not-vulnerable'), ...seen('198.18.1.12', [445], [], 'unknown')]);
      // Finalize also wrote today's dashboard snapshot (the trend's point for today, not only hourly).
      const today = dayKey(new Date(), 'Asia/Jakarta');
      assert.deepEqual((await store.dashboard.trend('all', { from: today, to: today })).map((d) => d.day), [today]);
      const detail = (await officer.req('GET', `/api/v1/scans/${second.id}`)).json() as { job: Job; previousJobId: string; progress: { done: number } };
      assert.equal(detail.job.status, 'completed');
      assert.equal(detail.previousJobId, first.id);
      const agency = (await officer.req('GET', `/api/v1/agencies/${dinkes.agencyId}`)).json() as { lastScan: { id: string; status: string } | null };
      assert.deepEqual([agency.lastScan?.id, agency.lastScan?.status], [second.id, 'completed']);
      // An SSE on a finished job answers with `end` at once and closes.
      const late = sse(base, `/api/v1/scans/${second.id}/events`, officer.cookie);
      assert.equal(((await late.next('end')).data as { job: Job }).job.id, second.id);
      late.close();

      const hosts = (await officer.req('GET', `/api/v1/scans/${second.id}/hosts`)).json() as { items: { ip: string; assetId: string | null; ports: { port: number; state: string }[]; checks: { check: string; state: string; reasonCode: string | null; evidence: Record<string, unknown> }[]; os: { name: string } | null }[]; next: string | null };
      assert.deepEqual(hosts.items.map((h) => h.ip), ['198.18.1.10', '198.18.1.12']);
      assert.equal(hosts.next, null);
      const h10 = hosts.items[0]!;
      assert.equal(h10.assetId, dinkes.assetIds[0]);
      assert.deepEqual(h10.ports.map((x) => [x.port, x.state]), [[139, 'closed'], [445, 'open']]);
      assert.deepEqual(h10.checks.map((c) => [c.check, c.state, c.reasonCode]), [['ms17-010', 'not-vulnerable', 'patched:access-denied']]);
      assert.equal(h10.checks[0]!.evidence['ntStatus'], '0xc0000205');
      assert.match(h10.os!.name, /Windows 7/);
      const page = (await officer.req('GET', `/api/v1/scans/${second.id}/hosts?limit=1`)).json() as { items: { ip: string }[]; next: string };
      assert.deepEqual([page.items[0]!.ip, page.next], ['198.18.1.10', '198.18.1.10']);
      const page2 = (await officer.req('GET', `/api/v1/scans/${second.id}/hosts?limit=1&after=${page.next}`)).json() as { items: { ip: string }[] };
      assert.deepEqual(page2.items.map((h) => h.ip), ['198.18.1.12']);

      const diff = (await officer.req('GET', `/api/v1/scans/${second.id}/diff`)).json() as { previousJobId: string; baseline: boolean; changes: { kind: string; ip: string; port?: number; from?: string | null; to?: string | null; confirmed?: boolean }[]; notCompared: unknown };
      assert.equal(diff.previousJobId, first.id);
      assert.equal(diff.baseline, false);
      // Both scans probed 139 and 445 and ran the same checks: nothing left out. The new host's verdict is no
      // "change" (the first scan has none to compare it with); its port opening is.
      assert.deepEqual(diff.notCompared, { ports: [], checks: [], hosts: 0 });
      const kinds = diff.changes.map((c) => `${c.kind} ${c.ip}${c.port !== undefined ? `:${c.port}` : ''}${c.to !== undefined ? ` ${c.from}→${c.to}` : ''}`).sort();
      assert.deepEqual(kinds, [
        'check-changed 198.18.1.10:445 vulnerable→not-vulnerable',
        'host-gone 198.18.1.11',
        'host-new 198.18.1.12',
        'port-closed 198.18.1.10:139',
        'port-opened 198.18.1.12:445',
      ]);
      assert.equal(diff.changes.find((c) => c.kind === 'port-closed')?.confirmed, true);
      // The first scan of the network has nothing to compare with.
      const baseline = (await officer.req('GET', `/api/v1/scans/${first.id}/diff`)).json();
      assert.deepEqual([baseline.changes, baseline.baseline, baseline.previousJobId], [[], true, null]);

      // Exports. JSONL: engine records then one summary line carrying the job.
      const jl = await officer.req('GET', `/api/v1/scans/${second.id}/export.jsonl`);
      assert.equal(jl.statusCode, 200);
      assert.match(String(jl.headers['content-type']), /application\/x-ndjson/);
      assert.match(String(jl.headers['content-disposition']), /attachment; filename="perisai-scan-/);
      const lines = jl.body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(lines.map((l) => l['type']), ['port', 'port', 'check', 'host', 'port', 'check', 'host', 'summary']);
      const check = lines.find((l) => l['type'] === 'check')!;
      assert.equal(check['reasonCode'], 'patched:access-denied');
      assert.equal(check['severity'], 'critical');
      assert.match(String(check['titleId']), /MS17-010/);
      const summary = lines.at(-1)!;
      assert.deepEqual([summary['hosts'], summary['hostsUp'], summary['open'], summary['closed'], summary['interrupted']], [2, 2, 2, 1, false]);
      assert.equal((summary['job'] as { id: string }).id, second.id);
      assert.equal(summary['engine'], undefined, 'per-run engine counters are not kept per job and not invented');
      // XML: nmap's ndiff reads both exports and names the same changes.
      const xml1 = await officer.req('GET', `/api/v1/scans/${first.id}/export.xml`);
      const xml2 = await officer.req('GET', `/api/v1/scans/${second.id}/export.xml`);
      assert.match(String(xml2.headers['content-type']), /application\/xml/);
      assert.match(xml2.body, /<nmaprun scanner="perisai"/);
      assert.match(xml2.body, /<port protocol="tcp" portid="445"><state state="open" reason="syn-ack"/);
      assert.match(xml2.body, /<script id="smb-vuln-ms17-010"/);
      assert.match(xml1.body, /State: VULNERABLE/);
      writeFileSync(join(tmp, 'a.xml'), xml1.body);
      writeFileSync(join(tmp, 'b.xml'), xml2.body);
      // Debian's ndiff 7.93 crashes on any host with two or more host scripts, nmap's own output included:
      // ScriptResult defines only Python 2's __cmp__ (see tests/lab/nmap-agreement.test.ts). Its parser
      // and diff are used as they are, with that one ordering supplied (Debian's python3: the module lives there).
      const NDIFF = 'import sys, ndiff\nndiff.ScriptResult.__lt__ = lambda a, b: (a.id, a.output) < (b.id, b.output)\nsys.argv = ["ndiff"] + sys.argv[1:]\nsys.exit(ndiff.main())';
      let out: string;
      try {
        out = execFileSync('/usr/bin/python3', ['-c', NDIFF, join(tmp, 'a.xml'), join(tmp, 'b.xml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        const err = e as { status?: number; stdout?: string; stderr?: string };
        assert.doesNotMatch(err.stderr ?? '', /No module named .?ndiff/, 'ndiff is missing: install the Debian package "ndiff" (tests never skip)');
        assert.equal(err.status, 1, `ndiff failed: ${err.stderr ?? String(e)}`); // 1 = differences found
        out = err.stdout ?? '';
      }
      assert.match(out, /-198\.18\.1\.11/);
      assert.match(out, /\+198\.18\.1\.12/);
      assert.match(out, /-139\/tcp\s+open/);

      // Another agency's scan is invisible through every scan route.
      for (const path of ['', '/hosts', '/diff', '/events', '/export.xml', '/export.jsonl']) {
        const r = await officer.req('GET', `/api/v1/scans/${w.data.disdik.scanJobId}${path}`);
        assert.equal(r.statusCode, 404, path);
      }
    } finally {
      await w.app.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('the catalogues: every check of the engine with its Indonesian and English title and remediation, every risk rule with its reason, for every role', async () => {
    const w = await seedWorld(await env.open());
    try {
      const viewer = await login(w.app, 'pimpinan');
      const r = await viewer.req('GET', '/api/v1/checks');
      assert.equal(r.statusCode, 200, r.body);
      const items = (r.json() as { items: { id: string; title: { id: string; en: string }; remediation: { id: string; en: string }; ports: number[]; udp: boolean; scope: string }[] }).items;
      assert.deepEqual(items.map((c) => c.id), [...CHECK_IDS]);
      for (const m of listCheckMeta()) {
        const c = items.find((x) => x.id === m.id)!;
        assert.deepEqual([c.title, c.remediation, c.ports, c.udp, c.scope], [m.title, m.remediation, [...m.ports], m.udp === true, m.scope], m.id);
      }
      assert.equal((await w.app.inject({ method: 'GET', url: '/api/v1/checks' })).statusCode, 401, 'not without a session');
      // The risk rules an asset's reasons name, with their texts.
      const rules = (await viewer.req('GET', '/api/v1/risk-rules')).json() as { items: { id: string; rating: string; reason: { id: string; en: string } }[] };
      assert.deepEqual(rules.items, DEFAULT_RISK_RULES.map((x) => ({ id: x.id, rating: x.rating, reason: x.reason })));
    } finally {
      await w.app.close();
    }
  });
});

export type { World };
