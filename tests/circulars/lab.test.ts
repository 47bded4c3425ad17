// The whole circular path against the project's lab (lab/README.md; 198.18.0.0/15 only), through the API
// and the real worker, on both dialects — the "Done when" of docs/circulars.md:
//  - agency A acknowledges through its link and attests "MS17-010 installed" while its network still
//    holds the lab's MS17-010 host → `contradicted`, that host listed, and the office alerted;
//  - agency B's host is the lab's SMB2-only Samba, on which the MS17-010 check can only say `unknown`
//    → `unverifiable`, never verified;
//  - agency C (the lab's Linux server: no SMB at all) attests every item; internal and inter-agency
//    re-scans after the attestation → every scan item `verified`, and its reconnect gate can be cleared;
//  - agency D never answers → a reminder, then an overdue reminder and an escalation to its head and the
//    tembusan, received by a real SMTP server on 127.0.0.1.
// Fails — never skips — without the lab.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { boardView } from '../../src/api/circular-service.js';
import { sendReminders } from '../../src/api/circular-sweep.js';
import { Dispatcher } from '../../src/alerts/dispatcher.js';
import { validateChannelConfig } from '../../src/alerts/channels.js';
import type { Store } from '../../src/store/index.js';
import { SMTP_PASS, SMTP_USER, startSmtp } from '../alerts/receivers.js';
import type { SmtpReceiver } from '../alerts/receivers.js';
import { login, makeUser, seedWorld } from '../api/fixture.js';
import type { Client } from '../api/fixture.js';
import { requireLab } from '../lab/lab.js';
import { runInProcess, waitFor } from '../monitoring/helpers.js';
import { storeSuite } from '../store/harness.js';
import { AUTH } from '../store/fixtures.js';
import { cityContent } from './fixture.js';

const receivers: SmtpReceiver[] = [];
after(async () => {
  for (const r of receivers) await r.close();
});

interface BoardItem { code: string; status: string; verification: string; hosts: string[]; why: string | null }
interface BoardRow { agencyId: string; items: BoardItem[]; gate: string | null; acknowledged: boolean }

async function agencyWithNetwork(store: Store, parentId: string, code: string, cidr: string) {
  const a = await store.agencies.create('all', { kind: 'opd', code, name: `Dinas ${code}`, parentId });
  await store.networks.add('all', { agencyId: a.id, cidr, ...AUTH });
  await store.contacts.add('all', a.id, { name: `PIC ${code}`, role: 'pic', email: `pic.${code.toLowerCase()}@kota.example` });
  await store.contacts.add('all', a.id, { name: `Kepala ${code}`, role: 'head', email: `kepala.${code.toLowerCase()}@kota.example` });
  return a;
}

