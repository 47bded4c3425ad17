// The public side of incident reporting on SQLite and PostgreSQL: no login reaches incidents; a status
// link reaches only its own report and a guessed or expired one nothing; the challenge and the rate
// limits refuse a flood; photos are checked by content (an executable renamed .jpg, a 30 MB photo and a
// truncated JPEG are refused with a bilingual message, and nothing stored is lost) and stored without
// their metadata.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cleanPhoto } from '../../src/api/photos.js';
import { login, seedWorld } from '../api/fixture.js';
import { storeSuite, testClock } from '../store/harness.js';
import { fakeExe, SECRET_EXIF, solvePow, status, submitReport, TEST_POW, tinyJpeg, tinyPng, uploadPhoto } from './helpers.js';
import type { Submitted } from './helpers.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'perisai-photos-'));
  dirs.push(d);
  return d;
}

test('photo cleaning: Exif, XMP and comments removed, orientation kept; PNG text chunks removed; damaged files refused', async () => {
  const jpeg = await cleanPhoto(tinyJpeg());
  assert.deepEqual(jpeg.removed, ['APP1 Exif', 'APP1 XMP', 'COM']);
  assert.ok(!jpeg.bytes.includes(Buffer.from(SECRET_EXIF)), 'no trace of the metadata');
  assert.equal(jpeg.width, 8);
  const again = await cleanPhoto(jpeg.bytes);
  assert.deepEqual(again.removed, ['APP1 Exif'], 'only the minimal orientation block is left');
  assert.ok(again.bytes.equals(jpeg.bytes), 'cleaning is idempotent');
  const png = await cleanPhoto(tinyPng());
  assert.deepEqual(png.removed, ['PNG tEXt']);
  assert.ok(!png.bytes.includes(Buffer.from(SECRET_EXIF)));
  const full = tinyJpeg(false);
  await assert.rejects(cleanPhoto(full.subarray(0, full.length - 2)), /tidak lengkap|incomplete/);
  const badPng = tinyPng();
  badPng[badPng.length - 20] = badPng[badPng.length - 20]! ^ 0xff;
  await assert.rejects(cleanPhoto(badPng), /CRC|damaged/);
  await assert.rejects(cleanPhoto(fakeExe()), (e: Error & { messageId?: string }) => /Windows program/.test(e.message) && /program Windows/.test(e.messageId ?? ''));
});

