// The incident documents read back as a person would: text through pdftotext, fonts through pdffonts,
// the first page drawn with pdftoppm into docs/screenshots/ (bssn-report.png, role-card.png).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildBssnReport, buildPdpNotice } from '../../domain/incident-report.js';
import { PLAYBOOK_ROLES, roleCard } from '../../domain/playbook.js';
import { RANSOMWARE_WANNACRY } from '../../domain/playbooks/ransomware-wannacry.js';
import { bssnReportPdf } from './bssn-report.js';
import { dossier, NOW, pdfFonts, pdfPages, pdfText, screenshot, SETTINGS } from './fixtures.js';
import { pdpNoticePdf } from './pdp-notice.js';
import { pageCount } from './render.js';
import { roleCardsPdf } from './role-card.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

function assertFontsEmbedded(pdf: Buffer): void {
  const fonts = pdfFonts(pdf);
  assert.ok(fonts.length >= 1, 'no font listed');
  for (const f of fonts) {
    assert.ok(f.embedded, `font ${f.name} is not embedded`);
    assert.match(f.name, /^[A-Z]{6}\+DejaVu(Sans|Serif)/, `unexpected font ${f.name}`);
  }
}

describe('BSSN report PDF', () => {
  const report = buildBssnReport(dossier(), SETTINGS, { type: 'initial', at: NOW, sequence: 0, assistance: 'remote' });

  it('holds the header, routing and the four mandatory parts of Pasal 15(4), with their content', async () => {
    const pdf = await bssnReportPdf(report);
    const text = pdfText(pdf);
    for (const s of [
      'LAPORAN INSIDEN SIBER', 'Laporan awal', 'INS-2025-0007/AWAL/1', 'TTIS-ORG/0042/BSSN/2024', 'TTIS Sektor Kesehatan (Kementerian Kesehatan)', 'Tembusan TTIS Nasional (BSSN)',
      'A. Informasi kontak pelapor', 'B. Deskripsi insiden siber', 'C. Kronologi insiden siber', 'D. Dampak serangan',
      'Sri Wahyuni', '081234567890', 'LAP-250602-7KQ2M', 'Ransomware WannaCry di loket pendaftaran RSUD', '198.18.2.20', 'LOKET-02',
      'Petugas loket melihat layar tebusan WannaCry', 'Pendaftaran manual di kertas', 'block-port', 'Router RSUD (MikroTik)',
      'ms17-010', 'doublepulsar', '9f2b5c0d4e8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c', 'Pendampingan jarak jauh',
      '2025-06-02 07:40 WIB', '2025-06-03 07:40 WIB', '2025-06-05 07:40 WIB', 'TLP:AMBER',
    ]) assert.ok(text.includes(s), `missing ${JSON.stringify(s)}`);
    assert.ok(!text.includes('Catatan internal'), 'a timeline entry left out of the report is printed');
    assert.ok(!text.includes('BELUM ADA ISI'), 'a complete report flags an empty part');
    assert.equal((text.match(/✓ ada/g) ?? []).length, 4);
    const pages = pdfPages(pdf);
    assert.ok(pages.length >= 2 && pages.length <= 5, `${pages.length} pages`);
    assert.match(pages[0]!, /Halaman 1 dari \d/);
    assertFontsEmbedded(pdf);
    assert.deepEqual(screenshot(pdf, 'bssn-report').subarray(0, 4), PNG);
  });

  it('flags each empty mandatory part instead of hiding it', async () => {
    const d = dossier();
    const bare = { ...d, reports: [], timeline: [], impacts: [], assets: [] };
    const pdf = await bssnReportPdf(buildBssnReport(bare, SETTINGS, { type: 'update', at: NOW, sequence: 1, assistance: 'none' }));
    const text = pdfText(pdf);
    assert.ok(text.includes('INS-2025-0007/PERKEMBANGAN/2'));
    assert.equal((text.match(/✗ BELUM ADA ISI/g) ?? []).length, 3, 'contact, chronology and impact are empty');
    assert.ok(text.includes('Tidak ada laporan pelapor yang terkait.'));
    assert.ok(text.includes('Belum ada entri linimasa yang dimasukkan ke laporan.'));
  });

  it('is in English on request, and the same data and creation date give the same bytes', async () => {
    const en = await bssnReportPdf(report, { lang: 'en' });
    const text = pdfText(en);
    for (const s of ['CYBER INCIDENT REPORT', 'Initial report', 'A. Reporter contact', 'D. Impact of the attack', 'Remote assistance', 'Page 1 of']) assert.ok(text.includes(s), `missing ${s}`);
    const again = await bssnReportPdf(report, { lang: 'en' });
    assert.ok(en.equals(again), 'two renders of the same report differ');
    const later = await bssnReportPdf(report, { lang: 'en', createdAt: new Date('2025-06-03T00:00:00Z') });
    assert.ok(!en.equals(later), 'the creation date is not in the file');
  });
});

