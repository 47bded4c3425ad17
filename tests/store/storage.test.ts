// Transactions and storage failures, on both dialects: a failed write rolls back entirely; a full disk
// (SQLite, simulated with PRAGMA max_page_count — no tiny filesystem needed), a lost server connection
// (PostgreSQL), a corrupt file or an unreachable server surface as E_STORAGE with a clear message, and
// nothing committed before is lost.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { isPerisaiError } from '../../src/domain/errors.js';
import type { Observation } from '../../src/domain/observation.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/index.js';
import { storeSuite } from './harness.js';
import { AUTH, seedCity } from './fixtures.js';

function sweep(prefix: string, n: number): Observation[] {
  return Array.from({ length: n }, (_, i): Observation => ({
    type: 'port', ip: `${prefix}.${Math.floor(i / 250)}.${(i % 250) + 1}`, port: 445, proto: 'tcp', state: 'open', reason: 'syn-ack',
    banner: 'x'.repeat(64),
  }));
}

async function jobFor(s: Store): Promise<{ jobId: string; agencyId: string }> {
  const c = await seedCity(s);
  await s.networks.add('all', { agencyId: c.rsud.id, cidr: '198.18.0.0/16', ...AUTH });
  const j = await s.scans.createJob('all', { agencyId: c.rsud.id, profile: 'p', targets: ['198.18.0.0/16'], ports: [445], vantage: 'internal', seed: '1', requestedBy: 'x', tasks: [{ start: 0, end: 65536 }] });
  return { jobId: j.id, agencyId: c.rsud.id };
}

storeSuite('transactions', (env) => {
  it('Store.transaction rolls back every repository write when the body throws', async () => {
    const s = await env.open();
    await assert.rejects(
      s.transaction(async (tx) => {
        const city = await tx.agencies.create('all', { kind: 'city', code: 'KOTA', name: 'Kota' });
        await tx.networks.add('all', { agencyId: city.id, cidr: '198.18.0.0/16', ...AUTH });
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(await s.agencies.list('all'), []);
    assert.deepEqual(await s.networks.list('all'), []);
  });

  it('a constraint failure mid-transaction rolls back the earlier writes and says E_CONFLICT', async () => {
    const s = await env.open();
    const c = await seedCity(s);
    await assert.rejects(
      s.transaction(async (tx) => {
        await tx.agencies.create('all', { kind: 'opd', code: 'BAPPEDA', name: 'Bappeda', parentId: c.city.id });
        await tx.agencies.create('all', { kind: 'opd', code: 'DINKES', name: 'Duplicate', parentId: c.city.id });
      }),
      (e) => isPerisaiError(e, 'E_CONFLICT'),
    );
    assert.ok(!(await s.agencies.list('all')).some((a) => a.code === 'BAPPEDA'));
    // a raw constraint the repository does not pre-check: findings for an asset that does not exist
    await assert.rejects(
      s.findings.applyScan({ jobId: 'j', assets: [{ assetId: 'no-such-asset', agencyId: c.rsud.id, scan: { signals: [{ ruleId: 'ms17-010', port: 445, title: { id: 'x', en: 'x' }, input: { kind: 'detected', severity: 'critical' } }], closedPorts: [] } }] }),
      (e) => isPerisaiError(e, 'E_CONFLICT'),
    );
    assert.deepEqual((await s.findings.list('all')).items, []);
    assert.deepEqual(await s.outbox.list('all'), [], 'no alert for a change that was rolled back');
  });

  it('a batch with one malformed observation stores nothing', async () => {
    const s = await env.open();
    const { jobId } = await jobFor(s);
    const bad = [...sweep('198.18', 10), { type: 'port', ip: 'not-an-ip', port: 1, proto: 'tcp', state: 'open', reason: 'syn-ack' } as Observation];
    await assert.rejects(s.observations.ingestBatch({ jobId, observations: bad }), (e) => isPerisaiError(e, 'E_VALIDATION'));
    assert.equal(await s.observations.count('all', jobId), 0);
  });
});

storeSuite('storage failures', (env) => {
  it(env.dialect === 'sqlite'
    ? 'disk full (max_page_count): E_STORAGE naming SQLITE_FULL, the failed batch is not stored, earlier data intact'
    : 'server connection lost mid-transaction: E_STORAGE, the transaction is not stored, earlier data intact', async () => {
    const url = await env.freshUrl();
    const s1 = await env.reopen(url);
    const { jobId } = await jobFor(s1);
    assert.deepEqual(await s1.observations.ingestBatch({ jobId, observations: sweep('198.18', 500) }), { inserted: 500, duplicates: 0 });
    let err: unknown;
    if (env.dialect === 'sqlite') {
      await s1.close();
      // A limit below the current size clamps to the current size: the file cannot grow by one page.
      const full = await env.reopen(url, { sqlitePragmas: { max_page_count: 1 } });
      err = await full.observations.ingestBatch({ jobId, observations: sweep('198.18', 20_000) }).catch((e: unknown) => e);
      assert.equal(await full.observations.count('all', jobId), 500, 'still readable, earlier rows intact');
      await full.close();
    } else {
      err = await s1.transaction(async (tx) => {
        await tx.observations.ingestBatch({ jobId, observations: sweep('198.18', 1000).slice(500) });
        // The DBA restarts the server / the network drops: our backend is terminated under us.
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
        await admin.end();
        await tx.observations.ingestBatch({ jobId, observations: sweep('198.19', 10) });
      }).catch((e: unknown) => e);
    }
    assert.ok(isPerisaiError(err, 'E_STORAGE'), `expected E_STORAGE, got ${String(err)}`);
    assert.match(err.message, env.dialect === 'sqlite' ? /disk is full \(SQLITE_FULL/ : /connection|terminat/i);
    assert.match(err.message, /data committed before it is intact/);
    const s2 = await env.reopen(url);
    assert.equal(await s2.observations.count('all', jobId), 500, 'exactly the committed rows');
    // and the store works again once the cause is gone
    assert.deepEqual(await s2.observations.ingestBatch({ jobId, observations: sweep('198.18', 600) }), { inserted: 100, duplicates: 500 });
  });

  it(env.dialect === 'sqlite' ? 'a corrupt database file is refused with E_STORAGE before anything touches it' : 'an unreachable server is refused with E_STORAGE', async () => {
    let url: string;
    if (env.dialect === 'sqlite') {
      const path = join(tmpdir(), `perisai-corrupt-${process.pid}.db`);
      writeFileSync(path, Buffer.alloc(8192, 'garbage, not an SQLite file '));
      url = `sqlite://${path}`;
    } else {
      url = `postgres://postgres@${encodeURIComponent(join(tmpdir(), 'perisai-no-such-server'))}:5432/nothing`;
    }
    const err = await createStore({ url }).then(async (s) => {
      await s.close();
      return undefined;
    }, (e: unknown) => e);
    if (env.dialect === 'sqlite') rmSync(url.slice('sqlite://'.length), { force: true });
    assert.ok(isPerisaiError(err, 'E_STORAGE'), `expected E_STORAGE, got ${String(err)}`);
    assert.match(err.message, env.dialect === 'sqlite' ? /not an SQLite database/ : /unreachable|cannot reach/);
  });
});
