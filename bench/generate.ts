// Benchmark 4: `generate` in process, validation included (generateArtifacts: build every dashboard,
// check all PromQL with the official parser, Grafana schemas, rules, Alertmanager config, rendering).
// The modules are loaded once, as the CLI does; file writing is left out. A baseline to compare later.
import { generateArtifacts } from '../generator/generate-artifacts.ts';
import { loadInputs } from '../generator/load-sources.ts';
import { measure, ratePerSecond } from './measure.ts';
import { formatBytes, formatNumber, formatSpread, type BenchRow } from './report.ts';

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
