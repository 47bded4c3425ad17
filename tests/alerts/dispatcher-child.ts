// A second dispatcher in its own process (the concurrent-dispatchers test): on SQLite two connections in
// one process would block each other's event loop on the write lock, while two processes is exactly the
// deployment this must survive. Usage: node [--import tsx] dispatcher-child.(ts|js) STORE_URL OWNER
import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher } from '../../src/alerts/index.js';
import { createStore } from '../../src/store/index.js';

const [url, owner] = process.argv.slice(2);
const store = await createStore({ url: url!, migrate: false });
const d = new Dispatcher(store, { owner: owner!, batchSize: 3, lockMs: 5_000, backoff: { baseMs: 5, capMs: 20 } });
let sent = 0;
let rounds = 0;
try {
  while ((await store.outbox.list('all', { pendingOnly: true })).length > 0) {
    sent += (await d.runOnce()).sent;
    rounds++;
    await sleep(1);
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify({ sent, rounds })}\n`);
