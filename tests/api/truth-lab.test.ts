// Scans of the project's lab (lab/README.md; 198.18.0.0/15 only) started through the API and run by the
// real worker, on both dialects:
//  - the lab's bulk hosts with 445 open are no SMB servers: they accept and stay silent, so their SMB
//    conversation fails. Each shows SMBv1 unknown (null, with the engine's reason) in the asset list, the
//    asset detail, the CSV and XLSX exports (`unknown`, header in the chosen language) and the scan's JSONL
//    (`smbv1: null`, `signing: "unknown"`); no stored SMBv1 `false` comes from them — while the lab's
//    SMB2-only Samba, which refuses SMB1 in so many words, is stored and shown as a real "no";
//  - a top-100 scan after a ransomware-ports scan of the same network reports no port as opened that the
//    first scan did not probe (3306 and 5432 answer on the lab's hosts), lists what it could not compare,
//    raises no change alert for those ports, and only the first scan is the baseline.
// Fails — never skips — without the lab.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../src/io/csv.js';
import { cellText } from '../../src/io/sheets.js';
import { parsePorts } from '../../src/engine/targets/index.js';
import { requireLab } from '../lab/lab.js';
import { runInProcess } from '../monitoring/helpers.js';
import { storeSuite } from '../store/harness.js';
import { AUTH } from '../store/fixtures.js';
import { login, seedWorld } from './fixture.js';

interface ApiAsset { id: string; ip: string; smb: { smbv1: boolean | null; smbv1Reason?: string; smbv1ReasonCodes?: { protocol?: string; port?: number; code?: string }[]; signing: string | null; signingReasonCodes?: unknown[]; dialects: string[] | null } | null; smbOpen: boolean | null }
interface Change { kind: string; ip: string; port?: number }

const RANSOMWARE = parsePorts('ransomware');

