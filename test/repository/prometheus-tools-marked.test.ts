// `npm run test:unit` must not need Prometheus or Alertmanager: it skips the tests marked
// `needsPrometheusTools`, and runTool/promtoolCheckMetrics refuse to run in that lane when a test lacks the mark.
// That refusal only sees the tools started through test/support/prometheus-tools.ts, so this checks that no
// test outside the slow lane starts one any other way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);
const TEST_ROOT = join(ROOT, 'test');
const THE_HELPER = 'test/support/prometheus-tools.ts';
const THIS_FILE = fileURLToPath(import.meta.url);

/** A child-process call whose command is one of the Prometheus or Alertmanager binaries, written out. */
const DIRECT_START =
  /\b(?:execFile|execFileSync|spawn|spawnSync|exec|execSync|execute|run)\(\s*['"`](promtool|amtool|prometheus|alertmanager|prometheus-alertmanager)\b/g;

function testSources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'e2e' && folder === TEST_ROOT ? [] : testSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function directStarts(text: string): string[] {
  return [...text.matchAll(DIRECT_START)].map((match) => `${match[1]} at line ${text.slice(0, match.index).split('\n').length}`);
}

test('the pattern finds a tool started directly, however the call is written', () => {
  assert.deepEqual(directStarts("x\nexecFileSync('promtool', ['check'])"), ['promtool at line 2']);
  assert.deepEqual(directStarts('await execute(`amtool`, [])'), ['amtool at line 1']);
  assert.deepEqual(directStarts("spawn( 'prometheus', args)"), ['prometheus at line 1']);
  assert.deepEqual(directStarts("runTool('promtool', [])  // through the helper"), []);
});

test('outside test/e2e, promtool and amtool are started only through the helper that knows the unit lane', () => {
  const files = testSources(TEST_ROOT);
  assert.ok(
    files.some((file) => file.endsWith('prometheus-tools.ts')),
    'the walk reaches test/support',
  );
  const offenders = files
    .filter((file) => relative(ROOT, file) !== THE_HELPER && file !== THIS_FILE) // this one only names them in samples
    .flatMap((file) => directStarts(readFileSync(file, 'utf8')).map((where) => `${relative(ROOT, file)}: ${where}`));
  assert.deepEqual(offenders, [], `start them with runTool or promtoolCheckMetrics from ${THE_HELPER} and mark the test needsPrometheusTools`);
});

test('in the unit lane the tests carry a skip reason, and a tool started without the mark is refused, naming the fix', async () => {
  const previous = process.env.TEST_WITHOUT_PROMETHEUS_TOOLS;
  process.env.TEST_WITHOUT_PROMETHEUS_TOOLS = '1';
  try {
    // A fresh instance of the module (the query makes another URL), evaluated with the lane's environment.
    const freshInstance: string = '../support/prometheus-tools.ts?unit-lane';
    const unitLane = (await import(freshInstance)) as typeof import('../support/prometheus-tools.ts');
    assert.equal(unitLane.WITHOUT_PROMETHEUS_TOOLS_ENV, 'TEST_WITHOUT_PROMETHEUS_TOOLS');
    assert.match(String(unitLane.needsPrometheusTools.skip), /npm run test:unit/);
    assert.throws(() => unitLane.runTool('promtool', ['--version']), /promtool runs in a test without needsPrometheusTools.*mark the test/);
    assert.throws(() => unitLane.promtoolCheckMetrics(''), /without needsPrometheusTools/);
  } finally {
    if (previous === undefined) delete process.env.TEST_WITHOUT_PROMETHEUS_TOOLS;
    else process.env.TEST_WITHOUT_PROMETHEUS_TOOLS = previous;
  }
});
