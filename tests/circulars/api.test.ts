// Bad input on the circular routes gets a clear bilingual error and loses nothing stored (docs/circulars.md),
// on SQLite and PostgreSQL: forged, malformed, expired and revoked links; a link reaching only its own
// agency's copy; oversized and disguised evidence; a KB of another Windows; answers after the circular is
// closed; evidence served only to those allowed; versions asking for acknowledgement again.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { storeSuite, testClock } from '../store/harness.js';
import { login, seedWorld } from '../api/fixture.js';
import type { Client } from '../api/fixture.js';
import { cityContent } from './fixture.js';
import { sse } from '../api/sse-client.js';
import { pdfFonts, pdfText } from '../../src/io/pdf/fixtures.js';

function bilingual(res: { statusCode: number; json(): unknown }, status: number, id: RegExp): { code: string; message: string; messageId: string; details?: Record<string, unknown> } {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  const e = (res.json() as { error: { code: string; message: string; messageId: string; details?: Record<string, unknown> } }).error;
  assert.ok(e.message.length > 0 && e.messageId.length > 0);
  assert.match(e.messageId, id);
  assert.ok(!e.messageId.includes(e.message), 'the Indonesian text is Indonesian');
  return e;
}

async function sentCircular(admin: Client, agencyIds: string[]): Promise<string> {
  const c = await admin.req('POST', '/api/v1/circulars', { content: cityContent({ audience: { kind: 'list', agencyIds } }) });
  assert.equal(c.statusCode, 201, c.body);
  const s = await admin.req('POST', `/api/v1/circulars/${c.json().id}/send`);
  assert.equal(s.statusCode, 200, s.body);
  return c.json().id as string;
}

const viaLink = (app: FastifyInstance, token: string) => (method: string, url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: method as 'GET', url, headers: { 'x-circular-token': token, ...headers }, ...(payload !== undefined ? { payload: payload as string } : {}) });

