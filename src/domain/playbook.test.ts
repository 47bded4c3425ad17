import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertCanTick, assetKinds, playbookMatches, requiredDone, roleCard, stepStatuses, validatePlaybook } from './playbook.js';
import type { PlaybookDefinition } from './playbook.js';
import { RANSOMWARE_WANNACRY } from './playbooks/ransomware-wannacry.js';

test('the shipped WannaCry playbook is valid, cites only its own sources, and has a step for every role', () => {
  const p = validatePlaybook(RANSOMWARE_WANNACRY);
  assert.equal(p.steps.length, RANSOMWARE_WANNACRY.steps.length);
  for (const role of ['reporter', 'agency-it', 'city-csirt'] as const) assert.ok(p.steps.some((s) => s.role === role), role);
  assert.ok(p.steps.filter((s) => s.role === 'reporter').length <= 8, 'the reporter card fits on one page: at most eight steps');
  assert.equal(p.steps.filter((s) => s.action === 'scan-ransomware').length, 1);
  for (const s of p.steps) assert.ok(s.sources.length > 0, `${s.id} names its sources`);
  assert.ok(p.sources.every((s) => p.steps.some((st) => st.sources.includes(s.key))), 'every source is cited');
});

test('the reporter card branches on the screen: fake disk repair → switch off; ransom screen → unplug, keep on', () => {
  const chkdsk = roleCard(RANSOMWARE_WANNACRY, 'reporter', ['disk-repair-screen']);
  const power = chkdsk.steps.find((s) => s.id === 'reporter-power')!;
  assert.equal(power.branches.length, 2);
  const off = power.branches.find((b) => b.applies)!;
  assert.match(off.do.id, /MATIKAN/);
  assert.match(off.when.en, /disk repair/i);
  const wannacry = roleCard(RANSOMWARE_WANNACRY, 'reporter', ['ransom-screen']).steps.find((s) => s.id === 'reporter-power')!.branches.find((b) => b.applies)!;
  assert.match(wannacry.do.en, /do NOT switch/);
  assert.deepEqual(chkdsk.steps.map((s) => s.n), chkdsk.steps.map((_, i) => i + 1));
  assert.ok(chkdsk.sources.some((s) => s.key === 'id-sirtii-petya'));
  assert.ok(!chkdsk.sources.some((s) => s.key === 'uu-pdp-46'), 'only the sources the card cites');
  const none = roleCard(RANSOMWARE_WANNACRY, 'reporter', []).steps.find((s) => s.id === 'reporter-power')!;
  assert.ok(none.branches.every((b) => !b.applies));
});

test('conditions attach by classification (prefix with *) and asset kind', () => {
  const c = RANSOMWARE_WANNACRY.conditions;
  assert.ok(playbookMatches(c, { classification: 'malicious-code:ransomware', assetKinds: [] }));
  assert.ok(!playbookMatches(c, { classification: 'fraud:phishing', assetKinds: [] }));
  assert.ok(!playbookMatches(c, { classification: null, assetKinds: [] }));
  assert.ok(playbookMatches({ classifications: ['malicious-code:*'], assetKinds: ['windows-eol'] }, { classification: 'malicious-code:worm', assetKinds: ['windows', 'windows-eol'] }));
  assert.ok(!playbookMatches({ classifications: [], assetKinds: ['simrs'] }, { classification: 'malicious-code:worm', assetKinds: ['windows'] }));
  assert.deepEqual(assetKinds({ tags: ['SIMRS'], os: { name: 'Windows 7 Professional 7601 Service Pack 1', eol: true }, smb: { dialects: ['NT LM 0.12'] } }).sort(), ['simrs', 'smb', 'windows', 'windows-eol']);
});

test('steps are ticked in order: a step waits for the steps it must follow', () => {
  const p = validatePlaybook(RANSOMWARE_WANNACRY);
  const tick = (stepId: string) => ({ stepId, doneBy: 'u', doneAt: '2025-06-02T01:00:00.000Z', note: null });
  assert.throws(() => assertCanTick(p, [], 'reporter-unplug'), /must follow reporter-hands-off/);
  assert.equal(assertCanTick(p, [tick('reporter-hands-off')], 'reporter-unplug').id, 'reporter-unplug');
  assert.throws(() => assertCanTick(p, [tick('reporter-hands-off')], 'reporter-hands-off'), /already done/);
  assert.throws(() => assertCanTick(p, [], 'no-such-step'), /not a step/);
  const st = stepStatuses(p, [tick('csirt-triage')]);
  assert.equal(st.get('csirt-triage'), 'done');
  assert.equal(st.get('csirt-scan'), 'ready');
  assert.equal(st.get('csirt-verify-reconnect'), 'blocked');
  assert.ok(!requiredDone(p, [tick('csirt-triage')]));
  assert.ok(requiredDone(p, p.steps.filter((s) => s.required).map((s) => tick(s.id))));
});

test('the editor\'s playbook is checked: dependencies only on earlier steps, both languages, known sources', () => {
  const step = { id: 'aa', role: 'city-csirt' as const, title: { id: 'A', en: 'A' }, detail: { id: '', en: '' }, required: true, after: [], evidence: null, action: null, branches: [], sources: [] };
  const def: PlaybookDefinition = { key: 'uji', title: { id: 'Uji', en: 'Test' }, description: { id: '', en: '' }, conditions: { classifications: [], assetKinds: [] }, steps: [step], sources: [] };
  assert.equal(validatePlaybook(def).steps.length, 1);
  assert.throws(() => validatePlaybook({ ...def, steps: [{ ...step, after: ['bb'] }, { ...step, id: 'bb' }] }), /not an earlier step/);
  assert.throws(() => validatePlaybook({ ...def, steps: [step, step] }), /twice/);
  assert.throws(() => validatePlaybook({ ...def, steps: [{ ...step, title: { id: 'A', en: '' } }] }), /title\.en/);
  assert.throws(() => validatePlaybook({ ...def, steps: [{ ...step, sources: ['x'] }] }), /unknown source/);
  assert.throws(() => validatePlaybook({ ...def, key: 'Bad Key' }), /key/);
  assert.throws(() => validatePlaybook({ ...def, steps: [{ ...step, role: 'mayor' as never }] }), /role/);
});
