import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  agencyFinished, checkKbs, dueReminders, formatLetterNumber, gateBlockers, isComplete, itemDue, MS17_010_KB_MAP, ragChecklist, ragVerification,
  resolveAudience, SCAN_RULES, toLetter, validateAnswer, validateContent, validateGateDecision, validateReview, verifyItem,
} from './circular.js';
import type { ChecklistItem, NetworkRuleCheck, OpenFindingRef } from './circular.js';
import { isPerisaiError } from './errors.js';
import { FINDING_DEFINITIONS } from './finding-signals.js';
import { placeholdersLeft, WANNACRY_2017 } from './circulars/wannacry-2017.js';

const item = (code: string): ChecklistItem => WANNACRY_2017.content.items.find((i) => i.code === code)!;
const now = new Date('2017-05-15T02:00:00.000Z');

function refused(fn: () => unknown, field: RegExp, id: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isPerisaiError(e, 'E_VALIDATION'));
    assert.match(String(e.details['field']), field);
    assert.match(String(e.details['messageId']), id, 'an Indonesian sentence');
    return true;
  });
}

test('the shipped WannaCry template is valid, covers the 2017 steps, binds the checkable ones to real finding rules and cites its sources', () => {
  const c = validateContent(WANNACRY_2017.content);
  assert.deepEqual(c.items.map((i) => i.code), ['disconnect', 'backup-offline', 'antivirus', 'ms17-010', 'smbv1-off', 'block-ports', 'eol-windows', 'no-infection']);
  assert.deepEqual(item('ms17-010').verification, { mode: 'scan', rules: ['ms17-010'] });
  assert.equal(item('ms17-010').evidence, 'kb-list');
  assert.deepEqual(item('block-ports').verification, { mode: 'scan', rules: ['exposure-smb', 'exposure-rdp'] });
  assert.equal(item('eol-windows').remediation, 'none-available');
  for (const i of c.items) assert.ok(i.title.id !== '' && i.title.en !== '' && Object.keys(i.guidance).length > 0, i.code);
  // Every scan rule a circular may name is a finding the scanner produces (finding-signals.ts).
  for (const r of SCAN_RULES) assert.ok(FINDING_DEFINITIONS.some((d) => d.id === r), r);
  assert.ok(WANNACRY_2017.sources.length >= 5);
  assert.match(c.subject.id, /WANNACRY/);
  assert.ok(placeholdersLeft(c).includes('issuer.government'), 'the city name is the office\'s to fill in');
});

test('letters: numbering register pattern, NIP, e-mails, audiences and every bad field named in both languages', () => {
  assert.equal(formatLetterNumber('800/{serial}/DISKOMINFO/{year}', 12, '2017-05-13T01:00:00Z'), '800/012/DISKOMINFO/2017');
  assert.equal(formatLetterNumber('{serial}/SE/{month}/{year}', 3, '2017-05-13T01:00:00Z'), '003/SE/V/2017');
  refused(() => formatLetterNumber('800/DISKOMINFO', 1, '2017-05-13'), /numberPattern/, /serial/);
  const base = WANNACRY_2017.content;
  refused(() => validateContent({ ...base, signatory: { ...base.signatory, nip: '1234' } }), /signatory.nip/, /18 angka/);
  assert.equal(validateContent({ ...base, signatory: { ...base.signatory, nip: '19700101 199003 1 001' } }).signatory.nip, '19700101 199003 1 001');
  refused(() => validateContent({ ...base, tembusan: [{ title: 'Sekda', email: 'not-mail' }] }), /tembusan.0.email/, /surel/);
  refused(() => validateContent({ ...base, items: [] }), /items/, /minimal satu/);
  refused(() => validateContent({ ...base, items: [base.items[0]!, base.items[0]!] }), /items.1.code/, /dua kali/);
  refused(() => validateContent({ ...base, items: [{ ...base.items[3]!, verification: { mode: 'scan', rules: [] } }] }), /verification.rules/, /minimal satu aturan/);
  refused(() => validateContent({ ...base, items: [{ ...base.items[3]!, verification: { mode: 'scan', rules: ['heartbleed' as never] } }] }), /verification.rules/, /heartbleed/);
  refused(() => validateContent({ ...base, urgency: 'kilat' as never }), /urgency/, /salah satu/);
  refused(() => validateContent({ ...base, audience: { kind: 'list', agencyIds: [] } }), /audience.agencyIds/, /minimal satu instansi/);
  const agencies = [{ id: 'a', kind: 'opd', retiredAt: null }, { id: 'b', kind: 'hospital', retiredAt: null }, { id: 'c', kind: 'opd', retiredAt: '2017-01-01T00:00:00.000Z' }];
  assert.deepEqual(resolveAudience({ kind: 'all' }, agencies), ['a', 'b']);
  assert.deepEqual(resolveAudience({ kind: 'level', agencyKinds: ['hospital'] }, agencies), ['b']);
  assert.deepEqual(resolveAudience({ kind: 'list', agencyIds: ['c', 'a'] }, agencies), ['a'], 'a retired agency is not addressed');
});

