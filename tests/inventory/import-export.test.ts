// Import and export on both dialects (tests/store/harness.ts): round trips through CSV and XLSX, bad rows
// reported by file:sheet:row and column with all-or-nothing vs --partial, idempotent re-import, the
// semicolon/BOM dialect, the formula guard, streaming findings export; a zip-bomb workbook refused unread.
import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createDeflateRaw } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Store } from '../../src/store/index.js';
import type { Observation } from '../../src/domain/observation.js';
import { InventoryFileError, readInventoryFile, XLSX_LIMITS } from '../../src/io/sheets.js';
import { formatIssue, importInventory } from '../../src/io/import.js';
import type { ImportReport } from '../../src/io/import.js';
import { exportInventory } from '../../src/io/export.js';
import type { ExportFormat, ExportKind } from '../../src/io/export.js';
import { writeTemplate } from '../../src/io/template.js';
import { parseCsv } from '../../src/io/csv.js';
import { finalizeJob as finalizeScan } from '../../src/worker/finalize.js';
import { storeSuite } from '../store/harness.js';
import { AUTH, finalizeJob, seedCity } from '../store/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-io-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (name: string, text?: string): string => {
  const p = join(dir, `${++n}-${name}`);
  if (text !== undefined) writeFileSync(p, text);
  return p;
};

async function importFile(store: Store, path: string, opts: { partial?: boolean; dryRun?: boolean } = {}): Promise<ImportReport> {
  return importInventory(store, await readInventoryFile(path), opts);
}

/** Everything an export shows, minus ids and timestamps, for comparing two stores. */
async function snapshot(store: Store): Promise<unknown> {
  const agencies = await store.agencies.list('all');
  const code = new Map(agencies.map((a) => [a.id, a.code]));
  return {
    agencies: agencies.map((a) => [a.code, a.name, a.kind, a.parentId === null ? null : code.get(a.parentId), a.notes]),
    contacts: (await store.contacts.list('all')).map((c) => [code.get(c.agencyId), c.name, c.role, c.email, c.phone, c.whatsapp, c.isPrimary]).sort(),
    networks: (await store.networks.list('all')).map((x) => [code.get(x.agencyId), x.cidr, x.authorisedBy, x.authorisedAt, x.authorisationRef, x.label, x.zone]),
    assets: (await store.assets.list('all')).map((a) => [code.get(a.agencyId), a.ip, a.mac, a.netbiosName, a.dnsName, a.os?.name ?? null, a.criticality, a.owner, a.tags, a.outsideControl, a.responsibleParty]),
  };
}

const KINDS = ['agencies', 'contacts', 'networks', 'assets'] as const satisfies readonly ExportKind[];

const CITY_CSV = [
  'type,code,name,kind,parent_code,agency_code,role,email,phone,cidr,authorised_by,authorised_at,ip,mac,netbios_name,dns_name,os,criticality,owner,tags,outside_control,responsible_party',
  // child before parent on purpose: the importer orders the hierarchy itself
  'agency,RSUD,RSUD Kota,hospital,DINKES,,,,,,,,,,,,,,,,,',
  'agency,KOTA,Pemerintah Kota Contoh,city,,,,,,,,,,,,,,,,,,',
  'agency,DINKES,Dinas Kesehatan,opd,KOTA,,,,,,,,,,,,,,,,,',
  'contact,,Siti Aminah,,,RSUD,pic,siti@rsud.example.go.id,0812-1111-2222,,,,,,,,,,,,,',
  'network,,,,,DINKES,,,,198.18.0.0/16,Kepala Dinkes,2025-01-15,,,,,,,,,,',
  'network,,,,,RSUD,,,,198.18.5.0/24,Direktur RSUD,2025-01-20T09:00:00+07:00,,,,,,,,,,',
  'asset,,,,,RSUD,,,,,,,198.18.5.10,00-1A-2B-3C-4D-5E,pendaftaran-01,,Windows 7 SP1,vital,Rekam Medis,"simrs;pendaftaran",no,',
  'asset,,,,,RSUD,,,,,,,198.18.5.20,,,siak.example.go.id.,,vital,,,ya,Kemendagri (SIAK)',
].join('\r\n');

