// Change detection through finalize (src/worker/finalize.ts) on both dialects: which completed scan a scan
// is compared with ("first scan (baseline)" only when there is none — a scheduled agency-wide scan after a
// person's scan of one network used to call itself the baseline), the comparison limited to what both
// probed (a top-100 scan after a ransomware-ports scan opens no port the first never asked about, and no
// change.* alert says so), and the asset facts a failed SMB conversation leaves: unknown, with the reason.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../src/domain/observation.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import type { NewScanJob } from '../../src/scheduler/jobs.js';
import type { Store } from '../../src/store/index.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { AUTH, seedCity } from './fixtures.js';
import { storeSuite, testClock } from './harness.js';

const RANSOMWARE = [135, 137, 138, 139, 445, 3389, 5985, 5986];
const TOP = [21, 22, 23, 25, 80, 110, 135, 139, 443, 445, 3306, 3389, 5432, 5900, 8080];
const TIMEOUT = 'SMB1 probe failed: io-timeout at negotiate (no complete answer before the deadline)';

const open = (ip: string, port: number, service?: string): Observation => ({ type: 'port', ip, port, proto: 'tcp', state: 'open', reason: 'syn-ack', ...(service ? { service } : {}) });
const closed = (ip: string, port: number): Observation => ({ type: 'port', ip, port, proto: 'tcp', state: 'closed', reason: 'conn-refused' });
const up = (ip: string): Observation => ({ type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 1, filtered: 0 });

/** What the worker stores for a host that accepts on 445 and then stays silent (the lab's bulk hosts). */
function silentSmb(ip: string): Observation[] {
  const unknown = (check: string, reason: string): Observation => ({ type: 'check', ip, port: 445, check, state: 'unknown', reason, evidence: { reasonCode: 'timeout' } });
  return [
    open(ip, 445, 'microsoft-ds'), closed(ip, 139), up(ip),
    unknown('smbv1', TIMEOUT), unknown('smb-signing', 'could not decide every protocol the host accepts (SMBv1 445: timeout)'),
    unknown('ms17-010', 'the conversation failed at negotiate: io-timeout'), unknown('doublepulsar', 'the ping could not be sent'),
    { type: 'fact', ip, fact: 'smb', value: { dialects: [], dialectsExact: false, smbv1: null, smb2: null, signing: 'unknown', ports: [{ port: 445, transport: 'direct-tcp', smbv1: 'unknown', reason: TIMEOUT }] } },
  ];
}