storeSuite('circulars against the lab', (env) => {
  test('contradicted with the host listed, unverifiable from unknown verdicts, verified with the gate cleared, and an agency that never answers reminded and escalated by e-mail', { timeout: 600_000 }, async () => {
    const truth = requireLab();
    const ip = (role: string) => truth.hosts.find((h) => h.role === role)!.ip;
    const vulnerable = ip('smb-v1-ms17-010-signature');
    const unknown = ip('smb-v2-samba');
    const clean = ip('linux-server');
    const quiet = ip('router');

    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const w = await seedWorld(store, { rateLimit: false });
    try {
      const smtp = await startSmtp();
      receivers.push(smtp);
      const ch = await store.alerts.addChannel({
        name: 'diskominfo-email', kind: 'email',
        config: validateChannelConfig('email', { host: '127.0.0.1', port: smtp.port, security: 'none', auth: { user: SMTP_USER, pass: SMTP_PASS }, from: 'Perisai <perisai@kota.example>', to: ['csirt@kota.example'] }),
      });
      await store.alerts.addRule({ name: 'surat-edaran', filter: { topics: ['circular.*'] }, channelIds: [ch.id] });

      const A = await agencyWithNetwork(store, w.city.city.id, 'LAB-A', `${vulnerable}/32`);
      const B = await agencyWithNetwork(store, w.city.city.id, 'LAB-B', `${unknown}/32`);
      const C = await agencyWithNetwork(store, w.city.city.id, 'LAB-C', `${clean}/32`);
      const D = await agencyWithNetwork(store, w.city.city.id, 'LAB-D', `${quiet}/32`);
      const admin = await login(w.app, 'admin');
      const ok = async (client: Client, method: string, path: string, body?: unknown, code = 200) => {
        const r = await client.req(method, path, body);
        assert.equal(r.statusCode, code, `${method} ${path}: ${r.body.slice(0, 400)}`);
        return r.json();
      };
      const run = async (jobId: string) => {
        await runInProcess(store, url, jobId, { timeoutMs: 1000, sliceSlots: 4096 });
      };

      // Compose from the shipped template, fill the office's parts, send to the four agencies.
      const tpl = (await ok(admin, 'GET', '/api/v1/circular-templates')).items.find((t: { key: string }) => t.key === 'wannacry-2017');
      assert.ok(tpl.placeholders.length > 0, 'the template asks the office to fill in its letterhead');
      const draft = await ok(admin, 'POST', '/api/v1/circulars', { templateId: tpl.id }, 201);
      const refused = await admin.req('POST', `/api/v1/circulars/${draft.id}/send`);
      assert.equal(refused.statusCode, 400, 'a letter with placeholders left is not sent');
      assert.match(refused.json().error.messageId, /\[ISIAN\]/);
      await ok(admin, 'PUT', `/api/v1/circulars/${draft.id}`, { content: cityContent({ audience: { kind: 'list', agencyIds: [A.id, B.id, C.id, D.id] } }) });
      const sent = await ok(admin, 'POST', `/api/v1/circulars/${draft.id}/send`);
      assert.match(sent.number, /^800\/\d{3}\/DISKOMINFO\/\d{4}$/);
      const id = sent.id as string;

      // The emergency campaign: a ransomware sweep of every audience agency, gates disconnected.
      const camp = await ok(admin, 'POST', `/api/v1/circulars/${id}/campaign`, {}, 201);
      assert.deepEqual(new Set(camp.gates.map((g: { state: string }) => g.state)), new Set(['disconnected']));
      const sweep = [...new Set(camp.jobs.map((j: { jobId: string | null }) => j.jobId))] as string[];
      assert.equal(sweep.length, 4, 'one sweep per agency');
      for (const j of sweep) await run(j);

      // Agency A: through its link — seen, acknowledged by name, MS17-010 attested with a KB list.
      const issued = await ok(admin, 'POST', `/api/v1/circulars/${id}/agencies/${A.id}/links`, { days: 7 }, 201);
      const link = (method: string, path: string, body?: unknown) => w.app.inject({ method: method as 'GET', url: path, headers: { 'x-circular-token': issued.token }, ...(body !== undefined ? { payload: body as object } : {}) });
      const view = await link('GET', '/api/v1/public/circular');
      assert.equal(view.statusCode, 200, view.body);
      assert.equal(view.json().agency.code, 'LAB-A');
      assert.notEqual(view.json().recipient.seenAt, null);
      assert.equal((await link('POST', '/api/v1/public/circular/acknowledge', { name: 'Ir. Andi', position: 'Kepala Dinas LAB-A', phone: '081234567890' })).statusCode, 200);
      const attA = await link('PUT', '/api/v1/public/circular/items/ms17-010', { status: 'done', os: '7-2008r2', kbs: ['KB4012212', 'KB4019264'] });
      assert.equal(attA.statusCode, 200, attA.body);
      assert.equal(attA.json().answer.kbHint.fixed, true, 'the KB list says patched — a hint only');
      assert.equal(attA.json().rescan.state, 'queued', 'an attested scan item asks for a re-scan');
      await run(attA.json().rescan.jobIds[0]);

      // Agency B: its officer attests through the API.
      await makeUser(store, 'petugas.lab-b', 'officer', B.id);
      const officerB = await login(w.app, 'petugas.lab-b');
      const attB = await ok(officerB, 'PUT', `/api/v1/circulars/${id}/agencies/${B.id}/items/ms17-010`, { status: 'done' });
      await run(attB.rescan.jobIds[0]);

      // Agency C: every item attested; the re-scan after it, and a scan from another agency's segment for the boundary item.
      for (const code of ['disconnect', 'backup-offline', 'antivirus', 'ms17-010', 'smbv1-off', 'block-ports', 'no-infection']) {
        await ok(admin, 'PUT', `/api/v1/circulars/${id}/agencies/${C.id}/items/${code}`, code === 'antivirus' ? { status: 'done', machinesDone: 12, machinesTotal: 12 } : { status: 'done' });
      }
      await ok(admin, 'PUT', `/api/v1/circulars/${id}/agencies/${C.id}/items/eol-windows`, { status: 'not-applicable', note: 'Tidak ada Windows' });
      const rescans = (await ok(admin, 'GET', `/api/v1/circulars/${id}/rescans`)).items.filter((r: { agencyId: string }) => r.agencyId === C.id);
      for (const j of new Set(rescans.flatMap((r: { jobIds: string[] }) => r.jobIds)) as Set<string>) await run(j);
      const outside = await ok(admin, 'POST', '/api/v1/scans', { agencyId: C.id, ports: 'ransomware', vantage: 'inter-agency' }, 201);
      await run(outside.id);

      // The board, as the acceptance checks read it (waiting for the finalize hook of the last scan).
      const board = await waitFor('the board after the scans', async () => {
        const b = await ok(admin, 'GET', `/api/v1/circulars/${id}/board`) as { rows: BoardRow[] };
        const c = b.rows.find((r) => r.agencyId === C.id)!;
        return c.items.find((i) => i.code === 'block-ports')!.verification === 'verified' ? b : undefined;
      }, 30_000);
      const row = (a: { id: string }) => board.rows.find((r) => r.agencyId === a.id)!;
      const item = (a: { id: string }, code: string) => row(a).items.find((i) => i.code === code)!;
      for (const r of board.rows) {
        assert.deepEqual(Object.keys(r).filter((k) => ['agencyId', 'items', 'gate'].includes(k)).sort(), ['agencyId', 'gate', 'items']);
        for (const i of r.items) assert.deepEqual(['code', 'status', 'verification', 'hosts'].filter((k) => !(k in i)), []);
      }
      assert.deepEqual([item(A, 'ms17-010').status, item(A, 'ms17-010').verification, item(A, 'ms17-010').hosts], ['done', 'contradicted', [vulnerable]]);
      assert.equal(row(A).acknowledged, true);
      assert.deepEqual([item(B, 'ms17-010').verification, item(B, 'ms17-010').why, item(B, 'ms17-010').hosts], ['unverifiable', 'unknown-verdict', [unknown]]);
      for (const code of ['ms17-010', 'smbv1-off', 'block-ports', 'no-infection']) assert.equal(item(C, code).verification, 'verified', `C ${code}`);
      assert.equal(item(C, 'backup-offline').verification, 'unverifiable', 'attested is not verified');
      assert.ok(row(C).items.every((i) => i.status !== 'todo'));
      assert.deepEqual(row(D).items.map((i) => i.verification), row(D).items.map(() => 'pending'));
      assert.deepEqual(board.rows.map((r) => r.gate), board.rows.map(() => 'disconnected'));

      // The gates: A cannot be cleared (a reason would be needed to override); C can, with who and when recorded.
      const noA = await admin.req('POST', `/api/v1/circulars/${id}/agencies/${A.id}/gate`, { state: 'cleared' });
      assert.equal(noA.statusCode, 400);
      assert.match(noA.json().error.messageId, /belum dapat dinyatakan boleh tersambung/);
      const overrideNoReason = await admin.req('POST', `/api/v1/circulars/${id}/agencies/${A.id}/gate`, { state: 'cleared', override: true });
      assert.equal(overrideNoReason.statusCode, 400);
      assert.match(overrideNoReason.json().error.messageId, /alasan/);
      const gateC = await ok(admin, 'GET', `/api/v1/circulars/${id}/agencies/${C.id}/gate`);
      assert.deepEqual(gateC.blockers, []);
      const cleared = await ok(admin, 'POST', `/api/v1/circulars/${id}/agencies/${C.id}/gate`, { state: 'cleared' });
      assert.deepEqual([cleared.state, cleared.decidedBy, cleared.override], ['cleared', 'admin', false]);
      assert.equal((await boardView(store, id, 'all', new Date())).rows.find((r) => r.agencyId === C.id)!.gate, 'cleared');
      const sitrep = await ok(admin, 'POST', `/api/v1/circulars/${id}/campaign/sitreps`, undefined, 201);
      assert.equal(sitrep.version, 1);
      assert.equal(sitrep.snapshot.totals.cleared, 1);

      // Agency D never answers: before the first due time a reminder; a day past it an overdue reminder and
      // the escalation to its head and the tembusan — through the outbox and the e-mail channel.
      const sentAt = Date.parse(sent.sentAt);
      assert.ok(await sendReminders(store, new Date(sentAt + 3_600_000)) > 0);
      assert.ok(await sendReminders(store, new Date(sentAt + 30 * 3_600_000)) > 0);
      assert.equal(await sendReminders(store, new Date(sentAt + 31 * 3_600_000)), 0, 'each reminder once');
      const d = new Dispatcher(store, { backoff: { baseMs: 1, capMs: 1 }, publicUrl: 'https://perisai.kota.example' });
      for (let i = 0; i < 30 && (await d.runOnce()).claimed > 0; i++);
      const toD = smtp.mails.filter((m) => m.to.includes('pic.lab-d@kota.example') || m.to.includes('kepala.lab-d@kota.example'));
      const subjects = toD.map((m) => decodeSubject(m.raw));
      assert.ok(subjects.some((s) => /Pengingat tenggat/.test(s)), subjects.join(' | '));
      assert.ok(subjects.some((s) => /Lewat tenggat/.test(s)), subjects.join(' | '));
      const escalation = toD.find((m) => /ESKALASI/.test(decodeSubject(m.raw)));
      assert.ok(escalation !== undefined, subjects.join(' | '));
      assert.deepEqual(['kepala.lab-d@kota.example', 'walikota@kota.go.id', 'sekda@kota.go.id'].filter((x) => !escalation.to.includes(x)), [], 'the head and the tembusan');
      assert.ok(!escalation.to.includes('pic.lab-d@kota.example'), 'the escalation goes up the ladder');
      // The letter itself reached each agency with a link of its own; the office heard of the contradiction.
      const letterA = smtp.mails.find((m) => m.to.includes('pic.lab-a@kota.example') && /Surat Edaran/.test(decodeSubject(m.raw)));
      assert.ok(letterA !== undefined);
      assert.match(letterA.raw.replace(/=\r\n/g, ''), /https:\/\/perisai\.kota\.example\/surat-edaran#[A-Za-z0-9_-]{43}/);
      assert.ok(smtp.mails.some((m) => /Dibantah pemindaian/.test(decodeSubject(m.raw)) && m.raw.includes(vulnerable)), 'the office is alerted of the contradiction');
      const overdue = await ok(admin, 'GET', `/api/v1/circulars/${id}/recipients`);
      assert.equal(overdue.items.find((r: { agencyId: string }) => r.agencyId === D.id).acknowledged, false);
      assert.notEqual(overdue.items.find((r: { agencyId: string }) => r.agencyId === D.id).deliveredAt, null, 'delivered, read from the channel');
    } finally {
      await w.app.close();
    }
  });
});

function decodeSubject(raw: string): string {
  const s = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return s.replace(/\r\n([ \t])/g, '$1').replace(/(\?=)\s+(?==\?)/g, '$1').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, t: string) =>
    enc.toUpperCase() === 'B' ? Buffer.from(t, 'base64').toString('utf8') : Buffer.from(t.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}
