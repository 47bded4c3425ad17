// The office's mail on SQLite and PostgreSQL (docs/circulars.md "Weekly report cards", "Situation
// reports"), through the API, the circular sweep's schedule step and the real alert dispatcher, into a
// real SMTP server on 127.0.0.1 — with an injected clock, so a week passes in a line:
//  - a weekly schedule issues each audience agency's card and the city roll-up; the agency heads and the
//    head of office named in the settings receive them with the PDF attached (read back with pdftotext);
//    the next week's card compares with the stored one; a runner down for weeks sends one card, not a
//    backlog; bad schedules and settings are refused in both languages;
//  - a situation report goes to the head of office with its PDF, and every sending is recorded with its
//    version, sender and time; a version sent again reaches a newly named head.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { RULE_PRESETS } from '../../src/alerts/rules.js';
import { mailAttachments } from '../../src/api/office-mail.js';
import { runReportSchedules } from '../../src/api/report-schedule.js';
import { pdfText, screenshot } from '../../src/io/pdf/fixtures.js';
import type { Store } from '../../src/store/index.js';
import { drain, mailFiles, smtpChannel } from '../alerts/receivers.js';
import type { ReceivedMail, SmtpReceiver } from '../alerts/receivers.js';
import { login, seedWorld } from '../api/fixture.js';
import type { World } from '../api/fixture.js';
import { detected, fixed } from '../report-cards/seed.js';
import { storeSuite, testClock } from '../store/harness.js';
import { cityContent } from './fixture.js';

const receivers: SmtpReceiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
});

/** An e-mail channel to a fresh SMTP receiver, routed by the `circulars` preset. */
async function mailbox(store: Store): Promise<SmtpReceiver> {
  const smtp = await smtpChannel(store, 'surat-edaran', RULE_PRESETS.circulars!.topics);
  receivers.push(smtp);
  return smtp;
}

/** Deliver everything pending through the real dispatcher (with the PDFs the office's mails carry). */
function deliver(store: Store, clock: () => Date): Promise<void> {
  return drain(store, { clock, attachments: mailAttachments(store) });
}

/** The PDF text of the mail to `to` whose attachment is named like `file`. */
function pdfOf(mails: readonly ReceivedMail[], to: string, file: RegExp, shot?: string): string {
  const mail = mails.find((m) => m.to.includes(to) && mailFiles(m.raw).some((f) => file.test(f.filename)));
  assert.ok(mail !== undefined, `no mail to ${to} with ${file}: ${mails.map((m) => `${m.to.join(',')} [${mailFiles(m.raw).map((f) => f.filename).join(',')}]`).join('; ')}`);
  const f = mailFiles(mail.raw).find((x) => file.test(x.filename))!;
  assert.equal(f.contentType, 'application/pdf');
  if (shot !== undefined) screenshot(f.content, shot);
  return pdfText(f.content).replace(/\s+/g, ' ');
}

async function sentCircular(w: World, agencyIds: string[]): Promise<string> {
  const admin = await login(w.app, 'admin');
  const c = await admin.req('POST', '/api/v1/circulars', { content: cityContent({ audience: { kind: 'list', agencyIds } }) });
  assert.equal((await admin.req('POST', `/api/v1/circulars/${c.json().id}/send`)).statusCode, 200);
  return c.json().id as string;
}

function bilingual(res: { statusCode: number; json(): { error: { message: string; messageId: string } } }, id: RegExp): void {
  assert.equal(res.statusCode, 400, JSON.stringify(res.json()));
  assert.match(res.json().error.messageId, id);
  assert.notEqual(res.json().error.message, res.json().error.messageId);
}

