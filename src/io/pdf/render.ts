// The one place that drives the PDF library (pdfmake 0.3, on pdfkit; no browser). Every document of
// src/io/pdf builds a pdfmake document definition from domain data and hands it here.
//
// Fonts: DejaVu Sans and DejaVu Serif from the `dejavu-fonts-ttf` package (Bitstream Vera licence, in
// node_modules/dejavu-fonts-ttf/LICENSE), resolved through the package, never a system path — a Debian
// server without fonts installed renders the same bytes. pdfkit embeds a subset of each font in the file,
// so a reader needs nothing installed either (tests check it with `pdffonts`).
//
// Determinism: the PDF's /CreationDate (and the file /ID pdfkit derives from it) comes from the caller,
// so the same data and the same `createdAt` give the same bytes (tests compare two renders).
// Safety: the documents load nothing from the network and no local file but the fonts
// (setUrlAccessPolicy / setLocalAccessPolicy), whatever text the data holds.

import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import pdfmake from 'pdfmake';
import type { DocumentDefinition } from 'pdfmake';

const require = createRequire(import.meta.url);
const FONT_DIR = dirname(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const font = (name: string): string => join(FONT_DIR, `${name}.ttf`);

/** The families a document may name in `font`: Sans for reports and cards, Serif for the letter. */
export const FONTS = {
  Sans: { normal: font('DejaVuSans'), bold: font('DejaVuSans-Bold'), italics: font('DejaVuSans-Oblique'), bolditalics: font('DejaVuSans-BoldOblique') },
  Serif: { normal: font('DejaVuSerif'), bold: font('DejaVuSerif-Bold'), italics: font('DejaVuSerif-Italic'), bolditalics: font('DejaVuSerif-BoldItalic') },
} as const;

let ready = false;
function setUp(): void {
  if (ready) return;
  pdfmake.setFonts(FONTS);
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path: string) => path.startsWith(FONT_DIR + sep));
  ready = true;
}

export interface RenderOptions {
  /** The document's creation time (its /CreationDate). Fixed in tests so the bytes are reproducible. */
  readonly createdAt: Date;
  readonly title: string;
  readonly subject?: string;
  readonly author?: string;
}

/** Render a document definition to PDF bytes. */
export async function renderPdf(def: DocumentDefinition, o: RenderOptions): Promise<Buffer> {
  setUp();
  const doc = pdfmake.createPdf({
    ...def,
    info: { title: o.title, author: o.author ?? 'Perisai', subject: o.subject ?? o.title, creator: 'Perisai', producer: 'Perisai (pdfmake)', creationDate: o.createdAt, modDate: o.createdAt },
  });
  return doc.getBuffer();
}

/** The number of pages of a PDF this module wrote (pdfkit writes one `/Type /Page` object per page). */
export function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
}
