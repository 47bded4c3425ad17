// A load check (not a timed test) of the public report form: 50 reports a second for 30 seconds over
// real HTTP on loopback (127.0.0.1), none lost. The server is `buildApp` listening on an ephemeral port,
// with the per-address and per-unit limits turned up for the test (one client address sends everything)
// and the proof of work ON at a low difficulty: every submission carries a challenge fetched from the
// server over HTTP and solved before the timed phase (verification, the server's part, is one HMAC and
// one insert whatever the difficulty). Requests are sent open-loop on a fixed schedule, not one after
// the other, so a slow answer does not slow the offered rate.
//
//   npx tsx tests/api/bench-reports.ts [--postgres | --url …] [--rate 50] [--seconds 30]

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { solveChallenge } from 'altcha-lib';
import type { Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { buildApp } from '../../src/api/app.js';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { seedCity } from '../store/fixtures.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, postgres: { type: 'boolean', default: false }, rate: { type: 'string', default: '50' }, seconds: { type: 'string', default: '30' } } });
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const TOTAL = RATE * SECONDS;
const dir = mkdtempSync(join(tmpdir(), 'perisai-report-bench-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

const store = await createStore({ url });
const app = await buildApp({
  store, rateLimit: { max: 1_000_000, timeWindowMs: 60_000 },
  incidents: {
    dataDir: dir,
    publicReports: {
      perAddress: { max: 1_000_000, windowMs: 60_000 }, perUnit: { max: 1_000_000, windowMs: 60_000 },
      pow: { minCounter: 200, maxCounter: 800, ttlMs: 30 * 60_000 },
    },
  },
});
try {
  const city = await seedCity(store);
  void city;
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const units = ['RSUD', 'PKM-UTARA', 'DINKES', 'DISDIK', 'SMPN-3', 'DISDUKCAPIL'];

  // Challenges over HTTP, solved as the browser would (untimed).
  const t0 = performance.now();
  const payloads: { challenge: Challenge; solution: unknown }[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const challenge = (await (await fetch(`${base}/api/v1/public/challenge`)).json()) as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey });
    payloads.push({ challenge, solution });
  }
  process.stdout.write(`store ${store.dialect}: ${TOTAL} challenges fetched and solved in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let inflight = 0;
  let maxInflight = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const body = JSON.stringify({
      altcha: payloads[i], unitCode: units[i % units.length], symptoms: ['ransom-screen'], computers: '2-5', services: ['registration'], manualFallback: 'yes',
      actionsTaken: ['unplugged-cable'], location: `PC loket ${i % 40}`, reporterName: `Pelapor ${i}`, reporterWhatsapp: `0812${String(10_000_000 + i)}`,
    });
    inflight++;
    maxInflight = Math.max(maxInflight, inflight);
    const s = performance.now();
    pending.push(fetch(`${base}/api/v1/public/reports`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body }).then(async (r) => {
      await r.arrayBuffer();
      latencies.push(performance.now() - s);
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }, () => {
      statuses.set(0, (statuses.get(0) ?? 0) + 1);
    }).finally(() => {
      inflight--;
    }));
  }
  const sent = performance.now() - start;
  await Promise.all(pending);
  const done = performance.now() - start;
  let stored = 0;
  let cursor: string | undefined;
  do {
    const page = await store.incidentReports.list('all', { limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
    stored += page.items.length;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  const outbox = (await store.outbox.list('all', { topic: 'incident.report-new', limit: 10_000 })).length;
  process.stdout.write(`offered ${TOTAL} reports at ${RATE}/s: sent over ${(sent / 1000).toFixed(1)} s, all answered after ${(done / 1000).toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}\n`);
  process.stdout.write(`latency p50 ${pct(latencies, 50).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; at most ${maxInflight} in flight\n`);
  process.stdout.write(`stored ${stored} reports, ${outbox} report-new alerts queued; lost ${TOTAL - stored}\n`);
  if (stored !== TOTAL || statuses.get(201) !== TOTAL) process.exitCode = 1;
} finally {
  await app.close();
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
