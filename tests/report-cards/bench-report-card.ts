// A performance check (not a timed test) of one agency's report card with 5,000 findings (target: the PDF
// in < 2 s, recorded in docs/performance.md, "Performance of the printed documents"). Seeds an agency with 1,000 hosts × 4 findings opened by a
// scan 60 days ago, a second scan 20 days ago that fixes MS17-010 on 200 of them and finds 1,000 new ones
// on other hosts,
// two networks and a 10-item checklist; then times, from the store to the bytes, the card (store reads +
// figures), its PDF and its XLSX, several rounds.
//
//   npx tsx tests/report-cards/bench-report-card.ts [--postgres | --url sqlite:bench.db | --url postgres://…] [--rounds 7]
//
// --postgres starts a private server from Debian's binaries (tests/store/pg-server.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { FindingSignal } from '../../src/domain/finding-signals.js';
import type { CardChecklistRow } from '../../src/domain/report-card.js';
import { reportCardPdf } from '../../src/io/pdf/report-card.js';
import { agencyReportCard } from '../../src/io/report-card.js';
import { reportCardXlsx } from '../../src/io/report-card-sheet.js';
import { createStore } from '../../src/store/index.js';
import { startPostgres } from '../store/pg-server.js';
import { completedScan, DAY, detected, fixed, network } from './seed.js';

const { values } = parseArgs({ options: { url: { type: 'string' }, postgres: { type: 'boolean', default: false }, rounds: { type: 'string', default: '7' } } });
const dir = mkdtempSync(join(tmpdir(), 'perisai-card-bench-'));
const pg = values.postgres ? await startPostgres() : undefined;
const url = pg !== undefined ? await pg.createDatabase('bench') : (values.url ?? `sqlite://${join(dir, 'bench.db')}`);
const NOW = Date.parse('2025-07-01T03:00:00.000Z');
const day = (n: number) => new Date(NOW + n * DAY).toISOString();
// A movable clock (not tests/store/harness.ts: importing it would register its test hooks here).
let clockAt = Date.parse(day(-60));
const clock = { now: () => new Date(clockAt), set: (iso: string) => void (clockAt = Date.parse(iso)) };

const store = await createStore({ url, clock: clock.now });
try {
  const t0 = performance.now();
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
  const rsud = await store.agencies.create('all', { kind: 'hospital', code: 'RSUD', name: 'RSUD Kota', parentId: city.id });
  await network(store, rsud.id, '198.18.0.0/20');
  await network(store, rsud.id, '198.18.16.0/22');
  const ip = (h: number) => `198.18.${h >> 8}.${h & 255}`;
  const hosts = Array.from({ length: 2000 }, (_, h) => ip(h + 1));
  const up = await store.assets.upsertObserved('all', { agencyId: rsud.id, hosts: hosts.map((x) => ({ ip: x })) });
  const byIp = new Map(up.map((u) => [u.ip, u.assetId]));
  const apply = async (jobId: string, at: string, signals: (i: number) => FindingSignal[] | null) => {
    const assets = hosts.flatMap((x, i) => { const s = signals(i); return s === null ? [] : [{ assetId: byIp.get(x)!, agencyId: rsud.id, scan: { closedPorts: [], signals: s } }]; });
    for (let k = 0; k < assets.length; k += 500) await store.findings.applyScan({ jobId, at, assets: assets.slice(k, k + 500) });
  };
  const four = [detected('ms17-010', 'critical'), detected('smbv1', 'medium'), detected('exposure-smb', 'high'), detected('smb-signing', 'low')];
  const j1 = await completedScan(store, rsud.id, ['198.18.0.0/20']);
  await apply(j1, day(-60), (i) => (i < 1000 ? four : null));
  clock.set(day(-20));
  const j2 = await completedScan(store, rsud.id, ['198.18.0.0/20', '198.18.16.0/22']);
  // A fifth of the first hosts patched; 1,000 other hosts found with SMB exposure.
  await apply(j2, day(-20), (i) => (i < 200 ? [fixed('ms17-010')] : i >= 1000 ? [detected('exposure-smb', 'high')] : null));
  clock.set(day(0));
  const counts = await store.findings.counts('all');
  const total = Object.values(counts.byStatus).reduce((a, b) => a + b, 0);
  console.log(`seeded ${total} findings (${counts.byStatus.open} open) on ${store.dialect} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const checklist: CardChecklistRow[] = Array.from({ length: 10 }, (_, i) => ({
    agencyId: rsud.id, code: `item-${i}`, title: { id: `Butir ${i}`, en: `Item ${i}` }, required: i < 6, checkable: i % 2 === 0, status: 'done',
    verification: i % 2 === 0 ? (i === 4 ? 'contradicted' : 'verified') : 'unverifiable', complete: i !== 4, hosts: i === 4 ? ['198.18.0.20'] : [],
  }));
  const request = { asOf: day(0), since: day(-30), checklist, acknowledgements: [{ agencyId: rsud.id, sentAt: day(-30), acknowledgedAt: day(-29) }] };
  const rounds = Number(values.rounds);
  const times = { card: [] as number[], pdf: [] as number[], xlsx: [] as number[], total: [] as number[] };
  let size = 0;
  for (let r = 0; r < rounds; r++) {
    const a = performance.now();
    const card = await agencyReportCard(store, 'all', rsud.id, request);
    const b = performance.now();
    const pdf = await reportCardPdf(card);
    const c = performance.now();
    await reportCardXlsx(card);
    const d = performance.now();
    times.card.push(b - a); times.pdf.push(c - b); times.xlsx.push(d - c); times.total.push(c - a);
    size = pdf.length;
    if (r === 0) console.log(`card: ${card.exposure.now.total} open, ${card.remediationDays.n} remediations, ${size} bytes of PDF`);
  }
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const max = (xs: number[]) => Math.max(...xs);
  console.log(`| ${store.dialect} | ${med(times.card).toFixed(0)} | ${med(times.pdf).toFixed(0)} | **${med(times.total).toFixed(0)}** / ${max(times.total).toFixed(0)} (first ${times.total[0]!.toFixed(0)}) | ${med(times.xlsx).toFixed(0)} |`);
} finally {
  await store.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
}
