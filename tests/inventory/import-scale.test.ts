// The import at city scale (src/io/import.ts, store/repos/imports.ts) on both dialects: rows are staged in
// short batches that let other writers in, nothing is visible before the one-step publish, a bad row or a
// change made by someone else part-way through leaves nothing published, and the staging is cleaned up.
// Batches of 10 rows stand in for the real 2,000 so that "batch 3" is a few dozen rows.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPerisaiError } from '../../src/domain/errors.js';
import { formatIssue, importInventory } from '../../src/io/import.js';
import type { ImportOptions, ImportProgress } from '../../src/io/import.js';
import { inventoryRows } from '../../src/io/sheets.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite } from '../store/harness.js';

const dir = mkdtempSync(join(tmpdir(), 'perisai-import-scale-'));
let n = 0;

const CITY = 'type,code,name,kind,parent_code,agency_code,cidr,authorised_by,authorised_at\nagency,KOTA,Kota,city,,,,,\nagency,RSUD,RSUD Kota,hospital,KOTA,,,,\nnetwork,,,,,RSUD,198.18.5.0/24,Direktur,2025-01-20\n';

/** 35 asset rows of RSUD (four batches of 10); `bad` replaces the address of one row. */
function assets(opts: { bad?: number; ip?: (i: number) => string } = {}): string {
  const lines = ['agency_code,ip,mac,netbios_name,criticality,tags'];
  for (let i = 1; i <= 35; i++) lines.push(`RSUD,${i === opts.bad ? '198.18.5.300' : (opts.ip?.(i) ?? `198.18.5.${i}`)},02:00:00:00:00:${i.toString(16).padStart(2, '0')},PC-${i},vital,simrs`);
  return lines.join('\n') + '\n';
}

function csv(text: string): string {
  const p = join(dir, `${++n}.csv`);
  writeFileSync(p, text);
  return p;
}

async function run(s: Store, text: string, opts: ImportOptions = {}) {
  return importInventory(s, inventoryRows(csv(text)), { batchSize: 10, ...opts });
}

/** Staging runs left behind (a run that was not cleaned up would be purged by this). */
async function leftovers(s: Store): Promise<number> {
  return s.imports.purgeStale(new Date(Date.now() + 3_600_000).toISOString());
}

storeSuite('import at city scale', (env) => {
  it('stages in short batches: another writer gets in between them, nothing is visible before the publish', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const other = await env.reopen(url, env.dialect === 'sqlite' ? { sqlitePragmas: { busy_timeout: 50 } } : {});
    await run(s, CITY);
    const seen: ImportProgress[] = [];
    const r = await run(s, assets(), {
      onProgress: async (p) => {
        seen.push(p);
        if (p.phase === 'staging' && p.done === 20) {
          assert.equal((await other.assets.list('all')).length, 0, 'staged rows are not assets yet');
          // A write from another connection while the import is between batches: the lock is free.
          await other.agencies.create('all', { kind: 'opd', code: 'DISDIK', name: 'Dinas Pendidikan', parentId: (await other.agencies.getByCode('all', 'KOTA')).id });
        }
      },
    });
    assert.deepEqual(r.errors, []);
    assert.equal(r.committed, true);
    assert.deepEqual(r.counts.assets, { created: 35, updated: 0, unchanged: 0 });
    assert.deepEqual(seen.filter((p) => p.phase === 'staging').map((p) => p.done), [10, 20, 30, 35]);
    const list = await s.assets.list('all');
    assert.equal(list.length, 35);
    const net = (await s.networks.list('all'))[0]!;
    assert.ok(list.every((a) => a.networkId === net.id && a.criticality === 'vital' && a.tags.join() === 'simrs'), 'network found at publish, columns set');
    assert.equal((await s.agencies.getByCode('all', 'DISDIK')).code, 'DISDIK');
    assert.equal(await leftovers(s), 0, 'the staging is cleaned up');

    // Again: every row matched by its identity and unchanged. Then the DHCP server moved three machines.
    const again = await run(s, assets());
    assert.deepEqual(again.counts.assets, { created: 0, updated: 0, unchanged: 35 });
    const moved = await run(s, assets({ ip: (i) => (i <= 3 ? `198.18.5.${100 + i}` : `198.18.5.${i}`) }));
    assert.deepEqual(moved.counts.assets, { created: 0, updated: 3, unchanged: 32 });
    const after = await s.assets.list('all');
    assert.equal(after.length, 35, 'matched by MAC: the same assets, no duplicates');
    assert.equal(after.find((a) => a.mac === '02:00:00:00:00:01')?.ip, '198.18.5.101');
  });

  it('a bad row in batch 3 leaves nothing published; with --partial the other 34 are', async () => {
    const s = await env.open();
    await run(s, CITY);
    const r = await run(s, assets({ bad: 25 }));
    assert.equal(r.committed, false);
    assert.deepEqual(r.errors.map(formatIssue).map((l) => l.replace(/^[^:]+:/, '')), ['26: ip: "198.18.5.300" is not an IPv4 or IPv6 address']);
    assert.equal((await s.assets.list('all')).length, 0, 'nothing published');
    assert.equal(await leftovers(s), 0, 'nothing staged');
    const p = await run(s, assets({ bad: 25 }), { partial: true });
    assert.equal(p.committed, true);
    assert.deepEqual(p.counts.assets, { created: 34, updated: 0, unchanged: 0 });
    assert.equal((await s.assets.list('all')).length, 34);
    assert.equal(await leftovers(s), 0);
  });

  it('a scan that adds an asset while batch 3 is staged makes the publish refuse: nothing imported, staging gone, a re-run imports', async () => {
    const s = await env.open();
    await run(s, CITY);
    const rsud = await s.agencies.getByCode('all', 'RSUD');
    await s.assets.upsertObserved('all', { agencyId: rsud.id, hosts: [{ ip: '198.18.5.200' }] }); // an agency with assets already
    await assert.rejects(
      run(s, assets(), {
        onProgress: async (p) => {
          if (p.phase === 'staging' && p.done === 30) await s.assets.upsertObserved('all', { agencyId: rsud.id, hosts: [{ ip: '198.18.5.7', netbiosName: 'PC-7' }] });
        },
      }),
      (e: unknown) => isPerisaiError(e, 'E_CONFLICT') && /changed while this file was being checked.*nothing was imported/.test(e.message),
    );
    assert.deepEqual((await s.assets.list('all')).map((a) => a.ip).sort(), ['198.18.5.200', '198.18.5.7'], 'only what the scan wrote');
    assert.equal(await leftovers(s), 0, 'the staging is cleaned up');
    const r = await run(s, assets());
    assert.deepEqual(r.counts.assets, { created: 34, updated: 1, unchanged: 0 }, 'PC-7 is the scan\'s asset, matched by its name');
    assert.equal((await s.assets.list('all')).length, 36);
  });

  it('a dry run stages nothing and reports what a real run would do', async () => {
    const s = await env.open();
    await run(s, CITY);
    const r = await run(s, assets(), { dryRun: true });
    assert.deepEqual(r.counts.assets, { created: 35, updated: 0, unchanged: 0 });
    assert.equal(r.committed, false);
    assert.equal((await s.assets.list('all')).length, 0);
    assert.equal(await leftovers(s), 0);
  });
});
