// The diff engine: two generated trees (path → text) in, the structured change list out. No git, no
// generator: the tests feed it edited copies of out/, the CLI feeds it what each side generated.

import { diffAlertmanager } from './alertmanager.ts';
import { type DashboardFile, diffDashboards } from './dashboards.ts';
import { copiesOf } from './embedded.ts';
import { diffFile } from './files.ts';
import { isEmptyAlertmanagerChange, type FileChange, type Review } from './model.ts';
import { classify, parseJson, parseYaml, ReviewInputError } from './out-tree.ts';
import { diffRules } from './rules.ts';
import { isObject } from './value-diff.ts';

export type Tree = ReadonlyMap<string, string>;

function dashboards(tree: Tree, paths: readonly string[], side: string): DashboardFile[] {
  return paths.map((file) => {
    const json = parseJson(`${side} ${file}`, tree.get(file) ?? '');
    if (!isObject(json)) throw new ReviewInputError(`${side} ${file}: a dashboard must be a JSON object`);
    return { file, json };
  });
}

export function compareTrees(before: Tree, after: Tree, sides: Pick<Review, 'base' | 'head'>): Review {
  const a = classify(before);
  const b = classify(after);
  const ruleFiles = (tree: Tree, paths: readonly string[], side: string) =>
    paths.map((file) => ({ file, parsed: parseYaml(`${side} ${file}`, tree.get(file) ?? '') }));
  const alertmanagerConfig = (tree: Tree, paths: readonly string[], side: string): unknown =>
    paths[0] === undefined ? {} : parseYaml(`${side} ${paths[0]}`, tree.get(paths[0]) ?? '');
  const base = {
    dashboards: dashboards(before, a.dashboard, 'base'),
    ruleFiles: ruleFiles(before, a.rules, 'base'),
    alertmanager: alertmanagerConfig(before, a.alertmanager, 'base'),
  };
  const head = {
    dashboards: dashboards(after, b.dashboard, 'head'),
    ruleFiles: ruleFiles(after, b.rules, 'head'),
    alertmanager: alertmanagerConfig(after, b.alertmanager, 'head'),
  };
  const rules = diffRules(base.ruleFiles, head.ruleFiles);
  const alertmanager = diffAlertmanager(base.alertmanager, head.alertmanager);
  const copies = { before: copiesOf(base), after: copiesOf(head) };
  const otherPaths = [...new Set([...a.other, ...b.other])].sort();
  const files = otherPaths.map((path) => diffFile(path, before.get(path), after.get(path), copies)).filter((f): f is FileChange => f !== undefined);
  return {
    ...sides,
    dashboards: diffDashboards(base.dashboards, head.dashboards),
    ruleGroups: rules.ruleGroups,
    alerts: rules.alerts,
    recordingRules: rules.recordingRules,
    alertmanager: isEmptyAlertmanagerChange(alertmanager) ? null : alertmanager,
    files,
  };
}
