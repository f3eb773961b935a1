// Turns a dashboard's JSON into a TypeScript module that rebuilds it the way the hand-written modules do: this
// project's panel factories and query() where they produce the very JSON (panel-helpers.ts, targets.ts), queries
// through the typed PromQL builder where they parse against the catalog (promql.ts), the foundation SDK's builders
// for the rest. The source is built with ts-morph (imports, the exported function, the helper functions it needs);
// each builder chain is written with a code writer. What the SDK has no builder or method for becomes a warning and
// a `// TODO(import): …` comment where it was, never a silent loss.

import { type CodeBlockWriter, Project, type SourceFile } from 'ts-morph';
import {
  DASHBOARD,
  PANELS,
  PROMETHEUS_QUERY,
  ROW,
  VARIABLES,
  builderFor,
  defaultsOf,
  settersOf,
  switchesOf,
  type BuilderKind,
  type Setter,
} from './sdk-builders.ts';
import { deepEqual } from './equivalence.ts';
import { type HelperCall, helperForBuilder, helperForValue } from './project-helpers.ts';
import { typedLiteral } from './sdk-types.ts';
import { panelFactoryFor } from './panel-helpers.ts';
import { type TargetCode, targetCode } from './targets.ts';

type Json = Record<string, unknown>;

export interface ImportResult {
  /** The module's source, unformatted (the CLI formats it with biome). */
  readonly source: string;
  /** The exported function that returns the dashboard builder. */
  readonly functionName: string;
  /** One line per thing the module does not rebuild or rebuilds verbatim, each also a TODO(import) in the module. */
  readonly warnings: readonly string[];
  /** Prometheus queries written through the typed PromQL builder, and those left raw (each with its reason). */
  readonly queries: { readonly typed: number; readonly raw: number };
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

class ModuleWriter {
  readonly warnings: string[] = [];
  readonly modules = new Set<string>(['dashboard']);
  usesVerbatim = false;
  usesBuilt = false;
  readonly helpers = new Set<string>();
  /** Functions of metrics/promql.ts the queries call. */
  readonly promqlCalls = new Set<string>();
  readonly queries = { typed: 0, raw: 0 };

  private count(codes: readonly TargetCode[]): void {
    for (const code of codes) {
      if (code.rawReason === undefined) this.queries.typed += 1;
      else this.queries.raw += 1;
      for (const name of code.promqlCalls) this.promqlCalls.add(name);
      for (const name of code.helperCalls) this.helpers.add(name);
    }
  }

  constructor(private readonly writer: CodeBlockWriter) {}

  private todo(where: string, message: string): void {
    this.warnings.push(`${where}: ${message}`);
    this.writer.writeLine(`// TODO(import): ${where}: ${message.replaceAll('\n', ' ')}`);
  }

  private literal(value: unknown): string {
    return JSON.stringify(value);
  }

  /** A literal where it type-checks, an enum member where the type is an enum, verbatim(…) only otherwise. */
  private helper(call: HelperCall): string {
    this.helpers.add(call.name);
    return call.expression;
  }

  private typed(value: unknown, typeText: string, module: string): string {
    const helper = helperForValue(value);
    if (helper !== undefined) return this.helper(helper);
    // An array whose elements a helper writes (mergeFrames() among the transformations): element by element.
    const element = typeText.endsWith('[]') ? typeText.slice(0, -2) : undefined;
    if (element !== undefined && Array.isArray(value) && value.some((v) => helperForValue(v) !== undefined)) {
      return `[${value.map((v) => this.typed(v, element, module)).join(', ')}]`;
    }
    // The modules of the enum members it names are imported (only when the whole value fits).
    const used = new Set<string>();
    const expression = typedLiteral(value, typeText, module, used);
    if (expression !== undefined) {
      for (const name of used) this.modules.add(name);
      return expression;
    }
    this.usesVerbatim = true;
    return `verbatim(${this.literal(value)})`;
  }

  /**
   * `new common.VizLegendOptionsBuilder().displayMode(…)…` for a value its SDK builder rebuilds exactly: every key
   * has a setter, and replaying the calls on a real builder gives the value back (so no default sneaks in).
   */
  private nestedBuilder(typeText: string, value: unknown): string | undefined {
    const kindOf = builderFor(typeText);
    if (kindOf === undefined || !isObject(value)) return undefined;
    const setters = settersOf(kindOf);
    const ctorKey = kindOf.constructorKey;
    if (ctorKey !== undefined && typeof value[ctorKey] !== 'string') return undefined;
    const ctorArg = ctorKey === undefined ? '' : String(value[ctorKey]);
    const replay = kindOf.create(ctorArg);
    const calls: [Setter, unknown][] = [];
    for (const [key, v] of Object.entries(value)) {
      if (key === ctorKey) continue;
      const setter = setters.get(key);
      if (setter === undefined || setter.shape === 'builders') return undefined;
      calls.push([setter, v]);
      const method = replay[setter.method] as (argument: unknown) => unknown;
      method.call(replay, setter.shape === 'builder' ? { build: () => v } : v);
    }
    if (!deepEqual(JSON.parse(JSON.stringify(replay.build())), value)) return undefined;
    this.modules.add(kindOf.module);
    return `new ${kindOf.module}.${kindOf.className}(${ctorKey === undefined ? '' : this.literal(ctorArg)})${calls.map(([setter, v]) => `.${setter.method}(${this.argument(kindOf, setter, v)})`).join('')}`;
  }

