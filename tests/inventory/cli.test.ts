// The inventory commands end to end through commander (runInventoryCli, same exit-code mapping as
// main.ts), plus one run through main() itself to prove the commands are registered. SQLite store.
import { it, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInventoryCli } from '../../src/cli/commands/inventory.js';
import { cli } from './run-cli.js';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-cli-inv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('perisai inventory CLI', () => {
  it('agency add/list/show/update/retire, network add/list/remove, exit codes 0 and 2', async () => {
    const db = join(dir, 'a.db');
    assert.equal((await cli(db, 'agency', 'add', 'KOTA', '--name', 'Pemerintah Kota Contoh', '--kind', 'city')).code, 0);
    assert.equal((await cli(db, 'agency', 'add', 'dinkes', '--name', 'Dinas Kesehatan', '--kind', 'opd', '--parent', 'KOTA')).code, 0);
    assert.equal((await cli(db, 'agency', 'add', 'RSUD', '--name', 'RSUD Kota', '--kind', 'hospital', '--parent', 'DINKES')).code, 0);
    assert.equal((await cli(db, 'agency', 'add', 'PKM', '--name', 'Puskesmas', '--kind', 'puskesmas', '--parent', 'DINKES')).code, 0);

    const dup = await cli(db, 'agency', 'add', 'KOTA', '--name', 'again', '--kind', 'city');
    assert.equal(dup.code, 2);
    assert.match(dup.err, /already used/);
    const badKind = await cli(db, 'agency', 'add', 'X', '--name', 'x', '--kind', 'dinas');
    assert.equal(badKind.code, 2);
    const noParent = await cli(db, 'agency', 'add', 'X', '--name', 'x', '--kind', 'opd', '--parent', 'NOPE');
    assert.equal(noParent.code, 2);
    assert.match(noParent.err, /NOPE/);

    const list = await cli(db, 'agency', 'list');
    assert.equal(list.code, 0);
    assert.match(list.out, /^code\s+kind\s+name\s+parent/);
    assert.match(list.out, /RSUD\s+hospital\s+RSUD Kota\s+DINKES/);
    const json = JSON.parse((await cli(db, 'agency', 'list', '--under', 'DINKES', '--format', 'json')).out) as { code: string; parentCode: string }[];
    assert.deepEqual(json.map((a) => a.code), ['DINKES', 'PKM', 'RSUD']);

    assert.equal((await cli(db, 'network', 'add', '198.18.0.0/16', '--agency', 'DINKES', '--authorised-by', 'Kepala Dinkes', '--authorised-at', '2025-01-15', '--ref', '800/1/2025')).code, 0);
    assert.equal((await cli(db, 'network', 'add', '198.18.5.0/24', '--agency', 'RSUD', '--authorised-by', 'Direktur RSUD')).code, 0, 'delegation down the hierarchy');
    const overlap = await cli(db, 'network', 'add', '198.18.7.0/24', '--agency', 'KOTA', '--authorised-by', 'Sekda');
    assert.equal(overlap.code, 2);
    assert.match(overlap.err, /overlaps 198\.18\.0\.0\/16, registered to DINKES \(Dinas Kesehatan\)/);
    const badCidr = await cli(db, 'network', 'add', '198.18.300.0/24', '--agency', 'KOTA', '--authorised-by', 'Sekda');
    assert.equal(badCidr.code, 2);

    const show = await cli(db, 'agency', 'show', 'RSUD');
    assert.equal(show.code, 0);
    assert.match(show.out, /path: KOTA > DINKES > RSUD/);
    assert.match(show.out, /198\.18\.5\.0\/24\s+authorised by Direktur RSUD/);
    const nets = await cli(db, 'network', 'list', '--agency', 'DINKES', '--format', 'csv');
    assert.equal(nets.out.split('\r\n').filter(Boolean).length, 3);

    assert.equal((await cli(db, 'agency', 'update', 'PKM', '--name', 'Puskesmas Utara')).code, 0);
    const cycle = await cli(db, 'agency', 'update', 'DINKES', '--parent', 'RSUD');
    assert.equal(cycle.code, 2);
    const busy = await cli(db, 'agency', 'retire', 'DINKES');
    assert.equal(busy.code, 2);
    assert.match(busy.err, /active child/);
    assert.equal((await cli(db, 'agency', 'retire', 'PKM')).code, 0);
    assert.doesNotMatch((await cli(db, 'agency', 'list')).out, /PKM/);
    assert.match((await cli(db, 'agency', 'list', '--retired')).out, /Puskesmas Utara/);

    assert.equal((await cli(db, 'network', 'remove', '198.18.5.0/24')).code, 0);
    assert.equal((await cli(db, 'network', 'remove', '198.18.5.0/24')).code, 2);
  });

  it('import (bad file → exit 2, nothing imported; --partial → exit 0), assets, findings, export, backup', async () => {
    const db = join(dir, 'b.db');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'type;code;name;kind;parent_code;agency_code;ip;owner;criticality\nagency;KOTA;Kota;city;;;;;\nagency;SMP;SMP;school;NOPE;;;;\nasset;;;;;KOTA;10.0.0.5;=cmd|calc;vital\nasset;;;;;KOTA;10.0.0.999;;;\n');
    const r1 = await cli(db, 'import', bad);
    assert.equal(r1.code, 2);
    assert.match(r1.err, /bad\.csv:3: parent_code: unknown agency NOPE/);
    assert.match(r1.err, /bad\.csv:5: ip: /);
    assert.match(r1.out, /NOTHING imported/);
    assert.equal((await cli(db, 'agency', 'list')).out, '(none)\n');
    const r2 = await cli(db, 'import', bad, '--partial');
    assert.equal(r2.code, 0);
    assert.match(r2.out, /agencies: 1 created/);

    const assets = JSON.parse((await cli(db, 'asset', 'list', '--format', 'json')).out) as { id: string; ip: string; owner: string }[];
    assert.deepEqual(assets.map((a) => [a.ip, a.owner]), [['10.0.0.5', '=cmd|calc']]);
    assert.equal((await cli(db, 'asset', 'update', '10.0.0.5', '--tags', 'simrs,pendaftaran', '--outside-control', 'yes')).code, 2, 'outside control needs a responsible party');
    assert.equal((await cli(db, 'asset', 'update', '10.0.0.5', '--tags', 'simrs,pendaftaran', '--outside-control', 'yes', '--responsible-party', 'Kemendagri')).code, 0);
    const show = await cli(db, 'asset', 'show', assets[0]!.id);
    assert.match(show.out, /tags: pendaftaran, simrs/);
    assert.match(show.out, /outside our control — responsible: Kemendagri/);
    assert.equal((await cli(db, 'asset', 'show', '10.9.9.9')).code, 2);

    const f = await cli(db, 'findings', '--agency', 'KOTA', '--status', 'all', '--min-severity', 'high', '--format', 'json');
    assert.equal(f.code, 0);
    assert.deepEqual(JSON.parse(f.out), []);
    assert.equal((await cli(db, 'findings', '--status', 'bogus')).code, 2);
    assert.equal((await cli(db, 'findings')).out, '(no findings)\n');

    const csv = join(dir, 'assets.csv');
    assert.equal((await cli(db, 'export', 'assets', '--format', 'csv', '-o', csv)).code, 0);
    assert.match(readFileSync(csv, 'utf8'), /'=cmd\|calc/);
    assert.match(readFileSync(csv, 'utf8'), /^\ufeffagency_code,ip,mac,/, 'English (the column keys) by default');
    const csvId = join(dir, 'aset.csv');
    assert.equal((await cli(db, 'export', 'assets', '--lang', 'id', '-o', csvId)).code, 0);
    assert.match(readFileSync(csvId, 'utf8'), /^\ufeffKode instansi,Alamat IP,Alamat MAC,/);
    assert.equal((await cli(db, 'export', 'assets', '--lang', 'fr', '-o', csvId)).code, 2);
    assert.equal((await cli(db, 'export', 'assets', '--format', 'csv', '-o', join(dir, 'no', 'such', 'dir.csv'))).code, 4);
    assert.equal((await cli(db, 'export', 'assets', '--agency', 'NOPE', '-o', join(dir, 'x.csv'))).code, 2);

    const tpl = join(dir, 'tpl.xlsx');
    assert.equal((await cli(db, 'import', '--template', 'xlsx', '-o', tpl)).code, 0);
    assert.equal((await cli(db, 'import', tpl, '--dry-run')).code, 0);

    const copy = join(dir, 'b.backup.db');
    const b = await cli(db, 'backup', copy);
    assert.equal(b.code, 0, b.err);
    assert.match(b.out, /integrity ok/);
    assert.equal((await cli(db, 'backup', copy)).code, 2, 'refuses to overwrite');
    assert.equal((await cli(db, 'restore', copy)).code, 0);
    // PostgreSQL is backed up with pg_dump (tests/inventory/backup-manifest.test.ts); with no server there it is a storage failure.
    let err = '';
    const pg = await runInventoryCli(['backup', join(dir, 'pg.dump'), '--db', 'postgres://perisai@127.0.0.1:1/perisai'], { out: () => {}, err: (s) => void (err += s) });
    assert.equal(pg.valueOf(), 4);
    assert.match(err, /pg_dump of postgres:\/\/perisai@127\.0\.0\.1:1\/perisai failed/);
  });

  it('main() knows the inventory commands', async () => {
    const db = join(dir, 'm.db');
    const code = await main(['agency', 'add', 'KOTA', '--name', 'Kota', '--kind', 'city', '--db', `sqlite://${db}`]);
    assert.equal(code, 0);
    const code2 = await main(['agency', 'add', 'KOTA', '--name', 'Kota', '--kind', 'city', '--db', `sqlite://${db}`]);
    assert.equal(code2, 2);
  });
});
