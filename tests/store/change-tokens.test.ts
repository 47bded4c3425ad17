// The dashboard answers from memory only while nothing under it has changed (src/store/memo.ts, migration
// 0015_change_tokens): the `exposure` token moves with every committed write the dashboard counts — and
// not with writes it does not read, nor with a rolled-back one — and a write by another process (a second
// store on the same database, as `perisai worker` or a CLI import beside `perisai serve`) is in the next
// dashboard read. On SQLite and PostgreSQL.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/store/index.js';
import { openDialect, parseStoreUrl } from '../../src/store/dialect.js';
import { AUTH, seedCity } from './fixtures.js';
import { storeSuite } from './harness.js';

const SIGNAL = { ruleId: 'ms17-010', port: 445, title: { id: 'Rentan MS17-010', en: 'Vulnerable to MS17-010' }, input: { kind: 'detected' as const, severity: 'critical' as const } };

/** Wait for `cond` (PostgreSQL's notifications arrive just after the commit); fails after 10 s. */
async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await sleep(20);
  }
  assert.fail(`timed out waiting for ${what}`);
}

storeSuite('change tokens and the dashboard memo', (env) => {
  /** The store's exposure token, through a dialect of its own on the same database (what the memo reads). */
  async function tokens(url: string) {
    const d = openDialect(parseStoreUrl(url));
    return {
      token: () => d.changeToken('exposure'),
      /** Wait until the token is not `before` any more (at once on SQLite). */
      moved: async (before: string | undefined) => {
        await until('the exposure token to move', async () => (await d.changeToken('exposure')) !== before);
        return d.changeToken('exposure');
      },
      close: () => d.close(),
    };
  }

  test('the exposure token moves with each write the dashboard counts, not with others nor a rolled-back one', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const city = await seedCity(s);
    const t = await tokens(url);
    try {
      const t0 = await t.token();
      assert.notEqual(t0, undefined, 'the token is known once the listener is up');
      assert.equal(await t.token(), t0, 'reading changes nothing');
      const [asset] = await s.assets.upsertObserved('all', { agencyId: city.dinkes.id, hosts: [{ ip: '198.18.1.10', smbOpen: true }] });
      const t1 = await t.moved(t0);
      await s.findings.applyScan({ jobId: 'j1', assets: [{ assetId: asset!.assetId, agencyId: city.dinkes.id, scan: { closedPorts: [], signals: [SIGNAL] } }] });
      const t2 = await t.moved(t1);
      // A write the dashboard does not count: a contact, a network.
      await s.contacts.add('all', city.dinkes.id, { name: 'Kontak', role: 'technical', email: 'kontak@kota.go.id' });
      await s.networks.add('all', { agencyId: city.dinkes.id, cidr: '198.18.1.0/24', ...AUTH });
      // A rolled-back write the dashboard would count.
      await assert.rejects(s.transaction(async (tx) => {
        await tx.assets.retire('all', asset!.assetId);
        throw new Error('rolled back');
      }), /rolled back/);
      // Then one that commits: only it moves the token (PostgreSQL: the next notification is the retirement).
      await s.assets.retire('all', asset!.assetId);
      const t3 = await t.moved(t2);
      if (env.dialect === 'sqlite') assert.equal(Number(t3) - Number(t2), 1, 'exactly one committed write counted since');
      else assert.equal(Number(t3!.split(':')[1]) - Number(t2!.split(':')[1]), 1, 'exactly one notification since');
    } finally {
      await t.close();
    }
  });

  test('a write by another process is in the next dashboard read; readers in between are answered from memory', async () => {
    const url = await env.freshUrl();
    const serve: Store = await env.reopen(url);
    const worker: Store = await env.reopen(url);
    const city = await seedCity(serve);
    await serve.assets.upsertObserved('all', { agencyId: city.dinkes.id, hosts: [{ ip: '198.18.1.10', smbOpen: true }] });
    const dinkes = async () => (await serve.dashboard.exposureByAgency(new Set([city.dinkes.id])))[0];
    await until('the first write to be counted', async () => (await dinkes())?.hostsKnown === 1);
    const first = await serve.dashboard.exposureByAgency('all');
    // Nothing changed: the very same rows (from memory), for the city and cut to an officer's scope.
    assert.equal((await serve.dashboard.exposureByAgency('all'))[0], first[0]);
    assert.equal(await dinkes(), first.find((r) => r.agencyId === city.dinkes.id));
    assert.deepEqual(await serve.dashboard.exposureByAgency(new Set([city.disdik.id])), [], 'another agency\'s scope sees none of it');
    // "Another process" opens a critical finding and a second host.
    const [a2] = await worker.assets.upsertObserved('all', { agencyId: city.dinkes.id, hosts: [{ ip: '198.18.1.11', smbOpen: false }] });
    await worker.findings.applyScan({ jobId: 'j1', assets: [{ assetId: a2!.assetId, agencyId: city.dinkes.id, scan: { closedPorts: [], signals: [SIGNAL] } }] });
    await until('the other process\'s writes in the dashboard', async () => {
      const r = await dinkes();
      return r?.hostsKnown === 2 && r.ms17010 === 1;
    });
    assert.deepEqual({ ...(await dinkes()) }, { ...first[0]!, hostsKnown: 2, ms17010: 1 });
  });

  test('a snapshot moves the trend token: the trend shows the day just recorded', async () => {
    const url = await env.freshUrl();
    const s = await env.reopen(url);
    const city = await seedCity(s);
    await s.assets.upsertObserved('all', { agencyId: city.rsud.id, hosts: [{ ip: '198.18.2.10' }] });
    const range = { from: '2025-06-01', to: '2025-06-03' };
    assert.deepEqual(await s.dashboard.trend('all', range), []);
    await s.dashboard.recordDay('2025-06-02');
    await until('the recorded day in the trend', async () => (await s.dashboard.trend('all', range)).length === 1);
    const [day] = await s.dashboard.trend(new Set([city.dinkes.id, city.rsud.id]), range);
    assert.equal(day?.day, '2025-06-02');
    assert.equal(day?.hostsKnown, 1);
    assert.equal((await s.dashboard.trend(new Set([city.disdik.id]), range))[0]?.hostsKnown, 0, 'per scope: another agency\'s sums');
  });
});