storeSuite('the office\'s mail', (env) => {
  test('weekly report cards by schedule: issued, stored, mailed with their PDF to the agency heads and the head of office; the next week compares with the stored card', async () => {
    const clock = testClock('2025-06-04T01:00:00.000Z'); // a Wednesday
    const store = await env.open({ clock: clock.now });
    const w = await seedWorld(store, { clock: clock.now, rateLimit: false });
    try {
      const smtp = await mailbox(store);
      const { rsud, disdik } = w.data;
      await store.contacts.add('all', rsud.agencyId, { name: 'dr. Sari', role: 'head', email: 'kepala.rsud@kota.example' });
      await store.contacts.add('all', disdik.agencyId, { name: 'Drs. Anwar', role: 'head', email: 'kepala.disdik@kota.example' });
      let admin = await login(w.app, 'admin');

      // The head of office, through the settings form's route; bad input refused in both languages.
      bilingual(await admin.req('PUT', '/api/v1/office-settings', { headOfOffice: { name: ' ', position: 'Kepala Dinas' } }), /nama kepala dinas wajib diisi/);
      bilingual(await admin.req('PUT', '/api/v1/office-settings', { headOfOffice: { name: 'Ir. Budi', position: 'Kepala Dinas', email: 'bukan-surel' } }), /bukan alamat surel/);
      const set = await admin.req('PUT', '/api/v1/office-settings', { headOfOffice: { name: 'Ir. Budi Hartono', position: 'Kepala Dinas Kominfo', email: 'kadis@kota.example' } });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().updatedBy, 'admin');

      const id = await sentCircular(w, [rsud.agencyId, disdik.agencyId]);
      const schedule = { circularId: id, dayOfWeek: 1, hour: 7, toAgencyHeads: true, toOffice: true };
      bilingual(await admin.req('POST', '/api/v1/report-card-schedules', { ...schedule, toAgencyHeads: false, toOffice: false }), /pilih penerima rapor/);
      bilingual(await admin.req('POST', '/api/v1/report-card-schedules', { ...schedule, timeZone: 'Mars/Olympus' }), /bukan zona waktu IANA/);
      assert.equal((await admin.req('POST', '/api/v1/report-card-schedules', { ...schedule, dayOfWeek: 8 })).statusCode, 400);
      assert.equal((await store.office.schedules()).length, 0, 'nothing stored from the refusals');
      const created = await admin.req('POST', '/api/v1/report-card-schedules', schedule);
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual([created.json().timeZone, created.json().nextRunAt], ['Asia/Jakarta', '2025-06-09T00:00:00.000Z'], 'Monday 07:00 WIB');
      const officer = await login(w.app, 'petugas.dinkes');
      assert.equal((await officer.req('GET', '/api/v1/report-card-schedules')).statusCode, 403, 'city-wide data of the office');

      // Not due on Wednesday; due on Monday morning, once.
      assert.equal(await runReportSchedules(store, clock.now()), 0);
      clock.set('2025-06-09T00:00:30.000Z');
      assert.equal(await runReportSchedules(store, clock.now()), 1);
      assert.equal(await runReportSchedules(store, clock.now()), 0, 'one run per week');
      const first = await store.office.issuedCards({ circularId: id });
      assert.deepEqual(first.map((c) => c.kind).sort(), ['agency', 'agency', 'city']);
      assert.deepEqual(first.find((c) => c.kind === 'city')!.sentTo, ['kadis@kota.example']);
      assert.equal((await store.office.schedule(created.json().id)).nextRunAt, '2025-06-16T00:00:00.000Z');
      await deliver(store, clock.now);
      const rsudPdf = pdfOf(smtp.mails, 'kepala.rsud@kota.example', /^rapor-RSUD-2025-06-09\.pdf$/);
      for (const s of ['RAPOR KEAMANAN JARINGAN', 'RSUD Kota (RSUD)', '3. Daftar periksa surat edaran', 'Tidak ada rapor sebelumnya.']) assert.ok(rsudPdf.includes(s), `RSUD card: ${s}`);
      assert.ok(!smtp.mails.some((m) => m.to.includes('kepala.rsud@kota.example') && mailFiles(m.raw).some((f) => /DISDIK/.test(f.filename))), 'an agency head gets its own card only');
      pdfOf(smtp.mails, 'kepala.disdik@kota.example', /^rapor-DISDIK-2025-06-09\.pdf$/);
      const cityPdf = pdfOf(smtp.mails, 'kadis@kota.example', /^rapor-kota-2025-06-09\.pdf$/);
      assert.ok(cityPdf.includes('RAPOR KOTA') && cityPdf.includes('DISDIK') && cityPdf.includes('RSUD'));

      // During the week RSUD turns SMBv1 off; next Monday its card compares with the stored one.
      clock.set('2025-06-12T02:00:00.000Z');
      await store.findings.applyScan({ jobId: 'minggu-2', assets: [{ assetId: rsud.assetIds[0]!, agencyId: rsud.agencyId, scan: { closedPorts: [], signals: [fixed('smbv1'), detected('ms17-010', 'critical')] } }] });
      clock.set('2025-06-16T00:05:00.000Z');
      assert.equal(await runReportSchedules(store, clock.now()), 1);
      const week2 = (await store.office.issuedCards({ circularId: id })).filter((c) => c.asOf.startsWith('2025-06-16'));
      const rsudCard = week2.find((c) => c.agencyId === rsud.agencyId)!;
      assert.equal(rsudCard.previousId, first.find((c) => c.agencyId === rsud.agencyId)!.id);
      const body = (await store.office.issuedCard(rsudCard.id)).card as { trend: { previousId: string; open: number } };
      assert.deepEqual([body.trend.previousId, body.trend.open], [rsudCard.previousId, -1]);
      await deliver(store, clock.now);
      const again = pdfOf(smtp.mails, 'kepala.rsud@kota.example', /^rapor-RSUD-2025-06-16\.pdf$/);
      assert.ok(again.includes('(rapor tersimpan)') && again.includes('▼ -1'), `the trend against the stored card: ${again}`);

      // Down for three weeks: one card when it comes back, and the next Monday after now.
      clock.set('2025-07-08T03:00:00.000Z');
      assert.equal(await runReportSchedules(store, clock.now()), 1);
      assert.equal(await runReportSchedules(store, clock.now()), 0);
      assert.equal((await store.office.schedule(created.json().id)).nextRunAt, '2025-07-14T00:00:00.000Z');
      assert.equal((await store.office.issuedCards({ circularId: id })).length, 9);

      // The issued cards over the API: an officer reads its agencies' cards, never the roll-up.
      admin = await login(w.app, 'admin');
      const mine = await login(w.app, 'petugas.dinkes');
      const listed = (await mine.req('GET', `/api/v1/report-cards/issued?circularId=${id}`)).json().items as { id: string; agencyCode: string; kind: string }[];
      assert.deepEqual([...new Set(listed.map((c) => c.agencyCode))], ['RSUD']);
      const pdf = await mine.req('GET', `/api/v1/report-cards/issued/${rsudCard.id}/card.pdf`);
      assert.equal(pdf.statusCode, 200);
      assert.ok(pdfText(pdf.rawPayload).includes('RSUD Kota (RSUD)'));
      const city = week2.find((c) => c.kind === 'city')!;
      assert.equal((await mine.req('GET', `/api/v1/report-cards/issued/${city.id}/card.pdf`)).statusCode, 404);
      assert.equal((await admin.req('GET', `/api/v1/report-cards/issued/${city.id}/card.xlsx`)).statusCode, 200);
    } finally {
      await w.app.close();
    }
  });

  test('a situation report goes to the head of office with its PDF; every sending is recorded with version, sender and time', async () => {
    const clock = testClock('2025-06-04T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const w = await seedWorld(store, { clock: clock.now, rateLimit: false });
    try {
      const smtp = await mailbox(store);
      const id = await sentCircular(w, [w.data.rsud.agencyId, w.data.disdik.agencyId]);
      let admin = await login(w.app, 'admin');
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/campaign`, {})).statusCode, 201);
      // Nobody named yet: the report still goes out (to the channels' own recipients) and says so.
      const unnamed = await admin.req('POST', `/api/v1/circulars/${id}/campaign/sitreps`);
      assert.equal(unnamed.statusCode, 201, unnamed.body);
      assert.equal(unnamed.json().sends[0].to, null);
      await admin.req('PUT', '/api/v1/office-settings', { headOfOffice: { name: 'Ir. Budi Hartono', position: 'Kepala Dinas Kominfo', email: 'kadis@kota.example' } });
      clock.advance(3_600_000);
      admin = await login(w.app, 'admin'); // an hour idle ends a session
      const sitrep = await admin.req('POST', `/api/v1/circulars/${id}/campaign/sitreps`);
      const s = sitrep.json() as { id: string; version: number; sends: { to: { name: string; email: string }; sentBy: string; sentAt: string }[] };
      assert.deepEqual([s.version, s.sends[0]!.to.email, s.sends[0]!.sentBy, s.sends[0]!.sentAt], [2, 'kadis@kota.example', 'admin', '2025-06-04T02:00:00.000Z']);
      await deliver(store, clock.now);
      const text = pdfOf(smtp.mails, 'kadis@kota.example', /^laporan-situasi-2\.pdf$/, 'circular-sitrep');
      for (const x of ['LAPORAN SITUASI #2', 'Ir. Budi Hartono, Kepala Dinas Kominfo', 'Instansi sasaran 2', 'RSUD', 'DISDIK', 'terputus']) assert.ok(text.includes(x), `sitrep PDF: ${x} in ${text}`);

      // A new head of office; version 2 sent again reaches them, and the record keeps both sendings.
      await admin.req('PUT', '/api/v1/office-settings', { headOfOffice: { name: 'Dr. Rina Marlina', position: 'Plt. Kepala Dinas Kominfo', email: 'plt.kadis@kota.example' } });
      const analyst = await login(w.app, 'analis');
      const resent = await analyst.req('POST', `/api/v1/circulars/${id}/campaign/sitreps/${s.id}/send`);
      assert.equal(resent.statusCode, 200, resent.body);
      await deliver(store, clock.now);
      pdfOf(smtp.mails, 'plt.kadis@kota.example', /^laporan-situasi-2\.pdf$/);
      const list = (await admin.req('GET', `/api/v1/circulars/${id}/campaign/sitreps`)).json().items as { version: number; sends: { to: { email: string } | null; sentBy: string; deliveredAt: string | null }[] }[];
      const v2 = list.find((x) => x.version === 2)!;
      assert.deepEqual(v2.sends.map((x) => [x.to?.email, x.sentBy]), [['kadis@kota.example', 'admin'], ['plt.kadis@kota.example', 'analis']]);
      assert.ok(v2.sends.every((x) => x.deliveredAt !== null), 'both arrived');
      const officer = await login(w.app, 'petugas.dinkes');
      assert.equal((await officer.req('POST', `/api/v1/circulars/${id}/campaign/sitreps/${s.id}/send`)).statusCode, 403);
    } finally {
      await w.app.close();
    }
  });
});
