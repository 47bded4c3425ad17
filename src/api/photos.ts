// Photos sent with incident reports (docs/incidents.md "Photos"): the bytes are checked by their
// content, never by a name or a declared type; metadata is removed; they are stored under the data
// directory (outside the web root), named by their SHA-256.
//
//  1. size: at most `maxBytes` (the route reads at most that much and refuses the rest);
//  2. type by content: file-type's signature detection must say JPEG, PNG or WebP — an executable renamed
//     .jpg is "application/x-msdownload" whatever its name;
//  3. structure: the container must be complete — JPEG from SOI through every segment and entropy-coded
//     scan to EOI (ITU-T T.81 Annex B), PNG chunk by chunk with their CRCs to IEND (PNG spec §5), WebP's
//     RIFF size matching the bytes (RFC 9649 §2) — so a truncated upload is refused instead of stored;
//  4. metadata removed without re-encoding: JPEG APP1 (Exif, XMP), APP3–APP13, APP15 and COM segments go,
//     keeping APP0 (JFIF), APP2 ICC profiles and APP14 (Adobe colour transform) that decoding needs; the
//     Exif orientation alone is written back as a minimal Exif block so a phone photo is not shown
//     sideways. PNG eXIf/tEXt/zTXt/iTXt/tIME chunks go; WebP EXIF and XMP chunks go (and their VP8X flags).
//     GPS position, camera serial numbers and the owner's name live in exactly those blocks.
//  5. stored as <dataDir>/incident-photos/<first two hex>/<sha256>.<ext>, written to a temporary file and
//     renamed (atomic on POSIX), 0600 in 0700 directories; an identical photo is stored once.
//
// Image decoding libraries that would re-encode (sharp) need a prebuilt binary download, which this
// project's machines cannot fetch; the structural walk above needs nothing.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { ApiError } from './errors.js';

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
export const DEFAULT_PHOTO_MAX_BYTES = 10 * 1024 * 1024;

export interface CleanPhoto {
  readonly bytes: Buffer;
  readonly contentType: PhotoType;
  readonly ext: 'jpg' | 'png' | 'webp';
  readonly width: number | null;
  readonly height: number | null;
  /** The metadata blocks removed, e.g. ["APP1 Exif", "APP1 XMP", "COM"]. */
  readonly removed: readonly string[];
}

const mb = (n: number) => (n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0);

export function photoTooLarge(size: number | null, max: number): ApiError {
  const got = size === null ? '' : ` (${mb(size)} MB)`;
  return new ApiError('E_PAYLOAD_TOO_LARGE', {
    en: `The photo is larger than ${mb(max)} MB${got}. Send a smaller photo; a phone camera photo is usually 2–5 MB.`,
    id: `Foto lebih besar dari ${mb(max)} MB${got}. Kirim foto yang lebih kecil; foto kamera ponsel biasanya 2–5 MB.`,
  }, { field: 'photo', reason: 'too-large', maxBytes: max });
}

/** What a refused upload's content is, in words (photos here, circular evidence in src/api/evidence.ts). */
export const FILE_KINDS: Readonly<Record<string, { en: string; id: string }>> = {
  'application/x-msdownload': { en: 'a Windows program (exe)', id: 'program Windows (exe)' },
  'application/vnd.microsoft.portable-executable': { en: 'a Windows program', id: 'program Windows' },
  'application/x-elf': { en: 'a Linux program', id: 'program Linux' },
  'application/zip': { en: 'a ZIP archive', id: 'arsip ZIP' },
  'application/x-rar-compressed': { en: 'a RAR archive', id: 'arsip RAR' },
  'application/pdf': { en: 'a PDF document', id: 'dokumen PDF' },
  'text/html': { en: 'a web page', id: 'halaman web' },
  'image/heic': { en: 'a HEIC picture (iPhone format)', id: 'gambar HEIC (format iPhone)' },
  'image/gif': { en: 'a GIF animation', id: 'animasi GIF' },
  'video/mp4': { en: 'a video', id: 'video' },
};

