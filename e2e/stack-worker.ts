import { readFileSync, readdirSync } from 'node:fs';

/**
 * The projection worker of the stack under test (the one whose DATABASE_URL points at this run's
 * PostgreSQL), and that URL: tests that pause the worker or change the read model behind the
 * app's back find them here.
 */
export function findWorker(): { pid: number; databaseUrl: string } {
  const port = process.env.E2E_POSTGRES_PORT;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!/worker\/index\.(ts|mjs)/.test(cmdline)) continue; // tsx in dev mode, the bundle in start mode
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const url = environ.find((v) => v.startsWith('DATABASE_URL=') && v.includes(`:${port}/`));
      if (url) return { pid: Number(entry), databaseUrl: url.slice('DATABASE_URL='.length) };
    } catch {
      // process ended while we looked
    }
  }
  throw new Error(`no projection worker found for the e2e Postgres on port ${port}`);
}
