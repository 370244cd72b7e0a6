// A pid file guarding a data directory: two servers appending to one log would interleave
// commits and corrupt it. A lock left by a killed process (kill -9) is stale and taken over.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOCK_FILE_NAME = 'LOCK';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws; returns the release function. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE_NAME);
  let owner: number | undefined;
  try {
    owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
  } catch {
    owner = undefined;
  }
  // The same process may open one directory twice (tests reopen without closing).
  if (owner !== undefined && Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
    throw new Error(`Data directory ${dir} is in use by process ${owner}`);
  }
  fs.writeFileSync(file, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
    } catch {
      // already gone
    }
  };
}
