// The risk rating the worker's finalize step leaves on an asset (src/worker/finalize.ts, domain/risk.ts
// rateAfterScan): a scan with ports=1 once reset a host from "high" to "none" while its three high
// findings stayed open. Now a narrower scan keeps what it did not look at, open findings hold the rating,
// and a scan that does look — and finds the ports closed — still lowers it. Real finalize, SQLite and
// PostgreSQL; the observations are what the engine would have reported for a loopback host.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../src/domain/observation.js';
import type { Store } from '../../src/store/index.js';
import { profileCheckIds } from '../../src/scheduler/jobs.js';
import { finalizeJob } from '../../src/worker/finalize.js';
import { storeSuite } from '../store/harness.js';
import { loopbackAgency } from './helpers.js';

const IP = '127.0.0.1';
const port = (p: number, state: 'open' | 'closed'): Observation =>
  ({ type: 'port', ip: IP, port: p, proto: 'tcp', state, reason: state === 'open' ? 'syn-ack' : 'conn-refused' });
const up = (open: number, closed: number): Observation => ({ type: 'host', ip: IP, state: 'up', reason: open > 0 ? 'syn-ack' : 'conn-refused', open, closed, filtered: 0 });
const check = (id: string, p: number): Observation => ({ type: 'check', ip: IP, port: p, check: id, state: 'not-vulnerable' });

/** A completed job over 127.0.0.1 that saw `observations`, finalized by the worker's own step. */
async function scan(store: Store, agencyId: string, job: { ports: number[]; profile: string }, observations: readonly Observation[]): Promise<void> {
  const j = await store.scans.createJob('all', {
    agencyId, profile: job.profile, checks: profileCheckIds(job.profile), targets: [`${IP}/32`], ports: job.ports, vantage: 'inter-agency', seed: '7', requestedBy: 'uji',
    tasks: [{ start: 0, end: job.ports.length }],
  });
  await store.scans.setJobStatus('all', j.id, 'running');
  await store.observations.ingestBatch({ jobId: j.id, observations });
  assert.ok(await finalizeJob(store, j.id), `job ${j.id} finalized`);
}

storeSuite('the rating after a scan', (env) => {
  test('a ports=1 scan does not lower a rating with open high findings; a scan that looks and finds the ports closed does', async () => {
    const store = await env.open();
    const agency = await loopbackAgency(store, [`${IP}/32`]);
    const ransomware = { ports: [139, 445, 3389], profile: 'ransomware' };
    // From another agency's segment: SMB (139, 445) and RDP reachable, MS17-010 and DoublePulsar patched.
    await scan(store, agency.id, ransomware, [
      up(3, 0), port(139, 'open'), port(445, 'open'), port(3389, 'open'), check('ms17-010', 445), check('doublepulsar', 445), check('rdp-exposed', 3389),
    ]);
    const [asset] = await store.assets.list('all', {});
    const open = async () => (await store.findings.list('all', { assetId: asset!.id })).items.map((f) => `${f.ruleId}:${f.port}:${f.severity}`).sort();
    assert.deepEqual(await open(), ['exposure-rdp:3389:high', 'exposure-smb:139:high', 'exposure-smb:445:high']);
    const first = await store.assets.get('all', asset!.id);
    assert.equal(first.riskRating, 'high');

    // ports=1 (closed): nothing about SMB or RDP was looked at. The three high findings stay open, and so does the rating.
    await scan(store, agency.id, { ports: [1], profile: 'ports' }, [up(0, 1), port(1, 'closed')]);
    assert.equal((await open()).length, 3);
    const after = await store.assets.get('all', asset!.id);
    assert.equal(after.riskRating, 'high', 'not lowered to none by a scan that did not look');
    assert.deepEqual(after.riskReasons.map((r) => r.ruleId).sort(), ['open-high-finding', 'rdp-exposed', 'smb-exposed']);

    // The next ransomware scan finds all three ports closed (RST): the findings resolve and the rating goes.
    await scan(store, agency.id, ransomware, [up(0, 3), port(139, 'closed'), port(445, 'closed'), port(3389, 'closed')]);
    assert.deepEqual(await open(), []);
    const closed = await store.assets.get('all', asset!.id);
    assert.deepEqual([closed.riskRating, closed.riskReasons], ['none', []]);
  });
});