  private argument(kindOf: BuilderKind, setter: Setter, value: unknown): string {
    const builderOf = /^cog\.Builder<(.+)>(\[\])?$/s.exec(setter.parameterType.trim())?.[1] ?? 'unknown';
    if (setter.shape === 'builder') {
      const helper = helperForBuilder(value);
      if (helper !== undefined) return this.helper(helper);
      const nested = this.nestedBuilder(builderOf, value);
      if (nested !== undefined) return nested;
      this.usesBuilt = true;
      return `built(${this.typed(value, builderOf, kindOf.module)})`;
    }
    if (setter.shape === 'builders') {
      const elements = (value as unknown[]).map((v) => {
        const nested = this.nestedBuilder(builderOf, v);
        if (nested !== undefined) return nested;
        this.usesBuilt = true;
        return `built(${this.typed(v, builderOf, kindOf.module)})`;
      });
      return `[${elements.join(', ')}]`;
    }
    return this.typed(value, setter.parameterType, kindOf.module);
  }

  /**
   * Writes `.method(value)` for every key of `json` under `prefix` that a setter writes; recurses into objects
   * the SDK sets field by field; a key no setter writes is a TODO unless it equals what the builder produces anyway.
   */
  private setters(
    kindOf: BuilderKind,
    json: Json,
    defaults: unknown,
    where: string,
    skip: ReadonlySet<string>,
    prefix = '',
    arguments_: ReadonlyMap<string, string> = new Map(),
  ): void {
    const setters = settersOf(kindOf);
    for (const [key, value] of Object.entries(json)) {
      const path = prefix + key;
      if (skip.has(path)) continue;
      const fallback = isObject(defaults) ? defaults[key] : undefined;
      const setter = setters.get(path);
      if (setter !== undefined && !(setter.shape === 'builders' && !Array.isArray(value))) {
        this.writer.writeLine(`.${setter.method}(${arguments_.get(path) ?? this.argument(kindOf, setter, value)})`);
      } else if (isObject(value) && [...setters.keys()].some((p) => p.startsWith(`${path}.`))) {
        this.setters(kindOf, value, fallback, where, skip, `${path}.`, arguments_);
      } else if (!deepEqual(value, fallback)) {
        this.todo(where, `\`${path}\` = ${this.literal(value)} has no ${kindOf.module}.${kindOf.className} method; not rebuilt`);
      }
    }
  }

  /** `arguments_`: TypeScript written for the value at a path instead of its literal (a query's expr). */
  private chain(kindOf: BuilderKind, json: Json, where: string, skip: readonly string[] = [], arguments_: ReadonlyMap<string, string> = new Map()): void {
    this.modules.add(kindOf.module);
    const ctorKey = kindOf.constructorKey;
    const ctorArg = ctorKey === undefined ? '' : this.literal(json[ctorKey] ?? '');
    this.writer.write(`new ${kindOf.module}.${kindOf.className}(${ctorArg})`).newLine();
    const covered = new Set([...skip, ...(ctorKey === undefined ? [] : [ctorKey])]);
    this.writer.indent(() => {
      // Methods without an argument (instant(), range(), editable()) set several keys at once.
      for (const [method, writes] of switchesOf(kindOf)) {
        if (Object.entries(writes).every(([path, value]) => !covered.has(path) && path in json && deepEqual(json[path], value))) {
          this.writer.writeLine(`.${method}()`);
          for (const path of Object.keys(writes)) covered.add(path);
        }
      }
      this.setters(kindOf, json, defaultsOf(kindOf), where, covered, '', arguments_);
    });
  }

  dashboard(json: Json): void {
    // schemaVersion is the SDK's (see equivalence.ts): Grafana migrates an older dashboard on load.
    this.chain(DASHBOARD, json, 'dashboard', ['panels', 'templating', 'schemaVersion']);
    this.writer.indent(() => {
      const templating = json.templating;
      const variables = isObject(templating) && Array.isArray(templating.list) ? (templating.list as Json[]) : [];
      for (const variable of variables) this.variable(variable);
      for (const panel of Array.isArray(json.panels) ? (json.panels as Json[]) : []) {
        if (panel.type === 'row') {
          this.writer.write('.withRow(');
          this.row(panel);
          this.writer.writeLine(')');
        } else this.panelCall(panel);
      }
    });
  }

