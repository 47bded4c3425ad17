// Evidence files an agency attaches to a checklist answer (docs/circulars.md "Evidence"): limited in size,
// typed by their content (file-type's signature detection, never the file name or the declared type),
// stored under the data directory — outside the web root — named by their SHA-256, and served only to
// those who may see the agency's answers.
//
//  - a `photo` item takes JPEG, PNG or WebP, cleaned of metadata like incident photos (photos.ts);
//  - a `file` or `kb-list` item also takes PDF, Office Open XML (xlsx, docx) and plain UTF-8 text (an
//    exported firewall rule list, `systeminfo` output): text has no signature, so it is accepted only
//    when it is valid UTF-8 without control characters other than tab, CR and LF;
//  - anything else — an executable renamed .pdf, a ZIP, a script — is refused naming what it really is.

import { fileTypeFromBuffer } from 'file-type';
import type { EvidenceKind } from '../domain/circular.js';
import { ApiError } from './errors.js';
import { cleanPhoto, FILE_KINDS } from './photos.js';

export const EVIDENCE_DIR = 'circular-evidence';
export const DEFAULT_EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

export interface CheckedEvidence {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly ext: string;
}

const DOCUMENTS: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};
const PHOTOS = new Set(['image/jpeg', 'image/png', 'image/webp']);

const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);

export function evidenceTooLarge(size: number | null, max: number): ApiError {
  const got = size === null ? '' : ` (${mb(size)} MB)`;
  return new ApiError('E_PAYLOAD_TOO_LARGE', {
    en: `The file is larger than ${mb(max)} MB${got}. Send a smaller file (a photo or a PDF of the page that shows it).`,
    id: `Berkas lebih besar dari ${mb(max)} MB${got}. Kirim berkas yang lebih kecil (foto atau PDF halaman yang menunjukkannya).`,
  }, { field: 'file', reason: 'too-large', maxBytes: max });
}

function refused(mime: string | null, kind: EvidenceKind): ApiError {
  const what = mime === null ? { en: 'not a document, picture or text', id: 'bukan dokumen, gambar atau teks' } : FILE_KINDS[mime] ?? { en: `of type ${mime}`, id: `berjenis ${mime}` };
  const allowed = kind === 'photo' ? { en: 'a JPEG, PNG or WebP picture', id: 'gambar JPEG, PNG atau WebP' } : { en: 'a PDF, a picture (JPEG, PNG, WebP), an xlsx/docx file or plain text', id: 'PDF, gambar (JPEG, PNG, WebP), berkas xlsx/docx atau teks biasa' };
  return new ApiError('E_UNSUPPORTED_MEDIA', {
    en: `This file cannot be evidence: its content is ${what.en}, whatever its name. Send ${allowed.en}.`,
    id: `Berkas ini tidak dapat menjadi bukti: isinya ${what.id}, apa pun namanya. Kirim ${allowed.id}.`,
  }, { field: 'file', reason: 'type', detected: mime ?? 'unknown' });
}

/** Plain UTF-8 text: decodes without replacement characters and carries no control characters but tab/CR/LF. */
function isPlainText(b: Buffer): boolean {
  const s = b.toString('utf8');
  if (s.includes('\uFFFD') || Buffer.byteLength(s, 'utf8') !== b.length) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

/** Check an upload against what the item asks for; pictures come back cleaned of metadata. */
export async function checkEvidence(bytes: Buffer, kind: EvidenceKind, max = DEFAULT_EVIDENCE_MAX_BYTES): Promise<CheckedEvidence> {
  if (bytes.length > max) throw evidenceTooLarge(bytes.length, max);
  if (bytes.length === 0) throw new ApiError('E_VALIDATION', { en: 'The file is empty.', id: 'Berkas kosong.' }, { field: 'file', reason: 'empty' });
  if (kind === 'none' || kind === 'machine-count') {
    throw new ApiError('E_VALIDATION', { en: 'This item asks for no file.', id: 'Butir ini tidak meminta berkas.' }, { field: 'file', reason: 'not-asked' });
  }
  const mime = (await fileTypeFromBuffer(bytes))?.mime ?? null;
  if (mime !== null && PHOTOS.has(mime)) {
    const p = await cleanPhoto(bytes, max);
    return { bytes: p.bytes, contentType: p.contentType, ext: p.ext };
  }
  if (kind === 'photo') throw refused(mime, kind);
  if (mime !== null && DOCUMENTS[mime] !== undefined) return { bytes, contentType: mime, ext: DOCUMENTS[mime] };
  if (mime === null && isPlainText(bytes)) return { bytes, contentType: 'text/plain; charset=utf-8', ext: 'txt' };
  throw refused(mime, kind);
}
