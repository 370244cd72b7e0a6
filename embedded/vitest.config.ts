import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

const common = {
  root,
  pool: 'forks',
  testTimeout: 30_000,
  hookTimeout: 120_000,
} as const;

/**
 * The test files that talk to the store only through an official client (test/client.ts) and so
 * run a second time with @kurrent/kurrentdb-client. The rest drive the store below the client
 * (raw gRPC, storage, processes) and would test nothing new.
 */
export const CLIENT_TEST_FILES = [
  'test/append.test.ts',
  'test/read.test.ts',
  'test/subscribe.test.ts',
  'test/delete.test.ts',
  'test/features.test.ts',
  'test/persistent-management.test.ts',
  'test/persistent-delivery.test.ts',
  'test/persistent-info.test.ts',
];

/** Once with @eventstore/db-client (every file), once with @kurrent/kurrentdb-client (the client tests). */
export const embeddedProjects: TestProjectInlineConfiguration[] = [
  {
    test: { ...common, name: 'embedded', include: ['test/**/*.test.ts'], env: { EMBEDDED_TEST_CLIENT: 'eventstore' } },
  },
  {
    test: { ...common, name: 'embedded-kurrent', include: CLIENT_TEST_FILES, env: { EMBEDDED_TEST_CLIENT: 'kurrent' } },
  },
];

export default defineConfig({ test: { projects: embeddedProjects } });