  private variable(variable: Json): void {
    const kindOf = VARIABLES.get(String(variable.type));
    const where = `variable ${this.literal(variable.name)}`;
    if (kindOf === undefined) {
      this.todo(where, `variable type ${this.literal(variable.type)} has no SDK builder; copied verbatim`);
      this.usesBuilt = true;
      this.usesVerbatim = true;
      this.writer.writeLine(`.withVariable(built(verbatim(${this.literal(variable)})))`);
      return;
    }
    this.writer.write('.withVariable(');
    this.chain(kindOf, variable, where, ['type']);
    this.writer.writeLine(')');
  }

  private row(row: Json): void {
    this.chain(ROW, row, `row ${this.literal(row.title)}`, ['type', 'panels']);
    this.writer.indent(() => {
      for (const panel of Array.isArray(row.panels) ? (row.panels as Json[]) : []) this.panelCall(panel);
    });
  }

  private panelCall(panel: Json): void {
    const where = `panel ${this.literal(panel.title)} (id ${this.literal(panel.id)})`;
    if (panel.libraryPanel !== undefined) {
      const reference = isObject(panel.libraryPanel) ? panel.libraryPanel : {};
      // The model is stored in Grafana (there is none to ask here): the reference is kept so nothing is lost.
      this.todo(
        where,
        `library panel ${this.literal(reference.name)} (uid ${this.literal(reference.uid)}): its model lives in Grafana, not in this JSON; not rebuilt. ` +
          'Unlink it in Grafana (panel menu, More…, Unlink library panel), export the dashboard again and import that',
      );
      return;
    }
    const kindOf = PANELS.get(String(panel.type));
    if (kindOf === undefined) {
      this.todo(where, `panel type ${this.literal(panel.type)} has no SDK builder; not rebuilt: ${this.literal(panel)}`);
      return;
    }
    const datasourceType = isObject(panel.datasource) ? panel.datasource.type : undefined;
    if (datasourceType !== undefined && datasourceType !== 'prometheus' && datasourceType !== '-- Mixed --') {
      this.todo(where, `datasource type ${this.literal(datasourceType)} is not Prometheus; kept as written`);
    }
    if (this.panelFactory(panel, kindOf)) return;
    this.writer.write('.withPanel(');
    // pluginVersion is Grafana's bookkeeping, rewritten on load (see equivalence.ts).
    this.chain(kindOf, panel, where, ['type', 'targets', 'pluginVersion']);
    this.writer.indent(() => {
      const panelDatasource = isObject(panel.datasource) ? panel.datasource : undefined;
      for (const target of Array.isArray(panel.targets) ? (panel.targets as Json[]) : []) this.target(target, panelDatasource, where);
    });
    this.writer.writeLine(')');
  }

  /** This project's panel factory (timeSeriesPanel, statPanel, …) where the panel holds exactly what it produces. */
  private panelFactory(panel: Json, kindOf: BuilderKind): boolean {
    const targets = Array.isArray(panel.targets) ? (panel.targets as Json[]) : [];
    const codes = targets.map(targetCode);
    const call = panelFactoryFor(panel, kindOf, codes);
    if (call === undefined) return false;
    this.helpers.add(call.name);
    this.count(codes);
    this.writer.write(`.withPanel(${call.code}`).newLine();
    this.writer.indent(() => {
      for (const [setter, value] of call.setters) this.writer.writeLine(`.${setter.method}(${this.argument(kindOf, setter, value)})`);
    });
    this.writer.writeLine(')');
    return true;
  }

  private target(target: Json, panelDatasource: Json | undefined, where: string): void {
    const datasource = isObject(target.datasource) ? target.datasource : panelDatasource;
    const type = datasource?.type;
    if (type !== 'prometheus') {
      this.todo(`${where} query ${this.literal(target.refId)}`, `datasource type ${this.literal(type)} is not Prometheus; copied verbatim`);
      this.usesBuilt = true;
      this.usesVerbatim = true;
      this.writer.writeLine(`.withTarget(built(verbatim(${this.literal(target)})))`);
      return;
    }
    const code = targetCode(target);
    this.count([code]);
    if (code.rawReason !== undefined) this.writer.writeLine(`// Raw PromQL, not the typed builder: ${code.rawReason.replaceAll('\n', ' ')}.`);
    if (code.query !== undefined) {
      // This project's query() helper builds exactly this target.
      this.helpers.add('query');
      this.writer.writeLine(`.withTarget(${code.query})`);
      return;
    }
    this.writer.write('.withTarget(');
    this.chain(PROMETHEUS_QUERY, target, `${where} query ${this.literal(target.refId)}`, [], new Map([['expr', code.exprString]]));
    this.writer.writeLine(')');
  }
}

/** A camelCase function name from the dashboard's title: "Queue overview" → queueOverviewDashboard. */
export function functionNameFor(title: string): string {
  const words = title.match(/[A-Za-z0-9]+/g) ?? ['imported'];
  const camel = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase())).join('');
  return `${/^[0-9]/.test(camel) ? `d${camel}` : camel}Dashboard`;
}

