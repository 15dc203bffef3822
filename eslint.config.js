import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.coevolve/**', '.bench/**', 'out/**', '**/*.mjs', '**/*.cjs', 'eslint.config.js', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test registers tests synchronously; the promises they return are the runner's business.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // The test-only extension that plays VS Code's language models in the e2e suite: plain CommonJS, as VS Code loads it.
    files: ['test/e2e/lmTestExtension/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // No silent failures in shipped code (#20): a catch handles the error, rethrows it, or reports
    // why it carries on (src/core/ignoredErrors.ts; absence: src/core/util/fsProbe.ts).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0]", message: 'A .catch() that cannot see the error drops it: use ignoreError(why), ifPresent()/statIfPresent() for absence, or settled() for a queue.' },
        { selector: 'CatchClause > BlockStatement[body.length=0]', message: 'An empty catch drops the error: handle it, rethrow it, or reportIgnored(why, error).' },
      ],
    },
  },
  {
    // The core is editor-free: the extension, the CLI and tests all drive the same code.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core must not import vscode; the front doors (src/extension, src/cli) pass in what it needs.' }] }],
    },
  },
);
