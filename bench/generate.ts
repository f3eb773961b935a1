// Benchmark 4: `generate`.
// - In process, validation included (generateArtifacts: build every dashboard, check all PromQL with the
//   official parser, Grafana schemas, rules, Alertmanager config, rendering); modules loaded once, no file
//   writing. A baseline to compare later.
// - The command as a user runs it (`node --import tsx generate.ts`, into an empty folder), wall time against a
//   floor: `node --import tsx` running a TypeScript script that does the same file work (reading and writing the
//   same files) and nothing else. A script file, as generate.ts is: tsx resolving and loading a .ts entry is
//   part of running any `node --import tsx x.ts` (~0.07 s of CPU here), not the generator's work. The ratio to
//   the same work passed inline (`-e`, which skips that) is reported too.
//   Target: within 2× of that floor. Runs alternate so both see the same load. The type check and the bundle
//   the modules run from are reused when their inputs are unchanged (generator/type-check-cache.ts,
//   generator/bundle.ts), as in every run after the first; what each costs when they changed is measured on its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBundled } from '../generator/bundle.ts';
import { generateArtifacts } from '../generator/generate-artifacts.ts';
import { loadInputs } from '../generator/load-sources.ts';
import { createTypeChecker } from '../generator/type-check.ts';
import { measure, ratePerSecond } from './measure.ts';
import { againstFloor, formatBytes, formatNumber, formatSpread, type BenchRow } from './report.ts';

const ROOT = join(import.meta.dirname, '..');
const CLI_RUNS = 5;
const TARGET_RATIO = 2;
/** The floor's file work: read every file generate wrote, write each into a new folder. The arguments are the
 * last two (process.argv has the script's path before them when it runs from a file, not with -e). */
const FLOOR_SCRIPT = `
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
const [from, to] = process.argv.slice(-2);
for (const file of readdirSync(from, { recursive: true, encoding: 'utf8' })) {
  const source = join(from, file);
  try { const text = readFileSync(source); mkdirSync(dirname(join(to, file)), { recursive: true }); writeFileSync(join(to, file), text); } catch (error) { if (error.code !== 'EISDIR') throw error; }
}`;

/** Loaded first into each measured process: prints the process's own CPU time (all of it, start-up included) at exit. */
const CPU_REPORTER = `data:text/javascript,process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('\\ncpu-microseconds ' + (u.user + u.system) + '\\n'); });`;

