// Bounds on a ZIP archive before a library unpacks it whole. An XLSX workbook is a ZIP archive (ECMA-376
// Part 2, Open Packaging Conventions) and exceljs inflates every part of it into memory, so a small hostile
// workbook (a "zip bomb": megabytes that inflate to gigabytes) would take the process down before any row is
// read. Here every entry is inflated once as a stream, counting bytes and keeping none, and reading stops as
// soon as the total passes the limit: the sizes the archive declares are not trusted, a bomb may lie about
// them. Layout: PKWARE APPNOTE.TXT 4.3.7 (local file header), 4.3.12 (central directory header), 4.3.16 (end
// of central directory record); every offset is checked against the buffer before it is read.

import { createInflateRaw } from 'node:zlib';

export interface ZipLimits {
  /** Entries in the archive (a workbook has a few dozen parts). */
  readonly maxEntries: number;
  /** Bytes of all entries together once inflated. */
  readonly maxUncompressedBytes: number;
}

export class ZipBoundsError extends Error {
  constructor(
    message: string,
    /** Indonesian text of the same. */
    readonly messageId: string,
  ) {
    super(message);
    this.name = 'ZipBoundsError';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;

const damaged = (en: string, id: string): ZipBoundsError =>
  new ZipBoundsError(`not a readable ZIP archive: ${en}`, `bukan arsip ZIP yang dapat dibaca: ${id}`);
const PAST_END = ['a header reaches past the end of the file', 'sebuah kepala melewati akhir berkas'] as const;

function u16(b: Buffer, at: number): number {
  if (at < 0 || at + 2 > b.length) throw damaged(...PAST_END);
  return b.readUInt16LE(at);
}

function u32(b: Buffer, at: number): number {
  if (at < 0 || at + 4 > b.length) throw damaged(...PAST_END);
  return b.readUInt32LE(at);
}

/** The end of central directory record: searched backwards over the largest comment a ZIP can carry. */
function findEnd(b: Buffer): number {
  for (let at = b.length - 22; at >= Math.max(0, b.length - 22 - 0xffff); at--) {
    if (b.readUInt32LE(at) === EOCD) return at;
  }
  throw damaged('no end of central directory record', 'tidak ada catatan akhir direktori pusat');
}

/** Inflate `data` (raw DEFLATE) as a stream; the byte count, or a count past `budget` as soon as it gets there. */
function inflatedSize(data: Buffer, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw();
    let n = 0;
    let done = false;
    z.on('data', (chunk: Buffer) => {
      n += chunk.length;
      if (n > budget && !done) {
        done = true;
        z.destroy();
        resolve(n);
      }
    });
    z.on('end', () => {
      if (!done) resolve(n);
    });
    z.on('error', (e: Error) => {
      if (!done) reject(damaged(`an entry does not inflate (${e.message})`, `sebuah entri tidak dapat dibuka (${e.message})`));
    });
    z.end(data);
  });
}

const mib = (n: number): string => `${Math.round(n / (1024 * 1024))} MiB`;

/**
 * Refuse `zip` (the whole archive) when it has more than `limits.maxEntries` entries or inflates to more
 * than `limits.maxUncompressedBytes`; also when it is damaged, uses ZIP64 or a method other than stored or
 * deflated (none of which a spreadsheet application writes for a workbook). Throws ZipBoundsError.
 */
export async function checkZipBounds(zip: Buffer, limits: ZipLimits): Promise<void> {
  if (zip.length < 22) throw damaged('too short', 'terlalu pendek');
  const end = findEnd(zip);
  const count = u16(zip, end + 10);
  const cdSize = u32(zip, end + 12);
  const cdOffset = u32(zip, end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipBoundsError('ZIP64 archives are not read: save the workbook again from the spreadsheet application, or as CSV UTF-8',
      'arsip ZIP64 tidak dibaca: simpan ulang buku kerja dari aplikasi lembar kerja, atau sebagai CSV UTF-8');
  }
  if (count > limits.maxEntries) {
    throw new ZipBoundsError(`the archive has ${count} entries (at most ${limits.maxEntries})`, `arsip berisi ${count} entri (paling banyak ${limits.maxEntries})`);
  }
  if (cdOffset + cdSize > end) throw damaged('the central directory overlaps its end record', 'direktori pusat menimpa catatan akhirnya');
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (u32(zip, at) !== CENTRAL) throw damaged(`central directory entry ${i + 1} has no signature`, `entri direktori pusat ke-${i + 1} tanpa tanda tangan`);
    const flags = u16(zip, at + 8);
    const method = u16(zip, at + 10);
    const compressed = u32(zip, at + 20);
    const nameLength = u16(zip, at + 28);
    const extraLength = u16(zip, at + 30);
    const commentLength = u16(zip, at + 32);
    const local = u32(zip, at + 42);
    if (compressed === 0xffffffff || local === 0xffffffff) throw damaged('ZIP64 sizes', 'ukuran ZIP64');
    if ((flags & 0x1) !== 0) throw damaged('an encrypted entry', 'entri terenkripsi');
    at += 46 + nameLength + extraLength + commentLength;
    if (at > cdOffset + cdSize) throw damaged('the central directory is longer than it says', 'direktori pusat lebih panjang dari yang disebutkan');
    if (u32(zip, local) !== LOCAL) throw damaged(`entry ${i + 1} has no local header`, `entri ke-${i + 1} tanpa kepala lokal`);
    const start = local + 30 + u16(zip, local + 26) + u16(zip, local + 28);
    if (start + compressed > zip.length) throw damaged(`entry ${i + 1} reaches past the end of the file`, `entri ke-${i + 1} melewati akhir berkas`);
    const budget = limits.maxUncompressedBytes - total;
    if (method === STORED) total += compressed;
    else if (method === DEFLATED) total += await inflatedSize(zip.subarray(start, start + compressed), budget);
    else throw damaged(`entry ${i + 1} uses compression method ${method}`, `entri ke-${i + 1} memakai metode kompresi ${method}`);
    if (total > limits.maxUncompressedBytes) {
      throw new ZipBoundsError(
        `the workbook unpacks to more than ${mib(limits.maxUncompressedBytes)}: for a larger inventory save it as CSV UTF-8 (read as a stream)`,
        `isi buku kerja lebih dari ${mib(limits.maxUncompressedBytes)} setelah dibuka: untuk inventaris sebesar itu simpan sebagai CSV UTF-8 (dibaca bertahap)`,
      );
    }
  }
}
