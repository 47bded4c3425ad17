// The API benches' city: 20 agencies of 1,700 assets each (34,000), three open findings per asset
// (102,000), ratings and 90 days of dashboard snapshots — what tests/api/bench.ts (one request at a time)
// and tests/api/bench-load.ts (200 concurrent HTTP clients against `perisai serve`) measure against.

import { addDays, dayKey, DEFAULT_TIME_ZONE } from '../../src/domain/calendar.js';
import { DEFAULT_RISK_RULES } from '../../src/domain/risk.js';
import type { Store } from '../../src/store/index.js';

export interface BenchCity {
  readonly cityId: string;
  readonly agencies: readonly string[];
  readonly assets: number;
  readonly openFindings: number;
}

export async function seedBenchCity(store: Store, opts: { agencies?: number; perAgency?: number } = {}): Promise<BenchCity> {
  const nAgencies = opts.agencies ?? 20;
  const perAgency = opts.perAgency ?? 1700;
  const city = await store.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
  const agencies: string[] = [];
  for (let i = 0; i < nAgencies; i++) agencies.push((await store.agencies.create('all', { kind: 'opd', code: `OPD-${i}`, name: `OPD ${i}`, parentId: city.id })).id);
  const critical = DEFAULT_RISK_RULES.find((r) => r.id === 'ms17-010-vulnerable')!;
  const unknown = DEFAULT_RISK_RULES.find((r) => r.id === 'ms17-010-unchecked')!;
  for (const [ai, agencyId] of agencies.entries()) {
    // Most hosts answered on SMB at their last scan (the dashboard's smbOpen), some did not.
    const hosts = Array.from({ length: perAgency }, (_, h) => ({ ip: `10.${ai}.${h >> 8}.${h & 255}`, smbOpen: h % 5 !== 0 }));
    const up = await store.assets.upsertObserved('all', { agencyId, hosts });
    await store.transaction(async (tx) => {
      for (const [i, u] of up.entries()) await tx.assets.setRisk('all', u.assetId, i % 10 === 0 ? { rating: 'unknown', matched: [unknown] } : { rating: 'critical', matched: [critical] });
    });
    await store.findings.applyScan({
      jobId: `bench-${ai}`,
      assets: up.map((u, i) => ({
        assetId: u.assetId, agencyId,
        scan: {
          closedPorts: [],
          signals: [
            { ruleId: 'ms17-010', port: 445, title: { id: 'MS17-010', en: 'MS17-010' }, input: { kind: 'detected' as const, severity: 'critical' as const } },
            { ruleId: 'exposure-smb', port: 445, title: { id: 'SMB', en: 'SMB' }, input: { kind: 'detected' as const, severity: 'high' as const } },
            { ruleId: i % 2 === 0 ? 'smbv1' : 'doublepulsar', port: 445, title: { id: 'x', en: 'x' }, input: { kind: 'detected' as const, severity: i % 2 === 0 ? 'medium' as const : 'critical' as const } },
          ],
        },
      })),
    });
  }
  // The trend's history: 90 days of daily snapshots (what the housekeeping of `perisai serve` writes).
  const today = dayKey(new Date(), DEFAULT_TIME_ZONE);
  for (let i = 90; i >= 1; i--) await store.dashboard.recordDay(addDays(today, -i));
  await store.maintain();
  const counts = await store.findings.counts('all');
  return { cityId: city.id, agencies, assets: nAgencies * perAgency, openFindings: counts.byStatus.open };
}
