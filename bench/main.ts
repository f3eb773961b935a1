// `npm run bench [-- name...]`: runs the benchmarks (all, or the named ones), prints a Markdown table for
// bench/README.md and the details under it, and exits 1 only when a median misses its floor by more than
// the noise margin. Progress goes to stderr so stdout can be pasted as is.
import { availableParallelism, loadavg } from 'node:os';
import { exactlyOnceBenchmark } from './exactly-once.ts';
import { freshnessBenchmark } from './freshness.ts';
import { generateBenchmark } from './generate.ts';
import { markdownTable, NOISE_MARGIN, type BenchRow } from './report.ts';
import { scrapeBenchmark } from './scrape.ts';
import { simulatorBenchmark } from './simulator.ts';
import { startupBenchmark } from './startup.ts';

const BENCHMARKS: Readonly<Record<string, () => Promise<BenchRow[]>>> = {
  scrape: scrapeBenchmark,
  'exactly-once': exactlyOnceBenchmark,
  simulator: simulatorBenchmark,
  generate: generateBenchmark,
  freshness: freshnessBenchmark,
  startup: startupBenchmark,
};

function selected(names: readonly string[]): string[] {
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}\n`);
    process.exit(2);
  }
  return names.length > 0 ? [...names] : Object.keys(BENCHMARKS);
}

const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const names = selected(process.argv.slice(2));
const started = performance.now();
const loadBefore = load();
const rows: BenchRow[] = [];
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const benchStarted = performance.now();
  rows.push(...(await BENCHMARKS[name]!()));
  process.stderr.write(`bench: ${name} done in ${((performance.now() - benchStarted) / 1000).toFixed(1)} s\n`);
}

const failed = rows.filter((row) => row.verdict.kind === 'fail');
const lines = [
  markdownTable(rows),
  '',
  `Node ${process.version}, ${availableParallelism()} CPUs, load average ${loadBefore} before and ${load()} after, ${((performance.now() - started) / 1000).toFixed(0)} s in all.`,
  'Results are medians over several timed samples after warm-up; the spread is ±half the min–max range. Rates are per CPU-second',
  `(user + system, GC threads included). Below a floor but within ${NOISE_MARGIN}× is reported, not failed: this machine is shared and noisy.`,
  '',
  ...rows.flatMap((row) => row.details.map((detail) => `- ${detail}`)),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (failed.length > 0) {
  process.stderr.write(
    `bench: ${failed.length} benchmark(s) missed their floor by more than ${NOISE_MARGIN}×: ${failed.map((row) => row.benchmark).join(', ')}\n`,
  );
  process.exitCode = 1;
}
