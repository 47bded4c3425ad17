// Unit and property tests for the byte-level helpers: bounds-checked reads (DecodeError with
// field and offset), range-checked writes, S-relative alignment, FILETIME (MS-DTYP 2.3.3), hex, strings.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ByteReader } from './reader.js';
import { ByteWriter } from './writer.js';
import { DecodeError } from './errors.js';
import { dateToFiletime, filetimeToDate, filetimeToIso, filetimeToUnixMs, FILETIME_UNIX_EPOCH } from './filetime.js';
import { fromHex, hex32, toHex } from './hex.js';
import { decodeLatin1, decodeUtf16le, encodeLatin1, encodeUtf16le } from './utf16le.js';

function decodeErr(fn: () => unknown, code: DecodeError['code'], field?: string, offset?: number): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof DecodeError, `expected DecodeError, got ${String(e)}`);
    assert.equal(e.code, code);
    if (field !== undefined) assert.equal(e.field, field);
    if (offset !== undefined) assert.equal(e.offset, offset);
    return true;
  });
}

describe('ByteReader', () => {
  test('reads integers in both byte orders', () => {
    const r = new ByteReader(fromHex('01 0201 04030201 0807060504030201 0102 01020304 feff'));
    assert.equal(r.u8('a'), 1);
    assert.equal(r.u16le('b'), 0x0102);
    assert.equal(r.u32le('c'), 0x01020304);
    assert.equal(r.u64le('d'), 0x0102030405060708n);
    assert.equal(r.u16be('e'), 0x0102);
    assert.equal(r.u32be('f'), 0x01020304);
    assert.equal(r.i16le('g'), -2);
    assert.equal(r.remaining, 0);
  });

  test('every read past the end throws a DecodeError naming the field and offset', () => {
    const r = new ByteReader(fromHex('0102 03'));
    r.u16le('x');
    decodeErr(() => r.u16le('SMB1.MID'), 'truncated', 'SMB1.MID', 2);
    decodeErr(() => r.u32le('y'), 'truncated');
    decodeErr(() => r.u64le('y'), 'truncated');
    decodeErr(() => r.bytes(2, 'y'), 'truncated');
    decodeErr(() => r.skip(5, 'y'), 'truncated');
    assert.equal(r.u8('z'), 3);
    decodeErr(() => r.u8('z'), 'truncated');
    decodeErr(() => r.peekU8('z'), 'truncated');
  });

  test('negative or fractional lengths are invalid, not reads', () => {
    const r = new ByteReader(new Uint8Array(8));
    decodeErr(() => r.bytes(-1, 'n'), 'invalid');
    decodeErr(() => r.bytes(1.5, 'n'), 'invalid');
  });

  test('sub() and window() keep absolute offsets and stay inside the parent window', () => {
    const buf = fromHex('00 11 22 33 44 55 66 77');
    const r = new ByteReader(buf);
    r.skip(3, 'pad');
    const s = r.sub(3, 'sub');
    assert.equal(s.offset, 3);
    assert.equal(s.u8('a'), 0x33);
    s.align(2, 'align'); // absolute 4 is even: nothing to skip
    assert.equal(s.offset, 4);
    assert.equal(s.u16le('b'), 0x5544);
    decodeErr(() => s.u8('c'), 'truncated');
    assert.equal(r.offset, 6);
    decodeErr(() => s.window(2, 1, 'w'), 'invalid');
    decodeErr(() => r.window(6, 3, 'w'), 'truncated');
    assert.deepEqual([...r.window(6, 2, 'w').rest()], [0x66, 0x77]);
  });

  test('align() pads relative to the buffer start', () => {
    const r = new ByteReader(new Uint8Array(8));
    r.skip(1, 'x');
    r.align(2, 'pad');
    assert.equal(r.offset, 2);
    r.align(8, 'pad8');
    assert.equal(r.offset, 8);
    r.align(4, 'noop');
    assert.equal(r.offset, 8);
  });

  test('seek() refuses offsets outside the window', () => {
    const r = new ByteReader(new Uint8Array(10), 2, 6);
    decodeErr(() => r.seek(1, 's'), 'invalid');
    decodeErr(() => r.seek(7, 's'), 'truncated');
    r.seek(6, 's');
    assert.equal(r.remaining, 0);
  });

  test('NUL-terminated strings: terminator, end-of-window tolerance, cap', () => {
    const r = new ByteReader(fromHex('41 42 00 43 44'));
    assert.equal(r.latin1z('a'), 'AB');
    assert.equal(r.latin1z('b'), 'CD'); // unterminated at end of window: accepted
    assert.equal(r.remaining, 0);
    const u = new ByteReader(fromHex('4100 4200 0000 4300'));
    assert.equal(u.utf16lez('u'), 'AB');
    assert.equal(u.utf16lez('v'), 'C');
    decodeErr(() => new ByteReader(new Uint8Array(100).fill(0x41)).latin1z('cap', 10), 'too-large');
    decodeErr(() => new ByteReader(new Uint8Array(100).fill(0x41)).utf16lez('cap', 10), 'too-large');
    // A terminator right after the cap is still found.
    assert.equal(new ByteReader(fromHex('41 41 00')).latin1z('c', 2), 'AA');
  });

  test('expectEnd() flags trailing bytes', () => {
    const r = new ByteReader(new Uint8Array(2));
    r.u8('a');
    decodeErr(() => r.expectEnd('end'), 'invalid');
  });

  test('property: arbitrary read sequences only ever throw DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 40 }), (buf, ops) => {
        const r = new ByteReader(buf);
        for (const op of ops) {
          try {
            switch (op) {
              case 0: r.u8('f'); break;
              case 1: r.u16le('f'); break;
              case 2: r.u32le('f'); break;
              case 3: r.u64le('f'); break;
              case 4: r.bytes(op * 3, 'f'); break;
              case 5: r.utf16lez('f', 16); break;
              case 6: r.latin1z('f', 16); break;
              case 7: r.align(4, 'f'); break;
              case 8: r.sub(5, 'f'); break;
              default: r.u32be('f');
            }
          } catch (e) {
            assert.ok(e instanceof DecodeError);
          }
          assert.ok(r.offset <= buf.length);
        }
      }),
    );
  });
});

