// `<dataDir>/index.snapshot`: where the index snapshot (core/index-snapshot.ts) lives on disk.
// Written to a temporary file, synced, then renamed over the old one and the directory synced, so
// a crash at any point leaves either the previous snapshot or the new one, whole (and a torn one,
// on a filesystem that breaks that promise, fails its checksum and is rebuilt). Leftover
// temporary files are removed at the next start.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const INDEX_FILE_NAME = 'index.snapshot';
const TMP_SUFFIX = '.tmp';

/** The snapshot's bytes, or undefined when there is none (temporary leftovers are removed). */
export function readIndexFile(dir: string): Buffer | undefined {
  const file = path.join(dir, INDEX_FILE_NAME);
  fs.rmSync(file + TMP_SUFFIX, { force: true });
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeIndexFile(dir: string, bytes: Buffer): Promise<void> {
  const file = path.join(dir, INDEX_FILE_NAME);
  const tmp = file + TMP_SUFFIX;
  const handle = await fs.promises.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await fs.promises.rename(tmp, file);
  const dirHandle = await fs.promises.open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** Removes the snapshot (a start that found it unusable: it is rebuilt and rewritten at close). */
export function removeIndexFile(dir: string): void {
  fs.rmSync(path.join(dir, INDEX_FILE_NAME), { force: true });
}
