// The architecture's import boundaries (eslint.config.mjs) refuse what they should and let the
// rest through. Lints snippets as if they sat at the given path, without type information (the
// boundary rules need none, and a file that does not exist is in no TypeScript program).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const eslint = new ESLint({
  cwd: ROOT,
  cache: false,
  overrideConfig: [tseslint.configs.disableTypeChecked, { rules: { '@typescript-eslint/no-unused-vars': 'off' } }],
});

async function boundaryFindings(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' || m.ruleId === 'local/stay-inside' || m.fatal)
    .map((m) => m.message);
}

const refused: Array<[file: string, code: string]> = [
  ['lib/domain/probe.ts', "import { EventStoreDBClient } from '@eventstore/db-client';"],
  ['lib/domain/probe.ts', "import postgres from 'postgres';"],
  ['lib/projections/probe.ts', "import { eq } from 'drizzle-orm';"],
  ['lib/projections/probe.ts', "import { redirect } from 'next/navigation';"],
  ['lib/domain/probe.ts', "import { loadConfig } from '@/lib/config';"],
  ['lib/projections/probe.ts', "import { getDb } from '@/lib/db/client';"],
  ['lib/projections/probe.ts', "import { getEventStore } from '@/lib/eventstore/connection/client';"],
  ['lib/domain/probe.ts', "import { getAccount } from '@/lib/queries';"],
  ['lib/domain/probe.ts', "import { findEvents } from '@/lib/queries/events';"],
  ['lib/domain/probe.ts', "import { getDb } from '../db/client';"],
  ['components/probe.tsx', "import { EventStoreDBClient } from '@eventstore/db-client';"],
  ['components/probe.tsx', "import { getEventStore } from '@/lib/eventstore/connection/client';"],
  ['components/probe.tsx', "import { getDb } from '@/lib/db/client';"],
  ['components/live/probe.tsx', "import { getAccount } from '@/lib/queries';"],
  ['components/probe.tsx', "import { findEvents } from '@/lib/queries/events';"],
  ['app/api/probe/route.ts', "import { sql } from 'drizzle-orm';"],
  ['app/probe/page.tsx', "import postgres from 'postgres';"],
  ['app/probe/page.tsx', "import { EventStoreDBClient } from '@eventstore/db-client';"],
  ['app/probe/page.tsx', "import { accounts } from '@/lib/db/schema';"],
  ['app/actions/probe.ts', "import { formatMoney } from '@/components/format';"],
  ['app/actions/probe.ts', "import { formatMoney } from '../../components/format';"],
  ['app/actions/probe.ts', "import { sql } from 'drizzle-orm';"],
  ['embedded/src/probe.ts', "import { loadConfig } from '@/lib/config';"],
  ['embedded/src/core/probe.ts', "import { accountStream } from '../../../lib/eventstore/serialization/streams';"],
  ['embedded/test/probe.ts', "const worker = import('../../worker/index');"],
];

const allowed: Array<[file: string, code: string]> = [
  ['lib/domain/probe.ts', "import { z } from 'zod';"],
  ['lib/projections/probe.ts', "import { accountNumberFromStream } from '@/lib/eventstore/serialization/streams';"],
  ['lib/projections/probe.ts', "import { evolve } from '@/lib/domain';"],
  ['components/probe.tsx', "import type { EventStoreDBClient } from '@eventstore/db-client';"],
  ['components/probe.tsx', "import type { AccountSummary } from '@/lib/queries';"],
  ['components/probe.tsx', "import type { Db } from '@/lib/db/client';"],
  ['components/probe.tsx', "import { accountStream } from '@/lib/eventstore/serialization/streams';"],
  ['app/probe/page.tsx', "import { getEventStore } from '@/lib/eventstore/connection/client';"],
  ['app/probe/page.tsx', "import { getAccount } from '@/lib/queries';"],
  ['app/probe/page.tsx', "import type { ResolvedEvent } from '@eventstore/db-client';"],
  ['app/probe/page.tsx', "import { formatMoney } from '@/components/format';"],
  ['app/actions/probe.ts', "import { getDb } from '@/lib/db/client';"],
  ['embedded/src/core/probe.ts', "import { createStore } from '../core/store';"],
  ['embedded/test/probe.ts', "import { startEventStore } from '../src/index.js';"],
];

describe('import boundaries', () => {
  it.each(refused)('%s refuses %s', async (file, code) => {
    expect(await boundaryFindings(file, code)).toHaveLength(1);
  });

  it.each(allowed)('%s allows %s', async (file, code) => {
    expect(await boundaryFindings(file, code)).toEqual([]);
  });
});

describe('drizzle guards', () => {
  const drizzleFindings = async (code: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, 'lib/queries/probe.ts') });
    return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('drizzle/')).map((m) => m.ruleId);
  };

  it('refuses an update or delete without where() on db and tx', async () => {
    expect(await drizzleFindings('export const run = (db: any) => db.delete(accounts);')).toEqual(['drizzle/enforce-delete-with-where']);
    expect(await drizzleFindings("export const run = (tx: any) => tx.update(accounts).set({ holderName: 'x' });")).toEqual([
      'drizzle/enforce-update-with-where',
    ]);
  });

  it('lets them through with where(), and leaves other objects alone', async () => {
    expect(await drizzleFindings('export const run = (db: any) => db.delete(accounts).where(eq(accounts.number, n));')).toEqual([]);
    expect(await drizzleFindings('export const run = (cache: Map<string, number>) => cache.delete(key);')).toEqual([]);
  });
});
