// The web UI (web/dist, built by `npm run build:web`) served by the API process at `/`, with the SPA
// fallback: any GET outside /api that is not a file answers index.html, so deep links and reloads of
// client-side routes work. Paths under /api keep the API's JSON 404. Without a build (API-only test
// runs) nothing is registered.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';

/** web/dist of this checkout or package: from src/api (tsx) or dist/src/api (compiled). */
export function findWebRoot(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let dir = start;
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = resolve(dir, '..');
  }
  return undefined;
}

export async function registerWebUi(app: FastifyInstance, root: string | undefined = findWebRoot()): Promise<void> {
  if (root === undefined) return;
  // wildcard: false serves the files present at start-up by name; the catch-all below is the fallback.
  await app.register(fastifyStatic, { root, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: true, maxAge: 0 });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/') || /\.[A-Za-z0-9]+$/.test(path)) return reply.callNotFound();
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
