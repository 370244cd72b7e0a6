// What the store keeps on disk (issue 8, point 7): private to its owner, and nothing but the log,
// the lock's note and the index snapshot (which is verified against the log at every start:
// storage-index-snapshot.test.ts).
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { LOG_FILE_NAME, createStore } from '../src/core/store.js';
import { INDEX_FILE_NAME } from '../src/storage/index-file.js';

const root = mkdtempSync(join(tmpdir(), 'es-files-'));
let umask: number;
beforeEach(() => {
  // The modes must not depend on a careful umask.
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

async function use(dataDir: string): Promise<void> {
  const s = await createStore({ dataDir });
  await s.append('x', { kind: 'any' }, [
    { eventId: randomUUID(), type: 'T', isJson: true, data: Buffer.from('{"secret":1}'), metadata: Buffer.alloc(0) },
  ]);
  expect(mode(dataDir)).toBe(0o700);
  expect(mode(join(dataDir, LOG_FILE_NAME))).toBe(0o600);
  expect(mode(join(dataDir, 'LOCK'))).toBe(0o600);
  // Only the log, the lock's note and its socket (and the snapshot a previous close left).
  expect(
    readdirSync(dataDir)
      .filter((f) => f !== INDEX_FILE_NAME)
      .sort(),
  ).toEqual(['LOCK', 'LOCK.sock', LOG_FILE_NAME]);
  await s.close();
  expect(readdirSync(dataDir).sort()).toEqual([LOG_FILE_NAME, INDEX_FILE_NAME].sort());
  expect(mode(join(dataDir, INDEX_FILE_NAME))).toBe(0o600);
}

it('creates the data directory 0700 (with missing parents) and its files 0600', async () => {
  const dir = join(root, 'new', 'nested', 'store');
  await use(dir);
  // Reopened, still private.
  await use(dir);
});

it('tightens a directory and a log left readable by others (older versions, a copy)', async () => {
  const dir = join(root, 'loose');
  mkdirSync(dir, { mode: 0o777 });
  chmodSync(dir, 0o755);
  await use(dir);
  chmodSync(join(dir, LOG_FILE_NAME), 0o644);
  chmodSync(dir, 0o775);
  await use(dir);
});

it('cleans up a temporary LOCK note left by a crash', async () => {
  const dir = join(root, 'leftover');
  mkdirSync(dir);
  writeFileSync(join(dir, `LOCK.${randomUUID()}`), '{}');
  await use(dir);
});
