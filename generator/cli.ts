// The `npm run generate` command line (generate.ts loads it, bundled: generator/bundle.ts). The type check
// is handed in by generate.ts: it loads the compiler, which must stay out of the bundle.

import { Command, Option } from 'commander';
import { loadInputs, SourceLoadError } from './load-sources.ts';
import { run, type Mode } from './run.ts';
import type { CachedTypeCheck } from './type-check-cache.ts';
import { formatTypeProblem, TYPE_CHECKED_FOLDERS } from './type-problem.ts';

interface CliOptions {
  readonly out: string;
  readonly config?: string;
  readonly readme: string | false;
  readonly check?: boolean;
}

export type TypeCheck = () => Promise<CachedTypeCheck>;

function withSharedOptions(command: Command): Command {
  return command
    .addOption(new Option('--out <dir>', 'output folder').default('out'))
    .addOption(new Option('--config <file>', 'JSON or YAML override of alerts/config.ts (alert thresholds, which the panels follow)'))
    .addOption(new Option('--readme <file>', 'README whose generated sections (metrics table, configuration reference) are kept in sync').default('README.md'))
    .addOption(new Option('--no-readme', 'leave the README alone'));
}

async function execute(mode: Mode, options: CliOptions, typeCheck: TypeCheck): Promise<void> {
  // tsx ran the modules without checking their types: a wrong unit or threshold type must not reach out/. The
  // check is skipped only when every file it read is as it was when it last passed (generator/type-check-cache.ts).
  const { problems: typeProblems } = await typeCheck();
  if (typeProblems.length > 0) {
    for (const problem of typeProblems) process.stderr.write(`${formatTypeProblem(problem)}\n`);
    process.stderr.write(`generate: ${typeProblems.length} type error(s) in ${TYPE_CHECKED_FOLDERS.join('/, ')}/: nothing written\n`);
    process.exitCode = 1;
    return;
  }
  try {
    const inputs = loadInputs(options.config);
    const result = run({ mode, outDir: options.out, readme: options.readme === false ? undefined : options.readme }, inputs);
    for (const line of result.stdout) process.stdout.write(`${line}\n`);
    for (const line of result.stderr) process.stderr.write(`${line}\n`);
    process.exitCode = result.exitCode;
  } catch (error) {
    if (!(error instanceof SourceLoadError)) throw error;
    process.stderr.write(`generate: ${error.message}\n`);
    process.exitCode = 1;
  }
}

/** Parses `argv` (process.argv) and runs the command; the exit code is left in process.exitCode. */
export async function main(argv: readonly string[], typeCheck: TypeCheck): Promise<void> {
  const program = withSharedOptions(
    new Command('generate')
      .description('Compile dashboards/ and alerts/ into validated Grafana, Prometheus and Alertmanager files')
      .enablePositionalOptions()
      .option('--check', 'regenerate in memory and exit 1 naming each stale, missing or extra file'),
  ).action((options: CliOptions) => execute(options.check === true ? 'check' : 'write', options, typeCheck));

  withSharedOptions(program.command('diff').description('print a unified diff of what generate would change')).action((options: CliOptions) =>
    execute('diff', options, typeCheck),
  );
  withSharedOptions(program.command('lint').description('validate the modules without writing anything')).action((options: CliOptions) =>
    execute('lint', options, typeCheck),
  );

  await program.parseAsync([...argv]);
}
