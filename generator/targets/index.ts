// The delivery targets (config/delivery-targets.ts): wrappers around the generated dashboards and rules for
// prometheus-operator, grafana-operator, the Grafana sidecar, the Mimir/Cortex ruler and Grafana's HTTP API.
// A Kubernetes object that does not validate is a problem that stops the generator.

import type { DeliveryTargets } from '../../config/delivery-targets.ts';
import type { Artifact } from '../contract.ts';
import type { Problem } from '../problems.ts';
import { generatedHeader, renderYaml } from '../stable-render.ts';
import { generatedDocuments } from './generated-documents.ts';
import { grafanaApiPayload } from './grafana-api.ts';
import { grafanaDashboardFile, sidecarConfigMapFile } from './grafana-dashboards.ts';
import { mimirRulerFile } from './mimir-ruler.ts';
import { prometheusRuleFile } from './prometheus-operator.ts';
import { objectNameProblem, type TargetFile } from './target-file.ts';

function render(file: TargetFile): Artifact | Problem {
  const nameProblem = objectNameProblem(file.model.metadata?.name ?? '');
  if (nameProblem !== undefined) {
    return {
      module: file.from,
      item: `${file.model.kind} in out/${file.path}`,
      message: nameProblem,
      hint: "a dashboard's object name comes from its fileName: use lower-case letters, digits and '-' (e.g. 'queue-overview.json')",
    };
  }
  try {
    file.model.validate();
  } catch (error) {
    return {
      module: 'generator/targets/',
      item: `${file.model.kind} ${file.model.metadata?.name ?? ''}`,
      message: `does not validate against its schema: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'fix the wrapper in generator/targets/ (the dashboards and rules inside already passed their own checks)',
    };
  }
  const header = [...generatedHeader([file.from]), '', ...file.notes];
  return { path: file.path, content: renderYaml(file.model.toJSON(), header) };
}

/** The files of every switched-on target, made from the plain artifacts already generated. */
export function deliveryTargetArtifacts(
  targets: DeliveryTargets,
  plain: readonly Artifact[],
): { readonly artifacts: readonly Artifact[]; readonly problems: readonly Problem[] } {
  const { dashboards, ruleGroups } = generatedDocuments(plain);
  const kubernetes: TargetFile[] = [
    ...(targets.prometheusOperator ? [prometheusRuleFile(ruleGroups)] : []),
    ...(targets.grafanaOperator ? dashboards.map(grafanaDashboardFile) : []),
    ...(targets.grafanaSidecar ? dashboards.map(sidecarConfigMapFile) : []),
  ];
  const artifacts: Artifact[] = [];
  const problems: Problem[] = [];
  for (const result of kubernetes.map(render)) {
    if ('path' in result) artifacts.push(result);
    else problems.push(result);
  }
  if (targets.mimirRuler) artifacts.push(mimirRulerFile(ruleGroups));
  if (targets.grafanaApi) artifacts.push(...dashboards.map(grafanaApiPayload));
  return { artifacts, problems };
}
