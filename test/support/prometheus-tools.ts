// Runs promtool/amtool and hands back their exit code and output, so a failing check shows the tool's
// own words in the assertion message instead of a bare non-zero exit. Every test that runs one of them goes
// through here and carries `needsPrometheusTools`: `npm run test:unit` (scripts/test.sh unit) is the lane that
// needs neither Prometheus nor Alertmanager, so it skips those tests, by name in its output, the way `go test
// -short` skips the long ones; `npm test` runs them. A test that calls a tool without the mark fails in that lane
// with a message that says so, instead of passing on one machine and failing on another.

import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';

/** Set to 1 by `npm run test:unit`: the tests that run promtool or amtool are skipped. */
export const WITHOUT_PROMETHEUS_TOOLS_ENV = 'TEST_WITHOUT_PROMETHEUS_TOOLS';
const toolsSkipped = process.env[WITHOUT_PROMETHEUS_TOOLS_ENV] === '1';

/** node:test options for a test or suite that runs promtool or amtool. */
export const needsPrometheusTools: { readonly skip: string | false } = {
  skip: toolsSkipped ? 'runs promtool or amtool: `npm test` runs it, `npm run test:unit` does not' : false,
};

type Tool = 'promtool' | 'amtool';

function refuseWhenSkipped(command: Tool): void {
  if (toolsSkipped) {
    throw new Error(`${command} runs in a test without needsPrometheusTools (test/support/prometheus-tools.ts): mark the test, so test:unit skips it`);
  }
}

const notInstalled = (command: Tool, message: string) => new Error(`${command} could not run (${message}); install it with scripts/ensure-tools.sh`);

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

export function runTool(command: Tool, args: readonly string[]): Promise<ToolResult> {
  refuseWhenSkipped(command);
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      const output = `$ ${command} ${args.join(' ')}\n${stdout}${stderr}`;
      if (error === null) return resolve({ code: 0, output });
      if (typeof error.code === 'number') return resolve({ code: error.code, output });
      reject(notInstalled(command, error.message));
    });
  });
}

/** `promtool check metrics` on an exposition text (it reads stdin only): its exit code and every word it printed. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  refuseWhenSkipped('promtool');
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw notInstalled('promtool', result.error.message);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** One expected result of an expression, as promtool's `exp_samples` writes it. */
export interface PromqlSample {
  readonly labels: string;
  readonly value: number;
}

/**
 * Evaluates each expression at 20m over the series (one sample a minute) with promtool's real PromQL engine
 * and asserts the results, writing the test file into `workDir`.
 */
export async function expectPromqlResults(
  workDir: string,
  series: Readonly<Record<string, string>>,
  checks: readonly { expr: string; samples: readonly PromqlSample[] }[],
): Promise<void> {
  const file = join(workDir, `case-${Math.random().toString(36).slice(2)}.yaml`);
  const input = Object.entries(series).map(([name, values]) => ({ series: name, values }));
  const tests = [{ interval: '1m', input_series: input, promql_expr_test: checks.map((c) => ({ expr: c.expr, eval_time: '20m', exp_samples: c.samples })) }];
  writeFileSync(file, dump({ rule_files: [], evaluation_interval: '1m', tests }));
  const result = await runTool('promtool', ['test', 'rules', file]);
  assert.equal(result.code, 0, result.output);
}
