// Lint: typescript-eslint recommended, plus the one architectural rule that matters most:
// src/engine is a library of its own and may import nothing from the rest of the app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', 'lab/**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: ['**/cli/**', '**/store/**', '**/api/**', '**/domain/**', '**/web/**', '**/worker/**', '**/queue/**', '**/scheduler/**'],
          message: 'src/engine must not import from the rest of the app (it is publishable on its own).',
        }],
      }],
    },
  },
);
