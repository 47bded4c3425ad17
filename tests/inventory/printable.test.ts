// Printable everywhere (src/domain/text.ts), on both dialects: a control character in an imported cell, an
// API string field or a command-line argument is refused with a bilingual error naming where it is, and
// text already stored (a database edited by hand, data from before the rule) is escaped on the way out to
// the terminal by `asset list`, `agency show` and `asset show`.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInventoryCli } from '../../src/cli/commands/inventory.js';
import { formatIssue, importInventory } from '../../src/io/import.js';
import { inventoryRows } from '../../src/io/sheets.js';
import { storeSuite } from '../store/harness.js';
import { seedCity } from '../store/fixtures.js';
import { login, seedWorld } from '../api/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-printable-'));
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the test
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

async function cli(url: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runInventoryCli([...argv, '--db', url], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

storeSuite('printable text', (env) => {
  it('an imported cell with ESC or NUL is refused with file:line and column; nothing is imported', async () => {
    const s = await env.open();
    await seedCity(s);
    const path = join(dir, `${env.dialect}-esc.csv`);
    writeFileSync(path, 'agency_code,ip,owner,netbios_name\nRSUD,198.18.5.10,Bagian Umum,PC-1\nRSUD,198.18.5.11,"\u001b[2J\u001b[31mpwned",PC-2\nRSUD,198.18.5.12,ok,PC\u00003\n');
    const r = await importInventory(s, inventoryRows(path));
    assert.equal(r.committed, false);
    assert.deepEqual(r.errors.map(formatIssue), [
      `${env.dialect}-esc.csv:3: owner: berisi karakter kendali U+001B pada posisi 1; hapus karakter itu / contains the control character U+001B at position 1; remove it`,
      `${env.dialect}-esc.csv:4: netbios_name: berisi karakter kendali U+0000 pada posisi 3; hapus karakter itu / contains the control character U+0000 at position 3; remove it`,
    ]);
    assert.equal((await s.assets.list('all')).length, 0);
  });

  it('the API refuses a string field with a control character (400, both languages, the field named)', async () => {
    const w = await seedWorld(await env.open(), { rateLimit: false });
    const admin = await login(w.app, 'admin');
    const asset = (await w.store.assets.list('all'))[0]!;
    // ESC: the field's own pattern (src/api/schemas.ts Text) already refuses C0 controls; a C1 control
    // (CSI, U+009B) gets past it and meets the central check (src/api/errors.ts controlCharacterError).
    for (const [owner, at] of [['Bagian\u001b]0;owned\u0007', null], ['Bagian\u009b31m', 7]] as const) {
      const res = await admin.req('PATCH', `/api/v1/assets/${asset.id}`, { owner });
      assert.equal(res.statusCode, 400, res.body);
      const e = (res.json() as { error: { code: string; message: string; messageId: string; details: { field: string } } }).error;
      assert.equal(e.code, 'E_VALIDATION');
      assert.equal(e.details.field, 'body.owner');
      assert.match(e.messageId, /pemilik/);
      if (at !== null) {
        assert.match(e.message, new RegExp(`body\\.owner: contains the control character U\\+009B at position ${at}`));
        assert.match(e.messageId, new RegExp(`pemilik: berisi karakter kendali U\\+009B pada posisi ${at}`));
      }
    }
    assert.equal((await w.store.assets.get('all', asset.id)).owner, asset.owner, 'nothing stored');
    const fine = await admin.req('PATCH', `/api/v1/assets/${asset.id}`, { owner: 'Bagian Umum – lantai 2' });
    assert.equal(fine.statusCode, 200);
    await w.app.close();
  });

  it('stored control characters come out escaped in tables and show texts; arguments with them are refused', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const c = await seedCity(s);
    // Written through the store directly: data from before the rule, or edited by hand (no NUL: PostgreSQL text cannot hold it).
    await s.agencies.update('all', c.rsud.id, { name: 'RSUD\u001b[2J\u001b[31m Kota', notes: 'catatan\u0001\u009b1m' });
    const [u] = await s.assets.upsertObserved('all', { agencyId: c.rsud.id, hosts: [{ ip: '198.18.5.10', netbiosName: 'PC-1' }] });
    await s.assets.update('all', u!.assetId, { owner: 'Bagian\u001b]0;owned\u0007 Umum\u202e' });
    const list = await cli(url, 'asset', 'list');
    assert.equal(list.code, 0, list.err);
    assert.ok(!RAW.test(list.out), JSON.stringify(list.out));
    assert.match(list.out, /Bagian\\x1b\]0;owned\\x07 Umum\\u202e/);
    const show = await cli(url, 'agency', 'show', 'RSUD');
    assert.equal(show.code, 0, show.err);
    assert.ok(!RAW.test(show.out), JSON.stringify(show.out));
    assert.match(show.out, /RSUD\\x1b\[2J\\x1b\[31m Kota/);
    assert.match(show.out, /notes: catatan\\x01\\x9b1m/);
    const asset = await cli(url, 'asset', 'show', u!.assetId, '--format', 'json');
    assert.ok(!RAW.test(asset.out), JSON.stringify(asset.out));
    assert.equal((JSON.parse(asset.out) as { asset: { owner: string } }).asset.owner, 'Bagian\u001b]0;owned\u0007 Umum\u202e', 'the JSON is the same data');
    const refused = await cli(url, 'agency', 'update', 'RSUD', '--name', 'x\u001b[31m');
    assert.equal(refused.code, 2);
    assert.match(refused.err, /argumen ke-5 berisi karakter kendali U\+001B .* \/ argument 5 contains the control character U\+001B/);
  });
});
