// Runs promtool/amtool and hands back their exit code and output, so a failing check shows the tool's
// own words in the assertion message instead of a bare non-zero exit.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dump } from 'js-yaml';

export interface ToolResult {
  readonly code: number;
  readonly output: string;
}

export function runTool(command: 'promtool' | 'amtool', args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 120_000 }, (error, stdout, stderr) => {
      const output = `$ ${command} ${args.join(' ')}\n${stdout}${stderr}`;
      if (error === null) return resolve({ code: 0, output });
      if (typeof error.code === 'number') return resolve({ code: error.code, output });
      reject(new Error(`${command} could not run (${error.message}); install it with scripts/ensure-tools.sh`));
    });
  });
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
