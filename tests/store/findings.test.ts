// The findings lifecycle through the store — scan after scan — with events, outbox, expiry and scoping, on both dialects.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { isPerisaiError } from '../../src/domain/errors.js';
import type { Observation } from '../../src/domain/observation.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite, testClock } from './harness.js';
import { AUTH, finalizeJob, seedCity } from './fixtures.js';
import type { City } from './fixtures.js';

const IP = '198.18.5.31';
const DAY = 86_400_000;
const open445: Observation = { type: 'port', ip: IP, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' };
const up: Observation = { type: 'host', ip: IP, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0, netbiosName: 'REG-PC-07' };
const check = (id: string, state: 'vulnerable' | 'not-vulnerable' | 'unknown'): Observation => ({ type: 'check', ip: IP, port: 445, check: id, state, reason: `${id} said ${state}` });
const win7: Observation = { type: 'fact', ip: IP, fact: 'os', value: { name: 'Windows 7 Professional 7601 Service Pack 1', source: 'smb-ntlm', eol: true, wannacryRisk: true } };

async function scan(s: Store, c: City, observations: Observation[]): Promise<{ jobId: string; result: Awaited<ReturnType<typeof finalizeJob>> }> {
  const j = await s.scans.createJob('all', {
    agencyId: c.rsud.id, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [139, 445, 3389], vantage: 'internal', seed: '7', requestedBy: 'scheduler', tasks: [{ start: 0, end: 768 }],
  });
  await s.observations.ingestBatch({ jobId: j.id, observations });
  const result = await finalizeJob(s, j.id, c.rsud.id, 'internal');
  return { jobId: j.id, result };
}

storeSuite('findings lifecycle', (env) => {
  it('opened → seen again → offline/unknown change nothing → resolved on positive evidence → reopened', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await seedCity(s);
    await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });

    // 1. MS17-010 vulnerable, SMBv1 on Windows 7
    const s1 = await scan(s, c, [open445, up, win7, check('ms17-010', 'vulnerable'), check('doublepulsar', 'not-vulnerable'), check('smbv1', 'vulnerable')]);
    assert.deepEqual(s1.result, { opened: 2, reopened: 0, resolved: 0, seen: 0 });
    const list1 = await s.findings.list('all', { agencyId: c.rsud.id });
    assert.deepEqual(list1.items.map((f) => [f.ruleId, f.severity, f.status]), [['ms17-010', 'critical', 'open'], ['smbv1', 'high', 'open']]);
    const ms = list1.items[0]!;
    assert.equal(ms.asset.ip, IP);
    assert.equal(ms.asset.netbiosName, 'REG-PC-07');
    assert.deepEqual(ms.title, { id: 'Rentan MS17-010 (EternalBlue)', en: 'Vulnerable to MS17-010 (EternalBlue)' });
    assert.equal((ms.evidence as { reason?: string }).reason, 'ms17-010 said vulnerable');
    assert.equal((await s.assets.get('all', ms.assetId)).riskRating, 'critical');
    // re-applying the same job is a no-op
    assert.deepEqual(await finalizeJob(s, s1.jobId, c.rsud.id, 'internal'), { opened: 0, reopened: 0, resolved: 0, seen: 0 });

    // 2. seen again a day later
    clock.advance(DAY);
    const s2 = await scan(s, c, [open445, up, check('ms17-010', 'vulnerable'), check('smbv1', 'vulnerable')]);
    assert.deepEqual(s2.result, { opened: 0, reopened: 0, resolved: 0, seen: 2 });
    const seen = await s.findings.get('all', ms.id);
    assert.equal(seen.timesSeen, 2);
    assert.equal(seen.lastSeen, clock.now().toISOString());

    // 3. the PC is switched off (no answer at all), then the check cannot run, then 445 filtered: nothing resolves
    clock.advance(DAY);
    assert.deepEqual((await scan(s, c, [{ type: 'host', ip: IP, state: 'down', reason: 'no-response', open: 0, closed: 0, filtered: 3 }])).result, { opened: 0, reopened: 0, resolved: 0, seen: 0 });
    clock.advance(DAY);
    assert.deepEqual((await scan(s, c, [open445, up, check('ms17-010', 'unknown'), check('smbv1', 'unknown')])).result, { opened: 0, reopened: 0, resolved: 0, seen: 0 });
    clock.advance(DAY);
    const filtered: Observation = { type: 'port', ip: IP, port: 445, proto: 'tcp', state: 'filtered', reason: 'no-response' };
    assert.deepEqual((await scan(s, c, [filtered, { ...up, open: 0 }])).result, { opened: 0, reopened: 0, resolved: 0, seen: 0 });
    assert.equal((await s.findings.get('all', ms.id)).status, 'open');

    // 4. patched: the check says not-vulnerable → resolved; SMBv1 still offered → seen
    clock.advance(DAY);
    const s4 = await scan(s, c, [open445, up, check('ms17-010', 'not-vulnerable'), check('smbv1', 'vulnerable')]);
    assert.deepEqual(s4.result, { opened: 0, reopened: 0, resolved: 1, seen: 1 });
    const resolved = await s.findings.get('all', ms.id);
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolvedAt, clock.now().toISOString());

    // 5. port confirmed closed (RST) resolves the SMBv1 finding too
    clock.advance(DAY);
    const rst: Observation = { type: 'port', ip: IP, port: 445, proto: 'tcp', state: 'closed', reason: 'conn-refused' };
    assert.deepEqual((await scan(s, c, [rst, { ...up, open: 0, closed: 1 }])).result, { opened: 0, reopened: 0, resolved: 1, seen: 0 });

    // 6. a re-imaged PC comes back vulnerable: reopened
    clock.advance(DAY);
    const s6 = await scan(s, c, [open445, up, check('ms17-010', 'vulnerable')]);
    assert.deepEqual(s6.result, { opened: 0, reopened: 1, resolved: 0, seen: 0 });
    const re = await s.findings.get('all', ms.id);
    assert.equal(re.status, 'open');
    assert.equal(re.reopenCount, 1);

    const ev = await s.findings.events('all', ms.id);
    assert.deepEqual(ev.map((e) => [e.from, e.to, e.cause]), [[null, 'open', 'detected'], ['open', 'resolved', 'not-detected'], ['resolved', 'open', 'reappeared']]);
    assert.deepEqual(ev.map((e) => e.jobId), [s1.jobId, s4.jobId, s6.jobId]);
    assert.ok(ev.every((e, i) => i === 0 || e.at > ev[i - 1]!.at));

    const topics = (await s.outbox.list('all', { limit: 100 })).map((m) => m.topic).reverse();
    assert.deepEqual(topics, ['finding.opened', 'finding.opened', 'finding.resolved', 'finding.resolved', 'finding.reopened']);
    const counts = await s.findings.counts('all', { agencyId: c.rsud.id });
    assert.deepEqual(counts.byStatus, { open: 1, resolved: 1, 'accepted-risk': 0, 'false-positive': 0 });
    assert.equal(counts.openBySeverity.critical, 1);
    // the tallies kept along the way equal a recount from the findings themselves
    const tallied = await s.findings.counts('all');
    await s.findings.rebuildTallies();
    assert.deepEqual(await s.findings.counts('all'), tallied);
  });

  it('accepted risk and false positive carry a reason and revert by themselves at expiry', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    const c = await seedCity(s);
    await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
    await scan(s, c, [open445, up, check('ms17-010', 'vulnerable'), check('doublepulsar', 'vulnerable')]);
    const items = (await s.findings.list('all')).items;
    const dp = items.find((f) => f.ruleId === 'doublepulsar');
    const ms = items.find((f) => f.ruleId === 'ms17-010');
    assert.ok(dp !== undefined && ms !== undefined && dp.severity === 'critical');
    await assert.rejects(s.findings.acceptRisk('all', ms!.id, { reason: '', by: 'kabid', expiresAt: new Date(clock.now().getTime() + DAY).toISOString() }), (e) => isPerisaiError(e, 'E_VALIDATION'));
    const acc = await s.findings.acceptRisk('all', ms!.id, { reason: 'Alat lab (XP) terisolasi di VLAN 30; diganti Q3', by: 'kabid.rsud', expiresAt: new Date(clock.now().getTime() + 30 * DAY).toISOString() });
    assert.equal(acc.status, 'accepted-risk');
    assert.equal(acc.exception?.by, 'kabid.rsud');
    const fp = await s.findings.markFalsePositive('all', dp!.id, { reason: 'honeypot', by: 'csirt', expiresAt: new Date(clock.now().getTime() + 7 * DAY).toISOString() });
    assert.equal(fp.status, 'false-positive');
    // still vulnerable next scan: stays accepted
    clock.advance(DAY);
    await scan(s, c, [open445, up, check('ms17-010', 'vulnerable'), check('doublepulsar', 'vulnerable')]);
    assert.equal((await s.findings.get('all', ms!.id)).status, 'accepted-risk');
    assert.equal(await s.findings.expireExceptions(), 0);
    clock.advance(7 * DAY);
    assert.equal(await s.findings.expireExceptions(), 1, 'the false positive ran out');
    assert.equal((await s.findings.get('all', dp!.id)).status, 'open');
    clock.advance(30 * DAY);
    assert.equal(await s.findings.expireExceptions(), 1);
    const back = await s.findings.get('all', ms!.id);
    assert.equal(back.status, 'open');
    assert.equal(back.exception, null);
    assert.deepEqual((await s.findings.events('all', ms!.id)).map((e) => [e.to, e.cause, e.actor ?? null]), [
      ['open', 'detected', null], ['accepted-risk', 'accepted-risk', 'kabid.rsud'], ['open', 'exception-expired', null],
    ]);
    assert.equal(await s.findings.expireExceptions(), 0, 'a sweep is idempotent');
    const again = await s.findings.markFalsePositive('all', ms!.id, { reason: 'x', by: 'y', expiresAt: new Date(clock.now().getTime() + DAY).toISOString() });
    const revoked = await s.findings.revokeException('all', again.id, { by: 'csirt', reason: 'it is real' });
    assert.equal(revoked.status, 'open');
    const topics = (await s.outbox.list('all', { limit: 100 })).map((m) => m.topic);
    assert.equal(topics.filter((t) => t === 'finding.exception-ended').length, 3);
    const tallied = await s.findings.counts('all');
    assert.deepEqual(tallied.byStatus, { open: 2, resolved: 0, 'accepted-risk': 0, 'false-positive': 0 });
    await s.findings.rebuildTallies();
    assert.deepEqual(await s.findings.counts('all'), tallied);
  });

  it('pages findings worst-first with a cursor, and scopes them to the agency', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
    await s.networks.add('all', { agencyId: c.smp.id, cidr: '198.19.3.0/24', ...AUTH });
    const hosts = Array.from({ length: 7 }, (_, i) => `198.18.5.${i + 1}`);
    const j = await s.scans.createJob('all', { agencyId: c.rsud.id, profile: 'p', targets: ['198.18.5.0/24'], ports: [445], vantage: 'inter-agency', seed: '1', requestedBy: 'x', tasks: [{ start: 0, end: 256 }] });
    await s.observations.ingestBatch({
      jobId: j.id,
      observations: hosts.flatMap((ip, i): Observation[] => [
        { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack' },
        { type: 'check', ip, port: 445, check: i % 2 === 0 ? 'ms17-010' : 'smb-signing', state: 'vulnerable' },
      ]),
    });
    const r = await finalizeJob(s, j.id, c.rsud.id, 'inter-agency');
    assert.equal(r.opened, 14, 'one check finding and one exposure finding per host');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.findings.list('all', { agencyId: c.rsud.id, limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((f) => f.severity));
      cursor = page.next;
    } while (cursor !== undefined);
    assert.equal(seen.length, 14);
    assert.deepEqual(seen, [...seen].sort((a, b) => ['critical', 'high', 'medium', 'low'].indexOf(a) - ['critical', 'high', 'medium', 'low'].indexOf(b)));
    assert.equal((await s.findings.list('all', { minSeverity: 'high' })).items.length, 11);
    await assert.rejects(s.findings.list('all', { cursor: 'garbage' }), (e) => isPerisaiError(e, 'E_VALIDATION'));
    const school = await s.agencies.scopeOf(c.smp.id);
    assert.deepEqual((await s.findings.list(school)).items, []);
    assert.deepEqual((await s.findings.counts(school)).byStatus, { open: 0, resolved: 0, 'accepted-risk': 0, 'false-positive': 0 });
    const any = (await s.findings.list('all')).items[0]!;
    await assert.rejects(s.findings.get(school, any.id), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.findings.events(school, any.id), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    await assert.rejects(s.findings.acceptRisk(school, any.id, { reason: 'r', by: 'b', expiresAt: '2099-01-01T00:00:00Z' }), (e) => isPerisaiError(e, 'E_NOT_FOUND'));
    assert.deepEqual(await s.outbox.list(school), []);
    const dinkes = await s.agencies.scopeOf(c.dinkes.id);
    assert.equal((await s.findings.list(dinkes)).items.length, 14, 'the parent OPD sees its hospital\'s findings');
  });

  it('the outbox delivers each change once: claim, lock, retry, deliver', async () => {
    const clock = testClock();
    const s = await env.open({ clock: clock.now });
    assert.equal(await s.outbox.enqueue([{ topic: 't', dedupKey: 'k1', payload: { a: 1 } }, { topic: 't', dedupKey: 'k2', payload: { a: 2 } }]), 2);
    assert.equal(await s.outbox.enqueue([{ topic: 't', dedupKey: 'k1', payload: { a: 1 } }]), 0, 'same key: stored once');
    const c1 = await s.outbox.claim({ limit: 10, lockMs: 30_000 });
    assert.deepEqual(c1.map((m) => m.payload), [{ a: 1 }, { a: 2 }]);
    assert.deepEqual(await s.outbox.claim({ limit: 10, lockMs: 30_000 }), [], 'locked while being delivered');
    await s.outbox.markDelivered(c1[0]!.id);
    await s.outbox.markFailed(c1[1]!.id, 'SMTP 451', new Date(clock.now().getTime() + 60_000).toISOString());
    assert.deepEqual(await s.outbox.claim({ limit: 10, lockMs: 30_000 }), [], 'retry not due yet');
    clock.advance(61_000);
    const c2 = await s.outbox.claim({ limit: 10, lockMs: 30_000 });
    assert.deepEqual(c2.map((m) => [m.dedupKey, m.attempts, m.lastError]), [['k2', 2, 'SMTP 451']]);
    await s.outbox.markDelivered(c2[0]!.id);
    assert.deepEqual(await s.outbox.list('all', { pendingOnly: true }), []);
  });
});
