import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The pid of the PostgreSQL server running on dataDir, from the postmaster.pid it keeps there,
 * or undefined when none is. A file left by a killed server may name a pid since reused by some
 * other program, so on Linux the process must also be a postgres.
 */
export function postmasterPid(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0] ?? '', 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  if (process.platform === 'linux') {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return undefined;
    } catch {
      return undefined;
    }
  }
  return pid;
}