/** queueOverviewDashboard → queueOverviewSource, like the hand-written modules' exports. */
export function sourceNameFor(functionName: string): string {
  return functionName.replace(/Dashboard$/, 'Source');
}

export interface ModuleContext {
  /** The input's file name, for the header comment and the generated file's name ('team.json'). */
  readonly origin: string;
  /** Import specifiers of dashboards/common.ts and generator/contract.ts as seen from where the module is written. */
  readonly commonModule: string;
  readonly contractModule: string;
  /** Import specifier of metrics/promql.ts (the typed PromQL builder). */
  readonly promqlModule: string;
}

export function importDashboard(json: unknown, context: ModuleContext, project = new Project({ useInMemoryFileSystem: true })): ImportResult {
  const { origin } = context;
  if (!isObject(json) || !Array.isArray(json.panels ?? [])) throw new Error(`${origin}: not a Grafana dashboard (expected a JSON object with a panels array)`);
  // The API's export wraps the model: {dashboard, meta}.
  const model = isObject(json.dashboard) ? json.dashboard : json;
  const functionName = functionNameFor(String(model.title ?? 'imported'));
  const file: SourceFile = project.createSourceFile('imported.ts', '', { overwrite: true });
  let emitted: ModuleWriter | undefined;
  file.addFunction({
    isExported: true,
    name: functionName,
    returnType: 'dashboard.DashboardBuilder',
    docs: [`Imported from ${origin} by \`npm run import\`. Rebuilds the dashboard with the foundation SDK's builders.`],
    statements: (writer) => {
      writer.write('return ');
      emitted = new ModuleWriter(writer);
      emitted.dashboard(model);
      writer.write(';');
    },
  });
  if (emitted === undefined) throw new Error('ts-morph did not write the function body');
  const used = emitted;
  file.insertImportDeclarations(
    0,
    [...used.modules].sort().map((module) => ({ namespaceImport: module, moduleSpecifier: `@grafana/grafana-foundation-sdk/${module}` })),
  );
  if (used.helpers.size > 0) file.addImportDeclaration({ namedImports: [...used.helpers].sort(), moduleSpecifier: context.commonModule });
  if (used.promqlCalls.size > 0) file.addImportDeclaration({ namedImports: [...used.promqlCalls].sort(), moduleSpecifier: context.promqlModule });
  // The DashboardSource dashboards/index.ts lists: adding it there makes `npm run generate` render and validate it.
  file.addImportDeclaration({ namedImports: [{ name: 'DashboardSource', isTypeOnly: true }, 'sourceModule'], moduleSpecifier: context.contractModule });
  file.addFunction({
    isExported: true,
    name: sourceNameFor(functionName),
    returnType: 'DashboardSource',
    docs: ['For dashboards/index.ts: `npm run generate` writes it to out/dashboards/ after validating it like the others.'],
    statements: `return { module: sourceModule(import.meta.url), fileName: ${JSON.stringify(origin.endsWith('.json') ? origin : `${origin}.json`)}, build: () => ${functionName}().build() };`,
  });
  if (used.usesBuilt) {
    file.addImportDeclaration({ namespaceImport: 'cog', moduleSpecifier: '@grafana/grafana-foundation-sdk/cog', isTypeOnly: true });
    file.addFunction({
      name: 'built',
      typeParameters: ['T'],
      parameters: [{ name: 'value', type: 'T' }],
      returnType: 'cog.Builder<T>',
      docs: ['A finished value where the SDK method takes a builder of it.'],
      statements: 'return { build: () => value as T };',
    });
  }
  if (used.usesVerbatim) {
    file.addFunction({
      name: 'verbatim',
      typeParameters: ['T'],
      parameters: [{ name: 'value', type: 'unknown' }],
      returnType: 'T',
      docs: ['A JSON value passed where the SDK types an enum or a structure (checked by the round trip, not by the types).'],
      statements: 'return value as T;',
    });
  }
  file.insertStatements(0, `// Imported by \`npm run import\` from ${origin}. TODO(import) comments mark what was not rebuilt.\n`);
  return { source: file.getFullText(), functionName, warnings: used.warnings, queries: used.queries };
}
