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
//
// Module affinity: loading ts-morph, @grafana/data, the foundation SDK or kubernetes-models costs a worker 1-3 s
// of CPU, paid again by every worker that runs one file importing it; on 2 cores the lane is bound by CPU. So
// the lane reads each file's import closure (its relative imports, followed) and lets a file that loads heavy
// modules run only on the few workers that host them (HOSTS_PER_MODULE); other files run on any worker. A host
// takes the files only hosts may run before any other (scripts/test-lane-worker.ts), so it does not start with a
// long file that any worker could have run and leave its own for the end of the lane.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getOrInsertComputed } from '../lib/map.ts';
import { CLAIMS_FOLDER, DONE_FOLDER, type FileDone, QUEUE_FILE, type QueuedFile, WORKER_ENV, WORKER_INDEX_ENV } from './test-lane-worker.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DURATIONS_CACHE = join(ROOT, 'node_modules', '.cache', 'test-lane-durations.json');
const WORKER = join(ROOT, 'scripts', 'test-lane-worker.ts');
const QUIET_HARNESS = join(ROOT, 'scripts', 'test-lane-quiet-harness.ts');
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

/** Packages whose load costs a worker a second or more of CPU (measured: node --import tsx, one import each). */
const HEAVY_MODULES = ['ts-morph', '@grafana/data', '@grafana/grafana-foundation-sdk', 'kubernetes-models', '@kubernetes-models/prometheus-operator'];
/**
 * Static imports, re-exports, and import('...') or require('...') (createRequire(...)('...') too) with a literal;
 * `import type` is erased and loads nothing.
 */
const IMPORT_SPECIFIER =
  /(?:^|[^\w.$])(import|export)(\s+type\b)?\s*(?:[^'";]*?\sfrom\s*)?['"]([^'"\n]+)['"]|(?:\bimport|\brequire|\))\(\s*['"]([^'"\n]+)['"]\s*\)/g;

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The heavy packages a test file loads, through any chain of relative imports. */
function heavyModulesScanner(): (file: string) => string[] {
  const directImports = new Map<string, { local: string[]; heavy: string[] }>();
  const parse = (file: string) =>
    getOrInsertComputed(directImports, file, () => {
      const local: string[] = [];
      const heavy: string[] = [];
      let text = '';
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return { local, heavy }; // not ours to judge: the import fails in the worker and names the file
      }
      for (const match of text.matchAll(IMPORT_SPECIFIER)) {
        if (match[2] !== undefined) continue;
        const specifier = (match[3] ?? match[4])!;
        if (specifier.startsWith('.')) {
          const base = resolve(dirname(file), specifier);
          const target = [base, `${base}.ts`, join(base, 'index.ts')].find((candidate) => candidate.endsWith('.ts') && existsSync(candidate));
          if (target !== undefined) local.push(target);
        } else if (HEAVY_MODULES.includes(packageOf(specifier))) {
          heavy.push(packageOf(specifier));
        }
      }
      return { local, heavy };
    });
  return (file) => {
    const seen = new Set<string>();
    const heavy = new Set<string>();
    const pending = [resolve(ROOT, file)];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (seen.has(next)) continue;
      seen.add(next);
      const { local, heavy: packages } = parse(next);
      for (const name of packages) heavy.add(name);
      pending.push(...local);
    }
    return [...heavy].sort();
  };
}

/**
 * Which workers may run each file. Each set of heavy modules that some file loads gets up to HOSTS_PER_MODULE
 * workers hosting all of them, chosen to add as few modules as possible to a worker and to spread modules over
 * workers; a module gets more hosts than that only when its sets cannot share them.
 */
function assignWorkers(heavyOf: ReadonlyMap<string, readonly string[]>, workers: number): QueuedFile[] {
  // One host per six workers: on 2 cores (6 workers) each heavy module loads once. Measured on 2026-12-01, the
  // unit lane alternating one and two hosts, four runs each: 33.4-38.0 s (worker CPU 48-56 s) against 36.6-42.7 s
  // (54-65 s); the one host's files (the generator's and importer's, ~34 s of wall) still end with the others.
  const hostsPerModule = Math.max(1, Math.ceil(workers / 6));
  const hosted = Array.from({ length: workers }, () => new Set<string>());
  const counts = new Map<string, { modules: readonly string[]; files: number }>();
  for (const modules of heavyOf.values()) {
    if (modules.length > 0) getOrInsertComputed(counts, modules.join(' '), () => ({ modules, files: 0 })).files++;
  }
  const sets = [...counts.values()].sort((a, b) => b.modules.length - a.modules.length || b.files - a.files);
  const hostsAll = (worker: number, modules: readonly string[]) => modules.every((name) => hosted[worker]!.has(name));
  const hostCount = (name: string) => hosted.filter((modules) => modules.has(name)).length;
  for (let wanted = 1; wanted <= hostsPerModule; wanted++) {
    for (const { modules } of sets) {
      const workerNumbers = [...hosted.keys()];
      if (workerNumbers.filter((worker) => hostsAll(worker, modules)).length >= Math.min(wanted, workers)) continue;
      const cost = (worker: number) => {
        const added = modules.filter((name) => !hosted[worker]!.has(name));
        return [added.filter((name) => hostCount(name) >= hostsPerModule).length, added.length, hosted[worker]!.size, worker];
      };
      const candidates = workerNumbers.filter((worker) => !hostsAll(worker, modules)).map((worker) => ({ worker, cost: cost(worker) }));
      candidates.sort((a, b) => {
        const index = a.cost.findIndex((value, i) => value !== b.cost[i]);
        return index < 0 ? 0 : a.cost[index]! - b.cost[index]!;
      });
      for (const name of modules) hosted[candidates[0]!.worker]!.add(name);
    }
  }
  return [...heavyOf].map(([file, modules]) =>
    modules.length === 0 ? { file } : { file, workers: [...hosted.keys()].filter((worker) => hostsAll(worker, modules)) },
  );
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
    const heavyModules = heavyModulesScanner();
    const queued = assignWorkers(new Map(queue.map((file) => [file, heavyModules(file)])), workers);
    if (report) printAffinity(queued);
    writeFileSync(join(laneDir, QUEUE_FILE), JSON.stringify(queued));
    mkdirSync(join(laneDir, DONE_FOLDER));
    // node --test wants one file per process; each of these is a worker that imports the shared worker module.
    const entries = Array.from({ length: workers }, (_, index) => {
      const entry = join(laneDir, `worker-${index + 1}.mjs`);
      // The runner's async hook is wrapped before node:test loads (scripts/test-lane-quiet-harness.ts).
      const imports = [QUIET_HARNESS, WORKER].map((module) => `await import(${JSON.stringify(pathToFileURL(module).href)});\n`).join('');
      writeFileSync(entry, `process.env.${WORKER_INDEX_ENV} = '${index}';\n${imports}`);
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

function printAffinity(queued: readonly QueuedFile[]): void {
  const byWorkers = new Map<string, string[]>();
  for (const { file, workers } of queued)
    if (workers !== undefined) getOrInsertComputed(byWorkers, workers.map((worker) => worker + 1).join(','), () => []).push(file);
  console.log(`== module affinity (workers: files loading heavy modules; all other files run on any worker):`);
  for (const [workers, files] of byWorkers) console.log(`  ${workers}: ${files.join(' ')}`);
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
