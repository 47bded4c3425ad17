// The circular (surat edaran) as a printable PDF in the Indonesian government letter format (tata naskah
// dinas, docs/circulars.md "The letter"), rendered from the CircularLetter of src/domain/circular.ts:
//
//   kop naskah dinas (government, unit, address line, double rule) · Yth. + addressee · SURAT EDARAN ·
//   NOMOR · TENTANG + title · body (A. latar belakang, B. dasar, C. isi edaran with the items and their
//   deadlines, closing) · signature block on the right (place and date, a.n., jabatan, signature space,
//   name, pangkat, NIP) · tembusan · lampiran pages, each headed "LAMPIRAN … SURAT EDARAN … NOMOR …
//   TANGGAL … TENTANG …": I the checklist (item, applicability, guidance per role, remediation category,
//   evidence, how it is verified, due, required), II the reply form, then the letter's own annexes.
//
// A draft (no number yet) prints "…" for the number and the date and carries a DRAF watermark.
// Serif type (DejaVu Serif), as letters are usually set; the Indonesian text is the letter of record,
// English is available for reading.

import type { Content } from 'pdfmake';
import type { ChecklistItem, CircularLetter, EvidenceKind, GuidanceRole, RemediationCategory } from '../../domain/circular.js';
import { GUIDANCE_ROLES, LETTER_CLASSIFICATION_LABELS, LETTER_URGENCY_LABELS } from '../../domain/circular.js';
import type { Text } from '../../domain/incident.js';
import { footer, ruleTitle, STYLES, tr, when } from './common.js';
import type { Labels, Lang } from './common.js';
import { markdown } from './markdown.js';
import { renderPdf } from './render.js';

const L = {
  se: { id: 'SURAT EDARAN', en: 'CIRCULAR' },
  number: { id: 'NOMOR', en: 'NUMBER' },
  about: { id: 'TENTANG', en: 'ON' },
  yth: { id: 'Yth.', en: 'To' },
  inPlace: { id: 'di Tempat', en: '' },
  copyFor: { id: 'Salinan untuk', en: 'Copy for' },
  background: { id: 'Latar Belakang', en: 'Background' },
  basis: { id: 'Dasar', en: 'Basis' },
  instructions: { id: 'Isi Edaran', en: 'Instructions' },
  itemsIntro: { id: 'Langkah yang wajib dilaksanakan dan dilaporkan (rincian pada Lampiran I, formulir balasan pada Lampiran II):', en: 'Steps to carry out and report (details in Annex I, reply form in Annex II):' },
  due: { id: 'tenggat', en: 'due' },
  deadlines: { id: 'Tenggat', en: 'Deadlines' },
  set: { id: 'Ditetapkan di', en: 'Issued at' },
  on: { id: 'pada tanggal', en: 'on' },
  signature: { id: '(tanda tangan)', en: '(signature)' },
  nip: { id: 'NIP.', en: 'NIP' },
  tembusan: { id: 'Tembusan', en: 'Copy to' },
  lampiran: { id: 'LAMPIRAN', en: 'ANNEX' },
  date: { id: 'TANGGAL', en: 'DATE' },
  checklist: { id: 'DAFTAR PERIKSA LANGKAH PENCEGAHAN', en: 'CHECKLIST OF PREVENTIVE STEPS' },
  reply: { id: 'FORMULIR BALASAN PELAKSANAAN SURAT EDARAN', en: 'REPLY FORM ON CARRYING OUT THE CIRCULAR' },
  no: { id: 'No.', en: 'No.' },
  item: { id: 'Langkah', en: 'Step' },
  category: { id: 'Kategori', en: 'Category' },
  evidence: { id: 'Bukti', en: 'Evidence' },
  verification: { id: 'Verifikasi', en: 'Verification' },
  dueCol: { id: 'Tenggat', en: 'Due' },
  required: { id: 'wajib untuk sambung kembali', en: 'required to reconnect' },
  appliesTo: { id: 'Berlaku untuk', en: 'Applies to' },
  attest: { id: 'pernyataan instansi', en: 'agency\'s statement' },
  scan: { id: 'pemindaian jaringan', en: 'network scan' },
  agency: { id: 'Nama perangkat daerah', en: 'Agency' },
  pic: { id: 'Penanggung jawab (nama, jabatan, telepon)', en: 'Person responsible (name, position, phone)' },
  ackAt: { id: 'Tanggal dan jam diterima', en: 'Received on (date, time)' },
  status: { id: 'Status (beri tanda)', en: 'Status (tick one)' },
  count: { id: 'Jumlah komputer (N dari M)', en: 'Computers (N of M)' },
  note: { id: 'Keterangan / alasan dan target bila tidak dapat', en: 'Note / reason and target date if it cannot be done' },
  replyHow: { id: 'Balasan dapat dikirim melalui tautan balasan yang menyertai surat ini; formulir ini untuk arsip atau bila tautan tidak dapat dipakai. Butir yang diverifikasi dengan pemindaian jaringan baru dinyatakan lengkap setelah pemindaian ulang bersih.', en: 'Answers can be sent through the reply link that accompanies this letter; this form is for the file or where the link cannot be used. Items verified by a network scan count as complete only after a clean re-scan.' },
  signAgency: { id: 'Kepala Perangkat Daerah,', en: 'Head of agency,' },
  nameNip: { id: '(nama lengkap, NIP)', en: '(full name, NIP)' },
  classification: { id: 'Klasifikasi', en: 'Classification' },
  urgency: { id: 'Sifat', en: 'Urgency' },
  draft: { id: 'DRAF', en: 'DRAFT' },
  version: { id: 'versi', en: 'version' },
} satisfies Labels<string>;