storeSuite('inventory import/export', (env) => {
  it('imports a CSV (hierarchy in any order), re-import is idempotent, dry run writes nothing', async () => {
    const s = await env.open();
    const path = file('city.csv', CITY_CSV);
    const dry = await importFile(s, path, { dryRun: true });
    assert.deepEqual(dry.errors, []);
    assert.equal(dry.counts.agencies.created, 3);
    assert.equal((await s.agencies.list('all')).length, 0, 'dry run wrote nothing');

    const r1 = await importFile(s, path);
    assert.deepEqual(r1.errors.map(formatIssue), []);
    assert.equal(r1.committed, true);
    assert.deepEqual(r1.counts, {
      agencies: { created: 3, updated: 0, unchanged: 0 }, contacts: { created: 1, updated: 0, unchanged: 0 },
      networks: { created: 2, updated: 0, unchanged: 0 }, assets: { created: 2, updated: 0, unchanged: 0 },
    });
    const snap = await snapshot(s);
    const rsudAssets = (snap as { assets: unknown[][] }).assets;
    assert.deepEqual(rsudAssets[0], ['RSUD', '198.18.5.10', '00:1a:2b:3c:4d:5e', 'PENDAFTARAN-01', null, 'Windows 7 SP1', 'vital', 'Rekam Medis', ['pendaftaran', 'simrs'], false, null]);
    assert.deepEqual(rsudAssets[1], ['RSUD', '198.18.5.20', null, null, 'siak.example.go.id', null, 'vital', null, [], true, 'Kemendagri (SIAK)']);

    const r2 = await importFile(s, path);
    assert.deepEqual(r2.errors, []);
    for (const k of KINDS) assert.deepEqual(r2.counts[k], { created: 0, updated: 0, unchanged: r1.counts[k].created }, k);
    assert.deepEqual(await snapshot(s), snap);

    // a changed name and criticality update in place
    const r3 = await importFile(s, file('change.csv', 'code,name,kind,parent_code\nRSUD,RSUD Kota Contoh,hospital,DINKES\n'));
    assert.deepEqual(r3.counts.agencies, { created: 0, updated: 1, unchanged: 0 });
    assert.equal((await s.agencies.getByCode('all', 'RSUD')).name, 'RSUD Kota Contoh');
  });

  for (const format of ['csv', 'xlsx'] as ExportFormat[]) {
    it(`round trip through ${format}: export → import into an empty store gives the same inventory`, async () => {
      const a = await env.open();
      await importFile(a, file('city.csv', CITY_CSV));
      const b = await env.open();
      for (const kind of KINDS) {
        const out = file(`${kind}.${format}`);
        const rows = await exportInventory(a, { kind, format, path: out });
        assert.ok(rows > 0, kind);
        const r = await importFile(b, out);
        assert.deepEqual(r.errors.map(formatIssue), [], kind);
      }
      assert.deepEqual(await snapshot(b), await snapshot(a));
      // and the exports of b re-import into a as "unchanged"
      for (const kind of KINDS) {
        const out = file(`${kind}-b.${format}`);
        await exportInventory(b, { kind, format, path: out });
        const r = await importFile(a, out);
        assert.equal(r.counts[kind].created + r.counts[kind].updated, 0, kind);
      }
    });
  }

  it('XLSX export has a bold header, column widths and an autofilter; the template imports', async () => {
    const s = await env.open();
    const tpl = file('template.xlsx');
    await writeTemplate('xlsx', tpl);
    const r = await importFile(s, tpl);
    assert.deepEqual(r.errors.map(formatIssue), []);
    assert.equal(r.counts.assets.created, 2);
    const out = file('assets.xlsx');
    await exportInventory(s, { kind: 'assets', format: 'xlsx', path: out });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const ws = wb.getWorksheet('assets')!;
    assert.equal(ws.getRow(1).getCell(1).value, 'agency_code');
    assert.equal(ws.getRow(1).font?.bold ?? ws.getRow(1).getCell(1).font?.bold, true);
    assert.ok(ws.autoFilter !== undefined && ws.autoFilter !== null);
    assert.equal(ws.getColumn(2).width, 16);
    assert.equal(ws.rowCount, 3);
    // CSV template too
    const csvTpl = file('template.csv');
    await writeTemplate('csv', csvTpl);
    const s2 = await env.open();
    const r2 = await importFile(s2, csvTpl);
    assert.deepEqual(r2.errors.map(formatIssue), []);
    assert.deepEqual(await snapshot(s2), await snapshot(s));
  });

  it('bad rows are each reported with row, column and reason; nothing imported without --partial, good rows with it', async () => {
    const bad = [
      'type;code;name;kind;parent_code;agency_code;role;email;cidr;authorised_by;authorised_at',
      'agency;KOTA;Pemerintah Kota;city;;;;;;;', // 2 good
      'agency;DISDIK;Dinas Pendidikan;opd;KOTA;;;;;;', // 3 good
      'agency;SMPN-3;SMP Negeri 3;school;DINAS-X;;;;;;', // 4 unknown parent
      'agency;DISDIK;Dinas Pendidikan lagi;opd;KOTA;;;;;;', // 5 duplicate code
      'network;;;;;DISDIK;;;10.30.0.0/33;Kadisdik;2025-02-01', // 6 bad CIDR
      'network;;;;;DISDIK;;;10.30.0.0/16;Kadisdik;2025-02-01', // 7 good
      'network;;;;;KOTA;;;10.30.4.0/24;Sekda;2025-02-01', // 8 overlaps DISDIK's (KOTA is not below DISDIK)
      'contact;;Pak Budi;;;DISDIK;pic;budi(at)disdik;;;', // 9 bad email
      'contact;;Bu Ani;;;DISDIK;technical;ani@disdik.example.go.id;;;', // 10 good
    ].join('\n');
    const path = file('bad.csv', bad);
    const s = await env.open();
    const r = await importFile(s, path);
    assert.equal(r.committed, false);
    const lines = r.errors.map(formatIssue);
    const base = path.split('/').pop()!;
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[0]!, new RegExp(`^${base}:4: parent_code: unknown agency DINAS-X`));
    assert.match(lines[1]!, new RegExp(`^${base}:5: code: duplicate code DISDIK \\(already on row 3\\)`));
    assert.match(lines[2]!, new RegExp(`^${base}:6: cidr: .*10\\.30\\.0\\.0/33`));
    assert.match(lines[3]!, new RegExp(`^${base}:8: cidr: network 10\\.30\\.4\\.0/24 overlaps 10\\.30\\.0\\.0/16, registered to DISDIK \\(Dinas Pendidikan\\)`));
    assert.match(lines[4]!, new RegExp(`^${base}:9: email: .*not an e-mail address`));
    assert.equal((await s.agencies.list('all')).length, 0, 'nothing imported');
    assert.equal((await s.networks.list('all')).length, 0);

    const p = await importFile(s, path, { partial: true });
    assert.equal(p.committed, true);
    assert.equal(p.errors.length, 5);
    assert.deepEqual((await s.agencies.list('all')).map((a) => a.code), ['DISDIK', 'KOTA']);
    assert.deepEqual((await s.networks.list('all')).map((x) => x.cidr), ['10.30.0.0/16']);
    assert.deepEqual((await s.contacts.list('all')).map((c) => c.name), ['Bu Ani']);
  });

  it('XLSX bad rows are reported as file:sheet:row', async () => {
    const wb = new ExcelJS.Workbook();
    const ag = wb.addWorksheet('agencies');
    ag.addRow(['code', 'name', 'kind', 'parent_code']);
    ag.addRow(['KOTA', 'Pemerintah Kota', 'city', '']);
    ag.addRow(['BAD CODE!', 'x', 'opd', 'KOTA']);
    const ct = wb.addWorksheet('contacts');
    ct.addRow(['agency_code', 'name', 'role', 'email', 'phone']);
    // e-mail typed in Excel becomes a hyperlink cell: its text is what counts
    ct.addRow(['KOTA', 'Admin', 'technical', { text: 'admin@kota.example.go.id', hyperlink: 'mailto:admin@kota.example.go.id' }, 812345678]);
    ct.addRow(['KOTA', 'Nobody', 'pic', '', '']);
    const path = file('bad.xlsx');
    await wb.xlsx.writeFile(path);
    const s = await env.open();
    const r = await importFile(s, path, { partial: true });
    const base = path.split('/').pop()!;
    assert.deepEqual(r.errors.map((e) => `${e.file}:${e.sheet}:${e.row}:${e.column}`), [`${base}:agencies:3:code`, `${base}:contacts:3:email`]);
    const [c] = await s.contacts.list('all');
    assert.equal(c!.email, 'admin@kota.example.go.id');
    assert.equal(c!.phone, '+62812345678');
  });

  it('reads an XLSX with a single sheet and a type column', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Lembar1');
    ws.addRow(['Type', 'Code', 'Name', 'Kind', 'Parent Code', 'Agency Code', 'CIDR', 'Authorised By', 'Authorised At']);
    ws.addRow(['network', '', '', '', '', 'KOTA', '10.40.0.0/16', 'Sekda', new Date('2025-03-01T00:00:00Z')]);
    ws.addRow(['agency', 'KOTA', 'Pemerintah Kota', 'city', '', '', '', '', '']);
    ws.addRow(['sekolah', '', '', '', '', '', '', '', '']);
    const path = file('single.xlsx');
    await wb.xlsx.writeFile(path);
    const s = await env.open();
    const r = await importFile(s, path, { partial: true });
    assert.deepEqual(r.errors.map((e) => [e.sheet, e.row, e.column]), [['Lembar1', 4, 'type']]);
    const [net] = await s.networks.list('all');
    assert.equal(net!.cidr, '10.40.0.0/16');
    assert.equal(net!.authorisedAt, '2025-03-01T00:00:00.000Z');
  });

  it('reads a semicolon CSV with a BOM and Indonesian text', async () => {
    const s = await env.open();
    const text = '\ufeffcode;name;kind;parent_code;notes\r\nKOTA;Pemerintah Kota Contoh;city;;\r\nDINKES;Dinas Kesehatan;opd;kota;"jam layanan: Senin–Jumat; 07.30–16.00"\r\n';
    const r = await importFile(s, file('semi.csv', text));
    assert.deepEqual(r.errors, []);
    const d = await s.agencies.getByCode('all', 'DINKES');
    assert.equal(d.notes, 'jam layanan: Senin–Jumat; 07.30–16.00');
    assert.equal((await s.agencies.getByCode('all', 'KOTA')).code, 'KOTA');
  });

  it('findings export streams all pages, per agency, with formula-looking names guarded in CSV', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.5.0/24', ...AUTH });
    const obs: Observation[] = [];
    for (let i = 1; i <= 30; i++) {
      const ip = `198.18.5.${i}`;
      obs.push({ type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0, netbiosName: i === 1 ? '=1+2' : `PC-${i}` });
      obs.push({ type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack', service: 'microsoft-ds' });
      obs.push({ type: 'check', ip, port: 445, check: 'ms17-010', state: 'vulnerable', reason: 'test' });
    }
    const j = await s.scans.createJob('all', {
      agencyId: c.rsud.id, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [445], vantage: 'internal', seed: '1', requestedBy: 'test', tasks: [{ start: 0, end: 256 }],
    });
    await s.observations.ingestBatch({ jobId: j.id, observations: obs });
    await finalizeJob(s, j.id, c.rsud.id, 'internal');
    const out = file('findings.csv');
    assert.equal(await exportInventory(s, { kind: 'findings', format: 'csv', path: out, agencyCode: 'DINKES' }), 30);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.startsWith('\ufeffagency_code,ip,'));
    assert.match(text, /^RSUD,198\.18\.5\.1,'=1\+2,/m);
    assert.equal(await exportInventory(s, { kind: 'findings', format: 'csv', path: file('none.csv'), agencyCode: 'DISDIK' }), 0);
    // paged: 30 findings in pages of 7 come out once each, worst first
    const paged = file('paged.csv');
    assert.equal(await exportInventory(s, { kind: 'findings', format: 'csv', path: paged, pageSize: 7 }), 30);
    const ids = readFileSync(paged, 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(',').pop());
    assert.equal(new Set(ids).size, 30);
    const assetsPaged = file('assets-paged.csv');
    assert.equal(await exportInventory(s, { kind: 'assets', format: 'csv', path: assetsPaged, pageSize: 4 }), 30);
    const x = file('findings.xlsx');
    assert.equal(await exportInventory(s, { kind: 'findings', format: 'xlsx', path: x }), 30);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(x);
    const ws = wb.getWorksheet('findings')!;
    const cell = ws.getRow(2).getCell(3).value;
    assert.equal(typeof cell, 'string', 'written as a string, not a formula');
  });

  for (const format of ['csv', 'xlsx'] as ExportFormat[]) {
    it(`Indonesian header row (--lang id) through ${format}: every export re-imports; SMB facts nobody learned are "unknown"`, async () => {
      const a = await env.open();
      await importFile(a, file('city.csv', CITY_CSV));
      // A scan of RSUD: .10 answers on 445 and then stays silent (no SMBv1 answer), .30 refuses SMB1 outright.
      const rsud = await a.agencies.getByCode('all', 'RSUD');
      const j = await a.scans.createJob('all', {
        agencyId: rsud.id, profile: 'ransomware', targets: ['198.18.5.0/24'], ports: [445], vantage: 'internal', seed: '1', requestedBy: 'test', tasks: [{ start: 0, end: 256 }],
      });
      await a.scans.setJobStatus('all', j.id, 'running');
      const seen = (ip: string, smb: Record<string, unknown>): Observation[] => [
        { type: 'host', ip, state: 'up', reason: 'syn-ack', open: 1, closed: 0, filtered: 0 },
        { type: 'port', ip, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack' },
        { type: 'fact', ip, fact: 'smb', value: smb },
      ];
      await a.observations.ingestBatch({ jobId: j.id, observations: [
        ...seen('198.18.5.10', { dialects: [], dialectsExact: false, smbv1: null, signing: 'unknown' }),
        ...seen('198.18.5.30', { dialects: ['2.1', '3.1.1'], dialectsExact: true, smbv1: false, signing: 'required' }),
      ] });
      assert.ok(await finalizeScan(a, j.id), 'the worker\'s finalize step');
      const b = await env.open();
      for (const kind of KINDS) {
        const out = file(`${kind}-id.${format}`);
        assert.ok((await exportInventory(a, { kind, format, path: out, lang: 'id' })) > 0, kind);
        const rows = await readInventoryFile(out);
        assert.ok(rows.every((r) => r.kind === kind), `${kind}: the Indonesian headers are read as the columns they name`);
        const r = await importFile(b, out);
        assert.deepEqual(r.errors.map(formatIssue), [], kind);
      }
      const plain = (await snapshot(a)) as { assets: unknown[][] };
      assert.deepEqual((await snapshot(b) as { assets: unknown[][] }).assets.map((x) => x[1]), plain.assets.map((x) => x[1]), 'the same assets');
      assert.deepEqual((await snapshot(b) as Record<string, unknown>)['networks'], (await snapshot(a) as Record<string, unknown>)['networks']);

      // The asset export's SMB columns: unknown for the silent host, false for the refusal, empty when never examined.
      const out = file(`assets-smb.${format}`);
      await exportInventory(a, { kind: 'assets', format, path: out, lang: 'id' });
      let all: string[][] = [];
      if (format === 'csv') {
        all = parseCsv(readFileSync(out, 'utf8')).records.map((r) => [...r.fields]);
      } else {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(out);
        wb.getWorksheet('assets')!.eachRow((row) => all.push((row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : String(v)))));
      }
      const [header = [], ...body] = all;
      assert.deepEqual(header.slice(0, 3), ['Kode instansi', 'Alamat IP', 'Alamat MAC']);
      const at = (name: string) => header.indexOf(name);
      const cells = new Map(body.map((r) => [r[at('Alamat IP')], [r[at('SMB terbuka')] ?? '', r[at('SMBv1 aktif')] ?? '', r[at('Penandatanganan SMB')] ?? '', r[at('Dialek SMB')] ?? '']]));
      assert.deepEqual(cells.get('198.18.5.10'), ['true', 'unknown', 'unknown', 'unknown']);
      assert.deepEqual(cells.get('198.18.5.30'), ['true', 'false', 'required', '2.1 3.1.1']);
      assert.deepEqual(cells.get('198.18.5.20'), ['', '', '', ''], 'imported, never scanned');
    });
  }
});

