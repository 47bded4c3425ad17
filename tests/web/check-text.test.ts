// Indonesian all the way for what the engine says (the result pages): every reason code the engine can give
// (its own vocabulary, src/engine/checks/reasons.ts — the lists themselves, not a copy) has a message in
// both dictionaries that the UI's lookup (web/src/format.ts reasonMessage) finds, with the detail where the
// code carries one; every evidence field the engine writes for the kinds of host of tests/web/engine-samples.ts
// (and the fields findings add) has a label; the checks' own titles and remediation exist in both languages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXED_REASON_CODES, parseReasonCode, REASON_PREFIXES } from '../../src/engine/checks/reasons.js';
import { listCheckMeta } from '../../src/engine/checks/registry.js';
import { evidenceLabelKey, evidenceValueKey, isReasonField, reasonMessage, sourceVia } from '../../web/src/format.js';
import { dict } from './dictionaries.js';
import { allEngineReports } from './engine-samples.js';

const id = dict('id');
const en = dict('en');

test('every reason code of the engine has an Indonesian and an English message the UI finds', () => {
  const missing: string[] = [];
  for (const code of FIXED_REASON_CODES) {
    const m = reasonMessage(code, (k) => id.get(k));
    if (m === undefined || m.detail !== undefined) missing.push(code);
    else assert.ok(en.has(m.key), `${m.key} in en.ts`);
  }
  for (const prefix of REASON_PREFIXES) {
    const code = `${prefix}0xC0000022`;
    assert.deepEqual(parseReasonCode(code), { prefix, detail: '0xC0000022' });
    const m = reasonMessage(code, (k) => id.get(k));
    if (m === undefined || m.detail !== '0xC0000022') missing.push(code);
    else for (const d of [id, en]) assert.match(d.get(m.key) ?? '', /\{detail\}/, `${m.key} shows the detail`);
  }
  assert.deepEqual(missing, [], 'reason codes the dictionaries do not translate');
  // Nothing in the dictionaries for codes the engine does not have: a renamed code is noticed.
  const known = new Set(FIXED_REASON_CODES.map((c) => `reason.${c.replace(/:/g, '.')}`));
  for (const p of REASON_PREFIXES) known.add(`reason.${p.slice(0, -1).replace(/:/g, '.')}`);
  assert.deepEqual([...id.keys()].filter((k) => k.startsWith('reason.') && !known.has(k)), []);
});

test('the Indonesian reason messages are not the English ones', () => {
  const same = [...id].filter(([k, v]) => k.startsWith('reason.') && en.get(k) === v).map(([k]) => k);
  assert.deepEqual(same, []);
});

test('every evidence field the engine writes, and those findings add, has a label in both dictionaries', async () => {
  const fields = new Set<string>(['state', 'reason', 'reasonCode', 'port', 'vantage', 'service']); // src/domain/finding-signals.ts
  const codes = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        fields.add(k);
        walk(x);
      }
    }
  };
  for (const r of await allEngineReports()) {
    for (const c of r.checks) {
      walk(c.evidence);
      codes.add(c.reasonCode);
    }
  }
  assert.ok(fields.size > 60, `the samples reach most of the evidence (${fields.size} fields)`);
  assert.ok(codes.size > 12, `and many reason codes (${codes.size})`);
  const unlabelled = [...fields].filter((f) => !id.has(evidenceLabelKey(f)) || !en.has(evidenceLabelKey(f))).sort();
  assert.deepEqual(unlabelled, [], 'evidence fields without a label');
  for (const c of codes) assert.ok(reasonMessage(c, (k) => id.get(k)) !== undefined, `reason ${c} translated`);
});

test('every enumerated evidence value and reason code in the evidence the engine writes has a message in both dictionaries', async () => {
  const needed = new Set<string>();
  let reasons = 0;
  const walk = (v: unknown, field: string | undefined): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, field));
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (typeof v === 'string' && field !== undefined) {
      const via = sourceVia(v);
      if (via !== undefined && evidenceValueKey(field, via.source) !== undefined) {
        needed.add(evidenceValueKey(field, via.source)!).add(`evidence.value.via.${via.via}`);
      } else if (evidenceValueKey(field, v) !== undefined) needed.add(evidenceValueKey(field, v)!);
      else if (isReasonField(field) && reasonMessage(v, (k) => id.get(k)) !== undefined) reasons++;
    }
  };
  for (const r of await allEngineReports()) for (const c of r.checks) walk(c.evidence, undefined);
  assert.ok(needed.size > 20, `the samples reach many enumerated values (${[...needed].join(', ')})`);
  assert.ok(reasons > 0, 'and reason codes inside the evidence');
  assert.deepEqual([...needed].filter((k) => !id.has(k) || !en.has(k)).sort(), [], 'enumerated evidence values without a message');
});

test('every check carries its title, description and remediation in Indonesian and English', () => {
  for (const m of listCheckMeta()) {
    for (const text of [m.title, m.description, m.remediation]) {
      assert.ok(text.id.trim() !== '' && text.en.trim() !== '' && text.id !== text.en, `${m.id}: ${JSON.stringify(text)}`);
    }
  }
});
