import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` leaves what production runs (scripts/build-bundles.ts): `npm start`, the soak and the image use these. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKER_BUNDLE = path.join(ROOT, 'dist', 'worker', 'index.mjs');
export const MIGRATE_BUNDLE = path.join(ROOT, 'dist', 'migrate', 'index.mjs');
/** Next's standalone server (next.config.mjs `output: 'standalone'`), with its static files copied in. */
export const STANDALONE_DIR = path.join(ROOT, '.next', 'standalone');
export const STANDALONE_SERVER = path.join(STANDALONE_DIR, 'server.js');