storeSuite('circular API bad input', (env) => {
  test('the letter as PDF: read back in both languages, addressed to one agency; another agency\'s officer gets 404', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { rateLimit: false });
    try {
      const admin = await login(w.app, 'admin');
      const id = await sentCircular(admin, [w.city.rsud.id, w.city.disdik.id]);
      const c = (await admin.req('GET', `/api/v1/circulars/${id}`)).json() as { number: string };
      const res = await admin.req('GET', `/api/v1/circulars/${id}/letter.pdf?agencyId=${w.city.rsud.id}`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.equal(res.headers['cache-control'], 'private, no-store');
      const text = pdfText(res.rawPayload).replace(/\s+/g, ' ');
      for (const part of ['SURAT EDARAN', 'NOMOR', 'TENTANG', c.number, 'LAMPIRAN']) assert.ok(text.toUpperCase().includes(part.toUpperCase()), `the letter holds ${part}`);
      assert.ok(pdfFonts(res.rawPayload).every((f) => f.embedded), 'fonts embedded');
      const en = pdfText((await admin.req('GET', `/api/v1/circulars/${id}/letter.pdf?lang=en`)).rawPayload).replace(/\s+/g, ' ');
      assert.match(en, /CIRCULAR/i);
      bilingual(await admin.req('GET', `/api/v1/circulars/${id}/letter.pdf?lang=fr`), 400, /./);
      const officer = await login(w.app, 'petugas.dinkes');
      bilingual(await officer.req('GET', `/api/v1/circulars/${id}/letter.pdf?agencyId=${w.city.disdik.id}`), 404, /tidak ditemukan/);
    } finally {
      await w.app.close();
    }
  });

  test('the live board: a stream of the officer\'s own rows, a new event when an answer changes them, `end` when the circular closes', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { rateLimit: false, circulars: { sseIntervalMs: 50 } });
    try {
      await w.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = w.app.server.address();
      const base = `http://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}`;
      const admin = await login(w.app, 'admin');
      const officer = await login(w.app, 'petugas.dinkes');
      const id = await sentCircular(admin, [w.city.rsud.id, w.city.disdik.id]);
      const stream = sse(base, `/api/v1/circulars/${id}/board/events`, officer.cookie);
      assert.equal(await stream.status, 200);
      const first = (await stream.next('board')).data as { rows: { agencyId: string; items: { code: string; status: string }[] }[] };
      assert.deepEqual(first.rows.map((r) => r.agencyId), [w.city.rsud.id], 'the officer\'s own agency only');
      assert.equal((await officer.req('PUT', `/api/v1/circulars/${id}/agencies/${w.city.rsud.id}/items/antivirus`, { status: 'in-progress' })).statusCode, 200);
      const deadline = Date.now() + 10_000;
      while (stream.events.filter((e) => e.event === 'board').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const second = stream.events.filter((e) => e.event === 'board')[1]!.data as typeof first;
      assert.equal(second.rows[0]!.items.find((i) => i.code === 'antivirus')!.status, 'in-progress');
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/close`)).statusCode, 200);
      assert.equal(((await stream.next('end')).data as { status: string }).status, 'closed');
      stream.close();
      bilingual(await officer.req('GET', `/api/v1/circulars/${(await sentCircular(admin, [w.city.disdik.id]))}/board/events`), 404, /tidak ditemukan/);
    } finally {
      await w.app.close();
    }
  });

  test('links: forged, malformed, expired and revoked open nothing; a link reaches only its own agency\'s copy; every use audited', async () => {
    const clock = testClock(new Date().toISOString());
    const store = await env.open({ clock: clock.now });
    const w = await seedWorld(store, { clock: clock.now, rateLimit: false });
    try {
      const admin = await login(w.app, 'admin');
      const id = await sentCircular(admin, [w.city.rsud.id, w.city.disdik.id]);
      const mk = async (agencyId: string, days = 7) => (await admin.req('POST', `/api/v1/circulars/${id}/agencies/${agencyId}/links`, { days })).json() as { token: string; link: { id: string }; path: string };
      const rsud = await mk(w.city.rsud.id);
      const disdik = await mk(w.city.disdik.id);
      assert.match(rsud.path, /^\/surat-edaran#/);
      const notSent = await admin.req('POST', `/api/v1/circulars/${id}/agencies/${w.city.capil.id}/links`, {});
      bilingual(notSent, 400, /tidak dikirim kepada instansi/);

      for (const t of [randomBytes(32).toString('base64url'), 'pendek', `${rsud.token}x`, '']) {
        bilingual(await viaLink(w.app, t)('GET', '/api/v1/public/circular'), 404, /tidak dikenal, sudah kedaluwarsa, atau telah dicabut/);
      }
      // A link opens its own agency's copy; what it answers is that agency's answer only.
      const open = await viaLink(w.app, rsud.token)('GET', '/api/v1/public/circular');
      assert.equal(open.json().agency.id, w.city.rsud.id);
      assert.equal(open.json().answers.length, 0);
      assert.equal((await viaLink(w.app, rsud.token)('PUT', '/api/v1/public/circular/items/antivirus', { status: 'in-progress', note: 'baru 3 PC' })).statusCode, 200);
      assert.deepEqual((await store.circulars.answers(id, 'all')).map((a) => a.agencyId), [w.city.rsud.id]);
      const other = await viaLink(w.app, disdik.token)('GET', '/api/v1/public/circular');
      assert.equal(other.json().agency.id, w.city.disdik.id);
      assert.equal(other.json().answers.length, 0, 'the other agency\'s link does not see RSUD\'s answer');
      // An officer of another agency cannot reach RSUD's copy through the signed-in routes either.
      const officerDisdik = await login(w.app, 'petugas.disdik');
      bilingual(await officerDisdik.req('PUT', `/api/v1/circulars/${id}/agencies/${w.city.rsud.id}/items/antivirus`, { status: 'done' }), 404, /tidak ditemukan/);

      // Revoked: at once.
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/links/${disdik.link.id}/revoke`)).statusCode, 200);
      bilingual(await viaLink(w.app, disdik.token)('GET', '/api/v1/public/circular'), 404, /dicabut/);
      // Expired: after its days.
      clock.advance(8 * 86_400_000);
      bilingual(await viaLink(w.app, rsud.token)('PUT', '/api/v1/public/circular/items/antivirus', { status: 'done' }), 404, /kedaluwarsa/);
      assert.equal((await store.circulars.answers(id, 'all'))[0]!.status, 'in-progress', 'nothing stored changed');
      // Every use is in the audit log, with the link's id.
      const audit = await store.audit.list({ limit: 1000 });
      assert.ok(audit.some((a) => a.action === 'circular.link-seen' && a.details?.['linkId'] === rsud.link.id));
      assert.ok(audit.some((a) => a.action === 'circular.link-answer' && a.outcome === 'success' && a.details?.['linkId'] === rsud.link.id));
      assert.ok(audit.some((a) => a.action === 'circular.link-answer' && a.outcome === 'failure'), 'a refused use too');
      // The token is nowhere in the database's link rows: only its hash.
      const stored = await store.circulars.links(id, null, 'all');
      assert.ok(!JSON.stringify(stored).includes(rsud.token));
      assert.equal((await store.circulars.linkByHash(createHash('sha256').update(rsud.token).digest('hex')))?.id, rsud.link.id);
    } finally {
      await w.app.close();
    }
  });

  test('answers and evidence: a KB of another Windows, oversized and disguised uploads, answers after closing — refused in both languages, nothing lost; evidence only to those allowed', async () => {
    const store = await env.open();
    const w = await seedWorld(store, { rateLimit: false, circulars: { evidenceMaxBytes: 64 * 1024 } });
    try {
      const admin = await login(w.app, 'admin');
      const officer = await login(w.app, 'petugas.dinkes');
      const id = await sentCircular(admin, [w.city.rsud.id, w.city.disdik.id]);
      const put = (code: string, body: unknown, who = officer) => who.req('PUT', `/api/v1/circulars/${id}/agencies/${w.city.rsud.id}/items/${code}`, body);

      // The signed-in officer's form is KB-aware too: the circular carries the same map the link page gets.
      const map = (await officer.req('GET', `/api/v1/circulars/${id}`)).json().kbMap as { os: string; fixing: string[]; superseding: string[]; srvSys: string | null }[];
      assert.deepEqual(map.find((f) => f.os === '7-2008r2')?.fixing, ['KB4012212', 'KB4012215']);
      assert.ok(map.find((f) => f.os === '7-2008r2')!.superseding.includes('KB4015549'));
      assert.equal(map.find((f) => f.os === '10-1703-later')?.srvSys, null, 'never affected');
      const ok = await put('ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB4012215'] });
      assert.equal(ok.statusCode, 200, ok.body);
      const other = bilingual(await put('ms17-010', { status: 'done', os: 'xp-2003', kbs: ['KB4012212'] }), 400, /pembaruan untuk Windows lain, bukan Windows XP/);
      assert.equal(other.details?.['why'], 'other-os');
      bilingual(await put('ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB4015546'] }), 400, /khusus keamanan April 2017/);
      bilingual(await put('ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB3212646'] }), 400, /sebelum perbaikan MS17-010/);
      bilingual(await put('ms17-010', { status: 'done', os: '8.1-2012r2', kbs: ['KB4012212'] }), 400, /pembaruan untuk Windows lain/);
      bilingual(await put('antivirus', { status: 'cannot' }), 400, /alasan dan tanggal target/);
      bilingual(await put('antivirus', { status: 'done', machinesDone: 3, machinesTotal: 10 }), 400, /sebagian/);
      bilingual(await put('tidak-ada', { status: 'done' }), 404, /tidak ditemukan/);
      const kept = (await store.circulars.answers(id, 'all', w.city.rsud.id)).find((a) => a.itemCode === 'ms17-010')!;
      assert.deepEqual(kept.kbs, ['KB4012215'], 'the refused answers changed nothing');

      const upload = (code: string, bytes: Buffer, name = 'bukti.pdf', who = officer) => who.req('POST', `/api/v1/circulars/${id}/agencies/${w.city.rsud.id}/items/${code}/evidence?name=${name}`, bytes, { 'content-type': 'application/octet-stream' });
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), randomBytes(400)]);
      exe.writeUInt32LE(64, 60);
      const disguised = bilingual(await upload('block-ports', exe, 'firewall.pdf'), 415, /bukan|tidak dapat menjadi bukti/);
      assert.notEqual(disguised.details?.['detected'], 'application/pdf', 'typed by content, not by name');
      bilingual(await upload('block-ports', Buffer.alloc(65 * 1024, 0x41)), 413, /lebih besar dari/);
      bilingual(await upload('block-ports', Buffer.from([0x50, 0x4b, 0x03, 0x04, ...randomBytes(200)])), 415, /tidak dapat menjadi bukti/);
      bilingual(await upload('disconnect', Buffer.from('tidak diminta')), 400, /tidak meminta berkas/);
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
      const stored = await upload('block-ports', pdf, 'aturan-firewall.pdf');
      assert.equal(stored.statusCode, 201, stored.body);
      assert.equal(stored.json().contentType, 'application/pdf');
      assert.equal(stored.json().sha256, createHash('sha256').update(pdf).digest('hex'));
      const text = await upload('ms17-010', Buffer.from('Host Name: PC-LOKET-2\nHotfix(s): KB4012215\n'), 'systeminfo.txt');
      assert.equal(text.json().contentType, 'text/plain; charset=utf-8');
      assert.ok(!('path' in stored.json()) && !stored.body.includes('circular-evidence'), 'no stored path leaves the server');
      // Served to the agency and the office, never to another agency's officer.
      const evId = stored.json().id as string;
      const got = await officer.req('GET', `/api/v1/circulars/${id}/evidence/${evId}`);
      assert.equal(got.statusCode, 200);
      assert.deepEqual(got.rawPayload, pdf);
      assert.equal(got.headers['x-content-type-options'], 'nosniff');
      const foreign = await login(w.app, 'petugas.disdik');
      bilingual(await foreign.req('GET', `/api/v1/circulars/${id}/evidence/${evId}`), 404, /tidak ditemukan/);
      assert.equal((await foreign.req('GET', `/api/v1/circulars/${id}/evidence`)).json().items.length, 0);

      // A new version asks for acknowledgement again; the first acknowledgement keeps its version.
      assert.equal((await officer.req('POST', `/api/v1/circulars/${id}/agencies/${w.city.rsud.id}/acknowledge`, { name: 'dr. Sari', position: 'Direktur RSUD' })).statusCode, 200);
      assert.equal((await admin.req('PUT', `/api/v1/circulars/${id}`, { content: cityContent({ audience: { kind: 'list', agencyIds: [w.city.rsud.id, w.city.disdik.id] }, urgency: 'segera' }), note: 'perubahan' })).statusCode, 200);
      await admin.req('POST', `/api/v1/circulars/${id}/send`);
      const rec = (await admin.req('GET', `/api/v1/circulars/${id}/recipients`)).json().items.find((r: { agencyId: string }) => r.agencyId === w.city.rsud.id);
      assert.deepEqual([rec.version, rec.acknowledged, rec.ack.version], [2, false, 1]);

      // Closed: answers and evidence refused, everything recorded stays.
      assert.equal((await admin.req('POST', `/api/v1/circulars/${id}/close`)).statusCode, 200);
      const late = bilingual(await put('antivirus', { status: 'done' }), 400, /sudah ditutup/);
      assert.equal(late.details?.['reason'], 'closed');
      bilingual(await upload('block-ports', pdf), 400, /sudah ditutup/);
      bilingual(await admin.req('POST', `/api/v1/circulars/${id}/close`), 400, /sudah ditutup/);
      assert.equal((await store.circulars.answers(id, 'all', w.city.rsud.id)).find((a) => a.itemCode === 'ms17-010')!.status, 'done');
      assert.equal((await store.circulars.evidence(id, 'all')).length, 2);
      // The scan-window override of a re-scan is an administrator's, with a reason.
      const id2 = await sentCircular(admin, [w.city.rsud.id]);
      bilingual(await officer.req('POST', `/api/v1/circulars/${id2}/agencies/${w.city.rsud.id}/rescan`, { overrideWindow: true, reason: 'darurat' }), 403, /Hanya administrator/);
      bilingual(await admin.req('POST', `/api/v1/circulars/${id2}/agencies/${w.city.rsud.id}/rescan`, { overrideWindow: true }), 400, /wajib disertai alasan/);
    } finally {
      await w.app.close();
    }
  });
});
