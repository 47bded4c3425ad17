// The whole monitoring chain against the project's lab (lab/README.md; 198.18.0.0/15 only): a scheduled
// `ransomware` job over the lab's SMB hosts runs the SMB checks in the worker, and finalize opens the
// findings (DoublePulsar on 198.18.0.13, ports 139 and 445, critical) with one finding.opened outbox row each; the next scan
// of the same hosts opens nothing new (exactly once per change). Fails — never skips — without the lab.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { createScanJob } from '../../src/scheduler/jobs.js';
import { loopbackAgency, runInProcess } from './helpers.js';

storeSuite('monitoring: lab SMB hosts through schedule → worker → findings', (env) => {
  test('the ransomware profile opens the lab\'s DoublePulsar finding once', async () => {
    assert.ok(existsSync('/sys/class/net/plbr0'), 'the lab is not up: run `lab/perisai-lab up` (bridge plbr0 missing)');
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const agency = await loopbackAgency(store, ['198.18.0.0/24']);
    const def = { agencyId: agency.id, targets: ['198.18.0.10', '198.18.0.11', '198.18.0.12', '198.18.0.13'], ports: [139, 445], profile: 'ransomware', vantage: 'internal' as const, slotsPerTask: 8, requestedBy: 'test' };
    const job1 = await createScanJob(store, 'all', def);
    await runInProcess(store, url, job1.id, { timeoutMs: 1000 });
    const checks = await store.observations.list('all', job1.id, { ip: '198.18.0.13', kind: 'check' });
    assert.ok(checks.some((o) => o.type === 'check' && o.check === 'doublepulsar' && o.state === 'vulnerable'), JSON.stringify(checks));
    const opened = await store.outbox.list('all', { topic: 'finding.opened' });
    // A finding is (asset, rule, port): the implant answers on 139 and 445 of one host.
    const dp = opened.map((m) => m.payload as { ruleId: string; port: number; severity: string; assetId: string }).filter((p) => p.ruleId === 'doublepulsar');
    assert.deepEqual(dp.map((p) => p.port).sort(), [139, 445], JSON.stringify(dp));
    assert.ok(dp.every((p) => p.severity === 'critical' && p.assetId === dp[0]!.assetId));
    assert.equal((await store.assets.list('all', { agencyId: agency.id })).length, 4);

    const job2 = await createScanJob(store, 'all', def);
    await runInProcess(store, url, job2.id, { timeoutMs: 1000 });
    assert.equal((await store.outbox.list('all', { topic: 'finding.opened' })).length, opened.length, 'seen again: no new finding.opened');
    const summary = (await store.scans.getJob('all', job2.id)).summary as { previousJobId: string };
    assert.equal(summary.previousJobId, job1.id);
  });
});
