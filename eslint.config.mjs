// @ts-check
// ESLint for eventfold: the TypeScript rules that read types (floating and misused promises
// above all), over lib/, spec/, bench/, examples/ and scripts/. Formatting is Prettier's job, so
// eslint-config-prettier comes last and turns off every rule that would argue with it.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', '.bench/'] },
  js.configs.recommended,
  comments.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    // Every eslint-disable says why, on the same line: `-- the reason`.
    rules: {
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      // A migration file turns a rule off for the whole file on purpose (see its first line).
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
    },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // tsc already reports unused locals and parameters (noUnusedLocals, noUnusedParameters);
      // a second report of the same thing, with its own naming rules for `_unused`, is noise.
      '@typescript-eslint/no-unused-vars': 'off',
      // Rows from SQLite and PostgreSQL and JSON payloads arrive as `any` and are narrowed
      // where they are decoded; flagging every read of them would bury the findings that matter.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // An async function that does not await is how a Promise-returning interface is met here
      // (Kysely's getMigrations, a pool's end, no-op hooks), and it turns a synchronous throw
      // into a rejection, which is what a caller of a Promise API expects.
      '@typescript-eslint/require-await': 'off',
      // `Function` is what `value.constructor` is typed as, and constructors key the metadata
      // maps (events, @Apply handlers, subscribers); a narrower type would need a cast at every lookup.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Specs: chai's `expect(x).to.be.true` is an expression statement by design.
    files: ['spec/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node, sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  prettier,
);
