// Prometheus rule files (`groups:` format for rule_files): alerting and recording rules go to separate
// files so that a deployment can load one without the other.

import type { AlertingRule, RecordingRule, RuleGroup, RuleSource } from './contract.ts';
import { generatedHeader, renderYaml } from './stable-render.ts';
import { isRecording } from './validate-rules.ts';

export const ALERTING_RULES_PATH = 'prometheus/alerting_rules.yaml';
export const RECORDING_RULES_PATH = 'prometheus/recording_rules.yaml';

function plainRule(rule: AlertingRule | RecordingRule): Record<string, unknown> {
  if (isRecording(rule)) return { record: rule.record, expr: rule.expr, labels: rule.labels };
  const keepFiring = rule.keep_firing_for === undefined ? {} : { keep_firing_for: rule.keep_firing_for };
  return { alert: rule.alert, expr: rule.expr, for: rule.for, ...keepFiring, labels: { ...rule.labels }, annotations: { ...rule.annotations } };
}

function plainGroup(group: RuleGroup): Record<string, unknown> {
  return { name: group.name, interval: group.interval, rules: group.rules.map(plainRule) };
}

function renderRuleFile(sources: readonly RuleSource[], recording: boolean): string {
  const picked = sources.map((source) => ({
    module: source.module,
    groups: source.groups.filter((group) => group.rules.length > 0 && group.rules.every((rule) => isRecording(rule) === recording)),
  }));
  const modules = picked.filter((p) => p.groups.length > 0).map((p) => p.module);
  const header = generatedHeader(modules.length > 0 ? modules : ['alerts/ (no rules of this kind)']);
  return renderYaml({ groups: picked.flatMap((p) => p.groups.map(plainGroup)) }, [
    ...header,
    `Load it from prometheus.yml rule_files; check it with: promtool check rules ${recording ? 'recording' : 'alerting'}_rules.yaml`,
  ]);
}

export const renderAlertingRules = (sources: readonly RuleSource[]): string => renderRuleFile(sources, false);
export const renderRecordingRules = (sources: readonly RuleSource[]): string => renderRuleFile(sources, true);