test('the letter shape for the renderer: number, date, version, per-item due times from the sending', () => {
  const content = validateContent(WANNACRY_2017.content);
  const l = toLetter({ circularId: 'c1', number: '800/001/DISKOMINFO/2017', sentAt: '2017-05-13T01:00:00.000Z', version: 2, content, agency: { code: 'RSUD', name: 'RSUD Kota' } });
  assert.equal(l.date, '2017-05-13');
  assert.equal(l.version, 2);
  assert.equal(l.items.find((i) => i.code === 'disconnect')!.dueAt, '2017-05-13T05:00:00.000Z');
  assert.equal(l.agency?.code, 'RSUD');
  assert.ok(!('audience' in l));
  assert.equal(toLetter({ circularId: 'c1', number: null, sentAt: null, version: 1, content }).date, null);
  assert.equal(itemDue({ dueAt: null, dueAfterHours: null }, null, [{ label: { id: 'a', en: 'a' }, at: '2017-05-20T00:00:00.000Z' }]), '2017-05-20T00:00:00.000Z');
});

test('answers: statuses, "cannot" needs a reason and a date, N of M, closed and draft circulars refuse', () => {
  const ctx = { circularStatus: 'sent' as const, now };
  assert.equal(validateAnswer(item('antivirus'), { status: 'partially', machinesDone: 3, machinesTotal: 10 }, ctx).machinesDone, 3);
  refused(() => validateAnswer(item('antivirus'), { status: 'done', machinesDone: 3, machinesTotal: 10 }, ctx), /status/, /sebagian/);
  refused(() => validateAnswer(item('antivirus'), { status: 'partially', machinesDone: 11, machinesTotal: 10 }, ctx), /machinesDone/, /melebihi/);
  refused(() => validateAnswer(item('antivirus'), { status: 'cannot', reason: 'no licence' }, ctx), /targetDate/, /alasan dan tanggal target/);
  refused(() => validateAnswer(item('antivirus'), { status: 'cannot', reason: 'x', targetDate: '2017-05-01' }, ctx), /targetDate/, /sudah lewat/);
  assert.equal(validateAnswer(item('antivirus'), { status: 'cannot', reason: 'no licence yet', targetDate: '2017-06-01' }, ctx).targetDate, '2017-06-01');
  refused(() => validateAnswer(item('antivirus'), { status: 'finished' }, ctx), /status/, /salah satu/);
  refused(() => validateAnswer(item('antivirus'), { status: 'done' }, { circularStatus: 'closed', now }), /status/, /sudah ditutup/);
  refused(() => validateAnswer(item('antivirus'), { status: 'done' }, { circularStatus: 'draft', now }), /status/, /belum dikirim/);
  refused(() => validateAnswer(item('antivirus'), { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] }, ctx), /kbs/, /tidak meminta/);
});

