// prometheus-operator: one PrometheusRule holding every recording and alerting rule group, built with the
// operator's typed model and validated against its schema.

// The model's own module, not the API group's index, which loads every model of the group (seconds of generate).
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { DELIVERY_TARGET_FOLDERS } from '../../config/delivery-targets.ts';
import { EXPORTER_JOB } from '../../config/project.ts';
import { RULES_FROM } from './generated-documents.ts';
import type { TargetFile } from './target-file.ts';

export const PROMETHEUS_RULE_PATH = `${DELIVERY_TARGET_FOLDERS.prometheusOperator}/prometheusrule.yaml`;
export const PROMETHEUS_RULE_NAME = `${EXPORTER_JOB}-rules`;

export function prometheusRuleFile(ruleGroups: readonly Record<string, unknown>[]): TargetFile {
  const model = new PrometheusRule({
    metadata: {
      name: PROMETHEUS_RULE_NAME,
      labels: { 'app.kubernetes.io/name': EXPORTER_JOB, 'app.kubernetes.io/component': 'rules' },
    },
    spec: { groups: ruleGroups as never },
  });
  return {
    path: PROMETHEUS_RULE_PATH,
    from: RULES_FROM,
    model,
    notes: [
      'Every recording and alerting rule of out/prometheus/, for prometheus-operator. Apply it with:',
      `  kubectl apply -n <namespace> -f out/${PROMETHEUS_RULE_PATH}`,
      'If your Prometheus selects rules by label (kube-prometheus-stack: `release: <helm release>`), add that label.',
    ],
  };
}