const STATUS_BOXES: readonly Text[] = [
  { id: 'Selesai', en: 'Done' }, { id: 'Sebagian', en: 'Partially' }, { id: 'Sedang dikerjakan', en: 'In progress' },
  { id: 'Tidak berlaku', en: 'Not applicable' }, { id: 'Tidak dapat', en: 'Cannot do' },
];

const REMEDIATION: Readonly<Record<RemediationCategory, Text>> = {
  'vendor-fix': { id: 'Pembaruan vendor', en: 'Vendor fix' },
  mitigation: { id: 'Mitigasi', en: 'Mitigation' },
  workaround: { id: 'Cara sementara', en: 'Workaround' },
  'none-available': { id: 'Tidak ada perbaikan — isolasi', en: 'No fix — isolate' },
};

const EVIDENCE: Readonly<Record<EvidenceKind, Text>> = {
  none: { id: 'Tidak perlu', en: 'None' },
  photo: { id: 'Foto', en: 'Photo' },
  file: { id: 'Berkas', en: 'File' },
  'kb-list': { id: 'Daftar KB terpasang', en: 'List of installed KBs' },
  'machine-count': { id: 'Jumlah komputer N dari M', en: 'Computers N of M' },
};

const ROLE: Readonly<Record<GuidanceRole, Text>> = {
  'agency-head': { id: 'Kepala instansi', en: 'Head of agency' },
  'agency-it': { id: 'TI instansi', en: 'Agency IT' },
  staff: { id: 'Pegawai', en: 'Staff' },
};

