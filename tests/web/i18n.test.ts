// Static checks of the web UI's sources: all text goes through the i18n module (no literal words as JSX
// text in components), both dictionaries have the same keys and no empty message, nothing renders
// HTML from strings (dangerouslySetInnerHTML), and every identifier the API sends has a name.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { RULE_PRESETS } from '../../src/alerts/rules.js';
import { FINDING_DEFINITIONS } from '../../src/domain/finding-signals.js';
import { FINDING_STATUSES } from '../../src/domain/finding.js';
import { INCIDENT_TOPICS } from '../../src/domain/incident.js';
import type { Cause } from '../../src/domain/finding.js';
import { CHECK_IDS } from '../../src/engine/checks/registry.js';
import { topicOf } from '../../src/store/repos/findings.js';
import { PROFILES } from '../../src/domain/scan-profile.js';
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

test('every identifier the API sends to a page has a name in both dictionaries (web/src/labels.ts)', () => {
  const id = dict('id');
  const en = dict('en');
  const topics = new Set<string>();
  // The finding topics the store writes (topicOf) for every move between statuses, and the change
  // topics of the finalizer (`change.<kind>`, one per kind the history names).
  const causes = [...id.keys()].filter((k) => k.startsWith('cause.')).map((k) => k.slice('cause.'.length)) as Cause[];
  for (const from of [null, ...FINDING_STATUSES]) for (const to of FINDING_STATUSES) for (const cause of causes) topics.add(topicOf({ at: '', from, to, cause }));
  for (const k of id.keys()) if (k.startsWith('change.') && k !== 'change.port-closed-unconfirmed') topics.add(`change.${k.slice('change.'.length)}`);
  for (const p of Object.values(RULE_PRESETS)) for (const x of p.topics) topics.add(x);
  for (const x of INCIDENT_TOPICS) topics.add(x);
  assert.ok(topics.size >= 15, [...topics].join(', '));
  const needed = [
    ...[...CHECK_IDS, ...FINDING_DEFINITIONS.map((d) => d.id)].map((x) => `check.name.${x}`),
    ...Object.keys(PROFILES).map((p) => `sched.profile.${p}`),
    ...Object.keys(RULE_PRESETS).map((p) => `alerts.preset.${p}`),
    // A prefix pattern (`incident.*`) is named `topic.<prefix>.any`, as topicName in web/src/labels.ts looks it up.
    ...[...topics].map((x) => (x.endsWith('.*') ? `topic.${x.slice(0, -2)}.any` : `topic.${x}`)),
  ];
  assert.deepEqual(needed.filter((k) => !id.has(k) || !en.has(k)), []);
});
