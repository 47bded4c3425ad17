// The package version for `perisai --version` and scan output headers, read once from package.json.
import { readFile } from 'node:fs/promises';

export let VERSION = '0.0.0';

export async function loadVersion(): Promise<void> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    VERSION = pkg.version ?? VERSION;
  } catch {
    // running from an unusual layout: keep the placeholder
  }
}
