// Loads the dashboard and alert modules and the optional config override file, and turns any mistake
// there (a missing module or export, a bad override key) into an error that names the file.
// The modules are imported by path at run time so that the generator's own code does not depend on
// their internals, and a missing export is reported by name instead of as a type error elsewhere.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { load } from 'js-yaml';
import type { DashboardSource, RuleSource } from './contract.ts';
import type { GeneratorInputs } from './generate-artifacts.ts';

export class SourceLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceLoadError';
  }
}

const REPO_ROOT = new URL('../', import.meta.url);
export const DASHBOARDS_MODULE = 'dashboards/index.ts';
export const ALERTS_MODULE = 'alerts/index.ts';
export const ALERTS_CONFIG_MODULE = 'alerts/config.ts';

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function importModule(path: string): Promise<Record<string, unknown>> {
  try {
    return (await import(new URL(path, REPO_ROOT).href)) as Record<string, unknown>;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && message(error).includes(`/${path}'`);
    const reason = missing ? 'does not exist' : `could not be loaded: ${message(error)}`;
    throw new SourceLoadError(`${path} ${reason}`, { cause: error });
  }
}

function exported<T>(module: Record<string, unknown>, path: string, name: string, kind: 'function' | 'object'): T {
  const value = module[name];
  if (typeof value !== kind || value === null) throw new SourceLoadError(`${path} does not export ${kind} ${name}`);
  return value as T;
}

/** Reads a JSON or YAML config override file (the format follows the extension; YAML otherwise). */
export function readOverrideFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourceLoadError(`--config ${file}: cannot read: ${message(error)}`, { cause: error });
  }
  try {
    return extname(file).toLowerCase() === '.json' ? (JSON.parse(text) as unknown) : load(text);
  } catch (error) {
    throw new SourceLoadError(`--config ${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${message(error)}`, { cause: error });
  }
}

function call<T>(path: string, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SourceLoadError(`${path} › ${name}() threw: ${message(error)}`, { cause: error });
  }
}

export async function loadInputs(configFile: string | undefined): Promise<GeneratorInputs> {
  const configModule = await importModule(ALERTS_CONFIG_MODULE);
  const defaults = exported<object>(configModule, ALERTS_CONFIG_MODULE, 'defaultAlertsConfig', 'object');
  let config: unknown = defaults;
  if (configFile !== undefined) {
    const parse = exported<(input: unknown, base: unknown) => unknown>(configModule, ALERTS_CONFIG_MODULE, 'parseAlertsConfigOverride', 'function');
    const input = readOverrideFile(configFile);
    try {
      config = parse(input, defaults);
    } catch (error) {
      throw new SourceLoadError(`--config ${configFile}: ${message(error)}`, { cause: error });
    }
  }
  const alerts = await importModule(ALERTS_MODULE);
  const ruleSources = exported<(config: unknown) => RuleSource[]>(alerts, ALERTS_MODULE, 'ruleSources', 'function');
  const alertmanagerConfig = exported<(config: unknown) => Record<string, unknown>>(alerts, ALERTS_MODULE, 'alertmanagerConfig', 'function');
  const dashboards = await importModule(DASHBOARDS_MODULE);
  const dashboardSources = exported<() => DashboardSource[]>(dashboards, DASHBOARDS_MODULE, 'dashboardSources', 'function');
  return {
    dashboards: call(DASHBOARDS_MODULE, 'dashboardSources', dashboardSources),
    ruleSources: call(ALERTS_MODULE, 'ruleSources', () => ruleSources(config)),
    alertmanager: { module: 'alerts/alertmanager.ts', config: call(ALERTS_MODULE, 'alertmanagerConfig', () => alertmanagerConfig(config)) },
  };
}
