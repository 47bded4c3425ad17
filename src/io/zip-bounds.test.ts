// The bounds on a ZIP archive before exceljs unpacks it (zip-bounds.ts): a real workbook passes, a bomb is
// refused by what it inflates to — also when its headers lie about the sizes —, damaged archives and ZIP64
// are refused with a bilingual message, and random bytes never throw anything but ZipBoundsError.
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { checkZipBounds, ZipBoundsError } from './zip-bounds.js';

const LIMITS = { maxEntries: 100, maxUncompressedBytes: 1024 * 1024 };

interface Entry { readonly name: string; readonly data: Buffer; readonly method?: 0 | 8; readonly declaredSize?: number }

/** A ZIP archive (APPNOTE.TXT 4.3) of `entries`, each stored or deflated, with the sizes it is told to declare. */
function zipOf(entries: readonly Entry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name, 'utf8');
    const declared = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const refused = (pattern: RegExp, idPattern: RegExp) => (e: unknown): boolean =>
  e instanceof ZipBoundsError && pattern.test(e.message) && idPattern.test(e.messageId);

describe('checkZipBounds', () => {
  test('a workbook exceljs wrote passes', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('assets');
    ws.addRow(['agency_code', 'ip', 'hostname']);
    for (let i = 0; i < 500; i++) ws.addRow(['DINKES', `198.18.1.${i % 250}`, `pc-${i}`]);
    const zip = Buffer.from(await wb.xlsx.writeBuffer());
    await checkZipBounds(zip, LIMITS);
    await checkZipBounds(zipOf([{ name: 'a.txt', data: Buffer.from('halo'), method: 0 }]), LIMITS);
  });

  test('an archive that inflates past the limit is refused, also when it declares small sizes', async () => {
    const big = Buffer.alloc(2 * 1024 * 1024); // zeros: 2 MiB that deflate to about 2 kB
    const message = /unpacks to more than 1 MiB: for a larger inventory save it as CSV UTF-8/;
    const id = /isi buku kerja lebih dari 1 MiB/;
    await assert.rejects(checkZipBounds(zipOf([{ name: 'xl/worksheets/sheet1.xml', data: big }]), LIMITS), refused(message, id));
    await assert.rejects(checkZipBounds(zipOf([{ name: 'xl/worksheets/sheet1.xml', data: big, declaredSize: 10 }]), LIMITS), refused(message, id), 'declared 10 bytes');
    // Many entries each below the limit, together above it.
    const parts = Array.from({ length: 5 }, (_, i) => ({ name: `p${i}.xml`, data: Buffer.alloc(300 * 1024) }));
    await assert.rejects(checkZipBounds(zipOf(parts), LIMITS), refused(message, id));
    await assert.rejects(checkZipBounds(zipOf([{ name: 'stored.bin', data: big, method: 0 }]), LIMITS), refused(message, id), 'stored');
  });

  test('too many entries, damage, ZIP64 and other methods are refused in both languages', async () => {
    const tiny = (name: string): Entry => ({ name, data: Buffer.from('x') });
    await assert.rejects(checkZipBounds(zipOf(Array.from({ length: 101 }, (_, i) => tiny(`e${i}`))), LIMITS), refused(/101 entries \(at most 100\)/, /101 entri/));
    await assert.rejects(checkZipBounds(Buffer.from('code,name,kind\nKOTA,Kota,city\n'), LIMITS), refused(/no end of central directory/, /bukan arsip ZIP yang dapat dibaca: tidak ada catatan akhir/));
    const good = zipOf([tiny('a'), tiny('b')]);
    await assert.rejects(checkZipBounds(good.subarray(10), LIMITS), refused(/not a readable ZIP archive/, /bukan arsip ZIP/), 'cut at the front');
    const zip64 = Buffer.from(good);
    zip64.writeUInt32LE(0xffffffff, zip64.length - 22 + 16);
    await assert.rejects(checkZipBounds(zip64, LIMITS), refused(/ZIP64 archives are not read/, /arsip ZIP64/));
    const bzip2 = Buffer.from(good);
    const cd = bzip2.readUInt32LE(bzip2.length - 22 + 16);
    bzip2.writeUInt16LE(12, cd + 10);
    await assert.rejects(checkZipBounds(bzip2, LIMITS), refused(/compression method 12/, /metode kompresi 12/));
    const garbled = zipOf([{ name: 'a', data: Buffer.from('y'), method: 0 }]);
    garbled.writeUInt16LE(8, garbled.readUInt32LE(garbled.length - 22 + 16) + 10); // says deflated, is not
    await assert.rejects(checkZipBounds(garbled, LIMITS), (e: unknown) => e instanceof ZipBoundsError);
  });

  test('random bytes, and random damage to a real archive, end in ZipBoundsError or pass — nothing else', async () => {
    const base = zipOf([{ name: 'xl/workbook.xml', data: Buffer.from('<workbook/>'.repeat(50)) }, { name: 'b', data: Buffer.from('halo dunia'), method: 0 }]);
    const ok = async (b: Buffer): Promise<boolean> => {
      try {
        await checkZipBounds(b, LIMITS);
        return true;
      } catch (e) {
        return e instanceof ZipBoundsError;
      }
    };
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => ok(Buffer.from(bytes))), { numRuns: 300 });
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
      const b = Buffer.from(base);
      for (const [at, v] of edits) b[at] = v;
      return ok(b);
    }), { numRuns: 500 });
  });
});
