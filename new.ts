// `npm run new -- alert <Name>`: scaffolds a queue alert (see generator/scaffold-alert.ts).

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Command } from 'commander';
import { scaffoldAlert } from './generator/scaffold-alert.ts';

const program = new Command('new').description('scaffold a new piece of the project');
program
  .command('alert <Name>')
  .description('a queue alert: its settings, its rule, a runbook section and a promtool test')
  .action((name: string) => {
    try {
      const files = scaffoldAlert(import.meta.dirname, name);
      // The repository's formatter on the TypeScript files ts-morph edited, so the diff shows only the new alert.
      const edited = files.filter((file) => file.endsWith('.ts'));
      execFileSync(join(import.meta.dirname, 'node_modules/.bin/biome'), ['format', '--write', ...edited], { cwd: import.meta.dirname, stdio: 'ignore' });
      for (const file of files) process.stdout.write(`new alert: ${file}\n`);
      process.stdout.write('new alert: replace the placeholder condition, then run `npm run generate` and the alert tests\n');
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  });
await program.parseAsync();
