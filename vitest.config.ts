import { defineConfig } from 'vitest/config';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { embeddedProjects } from './embedded/vitest.config';

export default defineConfig({
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('.', import.meta.url)),
      // Tests are server code: `server-only` is the empty module it is in a React Server environment
      // (the package's `react-server` export) instead of the error it throws anywhere else.
      'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)),
    },
  },
  test: {
    exclude: ['node_modules', 'e2e', '.data'],
    pool: 'forks',
    // Vitest's default, one fork fewer than the cores, is a single fork on these 2-core machines.
    // The integration tests spend much of their time waiting on the processes they start
    // (PostgreSQL, the store, workers), so two forks overlap that: the suite took 3.7-3.9 min
    // here against 5.3 in one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      // the app's tests; the store's own projects (embedded/vitest.config.ts) do not get the `@` alias,
      // since the package imports nothing from the app
      { extends: true, test: { name: 'app', include: ['lib/**/*.test.ts', 'worker/**/*.test.ts', 'tests/**/*.test.ts'] } },
      ...embeddedProjects,
    ],
  },
});
