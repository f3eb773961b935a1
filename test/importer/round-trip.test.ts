// npm run import: a dashboard JSON becomes a module of SDK builders whose build() is equivalent to the input
// (importer/equivalence.ts defines "equivalent"). The modules are written to a temp folder inside
// node_modules/.cache (so they resolve the SDK like the repository's own modules), imported back with tsx, and
// at the end type-checked together in one tsc program and format-checked in one biome run.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { biomeBinary } from '../../importer/biome.ts';
import { dashboardDifferences } from '../../importer/equivalence.ts';
import { importToFile } from '../../importer/import-file.ts';
import { samePromql } from '../../importer/promql.ts';
import { FIXTURES, GENERATED, type Panelish, ROOT, exprsOf, moduleFolder } from './inputs.ts';
import { moduleQueries, panelFactoryCalls } from './module-queries.ts';

let dir = '';

before(() => {
  dir = moduleFolder('importer-test');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const moduleFor = (json: string, name: string) => importToFile(json, { out: join(dir, `${name}.ts`), force: true });

/** What the written module builds (a fresh import, like the round trip's). */
async function rebuilt(file: string): Promise<{ panels?: Panelish[] }> {
  const copy = file.replace(/\.ts$/, `-copy-${Date.now()}.ts`);
  writeFileSync(copy, readFileSync(file, 'utf8'));
  try {
    const module = (await import(copy)) as Record<string, unknown>;
    const build = Object.entries(module).find(([name]) => name.endsWith('Dashboard'))?.[1] as () => { build(): unknown };
    return JSON.parse(JSON.stringify(build().build())) as { panels?: Panelish[] };
  } finally {
    rmSync(copy, { force: true });
  }
}

describe("this project's generated dashboards round-trip", () => {
  for (const file of readdirSync(GENERATED).filter((f) => f.endsWith('.json'))) {
    test(file, async () => {
      const report = await moduleFor(join(GENERATED, file), file.replace('.json', ''));
      assert.deepEqual(report.warnings, []);
      assert.deepEqual(report.differences, []);
      const source = readFileSync(report.outFile, 'utf8');
      assert.doesNotMatch(source, /\/\/ TODO\(import\):/);
      assert.match(source, /new dashboard\.DashboardBuilder\(/);
      // Every query names catalog metrics only: each is built by the typed builder (alone or as the holes of a
      // raw`…` template where the hand-written query has arithmetic), through this project's query() helper,
      // and none is a PromQL string.
      const input = JSON.parse(readFileSync(join(GENERATED, file), 'utf8')) as { panels?: Panelish[] };
      const queries = moduleQueries(source);
      assert.equal(queries.length, exprsOf(input).length);
      assert.deepEqual(
        queries.filter((q) => q.form === 'string').map((q) => q.text),
        [],
      );
      assert.ok(queries.every((q) => q.viaProjectHelper && q.builderCalls.length > 0));
      assert.ok(queries.some((q) => q.form === 'builder'));
      // The builder spells them as the hand-written modules did: the rebuilt text is the input's, to the byte.
      assert.deepEqual(exprsOf(await rebuilt(report.outFile)), exprsOf(input));
    });
  }

  test("every panel is this project's factory for its kind (timeSeriesPanel, statPanel, …), with what it adds chained on", () => {
    const panelsOf = (file: string) => {
      const model = JSON.parse(readFileSync(join(GENERATED, file), 'utf8')) as { panels: { type: string; panels?: { type: string }[] }[] };
      return model.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    };
    for (const file of ['queue-overview', 'queue-detail', 'exporter-health']) {
      const source = readFileSync(join(dir, `${file}.ts`), 'utf8');
      assert.equal(panelFactoryCalls(source).length, panelsOf(`${file}.json`).length, file);
      assert.doesNotMatch(source, /new \w+\.PanelBuilder\(\)/, file);
    }
    const overview = readFileSync(join(dir, 'queue-overview.ts'), 'utf8');
    const overviewFactories = panelFactoryCalls(overview);
    for (const factory of ['tablePanel', 'timeSeriesPanel', 'statPanel', 'barGaugePanel']) assert.ok(overviewFactories.includes(factory), factory);
    for (const id of ['organize', 'calculateField']) assert.match(overview, new RegExp(`id: '${id}'`));
    assert.ok(panelFactoryCalls(readFileSync(join(dir, 'queue-detail.ts'), 'utf8')).includes('heatmapPanel'));
    assert.ok(panelFactoryCalls(readFileSync(join(dir, 'exporter-health.ts'), 'utf8')).includes('stateTimelinePanel'));
    // What the factory does not set is chained on, as in the hand-written modules.
    assert.match(overview, /\}\)\s*\.colorScheme\(colorByThresholds\(\)\)/);
    assert.match(overview, /\.thresholds\(\s*thresholds\(\[/);
    assert.match(overview, /mergeFrames\(\)/);
    assert.doesNotMatch(overview, /id: 'merge'/);
    assert.match(overview, /\.dataLinks\(\[\s*new dashboard\.DashboardLinkBuilder\('Queue detail: \$\{__field\.labels\.queue_name\}'\)/);
  });

  test("selectors with this project's shared matchers are its selector helpers, the scope read from the $queue matcher", () => {
    const overview = readFileSync(join(dir, 'queue-overview.ts'), 'utf8');
    const detail = readFileSync(join(dir, 'queue-detail.ts'), 'utf8');
    const health = readFileSync(join(dir, 'exporter-health.ts'), 'utf8');
    // The overview's multi-value $queue (=~), the detail's one queue (=).
    assert.match(overview, /queueMediaSeries\('genesys_queue_depth', 'selected'\)/);
    assert.match(detail, /queueMediaSeries\('genesys_queue_depth', 'single'\)/);
    assert.match(detail, /queueSeries\('genesys_queue_info', 'single'\)/);
    assert.match(health, /clusterSeries\('genesys_up'\)/);
    // Further matchers are the helper's `extra`.
    assert.match(overview, /queueSeries\('genesys_queue_agents', 'selected', \{ routing_status: 'idle' \}\)/);
    for (const source of [overview, detail, health]) assert.doesNotMatch(source, /(?<![A-Za-z])series\(/);
  });

  test("without this project's datasource variable, the same panels are the SDK's builders, nested values too, queries still typed", async () => {
    const detail = JSON.parse(readFileSync(join(GENERATED, 'queue-detail.json'), 'utf8')) as Record<string, unknown>;
    const elsewhere = { type: 'prometheus', uid: 'another-prometheus' };
    const walk = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(walk);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'datasource' && typeof v === 'object' ? elsewhere : walk(v)]));
    };
    const input = join(dir, 'queue-detail-elsewhere.json');
    writeFileSync(input, JSON.stringify(walk(detail)));
    const report = await moduleFor(input, 'queue-detail-elsewhere');
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.differences, []);
    const source = readFileSync(report.outFile, 'utf8');
    assert.deepEqual(panelFactoryCalls(source), []);
    assert.match(source, /new heatmap\.PanelBuilder\(\)/);
    assert.match(source, /new timeseries\.PanelBuilder\(\)/);
    assert.match(source, /\.legend\(\s*new common\.VizLegendOptionsBuilder\(\)[\s\S]{0,80}\.displayMode\(common\.LegendDisplayMode\.Table\)/);
    assert.match(source, /\.reduceOptions\(\s*new common\.ReduceDataOptionsBuilder\(\)/);
    assert.match(source, /\.tooltip\(\s*new common\.VizTooltipOptionsBuilder\(\)/);
    assert.doesNotMatch(source, /verbatim\(/);
    const queries = moduleQueries(source);
    assert.ok(queries.length > 0);
    assert.ok(queries.every((q) => !q.viaProjectHelper && q.form !== 'string'));
    assert.match(source, /new prometheus\.DataqueryBuilder\(\)[\s\S]{0,200}\.expr\(\s*(raw\(|sum)/);
  });

  test("a query naming a metric the catalog lacks stays raw inside the panel factory's queries, with the reason", async () => {
    const health = JSON.parse(readFileSync(join(GENERATED, 'exporter-health.json'), 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const target = health.panels.flatMap((p) => p.targets ?? [])[0];
    assert.ok(target);
    target.expr = 'max(node_load1{cluster=~"$cluster"})';
    const input = join(dir, 'exporter-health-node.json');
    writeFileSync(input, JSON.stringify(health));
    const report = await moduleFor(input, 'exporter-health-node');
    assert.deepEqual(report.differences, []);
    assert.deepEqual(report.queries, { typed: exprsOf(health).length - 1, raw: 1 });
    const source = readFileSync(report.outFile, 'utf8');
    const [first, ...rest] = moduleQueries(source);
    assert.deepEqual(
      { form: first?.form, viaProjectHelper: first?.viaProjectHelper, comments: first?.comments, text: first?.text },
      {
        form: 'string',
        viaProjectHelper: true,
        comments: ['// Raw PromQL, not the typed builder: metric node_load1 is not in the catalog.'],
        text: `raw('max(node_load1{cluster=~"$cluster"})')`,
      },
    );
    assert.ok(rest.every((q) => q.form !== 'string'));
    assert.equal(exprsOf(await rebuilt(report.outFile))[0], target.expr);
  });

  test('value mappings are literals the compiler checks (enum members inside them)', async () => {
    const health = JSON.parse(readFileSync(join(GENERATED, 'exporter-health.json'), 'utf8')) as { panels: Record<string, unknown>[] };
    // Not this project's state timeline any more (its own datasource): the mappings are written out.
    for (const panel of health.panels) if (panel.type === 'state-timeline') panel.datasource = { type: 'prometheus', uid: 'another-prometheus' };
    const input = join(dir, 'exporter-health-elsewhere.json');
    writeFileSync(input, JSON.stringify(health));
    const report = await moduleFor(input, 'exporter-health-elsewhere');
    assert.deepEqual(report.differences, []);
    const source = readFileSync(report.outFile, 'utf8');
    assert.match(source, /type: dashboard\.MappingType\.ValueToText/);
    assert.doesNotMatch(source, /verbatim\(/);
  });

  test('the module also exports the DashboardSource dashboards/index.ts lists, building the same dashboard', async () => {
    const module = (await import(join(dir, 'queue-detail.ts'))) as Record<string, () => { build(): unknown; module?: string; fileName?: string }>;
    const source = module.genesysCloudQueueDetailSource?.();
    assert.equal(source?.fileName, 'queue-detail.json');
    const expected = JSON.parse(readFileSync(join(GENERATED, 'queue-detail.json'), 'utf8')) as unknown;
    assert.deepEqual(dashboardDifferences(expected, JSON.parse(JSON.stringify(source?.build()))), []);
  });
});

describe('hand-made shapes', () => {
  test('rows, collapsed (panels inside) and expanded, round-trip; gauge, text, overrides and thresholds too', async () => {
    const report = await moduleFor(join(FIXTURES, 'rows.json'), 'rows');
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.differences, []);
    const source = readFileSync(report.outFile, 'utf8');
    assert.equal(source.match(/new dashboard\.RowBuilder\(/g)?.length, 2);
    assert.match(source, /\.collapsed\(true\)/);
    assert.match(source, /new gauge\.PanelBuilder\(\)/);
    assert.match(source, /new text\.PanelBuilder\(\)/);
    assert.match(source, /\.instant\(\)/);
    assert.match(source, /\.mode\(text\.TextMode\.Markdown\)/);
    // Every value here has a builder or a literal the compiler checks: nothing is passed verbatim.
    assert.doesNotMatch(source, /verbatim\(/);
  });

  test('repeated panels (repeat, repeatDirection, maxPerRow) and query/custom variables round-trip', async () => {
    const report = await moduleFor(join(FIXTURES, 'repeated.json'), 'repeated');
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.differences, []);
    const source = readFileSync(report.outFile, 'utf8');
    assert.match(source, /\.repeat\('queue'\)/);
    assert.match(source, /\.maxPerRow\(4\)/);
    assert.match(source, /\.repeatDirection\('v'\)/);
    assert.match(source, /new dashboard\.QueryVariableBuilder\('queue'\)/);
    assert.match(source, /new dashboard\.CustomVariableBuilder\('window'\)/);
    assert.match(source, /new dashboard\.RowBuilder\('Queue \$queue'\)[\s\S]{0,120}\.repeat\('queue'\)/);
  });

  test('catalog queries become builder calls in any spelling; a query naming what the catalog lacks stays raw PromQL, with the reason', async () => {
    const report = await moduleFor(join(FIXTURES, 'catalog-queries.json'), 'catalog-queries');
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.differences, []);
    const queries = moduleQueries(readFileSync(report.outFile, 'utf8'));
    assert.deepEqual(
      queries.map((q) => q.form),
      ['builder', 'string', 'string', 'template', 'builder', 'template'],
    );
    const [offered, cpu, team, top, p90, short] = queries;
    // Grafana's spelling (`sum(…) by (…)`, single quotes, a variable as the window) is the builder's query.
    assert.deepEqual(offered?.builderCalls, ['sumBy', 'rate', 'range', 'series']);
    assert.deepEqual(offered?.comments, []);
    assert.deepEqual(cpu?.comments, ['// Raw PromQL, not the typed builder: metric node_cpu_seconds_total is not in the catalog.']);
    assert.deepEqual(team?.comments, ['// Raw PromQL, not the typed builder: label team is not a label of genesys_queue_depth in the catalog.']);
    // topk is not in the builder: a template, its variable kept, the catalog selector inside still typed.
    assert.match(top?.text ?? '', /^raw\(`topk\(\$top, \$\{aggregateBy\('max', \['queue_name'\], series\('genesys_queue_longest_wait_seconds'/);
    assert.ok(p90?.builderCalls.includes('histogramQuantile'));
    // Strings, `${…}`, `$1` and backslashes of the template's own text survive; the offset keeps rate() a template.
    assert.deepEqual(short?.builderCalls, ['range', 'series']);
    const rebuiltExprs = exprsOf(await rebuilt(report.outFile));
    const inputExprs = exprsOf(JSON.parse(readFileSync(join(FIXTURES, 'catalog-queries.json'), 'utf8')) as { panels?: Panelish[] });
    // The raw ones are the input's bytes; the built ones are the builder's spelling of the same query.
    assert.equal(rebuiltExprs[1], inputExprs[1]);
    assert.equal(rebuiltExprs[2], inputExprs[2]);
    assert.equal(rebuiltExprs[5], inputExprs[5]);
    assert.equal(rebuiltExprs[0], 'sum by (queue_name) (rate(genesys_queue_offer_total{queue_name=~"$queue"}[$__rate_interval]))');
    assert.notEqual(rebuiltExprs[0], inputExprs[0]);
    rebuiltExprs.forEach((expr, i) => {
      assert.ok(samePromql(inputExprs[i] ?? '', expr), `${inputExprs[i]} vs ${expr}`);
    });
  });

  test("the API's export ({dashboard, meta}) imports like the bare model", async () => {
    const model = JSON.parse(readFileSync(join(FIXTURES, 'repeated.json'), 'utf8')) as unknown;
    const wrapped = join(dir, 'wrapped.json');
    writeFileSync(wrapped, JSON.stringify({ dashboard: model, meta: { folderUid: 'ops', version: 3 } }));
    const report = await moduleFor(wrapped, 'wrapped');
    assert.deepEqual(report.warnings, []);
    assert.deepEqual(report.differences, []);
    assert.match(readFileSync(report.outFile, 'utf8'), /new dashboard\.DashboardBuilder\('Repeated panels'\)/);
  });

  test('unsupported pieces are warnings and TODOs, and the round trip reports exactly those losses', async () => {
    const report = await moduleFor(join(FIXTURES, 'unsupported.json'), 'unsupported');
    const source = readFileSync(report.outFile, 'utf8');
    const expectedWarnings = [
      /^panel "Kept" \(id 1\): `ownerTeam` = "contact-center" has no timeseries\.PanelBuilder method/,
      /^panel "World map" \(id 2\): panel type "grafana-worldmap-panel" has no SDK builder/,
      /^panel "Shared panel" \(id 3\): library panel "Shared" \(uid "lib-1"\): its model lives in Grafana, not in this JSON; not rebuilt\. Unlink it in Grafana/,
      /^panel "Logs" \(id 4\): datasource type "loki" is not Prometheus/,
      /^panel "Logs" \(id 4\) query "A": datasource type "loki" is not Prometheus/,
    ];
    assert.equal(report.warnings.length, expectedWarnings.length, report.warnings.join('\n'));
    report.warnings.forEach((warning, i) => {
      assert.match(warning, expectedWarnings[i] as RegExp);
    });
    for (const warning of report.warnings) assert.ok(source.includes(`// TODO(import): ${warning.slice(0, 60)}`), `no TODO for: ${warning}`);
    // A library panel (its model is in Grafana, which is not here to ask) is a TODO naming it and the way out.
    assert.match(source, /\/\/ TODO\(import\): panel "Shared panel" \(id 3\): library panel "Shared" \(uid "lib-1"\).*Unlink it in Grafana.*import that\n/);
    // The world map's JSON is kept in its TODO, so nothing is lost even where nothing is rebuilt.
    assert.match(source, /sum by \(country\) \(visits\)/);
    assert.deepEqual(
      report.differences.map((d) => d.path),
      ['panels[id=1].ownerTeam', 'panels[id=2]', 'panels[id=3]'],
    );
  });
});

test('importing again to the same path with force rebuilds from the new file, not a cached module', async () => {
  const out = join(dir, 'twice.ts');
  const first = await importToFile(join(FIXTURES, 'rows.json'), { out, force: true });
  const second = await importToFile(join(FIXTURES, 'repeated.json'), { out, force: true });
  assert.equal(first.functionName, 'rowsCollapsedAndExpandedDashboard');
  assert.equal(second.functionName, 'repeatedPanelsDashboard');
  assert.deepEqual(second.differences, []);
});

/** Each file a tool's output names (`<path>.ts(…): error`, `<path>.ts format ━━`), by base name. */
const filesNamed = (output: string, pattern: RegExp) => [...new Set([...output.matchAll(pattern)].map((m) => basename(m[1] ?? '')))].sort();

test('every written module passes the typecheck and the biome format check, in one pass each; a type error or unformatted text in a copy is caught', () => {
  const modules = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(modules.length >= 6, `modules written: ${modules.join(', ')}`);
  const rows = readFileSync(join(dir, 'rows.ts'), 'utf8');
  assert.match(rows, /\.collapsed\(true\)/);
  assert.match(rows, /new dashboard\.DashboardBuilder\(/);
  // The canaries prove each check is live: one tsc program over all modules must fail on the copy with a wrong
  // argument type for an SDK method (and only there), biome on the copy respaced (and only there).
  const typeCanary = 'zz-canary-type-error.ts';
  writeFileSync(join(dir, typeCanary), rows.replace('.collapsed(true)', ".collapsed('yes')"));
  const tsc = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  rmSync(join(dir, typeCanary));
  assert.notEqual(tsc.status, 0, tsc.stdout + tsc.stderr);
  assert.deepEqual(filesNamed(tsc.stdout + tsc.stderr, /^(\S+\.ts)\(\d+,\d+\): error/gm), [typeCanary], tsc.stdout + tsc.stderr);
  assert.match(tsc.stdout, /: error TS2345: Argument of type '[^']+' is not assignable to parameter of type 'boolean'/);

  // One biome run over copies of all modules (biome skips files under node_modules, where they were written).
  const copies = mkdtempSync(join(tmpdir(), 'importer-format-'));
  try {
    for (const file of modules) copyFileSync(join(dir, file), join(copies, file));
    const formatCanary = 'zz-canary-unformatted.ts';
    writeFileSync(join(copies, formatCanary), rows.replace('new dashboard.DashboardBuilder(', 'new   dashboard.DashboardBuilder('));
    const biome = spawnSync(biomeBinary(), ['format', `--config-path=${join(ROOT, 'biome.jsonc')}`, copies], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const output = biome.stdout + biome.stderr;
    assert.notEqual(biome.status, 0, output);
    assert.match(output, new RegExp(`Checked ${modules.length + 1} files`), output);
    assert.deepEqual(filesNamed(output, /^(\S+\.ts) format ━/gm), [formatCanary], output);
  } finally {
    rmSync(copies, { recursive: true, force: true });
  }
});
