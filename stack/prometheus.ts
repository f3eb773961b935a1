// A real Prometheus (the Debian `prometheus` binary) for the stack, configured from the generated files.
//
// The generated scrape config and rule files are used as they are, except for a small transform that
// changes only what must differ on this machine (each change says why):
//  1. the exporter target: the generated config names the production host; here the exporter listens on a
//     free port of 127.0.0.1;
//  2. the scrape and rule-evaluation intervals: production uses 15 s (and the rule files may set their own
//     group interval); the stack uses seconds so the e2e tests see minutes of behaviour in under five;
//  3. the Alertmanager address: the generated config names an example (localhost:9093; in production it is
//     deployment-specific); here it is the stack's Alertmanager on a free port;
//  4. rule_files: absolute paths of the generated rule files, wherever they were generated.
// Everything else — job name, target labels, scrape timeout ratio, metric_relabel_configs, external_labels,
// every rule expression and `for` — stays as generated. Without intervals in the settings (the demo),
// change 2 is skipped and the generated 15 s apply.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { dump, load } from 'js-yaml';
import { EXPORTER_JOB } from '../config/project.ts';
import { LOOPBACK, httpUrl } from './ports.ts';
import { spawnManaged, waitForHttp, type ManagedProcess } from './processes.ts';
import { parseDurationMs } from '../config/duration.ts';
import { isPlainObject as isMap } from '../lib/plain-object.ts';

export interface TestPrometheusSettings {
  /** host:port of the exporter to scrape. */
  readonly exporterAddress: string;
  /** host:port of Alertmanager, or undefined for none. */
  readonly alertmanagerAddress?: string;
  /** undefined: keep the generated interval (the demo); the e2e tests shorten it. */
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  /** Absolute paths of the rule files to load. */
  readonly ruleFiles: readonly string[];
}

type YamlMap = Record<string, unknown>;

function fail(source: string, problem: string): never {
  throw new Error(`${source}: ${problem}`);
}

/**
 * The generated scrape config may be a whole prometheus.yml (with `scrape_configs`), a list of jobs, or one
 * job; returns a whole config either way, so the transform below has one shape to work on.
 */
function asWholeConfig(generated: unknown, source: string): YamlMap {
  if (isMap(generated) && Array.isArray(generated.scrape_configs)) return structuredClone(generated);
  if (Array.isArray(generated)) return { scrape_configs: structuredClone(generated) };
  if (isMap(generated) && typeof generated.job_name === 'string') return { scrape_configs: [structuredClone(generated)] };
  return fail(source, 'expected a Prometheus config with scrape_configs, a list of scrape jobs, or one scrape job');
}

const seconds = (value: number): string => `${value}s`;

/** Parses a Prometheus duration such as '10s', '1m30s', '500ms' into seconds. */
export function parsePrometheusDuration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) throw new Error(`not a Prometheus duration: '${text}'`);
  return ms / 1000;
}

/** The generated scrape config (parsed YAML), adjusted for this machine as described at the top. */
export function adaptScrapeConfig(generated: unknown, settings: TestPrometheusSettings, source = 'scrape_config.yaml'): YamlMap {
  const config = asWholeConfig(generated, source);
  const jobs = config.scrape_configs as unknown[];
  const job = jobs.find((entry): entry is YamlMap => isMap(entry) && entry.job_name === EXPORTER_JOB);
  if (job === undefined) fail(source, `no scrape job named '${EXPORTER_JOB}' (config/project.ts EXPORTER_JOB)`);

  // (1) the target: keep the generated target labels (cluster, …), replace only the address.
  const staticConfigs = Array.isArray(job.static_configs) ? job.static_configs.filter(isMap) : [];
  const labels = staticConfigs.map((entry) => entry.labels).find(isMap) ?? {};
  job.static_configs = [{ targets: [settings.exporterAddress], labels }];

  // (2) intervals, only when the stack asks for shorter ones; the generated timeout/interval ratio is kept
  // (10 s of 15 s), so a slow scrape still times out before the next one starts.
  const global = isMap(config.global) ? config.global : {};
  if (settings.scrapeIntervalSeconds !== undefined) {
    const generatedInterval = parsePrometheusDuration(String(job.scrape_interval ?? global.scrape_interval ?? '1m'));
    const generatedTimeout = parsePrometheusDuration(String(job.scrape_timeout ?? global.scrape_timeout ?? '10s'));
    const ratio = Math.min(1, generatedTimeout / generatedInterval);
    job.scrape_interval = seconds(settings.scrapeIntervalSeconds);
    job.scrape_timeout = `${Math.max(250, Math.floor(settings.scrapeIntervalSeconds * ratio * 1000))}ms`;
    global.scrape_interval = seconds(settings.scrapeIntervalSeconds);
    delete global.scrape_timeout;
  }
  if (settings.evaluationIntervalSeconds !== undefined) global.evaluation_interval = seconds(settings.evaluationIntervalSeconds);
  config.global = global;

  // (3) and (4)
  config.rule_files = [...settings.ruleFiles];
  if (settings.alertmanagerAddress === undefined) delete config.alerting;
  else config.alerting = { alertmanagers: [{ static_configs: [{ targets: [settings.alertmanagerAddress] }] }] };
  return config;
}

