// Runs promtool/amtool and hands back their exit code and output, so a failing check shows the tool's
// own words in the assertion message instead of a bare non-zero exit.

import { execFile } from 'node:child_process';

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
