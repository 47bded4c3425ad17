// Scope registration with guard rails, and scan targets the API refuses (domain/network.ts, src/api/routes/
// inventory-write.ts and scans.ts): the never-register list is refused for everyone; a block with public
// space, wider than the configured size or with loopback needs an administrator's confirmation with a
// written reason, stored with the network and in the audit log; every malformed scan target is a 400 with
// an Indonesian message in Indonesian, and a target outside the registered networks is refused in both
// languages. SQLite and PostgreSQL (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeSuite } from '../store/harness.js';
import { login, seedWorld } from './fixture.js';
import type { World } from './fixture.js';

/** Words of the English messages that must never appear in an Indonesian one. */
const ENGLISH = /\b(the|is|not|network|registered|outside|must|only|address|block|invalid|please|an?|host bits|name)\b/i;

async function audits(w: World, action: string) {
  return (await w.store.audit.list({ limit: 500 })).filter((r) => r.action === action);
}

storeSuite('API scope guard rails', (env) => {
  test('0.0.0.0/0 and the never-register list are refused; 10.0.0.0/8 needs an admin\'s confirmation and reason, audited', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const analyst = await login(w.app, 'analis');
      const url = `/api/v1/agencies/${w.city.capil.id}/networks`;
      const count = async () => (await w.store.networks.list('all')).length;
      const before = await count();

      // Never: for everyone, with or without a reason.
      for (const [cidr, block] of [['0.0.0.0/0', '0.0.0.0/8'], ['::/0', '::/128'], ['224.0.0.0/4', '224.0.0.0/4'], ['169.254.0.0/16', '169.254.0.0/16'], ['fe80::/10', 'fe80::/10'], ['255.255.255.255/32', '240.0.0.0/4'], ['ff02::/16', 'ff00::/8']] as const) {
        for (const who of [admin, analyst]) {
          const r = await who.req('POST', url, { cidr, confirmReason: 'Saya yakin sekali dengan ini' });
          assert.equal(r.statusCode, 400, `${cidr}: ${r.body}`);
          const e = r.json().error;
          assert.equal(e.code, 'E_VALIDATION');
          assert.equal(e.details.reason, 'never-scan');
          assert.equal(e.details.block, block);
          assert.equal(e.details.field, 'cidr');
          assert.match(e.messageId, new RegExp(`^Jaringan ${cidr.replace(/[./]/g, '\\$&')} (adalah|memuat|berada di dalam) ${block.replace(/[./]/g, '\\$&')}, .*; Perisai tidak pernah mendaftarkan atau memindai blok itu$`));
          assert.match(e.message, /Perisai never registers or scans that block/);
        }
      }

      // 10.0.0.0/8: wider than /16. An analyst cannot register it, even with a reason (403, audited as denied).
      const byAnalyst = await analyst.req('POST', url, { cidr: '10.0.0.0/8', confirmReason: 'Seluruh jaringan kantor kecamatan' });
      assert.equal(byAnalyst.statusCode, 403, byAnalyst.body);
      assert.equal(byAnalyst.json().error.details.reason, 'confirmation-admin');
      assert.deepEqual(byAnalyst.json().error.details.concerns, ['large']);
      assert.equal(byAnalyst.json().error.messageId, 'Jaringan 10.0.0.0/8 lebih lebar dari /16 (16.777.216 alamat); hanya administrator yang dapat mendaftarkannya, dengan alasan tertulis');
      const denied = (await audits(w, 'network.register'))[0];
      assert.equal(denied?.outcome, 'denied');
      assert.equal(denied?.actor, 'analis');
      assert.deepEqual((denied?.details as { concerns: string[] }).concerns, ['large']);

      // An admin without a reason, and with one too short: 400 naming the reason field.
      const bare = await admin.req('POST', url, { cidr: '10.0.0.0/8' });
      assert.equal(bare.statusCode, 400, bare.body);
      assert.equal(bare.json().error.details.field, 'confirmReason');
      assert.equal(bare.json().error.details.reason, 'confirmation-required');
      assert.equal(bare.json().error.details.limit, 16);
      assert.equal(bare.json().error.messageId, 'Jaringan 10.0.0.0/8 lebih lebar dari /16 (16.777.216 alamat); konfirmasi dengan alasan tertulis (minimal 10 karakter) mengapa jaringan ini boleh dipindai');
      const short = await admin.req('POST', url, { cidr: '10.0.0.0/8', confirmReason: 'ok' });
      assert.equal(short.statusCode, 400, short.body);
      assert.equal(short.json().error.details.reason, 'reason-too-short');
      assert.equal(short.json().error.messageId, 'Alasan konfirmasi untuk 10.0.0.0/8 minimal 10 karakter');
      assert.equal(await count(), before, 'nothing stored on any refusal');

      // The admin with a reason: registered, the confirmation stored with the network and audited.
      const reason = 'Seluruh LAN Disdukcapil, nota dinas 045/12/2025';
      const ok = await admin.req('POST', url, { cidr: '10.0.0.0/8', label: 'LAN', confirmReason: ` ${reason} ` });
      assert.equal(ok.statusCode, 201, ok.body);
      const net = ok.json();
      assert.equal(net.confirmation.by, 'admin');
      assert.equal(net.confirmation.reason, reason);
      assert.deepEqual(net.confirmation.concerns, ['large']);
      assert.deepEqual((await w.store.networks.get('all', net.id)).confirmation, net.confirmation);
      assert.deepEqual((await admin.req('GET', `/api/v1/networks/${net.id}`)).json().confirmation, net.confirmation);
      const reg = (await audits(w, 'network.register'))[0];
      assert.equal(reg?.outcome, 'success');
      assert.equal(reg?.targetId, net.id);
      assert.deepEqual((reg?.details as { confirmation: unknown }).confirmation, net.confirmation);
      const confirm = (await audits(w, 'network.confirm'))[0];
      assert.equal(confirm?.actor, 'admin');
      assert.equal(confirm?.actorId, w.users.admin.id);
      assert.equal(confirm?.targetId, net.id);
      assert.equal(confirm?.requestId, reg?.requestId, 'the confirmation row names the request that registered the network');
      assert.deepEqual(confirm?.details, { cidr: '10.0.0.0/8', reason, concerns: ['large'], authorisedBy: 'admin' });

      // Public space and loopback are questioned too; private blocks up to /16 are not.
      const pub = await admin.req('POST', url, { cidr: '203.0.112.0/24' });
      assert.equal(pub.statusCode, 400);
      assert.deepEqual(pub.json().error.details.concerns, ['public']);
      assert.match(pub.json().error.messageId, /memuat ruang alamat publik/);
      const lo = await analyst.req('POST', url, { cidr: '127.0.0.1/32' });
      assert.equal(lo.statusCode, 403);
      assert.deepEqual(lo.json().error.details.concerns, ['loopback']);
      const plain = await analyst.req('POST', url, { cidr: '172.20.0.0/16' });
      assert.equal(plain.statusCode, 201, plain.body);
      assert.equal(plain.json().confirmation, null);
      assert.equal((await audits(w, 'network.confirm')).length, 1, 'a block that needs no confirmation writes none');
      for (const r of [byAnalyst, bare, short, pub, lo]) assert.doesNotMatch(r.json().error.messageId, ENGLISH, r.json().error.messageId);

      // Overlaps stay refused as before, confirmation or not.
      const nested = await admin.req('POST', `/api/v1/agencies/${w.city.disdik.id}/networks`, { cidr: '10.20.0.0/16' });
      assert.equal(nested.statusCode, 409);
    } finally {
      await w.app.close();
    }
  });

  test('the size that needs a confirmation is the store\'s setting', async () => {
    const w = await seedWorld(await env.open({ networkPolicy: { confirmPrefixV4: 24, confirmPrefixV6: 64 } }));
    try {
      const admin = await login(w.app, 'admin');
      const r = await admin.req('POST', `/api/v1/agencies/${w.city.capil.id}/networks`, { cidr: '10.30.0.0/20' });
      assert.equal(r.statusCode, 400);
      assert.equal(r.json().error.details.limit, 24);
      assert.match(r.json().error.messageId, /lebih lebar dari \/24 \(4\.096 alamat\)/);
      assert.equal((await admin.req('POST', `/api/v1/agencies/${w.city.capil.id}/networks`, { cidr: '10.30.0.0/24' })).statusCode, 201);
    } finally {
      await w.app.close();
    }
  });

  test('invalid scan targets are a 400 naming each one, in Indonesian; targets outside the registered networks are refused in both languages', async () => {
    const w = await seedWorld(await env.open());
    try {
      const officer = await login(w.app, 'petugas.dinkes');
      const agencyId = w.data.dinkes.agencyId;
      const before = (await w.store.scans.listJobs('all', { limit: 1000 })).length;
      const table: [string, RegExp][] = [
        ['10.0.0.300', /setiap bagian alamat IPv4 bernilai 0–255/],
        ['ini bukan alamat', /bukan alamat IP, rentang, atau blok CIDR/],
        ['localhost', /adalah nama host; pemindaian dari aplikasi hanya menerima alamat IP, rentang, atau blok CIDR/],
        ['puskesmas-01.kota.go.id', /adalah nama host/],
        ['127.1', /bentuk singkat atau numerik alamat IPv4/],
        ['0x7f.1', /bentuk singkat atau numerik alamat IPv4/],
        ['0x7f000001', /bentuk singkat atau numerik alamat IPv4/],
        ['2130706433', /bentuk singkat atau numerik alamat IPv4/],
        ['', /kosong/],
        ['   ', /kosong/],
        ['198.18.1.5/24', /memuat bit host; maksud Anda 198\.18\.1\.0\/24\?/],
        ['198.18.1.0/33', /panjang prefiks harus 0–32/],
        ['198.18.1.0/', /tulis blok sebagai alamat\/prefiks/],
        ['198.18.1.0/24/8', /tulis blok sebagai alamat\/prefiks/],
        ['010.0.0.1', /angka nol di depan bermakna ganda/],
        ['198.18.1.20-1', /adalah rentang terbalik/],
        ['198.18.1-2.*.1', /bukan alamat IP, rentang, atau blok CIDR/],
        ['2001:db8::g', /bukan alamat IP, rentang, atau blok CIDR/],
        ['<script>', /bukan alamat IP, rentang, atau blok CIDR/],
      ];
      for (const [target, id] of table) {
        const r = await officer.req('POST', '/api/v1/scans', { agencyId, targets: [target] });
        assert.equal(r.statusCode, 400, `${JSON.stringify(target)}: ${r.body}`);
        const e = r.json().error;
        assert.equal(e.code, 'E_VALIDATION');
        assert.equal(e.details.field, 'targets');
        assert.match(e.messageId, /^Target ke-1 tidak valid: /);
        assert.match(e.messageId, id, target);
        assert.match(e.message, /^targets\[0\]: /);
        const rest = e.messageId.replace(/"[^"]*"/g, '').replace(target.trim(), '');
        assert.doesNotMatch(rest, ENGLISH, `${JSON.stringify(target)}: ${e.messageId}`);
      }
      // Several bad targets: every one named at once, good ones not.
      const many = await officer.req('POST', '/api/v1/scans', { agencyId, targets: ['198.18.1.10', 'localhost', '10.0.0.300'] });
      assert.equal(many.statusCode, 400);
      assert.deepEqual(many.json().error.details.fields.map((f: { field: string }) => f.field), ['body.targets.1', 'body.targets.2']);
      assert.match(many.json().error.messageId, /^Target ke-2 tidak valid: .*; Target ke-3 tidak valid: /);

      // Outside the agency's registered networks (Disdik's block): refused, named, in both languages.
      const outside = await officer.req('POST', '/api/v1/scans', { agencyId, targets: ['198.18.3.10'] });
      assert.equal(outside.statusCode, 400, outside.body);
      assert.match(outside.json().error.message, /target 198\.18\.3\.10 is outside the networks registered to DINKES/);
      assert.equal(outside.json().error.messageId, 'Target 198.18.3.10 berada di luar jaringan yang terdaftar untuk DINKES; daftarkan dan izinkan jaringan itu terlebih dahulu');
      assert.equal((await w.store.scans.listJobs('all', { limit: 1000 })).length, before, 'no job stored for any refusal');

      // A good target inside the agency's network still starts a scan.
      const good = await officer.req('POST', '/api/v1/scans', { agencyId, targets: [' 198.18.1.10 '] });
      assert.equal(good.statusCode, 201, good.body);
      assert.deepEqual(good.json().targets, ['198.18.1.10/32']);
    } finally {
      await w.app.close();
    }
  });

  test('an IPv6 network too wide to sweep is refused with a reason, not a server error', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const net = await admin.req('POST', `/api/v1/agencies/${w.city.capil.id}/networks`, { cidr: '2001:db8:40::/64' });
      assert.equal(net.statusCode, 201, net.body);
      const r = await admin.req('POST', '/api/v1/scans', { agencyId: w.city.capil.id, networkId: net.json().id });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.details.field, 'targets');
      assert.match(r.json().error.messageId, /terlalu besar untuk dipindai alamat demi alamat \(maksimal \/112/);
      const narrow = await admin.req('POST', '/api/v1/scans', { agencyId: w.city.capil.id, networkId: net.json().id, targets: ['2001:db8:40::/120'] });
      assert.equal(narrow.statusCode, 201, narrow.body);
    } finally {
      await w.app.close();
    }
  });
});