function notAPhoto(mime: string | null): ApiError {
  const what = mime === null ? { en: 'not a picture', id: 'bukan gambar' } : FILE_KINDS[mime] ?? { en: `of type ${mime}`, id: `berjenis ${mime}` };
  return new ApiError('E_UNSUPPORTED_MEDIA', {
    en: `The file is not a photo: its content is ${what.en}. Send a JPEG, PNG or WebP picture (a photo from the phone camera or a screenshot).`,
    id: `Berkas ini bukan foto: isinya ${what.id}. Kirim gambar JPEG, PNG atau WebP (foto dari kamera ponsel atau tangkapan layar).`,
  }, { field: 'photo', reason: 'type', detected: mime ?? 'unknown' });
}

function damaged(why: string): ApiError {
  return new ApiError('E_VALIDATION', {
    en: `The photo is incomplete or damaged (${why}); the upload may have been cut off. Send it again.`,
    id: `Foto tidak lengkap atau rusak (${why}); unggahan mungkin terputus. Kirim ulang.`,
  }, { field: 'photo', reason: 'damaged' });
}

// ---- JPEG (ITU-T T.81 Annex B: markers and segments) ---------------------------------------------------

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The Exif orientation (TIFF tag 0x0112 in IFD0), if the APP1 segment carries one (CIPA DC-008 §4.6.4). */
function exifOrientation(seg: Buffer): number | null {
  // seg = "Exif\0\0" + TIFF
  if (seg.length < 14 || seg.toString('latin1', 0, 6) !== 'Exif\0\0') return null;
  const t = seg.subarray(6);
  const le = t.toString('latin1', 0, 2) === 'II';
  if (!le && t.toString('latin1', 0, 2) !== 'MM') return null;
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  if (t.length < 8 || u16(2) !== 42) return null;
  const ifd = u32(4);
  if (ifd + 2 > t.length) return null;
  const n = u16(ifd);
  for (let k = 0; k < n; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > t.length) return null;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const v = u16(e + 8);
      return v >= 1 && v <= 8 ? v : null;
    }
  }
  return null;
}

