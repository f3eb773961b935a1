// `npm run generate`: compiles the dashboard and alert modules into out/ (see generator/).
//   npm run generate                      validate, then write out/ atomically and sync the README table
//   npm run generate -- --check           exit 1 naming every stale, missing or extra file (CI)
//   npm run generate -- diff              unified diff of what would change (exit 1 when something would)
//   npm run generate -- lint              validate only
// Options: --out <dir> (default out), --config <file> (JSON/YAML override of alerts/config.ts),
//          --readme <file> (default README.md), --no-readme.
//
// The command (generator/cli.ts) and every module it compiles are loaded as one cached bundle
// (generator/bundle.ts), rebuilt whenever one of them changed. The compiler (for the type check, when it cannot
// be reused) stays outside it: imported from here, through tsx.

import { importBundled } from './generator/bundle.ts';

const loaded = await importBundled<typeof import('./generator/cli.ts')>(import.meta.dirname, 'generator/cli.ts');
if (loaded.outcome === 'unbundled') process.stderr.write(`generate: loading the modules one by one (not bundled: ${loaded.reason})\n`);
await loaded.module.main(process.argv, {
  root: import.meta.dirname,
  loadTypeChecker: () => import('./generator/type-check.ts'),
  sourceDigests: loaded.sourceDigests,
});
loaded.keepCompiledCode();
