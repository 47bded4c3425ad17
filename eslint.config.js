// Lint: typescript-eslint recommended, plus the architecture: each room of src/ may import only the rooms
// that tests/architecture/rooms.json allows (the same data tests/architecture/rooms.test.ts checks, which
// also resolves deep relative paths and package rules; this rule reports the common cases in the editor).
// src/engine is a library of its own and may import nothing from the rest of the app. No spread into calls in src.
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const { rooms } = JSON.parse(readFileSync(new URL('./tests/architecture/rooms.json', import.meta.url), 'utf8'));

/** One no-restricted-imports block per room: every room it does not list is off limits. */
const roomRules = Object.entries(rooms).map(([room, allowed]) => {
  const forbidden = Object.keys(rooms).filter((r) => r !== room && !allowed.includes(r));
  return {
    files: [`src/${room}/**/*.ts`],
    rules: forbidden.length === 0 ? {} : {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: [...forbidden.map((r) => `**/${r}/**`), ...(room === 'engine' ? ['**/web/**'] : [])],
          message: room === 'engine'
            ? 'src/engine must not import from the rest of the app (it is publishable on its own).'
            : `src/${room} may import only ${allowed.join(', ') || 'its own files'} (tests/architecture/rooms.json).`,
        }],
      }],
    },
  };
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'lab/**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...roomRules,
  {
    // A spread into a call passes every item as an argument: past ~125k items the call stack overflows
    // ("Maximum call stack size exceeded" on a large -iL file). The calls that take lists of data are
    // refused; `...(c ? [x] : [])`, variadic builders of a few fixed parts (encodeTlv) and spreads into
    // array literals are fine.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/**/arbitraries.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'CallExpression[callee.property.name=/^(push|unshift|splice|max|min|fromCharCode|fromCodePoint)$/] > SpreadElement:not([argument.type="ConditionalExpression"])',
        message: 'No spread of a list into push/unshift/splice/Math.max/min/String.fromCharCode (the argument count is bounded by the stack): loop or reduce over the items.',
      }],
    },
  },
);
