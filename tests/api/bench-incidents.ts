// A performance check (not a timed test) of the incident queues with 10,000 incidents and 10,000 reports in
// the store (target: queue p99 < 100 ms on both dialects). Seeds 20 agencies, 10k incidents (one report
// each, with its timeline) and 10k reports waiting for triage, then times requests through the whole HTTP
// stack (app.inject: routing, the access plugin's session lookup, validation, store, serialisation).
//
//   npx tsx tests/api/bench-incidents.ts [--postgres | --url sqlite:bench.db | --url postgres://…] [--requests 300]
//
// --postgres starts a private server from Debian's binaries (tests/store/pg-server.ts).

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/api/app.js';
import { reportReference, validateReportInput } from '../../src/domain/incident.js';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { login, makeUser } from './fixture.js';
import { timeGets } from './bench-util.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, postgres: { type: 'boolean', default: false }, requests: { type: 'string', default: '300' } } });
const dir = mkdtempSync(join(tmpdir(), 'perisai-incident-bench-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);
const N = Number(values.requests);

const store = await createStore({ url });
try {
  const t0 = performance.now();
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
  const agencies: { id: string; code: string }[] = [];
  for (let i = 0; i < 20; i++) agencies.push(await store.agencies.create('all', { kind: 'opd', code: `OPD-${i}`, name: `OPD ${i}`, parentId: city.id }));
  const valid = validateReportInput({ unitCode: 'X', symptoms: ['ransom-screen'], computers: '1', services: ['registration'], manualFallback: 'yes', actionsTaken: ['unplugged-cable'], location: 'PC loket', reporterName: 'Pelapor', reporterWhatsapp: '081234567890' }, new Date());
  let n = 0;
  // References carry their day; spread over a year as real ones would be (a day holds 32^5 of them).
  const day = () => new Date(Date.UTC(2025, 0, 1) + (n++ % 365) * 86_400_000).toISOString().slice(0, 10);
  const report = (agencyId: string) => ({
    ...valid, agencyId, reference: reportReference(day(), randomBytes(5)), tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
    tokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(), channel: 'web' as const,
  });
  const PER_BATCH = 250;
  for (let b = 0; b < 10_000 / PER_BATCH; b++) {
    await store.transaction(async (tx) => {
      for (let k = 0; k < PER_BATCH; k++) {
        const a = agencies[(b * PER_BATCH + k) % agencies.length]!;
        const r = await tx.incidentReports.create(report(a.id));
        const inc = await tx.incidents.create('all', { agencyId: a.id, title: `Insiden ${b}-${k}`, createdBy: 'bench', fromReportId: r.id, classification: k % 3 === 0 ? 'malicious-code:ransomware' : 'fraud:phishing' });
        if (k % 4 === 0) await tx.incidents.setPhase('all', inc.id, 'containment', 'bench');
        await tx.incidentReports.create(report(a.id)); // one more waiting in the triage queue
      }
    });
  }
  await store.maintain();
  const seeded = performance.now() - t0;
  const admin = await makeUser(store, 'admin', 'admin');
  void admin;
  await makeUser(store, 'petugas', 'officer', agencies[3]!.id);
  const app = await buildApp({ store, rateLimit: false, incidents: { dataDir: dir } });
  const a = await login(app, 'admin');
  const o = await login(app, 'petugas');
  const first = (await a.req('GET', '/api/v1/incidents?limit=50')).json() as { items: { id: string }[]; next: string };
  let cursor = first.next;
  for (let i = 0; i < 40; i++) cursor = ((await a.req('GET', `/api/v1/incidents?limit=50&cursor=${cursor}`)).json() as { next: string }).next;
  const one = first.items[7]!.id;

  const endpoints: [string, typeof a, string][] = [
    ['GET /incidents?open=true&limit=50 (admin, first page)', a, '/api/v1/incidents?open=true&limit=50'],
    ['GET /incidents?limit=50&cursor=… (admin, page 42)', a, `/api/v1/incidents?limit=50&cursor=${cursor}`],
    ['GET /incidents?phase=containment (admin)', a, '/api/v1/incidents?phase=containment&limit=50'],
    ['GET /incidents?open=true (officer, one agency)', o, '/api/v1/incidents?open=true&limit=50'],
    ['GET /incident-reports?status=new (admin)', a, '/api/v1/incident-reports?status=new&limit=50'],
    ['GET /incident-reports?status=new (officer)', o, '/api/v1/incident-reports?status=new&limit=50'],
    ['GET /incidents/:id (admin, the incident page)', a, `/api/v1/incidents/${one}`],
  ];
  process.stdout.write(`store ${store.dialect}: seeded 20 agencies, 10,000 incidents, 20,000 reports in ${(seeded / 1000).toFixed(1)} s; ${N} requests per endpoint after 20 warm-up\n`);
  await timeGets(endpoints, N);
  await app.close();
} finally {
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
