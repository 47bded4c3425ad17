// The printable step card of each playbook role (docs/incidents.md "Playbooks"), rendered from
// roleCard() of src/domain/playbook.ts: one A4 page per role — the clerk's card goes on the wall by the
// counter, the IT officer's and the CSIRT's into the incident folder. A card must stay one page, so the
// renderer shrinks the type step by step until the role's steps fit (down to a floor that stays legible);
// a playbook whose role has too many steps for that floor spills onto a second page rather than losing
// text. Branches chosen by the report's symptoms are marked ("berlaku untuk laporan ini").

import type { Content, DocumentDefinition } from 'pdfmake';
import type { RoleCard } from '../../domain/playbook.js';
import { STYLES, tr } from './common.js';
import type { Labels, Lang } from './common.js';
import { pageCount, renderPdf } from './render.js';

const L = {
  card: { id: 'KARTU LANGKAH', en: 'STEP CARD' },
  for: { id: 'Untuk', en: 'For' },
  required: { id: 'wajib', en: 'required' },
  optional: { id: 'bila bisa', en: 'if possible' },
  if: { id: 'Jika', en: 'If' },
  then: { id: 'maka', en: 'then' },
  applies: { id: 'berlaku untuk laporan ini', en: 'applies to this report' },
  evidence: { id: 'Catat sebagai bukti', en: 'Record as evidence' },
  sources: { id: 'Sumber', en: 'Sources' },
  playbook: { id: 'Playbook', en: 'Playbook' },
  version: { id: 'versi', en: 'version' },
} satisfies Labels<string>;

export interface RoleCardOptions {
  readonly lang?: Lang;
  readonly createdAt: Date;
  /** The playbook version printed at the foot (cards of different versions must be told apart). */
  readonly version?: number;
}

const SCALES = [1, 0.92, 0.85, 0.78, 0.72] as const;

function cardContent(c: RoleCard, lang: Lang, scale: number, version: number | undefined, pageBreak: boolean): Content {
  const l = (k: keyof typeof L) => L[k][lang];
  const s = (n: number) => Math.round(n * scale * 10) / 10;
  const steps: Content[] = c.steps.map((st) => ({
    columns: [
      { width: s(26), table: { widths: ['*'], body: [[{ text: String(st.n), fontSize: s(15), bold: true, color: '#ffffff', fillColor: '#1f4e79', alignment: 'center' }]] }, layout: 'noBorders' },
      {
        width: '*',
        stack: [
          { text: [{ text: tr(st.title, lang), bold: true, fontSize: s(12) }, { text: `  (${st.required ? l('required') : l('optional')})`, fontSize: s(8), color: '#555555' }] },
          ...(tr(st.detail, lang) !== '' ? [{ text: tr(st.detail, lang), fontSize: s(9.5), margin: [0, 1, 0, 0] as const }] : []),
          ...st.branches.map((b): Content => ({
            table: {
              widths: ['*'],
              body: [[{
                text: [
                  { text: `${l('if')}: `, bold: true }, tr(b.when, lang), '\n',
                  { text: `→ ${l('then')}: `, bold: true }, { text: tr(b.do, lang), bold: b.applies },
                  ...(b.applies ? [{ text: `   ◀ ${l('applies')}`, bold: true, color: '#a00000' }] : []),
                ],
                fontSize: s(9),
                fillColor: b.applies ? '#fff1d6' : '#f3f3f3',
              }]],
            },
            layout: { hLineWidth: () => 0, vLineWidth: (i: number) => (i === 0 ? 2 : 0), vLineColor: () => (b.applies ? '#a00000' : '#999999') },
            margin: [0, 2, 0, 0],
          })),
          ...(st.evidence !== null ? [{ text: [{ text: `${l('evidence')}: `, italics: true }, tr(st.evidence, lang)], fontSize: s(8.5), color: '#333333', margin: [0, 1, 0, 0] as const }] : []),
          ...(st.sources.length > 0 ? [{ text: `[${st.sources.map((k) => c.sources.findIndex((x) => x.key === k) + 1).filter((n) => n > 0).join(', ')}]`, fontSize: s(7), color: '#666666' }] : []),
        ],
      },
    ],
    columnGap: 8,
    margin: [0, 0, 0, s(7)],
    unbreakable: true,
  }));
  return {
    stack: [
      {
        table: { widths: ['*'], body: [[{
          stack: [
            { text: `${l('card')} · ${tr(c.title, lang)}`, fontSize: s(10), color: '#ffffff' },
            { text: `${l('for')}: ${tr(c.roleLabel, lang)}`, fontSize: s(17), bold: true, color: '#ffffff' },
          ],
          fillColor: '#1f4e79',
        }]] },
        layout: 'noBorders',
        margin: [0, 0, 0, s(10)],
      },
      ...steps,
      {
        stack: [
          { text: `${l('sources')}:`, bold: true, fontSize: s(7) },
          ...c.sources.map((src, i) => ({ text: `[${i + 1}] ${src.title}${src.url !== null ? ` — ${src.url}` : ''}`, fontSize: s(6.5), color: '#444444' })),
          { text: `${l('playbook')} ${c.playbookKey}${version !== undefined ? ` · ${l('version')} ${version}` : ''} · Perisai`, fontSize: s(6.5), color: '#666666', margin: [0, 3, 0, 0] },
        ],
        margin: [0, 4, 0, 0],
      },
    ],
    ...(pageBreak ? { pageBreak: 'before' as const } : {}),
  };
}

function definition(cards: readonly { card: RoleCard; scale: number }[], lang: Lang, version: number | undefined): DocumentDefinition {
  return {
    pageSize: 'A4',
    pageMargins: [32, 30, 32, 30],
    content: cards.map((x, i) => cardContent(x.card, lang, x.scale, version, i > 0)),
    styles: STYLES,
    defaultStyle: { font: 'Sans', fontSize: 10, lineHeight: 1.15 },
    language: lang,
  };
}

/** One page per card (the largest type that keeps each card on its page), in the order given. */
export async function roleCardsPdf(cards: readonly RoleCard[], o: RoleCardOptions): Promise<Buffer> {
  const lang = o.lang ?? 'id';
  const info = { createdAt: o.createdAt, title: `${L.card[lang]} ${cards.map((c) => tr(c.roleLabel, lang)).join(' / ')}`, subject: cards[0] === undefined ? '' : tr(cards[0].title, lang) };
  const fitted: { card: RoleCard; scale: number }[] = [];
  for (const card of cards) {
    let scale: number = SCALES[SCALES.length - 1]!;
    for (const s of SCALES) {
      if (pageCount(await renderPdf(definition([{ card, scale: s }], lang, o.version), info)) === 1) { scale = s; break; }
    }
    fitted.push({ card, scale });
  }
  return renderPdf(definition(fitted, lang, o.version), info);
}
