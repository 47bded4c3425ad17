// Build step: a brotli (.br) and a gzip (.gz) copy beside every compressible file of the build, which
// the server sends by Accept-Encoding (src/api/static.ts, @fastify/static preCompressed). Compressing
// once here lets us use the slowest, smallest settings (brotli quality 11, gzip level 9) that would cost
// far too much CPU per response; docs/deploy.md "Static files" has the figures.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|txt|xml|map)$/;

export interface Compressed { readonly file: string; readonly bytes: number; readonly br?: number; readonly gz?: number }

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

/**
 * Write FILE.br and FILE.gz for each compressible file under `dir`, each only when it is smaller than
 * the file itself (a tiny file can grow; the server then sends the plain one).
 */
export function precompress(dir: string): Compressed[] {
  const out: Compressed[] = [];
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const data = readFileSync(file);
    const br = brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    });
    const gz = gzipSync(data, { level: constants.Z_BEST_COMPRESSION });
    const entry: { file: string; bytes: number; br?: number; gz?: number } = { file, bytes: data.length };
    if (br.length < data.length) {
      writeFileSync(`${file}.br`, br);
      entry.br = br.length;
    }
    if (gz.length < data.length) {
      writeFileSync(`${file}.gz`, gz);
      entry.gz = gz.length;
    }
    out.push(entry);
  }
  return out;
}

/** The Vite plugin: precompress the output directory once the bundle and the public files are written. */
export function precompressPlugin(): Plugin {
  let config: ResolvedConfig | undefined;
  return {
    name: 'perisai-precompress',
    apply: 'build',
    configResolved(c) {
      config = c;
    },
    closeBundle() {
      if (config === undefined) return;
      const dir = join(config.root, config.build.outDir);
      for (const c of precompress(dir)) {
        if (c.br !== undefined || c.gz !== undefined) config.logger.info(`precompressed ${c.file.slice(dir.length + 1)}: ${c.bytes} B → br ${c.br ?? '-'} B, gzip ${c.gz ?? '-'} B`);
      }
    },
  };
}
