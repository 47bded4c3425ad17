// Incident data for every agency of the API fixture (tests/api/fixture.ts), for the authorisation
// matrix: a report (with a photo stored under `dataDir`) opened as an incident that touches personal data,
// classified so that the WannaCry playbook is attached.

import { createHash, randomBytes } from 'node:crypto';
import { cleanPhoto, storeFile } from '../../src/api/photos.js';
import { reportReference, validateReportInput } from '../../src/domain/incident.js';
import { RANSOMWARE_WANNACRY } from '../../src/domain/playbooks/ransomware-wannacry.js';
import type { Store } from '../../src/store/index.js';
import type { World } from '../api/fixture.js';
import type { City } from '../store/fixtures.js';
import { tinyJpeg } from './helpers.js';

export interface IncidentData {
  readonly incidentId: string;
  readonly number: string;
  readonly reportId: string;
  readonly reference: string;
  readonly photoId: string;
  readonly runId: string;
}

export interface IncidentWorld {
  /** By agency id. */
  readonly byAgency: Readonly<Record<string, IncidentData>>;
  readonly playbookId: string;
}

export async function seedIncidents(w: World, dataDir: string): Promise<IncidentWorld> {
  const store = w.store;
  await store.playbooks.ensureBuiltIns([RANSOMWARE_WANNACRY]);
  const byAgency: Record<string, IncidentData> = {};
  for (const d of Object.values(w.data)) {
    const agency = await store.agencies.get('all', d.agencyId);
    const v = validateReportInput({ unitCode: agency.code, symptoms: ['ransom-screen'], computers: '1', services: ['registration'], manualFallback: 'yes', actionsTaken: [], reporterName: `Pelapor ${agency.code}`, reporterWhatsapp: '081234567890' }, new Date());
    const report = await store.incidentReports.create({
      ...v, agencyId: d.agencyId, reference: reportReference('2025-06-02', randomBytes(5)), tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      tokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(), channel: 'web',
    });
    const photo = await cleanPhoto(tinyJpeg());
    const stored = await storeFile(dataDir, photo.bytes, photo.ext);
    const p = await store.incidentReports.addPhoto(report.id, { sha256: stored.sha256, contentType: photo.contentType, size: stored.size, width: photo.width, height: photo.height, originalName: 'layar.jpg', path: stored.path, removed: photo.removed, uploadedBy: 'reporter' });
    const inc = await store.incidents.create('all', { agencyId: d.agencyId, title: `Ransomware ${agency.code}`, createdBy: 'fixture', fromReportId: report.id, classification: 'malicious-code:ransomware', personalData: true, vital: true, sector: 'health' });
    await store.incidents.linkAssets('all', inc.id, d.assetIds, 'asset', 'fixture');
    const [run] = await store.playbooks.runs('all', inc.id);
    byAgency[d.agencyId] = { incidentId: inc.id, number: inc.number, reportId: report.id, reference: report.reference, photoId: p.id, runId: run!.id };
  }
  const playbookId = (await store.playbooks.list())[0]!.id;
  return { byAgency, playbookId };
}

/** A report stored straight through the repository (no form, no challenge), for store-level tests. */
export async function storeReport(store: Store, city: City, over: Partial<Parameters<typeof validateReportInput>[0]> = {}, agencyId = city.rsud.id) {
  const v = validateReportInput({
    unitCode: 'RSUD', symptoms: ['ransom-screen'], computers: '2-5', services: ['registration'], manualFallback: 'yes', actionsTaken: ['unplugged-cable'],
    location: 'PC loket 2', reporterName: 'Sri', reporterWhatsapp: '081234567890', ...over,
  }, new Date(Date.now() + 86_400_000));
  const token = randomBytes(32).toString('base64url');
  const report = await store.incidentReports.create({
    ...v, agencyId, reference: reportReference('2025-06-02', randomBytes(5)), tokenHash: createHash('sha256').update(token).digest('hex'),
    tokenExpiresAt: '2025-08-31T01:00:00.000Z', channel: 'web',
  });
  return { report, token };
}
