#!/usr/bin/env node
// Runs every test file under dist/ (`*.test.js`), two at a time: the suite waits on the network,
// PostgreSQL and Chromium about half of the time, so one file at a time left a core idle on a 2-core
// machine (load ≈ 1.2 through a 38-minute run).
//
// Two kinds of file. A "lab" file scans the project's lab (tests/lab/lab.ts, lab/perisai-lab: its hosts
// and shaper are shared, so two scans of them never overlap) or is one of the long end-to-end files
// (browser, monitoring, CLI, circulars): at most one of those runs at any time, and they go first, since
// together they are the longest chain. Every other file runs in whichever slot is free. A slot that
// frees takes the next lab file if none is running, else the next other file: the lab chain never waits
// for a slot, and the other files fill the time beside it.
//
// Each file's report is printed whole when it ends (never interleaved), then a summary: failed files, the
// slowest files, and the time. Exit status: non-zero if any file failed. PERISAI_TEST_SLOTS changes the
// number of slots (default 2).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Buffer } from 'node:buffer';
import process from 'node:process';
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
const slots = Math.max(1, Number.parseInt(process.env.PERISAI_TEST_SLOTS ?? '2', 10) || 2);
process.stdout.write(`test-streams: ${files.length} test files (${lab.length} lab or long, one at a time; ${rest.length} others), ${slots} slots\n`);

/** Run one file; resolves with its exit code, duration and whole report. */
function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (b) => chunks.push(b));
    child.stderr.on('data', (b) => chunks.push(b));
    child.on('close', (code, signal) => resolve({ file: relative(root, file), code: code ?? (signal !== null ? 1 : 0), ms: Date.now() - started, out: Buffer.concat(chunks) }));
  });
}

const started = Date.now();
const results = [];
let labRunning = false;
let active = 0;
await new Promise((allDone) => {
  const next = () => {
    while (active < slots) {
      let file;
      let isLab = false;
      if (!labRunning && lab.length > 0) {
        file = lab.shift();
        isLab = true;
      } else if (rest.length > 0) file = rest.shift();
      if (file === undefined) break;
      active++;
      if (isLab) labRunning = true;
      void runFile(file).then((r) => {
        active--;
        if (isLab) labRunning = false;
        results.push(r);
        const min = ((Date.now() - started) / 60000).toFixed(1);
        process.stdout.write(`\n==== ${r.file} (${(r.ms / 1000).toFixed(1)} s, exit ${r.code}, at ${min} min) ====\n`);
        process.stdout.write(r.out);
        next();
      });
    }
    if (active === 0 && lab.length === 0 && rest.length === 0) allDone();
  };
  next();
});

const failed = results.filter((r) => r.code !== 0);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 12);
process.stdout.write('\ntest-streams: slowest files\n');
for (const r of slowest) process.stdout.write(`  ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.file}\n`);
if (failed.length > 0) {
  process.stdout.write('test-streams: failed files\n');
  for (const r of failed) process.stdout.write(`  ${r.file} (exit ${r.code})\n`);
}
process.stdout.write(`test-streams: ${results.length} files, ${failed.length} failed, ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
process.exit(failed.length > 0 ? 1 : 0);
