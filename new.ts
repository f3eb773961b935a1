// `npm run new -- alert <Name> [--scope queue|exporter]`: scaffolds a queue alert, or an alert about the exporter
// itself (see generator/scaffold-alert.ts).

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { ALERT_SCOPES, type AlertScope, scaffoldAlert } from './generator/scaffold-alert.ts';

const program = new Command('new').description('scaffold a new piece of the project');
program
  .command('alert <Name>')
  .description('an alert: its settings, its rule, a runbook section and a promtool test')
  .addOption(
    new Option(
      '--scope <scope>',
      'queue: about one queue, labelled per queue (alerts/queue-alerts.ts); exporter: about the exporter itself, per exporter instance (alerts/exporter-alerts.ts)',
    )
      .choices(ALERT_SCOPES)
      .default('queue'),
  )
  .action((name: string, options: { scope: AlertScope }) => {
    try {
      const files = scaffoldAlert(import.meta.dirname, name, options.scope);
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
