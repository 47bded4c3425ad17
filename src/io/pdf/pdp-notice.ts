// The draft of the personal-data breach notice as PDF, rendered from buildPdpNotice
// (src/domain/incident-report.ts): the written notice UU 27/2022 Pasal 46 asks of the data controller
// within 3×24 hours — (2)(a) which personal data were exposed, (2)(b) when and how, (2)(c) the handling
// and recovery — addressed to the data subjects and the authority. It is a draft ("DRAF" across every
// page): the controller (the RSUD, the agency) confirms the kinds of data, completes and signs it.

import type { Content } from 'pdfmake';
import type { buildPdpNotice } from '../../domain/incident-report.js';
import { bullets, dash, footer, heading, keyValues, STYLES, tr, when } from './common.js';
import type { Labels, Lang } from './common.js';
import type { DocumentOptions } from './bssn-report.js';
import { renderPdf } from './render.js';

export type PdpNotice = ReturnType<typeof buildPdpNotice>;

const L = {
  title: { id: 'PEMBERITAHUAN KEGAGALAN PELINDUNGAN DATA PRIBADI', en: 'NOTICE OF A PERSONAL-DATA PROTECTION FAILURE' },
  draft: { id: 'DRAF', en: 'DRAFT' },
  draftNote: { id: 'Draf disusun oleh Perisai dari catatan insiden. Pengendali data melengkapi jenis data, memeriksa isi, dan menandatangani sebelum dikirim.', en: 'Draft prepared by Perisai from the incident record. The data controller completes the kinds of data, checks the content and signs before sending.' },
  incident: { id: 'Nomor insiden', en: 'Incident number' },
  controller: { id: 'Pengendali data pribadi', en: 'Data controller' },
  to: { id: 'Kepada', en: 'To' },
  prepared: { id: 'Disusun', en: 'Prepared' },
  due: { id: 'Batas waktu 3×24 jam', en: 'Due (3×24 h)' },
  clock: { id: 'status', en: 'state' },
  basis: { id: 'Dasar', en: 'Basis' },
  a: { id: '1. Data pribadi yang terungkap (Pasal 46 ayat (2) huruf a)', en: '1. Personal data exposed (Article 46(2)(a))' },
  systems: { id: 'Sistem/layanan yang terdampak', en: 'Systems/services affected' },
  assets: { id: 'Komputer/server terdampak', en: 'Computers/servers affected' },
  b: { id: '2. Kapan dan bagaimana terungkap (huruf b)', en: '2. When and how (letter b)' },
  foundAt: { id: 'Diketahui pada', en: 'Found at' },
  cause: { id: 'Jenis kejadian', en: 'Kind of event' },
  summary: { id: 'Uraian', en: 'Summary' },
  c: { id: '3. Upaya penanganan dan pemulihan (huruf c)', en: '3. Handling and recovery (letter c)' },
  restored: { id: 'Layanan pulih', en: 'Services restored' },
  phase: { id: 'Tahap penanganan saat ini', en: 'Current phase' },
  contact: { id: '4. Narahubung', en: '4. Contact' },
  sign: { id: 'Pengendali data pribadi,', en: 'The data controller,' },
  signName: { id: '(nama, jabatan, tanda tangan)', en: '(name, position, signature)' },
  none: { id: 'Belum ada.', en: 'None yet.' },
} satisfies Labels<string>;

export function pdpNoticeContent(n: PdpNotice, lang: Lang, timeZone: string): Content[] {
  const l = (k: keyof typeof L) => L[k][lang];
  const at = (iso: string | null) => when(iso, timeZone);
  return [
    { text: l('title'), style: 'title' },
    { text: `${n.controller.name} · ${n.incidentNumber}`, style: 'subtitle', margin: [0, 2, 0, 8] },
    { text: l('draftNote'), style: 'muted', margin: [0, 0, 0, 8] },
    keyValues([
      [l('incident'), n.incidentNumber],
      [l('controller'), `${n.controller.name} (${n.controller.code})`],
      [l('to'), n.recipients.map((r) => tr(r, lang)).join('\n')],
      [l('prepared'), n.preparedAtLocal],
      [l('due'), n.dueAtLocal === null ? '—' : `${n.dueAtLocal} (${l('clock')}: ${dash(n.clock)})`],
      [l('basis'), n.basis],
    ]),
    heading(l('a')),
    keyValues([
      [l('systems'), n.dataExposed.systems.map((s) => tr(s.label, lang)).join('; ') || '—'],
      [l('assets'), n.dataExposed.assets.map((a) => `${a.ip}${a.name !== null ? ` (${a.name})` : ''}`).join('; ') || '—'],
    ]),
    { text: tr(n.dataExposed.toConfirm, lang), style: 'flag', margin: [0, 0, 0, 4] },
    heading(l('b')),
    keyValues([[l('foundAt'), n.whenAndHow.foundAtLocal], [l('cause'), tr(n.whenAndHow.classification, lang)], [l('summary'), n.whenAndHow.summary]]),
    heading(l('c')),
    bullets(n.handlingAndRecovery.steps.map((s) => `${at(s.at)} — ${tr(s.text, lang)}`), l('none')),
    keyValues([[l('restored'), at(n.handlingAndRecovery.restoredAt)], [l('phase'), tr(n.handlingAndRecovery.phase, lang)]]),
    heading(l('contact')),
    { text: [n.contact.organisation, n.contact.phone, n.contact.email].filter((x) => x !== null && x !== '').join(' · ') },
    {
      columns: [{ text: '', width: '*' }, { width: 220, stack: [{ text: l('sign'), margin: [0, 24, 0, 48] }, { text: l('signName'), style: 'muted' }] }],
      unbreakable: true,
    },
  ];
}

export function pdpNoticePdf(n: PdpNotice, o: DocumentOptions & { readonly timeZone?: string } = {}): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  return renderPdf({
    pageSize: 'A4',
    pageMargins: [50, 45, 50, 50],
    content: pdpNoticeContent(n, lang, o.timeZone ?? 'Asia/Jakarta'),
    footer: footer(`${n.incidentNumber} · ${L.draft[lang]}`, lang),
    watermark: { text: L.draft[lang], color: '#b00000', opacity: 0.08, bold: true },
    styles: STYLES,
    defaultStyle: { font: 'Sans', fontSize: 9.5, lineHeight: 1.2 },
    language: lang,
  }, { createdAt: o.createdAt ?? new Date(n.preparedAt), title: `${L.title[lang]} ${n.incidentNumber}`, subject: n.basis });
}
