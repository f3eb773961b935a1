// The `npm run generate` command line (generate.ts loads it, bundled: generator/bundle.ts). The compiler for
// the type check is loaded by generate.ts when the check runs: it stays out of the bundle.

import { Command, Option } from 'commander';
import { loadInputs, SourceLoadError } from './load-sources.ts';
import { run, type Mode } from './run.ts';
import type { SourceDigests } from './source-digest.ts';
import { type TypeCheckerLoader, typeCheckUnlessUnchanged } from './type-check-cache.ts';
import { formatTypeProblem, TYPE_CHECKED_FOLDERS } from './type-problem.ts';

interface CliOptions {
  readonly out: string;
  readonly config?: string;
  readonly readme: string | false;
  readonly check?: boolean;
}

export interface Environment {
  /** The repository: the sources, tsconfig.json and the type check's cache. */
  readonly root: string;
  readonly loadTypeChecker: TypeCheckerLoader;
  /** Repository files already digested in this run (the bundle's inputs): the type check's cache takes them
   * instead of reading and hashing them again. */
  readonly sourceDigests?: SourceDigests;
}

function withSharedOptions(command: Command): Command {
  return command
    .addOption(new Option('--out <dir>', 'output folder').default('out'))
    .addOption(new Option('--config <file>', 'JSON or YAML override of alerts/config.ts (alert thresholds, which the panels follow)'))
    .addOption(new Option('--readme <file>', 'README whose generated sections (metrics table, configuration reference) are kept in sync').default('README.md'))
    .addOption(new Option('--no-readme', 'leave the README alone'));
}

async function execute(mode: Mode, options: CliOptions, environment: Environment): Promise<void> {
  // tsx ran the modules without checking their types: a wrong unit or threshold type must not reach out/. The
  // check is skipped only when every file it read is as it was when it last passed (generator/type-check-cache.ts).
  const { problems: typeProblems } = await typeCheckUnlessUnchanged(environment.root, environment.loadTypeChecker, undefined, environment.sourceDigests);
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
export async function main(argv: readonly string[], environment: Environment): Promise<void> {
  const program = withSharedOptions(
    new Command('generate')
      .description('Compile dashboards/ and alerts/ into validated Grafana, Prometheus and Alertmanager files')
      .enablePositionalOptions()
      .option('--check', 'regenerate in memory and exit 1 naming each stale, missing or extra file'),
  ).action((options: CliOptions) => execute(options.check === true ? 'check' : 'write', options, environment));

  withSharedOptions(program.command('diff').description('print a unified diff of what generate would change')).action((options: CliOptions) =>
    execute('diff', options, environment),
  );
  withSharedOptions(program.command('lint').description('validate the modules without writing anything')).action((options: CliOptions) =>
    execute('lint', options, environment),
  );

  await program.parseAsync([...argv]);
}
