// `npm run new -- alert <Name>` on copies of the modules it edits: the settings entry and the rule are
// inserted into the existing declarations (read back through ts-morph), the runbook section has the four
// parts the runbook test asks for, the promtool test is at the `for` boundary; names that exist or are not
// CamelCase are refused. (That a scaffolded alert generates and passes promtool was checked on the real
// tree when this was written; generate type-checks it.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { Node, Project, SyntaxKind } from 'ts-morph';
import { promtoolTestPath, SCAFFOLD_FILES, scaffoldAlert } from '../../generator/scaffold-alert.ts';

const REPO = resolve(import.meta.dirname, '../..');

describe('new alert scaffolding', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'scaffold-alert-'));
    for (const file of Object.values(SCAFFOLD_FILES)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(join(REPO, file), join(root, file));
    }
    mkdirSync(join(root, 'test/alerts'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('inserts the settings, the rule, a runbook section and a promtool test', () => {
    const changed = scaffoldAlert(root, 'QueueOverflowing');
    assert.deepEqual(changed, [...Object.values(SCAFFOLD_FILES), 'test/alerts/queue-overflowing.promtool.yaml']);

    const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
    const settings = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.settings));
    const table = settings
      .getVariableDeclarationOrThrow('RULE_SETTINGS')
      .getInitializerOrThrow()
      .getFirstDescendantByKindOrThrow(SyntaxKind.ObjectLiteralExpression);
    const entry = table.getProperty('QueueOverflowing');
    assert.ok(Node.isPropertyAssignment(entry), 'RULE_SETTINGS has QueueOverflowing');
    assert.equal(entry.getInitializer()?.getText(), "{ for: duration('5m'), threshold: count(100) }");
    // Inserted, not appended as text: the other alerts are still there, before it.
    assert.equal(table.getProperties().at(-1), entry);
    assert.ok(table.getProperty('QueueDepthCritical'));

    const rules = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.rules)).getFunctionOrThrow('rules');
    const elements =
      rules.getDescendantsOfKind(SyntaxKind.ReturnStatement).at(-1)?.getExpressionIfKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements() ?? [];
    assert.match(elements.at(-1)?.getText() ?? '', /^alertingRule\(config, \{\s+alert: 'QueueOverflowing',/);
    assert.ok(elements.length >= 5, 'the existing rules stay');

    const runbooks = readFileSync(join(root, SCAFFOLD_FILES.runbooks), 'utf8');
    const section = runbooks.slice(runbooks.indexOf('\n## QueueOverflowing\n'));
    for (const part of ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**']) assert.ok(section.includes(part), part);

    const unitTest = load(readFileSync(join(root, promtoolTestPath('QueueOverflowing')), 'utf8')) as {
      tests: { alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const checks = unitTest.tests[0]?.alert_rule_test ?? [];
    assert.deepEqual(
      checks.map((c) => [c.eval_time, c.alertname, c.exp_alerts.length]),
      [
        ['4m', 'QueueOverflowing', 0],
        ['5m', 'QueueOverflowing', 1],
      ],
    );
  });

  test('refuses a name that exists or is not CamelCase, changing nothing', () => {
    const before = readFileSync(join(root, SCAFFOLD_FILES.settings), 'utf8');
    assert.throws(
      () => scaffoldAlert(root, 'QueueDepthCritical'),
      /new alert: QueueDepthCritical already exists in RULE_SETTINGS \(alerts\/rule-settings\.ts\)/,
    );
    assert.throws(() => scaffoldAlert(root, 'queue-overflowing'), /"queue-overflowing" is not a CamelCase alert name/);
    assert.equal(readFileSync(join(root, SCAFFOLD_FILES.settings), 'utf8'), before);
    assert.ok(!existsSync(join(root, promtoolTestPath('QueueDepthCritical'))));
  });
});
