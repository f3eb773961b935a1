// `npm run new -- alert <Name>`: a new queue alert in the places an alert lives, ready to generate and
// test: its settings in RULE_SETTINGS and its rule in alerts/queue-alerts.ts (both inserted with ts-morph
// into the existing declarations, so formatting and neighbours are kept), a runbook section, and a promtool
// unit test at its `for` boundary. The condition is a placeholder (more than `threshold` contacts
// waiting) to be replaced; the test and the runbook then follow the real condition.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, Project, SyntaxKind } from 'ts-morph';

export const SCAFFOLD_FILES = {
  settings: 'alerts/rule-settings.ts',
  rules: 'alerts/queue-alerts.ts',
  runbooks: 'docs/runbooks.md',
} as const;

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export const promtoolTestPath = (name: string): string => `test/alerts/${kebab(name)}.promtool.yaml`;

const FOR = '5m';
const THRESHOLD = 100;

function ruleText(name: string): string {
  return `alertingRule(config, {
  alert: '${name}',
  // Placeholder condition from \`npm run new -- alert ${name}\`: replace it, then the promtool test and runbook.
  expr: raw(\`\${waiting} > \${config.rules.${name}.threshold}\`),
  severity: 'warning',
  summary: 'Queue {{ $labels.queue_name }}: ${name}',
  description: \`{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} (threshold \${config.rules.${name}.threshold}) for at least \${config.rules.${name}.for}.\`,
  keepFiringFor,
  dashboard: { key: 'queueDetail', perQueue: true },
})`;
}

function runbookSection(name: string): string {
  return `
## ${name}

**Meaning.** More than ${THRESHOLD} contacts have waited in the queue for ${FOR} (placeholder condition: say what
the alert really detects). Severity warning: Slack (in opening hours).

**Impact.** Who is affected and how, while it fires.

**Diagnosis.**
- The queue detail dashboard (the alert's dashboard_url): what to look at first.

**Fix.** What brings it back, and who can do it.
`;
}

function promtoolTest(name: string): string {
  const labels = 'job="genesys-cloud-exporter", instance="exporter:9813", queue_id="q1", queue_name="Support", media_type="voice"';
  return `# promtool unit test of ${name} (scaffolded by \`npm run new -- alert ${name}\`): nothing one evaluation before
# its \`for\` boundary, firing exactly at it. Run by test/alerts/promtool.test.ts.
rule_files:
  - ../../out/prometheus/recording_rules.yaml
  - ../../out/prometheus/alerting_rules.yaml
evaluation_interval: 1m
group_eval_order:
  - genesys-queue-recording
  - genesys-queue-alerts
  - genesys-exporter-alerts

tests:
  - interval: 1m
    input_series:
      - series: 'genesys_queue_depth{${labels}}'
        values: '${THRESHOLD + 1}x10'
    alert_rule_test:
      - eval_time: 4m
        alertname: ${name}
        exp_alerts: []
      - eval_time: ${FOR}
        alertname: ${name}
        exp_alerts:
          - exp_labels:
              severity: warning
              job: genesys-cloud-exporter
              queue_id: q1
              queue_name: Support
            exp_annotations:
              summary: 'Queue Support: ${name}'
              description: ${THRESHOLD + 1} contacts are waiting in queue Support (threshold ${THRESHOLD}) for at least ${FOR}.
              runbook_url: https://github.com/your-org/genesys-queue-observability/blob/main/docs/runbooks.md#${name.toLowerCase()}
              dashboard_url: http://localhost:3000/d/genesys-queue-detail?var-queue=Support
`;
}

/** Adds alert `name` under `root`; returns the files it changed or created. Throws naming the problem. */
export function scaffoldAlert(root: string, name: string): string[] {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`new alert: "${name}" is not a CamelCase alert name (e.g. QueueOverflowing)`);
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const settingsFile = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.settings));
  const rulesFile = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.rules));

  const declaration = settingsFile.getVariableDeclarationOrThrow('RULE_SETTINGS');
  let table = declaration.getInitializerOrThrow();
  while (Node.isSatisfiesExpression(table) || Node.isAsExpression(table)) table = table.getExpression();
  if (!Node.isObjectLiteralExpression(table)) throw new Error(`new alert: RULE_SETTINGS in ${SCAFFOLD_FILES.settings} is not an object literal`);
  if (table.getProperty(name) !== undefined) throw new Error(`new alert: ${name} already exists in RULE_SETTINGS (${SCAFFOLD_FILES.settings})`);

  const rules = rulesFile.getFunctionOrThrow('rules');
  const returned = rules.getDescendantsOfKind(SyntaxKind.ReturnStatement).at(-1)?.getExpression();
  if (!Node.isArrayLiteralExpression(returned)) throw new Error(`new alert: rules() in ${SCAFFOLD_FILES.rules} does not return an array literal`);

  const testPath = promtoolTestPath(name);
  if (existsSync(join(root, testPath))) throw new Error(`new alert: ${testPath} already exists`);

  table.addPropertyAssignment({ name, initializer: `{ for: duration('${FOR}'), threshold: count(${THRESHOLD}) }` });
  returned.addElement(ruleText(name), { useNewLines: true });
  // ts-morph's own layout of the inserted text, made consistent; the repository's formatter has the last word
  // (the CLI runs it on these files).
  for (const file of [settingsFile, rulesFile]) {
    file.formatText({ indentSize: 2, convertTabsToSpaces: true });
    file.saveSync();
  }
  const runbooks = join(root, SCAFFOLD_FILES.runbooks);
  writeFileSync(runbooks, `${readFileSync(runbooks, 'utf8').trimEnd()}\n${runbookSection(name)}`);
  writeFileSync(join(root, testPath), promtoolTest(name));
  return [SCAFFOLD_FILES.settings, SCAFFOLD_FILES.rules, SCAFFOLD_FILES.runbooks, testPath];
}
