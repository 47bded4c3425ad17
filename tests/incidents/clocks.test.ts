// The incident clocks under an injected clock, on SQLite and PostgreSQL, delivered through a real channel
// (the local SMTP receiver of the alert tests): an IIV incident found at 01:00 warns of the BSSN deadline
// at 19:00 (6 h before) and breaches at 01:00 the next day, each once; the internal targets follow the
// settings; a report sent in time stops the clock; a new report and phase changes go out too.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { announceClocks } from '../../src/api/incident-sweep.js';
import { DEFAULT_INCIDENT_SETTINGS } from '../../src/domain/incident-report.js';
import type { Store } from '../../src/store/index.js';
import { drain, smtpChannel } from '../alerts/receivers.js';
import type { SmtpReceiver } from '../alerts/receivers.js';
import { seedCity } from '../store/fixtures.js';
import { storeSuite, testClock } from '../store/harness.js';
import { storeReport } from './fixture.js';

const receivers: SmtpReceiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
});

async function mailTo(store: Store): Promise<SmtpReceiver> {
  const smtp = await smtpChannel(store, 'insiden', ['incident.*']);
  receivers.push(smtp);
  return smtp;
}

/** Deliver everything pending through the channels; the subjects received since `from`. */
async function deliver(store: Store, smtp: SmtpReceiver, clock: () => Date, from: number): Promise<string[]> {
  await drain(store, { clock });
  return smtp.mails.slice(from).map((m) => {
    const s = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(m.raw)?.[1] ?? '';
    // RFC 2047 encoded words (nodemailer encodes the non-ASCII arrow and dashes).
    // Unfold (RFC 5322 §2.2.3: drop the CRLF, keep the space); whitespace between two encoded words is dropped (RFC 2047 §6.2).
    return s.replace(/\r\n([ \t])/g, '$1').replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, t: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(t, 'base64').toString('utf8') : Buffer.from(t.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  });
}

storeSuite('incident clocks', (env) => {
  test('BSSN 1×24 h: warned at 18 h, breached at 24 h, each once, by e-mail; internal targets from the settings', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    const smtp = await mailTo(store);
    await store.incidents.saveSettings({ ...DEFAULT_INCIDENT_SETTINGS, clocks: { acknowledgeMs: 20 * 60_000, firstResponseMs: 40 * 60_000, containmentMs: 30 * 3600_000, warnFraction: 0.25 } }, 'admin');
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'Ransomware RSUD', createdBy: 'analis', vital: true, sector: 'health', foundAt: '2025-06-02T01:00:00.000Z' });
    const at = async (iso: string) => {
      clock.set(iso);
      const n = smtp.mails.length;
      const announced = await announceClocks(store);
      return { announced, subjects: await deliver(store, smtp, clock.now, n) };
    };
    const fired = async () => [...await store.incidents.firedClockEvents(inc.id)].sort();

    assert.deepEqual((await at('2025-06-02T01:14:59.000Z')).announced, 0);
    // Acknowledge: due 01:20, warns in its last quarter (from 01:15).
    const ack = await at('2025-06-02T01:15:00.000Z');
    assert.equal(ack.announced, 1);
    assert.equal(ack.subjects.length, 1);
    assert.match(ack.subjects[0]!, /INS-2025-0001: Peringatan tenggat 2025-06-02 08:20 WIB: Laporan ditanggapi/);
    assert.equal((await at('2025-06-02T01:19:00.000Z')).announced, 0, 'announced once');
    const breachAck = await at('2025-06-02T01:20:00.000Z');
    assert.match(breachAck.subjects.join('\n'), /Tenggat terlewati 2025-06-02 08:20 WIB: Laporan ditanggapi/);

    // The BSSN clock: nothing before 19:00 (6 h before the 1×24 h deadline).
    const before = await at('2025-06-02T18:59:59.000Z');
    assert.ok(!before.subjects.some((s) => /TTIS sektor/.test(s)), before.subjects.join('\n'));
    const warn = await at('2025-06-02T19:00:00.000Z');
    assert.deepEqual(warn.subjects.filter((s) => /TTIS sektor/.test(s)).length, 1);
    assert.match(warn.subjects.find((s) => /TTIS sektor/.test(s))!, /Peringatan tenggat 2025-06-03 08:00 WIB: Laporan ke TTIS sektor/);
    assert.equal((await at('2025-06-03T00:59:59.000Z')).subjects.filter((s) => /TTIS sektor/.test(s)).length, 0);
    const breach = await at('2025-06-03T01:00:00.000Z');
    assert.equal(breach.subjects.filter((s) => /Tenggat terlewati 2025-06-03 08:00 WIB: Laporan ke TTIS sektor/.test(s)).length, 1);
    assert.equal((await at('2025-06-03T05:00:00.000Z')).subjects.filter((s) => /TTIS sektor/.test(s)).length, 0, 'a breach is announced once');
    assert.ok((await fired()).includes('bssn-report:breached'));
    assert.ok((await fired()).includes('bssn-report:warning'));
    const tl = await store.incidents.timeline('all', inc.id);
    assert.ok(tl.some((e) => e.kind === 'clock-breached' && e.includeInReport), 'a breach is on the timeline and in the report');
    for (const m of smtp.mails) assert.deepEqual(m.to, ['csirt@kota.example']);
  });

  test('a report sent in time stops the BSSN clock; personal data gets 3×24 h; new reports and phase changes are alerted', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const city = await seedCity(store);
    const smtp = await mailTo(store);
    const { report } = await storeReport(store, city);
    let subjects = await deliver(store, smtp, clock.now, 0);
    assert.match(subjects[0]!, /KRITIS: Laporan LAP-.* diterima dari RSUD Kota/);
    const inc = await store.incidents.create('all', { agencyId: city.rsud.id, title: 'x', createdBy: 'analis', fromReportId: report.id, vital: true, personalData: true, foundAt: '2025-06-02T01:00:00.000Z' });
    await store.incidents.setPhase('all', inc.id, 'containment', 'analis');
    subjects = await deliver(store, smtp, clock.now, 1);
    assert.ok(subjects.some((s) => /Fase berubah: Sudah dipilah → Penahanan/.test(s)), subjects.join('\n'));
    clock.set('2025-06-02T10:00:00.000Z');
    await store.incidents.recordRegulatory('all', inc.id, { kind: 'bssn-initial', sentAt: '2025-06-02T09:30:00.000Z', to: 'TTIS Sektor Kesehatan', reference: null }, 'analis');
    clock.set('2025-06-03T02:00:00.000Z');
    await announceClocks(store);
    const clocks = await store.incidents.clocks('all', inc.id);
    assert.equal(clocks.find((c) => c.id === 'bssn-report')?.state, 'met');
    assert.equal(clocks.find((c) => c.id === 'pdp-notice')?.state, 'running');
    assert.ok(!(await store.incidents.firedClockEvents(inc.id)).has('bssn-report:breached'));
    clock.set('2025-06-04T13:00:00.000Z');
    await announceClocks(store);
    const n = smtp.mails.length;
    subjects = await deliver(store, smtp, clock.now, 0);
    assert.ok(subjects.some((s) => /Peringatan tenggat 2025-06-05 08:00 WIB: Pemberitahuan kegagalan pelindungan data pribadi/.test(s)), subjects.slice(n - 3).join('\n'));
  });
});
