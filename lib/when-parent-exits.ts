/**
 * Calls `onExit` once if this process's parent goes away, when the process was started by
 * `npm run` (directly or as a child of scripts/stack.ts, which passes npm's environment on).
 *
 * Why: npm 11 answers SIGTERM by signalling only its direct child, the `sh -c` running the script,
 * which dies without passing the signal on; the long-running process under it is re-parented and
 * would run on, holding its ports and data directory. Polling is the portable way to notice:
 * `process.ppid` changes once the parent has exited. Outside npm a changed parent can be
 * deliberate (`nohup`, a shell that detached it), so nothing is watched there.
 */
export function whenParentExits(onExit: () => void, intervalMs = 500): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onExit();
  }, intervalMs);
  timer.unref();
}