test('KB-aware MS17-010 answers (§5): fixing and superseding KBs accepted per OS; April 2017 security-only, pre-March-2017 and other-OS KBs refused', () => {
  const ctx = { circularStatus: 'sent' as const, now };
  const ok = validateAnswer(item('ms17-010'), { status: 'done', os: '7-2008r2', kbs: ['kb4012212', '4019264'] }, ctx);
  assert.deepEqual(ok.kbs, ['KB4012212', 'KB4019264']);
  assert.equal(ok.kbHint?.fixed, true);
  assert.deepEqual(checkKbs('8.1-2012r2', ['KB4015550']).accepted, ['KB4015550'], 'April rollup contains the fix');
  assert.deepEqual(checkKbs('7-2008r2', ['KB4015546']).refused, [{ kb: 'KB4015546', why: 'april-2017-security-only' }]);
  assert.deepEqual(checkKbs('7-2008r2', ['KB3212646']).refused, [{ kb: 'KB3212646', why: 'pre-march-2017' }]);
  assert.deepEqual(checkKbs('7-2008r2', ['KB2999226']).refused, [{ kb: 'KB2999226', why: 'pre-march-2017' }]);
  assert.deepEqual(checkKbs('xp-2003', ['KB4012212']).refused, [{ kb: 'KB4012212', why: 'other-os' }]);
  assert.deepEqual(checkKbs('7-2008r2', ['KB4034664']).unknown, ['KB4034664'], 'a later rollup the map does not list is shown, not refused');
  assert.equal(checkKbs('10-1703-later', []).notAffected, true);
  refused(() => validateAnswer(item('ms17-010'), { status: 'done', os: 'xp-2003', kbs: ['KB4012212'] }, ctx), /kbs/, /Windows lain/);
  refused(() => validateAnswer(item('ms17-010'), { status: 'done', os: '7-2008r2', kbs: ['KB4015546'] }, ctx), /kbs/, /April 2017/);
  refused(() => validateAnswer(item('ms17-010'), { status: 'done', os: '7-2008r2', kbs: ['hotfix'] }, ctx), /kbs.0/, /bukan nomor KB/);
  refused(() => validateAnswer(item('ms17-010'), { status: 'done', os: 'windows-95', kbs: [] }, ctx), /os/, /salah satu/);
  // The map carries each OS once and no KB under two OSes.
  const all = MS17_010_KB_MAP.flatMap((f) => [...f.fixing, ...f.superseding].map((kb) => `${f.os}:${kb}`));
  const byKb = new Map<string, string[]>();
  for (const x of all) { const [os, kb] = x.split(':') as [string, string]; byKb.set(kb, [...(byKb.get(kb) ?? []), os]); }
  for (const [kb, oses] of byKb) if (kb !== 'KB4012598') assert.equal(oses.length, 1, kb);
});

const A = '2017-05-14T00:00:00.000Z';
const check = (networkId: string, ruleId: string, finishedAt: string, unknownIps: string[] = []): NetworkRuleCheck => ({ networkId, ruleId, jobId: `job-${finishedAt}`, finishedAt, unknownIps });
const finding = (ip: string, lastSeen: string, ruleId = 'ms17-010'): OpenFindingRef => ({ ruleId, ip, port: 445, lastSeen, evidence: { verdict: 'vulnerable' } });

