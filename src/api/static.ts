// The web UI (web/dist, built by `npm run build:web`) served by the API process at `/`, with the SPA
// fallback: any GET outside /api that is not a file answers index.html, so deep links and reloads of
// client-side routes work. Paths under /api keep the API's JSON 404. Without a build (API-only test
// runs) nothing is registered.
//
// Caching (RFC 9111 §5.2.2; RFC 8246 immutable): Vite names everything under /assets/ by a hash of its
// content, so a changed file is a new URL and these can be kept for a year without revalidation.
// index.html (and the SPA fallback, which is index.html) names the current assets, so it is `no-cache`:
// stored, but revalidated (ETag) on every load, so a new release is picked up at once. Other files at
// the root (favicon.svg) are not hashed and get a short max-age.
//
// Compression: the build writes brotli (.br) and gzip (.gz) copies beside each file (web/precompress.ts);
// @fastify/static's preCompressed picks br, then gzip, then the plain file by Accept-Encoding and adds
// `Vary: Accept-Encoding`. Done once at build time at the highest levels instead of per response: see
// docs/deploy.md "Static files" for the measurements.

import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';
/** Unhashed root files other than index.html (favicon.svg): a day, then revalidated. */
export const CACHE_SHORT = 'public, max-age=86400';

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

/** The cache-control of a file under `root` (its path on disk, possibly with .br/.gz appended). */
export function cacheControlFor(root: string, file: string): string {
  const rel = resolve(file).slice(resolve(root).length + 1).replace(/\.(?:br|gz)$/, '');
  if (rel.startsWith(`assets${sep}`)) return CACHE_IMMUTABLE;
  if (rel === 'index.html' || rel === PUBLIC_PAGE) return CACHE_REVALIDATE;
  return CACHE_SHORT;
}

/**
 * The public report pages (/lapor, /lapor/status: docs/incidents.md "The public form") are a page of their
 * own, lapor.html, built as a second, light entry (web/vite.config.ts): a phone on a slow link loads
 * none of the office UI.
 */
export const PUBLIC_PAGE = 'lapor.html';
const PUBLIC_PATHS = /^\/lapor(?:\/.*)?$/;

export async function registerWebUi(app: FastifyInstance, root: string | undefined = findWebRoot()): Promise<void> {
  if (root === undefined) return;
  // wildcard: false serves the files present at start-up by name; the catch-all below is the fallback.
  // The .br/.gz copies are not routes of their own: they are only ever sent as an encoding of their file.
  await app.register(fastifyStatic, {
    root, prefix: '/', wildcard: false, index: ['index.html'], preCompressed: true, globIgnore: ['**/*.br', '**/*.gz'],
    cacheControl: false,
    setHeaders: (reply: FastifyReply, file: string) => void reply.header('cache-control', cacheControlFor(root, file)),
  });
  app.get('/*', { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (path === '/api' || path.startsWith('/api/') || /\.[A-Za-z0-9]+$/.test(path)) return reply.callNotFound();
    return reply.sendFile(PUBLIC_PATHS.test(path) && existsSync(join(root, PUBLIC_PAGE)) ? PUBLIC_PAGE : 'index.html');
  });
}
