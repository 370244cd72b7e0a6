// The second half of `npm run build` (after `next build`): what production runs besides Next.
//  - the projection worker and the migrate step as one JavaScript file each (dist/worker,
//    dist/migrate) with their dependencies inside: no tsx, no node_modules at run time. A
//    restarted worker must be projecting again within moments under load; loading TypeScript
//    through tsx and resolving hundreds of modules took most of a second even on an idle
//    machine, the bundle a third of that.
//  - Next's standalone server gets the static files it does not copy itself (.next/static,
//    public/), so `node .next/standalone/server.js` serves the whole app.
import { build } from 'esbuild';
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIGRATE_BUNDLE, STANDALONE_DIR, WORKER_BUNDLE } from './build-output';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function bundle(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // Server processes: `server-only` resolves to its empty `react-server` export, as under Next.
    conditions: ['react-server'],
    // CommonJS dependencies call require() for Node's builtins; an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

export const buildWorker = () => bundle('worker/index.ts', WORKER_BUNDLE);
export const buildMigrate = () => bundle('scripts/migrate.ts', MIGRATE_BUNDLE);

/** Next's standalone output leaves static assets out: they are copied in beside its server. */
export function completeStandalone(): boolean {
  if (!existsSync(STANDALONE_DIR)) return false;
  cpSync(path.join(ROOT, '.next', 'static'), path.join(STANDALONE_DIR, '.next', 'static'), { recursive: true });
  if (existsSync(path.join(ROOT, 'public'))) cpSync(path.join(ROOT, 'public'), path.join(STANDALONE_DIR, 'public'), { recursive: true });
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await Promise.all([buildWorker(), buildMigrate()]);
  const standalone = completeStandalone();
  console.log(
    `bundled ${path.relative(ROOT, WORKER_BUNDLE)} and ${path.relative(ROOT, MIGRATE_BUNDLE)}${standalone ? ', completed .next/standalone' : ''} in ${Date.now() - started} ms`,
  );
}
