// The dashboard, its trend and the findings list under load, as a room full of users meets them: a real
// `perisai serve` process (loopback only) on the API bench's city (tests/api/bench-city.ts: 20 agencies,
// 34,000 assets, 102,000 open findings), 200 concurrent HTTP clients per route (autocannon) for a bounded
// time, and meanwhile a health probe every 50 ms and the server's own event-loop delay
// (tests/api/bench-loop-probe.ts). Prints the Markdown table docs/api.md "Performance" records.
//
//   npm run bench:api [-- --postgres] [-- --duration 10 --connections 200 --cpu-prof DIR --only dashboard]
//
// Each client connection carries its own X-Forwarded-For (serve runs with --trust-proxy loopback), so the
// per-address request ceiling sees 200 users rather than one address sending thousands of requests.
// --postgres starts a private server from Debian's binaries (tests/store/pg-server.ts). --cpu-prof DIR
// runs serve under `node --cpu-prof` and prints the functions with the most self time per run.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { seedBenchCity } from './bench-city.js';
import { makeUser, PASSWORD } from './fixture.js';
import { pct } from './bench-util.js';
import { LOOP_LINE } from './bench-loop-probe.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, postgres: { type: 'boolean', default: false }, duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '200' }, 'cpu-prof': { type: 'string' }, only: { type: 'string' },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const dir = mkdtempSync(join(tmpdir(), 'perisai-api-load-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);

interface Session {
  readonly cookie: string;
}

/** One request over HTTP/1.1 on loopback; resolves with the status, body and time taken. */
function request(base: string, method: string, path: string, opts: { cookie?: string; body?: unknown; ip?: string } = {}): Promise<{ status: number; body: string; ms: number; setCookie: string[] }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(`${base}${path}`, {
      method, agent: false,
      headers: {
        ...(opts.cookie !== undefined ? { cookie: opts.cookie } : {}), ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        'x-forwarded-for': opts.ip ?? '192.0.2.250',
      },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body, ms: performance.now() - t0, setCookie: res.headers['set-cookie'] ?? [] }));
    });
    req.on('error', fail);
    req.end(payload);
  });
}

async function login(base: string, username: string): Promise<Session> {
  const r = await request(base, 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.body}`);
  const session = r.setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith('perisai_session='));
  if (session === undefined) throw new Error(`login ${username}: no session cookie`);
  return { cookie: session };
}

/** The server process: `perisai serve` as deployed (src/cli/main.ts's V8 flag), plus the loop probe. */
async function startServe(cpuProfDir: string | undefined): Promise<{ base: string; loopStats: () => Promise<{ p50: number; p99: number; max: number }>; stop: () => Promise<void> }> {
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const probe = new URL('./bench-loop-probe.js', import.meta.url).href;
  const args = [
    '--max-semi-space-size=4', ...(cpuProfDir !== undefined ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []), '--import', probe,
    main, 'serve', '--db', url, '--host', '127.0.0.1', '--port', '0', '--trust-proxy', 'loopback',
  ];
  const child = spawn(process.execPath, args, { env: { ...process.env, PERISAI_DATA_DIR: join(dir, 'data') }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const loopWaiters: ((s: { p50: number; p99: number; max: number }) => void)[] = [];
  let ready: (base: string) => void;
  const base = new Promise<string>((r) => (ready = r));
  child.stderr.setEncoding('utf8');
  let buf = '';
  child.stderr.on('data', (c: string) => {
    buf += c;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.startsWith(LOOP_LINE)) loopWaiters.shift()?.(JSON.parse(line.slice(LOOP_LINE.length)) as { p50: number; p99: number; max: number });
      else err += `${line}\n`;
      const m = /ready: (http:\/\/127\.0\.0\.1:\d+)\//.exec(line);
      if (m !== null) ready(m[1]!);
    }
  });
  const exited = once(child, 'exit');
  const b = await Promise.race([base, exited.then(() => {
    throw new Error(`perisai serve exited before it was ready:\n${err}`);
  })]);
  return {
    base: b,
    loopStats: () => new Promise((r) => {
      loopWaiters.push(r);
      child.kill('SIGUSR2');
    }),
    stop: async () => {
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** Self time per function in the newest .cpuprofile of `profDir`: the top `n`, in % of samples. */
function topSelfTime(profDir: string, n = 12): string[] {
  const file = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).sort().pop();
  if (file === undefined) return ['(no profile written)'];
  const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[] };
  const by = new Map<string, number>();
  let total = 0;
  for (const node of prof.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const f = node.callFrame;
    const where = f.url === '' ? '' : ` ${f.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '')}:${f.lineNumber + 1}`;
    const key = `${f.functionName || '(anonymous)'}${where}`;
    by.set(key, (by.get(key) ?? 0) + hits);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`);
}

