// The rooms of src/ and what each may import, checked on the source. The arrows are data
// (tests/architecture/rooms.json, also read by eslint.config.js); this test resolves every relative import
// of every file under src/ (static, re-export, side-effect and literal dynamic imports), so a deep ../../
// escape cannot slip through, and fails on any arrow the data does not allow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// The project root holds package.json; this file runs from tests/architecture (tsx) or dist/tests/architecture.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json')) && dirname(root) !== root) root = dirname(root);

interface PackageRule { readonly nodeBuiltins: boolean; readonly allow: readonly string[]; readonly testOnly: readonly string[] }
interface Rooms {
  readonly rooms: Readonly<Record<string, readonly string[]>>;
  readonly narrow: Readonly<Record<string, readonly string[] | string>>;
  readonly packages: Readonly<Record<string, PackageRule | string>>;
  readonly onlyIn: Readonly<Record<string, readonly string[] | string>>;
  readonly web: { readonly dir: string; readonly values: readonly string[]; readonly typesOnly: readonly string[] };
}

const rulesFile = join(root, 'tests', 'architecture', 'rooms.json');
assert.ok(existsSync(rulesFile), `${rulesFile} is missing: the room rules cannot be checked without it`);
const rules = JSON.parse(readFileSync(rulesFile, 'utf8')) as Rooms;
const ROOMS = Object.keys(rules.rooms);

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (/\.tsx?$/.test(p) && !p.endsWith('.d.ts')) yield p;
  }
}

const IMPORT_RE = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every module specifier a file names. */
function importsOf(text: string): string[] {
  return [...text.matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

/** Test-only files: tests, fixtures and property-test generators (never shipped, see package.json "files"). */
function isTestFile(rel: string): boolean {
  return rel.endsWith('.test.ts') || rel.includes('/fixtures/') || /(?:^|\/)(?:arbitraries|fixtures)\.ts$/.test(rel);
}

/** The repository path (with / separators, .ts) a relative specifier of `file` names. */
function targetOf(file: string, spec: string): string {
  let t = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
  if (t.endsWith('.js')) t = `${t.slice(0, -3)}.ts`;
  if (!/\.tsx?$|\.json$/.test(t)) t = `${t}/index.ts`;
  return t;
}

function roomOf(path: string): string | undefined {
  const m = /^src\/([^/]+)\//.exec(path);
  return m !== null && ROOMS.includes(m[1]!) ? m[1] : undefined;
}

function packageName(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The violations of the room rules in the files under src/. */
function violations(): { files: number; bad: string[] } {
  const bad: string[] = [];
  let files = 0;
  for (const file of tsFiles(join(root, 'src'))) {
    files++;
    const rel = relative(root, file).split(sep).join('/');
    const room = roomOf(rel);
    if (room === undefined) {
      bad.push(`${rel}: in no room of tests/architecture/rooms.json`);
      continue;
    }
    const isTest = isTestFile(rel);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const target = targetOf(file, spec);
        const to = roomOf(target);
        if (to === room) continue;
        if (to === undefined || !rules.rooms[room]!.includes(to)) {
          bad.push(`${rel} -> ${spec} (${room} may not import ${to ?? target})`);
          continue;
        }
        const narrow = rules.narrow[`${room} -> ${to}`];
        if (Array.isArray(narrow) && !isTest && !narrow.includes(target)) bad.push(`${rel} -> ${spec} (${room} may import only ${narrow.join(', ')} from ${to})`);
        continue;
      }
      const pkg = packageName(spec);
      const only = rules.onlyIn[pkg];
      if (Array.isArray(only) && !only.includes(rel)) {
        bad.push(`${rel} -> ${spec} (only ${only.join(', ')} may import ${pkg})`);
        continue;
      }
      const rule = rules.packages[room];
      if (rule === undefined || typeof rule === 'string') continue;
      if (pkg.startsWith('node:') ? rule.nodeBuiltins : rule.allow.includes(pkg)) continue;
      if (isTest && (rule.testOnly.includes(pkg) || (pkg.startsWith('node:') && rule.testOnly.includes('node:*')))) continue;
      bad.push(`${rel} -> ${spec} (${room} may not import the package ${pkg}${isTest ? "" : " outside its tests"})`);
    }
  }
  return { files, bad };
}

test('the arrows between rooms point one way: no room reaches, directly or through others, back to itself', () => {
  const seen = new Set<string>();
  const onPath: string[] = [];
  const visit = (room: string): void => {
    assert.ok(!onPath.includes(room), `cycle in rooms.json: ${[...onPath, room].join(' -> ')}`);
    if (seen.has(room)) return;
    onPath.push(room);
    for (const to of rules.rooms[room] ?? assert.fail(`rooms.json: ${onPath.join(' -> ')} names no room`)) visit(to);
    onPath.pop();
    seen.add(room);
  };
  for (const room of ROOMS) visit(room);
  assert.deepEqual(rules.rooms.engine, [], 'src/engine is a library of its own: it imports nothing else from the app');
});

test('every room of src/ imports only what tests/architecture/rooms.json allows', () => {
  const rooms = readdirSync(join(root, 'src')).filter((n) => statSync(join(root, 'src', n)).isDirectory());
  assert.deepEqual(rooms.filter((r) => !ROOMS.includes(r)), [], 'a folder of src/ that rooms.json does not name');
  const { files, bad } = violations();
  assert.ok(files > 200, `found only ${files} files under src/`);
  assert.deepEqual(bad, []);
});

test('web/src imports from src/ only the domain, and the API\'s schemas as types (tests/architecture/rooms.json "web")', () => {
  const bad: string[] = [];
  let files = 0;
  let contract = 0;
  for (const file of tsFiles(join(root, rules.web.dir))) {
    files++;
    const rel = relative(root, file).split(sep).join('/');
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*((?:import|export)\b[^'"]*?from\s*)['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = (m[2] ?? m[3])!;
      const target = targetOf(file, spec);
      if (!target.startsWith('src/')) continue;
      const typeOnly = m[1] !== undefined && /^(?:import|export)\s+type\b/.test(m[1].trim());
      const allowed = typeOnly ? rules.web.typesOnly : rules.web.values;
      if (allowed.some((a) => target.startsWith(a))) contract++;
      else bad.push(`${rel} -> ${spec}${typeOnly ? ' (types)' : ''}`);
    }
  }
  assert.ok(files > 10, `found only ${files} files under ${rules.web.dir}`);
  assert.ok(contract > 0, 'the UI takes its types from the API (web/src/api.ts)');
  assert.deepEqual(bad, []);
});

test('scheduler and worker do not import each other (the job vocabulary lives in src/domain)', () => {
  assert.ok(!rules.rooms.scheduler!.includes('worker') && !rules.rooms.worker!.includes('scheduler'));
});
