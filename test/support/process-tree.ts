// The processes a test started, found by walking down from the pid it spawned (Linux /proc), so that a
// test looks only at its own processes: never at a machine-wide list filtered by name, which would also
// match a `npm run stack` someone else runs on the same host.
import { readdirSync, readFileSync } from 'node:fs';

/** A process, identified by pid and start time: a pid reused by an unrelated process is a different one. */
export interface ProcessId {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot when it started. */
  readonly startTicks: number;
  readonly command: string;
}

interface Stat {
  /** R, S, D, Z (zombie: exited, not yet reaped by its parent)… */
  readonly state: string;
  readonly ppid: number;
  readonly startTicks: number;
}

/** Parses /proc/<pid>/stat; the command name (field 2) may contain spaces and parentheses, so fields are counted after its last ')'. */
function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, starttime field 22.
    return { state: fields[0] ?? '', ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  } catch {
    return undefined; // exited while we looked
  }
}

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** `root` and every process below it (children, grandchildren…), as they are now. */
export function processTree(root: number): ProcessId[] {
  const children = new Map<number, number[]>();
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const stat = readStat(pid);
    if (stat === undefined) continue;
    stats.set(pid, stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree: ProcessId[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    const stat = stats.get(pid);
    if (stat === undefined) continue;
    tree.push({ pid, startTicks: stat.startTicks, command: readCommand(pid) });
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Whether this very process (same pid and start time) still exists; a zombie awaiting its parent counts as gone. */
export function isRunning(process: ProcessId): boolean {
  const stat = readStat(process.pid);
  return stat !== undefined && stat.startTicks === process.startTicks && stat.state !== 'Z';
}

/** Sends `signal` to each of `processes` that is still the process recorded (never to a reused pid). */
export function signalEach(processes: readonly ProcessId[], signal: NodeJS.Signals): void {
  for (const process of processes) {
    if (!isRunning(process)) continue;
    try {
      globalThis.process.kill(process.pid, signal);
    } catch {
      // exited in between
    }
  }
}
