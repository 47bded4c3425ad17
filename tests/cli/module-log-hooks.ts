// Module customization hooks (node:module register) for tests/cli/module-graph.test.ts: append the URL of every
// module Node loads to the file named by PERISAI_MODULE_LOG. Runs in the loader thread, so it writes
// synchronously; static and dynamic imports alike pass through `load`.
import { appendFileSync } from 'node:fs';

const LOG = process.env['PERISAI_MODULE_LOG'];

interface LoadResult {
  format?: string | null;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}

export async function load(url: string, context: unknown, nextLoad: (url: string, context: unknown) => Promise<LoadResult>): Promise<LoadResult> {
  if (LOG) appendFileSync(LOG, `${url}\n`);
  return nextLoad(url, context);
}
