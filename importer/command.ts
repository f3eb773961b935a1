// The `npm run import` command line (import.ts runs it with process.argv): parses the arguments, imports the
// dashboard and prints what happened. Output goes through `io` and the exit code is returned, so the tests run
// the same command in their own process instead of paying a process start and the SDK and compiler loads per run.

import { Command, CommanderError } from 'commander';
import { importToFile } from './import-file.ts';

export interface CommandOutput {
  /** A line for stdout. */
  readonly out: (line: string) => void;
  /** A line for stderr. */
  readonly err: (line: string) => void;
}

/** Runs `import <args>` (the arguments after the script name); resolves to the exit code. */
export async function runImportCommand(args: readonly string[], io: CommandOutput): Promise<number> {
  const program = new Command('import')
    .description('write a TypeScript module that rebuilds an existing Grafana dashboard JSON')
    .argument('<dashboard.json>', 'a dashboard JSON (the model, or the API export {dashboard, meta})')
    .option('--out <file.ts>', 'where to write the module (default: dashboards/<input name>.imported.ts)')
    .option('--force', 'replace the --out file if it exists')
    // Usage errors and --help end the command with their exit code instead of exiting the process.
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.replace(/\n$/, '')), writeErr: (text) => io.err(text.replace(/\n$/, '')) })
    .action(async (input: string, options: { out?: string; force?: boolean }) => {
      const report = await importToFile(input, options);
      for (const warning of report.warnings) io.err(`warning: ${warning}`);
      io.out(`wrote ${report.outFile} (export ${report.functionName})`);
      io.out(
        `queries: ${report.queries.typed} through the typed PromQL builder, ${report.queries.raw} raw PromQL${report.queries.raw > 0 ? ' (a comment above each says why)' : ''}`,
      );
      io.out(`to generate it with the others: list ${report.sourceName}() in dashboards/index.ts`);
      if (report.differences.length === 0) io.out('round trip: equivalent to the input');
      else {
        io.out(`round trip: ${report.differences.length} difference(s), from the warnings above:`);
        for (const d of report.differences) io.out(`  ${d.path}: expected ${JSON.stringify(d.expected)}, rebuilt ${JSON.stringify(d.actual)}`);
      }
    });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode; // commander has printed the usage error or the help
    io.err(`import: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
