// The network guard rails at the other front doors (domain/network.ts): `perisai network add` and the
// inventory import refuse the never-register list, and take a questioned block (public space, wider than
// the configured size, loopback) only with a written reason — stored with the network and in the audit
// log, the confirmer being whoever runs the command. The size comes from PERISAI_NETWORK_CONFIRM_V4/_V6.
// SQLite store.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';
import { createStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-net-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('network guard rails: CLI and import', () => {
  it('network add: never-register refused; a wide block needs --confirm-reason; stored, listed and audited', async () => {
    const db = join(dir, 'cli.db');
    assert.equal((await cli(db, 'agency', 'add', 'KOTA', '--name', 'Pemkot', '--kind', 'city')).code, 0);
    const never = await cli(db, 'network', 'add', '0.0.0.0/0', '--agency', 'KOTA', '--authorised-by', 'Sekda', '--confirm-reason', 'seluruh Internet, jangan');
    assert.equal(never.code, 2);
    assert.match(never.err, /0\.0\.0\.0\/0 contains 0\.0\.0\.0\/8, "this network" \(RFC 6890\), not a host; Perisai never registers or scans that block/);
    const wide = await cli(db, 'network', 'add', '10.0.0.0/8', '--agency', 'KOTA', '--authorised-by', 'Sekda');
    assert.equal(wide.code, 2);
    assert.match(wide.err, /10\.0\.0\.0\/8 is wider than \/16; registering it needs an administrator's confirmation with a written reason: give it with --confirm-reason "…"/);
    const short = await cli(db, 'network', 'add', '10.0.0.0/8', '--agency', 'KOTA', '--authorised-by', 'Sekda', '--confirm-reason', 'ya');
    assert.equal(short.code, 2);
    assert.match(short.err, /at least 10 characters/);
    const ok = await cli(db, 'network', 'add', '10.0.0.0/8', '--agency', 'KOTA', '--authorised-by', 'Sekda', '--confirm-reason', 'LAN seluruh kantor (ND 12/2025)', '--confirmed-by', 'Kabid TIK');
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.out, /network 10\.0\.0\.0\/8 registered to KOTA \(confirmed by Kabid TIK: large\)/);
    const lo = await cli(db, 'network', 'add', '127.0.0.1/32', '--agency', 'KOTA', '--authorised-by', 'Sekda', '--confirm-reason', 'pengujian di server ini saja');
    assert.equal(lo.code, 0, lo.err);
    assert.match(lo.out, new RegExp(`confirmed by ${userInfo().username} \\(cli\\): loopback`));
    const list = await cli(db, 'network', 'list', '--format', 'csv');
    assert.match(list.out, /10\.0\.0\.0\/8,KOTA,Sekda,[^,]+,,,,Kabid TIK,LAN seluruh kantor \(ND 12\/2025\)/);
    const store = await createStore({ url: `sqlite://${db}` });
    try {
      const rows = (await store.audit.list({ action: 'network.confirm' })).map((r) => [r.actor, (r.details as { cidr: string }).cidr]);
      assert.deepEqual(rows, [[`${userInfo().username} (cli)`, '127.0.0.1/32'], ['Kabid TIK', '10.0.0.0/8']]);
    } finally {
      await store.close();
    }
  });

  it('the size comes from PERISAI_NETWORK_CONFIRM_V4; a bad value is refused', async () => {
    const db = join(dir, 'env.db');
    assert.equal((await cli(db, 'agency', 'add', 'KOTA', '--name', 'Pemkot', '--kind', 'city')).code, 0);
    const saved = process.env.PERISAI_NETWORK_CONFIRM_V4;
    try {
      process.env.PERISAI_NETWORK_CONFIRM_V4 = '8';
      assert.equal((await cli(db, 'network', 'add', '10.0.0.0/8', '--agency', 'KOTA', '--authorised-by', 'Sekda')).code, 0);
      process.env.PERISAI_NETWORK_CONFIRM_V4 = '24';
      const r = await cli(db, 'network', 'add', '172.16.0.0/20', '--agency', 'KOTA', '--authorised-by', 'Sekda');
      assert.equal(r.code, 2);
      assert.match(r.err, /wider than \/24/);
      process.env.PERISAI_NETWORK_CONFIRM_V4 = '/16';
      const bad = await cli(db, 'network', 'list');
      assert.equal(bad.code, 2);
      assert.match(bad.err, /confirmPrefixV4: a prefix length from 0 to 32, got "\/16"/);
    } finally {
      if (saved === undefined) delete process.env.PERISAI_NETWORK_CONFIRM_V4;
      else process.env.PERISAI_NETWORK_CONFIRM_V4 = saved;
    }
  });

  it('import: a questioned block needs the confirmation_reason column; never-register rows are refused', async () => {
    const db = join(dir, 'imp.db');
    const file = join(dir, 'networks.csv');
    writeFileSync(file, [
      'type,code,name,kind,agency_code,cidr,authorised_by,authorised_at,confirmation_reason',
      'agency,KOTA,Pemkot,city,,,,,',
      'network,,,,KOTA,10.0.0.0/8,Sekda,2025-01-15,',
      'network,,,,KOTA,224.0.0.0/4,Sekda,2025-01-15,multicast untuk uji',
      'network,,,,KOTA,192.168.0.0/16,Sekda,2025-01-15,',
      '',
    ].join('\n'));
    const bad = await cli(db, 'import', file);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /:3: confirmation_reason: 10\.0\.0\.0\/8 is wider than \/16; registering it needs an administrator's confirmation with a written reason: write why in the confirmation_reason column/);
    assert.match(bad.err, /:4: cidr: 224\.0\.0\.0\/4 is 224\.0\.0\.0\/4, IPv4 multicast \(RFC 5771\); Perisai never registers or scans that block/);
    writeFileSync(file, [
      'type,code,name,kind,agency_code,cidr,authorised_by,authorised_at,confirmation_reason',
      'agency,KOTA,Pemkot,city,,,,,',
      'network,,,,KOTA,10.0.0.0/8,Sekda,2025-01-15,Seluruh LAN kota (ND 7/2025)',
      'network,,,,KOTA,192.168.0.0/16,Sekda,2025-01-15,',
      '',
    ].join('\n'));
    const ok = await cli(db, 'import', file);
    assert.equal(ok.code, 0, ok.err);
    const store = await createStore({ url: `sqlite://${db}` });
    try {
      const nets = await store.networks.list('all');
      assert.deepEqual(nets.map((n) => [n.cidr, n.confirmation?.by ?? null, n.confirmation?.reason ?? null]), [
        ['10.0.0.0/8', `${userInfo().username} (import)`, 'Seluruh LAN kota (ND 7/2025)'],
        ['192.168.0.0/16', null, null],
      ]);
      assert.equal((await store.audit.list({ action: 'network.confirm' })).length, 1);
    } finally {
      await store.close();
    }
  });
});
