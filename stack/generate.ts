// Runs `npm run generate` into a folder of the stack's own (never out/), with a config override, and
// names the files the stack uses. The README is left alone (--no-readme): only out/ generation syncs it.

import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, tsNodeCommand } from './repo.ts';

const run = promisify(execFile);

/** The generated files the stack reads, by role. */
export interface GeneratedFiles {
  readonly dir: string;
  readonly scrapeConfig: string;
  readonly ruleFiles: readonly string[];
  readonly alertmanagerConfig: string;
  readonly dashboards: readonly string[];
}

/** The files of a generated folder (out/ or a temporary one); an error names what is missing. */
export function generatedFiles(dir: string): GeneratedFiles {
  const files = {
    dir,
    scrapeConfig: join(dir, 'prometheus', 'scrape_config.yaml'),
    ruleFiles: [join(dir, 'prometheus', 'recording_rules.yaml'), join(dir, 'prometheus', 'alerting_rules.yaml')],
    alertmanagerConfig: join(dir, 'alertmanager', 'alertmanager.yml'),
    dashboards: existsSync(join(dir, 'dashboards'))
      ? readdirSync(join(dir, 'dashboards'))
          .filter((name) => name.endsWith('.json'))
          .sort()
          .map((name) => join(dir, 'dashboards', name))
      : [],
  };
  const missing = [files.scrapeConfig, ...files.ruleFiles, files.alertmanagerConfig].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`generated folder ${dir} lacks ${missing.join(', ')} (run npm run generate -- --out ${dir})`);
  return files;
}

/** Generates into `dir` with `override` (alerts/config.ts shape) and returns the files. */
export async function generateInto(dir: string, override: unknown): Promise<GeneratedFiles> {
  const overrideFile = join(dir, '..', `${dir.split('/').pop() ?? 'generated'}-override.json`);
  writeFileSync(overrideFile, JSON.stringify(override, null, 2));
  const { command, args } = tsNodeCommand(join(REPO_ROOT, 'generate.ts'), ['--out', dir, '--config', overrideFile, '--no-readme']);
  try {
    await run(command, args, { cwd: REPO_ROOT, timeout: 120_000 });
  } catch (error) {
    const detail = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`npm run generate -- --out ${dir} --config ${overrideFile} failed:\n${detail.stderr || detail.stdout || detail.message}`);
  }
  return generatedFiles(dir);
}
