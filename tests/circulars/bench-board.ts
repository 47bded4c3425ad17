// A performance check (not a timed test) of the circular board: 50 agencies × 10 checklist items with
// 100,000 findings in the store (target: GET /api/v1/circulars/{id}/board p99 < 100 ms on both dialects).
// Seeds 50 agencies with a /23 each (data only: nothing is scanned), 500 assets per agency with four open
// findings each (ms17-010, smbv1, exposure-smb, doublepulsar), a circular of ten items sent to all of them,
// every agency's answers (verification recomputed against its findings), a campaign with its gates; then
// times requests through the whole HTTP stack (app.inject: routing, session, scope, store, serialisation);
// then the circular's roll-up report card and one weekly run of a report-card schedule over the same data.
//
//   npx tsx tests/circulars/bench-board.ts [--postgres | --url sqlite:bench.db | --url postgres://…] [--requests 300]
//
// --postgres starts a private server from Debian's binaries (tests/store/pg-server.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/api/app.js';
import { SCAN_RULES, validateAnswer, validateContent } from '../../src/domain/circular.js';
import type { ChecklistItem } from '../../src/domain/circular.js';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { AUTH } from '../store/fixtures.js';
import { login, makeUser } from '../api/fixture.js';
import { pct, timeGets } from '../api/bench-util.js';
import { issueScheduled } from '../../src/api/report-schedule.js';
import { DEFAULT_REPORT_SCHEDULE } from '../../src/domain/office.js';
import { rollupPdf } from '../../src/io/pdf/report-card.js';
import { circularRollup } from '../../src/io/report-card.js';
import { cityContent } from './fixture.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, postgres: { type: 'boolean', default: false }, requests: { type: 'string', default: '300' } } });
const dir = mkdtempSync(join(tmpdir(), 'perisai-board-bench-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);
const N = Number(values.requests);
const AGENCIES = 50;
const ASSETS = 500;
const RULES = [['ms17-010', 'critical'], ['smbv1', 'medium'], ['exposure-smb', 'high'], ['doublepulsar', 'critical']] as const;

const store = await createStore({ url });
try {
  const t0 = performance.now();
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
  const agencies: string[] = [];
  const networks: string[] = [];
  for (let i = 0; i < AGENCIES; i++) {
    const a = await store.agencies.create('all', { kind: 'opd', code: `OPD-${i}`, name: `OPD ${i}`, parentId: city.id });
    networks.push((await store.networks.add('all', { agencyId: a.id, cidr: `198.18.${2 * i}.0/23`, ...AUTH })).id);
    agencies.push(a.id);
  }
  // Ten items: the WannaCry template's eight and two more of the office's own.
  const base = cityContent({ audience: { kind: 'list', agencyIds: agencies } });
  const extra = (code: string): ChecklistItem => ({ ...base.items[1]!, code, title: { id: `Butir tambahan ${code}`, en: `Extra item ${code}` } });
  const content = validateContent({ ...base, items: [...base.items, extra('macro-off'), extra('pic-named')] });
  const c = await store.circulars.create({ content }, 'bench');
  await store.circulars.send(c.id, { agencyIds: agencies, by: 'bench', message: (r) => ({ topic: 'circular.sent', dedupKey: `circular.sent:${c.id}:${r.agencyId}:v${r.version}`, agencyId: r.agencyId, payload: {} }) });
  const sent = await store.circulars.get(c.id);
  const statuses = ['done', 'in-progress', 'done', 'not-applicable', 'todo', 'partially', 'done', 'done', 'done', 'cannot'] as const;
  for (const [i, agencyId] of agencies.entries()) {
    for (const [k, item] of content.items.entries()) {
      const status = statuses[(i + k) % statuses.length]!;
      const input = status === 'cannot' ? { status, reason: 'anggaran', targetDate: '2099-01-01' } : { status };
      await store.circulars.answer(c.id, agencyId, item.code, validateAnswer(item, input, { circularStatus: sent.status, now: new Date() }), { actor: 'bench', via: 'user' });
    }
    if (i % 2 === 0) await store.circulars.acknowledge(c.id, agencyId, { name: 'Kepala', position: 'Kepala Dinas', phone: null, via: 'link', actor: 'bench' });
  }
  // The scan after the answers: 500 hosts per agency with four open findings each, then what it said per
  // network and rule (as the finalize hook records it) and every agency re-verified — attested scan items
  // become contradicted with 500 hosts, as on the worst day of a campaign.
  const scannedAt = new Date(Date.now() + 1000).toISOString();
  for (const [i, agencyId] of agencies.entries()) {
    const hosts = Array.from({ length: ASSETS }, (_, k) => ({ ip: `198.18.${2 * i + (k >> 8)}.${k & 255}` }));
    const up = await store.assets.upsertObserved('all', { agencyId, hosts, at: scannedAt });
    await store.findings.applyScan({
      jobId: `seed-${i}`, at: scannedAt,
      assets: up.map((u) => ({
        assetId: u.assetId, agencyId,
        scan: { closedPorts: [], signals: RULES.map(([ruleId, severity]) => ({ ruleId, port: 445, title: { id: ruleId, en: ruleId }, input: { kind: 'detected' as const, severity, evidence: { seed: true } } })) },
      })),
    });
    await store.circulars.recordNetworkChecks(SCAN_RULES.map((ruleId) => ({ networkId: networks[i]!, agencyId, ruleId, jobId: `seed-${i}`, finishedAt: scannedAt, unknownIps: [] })));
    await store.circulars.verifyAgency(c.id, agencyId);
  }
  const camp = await store.circulars.startCampaign(c.id, { profile: 'ransomware', rules: ['ms17-010', 'doublepulsar'], by: 'bench', windowOverride: false, overrideReason: null });
  void camp;
  await store.maintain();
  const seeded = performance.now() - t0;

  await makeUser(store, 'admin', 'admin');
  await makeUser(store, 'petugas', 'officer', agencies[7]!);
  const app = await buildApp({ store, rateLimit: false, incidents: { dataDir: dir } });
  const a = await login(app, 'admin');
  const o = await login(app, 'petugas');
  const check = (await a.req('GET', `/api/v1/circulars/${c.id}/board`)).json() as { rows: { items: { verification: string; hosts: string[] }[] }[] };
  const contradicted = check.rows.flatMap((r) => r.items).filter((i) => i.verification === 'contradicted').length;
  const bytes = (await a.req('GET', `/api/v1/circulars/${c.id}/board`)).body.length;
  const endpoints: [string, typeof a, string][] = [
    ['GET /circulars/:id/board (admin, 50 agencies × 10 items)', a, `/api/v1/circulars/${c.id}/board`],
    ['GET /circulars/:id/board (officer, one agency)', o, `/api/v1/circulars/${c.id}/board`],
    ['GET /circulars/:id/answers?agencyId= (admin, one agency, hosts with evidence)', a, `/api/v1/circulars/${c.id}/answers?agencyId=${agencies[3]}`],
    ['GET /circulars/:id/recipients (admin)', a, `/api/v1/circulars/${c.id}/recipients`],
  ];
  process.stdout.write(`store ${store.dialect}: seeded ${AGENCIES} agencies, ${AGENCIES * ASSETS} assets, ${AGENCIES * ASSETS * RULES.length} open findings, ${AGENCIES * content.items.length} answers (${contradicted} contradicted; the board is ${(bytes / 1024).toFixed(0)} KiB) in ${(seeded / 1000).toFixed(1)} s; ${N} requests per endpoint after 20 warm-up\n`);
  // The store's part alone (the four reads), for comparison with the whole stack.
  const storeTimes: number[] = [];
  for (let i = 0; i < N + 20; i++) {
    const s = performance.now();
    await store.circulars.board(c.id, 'all');
    if (i >= 20) storeTimes.push(performance.now() - s);
  }
  process.stdout.write(`| store.circulars.board (all agencies, no HTTP) | ${pct(storeTimes, 50).toFixed(1)} / **${pct(storeTimes, 99).toFixed(1)}** |\n`);
  await timeGets(endpoints, N);
  await app.close();

  // The circular's report cards over the same data (docs/circulars.md "Report cards"), and one weekly run
  // of a schedule: every agency's card and the roll-up computed, stored and their messages queued.
  const r0 = performance.now();
  const rollup = await circularRollup(store, 'all', c.id, { asOf: new Date(Date.now() + 2000).toISOString() });
  const r1 = performance.now();
  const pdf = await rollupPdf(rollup);
  const r2 = performance.now();
  const schedule = await store.office.createSchedule({ circularId: c.id, ...DEFAULT_REPORT_SCHEDULE }, new Date().toISOString(), 'bench');
  const r3 = performance.now();
  await issueScheduled(store, schedule, new Date(Date.now() + 3000));
  const r4 = performance.now();
  const issued = await store.office.issuedCards({ circularId: c.id });
  process.stdout.write(`| circular roll-up (${rollup.agencies.length} agencies, ${rollup.city.exposure.now.total} open findings) | ${(r1 - r0).toFixed(0)} ms; its PDF ${(r2 - r1).toFixed(0)} ms (${(pdf.length / 1024).toFixed(0)} KiB) |\n`);
  process.stdout.write(`| one weekly run: ${issued.length} cards computed, stored, messages queued | ${((r4 - r3) / 1000).toFixed(1)} s |\n`);
} finally {
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
