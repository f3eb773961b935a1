// `npm run generate`: compiles the dashboard and alert modules into out/ (see generator/).
//   npm run generate                      validate, then write out/ atomically and sync the README table
//   npm run generate -- --check           exit 1 naming every stale, missing or extra file (CI)
//   npm run generate -- diff              unified diff of what would change (exit 1 when something would)
//   npm run generate -- lint              validate only
// Options: --out <dir> (default out), --config <file> (JSON/YAML override of alerts/config.ts),
//          --readme <file> (default README.md), --no-readme.
//
// The command (generator/cli.ts) and every module it compiles are loaded as one cached bundle
// (generator/bundle.ts), rebuilt whenever one of them changed; the type check stays outside it, with the compiler.

import { importBundled } from './generator/bundle.ts';
import { typeCheckUnlessUnchanged } from './generator/type-check-cache.ts';

const root = import.meta.dirname;
const loaded = await importBundled<typeof import('./generator/cli.ts')>(root, 'generator/cli.ts');
if (loaded.outcome === 'unbundled') process.stderr.write(`generate: loading the modules one by one (not bundled: ${loaded.reason})\n`);
await loaded.module.main(process.argv, () => typeCheckUnlessUnchanged(root));
loaded.keepCompiledCode();
