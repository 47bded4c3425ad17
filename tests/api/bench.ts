// A performance check (not a timed test) of the dashboard (and its 90-day trend) and findings endpoints with 100,000 findings
// in the store, ONE request at a time (per-request cost, docs/performance.md; what 200 users at once see is
// tests/api/bench-load.ts, docs/api.md "Performance"). Seeds a city of 20 agencies, 34,000 assets and
// 102,000 open findings, then times requests through the whole HTTP stack (app.inject: routing, the
// access plugin's session lookup, validation, store, serialisation).
//
//   npx tsx tests/api/bench.ts [--postgres | --url sqlite:bench.db | --url postgres://…] [--requests 300]
//
// --postgres starts a private server from Debian's binaries (tests/store/pg-server.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/api/app.js';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { makeUser, login } from './fixture.js';
import { seedBenchCity } from './bench-city.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, postgres: { type: 'boolean', default: false }, requests: { type: 'string', default: '300' } } });
const dir = mkdtempSync(join(tmpdir(), 'perisai-api-bench-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);
const N = Number(values.requests);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const store = await createStore({ url });
try {
  const t0 = performance.now();
  const { agencies } = await seedBenchCity(store);
  const counts = await store.findings.counts('all');
  console.log(`seeded ${agencies.length} agencies, ${agencies.length * 1700} assets, ${counts.byStatus.open} open findings on ${store.dialect} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  await makeUser(store, 'admin', 'admin');
  await makeUser(store, 'petugas', 'officer', agencies[3]!);
  const app = await buildApp({ store, rateLimit: false }); // one client address sends thousands of requests here
  const admin = await login(app, 'admin');
  const officer = await login(app, 'petugas');
  const first = (await admin.req('GET', '/api/v1/findings?limit=100')).json() as { next: string };
  let cursor = first.next;
  for (let i = 0; i < 50; i++) cursor = ((await admin.req('GET', `/api/v1/findings?limit=100&cursor=${encodeURIComponent(cursor)}`)).json() as { next: string }).next;
  const cases: [string, () => Promise<{ statusCode: number }>][] = [
    ['GET /dashboard (admin, whole city)', () => admin.req('GET', '/api/v1/dashboard')],
    ['GET /dashboard (officer, one agency)', () => officer.req('GET', '/api/v1/dashboard')],
    ['GET /dashboard/trend?days=90 (admin, whole city)', () => admin.req('GET', '/api/v1/dashboard/trend?days=90')],
    ['GET /dashboard/trend?days=30 (officer, one agency)', () => officer.req('GET', '/api/v1/dashboard/trend?days=30')],
    ['GET /findings?limit=100 (admin, first page)', () => admin.req('GET', '/api/v1/findings?limit=100')],
    ['GET /findings?limit=100&cursor=… (page 52)', () => admin.req('GET', `/api/v1/findings?limit=100&cursor=${encodeURIComponent(cursor)}`)],
    ['GET /findings?minSeverity=critical (officer)', () => officer.req('GET', '/api/v1/findings?minSeverity=critical&limit=100')],
    ['GET /findings?sort=recent (admin, first page)', () => admin.req('GET', '/api/v1/findings?sort=recent&limit=100')],
    ['GET /findings?sort=recent (officer)', () => officer.req('GET', '/api/v1/findings?sort=recent&limit=100')],
  ];
  console.log(`\n| endpoint (${N} requests each, after 20 warm-up) | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|`);
  for (const [name, run] of cases) {
    for (let i = 0; i < 20; i++) await run();
    const ts: number[] = [];
    for (let i = 0; i < N; i++) {
      const s = performance.now();
      const r = await run();
      ts.push(performance.now() - s);
      if (r.statusCode !== 200) throw new Error(`${name}: ${r.statusCode}`);
    }
    console.log(`| ${name} | ${pct(ts, 50).toFixed(2)} | ${pct(ts, 99).toFixed(2)} | ${Math.max(...ts).toFixed(2)} |`);
  }
  await app.close();
} finally {
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
