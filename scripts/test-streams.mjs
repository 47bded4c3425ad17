#!/usr/bin/env node
// Runs every test file under dist/ (`*.test.js`) in two streams at once, one file at a time in each: the
// suite waits on the network, PostgreSQL and Chromium about half of the time, so on a 2-core machine one
// stream left a core idle (load ≈ 1.2 through a 38-minute run). Each file still runs alone in its stream.
// Stream "lab" takes every file that scans the project's lab (tests/lab/lab.ts, lab/perisai-lab: its
// hosts and shaper are shared, so two scans of them never overlap) and the other long end-to-end files
// (browser, monitoring, CLI, circulars); stream "rest" takes the others. No file is left out: the two
// lists are a partition of what is found, and the counts are printed. Exit status: non-zero if either
// stream failed.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { setTimeout } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new globalThis.URL('..', import.meta.url));
const dist = join(root, 'dist');

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

/** Files that drive the lab's hosts (they import tests/lab/lab.ts or name the lab's bridge or variables). */
function usesLab(file) {
  const text = readFileSync(file, 'utf8');
  return /lab\/lab\.js|plbr0|PERISAI_LAB|perisai-lab|ground-truth/.test(text);
}

const LONG = ['tests/web/', 'tests/monitoring/', 'tests/cli/', 'tests/circulars/', 'tests/lab/'];
const files = walk(dist).sort();
const lab = [];
const rest = [];
for (const f of files) {
  const rel = relative(dist, f);
  (usesLab(f) || LONG.some((d) => rel.startsWith(d)) ? lab : rest).push(f);
}
process.stdout.write(`test-streams: ${files.length} test files: ${lab.length} in stream "lab", ${rest.length} in stream "rest"\n`);

const dir = mkdtempSync(join(tmpdir(), 'perisai-test-streams-'));
function run(name, list, live) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...list], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = live ? null : createWriteStream(join(dir, `${name}.log`));
    for (const s of [child.stdout, child.stderr]) s.on('data', (b) => (live ? process.stdout.write(b) : log.write(b)));
    child.on('close', (code, signal) => {
      if (log !== null) log.end();
      resolve({ name, code: code ?? (signal !== null ? 1 : 0) });
    });
  });
}

const started = Date.now();
const [a, b] = await Promise.all([run('lab', lab, false), run('rest', rest, true)]);
// The "lab" stream's report after the live one, whole (a failure's details included).
await setTimeout(100);
process.stdout.write(`\n==== stream "lab" (${lab.length} files) ====\n`);
process.stdout.write(readFileSync(join(dir, 'lab.log')));
rmSync(dir, { recursive: true, force: true });
process.stdout.write(`\ntest-streams: "lab" exit ${a.code}, "rest" exit ${b.code}, ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
process.exit(a.code !== 0 || b.code !== 0 ? 1 : 0);
