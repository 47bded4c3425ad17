// The web UI (issue 5 item 3): a React SPA built into web/dist and served by the API process at `/`.
// `npm run build:web` (part of `npm run build`); `npx vite web` for development (proxying /api to
// a running `perisai serve` on 127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
  server: { host: '127.0.0.1', proxy: { '/api': 'http://127.0.0.1:8080' } },
});
