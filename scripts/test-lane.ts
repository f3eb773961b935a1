// Runs a lane of test files in a few long-lived processes instead of one process per file.
//
//   node --import tsx scripts/test-lane.ts [--workers N] [--report] <test files...>
//
// --report prints every file's wall time and CPU (the worker's and the processes it started) and each worker's
// timeline, ending with the worker that finished last: the files on the lane's critical path.
//
// `node --test` on Node 20 starts a process per file, and each one pays ~1 s of CPU to start tsx and load the
// heavy modules (the foundation SDK, ts-morph, @grafana/data, prom-client) again. Here `node --test` starts N
// workers instead (scripts/test-lane-worker.ts); each takes the next file from a shared queue, imports it inside
// a suite named after the file, waits for it to finish and takes the next one. Node's test runner still
// collects every result, so the spec output names each file, the summary lists each failing test with its
// file and line, and the exit code is non-zero on any failure.
//
// The queue is ordered longest first by the durations of the previous run (kept in node_modules/.cache), new
// files first of all, so one slow file picked up last does not stretch the lane.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getOrInsertComputed } from '../lib/map.ts';
import { CLAIMS_FOLDER, DONE_FOLDER, type FileDone, QUEUE_FILE, WORKER_ENV } from './test-lane-worker.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DURATIONS_CACHE = join(ROOT, 'node_modules', '.cache', 'test-lane-durations.json');
const WORKER = join(ROOT, 'scripts', 'test-lane-worker.ts');
const SLOWEST_SHOWN = 8;

const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(1).padStart(6);

function parseArguments(argv: readonly string[]): { workers: number; report: boolean; files: string[] } {
  // Three per core: many files mostly wait (on timers, polls, their servers), and the lane was bound by its
  // workers' occupancy (the files' wall times add up to some 2.5 times the lane's CPU), not by the cores; each further
  // worker costs the load of the heavy modules again (~1-3 s of CPU).
  let workers = cpus().length * 3;
  let report = false;
  const files: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--workers') {
      const value = Number(argv[++index]);
      if (!Number.isInteger(value) || value < 1) throw new Error(`test-lane: --workers wants a whole number ≥ 1, got ${argv[index] ?? 'nothing'}`);
      workers = value;
    } else if (argument === '--report') {
      report = true;
    } else if (argument.startsWith('-')) {
      throw new Error(`test-lane: unknown option ${argument} (usage: test-lane.ts [--workers N] [--report] <test files...>)`);
    } else {
      files.push(relative(ROOT, resolve(argument)));
    }
  }
  if (files.length === 0) throw new Error('test-lane: no test files given');
  return { workers: Math.min(workers, files.length), report, files };
}