describe('personal-data notice PDF', () => {
  it('is a marked draft holding the three parts of UU 27/2022 Pasal 46(2) and the 3×24 h due time', async () => {
    const pdf = await pdpNoticePdf(buildPdpNotice(dossier(), SETTINGS, NOW), { timeZone: SETTINGS.timeZone });
    const text = pdfText(pdf);
    for (const s of [
      'PEMBERITAHUAN KEGAGALAN PELINDUNGAN DATA PRIBADI', 'DRAF', 'Pasal 46', 'RSUD Kota Perisai (RSUD)', 'Subjek data pribadi yang terdampak',
      '1. Data pribadi yang terungkap', '2. Kapan dan bagaimana terungkap', '3. Upaya penanganan dan pemulihan', 'Pendaftaran/loket', '198.18.2.20 (LOKET-02)',
      '2025-06-05 07:40 WIB', 'block-port: TCP 139/445 (Router RSUD (MikroTik))', 'Pengendali data pribadi,',
    ]) assert.ok(text.includes(s), `missing ${JSON.stringify(s)}`);
    assertFontsEmbedded(pdf);
  });
});

describe('role step cards PDF', () => {
  it('prints one page per role, each with that role\'s steps only and its sources', async () => {
    const cards = PLAYBOOK_ROLES.map((r) => roleCard(RANSOMWARE_WANNACRY, r, ['ransom-screen']));
    const pdf = await roleCardsPdf(cards, { createdAt: new Date(NOW), version: 1 });
    const pages = pdfPages(pdf);
    assert.equal(pages.length, 3);
    assert.equal(pageCount(pdf), 3);
    for (const [i, card] of cards.entries()) {
      const page = pages[i]!.replace(/\s+/g, ' ');
      assert.ok(page.includes(card.roleLabel.id.split(' (')[0]!), `page ${i + 1} names another role`);
      for (const st of card.steps) assert.ok(page.includes(st.title.id.slice(0, 30)), `page ${i + 1} misses step ${st.id}`);
      for (const other of cards.filter((c) => c !== card)) for (const st of other.steps) assert.ok(!page.includes(st.title.id), `page ${i + 1} holds ${st.id} of another role`);
      assert.ok(page.includes('Playbook ransomware-wannacry · versi 1'));
    }
    // The reporter said "ransom screen": the WannaCry branch (unplug, do not switch off) is marked, once.
    const first = pages[0]!.replace(/\s+/g, ' ');
    assert.equal((first.match(/berlaku untuk laporan ini/g) ?? []).length, 1);
    assert.ok(first.includes('JANGAN matikan komputer'));
    assertFontsEmbedded(pdf);
    assert.deepEqual(screenshot(pdf, 'role-card').subarray(0, 4), PNG);
  });

  it('marks the disk-repair branch for that symptom, and speaks English on request', async () => {
    const pdf = await roleCardsPdf([roleCard(RANSOMWARE_WANNACRY, 'reporter', ['disk-repair-screen'])], { createdAt: new Date(NOW), lang: 'en' });
    const text = pdfText(pdf);
    assert.equal(pageCount(pdf), 1);
    assert.ok(text.includes('STEP CARD'));
    assert.equal((text.match(/applies to this report/g) ?? []).length, 1);
    assert.match(text, /Switch the computer OFF at once[^◀]*◀ applies to this report/);
  });
});
