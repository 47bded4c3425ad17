// Every bad value on every route is the caller's mistake, never the server's (a 4xx with the bilingual
// error body, never a 5xx): the routes, their path, query and body parameters come from the app's own
// route table and OpenAPI document, so a route or a field added later is swept without anyone
// remembering to. Each request changes ONE parameter of an otherwise valid request (tests/api/routes.ts),
// so the bad value is what the server meets. SQLite and PostgreSQL (tests/store/harness.ts).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { RouteEntry } from '../../src/api/access.js';
import { storeSuite } from '../store/harness.js';
import { failOnServer, login, seedAdmin, seedWorld } from './fixture.js';
import type { Client, World } from './fixture.js';
import { apiRoutes, bodyFor, fill, MUTATING } from './routes.js';

/** Path parameters: not ids, ids of nothing, and what breaks naive SQL, path or number handling. */
const BAD_IDS = ['x', '00000000-0000-0000-0000-000000000000', 'a'.repeat(65), '%00', '..%2F..%2Fetc%2Fpasswd', '%F0%9F%92%A3', '%27%20OR%201%3D1--', '1e309', '-1', '%20', '9'.repeat(40)];

/** Query values, as text (that is all a query string carries). */
const BAD_QUERY = ['', 'x', '-1', '0', '1e309', '-1e309', '99999999999999999999', '1.5', 'NaN', 'Infinity', 'a'.repeat(5000), '%00', 'all', '%5B%5D', 'true', '%27%3B--', '2025-13-45'];

/** Body values of every JSON type, and the extremes of each. */
const BAD_BODY: unknown[] = [null, true, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, '', ' ', 'x', 'a'.repeat(20_000), '\u0000', '../../etc/passwd', '<script>x</script>', [], [null], ['x'.repeat(300)], {}, { a: 1 }, '1e309'];

/** Raw JSON bodies that JSON.parse turns into something odd (Infinity) or refuses. */
const RAW_NUMBERS = ['1e309', '-1e309', '123456789012345678901234567890'];

interface Operation { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> } }

function operations(w: World): Map<string, Operation> {
  const doc = w.app.swagger() as { paths: Record<string, Record<string, Operation>> };
  const out = new Map<string, Operation>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) out.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, op);
  }
  return out;
}

/** What is wrong with the answer to a bad request, or null when it is a proper client error (or a success). */
function problemOf(res: LightMyRequestResponse): string | null {
  if (res.statusCode >= 500) return `${res.statusCode} ${res.body.slice(0, 200)}`;
  if (res.statusCode < 400) return null;
  let e: { code?: string; message?: string; messageId?: string } | undefined;
  try {
    e = (res.json() as { error?: typeof e }).error;
  } catch {
    return `${res.statusCode} with a body that is not JSON: ${res.body.slice(0, 200)}`;
  }
  const ok = e !== undefined && typeof e.code === 'string' && typeof e.message === 'string' && e.message !== '' && typeof e.messageId === 'string' && e.messageId !== '';
  if (!ok) return `${res.statusCode} without the bilingual error body: ${res.body.slice(0, 200)}`;
  // The Indonesian text is Indonesian: it never carries the English sentence inside it.
  if (e!.message!.length > 12 && e!.messageId!.includes(e!.message!)) return `${res.statusCode} with the English text inside the Indonesian one: ${e!.messageId}`;
  return null;
}

