// `perisai scan` loads the engine and its output writers and nothing else: not the API, the store, the alerts,
// the import/export code, nor their libraries (Fastify, Kysely, pg, pg-boss, exceljs). Checked structurally with
// a module loader hook (module-log-hooks.ts) that records every module the CLI process loads, on `scan --help`
// and on a real scan with every check selected against a loopback listener. main.ts loads command groups with
// dynamic import(); this test fails when an eager import creeps back in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const HOOKS = new URL('./module-log-hooks.js', import.meta.url).href;
const SRC = pathToFileURL(fileURLToPath(new URL('../../src/', import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), 'perisai-modgraph-'));

/** Rooms of the application above the engine, and the libraries only they need. */
const FORBIDDEN_ROOMS = ['api', 'store', 'alerts', 'io', 'queue', 'worker', 'scheduler'];
const FORBIDDEN_PACKAGES = ['fastify', '@fastify', 'kysely', 'pg', 'pg-boss', 'exceljs', 'better-sqlite3', 'nodemailer'];

async function loadedBy(args: string[], name: string): Promise<{ urls: string[]; code: number | null; stderr: string }> {
  const log = join(dir, `${name}.log`);
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(HOOKS)});`;
  const child = spawn(process.execPath, ['--import', register, CLI, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PERISAI_MODULE_LOG: log },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  return { urls: [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))], code, stderr };
}

function offenders(urls: readonly string[]): string[] {
  return urls.filter((u) => {
    if (u.startsWith(SRC)) return FORBIDDEN_ROOMS.includes(u.slice(SRC.length).split('/')[0]!);
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (!m) return false;
    const pkg = m[1]!;
    return FORBIDDEN_PACKAGES.some((f) => pkg === f || pkg.startsWith(`${f}/`));
  });
}

test('perisai scan --help loads no engine code and nothing of the API, store or alerts', async () => {
  const r = await loadedBy(['scan', '--help'], 'help');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.urls.some((u) => u.endsWith('/src/cli/commands/scan.js')), `the hook saw the scan command: ${r.urls.length} modules`);
  assert.deepEqual(offenders(r.urls), []);
  assert.deepEqual(r.urls.filter((u) => /\/src\/engine\/(runner|portscan|checks|probes|protocols)\//.test(u)), [], 'help must not load the scanner');
});

test('a scan with every check loads the engine and output writers, and nothing of the API, store or alerts', async () => {
  const server = net.createServer((c) => c.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const r = await loadedBy(['scan', '127.0.0.1', '-p', `${port},445`, '--profile', 'ransomware', '--format', 'jsonl', '-o', join(dir, 'out.jsonl'), '-q'], 'scan');
    assert.equal(r.code, 0, r.stderr);
    for (const m of ['engine/runner/scan.js', 'engine/portscan/connect-scan.js', 'engine/checks/index.js', 'engine/output/jsonl.js', 'cli/commands/scan-run.js']) {
      assert.ok(r.urls.some((u) => u.endsWith(`/src/${m}`)), `the scan loaded ${m}`);
    }
    assert.deepEqual(offenders(r.urls), []);
  } finally {
    server.close();
  }
});
