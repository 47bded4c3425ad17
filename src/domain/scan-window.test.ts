import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatScanWindow, isInScanWindow, localTime, parseScanWindow, validateScanWindow, windowCovers } from './scan-window.js';
import type { ScanWindow } from './scan-window.js';

// 2025-06-02 is a Monday. Asia/Jakarta is UTC+7 (WIB), no DST.
const wib = (day: number, hhmm: string): Date => new Date(`2025-06-${String(1 + day).padStart(2, '0')}T${hhmm}:00+07:00`);

describe('scan windows', () => {
  const hospital = parseScanWindow('never Mon-Sat 07:00-12:00 Asia/Jakarta');

  it('a hospital\'s registration hours are never scanned', () => {
    assert.deepEqual(hospital.days, [1, 2, 3, 4, 5, 6]);
    assert.equal(isInScanWindow([hospital], wib(1, '07:00')), false, 'Monday 07:00 (start is inclusive)');
    assert.equal(isInScanWindow([hospital], wib(3, '11:59')), false);
    assert.equal(isInScanWindow([hospital], wib(1, '12:00')), true, 'end is exclusive');
    assert.equal(isInScanWindow([hospital], wib(1, '06:59')), true);
    assert.equal(isInScanWindow([hospital], wib(7, '09:00')), true, 'Sunday is free');
    // The same instant seen from UTC: Monday 00:30Z = 07:30 WIB.
    assert.equal(isInScanWindow([hospital], new Date('2025-06-02T00:30:00Z')), false);
  });

  it('allow windows restrict scanning to them; deny wins over allow', () => {
    const nights = parseScanWindow('only daily 19:00-05:00 Asia/Jakarta');
    assert.equal(isInScanWindow([nights], wib(2, '23:00')), true);
    assert.equal(isInScanWindow([nights], wib(3, '04:59')), true, 'after midnight belongs to the previous evening');
    assert.equal(isInScanWindow([nights], wib(3, '05:00')), false);
    assert.equal(isInScanWindow([nights], wib(3, '12:00')), false);
    const noFriday = parseScanWindow('never Fri 00:00-24:00 Asia/Jakarta');
    assert.equal(isInScanWindow([nights, noFriday], wib(5, '23:00')), false);
    assert.equal(isInScanWindow([nights, noFriday], wib(6, '02:00')), true, 'Saturday morning belongs to a Friday-evening window, but Friday ends at midnight');
    assert.equal(isInScanWindow([], wib(1, '09:00')), true, 'no windows: always allowed');
  });

  it('an overnight window listed for one day covers the next morning only', () => {
    const w = parseScanWindow('only Mon 22:00-05:00 Asia/Jakarta');
    assert.equal(windowCovers(w, wib(1, '22:30')), true);
    assert.equal(windowCovers(w, wib(2, '04:00')), true);
    assert.equal(windowCovers(w, wib(2, '22:30')), false);
    assert.equal(windowCovers(w, wib(1, '04:00')), false);
  });

  it('honours other zones (WITA, WIT) and DST zones', () => {
    const wit = parseScanWindow('never Mon 08:00-09:00 Asia/Jayapura'); // UTC+9
    assert.equal(windowCovers(wit, new Date('2025-06-01T23:30:00Z')), true); // Mon 08:30 WIT
    const ny = validateScanWindow({ mode: 'deny', days: [7], start: '01:00', end: '04:00', timeZone: 'America/New_York' });
    assert.equal(windowCovers(ny, new Date('2025-03-09T07:30:00Z')), true); // 03:30 EDT on the DST day
    assert.deepEqual(localTime(new Date('2025-06-01T17:00:00Z'), 'Asia/Jakarta'), { day: 1, minute: 0 }); // Monday 00:00 WIB
  });

  it('parses Indonesian day names and ranges that wrap the week', () => {
    assert.deepEqual(parseScanWindow('jangan Sen-Sab 07:00-12:00').days, [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(parseScanWindow('hanya Sab-Sen 00:00-24:00').days, [1, 6, 7]);
    assert.equal(parseScanWindow('never weekdays 07:00-16:00').timeZone, 'Asia/Jakarta');
  });

  it('refuses malformed windows', () => {
    for (const t of ['sometimes Mon 07:00-12:00', 'never Funday 07:00-12:00', 'never Mon 7-12', 'never Mon 25:00-26:00', 'never Mon 07:00-07:00', 'never Mon 07:00-12:00 Mars/Base', 'never Mon 07:00-12:00 Asia/Jakarta extra']) {
      assert.throws(() => parseScanWindow(t), /./, t);
    }
  });

  it('format and parse round-trip (property)', () => {
    const arb = fc.record({
      mode: fc.constantFrom('allow' as const, 'deny' as const),
      days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
      s: fc.integer({ min: 0, max: 1439 }),
      e: fc.integer({ min: 1, max: 1440 }),
    }).filter((r) => r.s !== r.e);
    const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(arb, (r) => {
        const w: ScanWindow = validateScanWindow({ mode: r.mode, days: r.days as ScanWindow['days'], start: hhmm(r.s), end: hhmm(r.e), timeZone: 'Asia/Makassar' });
        assert.deepEqual(parseScanWindow(formatScanWindow(w)), w);
      }),
    );
  });
});
