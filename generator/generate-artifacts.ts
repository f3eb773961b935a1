// The generator's core: a pure function from the declared modules to the exact bytes of every output
// file, or the full list of problems. No file system access, so tests can hand it bad modules.

import { ALL_DELIVERY_TARGETS, type DeliveryTargets } from '../config/delivery-targets.ts';
import { deployArtifacts } from '../deploy/artifacts.ts';
import type { Artifact, DashboardSource, RuleSource } from './contract.ts';
import type { Problem } from './problems.ts';
import { ALERTMANAGER_PATH, inlineSecretProblems, renderAlertmanagerConfig } from './render-alertmanager.ts';
import { DASHBOARD_PROVIDER_PATH, DATASOURCE_PATH, renderDashboardProvider, renderDatasource } from './render-grafana-provisioning.ts';
import { renderScrapeConfig, SCRAPE_CONFIG_PATH } from './render-prometheus-config.ts';
import { ALERTING_RULES_PATH, RECORDING_RULES_PATH, renderAlertingRules, renderRecordingRules } from './render-rules.ts';
import { SeriesRegistry } from './series-registry.ts';
import { renderJson } from './stable-render.ts';
import { deliveryTargetArtifacts } from './targets/index.ts';
import { buildDashboard, checkDashboard, linkProblems } from './validate-dashboard.ts';
import { checkRules } from './validate-rules.ts';

export interface GeneratorInputs {
  readonly dashboards: readonly DashboardSource[];
  readonly ruleSources: readonly RuleSource[];
  /** The Alertmanager configuration and the module that declares it (for the header and errors). */
  readonly alertmanager: { readonly module: string; readonly config: Readonly<Record<string, unknown>> };
  /** Which wrappers (PrometheusRule, GrafanaDashboard, …) to write too; every one when unset. */
  readonly targets?: DeliveryTargets;
}

export type GenerateResult = { readonly ok: true; readonly artifacts: readonly Artifact[] } | { readonly ok: false; readonly problems: readonly Problem[] };

const DASHBOARD_FILE_NAME = /^[a-z0-9][a-z0-9._-]*\.json$/;

function fileNameProblems(dashboards: readonly DashboardSource[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const source of dashboards) {
    if (!DASHBOARD_FILE_NAME.test(source.fileName)) {
      problems.push({
        module: source.module,
        item: 'dashboard',
        message: `fileName "${source.fileName}" is not a plain lower-case .json file name`,
        hint: "e.g. 'queue-overview.json'",
      });
    }
    const previous = seen.get(source.fileName);
    if (previous !== undefined)
      problems.push({ module: source.module, item: 'dashboard', message: `fileName "${source.fileName}" is also written by ${previous}` });
    seen.set(source.fileName, source.module);
  }
  return problems;
}

function uidProblems(checked: readonly { module: string; uid: string | undefined }[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const { module, uid } of checked) {
    if (uid === undefined) continue;
    const previous = seen.get(uid);
    if (previous !== undefined)
      problems.push({
        module,
        item: 'dashboard',
        message: `uid "${uid}" is also used by ${previous}`,
        hint: 'dashboard uids must be unique (config/project.ts DASHBOARD_UIDS)',
      });
    seen.set(uid, module);
  }
  return problems;
}

export function generateArtifacts(inputs: GeneratorInputs): GenerateResult {
  const problems: Problem[] = [...fileNameProblems(inputs.dashboards)];
  const built = inputs.dashboards.map((source) => ({ source, result: buildDashboard(source) }));
  const dashboardUids = new Set<string>();
  for (const { result } of built) {
    if (!('model' in result)) continue;
    const uid = (result.model as { uid?: unknown } | null)?.uid;
    if (typeof uid === 'string') dashboardUids.add(uid);
  }
  // Rules first: the dashboards may query recorded series, whose labels come from the rules.
  const rules = checkRules(inputs.ruleSources, SeriesRegistry.fromCatalog(), dashboardUids);
  problems.push(...rules.problems);
  const checked = built.map(({ source, result }) => {
    if ('problem' in result) {
      problems.push(result.problem);
      return { module: source.module, uid: undefined, source, model: undefined };
    }
    const dashboard = checkDashboard(source, result.model, rules.registry);
    problems.push(...dashboard.problems);
    return { module: source.module, uid: dashboard.uid, source, model: result.model };
  });
  problems.push(...uidProblems(checked));
  for (const { module, model } of checked) problems.push(...linkProblems(module, model, dashboardUids));
  problems.push(...inlineSecretProblems(inputs.alertmanager.module, inputs.alertmanager.config));
  const deploy = deployArtifacts(); // out/deploy/: Dockerfile, Kubernetes manifests, systemd unit
  problems.push(...deploy.problems);
  if (problems.length > 0) return { ok: false, problems };

  const artifacts: Artifact[] = [
    ...checked.map(({ source, model }) => ({ path: `dashboards/${source.fileName}`, content: renderJson(model) })),
    { path: ALERTING_RULES_PATH, content: renderAlertingRules(inputs.ruleSources) },
    { path: RECORDING_RULES_PATH, content: renderRecordingRules(inputs.ruleSources) },
    { path: SCRAPE_CONFIG_PATH, content: renderScrapeConfig() },
    { path: ALERTMANAGER_PATH, content: renderAlertmanagerConfig(inputs.alertmanager.module, inputs.alertmanager.config) },
    { path: DASHBOARD_PROVIDER_PATH, content: renderDashboardProvider() },
    { path: DATASOURCE_PATH, content: renderDatasource() },
    ...deploy.artifacts,
  ];
  // Wrappers for operators' delivery paths, read back from the files above so they hold exact copies.
  const targets = deliveryTargetArtifacts(inputs.targets ?? ALL_DELIVERY_TARGETS, artifacts);
  if (targets.problems.length > 0) return { ok: false, problems: targets.problems };
  artifacts.push(...targets.artifacts);
  return { ok: true, artifacts: [...artifacts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}
