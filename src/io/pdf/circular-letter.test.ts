// The circular letter read back: the parts of the surat edaran in their order (docs/circulars.md,
// "The letter"), the lampiran pages with the checklist and the reply form, embedded fonts, and a
// picture of the first page in docs/screenshots/circular-letter.png.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLetter } from '../../domain/circular.js';
import type { CircularContent } from '../../domain/circular.js';
import { WANNACRY_2017 } from '../../domain/circulars/wannacry-2017.js';
import { circularLetterPdf, longDate } from './circular-letter.js';
import { pdfFonts, pdfPages, pdfText, screenshot } from './fixtures.js';
import { markdown } from './markdown.js';

/** The 2017 template as an office fills it in before sending (its placeholders replaced). */
function filled(): CircularContent {
  const fill = (s: string) => s.replaceAll('[NAMA KOTA]', 'SURAKARTA').replaceAll('[ALAMAT KANTOR]', 'Jalan Jenderal Sudirman No. 2, Surakarta 57111').replaceAll('[NAMA KEPALA DINAS]', 'Drs. Hasta Gunawan, M.Si.');
  const c = JSON.parse(fill(JSON.stringify(WANNACRY_2017.content))) as CircularContent;
  return {
    ...c,
    issuer: { ...c.issuer, phone: '(0271) 642020', email: 'diskominfo@surakarta.go.id' },
    signatory: { ...c.signatory, nip: '19680512 199303 1 007', rank: 'Pembina Utama Muda (IV/c)' },
    lampiran: [{ title: { id: 'Panduan teknis memeriksa MS17-010', en: 'Technical guide to checking MS17-010' }, body: { id: '1. Buka **Command Prompt**.\n2. Jalankan `wmic qfe list`.', en: '1. Open **Command Prompt**.\n2. Run `wmic qfe list`.' } }],
  };
}

const SENT = '2017-05-13T02:00:00.000Z';

describe('circular letter PDF', () => {
  it('prints kop, addressee, SURAT EDARAN, NOMOR, TENTANG, body, signature block, tembusan and the lampiran pages, in order', async () => {
    const letter = toLetter({ circularId: 'c1', number: '800/012/DISKOMINFO/2017', sentAt: SENT, version: 1, content: filled(), agency: { code: 'RSUD', name: 'RSUD Bung Karno' } });
    const pdf = await circularLetterPdf(letter, { createdAt: new Date(SENT) });
    const text = pdfText(pdf);
    const order = [
      'PEMERINTAH KOTA SURAKARTA', 'DINAS KOMUNIKASI DAN INFORMATIKA', 'Jalan Jenderal Sudirman No. 2', 'diskominfo@surakarta.go.id',
      'Yth. Kepala Perangkat Daerah di Lingkungan Pemerintah Kota SURAKARTA', 'Salinan untuk: RSUD Bung Karno', 'Sangat Segera',
      'SURAT EDARAN', 'NOMOR 800/012/DISKOMINFO/2017', 'TENTANG', 'KEWASPADAAN DAN PENCEGAHAN SERANGAN RANSOMWARE WANNACRY',
      'Latar Belakang', 'Sejak 12 Mei 2017', 'Dasar', 'Undang-Undang Nomor 11 Tahun 2008', 'Isi Edaran', 'Pasang pembaruan keamanan MS17-010',
      'Demikian surat edaran ini', 'Ditetapkan di SURAKARTA', 'pada tanggal 13 Mei 2017', 'a.n. WALI KOTA SURAKARTA,', 'KEPALA DINAS KOMUNIKASI DAN INFORMATIKA,',
      'Drs. Hasta Gunawan, M.Si.', 'Pembina Utama Muda (IV/c)', 'NIP. 19680512 199303 1 007', 'Tembusan:', 'Wali Kota SURAKARTA (sebagai laporan)', 'Inspektur Kota SURAKARTA',
      'LAMPIRAN I', 'NOMOR : 800/012/DISKOMINFO/2017', 'TANGGAL : 13 Mei 2017', 'DAFTAR PERIKSA LANGKAH PENCEGAHAN',
      'LAMPIRAN II', 'FORMULIR BALASAN PELAKSANAAN SURAT EDARAN', 'RSUD Bung Karno', '☐ Selesai', 'Kepala Perangkat Daerah,',
      'LAMPIRAN III', 'PANDUAN TEKNIS MEMERIKSA MS17-010',
    ];
    let at = 0;
    for (const s of order) {
      const i = text.indexOf(s, at);
      assert.ok(i >= 0, `missing or out of order: ${JSON.stringify(s)} (after position ${at})`);
      at = i + s.length;
    }
    // Every checklist item is in the checklist and on the reply form, with how it is verified.
    for (const item of letter.items) assert.equal(text.split(item.title.id.slice(0, 25)).length - 1 >= 3, true, `item ${item.code} is not in the body, the checklist and the reply form`);
    assert.ok(text.includes('pemindaian jaringan: Rentan MS17-010 (EternalBlue) (ms17-010)'));
    assert.ok(text.includes('pernyataan instansi'));
    assert.ok(!text.includes('DRAF'), 'a numbered letter is not a draft');
    const pages = pdfPages(pdf);
    assert.ok(pages.findIndex((p) => p.includes('LAMPIRAN I\n') || /LAMPIRAN I\s/.test(p)) > 0, 'the checklist starts on its own page');
    const fonts = pdfFonts(pdf);
    assert.ok(fonts.some((f) => /\+DejaVuSerif$/.test(f.name)));
    for (const f of fonts) {
      assert.ok(f.embedded, `${f.name} not embedded`);
      // Serif for the letter; Sans only for the reply form's tick boxes (DejaVu Serif has no U+2610).
      assert.match(f.name, /\+DejaVu(Serif|Sans$)/);
    }
    screenshot(pdf, 'circular-letter');
  });

  it('a draft has no number or date yet and says so; English on request', async () => {
    const letter = toLetter({ circularId: 'c1', number: null, sentAt: null, version: 2, content: filled() });
    const id = pdfText(await circularLetterPdf(letter, { createdAt: new Date(SENT) }));
    assert.ok(id.includes('NOMOR …'));
    assert.ok(id.includes('pada tanggal …'));
    assert.ok(id.includes('SURAT EDARAN DRAF · versi 2'));
    const en = pdfText(await circularLetterPdf(letter, { createdAt: new Date(SENT), lang: 'en' }));
    for (const s of ['CIRCULAR', 'NUMBER …', 'ALERT AND PREVENTION OF WANNACRY RANSOMWARE ATTACKS', 'CHECKLIST OF PREVENTIVE STEPS', 'REPLY FORM', 'on behalf of THE MAYOR OF SURAKARTA,'])
      assert.ok(en.includes(s), `missing ${s}`);
  });

  it('formats the letter date the Indonesian way, and reads the Markdown the sections use', () => {
    assert.equal(longDate('2017-05-13', 'id'), '13 Mei 2017');
    assert.equal(longDate('2017-05-13', 'en'), '13 May 2017');
    assert.equal(longDate(null, 'id'), '…');
    assert.deepEqual(markdown('Satu\nlanjut.\n\n1. a\n2. **b**\n- c'), [
      { text: ['Satu lanjut.'], margin: [0, 0, 0, 6] },
      { ol: [{ text: ['a'], margin: [0, 0, 0, 2] }, { text: [{ text: 'b', bold: true }], margin: [0, 0, 0, 2] }], start: 1, margin: [0, 0, 0, 6] },
      { ul: [{ text: ['c'], margin: [0, 0, 0, 2] }], margin: [0, 0, 0, 6] },
    ]);
  });
});