function readDurations(): Record<string, number> {
  try {
    return JSON.parse(readFileSync(DURATIONS_CACHE, 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** Longest first; files without a recorded duration (new ones) before all others, then by name. */
function orderQueue(files: readonly string[], durations: Record<string, number>): string[] {
  const cost = (file: string) => durations[file] ?? Number.POSITIVE_INFINITY;
  return [...files].sort((a, b) => cost(b) - cost(a) || a.localeCompare(b));
}

function runNodeTest(args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolvePromise(code ?? (signal ? 128 : 1)));
  });
}

async function main(): Promise<number> {
  const { workers, report, files } = parseArguments(process.argv.slice(2));
  const previous = readDurations();
  const queue = orderQueue(files, previous);
  const laneDir = mkdtempSync(join(tmpdir(), 'test-lane-'));
  try {
    writeFileSync(join(laneDir, QUEUE_FILE), JSON.stringify(queue));
    mkdirSync(join(laneDir, DONE_FOLDER));
    // node --test wants one file per process; each of these is a worker that imports the shared worker module.
    const entries = Array.from({ length: workers }, (_, index) => {
      const entry = join(laneDir, `worker-${index + 1}.mjs`);
      writeFileSync(entry, `await import(${JSON.stringify(pathToFileURL(WORKER).href)});\n`);
      return entry;
    });
    const startedAt = Date.now();
    const started = performance.now();
    const code = await runNodeTest(['--import', 'tsx', '--test', `--test-concurrency=${workers}`, '--test-reporter=spec', ...entries], {
      ...process.env,
      [WORKER_ENV]: laneDir,
    });
    const done = readdirSync(join(laneDir, DONE_FOLDER)).map((name) => JSON.parse(readFileSync(join(laneDir, DONE_FOLDER, name), 'utf8')) as FileDone);
    const finished = new Set(done.map((entry) => entry.file));
    const missing = queue.filter((file) => !finished.has(file));
    const workerCpu = done.reduce((sum, entry) => sum + entry.cpuMilliseconds, 0);
    const childCpu = done.reduce((sum, entry) => sum + entry.childCpuMilliseconds, 0);
    if (report) printReport(done, startedAt);
    console.log(
      `\n== ${done.length}/${queue.length} files in ${workers} workers, ${seconds(performance.now() - started).trim()} s (CPU: workers ${seconds(workerCpu).trim()} s, processes they started ${seconds(childCpu).trim()} s)`,
    );
    const slowest = [...done].sort((a, b) => b.milliseconds - a.milliseconds).slice(0, SLOWEST_SHOWN);
    console.log(`slowest files (wall s, CPU s of the worker, CPU s of its child processes):\n${slowest.map(fileLine).join('\n')}`);
    if (missing.length > 0) {
      // A worker that exits (process.exit in a test, a crash) takes its file with it and leaves the rest of the
      // queue to the others; node --test reports the worker, this names the files.
      const claimed = new Set(existsSync(join(laneDir, CLAIMS_FOLDER)) ? readdirSync(join(laneDir, CLAIMS_FOLDER)).map(Number) : []);
      const list = (files: string[]) => files.map((file) => `  ${file}`).join('\n');
      const running = missing.filter((file) => claimed.has(queue.indexOf(file)));
      const unreached = missing.filter((file) => !claimed.has(queue.indexOf(file)));
      if (running.length > 0) console.log(`✖ files whose worker exited while running them:\n${list(running)}`);
      if (unreached.length > 0) console.log(`✖ files never started (no worker left):\n${list(unreached)}`);
    }
    saveDurations({ ...previous, ...Object.fromEntries(done.map((entry) => [entry.file, entry.milliseconds])) });
    return missing.length > 0 && code === 0 ? 1 : code;
  } finally {
    rmSync(laneDir, { recursive: true, force: true });
  }
}

const fileLine = (entry: FileDone) =>
  `  ${seconds(entry.milliseconds)}  ${seconds(entry.cpuMilliseconds)}  ${seconds(entry.childCpuMilliseconds)}  ${entry.file}`;

/** Every file, slowest first, then each worker's files in the order it ran them, the last to finish last. */
function printReport(done: readonly FileDone[], laneStartedAt: number): void {
  console.log(`\n== every file (wall s, CPU s of the worker, CPU s of its child processes):`);
  console.log(
    [...done]
      .sort((a, b) => b.milliseconds - a.milliseconds)
      .map(fileLine)
      .join('\n'),
  );
  const byWorker = new Map<number, FileDone[]>();
  for (const entry of done) getOrInsertComputed(byWorker, entry.worker, () => []).push(entry);
  const timelines = [...byWorker.values()].map((entries) => {
    const ordered = [...entries].sort((a, b) => a.startedAt - b.startedAt);
    const last = ordered.at(-1)!;
    return { ordered, endsAt: last.startedAt + last.milliseconds - laneStartedAt };
  });
  timelines.sort((a, b) => a.endsAt - b.endsAt);
  for (const [index, { ordered, endsAt }] of timelines.entries()) {
    const busy = ordered.reduce((sum, entry) => sum + entry.milliseconds, 0);
    const title = index === timelines.length - 1 ? 'the critical path' : `worker ${index + 1}`;
    console.log(`\n== ${title}: ${ordered.length} files, busy ${seconds(busy).trim()} s, done at ${seconds(endsAt).trim()} s (start s, wall s, file):`);
    console.log(ordered.map((entry) => `  ${seconds(entry.startedAt - laneStartedAt)}  ${seconds(entry.milliseconds)}  ${entry.file}`).join('\n'));
  }
}

function saveDurations(durations: Record<string, number>): void {
  try {
    mkdirSync(dirname(DURATIONS_CACHE), { recursive: true });
    const temporary = `${DURATIONS_CACHE}.${process.pid}`;
    writeFileSync(temporary, `${JSON.stringify(durations, null, 2)}\n`);
    renameSync(temporary, DURATIONS_CACHE); // atomic: two lanes finishing together never leave half a file
  } catch (error) {
    // Only the order of the next run depends on it.
    if (existsSync(dirname(DURATIONS_CACHE))) console.warn(`test-lane: could not save durations to ${DURATIONS_CACHE}: ${String(error)}`);
  }
}

process.exitCode = await main();
