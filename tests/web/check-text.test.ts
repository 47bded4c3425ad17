// Indonesian all the way for what the engine says (the result pages): every reason code the engine can give
// (its own vocabulary, src/engine/checks/reasons.ts — the lists themselves, not a copy) has a message in
// both dictionaries that the UI's lookup (web/src/format.ts reasonMessage) finds, with the detail where the
// code carries one; every note code of the engine (src/engine/checks/notes.ts) has a message in both
// dictionaries naming exactly the note's parameters, and every note the engine samples write is shown
// translated (the English sentence beside it has its machine form); every evidence field the engine writes for the kinds of host of tests/web/engine-samples.ts
// (and the fields findings add) has a label; the checks' own titles and remediation exist in both languages.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTE_CODES, NOTE_PARAMS, NOTE_SIBLINGS } from '../../src/engine/checks/notes.js';
import { FIXED_REASON_CODES, parseReasonCode, REASON_PREFIXES } from '../../src/engine/checks/reasons.js';
import { listCheckMeta } from '../../src/engine/checks/registry.js';
import { NOTE_SIBLINGS as UI_NOTE_SIBLINGS, evidenceLabelKey, evidenceValueKey, factReasonText, isNoteCodeField, isReasonField, noteText, reasonMessage, sourceVia } from '../../web/src/format.js';
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

test('every note code of the engine has a message in both dictionaries with exactly its parameters', () => {
  const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
  const missing: string[] = [];
  for (const code of NOTE_CODES) {
    const key = `note.${code}`;
    const texts = [id.get(key), en.get(key)];
    if (texts.some((x) => x === undefined || x.trim() === '')) {
      missing.push(code);
      continue;
    }
    assert.notEqual(texts[0], texts[1], `${key}: the Indonesian message is not the English one`);
    for (const text of texts) assert.deepEqual(placeholders(text!), [...NOTE_PARAMS[code]].sort(), `${key}: ${text}`);
  }
  assert.deepEqual(missing, [], 'note codes the dictionaries do not translate');
  const known = new Set(NOTE_CODES.map((c) => `note.${c}`));
  assert.deepEqual([...id.keys()].filter((k) => k.startsWith('note.') && !known.has(k)), [], 'messages for note codes the engine does not have');
  assert.deepEqual(UI_NOTE_SIBLINGS, NOTE_SIBLINGS, 'web/src/format.ts knows the engine\'s note fields');
});

test('a note and an unknown fact\'s reason read in the reader\'s language, parameters included', () => {
  assert.equal(noteText({ code: 'smb2-failed', params: { status: 'io-timeout', step: 'negotiate' } }, (k) => id.get(k)),
    'Negosiasi SMB2 gagal pada langkah Negosiasi dialek (NEGOTIATE): Server tidak menjawab lengkap sebelum batas waktu.');
  assert.equal(noteText({ code: 'os-edition-mismatch', params: { edition: 'server', build: 7600, using: 'client' } }, (k) => en.get(k)),
    'NativeOS says Server, but build 7600 has no such release; using Client (desktop).');
  assert.equal(noteText({ code: 'a-later-note' }, (k) => id.get(k)), undefined, 'a code newer than the UI is not guessed');
  assert.equal(factReasonText({ protocol: 'smb1', port: 445, code: 'timeout' }, (k) => id.get(k)), 'SMBv1 di port 445: Tidak ada jawaban sebelum batas waktu.');
  assert.equal(factReasonText({ protocol: 'smb1', port: 139, code: 'reset-at-session' }, (k) => en.get(k)), `SMBv1 on port 139: ${en.get('reason.reset-at')!.replace('{detail}', en.get('evidence.value.step.session')!)}`);
  assert.match(factReasonText({ protocol: 'smb2', note: { code: 'smb2-not-probed' } }, (k) => id.get(k)) ?? '', /^Untuk SMB2: SMB2 tidak diperiksa\.$/);
});

test('every note the engine writes into the evidence has its machine form beside it, translated in both languages', async () => {
  let notes = 0;
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      const o = v as Record<string, unknown>;
      for (const [field, sibling] of Object.entries(NOTE_SIBLINGS)) {
        if (o[field] === undefined) continue;
        const sentences = Array.isArray(o[field]) ? o[field] : [o[field]];
        const coded = Array.isArray(o[sibling]) ? o[sibling] : o[sibling] === undefined ? [] : [o[sibling]];
        assert.equal(coded.length, sentences.length, `${field} has ${sibling} for each sentence: ${JSON.stringify(o)}`);
        for (const c of coded) {
          for (const d of [id, en]) assert.ok(noteText(c, (k) => d.get(k)) !== undefined, `${JSON.stringify(c)} translated`);
          notes++;
        }
      }
      Object.values(o).forEach(walk);
    }
  };
  for (const r of await allEngineReports()) {
    for (const c of r.checks) walk(c.evidence);
    walk(r.os);
    walk(r.smb);
  }
  assert.ok(notes >= 3, `the samples write notes (${notes})`);
});

test('every evidence field the engine writes, and those findings add, has a label in both dictionaries', async () => {
  const fields = new Set<string>(['state', 'reason', 'reasonCode', 'port', 'vantage', 'service']); // src/domain/finding-signals.ts
  const codes = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (isNoteCodeField(k)) continue; // shown through its English sibling, translated (web/src/checks.tsx)
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
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) if (!isNoteCodeField(k)) walk(x, k);
    }
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
