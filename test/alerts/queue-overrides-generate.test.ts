// `npm run generate -- --config <file>` with a per-queue override: the written dashboards colour the matching
// queue against its own limit (and nothing else changes colour), the written rules carry the same limit.
// The CLI on the real modules, into a temp folder.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

function generate(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'generate.ts', ...args], { cwd: REPO }, (error, _stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stderr });
    });
  });
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
    const results = await Promise.all([generate(['--out', withOverride, '--no-readme', '--config', config]), generate(['--out', without, '--no-readme'])]);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
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
