// The web UI's dictionaries read as text (web/ is compiled by its own tsconfig, not the one of the tests):
// one entry per line, `'key': 'message',` (web/src/i18n/id.ts and en.ts keep that shape).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** web/src of the checkout (tests/web from tsx, dist/tests/web compiled). */
export function webSrc(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'web', 'src', 'App.tsx'))) return join(dir, 'web', 'src');
    dir = dirname(dir);
  }
  throw new Error('web/src not found');
}

/** key → message of one language, with the source's escapes (\') undone. */
export function readDictionary(lang: 'id' | 'en'): Map<string, string> {
  const src = readFileSync(join(webSrc(), 'i18n', `${lang}.ts`), 'utf8');
  return new Map([...src.matchAll(/^\s*'([\w.-]+)': '((?:[^'\\]|\\.)*)',$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')]));
}
