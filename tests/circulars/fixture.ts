// Circular data for the API fixture's agencies (tests/api/fixture.ts), for the authorisation matrix and
// the bad-input sweep: per agency, a circular sent to that agency only, with a link, an answer, an
// evidence file, a campaign with its gate and a situation report sent to the head of office, a weekly card
// issued for it — then closed, so that its board event stream ends at once. Plus one city-wide weekly
// report-card schedule. Plus the letter content the circular tests share (the WannaCry template with the
// office's placeholders filled in).

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { boardView, sitrepMessage } from '../../src/api/circular-service.js';
import { storeFile } from '../../src/api/photos.js';
import { EVIDENCE_DIR } from '../../src/api/evidence.js';
import { validateAnswer } from '../../src/domain/circular.js';
import type { CircularContent } from '../../src/domain/circular.js';
import { BUILTIN_CIRCULAR_TEMPLATES, WANNACRY_2017 } from '../../src/domain/circulars/wannacry-2017.js';
import { DEFAULT_REPORT_SCHEDULE } from '../../src/domain/office.js';
import { agencyReportCard, cityReportRollup } from '../../src/io/report-card.js';
import type { NewIssuedCard } from '../../src/store/index.js';
import type { World } from '../api/fixture.js';

const HEAD = { name: 'Ir. Budi Hartono', position: 'Kepala Dinas Kominfo', email: 'kadis@kota.go.id' };

/** The WannaCry template as an office would send it: its [PLACEHOLDERS] filled in. */
export function cityContent(over: Partial<CircularContent> = {}): CircularContent {
  const c = WANNACRY_2017.content;
  return {
    ...c,
    issuer: { ...c.issuer, government: 'PEMERINTAH KOTA CONTOH', address: 'Jl. Merdeka No. 1, Kota Contoh', place: 'Contoh', email: 'diskominfo@kota.go.id' },
    addressee: { id: 'Kepala Perangkat Daerah di Lingkungan Pemerintah Kota Contoh', en: 'Heads of the agencies of the City Government of Contoh' },
    signatory: { ...c.signatory, name: 'Drs. Budi Santoso, M.Si.', onBehalfOf: { id: 'a.n. WALI KOTA CONTOH', en: 'on behalf of THE MAYOR OF CONTOH' }, nip: '19700101 199003 1 001', rank: 'Pembina Utama Muda (IV/c)' },
    tembusan: [{ title: 'Wali Kota Contoh (sebagai laporan)', email: 'walikota@kota.go.id' }, { title: 'Sekretaris Daerah Kota Contoh', email: 'sekda@kota.go.id' }],
    ...over,
  };
}

export interface CircularData {
  readonly circularId: string;
  readonly linkId: string;
  readonly token: string;
  readonly evidenceId: string;
  readonly campaignId: string;
  readonly sitrepId: string;
  /** The agency's card issued by the weekly schedule. */
  readonly issuedCardId: string;
}

export interface CircularWorld {
  readonly byAgency: Readonly<Record<string, CircularData>>;
  readonly templateId: string;
  /** A weekly report-card schedule (city-wide data of the office). */
  readonly scheduleId: string;
}

export async function seedCirculars(w: World, dataDir: string): Promise<CircularWorld> {
  const store = w.store;
  await store.circulars.ensureBuiltIns(BUILTIN_CIRCULAR_TEMPLATES);
  const byAgency: Record<string, CircularData> = {};
  for (const d of Object.values(w.data)) {
    const c = await store.circulars.create({ content: cityContent({ audience: { kind: 'list', agencyIds: [d.agencyId] } }) }, 'fixture');
    await store.circulars.send(c.id, { agencyIds: [d.agencyId], by: 'fixture', message: (r) => ({ topic: 'circular.sent', dedupKey: `circular.sent:${c.id}:${r.agencyId}:v${r.version}`, agencyId: r.agencyId, payload: {} }) });
    const token = randomBytes(32).toString('base64url');
    const link = await store.circulars.createLink(c.id, d.agencyId, createHash('sha256').update(token).digest('hex'), new Date(Date.now() + 14 * 86_400_000).toISOString(), 'fixture');
    const sent = await store.circulars.get(c.id);
    const item = sent.content.items.find((i) => i.code === 'ms17-010')!;
    await store.circulars.answer(c.id, d.agencyId, 'ms17-010', validateAnswer(item, { status: 'done', os: '7-2008r2', kbs: ['KB4012212'] }, { circularStatus: 'sent', now: new Date() }), { actor: 'fixture', via: 'user' });
    const bytes = Buffer.from(`Firewall ${d.agencyId}: deny tcp any any eq 445\n`, 'utf8');
    const stored = await storeFile(dataDir, bytes, 'txt', EVIDENCE_DIR);
    const ev = await store.circulars.addEvidence({ circularId: c.id, agencyId: d.agencyId, itemCode: 'block-ports', sha256: stored.sha256, contentType: 'text/plain; charset=utf-8', size: stored.size, originalName: 'firewall.txt', path: stored.path, uploadedBy: 'fixture' });
    const camp = await store.circulars.startCampaign(c.id, { profile: 'ransomware', rules: ['ms17-010', 'doublepulsar'], by: 'fixture', windowOverride: false, overrideReason: null });
    const board = await boardView(store, c.id, 'all', new Date());
    const sitrep = await store.circulars.createSitrep(camp.id, board, 'fixture');
    await store.circulars.sendSitrep(sitrep.id, HEAD, 'fixture', sitrepMessage(sent, camp.id, { ...sitrep, snapshot: board }, HEAD, 1));
    await store.circulars.close(c.id, 'fixture');
    byAgency[d.agencyId] = { circularId: c.id, linkId: link.id, token, evidenceId: ev.id, campaignId: camp.id, sitrepId: sitrep.id, issuedCardId: '' };
  }
  await store.office.saveSettings({ headOfOffice: HEAD }, 'fixture');
  const schedule = await store.office.createSchedule({ circularId: null, ...DEFAULT_REPORT_SCHEDULE }, new Date(Date.now() - 60_000).toISOString(), 'fixture');
  // One run of it, issuing each agency's card (and the roll-up), as the sweep would.
  const asOf = new Date().toISOString();
  const since = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const cards: NewIssuedCard[] = [];
  for (const d of Object.values(w.data)) {
    const id = randomUUID();
    cards.push({ id, circularId: null, agencyId: d.agencyId, kind: 'agency', asOf, previousId: null, card: await agencyReportCard(store, 'all', d.agencyId, { asOf, since }), sentTo: [] });
    byAgency[d.agencyId] = { ...byAgency[d.agencyId]!, issuedCardId: id };
  }
  cards.push({ id: randomUUID(), circularId: null, agencyId: null, kind: 'city', asOf, previousId: null, card: await cityReportRollup(store, 'all', { asOf, since }), sentTo: [] });
  await store.office.recordRun(schedule.id, schedule.nextRunAt!, new Date(Date.now() + 7 * 86_400_000).toISOString(), cards, []);
  const templateId = (await store.circulars.listTemplates())[0]!.id;
  return { byAgency, templateId, scheduleId: schedule.id };
}
