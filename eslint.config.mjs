// Lint: ESLint's and typescript-eslint's recommended rules, without type information (fast enough to run
// before every test run, and the compiler already checks the types). Rules are kept to ones that catch bugs;
// layout is prettier's job (.prettierrc.json).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Fixtures are compiler input and expected output, kept exactly as written; the rest is built or recorded.
    ignores: ['dist/', 'fixtures/', 'examples/dist/', 'bench/.build/', 'bench/results/', '.test-out/', '.observatory/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a binding left unused on purpose (a destructured field taken out of an object).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // require() is how this project loads heavy or optional modules only when they are needed (OpenTelemetry,
      // ts-morph, the writer's code at exit, the TypeScript a bundler plugin brings, the dashboard's server for
      // `observatory serve`), with `import type` for their types; a static import would load them for every
      // program.
      '@typescript-eslint/no-require-imports': 'off',
      // Escaping control characters for a terminal or a page is the point of the expressions that match them.
      'no-control-regex': 'off',
    },
  },
  {
    // CommonJS files (scripts/, the runtime copies of the test runners) use require.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The test suites the test-runner tests run under jest and vitest, with their globals.
    files: ['test/runners/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    // Browser code: the browser tests' page.evaluate callbacks and the dashboard's page script.
    files: [
      'test/viewer-*.test.mjs',
      'test/errors-as-issues.test.mjs',
      'test/helpers/dashboard-page.mjs',
      'viewer/page/browser/**',
    ],
    languageOptions: { globals: { ...globals.browser } },
  },
);