const MONTHS: Readonly<Record<Lang, readonly string[]>> = {
  id: ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** "13 Mei 2017" from "2017-05-13" (the letter's date is a calendar day, not an instant). */
export function longDate(day: string | null, lang: Lang): string {
  if (day === null) return '…';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  return `${Number(m[3])} ${MONTHS[lang][Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

export interface LetterOptions {
  readonly lang?: Lang;
  readonly createdAt: Date;
  /** For the items' due times (the city's zone). */
  readonly timeZone?: string;
}

function verificationText(i: ChecklistItem, lang: Lang): string {
  const l = (k: keyof typeof L) => L[k][lang];
  return i.verification.mode === 'attest' ? l('attest') : `${l('scan')}: ${i.verification.rules.map((r) => ruleTitle(r, lang)).join('; ')}`;
}

function annexHeader(letter: CircularLetter, roman: string, lang: Lang): Content {
  const l = (k: keyof typeof L) => L[k][lang];
  const signer = letter.signatory.onBehalfOf !== null ? tr(letter.signatory.onBehalfOf, lang).replace(/^a\.n\.\s*/i, '') : tr(letter.signatory.position, lang);
  return {
    columns: [
      { width: '*', text: '' },
      {
        width: 250,
        table: {
          widths: [62, '*'],
          body: [
            [{ text: `${l('lampiran')} ${roman}`, colSpan: 2, bold: true }, ''],
            [{ text: `${l('se')} ${signer.toUpperCase()}`, colSpan: 2 }, ''],
            [l('number'), `: ${letter.number ?? '…'}`],
            [l('date'), `: ${longDate(letter.date, lang)}`],
            [l('about'), `: ${tr(letter.subject, lang).toUpperCase()}`],
          ],
        },
        layout: 'noBorders',
        fontSize: 8.5,
      },
    ],
    margin: [0, 0, 0, 14],
  };
}

export function circularLetterContent(letter: CircularLetter, o: { lang: Lang; timeZone: string }): Content[] {
  const { lang, timeZone } = o;
  const l = (k: keyof typeof L) => L[k][lang];
  const iss = letter.issuer;
  const contact = [iss.address, iss.phone !== null ? `${lang === 'id' ? 'Telepon' : 'Phone'} ${iss.phone}` : null, iss.email !== null ? `${lang === 'id' ? 'Pos-el' : 'E-mail'} ${iss.email}` : null, iss.website].filter((x): x is string => x !== null && x !== '').join(' · ');
  const sig = letter.signatory;
  const items = letter.items;
  const section = (letterKey: string, title: string, body: Content[]): Content => ({
    columns: [{ width: 18, text: `${letterKey}.`, bold: true }, { width: '*', stack: [{ text: title, bold: true, margin: [0, 0, 0, 3] }, ...body] }],
    margin: [0, 0, 0, 6],
  });

  const letterPage: Content[] = [
    // Kop naskah dinas.
    { text: iss.government.toUpperCase(), alignment: 'center', fontSize: 13, bold: true },
    { text: iss.unit.toUpperCase(), alignment: 'center', fontSize: 15, bold: true },
    { text: contact, alignment: 'center', fontSize: 8.5 },
    { canvas: [{ type: 'line', x1: 0, y1: 4, x2: 515, y2: 4, lineWidth: 2.2 }, { type: 'line', x1: 0, y1: 7, x2: 515, y2: 7, lineWidth: 0.6 }], margin: [0, 0, 0, 12] },
    {
      columns: [
        { width: '*', stack: [
          { text: `${l('yth')} ${tr(letter.addressee, lang)}` },
          ...(letter.agency !== null ? [{ text: `(${l('copyFor')}: ${letter.agency.name})`, italics: true }] : []),
          ...(l('inPlace') !== '' ? [{ text: l('inPlace') }] : []),
        ] },
        { width: 150, fontSize: 8.5, table: { widths: [55, '*'], body: [[l('classification'), `: ${tr(LETTER_CLASSIFICATION_LABELS[letter.classification], lang)}`], [l('urgency'), `: ${tr(LETTER_URGENCY_LABELS[letter.urgency], lang)}`]] }, layout: 'noBorders' },
      ],
      margin: [0, 0, 0, 14],
    },
    { text: l('se'), alignment: 'center', bold: true, fontSize: 13 },
    { text: `${l('number')} ${letter.number ?? '…'}`, alignment: 'center', bold: true },
    { text: '', margin: [0, 4, 0, 0] },
    { text: l('about'), alignment: 'center', bold: true },
    { text: tr(letter.subject, lang).toUpperCase(), alignment: 'center', bold: true, margin: [40, 0, 40, 14] },
    section('A', l('background'), markdown(tr(letter.sections.background, lang), { justify: true })),
    section('B', l('basis'), markdown(tr(letter.sections.basis, lang))),
    section('C', l('instructions'), [
      ...markdown(tr(letter.sections.instructions, lang), { justify: true }),
      { text: l('itemsIntro'), margin: [0, 0, 0, 3] },
      { ol: items.map((i) => ({ text: [{ text: tr(i.title, lang) }, { text: i.dueAt !== null ? ` (${l('due')} ${when(i.dueAt, timeZone)})` : '', italics: true }] })), margin: [0, 0, 0, 6] },
      ...(letter.deadlines.length > 0 ? [{ text: `${l('deadlines')}:`, bold: true }, { ul: letter.deadlines.map((d) => `${tr(d.label, lang)}: ${when(d.at, timeZone)}`), margin: [0, 0, 0, 6] as const }] : []),
    ]),
    ...markdown(tr(letter.sections.closing, lang), { justify: true }),
    // Kaki: the signature block on the right.
    {
      columns: [
        { width: '*', text: '' },
        {
          width: 240,
          stack: [
            { text: `${l('set')} ${iss.place}` },
            { text: `${l('on')} ${longDate(letter.date, lang)}`, margin: [0, 0, 0, 8] },
            // "a.n." stays in lower case (Tata Naskah Dinas); the offices are written in capitals by the template.
            ...(sig.onBehalfOf !== null ? [{ text: `${tr(sig.onBehalfOf, lang)},`, bold: true }] : []),
            { text: `${tr(sig.position, lang).toUpperCase()},`, bold: true },
            { text: l('signature'), color: '#999999', italics: true, margin: [0, 22, 0, 22] },
            { text: sig.name, bold: true, decoration: 'underline' },
            ...(sig.rank !== null ? [{ text: sig.rank }] : []),
            ...(sig.nip !== null ? [{ text: `${l('nip')} ${sig.nip}` }] : []),
          ],
        },
      ],
      margin: [0, 14, 0, 10],
      unbreakable: true,
    },
    ...(letter.tembusan.length > 0 ? [{
      stack: [{ text: `${l('tembusan')}:`, decoration: 'underline' }, { ol: letter.tembusan.map((t) => t.title) }], fontSize: 9, unbreakable: true,
    }] : []),
  ];

  // Lampiran I: the checklist.
  const checklist: Content[] = [
    annexHeader(letter, 'I', lang),
    { text: l('checklist'), alignment: 'center', bold: true, margin: [0, 0, 0, 8] },
    {
      table: {
        headerRows: 1,
        widths: [16, '*', 52, 52, 84, 56],
        body: [
          [l('no'), l('item'), l('category'), l('evidence'), l('verification'), l('dueCol')].map((h) => ({ text: h, bold: true, fillColor: '#eeeeee' })),
          ...items.map((i, n) => [
            String(n + 1),
            { stack: [
              { text: [{ text: tr(i.title, lang), bold: true }, { text: `  [${i.code}]`, fontSize: 7, color: '#555555' }] },
              ...(i.required ? [{ text: `(${l('required')})`, fontSize: 7.5, italics: true }] : []),
              ...(i.applicability !== null ? [{ text: `${l('appliesTo')}: ${tr(i.applicability, lang)}`, fontSize: 8, italics: true }] : []),
              ...GUIDANCE_ROLES.filter((r) => i.guidance[r] !== undefined).map((r) => ({ text: [{ text: `${tr(ROLE[r], lang)}: `, bold: true }, tr(i.guidance[r], lang)], fontSize: 8, margin: [0, 2, 0, 0] as const })),
            ] },
            tr(REMEDIATION[i.remediation], lang),
            tr(EVIDENCE[i.evidence], lang),
            verificationText(i, lang),
            when(i.dueAt, timeZone),
          ]),
        ],
      },
      fontSize: 8.5,
      layout: { hLineWidth: () => 0.5, vLineWidth: () => 0.5, hLineColor: () => '#777777', vLineColor: () => '#777777' },
    },
  ];

  // Lampiran II: the reply form.
  const blank = (w = '*'): Content => ({ text: ' ', width: w });
  const reply: Content[] = [
    annexHeader(letter, 'II', lang),
    { text: l('reply'), alignment: 'center', bold: true, margin: [0, 0, 0, 8] },
    {
      table: { widths: [170, '*'], body: [[l('agency'), letter.agency?.name ?? ' '], [l('pic'), ' '], [l('ackAt'), ' ']] },
      layout: { hLineWidth: () => 0.5, vLineWidth: () => 0.5 }, margin: [0, 0, 0, 8],
    },
    {
      table: {
        headerRows: 1,
        widths: [18, '*', 150, 58, 110],
        body: [
          [l('no'), l('item'), l('status'), l('count'), l('note')].map((h) => ({ text: h, bold: true, fillColor: '#eeeeee' })),
          ...items.map((i, n) => [String(n + 1), { text: tr(i.title, lang) }, { text: STATUS_BOXES.map((s) => `☐ ${tr(s, lang)}`).join('\n'), fontSize: 8, font: 'Sans' }, i.evidence === 'machine-count' ? '…… / ……' : ' ', blank()]),
        ],
        dontBreakRows: true,
      },
      fontSize: 8.5,
      layout: { hLineWidth: () => 0.5, vLineWidth: () => 0.5, hLineColor: () => '#777777', vLineColor: () => '#777777' },
    },
    { text: l('replyHow'), fontSize: 8, italics: true, margin: [0, 6, 0, 0] },
    {
      columns: [{ width: '*', text: '' }, { width: 200, stack: [{ text: `……………, …… ${lang === 'id' ? '……………' : '……………'} 20……` }, { text: l('signAgency'), margin: [0, 2, 0, 36] }, { text: l('nameNip'), color: '#666666' }] }],
      margin: [0, 14, 0, 0], unbreakable: true,
    },
  ];

  const own: Content[] = letter.lampiran.flatMap((a, n) => [
    { stack: [annexHeader(letter, ['III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X'][n] ?? String(n + 3), lang)], pageBreak: 'before' as const },
    { text: tr(a.title, lang).toUpperCase(), alignment: 'center' as const, bold: true, margin: [0, 0, 0, 8] as const },
    ...markdown(tr(a.body, lang), { justify: true }),
  ]);

  return [
    ...letterPage,
    { stack: checklist, pageBreak: 'before' },
    { stack: reply, pageBreak: 'before' },
    ...own,
  ];
}

/** The letter as PDF (A4, DejaVu Serif embedded); a draft is watermarked. */
export function circularLetterPdf(letter: CircularLetter, o: LetterOptions): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  const id = `${L.se[lang]} ${letter.number ?? L.draft[lang]} · ${L.version[lang]} ${letter.version}${letter.agency !== null ? ` · ${letter.agency.code}` : ''}`;
  return renderPdf({
    pageSize: 'A4',
    pageMargins: [56, 42, 42, 50],
    content: circularLetterContent(letter, { lang, timeZone: o.timeZone ?? 'Asia/Jakarta' }),
    footer: footer(id, lang),
    ...(letter.number === null ? { watermark: { text: L.draft[lang], color: '#888888', opacity: 0.12, bold: true } } : {}),
    styles: STYLES,
    defaultStyle: { font: 'Serif', fontSize: 10.5, lineHeight: 1.2 },
    language: lang,
  }, { createdAt: o.createdAt, title: `${L.se[lang]} ${letter.number ?? L.draft[lang]} — ${tr(letter.subject, lang)}`, subject: tr(letter.subject, lang), author: letter.issuer.unit });
}
