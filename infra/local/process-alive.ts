/**
 * Whether a process still runs: how a local engine's leftovers are told from a live engine's (the
 * CLI's state file, the endpoint's code folders), since a killed process cleans up nothing.
 */

/** Signal 0 checks without sending; EPERM means it runs, as another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
