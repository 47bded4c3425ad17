// The web UI: a React SPA built into web/dist and served by the API process at `/`.
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
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, assetsDir: 'assets' },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
