import { readFileSync } from 'node:fs';

/**
 * Calls `onExit` once if this process's parent goes away, when the process was started by
 * `npm run` (directly or as a child of scripts/stack.ts, which passes npm's environment on).
 *
 * Why: npm 11 answers SIGTERM by signalling only its direct child, the `sh -c` running the script,
 * which dies without passing the signal on; the long-running process under it is re-parented and
 * would run on, holding its ports and data directory. Polling is the portable way to notice:
 * `process.ppid` changes once the parent has exited. Outside npm a changed parent can be
 * deliberate (`nohup`, a shell that detached it), so nothing is watched there.
 *
 * `kill -9` of npm itself leaves that `sh -c` alive (it just waits for us), so on Linux, when the
 * parent is the shell npm started, npm's death is noticed too: the shell is re-parented then.
 */
export function whenParentExits(onExit: () => void, intervalMs = 500): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const grandparent = npmAboveShell(parent);
  const timer = setInterval(() => {
    if (process.ppid === parent && (grandparent === undefined || parentOf(parent) === grandparent)) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
}

/** The parent's parent when that is npm (we are its script's `sh -c` child), else undefined. */
function npmAboveShell(parent: number): number | undefined {
  const grandparent = parentOf(parent);
  if (grandparent === undefined || isNpm(parent)) return undefined;
  return isNpm(grandparent) ? grandparent : undefined;
}

/** From /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined; // not Linux, or already gone
  }
}

/** npm sets its title to "npm run <script>"; without a title its command line names npm-cli.js. */
function isNpm(pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return /^npm(\0| |$)/.test(cmdline) || cmdline.includes('npm-cli.js');
  } catch {
    return false;
  }
}