// Not a store matter: the file is refused before any row is read (src/io/zip-bounds.ts, XLSX_LIMITS).
it('an XLSX that unpacks to more than the limit (a zip bomb, 300 KB on disk) is refused by name, in both languages, without unpacking it', async () => {
  // One 300 MiB worksheet of zeros, deflated as a stream (never held whole), in a ZIP around it.
  const deflate = createDeflateRaw({ level: 9 });
  const chunks: Buffer[] = [];
  deflate.on('data', (c: Buffer) => chunks.push(c));
  const zero = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 300; i++) if (!deflate.write(zero)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  const body = Buffer.concat(chunks);
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(body.length, 18);
  local.writeUInt32LE(1000, 22); // it claims to be small
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(body.length, 20);
  central.writeUInt32LE(1000, 24);
  central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + body.length, 16);
  const path = file('bom.xlsx');
  writeFileSync(path, Buffer.concat([local, name, body, central, name, end]));
  const before = process.memoryUsage().rss;
  await assert.rejects(readInventoryFile(path), (e: unknown) => e instanceof InventoryFileError
    && /unpacks to more than 256 MiB: for a larger inventory save it as CSV UTF-8/.test(e.message)
    && /isi buku kerja lebih dari 256 MiB/.test(e.message) && e.message.startsWith(path.split('/').pop()!));
  const grew = (process.memoryUsage().rss - before) / (1024 * 1024);
  assert.ok(grew < 100, `reading it grew the process by ${grew.toFixed(0)} MiB`);
  // Larger than the file limit: refused by its size alone.
  const huge = file('huge.xlsx');
  writeFileSync(huge, Buffer.alloc(0));
  truncateSync(huge, XLSX_LIMITS.maxFileBytes + 1);
  await assert.rejects(readInventoryFile(huge), (e: unknown) => e instanceof InventoryFileError && /larger than 64 MiB: save it as CSV UTF-8/.test(e.message) && /berkas lebih dari 64 MiB/.test(e.message));
});
