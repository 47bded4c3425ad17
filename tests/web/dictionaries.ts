// The web UI's sources and dictionaries as the tests read them: web/ is compiled by its own tsconfig (DOM,
// bundler resolution), not by the one the tests compile with, so the dictionaries are read as text.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
 * The dictionary's entries (`'key': 'message',` one a line), messages unescaped: `<name>.ts` and the
 * parts spread into it (`<part>.<name>.ts`, e.g. incidents.id.ts).
 */
export function dict(name: 'id' | 'en'): Map<string, string> {
  const dir = join(webSrc(), 'i18n');
  const files = [`${name}.ts`, ...readdirSync(dir).filter((f) => f.endsWith(`.${name}.ts`)).sort()];
  const src = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
  return new Map([...src.matchAll(/^\s*'([\w.:/-]+)': '((?:[^'\\]|\\.)*)',$/gm)].map((m) => [m[1]!, m[2]!.replace(/\\(.)/g, '$1')]));
}
