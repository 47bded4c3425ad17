// The incident PDFs through the API on SQLite and PostgreSQL: the BSSN report, the personal-data notice
// and the playbook step cards come back as application/pdf with the data of the JSON routes, read back
// with pdftotext; an officer of another agency gets 404, as for the JSON; an anonymous caller 401.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pdfFonts, pdfPages, pdfText } from '../../src/io/pdf/fixtures.js';
import { login, seedAdmin, seedWorld } from '../api/fixture.js';
import { storeSuite } from '../store/harness.js';

storeSuite('incident PDFs over the API', (env) => {
  test('BSSN report, personal-data notice and step cards as PDF, scoped like their JSON', async () => {
    const store = await env.open();
    const w = await seedWorld(store);
    try {
      const admin = await seedAdmin(w);
      const rsud = admin.incidents.byAgency[w.city.rsud.id]!;
      const officer = await login(w.app, 'petugas.dinkes');
      const foreign = await login(w.app, 'petugas.disdik');

      const json = (await officer.req('GET', `/api/v1/incidents/${rsud.incidentId}/bssn-report?assistance=on-site`)).json() as { header: { reportNumber: string; to: string } };
      const res = await officer.req('GET', `/api/v1/incidents/${rsud.incidentId}/bssn-report.pdf?assistance=on-site`);
      assert.equal(res.statusCode, 200, res.body.slice(0, 300));
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(String(res.headers['content-disposition']), /^inline; filename="laporan-insiden-INS-\d{4}-\d+_AWAL_1\.pdf"$/);
      assert.equal(res.headers['cache-control'], 'private, no-store');
      const pdf = res.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      const text = pdfText(pdf);
      for (const s of [json.header.reportNumber, json.header.to, 'A. Informasi kontak pelapor', 'B. Deskripsi insiden siber', 'C. Kronologi insiden siber', 'D. Dampak serangan', `Ransomware RSUD`, 'Pelapor RSUD', 'Pendampingan di lokasi', '198.18.2.10'])
        assert.ok(text.includes(s), `missing ${JSON.stringify(s)}`);
      assert.ok(pdfFonts(pdf).every((f) => f.embedded));

      const en = await officer.req('GET', `/api/v1/incidents/${rsud.incidentId}/bssn-report.pdf?lang=en`);
      assert.ok(pdfText(en.rawPayload).includes('CYBER INCIDENT REPORT'));
      const pdp = await officer.req('GET', `/api/v1/incidents/${rsud.incidentId}/pdp-notice.pdf`);
      assert.equal(pdp.statusCode, 200, pdp.body.slice(0, 300));
      assert.ok(pdfText(pdp.rawPayload).includes('PEMBERITAHUAN KEGAGALAN PELINDUNGAN DATA PRIBADI'));

      const cards = await officer.req('GET', `/api/v1/playbooks/${admin.incidents.playbookId}/card.pdf?symptoms=disk-repair-screen`);
      assert.equal(cards.statusCode, 200, cards.body.slice(0, 300));
      const pages = pdfPages(cards.rawPayload);
      assert.equal(pages.length, 3, 'one page per role');
      assert.match(pages[0]!, /Pelapor/);
      assert.match(pages[2]!, /CSIRT kota/);
      const one = await officer.req('GET', `/api/v1/playbooks/${admin.incidents.playbookId}/card.pdf?role=agency-it&lang=en`);
      assert.equal(pdfPages(one.rawPayload).length, 1);
      assert.ok(pdfText(one.rawPayload).includes('For: Agency IT'));
      const badRole = await officer.req('GET', `/api/v1/playbooks/${admin.incidents.playbookId}/card.pdf?role=janitor`);
      assert.equal(badRole.statusCode, 400);

      for (const path of [`/api/v1/incidents/${rsud.incidentId}/bssn-report.pdf`, `/api/v1/incidents/${rsud.incidentId}/pdp-notice.pdf`]) {
        const r = await foreign.req('GET', path);
        assert.equal(r.statusCode, 404, `${path}: an officer of another agency`);
        assert.equal(r.json().error.code, 'E_NOT_FOUND');
        assert.equal((await w.app.inject({ method: 'GET', url: path })).statusCode, 401);
      }
      // A final report of an open incident is refused, in both languages, as for the JSON route.
      const final = await officer.req('GET', `/api/v1/incidents/${rsud.incidentId}/bssn-report.pdf?type=final`);
      assert.equal(final.statusCode, 400);
      assert.match(final.body, /Laporan akhir hanya untuk insiden yang sudah ditutup/);
    } finally {
      await w.app.close();
    }
  });
});
