// The generator's inputs: the dashboard and alert modules, imported statically (so the type checker sees
// every export the generator uses), all called with ONE config, the defaults or the defaults with a
// `--config` override merged in. A mistake in the override file or an exception inside a module becomes
// an error naming the file or the module.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { load } from 'js-yaml';
import { type AlertsConfig, alertmanagerSource, defaultAlertsConfig, parseAlertsConfigOverride, ruleSources } from '../alerts/index.ts';
import { dashboardSources } from '../dashboards/index.ts';
import type { GeneratorInputs } from './generate-artifacts.ts';

export class SourceLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SourceLoadError';
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Reads a JSON or YAML config override file (the format follows the extension; YAML otherwise). */
function readOverrideFile(file: string): unknown {
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

/** The config the modules are called with: the defaults, with the override file merged in if given. */
export function loadConfig(configFile: string | undefined): AlertsConfig {
  if (configFile === undefined) return defaultAlertsConfig;
  const input = readOverrideFile(configFile);
  try {
    return parseAlertsConfigOverride(input, defaultAlertsConfig);
  } catch (error) {
    throw new SourceLoadError(`--config ${configFile}: ${message(error)}`, { cause: error });
  }
}

function call<T>(module: string, name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new SourceLoadError(`${module} › ${name}() threw: ${message(error)}`, { cause: error });
  }
}

/** Every module's declarations for one config: dashboards, rules and Alertmanager agree by construction. */
export function generatorInputs(config: AlertsConfig): GeneratorInputs {
  return {
    dashboards: call('dashboards/index.ts', 'dashboardSources', () => dashboardSources(config)),
    ruleSources: call('alerts/index.ts', 'ruleSources', () => ruleSources(config)),
    alertmanager: call('alerts/index.ts', 'alertmanagerSource', () => alertmanagerSource(config)),
    targets: config.targets,
  };
}

export function loadInputs(configFile: string | undefined): GeneratorInputs {
  return generatorInputs(loadConfig(configFile));
}
