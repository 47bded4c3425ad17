// A small city for the store tests: Pemkot → Dinkes → RSUD, Puskesmas; Pemkot → Disdik → SMPN 3;
// Pemkot → Disdukcapil. Networks on the documentation/benchmark ranges only.

import type { Store } from '../../src/store/index.js';
import type { Agency } from '../../src/domain/agency.js';

export interface City {
  readonly city: Agency;
  readonly dinkes: Agency;
  readonly rsud: Agency;
  readonly puskesmas: Agency;
  readonly disdik: Agency;
  readonly smp: Agency;
  readonly capil: Agency;
}

export async function seedCity(store: Store): Promise<City> {
  const a = store.agencies;
  const city = await a.create('all', { kind: 'city', code: 'KOTA', name: 'Pemerintah Kota Contoh' });
  const dinkes = await a.create('all', { kind: 'opd', code: 'DINKES', name: 'Dinas Kesehatan', parentId: city.id });
  const rsud = await a.create('all', { kind: 'hospital', code: 'RSUD', name: 'RSUD Kota', parentId: dinkes.id });
  const puskesmas = await a.create('all', { kind: 'puskesmas', code: 'PKM-UTARA', name: 'Puskesmas Utara', parentId: dinkes.id });
  const disdik = await a.create('all', { kind: 'opd', code: 'DISDIK', name: 'Dinas Pendidikan', parentId: city.id });
  const smp = await a.create('all', { kind: 'school', code: 'SMPN-3', name: 'SMP Negeri 3', parentId: disdik.id });
  const capil = await a.create('all', { kind: 'opd', code: 'DISDUKCAPIL', name: 'Dinas Kependudukan dan Pencatatan Sipil', parentId: city.id });
  return { city, dinkes, rsud, puskesmas, disdik, smp, capil };
}

export const AUTH = { authorisedBy: 'Kepala Diskominfo (SE 555/12/2025)', authorisedAt: '2025-05-01T02:00:00.000Z' };

import { factsFromObservations, rateAfterScan } from '../../src/domain/risk.js';
import type { AssetFacts, Vantage } from '../../src/domain/risk.js';
import { ratingCoverage } from '../../src/worker/finalize.js';
import { findingSignals } from '../../src/domain/finding-signals.js';
import type { AssetScanSignals } from '../../src/domain/finding-signals.js';
import type { ApplyScanResult } from '../../src/store/index.js';

/**
 * What the worker's finalize step does after a job (src/worker/finalize.ts), composed from
 * the store and the domain: hosts that answered become/refresh assets, their scan signals drive the
 * findings lifecycle, and then they get a risk rating (from their open findings and, rule by rule, the
 * last scan that looked). Hosts that did not answer are left alone.
 */
export async function finalizeJob(store: Store, jobId: string, agencyId: string, vantage: Vantage, at?: string): Promise<ApplyScanResult> {
  const job = await store.scans.getJob('all', jobId);
  const assets: { assetId: string; agencyId: string; scan: AssetScanSignals }[] = [];
  const rated: { assetId: string; facts: AssetFacts }[] = [];
  for await (const h of store.observations.byHost('all', jobId)) {
    const up = h.observations.some((o) => (o.type === 'host' && o.state === 'up') || (o.type === 'port' && o.state !== 'filtered'));
    if (!up) continue;
    const host = h.observations.find((o) => o.type === 'host');
    const facts = factsFromObservations(h.observations, vantage);
    const [u] = await store.assets.upsertObserved('all', {
      agencyId, jobId,
      hosts: [{ ip: h.ip, ...(host?.type === 'host' ? { mac: host.mac ?? null, netbiosName: host.netbiosName ?? null, dnsName: host.dnsName ?? host.hostname ?? null } : {}), os: facts.os ?? null, smb: facts.smb ?? null }],
      ...(at !== undefined ? { at } : {}),
    });
    rated.push({ assetId: u!.assetId, facts });
    assets.push({ assetId: u!.assetId, agencyId, scan: findingSignals(h.observations, facts, jobId) });
  }
  const result = await store.findings.applyScan({ jobId, assets, ...(at !== undefined ? { at } : {}) });
  const ids = rated.map((r) => r.assetId);
  const previous = await store.assets.riskRulesOf('all', ids);
  const open = await store.findings.openSeveritiesOf('all', ids);
  for (const r of rated) {
    await store.assets.setRisk('all', r.assetId, rateAfterScan({ ...r.facts, openFindings: open.get(r.assetId) ?? [] }, ratingCoverage({ ...job, vantage }), previous.get(r.assetId) ?? []));
  }
  return result;
}
