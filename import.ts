// npm run import -- <dashboard.json> [--out <file.ts>]: an existing Grafana dashboard becomes a TypeScript module
// that rebuilds it with this project's panel factories and typed PromQL builder where they fit, the foundation SDK's
// builders elsewhere. Prints a warning per thing it could not rebuild (each also a TODO(import) in the module), how
// many queries are typed and how many raw, then checks the round trip and prints every difference it leaves.

import { Command } from 'commander';
import { importToFile } from './importer/import-file.ts';

const program = new Command('import')
  .description('write a TypeScript module that rebuilds an existing Grafana dashboard JSON')
  .argument('<dashboard.json>', 'a dashboard JSON (the model, or the API export {dashboard, meta})')
  .option('--out <file.ts>', 'where to write the module (default: dashboards/<input name>.imported.ts)')
  .option('--force', 'replace the --out file if it exists')
  .action(async (input: string, options: { out?: string; force?: boolean }) => {
    const report = await importToFile(input, options);
    for (const warning of report.warnings) console.warn(`warning: ${warning}`);
    console.log(`wrote ${report.outFile} (export ${report.functionName})`);
    console.log(
      `queries: ${report.queries.typed} through the typed PromQL builder, ${report.queries.raw} raw PromQL${report.queries.raw > 0 ? ' (a comment above each says why)' : ''}`,
    );
    console.log(`to generate it with the others: list ${report.sourceName}() in dashboards/index.ts`);
    if (report.differences.length === 0) console.log('round trip: equivalent to the input');
    else {
      console.log(`round trip: ${report.differences.length} difference(s), from the warnings above:`);
      for (const d of report.differences) console.log(`  ${d.path}: expected ${JSON.stringify(d.expected)}, rebuilt ${JSON.stringify(d.actual)}`);
    }
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`import: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
