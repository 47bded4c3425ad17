// The rules of the Indonesian walk (tests/web/walk-rules.ts) on texts written here: what they must
// catch (English messages, raw keys, identifiers, UUIDs) and what they must let through (every
// Indonesian message of the dictionary, data people entered, addresses, technical values in code).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dict } from './dictionaries.js';
import { walkRules } from './walk-rules.js';
import type { SeenText } from './walk-rules.js';

const id = dict('id');
const en = dict('en');
const IDENTIFIERS = new Map([
  ['ms17-010-unchecked', 'risk rule id'], ['netbios-ns', 'check id'], ['completed', 'scan status'], ['ransomware', 'scan profile'], ['finding.opened', 'alert topic'],
]);
const rules = walkRules(id, en, IDENTIFIERS);

const text = (t: string, lang = 'id'): SeenText => ({ text: t, inCode: false, codeWhole: null, where: 'p', lang });
const code = (t: string, whole = t): SeenText => ({ text: t, inCode: true, codeWhole: whole, where: 'code', lang: 'id' });
const found = (seen: SeenText, data: readonly string[] = []): string[] => rules.judge([seen], new Set(data)).map((o) => `${o.rule}:${o.found}`);

test('English messages that differ from the Indonesian ones are caught, shared ones are not looked for', () => {
  assert.ok(rules.englishCount > 300, `${rules.englishCount} English messages looked for`);
  // (Found among others: a text may hold more than one English message, and the dictionaries grow.)
  const has = (t: SeenText, offence: string) => assert.ok(found(t).includes(offence), `${offence} in ${JSON.stringify(found(t))}`);
  has(text('Hosts known'), 'english:Hosts known');
  has(text('12 Hosts known today'), 'english:Hosts known');
  // With a placeholder: the literal parts in order.
  has(text('Scan of 198.18.0.0/24'), 'english:Scan of');
  has(text('requested by admin, 6 Dec 2026'), 'english:requested by admin,');
  // Punctuation between placeholders is part of the message: "{check} on {ip}:{port}: …" is not any "on".
  has(text('SMBv1 on 198.18.0.12:445: Rentan → Tidak rentan'), 'english:on 198.18.0.12:445: Rentan →');
  assert.deepEqual(found(text('PeekNamedPipe on FID 0 was answered')), []);
  // A text the page marks as English is meant to be English (the scanner's explanation).
  assert.deepEqual(found(text('no NetBIOS name service', 'en')), []);
  has(text('no NetBIOS name service'), 'english:NetBIOS name service');
  // A one-word message is a label: the whole text, not a word of a sentence (a product's name).
  has(text('Security'), 'english:Security');
  has(text('Security:'), 'english:Security:');
  assert.deepEqual(found(text('Pasang pembaruan dari program Extended Security Updates.')), []);
  has(text('Syarat: agency Dinas Kesehatan'), 'english:agency');
  // Whole words only, case as written: "Kode" is not "Code", "Port" is the same in both.
  assert.deepEqual(found(text('Kode')), []);
  assert.deepEqual(found(text('Port')), []);
  assert.deepEqual(found(text('DoublePulsar')), []);
});

test('every Indonesian message passes the rules (placeholders filled with plain values)', () => {
  const bad: string[] = [];
  for (const [key, value] of id) {
    const offences = rules.judge([text(value.replace(/\{\w+\}/g, '7'))], new Set());
    if (offences.length > 0) bad.push(`${key}: ${offences.map((o) => `${o.rule} "${o.found}" (${o.what})`).join(', ')}`);
  }
  assert.deepEqual(bad, []);
});

test('raw keys, identifiers and UUIDs are caught outside code; inside code only keys and bare identifiers', () => {
  assert.deepEqual(found(text('dash.title')), ['key:dash.title']);
  assert.deepEqual(found(text('Peristiwa: finding.opened, change.port-opened')), ['key:finding.opened', 'key:change.port-opened']);
  assert.deepEqual(found(text('ms17-010-unchecked')), ['identifier:ms17-010-unchecked']);
  assert.deepEqual(found(text('netbios-ns: Tidak diketahui')), ['identifier:netbios-ns']);
  assert.deepEqual(found(text('completed')), ['identifier:completed', 'english:completed']);
  assert.deepEqual(found(text('Profil ransomware')), [], 'a single-word value only as the whole text');
  assert.deepEqual(found(text('schedule 0f4c1a52-9f3e-4a7b-8e7d-2b1c3d4e5f60 (admin)')), ['identifier:0f4c1a52-9f3e-4a7b-8e7d-2b1c3d4e5f60']);
  // Code shows technical values on purpose, but not a bare identifier or a key.
  assert.deepEqual(found(code('198.18.0.0/24, 10.0.0.5-40')), []);
  assert.deepEqual(found(code('{"check": "ms17-010", "reasonCode": "insuff-server-resources"}')), []);
  assert.deepEqual(found(code('ms17-010-unchecked')), ['identifier:ms17-010-unchecked']);
  assert.deepEqual(found(code('scan.status.completed')), ['key:scan.status.completed']);
});

test('data people entered or the scanner reported, addresses and URLs pass', () => {
  assert.deepEqual(found(text('temuan-kritis')), ['identifier:temuan-kritis']);
  assert.deepEqual(found(text('temuan-kritis'), ['temuan-kritis']), []);
  assert.deepEqual(found(text('445/microsoft-ds'), ['microsoft-ds']), []);
  assert.deepEqual(found(text('Admin')), []);
  assert.deepEqual(found(text('admin'), ['admin']), []);
  assert.deepEqual(found(text('budi.santoso@rsud.kota-uji.go.id · http://127.0.0.1:9/perisai-hook · 198.18.0.10:445 · fe80::1')), []);
});
