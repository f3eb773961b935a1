// `npm run new -- alert <Name> [--scope queue|exporter]`: a new alert in the places an alert lives, ready to
// generate and test: its settings in RULE_SETTINGS and its rule in the rules() of its module (both inserted
// with ts-morph into the existing declarations, so formatting and neighbours are kept), a runbook section, and
// a promtool unit test at its `for` boundary. A queue alert (the default) goes to alerts/queue-alerts.ts, per
// queue; an exporter alert (about the exporter itself, per exporter instance, like GenesysStreamingFallback)
// to alerts/exporter-alerts.ts. The condition is a placeholder (more than `threshold` contacts waiting in the
// queue; more than `threshold` queues exported) to be replaced; the test and the runbook then follow the real
// condition.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Node, Project, SyntaxKind } from 'ts-morph';

/** What an alert is about: one queue (labelled per queue, silenced while the exporter is down) or the exporter. */
export const ALERT_SCOPES = ['queue', 'exporter'] as const;
export type AlertScope = (typeof ALERT_SCOPES)[number];

export const SCAFFOLD_FILES = {
  settings: 'alerts/rule-settings.ts',
  runbooks: 'docs/runbooks.md',
} as const;

/** The module whose rules() gets the alert of each scope. */
export const RULES_MODULES = {
  queue: 'alerts/queue-alerts.ts',
  exporter: 'alerts/exporter-alerts.ts',
} as const satisfies Record<AlertScope, string>;

const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export const promtoolTestPath = (name: string): string => `test/alerts/${kebab(name)}.promtool.yaml`;

const FOR = '5m';
const THRESHOLD = 100;

