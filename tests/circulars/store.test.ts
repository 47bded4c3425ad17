// The circular store on SQLite and PostgreSQL: templates as versioned data, the numbering register, sending
// with outbox rows, versions and re-acknowledgement, links by token hash, answers with history and review,
// verification from scan evidence and open findings, the board, campaigns with gates, situation reports
// and reminders — through the repositories.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { validateAnswer, validateContent } from '../../src/domain/circular.js';
import type { CircularContent } from '../../src/domain/circular.js';
import { WANNACRY_2017 } from '../../src/domain/circulars/wannacry-2017.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite, testClock } from '../store/harness.js';
import { AUTH, seedCity } from '../store/fixtures.js';

const hash = (t: string) => createHash('sha256').update(t).digest('hex');
const content = (): CircularContent => ({ ...WANNACRY_2017.content, issuer: { ...WANNACRY_2017.content.issuer, government: 'PEMERINTAH KOTA CONTOH', address: 'Jl. Merdeka 1', place: 'Contoh' } });
const message = (id: string) => (r: { agencyId: string; number: string; version: number }) => ({ topic: 'circular.sent', dedupKey: `circular.sent:${id}:${r.agencyId}:v${r.version}`, agencyId: r.agencyId, payload: { circularId: id, number: r.number, version: r.version } });

async function answer(store: Store, id: string, agencyId: string, code: string, input: Parameters<typeof validateAnswer>[1], now: Date) {
  const c = await store.circulars.get(id);
  const item = c.content.items.find((i) => i.code === code)!;
  return store.circulars.answer(id, agencyId, code, validateAnswer(item, input, { circularStatus: c.status, now }), { actor: 'kepala', via: 'link' });
}

/** An asset with an open finding of `ruleId`, seen at `at` (the findings lifecycle through applyScan). */
async function openFinding(store: Store, agencyId: string, ip: string, ruleId: string, at: string): Promise<void> {
  const [u] = await store.assets.upsertObserved('all', { agencyId, hosts: [{ ip }], at });
  await store.findings.applyScan({
    jobId: `job-${at}`, at,
    assets: [{ assetId: u!.assetId, agencyId, scan: { signals: [{ ruleId, port: 445, title: { id: ruleId, en: ruleId }, input: { kind: 'detected', severity: 'critical', evidence: { verdict: 'vulnerable' } } }], closedPorts: [] } }],
  });
}

