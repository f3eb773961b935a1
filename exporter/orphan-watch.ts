// Notices that our parent process went away. npm (11) does not pass SIGTERM on to a script: `kill <npm pid>`
// ends npm and its `sh -c`, and leaves the script running, re-parented to init. Polling our parent pid
// is the portable way to see that (Linux's prctl(PR_SET_PDEATHSIG) is not reachable from Node).

/**
 * Calls `onOrphaned` once when our parent pid is no longer `parentPid`. Pass the pid read at process start
 * when the watch begins later (after a slow startup), so a parent lost in between is noticed at once.
 * The timer does not keep the process alive.
 */
export function watchForOrphaning(onOrphaned: () => void, parentPid = process.ppid, intervalMs = 500): () => void {
  const timer = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
