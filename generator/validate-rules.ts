// Checks rule modules: every expression against the catalog (and the recording rules, whose result
// labels are worked out from their own expressions), alert conventions (for, severity, annotations,
// runbook and dashboard links), recording rule names, and unique names.

import { parseDurationMs } from '../config/duration.ts';
import type { AlertingRule, RecordingRule, RuleSource } from './contract.ts';
import { substituteVariables } from './grafana-variables.ts';
import type { ExprProblem, Problem } from './problems.ts';
import { analyzePromql } from './promql-analysis.ts';
import { labelSet, UNKNOWN_LABELS, type SeriesInfo, type SeriesRegistry } from './series-registry.ts';

const SEVERITIES = ['critical', 'warning', 'info'];
/** `level:metric:operations`, https://prometheus.io/docs/practices/rules/#naming */
const RECORDING_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z0-9_]+$/;
const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;
const REQUIRED_ANNOTATIONS = ['summary', 'description', 'runbook_url', 'dashboard_url'] as const;

export const isRecording = (rule: AlertingRule | RecordingRule): rule is RecordingRule => 'record' in rule;

const isDuration = (value: unknown): value is string => typeof value === 'string' && parseDurationMs(value) !== undefined;
const isZeroDuration = (value: string): boolean => parseDurationMs(value) === 0;

export interface CheckedRules {
  readonly problems: readonly Problem[];
  /** The catalog's series plus the recorded ones, for the dashboards' queries. */
  readonly registry: SeriesRegistry;
}

interface Located<R> {
  readonly module: string;
  readonly group: string;
  readonly rule: R;
}

function located(sources: readonly RuleSource[]): Located<AlertingRule | RecordingRule>[] {
  return sources.flatMap((source) => source.groups.flatMap((group) => group.rules.map((rule) => ({ module: source.module, group: group.name, rule }))));
}

/** Recorded series with the labels their expressions keep (plus the rule's own labels). */
function recordedSeries(rules: readonly Located<RecordingRule>[], base: SeriesRegistry): SeriesInfo[] {
  const opaque = base.withRecorded(rules.map(({ rule, module }) => ({ name: rule.record, kind: 'recorded', labels: UNKNOWN_LABELS, origin: module })));
  return rules.map(({ rule, module }) => {
    const { outputLabels } = analyzePromql(rule.expr, opaque);
    const labels = outputLabels.known ? labelSet([...outputLabels.labels, ...Object.keys(rule.labels ?? {})]) : UNKNOWN_LABELS;
    return { name: rule.record, kind: 'recorded', labels, origin: `${module} record ${rule.record}` };
  });
}

function checkGroups(sources: readonly RuleSource[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    for (const group of source.groups) {
      const item = `group ${group.name}`;
      const add = (message: string, hint?: string): void => {
        problems.push({ module: source.module, item, message, ...(hint === undefined ? {} : { hint }) });
      };
      if (group.name.trim() === '') add('has no name');
      const previous = seen.get(group.name);
      if (previous !== undefined) add(`group name is also used in ${previous}`, 'rule group names must be unique');
      seen.set(group.name, source.module);
      if (group.interval !== undefined && !isDuration(group.interval)) add(`interval "${group.interval}" is not a Prometheus duration`, "e.g. '30s', '1m'");
      if (group.rules.length === 0) add('has no rules');
      const kinds = new Set(group.rules.map((rule) => (isRecording(rule) ? 'recording' : 'alerting')));
      if (kinds.size > 1) add('mixes alerting and recording rules', 'split it: they are written to separate files');
    }
  }
  return problems;
}

/** Rules run inside Prometheus, where Grafana's $variables mean nothing (and do not parse). */
function grafanaVariableProblems(expr: string): ExprProblem[] {
  const used = substituteVariables(expr, []).variablesUsed;
  return used.length === 0
    ? []
    : [
        {
          message: `uses the Grafana variable $${used[0] ?? ''}, which Prometheus does not substitute`,
          hint: 'rules use fixed windows and values, e.g. rate(x[5m])',
        },
      ];
}

function checkRecording(rule: RecordingRule, registry: SeriesRegistry): ExprProblem[] {
  const problems: ExprProblem[] = [...grafanaVariableProblems(rule.expr)];
  if (problems.length > 0) return problems;
  if (!RECORDING_NAME.test(rule.record)) {
    problems.push({
      message: `recording rule name "${rule.record}" is not level:metric:operations`,
      hint: 'e.g. queue_name:genesys_queue_wait_time_seconds:p95_rate5m',
    });
  }
  problems.push(...analyzePromql(rule.expr, registry).problems);
  return problems;
}

