// The incident store on SQLite and PostgreSQL: reports and the triage acts, incidents with their phases,
// playbook runs and ticks, the records beside them, the automatic link of scan findings, clock events and
// proof-of-work spending — through the repositories, each act with its timeline entry.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { validateClosure, CLOSURE_CRITERIA } from '../../src/domain/incident.js';
import { RANSOMWARE_WANNACRY } from '../../src/domain/playbooks/ransomware-wannacry.js';
import { storeSuite, testClock } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';
import { storeReport } from './fixture.js';

storeSuite('incident store', (env) => {
  test('reports: queue newest first and paged, duplicates, link, merge, reject; status link by token hash only', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    const a = await storeReport(store, city);
    clock.advance(60_000);
    const b = await storeReport(store, city, { location: 'pc LOKET-2' });
    clock.advance(60_000);
    const c = await storeReport(store, city, { location: 'PC farmasi' });
    clock.advance(60_000);
    const other = await storeReport(store, city, {}, city.disdik.id);

    const page1 = await store.incidentReports.list('all', { limit: 2 });
    assert.deepEqual(page1.items.map((r) => r.id), [other.report.id, c.report.id]);
    const page2 = await store.incidentReports.list('all', { limit: 2, cursor: page1.next! });
    assert.deepEqual(page2.items.map((r) => r.id), [b.report.id, a.report.id]);
    assert.equal(page2.next, null);
    const rsudOnly = await store.incidentReports.list(new Set([city.rsud.id]), {});
    assert.equal(rsudOnly.items.length, 3, 'a scope sees its own reports only');
    await assert.rejects(store.incidentReports.get(new Set([city.rsud.id]), other.report.id), { code: 'E_NOT_FOUND' });

    assert.deepEqual((await store.incidentReports.duplicates('all', a.report.id)).map((d) => [d.reportId, d.match]), [[b.report.id, 'same-asset']]);

    const hash = (t: string) => createHash('sha256').update(t).digest('hex');
    assert.equal((await store.incidentReports.byToken(hash(a.token)))?.id, a.report.id);
    assert.equal(await store.incidentReports.byToken(hash('tebakan')), undefined);
    clock.advance(91 * 86_400_000);
    assert.equal(await store.incidentReports.byToken(hash(a.token)), undefined, 'an expired link opens nothing');
    clock.set('2025-06-02T01:10:00.000Z');

    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware di loket', createdBy: 'analis', fromReportId: a.report.id });
    assert.equal(inc.phase, 'triaged');
    assert.equal(inc.reportedAt, a.report.createdAt);
    assert.match(inc.number, /^INS-2025-0001$/);
    assert.equal((await store.incidentReports.get('all', a.report.id)).status, 'linked');
    const merged = await store.incidentReports.merge('all', b.report.id, a.report.id, 'analis');
    assert.equal(merged.status, 'merged');
    assert.equal(merged.incidentId, inc.id);
    const rejected = await store.incidentReports.reject('all', c.report.id, 'Printer macet, bukan insiden', 'analis');
    assert.equal(rejected.statusReason, 'Printer macet, bukan insiden');
    await assert.rejects(store.incidentReports.reject('all', c.report.id, 'lagi', 'analis'), { code: 'E_VALIDATION' });
    const second = await store.incidents.create('all', { agencyId: city.disdik.id, title: 'Lain', createdBy: 'analis' });
    assert.equal(second.number, 'INS-2025-0002');
    assert.equal(second.phase, 'new');

    await store.incidentReports.addMessage('all', a.report.id, { direction: 'to-reporter', author: 'analis', body: 'Tim sedang menuju lokasi' });
    await store.incidentReports.addMessage(null, a.report.id, { direction: 'from-reporter', author: 'reporter', body: 'Sudah 3 PC sekarang' });
    assert.deepEqual((await store.incidentReports.messages(a.report.id)).map((m) => m.direction), ['to-reporter', 'from-reporter']);
    const kinds = (await store.incidents.timeline('all', inc.id)).map((e) => e.kind);
    for (const k of ['incident-opened', 'report-received', 'report-linked', 'message-to-reporter', 'message-from-reporter']) assert.ok(kinds.includes(k as never), `${k} in ${kinds.join(',')}`);
    assert.ok((await store.incidents.get('all', inc.id)).firstResponseAt !== null, 'the first message to the reporter is the first response');
  });

  test('incidents: classification attaches the playbook; steps in order; phases by the table; closing with criteria; outbox rows', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    assert.equal(await store.playbooks.ensureBuiltIns([RANSOMWARE_WANNACRY]), 1);
    assert.equal(await store.playbooks.ensureBuiltIns([RANSOMWARE_WANNACRY]), 0, 'idempotent');
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware', createdBy: 'analis' });
    assert.equal((await store.playbooks.runs('all', inc.id)).length, 0);
    const classified = await store.incidents.update('all', inc.id, { classification: 'malicious-code:ransomware', severity: 'critical', riskLevel: 'high', vital: true, sector: 'health', personalData: true }, 'analis');
    assert.equal(classified.phase, 'triaged');
    const [runRow] = await store.playbooks.runs('all', inc.id);
    assert.equal(runRow?.playbook.key, 'ransomware-wannacry');
    assert.equal(runRow?.auto, true);
    await assert.rejects(store.playbooks.tick('all', inc.id, runRow!.id, 'csirt-scan', { by: 'analis', note: null }), /must follow csirt-triage/);
    await store.playbooks.tick('all', inc.id, runRow!.id, 'csirt-triage', { by: 'analis', note: 'ransomware terkonfirmasi' });
    const ticks = (await store.playbooks.runs('all', inc.id))[0]!.ticks;
    assert.deepEqual(ticks.map((t) => [t.stepId, t.doneBy, t.note]), [['csirt-triage', 'analis', 'ransomware terkonfirmasi']]);
    await assert.rejects(store.incidents.setPhase('all', inc.id, 'recovery', 'analis'), /allowed: containment, closed/);
    await store.incidents.setPhase('all', inc.id, 'containment', 'analis');
    clock.advance(3600_000);
    const erad = await store.incidents.setPhase('all', inc.id, 'eradication', 'analis');
    assert.equal(erad.containedAt, '2025-06-02T02:00:00.000Z');
    await store.incidents.setPhase('all', inc.id, 'recovery', 'analis');
    await assert.rejects(store.incidents.setPhase('all', inc.id, 'closed', 'analis'), /closure record/);
    const closure = validateClosure({ declaredBy: 'Kabid Persandian', criteria: CLOSURE_CRITERIA.map((id) => ({ id, answer: 'met' })), lessons: 'Matikan SMBv1 di semua PC loket dan jadwalkan pemindaian mingguan.' }, clock.now().toISOString());
    const closed = await store.incidents.close('all', inc.id, closure, 'analis');
    assert.equal(closed.phase, 'closed');
    assert.equal(closed.closure?.declaredBy, 'Kabid Persandian');
    await assert.rejects(store.incidents.update('all', inc.id, { title: 'x' }, 'analis'), /closed/);
    const phases = (await store.outbox.list('all', { topic: 'incident.phase-changed' })).map((m) => (m.payload as { to: string }).to).reverse();
    assert.deepEqual(phases, ['triaged', 'containment', 'eradication', 'recovery', 'closed']);
    const clocks = await store.incidents.clocks('all', inc.id);
    assert.deepEqual(clocks.map((c) => c.id).sort(), ['acknowledge', 'bssn-report', 'containment', 'first-response', 'pdp-notice']);
  });

  test('records: countermeasures, requests, service impact (restored when every service is back), regulatory sends meet the clock', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware', createdBy: 'analis', vital: true });
    const cm = await store.incidents.addCountermeasure('all', inc.id, { kind: 'block-port', target: '445/tcp', device: 'core-sw-1', appliedBy: 'Joko', appliedAt: '2025-06-02T01:30:00.000Z', note: null }, 'analis');
    await store.incidents.removeCountermeasure('all', inc.id, cm, '2025-06-03T01:00:00.000Z', 'analis');
    await assert.rejects(store.incidents.removeCountermeasure('all', inc.id, cm, '2025-06-03T01:00:00.000Z', 'analis'), /already removed/);
    const rq = await store.incidents.addRequest('all', inc.id, { party: 'kemendagri', subject: 'Server SIAK', sentAt: '2025-06-02T02:00:00.000Z' }, 'analis');
    await store.incidents.answerRequest('all', inc.id, rq, { answer: 'Dipulihkan pusat', answeredAt: '2025-06-02T05:00:00.000Z' }, 'analis');
    const s1 = await store.incidents.addImpact('all', inc.id, { service: 'registration', downFrom: '2025-06-02T00:50:00.000Z', downTo: null, fallback: 'kertas', peopleAffected: 120, note: null }, 'analis');
    await store.incidents.addImpact('all', inc.id, { service: 'billing', downFrom: '2025-06-02T00:50:00.000Z', downTo: '2025-06-02T03:00:00.000Z', fallback: null, peopleAffected: null, note: null }, 'analis');
    assert.equal((await store.incidents.get('all', inc.id)).restoredAt, null, 'registration is still down');
    await store.incidents.endImpact('all', inc.id, s1, '2025-06-02T06:00:00.000Z', 'analis');
    assert.equal((await store.incidents.get('all', inc.id)).restoredAt, '2025-06-02T06:00:00.000Z');
    clock.set('2025-06-02T09:00:00.000Z');
    assert.equal((await store.incidents.clocks('all', inc.id)).find((c) => c.id === 'bssn-report')?.state, 'running');
    await store.incidents.recordRegulatory('all', inc.id, { kind: 'bssn-initial', sentAt: '2025-06-02T08:00:00.000Z', to: 'TTIS Sektor Kesehatan', reference: 'B-1' }, 'analis');
    assert.equal((await store.incidents.clocks('all', inc.id)).find((c) => c.id === 'bssn-report')?.state, 'met');
    const kinds = (await store.incidents.timeline('all', inc.id)).map((e) => e.kind);
    for (const k of ['countermeasure', 'countermeasure-removed', 'external-request', 'request-answered', 'service-impact', 'service-restored', 'regulatory-sent']) assert.ok(kinds.includes(k as never), k);
    const d = await store.incidents.dossier('all', inc.id);
    assert.equal(d.countermeasures.length, 1);
    assert.equal(d.impacts.length, 2);
    assert.equal(d.regulatory[0]?.kind, 'bssn-initial');
    await assert.rejects(store.incidents.dossier(new Set([city.disdik.id]), inc.id), { code: 'E_NOT_FOUND' });
  });

  test('a DoublePulsar or MS17-010 finding a scan opens on a unit with an open incident is linked once, with its asset', async () => {
    const store = await env.open();
    const city = await seedCity(store);
    const [u] = await store.assets.upsertObserved('all', { agencyId: city.rsud.id, hosts: [{ ip: '198.18.2.31', netbiosName: 'LOKET-7' }] });
    const [other] = await store.assets.upsertObserved('all', { agencyId: city.disdik.id, hosts: [{ ip: '198.18.3.31' }] });
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware', createdBy: 'analis' });
    const closedInc = await store.incidents.create('all', { agencyId: city.disdik.id, title: 'Lama', createdBy: 'analis' });
    void closedInc;
    const signal = (ruleId: string) => ({ ruleId, port: 445, title: { id: ruleId, en: ruleId }, input: { kind: 'detected' as const, severity: 'critical' as const, jobId: 'job-1' } });
    await store.findings.applyScan({
      jobId: 'job-1',
      assets: [
        { assetId: u!.assetId, agencyId: city.rsud.id, scan: { closedPorts: [], signals: [signal('doublepulsar'), signal('ms17-010'), signal('smbv1')] } },
        { assetId: other!.assetId, agencyId: city.disdik.id, scan: { closedPorts: [], signals: [signal('ms17-010')] } },
      ],
    });
    const linked = await store.incidents.autoLinkJobFindings('job-1');
    const byIncident = (id: string) => linked.filter((l) => l.incidentId === id).length;
    assert.equal(byIncident(inc.id), 2, 'doublepulsar and ms17-010, not smbv1');
    assert.equal(byIncident(closedInc.id), 1, 'Disdik has its own open incident');
    assert.deepEqual(await store.incidents.autoLinkJobFindings('job-1'), [], 'idempotent');
    const assets = await store.incidents.assets('all', inc.id);
    assert.equal(assets.length, 1);
    assert.equal(assets[0]?.how, 'auto');
    assert.deepEqual(assets[0]?.openFindings.map((f) => [f.ruleId, f.linked]).sort(), [['doublepulsar', true], ['ms17-010', true], ['smbv1', false]]);
    assert.ok((await store.incidents.timeline('all', inc.id)).some((e) => e.kind === 'finding-linked' && e.source === 'scan'));
  });

  test('clock events fire once; proof-of-work solutions are spent once', async () => {
    const store = await env.open();
    const city = await seedCity(store);
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'x', createdBy: 'analis', vital: true });
    const clock = (await store.incidents.clocks('all', inc.id)).find((c) => c.id === 'bssn-report')!;
    assert.equal(await store.incidents.fireClockEvent(inc, clock, 'warning', { id: 'p', en: 'w' }), true);
    assert.equal(await store.incidents.fireClockEvent(inc, clock, 'warning', { id: 'p', en: 'w' }), false);
    assert.deepEqual([...await store.incidents.firedClockEvents(inc.id)], ['bssn-report:warning']);
    assert.equal((await store.outbox.list('all', { topic: 'incident.clock-warning' })).length, 1);
    const exp = new Date(Date.now() + 600_000).toISOString();
    assert.equal(await store.incidents.spendPow('sig-1', exp), true);
    assert.equal(await store.incidents.spendPow('sig-1', exp), false);
    assert.equal(await store.incidents.purgePow(new Date(Date.now() + 3600_000).toISOString()), 1);
  });
});
