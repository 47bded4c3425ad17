// src/engine is a library of its own (it could be published alone): it may import node: built-ins and its
// own files, nothing else from the app and no npm package (the lint rule catches the common paths; this
// test resolves every relative import, so a deep ../../ escape cannot slip through either).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const engine = join(root, 'src', 'engine');

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

// Test files may use dev-only helpers (fast-check, ipaddr.js as an oracle); shipped code may not.
const DEV_ONLY = new Set(['fast-check', 'ipaddr.js']);

test('src/engine imports only node: built-ins and files inside src/engine', () => {
  const bad: string[] = [];
  let files = 0;
  for (const file of tsFiles(engine)) {
    files++;
    const isTest = file.endsWith('.test.ts') || file.includes(`${sep}fixtures${sep}`) || /arbitraries\.ts$|fixtures\.ts$/.test(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const spec = m[1] ?? m[2]!;
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(engine + sep)) bad.push(`${relative(root, file)} -> ${spec}`);
        continue;
      }
      if (isTest && DEV_ONLY.has(spec)) continue;
      bad.push(`${relative(root, file)} -> ${spec} (package)`);
    }
  }
  assert.ok(files > 20, `found only ${files} engine files`);
  assert.deepEqual(bad, []);
});
