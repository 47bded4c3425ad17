// The web UI's sources and dictionaries as the tests read them: web/ is compiled by its own tsconfig (DOM,
// bundler resolution), not by the one the tests compile with, so the dictionaries are read as text.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function webSrc(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'web', 'src', 'App.tsx'))) return join(dir, 'web', 'src');
    dir = dirname(dir);
  }
  throw new Error('web/src not found');
}

/**
 * The dictionary's entries (`'key': 'message',` one a line), messages unescaped, with those of the part
 * files it spreads in (`import { circularsId } from './circulars.id'` … `...circularsId,`).
 */
export function dict(name: 'id' | 'en'): Map<string, string> {
  const dir = join(webSrc(), 'i18n');
  const src = readFileSync(join(dir, `${name}.ts`), 'utf8');
  const parts = [...src.matchAll(/^import \{ \w+ \} from '\.\/([\w-]+\.(?:id|en))';$/gm)].map((m) => readFileSync(join(dir, `${m[1]!}.ts`), 'utf8'));
  return new Map([src, ...parts].flatMap((text) => [...text.matchAll(/^\s*'([\w.-]+)': '((?:[^'\\]|\\.)*)',$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')] as const)));
}