storeSuite('change detection: the previous scan and like-with-like comparison', (env) => {
  async function scan(store: Store, clock: ReturnType<typeof testClock>, job: Omit<NewScanJob, 'vantage' | 'requestedBy'>, observations: readonly Observation[]) {
    const j = await createScanJob(store, 'all', { vantage: 'internal', requestedBy: 'uji', ...job });
    clock.advance(60_000);
    await store.scans.setJobStatus('all', j.id, 'running');
    await store.observations.ingestBatch({ jobId: j.id, observations });
    clock.advance(60_000);
    const r = await finalizeJob(store, j.id);
    assert.ok(r !== undefined, 'finalized');
    clock.advance(60_000);
    return { job: await store.scans.getJob('all', j.id), result: r };
  }

  test('baseline only when no earlier completed scan covered the hosts, whatever network id or agency level started it', async () => {
    const clock = testClock();
    const store = await env.open({ clock: clock.now });
    const c = await seedCity(store);
    const dinkesNet = await store.networks.add('all', { agencyId: c.dinkes.id, cidr: '198.18.1.0/24', ...AUTH });
    await store.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.2.0/24', ...AUTH });
    await store.networks.add('all', { agencyId: c.disdik.id, cidr: '198.18.3.0/24', ...AUTH });
    const ports = [445];

    // A person scans Dinkes' network: the first scan of those hosts, the baseline.
    const manual = await scan(store, clock, { agencyId: c.dinkes.id, networkId: dinkesNet.id, targets: ['198.18.1.0/24'], ports, profile: 'ports' }, [open('198.18.1.5', 445)]);
    assert.equal(manual.result.previousJobId, null);
    assert.equal(manual.result.notCompared, null);
    // Then Dinkes' schedule fires for all its networks (network id null, its unit's block included): it is
    // compared with the person's scan, not called a baseline.
    const scheduled = await scan(store, clock, { agencyId: c.dinkes.id, scheduleId: 'nightly', targets: ['198.18.1.0/24', '198.18.2.0/24'], ports, profile: 'ports' }, [open('198.18.1.5', 445), open('198.18.2.9', 445)]);
    assert.equal(scheduled.result.previousJobId, manual.job.id);
    assert.deepEqual(scheduled.result.changes, [], '198.18.2.9 lies outside what the previous scan covered: not "new"');
    assert.deepEqual((scheduled.job.summary as { notCompared: unknown }).notCompared, { ports: [], checks: [], hosts: 1 });
    assert.equal((await store.scans.previousCompleted('all', scheduled.job.id))?.id, manual.job.id);
    // RSUD's own scan of its block: the agency-wide scan above it covered it.
    const rsud = await scan(store, clock, { agencyId: c.rsud.id, targets: ['198.18.2.0/24'], ports, profile: 'ports' }, [open('198.18.2.9', 445)]);
    assert.equal(rsud.result.previousJobId, scheduled.job.id);
    // The next Dinkes-wide scan prefers the scan that covered all of it over RSUD's newer partial one.
    const next = await scan(store, clock, { agencyId: c.dinkes.id, targets: ['198.18.1.0/24', '198.18.2.0/24'], ports, profile: 'ports' }, []);
    assert.equal(next.result.previousJobId, scheduled.job.id);

    // Only completed scans count: after a failed one, Disdik's first completed scan is still the baseline.
    const failed = await createScanJob(store, 'all', { agencyId: c.disdik.id, targets: ['198.18.3.0/24'], ports, profile: 'ports', vantage: 'internal', requestedBy: 'uji' });
    await store.scans.setJobStatus('all', failed.id, 'failed', { error: 'worker lost' });
    clock.advance(60_000);
    const disdik = await scan(store, clock, { agencyId: c.disdik.id, targets: ['198.18.3.0/24'], ports, profile: 'ports' }, [open('198.18.3.4', 445)]);
    assert.equal(disdik.result.previousJobId, null);
    // Nor does a scan of other hosts: Disdik's scans are nobody's previous scan in Dinkes.
    assert.notEqual((await store.scans.previousCompleted('all', next.job.id))?.id, disdik.job.id);
  });

  test('a top-100 scan after a ransomware-ports scan: no port "opened" that the first never probed, no alert for it; unknown SMB stays unknown', async () => {
    const clock = testClock();
    const store = await env.open({ clock: clock.now });
    const c = await seedCity(store);
    const net = await store.networks.add('all', { agencyId: c.dinkes.id, cidr: '198.18.1.0/24', ...AUTH });
    const ip = '198.18.1.7';

    const first = await scan(store, clock, { agencyId: c.dinkes.id, networkId: net.id, targets: ['198.18.1.0/24'], ports: RANSOMWARE, profile: 'ransomware' }, [
      ...silentSmb(ip), closed('198.18.1.8', 445), up('198.18.1.8'),
    ]);
    assert.equal(first.result.previousJobId, null);
    assert.deepEqual(first.job.checks, ['doublepulsar', 'ms17-010', 'netbios-ns', 'rdp-exposed', 'smb-os-eol', 'smb-signing', 'smbv1']);
    // The asset: SMBv1 and signing unknown with the engine's reasons — never "no"; SMB open; rated unknown.
    const [asset] = await store.assets.list('all', { search: ip });
    assert.deepEqual(asset?.smb, {
      smbv1: null, smbv1Reason: `445: ${TIMEOUT}`, signing: null, signingReason: 'could not decide every protocol the host accepts (SMBv1 445: timeout)',
      // The fact carries no reason codes of its own here (an engine before them): the checks' codes stand in.
      smbv1ReasonCodes: [{ protocol: 'smb1', port: 445, code: 'timeout' }], signingReasonCodes: [{ code: 'timeout' }],
      dialects: null, dialectsComplete: false,
    });
    assert.equal(asset?.smbOpen, true);
    assert.equal(asset?.riskRating, 'unknown');
    const [other] = await store.assets.list('all', { search: '198.18.1.8' });
    assert.deepEqual([other?.smbOpen, other?.smb], [false, null], 'SMB closed: not open, and never examined');

    // The same network with the top-100 ports and no checks: 3306 and 5432 answer now, but the first scan
    // never probed them. 139 was probed by both: that one really opened.
    const second = await scan(store, clock, { agencyId: c.dinkes.id, networkId: net.id, targets: ['198.18.1.0/24'], ports: TOP, profile: 'ports' }, [
      open(ip, 445, 'microsoft-ds'), open(ip, 3306, 'mysql'), open(ip, 5432, 'postgresql'), open(ip, 139, 'netbios-ssn'), closed(ip, 80), up(ip),
      open('198.18.1.8', 8080, 'http-proxy'), up('198.18.1.8'),
    ]);
    assert.equal(second.result.previousJobId, first.job.id);
    assert.deepEqual(second.result.changes, [{ kind: 'port-opened', ip, port: 139, service: 'netbios-ssn' }]);
    const nc = second.result.notCompared!;
    assert.ok(nc.ports.includes(3306) && nc.ports.includes(5432) && nc.ports.includes(5985), JSON.stringify(nc));
    assert.deepEqual(nc.checks, first.job.checks, 'the second scan ran none of the first one\'s checks');
    assert.equal(nc.hosts, 0);
    const opened = (await store.outbox.list('all', { topic: 'change.port-opened' })).map((m) => (m.payload as { port: number }).port);
    assert.deepEqual(opened, [139], 'an alert only for the port both scans probed');
    const diff = await store.observations.compareJobs(first.job, second.job);
    assert.deepEqual(diff, { changes: second.result.changes, notCompared: nc }, 'the API and the CLI see what finalize saw');
    // A scan without SMB checks leaves the SMB facts as the last scan that examined SMB found them.
    const [after] = await store.assets.list('all', { search: ip });
    assert.deepEqual([after?.smb?.smbv1, after?.smbOpen], [null, true]);
  });
});
