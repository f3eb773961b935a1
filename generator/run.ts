// What each CLI mode does with the generated artifacts: write them, check them against the output
// folder, print a diff, or only validate. Returns the exit code and the lines to print, so that the
// CLI stays a thin shell and the tests can call the modes directly.

import { existsSync, readFileSync } from 'node:fs';
import type { Artifact } from './contract.ts';
import { generateArtifacts, type GeneratorInputs } from './generate-artifacts.ts';
import { updateReadme, type ReadmeUpdate } from './readme-sections.ts';
import { compareTree, isUpToDate, readTree } from './output-tree.ts';
import { formatProblem } from './problems.ts';
import { unifiedDiff } from './unified-diff.ts';
import { writeFileAtomically, writeOutputAtomically } from './write-output.ts';

export type Mode = 'write' | 'check' | 'diff' | 'lint';

export interface RunOptions {
  readonly mode: Mode;
  /** Output folder as the user gave it (printed as is: no absolute paths in messages). */
  readonly outDir: string;
  /** README whose metrics-table section is kept in sync; undefined to leave READMEs alone. */
  readonly readme: string | undefined;
}

export interface RunResult {
  readonly exitCode: 0 | 1;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
}

const join = (dir: string, path: string): string => `${dir.replace(/\/+$/, '')}/${path}`;

/** The README as it should be, or undefined when there is none. */
function readmeUpdate(readme: string | undefined): ReadmeUpdate | undefined {
  if (readme === undefined || !existsSync(readme)) return undefined;
  return updateReadme(readFileSync(readme, 'utf8'));
}

const sectionNames = (update: ReadmeUpdate): string => update.stale.map((s) => s.name).join(', ');

function write(options: RunOptions, artifacts: readonly Artifact[]): RunResult {
  const result = writeOutputAtomically(options.outDir, artifacts);
  const stdout = [
    `generate: ${artifacts.length} files in ${options.outDir}/: ${result.missing.length + result.stale.length} written, ${result.unchanged.length} unchanged, ${result.extra.length} removed`,
    ...result.missing.map((p) => `  new      ${join(options.outDir, p)}`),
    ...result.stale.map((p) => `  updated  ${join(options.outDir, p)}`),
    ...result.extra.map((p) => `  removed  ${join(options.outDir, p)}`),
  ];
  const readme = readmeUpdate(options.readme);
  if (readme !== undefined && options.readme !== undefined) {
    if (readme.current !== readme.expected) writeFileAtomically(options.readme, readme.expected);
    stdout.push(`generate: ${options.readme} ${readme.stale.length === 0 ? 'sections unchanged' : `updated: ${sectionNames(readme)}`}`);
  }
  return { exitCode: 0, stdout, stderr: [] };
}

function check(options: RunOptions, artifacts: readonly Artifact[]): RunResult {
  const comparison = compareTree(artifacts, readTree(options.outDir));
  const stderr = [
    ...comparison.stale.map((p) => `stale:   ${join(options.outDir, p)} differs from what the sources generate`),
    ...comparison.missing.map((p) => `missing: ${join(options.outDir, p)} is generated but not in ${options.outDir}/`),
    ...comparison.extra.map((p) => `extra:   ${join(options.outDir, p)} is no longer generated`),
  ];
  const readme = readmeUpdate(options.readme);
  for (const section of readme?.stale ?? []) stderr.push(`stale:   ${options.readme ?? ''} ${section.name} differs from ${section.source}`);
  if (isUpToDate(comparison) && stderr.length === 0) {
    return { exitCode: 0, stdout: [`generate --check: ${options.outDir}/ is up to date (${artifacts.length} files)`], stderr: [] };
  }
  return { exitCode: 1, stdout: [], stderr: [...stderr, 'generate --check: run `npm run generate` and commit the result'] };
}

function diff(options: RunOptions, artifacts: readonly Artifact[]): RunResult {
  const existing = readTree(options.outDir);
  const comparison = compareTree(artifacts, existing);
  const expected = new Map(artifacts.map((a) => [a.path, a.content]));
  const changed = [...comparison.stale, ...comparison.missing, ...comparison.extra].sort();
  const stdout = changed.map((path) =>
    unifiedDiff(
      existing.get(path) ?? '',
      expected.get(path) ?? '',
      existing.has(path) ? `a/${join(options.outDir, path)}` : '/dev/null',
      expected.has(path) ? `b/${join(options.outDir, path)}` : '/dev/null',
    ).trimEnd(),
  );
  const readme = readmeUpdate(options.readme);
  if (readme !== undefined && readme.current !== readme.expected) {
    stdout.push(unifiedDiff(readme.current, readme.expected, `a/${options.readme ?? ''}`, `b/${options.readme ?? ''}`).trimEnd());
  }
  return { exitCode: stdout.length === 0 ? 0 : 1, stdout, stderr: [] };
}

export function run(options: RunOptions, inputs: GeneratorInputs): RunResult {
  const result = generateArtifacts(inputs);
  if (!result.ok) {
    const what = options.mode === 'lint' ? 'lint' : 'generate';
    return {
      exitCode: 1,
      stdout: [],
      stderr: [...result.problems.map(formatProblem), `${what}: ${result.problems.length} problem(s); nothing written`],
    };
  }
  switch (options.mode) {
    case 'write':
      return write(options, result.artifacts);
    case 'check':
      return check(options, result.artifacts);
    case 'diff':
      return diff(options, result.artifacts);
    case 'lint':
      return {
        exitCode: 0,
        stdout: [`lint: no problems in ${inputs.dashboards.length} dashboards and ${inputs.ruleSources.length} rule modules`],
        stderr: [],
      };
  }
}