storeSuite('API against the lab: what a scan could not learn stays unknown; scans compare like with like', (env) => {
  test('bulk hosts whose SMB conversation fails: SMBv1 unknown in list, detail, CSV, XLSX and JSONL; a top-100 scan after a ransomware scan opens nothing unprobed', async () => {
    const truth = requireLab();
    const bulk = truth.hosts.filter((h) => h.role === 'bulk');
    const silent445 = bulk.filter((h) => h.tcp.open.includes(445)).map((h) => h.ip);
    assert.ok(silent445.length > 20, `the lab's bulk /24 has hosts with 445 open (${silent445.length})`);
    const smb2only = truth.hosts.find((h) => h.role === 'smb-v2-samba')?.ip;
    assert.ok(smb2only !== undefined, 'the lab\'s SMB2-only Samba');

    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const w = await seedWorld(store);
    try {
      const admin = await login(w.app, 'admin');
      const dinkes = w.data.dinkes; // 198.18.1.0/24: the lab's bulk segment
      // The lab's SMB2-only Samba, registered to Disdukcapil: the control, a "no" that is a real answer.
      await store.networks.add('all', { agencyId: w.city.capil.id, cidr: `${smb2only}/32`, ...AUTH });

      const start = async (body: Record<string, unknown>): Promise<{ id: string }> => {
        const r = await admin.req('POST', '/api/v1/scans', body);
        assert.equal(r.statusCode, 201, r.body);
        const job = r.json() as { id: string };
        // One slice per task: the checks of the whole segment run in one pool, not slice after slice.
        await runInProcess(store, url, job.id, { timeoutMs: 1000, sliceSlots: 4096 });
        return job;
      };
      const first = await start({ agencyId: dinkes.agencyId, networkId: dinkes.networkId, ports: 'ransomware' });
      const control = await start({ agencyId: w.city.capil.id, targets: [`${smb2only}/32`], ports: '139,445' });

      // The asset list and the detail: unknown with the reason, never false.
      const list = (await admin.req('GET', `/api/v1/assets?agencyId=${dinkes.agencyId}&limit=1000`)).json() as { items: ApiAsset[] };
      const byIp = new Map(list.items.map((a) => [a.ip, a]));
      for (const ip of silent445) {
        const a = byIp.get(ip);
        assert.ok(a !== undefined, `asset for ${ip}`);
        assert.equal(a.smb?.smbv1, null, `${ip}: ${JSON.stringify(a.smb)}`);
        assert.match(a.smb?.smbv1Reason ?? '', /445: SMB1 probe failed: (io-timeout|connection-closed)/, ip);
        // The same reason in machine form, for the UI to translate (src/engine/checks/notes.ts FactReason).
        const on445 = a.smb?.smbv1ReasonCodes?.find((r) => r.protocol === 'smb1' && r.port === 445);
        assert.ok(['timeout', 'smb1-refused'].includes(on445?.code ?? ''), `${ip}: ${JSON.stringify(a.smb?.smbv1ReasonCodes)}`);
        assert.equal(a.smb?.signing, null, ip);
        assert.ok((a.smb?.signingReasonCodes?.length ?? 0) > 0, `${ip}: why signing is unknown, in machine form`);
        assert.equal(a.smbOpen, true, ip);
      }
      assert.deepEqual(list.items.filter((a) => a.smb?.smbv1 === false).map((a) => a.ip), [], 'no stored "no" in the bulk segment');
      const probe = byIp.get(silent445[0]!)!;
      const detail = (await admin.req('GET', `/api/v1/assets/${probe.id}`)).json() as ApiAsset;
      assert.deepEqual([detail.smb?.smbv1, detail.smb?.signing, detail.smb?.dialects], [null, null, null]);
      // The control: the engine's real "no" reaches the inventory as a "no".
      const capil = (await admin.req('GET', `/api/v1/assets?agencyId=${w.city.capil.id}`)).json() as { items: ApiAsset[] };
      assert.deepEqual(capil.items.map((a) => [a.ip, a.smb?.smbv1, a.smb?.signing]), [[smb2only, false, 'required']]);

      // Every stored smb fact of the bulk scan: null where the conversation failed — not one false.
      const facts = await store.observations.list('all', first.id, { kind: 'fact' });
      const smbFacts = facts.flatMap((o) => (o.type === 'fact' && o.fact === 'smb' ? [[o.ip, o.value['smbv1']] as const] : []));
      assert.ok(smbFacts.length >= silent445.length, `${smbFacts.length} smb facts`);
      assert.deepEqual(smbFacts.filter(([, v]) => v === false), []);
      assert.deepEqual((await store.observations.list('all', control.id, { kind: 'fact' })).flatMap((o) => (o.type === 'fact' && o.fact === 'smb' ? [o.value['smbv1']] : [])), [false]);

      // CSV and XLSX: `unknown`, with the header row in the language asked for.
      const csvId = await admin.req('GET', `/api/v1/agencies/${dinkes.agencyId}/assets.csv?lang=id`);
      assert.equal(csvId.statusCode, 200, csvId.body);
      const [head, ...rows] = parseCsv(csvId.body).records.map((r) => [...r.fields]);
      assert.deepEqual(head?.slice(0, 3), ['Instansi', 'Alamat IP', 'Alamat MAC']);
      const col = head!.indexOf('SMBv1 aktif');
      const ipCol = head!.indexOf('Alamat IP');
      assert.ok(col > 0 && ipCol > 0, head!.join(','));
      const csvSmb = new Map(rows.map((r) => [r[ipCol], r[col]]));
      for (const ip of silent445) assert.equal(csvSmb.get(ip), 'unknown', ip);
      assert.ok(![...csvSmb.values()].includes('false'));
      assert.ok(head!.includes('Penandatanganan SMB') && head!.includes('SMB terbuka'));
      const csvEn = parseCsv((await admin.req('GET', `/api/v1/agencies/${dinkes.agencyId}/assets.csv?lang=en`)).body).records[0]!.fields;
      assert.deepEqual(csvEn.slice(0, 3), ['agency', 'ip', 'mac']);
      assert.ok(csvEn.includes('smbv1') && csvEn.includes('smb_signing') && csvEn.includes('smb_open'));
      assert.equal((await admin.req('GET', `/api/v1/agencies/${dinkes.agencyId}/assets.csv?lang=fr`)).statusCode, 400);
      const xlsx = await admin.req('GET', `/api/v1/agencies/${dinkes.agencyId}/assets.xlsx?lang=id`);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      assert.equal(cellText(ws.getRow(1).getCell(col + 1).value), 'SMBv1 aktif');
      const xlsxSmb = new Map<string, string>();
      ws.eachRow((row, n) => {
        if (n > 1) xlsxSmb.set(cellText(row.getCell(ipCol + 1).value), cellText(row.getCell(col + 1).value));
      });
      for (const ip of silent445) assert.equal(xlsxSmb.get(ip), 'unknown', ip);

      // JSONL (a contract: keys unchanged): smbv1 null and signing "unknown", as the engine reported them.
      const jl = (await admin.req('GET', `/api/v1/scans/${first.id}/export.jsonl`)).body.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const hostSmb = new Map(jl.filter((l) => l['type'] === 'host').map((l) => [l['ip'] as string, l['smb'] as Record<string, unknown> | undefined]));
      for (const ip of silent445) {
        const s = hostSmb.get(ip);
        assert.deepEqual([s?.['smbv1'], s?.['signing'], s?.['dialects']], [null, 'unknown', []], ip);
      }

      // A top-100 scan of some of the same hosts (those with ports beyond the ransomware set among the top 100).
      const top100 = new Set(truth.lab.top1000_tcp.ranked.slice(0, 100));
      const extra = (ports: readonly number[]) => ports.filter((p) => top100.has(p) && !RANSOMWARE.includes(p));
      const targets = bulk.filter((h) => extra(h.tcp.open).length > 0).slice(0, 8).map((h) => h.ip);
      assert.ok(targets.length >= 4, 'lab hosts with top-100 ports beyond the ransomware set');
      const second = await start({ agencyId: dinkes.agencyId, networkId: dinkes.networkId, targets, ports: 'top:100' });
      // They answered there (so the old comparison would have called them opened)…
      const hosts = (await admin.req('GET', `/api/v1/scans/${second.id}/hosts?limit=1000`)).json() as { items: { ip: string; ports: { port: number; state: string }[] }[] };
      const unprobedOpen = hosts.items.flatMap((h) => h.ports.filter((p) => p.state === 'open' && !RANSOMWARE.includes(p.port)).map((p) => p.port));
      assert.ok(unprobedOpen.length >= targets.length, `open beyond the ransomware set: ${unprobedOpen.join(',')}`);
      // …and the diff reports none of them as opened, says what it could not compare, and is no baseline.
      const diff = (await admin.req('GET', `/api/v1/scans/${second.id}/diff`)).json() as { previousJobId: string | null; baseline: boolean; changes: Change[]; notCompared: { ports: number[]; checks: string[]; hosts: number } };
      assert.equal(diff.previousJobId, first.id);
      assert.equal(diff.baseline, false);
      const opened = diff.changes.filter((c) => c.kind === 'port-opened' || c.kind === 'host-new');
      assert.deepEqual(opened, [], 'nothing new: every host and port both scans probed is as it was');
      assert.ok(diff.notCompared.ports.includes(3306) && diff.notCompared.ports.includes(5432), JSON.stringify(diff.notCompared));
      assert.ok(unprobedOpen.every((p) => diff.notCompared.ports.includes(p)));
      assert.deepEqual(diff.notCompared.checks, []);
      const alerts = (await store.outbox.list('all', { topic: 'change.port-opened' })).map((m) => (m.payload as { port: number }).port);
      assert.deepEqual(alerts.filter((p) => !RANSOMWARE.includes(p)), [], 'no change alert for a port the first scan never probed');
      // The first scan of the network is the baseline, and says so.
      const base = (await admin.req('GET', `/api/v1/scans/${first.id}/diff`)).json() as { previousJobId: string | null; baseline: boolean };
      assert.deepEqual([base.previousJobId, base.baseline], [null, true]);
    } finally {
      await w.app.close();
    }
  });
});
