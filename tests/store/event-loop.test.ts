// The store never holds the event loop for long (src/store/dialect.ts FairSqliteDriver): better-sqlite3 runs
// each statement synchronously, so a transaction of many statements — a scan's findings, an import — would
// otherwise keep `perisai serve` from answering anything (a health probe, a timer) until it commits. Here a
// timer set inside a transaction fires while the transaction still runs, and readers waiting for SQLite's one
// connection get it in the order they asked. On SQLite and PostgreSQL (where every statement is I/O anyway).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seedCity } from './fixtures.js';
import { storeSuite } from './harness.js';

storeSuite('the store and the event loop', (env) => {
  test('a long transaction lets a timer fire before it commits', async () => {
    const store = await env.open();
    await seedCity(store);
    let fired = false;
    let statements = 0;
    await store.transaction(async (tx) => {
      setTimeout(() => (fired = true), 0);
      // Statements back to back for 100 ms (ten slices of the driver's 10 ms), then look.
      const start = performance.now();
      while (performance.now() - start < 100) {
        await tx.agencies.list('all');
        statements++;
      }
      assert.equal(fired, true, `the timer fired during the transaction (${statements} statements)`);
    });
  });

  test('readers waiting for the one SQLite connection are served in the order they asked (PostgreSQL: by the pool, all served)', async () => {
    const store = await env.open();
    await seedCity(store);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      await store.agencies.list('all');
      order.push(i);
    }));
    if (env.dialect === 'sqlite') assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
    else assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  });
});