test('verification: pending until attested; contradicted by a later scan with the hosts; unverifiable without a scan, with unknown verdicts or hosts not re-checked; verified only on a clean later scan of every network', () => {
  const ms = item('ms17-010');
  const done = { status: 'done' as const, attestedAt: A };
  const ctx = { networkIds: ['n1', 'n2'], checks: [] as NetworkRuleCheck[], openFindings: [] as OpenFindingRef[] };
  assert.equal(verifyItem(ms, null, ctx).state, 'pending');
  assert.equal(verifyItem(ms, { status: 'in-progress', attestedAt: null }, ctx).state, 'pending');
  assert.deepEqual(verifyItem(ms, done, ctx), { state: 'unverifiable', why: 'no-scan-since', hosts: [], jobId: null, checkedAt: null });
  // A scan before the attestation says nothing about it.
  assert.equal(verifyItem(ms, done, { ...ctx, checks: [check('n1', 'ms17-010', '2017-05-13T00:00:00.000Z'), check('n2', 'ms17-010', '2017-05-13T00:00:00.000Z')] }).why, 'no-scan-since');
  // One network scanned since, the other not.
  assert.equal(verifyItem(ms, done, { ...ctx, checks: [check('n1', 'ms17-010', '2017-05-15T00:00:00.000Z')] }).why, 'no-scan-since');
  const both = [check('n1', 'ms17-010', '2017-05-15T00:00:00.000Z'), check('n2', 'ms17-010', '2017-05-15T01:00:00.000Z')];
  const v = verifyItem(ms, done, { ...ctx, checks: both });
  assert.equal(v.state, 'verified');
  assert.equal(v.jobId, 'job-2017-05-15T01:00:00.000Z');
  const c = verifyItem(ms, done, { ...ctx, checks: both, openFindings: [finding('198.18.1.10', '2017-05-15T00:00:00.000Z'), finding('198.18.1.11', '2017-05-15T00:00:00.000Z', 'smbv1')] });
  assert.equal(c.state, 'contradicted');
  assert.deepEqual(c.hosts.map((h) => h.ip), ['198.18.1.10'], 'only the item\'s rules');
  assert.deepEqual(c.hosts[0]!.evidence, { verdict: 'vulnerable' });
  const u = verifyItem(ms, done, { ...ctx, checks: [both[0]!, check('n2', 'ms17-010', '2017-05-15T01:00:00.000Z', ['198.18.2.5'])] });
  assert.deepEqual([u.state, u.why, u.hosts.map((h) => h.ip)], ['unverifiable', 'unknown-verdict', ['198.18.2.5']]);
  const stale = verifyItem(ms, done, { ...ctx, checks: both, openFindings: [finding('198.18.1.10', '2017-05-12T00:00:00.000Z')] });
  assert.deepEqual([stale.state, stale.why], ['unverifiable', 'not-rechecked'], 'an open finding the later scan did not reach is not verified');
  assert.equal(verifyItem(ms, done, { ...ctx, networkIds: [] }).why, 'no-networks');
  // "Not applicable" is a claim the network can contradict too.
  assert.equal(verifyItem(ms, { status: 'not-applicable', attestedAt: A }, { ...ctx, checks: both, openFindings: [finding('198.18.1.10', '2017-05-15T00:00:00.000Z')] }).state, 'contradicted');
  // An attest item is never "verified".
  assert.deepEqual([verifyItem(item('backup-offline'), done, ctx).state, verifyItem(item('backup-offline'), done, ctx).why], ['unverifiable', 'not-checkable']);
  // Two rules: both must be checked.
  const bp = item('block-ports');
  assert.equal(verifyItem(bp, done, { networkIds: ['n1'], checks: [check('n1', 'exposure-smb', '2017-05-15T00:00:00.000Z')], openFindings: [] }).why, 'no-scan-since');
  assert.equal(verifyItem(bp, done, { networkIds: ['n1'], checks: [check('n1', 'exposure-smb', '2017-05-15T00:00:00.000Z'), check('n1', 'exposure-rdp', '2017-05-15T00:00:00.000Z')], openFindings: [] }).state, 'verified');
});

test('complete = attested, not returned, and verified where checkable; board colours follow', () => {
  assert.equal(isComplete(item('ms17-010'), { status: 'done', review: 'none' }, 'unverifiable'), false);
  assert.equal(isComplete(item('ms17-010'), { status: 'done', review: 'approved' }, 'verified'), true);
  assert.equal(isComplete(item('ms17-010'), { status: 'done', review: 'returned' }, 'verified'), false);
  assert.equal(isComplete(item('backup-offline'), { status: 'done', review: 'none' }, 'unverifiable'), true);
  assert.equal(isComplete(item('backup-offline'), { status: 'cannot', review: 'none' }, 'pending'), false);
  const rows = [{ code: 'a', status: 'done' as const, verification: 'verified' as const, checkable: true, complete: true }, { code: 'b', status: 'done' as const, verification: 'unverifiable' as const, checkable: false, complete: true }];
  assert.equal(ragChecklist(rows), 'green');
  assert.equal(ragVerification(rows), 'green');
  assert.equal(ragVerification([...rows, { code: 'c', status: 'done', verification: 'contradicted', checkable: true, complete: false }]), 'red');
  assert.equal(ragVerification([{ code: 'c', status: 'done', verification: 'unverifiable', checkable: true, complete: false }]), 'amber');
  assert.equal(ragChecklist([{ code: 'c', status: 'todo', verification: 'pending', checkable: true, complete: false }]), 'red');
  assert.equal(validateReview({ decision: 'approved' }).state, 'approved');
  refused(() => validateReview({ decision: 'returned' }), /comment/, /mengapa/);
});