describe('ByteWriter', () => {
  test('writes integers and grows', () => {
    const w = new ByteWriter({ initialCapacity: 1 });
    w.u8(1).u16le(0x0102).u32le(0x01020304).u64le(0x0102030405060708n).u16be(0x0102).u32be(0x01020304).i16le(-2);
    assert.equal(toHex(w.finish()), '01' + '0201' + '04030201' + '0807060504030201' + '0102' + '01020304' + 'feff');
  });

  test('range-checks every value', () => {
    const w = new ByteWriter();
    assert.throws(() => w.u8(256), RangeError);
    assert.throws(() => w.u16le(-1), RangeError);
    assert.throws(() => w.u32le(2 ** 32), RangeError);
    assert.throws(() => w.u32le(1.5), RangeError);
    assert.throws(() => w.u64le(-1n), RangeError);
    assert.throws(() => w.i16le(0x8000), RangeError);
  });

  test('align() uses the origin (S-relative offsets)', () => {
    const w = new ByteWriter({ origin: 61 });
    w.u8(0).align(2);
    assert.equal(w.length, 1); // 62 is even
    w.u8(0).align(8);
    assert.equal(w.position, 64);
    assert.equal(w.length, 3);
  });

  test('strings and patching', () => {
    const w = new ByteWriter().u16le(0).latin1('AB', true).utf16le('C', true);
    w.patchU16le(0, 0xbeef);
    assert.equal(toHex(w.finish()), 'efbe' + '414200' + '43000000');
    assert.throws(() => new ByteWriter().latin1('\u0100'), RangeError);
    assert.throws(() => new ByteWriter().patchU16le(0, 1), RangeError);
  });

  test('round trip: writer output read back by the reader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (a, b, c) => {
        const r = new ByteReader(new ByteWriter().u16le(a).u32be(b).u64le(c).finish());
        assert.equal(r.u16le('a'), a);
        assert.equal(r.u32be('b'), b);
        assert.equal(r.u64le('c'), c);
      }),
    );
  });
});

describe('FILETIME, hex, strings', () => {
  test('FILETIME conversions (MS-DTYP 2.3.3)', () => {
    assert.equal(filetimeToUnixMs(FILETIME_UNIX_EPOCH), 0);
    assert.equal(filetimeToDate(0n), undefined);
    // Windows 10 1511 ServerStartTime [P:dpw7#24] → 2017-04-16T14:34:36Z (docs/smb-detection.md §7.5)
    assert.equal(filetimeToIso(131368268766932119n)?.slice(0, 19), '2017-04-16T14:34:36');
    assert.equal(dateToFiletime(new Date('2017-03-14T00:00:00Z')), 131339232000000000n);
    assert.equal(filetimeToUnixMs(dateToFiletime(1234567890123)), 1234567890123);
    assert.ok(filetimeToDate(0xffffffffffffffffn) instanceof Date);
  });

  test('hex helpers', () => {
    assert.deepEqual([...fromHex('00 ff\n10')], [0, 255, 16]);
    assert.equal(toHex(Uint8Array.of(0, 255)), '00ff');
    assert.equal(hex32(0xc0000205), '0xC0000205');
    assert.equal(hex32(3, 2), '0x03');
    assert.throws(() => fromHex('abc'), RangeError);
    assert.throws(() => fromHex('zz'), RangeError);
  });

  test('UTF-16LE and Latin-1', () => {
    assert.equal(decodeUtf16le(encodeUtf16le('Windows 7 Ultimate 7600')), 'Windows 7 Ultimate 7600');
    assert.equal(decodeUtf16le(Uint8Array.of(0x41, 0, 0x42)), 'A'); // odd trailing byte dropped
    assert.equal(decodeLatin1(encodeLatin1('caf\u00e9')), 'caf\u00e9');
  });
});
