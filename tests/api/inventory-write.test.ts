// Inventory changes through the API (the web application's forms) and the asset detail data:
// agencies (create, update, retire; an officer only below its own agency), networks (register with the
// user as the authoriser, overlap refused with a translated conflict, withdraw), contacts, the asset's
// criticality/owner/tags, and the asset's services and history from stored scans. Every success writes
// an audit row; every refusal leaves the data as it was. SQLite and PostgreSQL (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Observation } from '../../src/domain/observation.js';
import { storeSuite } from '../store/harness.js';
import { login, recordScan, seedWorld } from './fixture.js';
import type { World } from './fixture.js';

const STACK = /\bat [\w.<>]+ \(|node:internal|\.ts:\d+|\.js:\d+|SQLITE_|syntax error|kysely|Error: /i;

async function lastAudit(w: World, action: string) {
  const rows = await w.store.audit.list({ limit: 200 });
  return rows.find((r) => r.action === action);
}

storeSuite('API inventory changes', (env) => {
  test('agencies: create, validate, conflict, update, retire; officers only below their own agency; audited', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const made = await admin.req('POST', '/api/v1/agencies', { code: 'dinsos', name: 'Dinas Sosial', kind: 'opd', parentId: w.city.city.id });
      assert.equal(made.statusCode, 201, made.body);
      const dinsos = made.json();
      assert.equal(dinsos.code, 'DINSOS');
      assert.equal(dinsos.parentId, w.city.city.id);
      const audit = await lastAudit(w, 'agency.create');
      assert.equal(audit?.outcome, 'success');
      assert.equal(audit?.targetId, dinsos.id);
      assert.equal(audit?.actor, 'admin');

      const dup = await admin.req('POST', '/api/v1/agencies', { code: 'DINSOS', name: 'Lagi', kind: 'opd', parentId: w.city.city.id });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.messageId, 'Kode instansi DINSOS sudah dipakai oleh Dinas Sosial');
      assert.equal(dup.json().error.message, 'Agency code DINSOS is already used by Dinas Sosial');
      const kind = await admin.req('POST', '/api/v1/agencies', { code: 'X1', name: 'X', kind: 'kerajaan', parentId: w.city.city.id });
      assert.equal(kind.statusCode, 400);
      assert.match(kind.json().error.messageId, /^Masukan tidak valid pada jenis: nilai tidak diizinkan; pilih salah satu dari: province, city, opd/);
      const code = await admin.req('POST', '/api/v1/agencies', { code: 'kode dengan spasi', name: 'X', kind: 'opd', parentId: w.city.city.id });
      assert.equal(code.statusCode, 400);
      assert.match(code.json().error.messageId, /^Masukan tidak valid pada kode: format tidak valid$/);
      const nested = await admin.req('POST', '/api/v1/agencies', { code: 'KEC-X', name: 'Kecamatan X', kind: 'kecamatan', parentId: dinsos.id });
      assert.equal(nested.statusCode, 400);
      assert.equal(nested.json().error.messageId, 'Jenis instansi ini tidak dapat ditempatkan di bawah induk tersebut');
      assert.match(nested.json().error.message, /a kecamatan cannot be placed under a opd/);
      for (const r of [dup, kind, code, nested]) assert.doesNotMatch(r.body, STACK);

      const renamed = await admin.req('PATCH', `/api/v1/agencies/${dinsos.id}`, { name: 'Dinas Sosial Kota', notes: 'gedung B' });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'Dinas Sosial Kota');
      assert.equal(renamed.json().notes, 'gedung B');
      assert.deepEqual((await lastAudit(w, 'agency.update'))?.details, { before: { name: 'Dinas Sosial', kind: 'opd', notes: null, parentId: w.city.city.id }, change: { name: 'Dinas Sosial Kota', notes: 'gedung B' } });
      const empty = await admin.req('PATCH', `/api/v1/agencies/${dinsos.id}`, {});
      assert.equal(empty.statusCode, 400);
      const cycle = await admin.req('PATCH', `/api/v1/agencies/${w.city.dinkes.id}`, { parentId: w.city.rsud.id });
      assert.equal(cycle.statusCode, 400);
      assert.ok(['Instansi tidak dapat dipindahkan ke bawah unitnya sendiri', 'Jenis instansi ini tidak dapat ditempatkan di bawah induk tersebut'].includes(cycle.json().error.messageId), cycle.body);

      // Retire keeps the row (and its history); an agency with active units is refused.
      const busy = await admin.req('POST', `/api/v1/agencies/${w.city.dinkes.id}/retire`);
      assert.equal(busy.statusCode, 409);
      assert.match(busy.json().error.messageId, /^Instansi masih memiliki unit aktif \(/);
      const retired = await admin.req('POST', `/api/v1/agencies/${dinsos.id}/retire`);
      assert.equal(retired.statusCode, 200, retired.body);
      assert.ok(retired.json().retiredAt !== null);
      assert.ok((await w.store.agencies.get('all', dinsos.id)).retiredAt !== null, 'the row is kept');
      const under = await admin.req('POST', '/api/v1/agencies', { code: 'UPT-SOS', name: 'UPT', kind: 'upt', parentId: dinsos.id });
      assert.equal(under.statusCode, 409);
      assert.equal(under.json().error.messageId, 'Instansi induk sudah dinonaktifkan');

      // Analyst: same rights as admin here.
      const analyst = await login(w.app, 'analis');
      assert.equal((await analyst.req('POST', '/api/v1/agencies', { code: 'DISPAR', name: 'Dinas Pariwisata', kind: 'opd', parentId: w.city.city.id })).statusCode, 201);

      // Officer of Dinkes: a unit below Dinkes, yes; anything else, no.
      const officer = await login(w.app, 'petugas.dinkes');
      const pkm = await officer.req('POST', '/api/v1/agencies', { code: 'PKM-BARU', name: 'Puskesmas Baru', kind: 'puskesmas', parentId: w.city.dinkes.id });
      assert.equal(pkm.statusCode, 201, pkm.body);
      const foreign = await officer.req('POST', '/api/v1/agencies', { code: 'SD-X', name: 'SD X', kind: 'school', parentId: w.city.disdik.id });
      assert.equal(foreign.statusCode, 404);
      assert.equal(foreign.json().error.messageId, 'Instansi induk tidak ditemukan');
      assert.ok(!foreign.body.includes(w.city.disdik.id), 'the foreign id is not echoed');
      const root = await officer.req('POST', '/api/v1/agencies', { code: 'ROOT-X', name: 'X', kind: 'city' });
      assert.equal(root.statusCode, 400);
      assert.match(root.json().error.messageId, /Pilih instansi induk/);
      const own = await officer.req('PATCH', `/api/v1/agencies/${w.city.dinkes.id}`, { name: 'Dinkes diubah' });
      assert.equal(own.statusCode, 403);
      assert.match(own.json().error.messageId, /bukan instansinya sendiri/);
      assert.equal((await officer.req('PATCH', `/api/v1/agencies/${w.city.disdik.id}`, { name: 'x' })).statusCode, 404);
      assert.equal((await officer.req('POST', `/api/v1/agencies/${w.city.disdik.id}/retire`)).statusCode, 404);
      assert.equal((await officer.req('PATCH', `/api/v1/agencies/${pkm.json().id}`, { name: 'Puskesmas Baru Sekali' })).statusCode, 200);
      assert.equal((await officer.req('POST', `/api/v1/agencies/${pkm.json().id}/retire`)).statusCode, 200);
      assert.equal((await w.store.agencies.get('all', w.city.dinkes.id)).name, w.city.dinkes.name);
      assert.equal((await w.store.agencies.get('all', w.city.disdik.id)).retiredAt, null);

      const viewer = await login(w.app, 'pimpinan');
      const denied = await viewer.req('POST', '/api/v1/agencies', { code: 'V', name: 'V', kind: 'opd', parentId: w.city.city.id });
      assert.equal(denied.statusCode, 403);
      assert.equal((await lastAudit(w, 'agency.create'))?.outcome, 'denied');
    } finally {
      await w.app.close();
    }
  });

  test('networks: registered by admin/analyst with the user as authoriser; overlap and bad CIDR refused in both languages; withdrawn', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const agency = (await admin.req('POST', '/api/v1/agencies', { code: 'DINSOS', name: 'Dinas Sosial', kind: 'opd', parentId: w.city.city.id })).json();
      const added = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '198.18.0.0/24', label: 'Kantor', zone: 'dmz' });
      assert.equal(added.statusCode, 201, added.body);
      const net = added.json();
      assert.equal(net.cidr, '198.18.0.0/24');
      assert.equal(net.authorisedBy, 'admin');
      assert.equal(net.label, 'Kantor');
      assert.equal(net.zone, 'dmz');
      const audit = await lastAudit(w, 'network.register');
      assert.equal(audit?.targetId, net.id);
      assert.equal(audit?.agencyId, agency.id);
      assert.equal((audit?.details as { cidr: string }).cidr, '198.18.0.0/24');

      const count = async () => (await w.store.networks.list('all')).length;
      const before = await count();
      const overlap = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '198.18.0.0/16' });
      assert.equal(overlap.statusCode, 409);
      assert.equal(overlap.json().error.code, 'E_CONFLICT');
      assert.match(overlap.json().error.messageId, /^Jaringan 198\.18\.0\.0\/16 tumpang tindih dengan 198\.18\.[1-4]\.0\/24 milik [^;]+ \([A-Z0-9-]+\); satu host tidak boleh diklaim dua instansi$/);
      assert.match(overlap.json().error.message, /overlaps 198\.18\.[1-4]\.0\/24 registered to /);
      const dup = await admin.req('POST', `/api/v1/agencies/${w.city.capil.id}/networks`, { cidr: '198.18.0.0/24' });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.messageId, 'Jaringan 198.18.0.0/24 sudah terdaftar atas nama Dinas Sosial (DINSOS)');
      const bits = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '198.18.9.1/24' });
      assert.equal(bits.statusCode, 400);
      assert.equal(bits.json().error.messageId, 'CIDR 198.18.9.1/24 memuat bit host; maksud Anda 198.18.9.0/24?');
      const junk = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: 'bukan-jaringan' });
      assert.equal(junk.statusCode, 400);
      assert.match(junk.json().error.messageId, /^Masukan tidak valid pada blok CIDR: format tidak valid$/);
      const prefix = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '198.18.9.0/33' });
      assert.equal(prefix.statusCode, 400);
      assert.match(prefix.json().error.messageId, /bukan blok CIDR yang valid|tidak valid/);
      const extra = await admin.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '198.18.9.0/24', authorisedBy: 'orang lain' });
      assert.equal(extra.statusCode, 400, 'the authoriser is the logged-in user, never a body field');
      for (const r of [overlap, dup, bits, junk, prefix, extra]) assert.doesNotMatch(r.body, STACK);
      assert.equal(await count(), before, 'nothing stored on refusal');
      assert.equal((await lastAudit(w, 'network.register'))?.outcome, 'failure');

      const analyst = await login(w.app, 'analis');
      const byAnalyst = await analyst.req('POST', `/api/v1/agencies/${agency.id}/networks`, { cidr: '2001:db8:10::/64' });
      assert.equal(byAnalyst.statusCode, 201, byAnalyst.body);
      assert.equal(byAnalyst.json().authorisedBy, 'analis');

      const officer = await login(w.app, 'petugas.dinkes');
      assert.equal((await officer.req('POST', `/api/v1/agencies/${w.city.dinkes.id}/networks`, { cidr: '198.18.50.0/24' })).statusCode, 403);
      assert.equal((await officer.req('DELETE', `/api/v1/networks/${w.data.dinkes.networkId}`)).statusCode, 403);
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('DELETE', `/api/v1/networks/${net.id}`)).statusCode, 403);

      const gone = await admin.req('DELETE', `/api/v1/networks/${net.id}`);
      assert.equal(gone.statusCode, 204, gone.body);
      assert.equal((await admin.req('GET', `/api/v1/networks/${net.id}`)).statusCode, 404);
      const removal = await lastAudit(w, 'network.remove');
      assert.equal(removal?.targetId, net.id);
      assert.deepEqual({ ...(removal?.details as object) }, { cidr: '198.18.0.0/24', label: 'Kantor', authorisedBy: 'admin', authorisedAt: net.authorisedAt });
      assert.equal((await admin.req('DELETE', `/api/v1/networks/${net.id}`)).statusCode, 404);
    } finally {
      await w.app.close();
    }
  });

  test('contacts: add, change, remove by admin and the agency\'s own officer; validation translated; foreign → 404', async () => {
    const w = await seedWorld(await env.open());
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const added = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'Sari (IT RSUD)', role: 'pic', phone: '0812-3456-7890', isPrimary: true });
      assert.equal(added.statusCode, 201, added.body);
      const c = added.json();
      assert.equal(c.phone, '+6281234567890');
      assert.equal(c.isPrimary, true);
      assert.equal((await lastAudit(w, 'contact.add'))?.targetId, c.id);

      const none = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'Tanpa kontak', role: 'pic' });
      assert.equal(none.statusCode, 400);
      assert.equal(none.json().error.messageId, 'Kontak memerlukan minimal satu dari surel, telepon, atau WhatsApp');
      const mail = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'X', role: 'pic', email: 'bukan surel' });
      assert.equal(mail.statusCode, 400);
      assert.equal(mail.json().error.messageId, 'Alamat surel tidak valid');
      const phone = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'X', role: 'pic', phone: '12' });
      assert.equal(phone.statusCode, 400);
      assert.match(phone.json().error.messageId, /^Nomor telepon tidak valid/);
      const role = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'X', role: 'bos', email: 'x@kota.go.id' });
      assert.equal(role.statusCode, 400);

      // A second primary PIC demotes the first.
      const second = await officer.req('POST', `/api/v1/agencies/${w.city.rsud.id}/contacts`, { name: 'Budi', role: 'pic', email: 'budi@kota.go.id' });
      const promoted = await officer.req('PATCH', `/api/v1/contacts/${second.json().id}`, { isPrimary: true, whatsapp: '+62 811 000 111' });
      assert.equal(promoted.statusCode, 200, promoted.body);
      assert.equal(promoted.json().whatsapp, '+62811000111');
      const list = await w.store.contacts.list('all', { agencyId: w.city.rsud.id, role: 'pic' });
      assert.deepEqual(list.map((x) => [x.name, x.isPrimary]), [['Budi', true], ['Sari (IT RSUD)', false]]);
      const cleared = await officer.req('PATCH', `/api/v1/contacts/${c.id}`, { phone: null });
      assert.equal(cleared.statusCode, 400, 'a contact keeps one way to reach it');
      assert.equal((await w.store.contacts.list('all', { agencyId: w.city.rsud.id })).find((x) => x.id === c.id)?.phone, '+6281234567890');

      assert.equal((await officer.req('PATCH', `/api/v1/contacts/${w.data.disdik.contactId}`, { name: 'x' })).statusCode, 404);
      assert.equal((await officer.req('DELETE', `/api/v1/contacts/${w.data.disdik.contactId}`)).statusCode, 404);
      assert.equal((await officer.req('POST', `/api/v1/agencies/${w.city.disdik.id}/contacts`, { name: 'x', role: 'pic', email: 'x@kota.go.id' })).statusCode, 404);
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('DELETE', `/api/v1/contacts/${c.id}`)).statusCode, 403);

      const removed = await officer.req('DELETE', `/api/v1/contacts/${c.id}`);
      assert.equal(removed.statusCode, 204);
      assert.equal((await w.store.contacts.list('all', { agencyId: w.city.rsud.id })).some((x) => x.id === c.id), false);
      assert.equal((await lastAudit(w, 'contact.remove'))?.targetId, c.id);
      const admin = await login(w.app, 'admin');
      assert.equal((await admin.req('PATCH', `/api/v1/contacts/${w.data.disdik.contactId}`, { role: 'security' })).json().role, 'security');
    } finally {
      await w.app.close();
    }
  });

  test('assets: criticality, owner and tags; validation; officer in scope only; viewer refused', async () => {
    const w = await seedWorld(await env.open());
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const id = w.data.rsud.assetIds[0]!;
      const ok = await officer.req('PATCH', `/api/v1/assets/${id}`, { criticality: 'vital', owner: 'Bagian Pendaftaran', tags: ['Pendaftaran', 'lantai-1', 'pendaftaran'] });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.json().criticality, 'vital');
      assert.equal(ok.json().owner, 'Bagian Pendaftaran');
      assert.deepEqual(ok.json().tags, ['lantai-1', 'pendaftaran']);
      const audit = await lastAudit(w, 'asset.update');
      assert.equal(audit?.targetId, id);
      assert.deepEqual((audit?.details as { before: unknown }).before, { criticality: 'internal', owner: null, tags: [] });

      const crit = await officer.req('PATCH', `/api/v1/assets/${id}`, { criticality: 'sangat-penting' });
      assert.equal(crit.statusCode, 400);
      assert.match(crit.json().error.messageId, /^Masukan tidak valid pada tingkat kepentingan: nilai tidak diizinkan/);
      const tag = await officer.req('PATCH', `/api/v1/assets/${id}`, { tags: ['<script>'] });
      assert.equal(tag.statusCode, 400);
      assert.match(tag.json().error.messageId, /^Label hanya boleh/);
      assert.equal((await officer.req('PATCH', `/api/v1/assets/${id}`, {})).statusCode, 400);
      assert.equal((await officer.req('PATCH', `/api/v1/assets/${id}`, { ip: '10.0.0.1' })).statusCode, 400);
      assert.deepEqual((await w.store.assets.get('all', id)).tags, ['lantai-1', 'pendaftaran'], 'unchanged by the refusals');

      const foreign = w.data.disdik.assetIds[0]!;
      assert.equal((await officer.req('PATCH', `/api/v1/assets/${foreign}`, { criticality: 'low' })).statusCode, 404);
      assert.equal((await w.store.assets.get('all', foreign)).criticality, 'internal');
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('PATCH', `/api/v1/assets/${id}`, { criticality: 'low' })).statusCode, 403);
    } finally {
      await w.app.close();
    }
  });

  test('asset detail: ports and services, checks with evidence and history of changes from stored scans', async () => {
    const w = await seedWorld(await env.open());
    try {
      const d = w.data.dinkes;
      const ip = d.ips[0]!;
      const host = { type: 'host', ip, state: 'up', reason: 'syn-ack', open: 2, closed: 0, filtered: 0, netbiosName: 'DINKES-PC0' } as Observation;
      const first = await recordScan(w.store, d.agencyId, '198.18.1.0/24', [
        host,
        { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds', rttMs: 1.5 },
        { type: 'port', ip, port: 3389, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'ms-wbt-server', banner: 'RDP 10.0' },
        { type: 'check', ip, port: 445, check: 'ms17-010', state: 'vulnerable', reason: 'STATUS_INSUFF_SERVER_RESOURCES', evidence: { status: '0xc0000205' } },
        { type: 'check', ip, port: 445, check: 'smbv1', state: 'vulnerable', evidence: { dialect: 'NT LM 0.12' } },
      ]);
      const second = await recordScan(w.store, d.agencyId, '198.18.1.0/24', [
        host,
        { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' },
        { type: 'port', ip, port: 3389, proto: 'tcp', state: 'closed', reason: 'conn-refused' },
        { type: 'check', ip, port: 445, check: 'ms17-010', state: 'not-vulnerable', reason: 'STATUS_ACCESS_DENIED', reasonCode: 'patched:access-denied', evidence: { status: '0xc0000022' } },
      ]);
      // Another machine answering at the same address later (another NetBIOS name): not this asset's scan.
      await recordScan(w.store, d.agencyId, '198.18.1.0/24', [
        { ...host, netbiosName: 'TAMU-LAPTOP' } as Observation,
        { type: 'port', ip, port: 80, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'http' },
      ]);

      const officer = await login(w.app, 'petugas.dinkes');
      const s = await officer.req('GET', `/api/v1/assets/${d.assetIds[0]}/services`);
      assert.equal(s.statusCode, 200, s.body);
      const services = s.json();
      assert.equal(services.scan.jobId, second);
      assert.equal(services.scansRead, 2);
      assert.deepEqual(services.ports, [{ port: 445, state: 'open', reason: 'syn-ack', service: 'microsoft-ds', banner: null, rttMs: null }]);
      assert.deepEqual(services.checks.map((c: { check: string; state: string; reasonCode: string | null; jobId: string; evidence: unknown }) => [c.check, c.state, c.reasonCode, c.jobId, c.evidence]), [
        ['ms17-010', 'not-vulnerable', 'patched:access-denied', second, { status: '0xc0000022' }],
        ['smbv1', 'vulnerable', null, first, { dialect: 'NT LM 0.12' }],
      ]);

      const h = await officer.req('GET', `/api/v1/assets/${d.assetIds[0]}/history`);
      assert.equal(h.statusCode, 200, h.body);
      const history = h.json();
      assert.equal(history.truncated, false);
      const scan = history.items.filter((i: { source: string }) => i.source === 'scan').map((i: { kind: string; jobId: string; port: number | null; check: string | null; from: string | null; to: string | null; confirmed: boolean | null }) => [i.kind, i.jobId, i.port, i.check, i.from, i.to, i.confirmed]);
      assert.deepEqual(scan, [
        ['port-closed', second, 3389, null, null, null, true],
        ['check-changed', second, 445, 'ms17-010', 'vulnerable', 'not-vulnerable', null],
        ['host-new', first, null, null, null, null, null],
        ['port-opened', first, 445, null, null, 'microsoft-ds', null],
        ['port-opened', first, 3389, null, null, 'ms-wbt-server', null],
        // A first verdict is no change (nothing to compare it with); the findings' events below record it.
      ]);
      const findings = history.items.filter((i: { source: string }) => i.source === 'finding');
      assert.ok(findings.some((i: { kind: string; to: string; finding: { ruleId: string } }) => i.kind === 'detected' && i.to === 'open' && i.finding.ruleId === 'ms17-010'), h.body);
      const times = history.items.map((i: { at: string }) => i.at);
      assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

      // Scope: another agency's officer gets 404 like a missing asset; a viewer reads.
      const other = await login(w.app, 'petugas.disdik');
      for (const p of ['services', 'history']) {
        const r = await other.req('GET', `/api/v1/assets/${d.assetIds[0]}/${p}`);
        assert.equal(r.statusCode, 404);
        assert.ok(!r.body.includes(ip));
      }
      const viewer = await login(w.app, 'pimpinan');
      assert.equal((await viewer.req('GET', `/api/v1/assets/${d.assetIds[1]}/services`)).json().scan, null, 'never scanned: no scan, no ports');
      assert.deepEqual((await viewer.req('GET', `/api/v1/assets/${d.assetIds[1]}/services`)).json().ports, []);
    } finally {
      await w.app.close();
    }
  });
});
