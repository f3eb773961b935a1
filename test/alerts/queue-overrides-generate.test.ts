// `npm run generate -- --config <file>` with a per-queue override: the written dashboards colour the matching
// queue against its own limit (and nothing else changes colour), the written rules carry the same limit.
// The command's own run (loadInputs reads the --config file, run writes the folder) on the real modules, into a
// temp folder, in this process: the flag itself, through a process of its own, is test/e2e/generate-cli.test.ts's.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { loadInputs } from '../../generator/load-sources.ts';
import { run } from '../../generator/run.ts';

/** `generate --out <out> --no-readme [--config <config>]`. */
function generate(out: string, config?: string): void {
  const result = run({ mode: 'write', outDir: out, readme: undefined }, loadInputs(config));
  assert.equal(result.exitCode, 0, result.stderr.join('\n'));
}

interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: { steps: { value: number | null; color: string }[] } }[];
}
interface Dashboard {
  panels: { id: number; fieldConfig?: { overrides: Override[] }; panels?: Dashboard['panels'] }[];
}

async function panel(out: string, file: string, id: number) {
  const json = JSON.parse(await readFile(join(out, 'dashboards', file), 'utf8')) as Dashboard;
  const all = json.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const found = all.find((p) => p.id === id);
  assert.ok(found, `${file} panel ${id}`);
  return found;
}

const redFor = (overrides: readonly Override[], options: string) =>
  overrides
    .find((o) => o.matcher.id === 'byRegexp' && o.matcher.options === options)
    ?.properties.find((p) => p.id === 'thresholds')
    ?.value.steps.find((s) => s.color === 'red')?.value;

describe('generate --config with per-queue overrides', () => {
  let workspace: string;
  let withOverride: string;
  let without: string;
  before(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'queue-overrides-generate-'));
    const config = join(workspace, 'override.yaml');
    await writeFile(
      config,
      [
        'queueOverrides:',
        '  "Claims|Back office":',
        '    QueueDepthCritical: { maxWaiting: 200 }',
        '    WaitTimeDegradation: { maxP95WaitSeconds: { chat: 900 } }',
        '',
      ].join('\n'),
    );
    withOverride = join(workspace, 'out-override');
    without = join(workspace, 'out-plain');
    generate(withOverride, config);
    generate(without);
  });
  after(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  test('the matching queue gets its own thresholds on the depth and wait panels; without the override it has none', async () => {
    const depthBars = await panel(withOverride, 'queue-overview.json', OVERVIEW.waitingNow);
    assert.equal(redFor(depthBars.fieldConfig?.overrides ?? [], '^(?:Claims|Back office)$'), 200);
    const depthStat = await panel(withOverride, 'queue-detail.json', DETAIL.waitingNow);
    assert.equal(redFor(depthStat.fieldConfig?.overrides ?? [], '^(?:Claims|Back office)$'), 200);
    const p95 = await panel(withOverride, 'queue-overview.json', OVERVIEW.p95WaitByQueue);
    assert.equal(redFor(p95.fieldConfig?.overrides ?? [], '^(?:Claims|Back office) \\(chat\\)$'), 900);

    const plainBars = await panel(without, 'queue-overview.json', OVERVIEW.waitingNow);
    assert.equal(redFor(plainBars.fieldConfig?.overrides ?? [], '^(?:Claims|Back office)$'), undefined);
    const plainP95 = await panel(without, 'queue-overview.json', OVERVIEW.p95WaitByQueue);
    assert.equal(redFor(plainP95.fieldConfig?.overrides ?? [], '^(?:Claims|Back office) \\(chat\\)$'), undefined);
  });

  test('the written rules judge the same queues by the same limits', async () => {
    const rules = await readFile(join(withOverride, 'prometheus', 'alerting_rules.yaml'), 'utf8');
    assert.match(rules, /queue_name=~"Claims\|Back office"\}\) \+ 200\)/);
    assert.match(rules, /media_type="chat", queue_name=~"Claims\|Back office"\} \+ 900\)/);
    const plain = await readFile(join(without, 'prometheus', 'alerting_rules.yaml'), 'utf8');
    assert.doesNotMatch(plain, /Claims/);
  });
});
