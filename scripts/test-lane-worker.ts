// One worker of scripts/test-lane.ts, started by `node --test`: takes files from the lane's queue one at a time
// and runs each inside a suite named after the file, so the file's tests, and its top-level before/after
// hooks, belong to that suite and not to the whole process. Files run one after another in a worker (as in a
// process of their own); the workers run side by side.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { testRunnerHook } from './test-lane-quiet-harness.ts';

export const WORKER_ENV = 'TEST_LANE_DIR';
/** The worker's number (0-based), set by its entry file: the queue says which workers may run each file. */
export const WORKER_INDEX_ENV = 'TEST_LANE_WORKER';
export const QUEUE_FILE = 'queue.json';
export const DONE_FOLDER = 'done';
export const CLAIMS_FOLDER = 'claims';

/**
 * A file of the queue and the workers that may run it: a file whose imports load a heavy module (ts-morph,
 * @grafana/data, ...) runs only on the few workers that host that module, so each is loaded by those workers
 * and not by all of them. Files without heavy modules run anywhere.
 */
export interface QueuedFile {
  readonly file: string;
  /** Worker numbers; undefined: any worker. */
  readonly workers?: readonly number[];
}

export interface FileDone {
  readonly file: string;
  readonly milliseconds: number;
  /** CPU of the worker process while the file ran (processes the file started are not included). */
  readonly cpuMilliseconds: number;
  /** CPU of the processes the file started and waited for (promtool, a CLI run), read from /proc; 0 elsewhere. */
  readonly childCpuMilliseconds: number;
  /** When the file started, in ms since the Unix epoch (the lane draws each worker's timeline from it). */
  readonly startedAt: number;
  /** The worker's process id: files with the same one ran one after another. */
  readonly worker: number;
}

/**
 * CPU of the finished child processes of this one (cutime + cstime of /proc/self/stat, in clock ticks of
 * 10 ms on Linux). Node reaps its children, so they are counted once they have exited.
 */
function childCpuMilliseconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): the
    // 14th and 15th of those are cutime and cstime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return 0;
  }
}

/** mkdir is atomic: exactly one worker creates the claim of each queue position. */
function claim(laneDir: string, position: number): boolean {
  try {
    mkdirSync(join(laneDir, CLAIMS_FOLDER, String(position)), { recursive: false });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The file this worker is running: named with an uncaught error, which the runner cannot charge to a test. */
let running: string | undefined;
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(
      `\n✖ test-lane: ${event} while ${running ?? 'no file'} ran: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}

async function work(laneDir: string): Promise<string[]> {
  const ran: string[] = [];
  const queue = JSON.parse(readFileSync(join(laneDir, QUEUE_FILE), 'utf8')) as QueuedFile[];
  const me = Number(process.env[WORKER_INDEX_ENV] ?? 0);
  mkdirSync(join(laneDir, CLAIMS_FOLDER), { recursive: true });
  // A worker that hosts heavy modules first walks the files only the hosts may run, then every other file: the
  // hosts' files cannot go elsewhere, so a host that took a long file anyone could run first (it was first in the
  // queue) would finish the lane late with them. Every worker walks each of its lists once, so each file is
  // claimed by one of the workers allowed to run it.
  const positions = [...queue.keys()];
  const hostOnly = positions.filter((position) => queue[position]!.workers?.includes(me) === true);
  const anyWorker = positions.filter((position) => queue[position]!.workers === undefined);
  for (const position of [...hostOnly, ...anyWorker]) {
    const { file } = queue[position]!;
    if (!claim(laneDir, position)) continue;
    ran.push(file);
    const startedAt = Date.now();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const childCpuBefore = childCpuMilliseconds();
    // A top-level suite resolves when it has run; its callback's import registers the file's tests inside it.
    // The runner's async hook is on while they register and off while they run (test-lane-quiet-harness.ts).
    testRunnerHook()?.enable();
    running = file;
    await describe(file, async () => {
      await import(pathToFileURL(resolve(file)).href);
      testRunnerHook()?.disable();
    });
    const cpu = process.cpuUsage(cpuBefore);
    const done: FileDone = {
      file,
      milliseconds: Math.round(performance.now() - started),
      cpuMilliseconds: Math.round((cpu.user + cpu.system) / 1000),
      childCpuMilliseconds: childCpuMilliseconds() - childCpuBefore,
      startedAt,
      worker: process.pid,
    };
    writeFileSync(join(laneDir, DONE_FOLDER, `${position}.json`), JSON.stringify(done));
  }
  return ran;
}

/** How long a worker may stay alive after its last file before the lane calls it a leak. */
const EXIT_GRACE_MS = 10_000;

/**
 * A test that leaves a server, a timer or a child process running keeps the worker alive, and the lane would
 * wait forever (as a process of its own per file did). Once its last file is done, the worker gives the event
 * loop EXIT_GRACE_MS to empty, then fails naming its files and what is still open. The timer is unref'd: it
 * never keeps a clean worker alive itself.
 */
function failIfStillRunning(files: readonly string[]): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().join(', ');
    process.stderr.write(
      `\n✖ test-lane: this worker is still running ${EXIT_GRACE_MS / 1000} s after its last file: a test in one of these files left something running (open: ${open}):\n${files.map((file) => `  ${file}`).join('\n')}\n`,
    );
    process.exit(1);
  }, EXIT_GRACE_MS).unref();
}

const laneDir = process.env[WORKER_ENV];
if (laneDir !== undefined) failIfStillRunning(await work(laneDir));