storeSuite('public incident reports', (env) => {
  test('no login reaches incidents; a report gets a reference, a status link and the card; a link shows only its own report; a guessed or expired one nothing', async () => {
    const clock = testClock('2025-06-02T01:00:00.000Z');
    const store = await env.open({ clock: clock.now });
    const w = await seedWorld(store, { clock: clock.now, incidents: { dataDir: dataDir(), publicReports: { pow: TEST_POW } } });
    try {
      for (const url of ['/api/v1/incidents', '/api/v1/incident-reports', '/api/v1/incident-stats?month=2025-06', '/api/v1/playbooks']) {
        const r = await w.app.inject({ method: 'GET', url });
        assert.equal(r.statusCode, 401, url);
      }
      const units = (await w.app.inject({ method: 'GET', url: '/api/v1/public/units' })).json() as { items: { code: string }[] };
      assert.ok(units.items.some((u) => u.code === 'RSUD'));

      const res = await submitReport(w.app, { symptoms: ['disk-repair-screen'] });
      assert.equal(res.statusCode, 201, res.body);
      const a = res.json() as Submitted;
      assert.match(a.reference, /^LAP-250602-[0-9A-Z]{5}$/);
      assert.match(a.statusToken, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(a.statusPath, `/lapor/status#${a.statusToken}`);
      const power = a.card.steps.find((s) => s.id === 'reporter-power')!;
      assert.match(power.branches.find((x) => x.applies === true)!.do.en, /Switch the computer OFF/, 'the fake disk-repair screen: switch off');
      const b = (await submitReport(w.app, { location: 'PC farmasi', reporterRole: 'agency-it' })).json() as Submitted;
      assert.ok(b.card.steps.some((s) => s.id === 'it-acknowledge'), 'an IT officer gets the agency IT card');

      const sa = await status(w.app, a.statusToken);
      assert.equal(sa.statusCode, 200);
      const va = sa.json() as { reference: string; status: string; unit: { code: string }; messages: unknown[] };
      assert.equal(va.reference, a.reference);
      assert.equal(va.status, 'new');
      assert.equal(va.unit.code, 'RSUD');
      assert.ok(!sa.body.includes(b.reference), 'the link shows only its own report');
      assert.equal((await status(w.app, b.statusToken)).json().reference, b.reference);
      const stored = await store.incidentReports.list('all', {});
      for (const r of stored.items) assert.ok(!JSON.stringify(r).includes(a.statusToken), 'the token itself is never stored');

      const guessed = await status(w.app, 'A'.repeat(43));
      assert.equal(guessed.statusCode, 404);
      assert.equal(guessed.json().error.code, 'E_NOT_FOUND');
      assert.ok(!guessed.body.includes('LAP-'));
      assert.equal((await status(w.app, 'pendek')).statusCode, 404);
      assert.equal((await w.app.inject({ method: 'GET', url: '/api/v1/public/report-status' })).statusCode, 404);
      clock.advance(91 * 86_400_000);
      const expired = await status(w.app, a.statusToken);
      assert.equal(expired.statusCode, 404, 'an expired link shows nothing');
      assert.ok(!expired.body.includes(a.reference));
    } finally {
      await w.app.close();
    }
  });

  test('the challenge and the rate limits refuse a flood', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { incidents: { dataDir: dataDir(), publicReports: { pow: TEST_POW, perAddress: { max: 3, windowMs: 60_000 }, perUnit: { max: 5, windowMs: 60_000 } } } });
    try {
      const none = await submitReport(w.app, {}, { pow: false, remoteAddress: '127.0.0.11' });
      assert.equal(none.statusCode, 403);
      assert.match(none.json().error.messageId, /Pemeriksaan keamanan/);
      const solved = await solvePow(w.app);
      const key = (solved.solution as { derivedKey: string }).derivedKey;
      const tampered = { ...solved, solution: { ...(solved.solution as object), derivedKey: `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}` } };
      assert.equal((await w.app.inject({ method: 'POST', url: '/api/v1/public/reports', remoteAddress: '127.0.0.12', payload: { ...FORM_MIN, altcha: tampered } })).statusCode, 403);
      const first = await w.app.inject({ method: 'POST', url: '/api/v1/public/reports', remoteAddress: '127.0.0.13', payload: { ...FORM_MIN, altcha: solved } });
      assert.equal(first.statusCode, 201, first.body);
      const replay = await w.app.inject({ method: 'POST', url: '/api/v1/public/reports', remoteAddress: '127.0.0.14', payload: { ...FORM_MIN, altcha: solved } });
      assert.equal(replay.statusCode, 403, 'a solved challenge buys one report');
      assert.equal(replay.json().error.details.reason, 'replay');
      // The widget's encoding (base64 JSON) is accepted too.
      const b64 = Buffer.from(JSON.stringify(await solvePow(w.app))).toString('base64');
      assert.equal((await w.app.inject({ method: 'POST', url: '/api/v1/public/reports', remoteAddress: '127.0.0.15', payload: { ...FORM_MIN, altcha: b64 } })).statusCode, 201);

      // Per address: the fourth from one address within the window is refused.
      const codes: number[] = [];
      for (let i = 0; i < 4; i++) codes.push((await submitReport(w.app, { unitCode: 'DISDIK' }, { remoteAddress: '127.0.0.20' })).statusCode);
      assert.deepEqual(codes, [201, 201, 201, 429]);
      const limited = await submitReport(w.app, { unitCode: 'DISDIK' }, { remoteAddress: '127.0.0.20' });
      assert.equal(limited.headers['retry-after'] !== undefined, true);
      assert.match(limited.json().error.messageId, /Terlalu banyak laporan/);
      // Per unit: RSUD had 2 (first, b64); 3 more from different addresses pass, the next is refused.
      const unit: number[] = [];
      for (let i = 0; i < 4; i++) unit.push((await submitReport(w.app, {}, { remoteAddress: `127.0.1.${i + 1}` })).statusCode);
      assert.deepEqual(unit, [201, 201, 201, 429]);
      const reports = await store.incidentReports.list('all', { limit: 100 });
      assert.equal(reports.items.length, 2 + 3 + 3, 'exactly the accepted ones are stored');
    } finally {
      await w.app.close();
    }
  });

  test('photos: stored cleaned outside the web root; an exe renamed .jpg, a 30 MB photo, a truncated JPEG refused in both languages; nothing stored lost', async () => {
    const dir = dataDir();
    const store = await env.open();
    const w = await seedWorld(store, { incidents: { dataDir: dir, publicReports: { pow: TEST_POW } } });
    try {
      const a = (await submitReport(w.app)).json() as Submitted;
      const ok = await uploadPhoto(w.app, a.statusToken, tinyJpeg());
      assert.equal(ok.statusCode, 201, ok.body);
      const meta = ok.json() as { sha256: string; removed: string[] };
      assert.deepEqual(meta.removed, ['APP1 Exif', 'APP1 XMP', 'COM']);
      const file = join(dir, 'incident-photos', meta.sha256.slice(0, 2), `${meta.sha256}.jpg`);
      const bytes = readFileSync(file);
      assert.ok(!bytes.includes(Buffer.from(SECRET_EXIF)), 'EXIF is gone from the stored photo');
      assert.ok(!bytes.includes(Buffer.from('Exif\0\0II')), 'the camera\'s Exif block is gone (only the orientation block, big-endian, is written back)');
      assert.equal((await uploadPhoto(w.app, a.statusToken, tinyPng(), 'image/png', 'layar.png')).statusCode, 201);

      const exe = await uploadPhoto(w.app, a.statusToken, fakeExe(), 'image/jpeg', 'foto.jpg');
      assert.equal(exe.statusCode, 415);
      assert.match(exe.json().error.message, /not a photo.*Windows program/);
      assert.match(exe.json().error.messageId, /bukan foto.*program Windows/);
      const huge = Buffer.alloc(30 * 1024 * 1024);
      tinyJpeg().copy(huge);
      const big = await uploadPhoto(w.app, a.statusToken, huge);
      assert.equal(big.statusCode, 413);
      assert.match(big.json().error.message, /larger than 10 MB/);
      assert.match(big.json().error.messageId, /lebih besar dari 10 MB/);
      const jpg = tinyJpeg();
      const cut = await uploadPhoto(w.app, a.statusToken, jpg.subarray(0, jpg.length - 3));
      assert.equal(cut.statusCode, 400);
      assert.match(cut.json().error.message, /incomplete/);
      assert.match(cut.json().error.messageId, /tidak lengkap/);
      assert.equal((await uploadPhoto(w.app, 'B'.repeat(43), tinyJpeg())).statusCode, 404, 'a guessed link cannot upload');

      // Nothing stored was lost: both photos, their files, the report.
      const report = (await store.incidentReports.list('all', {})).items[0]!;
      const photos = await store.incidentReports.photosOf(report.id);
      assert.equal(photos.length, 2);
      assert.ok(readFileSync(file).equals(bytes));
      assert.equal((await status(w.app, a.statusToken)).json().photos, 2);
      // A responder sees the photo through the API (login required), byte for byte.
      const analyst = await login(w.app, 'analis');
      const got = await analyst.req('GET', `/api/v1/incident-photos/${photos[0]!.id}`);
      assert.equal(got.statusCode, 200);
      assert.equal(got.headers['content-type'], 'image/jpeg');
      assert.ok(got.rawPayload.equals(bytes));
      assert.equal((await w.app.inject({ method: 'GET', url: `/api/v1/incident-photos/${photos[0]!.id}` })).statusCode, 401);
    } finally {
      await w.app.close();
    }
  });

  test('the status link: the reporter adds information; responders\' messages and a rejection reason show there', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { incidents: { dataDir: dataDir(), publicReports: { pow: TEST_POW } } });
    try {
      const a = (await submitReport(w.app)).json() as Submitted;
      const add = await w.app.inject({ method: 'POST', url: '/api/v1/public/report-status/messages', headers: { 'x-report-token': a.statusToken }, payload: { text: 'Sekarang 3 PC terkena' } });
      assert.equal(add.statusCode, 201);
      const report = (await store.incidentReports.list('all', {})).items[0]!;
      const analyst = await login(w.app, 'analis');
      assert.equal((await analyst.req('POST', `/api/v1/incident-reports/${report.id}/messages`, { text: 'Tim TI menuju lokasi' })).statusCode, 201);
      const s = (await status(w.app, a.statusToken)).json() as { messages: { from: string; text: string }[] };
      assert.deepEqual(s.messages.map((m) => [m.from, m.text]), [['reporter', 'Sekarang 3 PC terkena'], ['responder', 'Tim TI menuju lokasi']]);
      assert.equal((await analyst.req('POST', `/api/v1/incident-reports/${report.id}/reject`, { reason: 'Uji coba pelatihan' })).statusCode, 200);
      const r = (await status(w.app, a.statusToken)).json() as { status: string; reason: string };
      assert.deepEqual([r.status, r.reason], ['rejected', 'Uji coba pelatihan']);
      const bad = await submitReport(w.app, { reporterWhatsapp: 'tidak tahu' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.messageId, /Nomor WhatsApp tidak valid/);
      assert.match(bad.json().error.message, /WhatsApp number is not valid/);
    } finally {
      await w.app.close();
    }
  });
});

const FORM_MIN = { unitCode: 'RSUD', symptoms: ['files-wont-open'], reporterName: 'Budi', reporterWhatsapp: '081298765432' };