/**
 * A generated rule file with every group's own `interval` removed, so the stack's short global
 * evaluation interval applies (change 2 above). Expressions, `for`, labels and annotations are untouched.
 */
export function adaptRuleFile(generated: unknown, source: string): YamlMap {
  if (!isMap(generated) || !Array.isArray(generated.groups)) fail(source, 'expected a Prometheus rule file with groups');
  const copy = structuredClone(generated);
  for (const group of copy.groups as unknown[]) if (isMap(group)) delete group.interval;
  return copy;
}

export interface PrometheusOptions {
  /** Folder for prometheus.yml, rule copies, the TSDB and the log. */
  readonly workDir: string;
  readonly port: number;
  /** The generated scrape config file. */
  readonly scrapeConfigFile: string;
  /** The generated rule files. */
  readonly ruleFiles: readonly string[];
  readonly exporterAddress: string;
  readonly alertmanagerAddress?: string;
  readonly scrapeIntervalSeconds?: number;
  readonly evaluationIntervalSeconds?: number;
  readonly readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  readonly url: string;
  /** The exporter job's effective scrape interval (what Grafana's data source setting should say). */
  readonly scrapeIntervalSeconds: number;
  readonly process: ManagedProcess;
  readonly configFile: string;
}

function readYaml(file: string): unknown {
  try {
    return load(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  mkdirSync(join(options.workDir, 'rules'), { recursive: true });
  // Rule files are loaded from where they were generated, unless group intervals must go (change 2).
  const ruleCopies =
    options.evaluationIntervalSeconds === undefined
      ? options.ruleFiles.map((file) => resolve(file))
      : options.ruleFiles.map((file, index) => {
          const copy = join(options.workDir, 'rules', `${index}-${basename(file)}`);
          writeFileSync(copy, dump(adaptRuleFile(readYaml(file), file)));
          return copy;
        });
  const config = adaptScrapeConfig(
    readYaml(options.scrapeConfigFile),
    {
      exporterAddress: options.exporterAddress,
      alertmanagerAddress: options.alertmanagerAddress,
      scrapeIntervalSeconds: options.scrapeIntervalSeconds,
      evaluationIntervalSeconds: options.evaluationIntervalSeconds,
      ruleFiles: ruleCopies,
    },
    options.scrapeConfigFile,
  );
  const configFile = join(options.workDir, 'prometheus.yml');
  writeFileSync(configFile, dump(config));

  const process = spawnManaged({
    name: 'prometheus',
    command: 'prometheus',
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(options.workDir, 'data')}`,
      `--web.listen-address=${LOOPBACK}:${options.port}`,
      '--log.level=info',
    ],
    logFile: join(options.workDir, 'prometheus.log'),
  });
  const url = httpUrl(options.port);
  await waitForHttp(`${url}/-/ready`, { timeoutMs: options.readyTimeoutMs ?? 30_000, process });
  const job = (config.scrape_configs as YamlMap[]).find((entry) => entry.job_name === EXPORTER_JOB);
  return {
    url,
    process,
    configFile,
    scrapeIntervalSeconds: parsePrometheusDuration(String(job?.scrape_interval ?? (config.global as YamlMap).scrape_interval ?? '1m')),
  };
}
