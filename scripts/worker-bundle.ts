import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the bundled worker (scripts/build-worker.ts); `npm start` and the soak run it. */
export const WORKER_BUNDLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'worker', 'index.mjs');