/** A minimal APP1 Exif segment holding only the orientation (big-endian TIFF, one IFD0 entry). */
function orientationSegment(v: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(v, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
}

function cleanJpeg(b: Buffer): Omit<CleanPhoto, 'contentType' | 'ext'> {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw damaged('no JPEG start marker');
  const keep: Buffer[] = [b.subarray(0, 2)];
  const removed: string[] = [];
  let width: number | null = null;
  let height: number | null = null;
  let orientation: number | null = null;
  let sawFrame = false;
  let i = 2;
  for (;;) {
    if (i >= b.length) throw damaged('the file ends before the JPEG end marker');
    if (b[i] !== 0xff) throw damaged(`no marker at byte ${i}`);
    while (i < b.length && b[i] === 0xff) i++; // fill bytes (B.1.1.2)
    if (i >= b.length) throw damaged('the file ends inside a marker');
    const marker = b[i]!;
    const at = i - 1;
    i++;
    if (marker === 0xd9) {
      if (!sawFrame) throw damaged('no image frame');
      keep.push(Buffer.from([0xff, 0xd9])); // anything after EOI (appended data) is dropped
      if (i < b.length) removed.push('data after EOI');
      break;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      keep.push(b.subarray(at, i));
      continue;
    }
    if (i + 2 > b.length) throw damaged('the file ends inside a segment header');
    const len = b.readUInt16BE(i);
    if (len < 2 || i + len > b.length) throw damaged('a segment runs past the end of the file');
    const end = i + len;
    const body = b.subarray(i + 2, end);
    if (SOF.has(marker)) {
      if (len < 8) throw damaged('a frame header is too short');
      height = b.readUInt16BE(i + 3);
      width = b.readUInt16BE(i + 5);
      if (width === 0) throw damaged('the frame has no width');
      sawFrame = true;
    }
    const app = marker >= 0xe0 && marker <= 0xef ? marker - 0xe0 : -1;
    const drop = marker === 0xfe || (app >= 1 && app !== 2 && app !== 14) || (app === 2 && !body.toString('latin1', 0, 12).startsWith('ICC_PROFILE'));
    if (drop) {
      if (marker === 0xfe) removed.push('COM');
      else if (app === 1 && body.toString('latin1', 0, 6) === 'Exif\0\0') {
        removed.push('APP1 Exif');
        orientation ??= exifOrientation(body);
      } else if (app === 1 && body.toString('latin1', 0, 29).startsWith('http://ns.adobe.com/xap/1.0/')) removed.push('APP1 XMP');
      else removed.push(`APP${app}`);
    } else {
      keep.push(b.subarray(at, end));
    }
    i = end;
    if (marker === 0xda) {
      // Entropy-coded data: runs to the next marker that is not a stuffed 0x00 or a restart marker (B.1.1.5).
      let j = i;
      for (;;) {
        if (j + 1 >= b.length) throw damaged('the picture data is cut off before the JPEG end marker');
        if (b[j] === 0xff) {
          const n = b[j + 1]!;
          if (n === 0x00 || (n >= 0xd0 && n <= 0xd7)) {
            j += 2;
            continue;
          }
          if (n === 0xff) {
            j++;
            continue;
          }
          break;
        }
        j++;
      }
      keep.push(b.subarray(i, j));
      i = j;
    }
  }
  if (orientation !== null && orientation !== 1) keep.splice(1, 0, orientationSegment(orientation));
  return { bytes: Buffer.concat(keep), width, height, removed };
}

// ---- PNG (PNG specification, 3rd edition, §5 datastream structure) ------------------------------------

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DROP = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

let crcTable: Int32Array | undefined;
/** CRC-32 (ISO 3309 / ITU-T V.42), as PNG chunks use it. */
export function crc32(buf: Uint8Array): number {
  if (crcTable === undefined) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function cleanPng(b: Buffer): Omit<CleanPhoto, 'contentType' | 'ext'> {
  if (b.length < 8 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw damaged('no PNG signature');
  const keep: Buffer[] = [PNG_SIGNATURE];
  const removed: string[] = [];
  let width: number | null = null;
  let height: number | null = null;
  let i = 8;
  for (;;) {
    if (i + 12 > b.length) throw damaged('the file ends before the PNG end chunk');
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (len > 0x7fffffff || end > b.length) throw damaged(`chunk ${type} runs past the end of the file`);
    if (crc32(b.subarray(i + 4, i + 8 + len)) !== b.readUInt32BE(i + 8 + len)) throw damaged(`chunk ${type} is corrupt (CRC)`);
    if (type === 'IHDR') {
      width = b.readUInt32BE(i + 8);
      height = b.readUInt32BE(i + 12);
    }
    if (PNG_DROP.has(type)) removed.push(`PNG ${type}`);
    else keep.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') {
      if (i < b.length) removed.push('data after IEND');
      break;
    }
  }
  if (width === null) throw damaged('no PNG header chunk');
  return { bytes: Buffer.concat(keep), width, height, removed };
}

// ---- WebP (RFC 9649: RIFF container) ----------------------------------------------------------------------

function cleanWebp(b: Buffer): Omit<CleanPhoto, 'contentType' | 'ext'> {
  if (b.length < 12 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WEBP') throw damaged('no WebP header');
  const riff = b.readUInt32LE(4);
  if (riff + 8 > b.length) throw damaged('the file is shorter than its RIFF header says');
  const keep: Buffer[] = [];
  const removed: string[] = [];
  let width: number | null = null;
  let height: number | null = null;
  let image = false;
  let i = 12;
  while (i < riff + 8) {
    if (i + 8 > b.length) throw damaged('a chunk header runs past the end');
    const type = b.toString('latin1', i, i + 4);
    const len = b.readUInt32LE(i + 4);
    const end = i + 8 + len + (len & 1);
    if (end > riff + 8 + 1 || i + 8 + len > b.length) throw damaged(`chunk ${type.trim()} runs past the end of the file`);
    let chunk = b.subarray(i, Math.min(end, b.length));
    if (type === 'VP8X' && len >= 10) {
      chunk = Buffer.from(chunk);
      chunk[8] = chunk[8]! & ~0x0c; // the EXIF (0x08) and XMP (0x04) flags (RFC 9649 §2.7)
      width = 1 + chunk.readUIntLE(12, 3);
      height = 1 + chunk.readUIntLE(15, 3);
    }
    if (type === 'VP8 ' || type === 'VP8L' || type === 'ANIM') image = true;
    if (type === 'EXIF' || type === 'XMP ') removed.push(`WebP ${type.trim()}`);
    else keep.push(chunk);
    i = end;
  }
  if (!image) throw damaged('no WebP image data');
  const body = Buffer.concat(keep);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  if (i < b.length) removed.push('data after RIFF');
  return { bytes: Buffer.concat([head, body]), width, height, removed };
}

/**
 * Check a photo by its content and remove its metadata. Throws an ApiError with a bilingual message
 * (415 not a photo, 400 damaged or truncated, 413 too large) — nothing is written in any case.
 */
export async function cleanPhoto(bytes: Buffer, maxBytes = DEFAULT_PHOTO_MAX_BYTES): Promise<CleanPhoto> {
  if (bytes.length > maxBytes) throw photoTooLarge(bytes.length, maxBytes);
  if (bytes.length === 0) throw damaged('the file is empty');
  const t = await fileTypeFromBuffer(bytes);
  const mime = t?.mime ?? null;
  switch (mime) {
    case 'image/jpeg':
      return { ...cleanJpeg(bytes), contentType: 'image/jpeg', ext: 'jpg' };
    case 'image/png':
      return { ...cleanPng(bytes), contentType: 'image/png', ext: 'png' };
    case 'image/webp':
      return { ...cleanWebp(bytes), contentType: 'image/webp', ext: 'webp' };
    default:
      throw notAPhoto(mime);
  }
}

export interface StoredFile {
  readonly sha256: string;
  readonly size: number;
  /** Relative to the data directory. */
  readonly path: string;
}

export const PHOTO_DIR = 'incident-photos';

/**
 * Store bytes under `<dataDir>/<PHOTO_DIR>/aa/<sha256>.<ext>`: temporary file, fsync, rename. An
 * identical file already there is kept as it is (content-addressed: the same bytes, the same name).
 */
export async function storeFile(dataDir: string, bytes: Buffer, ext: string, dir: string = PHOTO_DIR): Promise<StoredFile> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const rel = join(dir, sha256.slice(0, 2), `${sha256}.${ext}`);
  const full = join(resolve(dataDir), rel);
  const exists = await stat(full).then((s) => s.size === bytes.length, () => false);
  if (!exists) {
    await mkdir(dirname(full), { recursive: true, mode: 0o700 });
    const tmp = `${full}.${randomBytes(6).toString('hex')}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(tmp, full);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
  return { sha256, size: bytes.length, path: rel };
}

/** The absolute path of a stored file, refusing anything that would leave the photo directory. */
export function storedPath(dataDir: string, rel: string, dir: string = PHOTO_DIR): string {
  const base = join(resolve(dataDir), dir) + sep;
  const full = resolve(dataDir, rel);
  if (!full.startsWith(base)) throw new ApiError('E_NOT_FOUND');
  return full;
}

/**
 * A body parser for uploads sent as the raw request body (a phone's fetch(file)): no multipart framing to
 * parse, and the size limit enforced while reading — a declared Content-Length over it is refused at once,
 * and an undeclared stream is cut when it passes it. Register it in a child scope holding only upload routes.
 */
export function rawUploadParser(max: number, tooLarge: (size: number | null, max: number) => ApiError) {
  return (request: { headers: Record<string, string | string[] | undefined> }, payload: NodeJS.ReadableStream, done: (err: Error | null, body?: Buffer) => void): void => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      payload.resume(); // discard the rest; the answer goes out at once
      done(tooLarge(declared, max), undefined);
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let over = false;
    payload.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > max) {
        over = true;
        done(tooLarge(null, max), undefined);
        return;
      }
      parts.push(c);
    });
    payload.on('end', () => {
      if (!over) done(null, Buffer.concat(parts));
    });
    payload.on('error', (e: Error) => {
      if (!over) done(e, undefined);
    });
  };
}
