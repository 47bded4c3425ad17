// The HTTP surface: error bodies (codes, English + Indonesian, never a stack), body limit, malformed
// JSON, schema violations, HTML returned as data, security headers and request ids, the OpenAPI
// document, and the data endpoints (findings actions, dashboard, CSV exports). SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';

const STACK = /\bat [\w.<>]+ \(|node:internal|\.ts:\d+|\.js:\d+|SQLITE_|syntax error|kysely|Error: /i;

storeSuite('API HTTP surface', (env) => {
  test('errors: 413 oversized, 400 malformed JSON / schema violations (translated), 404 unknown route, 415; never a stack', async () => {
    const w = await seedWorld(await env.open());
    try {
      const c = await login(w.app, 'admin');
      const big = await c.req('POST', '/api/v1/users', JSON.stringify({ username: 'besar', password: 'x'.repeat(2 * 1024 * 1024), role: 'viewer' }), { 'content-type': 'application/json' });
      assert.equal(big.statusCode, 413);
      assert.deepEqual(Object.keys(big.json().error).sort(), ['code', 'message', 'messageId']);
      assert.equal(big.json().error.code, 'E_PAYLOAD_TOO_LARGE');
      assert.equal(big.json().error.messageId, 'Isi permintaan terlalu besar');
      const bad = await c.req('POST', '/api/v1/users', '{"username": "x",', { 'content-type': 'application/json' });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.code, 'E_VALIDATION');
      assert.equal(bad.json().error.messageId, 'Isi permintaan bukan JSON yang valid');
      const missing = await c.req('POST', '/api/v1/users', { username: 'tanpa-sandi', role: 'viewer' });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().error.details.field, 'body.password');
      assert.equal(missing.json().error.messageId, 'Masukan tidak valid pada kata sandi: wajib diisi');
      const role = await c.req('POST', '/api/v1/users', { username: 'peran', password: 'kata-sandi-panjang-1', role: 'root' });
      assert.equal(role.statusCode, 400);
      assert.match(role.json().error.messageId, /nilai tidak diizinkan/);
      const extra = await c.req('POST', '/api/v1/users', { username: 'lebih', password: 'kata-sandi-panjang-1', role: 'viewer', isAdmin: true });
      assert.equal(extra.statusCode, 400);
      assert.match(extra.json().error.messageId, /kolom tidak dikenal: isAdmin/);
      const q = await c.req('GET', '/api/v1/findings?limit=100000');
      assert.equal(q.statusCode, 400);
      assert.match(q.json().error.messageId, /terlalu besar \(maksimal 1000\)/);
      const cursor = await c.req('GET', '/api/v1/findings?cursor=bukan-kursor');
      assert.equal(cursor.statusCode, 400);
      assert.equal(cursor.json().error.code, 'E_VALIDATION');
      const xml = await c.req('POST', '/api/v1/users', '<user/>', { 'content-type': 'application/xml' });
      assert.equal(xml.statusCode, 415);
      const nowhere = await c.req('GET', '/api/v1/tidak-ada');
      assert.equal(nowhere.statusCode, 404);
      assert.equal(nowhere.json().error.code, 'E_NOT_FOUND');
      const gone = await c.req('GET', '/api/v1/findings/00000000-0000-0000-0000-000000000000');
      assert.equal(gone.json().error.messageId, 'Data tidak ditemukan');
      for (const r of [big, bad, missing, role, extra, q, cursor, xml, nowhere, gone]) assert.doesNotMatch(r.body, STACK, r.body);
      // The database goes away under the app: a generic text (E_STORAGE when the store recognises the
      // failure, E_INTERNAL for a closed pool), never the driver's message.
      await w.store.close();
      const down = await c.req('GET', '/api/v1/findings');
      assert.ok([500, 503].includes(down.statusCode), down.body);
      assert.ok(['E_STORAGE', 'E_INTERNAL'].includes(down.json().error.code));
      assert.doesNotMatch(down.body, STACK);
      assert.doesNotMatch(down.body, /destroyed|closed|pool|connection/i);
    } finally {
      await w.app.close();
    }
  });

  test('HTML in user-supplied fields comes back as data, escaped in the JSON bytes; security headers; request id', async () => {
    const w = await seedWorld(await env.open());
    try {
      const c = await login(w.app, 'analis');
      const html = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>';
      const id = w.data.disdik.findingIds[0]!;
      const r = await c.req('POST', `/api/v1/findings/${id}/accept-risk`, { reason: html, expiresAt: new Date(Date.now() + 7 * 86400_000).toISOString() }, { 'x-request-id': 'uji-123' });
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(!r.body.includes('<') && !r.body.includes('>'), r.body);
      assert.match(r.body, /\\u003cscript\\u003e/);
      assert.equal(r.json().exception.reason, html);
      assert.equal(r.json().status, 'accepted-risk');
      assert.match(String(r.headers['content-type']), /^application\/json/);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(r.headers['x-request-id'], 'uji-123');
      const other = await c.req('GET', '/api/v1/me', undefined, { 'x-request-id': 'bad id with spaces <x>' });
      assert.match(String(other.headers['x-request-id']), /^[0-9a-f-]{36}$/);
      const ev = (await c.req('GET', `/api/v1/findings/${id}`)).json();
      assert.equal(ev.events.at(-1).reason, html);
      const audit = (await (await login(w.app, 'admin')).req('GET', '/api/v1/audit?action=finding.accept-risk')).json().items;
      assert.equal(audit[0].requestId, 'uji-123');
      assert.equal(audit[0].actor, 'analis');
      assert.equal(audit[0].agencyId, w.city.disdik.id);
    } finally {
      await w.app.close();
    }
  });

  test('per-address request ceiling: 429 E_RATE_LIMIT with Retry-After, translated', async () => {
    const w = await seedWorld(await env.open(), { rateLimit: { max: 3, timeWindowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await w.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
      const r = await w.app.inject({ method: 'GET', url: '/api/v1/health' });
      assert.equal(r.statusCode, 429);
      assert.equal(r.json().error.code, 'E_RATE_LIMIT');
      assert.match(r.json().error.messageId, /^Terlalu banyak permintaan; coba lagi dalam \d+ detik$/);
      assert.ok(Number(r.headers['retry-after']) > 0);
      assert.equal((await w.app.inject({ method: 'GET', url: '/api/v1/health', remoteAddress: '192.0.2.1' })).statusCode, 200);
    } finally {
      await w.app.close();
    }
  });

  test('OpenAPI document: valid JSON listing every route; docs UI served', async () => {
    const w = await seedWorld(await env.open());
    try {
      const r = await w.app.inject({ method: 'GET', url: '/api/docs/json' });
      assert.equal(r.statusCode, 200);
      const doc = JSON.parse(r.body) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
      assert.match(doc.openapi, /^3\./);
      for (const route of w.app.routeTable.filter((x) => x.url.startsWith('/api/v1/'))) {
        const path = route.url.replace(/:(\w+)/g, '{$1}');
        const op = doc.paths[path]?.[route.method.toLowerCase()];
        assert.ok(op !== undefined, `${route.method} ${route.url} missing from OpenAPI`);
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${route.method} ${route.url}: no success schema`);
        assert.ok('400' in op.responses && '401' in op.responses, `${route.method} ${route.url}: no error schema`);
      }
      const ui = await w.app.inject({ method: 'GET', url: '/api/docs/' });
      assert.equal(ui.statusCode, 200);
      assert.match(ui.body, /swagger/i);
    } finally {
      await w.app.close();
    }
  });

  test('findings: list with filters and cursor; acknowledge, assign, false positive, revoke', async () => {
    const w = await seedWorld(await env.open());
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const all = (await officer.req('GET', '/api/v1/findings?limit=1000')).json();
      assert.equal(all.items.length, 9); // 3 hosts in Dinkes + RSUD × 3 rules
      assert.equal(all.items[0].severity, 'critical');
      const p1 = (await officer.req('GET', '/api/v1/findings?limit=4')).json();
      const p2 = (await officer.req('GET', `/api/v1/findings?limit=4&cursor=${encodeURIComponent(p1.next)}`)).json();
      const p3 = (await officer.req('GET', `/api/v1/findings?limit=4&cursor=${encodeURIComponent(p2.next)}`)).json();
      assert.equal(p3.next, null);
      assert.deepEqual([...p1.items, ...p2.items, ...p3.items].map((f: { id: string }) => f.id), all.items.map((f: { id: string }) => f.id));
      const crit = (await officer.req('GET', `/api/v1/findings?minSeverity=critical&agencyId=${w.city.rsud.id}`)).json();
      assert.deepEqual(crit.items.map((f: { ruleId: string }) => f.ruleId), ['ms17-010']);
      const id = w.data.rsud.findingIds[0]!;
      const ack = await officer.req('POST', `/api/v1/findings/${id}/acknowledge`);
      assert.equal(ack.statusCode, 200);
      assert.equal(ack.json().triage.acknowledgedBy, 'petugas.dinkes');
      // Assign: only to someone who can see it.
      assert.equal((await officer.req('POST', `/api/v1/findings/${id}/assign`, { assigneeId: w.users.officerDisdik.id })).statusCode, 400);
      assert.equal((await officer.req('POST', `/api/v1/findings/${id}/assign`, { assigneeId: w.users.viewer.id })).statusCode, 400);
      const asg = await officer.req('POST', `/api/v1/findings/${id}/assign`, { assigneeId: w.users.officer.id });
      assert.equal(asg.json().triage.assigneeId, w.users.officer.id);
      assert.equal((await officer.req('POST', `/api/v1/findings/${id}/assign`, { assigneeId: null })).json().triage.assigneeId, null);
      const tooLong = await officer.req('POST', `/api/v1/findings/${id}/false-positive`, { reason: 'uji', expiresAt: new Date(Date.now() + 400 * 86400_000).toISOString() });
      assert.equal(tooLong.statusCode, 400);
      const noReason = await officer.req('POST', `/api/v1/findings/${id}/false-positive`, { reason: '', expiresAt: new Date(Date.now() + 86400_000).toISOString() });
      assert.equal(noReason.statusCode, 400);
      const fp = await officer.req('POST', `/api/v1/findings/${id}/false-positive`, { reason: 'printer, bukan Windows', expiresAt: new Date(Date.now() + 30 * 86400_000).toISOString() });
      assert.equal(fp.json().status, 'false-positive');
      assert.equal((await officer.req('GET', '/api/v1/findings?status=false-positive')).json().items.length, 1);
      const rev = await officer.req('POST', `/api/v1/findings/${id}/revoke-exception`, { reason: 'salah tandai' });
      assert.equal(rev.json().status, 'open');
      assert.equal((await officer.req('POST', `/api/v1/findings/${id}/revoke-exception`, {})).statusCode, 409); // nothing to revoke
      const detail = (await officer.req('GET', `/api/v1/findings/${id}`)).json();
      assert.deepEqual(detail.events.map((e: { cause: string }) => e.cause), ['detected', 'false-positive', 'exception-revoked']);
    } finally {
      await w.app.close();
    }
  });

  test('dashboard by agency, agency detail, assets, networks; CSV exports guarded against formulas', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const d = (await admin.req('GET', '/api/v1/dashboard')).json();
      // The seeded hosts were never port-scanned (smbOpen 0); their exposure-smb findings count as reachable from outside.
      assert.deepEqual(d.totals, { hostsKnown: 6, hostsScanned: 6, smbOpen: 0, smbReachableOutside: 6, exposedSmb: 6, smbv1: 6, ms17010: 6, doublePulsar: 0, unknown: 4 });
      const dinkes = d.agencies.find((a: { code: string }) => a.code === 'DINKES');
      assert.equal(dinkes.hostsKnown, 2);
      const officer = await login(w.app, 'petugas.dinkes');
      const od = (await officer.req('GET', '/api/v1/dashboard')).json();
      assert.equal(od.totals.hostsKnown, 3);
      assert.deepEqual(od.agencies.map((a: { code: string }) => a.code).sort(), ['DINKES', 'PKM-UTARA', 'RSUD']);
      assert.equal(od.agencies.find((a: { code: string }) => a.code === 'DINKES').parentId, null); // the city root is not disclosed
      const detail = (await officer.req('GET', `/api/v1/agencies/${w.city.dinkes.id}`)).json();
      assert.equal(detail.networks[0].cidr, '198.18.1.0/24');
      assert.equal(detail.contacts[0].name, 'Kontak DINKES');
      assert.equal(detail.assets, 2);
      assert.equal(detail.findings.byStatus.open, 6);
      assert.deepEqual(detail.children.map((a: { code: string }) => a.code).sort(), ['PKM-UTARA', 'RSUD']);
      const assets = (await officer.req('GET', '/api/v1/assets?search=198.18.1.1&limit=1')).json();
      assert.equal(assets.items.length, 1);
      const more = (await officer.req('GET', `/api/v1/assets?search=198.18.1.1&limit=1&after=${assets.next}`)).json();
      assert.equal(more.items.length, 1);
      assert.notEqual(more.items[0].id, assets.items[0].id);
      assert.equal((await officer.req('GET', '/api/v1/networks')).json().items.length, 2);
      // A name chosen by whoever runs the host: a formula must not survive into a spreadsheet.
      await w.store.assets.update('all', w.data.dinkes.assetIds[0]!, { owner: '=HYPERLINK("http://evil.example","klik")' });
      const csv = await officer.req('GET', `/api/v1/agencies/${w.city.dinkes.id}/assets.csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      assert.match(String(csv.headers['content-disposition']), /attachment; filename="perisai-assets-DINKES.csv"/);
      const lines = csv.body.trim().split('\r\n');
      assert.equal(lines.length, 1 + 3); // Dinkes' two hosts and RSUD's one
      assert.ok(csv.body.includes(`"'=HYPERLINK(""http://evil.example"",""klik"")"`), csv.body);
      const fcsv = await officer.req('GET', `/api/v1/agencies/${w.city.rsud.id}/findings.csv`);
      assert.equal(fcsv.body.trim().split('\r\n').length, 1 + 3);
      assert.match(fcsv.body, /^agency,ip,netbios_name/);
    } finally {
      await w.app.close();
    }
  });
});
