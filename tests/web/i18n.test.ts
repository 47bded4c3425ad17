// Static checks of the web UI's sources: all text goes through the i18n module (no literal words as JSX
// text in components), both dictionaries have the same keys and no empty message, and nothing renders
// HTML from strings (dangerouslySetInnerHTML).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dict, webSrc } from './dictionaries.js';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));
}

test('components contain no literal JSX text and no dangerouslySetInnerHTML', () => {
  const all = files(webSrc());
  assert.ok(all.length >= 5, 'found the components');
  const bad: string[] = [];
  for (const f of all) {
    const src = readFileSync(f, 'utf8');
    if (src.includes('dangerouslySetInnerHTML')) bad.push(`${f}: dangerouslySetInnerHTML`);
    // Text between a tag's end and the next tag or expression that contains a letter, e.g. <h1>Hello</h1>.
    for (const m of src.matchAll(/(?<![=-])>([^<>{}()=;]*\p{L}[^<>{}()=;]*)</gu)) {
      if (/^\s*$/.test(m[1]!)) continue;
      bad.push(`${f}: literal text ${JSON.stringify(m[1]!.trim())}`);
    }
    // String literals as attribute values that people read.
    for (const m of src.matchAll(/\b(?:title|aria-label|placeholder|alt)="([^"]*)"/g)) bad.push(`${f}: literal ${m[0]}`);
  }
  assert.deepEqual(bad, []);
});

test('the English dictionary has exactly the Indonesian keys, none empty (tsc enforces it too)', () => {
  const id = dict('id');
  const en = dict('en');
  assert.ok(id.size > 100, `read ${id.size} messages`);
  assert.deepEqual([...en.keys()].sort(), [...id.keys()].sort());
  for (const [k, v] of [...id, ...en]) assert.ok(v.trim() !== '', k);
  assert.equal(id.get('nav.dashboard'), 'Dasbor');
  assert.equal(id.get('user.logout'), 'Keluar');
  assert.equal(id.get('login.submit'), 'Masuk');
});