test('reconnect gate: required items complete and a clean re-scan of every network after the campaign start; override needs a reason', () => {
  const items = validateContent(WANNACRY_2017.content).items;
  const required = items.filter((i) => i.required).map((i) => i.code);
  const start = '2017-05-14T00:00:00.000Z';
  const rules = ['ms17-010', 'doublepulsar'];
  const clean = [check('n1', 'ms17-010', '2017-05-15T00:00:00.000Z'), check('n1', 'doublepulsar', '2017-05-15T00:00:00.000Z')];
  const args = { items, completeCodes: new Set(required), campaignStartedAt: start, rules, networkIds: ['n1'], checks: clean, openFindings: [] };
  assert.deepEqual(gateBlockers(args), []);
  assert.deepEqual(gateBlockers({ ...args, completeCodes: new Set(required.slice(1)) }), [{ kind: 'item-incomplete', code: required[0] }]);
  assert.deepEqual(gateBlockers({ ...args, checks: [] }), [{ kind: 'no-rescan', code: null }]);
  assert.deepEqual(gateBlockers({ ...args, openFindings: [finding('198.18.1.10', '2017-05-15T00:00:00.000Z')] }), [{ kind: 'rescan-not-clean', code: null }]);
  assert.deepEqual(gateBlockers({ ...args, checks: [clean[0]!, check('n1', 'doublepulsar', '2017-05-15T00:00:00.000Z', ['198.18.1.4'])] }), [{ kind: 'rescan-not-clean', code: null }]);
  assert.deepEqual(validateGateDecision({ state: 'cleared' }, []), { state: 'cleared', reason: null, override: false });
  const blockers = gateBlockers({ ...args, checks: [] });
  refused(() => validateGateDecision({ state: 'cleared' }, blockers), /state/, /belum dapat/);
  refused(() => validateGateDecision({ state: 'cleared', override: true }, blockers), /reason/, /alasan/);
  assert.deepEqual(validateGateDecision({ state: 'cleared', override: true, reason: 'SIMRS must run; hosts isolated by VLAN' }, blockers), { state: 'cleared', reason: 'SIMRS must run; hosts isolated by VLAN', override: true });
  assert.equal(validateGateDecision({ state: 'disconnected' }, blockers).state, 'disconnected');
});

test('reminders: the latest due step once, overdue reminders and one escalation; a finished agency needs none', () => {
  const policy = { beforeHours: [24, 4], afterHours: [0, 24], escalateAfterHours: 24 };
  const due = '2017-05-16T00:00:00.000Z';
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-14T00:00:00.000Z'), new Set()), []);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-15T01:00:00.000Z'), new Set()), ['before-24h']);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-15T21:00:00.000Z'), new Set(['before-24h'])), ['before-4h']);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-15T21:00:00.000Z'), new Set(['before-24h', 'before-4h'])), []);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-16T01:00:00.000Z'), new Set(['before-4h'])), ['after-0h']);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-17T01:00:00.000Z'), new Set(['after-0h'])), ['after-24h', 'escalation']);
  assert.deepEqual(dueReminders(policy, due, new Date('2017-05-18T01:00:00.000Z'), new Set(['after-0h', 'after-24h', 'escalation'])), []);
  const items = validateContent(WANNACRY_2017.content).items;
  assert.equal(agencyFinished(items, new Map(items.map((i) => [i.code, 'done' as const]))), true);
  assert.equal(agencyFinished(items, new Map(items.slice(1).map((i) => [i.code, 'done' as const]))), false);
  assert.equal(agencyFinished(items, new Map(items.map((i) => [i.code, i.code === 'antivirus' ? ('cannot' as const) : ('not-applicable' as const)]))), true);
});
