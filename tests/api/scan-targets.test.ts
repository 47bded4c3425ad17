// POST /api/v1/scans takes the target forms `perisai scan` takes (src/engine/targets/spec.ts) — ranges,
// last-octet ranges, nmap octet ranges — still only inside the agency's registered networks, and a job
// answer carries its ports as a count and a compact text, never the list (docs/api.md "Scans"). The jobs
// are scanned for real by the in-process worker (src/worker/worker.ts) against listeners on loopback.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { test } from 'node:test';
import { buildApp } from '../../src/api/app.js';
import { storeSuite } from '../store/harness.js';
import { listen, loopbackAgency, runInProcess } from '../monitoring/helpers.js';
import { login, makeUser } from './fixture.js';

interface Job { id: string; status: string; planned: number; targets: string[]; ports: string; portCount: number }

/** A listener on one loopback address other than 127.0.0.1 (Linux routes all of 127.0.0.0/8 to lo). */
async function listenOn(host: string, port: number): Promise<Server> {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

storeSuite('API scan targets', (env) => {
  test('ranges and octet ranges are accepted and scanned on loopback; one reaching outside the registered networks is refused, naming it; a 1-65535 job answers in a few hundred bytes', async () => {
    const url = await env.freshUrl();
    const store = await env.reopen(url);
    const agency = await loopbackAgency(store, ['127.0.0.0/24', '127.87.0.0/22']);
    await makeUser(store, 'admin', 'admin');
    const app = await buildApp({ store });
    const a = await listen();
    const b = await listenOn('127.87.1.2', a.port);
    try {
      const admin = await login(app, 'admin');
      const start = (targets: string[], ports = String(a.port)) => admin.req('POST', '/api/v1/scans', { agencyId: agency.id, targets, ports, profile: 'ports' });

      // Refused, each naming what was typed, in both languages; nothing stored.
      let r = await start(['127.0.0.250-127.0.1.5']);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.message, 'target 127.0.0.250-127.0.1.5 (127.0.1.0/30) is outside the networks registered to DINKES; register and authorise it first');
      assert.match(r.json().error.messageId, /^Target 127\.0\.0\.250-127\.0\.1\.5 \(127\.0\.1\.0\/30\) berada di luar jaringan yang terdaftar untuk DINKES; /);
      assert.equal(r.json().error.details.target, '127.0.0.250-127.0.1.5');
      r = await start(['127.87.3.0-127.87.4.255']);
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.details.target, '127.87.3.0-127.87.4.255');
      r = await start(['127.0.0.1', 'localhost', '127.0.0.9-3', '127.1', '127.0.0.5/24']);
      assert.equal(r.statusCode, 400, r.body);
      const fields = (r.json().error.details.fields as { field: string; message: string; messageId: string }[]);
      assert.deepEqual(fields.map((f) => f.field), ['body.targets.1', 'body.targets.2', 'body.targets.3', 'body.targets.4']);
      assert.match(fields[0]!.message, /"localhost" is a host name/);
      assert.match(fields[0]!.messageId, /"localhost" adalah nama host/);
      assert.match(fields[1]!.messageId, /"127\.0\.0\.9-3" adalah rentang terbalik/);
      assert.match(fields[2]!.message, /shortened or numeric IPv4 form/);
      assert.match(fields[3]!.message, /did you mean 127\.0\.0\.0\/24\?/);
      assert.equal((await store.scans.listJobs('all', { limit: 100 })).length, 0);

      // A dash range, a last-octet range and an octet range: stored as the CIDR blocks that cover exactly them.
      r = await start(['127.0.0.1-127.0.0.2', '127.0.0.3-3', '127.87.1-2.1-3']);
      assert.equal(r.statusCode, 201, r.body);
      const job = r.json() as Job;
      assert.deepEqual(job.targets, ['127.0.0.1/32', '127.0.0.2/31', '127.87.1.1/32', '127.87.1.2/31', '127.87.2.1/32', '127.87.2.2/31']);
      assert.equal(job.planned, 9);
      assert.deepEqual([job.ports, job.portCount], [String(a.port), 1]);
      const audit = (await store.audit.list({ action: 'scan.start' }))[0]?.details as Record<string, unknown>;
      assert.deepEqual(audit['targets'], ['127.0.0.1-127.0.0.2', '127.0.0.3-3', '127.87.1-2.1-3']);
      assert.deepEqual(audit['blocks'], job.targets);

      const done = await runInProcess(store, url, job.id);
      assert.equal(done.status, 'completed');
      const seen = await store.observations.list('all', job.id, { limit: 1000 });
      const ports = seen.flatMap((o) => (o.type === 'port' ? [`${o.ip} ${o.state}`] : [])).sort();
      assert.deepEqual(ports, [
        '127.0.0.1 open', '127.0.0.2 closed', '127.0.0.3 closed',
        '127.87.1.1 closed', '127.87.1.2 open', '127.87.1.3 closed', '127.87.2.1 closed', '127.87.2.2 closed', '127.87.2.3 closed',
      ]);

      // Every port of one host: the answers carry the count and the compact text, not 65,535 numbers.
      r = await start(['127.0.0.1'], '1-65535');
      assert.equal(r.statusCode, 201, r.body);
      const big = r.json() as Job;
      assert.deepEqual([big.ports, big.portCount, big.planned], ['1-65535', 65535, 65535]);
      const sizes = {
        post: r.body.length,
        get: (await admin.req('GET', `/api/v1/scans/${big.id}`)).body.length,
        list: (await admin.req('GET', `/api/v1/scans?agencyId=${agency.id}`)).body.length,
        cancel: (await admin.req('POST', `/api/v1/scans/${big.id}/cancel`)).body.length,
      };
      for (const [route, bytes] of Object.entries(sizes)) assert.ok(bytes < 2000, `${route}: ${bytes} bytes`);
      const stored = await store.scans.getJob('all', big.id);
      assert.equal(stored.ports.length, 65535, 'the store keeps the list the workers scan');
    } finally {
      await app.close();
      await a.close();
      await new Promise((resolve) => b.close(resolve));
    }
  });
});
