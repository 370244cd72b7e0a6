// `npm run build:worker`: the projection worker as one JavaScript file, dist/worker/index.mjs,
// with its dependencies inside. A restarted worker must be projecting again within moments
// under load; loading TypeScript through tsx and resolving hundreds of modules took most of a
// second even on an idle machine, the bundle a third of that. It is also what a production
// image runs (no tsx, no node_modules needed by the worker).
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { WORKER_BUNDLE } from './worker-bundle';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildWorker(): Promise<string> {
  await build({
    entryPoints: [path.join(ROOT, 'worker', 'index.ts')],
    outfile: WORKER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    // CommonJS dependencies call require() for Node's builtins; an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return WORKER_BUNDLE;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildWorker();
  console.log(`worker bundled into ${path.relative(ROOT, WORKER_BUNDLE)} in ${Date.now() - started} ms`);
}
