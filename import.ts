// npm run import -- <dashboard.json> [--out <file.ts>]: an existing Grafana dashboard becomes a TypeScript module
// that rebuilds it with this project's panel factories and typed PromQL builder where they fit, the foundation SDK's
// builders elsewhere. Prints a warning per thing it could not rebuild (each also a TODO(import) in the module), how
// many queries are typed and how many raw, then checks the round trip and prints every difference it leaves.
// The command itself is importer/command.ts.

import { runImportCommand } from './importer/command.ts';

process.exitCode = await runImportCommand(process.argv.slice(2), { out: (line) => console.log(line), err: (line) => console.error(line) });