interface Run {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

function timed(args: readonly string[]): Run {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', CPU_REPORTER, ...args], { cwd: ROOT, encoding: 'utf8' });
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`generate bench: node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const cpu = /cpu-microseconds (\d+)/.exec(result.stderr)?.[1];
  if (cpu === undefined) throw new Error(`generate bench: node ${args.join(' ')} did not report its CPU time`);
  return { wallSeconds, cpuSeconds: Number(cpu) / 1e6 };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spreadOf = (values: readonly number[]) => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

function filesUnder(folder: string): { files: number; bytes: number } {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => statSync(join(folder, name)))
    .filter((stat) => stat.isFile());
  return { files: files.length, bytes: files.reduce((sum, stat) => sum + stat.size, 0) };
}

/** Bundling from scratch (into a new cache folder) and loading the bundle: what a run after a change adds. */
async function bundleRebuildSeconds(work: string): Promise<number> {
  const started = performance.now();
  const loaded = await importBundled(ROOT, 'generator/cli.ts', join(work, 'bundle-cache'));
  if (loaded.outcome !== 'built') throw new Error(`generate bench: the bundle was ${loaded.outcome} (${loaded.reason ?? ''}), not built`);
  return (performance.now() - started) / 1000;
}

async function commandRow(): Promise<BenchRow> {
  const work = mkdtempSync(join(tmpdir(), 'bench-generate-'));
  try {
    const generate = (out: string) => timed(['--import', 'tsx', 'generate.ts', '--out', join(work, out), '--no-readme']);
    const floorScript = join(work, 'floor.ts');
    writeFileSync(floorScript, FLOOR_SCRIPT);
    const floor = (out: string) => timed(['--import', 'tsx', floorScript, join(work, 'first'), join(work, out)]);
    const inlineFloor = (out: string) => timed(['--import', 'tsx', '--input-type=module', '-e', FLOOR_SCRIPT, join(work, 'first'), join(work, out)]);
    generate('first'); // warm-up: tsx's transform cache, and the type check's pass on these sources
    const generateRuns: Run[] = [];
    const floorRuns: Run[] = [];
    const inlineFloorRuns: Run[] = [];
    for (let run = 0; run < CLI_RUNS; run++) {
      floorRuns.push(floor(`floor-${run}`));
      generateRuns.push(generate(`generate-${run}`));
      inlineFloorRuns.push(inlineFloor(`inline-floor-${run}`));
    }
    const inlineSeconds = inlineFloorRuns.map((run) => run.wallSeconds);
    const inlineCpuRatio = median(generateRuns.map((run) => run.cpuSeconds)) / median(inlineFloorRuns.map((run) => run.cpuSeconds));
    const generateSeconds = generateRuns.map((run) => run.wallSeconds);
    const floorSeconds = floorRuns.map((run) => run.wallSeconds);
    const cpuRatio = median(generateRuns.map((run) => run.cpuSeconds)) / median(floorRuns.map((run) => run.cpuSeconds));
    const checker = createTypeChecker(ROOT);
    const cpuBefore = process.cpuUsage();
    const problems = checker().problems.length;
    const cpu = process.cpuUsage(cpuBefore);
    const { files, bytes } = filesUnder(join(work, 'first'));
    const rebuild = await bundleRebuildSeconds(work);
    const ratio = median(generateSeconds) / median(floorSeconds);
    return {
      benchmark: 'npm run generate (the command, wall)',
      workload: `node --import tsx generate.ts into an empty folder: ${files} files, ${formatBytes(bytes)}; type check and module bundle reused (inputs unchanged)`,
      result: `${formatSpread(spreadOf(generateSeconds.map((s) => s * 1000)), 'ms wall')} = ${formatNumber(ratio)}× the floor (CPU: ${formatNumber(cpuRatio)}×)`,
      reference: `floor: node --import tsx running a .ts script reading and writing the same files, ${formatSpread(spreadOf(floorSeconds.map((s) => s * 1000)), 'ms wall')}; target ≤ ${TARGET_RATIO}×`,
      verdict: againstFloor(TARGET_RATIO, ratio),
      details: [
        `generate command: ${CLI_RUNS} runs alternating with the floor, medians; wall ${generateSeconds.map((s) => formatNumber(s * 1000)).join(', ')} ms; floor ${floorSeconds.map((s) => formatNumber(s * 1000)).join(', ')} ms`,
        `CPU of each whole process (start-up included): generate ${generateRuns.map((run) => formatNumber(run.cpuSeconds * 1000)).join(', ')} ms; floor ${floorRuns.map((run) => formatNumber(run.cpuSeconds * 1000)).join(', ')} ms (on a loaded machine the CPU ratio is the steadier reading)`,
        `against the same file work passed inline (node --import tsx -e, no .ts entry to load): ${formatNumber(median(generateSeconds) / median(inlineSeconds))}× wall (${formatNumber(median(inlineSeconds) * 1000)} ms), ${formatNumber(inlineCpuRatio)}× CPU (${inlineFloorRuns.map((run) => formatNumber(run.cpuSeconds * 1000)).join(', ')} ms)`,
        `type check when its inputs changed (not reused): ${formatNumber((cpu.user + cpu.system) / 1000)} ms CPU in process, ts-morph loaded (${problems} problems)`,
        `module bundle when its inputs changed (not reused): ${formatNumber(rebuild * 1000)} ms wall to bundle with esbuild and load it (esbuild's CPU is in its own process)`,
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const SAMPLING = { warmupSamples: 1, samples: 7, opsPerSample: 5 } as const;

export async function generateBenchmark(): Promise<BenchRow[]> {
  const inputs = await loadInputs(undefined);
  let files = 0;
  let bytes = 0;
  const measurement = await measure(
    {
      run() {
        const result = generateArtifacts(inputs);
        if (!result.ok) throw new Error(`generate bench: the sources have ${result.problems.length} problem(s); run \`npm run generate -- lint\``);
        files = result.artifacts.length;
        bytes = result.artifacts.reduce((sum, artifact) => sum + Buffer.byteLength(artifact.content), 0);
      },
    },
    SAMPLING,
  );
  const rules = inputs.ruleSources.length;
  return [
    await commandRow(),
    {
      benchmark: 'generate (in process, validation included)',
      workload: `${inputs.dashboards.length} dashboards, ${rules} rule modules → ${files} files, ${formatBytes(bytes)}`,
      result: `${formatSpread({ median: measurement.cpuSecondsPerOp.median * 1000, min: measurement.cpuSecondsPerOp.min * 1000, max: measurement.cpuSecondsPerOp.max * 1000 }, 'ms CPU/run')}; ${formatNumber(ratePerSecond(measurement.cpuSecondsPerOp).median)} runs/CPU-s`,
      reference: 'baseline for later runs',
      verdict: { kind: 'baseline' },
      details: [
        `generate: ${formatNumber(measurement.wallSecondsPerOp.median * 1000)} ms wall per run (median of ${measurement.samples}); module loading not included`,
      ],
    },
  ];
}