storeSuite('circular store', (env) => {
  test('templates, number register, send with outbox rows, versions and re-acknowledgement, links by hash, answers with history and review, close', async () => {
    const clock = testClock('2017-05-13T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    assert.equal(await store.circulars.ensureBuiltIns([WANNACRY_2017]), 1);
    assert.equal(await store.circulars.ensureBuiltIns([WANNACRY_2017]), 0, 'idempotent');
    const [tpl] = await store.circulars.listTemplates();
    assert.equal(tpl!.key, 'wannacry-2017');
    assert.equal(tpl!.builtin, true);
    const copy = await store.circulars.saveTemplate({ key: 'wannacry-kota', name: tpl!.name, description: tpl!.description, content: content() }, 'admin');
    assert.deepEqual([copy.version, copy.builtin, copy.sources.length], [1, false, 0]);
    const v2 = await store.circulars.saveTemplate({ key: 'wannacry-kota', name: tpl!.name, description: tpl!.description, content: { ...content(), urgency: 'segera' } }, 'admin');
    assert.equal(v2.version, 2);
    assert.equal((await store.circulars.listTemplates()).length, 2);
    assert.equal((await store.circulars.listTemplates({ allVersions: true })).length, 3);

    const draft = await store.circulars.create({ content: content(), templateKey: 'wannacry-2017' }, 'admin');
    assert.deepEqual([draft.status, draft.number, draft.version], ['draft', null, 1]);
    await store.circulars.update(draft.id, { content: { ...content(), urgency: 'segera' } }, 'admin');
    assert.equal((await store.circulars.get(draft.id)).versions.length, 1, 'a draft is edited in place');
    await assert.rejects(store.circulars.send(draft.id, { agencyIds: [], by: 'admin', message: message(draft.id) }), { code: 'E_VALIDATION' });
    const sent = await store.circulars.send(draft.id, { agencyIds: [city.rsud.id, city.disdik.id], by: 'admin', message: message(draft.id) });
    assert.equal(sent.number, '800/001/DISKOMINFO/2017');
    assert.equal(sent.status, 'sent');
    const second = await store.circulars.create({ content: content() }, 'admin');
    assert.equal((await store.circulars.send(second.id, { agencyIds: [city.rsud.id], by: 'admin', message: message(second.id) })).number, '800/002/DISKOMINFO/2017', 'the register counts per year');
    const claimed = await store.outbox.claim({ limit: 10, lockMs: 1000 });
    assert.deepEqual(claimed.map((m) => m.topic), ['circular.sent', 'circular.sent', 'circular.sent']);

    // The inbox: an agency scope sees the circulars sent to it only.
    assert.deepEqual((await store.circulars.list(new Set([city.disdik.id]))).map((c) => c.id), [draft.id]);
    await assert.rejects(store.circulars.get(second.id, new Set([city.disdik.id])), { code: 'E_NOT_FOUND' });

    assert.equal(await store.circulars.markSeen(draft.id, city.rsud.id), true);
    assert.equal(await store.circulars.markSeen(draft.id, city.rsud.id), false, 'seen = the first open');
    const ack = await store.circulars.acknowledge(draft.id, city.rsud.id, { name: 'dr. Sari', position: 'Direktur RSUD', phone: '+6281234567890', via: 'link', actor: 'link:1' });
    assert.equal(ack.acknowledged, true);
    // A new version asks again; the old acknowledgement keeps the version it accepted.
    clock.advance(3_600_000);
    const changed = await store.circulars.update(draft.id, { content: { ...content(), subject: { id: 'KEWASPADAAN RANSOMWARE (PERUBAHAN)', en: 'RANSOMWARE ALERT (AMENDED)' } }, note: 'tenggat diperpanjang' }, 'admin');
    assert.equal(changed.version, 2);
    await store.circulars.send(draft.id, { agencyIds: [city.rsud.id, city.disdik.id], by: 'admin', message: message(draft.id) });
    const rsud = await store.circulars.recipient(draft.id, city.rsud.id, 'all');
    assert.deepEqual([rsud.version, rsud.acknowledged, rsud.ack?.version], [2, false, 1]);
    assert.match((await store.circulars.version(draft.id, 1)).content.subject.id, /^KEWASPADAAN DAN PENCEGAHAN/);
    await store.circulars.acknowledge(draft.id, city.rsud.id, { name: 'dr. Sari', position: 'Direktur RSUD', phone: null, via: 'user', actor: 'sari' });
    assert.deepEqual((await store.circulars.acknowledgements(draft.id, city.rsud.id, 'all')).map((a) => a.version), [1, 2]);

    const link = await store.circulars.createLink(draft.id, city.rsud.id, hash('rahasia'), '2017-06-13T00:00:00.000Z', 'admin');
    assert.equal((await store.circulars.linkByHash(hash('rahasia')))?.id, link.id);
    assert.equal(await store.circulars.linkByHash(hash('tebakan')), undefined);
    await assert.rejects(store.circulars.createLink(draft.id, city.capil.id, hash('x'), '2017-06-13T00:00:00.000Z', 'admin'), { code: 'E_VALIDATION' });
    assert.notEqual((await store.circulars.revokeLink(draft.id, link.id, 'admin')).revokedAt, null);

    const now = clock.now();
    const a1 = await answer(store, draft.id, city.rsud.id, 'antivirus', { status: 'partially', machinesDone: 3, machinesTotal: 10 }, now);
    assert.deepEqual([a1.status, a1.attestedAt, a1.verification.state, a1.revision], ['partially', null, 'pending', 1]);
    const a2 = await answer(store, draft.id, city.rsud.id, 'antivirus', { status: 'done', machinesDone: 10, machinesTotal: 10 }, now);
    assert.deepEqual([a2.attestedAt, a2.verification.state, a2.verification.why], [now.toISOString(), 'unverifiable', 'not-checkable']);
    const returned = await store.circulars.review(draft.id, city.rsud.id, 'antivirus', { state: 'returned', comment: 'Lampirkan laporan pemindaian' }, 'analis');
    assert.equal(returned.review.state, 'returned');
    assert.deepEqual((await store.circulars.answerHistory(draft.id, city.rsud.id, 'antivirus', 'all')).map((e) => e.kind), ['answer', 'answer', 'verification', 'review']);
    await assert.rejects(store.circulars.review(draft.id, city.rsud.id, 'backup-offline', { state: 'approved', comment: null }, 'analis'), { code: 'E_VALIDATION' });
    await assert.rejects(answer(store, draft.id, city.capil.id, 'antivirus', { status: 'done' }, now), { code: 'E_NOT_FOUND' }, 'not a recipient');

    await store.circulars.close(draft.id, 'admin');
    await assert.rejects(answer(store, draft.id, city.rsud.id, 'antivirus', { status: 'done' }, now), { code: 'E_VALIDATION' });
    await assert.rejects(store.circulars.answer(draft.id, city.rsud.id, 'antivirus', validateAnswer(validateContent(content()).items[2]!, { status: 'done' }, { circularStatus: 'sent', now }), { actor: 'x', via: 'link' }), (e: Error & { details?: Record<string, unknown> }) => e.details?.['reason'] === 'closed');
    assert.equal((await store.circulars.answers(draft.id, 'all', city.rsud.id)).find((a) => a.itemCode === 'antivirus')!.status, 'done', 'nothing stored is lost');
  });

  test('verification from scan evidence and open findings; board; campaign gates with history; situation reports; reminders once', async () => {
    const clock = testClock('2017-05-13T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    const netR = await store.networks.add('all', { agencyId: city.rsud.id, cidr: '198.18.10.0/24', ...AUTH });
    const netD = await store.networks.add('all', { agencyId: city.disdik.id, cidr: '198.18.20.0/24', ...AUTH });
    const c = await store.circulars.create({ content: content() }, 'admin');
    await store.circulars.send(c.id, { agencyIds: [city.rsud.id, city.disdik.id], by: 'admin', message: message(c.id) });
    clock.set('2017-05-14T00:00:00.000Z');
    await answer(store, c.id, city.rsud.id, 'ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] }, clock.now());
    await answer(store, c.id, city.disdik.id, 'ms17-010', { status: 'done' }, clock.now());
    assert.equal((await store.circulars.answers(c.id, 'all', city.rsud.id))[0]!.verification.why, 'no-scan-since');

    // A scan after the attestation: RSUD still vulnerable, Disdik clean.
    const at = '2017-05-14T06:00:00.000Z';
    await openFinding(store, city.rsud.id, '198.18.10.5', 'ms17-010', at);
    await store.circulars.recordNetworkChecks([
      { networkId: netR.id, agencyId: city.rsud.id, ruleId: 'ms17-010', jobId: 'job-1', finishedAt: at, unknownIps: [] },
      { networkId: netD.id, agencyId: city.disdik.id, ruleId: 'ms17-010', jobId: 'job-1', finishedAt: at, unknownIps: [] },
      { networkId: netD.id, agencyId: city.disdik.id, ruleId: 'doublepulsar', jobId: 'job-1', finishedAt: at, unknownIps: [] },
    ]);
    const changes = [...await store.circulars.verifyAgency(c.id, city.rsud.id), ...await store.circulars.verifyAgency(c.id, city.disdik.id)];
    assert.deepEqual(changes.map((x) => [x.itemCode, x.to.state]).sort(), [['ms17-010', 'contradicted'], ['ms17-010', 'verified']]);
    assert.deepEqual(await store.circulars.verifyAgency(c.id, city.rsud.id), [], 'no change, no event');
    // An older scan does not overwrite a newer one.
    await store.circulars.recordNetworkChecks([{ networkId: netD.id, agencyId: city.disdik.id, ruleId: 'ms17-010', jobId: 'job-0', finishedAt: '2017-05-10T00:00:00.000Z', unknownIps: ['198.18.20.9'] }]);
    assert.equal((await store.circulars.networkChecks(city.disdik.id)).find((x) => x.ruleId === 'ms17-010')!.jobId, 'job-1');

    const board = await store.circulars.board(c.id, 'all');
    const rowR = board.rows.find((r) => r.agencyId === city.rsud.id)!;
    const ms = rowR.items.find((i) => i.code === 'ms17-010')!;
    assert.deepEqual([ms.status, ms.verification, ms.hosts], ['done', 'contradicted', ['198.18.10.5']]);
    assert.equal(rowR.openCritical, 1);
    assert.equal(board.rows.find((r) => r.agencyId === city.disdik.id)!.items.find((i) => i.code === 'ms17-010')!.verification, 'verified');
    assert.equal(rowR.gate, null, 'no campaign, no gate');
    const scoped = await store.circulars.board(c.id, new Set([city.disdik.id]));
    assert.deepEqual(scoped.rows.map((r) => r.agencyId), [city.disdik.id], 'an officer sees their own agency only');
    await assert.rejects(store.circulars.board(c.id, new Set([city.capil.id])), { code: 'E_NOT_FOUND' });

    const camp = await store.circulars.startCampaign(c.id, { profile: 'ransomware', rules: ['ms17-010', 'doublepulsar'], by: 'admin', windowOverride: true, overrideReason: 'darurat WannaCry' });
    await assert.rejects(store.circulars.startCampaign(c.id, { profile: 'ransomware', rules: ['ms17-010'], by: 'admin', windowOverride: false, overrideReason: null }), { code: 'E_CONFLICT' });
    await store.circulars.addCampaignJobs(camp.id, [{ agencyId: city.rsud.id, networkId: netR.id, jobId: null, kind: 'deferred', reason: 'scan-window' }]);
    assert.equal((await store.circulars.campaign(c.id))!.jobs.length, 1);
    assert.deepEqual((await store.circulars.gates(camp.id, 'all')).map((g) => g.state), ['disconnected', 'disconnected']);
    const g = await store.circulars.decideGate(camp.id, city.disdik.id, { state: 'cleared', reason: null, override: false, blockers: [] }, 'kadis');
    assert.deepEqual([g.state, g.decidedBy, g.clearedAt !== null], ['cleared', 'kadis', true]);
    await store.circulars.decideGate(camp.id, city.rsud.id, { state: 'cleared', reason: 'SIMRS wajib jalan; host diisolasi VLAN', override: true, blockers: [{ kind: 'rescan-not-clean', code: null }] }, 'kadis');
    await store.circulars.decideGate(camp.id, city.rsud.id, { state: 'disconnected', reason: 'ditemukan lagi', override: false, blockers: [] }, 'kadis');
    const events = await store.circulars.gateEvents(camp.id, city.rsud.id);
    assert.deepEqual(events.map((e) => [e.state, e.override]), [['cleared', true], ['disconnected', false]]);
    assert.deepEqual(events[0]!.blockers, [{ kind: 'rescan-not-clean', code: null }]);
    assert.equal((await store.circulars.board(c.id, 'all')).rows.find((r) => r.agencyId === city.disdik.id)!.gate, 'cleared');

    const s1 = await store.circulars.createSitrep(camp.id, { rows: board.rows.length }, 'kadis');
    const s2 = await store.circulars.createSitrep(camp.id, { rows: 0 }, 'kadis');
    assert.deepEqual([s1.version, s2.version], [1, 2]);
    assert.deepEqual((await store.circulars.sitreps(camp.id)).map((s) => s.snapshot), [{ rows: 2 }, { rows: 0 }], 'frozen as written');

    const msg = { topic: 'circular.reminder', dedupKey: `circular.reminder:${c.id}:${city.rsud.id}:after-0h`, agencyId: city.rsud.id, payload: {} };
    assert.equal(await store.circulars.recordReminder(c.id, city.rsud.id, 'after-0h', msg), true);
    assert.equal(await store.circulars.recordReminder(c.id, city.rsud.id, 'after-0h', msg), false);
    assert.deepEqual([...(await store.circulars.remindersSent(c.id)).get(city.rsud.id)!], ['after-0h']);
    assert.deepEqual((await store.circulars.activeFor([city.rsud.id, city.capil.id])).map((x) => x.agencyId), [city.rsud.id]);
  });
});
