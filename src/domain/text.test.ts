// The one rule for printable text (text.ts): what is refused coming in, and how the way out escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlCharacterArgument, controlCharacterMessage, escapeForTerminal, findControlCharacter, jsonForTerminal } from './text.js';

test('NUL, ESC, DEL and C1 controls are refused; tab, line breaks and ordinary Unicode are text', () => {
  for (const bad of ['a\u0000b', 'x\u001b[2J', '\u007f', 'csi\u009b31m', 'bell\u0007']) assert.ok(findControlCharacter(bad) !== undefined, JSON.stringify(bad));
  for (const ok of ['Dinas Kesehatan', 'baris 1\nbaris 2\r\n\tindentasi', 'Senin–Jumat 07.30', 'ثلاثة', '']) assert.equal(findControlCharacter(ok), undefined, JSON.stringify(ok));
  const c = findControlCharacter('RSUD\u001b[31m')!;
  assert.deepEqual(c, { index: 4, codePoint: 'U+001B' });
  assert.equal(controlCharacterMessage(c), 'berisi karakter kendali U+001B pada posisi 5; hapus karakter itu / contains the control character U+001B at position 5; remove it');
  assert.equal(controlCharacterArgument(['asset', 'list', '--search', 'x\u0000']), 'argumen ke-4 berisi karakter kendali U+0000 pada posisi 2; hapus karakter itu / argument 4 contains the control character U+0000 at position 2; remove it');
  assert.equal(controlCharacterArgument(['asset', 'list']), undefined);
});

test('the way out escapes every control and bidi mark visibly, and JSON stays the same JSON', () => {
  assert.equal(escapeForTerminal('a\u001b[31mb\u0000c\nd\te\u009bf\u202eg'), 'a\\x1b[31mb\\x00c\\nd\\te\\x9bf\\u202eg');
  assert.equal(escapeForTerminal('line 1\n\tline 2\u001b', { lines: true }), 'line 1\n\tline 2\\x1b');
  const v = { name: 'x\u009b\u007f\u202e\u001b' };
  const j = jsonForTerminal(v);
  assert.equal(j, '{"name":"x\\u009b\\u007f\\u202e\\u001b"}');
  // eslint-disable-next-line no-control-regex -- looking for raw control characters is the test
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/.test(j));
  assert.deepEqual(JSON.parse(j), v);
});
