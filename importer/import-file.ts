// Reads a dashboard JSON, writes its module (formatted by biome, like the rest of the tree), imports the module
// back and compares what it builds with the input.

import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatWithBiome } from './biome.ts';
import type { Difference } from './equivalence.ts';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');

let imports = 0;

export interface ImportReport {
  readonly outFile: string;
  readonly functionName: string;
  /** The exported DashboardSource factory, for dashboards/index.ts. */
  readonly sourceName: string;
  readonly warnings: readonly string[];
  /** Prometheus queries through the typed PromQL builder, and raw (a comment in the module says why). */
  readonly queries: { readonly typed: number; readonly raw: number };
  readonly differences: readonly Difference[];
}

export interface ImportOptions {
  /** Where to write the module; default dashboards/<input name>.imported.ts. */
  readonly out?: string;
  /** Replace an existing file (an earlier import may have been edited since: refused without it). */
  readonly force?: boolean;
}

export async function importToFile(inputPath: string, options: ImportOptions = {}): Promise<ImportReport> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(inputPath, 'utf8'));
  } catch (error) {
    throw new Error(`${inputPath}: cannot read a dashboard JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const outFile = resolve(options.out ?? join(ROOT, 'dashboards', `${basename(inputPath, '.json')}.imported.ts`));
  if (existsSync(outFile) && options.force !== true) throw new Error(`${outFile} exists: choose another --out, or pass --force to replace it`);
  // Loaded only now: the writer pulls in ts-morph (the TypeScript compiler) and the SDK, seconds of start-up that
  // a command refused above (no such file, not JSON, --out exists) need not pay.
  const { importDashboard, sourceNameFor } = await import('./write-module.ts');
  const { dashboardDifferences, deepEqual } = await import('./equivalence.ts');
  const specifier = (path: string) => {
    const from = relative(dirname(outFile), join(ROOT, path));
    return from.startsWith('.') ? from : `./${from}`;
  };
  const result = importDashboard(json, {
    origin: basename(inputPath),
    commonModule: specifier('dashboards/common.ts'),
    contractModule: specifier('generator/contract.ts'),
    promqlModule: specifier('metrics/promql.ts'),
  });
  writeFileSync(outFile, formatWithBiome(result.source));
  // Imported through a copy with a fresh name next to it (its relative imports resolve the same): a module
  // imported earlier from the same path (--force) would otherwise be the cached one.
  imports += 1;
  const copy = join(dirname(outFile), `.${basename(outFile, '.ts')}.round-trip-${process.pid}-${imports}.ts`);
  copyFileSync(outFile, copy);
  let module: Record<string, () => { build(): unknown }>;
  try {
    module = (await import(pathToFileURL(copy).href)) as Record<string, () => { build(): unknown }>;
  } finally {
    rmSync(copy, { force: true });
  }
  const builder = module[result.functionName];
  if (builder === undefined) throw new Error(`${outFile} does not export ${result.functionName}`);
  const rebuilt = JSON.parse(JSON.stringify(builder().build())) as unknown;
  // The DashboardSource must build the same dashboard: `npm run generate` renders through it.
  const source = (module as unknown as Record<string, () => { build(): unknown }>)[sourceNameFor(result.functionName)];
  if (source === undefined || !deepEqual(JSON.parse(JSON.stringify(source().build())), rebuilt))
    throw new Error(`${outFile}: its DashboardSource does not build the dashboard`);
  return {
    outFile,
    functionName: result.functionName,
    sourceName: sourceNameFor(result.functionName),
    warnings: result.warnings,
    queries: result.queries,
    differences: dashboardDifferences(json, rebuilt),
  };
}
