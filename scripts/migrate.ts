// Applies the drizzle/ migrations to DATABASE_URL and exits (docker-compose runs it once before
// the app and the worker start; `npm run dev` does the same inside scripts/stack.ts).

import { commandLineOrExit, parseCommandLine } from '@/lib/cli/command-line';
import { ConfigError, loadConfig } from '@/lib/config';

const USAGE = `Usage: DATABASE_URL=<url> node --conditions=react-server --import tsx scripts/migrate.ts

Applies the drizzle/ migrations to DATABASE_URL and exits. Takes no options.

  --help    show this help`;

commandLineOrExit('migrate', USAGE, () => parseCommandLine(process.argv.slice(2), {}));
import { migrate } from '@/lib/db/migrate';

const databaseUrl = (() => {
  try {
    const config = loadConfig();
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is not set (e.g. postgres://user:password@host:5432/eventbank)']);
    return config.databaseUrl;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
})();

migrate(databaseUrl).then(
  () => console.log('[migrate] migrations applied'),
  (error) => {
    console.error('[migrate] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