function checkAlert(rule: AlertingRule, registry: SeriesRegistry, dashboardUids: ReadonlySet<string>): ExprProblem[] {
  const problems: ExprProblem[] = [];
  if (!ALERT_NAME.test(rule.alert)) problems.push({ message: `alert name "${rule.alert}" is not CamelCase`, hint: 'e.g. QueueDepthCritical' });
  if (!isDuration(rule.for)) {
    problems.push({
      message: rule.for === undefined ? 'has no for' : `for "${String(rule.for)}" is not a Prometheus duration`,
      hint: "every alert waits before firing: for: '5m'",
    });
  } else if (isZeroDuration(rule.for)) {
    problems.push({ message: `for is ${rule.for}: the alert would fire on a single evaluation`, hint: "use at least one evaluation interval, e.g. for: '1m'" });
  }
  if (rule.keep_firing_for !== undefined && (!isDuration(rule.keep_firing_for) || isZeroDuration(rule.keep_firing_for))) {
    problems.push({
      message: `keep_firing_for "${String(rule.keep_firing_for)}" is not a Prometheus duration above 0`,
      hint: "e.g. keep_firing_for: '5m', or leave it out",
    });
  }
  const severity = rule.labels?.severity;
  if (!SEVERITIES.includes(String(severity))) {
    problems.push({
      message: `labels.severity is ${severity === undefined ? 'missing' : `"${String(severity)}"`}`,
      hint: `use one of ${SEVERITIES.join(', ')}`,
    });
  }
  const annotations: Readonly<Record<string, string | undefined>> = rule.annotations ?? {};
  for (const key of REQUIRED_ANNOTATIONS) {
    if ((annotations[key] ?? '').trim() === '')
      problems.push({ message: `annotation ${key} is missing`, hint: 'every alert has summary, description, runbook_url and dashboard_url' });
  }
  for (const key of ['runbook_url', 'dashboard_url']) {
    const url = annotations[key];
    if (url !== undefined && url !== '' && !/^https?:\/\//.test(url) && !url.includes('{{')) {
      problems.push({ message: `annotation ${key} "${url}" is not an absolute http(s) URL` });
    }
  }
  const dashboardUid = /\/d\/([^/?#]+)/.exec(annotations['dashboard_url'] ?? '')?.[1];
  if (dashboardUid !== undefined && dashboardUids.size > 0 && !dashboardUids.has(dashboardUid)) {
    problems.push({
      message: `dashboard_url points at dashboard uid "${dashboardUid}", which no dashboard module builds`,
      hint: `known uids: ${[...dashboardUids].sort().join(', ')}`,
    });
  }
  const variables = grafanaVariableProblems(rule.expr);
  if (variables.length > 0) return [...problems, ...variables];
  const analysis = analyzePromql(rule.expr, registry);
  problems.push(...analysis.problems);
  if (analysis.outputLabels.known) {
    const labels = new Set([...analysis.outputLabels.labels, ...Object.keys(rule.labels ?? {})]);
    if (labels.has('queue_name') && !/\{\{[^}]*\$labels\.queue_name[^}]*\}\}/.test(annotations['description'] ?? '')) {
      problems.push({
        message: 'description does not name the queue, but the alert keeps queue_name',
        hint: 'include {{ $labels.queue_name }} in the description',
      });
    }
    for (const key of Object.keys(annotations).sort()) {
      for (const match of (annotations[key] ?? '').matchAll(/\$labels\.(\w+)/g)) {
        const label = match[1] ?? '';
        if (!labels.has(label)) {
          problems.push({
            message: `annotation ${key} uses $labels.${label}, which the alert's series do not carry`,
            hint: `they carry: ${[...labels].sort().join(', ') || 'no labels'}`,
          });
        }
      }
    }
  }
  return problems;
}

export function checkRules(sources: readonly RuleSource[], base: SeriesRegistry, dashboardUids: ReadonlySet<string>): CheckedRules {
  const rules = located(sources);
  const recording = rules.filter((r): r is Located<RecordingRule> => isRecording(r.rule));
  const registry = base.withRecorded(recordedSeries(recording, base));
  const problems = checkGroups(sources);
  const names = new Map<string, string>();
  for (const { module, group, rule } of rules) {
    const name = isRecording(rule) ? rule.record : rule.alert;
    const item = `rule ${name}`;
    const previous = names.get(name);
    const found: ExprProblem[] = [];
    if (previous !== undefined && !isRecording(rule)) found.push({ message: `alert name is also used in ${previous}`, hint: 'alert names must be unique' });
    if (previous !== undefined && isRecording(rule))
      found.push({ message: `record name is also used in ${previous}`, hint: 'each recorded series is defined once' });
    names.set(name, `${module} group ${group}`);
    found.push(...(isRecording(rule) ? checkRecording(rule, registry) : checkAlert(rule, registry, dashboardUids)));
    problems.push(...found.map((p) => ({ module, item, ...p })));
  }
  return { problems, registry };
}
