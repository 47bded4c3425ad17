// The web UI (issue 5 item 3): a React SPA built into web/dist and served by the API process at `/`.
// `npm run build:web` (part of `npm run build`); `npx vite web` for development (proxying /api to
// a running `perisai serve` on 127.0.0.1:8080).
//
// Output: content-hashed files under dist/assets/ (served `immutable` for a year, src/api/static.ts) and a
// brotli and gzip copy beside each compressible file (precompress.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { precompressPlugin } from './precompress';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react(), precompressPlugin()],
  // Two pages: the office UI (index.html) and the light public report pages (lapor.html, served at
  // /lapor/*), which load none of the office UI's code or dictionaries (docs/incidents.md "Public pages").
  build: {
    outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsDir: 'assets',
    rollupOptions: { input: { index: fileURLToPath(new URL('index.html', import.meta.url)), lapor: fileURLToPath(new URL('lapor.html', import.meta.url)) } },
  },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
