// The web UI: a React SPA built into web/dist and served by the API process at `/`.
// `npm run build:web` (part of `npm run build`); `npx vite web` for development (proxying /api to
// a running `perisai serve` on 127.0.0.1:8080).
//
// Output: content-hashed files under dist/assets/ (served `immutable` for a year, src/api/static.ts) and a
// brotli and gzip copy beside each compressible file (precompress.ts).
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from './precompress';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The public report pages (web/src/lapor/) run on Preact's React-compatible layer instead of React: the
 * same components and hooks for about a sixth of the bytes, so the form's first load on a Slow 3G phone
 * is usable within 3 s (docs/incidents.md "Public pages: weight and speed"). Only imports from files of
 * that folder are redirected; the office UI keeps React.
 */
const PREACT: Readonly<Record<string, string>> = {
  react: 'preact/compat', 'react-dom': 'preact/compat', 'react-dom/client': 'preact/compat/client',
  'react/jsx-runtime': 'preact/jsx-runtime', 'react/jsx-dev-runtime': 'preact/jsx-dev-runtime',
};
const LAPOR_DIR = join(root, 'src', 'lapor') + sep;

function publicPagesOnPreact(): Plugin {
  return {
    name: 'perisai-lapor-preact',
    enforce: 'pre',
    async resolveId(source, importer) {
      const target = PREACT[source];
      if (target === undefined || importer === undefined || !importer.startsWith(LAPOR_DIR)) return null;
      return this.resolve(target, importer, { skipSelf: true });
    },
  };
}

export default defineConfig({
  root,
  plugins: [publicPagesOnPreact(), react(), precompressPlugin()],
  // Two pages: the office UI (index.html) and the light public report pages (lapor.html, served at
  // /lapor/*), which load none of the office UI's code or dictionaries (docs/incidents.md "Public pages").
  build: {
    outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsDir: 'assets',
    rollupOptions: {
      input: { index: fileURLToPath(new URL('index.html', import.meta.url)), lapor: fileURLToPath(new URL('lapor.html', import.meta.url)) },
      // React in a chunk of its own: cached across releases of the office UI.
      output: { manualChunks: (id: string) => (/[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id) ? 'react' : undefined) },
    },
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