storeSuite('API bad input', (env) => {
  test('no bad path, query or body value on any route gets a 5xx', { timeout: 600_000 }, async () => {
    const store = await env.open();
    const w = await seedWorld(store, { rateLimit: false });
    const adminData = await seedAdmin(w);
    try {
      let admin: Client = await login(w.app, 'admin');
      const ops = operations(w);
      // Last: the routes that end the admin's session or revoke the worker's credential the sweep uses.
      const late = (u: string): number => (u === '/api/v1/auth/logout' ? 2 : u === '/api/v1/workers/credentials/:id/revoke' ? 1 : 0);
      const routes = apiRoutes(w).sort((a, b) => late(a.url) - late(b.url));
      assert.ok(routes.length >= 40, `expected the full route table, got ${routes.length}`);
      let sent = 0;
      const failures: string[] = [];
      // Agent routes are swept with an enrolled worker's credential (a session is nobody there).
      const agent = (method: string, url: string, payload: unknown, headers: Record<string, string> = {}) =>
        w.app.inject({ method: method as 'POST', url, headers: { authorization: `Bearer ${adminData.workerCredential}`, ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
      const send = async (r: RouteEntry, url: string, payload: unknown, raw?: string): Promise<void> => {
        const caller = r.access?.roles === 'agent' ? agent : admin.req;
        const res = raw === undefined
          ? await caller(r.method, url, payload)
          : await caller(r.method, url, raw, { 'content-type': 'application/json' });
        sent++;
        const problem = problemOf(res);
        if (problem !== null) failures.push(`${r.method} ${url.slice(0, 120)} ${(raw ?? JSON.stringify(payload ?? null)).slice(0, 120)} → ${problem}`);
        // A sweep request that ended the admin's session (logout) or locked it must not hide the rest.
        if (res.statusCode === 401) {
          assert.notEqual(r.access?.roles, 'agent', `the worker's credential was refused: ${r.method} ${url}`);
          admin = await login(w.app, 'admin');
        }
      };
      for (const r of routes) {
        const op = ops.get(`${r.method} ${r.url}`);
        assert.ok(op !== undefined, `${r.method} ${r.url} is missing from the OpenAPI document`);
        const good = bodyFor(r, w);
        const url = fill(w, r, w.data.dinkes, w.users.officer, adminData);
        // Path parameters.
        if (r.url.includes(':id')) {
          for (const bad of BAD_IDS) await send(r, r.url.replace(':id', bad), good);
        }
        // Query parameters, one at a time.
        for (const p of (op.parameters ?? []).filter((x) => x.in === 'query')) {
          for (const bad of BAD_QUERY) await send(r, `${url}?${p.name}=${bad}`, good);
          await send(r, `${url}?${p.name}=1&${p.name}=2`, good);
        }
        // Body properties, one at a time, on top of a valid body; then whole bodies of the wrong shape.
        if (MUTATING.has(r.method)) {
          const props = Object.keys(op.requestBody?.content?.['application/json']?.schema?.properties ?? {});
          const base = (typeof good === 'object' && good !== null ? good : {}) as Record<string, unknown>;
          for (const k of props) {
            for (const bad of BAD_BODY) await send(r, url, { ...base, [k]: bad });
            for (const n of RAW_NUMBERS) await send(r, url, undefined, JSON.stringify({ ...base, [k]: 0 }).replace(`"${k}":0`, `"${k}":${n}`));
          }
          for (const raw of ['null', '[]', '"x"', '12', '{', '{"a":', '\u0000']) await send(r, url, undefined, raw);
        }
      }
      assert.ok(sent > 2000, `the sweep sent only ${sent} requests`);
      assert.deepEqual(failures, [], `${failures.length} of ${sent} bad requests were not answered as the caller's mistake`);
    } finally {
      await w.app.close();
    }
  });

  test('a name past its limit is refused naming the field, never stored cut; several bad fields are named at once', async () => {
    const w = await seedWorld(await env.open());
    try {
      const admin = await login(w.app, 'admin');
      const long = 'Dinas Kependudukan dan Pencatatan Sipil '.repeat(6);
      assert.ok(long.length > 200);
      const before = (await w.store.agencies.list('all')).length;
      const r = await admin.req('POST', '/api/v1/agencies', { code: 'PANJANG', name: long, kind: 'opd', parentId: w.city.city.id });
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.json().error.details.field, 'body.name');
      assert.equal(r.json().error.messageId, 'Masukan tidak valid pada nama: terlalu panjang (maksimal 200 karakter)');
      assert.equal((await w.store.agencies.list('all')).length, before, 'nothing stored, cut or not');
      const contact = await admin.req('POST', `/api/v1/agencies/${w.city.capil.id}/contacts`, { name: long, role: 'pic', email: 'x@kota.go.id' });
      assert.equal(contact.statusCode, 400);
      assert.equal(contact.json().error.details.field, 'body.name');
      // Two bad fields in one body: both named, each with its reason, in both languages.
      const two = await admin.req('POST', '/api/v1/agencies', { code: 'kode salah!', name: long, kind: 'opd', parentId: w.city.city.id });
      assert.equal(two.statusCode, 400);
      assert.deepEqual(two.json().error.details.fields, [
        { field: 'body.code', message: 'must match pattern "^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"', messageId: 'format tidak valid' },
        { field: 'body.name', message: 'must NOT have more than 200 characters', messageId: 'terlalu panjang (maksimal 200 karakter)' },
      ]);
      assert.equal(two.json().error.messageId, 'Masukan tidak valid pada kode: format tidak valid; nama: terlalu panjang (maksimal 200 karakter)');
    } finally {
      await w.app.close();
    }
  });

  test('a request that fails on the server is written to the log under the request id its answer names', async () => {
    const lines: string[] = [];
    const w = await seedWorld(await env.open(), { errorLog: (l) => void lines.push(l) });
    try {
      const { id } = await failOnServer(w);
      const line = lines.find((l) => l.includes(id));
      assert.ok(line !== undefined, `no log line names request ${id}: ${JSON.stringify(lines)}`);
      assert.match(line, new RegExp(`^perisai: request ${id} GET /api/v1/agencies failed \\(E_(STORAGE|INTERNAL)\\): `));
    } finally {
      await w.app.close();
    }
  });
});