function queueRuleText(name: string): string {
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

// Inserted into alerts/exporter-alerts.ts rules(), where job, aggregateBy, series, raw and EXPORTER_KEY are in scope.
function exporterRuleText(name: string): string {
  return `alertingRule(config, {
  alert: '${name}',
  // Placeholder condition from \`npm run new -- alert ${name} --scope exporter\`: replace it, then the promtool test and runbook.
  expr: raw(\`\${aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_queues', { job }))} > \${config.rules.${name}.threshold}\`),
  severity: 'warning',
  summary: 'The Genesys Cloud exporter {{ $labels.instance }}: ${name}',
  description: \`{{ $value }} queues are exported by {{ $labels.instance }} (threshold \${config.rules.${name}.threshold}) for at least \${config.rules.${name}.for}.\`,
  dashboard: { key: 'exporterHealth', perQueue: false },
})`;
}

const queueMeaning = `**Meaning.** More than ${THRESHOLD} contacts have waited in the queue for ${FOR} (placeholder condition: say what
the alert really detects). Severity warning: Slack (in opening hours).`;

const exporterMeaning = `**Meaning.** The exporter has exported more than ${THRESHOLD} queues for ${FOR} (placeholder condition: say what
the alert really detects). Severity warning: Slack, at any hour (the exporter's warnings are not held to opening hours).`;

function runbookSection(name: string, scope: AlertScope): string {
  return `
## ${name}

${SCOPES[scope].meaning}

**Impact.** Who is affected and how, while it fires.

**Diagnosis.**
- The ${scope === 'queue' ? 'queue detail' : 'exporter health'} dashboard (the alert's dashboard_url): what to look at first.

**Fix.** What brings it back, and who can do it.
`;
}

function promtoolTest(name: string, scope: AlertScope): string {
  const command = `npm run new -- alert ${name}${scope === 'queue' ? '' : ` --scope ${scope}`}`;
  return `# promtool unit test of ${name} (scaffolded by \`${command}\`): nothing one evaluation before
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
${SCOPES[scope].promtoolCase(name)}`;
}

const TEST_LABELS = 'job="genesys-cloud-exporter", instance="exporter:9813"';

/** What a scope's promtool case feeds the rule and expects of it; the case around them is the same. */
interface PromtoolCase {
  /** The input series' name and labels, after the job and instance. */
  readonly series: string;
  /** The expected labels besides severity and job, as `key: value`. */
  readonly labels: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly dashboardUrl: string;
}

function promtoolCase(name: string, expected: PromtoolCase): string {
  return `  - interval: 1m
    input_series:
      - series: '${expected.series}'
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
${expected.labels.map((label) => `              ${label}\n`).join('')}            exp_annotations:
              summary: '${expected.summary}'
              description: ${expected.description}
              runbook_url: https://github.com/your-org/genesys-queue-observability/blob/main/docs/runbooks.md#${name.toLowerCase()}
              dashboard_url: ${expected.dashboardUrl}
`;
}

const queuePromtoolCase = (name: string): string =>
  promtoolCase(name, {
    series: `genesys_queue_depth{${TEST_LABELS}, queue_id="q1", queue_name="Support", media_type="voice"}`,
    labels: ['queue_id: q1', 'queue_name: Support'],
    summary: `Queue Support: ${name}`,
    description: `${THRESHOLD + 1} contacts are waiting in queue Support (threshold ${THRESHOLD}) for at least ${FOR}.`,
    dashboardUrl: 'http://localhost:3000/d/genesys-queue-detail?var-queue=Support',
  });

const exporterPromtoolCase = (name: string): string =>
  promtoolCase(name, {
    series: `genesys_exporter_queues{${TEST_LABELS}}`,
    labels: ['instance: exporter:9813'],
    summary: `The Genesys Cloud exporter exporter:9813: ${name}`,
    description: `${THRESHOLD + 1} queues are exported by exporter:9813 (threshold ${THRESHOLD}) for at least ${FOR}.`,
    dashboardUrl: 'http://localhost:3000/d/genesys-exporter-health',
  });

/** What differs between the scopes: the rule (in its module's rules(), with that module's names in scope), the
 * runbook's Meaning paragraph, and the promtool test's series and expected labels. */
interface ScopeTemplate {
  rule(name: string): string;
  readonly meaning: string;
  promtoolCase(name: string): string;
}

const SCOPES: Record<AlertScope, ScopeTemplate> = {
  queue: { rule: queueRuleText, meaning: queueMeaning, promtoolCase: queuePromtoolCase },
  exporter: { rule: exporterRuleText, meaning: exporterMeaning, promtoolCase: exporterPromtoolCase },
};

/** Adds alert `name` of `scope` under `root`; returns the files it changed or created. Throws naming the problem. */
export function scaffoldAlert(root: string, name: string, scope: AlertScope = 'queue'): string[] {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`new alert: "${name}" is not a CamelCase alert name (e.g. QueueOverflowing)`);
  const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  const settingsFile = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.settings));
  const rulesModule = RULES_MODULES[scope];
  const rulesFile = project.addSourceFileAtPath(join(root, rulesModule));

  const declaration = settingsFile.getVariableDeclarationOrThrow('RULE_SETTINGS');
  let table = declaration.getInitializerOrThrow();
  while (Node.isSatisfiesExpression(table) || Node.isAsExpression(table)) table = table.getExpression();
  if (!Node.isObjectLiteralExpression(table)) throw new Error(`new alert: RULE_SETTINGS in ${SCAFFOLD_FILES.settings} is not an object literal`);
  if (table.getProperty(name) !== undefined) throw new Error(`new alert: ${name} already exists in RULE_SETTINGS (${SCAFFOLD_FILES.settings})`);

  const rules = rulesFile.getFunctionOrThrow('rules');
  const returned = rules.getDescendantsOfKind(SyntaxKind.ReturnStatement).at(-1)?.getExpression();
  if (!Node.isArrayLiteralExpression(returned)) throw new Error(`new alert: rules() in ${rulesModule} does not return an array literal`);

  const testPath = promtoolTestPath(name);
  if (existsSync(join(root, testPath))) throw new Error(`new alert: ${testPath} already exists`);

  table.addPropertyAssignment({ name, initializer: `{ for: duration('${FOR}'), threshold: count(${THRESHOLD}) }` });
  returned.addElement(SCOPES[scope].rule(name), { useNewLines: true });
  // ts-morph's own layout of the inserted text, made consistent; the repository's formatter has the last word
  // (the CLI runs it on these files).
  for (const file of [settingsFile, rulesFile]) {
    file.formatText({ indentSize: 2, convertTabsToSpaces: true });
    file.saveSync();
  }
  const runbooks = join(root, SCAFFOLD_FILES.runbooks);
  writeFileSync(runbooks, `${readFileSync(runbooks, 'utf8').trimEnd()}\n${runbookSection(name, scope)}`);
  writeFileSync(join(root, testPath), promtoolTest(name, scope));
  return [SCAFFOLD_FILES.settings, rulesModule, SCAFFOLD_FILES.runbooks, testPath];
}
