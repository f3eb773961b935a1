// The rule files and alertmanager.yml the alert tests run against: the ones `npm run generate` wrote to
// out/ (what ships). When out/ has not been generated yet, the same sources rendered by the generator's
// own renderers into a temp folder laid out like out/ (and that is also how a variant config is rendered).

import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { alertmanagerSource, defaultAlertsConfig, ruleSources, type AlertsConfig } from '../../../alerts/index.ts';
import { renderAlertmanagerConfig } from '../../../generator/render-alertmanager.ts';
import { renderAlertingRules, renderRecordingRules } from '../../../generator/render-rules.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export const SHIPPED = {
  alertingRules: 'prometheus/alerting_rules.yaml',
  recordingRules: 'prometheus/recording_rules.yaml',
  alertmanager: 'alertmanager/alertmanager.yml',
} as const;

export interface RuleFiles {
  /** Folder laid out like out/. */
  readonly root: string;
  readonly source: 'out/ (npm run generate)' | 'rendered in a temp folder';
  path(file: keyof typeof SHIPPED): string;
  dispose(): Promise<void>;
}

const OUT = join(REPO_ROOT, 'out');

function filesIn(root: string, source: RuleFiles['source'], dispose: () => Promise<void>): RuleFiles {
  return { root, source, path: (file) => join(root, SHIPPED[file]), dispose };
}

/** Renders a config's rules and alertmanager.yml into a new temp folder laid out like out/. */
export async function renderToTemp(config: AlertsConfig = defaultAlertsConfig): Promise<RuleFiles> {
  const root = await mkdtemp(join(tmpdir(), 'alerts-rules-'));
  const sources = ruleSources(config);
  await mkdir(join(root, 'prometheus'));
  await mkdir(join(root, 'alertmanager'));
  await writeFile(join(root, SHIPPED.recordingRules), renderRecordingRules(sources));
  await writeFile(join(root, SHIPPED.alertingRules), renderAlertingRules(sources));
  const alertmanager = alertmanagerSource(config);
  await writeFile(join(root, SHIPPED.alertmanager), renderAlertmanagerConfig(alertmanager.module, alertmanager.config));
  return filesIn(root, 'rendered in a temp folder', () => rm(root, { recursive: true, force: true }));
}

export async function ruleFiles(): Promise<RuleFiles> {
  const shipped = Object.values(SHIPPED).every((file) => existsSync(join(OUT, file)));
  return shipped ? filesIn(OUT, 'out/ (npm run generate)', async () => {}) : renderToTemp();
}