const store = await createStore({ url });
let serve: Awaited<ReturnType<typeof startServe>> | undefined;
try {
  const t0 = performance.now();
  const city = await seedBenchCity(store);
  await makeUser(store, 'admin', 'admin');
  await makeUser(store, 'petugas', 'officer', city.agencies[3]!);
  await store.close();
  process.stderr.write(`seeded ${city.agencies.length} agencies, ${city.assets} assets, ${city.openFindings} open findings on ${url.split(':')[0]} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const cpuProf = values['cpu-prof'] !== undefined ? resolve(values['cpu-prof']) : undefined;
  serve = await startServe(undefined);
  const base = serve.base;
  const admin = await login(base, 'admin');
  const officer = await login(base, 'petugas');
  let cursor = (JSON.parse((await request(base, 'GET', '/api/v1/findings?limit=100', { cookie: admin.cookie })).body) as { next: string }).next;
  for (let i = 0; i < 50; i++) cursor = (JSON.parse((await request(base, 'GET', `/api/v1/findings?limit=100&cursor=${encodeURIComponent(cursor)}`, { cookie: admin.cookie })).body) as { next: string }).next;

  const routes: [string, string, Session, string][] = [
    ['dashboard', 'GET /dashboard (admin, whole city)', admin, '/api/v1/dashboard'],
    ['dashboard', 'GET /dashboard (officer, one agency)', officer, '/api/v1/dashboard'],
    ['trend', 'GET /dashboard/trend?days=90 (admin)', admin, '/api/v1/dashboard/trend?days=90'],
    ['trend', 'GET /dashboard/trend?days=30 (officer)', officer, '/api/v1/dashboard/trend?days=30'],
    ['findings', 'GET /findings?limit=100 (admin, first page)', admin, '/api/v1/findings?limit=100'],
    ['findings', 'GET /findings?limit=100&cursor=… (admin, page 52)', admin, `/api/v1/findings?limit=100&cursor=${encodeURIComponent(cursor)}`],
    ['findings', 'GET /findings?minSeverity=critical&limit=100 (officer)', officer, '/api/v1/findings?minSeverity=critical&limit=100'],
    ['findings', 'GET /findings?sort=recent&limit=100 (admin)', admin, '/api/v1/findings?sort=recent&limit=100'],
    ['health', 'GET /health (no session)', { cookie: '' }, '/api/v1/health'],
  ];
  const only = values.only?.split(',');
  const selected = routes.filter(([group]) => only === undefined || only.includes(group));
  if (cpuProf !== undefined) {
    // One profiled server per route: the profile is written when the process exits.
    await serve.stop();
    serve = undefined;
  }
  const rows: string[] = [];
  const profiles: string[] = [];
  for (const [, name, session, path] of selected) {
    let profDir: string | undefined;
    if (cpuProf !== undefined) {
      profDir = join(cpuProf, name.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, ''));
      mkdirSync(profDir, { recursive: true });
      serve = await startServe(profDir);
    }
    const s = serve!;
    const relogin = cpuProf !== undefined ? await login(s.base, session === officer ? 'petugas' : 'admin') : session;
    const cookie = session.cookie === '' ? undefined : relogin.cookie;
    // Warm-up (JIT, statement caches, the dashboard's first computation), then the loop probe starts over.
    for (let i = 0; i < 20; i++) {
      const r = await request(s.base, 'GET', path, cookie !== undefined ? { cookie } : {});
      if (r.status !== 200) throw new Error(`${name}: ${r.status} ${r.body.slice(0, 300)}`);
    }
    await s.loopStats();
    // The health probe: one request every 50 ms on its own connection, for as long as the load runs.
    const health: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const r = await request(s.base, 'GET', '/api/v1/health', { ip: '192.0.2.251' });
        if (r.status === 200) health.push(r.ms);
        await new Promise((t) => setTimeout(t, 50));
      }
    })();
    let conn = 0;
    const result = await autocannon({
      url: `${s.base}${path}`, connections: CONNECTIONS, duration: DURATION, timeout: 60,
      headers: cookie !== undefined ? { cookie } : {},
      // Each connection is one user at its own address (198.51.100.0/24, TEST-NET-2, never routed).
      setupClient: (client) => {
        const n = conn++;
        client.setHeaders({ ...(cookie !== undefined ? { cookie } : {}), 'x-forwarded-for': `198.51.${100 + (n >> 8)}.${n & 255}` });
      },
    });
    probing = false;
    await prober;
    const loop = await s.loopStats();
    const ok = result.statusCodeStats['200']?.count ?? 0;
    const bad = result.non2xx + result.errors;
    rows.push(`| \`${name}\` | ${result.requests.average.toFixed(0)} | ${result.latency.p50} / **${result.latency.p99}** / ${result.latency.max} | ${ok}${bad > 0 ? ` (${bad} failed)` : ''} | ${pct(health, 50).toFixed(0)} / ${Math.max(...health).toFixed(0)} | ${loop.p99} / ${loop.max} |`);
    process.stderr.write(`${rows[rows.length - 1]}\n`);
    if (profDir !== undefined) {
      await s.stop();
      serve = undefined;
      profiles.push(`${name}:`, ...topSelfTime(profDir).map((l) => `  ${l}`));
    }
  }
  console.log(`\n${url.split(':')[0]}, ${CONNECTIONS} connections, ${DURATION} s per route\n`);
  console.log('| route | req/s | latency p50 / **p99** / max ms | 200s | health p50 / max ms during it | event-loop delay p99 / max ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  if (profiles.length > 0) console.log(`\nSelf time under load (node --cpu-prof of serve):\n${profiles.join('\n')}`);
} finally {
  await serve?.stop();
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
