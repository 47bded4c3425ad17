// The dependency rules of the inventory layers (architecture §3.1–3.2), checked on the source:
//  - src/domain is pure: no I/O (no node: modules except in tests), no packages, never the store; from the
//    engine only its vocabulary (types.ts) and its strict address parser (targets/address.ts, itself pure);
//  - src/store imports the domain, the engine's types.ts, node: built-ins and its three drivers only;
//  - only src/store/dialect.ts imports a database driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The project root holds package.json; this file runs from tests/store (tsx) or dist/tests/store (built).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) yield p;
  }
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
}

function check(dir: string, allow: (spec: string, target: string | undefined, file: string, isTest: boolean) => boolean): string[] {
  const bad: string[] = [];
  const files = [...tsFiles(join(root, dir))];
  assert.ok(files.length > 10, `found only ${files.length} files under ${dir}`);
  for (const file of files) {
    const isTest = file.endsWith('.test.ts');
    for (const spec of imports(file)) {
      const target = spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)).split(sep).join('/') : undefined;
      if (!allow(spec, target, relative(root, file), isTest)) bad.push(`${relative(root, file)} -> ${spec}`);
    }
  }
  return bad;
}

test('src/domain is pure and never imports the store', () => {
  const bad = check('src/domain', (spec, target, _file, isTest) => {
    // A test may also read the engine to cross-check a rule the domain keeps in step with it (the never-scan list).
    if (target !== undefined) return target.startsWith('src/domain/') || target === 'src/engine/types.js' || target === 'src/engine/targets/address.js' || (isTest && target.startsWith('src/engine/'));
    if (isTest) return spec.startsWith('node:') || spec === 'fast-check';
    return false;
  });
  assert.deepEqual(bad, []);
});

test('src/store imports only the domain, the engine\'s types, node: and its drivers; only dialect.ts knows the drivers', () => {
  const bad = check('src/store', (spec, target, file, isTest) => {
    if (target !== undefined) return target.startsWith('src/store/') || target.startsWith('src/domain/') || target === 'src/engine/types.js';
    if (spec.startsWith('node:')) return true;
    if (spec === 'kysely') return true;
    if (spec === 'better-sqlite3' || spec === 'pg') return file === 'src/store/dialect.ts';
    return isTest && spec === 'fast-check';
  });
  assert.deepEqual(bad, []);
});
