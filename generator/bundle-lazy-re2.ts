// In generate's bundle (generator/bundle.ts), the RE2 class the Kubernetes model validators build their
// patterns with (`@kubernetes-models/validate/runtime/re2`, for patterns JavaScript's RegExp cannot read, such
// as PrometheusRule's `^(?i)(abort|warn)?$`) is loaded on the first use of a pattern, not when the validators
// load. Importing it instantiates re2-wasm: a 0.85 MB WebAssembly module compiled synchronously (measured on
// 2 shared CPUs: ~25 ms of CPU to compile, ~50 ms for `require('re2-wasm')` as a whole) on every run, while
// generate validates no field such a pattern checks (a rule group's partial_response_strategy). Node 20 has no
// cache for compiled WebAssembly (V8's code cache is for JavaScript), so not loading it is the saving.
//
// Each pattern is a stand-in that builds the real RE2 object on first use and forwards every property to it: a
// field that needs the pattern is checked by re2-wasm exactly as before (one compile, shared by all patterns).
// An invalid pattern would throw on first use instead of at load; the packages' patterns are fixed.

import { dirname } from 'node:path';

/** The module the validators import RE2 from. */
const RE2_RUNTIME = /^@kubernetes-models\/validate\/runtime\/re2$/;
const NAMESPACE = 'lazy-re2';

/** The part of esbuild's plugin API used here (typed here: esbuild is tsx's dependency, not ours). */
export interface LazyPluginBuild {
  onResolve(
    options: { filter: RegExp },
    callback: (args: {
      readonly path: string;
      readonly resolveDir: string;
      readonly kind: string;
      readonly importer: string;
      readonly pluginData?: unknown;
    }) => Promise<{ path: string; namespace: string } | undefined>,
  ): void;
  onLoad(
    options: { filter: RegExp; namespace: string },
    callback: (args: { readonly path: string }) => { contents: string; loader: 'js'; resolveDir: string },
  ): void;
  resolve(
    path: string,
    options: { resolveDir: string; kind: string; importer: string; pluginData: unknown },
  ): Promise<{ readonly path: string; readonly errors: readonly { readonly text: string }[] }>;
}

const ORIGINAL = Symbol('the RE2 runtime itself');

/** The stand-in module: `require` of the real runtime (an absolute path) is bundled by esbuild as a module that
 * runs when first required, so re2-wasm is instantiated then, not at load. */
const standIn = (runtimePath: string): string => `
let RE2;
export default function LazyRE2(pattern, flags) {
  let compiled;
  const real = () => (compiled ??= new (RE2 ??= require(${JSON.stringify(runtimePath)}).default)(pattern, flags));
  return new Proxy({}, {
    get(_, key) { const re = real(); const value = Reflect.get(re, key, re); return typeof value === 'function' ? value.bind(re) : value; },
    set(_, key, value) { return Reflect.set(real(), key, value); },
    has(_, key) { return Reflect.has(real(), key); },
  });
}
`;

export const lazyRe2Plugin = {
  name: 'lazy-re2',
  setup(build: LazyPluginBuild): void {
    build.onResolve({ filter: RE2_RUNTIME }, async (args) => {
      if (args.pluginData === ORIGINAL) return undefined;
      const resolved = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: ORIGINAL });
      if (resolved.errors.length > 0) return undefined; // esbuild reports the import as it would without this plugin
      return { path: resolved.path, namespace: NAMESPACE };
    });
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, ({ path }) => ({ contents: standIn(path), loader: 'js', resolveDir: dirname(path) }));
  },
};
